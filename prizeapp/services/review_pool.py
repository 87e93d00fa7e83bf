"""The reviewer pool of a call, and the conflict and affinity matrices the assignment solver needs.

This module translates the ORM into the inputs of `prizeapp.core.conflicts` and `prizeapp.core.affinity`
(people with their chart lineage, submissions with their team and the applicants' exclusions, declared and
organiser conflicts, waivers, profiles, bids) and records every change people make to them.
"""
from __future__ import annotations

import dataclasses
import enum
import sys
from dataclasses import dataclass

from sqlalchemy.orm import selectinload

from ..core import affinity as affinity_core
from ..core import conflicts as conflicts_core
from ..enums import (
    AssignmentStatus,
    BidLevel,
    CallPhase,
    ConflictSource,
    ExclusionRequestStatus,
    MemberRole,
    PoolStatus,
    ReviewMode,
    SubmissionStatus,
)
from ..extensions import db
from ..models import (
    Assignment,
    Bid,
    Call,
    ConflictDeclaration,
    ConflictWaiver,
    OrgUnit,
    PendingExclusion,
    PoolMember,
    ReviewerInvitation,
    Submission,
    SubmissionMember,
    User,
)
from ..models.review_pool import ExclusionRequest
from ..models.types import utcnow
from . import audit, locks
from .tokens import TokenError, make_token, normalise_email, read_token
from .calls import current_phase


class PoolError(ValueError):
    """A change the pool's rules do not allow; `codes` name each reason for the page to explain."""

    def __init__(self, *codes: str, **params) -> None:
        super().__init__(", ".join(codes))
        self.codes = list(codes)
        self.params = params


# --- the pool ------------------------------------------------------------------------------------------

def invite_reviewer(*, call: Call, actor: User, email: str) -> ReviewerInvitation:
    """Record an invitation to review for `call`. The email carrying `invitation_token(invitation)` is
    queued by the caller, which knows the page the link leads to."""
    email = normalise_email(email)
    invitation = ReviewerInvitation(call_id=call.id, email=email, invited_by_id=actor.id)
    db.session.add(invitation)
    db.session.flush()
    audit.record(action="pool.reviewer_invited", actor=actor, obj=invitation, call=call, details={"email": email})
    return invitation


def invitation_token(invitation: ReviewerInvitation) -> str:
    return make_token("reviewer", {"inv": invitation.id, "email": invitation.email})


def invitation_from_token(token: str, *, max_age: int) -> ReviewerInvitation:
    payload = read_token("reviewer", token, max_age=max_age)
    invitation = db.session.get(ReviewerInvitation, payload.get("inv"))
    if invitation is None or invitation.email != payload.get("email"):
        raise TokenError("invalid")
    return invitation


def respond_to_invitation(*, invitation: ReviewerInvitation, user: User, accept: bool) -> PoolMember:
    """The invited person accepts or declines (signed in with the invited address); they join the pool
    with that status. Answering again changes the answer."""
    if user.email != invitation.email:
        raise PoolError("invitation_for_another_address", email=invitation.email)
    member = db.session.scalar(db.select(PoolMember).where(PoolMember.call_id == invitation.call_id,
                                                           PoolMember.user_id == user.id))
    if member is None:
        member = PoolMember(call_id=invitation.call_id, user_id=user.id)
        db.session.add(member)
    member.status = PoolStatus.ACCEPTED if accept else PoolStatus.DECLINED
    member.responded_at = utcnow()
    invitation.user_id = user.id
    invitation.accepted_at, invitation.declined_at = (utcnow(), None) if accept else (None, utcnow())
    db.session.flush()
    resolve_pending_exclusions(user=user)
    audit.record(action="pool.invitation_accepted" if accept else "pool.invitation_declined", actor=user,
                 obj=member, call=invitation.call)
    return member


def update_profile(*, member: PoolMember, actor: User, keywords: list[str], themes: list[str],
                   max_load: int | None) -> None:
    """A reviewer's expertise and maximum load for one call (None: the call's default)."""
    if max_load is not None and max_load < 0:
        raise PoolError("negative_max_load")
    member.keywords = [k.strip() for k in keywords if k.strip()]
    member.themes = [t.strip() for t in themes if t.strip()]
    member.max_load = max_load
    audit.record(action="pool.profile_updated", actor=actor, obj=member, call=member.call,
                 details={"keywords": member.keywords, "themes": member.themes, "max_load": max_load})


def reviewers(call: Call) -> list[User]:
    """Who reviews for `call`, by id: the confirmed, active people who accepted to join its pool, or, in
    peer-prize mode, the members of its submitted projects."""
    if call.review_mode == ReviewMode.PEER:
        query = (db.select(User).join(SubmissionMember, SubmissionMember.user_id == User.id)
                 .join(Submission, Submission.id == SubmissionMember.submission_id)
                 .where(Submission.call_id == call.id, Submission.status == SubmissionStatus.SUBMITTED))
    else:
        query = (db.select(User).join(PoolMember, PoolMember.user_id == User.id)
                 .where(PoolMember.call_id == call.id, PoolMember.status == PoolStatus.ACCEPTED))
    query = query.where(User.email_confirmed_at.is_not(None), User.active.is_(True))
    return list(db.session.scalars(query.distinct().order_by(User.id)))


