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
