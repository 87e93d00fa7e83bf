"""Conflicts declared by reviewers, applicants and organisers, and the organisers' waivers."""
from __future__ import annotations

from ...core import conflicts as conflicts_core
from ...enums import ConflictSource
from ...extensions import db
from ...models import ConflictDeclaration, ConflictWaiver, Submission, User
from ...models.types import utcnow
from .. import audit
from .windows import ExclusionWindow, PoolError, exclusion_window


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
    audit.record(action=audit.AuditAction.CONFLICT_DECLARED, actor=actor, obj=declaration, call=submission.call,
                 details={"submission_id": submission.id, "reviewer_id": reviewer.id, "source": source.value,
                          "reason": declaration.reason})
    return declaration


def withdraw_conflict(*, declaration: ConflictDeclaration, actor: User) -> None:
    """Remove a declaration (who may: `permissions.can_withdraw_conflict` for organisers; reviewers and
    applicants through their own lists)."""
    audit.record(action=audit.AuditAction.CONFLICT_WITHDRAWN, actor=actor, obj=declaration,
                 call=declaration.submission.call,
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
    audit.record(action=audit.AuditAction.CONFLICT_WAIVED, actor=actor, obj=waiver, call=submission.call,
                 details={"submission_id": submission.id, "reviewer_id": reviewer.id, "code": code,
                          "reason": waiver.reason})
    return waiver


def revoke_waiver(*, waiver: ConflictWaiver, actor: User) -> None:
    audit.record(action=audit.AuditAction.CONFLICT_WAIVER_REVOKED, actor=actor, obj=waiver, call=waiver.submission.call,
                 details={"submission_id": waiver.submission_id, "reviewer_id": waiver.reviewer_id,
                          "code": waiver.code})
    db.session.delete(waiver)
    db.session.flush()