def is_reviewer(call: Call, user: User) -> bool:
    """Whether `user` reviews for `call` (the same rule as `reviewers`, for one person)."""
    if call.review_mode == ReviewMode.PEER:
        query = (db.select(SubmissionMember.id).join(Submission, Submission.id == SubmissionMember.submission_id)
                 .where(Submission.call_id == call.id, Submission.status == SubmissionStatus.SUBMITTED,
                        SubmissionMember.user_id == user.id))
    else:
        query = db.select(PoolMember.id).where(PoolMember.call_id == call.id, PoolMember.user_id == user.id,
                                               PoolMember.status == PoolStatus.ACCEPTED)
    return (user.email_confirmed_at is not None and user.active
            and db.session.scalar(query.limit(1)) is not None)


def member_for(call: Call, user: User) -> PoolMember:
    """The reviewer's row of the call's pool, where their profile and progress are kept. Peer reviewers (the
    applicants) get theirs on first use, already accepted."""
    member = db.session.scalar(db.select(PoolMember).where(PoolMember.call_id == call.id,
                                                           PoolMember.user_id == user.id))
    if member is None:
        member = PoolMember(call_id=call.id, user_id=user.id, status=PoolStatus.ACCEPTED, keywords=[], themes=[],
                            responded_at=utcnow())
        db.session.add(member)
        db.session.flush()
    return member


def confirm_declarations(*, member: PoolMember, actor: User) -> None:
    """The reviewer says they have declared all their conflicts from the list of titles: only then are the
    projects' summaries shown to them (for bidding)."""
    member.conflicts_declared_at = utcnow()
    db.session.flush()
    audit.record(action="conflict.declarations_confirmed", actor=actor, obj=member, call=member.call)


def conflicts_of_reviewer(call: Call, user: User) -> dict[int, list[conflicts_core.Reason]]:
    """Submission id → why `user` may not review it, for every submitted project of `call` that `user` is
    conflicted with (whether or not they are in the pool: the rules are the same)."""
    inputs = call_inputs(call)
    inputs.reviewers = [user]
    matrix = conflict_matrix(call, inputs=inputs, partial=True)
    return {sid: matrix.reasons_for(sid, user.id) for sid in matrix.submission_ids
            if matrix.reasons_for(sid, user.id)}


def conflict_reasons(submission: Submission, user: User) -> list[conflicts_core.Reason]:
    """Why `user` may not review `submission` (empty: no conflict). Drafts and withdrawn projects are
    judged as if submitted, so that a project's status never opens it to a conflicted person."""
    inputs = CallInputs(call=submission.call, submissions=[submission], reviewers=[user],
                        members=_members(submission.call))
    return conflict_matrix(submission.call, inputs=inputs, partial=True).reasons_for(submission.id, user.id)


def submissions_to_review(call: Call) -> list[Submission]:
    """The submitted projects of `call`, by id, with their teams loaded."""
    return list(db.session.scalars(
        db.select(Submission).where(Submission.call_id == call.id, Submission.status == SubmissionStatus.SUBMITTED)
        .options(selectinload(Submission.members)).order_by(Submission.id)))


# --- the organisers' changes to the pool ---------------------------------------------------------------

def pending_invitations(call: Call) -> list[ReviewerInvitation]:
    """Invitations of `call` nobody has answered yet, the latest per address, by address; addresses of
    people already in the pool are left out (they answered another invitation)."""
    answered = set(db.session.scalars(db.select(User.email).join(PoolMember, PoolMember.user_id == User.id)
                                      .where(PoolMember.call_id == call.id)))
    latest: dict[str, ReviewerInvitation] = {}
    for invitation in db.session.scalars(db.select(ReviewerInvitation).where(
            ReviewerInvitation.call_id == call.id, ReviewerInvitation.accepted_at.is_(None),
            ReviewerInvitation.declined_at.is_(None)).order_by(ReviewerInvitation.id)):
        if invitation.email not in answered:
            latest[invitation.email] = invitation
    return [latest[email] for email in sorted(latest)]


def invited_addresses(call: Call) -> set[str]:
    """Every address already invited to `call`'s pool or belonging to someone in it."""
    invited = set(db.session.scalars(db.select(ReviewerInvitation.email).where(ReviewerInvitation.call_id == call.id)))
    return invited | set(db.session.scalars(db.select(User.email).join(PoolMember, PoolMember.user_id == User.id)
                                            .where(PoolMember.call_id == call.id)))


def assignment_counts(call: Call) -> dict[int, dict[AssignmentStatus, int]]:
    """Reviewer id → number of their assignments in `call` by status."""
    counts: dict[int, dict[AssignmentStatus, int]] = {}
    for reviewer_id, status, count in db.session.execute(
            db.select(Assignment.reviewer_id, Assignment.status, db.func.count(Assignment.id))
            .where(Assignment.call_id == call.id).group_by(Assignment.reviewer_id, Assignment.status)):
        counts.setdefault(reviewer_id, {})[status] = count
    return counts


