"""The applicants' exclusions of people who must not review their project, and their later requests."""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from sqlalchemy.orm import selectinload

from ...enums import ConflictSource, ExclusionRequestStatus
from ...extensions import db
from ...models import Call, ConflictDeclaration, PendingExclusion, Submission, User
from ...models.review_pool import ExclusionRequest
from ...models.types import utcnow
from .. import audit, locks
from ..outbox import queue_email
from ..tokens import normalise_email
from .conflicts import declare_conflict, withdraw_conflict
from .windows import ExclusionWindow, PoolError, exclusion_window


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
    A member of the team is refused ("team_member"). Excluding twice changes nothing."""
    if actor.id not in submission.member_ids():
        raise PoolError("not_in_team")
    email, reason = normalise_email(email), reason.strip()
    team = {u.email for u in db.session.scalars(db.select(User).where(User.id.in_(submission.member_ids())))}
    if email in team:  # the team never reviews its own project: naming one of its members asks nothing
        raise PoolError("team_member")
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
    audit.record(action=audit.AuditAction.CONFLICT_EXCLUSION_PENDING, actor=actor, obj=pending, call=submission.call,
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
    audit.record(action=audit.AuditAction.CONFLICT_EXCLUSION_REQUESTED, actor=actor, obj=request, call=submission.call,
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
    published, declining is not (it changes nothing). The applicant who asked is told by email."""
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
    audit.record(action=audit.AuditAction.CONFLICT_EXCLUSION_ACCEPTED if accept else
                 audit.AuditAction.CONFLICT_EXCLUSION_DECLINED, actor=actor,
                 obj=request, call=submission.call,
                 details={"submission_id": submission.id, "email": request.email, "reviewer_id": reviewer_id,
                          "request_reason": request.reason, "reason": reason})
    if request.requested_by is not None:  # the applicant who asked hears of the decision, and why
        queue_email(kind="exclusion_decided", to=request.requested_by, call=submission.call,
                    context={"submission": submission, "call": submission.call, "accepted": accept,
                             "email": request.email, "reason": reason,
                             "url": url_for("applicant.edit", submission_id=submission.id, _external=True,
                                            _anchor="exclusions")})
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
        audit.record(action=audit.AuditAction.CONFLICT_EXCLUSION_WITHDRAWN, actor=actor, obj=pending,
                     call=submission.call,
                     details={"submission_id": submission.id, "email": email})
        db.session.delete(pending)
    for request in db.session.scalars(db.select(ExclusionRequest).where(
            ExclusionRequest.submission_id == submission.id, ExclusionRequest.email == email,
            ExclusionRequest.status != ExclusionRequestStatus.DECLINED)).all():
        audit.record(action=audit.AuditAction.CONFLICT_EXCLUSION_WITHDRAWN, actor=actor, obj=request,
                     call=submission.call,
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
            audit.record(action=audit.AuditAction.CONFLICT_EXCLUSION_RESOLVED, obj=declaration,
                         call=row.submission.call,
                         details={"submission_id": row.submission_id, "reviewer_id": user.id,
                                  "pending_exclusion_id": row.id})
        db.session.delete(row)
    db.session.flush()
    return len(pending)
