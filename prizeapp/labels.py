"""Human labels of the closed vocabularies, translated at render time."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .enums import (CallKind, CallPhase, CallRoleKind, ExclusionRequestStatus, Locale, OutboxStatus, QuestionKind,
                    ReviewMode, SubmissionStatus, UnitKind)

LABELS = {
    CallKind.CALL_FOR_PROJECTS: _l("Call for projects"),
    CallKind.CALL_FOR_INTEREST: _l("Call for expressions of interest"),
    CallKind.INNOVATION_PRIZE: _l("Innovation prize"),
    CallPhase.DRAFT: _l("Draft"),
    CallPhase.OPEN: _l("Open for submissions"),
    CallPhase.REVIEW: _l("Under review"),
    CallPhase.DELIBERATION: _l("Deliberation"),
    CallPhase.PUBLISHED: _l("Results published"),
    CallPhase.ARCHIVED: _l("Archived"),
    CallRoleKind.ORGANISER: _l("Organiser"),
    CallRoleKind.REVIEWER: _l("Reviewer"),
    CallRoleKind.JURY: _l("Jury member"),
    OutboxStatus.QUEUED: _l("Queued"),
    OutboxStatus.SENDING: _l("Sending"),
    OutboxStatus.SENT: _l("Sent"),
    OutboxStatus.FAILED: _l("Failed"),
    UnitKind.ORGANISATION: _l("Organisation"),
    UnitKind.DIRECTION: _l("Direction"),
    UnitKind.SERVICE: _l("Service"),
    ReviewMode.PANEL: _l("Panel of invited reviewers"),
    ReviewMode.PEER: _l("Peer prize: the applicants review each other's projects"),
    QuestionKind.SHORT_TEXT: _l("Short text"),
    QuestionKind.LONG_TEXT: _l("Long text"),
    QuestionKind.SINGLE_CHOICE: _l("Single choice"),
    QuestionKind.MULTIPLE_CHOICE: _l("Multiple choice"),
    QuestionKind.NUMBER: _l("Number"),
    QuestionKind.DATE: _l("Date"),
    QuestionKind.FILE: _l("File"),
    # The keys are str enums, equal to their values: SubmissionStatus.DRAFT is CallPhase.DRAFT's key ("Draft"),
    # and BlindLevel.OPEN would overwrite CallPhase.OPEN, so blind levels are labelled by their own form.
    SubmissionStatus.SUBMITTED: _l("Submitted"),
    SubmissionStatus.WITHDRAWN: _l("Withdrawn"),
    Locale.FR: "Français",
    Locale.EN: "English",
}

# Its values ("accepted", "declined") are also the pool's: a table of its own.
EXCLUSION_REQUEST_LABELS = {
    ExclusionRequestStatus.PENDING: _l("Request pending"),
    ExclusionRequestStatus.ACCEPTED: _l("Request accepted"),
    ExclusionRequestStatus.DECLINED: _l("Request declined"),
}


def label(member) -> str:
    return str(LABELS.get(member, member))
