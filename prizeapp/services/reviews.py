"""Reviewers' use cases: score an assigned project on the call's grid, save, submit, edit until the review
deadline (enforced here, not by the pages), give an assignment back, or declare a late conflict.

Also what organisers follow: progress per reviewer and per project, reminders, and the rows calibration
is computed from.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from ..core import grid as grid_core
from ..core import phases
from ..enums import AssignmentStatus, ConflictSource, ReviewStatus
from ..errors import RuleError
from ..extensions import db
from ..models import (
    Assignment,
    CalibrationExclusion,
    Call,
    Criterion,
    OutboxEmail,
    Review,
    ReviewScore,
    Submission,
    User,
)
from ..models.types import utcnow
from . import audit, review_pool
from .outbox import queue_email

CONFIDENCE_LEVELS = (1, 2, 3)  # low, medium, high


class ReviewError(RuleError):
    """A change the review rules do not allow."""


class InvalidReview(ReviewError):
    """What was typed cannot be saved or submitted as is: `problems` maps a field name to a code."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("invalid", problems=problems)
        self.problems = problems


# --- the review window -----------------------------------------------------------------------------------

def accepts_reviews(call: Call, now: datetime | None = None) -> bool:
    return phases.accepts_reviews(call.phase.value, call.schedule, now or utcnow())


def require_review_window(call: Call, now: datetime | None = None) -> None:
    """Refuse any change to a review outside the review phase or at/after the review deadline."""
    if not accepts_reviews(call, now):
        raise ReviewError("closed", deadline=call.review_deadline)


# --- one review ----------------------------------------------------------------------------------------

def review_of(assignment: Assignment) -> Review | None:
    return db.session.scalar(db.select(Review).where(Review.submission_id == assignment.submission_id,
                                                     Review.reviewer_id == assignment.reviewer_id))


def _check_assignment(assignment: Assignment, reviewer: User) -> None:
    if assignment.reviewer_id != reviewer.id:
        raise ReviewError("not_your_assignment")
    if assignment.status != AssignmentStatus.COMMITTED:
        raise ReviewError("not_assigned")
    if review_pool.conflict_reasons(assignment.submission, reviewer):
        raise ReviewError("conflicted")


def _parse(call: Call, scores: dict[int, int | None], confidence: int | None, comment_to_applicants: str,
           *, complete: bool) -> dict[str, str]:
    """Problems with the typed values (field → code); `complete`: everything a submitted review needs."""
    problems: dict[str, str] = {}
    criteria = {c.id: c for c in call.criteria}
    for criterion_id in scores:
        if criterion_id not in criteria:
            problems[f"criterion_{criterion_id}"] = "unknown_criterion"
    for criterion in criteria.values():
        value = scores.get(criterion.id)
        if value is None:
            if complete and criterion.weight > 0:
                problems[f"criterion_{criterion.id}"] = "score_required"
        elif not criterion.scale_min <= value <= criterion.scale_max:
            problems[f"criterion_{criterion.id}"] = "score_out_of_scale"
    if confidence is None:
        if complete:
            problems["confidence"] = "confidence_required"
    elif confidence not in CONFIDENCE_LEVELS:
        problems["confidence"] = "confidence_invalid"
    if complete and not comment_to_applicants.strip():
        problems["comment_to_applicants"] = "comment_required"
    return problems


def weighted_total(call: Call, scores: dict[int, int]) -> float:
    """The grid's weighted score of a review, on the grid's scale."""
    return grid_core.weighted_total(scores, {c.id: c.weight for c in call.criteria})