def _unanswered(invitation: ReviewerInvitation) -> None:
    if invitation.accepted_at is not None or invitation.declined_at is not None:
        raise PoolError("invitation_answered", email=invitation.email)


def record_invitation_resent(*, invitation: ReviewerInvitation, actor: User) -> None:
    """An organiser sends an unanswered invitation again (the caller queues the email, as for the first)."""
    _unanswered(invitation)
    audit.record(action="pool.invitation_resent", actor=actor, obj=invitation, call=invitation.call,
                 details={"email": invitation.email})


def cancel_invitation(*, invitation: ReviewerInvitation, actor: User) -> None:
    """Withdraw an unanswered invitation: its link stops working."""
    _unanswered(invitation)
    audit.record(action="pool.invitation_cancelled", actor=actor, obj=invitation, call=invitation.call,
                 details={"email": invitation.email})
    db.session.delete(invitation)
    db.session.flush()


def remove_from_pool(*, call: Call, user: User, actor: User) -> None:
    """Take a person out of a panel call's pool: their pool row, their invitations (whose links then stop
    working) and their proposed assignments go. Refused while they hold a committed assignment: that review
    was announced to them and must first be given to someone else. In a peer prize the reviewers are the
    applicants, who leave only by withdrawing their project."""
    if call.review_mode == ReviewMode.PEER:
        raise PoolError("peer_reviewers_are_the_applicants")
    committed = db.session.scalar(db.select(db.func.count(Assignment.id)).where(
        Assignment.call_id == call.id, Assignment.reviewer_id == user.id,
        Assignment.status == AssignmentStatus.COMMITTED))
    if committed:
        raise PoolError("committed_assignments", count=committed)
    member = db.session.scalar(db.select(PoolMember).where(PoolMember.call_id == call.id,
                                                           PoolMember.user_id == user.id))
    invitations = list(db.session.scalars(db.select(ReviewerInvitation).where(
        ReviewerInvitation.call_id == call.id,
        db.or_(ReviewerInvitation.user_id == user.id, ReviewerInvitation.email == user.email))))
    proposed = list(db.session.scalars(db.select(Assignment).where(
        Assignment.call_id == call.id, Assignment.reviewer_id == user.id,
        Assignment.status == AssignmentStatus.PROPOSED)))
    if member is None and not invitations:
        raise PoolError("not_in_pool")
    audit.record(action="pool.reviewer_removed", actor=actor, obj=member or user, call=call,
                 details={"user_id": user.id, "email": user.email,
                          "status": member.status.value if member is not None else None,
                          "proposed_assignments_removed": len(proposed),
                          "invitations_cancelled": len(invitations)})
    for row in (*proposed, *invitations, *((member,) if member is not None else ())):
        db.session.delete(row)
    db.session.flush()


def set_max_load(*, call: Call, user: User, actor: User, max_load: int | None) -> PoolMember:
    """An organiser sets how many projects one reviewer reviews at most (None: the call's default)."""
    if max_load is not None and max_load < 0:
        raise PoolError("negative_max_load")
    if call.review_mode == ReviewMode.PEER:
        if not is_reviewer(call, user):
            raise PoolError("not_in_pool")
        member = member_for(call, user)
    else:
        member = db.session.scalar(db.select(PoolMember).where(PoolMember.call_id == call.id,
                                                               PoolMember.user_id == user.id))
        if member is None:
            raise PoolError("not_in_pool")
    previous, member.max_load = member.max_load, max_load
    db.session.flush()
    audit.record(action="pool.max_load_set", actor=actor, obj=member, call=call,
                 details={"user_id": user.id, "previous": previous, "max_load": max_load})
    return member


# --- conflicts -----------------------------------------------------------------------------------------

def declare_conflict(*, submission: Submission, reviewer: User, source: ConflictSource, actor: User,
                     reason: str = "") -> ConflictDeclaration:
    """A conflict declared by the reviewer (about a submission), by a member of its team (about a person),
    or set by an organiser (who must give a reason). Declaring twice from the same source changes nothing."""
    if source == ConflictSource.ORGANISER and not reason.strip():
        raise PoolError("reason_required")
    if source == ConflictSource.REVIEWER and actor.id != reviewer.id:
        raise PoolError("not_the_reviewer")
    if source == ConflictSource.APPLICANT:
        if actor.id not in submission.member_ids():
            raise PoolError("not_in_team")
        if exclusion_window(submission.call) != ExclusionWindow.DIRECT:
            raise PoolError("exclusion_needs_an_organiser")  # after the deadline, a request (exclude_reviewer)
    existing = db.session.scalar(db.select(ConflictDeclaration).where(
        ConflictDeclaration.submission_id == submission.id, ConflictDeclaration.reviewer_id == reviewer.id,
        ConflictDeclaration.source == source))
    if existing is not None:
        return existing
    declaration = ConflictDeclaration(submission_id=submission.id, reviewer_id=reviewer.id, source=source,
                                      reason=reason.strip(), declared_by_id=actor.id)
    db.session.add(declaration)
    db.session.flush()
    audit.record(action="conflict.declared", actor=actor, obj=declaration, call=submission.call,
                 details={"submission_id": submission.id, "reviewer_id": reviewer.id, "source": source.value,
                          "reason": declaration.reason})
    return declaration


