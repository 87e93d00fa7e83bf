"""The organisers' follow-up of one call: every followed project with its milestones' statuses at a given
instant (who is late first), its latest evidence level and readiness, each indicator's latest value against its
target; the call's counts of reports, the evidence levels reached, the library indicators several teams share;
and the export, one row per report and indicator."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import selectinload

from ...core import impact as impact_core
from ...core import spreadsheet
from ...enums import (
    DecisionOutcome,
    EvidenceLevel,
    ImpactPlanStatus,
    ImpactReportStatus,
    ReplicationReadiness,
    SubmissionStatus,
)
from ...extensions import db
from ...models import Call, Decision, ImpactIndicator, ImpactPlan, ImpactReport, Submission
from . import library
from .plans import AWARDED, LATE, SUBMITTED, milestone_state

# A project's follow-up: not set up (an awarded project without a plan), being set up (a draft plan), under way.
NOT_SET_UP, BEING_SET_UP, UNDER_WAY = "not_set_up", "being_set_up", "under_way"



@dataclass(frozen=True)
class Milestone:
    report: ImpactReport
    state: str

    @property
    def months(self) -> int:
        return self.report.months

    @property
    def due_at(self) -> datetime:
        return self.report.due_at

    @property
    def draft_saved(self) -> bool:
        return self.report.status == ImpactReportStatus.DRAFT


@dataclass(frozen=True)
class IndicatorState:
    """An indicator and its latest reported value (from the latest submitted report that gives one)."""

    indicator: ImpactIndicator
    value: Decimal | None
    months: int | None  # the milestone the value comes from
    progress: float | None  # 0 at the baseline, 1 at the target


@dataclass
class FollowedProject:
    submission: Submission
    outcome: DecisionOutcome | None
    plan: ImpactPlan | None
    milestones: list[Milestone] = field(default_factory=list)
    indicators: list[IndicatorState] = field(default_factory=list)
    latest: ImpactReport | None = None  # the latest submitted report

    @property
    def state(self) -> str:
        if self.plan is None:
            return NOT_SET_UP
        return UNDER_WAY if self.plan.status == ImpactPlanStatus.ACTIVE else BEING_SET_UP

    @property
    def late_since(self) -> datetime | None:
        """The due date of its oldest late report."""
        late = [m.due_at for m in self.milestones if m.state == LATE]
        return min(late) if late else None

    @property
    def evidence_level(self) -> EvidenceLevel | None:
        return latest_of(self.plan, "evidence_level")

    @property
    def readiness(self) -> ReplicationReadiness | None:
        return latest_of(self.plan, "readiness")


def submitted_reports(plan: ImpactPlan | None) -> list[ImpactReport]:
    """The plan's submitted reports, the latest milestone first."""
    if plan is None:
        return []
    return sorted((r for r in plan.reports if r.status == ImpactReportStatus.SUBMITTED), key=lambda r: -r.months)


def latest_of(plan: ImpactPlan | None, name: str):
    """A report field's value in the latest submitted report that gives it."""
    return next((getattr(r, name) for r in submitted_reports(plan) if getattr(r, name) is not None), None)


def indicator_states(plan: ImpactPlan) -> list[IndicatorState]:
    """Each indicator of the plan with its latest reported value and its progress towards the target."""
    reports = submitted_reports(plan)
    states = []
    for indicator in plan.indicators:
        found = next(((r.months, r.value_of(indicator)) for r in reports if r.value_of(indicator) is not None),
                     (None, None))
        states.append(IndicatorState(indicator=indicator, value=found[1], months=found[0],
                                     progress=impact_core.progress(indicator.baseline, indicator.target, found[1])))
    return states


@dataclass(frozen=True)
class SharedIndicator:
    """A library indicator several teams of the call follow, with each one's figures."""

    key: str
    name: object
    rows: list[tuple[FollowedProject, IndicatorState]]

    @property
    def projects(self) -> int:
        return len({project.submission.id for project, _ in self.rows})


@dataclass
class Overview:
    call: Call
    now: datetime
    projects: list[FollowedProject]  # the late first (the longest late first), then by reference
    due: int  # reports whose due date has come
    submitted: int
    late: int
    evidence: list[tuple[EvidenceLevel | None, int]]  # each level (None: under way, nothing submitted yet)
    shared: list[SharedIndicator]

    @property
    def not_set_up(self) -> int:
        return sum(1 for p in self.projects if p.state == NOT_SET_UP)

    @property
    def being_set_up(self) -> int:
        return sum(1 for p in self.projects if p.state == BEING_SET_UP)


