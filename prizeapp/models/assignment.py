"""Who reviews what, and the solver runs that proposed it."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Integer,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..enums import AssignmentStatus
from ..extensions import db
from .call import Call
from .job import JobRun
from .submission import Submission
from .types import UTCDateTime, str_enum, utcnow
from .user import User


class AssignmentRun(JobRun, db.Model):
    """One computation of a call's assignment, run as a background job whose progress the organiser sees;
    `result` is the preview's summary."""

    __tablename__ = "assignment_runs"
    __status_type__ = "assignment_run_status"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    seed: Mapped[int] = mapped_column(Integer, default=0)
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {"fairness": bool, "connected": bool}

    call: Mapped[Call] = relationship()


class Assignment(db.Model):
    """A reviewer assigned to a submission: proposed, then committed (announced), or declined."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("submission_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[AssignmentStatus] = mapped_column(
        str_enum(AssignmentStatus, "assignment_status"), default=AssignmentStatus.PROPOSED, index=True
    )
    # Set when the reviewer starts their review: a started review is never moved by a re-assignment.
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    run_id: Mapped[int | None] = mapped_column(ForeignKey("assignment_runs.id", ondelete="SET NULL"))
    seed: Mapped[int | None] = mapped_column(Integer)  # None: added by hand
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    committed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    submission: Mapped[Submission] = relationship()
    reviewer: Mapped[User] = relationship()
    run: Mapped[AssignmentRun | None] = relationship()