def withdraw_conflict(*, declaration: ConflictDeclaration, actor: User) -> None:
    """Remove a declaration (by whoever made it, or an organiser: the view decides)."""
    audit.record(action="conflict.withdrawn", actor=actor, obj=declaration, call=declaration.submission.call,
                 details={"submission_id": declaration.submission_id, "reviewer_id": declaration.reviewer_id,
                          "source": declaration.source.value})
    db.session.delete(declaration)
    db.session.flush()


def waive_conflict(*, submission: Submission, reviewer: User, code: str, reason: str,
                   actor: User) -> ConflictWaiver:
    """An organiser lifts one reason (`code`) for one pair, with a reason kept in the audit log. Author and
    team member can never be waived."""
    conflicts_core.Waiver(submission.id, reviewer.id, code, reason)  # validates the code and the reason
    waiver = db.session.scalar(db.select(ConflictWaiver).where(
        ConflictWaiver.submission_id == submission.id, ConflictWaiver.reviewer_id == reviewer.id,
        ConflictWaiver.code == code))
    if waiver is None:
        waiver = ConflictWaiver(submission_id=submission.id, reviewer_id=reviewer.id, code=code)
        db.session.add(waiver)
    waiver.reason = reason.strip()
    waiver.waived_by_id = actor.id
    waiver.waived_at = utcnow()
    db.session.flush()
    audit.record(action="conflict.waived", actor=actor, obj=waiver, call=submission.call,
                 details={"submission_id": submission.id, "reviewer_id": reviewer.id, "code": code,
                          "reason": waiver.reason})
    return waiver


def revoke_waiver(*, waiver: ConflictWaiver, actor: User) -> None:
    audit.record(action="conflict.waiver_revoked", actor=actor, obj=waiver, call=waiver.submission.call,
                 details={"submission_id": waiver.submission_id, "reviewer_id": waiver.reviewer_id,
                          "code": waiver.code})
    db.session.delete(waiver)
    db.session.flush()


# --- bids ----------------------------------------------------------------------------------------------

def place_bid(*, submission: Submission, reviewer: User, level: BidLevel | None) -> Bid | None:
    """Set (or with None, remove) a reviewer's bid on a submission."""
    bid = db.session.scalar(db.select(Bid).where(Bid.submission_id == submission.id,
                                                 Bid.reviewer_id == reviewer.id))
    if level is None:
        if bid is not None:
            db.session.delete(bid)
    else:
        if bid is None:
            bid = Bid(submission_id=submission.id, reviewer_id=reviewer.id)
            db.session.add(bid)
        bid.level = level
        bid.updated_at = utcnow()
    db.session.flush()
    audit.record(action="bid.placed", actor=reviewer, obj=submission, call=submission.call,
                 details={"level": level.value if level else None})
    return bid if level is not None else None


# --- ORM → core ----------------------------------------------------------------------------------------

@dataclass
class CallInputs:
    """What the matrices of one call are built from, loaded once (a few queries, whatever the call's size)."""

    call: Call
    submissions: list[Submission]
    reviewers: list[User]
    members: dict[int, PoolMember]  # user id → pool row (profile, max load), when there is one

    @property
    def submission_ids(self) -> list[int]:
        return [s.id for s in self.submissions]

    @property
    def reviewer_ids(self) -> list[int]:
        return [r.id for r in self.reviewers]


def _members(call: Call) -> dict[int, PoolMember]:
    return {m.user_id: m for m in db.session.scalars(db.select(PoolMember).where(PoolMember.call_id == call.id))}


def call_inputs(call: Call) -> CallInputs:
    return CallInputs(call=call, submissions=submissions_to_review(call), reviewers=reviewers(call),
                      members=_members(call))


def conflict_policy(call: Call) -> conflicts_core.ConflictPolicy:
    return conflicts_core.ConflictPolicy(
        same_direction=call.conflict_same_direction,
        same_organisation=call.conflict_same_organisation,
        shared_domains=conflicts_core.DEFAULT_SHARED_DOMAINS | frozenset(call.conflict_shared_domains or ()),
        peer_prize=call.review_mode == ReviewMode.PEER,
    )


def _lineages() -> dict[int, tuple[conflicts_core.Unit, ...]]:
    """Unit id → its lineage as core Units, organisation first (the whole chart in one query)."""
    units = {u.id: u for u in db.session.scalars(db.select(OrgUnit))}
    lineages: dict[int, tuple[conflicts_core.Unit, ...]] = {}
    for unit_id in units:
        chain, seen, current = [], set(), units.get(unit_id)
        while current is not None and current.id not in seen:
            seen.add(current.id)
            chain.append(current)
            current = units.get(current.parent_id) if current.parent_id is not None else None
        levels, kept = set(), []
        for unit in reversed(chain):  # one unit per level, in chart order, whatever the data holds
            order = conflicts_core.LEVELS.index(unit.kind.value)
            if unit.kind.value not in levels and all(conflicts_core.LEVELS.index(u.level) < order for u in kept):
                kept.append(conflicts_core.Unit(unit.id, unit.kind.value))
                levels.add(unit.kind.value)
        lineages[unit_id] = tuple(kept)
    return lineages