def save_review(*, assignment: Assignment, reviewer: User, scores: dict[int, int | None], confidence: int | None,
                comment_to_applicants: str, comment_to_jury: str, version: int | None = None,
                submit: bool = False) -> Review:
    """Save what the reviewer typed, as a draft, or submit it (every weighted criterion scored, a confidence
    and a comment to the applicants). A submitted review stays submitted and complete when edited.

    `version` is the one the form started from (None for a new review): if the review was saved elsewhere
    in between (another tab), ReviewError "stale" is raised and nothing is overwritten. The first save
    marks the assignment as started: a re-assignment never moves it afterwards.
    """
    call = assignment.submission.call
    require_review_window(call)
    _check_assignment(assignment, reviewer)
    review = review_of(assignment)
    if review is not None and version is not None and version != review.version:
        raise ReviewError("stale", version=review.version)
    complete = submit or (review is not None and review.status == ReviewStatus.SUBMITTED)
    problems = _parse(call, scores, confidence, comment_to_applicants, complete=complete)
    if problems:
        raise InvalidReview(problems)
    now = utcnow()
    if review is None:
        review = Review(call_id=call.id, submission_id=assignment.submission_id, reviewer_id=reviewer.id,
                        assignment_id=assignment.id, created_at=now)
        db.session.add(review)
        if assignment.started_at is None:
            assignment.started_at = now
    by_criterion = {s.criterion_id: s for s in review.scores}
    for criterion in call.criteria:
        value = scores.get(criterion.id)
        existing = by_criterion.get(criterion.id)
        if value is None and existing is not None:
            review.scores.remove(existing)
        elif value is not None and existing is None:
            review.scores.append(ReviewScore(criterion_id=criterion.id, score=value))
        elif value is not None:
            existing.score = value
    review.confidence = confidence
    review.comment_to_applicants = comment_to_applicants.strip()
    review.comment_to_jury = comment_to_jury.strip()
    review.updated_at = now
    first_submission = submit and review.status != ReviewStatus.SUBMITTED
    if complete:
        review.status = ReviewStatus.SUBMITTED
        review.total = weighted_total(call, {c: v for c, v in scores.items() if v is not None})
        if first_submission:
            review.submitted_at = now
    try:
        db.session.flush()
    except StaleDataError as error:
        raise ReviewError("stale") from error
    audit.record(action=audit.AuditAction.REVIEW_SUBMITTED if first_submission else audit.AuditAction.REVIEW_SAVED,
                 actor=reviewer, obj=review,
                 call=call, details={"submission_id": assignment.submission_id, "status": review.status.value})
    return review


def declare_late_conflict(*, assignment: Assignment, reviewer: User, reason: str = "") -> None:
    """The reviewer discovers a conflict with a project assigned to them: the conflict is declared, their
    review (draft or submitted) is discarded, and the assignment is given back for re-assignment."""
    if assignment.reviewer_id != reviewer.id:
        raise ReviewError("not_your_assignment")
    if assignment.status != AssignmentStatus.COMMITTED:
        raise ReviewError("not_assigned")
    review_pool.declare_conflict(submission=assignment.submission, reviewer=reviewer, source=ConflictSource.REVIEWER,
                                 actor=reviewer, reason=reason)
    review = review_of(assignment)
    if review is not None:
        db.session.delete(review)
    assignment.status, assignment.declined_at = AssignmentStatus.DECLINED, utcnow()
    db.session.flush()
    audit.record(action=audit.AuditAction.ASSIGNMENT_LATE_CONFLICT, actor=reviewer, obj=assignment,
                 call=assignment.submission.call,
                 details={"submission_id": assignment.submission_id, "review_discarded": review is not None})


def others_reviews(*, assignment: Assignment, reviewer: User) -> list[Review]:
    """The other submitted reviews of the project, shown to a reviewer only once theirs is submitted."""
    own = review_of(assignment)
    if own is None or own.status != ReviewStatus.SUBMITTED or assignment.reviewer_id != reviewer.id:
        return []
    return list(db.session.scalars(db.select(Review).where(
        Review.submission_id == assignment.submission_id, Review.reviewer_id != reviewer.id,
        Review.status == ReviewStatus.SUBMITTED).order_by(Review.submitted_at, Review.id)))


# --- progress and reminders ------------------------------------------------------------------------------

@dataclass
class Progress:
    """Where the reviews of a call stand: per reviewer and per project (committed assignments only)."""

    by_reviewer: dict[int, dict[str, int]]  # reviewer id → {"assigned", "draft", "submitted"}
    by_submission: dict[int, dict[str, int]]  # submission id → {"assigned", "draft", "submitted"}
    reviewers: dict[int, User]

    @property
    def submitted(self) -> int:
        return sum(row["submitted"] for row in self.by_reviewer.values())

    @property
    def assigned(self) -> int:
        return sum(row["assigned"] for row in self.by_reviewer.values())

    def late_reviewer_ids(self) -> list[int]:
        return sorted(rid for rid, row in self.by_reviewer.items() if row["submitted"] < row["assigned"])


