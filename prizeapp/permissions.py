"""Every access rule of prizeapp, in one place.

Views call `require(can_x(user, ...))`; templates ask the same rules through `can("x", ...)`. A rule is a
small named predicate; combine them rather than re-test roles inline elsewhere.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, has_request_context, request
from flask_login import current_user

from .enums import AssignmentStatus, BlindLevel, CallPhase, CallRoleKind, ConflictSource, MemberRole
from .extensions import db
from .models import (
    Assignment,
    Call,
    CallRole,
    ConflictDeclaration,
    Innovation,
    InnovationSponsor,
    OutboxEmail,
    PoolMember,
    Replication,
    ReviewerInvitation,
    Submission,
    SubmissionFile,
    SubmissionMember,
    User,
)
from .models.review_pool import ExclusionRequest
from .services import deliberation, review_pool

RULES: dict[str, Callable[..., bool]] = {}


def rule(fn: Callable[..., bool]) -> Callable[..., bool]:
    RULES[fn.__name__.removeprefix("can_")] = fn
    return fn


def _request_memo() -> dict | None:
    """What several rules of one page share, kept for the request (None outside one: nothing is kept)."""
    if not has_request_context():
        return None
    return request.environ.setdefault("prizeapp.rules", {})


def _memoised(key: tuple, compute: Callable[[], Any]) -> Any:
    """`compute()`, once per request for `key` (every time outside a request)."""
    memo = _request_memo()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def _authenticated(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def is_admin(user: Any) -> bool:
    return _authenticated(user) and user.is_admin


def _roles_by_call(user: Any) -> dict[int, frozenset[CallRoleKind]]:
    """Every role of the user, by call: one query per request, shared by all the rules of a page."""
    def load() -> dict[int, frozenset[CallRoleKind]]:
        found: dict[int, set[CallRoleKind]] = {}
        for call_id, role in db.session.execute(db.select(CallRole.call_id, CallRole.role)
                                                .where(CallRole.user_id == user.id)):
            found.setdefault(call_id, set()).add(role)
        return {call_id: frozenset(kinds) for call_id, kinds in found.items()}

    return _memoised(("roles", user.id), load)


def call_roles(user: Any, call: Call | None = None) -> set[CallRoleKind]:
    """The roles the user holds in `call`, or in any call when `call` is None."""
    if not _authenticated(user):
        return set()
    roles = _roles_by_call(user)
    if call is not None:
        return set(roles.get(call.id, ()))
    return set().union(*roles.values())


def _forget_after_changes(session, _flush_context) -> None:
    """A flush that writes anything may change what a rule answers (a role, a conflict, a call's policy, a
    project's submission): the request's rules answer afresh. Views redirect after a change, so this is rare."""
    memo = _request_memo()
    if memo and (session.new or session.dirty or session.deleted):
        memo.clear()


def install() -> None:
    """Keep the request's memo of rules true to the database: a flush that writes empties it."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    if not event.contains(Session, "after_flush", _forget_after_changes):
        event.listen(Session, "after_flush", _forget_after_changes)


def has_call_role(user: Any, role: CallRoleKind, call: Call | None = None) -> bool:
    return role in call_roles(user, call)


@rule
def can_use_account(user: Any) -> bool:
    return _authenticated(user)


def admin_or_organiser(user: Any) -> bool:
    """An administrator, or someone who organises at least one call."""
    return is_admin(user) or has_call_role(user, CallRoleKind.ORGANISER)


@rule
def can_view_outbox(user: Any) -> bool:
    """Administrators see every email; organisers those about their calls."""
    return admin_or_organiser(user)


@rule
def can_view_email(user: Any, email: OutboxEmail) -> bool:
    if is_admin(user):
        return True
    return email.call_id is not None and has_call_role(user, CallRoleKind.ORGANISER,
                                                       db.session.get(Call, email.call_id))


@rule
def can_resend_email(user: Any, email: OutboxEmail) -> bool:
    return can_view_email(user, email)


@rule
def can_view_email_body(user: Any, email: OutboxEmail) -> bool:
    # Bodies with confirmation or reset links would let a reader take over the recipient's account.
    return can_view_email(user, email) and not email.sensitive


@rule
def can_view_audit_log(user: Any) -> bool:
    return is_admin(user)


def visible_emails_filter(user: User):
    """The SQL condition restricting the outbox list to what `user` may see."""
    if is_admin(user):
        return db.true()
    organised = db.select(CallRole.call_id).where(
        CallRole.user_id == user.id, CallRole.role == CallRoleKind.ORGANISER
    )
    return OutboxEmail.call_id.in_(organised)


def require(allowed: bool) -> None:
    """Stop the request unless allowed: 401 (→ login page) for anonymous users, 403 otherwise."""
    if not allowed:
        abort(403 if _authenticated(current_user) else 401)


def can(name: str, *args: Any) -> bool:
    """Template helper: can('view_outbox'), can('resend_email', email)."""
    return RULES[name](current_user, *args)


# --- calls and submissions ----------------------------------------------------------------------------

def is_organiser(user: Any, call: Call) -> bool:
    return is_admin(user) or has_call_role(user, CallRoleKind.ORGANISER, call)


@rule
def can_create_call(user: Any) -> bool:
    """Administrators, and people who already organise a call."""
    return admin_or_organiser(user)


@rule
def can_manage_call(user: Any, call: Call) -> bool:
    return is_organiser(user, call)


@rule
def can_view_call(user: Any, call: Call) -> bool:
    """Published calls are public; drafts only for their organisers."""
    return call.phase != CallPhase.DRAFT or is_organiser(user, call)


def is_team_member(user: Any, submission: Submission) -> bool:
    return _authenticated(user) and user.id in submission.member_ids()


@rule
def can_edit_submission(user: Any, submission: Submission) -> bool:
    """The team edits its own project (the deadline is the services' business)."""
    return is_team_member(user, submission)


@rule
def can_view_submission(user: Any, submission: Submission) -> bool:
    """The team always; the call's organisers once it has been submitted (drafts are the team's own); its
    assigned reviewers, never when conflicted."""
    return (is_team_member(user, submission) or can_view_submission_as_organiser(user, submission)
            or can_view_submission_as_reviewer(user, submission))


@rule
def can_download_file(user: Any, record: SubmissionFile) -> bool:
    """Those who see the project; the call's jury too, for submitted projects they are not recused from."""
    submission = record.submission
    return can_view_submission(user, submission) or (
        submission.submitted_at is not None and is_jury_member(user, submission.call)
        and can_view_project_as_jury(user, submission))


@rule
def can_manage_calls(user: Any) -> bool:
    """The "Manage calls" pages: administrators, and people who organise at least one call."""
    return admin_or_organiser(user)


def managed_calls_filter(user: User):
    """The SQL condition restricting a list of calls to those `user` organises (every call for administrators)."""
    if is_admin(user):
        return db.true()
    organised = db.select(CallRole.call_id).where(CallRole.user_id == user.id, CallRole.role == CallRoleKind.ORGANISER)
    return Call.id.in_(organised)


def organiser_visible_submissions_filter():
    """What organisers see of a call's submissions, as SQL: submitted at least once (the same rule as
    can_view_submission; drafts, and drafts withdrawn before submission, remain the team's own)."""
    return Submission.submitted_at.is_not(None)


@rule
def can_view_submission_as_organiser(user: Any, submission: Submission) -> bool:
    """The organisers' pages about one project (printable view): submitted ones only, even when the organiser
    is also in the team of a draft."""
    return submission.submitted_at is not None and is_organiser(user, submission.call)


def is_lead(user: Any, submission: Submission) -> bool:
    return _authenticated(user) and any(m.user_id == user.id and m.role == MemberRole.LEAD
                                        for m in submission.members)


@rule
def can_remove_member(user: Any, submission: Submission, member: SubmissionMember) -> bool:
    """The lead removes co-applicants; a co-applicant may leave. Nobody removes the lead."""
    if member.role == MemberRole.LEAD or member.submission_id != submission.id:
        return False
    return _authenticated(user) and (member.user_id == user.id or is_lead(user, submission))


# --- reviewing ----------------------------------------------------------------------------------------
# A conflicted person never sees a project as a reviewer, whatever else holds: every rule below that shows
# something of a submission to a reviewer goes through `is_conflicted`.

def is_reviewer(user: Any, call: Call) -> bool:
    """In the call's pool (accepted), or in peer-prize mode an applicant of a submitted project."""
    return _authenticated(user) and review_pool.is_reviewer(call, user)


def is_conflicted(user: Any, submission: Submission) -> bool:
    """Any reason of the conflict rules for this pair (asked several times by one page: answered once)."""
    return _memoised(("conflicted", user.id, submission.id),
                     lambda: bool(review_pool.conflict_reasons(submission, user)))


def is_assigned(user: Any, submission: Submission) -> bool:
    """A committed assignment (proposed ones are not announced yet; declined ones are given back)."""
    return _authenticated(user) and db.session.scalar(
        db.select(Assignment.id).where(Assignment.submission_id == submission.id, Assignment.reviewer_id == user.id,
                                       Assignment.status == AssignmentStatus.COMMITTED).limit(1)) is not None


@rule
def can_review_for_call(user: Any, call: Call) -> bool:
    """The reviewer's pages of a call: their profile, conflict declarations, bids and assignments."""
    return is_reviewer(user, call)


@rule
def can_bid(user: Any, call: Call) -> bool:
    """Summaries are shown for bidding only once the reviewer has declared their conflicts from the titles."""
    if not is_reviewer(user, call):
        return False
    declared = db.session.scalar(db.select(PoolMember.conflicts_declared_at).where(
        PoolMember.call_id == call.id, PoolMember.user_id == user.id))
    return declared is not None


@rule
def can_view_submission_as_reviewer(user: Any, submission: Submission) -> bool:
    """An assigned reviewer who is still a reviewer of the call and is not conflicted (a conflict declared
    after the assignment closes the project at once)."""
    return (submission.submitted_at is not None and is_assigned(user, submission)
            and is_reviewer(user, submission.call) and not is_conflicted(user, submission))


@rule
def can_exclude_reviewers(user: Any, submission: Submission) -> bool:
    """The team names the people who must not review its project."""
    return is_team_member(user, submission)


@rule
def can_decide_exclusion_request(user: Any, exclusion: ExclusionRequest) -> bool:
    """The organisers of the call (and administrators) accept or decline what a team asked after the
    submission deadline (an ExclusionRequest): the team itself never decides."""
    return is_organiser(user, exclusion.submission.call)


@rule
def can_withdraw_conflict(user: Any, declaration: ConflictDeclaration) -> bool:
    """The organisers of the call withdraw the conflicts organisers set. What reviewers and applicants declare
    is theirs to withdraw: organisers waive it instead, giving a reason."""
    return declaration.source == ConflictSource.ORGANISER and is_organiser(user, declaration.submission.call)


# --- the reviewers' pages -------------------------------------------------------------------------------

@rule
def can_answer_invitation(user: Any, invitation: ReviewerInvitation) -> bool:
    """The invited person answers an invitation to review, signed in with the address it was sent to (the
    link alone proves nothing: it may have been forwarded)."""
    return _authenticated(user) and user.email == invitation.email


@rule
def can_review_anything(user: Any) -> bool:
    """The "My reviewing" menu entry: someone who reviews for at least one call."""
    return _authenticated(user) and review_pool.reviews_anything(user)


@rule
def can_decline_assignment(user: Any, assignment: Assignment) -> bool:
    """A reviewer gives back one of their own assignments (the service refuses uncommitted or started ones)."""
    return (_authenticated(user) and assignment.reviewer_id == user.id
            and is_reviewer(user, db.session.get(Call, assignment.call_id)))


# --- reviews --------------------------------------------------------------------------------------------

@rule
def can_score(user: Any, assignment: Assignment) -> bool:
    """The review form of one assignment: its own reviewer, while they may see the project (committed, still
    in the pool, not conflicted)."""
    return (_authenticated(user) and assignment.reviewer_id == user.id
            and can_view_submission_as_reviewer(user, assignment.submission))


# --- the jury's ranking ---------------------------------------------------------------------------------

def is_jury_member(user: Any, call: Call) -> bool:
    return has_call_role(user, CallRoleKind.JURY, call)


@rule
def can_view_ranking(user: Any, call: Call) -> bool:
    """The calibrated ranking, the projects' reviews and their exports: the call's jury and organisers."""
    return is_organiser(user, call) or is_jury_member(user, call)


@rule
def can_compute_ranking(user: Any, call: Call) -> bool:
    """Computing the ranking, choosing its model, leaving out an outlier reviewer: the organisers."""
    return is_organiser(user, call)


@rule
def can_see_reviewer_names(user: Any, call: Call) -> bool:
    """Organisers always; the jury unless the call hides reviewers' names from it."""
    return is_organiser(user, call) or (is_jury_member(user, call) and call.reviewers_named_to_jury)


@rule
def can_view_jury_calls(user: Any) -> bool:
    """The "Jury" menu: someone who sits on at least one jury."""
    return has_call_role(user, CallRoleKind.JURY)


# --- blind review -----------------------------------------------------------------------------------------

@rule
def can_see_applicants(user: Any, submission: Submission) -> bool:
    """Who the applicants are (names, and the names of their files): hidden from reviewers in blind calls."""
    return (submission.call.blind != BlindLevel.BLIND or is_team_member(user, submission)
            or is_organiser(user, submission.call) or is_jury_member(user, submission.call))


# --- deliberation and results ---------------------------------------------------------------------------

def recused_from(user: Any, call: Call) -> frozenset[int]:
    """Ids of the projects of `call` that `user` is recused from, by `deliberation.hidden_from` (the one rule:
    recorded recusals, the team's projects, and for non-organisers the conflict rules). Computed once per
    request: the jury's pages ask it for the whole call, then `is_recused` answers from it."""
    if not _authenticated(user):
        return frozenset()
    return _memoised(("recused_from", user.id, call.id),
                     lambda: frozenset(deliberation.hidden_from(call, user, organiser=is_organiser(user, call))))


def is_recused(user: Any, submission: Submission) -> bool:
    """Set aside from the project (`recused_from`): from the request's answer for the whole call when a page
    has asked it already, else for this one project (one row of the conflict matrix, not the whole call's)."""
    if not _authenticated(user):
        return False
    call = submission.call
    memo = _request_memo()
    known = memo.get(("recused_from", user.id, call.id)) if memo is not None else None
    if known is not None and submission.submitted_at is not None:
        return submission.id in known
    return bool(deliberation.hidden_from(call, user, submissions=[submission], organiser=is_organiser(user, call)))


@rule
def can_view_project_as_jury(user: Any, submission: Submission) -> bool:
    """A project's file, reviews and explanation for the jury: never for a jury member recused from it (an
    organiser who is also recused sees it as an organiser only through the organisers' pages)."""
    call = submission.call
    return (is_organiser(user, call) or is_jury_member(user, call)) and not is_recused(user, submission)


@rule
def can_deliberate_as_jury(user: Any, call: Call) -> bool:
    """A jury member's own pages of the deliberation (their votes, their recusals): the call's jury."""
    return is_jury_member(user, call)


@rule
def can_vote(user: Any, call: Call) -> bool:
    """Jury members record their preferences until the results are published."""
    return is_jury_member(user, call) and call.results_published_at is None


@rule
def can_decide(user: Any, call: Call) -> bool:
    """Final decisions, recusals by decision, the deliberation record, publishing: the organisers."""
    return is_organiser(user, call)


@rule
def can_view_decision(user: Any, submission: Submission) -> bool:
    """The team reads its project's decision once the results are published."""
    return is_team_member(user, submission) and submission.call.results_published_at is not None


@rule
def can_manage_call_emails(user: Any, call: Call) -> bool:
    """The call's email texts (edit, preview, test send) and its email log."""
    return is_organiser(user, call)


@rule
def can_view_call_audit(user: Any, call: Call) -> bool:
    """The audit log of one call, and its export."""
    return is_organiser(user, call)


# --- essaimage: innovation records, replications, parrains ------------------------------------------------

def is_innovation_team(user: Any, innovation: Innovation) -> bool:
    """The team of the project the record comes from (or its author, for a record without a project)."""
    if not _authenticated(user):
        return False
    if innovation.submission is not None:
        return is_team_member(user, innovation.submission)
    return innovation.created_by_id == user.id


def is_innovation_checker(user: Any, innovation: Innovation) -> bool:
    """The organisers of the call it came from, and administrators."""
    return is_admin(user) or (innovation.call is not None and has_call_role(user, CallRoleKind.ORGANISER,
                                                                            innovation.call))


def is_sponsor_of(user: Any, innovation: Innovation) -> bool:
    def load() -> bool:
        return db.session.scalar(db.select(db.func.count()).select_from(InnovationSponsor).where(
            InnovationSponsor.innovation_id == innovation.id, InnovationSponsor.user_id == user.id)) > 0

    return _authenticated(user) and _memoised(("sponsor", user.id, innovation.id), load)


@rule
def can_start_innovation(user: Any, submission: Submission) -> bool:
    """A project's team turns it into a record (the service says which projects may become one, and when)."""
    return is_team_member(user, submission)


@rule
def can_view_innovation(user: Any, innovation: Innovation) -> bool:
    """Published records are public; drafts and withdrawn ones for their team, checkers and parrains."""
    return (innovation.is_public or is_innovation_team(user, innovation) or is_innovation_checker(user, innovation)
            or is_sponsor_of(user, innovation))


@rule
def can_edit_innovation(user: Any, innovation: Innovation) -> bool:
    return is_innovation_team(user, innovation)


@rule
def can_view_innovation_versions(user: Any, innovation: Innovation) -> bool:
    """Every version of a record, those never approved included (the public reads the approved ones): its
    team, its checkers and its parrains."""
    return (is_innovation_team(user, innovation) or is_innovation_checker(user, innovation)
            or is_sponsor_of(user, innovation))


@rule
def can_check_innovation(user: Any, innovation: Innovation) -> bool:
    """Approving a version, asking for changes, withdrawing a record from the catalogue."""
    return is_innovation_checker(user, innovation)


@rule
def can_check_innovations(user: Any) -> bool:
    """The list of records waiting to be checked: administrators and organisers (each sees their calls')."""
    return admin_or_organiser(user)


@rule
def can_assign_sponsors(user: Any, innovation: Innovation) -> bool:
    return is_innovation_checker(user, innovation)


@rule
def can_comment_readiness(user: Any, innovation: Innovation) -> bool:
    return is_sponsor_of(user, innovation)


@rule
def can_request_replication(user: Any, innovation: Innovation) -> bool:
    """Any signed-in agent but its own team may ask to take a published innovation up."""
    return _authenticated(user) and innovation.is_public and not is_innovation_team(user, innovation)


@rule
def can_follow_replication(user: Any, replication: Replication) -> bool:
    """The repreneur, the innovation's team and parrains, and its checkers read the replication's timeline."""
    innovation = replication.innovation
    return _authenticated(user) and (replication.requester_id == user.id or is_innovation_team(user, innovation)
                                     or is_sponsor_of(user, innovation) or is_innovation_checker(user, innovation))


@rule
def can_write_on_replication(user: Any, replication: Replication) -> bool:
    """Messages on the timeline: the repreneur, the team and the parrains."""
    innovation = replication.innovation
    return _authenticated(user) and (replication.requester_id == user.id or is_innovation_team(user, innovation)
                                     or is_sponsor_of(user, innovation))


@rule
def can_update_replication(user: Any, replication: Replication) -> bool:
    """Its status, what was adapted and its results are the repreneur's to tell."""
    return _authenticated(user) and replication.requester_id == user.id


@rule
def can_volunteer_as_sponsor(user: Any) -> bool:
    return _authenticated(user)


@rule
def can_contact_repreneur(user: Any, replication: Replication) -> bool:
    """The requester's name and email: for the innovation's team and parrains, who contact them (and for the
    requester); the record's checkers, who may follow the timeline, see the organisation and territory only."""
    innovation = replication.innovation
    return _authenticated(user) and (replication.requester_id == user.id or is_innovation_team(user, innovation)
                                     or is_sponsor_of(user, innovation))


# --- impact follow-up ------------------------------------------------------------------------------------

@rule
def can_follow_up_impact(user: Any, submission: Submission) -> bool:
    """Setting up the project's follow-up and filling its reports: the team, once the results are published
    (the service says which projects may be followed)."""
    return is_team_member(user, submission) and submission.call.results_published_at is not None


@rule
def can_view_impact(user: Any, submission: Submission) -> bool:
    """A project's follow-up dashboard, reports and attachments: its team and the call's organisers."""
    return ((is_team_member(user, submission) and submission.call.results_published_at is not None)
            or is_organiser(user, submission.call))


@rule
def can_view_call_impact(user: Any, call: Call) -> bool:
    """The follow-up of a call's laureates and its export: the call's organisers."""
    return is_organiser(user, call)


@rule
def can_compare_outcomes(user: Any) -> bool:
    """What became of the laureates of the calls one organises, against their calibrated scores."""
    return admin_or_organiser(user)
