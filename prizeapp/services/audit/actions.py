"""The audit vocabulary: every action the log records, with its label, its group and what its details mean."""
from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from ...enums import (
    AssignmentStatus,
    BidLevel,
    CallPhase,
    ExclusionRequestStatus,
    LabelledEnum,
    NotificationMode,
    PoolStatus,
    ReadinessOpinion,
    ReplicationStatus,
    ReviewStatus,
)
from ...labels import impact_stage_label
from .details import (
    CHANGED,
    CONFLICT_CODE,
    CONFLICT_SOURCE,
    DECISION,
    EMAIL,
    EMAIL_TEMPLATE,
    FAILURE,
    JURY_MEMBER,
    MODEL,
    OPTIONS,
    PAIRS,
    PEOPLE,
    PERSON_ID,
    PROJECT,
    QUESTION,
    REASON,
    RECORD,
    REVIEWER,
    ROLE,
    ROWS,
    SEED,
    SUBMISSION,
    TOP_K,
    VOTE,
    Change,
    Choice,
    Described,
    Detail,
    Milestone,
    OrNone,
    Reader,
    Size,
    State,
    Words,
    plain,
)


class Group(Reader):
    """The filter of an export: a group of actions, or an action, or nothing."""

    def show(self, value, names):
        return group_label(value) if value else str(_("All events"))


