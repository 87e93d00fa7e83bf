"""What a project's follow-up shows: its team's and organisers' dashboard (the plan in brief, each milestone's
state, each indicator's values over time against its target) and the summary the innovation's public page
gives (the published indicators' latest values, the evidence level reached), for many records at once.

Only submitted reports count: a draft's values are the team's work in progress, shown nowhere but in its form.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import selectinload

from ...core import impact as impact_core
from ...enums import EvidenceLevel, ImpactPlanStatus, ImpactReportStatus, ReplicationReadiness
from ...extensions import db
from ...models import ImpactIndicator, ImpactPlan, ImpactReport
from . import plans
from .plans import milestone_state


@dataclass(frozen=True)
class Milestone:
    """One report as the dashboard lists it: its state at `now` (a report not submitted by its due date is
    late, whether or not a draft is saved) and, once submitted, what it says."""

    months: int
    due_at: datetime
    state: str  # SUBMITTED, LATE, DRAFT or NOT_STARTED
    has_draft: bool
    submitted_at: datetime | None
    evidence_level: EvidenceLevel | None
    readiness: ReplicationReadiness | None
    users_reached: int | None
    cost_to_date: Decimal | None
    worked: str
    did_not_work: str
    unexpected: str


@dataclass(frozen=True)
class Measure:
    """One value of an indicator: at the baseline (months 0) or at a milestone (None: not reported)."""

    months: int
    value: Decimal | None
    progress: float | None  # towards the target: 0 at the baseline, 1 at the target (core.impact.progress)


@dataclass(frozen=True)
class Series:
    """An indicator over time: its baseline, then each milestone's measure (submitted reports only)."""

    indicator: ImpactIndicator
    baseline: Measure
    milestones: tuple[Measure, ...]

    @property
    def reported(self) -> list[Measure]:
        """The measures known: the baseline, when given, and each reported milestone's."""
        return [m for m in (self.baseline, *self.milestones) if m.value is not None]

    @property
    def latest(self) -> Measure | None:
        known = [m for m in self.milestones if m.value is not None]
        return known[-1] if known else None


@dataclass(frozen=True)
class Dashboard:
    plan: ImpactPlan
    milestones: tuple[Milestone, ...]
    series: tuple[Series, ...]
    months: tuple[int, ...]  # the call's milestones, for the charts' axis
    next_report: ImpactReport | None  # the first milestone not submitted yet

    @property
    def is_active(self) -> bool:
        return self.plan.status == ImpactPlanStatus.ACTIVE


def _measure(indicator: ImpactIndicator, months: int, value: Decimal | None) -> Measure:
    return Measure(months, value, impact_core.progress(indicator.baseline, indicator.target, value))


def series_of(indicator: ImpactIndicator, reports: Iterable[ImpactReport]) -> Series:
    """`indicator` at the baseline and at each of `reports` (in their order) that was submitted."""
    submitted = [r for r in reports if r.status == ImpactReportStatus.SUBMITTED]
    return Series(indicator, _measure(indicator, 0, indicator.baseline),
                  tuple(_measure(indicator, r.months, r.value_of(indicator)) for r in submitted))


def dashboard(plan: ImpactPlan, *, now: datetime) -> Dashboard:
    """The follow-up `plan` as its dashboard shows it at `now`."""
    reports = sorted(plan.reports, key=lambda r: r.months)
    milestones = []
    for r in reports:
        done = r.status == ImpactReportStatus.SUBMITTED
        milestones.append(Milestone(
            months=r.months, due_at=r.due_at, state=milestone_state(r, now),
            has_draft=r.status == ImpactReportStatus.DRAFT, submitted_at=r.submitted_at if done else None,
            evidence_level=r.evidence_level if done else None, readiness=r.readiness if done else None,
            users_reached=r.users_reached if done else None, cost_to_date=r.cost_to_date if done else None,
            worked=r.worked if done else "", did_not_work=r.did_not_work if done else "",
            unexpected=r.unexpected if done else ""))
    months = tuple(sorted({*plans.milestones_of(plan.call), *(r.months for r in reports)}))
    return Dashboard(plan=plan, milestones=tuple(milestones),
                     series=tuple(series_of(i, reports) for i in plan.indicators), months=months,
                     next_report=plans.next_due(plan) if plan.status == ImpactPlanStatus.ACTIVE else None)