def _population_policy(call: Call) -> conflicts_core.ConflictPolicy:
    """The call's policy with the institution-wide domains of its whole population (reviewers and teams)
    written out, for matrices built over a part of the call: a domain is wide or not in the call, not in
    the part."""
    policy = conflict_policy(call)
    team = db.select(SubmissionMember.user_id).join(Submission, Submission.id == SubmissionMember.submission_id) \
        .where(Submission.call_id == call.id, Submission.status == SubmissionStatus.SUBMITTED)
    ids = set(db.session.scalars(team)) | {u.id for u in reviewers(call)}
    emails = db.session.execute(db.select(User.id, User.email).where(User.id.in_(ids))).all() if ids else []
    wide = conflicts_core.shared_domains([conflicts_core.Person(id=i, email=e) for i, e in emails], policy)
    return dataclasses.replace(policy, shared_domains=wide, institution_min_people=sys.maxsize)


def conflict_matrix(call: Call, *, inputs: CallInputs | None = None,
                    partial: bool = False) -> conflicts_core.ConflictMatrix:
    """The conflict mask of `call` (submitted projects × reviewers, by id) with every reason, from the chart,
    email domains, teams, declarations of reviewers and applicants, organisers' conflicts and waivers.
    `partial`: `inputs` hold only part of the call (which domains are shared is then judged on all of it)."""
    inputs = inputs or call_inputs(call)
    submission_ids = inputs.submission_ids
    declarations = list(db.session.scalars(db.select(ConflictDeclaration)
                                           .where(ConflictDeclaration.submission_id.in_(submission_ids))))
    waivers = list(db.session.scalars(db.select(ConflictWaiver)
                                      .where(ConflictWaiver.submission_id.in_(submission_ids))))
    team_ids = {m.user_id for s in inputs.submissions for m in s.members}
    people = {u.id: u for u in inputs.reviewers}
    missing = team_ids - set(people)
    if missing:
        people.update((u.id, u) for u in db.session.scalars(db.select(User).where(User.id.in_(missing))))
    lineages = _lineages()
    declared_by_reviewer: dict[int, set[int]] = {}
    excluded: dict[int, set[int]] = {}
    organiser = []
    for d in declarations:
        if d.source == ConflictSource.REVIEWER:
            declared_by_reviewer.setdefault(d.reviewer_id, set()).add(d.submission_id)
        elif d.source == ConflictSource.APPLICANT:
            excluded.setdefault(d.submission_id, set()).add(d.reviewer_id)
        else:
            organiser.append(conflicts_core.OrganiserConflict(d.submission_id, d.reviewer_id, d.reason))

    def person(user: User) -> conflicts_core.Person:
        return conflicts_core.Person(id=user.id, email=user.email,
                                     units=lineages.get(user.unit_id, ()) if user.unit_id else (),
                                     declared_submission_ids=frozenset(declared_by_reviewer.get(user.id, ())))

    core_submissions = []
    for s in inputs.submissions:
        lead = next((m.user_id for m in s.members if m.role == MemberRole.LEAD), None)
        author = lead if lead is not None else (s.members[0].user_id if s.members else 0)
        core_submissions.append(conflicts_core.Submission(
            id=s.id, author_id=author, member_ids=tuple(m.user_id for m in s.members if m.user_id != author),
            excluded_reviewer_ids=frozenset(excluded.get(s.id, ()))))
    return conflicts_core.compute_conflicts(
        submissions=core_submissions,
        reviewers=[person(u) for u in inputs.reviewers],
        people=[person(u) for u in people.values()],
        policy=_population_policy(call) if partial else conflict_policy(call),
        organiser_conflicts=organiser,
        waivers=[conflicts_core.Waiver(w.submission_id, w.reviewer_id, w.code, w.reason) for w in waivers],
    )


def affinity_matrix(call: Call, *, inputs: CallInputs | None = None) -> affinity_core.Affinity:
    """The affinity of every (submitted project, reviewer) pair of `call`, from the projects' texts and
    category, the reviewers' keywords and themes for this call, and their bids."""
    inputs = inputs or call_inputs(call)
    bids = {(b.submission_id, b.reviewer_id): b.level.value for b in db.session.scalars(
        db.select(Bid).where(Bid.submission_id.in_(inputs.submission_ids)))}
    texts = [affinity_core.SubmissionText(id=s.id, title=s.title, summary=s.summary, description=s.description,
                                          category=s.category) for s in inputs.submissions]
    profiles = []
    for user in inputs.reviewers:
        member = inputs.members.get(user.id)
        profiles.append(affinity_core.ReviewerProfile(
            id=user.id, keywords=tuple(member.keywords) if member else (),
            themes=tuple(member.themes) if member else ()))
    return affinity_core.compute_affinity(submissions=texts, reviewers=profiles, bids=bids)


# --- the reviewers' pages ------------------------------------------------------------------------------