class AuditAction(LabelledEnum):
    """Everything the audit log records. The values are the stored codes: never rename one."""

    def __new__(cls, value: str, label, details: Sequence[Described] = ()):
        member = str.__new__(cls, value)
        member._value_, member._label, member._details = value, label, tuple(details)
        return member

    @property
    def details(self) -> tuple[Described, ...]:
        """What the keys of this action's details mean, in the order they are shown."""
        return self._details

    @property
    def group(self) -> str:
        return self.value.split(".", 1)[0]

    USER_MADE_ADMIN = "user.made_admin", _l("Made a platform administrator"), (
        Detail("via", _l("Made by"), Words(lambda via: str(_("the command line")) if via == "cli" else via)),)
    USER_REGISTERED = "user.registered", _l("Account created")
    USER_EMAIL_CONFIRMED = "user.email_confirmed", _l("Email address confirmed")
    USER_LOGGED_IN = "user.logged_in", _l("Signed in")
    USER_RESET_REQUESTED = "user.reset_requested", _l("New password asked for")
    USER_PASSWORD_RESET = "user.password_reset", _l("Password reset")
    USER_PASSWORD_CHANGED = "user.password_changed", _l("Password changed")
    USER_SIGNED_OUT_EVERYWHERE = "user.signed_out_everywhere", _l("Signed out on every device")
    USER_PROFILE_UPDATED = "user.profile_updated", _l("Profile updated"), (CHANGED,)
    USER_NOTIFICATION_MODE_CHANGED = "user.notification_mode_changed", _l("Way of receiving reminders changed"), (
        Change("before", "after", Choice(NotificationMode)),)

    CALL_CREATED = "call.created", _l("Call created"), (Detail("title", _l("Title")),)
    CALL_UPDATED = "call.updated", _l("Call settings changed"), (CHANGED,)
    CALL_PHASE_CHANGED = "call.phase_changed", _l("Phase changed"), (Change("from", "to", Choice(CallPhase)),)
    CALL_GRID_CHANGED = "call.grid_changed", _l("Evaluation grid changed"), (
        Detail("criteria", _l("Criteria and weights")),)
    CALL_QUESTION_ADDED = "call.question_added", _l("Question added to the form"), (QUESTION,)
    CALL_QUESTION_CHANGED = "call.question_changed", _l("Question of the form changed"), (QUESTION,)
    CALL_QUESTION_DELETED = "call.question_deleted", _l("Question deleted from the form"), (QUESTION,)
    CALL_ROLE_GRANTED = "call.role_granted", _l("Role given"), (PERSON_ID, EMAIL, ROLE)
    CALL_ROLE_REVOKED = "call.role_revoked", _l("Role withdrawn"), (PERSON_ID, EMAIL, ROLE)
    CALL_SUBMISSIONS_EXPORTED = "call.submissions_exported", _l("Projects exported"), (ROWS,)

    SUBMISSION_CREATED = "submission.created", _l("Project started")
    SUBMISSION_SAVED = "submission.saved", _l("Project saved")
    SUBMISSION_SUBMITTED = "submission.submitted", _l("Project submitted")
    SUBMISSION_WITHDRAWN = "submission.withdrawn", _l("Project withdrawn")
    SUBMISSION_REOPENED = "submission.reopened", _l("Project reopened")
    SUBMISSION_FILE_ADDED = "submission.file_added", _l("File added"), (
        Detail("file", _l("File")), Detail("size", _l("Size"), Size()))
    SUBMISSION_FILE_REMOVED = "submission.file_removed", _l("File removed"), (Detail("file", _l("File")),)
    SUBMISSION_MEMBER_INVITED = "submission.member_invited", _l("Team member invited"), (EMAIL,)
    SUBMISSION_MEMBER_JOINED = "submission.member_joined", _l("Team member joined")
    SUBMISSION_MEMBER_REMOVED = "submission.member_removed", _l("Team member removed"), (PERSON_ID,)

    POOL_REVIEWER_INVITED = "pool.reviewer_invited", _l("Reviewer invited"), (EMAIL,)
    POOL_INVITATION_ACCEPTED = "pool.invitation_accepted", _l("Invitation to review accepted")
    POOL_INVITATION_DECLINED = "pool.invitation_declined", _l("Invitation to review declined")
    POOL_INVITATION_CANCELLED = "pool.invitation_cancelled", _l("Invitation to review cancelled"), (EMAIL,)
    POOL_INVITATION_RESENT = "pool.invitation_resent", _l("Invitation to review sent again"), (EMAIL,)
    POOL_REVIEWER_REMOVED = "pool.reviewer_removed", _l("Reviewer removed from the pool"), (
        PERSON_ID, EMAIL, Detail("status", _l("Status"), Choice(PoolStatus)),
        Detail("proposed_assignments_removed", _l("Proposed assignments removed")),
        Detail("invitations_cancelled", _l("Invitations cancelled")))
    POOL_PROFILE_UPDATED = "pool.profile_updated", _l("Reviewer profile updated"), (
        Detail("keywords", _l("Keywords")), Detail("themes", _l("Themes")),
        Detail("max_load", _l("Maximum load"), OrNone(_l("the call's default"))))
    POOL_MAX_LOAD_SET = "pool.max_load_set", _l("Reviewer's maximum load set"), (
        PERSON_ID, Change("previous", "max_load", OrNone(_l("the call's default"))))

    CONFLICT_DECLARED = "conflict.declared", _l("Conflict of interest declared"), (
        SUBMISSION, REVIEWER, CONFLICT_SOURCE, REASON)
    CONFLICT_WITHDRAWN = "conflict.withdrawn", _l("Conflict of interest withdrawn"), (
        SUBMISSION, REVIEWER, CONFLICT_SOURCE)
    CONFLICT_WAIVED = "conflict.waived", _l("Conflict of interest waived"), (
        SUBMISSION, REVIEWER, CONFLICT_CODE, REASON)
    CONFLICT_WAIVER_REVOKED = "conflict.waiver_revoked", _l("Waiver of a conflict revoked"), (
        SUBMISSION, REVIEWER, CONFLICT_CODE)
    CONFLICT_DECLARATIONS_CONFIRMED = "conflict.declarations_confirmed", _l("Declarations of interests confirmed")
    CONFLICT_EXCLUSION_PENDING = "conflict.exclusion_pending", _l("Exclusion of a reviewer requested"), (
        SUBMISSION, EMAIL, REASON)
    CONFLICT_EXCLUSION_RESOLVED = "conflict.exclusion_resolved", _l("Exclusion of a reviewer decided"), (
        SUBMISSION, REVIEWER, Detail("pending_exclusion_id", _l("Exclusion asked")))
    CONFLICT_EXCLUSION_WITHDRAWN = "conflict.exclusion_withdrawn", _l("Exclusion of a reviewer withdrawn"), (
        SUBMISSION, EMAIL, Detail("status", _l("Status"), Choice(ExclusionRequestStatus)))
    CONFLICT_EXCLUSION_REQUESTED = ("conflict.exclusion_requested",
                                    _l("Exclusion of a reviewer asked after the deadline"), (SUBMISSION, EMAIL, REASON))
    CONFLICT_EXCLUSION_ACCEPTED = "conflict.exclusion_accepted", _l("Exclusion asked after the deadline accepted"), (
        SUBMISSION, EMAIL, REVIEWER, Detail("request_reason", _l("Reason given by the applicants")),
        Detail("reason", _l("Organiser's reason")))
    CONFLICT_EXCLUSION_DECLINED = "conflict.exclusion_declined", _l("Exclusion asked after the deadline declined"), (
        SUBMISSION, EMAIL, REVIEWER, Detail("request_reason", _l("Reason given by the applicants")),
        Detail("reason", _l("Organiser's reason")))

    BID_PLACED = "bid.placed", _l("Interest in a project given"), (
        Detail("level", _l("Interest"), OrNone(_l("No bid"), Choice(BidLevel))),)

    ASSIGNMENT_RUN_QUEUED = "assignment.run_queued", _l("Assignment computation started"), (SEED, OPTIONS)
    ASSIGNMENT_RUN_DONE = "assignment.run_done", _l("Assignment computed"), (
        SEED, OPTIONS, Detail("pairs", _l("Pairs")), Detail("objective", _l("Objective")))
    ASSIGNMENT_RUN_FAILED = "assignment.run_failed", _l("Assignment computation failed"), (SEED, FAILURE)
    ASSIGNMENT_ADDED = "assignment.added", _l("Reviewer assigned by hand"), (SUBMISSION, REVIEWER)
    ASSIGNMENT_REMOVED = "assignment.removed", _l("Assignment removed"), (
        SUBMISSION, REVIEWER, Detail("status", _l("Status"), Choice(AssignmentStatus)))
    ASSIGNMENT_COMMITTED = "assignment.committed", _l("Assignment committed"), (
        Detail("pairs", _l("Pairs")), Detail("reviewers", _l("Reviewers notified")), Detail("seeds", _l("Seeds")))
    ASSIGNMENT_DECLINED = "assignment.declined", _l("Assignment given back"), (
        SUBMISSION, REVIEWER, Detail("reason", _l("Reason"), Words(
            lambda reason: str(_("late review, given back by an organiser")) if reason == "late" else reason)))
    ASSIGNMENT_LATE_CONFLICT = "assignment.late_conflict", _l("Late conflict of interest"), (
        SUBMISSION, Detail("review_discarded", _l("Review discarded")))
    ASSIGNMENT_REASSIGNED = "assignment.reassigned", _l("Re-assignment"), (
        SEED, Detail("removed", _l("Pairs removed"), PAIRS), Detail("added", _l("Pairs added"), PAIRS))

    REVIEW_SAVED = "review.saved", _l("Review saved"), (SUBMISSION, Detail("status", _l("Status"),
                                                                          Choice(ReviewStatus)))
    REVIEW_SUBMITTED = "review.submitted", _l("Review submitted"), (SUBMISSION, Detail("status", _l("Status"),
                                                                                      Choice(ReviewStatus)))
    REVIEW_REMINDERS_SENT = "review.reminders_sent", _l("Reminders sent to reviewers"), (
        Detail("reviewers", _l("Reviewers reminded"), PEOPLE), Detail("milestone", _l("When"), Milestone()),
        Detail("scheduled", _l("Sent automatically")))

    CALIBRATION_QUEUED = "calibration.queued", _l("Ranking computation started"), (MODEL, SEED, TOP_K)
    CALIBRATION_DONE = "calibration.done", _l("Ranking computed"), (
        MODEL, Detail("params", _l("Settings"), State(SEED, TOP_K)),
        Detail("inputs_hash", _l("Fingerprint of the reviews")),
        Detail("reused_from", _l("Reused from the computation")))
    CALIBRATION_FAILED = "calibration.failed", _l("Ranking computation failed"), (
        MODEL, SEED, TOP_K, Detail("error", _l("Error")), FAILURE)
    CALIBRATION_REVIEWER_EXCLUDED = "calibration.reviewer_excluded", _l("Reviewer left out of the ranking"), (
        REVIEWER, REASON)
    CALIBRATION_REVIEWER_INCLUDED = "calibration.reviewer_included", _l("Reviewer taken back into the ranking"), (
        REVIEWER,)

    DELIBERATION_RECUSED = "deliberation.recused", _l("Jury member recused from a project"), (
        SUBMISSION, JURY_MEMBER, Detail("by_themselves", _l("By the jury member themselves")),
        Detail("before.vote", _l("Vote withdrawn"), VOTE), Detail("after.reason", _l("Reason")))
    DELIBERATION_RECUSAL_LIFTED = "deliberation.recusal_lifted", _l("Recusal of a jury member lifted"), (
        SUBMISSION, JURY_MEMBER, Detail("before.reason", _l("Reason of the recusal")), Detail("after", None))
    DELIBERATION_VOTED = "deliberation.voted", _l("Jury member's vote"), (SUBMISSION, Change("before", "after", VOTE))
    DELIBERATION_DECIDED = "deliberation.decided", _l("Decision taken"), (
        SUBMISSION, Change("before", "after", DECISION))
    DELIBERATION_DECISION_REVISED = "deliberation.decision_revised", _l("Decision revised"), (
        SUBMISSION, Change("before", "after", DECISION))
    DELIBERATION_DRAFTED_FROM_RANKING = "deliberation.drafted_from_ranking", _l("Decisions drafted from the ranking"), (
        Detail("laureates", _l("Laureates")), Detail("mentions", _l("Honourable mentions")),
        Detail("recorded", _l("Decisions drafted")), Detail("calibration_run_id", _l("Ranking computation")))
    DELIBERATION_RECORDED = "deliberation.recorded", _l("Deliberation recorded"), (Change("before", "after", RECORD),)
    DELIBERATION_RECORD_REVISED = "deliberation.record_revised", _l("Record of the deliberation revised"), (
        Change("before", "after", RECORD),)

    IMPARTIAL_GROUPS_SET = "impartial.groups_set", _l("Impartial selection set"), (
        Change("previous", "groups", OrNone(_l("off"), Words(
            lambda n: ngettext("%(num)d group", "%(num)d groups", n) if isinstance(n, int) else plain(n)))),)

    EMAIL_TEMPLATE_SAVED = "email_template.saved", _l("Text of a decision email saved"), EMAIL_TEMPLATE
    EMAIL_TEMPLATE_RESET = "email_template.reset", _l("Text of a decision email reset to the default"), EMAIL_TEMPLATE
    EMAIL_TEMPLATE_TEST_SENT = "email_template.test_sent", _l("Decision email sent as a test"), (
        EMAIL_TEMPLATE[0], Detail("submission_id", _l("Project shown"), OrNone(_l("an example project"), PROJECT)))

    RESULTS_PUBLISHED = "results.published", _l("Results published"), (
        Detail("emails", _l("Emails queued")), Detail("projects", _l("Projects notified")),
        Detail("again", _l("Published again")))

    JURY_RANKING_EXPORTED = "jury.ranking_exported", _l("Ranking exported"), (ROWS,)
    JURY_REVIEWS_EXPORTED = "jury.reviews_exported", _l("Reviews exported"), (ROWS,)
    JURY_PACK_EXPORTED = "jury.pack_exported", _l("Jury pack downloaded"), (
        Detail("projects", _l("Projects with a page")),)

    INNOVATION_STARTED = "innovation.started", _l("Innovation record started"), (
        Detail("submission_id", _l("From the project"), OrNone(_l("no project"), PROJECT)),)
    INNOVATION_SAVED = "innovation.saved", _l("Innovation record saved"), (Detail("version", _l("Version")),)
    INNOVATION_SENT_FOR_CHECKING = "innovation.sent_for_checking", _l("Innovation record sent for checking"), (
        Detail("version", _l("Version")),)
    INNOVATION_APPROVED = "innovation.approved", _l("Innovation record approved and published"), (
        Detail("version", _l("Version")),)
    INNOVATION_CHANGES_REQUESTED = "innovation.changes_requested", _l("Changes asked on an innovation record"), (
        Detail("version", _l("Version")), REASON)
    INNOVATION_WITHDRAWN = "innovation.withdrawn", _l("Innovation record withdrawn from the catalogue"), (REASON,)
    INNOVATION_DOCUMENT_ADDED = "innovation.document_added", _l("Document added to an innovation record"), (
        Detail("file", _l("File")), Detail("size", _l("Size"), Size()))
    INNOVATION_DOCUMENT_REMOVED = "innovation.document_removed", _l("Document removed from an innovation record"), (
        Detail("file", _l("File")),)
    SPONSOR_ASSIGNED = "sponsor.assigned", _l("Parrain assigned to an innovation"), (PERSON_ID,)
    SPONSOR_REMOVED = "sponsor.removed", _l("Parrain removed from an innovation"), (PERSON_ID,)
    SPONSOR_READINESS_COMMENTED = "sponsor.readiness_commented", _l("Parrain's opinion of an innovation's readiness"), (
        Detail("opinion", _l("Opinion"), Choice(ReadinessOpinion)),)
    REPLICATION_REQUESTED = "replication.requested", _l("Replication of an innovation asked for"), (
        Detail("organisation", _l("Organisation")),)
    REPLICATION_STATUS_CHANGED = "replication.status_changed", _l("Replication's status changed"), (
        Change("from", "to", Choice(ReplicationStatus)), REASON)

    IMPACT_SET_UP = "impact.set_up", _l("Impact follow-up set up"), (
        Detail("indicators", _l("Indicators")),)
    IMPACT_PLAN_SAVED = "impact.plan_saved", _l("Impact follow-up changed"), (
        Detail("indicators", _l("Indicators")),)
    IMPACT_REPORT_SUBMITTED = "impact.report_submitted", _l("Follow-up report submitted"), (
        Detail("months", _l("Months after the results")),)
    IMPACT_REMINDERS_SENT = "impact.reminders_sent", _l("Follow-up reminders sent"), (
        Detail("months", _l("Months after the results")), Detail("stage", _l("Reminder"), Words(impact_stage_label)),
        Detail("people", _l("People reminded"), PEOPLE), Detail("scheduled", _l("Sent automatically")))
    IMPACT_DOCUMENT_ADDED = "impact.document_added", _l("Attachment added to a follow-up report"), (
        Detail("file", _l("File")), Detail("size", _l("Size"), Size()))
    IMPACT_DOCUMENT_REMOVED = "impact.document_removed", _l("Attachment removed from a follow-up report"), (
        Detail("file", _l("File")),)
    IMPACT_EXPORTED = "impact.exported", _l("Impact follow-up exported"), (ROWS,)

    OUTBOX_RESENT = "outbox.resent", _l("Email sent again"), (Detail("recipient", _l("Recipient")),)
    AUDIT_EXPORTED = "audit.exported", _l("Audit log exported"), (
        Detail("filter", _l("Events exported"), Group()), ROWS)