def plan_for_dashboard(submission_id: int) -> ImpactPlan | None:
    """The project's plan with its indicators and reports, loaded together."""
    return db.session.scalar(db.select(ImpactPlan).where(ImpactPlan.submission_id == submission_id).options(
        selectinload(ImpactPlan.indicators), selectinload(ImpactPlan.reports)))


# --- the innovation's public page ----------------------------------------------------------------------------

@dataclass(frozen=True)
class PublicIndicator:
    """A published indicator's latest reported value, with the milestone it was reported at."""

    name: str
    unit: str
    baseline: Decimal | None
    target: Decimal | None
    value: Decimal | None
    months: int | None
    progress: float | None

    @property
    def bar(self) -> float | None:
        """The progress as a bar's filling, from 0 to 1 (beyond the target the bar is full)."""
        return min(max(self.progress, 0.0), 1.0) if self.progress is not None else None


@dataclass(frozen=True)
class PublicSummary:
    """What the public page shows of a follow-up: the latest submitted report's evidence level and milestone,
    and each published indicator's latest value against its baseline and target."""

    months: int
    due_at: datetime
    submitted_at: datetime | None
    evidence_level: EvidenceLevel | None
    indicators: tuple[PublicIndicator, ...]


def public_summaries(submission_ids: Iterable[int]) -> dict[int, PublicSummary]:
    """The public summary of each of these projects whose follow-up is under way, published by its team and
    reported at least once, by submission id; in two queries whatever their number (one when none is)."""
    ids = {i for i in submission_ids if i is not None}
    if not ids:
        return {}
    rows = db.session.execute(
        db.select(ImpactReport, ImpactPlan.submission_id).join(ImpactPlan, ImpactPlan.id == ImpactReport.plan_id)
        .where(ImpactPlan.submission_id.in_(ids), ImpactPlan.status == ImpactPlanStatus.ACTIVE,
               ImpactPlan.published.is_(True), ImpactReport.status == ImpactReportStatus.SUBMITTED)
        .order_by(ImpactReport.plan_id, ImpactReport.months)).all()
    if not rows:
        return {}
    reports: dict[int, list[ImpactReport]] = {}
    submission_of: dict[int, int] = {}
    for report, submission_id in rows:
        reports.setdefault(report.plan_id, []).append(report)
        submission_of[report.plan_id] = submission_id
    indicators: dict[int, list[ImpactIndicator]] = {}
    for indicator in db.session.scalars(db.select(ImpactIndicator).where(
            ImpactIndicator.plan_id.in_(reports), ImpactIndicator.published.is_(True))
            .order_by(ImpactIndicator.plan_id, ImpactIndicator.position, ImpactIndicator.id)):
        indicators.setdefault(indicator.plan_id, []).append(indicator)
    out = {}
    for plan_id, done in reports.items():
        latest = done[-1]
        shown = []
        for indicator in indicators.get(plan_id, []):
            measure = series_of(indicator, done).latest
            shown.append(PublicIndicator(
                name=indicator.name, unit=indicator.unit, baseline=indicator.baseline, target=indicator.target,
                value=measure.value if measure else None, months=measure.months if measure else None,
                progress=measure.progress if measure else None))
        out[submission_of[plan_id]] = PublicSummary(months=latest.months, due_at=latest.due_at,
                                                    submitted_at=latest.submitted_at,
                                                    evidence_level=latest.evidence_level, indicators=tuple(shown))
    return out


def public_summary(submission_id: int | None) -> PublicSummary | None:
    """The public summary of one project's follow-up (see public_summaries), or None."""
    if submission_id is None:
        return None
    return public_summaries([submission_id]).get(submission_id)