def reviewing_calls(user: User) -> list[Call]:
    """The calls `user` reviews for (the rule of `is_reviewer`), the most recent first."""
    if user.email_confirmed_at is None or not user.active:
        return []
    pooled = db.select(PoolMember.call_id).where(PoolMember.user_id == user.id,
                                                 PoolMember.status == PoolStatus.ACCEPTED)
    peer = (db.select(Submission.call_id).join(SubmissionMember, SubmissionMember.submission_id == Submission.id)
            .where(SubmissionMember.user_id == user.id, Submission.status == SubmissionStatus.SUBMITTED))
    query = db.select(Call).where(
        db.or_(db.and_(Call.review_mode == ReviewMode.PANEL, Call.id.in_(pooled)),
               db.and_(Call.review_mode == ReviewMode.PEER, Call.id.in_(peer))))
    return list(db.session.scalars(query.order_by(Call.review_deadline.desc(), Call.id.desc())))


def reviews_anything(user: User) -> bool:
    """Whether `user` reviews for at least one call (the menu shows "My reviewing" then)."""
    return bool(reviewing_calls(user))


def save_declarations(*, call: Call, reviewer: User, declared: dict[int, str]) -> None:
    """The reviewer's answer on the list of titles: `declared` maps the submissions they have a conflict
    with to a reason (may be empty). Their earlier declarations on the others of this call are withdrawn,
    then the declarations are confirmed (summaries open for bidding)."""
    submitted = {s.id: s for s in submissions_to_review(call)}
    unknown = set(declared) - set(submitted)
    if unknown:
        raise PoolError("unknown_submission")
    existing = {d.submission_id: d for d in db.session.scalars(db.select(ConflictDeclaration).where(
        ConflictDeclaration.reviewer_id == reviewer.id, ConflictDeclaration.source == ConflictSource.REVIEWER,
        ConflictDeclaration.submission_id.in_(submitted)))}
    for submission_id, declaration in existing.items():
        if submission_id not in declared:
            withdraw_conflict(declaration=declaration, actor=reviewer)
    for submission_id, reason in declared.items():
        declaration = existing.get(submission_id)
        if declaration is None:
            declare_conflict(submission=submitted[submission_id], reviewer=reviewer, source=ConflictSource.REVIEWER,
                             actor=reviewer, reason=reason)
        elif declaration.reason != reason.strip():
            declaration.reason = reason.strip()
    confirm_declarations(member=member_for(call, reviewer), actor=reviewer)


def bids_of(call: Call, reviewer: User) -> dict[int, BidLevel]:
    """Submission id → the reviewer's bid, for the projects of `call`."""
    return dict(db.session.execute(
        db.select(Bid.submission_id, Bid.level).join(Submission, Submission.id == Bid.submission_id)
        .where(Submission.call_id == call.id, Bid.reviewer_id == reviewer.id)).all())


def place_bids(*, call: Call, reviewer: User, levels: dict[int, BidLevel | None]) -> int:
    """Save the bids of a page of projects (None: no opinion); returns how many changed. Only submitted
    projects of `call` the reviewer is not conflicted with may be bid on."""
    submitted = {s.id: s for s in submissions_to_review(call)}
    conflicted = conflicts_of_reviewer(call, reviewer)
    if any(sid not in submitted or sid in conflicted for sid in levels):
        raise PoolError("unknown_submission")
    current = bids_of(call, reviewer)
    changed = 0
    for submission_id, level in levels.items():
        if current.get(submission_id) != level:
            place_bid(submission=submitted[submission_id], reviewer=reviewer, level=level)
            changed += 1
    return changed


# --- the applicants' exclusions --------------------------------------------------------------------------
# Before the submission deadline the team names people who must not review its project and that is final:
# nobody is assigned yet. Afterwards the pool, the assignments and the jury are known, and an exclusion in
# force at once would let any team set aside any reviewer or jury member it dislikes: it becomes a request
# that an organiser accepts or declines. Once the results are published nothing changes any more.

class ExclusionWindow(enum.StrEnum):
    DIRECT = "direct"  # before the submission deadline: in force at once
    REQUEST = "request"  # review and deliberation: an organiser decides
    CLOSED = "closed"  # results published, or the call archived


def exclusion_window(call: Call) -> ExclusionWindow:
    """How an exclusion the applicants make now is treated. Deliberation still takes requests: a tie with a
    jury member may only come to light once the jury is named, and an organiser decides each one."""
    phase = current_phase(call)
    if call.results_published_at is not None or phase in (CallPhase.PUBLISHED, CallPhase.ARCHIVED):
        return ExclusionWindow.CLOSED
    if phase in (CallPhase.DRAFT, CallPhase.OPEN):
        return ExclusionWindow.DIRECT
    return ExclusionWindow.REQUEST


@dataclass(frozen=True)
class Exclusion:
    """An address the team asked not to review its project, as the team sees it: whether the address has
    an account is never part of it. `status` is None for an exclusion in force since before the deadline,
    else where the team's later request stands."""

    email: str
    reason: str
    declared_at: object
    status: ExclusionRequestStatus | None = None