GROUPS = {
    "user": _l("Accounts"),
    "call": _l("The call and its settings"),
    "submission": _l("Projects"),
    "pool": _l("Reviewer pool"),
    "conflict": _l("Conflicts of interest"),
    "bid": _l("Reviewers' interests"),
    "assignment": _l("Assignment"),
    "review": _l("Reviews"),
    "calibration": _l("Ranking"),
    "jury": _l("Jury"),
    "deliberation": _l("Votes, decisions and deliberation"),
    "impartial": _l("Impartial selection"),
    "email_template": _l("Decision emails"),
    "results": _l("Results"),
    "innovation": _l("Innovation records"),
    "sponsor": _l("Parrains"),
    "replication": _l("Replications"),
    "impact": _l("Impact follow-up"),
    "outbox": _l("Emails"),
    "audit": _l("Audit log"),
}

# What an event is about (AuditEvent.object_type is the table of the object).
OBJECTS = {
    "calls": _l("Call"),
    "submissions": _l("Project"),
    "submission_files": _l("File"),
    "assignments": _l("Assignment"),
    "assignment_runs": _l("Assignment computation"),
    "reviews": _l("Review"),
    "calibration_runs": _l("Ranking computation"),
    "calibration_exclusions": _l("Reviewer left out of the ranking"),
    "users": _l("Person"),
    "outbox_emails": _l("Email"),
    "pool_members": _l("Reviewer of the pool"),
    "reviewer_invitations": _l("Invitation to review"),
    "conflict_declarations": _l("Conflict of interest"),
    "conflict_waivers": _l("Waiver of a conflict"),
    "pending_exclusions": _l("Exclusion of a reviewer"),
    "exclusion_requests": _l("Exclusion asked after the deadline"),
    "recusals": _l("Recusal"),
    "jury_votes": _l("Vote"),
    "decisions": _l("Decision"),
    "deliberations": _l("Record of the deliberation"),
    "email_templates": _l("Text of a decision email"),
    "innovations": _l("Innovation record"),
    "innovation_documents": _l("Document of an innovation record"),
    "replications": _l("Replication"),
    "sponsor_profiles": _l("Parrain"),
    "impact_plans": _l("Impact follow-up"),
    "impact_reports": _l("Follow-up report"),
}


def group_label(prefix: str) -> str:
    """A group of actions ("call") by its label; an action ("call.created") by its own."""
    if prefix in GROUPS:
        return str(GROUPS[prefix])
    return action_label(prefix)


def action_label(code: str) -> str:
    try:
        return str(AuditAction(code).label)
    except ValueError:
        return code  # an action no longer recorded keeps its code
