from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..enums import CallKind, CallPhase, CallRoleKind
from ..extensions import db
from .types import UTCDateTime, str_enum, utcnow
from .org import OrgUnit
from .user import User


class Call(db.Model):
    """A call for projects, a call for expressions of interest or an innovation prize."""

    __tablename__ = "calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[CallKind] = mapped_column(str_enum(CallKind, "call_kind"))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")  # Markdown, sanitised when rendered
    phase: Mapped[CallPhase] = mapped_column(str_enum(CallPhase, "call_phase"), default=CallPhase.DRAFT)
    # Phase dates, stored in UTC; entered and shown in Europe/Paris.
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submission_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    review_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deliberation_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    results_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    owner_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    owner_unit: Mapped[OrgUnit | None] = relationship()
    roles: Mapped[list[CallRole]] = relationship(back_populates="call", cascade="all, delete-orphan")
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="call", cascade="all, delete-orphan", order_by="Criterion.position"
    )

    def __repr__(self) -> str:
        return f"<Call {self.id} {self.slug}>"


class CallRole(db.Model):
    """A role a person holds in one call (organiser, reviewer, jury member)."""

    __tablename__ = "call_roles"
    __table_args__ = (UniqueConstraint("call_id", "user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[CallRoleKind] = mapped_column(str_enum(CallRoleKind, "call_role_kind"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    call: Mapped[Call] = relationship(back_populates="roles")
    user: Mapped[User] = relationship()


class Criterion(db.Model):
    """One line of a call's evaluation grid."""

    __tablename__ = "criteria"
    __table_args__ = (
        CheckConstraint("weight >= 0 AND weight <= 100", name="weight_percent"),
        CheckConstraint("scale_min < scale_max", name="scale_order"),
        UniqueConstraint("call_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[int] = mapped_column(Integer)  # percent; a grid's weights sum to 100
    scale_min: Mapped[int] = mapped_column(Integer, default=1)
    scale_max: Mapped[int] = mapped_column(Integer, default=5)
    level_labels: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {"1": "insuffisant", ...}

    call: Mapped[Call] = relationship(back_populates="criteria")
