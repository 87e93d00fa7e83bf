"""Closed vocabularies shared by models, services and templates."""
from __future__ import annotations

import enum


class UnitKind(enum.StrEnum):
    """Levels of the organisation chart: a ministry or a city, its directions, their services."""

    ORGANISATION = "organisation"
    DIRECTION = "direction"
    SERVICE = "service"


class CallKind(enum.StrEnum):
    CALL_FOR_PROJECTS = "call_for_projects"  # appel à projets
    CALL_FOR_INTEREST = "call_for_interest"  # appel à manifestation d'intérêt
    INNOVATION_PRIZE = "innovation_prize"  # prix de l'innovation


class CallPhase(enum.StrEnum):
    """The life of a call, in order."""

    DRAFT = "draft"
    OPEN = "open"
    REVIEW = "review"
    DELIBERATION = "deliberation"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class CallRoleKind(enum.StrEnum):
    """Roles a person holds in one call; the platform administrator is a flag on the user."""

    ORGANISER = "organiser"
    REVIEWER = "reviewer"
    JURY = "jury"


class OutboxStatus(enum.StrEnum):
    QUEUED = "queued"  # waiting for its next attempt
    SENDING = "sending"  # claimed by a worker
    SENT = "sent"
    FAILED = "failed"  # permanent error, or attempts exhausted


class Locale(enum.StrEnum):
    FR = "fr"
    EN = "en"


class ReviewMode(enum.StrEnum):
    PANEL = "panel"  # invited reviewers
    PEER = "peer"  # the applicants review each other's projects


class BlindLevel(enum.StrEnum):
    OPEN = "open"  # reviewers see who the applicants are
    BLIND = "blind"  # the applicants' identity is hidden from reviewers everywhere


class QuestionKind(enum.StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    NUMBER = "number"
    DATE = "date"
    FILE = "file"


class SubmissionStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"


class MemberRole(enum.StrEnum):
    LEAD = "lead"  # porteur de projet: created the submission
    CO_APPLICANT = "co_applicant"


class PoolStatus(enum.StrEnum):
    """A person's answer to an invitation to review for a call."""

    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class ConflictSource(enum.StrEnum):
    """Who declared a conflict: the reviewer (from the list of titles), the applicants (about a person), or
    an organiser."""

    REVIEWER = "reviewer"
    APPLICANT = "applicant"
    ORGANISER = "organiser"


class BidLevel(enum.StrEnum):
    """A reviewer's interest in a submission (the values of prizeapp.core.affinity.Bid)."""

    EAGER = "eager"
    WILLING = "willing"
    NOT_INTERESTED = "not_interested"


class AssignmentStatus(enum.StrEnum):
    PROPOSED = "proposed"  # computed or added by hand, not yet announced
    COMMITTED = "committed"  # announced to the reviewer
    DECLINED = "declined"  # the reviewer declined it


class JobStatus(enum.StrEnum):
    """Where a background computation (an assignment run, a calibration run) stands."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


AssignmentRunStatus = JobStatus


class ReviewStatus(enum.StrEnum):
    DRAFT = "draft"  # saved, not yet counted
    SUBMITTED = "submitted"  # counted; editable until the review deadline


CalibrationStatus = JobStatus


class VoteChoice(enum.StrEnum):
    """A jury member's preference for one project."""

    LAUREATE = "laureate"
    MENTION = "mention"
    NOT_SELECTED = "not_selected"


class DecisionOutcome(enum.StrEnum):
    LAUREATE = "laureate"  # lauréat, with a prize or an amount
    MENTION = "mention"  # mention honorable
    NOT_SELECTED = "not_selected"


class NotificationMode(enum.StrEnum):
    """How a person receives non-essential messages; receipts, assignments and decisions always come at once."""

    IMMEDIATE = "immediate"
    DIGEST = "digest"  # one email a day


class ExclusionRequestStatus(enum.StrEnum):
    """Where an applicants' exclusion made after the submission deadline stands."""

    PENDING = "pending"  # waiting for an organiser
    ACCEPTED = "accepted"  # in force: a ConflictDeclaration (or a PendingExclusion) was made from it
    DECLINED = "declined"  # never in force