def progress(call: Call) -> Progress:
    """Review progress of `call`, in two queries."""
    assignments = db.session.execute(db.select(Assignment.submission_id, Assignment.reviewer_id).where(
        Assignment.call_id == call.id, Assignment.status == AssignmentStatus.COMMITTED)).all()
    statuses = {(s, r): status for s, r, status in db.session.execute(
        db.select(Review.submission_id, Review.reviewer_id, Review.status).where(Review.call_id == call.id))}
    empty = lambda: {"assigned": 0, "draft": 0, "submitted": 0}  # noqa: E731
    by_reviewer: dict[int, dict[str, int]] = defaultdict(empty)
    by_submission: dict[int, dict[str, int]] = defaultdict(empty)
    for submission_id, reviewer_id in assignments:
        status = statuses.get((submission_id, reviewer_id))
        for row in (by_reviewer[reviewer_id], by_submission[submission_id]):
            row["assigned"] += 1
            if status is not None:
                row[status.value] += 1
    people = {u.id: u for u in db.session.scalars(db.select(User).where(User.id.in_(list(by_reviewer))))} \
        if by_reviewer else {}
    return Progress(by_reviewer=dict(by_reviewer), by_submission=dict(by_submission), reviewers=people)


def unfinished_reviews(call: Call, reviewer_ids: list[int] | None = None) -> dict[int, list[Submission]]:
    """The projects each reviewer (all of them, or those in `reviewer_ids`) has been assigned (committed) and
    not yet submitted a review of, by reference; reviewers with nothing left are absent."""
    assignments = db.select(Assignment).where(Assignment.call_id == call.id,
                                              Assignment.status == AssignmentStatus.COMMITTED)
    submitted = db.select(Review.submission_id, Review.reviewer_id).where(
        Review.call_id == call.id, Review.status == ReviewStatus.SUBMITTED)
    if reviewer_ids is not None:
        assignments = assignments.where(Assignment.reviewer_id.in_(reviewer_ids))
        submitted = submitted.where(Review.reviewer_id.in_(reviewer_ids))
    done = {(s, r) for s, r in db.session.execute(submitted)}
    pending: dict[int, list[Submission]] = defaultdict(list)
    for a in db.session.scalars(assignments.options(selectinload(Assignment.submission))):
        if (a.submission_id, a.reviewer_id) not in done:
            pending[a.reviewer_id].append(a.submission)
    return {rid: sorted(subs, key=lambda s: s.reference) for rid, subs in sorted(pending.items())}


def send_reminders(*, call: Call, actor: User, reviewer_ids: list[int] | None = None) -> list[OutboxEmail]:
    """Remind reviewers who have reviews left to submit (all of them, or those in `reviewer_ids`): one email
    each, listing what is left."""
    state = progress(call)
    targets = [rid for rid in state.late_reviewer_ids() if reviewer_ids is None or rid in reviewer_ids]
    if not targets:
        raise ReviewError("nobody_to_remind")
    pending = unfinished_reviews(call, targets)
    emails = [queue_email(kind="review_reminder", to=state.reviewers[rid], call=call,
                          context={"call": call, "submissions": pending[rid]})
              for rid in targets]
    audit.record(action=audit.AuditAction.REVIEW_REMINDERS_SENT, actor=actor, obj=call, call=call,
                 details={"reviewers": targets})
    return emails


# --- what calibration is computed from -------------------------------------------------------------------

@dataclass
class ReviewRows:
    """The submitted reviews of a call as calibration takes them: one entry per review."""

    submission_ids: list[int]
    reviewer_ids: list[int]
    totals: list[float]
    confidences: list[int | None]
    criterion_scores: dict[int, list[float | None]]  # criterion id → one score per review
    excluded_reviewer_ids: list[int]


