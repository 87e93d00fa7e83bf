"""The impartial selection of a peer prize (`prizeapp.core.impartial`): groups, review constraint, selection.

When a peer prize's organisers set `Call.impartial_groups` before the assignment, its projects are split into
that many groups (teams kept together; the seed is the call's id, fixed before any review), the assignment
gives each applicant only projects of other groups (`extra_conflicts`, ORed into the conflict mask by
`services.assignment`), and the selection gives each group laureate slots in proportion to its size, filled
by its best projects according to the other groups' reviews.

Scores are the plain mean of the submitted reviews' weighted totals (`reviews.review_rows`, so reviewers the
organisers left out stay out), not calibrated: calibrating over all the reviews would let an applicant's
scores shift the leniency estimated for other reviewers, and through it their own group's ranking. Within a
group, every project is judged by reviewers of the other groups only, drawn by the same assignment.

Nothing is stored: the selection is computed on demand from the reviews (it is cheap); the jury records its
decisions elsewhere.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy.orm import selectinload

from ..core import impartial as core
from ..enums import AssignmentStatus, ReviewMode, SubmissionStatus
from ..errors import RuleError
from ..extensions import db
from ..models import Assignment, Call, Submission, User
from . import audit, reviews

MIN_GROUPS, MAX_GROUPS = 2, 6


class ImpartialError(RuleError):
    """A change the impartial selection's rules do not allow."""


def applies(call: Call) -> bool:
    """Only peer prizes (applicants review each other) have something to be impartial about."""
    return call.review_mode == ReviewMode.PEER


def assignment_committed(call: Call) -> bool:
    return db.session.scalar(db.select(Assignment.id).where(
        Assignment.call_id == call.id, Assignment.status == AssignmentStatus.COMMITTED).limit(1)) is not None


def set_groups(*, call: Call, groups: int | None, actor: User) -> None:
    """Turn the impartial selection on with `groups` groups, or off (None). Only for peer prizes and only
    before the assignment is committed: the groups must constrain who reviews what."""
    if not applies(call):
        raise ImpartialError("not_peer")
    if groups is not None and not MIN_GROUPS <= groups <= MAX_GROUPS:
        raise ImpartialError("groups_out_of_range", minimum=MIN_GROUPS, maximum=MAX_GROUPS)
    if assignment_committed(call):
        raise ImpartialError("assignment_committed")
    previous, call.impartial_groups = call.impartial_groups, groups
    db.session.flush()
    audit.record(action=audit.AuditAction.IMPARTIAL_GROUPS_SET, actor=actor, obj=call, call=call,
                 details={"groups": groups, "previous": previous})


@dataclass
class Partition:
    """The call's groups, as submissions (by reference within a group)."""

    groups: list[list[Submission]]
    teams: dict[int, set[int]]  # submission id → team members' ids
    requested: int  # Call.impartial_groups

    @property
    def ids(self) -> list[list[int]]:
        return [[s.id for s in group] for group in self.groups]

    @property
    def reduced(self) -> bool:
        """Fewer groups than asked: too few independent projects (teams sharing members count as one)."""
        return len(self.groups) < self.requested


def _partitioned(call: Call) -> list[Submission]:
    """The projects the groups are drawn from: the submitted ones, and withdrawn ones that were assigned
    (so that a withdrawal during the review does not reshuffle everybody's group)."""
    assigned = db.select(Assignment.submission_id).where(Assignment.call_id == call.id)
    return list(db.session.scalars(
        db.select(Submission).where(Submission.call_id == call.id, db.or_(
            Submission.status == SubmissionStatus.SUBMITTED,
            db.and_(Submission.status == SubmissionStatus.WITHDRAWN, Submission.id.in_(assigned))))
        .options(selectinload(Submission.members)).order_by(Submission.id)))


def partition(call: Call) -> Partition | None:
    """The call's groups, or None when the impartial selection is off, does not apply, or cannot be made
    (fewer than two independent projects). With fewer independent projects than groups asked, there are
    as many groups as independent projects."""
    if not applies(call) or not call.impartial_groups:
        return None
    submissions = _partitioned(call)
    teams = {s.id: s.member_ids() for s in submissions}
    count = min(call.impartial_groups, len(core.independent_blocks(teams)))
    if count < MIN_GROUPS:
        return None
    by_id = {s.id: s for s in submissions}
    groups = core.partition(teams, count, seed=call.id)
    return Partition(groups=[[by_id[i] for i in group] for group in groups], teams=teams,
                     requested=call.impartial_groups)


def extra_conflicts(call: Call, inputs) -> np.ndarray | None:
    """For the assignment: a mask (inputs.submissions × inputs.reviewers) forbidding every pair of the same
    group, or None when the call has no impartial groups. `inputs` is a `review_pool.CallInputs`."""
    groups = partition(call)
    if groups is None:
        return None
    return core.cross_group_mask(groups.ids, groups.teams, inputs.submission_ids, inputs.reviewer_ids)


@dataclass
class CallSelection:
    partition: Partition
    result: core.Selection
    submissions: dict[int, Submission]
    reviews: int  # submitted reviews counted
    ignored: int  # reviews by a member of the project's own group, left out


def selection(call: Call) -> CallSelection | None:
    """The impartial selection of `call`'s laureates (k = Call.prize_count), from its submitted reviews; None
    when it is off or cannot be made. Raises ImpartialError("no_prize_count") when the number of laureates
    is not set. Withdrawn projects keep their group but are never selected."""
    groups = partition(call)
    if groups is None:
        return None
    if not call.prize_count:
        raise ImpartialError("no_prize_count")
    rows = reviews.review_rows(call)
    eligible = [[s.id for s in group if s.status == SubmissionStatus.SUBMITTED] for group in groups.groups]
    scores = core.cross_group_scores(groups.ids, groups.teams,
                                     zip(rows.submission_ids, rows.reviewer_ids, rows.totals))
    result = core.select(eligible, scores, call.prize_count, seed=call.id)
    by_id = {s.id: s for group in groups.groups for s in group}
    counted = sum(score.reviews for score in scores.values())
    ignored = sum(score.ignored for score in scores.values())
    return CallSelection(partition=groups, result=result, submissions=by_id, reviews=counted, ignored=ignored)