def followed_projects(call: Call, now: datetime) -> list[FollowedProject]:
    """Every project of the call that has a follow-up, and every laureate or mention without one ("not set
    up"): the late first, the one late for longest at the top, then by reference."""
    plans = db.session.scalars(
        db.select(ImpactPlan).where(ImpactPlan.call_id == call.id)
        .options(selectinload(ImpactPlan.submission), selectinload(ImpactPlan.indicators),
                 selectinload(ImpactPlan.reports))).all()
    outcomes = dict(db.session.execute(db.select(Decision.submission_id, Decision.outcome)
                                       .where(Decision.call_id == call.id)).all())
    by_submission = {plan.submission_id: plan for plan in plans}
    awarded_without_plan = db.session.scalars(db.select(Submission).where(
        Submission.call_id == call.id, Submission.status == SubmissionStatus.SUBMITTED,
        Submission.id.in_([sid for sid, outcome in outcomes.items() if outcome in AWARDED]),
        Submission.id.not_in(list(by_submission) or [0]))).all()
    projects = [_followed(plan.submission, outcomes.get(plan.submission_id), plan, now) for plan in plans]
    projects += [FollowedProject(submission=s, outcome=outcomes.get(s.id), plan=None) for s in awarded_without_plan]
    return sorted(projects, key=_lateness_order)


def _followed(submission: Submission, outcome, plan: ImpactPlan, now: datetime) -> FollowedProject:
    reports = submitted_reports(plan)
    return FollowedProject(submission=submission, outcome=outcome, plan=plan,
                           milestones=[Milestone(report=r, state=milestone_state(r, now))
                                       for r in sorted(plan.reports, key=lambda r: r.months)],
                           indicators=indicator_states(plan), latest=reports[0] if reports else None)


def _lateness_order(project: FollowedProject):
    since = project.late_since
    return (0, since, project.submission.reference) if since is not None else (1, project.submission.reference)


def overview(*, call: Call, now: datetime) -> Overview:
    """The call's follow-up at `now` (see the module's docstring)."""
    projects = followed_projects(call, now)
    milestones = [m for p in projects for m in p.milestones]
    levels = Counter(p.evidence_level for p in projects if p.state == UNDER_WAY)
    return Overview(call=call, now=now, projects=projects,
                    due=sum(1 for m in milestones if impact_core.is_late(m.due_at, now)),
                    submitted=sum(1 for m in milestones if m.state == SUBMITTED),
                    late=sum(1 for m in milestones if m.state == LATE),
                    evidence=[(level, levels.get(level, 0)) for level in EvidenceLevel] + [(None, levels.get(None, 0))],
                    shared=shared_indicators(projects))


def shared_indicators(projects: list[FollowedProject]) -> list[SharedIndicator]:
    """The library indicators followed by two projects or more whose follow-up is under way, in the library's
    order, each project's figures by reference."""
    grouped: dict[str, list[tuple[FollowedProject, IndicatorState]]] = defaultdict(list)
    for project in (p for p in projects if p.state == UNDER_WAY):
        for state in project.indicators:
            if state.indicator.library_key in library.BY_KEY:
                grouped[state.indicator.library_key].append((project, state))
    return [SharedIndicator(key=item.key, name=item.name,
                            rows=sorted(grouped[item.key], key=lambda row: row[0].submission.reference))
            for item in library.INDICATORS if len({p.submission.id for p, _ in grouped.get(item.key, [])}) >= 2]


# --- the export -------------------------------------------------------------------------------------------

EXPORT_HEADERS = ("reference", "title", "milestone_months", "due_at", "status", "submitted_at", "indicator", "unit",
                  "baseline", "target", "value", "progress", "evidence_level", "readiness", "users_reached",
                  "cost_to_date")


def _number(value: Decimal | None):
    """An amount as the spreadsheet reads a number: a whole one without decimals."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def export_rows(call: Call, now: datetime) -> list[list]:
    """One row per report and indicator of the call's follow-ups under way, by reference, milestone and the
    indicator's position. `status` is the milestone's state at `now` (submitted, draft, not_started, late);
    `progress` 0 at the baseline, 1 at the target; levels as their numbers (Nesta 1–5, readiness 1–4)."""
    rows = []
    projects = sorted(followed_projects(call, now), key=lambda p: p.submission.reference)
    for project in projects:
        for milestone in project.milestones:
            report = milestone.report
            for indicator in project.plan.indicators:
                value = report.value_of(indicator)
                rows.append([
                    project.submission.reference, project.submission.title, report.months,
                    report.due_at.isoformat(), milestone.state,
                    report.submitted_at.isoformat() if report.submitted_at else "",
                    indicator.name, indicator.unit, _number(indicator.baseline), _number(indicator.target),
                    _number(value), impact_core.progress(indicator.baseline, indicator.target, value),
                    report.evidence_level.value if report.evidence_level else "",
                    report.readiness.value if report.readiness else "",
                    report.users_reached, _number(report.cost_to_date)])
    return rows


def export_csv(call: Call, now: datetime) -> tuple[str, int]:
    """The export as the spreadsheets of French administrations read it (core.spreadsheet: BOM, semicolons,
    formulas defused), and its number of rows."""
    rows = export_rows(call, now)
    return spreadsheet.to_csv(EXPORT_HEADERS, rows), len(rows)
