"""The impact follow-up of a project after the results: its plan (the situation before, a short theory of
change, 3 to 5 indicators) and one report per milestone of its call (6, 12, 24 months by default)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..enums import EvidenceLevel, ImpactDimension, ImpactPlanStatus, ImpactReportStatus, ReplicationReadiness
from ..extensions import db
from .call import Call
from .submission import Submission
from .types import UTCDateTime, str_enum, utcnow
from .user import User


class ImpactPlan(db.Model):
    """A project's follow-up, set up by its team at the results (a laureate's, or any project whose team opts
    in). Its texts follow the DITP's « évaluation flash »: the problem and the situation before, then the
    theory of change from activities to outputs (réalisations), results and impacts, with its assumptions."""

    __tablename__ = "impact_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), unique=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    status: Mapped[ImpactPlanStatus] = mapped_column(str_enum(ImpactPlanStatus, "impact_plan_status"),
                                                     default=ImpactPlanStatus.DRAFT)
    opted_in: Mapped[bool] = mapped_column(Boolean, default=False)  # not awarded: the team chose to be followed
    problem: Mapped[str] = mapped_column(Text, default="")
    baseline: Mapped[str] = mapped_column(Text, default="")  # the situation before the project
    activities: Mapped[str] = mapped_column(Text, default="")
    outputs: Mapped[str] = mapped_column(Text, default="")  # réalisations
    results: Mapped[str] = mapped_column(Text, default="")
    impacts: Mapped[str] = mapped_column(Text, default="")
    assumptions: Mapped[str] = mapped_column(Text, default="")
    # What the innovation's public page shows: the indicators marked published, and the evidence level.
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Optimistic concurrency: two members saving the plan at once cannot overwrite each other unknowingly.
    version: Mapped[int] = mapped_column(Integer, default=1)

    submission: Mapped[Submission] = relationship()
    call: Mapped[Call] = relationship()
    indicators: Mapped[list[ImpactIndicator]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="ImpactIndicator.position")
    reports: Mapped[list[ImpactReport]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="ImpactReport.months")

    __mapper_args__ = {"version_id_col": version}


class ImpactIndicator(db.Model):
    """One thing the team measures: picked from the library (`library_key`) or its own, with its baseline and
    target in its unit, where the figure comes from and how it is measured."""

    __tablename__ = "impact_indicators"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("impact_plans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=1)
    library_key: Mapped[str | None] = mapped_column(String(60))  # services.impact.library; None: the team's own
    dimension: Mapped[ImpactDimension] = mapped_column(str_enum(ImpactDimension, "impact_dimension"))
    name: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str] = mapped_column(String(60), default="")
    baseline: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    target: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    source: Mapped[str] = mapped_column(Text, default="")
    method: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[bool] = mapped_column(Boolean, default=True)

    plan: Mapped[ImpactPlan] = relationship(back_populates="indicators")


class ImpactReport(db.Model):
    """The follow-up form of one milestone: each indicator's value, the evidence level reached, what worked
    and what did not. Created with the plan for each milestone of the call, with its due date."""

    __tablename__ = "impact_reports"
    __table_args__ = (UniqueConstraint("plan_id", "months"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("impact_plans.id", ondelete="CASCADE"), index=True)
    months: Mapped[int] = mapped_column(Integer)  # after the results
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    status: Mapped[ImpactReportStatus] = mapped_column(str_enum(ImpactReportStatus, "impact_report_status"),
                                                       default=ImpactReportStatus.PENDING, index=True)
    # Each indicator's value, by indicator id (a string key, as JSON has them): a decimal string, "12.5".
    values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    evidence_level: Mapped[EvidenceLevel | None] = mapped_column(str_enum(EvidenceLevel, "evidence_level"))
    users_reached: Mapped[int | None] = mapped_column(BigInteger)
    cost_to_date: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))  # euros
    worked: Mapped[str] = mapped_column(Text, default="")
    did_not_work: Mapped[str] = mapped_column(Text, default="")
    unexpected: Mapped[str] = mapped_column(Text, default="")  # unexpected effects
    readiness: Mapped[ReplicationReadiness | None] = mapped_column(
        str_enum(ReplicationReadiness, "replication_readiness"))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    plan: Mapped[ImpactPlan] = relationship(back_populates="reports")
    documents: Mapped[list[ImpactReportDocument]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="ImpactReportDocument.id")
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])

    __mapper_args__ = {"version_id_col": version}

    def value_of(self, indicator: ImpactIndicator) -> Decimal | None:
        value = (self.values or {}).get(str(indicator.id))
        return None if value in (None, "") else Decimal(str(value))


class ImpactReportDocument(db.Model):
    """An attachment of a follow-up report (a survey's results, an evaluation note), stored like the projects'
    files (services.uploads)."""

    __tablename__ = "impact_report_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("impact_reports.id", ondelete="CASCADE"), index=True)
    display_name: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    report: Mapped[ImpactReport] = relationship(back_populates="documents")