def exclusions_of(submission: Submission) -> list[Exclusion]:
    """The addresses the team of `submission` excluded or asked to exclude, by address."""
    declared = db.session.execute(
        db.select(User.email, ConflictDeclaration.reason, ConflictDeclaration.declared_at)
        .join(User, User.id == ConflictDeclaration.reviewer_id)
        .where(ConflictDeclaration.submission_id == submission.id,
               ConflictDeclaration.source == ConflictSource.APPLICANT)).all()
    pending = db.session.execute(
        db.select(PendingExclusion.email, PendingExclusion.reason, PendingExclusion.created_at)
        .where(PendingExclusion.submission_id == submission.id)).all()
    found = {row.email: Exclusion(*row) for row in [*declared, *pending]}
    for request in db.session.scalars(db.select(ExclusionRequest).where(
            ExclusionRequest.submission_id == submission.id)):
        found[request.email] = Exclusion(request.email, request.reason, request.requested_at, request.status)
    return sorted(found.values(), key=lambda e: e.email)


def _in_force(submission: Submission, email: str) -> bool:
    """Whether an exclusion of `email` already applies to `submission` (declared, or waiting for the
    address to have an account)."""
    declared = db.session.scalar(
        db.select(ConflictDeclaration.id).join(User, User.id == ConflictDeclaration.reviewer_id)
        .where(ConflictDeclaration.submission_id == submission.id, User.email == email,
               ConflictDeclaration.source == ConflictSource.APPLICANT).limit(1))
    waiting = db.session.scalar(db.select(PendingExclusion.id).where(
        PendingExclusion.submission_id == submission.id, PendingExclusion.email == email).limit(1))
    return declared is not None or waiting is not None


def exclude_reviewer(*, submission: Submission, email: str, actor: User,
                     reason: str = "") -> ExclusionRequest | None:
    """A member of the team names a person who must not review the project.

    Before the submission deadline it is in force at once: with an account, a conflict declared by the
    applicants; without one, the address waits (PendingExclusion) until its owner creates an account or
    accepts an invitation to review. After the deadline it is an ExclusionRequest, returned, that changes
    nothing until an organiser accepts it; once the results are published it is refused ("results_published").
    Excluding twice changes nothing."""
    if actor.id not in submission.member_ids():
        raise PoolError("not_in_team")
    email, reason = normalise_email(email), reason.strip()
    locks.hold(f"exclusions:{submission.id}")  # two clicks must not both find nothing and both insert
    window = exclusion_window(submission.call)
    if window == ExclusionWindow.CLOSED:
        raise PoolError("results_published")
    if window == ExclusionWindow.REQUEST:
        return _request_exclusion(submission=submission, email=email, actor=actor, reason=reason)
    user = db.session.scalar(db.select(User).where(User.email == email))
    if user is not None:
        declare_conflict(submission=submission, reviewer=user, source=ConflictSource.APPLICANT, actor=actor,
                         reason=reason)
        return None
    pending = db.session.scalar(db.select(PendingExclusion).where(PendingExclusion.submission_id == submission.id,
                                                                  PendingExclusion.email == email))
    if pending is not None:
        return None
    pending = PendingExclusion(submission_id=submission.id, email=email, reason=reason, declared_by_id=actor.id)
    db.session.add(pending)
    db.session.flush()
    audit.record(action="conflict.exclusion_pending", actor=actor, obj=pending, call=submission.call,
                 details={"submission_id": submission.id, "email": email, "reason": reason})
    return None


def _request_exclusion(*, submission: Submission, email: str, actor: User, reason: str) -> ExclusionRequest | None:
    if _in_force(submission, email):
        return None
    request = db.session.scalar(db.select(ExclusionRequest).where(ExclusionRequest.submission_id == submission.id,
                                                                  ExclusionRequest.email == email))
    if request is not None:  # asked already: pending, or decided once and for all
        return request
    request = ExclusionRequest(submission_id=submission.id, email=email, reason=reason, requested_by_id=actor.id,
                               status=ExclusionRequestStatus.PENDING)
    db.session.add(request)
    db.session.flush()
    audit.record(action="conflict.exclusion_requested", actor=actor, obj=request, call=submission.call,
                 details={"submission_id": submission.id, "email": email, "reason": reason})
    return request


def exclusion_requests(call: Call) -> list[ExclusionRequest]:
    """The exclusion requests of `call`'s projects: pending ones first, oldest first, then the decided ones,
    latest decision first."""
    rows = db.session.scalars(
        db.select(ExclusionRequest).join(Submission, Submission.id == ExclusionRequest.submission_id)
        .where(Submission.call_id == call.id)
        .options(selectinload(ExclusionRequest.submission), selectinload(ExclusionRequest.requested_by),
                 selectinload(ExclusionRequest.decided_by))
        .order_by(ExclusionRequest.requested_at, ExclusionRequest.id)).all()
    pending = [r for r in rows if r.status == ExclusionRequestStatus.PENDING]
    decided = sorted((r for r in rows if r.status != ExclusionRequestStatus.PENDING),
                     key=lambda r: (r.decided_at, r.id), reverse=True)
    return pending + decided


def pending_exclusion_requests(call: Call) -> int:
    """How many exclusion requests of `call` wait for an organiser."""
    return db.session.scalar(
        db.select(db.func.count(ExclusionRequest.id)).join(Submission, Submission.id == ExclusionRequest.submission_id)
        .where(Submission.call_id == call.id, ExclusionRequest.status == ExclusionRequestStatus.PENDING))