def counted_reviews(call: Call, *, submission: Submission | None = None) -> list[Review]:
    """The submitted reviews of `call` (or of one of its projects) by project then reviewer, without those
    whose reviewer is now conflicted with the project: a conflict declared or set after the review was
    submitted (a late conflict declared from the review form discards the review anyway), unless an
    organiser waived it. The ranking is computed from these and the jury reads these."""
    query = db.select(Review).where(Review.call_id == call.id, Review.status == ReviewStatus.SUBMITTED)
    if submission is not None:
        query = query.where(Review.submission_id == submission.id)
    reviews = list(db.session.scalars(query.order_by(Review.submission_id, Review.reviewer_id)))
    conflicted = _conflicted_pairs(call, reviews)
    return [r for r in reviews if (r.submission_id, r.reviewer_id) not in conflicted]


def _conflicted_pairs(call: Call, reviews: list[Review]) -> set[tuple[int, int]]:
    """(submission id, reviewer id) of the `reviews` whose reviewer the conflict rules now keep away from the
    project: one matrix over the reviewed projects and their reviewers."""
    if not reviews:
        return set()
    submission_ids = {r.submission_id for r in reviews}
    submissions = list(db.session.scalars(db.select(Submission).where(Submission.id.in_(submission_ids))
                                          .options(selectinload(Submission.members)).order_by(Submission.id)))
    people = list(db.session.scalars(db.select(User).where(User.id.in_({r.reviewer_id for r in reviews}))
                                     .order_by(User.id)))
    inputs = review_pool.CallInputs(call=call, submissions=submissions, reviewers=people,
                                    members=review_pool.pool_members(call))
    matrix = review_pool.conflict_matrix(call, inputs=inputs, partial=True)
    rows, columns = matrix.submission_index, matrix.reviewer_index
    return {(r.submission_id, r.reviewer_id) for r in reviews
            if matrix.mask[rows[r.submission_id], columns[r.reviewer_id]]}


def review_rows(call: Call) -> ReviewRows:
    """Submitted reviews of `call`, in a stable order, without those of reviewers excluded by organisers
    nor of reviewers now conflicted with the project (`counted_reviews`)."""
    excluded = sorted(db.session.scalars(db.select(CalibrationExclusion.reviewer_id)
                                          .where(CalibrationExclusion.call_id == call.id)))
    left_out = set(excluded)
    reviews = [r for r in counted_reviews(call) if r.reviewer_id not in left_out]
    criteria = [c.id for c in db.session.scalars(db.select(Criterion).where(Criterion.call_id == call.id)
                                                 .order_by(Criterion.position))]
    scores = {(s.review_id, s.criterion_id): s.score for s in db.session.scalars(
        db.select(ReviewScore).join(Review).where(Review.call_id == call.id))}
    return ReviewRows(
        submission_ids=[r.submission_id for r in reviews],
        reviewer_ids=[r.reviewer_id for r in reviews],
        totals=[float(r.total) for r in reviews],
        confidences=[r.confidence for r in reviews],
        criterion_scores={c: [scores.get((r.id, c)) for r in reviews] for c in criteria},
        excluded_reviewer_ids=excluded,
    )


def exclude_reviewer(*, call: Call, reviewer: User, reason: str, actor: User) -> CalibrationExclusion:
    """Leave a reviewer's scores out of the calibration (a flagged outlier, say), with a reason."""
    if not reason.strip():
        raise ReviewError("reason_required")
    row = db.session.scalar(db.select(CalibrationExclusion).where(CalibrationExclusion.call_id == call.id,
                                                                  CalibrationExclusion.reviewer_id == reviewer.id))
    if row is None:
        row = CalibrationExclusion(call_id=call.id, reviewer_id=reviewer.id, reason=reason.strip())
        db.session.add(row)
    row.reason, row.excluded_by_id, row.excluded_at = reason.strip(), actor.id, utcnow()
    db.session.flush()
    audit.record(action=audit.AuditAction.CALIBRATION_REVIEWER_EXCLUDED, actor=actor, obj=row, call=call,
                 details={"reviewer_id": reviewer.id, "reason": row.reason})
    return row


def include_reviewer(*, exclusion: CalibrationExclusion, actor: User) -> None:
    audit.record(action=audit.AuditAction.CALIBRATION_REVIEWER_INCLUDED, actor=actor, obj=exclusion,
                 call=db.session.get(
        Call, exclusion.call_id), details={"reviewer_id": exclusion.reviewer_id})
    db.session.delete(exclusion)
    db.session.flush()
