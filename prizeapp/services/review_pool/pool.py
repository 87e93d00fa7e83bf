"""Who reviews for a call: the pool's members, the invitations and their answers, the organisers' changes."""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for

from ...enums import AssignmentStatus, PoolStatus, ReviewMode, SubmissionStatus
from ...extensions import db
from ...models import (
    Assignment,
    Call,
    PoolMember,
    ReviewerInvitation,
    Submission,
    SubmissionMember,
    User,
)
from ...models.types import utcnow
from .. import audit
from ..outbox import queue_email
from ..tokens import TokenError, make_token, normalise_email, read_token
from .exclusions import resolve_pending_exclusions
from .windows import PoolError, invitations_open


def team_ids(call: Call):
    """The ids of the members of the submitted projects of `call`, as a query."""
    return (db.select(SubmissionMember.user_id).join(Submission, Submission.id == SubmissionMember.submission_id)
            .where(Submission.call_id == call.id, Submission.status == SubmissionStatus.SUBMITTED))


def reviewer_ids(call: Call):
    """The ids of who reviews for `call`, as a query: the confirmed, active people who accepted to join its
    pool, or, in peer-prize mode, the members of its submitted projects."""
    if call.review_mode == ReviewMode.PEER:
        candidates = team_ids(call)
    else:
        candidates = db.select(PoolMember.user_id).where(PoolMember.call_id == call.id,
                                                         PoolMember.status == PoolStatus.ACCEPTED)
    return db.select(User.id).where(User.id.in_(candidates), User.email_confirmed_at.is_not(None),
                                    User.active.is_(True))


def reviewers(call: Call) -> list[User]:
    """Who reviews for `call` (`reviewer_ids`), by id."""
    return list(db.session.scalars(db.select(User).where(User.id.in_(reviewer_ids(call))).order_by(User.id)))


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


@dataclass(frozen=True)
class Invited:
    """What inviting a list of addresses did: who is invited now, and who was not because they already were
    (or are in the pool)."""

    invited: list[str]
    skipped: list[str]


def invite_reviewers(*, call: Call, actor: User, emails: list[str]) -> Invited:
    """Invite each address of `emails` to review for `call`, queueing its email; an address already invited
    or in the pool is skipped, not invited again (an organiser reminds them with `resend_invitation`).
    Refused in a peer prize ("peer_prize_invites_nobody"): its reviewers are the applicants."""
    _refuse_in_a_peer_prize(call)
    already = invited_addresses(call)
    invited, skipped = [], []
    for email in dict.fromkeys(normalise_email(e) for e in emails):
        if email in already:
            skipped.append(email)
        else:
            _invite(call=call, actor=actor, email=email)
            invited.append(email)
    return Invited(invited=invited, skipped=skipped)


def invite_reviewer(*, call: Call, actor: User, email: str) -> ReviewerInvitation:
    """Invite one address, as `invite_reviewers` does; refused for an address already invited or in the
    pool ("already_invited")."""
    _refuse_in_a_peer_prize(call)
    email = normalise_email(email)
    if email in invited_addresses(call):
        raise PoolError("already_invited", email=email)
    return _invite(call=call, actor=actor, email=email)


def _refuse_in_a_peer_prize(call: Call) -> None:
    if call.review_mode == ReviewMode.PEER:
        raise PoolError("peer_prize_invites_nobody")


def _invite(*, call: Call, actor: User, email: str) -> ReviewerInvitation:
    invitation = ReviewerInvitation(call_id=call.id, email=email, invited_by_id=actor.id)
    db.session.add(invitation)
    db.session.flush()
    audit.record(action=audit.AuditAction.POOL_REVIEWER_INVITED, actor=actor, obj=invitation, call=call,
                 details={"email": email})
    _queue_invitation(call, invitation, inviter=actor)
    return invitation


def _queue_invitation(call: Call, invitation: ReviewerInvitation, *, inviter: User) -> None:
    # Someone with an account reads it in their language; a newcomer in the inviter's.
    person = db.session.scalar(db.select(User).where(User.email == invitation.email))
    queue_email(kind="reviewer_invitation", to=person or invitation.email, call=call, sensitive=True,
                locale=None if person is not None else inviter.locale.value,
                context={"call": call, "inviter": inviter, "url": invitation_link(invitation)})


def invitation_link(invitation: ReviewerInvitation) -> str:
    """The address of the page where the invited person answers (what the invitation email carries)."""
    return url_for("reviewer.invitation", token=invitation_token(invitation), _external=True)


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
    with that status. Answering again changes the answer; once the results are published nobody answers any
    more ("review_over")."""
    if user.email != invitation.email:
        raise PoolError("invitation_for_another_address", email=invitation.email)
    if not invitations_open(invitation.call):
        raise PoolError("review_over")
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
    audit.record(action=audit.AuditAction.POOL_INVITATION_ACCEPTED if accept else
                 audit.AuditAction.POOL_INVITATION_DECLINED, actor=user,
                 obj=member, call=invitation.call)
    return member


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


def resend_invitation(*, invitation: ReviewerInvitation, actor: User) -> None:
    """An organiser sends an unanswered invitation again, with the same link."""
    _unanswered(invitation)
    audit.record(action=audit.AuditAction.POOL_INVITATION_RESENT, actor=actor, obj=invitation, call=invitation.call,
                 details={"email": invitation.email})
    _queue_invitation(invitation.call, invitation, inviter=actor)


def cancel_invitation(*, invitation: ReviewerInvitation, actor: User) -> None:
    """Withdraw an unanswered invitation: its link stops working."""
    _unanswered(invitation)
    audit.record(action=audit.AuditAction.POOL_INVITATION_CANCELLED, actor=actor, obj=invitation, call=invitation.call,
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
    audit.record(action=audit.AuditAction.POOL_REVIEWER_REMOVED, actor=actor, obj=member or user, call=call,
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
    audit.record(action=audit.AuditAction.POOL_MAX_LOAD_SET, actor=actor, obj=member, call=call,
                 details={"user_id": user.id, "previous": previous, "max_load": max_load})
    return member
