"""Closed vocabularies shared by models, services and templates.

Each vocabulary shown to people is a `LabelledEnum`: its members carry their label, declared beside them and
translated when shown (`CallPhase.DRAFT.label`). Labels are per enum because the values collide across
enums ("draft" is a call phase, a submission status and a review status; "organiser" a role and a source of
conflicts). The core never imports this module, so flask_babel here keeps the core pure.
"""
from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class LabelledEnum(enum.StrEnum):
    """A str enum whose members are declared with their label: `DRAFT = "draft", _l("Draft")`."""

    def __new__(cls, value: str, label=None):
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label
        return member

    @property
    def label(self):
        """The member's name for people: a lazy string, translated in the reader's language when shown."""
        return self._label


class UnitKind(LabelledEnum):
    """Levels of the organisation chart: a ministry or a city, its directions, their services."""

    ORGANISATION = "organisation", _l("Organisation")
    DIRECTION = "direction", _l("Direction")
    SERVICE = "service", _l("Service")


class CallKind(LabelledEnum):
    CALL_FOR_PROJECTS = "call_for_projects", _l("Call for projects")  # appel à projets
    CALL_FOR_INTEREST = "call_for_interest", _l("Call for expressions of interest")  # appel à manifestation d'intérêt
    INNOVATION_PRIZE = "innovation_prize", _l("Innovation prize")  # prix de l'innovation


class CallPhase(LabelledEnum):
    """The life of a call, in order."""

    DRAFT = "draft", _l("Draft")
    OPEN = "open", _l("Open for submissions")
    REVIEW = "review", _l("Under review")
    DELIBERATION = "deliberation", _l("Deliberation")
    PUBLISHED = "published", _l("Results published")
    ARCHIVED = "archived", _l("Archived")


class CallRoleKind(LabelledEnum):
    """Roles a person holds in one call; the platform administrator is a flag on the user."""

    ORGANISER = "organiser", _l("Organiser")
    REVIEWER = "reviewer", _l("Reviewer")
    JURY = "jury", _l("Jury member")


class OutboxStatus(LabelledEnum):
    QUEUED = "queued", _l("Queued")  # waiting for its next attempt
    SENDING = "sending", _l("Sending")  # claimed by a worker
    SENT = "sent", _l("Sent")
    FAILED = "failed", _l("Failed")  # permanent error, or attempts exhausted


class Locale(LabelledEnum):
    # A language is labelled in itself, as language pickers do: these labels are never translated.
    FR = "fr", "Français"
    EN = "en", "English"

    @property
    def language(self):
        """The language's name in the reader's language ("French" to an English reader)."""
        return _l("French") if self is Locale.FR else _l("English")


class ReviewMode(LabelledEnum):
    PANEL = "panel", _l("Panel of invited reviewers")  # invited reviewers
    PEER = "peer", _l("Peer prize: the applicants review each other's projects")


class BlindLevel(LabelledEnum):
    OPEN = "open", _l("Open: reviewers see who the applicants are")
    BLIND = "blind", _l("Blind: the applicants' identity is hidden from reviewers")  # everywhere


