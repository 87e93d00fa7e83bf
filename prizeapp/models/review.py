"""Reviews of submissions on the call's grid, and the calibrations the jury's ranking is computed from."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..enums import ReviewStatus
from ..extensions import db
from .assignment import Assignment
from .call import Call, Criterion
from .job import JobRun
from .submission import Submission
from .types import UTCDateTime, str_enum, utcnow
from .user import User


class Review(db.Model):
    """One reviewer's evaluation of one submission: a score per criterion, a confidence, two comments."""

    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("submission_id", "reviewer_id"),
        CheckConstraint("confidence IS NULL OR (confidence >= 1 AND confidence <= 3)", name="confidence_level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id", ondelete="SET NULL"),
                                                      unique=True)
    status: Mapped[ReviewStatus] = mapped_column(str_enum(ReviewStatus, "review_status"),
                                                 default=ReviewStatus.DRAFT, index=True)
    confidence: Mapped[int | None] = mapped_column(Integer)  # 1 low, 2 medium, 3 high
    comment_to_applicants: Mapped[str] = mapped_column(Text, default="")
    comment_to_jury: Mapped[str] = mapped_column(Text, default="")  # confidential
    # The grid's weighted score, on the grid's scale; set when the review is submitted.
    total: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Optimistic concurrency: two tabs of the same reviewer never overwrite each other silently.
    version: Mapped[int] = mapped_column(Integer, default=1)

    call: Mapped[Call] = relationship()
    submission: Mapped[Submission] = relationship()
    reviewer: Mapped[User] = relationship()
    assignment: Mapped[Assignment | None] = relationship()
    scores: Mapped[list[ReviewScore]] = relationship(back_populates="review", cascade="all, delete-orphan",
                                                     order_by="ReviewScore.criterion_id")

    __mapper_args__ = {"version_id_col": version}

    def score_by_criterion(self) -> dict[int, int]:
        return {s.criterion_id: s.score for s in self.scores}


class ReviewScore(db.Model):
    """The score a review gives on one criterion of the grid (within the criterion's scale)."""

    __tablename__ = "review_scores"
    __table_args__ = (UniqueConstraint("review_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id", ondelete="CASCADE"), index=True)
    score: Mapped[int] = mapped_column(Integer)

    review: Mapped[Review] = relationship(back_populates="scores")
    criterion: Mapped[Criterion] = relationship()


class CalibrationExclusion(db.Model):
    """An organiser leaves one reviewer's scores out of a call's calibration (an outlier), with a reason."""

    __tablename__ = "calibration_exclusions"
    __table_args__ = (UniqueConstraint("call_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    excluded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    excluded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    reviewer: Mapped[User] = relationship(foreign_keys=[reviewer_id])


class CalibrationRun(JobRun, db.Model):
    """One calibration of a call's submitted reviews, run as a background job. Stored with the model, its
    parameters and a hash of the inputs: the same reviews and settings always give the same ranking."""

    __tablename__ = "calibration_runs"
    __status_type__ = "calibration_status"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    model: Mapped[str] = mapped_column(String(32))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # seed, prizes (top k), ...
    inputs_hash: Mapped[str | None] = mapped_column(String(64), index=True)  # sha256 of reviews + params

    call: Mapped[Call] = relationship()
