"""The reviewer's own answers for a call: their profile, their declarations from the titles, their bids."""
from __future__ import annotations

from dataclasses import dataclass

from ...enums import BidLevel, ConflictSource
from ...extensions import db
from ...models import Bid, Call, ConflictDeclaration, PoolMember, Submission, User
from ...models.types import utcnow
from .. import audit
from .conflicts import declare_conflict, withdraw_conflict
from .inputs import conflicts_of_reviewer, submissions_to_review
from .pool import member_for
from .windows import PoolError, require_reviewers_open


def update_profile(*, member: PoolMember, actor: User, keywords: list[str], themes: list[str],
                   max_load: int | None) -> None:
    """A reviewer's expertise and maximum load for one call (None: the call's default), while the reviewers'
    window is open ("review_over" afterwards)."""
    require_reviewers_open(member.call)
    if max_load is not None and max_load < 0:
        raise PoolError("negative_max_load")
    member.keywords = [k.strip() for k in keywords if k.strip()]
    member.themes = [t.strip() for t in themes if t.strip()]
    member.max_load = max_load
    audit.record(action=audit.AuditAction.POOL_PROFILE_UPDATED, actor=actor, obj=member, call=member.call,
                 details={"keywords": member.keywords, "themes": member.themes, "max_load": max_load})


def confirm_declarations(*, member: PoolMember, actor: User) -> None:
    """The reviewer says they have declared all their conflicts from the list of titles: only then are the
    projects' summaries shown to them (for bidding)."""
    member.conflicts_declared_at = utcnow()
    db.session.flush()
    audit.record(action=audit.AuditAction.CONFLICT_DECLARATIONS_CONFIRMED, actor=actor, obj=member, call=member.call)


def save_declarations(*, call: Call, reviewer: User, declared: dict[int, str]) -> None:
    """The reviewer's answer on the list of titles: `declared` maps the submissions they have a conflict
    with to a reason (may be empty). Their earlier declarations on the others of this call are withdrawn,
    then the declarations are confirmed (summaries open for bidding). Refused once the review is over
    ("review_over")."""
    require_reviewers_open(call)
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
    audit.record(action=audit.AuditAction.BID_PLACED, actor=reviewer, obj=submission, call=submission.call,
                 details={"level": level.value if level else None})
    return bid if level is not None else None


def bids_of(call: Call, reviewer: User) -> dict[int, BidLevel]:
    """Submission id → the reviewer's bid, for the projects of `call`."""
    return dict(db.session.execute(
        db.select(Bid.submission_id, Bid.level).join(Submission, Submission.id == Bid.submission_id)
        .where(Submission.call_id == call.id, Bid.reviewer_id == reviewer.id)).all())


@dataclass(frozen=True)
class Biddable:
    """The projects a reviewer may bid on now, and how many more wait until they have seen their titles."""

    projects: list[Submission]
    waiting: int


def biddable(call: Call, reviewer: User) -> Biddable:
    """The projects of `call` `reviewer` may bid on, by id: submitted, not conflicted, and submitted before
    they confirmed their declarations (a later one waits until they have seen its title in the list; before
    any confirmation, every project waits)."""
    declared_at = db.session.scalar(db.select(PoolMember.conflicts_declared_at).where(
        PoolMember.call_id == call.id, PoolMember.user_id == reviewer.id))
    hidden = set(conflicts_of_reviewer(call, reviewer))
    shown, waiting = [], 0
    for s in submissions_to_review(call):
        if s.id in hidden:
            continue
        if declared_at is not None and s.submitted_at is not None and s.submitted_at <= declared_at:
            shown.append(s)
        else:
            waiting += 1
    return Biddable(projects=shown, waiting=waiting)


def place_bids(*, call: Call, reviewer: User, levels: dict[int, BidLevel | None]) -> int:
    """Save the bids of a page of projects (None: no opinion); returns how many changed. Only the projects
    `biddable` offers may be bid on ("unknown_submission"), and only while the review is not over
    ("review_over")."""
    require_reviewers_open(call)
    offered = {s.id: s for s in biddable(call, reviewer).projects}
    if any(sid not in offered for sid in levels):
        raise PoolError("unknown_submission")
    current = bids_of(call, reviewer)
    changed = 0
    for submission_id, level in levels.items():
        if current.get(submission_id) != level:
            place_bid(submission=offered[submission_id], reviewer=reviewer, level=level)
            changed += 1
    return changed
