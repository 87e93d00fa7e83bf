"""What every background run has (assignment runs, calibration runs): queued → running → done or failed,
with its progress, its result or error, who asked for it and when it ran."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from ..enums import JobStatus
from .types import UTCDateTime, str_enum, utcnow


class JobRun:
    """Mixin of the run tables; `__status_type__` names the table's status type (its CHECK constraint)."""

    __status_type__: str

    @declared_attr.directive
    def __table_args__(cls):
        return (CheckConstraint("progress >= 0 AND progress <= 100", name="progress_percent"),)

    @declared_attr
    def status(cls) -> Mapped[JobStatus]:
        return mapped_column(str_enum(JobStatus, cls.__status_type__), default=JobStatus.QUEUED)

    progress: Mapped[int] = mapped_column(Integer, default=0)  # percent
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)

    @declared_attr
    def created_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