def decide_exclusion_request(*, request: ExclusionRequest, actor: User, accept: bool,
                             reason: str) -> ExclusionRequest:
    """An organiser accepts (the exclusion is then in force, as if made before the deadline) or declines (it
    never is) a pending request, giving why. A decision is final; accepting is refused once the results are
    published, declining is not (it changes nothing)."""
    reason = reason.strip()
    if not reason:
        raise PoolError("reason_required")
    if request.status != ExclusionRequestStatus.PENDING:
        raise PoolError("request_decided")
    submission = request.submission
    if accept and exclusion_window(submission.call) == ExclusionWindow.CLOSED:
        raise PoolError("results_published")
    reviewer_id = None
    if accept:
        user = db.session.scalar(db.select(User).where(User.email == request.email))
        if user is not None:
            reviewer_id = user.id
            if db.session.scalar(db.select(ConflictDeclaration.id).where(
                    ConflictDeclaration.submission_id == submission.id, ConflictDeclaration.reviewer_id == user.id,
                    ConflictDeclaration.source == ConflictSource.APPLICANT)) is None:
                db.session.add(ConflictDeclaration(submission_id=submission.id, reviewer_id=user.id,
                                                   source=ConflictSource.APPLICANT, reason=request.reason,
                                                   declared_by_id=request.requested_by_id))
        elif not _in_force(submission, request.email):
            db.session.add(PendingExclusion(submission_id=submission.id, email=request.email, reason=request.reason,
                                            declared_by_id=request.requested_by_id))
    request.status = ExclusionRequestStatus.ACCEPTED if accept else ExclusionRequestStatus.DECLINED
    request.decided_by_id, request.decided_at, request.decision_reason = actor.id, utcnow(), reason
    db.session.flush()
    audit.record(action="conflict.exclusion_accepted" if accept else "conflict.exclusion_declined", actor=actor,
                 obj=request, call=submission.call,
                 details={"submission_id": submission.id, "email": request.email, "reviewer_id": reviewer_id,
                          "request_reason": request.reason, "reason": reason})
    return request


def remove_exclusion(*, submission: Submission, email: str, actor: User) -> None:
    """A member of the team withdraws an exclusion, whether or not it became a declaration, or a request
    not yet decided (an accepted one goes with its exclusion; a declined one stays on record). Refused once
    the results are published: the conflicts then belong to the deliberation's record."""
    if actor.id not in submission.member_ids():
        raise PoolError("not_in_team")
    if exclusion_window(submission.call) == ExclusionWindow.CLOSED:
        raise PoolError("results_published")
    email = normalise_email(email)
    declarations = db.session.scalars(
        db.select(ConflictDeclaration).join(User, User.id == ConflictDeclaration.reviewer_id)
        .where(ConflictDeclaration.submission_id == submission.id, User.email == email,
               ConflictDeclaration.source == ConflictSource.APPLICANT)).all()
    for declaration in declarations:
        withdraw_conflict(declaration=declaration, actor=actor)
    for pending in db.session.scalars(db.select(PendingExclusion).where(
            PendingExclusion.submission_id == submission.id, PendingExclusion.email == email)).all():
        audit.record(action="conflict.exclusion_withdrawn", actor=actor, obj=pending, call=submission.call,
                     details={"submission_id": submission.id, "email": email})
        db.session.delete(pending)
    for request in db.session.scalars(db.select(ExclusionRequest).where(
            ExclusionRequest.submission_id == submission.id, ExclusionRequest.email == email,
            ExclusionRequest.status != ExclusionRequestStatus.DECLINED)).all():
        audit.record(action="conflict.exclusion_withdrawn", actor=actor, obj=request, call=submission.call,
                     details={"submission_id": submission.id, "email": email, "status": request.status.value})
        db.session.delete(request)
    db.session.flush()


def resolve_pending_exclusions(*, user: User) -> int:
    """Turn the exclusions waiting for `user`'s address into conflicts declared by the applicants (when
    they confirm a new account or answer an invitation to review); returns how many."""
    pending = db.session.scalars(db.select(PendingExclusion).where(PendingExclusion.email == user.email)).all()
    for row in pending:
        exists = db.session.scalar(db.select(ConflictDeclaration.id).where(
            ConflictDeclaration.submission_id == row.submission_id, ConflictDeclaration.reviewer_id == user.id,
            ConflictDeclaration.source == ConflictSource.APPLICANT))
        if exists is None:
            declaration = ConflictDeclaration(submission_id=row.submission_id, reviewer_id=user.id,
                                              source=ConflictSource.APPLICANT, reason=row.reason,
                                              declared_by_id=row.declared_by_id, declared_at=row.created_at)
            db.session.add(declaration)
            db.session.flush()
            audit.record(action="conflict.exclusion_resolved", obj=declaration, call=row.submission.call,
                         details={"submission_id": row.submission_id, "reviewer_id": user.id,
                                  "pending_exclusion_id": row.id})
        db.session.delete(row)
    db.session.flush()
    return len(pending)