class QuestionKind(LabelledEnum):
    SHORT_TEXT = "short_text", _l("Short text")
    LONG_TEXT = "long_text", _l("Long text")
    SINGLE_CHOICE = "single_choice", _l("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _l("Multiple choice")
    NUMBER = "number", _l("Number")
    DATE = "date", _l("Date")
    FILE = "file", _l("File")


class SubmissionStatus(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    SUBMITTED = "submitted", _l("Submitted")
    WITHDRAWN = "withdrawn", _l("Withdrawn")


class MemberRole(LabelledEnum):
    LEAD = "lead", _l("Lead applicant")  # porteur de projet: created the submission
    CO_APPLICANT = "co_applicant", _l("Co-applicant")


class PoolStatus(LabelledEnum):
    """A person's answer to an invitation to review for a call."""

    INVITED = "invited", _l("Invited, no answer yet")
    ACCEPTED = "accepted", _l("Accepted")
    DECLINED = "declined", _l("Declined")


class ConflictSource(LabelledEnum):
    """Who declared a conflict: the reviewer (from the list of titles), the applicants (about a person), or
    an organiser."""

    REVIEWER = "reviewer", _l("Declared by the reviewer")
    APPLICANT = "applicant", _l("The applicants asked that this person not review them")
    ORGANISER = "organiser", _l("Set by an organiser")


class BidLevel(LabelledEnum):
    """A reviewer's interest in a submission (the values of prizeapp.core.affinity.Bid)."""

    EAGER = "eager", _l("Eager")
    WILLING = "willing", _l("Willing")
    NOT_INTERESTED = "not_interested", _l("Not interested")


class AssignmentStatus(LabelledEnum):
    PROPOSED = "proposed", _l("Proposed, not yet announced")  # computed or added by hand
    COMMITTED = "committed", _l("Announced to the reviewer")
    DECLINED = "declined", _l("Given back by the reviewer")


class JobStatus(enum.StrEnum):
    """Where a background computation (an assignment run, a calibration run) stands."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


AssignmentRunStatus = JobStatus


class ReviewStatus(LabelledEnum):
    DRAFT = "draft", _l("Draft saved")  # saved, not yet counted
    SUBMITTED = "submitted", _l("Review submitted")  # counted; editable until the review deadline


CalibrationStatus = JobStatus


class VoteChoice(LabelledEnum):
    """A jury member's preference for one project."""

    LAUREATE = "laureate", _l("Laureate")
    MENTION = "mention", _l("Honourable mention")
    NOT_SELECTED = "not_selected", _l("Not selected")


class DecisionOutcome(LabelledEnum):
    LAUREATE = "laureate", _l("Laureate")  # lauréat, with a prize or an amount
    MENTION = "mention", _l("Honourable mention")  # mention honorable
    NOT_SELECTED = "not_selected", _l("Not selected")


class NotificationMode(LabelledEnum):
    """How a person receives non-essential messages; receipts, assignments and decisions always come at once."""

    IMMEDIATE = "immediate", _l("Send each one at once")
    DIGEST = "digest", _l("Gather them in one email a day")  # one email a day


class ExclusionRequestStatus(LabelledEnum):
    """Where an applicants' exclusion made after the submission deadline stands."""

    # Labels of their own: "accepted" and "declined" are also a pool invitation's answers.
    PENDING = "pending", _l("Request pending")  # waiting for an organiser
    ACCEPTED = "accepted", _l("Request accepted")  # in force: a ConflictDeclaration (or a PendingExclusion)
    DECLINED = "declined", _l("Request declined")  # never in force


# --- essaimage: the innovation catalogue, replications, parrains ------------------------------------------

class InnovationStatus(LabelledEnum):
    """A record's life: written by its team, checked by the organisers, public; withdrawn by either."""

    DRAFT = "draft", _l("Draft")
    PENDING = "pending", _l("Awaiting checking")
    PUBLISHED = "published", _l("Published")
    WITHDRAWN = "withdrawn", _l("Withdrawn")


class VersionStatus(LabelledEnum):
    """One saved state of a record: every save is a version; the organisers approve one to make it public."""

    DRAFT = "draft", _l("Draft")
    SUBMITTED = "submitted", _l("Sent for checking")
    APPROVED = "approved", _l("Approved")
    CHANGES_REQUESTED = "changes_requested", _l("Changes requested")


class TerritoryKind(LabelledEnum):
    URBAN = "urban", _l("Urban")  # urbain
    PERIURBAN = "periurban", _l("Peri-urban")  # périurbain
    RURAL = "rural", _l("Rural")


class EvidenceLevel(LabelledEnum):
    """Nesta's standards of evidence, from a described theory of change to a method others reproduce."""

    THEORY = "1", _l("Level 1: a plausible theory of change, described")
    DATA = "2", _l("Level 2: data show a change, without proving the cause")
    COMPARISON = "3", _l("Level 3: measured against a comparison group")
    CAUSAL = "4", _l("Level 4: a robust causal evaluation (random or near-random assignment)")
    REPLICATED = "5", _l("Level 5: results reproduced elsewhere, by others, with a method that can be followed")


class Readiness(LabelledEnum):
    """Where the innovation stands, in dated phases like beta.gouv.fr's startups."""

    IDEA = "idea", _l("Idea, being designed")
    EXPERIMENT = "experiment", _l("Experiment in progress")
    OPERATING = "operating", _l("In operation")
    SPREADING = "spreading", _l("Taken up elsewhere")


class CostBand(LabelledEnum):
    """The first year's cost (set-up and one year of running), in bands for the catalogue's filter."""

    UNDER_10K = "under_10k", _l("Under €10,000")
    UNDER_50K = "under_50k", _l("€10,000 to €50,000")
    UNDER_200K = "under_200k", _l("€50,000 to €200,000")
    OVER_200K = "over_200k", _l("Over €200,000")


class ReplicationStatus(LabelledEnum):
    """A territory taking an innovation up, in order; abandoned (with a reason) may come at any step."""

    INTERESTED = "interested", _l("Interested")  # intérêt manifesté (the labels describe « la reprise »)
    PREPARING = "preparing", _l("Preparing")  # en préparation
    LAUNCHED = "launched", _l("Launched")  # lancée
    OPERATING = "operating", _l("In operation")  # en fonctionnement
    ABANDONED = "abandoned", _l("Abandoned")  # abandonnée


class ReadinessOpinion(LabelledEnum):
    """A parrain's view of whether the record lets another territory start."""

    READY = "ready", _l("Ready to be taken up")
    NEEDS_WORK = "needs_work", _l("Needs more before it can be taken up")
    NOT_YET = "not_yet", _l("Too early to be taken up")


class Theme(LabelledEnum):
    """The catalogue's themes: the field of public action an innovation serves."""

    SOCIAL = "social", _l("Social action and solidarity")
    PARTICIPATION = "participation", _l("Citizenship and participation")
    EDUCATION = "education", _l("Education and youth")
    EMPLOYMENT = "employment", _l("Employment and integration")
    ENVIRONMENT = "environment", _l("Environment and ecological transition")
    MOBILITY = "mobility", _l("Mobility")
    DIGITAL = "digital", _l("Digital services and data")
    HEALTH = "health", _l("Health and care")
    SIMPLIFICATION = "simplification", _l("Simpler administration")
    WORKFORCE = "workforce", _l("Public agents and management")
    CULTURE = "culture", _l("Culture and sport")
    FOOD = "food", _l("Food and agriculture")
    HOUSING = "housing", _l("Housing and town planning")
    SAFETY = "safety", _l("Safety and prevention")


class Licence(LabelledEnum):
    """Licences of the documents and tools to reuse, by their SPDX identifier."""

    ETALAB = "etalab-2.0", _l("Licence Ouverte 2.0 (Etalab)")
    CC_BY = "CC-BY-4.0", _l("Creative Commons Attribution 4.0 (CC BY)")
    CC_BY_SA = "CC-BY-SA-4.0", _l("Creative Commons Attribution-ShareAlike 4.0 (CC BY-SA)")
    EUPL = "EUPL-1.2", _l("European Union Public Licence 1.2 (EUPL, for software)")
    OTHER = "other", _l("Other licence, given in the documents")


# --- the economic-model grid and the impact follow-up ----------------------------------------------------

class ResourceKind(LabelledEnum):
    """Where a project's money and means come from (the grid's resources; values as in core.economic_model)."""

    OWN_BUDGET = "own_budget", _l("The carrying administration's own budget")  # budget propre
    PUBLIC_SUBSIDY = "public_subsidy", _l("Public subsidy")  # subvention publique
    PUBLIC_PURCHASE = "public_purchase", _l("Purchase by a public body")  # commande publique
    POOLING = "pooling", _l("Pooling with other public bodies")  # mutualisation
    PRIVATE_FUNDING = "private_funding", _l("Private funding (sponsorship, foundations)")  # mécénat, fondations
    EARNED_INCOME = "earned_income", _l("Earned income (sales, fees)")  # recettes propres
    IN_KIND = "in_kind", _l("In kind and volunteer time")  # apports en nature, bénévolat


class PublicDependency(LabelledEnum):
    """How much of its resources a project draws from public money (own budget, subsidy, public purchase, pooling)."""

    LOW = "low", _l("Mostly other resources (under a third public money)")
    MIXED = "mixed", _l("Mixed (a third to two thirds public money)")
    HIGH = "high", _l("Mostly public money (over two thirds)")


class ImpactDimension(LabelledEnum):
    """The dimensions of the indicator library: what an indicator measures."""

    USERS_REACHED = "users_reached", _l("Users reached")
    SERVICE_QUALITY = "service_quality", _l("Quality of the service")
    TIME_SAVED = "time_saved", _l("Time saved")
    COST_SAVED = "cost_saved", _l("Cost saved")
    AGENTS_WORK = "agents_work", _l("Agents' work")
    ENVIRONMENT = "environment", _l("Environment")
    INCLUSION = "inclusion", _l("Inclusion and access to rights")
    OTHER = "other", _l("Other")


class ImpactPlanStatus(LabelledEnum):
    """A follow-up while its team sets it up, then active: its reports are due at the call's milestones."""

    DRAFT = "draft", _l("Being set up")
    ACTIVE = "active", _l("Under way")


class ImpactReportStatus(LabelledEnum):
    """One milestone's follow-up form: not started, a draft saved as the team goes, then submitted."""

    PENDING = "pending", _l("Not started")
    DRAFT = "draft", _l("Draft saved")
    SUBMITTED = "submitted", _l("Report submitted")  # « Rapport remis »: the projects' « Déposée » is feminine


class ReplicationReadiness(LabelledEnum):
    """The team's own view, at each milestone, of whether another territory could take the project up."""

    NOT_READY = "1", _l("1 – Not ready: still being worked out here")
    EARLY = "2", _l("2 – Could be tried elsewhere with our close help")
    READY = "3", _l("3 – Ready: documented, another territory could start with some help")
    PROVEN = "4", _l("4 – Proven: already taken up, or everything needed is written down")
