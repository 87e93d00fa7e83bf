"""A project's impact follow-up: who may set one up and when, its plan (baseline, theory of change,
indicators), and its reports' due dates at the call's milestones."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ...core import impact as impact_core
from ...enums import DecisionOutcome, ImpactDimension, ImpactPlanStatus, ImpactReportStatus, SubmissionStatus
from ...errors import RuleError
from ...extensions import db
from ...models import Call, Decision, ImpactIndicator, ImpactPlan, ImpactReport, Submission, User
from ...models.types import utcnow
from .. import audit, locks
from ..innovations.content import stored_text

AWARDED = (DecisionOutcome.LAUREATE, DecisionOutcome.MENTION)
# A milestone's report at an instant, as the team's dashboard and the organisers' overview show it: submitted,
# a draft saved, not started yet, or late (its due date has come and it is not submitted, draft or not).
SUBMITTED, DRAFT, NOT_STARTED, LATE = "submitted", "draft", "not_started", "late"
PLAN_TEXTS = ("problem", "baseline", "activities", "outputs", "results", "impacts", "assumptions")
# Needed before the follow-up is under way (the assumptions may stay empty).
PLAN_REQUIRED = ("problem", "baseline", "activities", "outputs", "results", "impacts")
TEXT_LIMIT = 5000


class ImpactError(RuleError):
    """A change the follow-up's rules do not allow."""


def milestones_of(call: Call) -> list[int]:
    """The months after the results at which the call's followed projects report."""
    return list(call.impact_milestones or impact_core.DEFAULT_MILESTONES)


def plan_of(submission: Submission) -> ImpactPlan | None:
    return db.session.scalar(db.select(ImpactPlan).where(ImpactPlan.submission_id == submission.id))


def is_awarded(submission: Submission) -> bool:
    outcome = db.session.scalar(db.select(Decision.outcome).where(Decision.submission_id == submission.id))
    return outcome in AWARDED


def refusal_to_set_up(submission: Submission, *, opt_in: bool) -> str | None:
    """Why this project's follow-up cannot be started now (a code), or None: once the results are published,
    laureates and mentions may; any other submitted project too when its team opts in."""
    if submission.status != SubmissionStatus.SUBMITTED:
        return "not_submitted"
    if submission.call.results_published_at is None:
        return "results_not_published"
    if plan_of(submission) is not None:
        return "already_set_up"
    if not is_awarded(submission) and not opt_in:
        return "team_must_opt_in"
    return None


def start(*, submission: Submission, actor: User, opt_in: bool = False) -> ImpactPlan:
    """The project's follow-up, in draft, its problem filled from the project's summary."""
    locks.hold(f"impact-start:{submission.id}")
    refusal = refusal_to_set_up(submission, opt_in=opt_in)
    if refusal is not None:
        raise ImpactError(refusal)
    plan = ImpactPlan(submission=submission, call=submission.call, created_by_id=actor.id,
                      opted_in=not is_awarded(submission), problem=stored_text(submission.summary, TEXT_LIMIT))
    db.session.add(plan)
    db.session.flush()
    return plan


@dataclass
class IndicatorInput:
    """One indicator as the set-up form gives it (amounts already parsed)."""

    name: str
    dimension: ImpactDimension
    unit: str = ""
    baseline: Decimal | None = None
    target: Decimal | None = None
    source: str = ""
    method: str = ""
    library_key: str | None = None
    published: bool = True
    id: int | None = None  # an indicator kept from the saved plan (its reported values stay with it)


def plan_problems(texts: dict[str, str], indicators: list[IndicatorInput]) -> list[str]:
    """What stops the plan from being under way: missing texts (their names), "indicators_count",
    "indicator_incomplete" (each needs a name, a unit, a baseline and a target)."""
    problems = [name for name in PLAN_REQUIRED if not (texts.get(name) or "").strip()]
    if not impact_core.INDICATORS_MIN <= len(indicators) <= impact_core.INDICATORS_MAX:
        problems.append("indicators_count")
    if any(not i.name.strip() or not i.unit.strip() or i.baseline is None or i.target is None for i in indicators):
        problems.append("indicator_incomplete")
    return problems


def save_plan(*, plan: ImpactPlan, actor: User, version: int, texts: dict[str, str],
              indicators: list[IndicatorInput], published: bool, activate: bool = False) -> list[str]:
    """Save the plan as typed (a draft may be incomplete). With `activate`, the follow-up goes under way when
    nothing is missing (its reports are created at the call's milestones); returns what is missing, in which
    case the plan is saved as a draft. `version` is the one the form started from: a member who saved in
    between makes ImpactError "stale" (nothing is overwritten). More than INDICATORS_MAX is refused outright."""
    if version != plan.version:
        raise ImpactError("stale")
    if len(indicators) > impact_core.INDICATORS_MAX:
        raise ImpactError("too_many_indicators", max=impact_core.INDICATORS_MAX)
    for name in PLAN_TEXTS:
        setattr(plan, name, stored_text(texts.get(name), TEXT_LIMIT))
    plan.published = published
    kept = {i.id: i for i in plan.indicators}
    wanted_ids = {i.id for i in indicators if i.id is not None}
    for indicator in list(plan.indicators):
        if indicator.id not in wanted_ids:
            plan.indicators.remove(indicator)
    for position, given in enumerate(indicators, start=1):
        row = kept.get(given.id) if given.id is not None else None
        if row is None:
            row = ImpactIndicator(dimension=given.dimension, name="")
            plan.indicators.append(row)
        row.position, row.dimension, row.library_key = position, given.dimension, given.library_key
        row.name, row.unit = stored_text(given.name, 300), stored_text(given.unit, 60)
        row.baseline, row.target, row.published = given.baseline, given.target, given.published
        row.source, row.method = stored_text(given.source, TEXT_LIMIT), stored_text(given.method, TEXT_LIMIT)
    plan.updated_at = utcnow()
    missing = plan_problems({name: getattr(plan, name) for name in PLAN_TEXTS}, indicators)
    first_time = plan.status == ImpactPlanStatus.DRAFT
    if activate and not missing and first_time:
        plan.status, plan.activated_at = ImpactPlanStatus.ACTIVE, utcnow()
    if plan.status == ImpactPlanStatus.ACTIVE and missing:
        raise ImpactError("active_must_stay_complete", missing=missing)
    db.session.flush()
    if plan.status == ImpactPlanStatus.ACTIVE:
        sync_reports(plan)
        audit.record(action=audit.AuditAction.IMPACT_SET_UP if first_time else audit.AuditAction.IMPACT_PLAN_SAVED,
                     actor=actor, obj=plan, call=plan.call,
                     details={"indicators": len(plan.indicators)})
    return missing if activate else []


def sync_reports(plan: ImpactPlan) -> None:
    """One report per milestone of the call, due that many months after the results (Paris calendar). A
    milestone the organisers removed loses its report unless the team has written in it."""
    results_at = plan.call.results_published_at
    if results_at is None or plan.status != ImpactPlanStatus.ACTIVE:
        return
    wanted = milestones_of(plan.call)
    existing = {r.months: r for r in plan.reports}
    for months, report in existing.items():
        if months not in wanted and report.status == ImpactReportStatus.PENDING:
            plan.reports.remove(report)
    for months in wanted:
        due = impact_core.add_months(results_at, months)
        report = existing.get(months)
        if report is None:
            plan.reports.append(ImpactReport(months=months, due_at=due))
        elif report.status != ImpactReportStatus.SUBMITTED:
            report.due_at = due
    db.session.flush()


def sync_call(call: Call) -> None:
    """After the organisers change the call's milestones: every active follow-up's reports follow."""
    for plan in db.session.scalars(db.select(ImpactPlan).where(ImpactPlan.call_id == call.id,
                                                               ImpactPlan.status == ImpactPlanStatus.ACTIVE)):
        sync_reports(plan)


def plans_of_call(call: Call) -> list[ImpactPlan]:
    """The call's follow-ups, by project reference."""
    return list(db.session.scalars(db.select(ImpactPlan).join(Submission, Submission.id == ImpactPlan.submission_id)
                                   .where(ImpactPlan.call_id == call.id).order_by(Submission.reference)))


def latest_submitted(plan: ImpactPlan) -> ImpactReport | None:
    """The most recent milestone's submitted report."""
    done = [r for r in plan.reports if r.status == ImpactReportStatus.SUBMITTED]
    return max(done, key=lambda r: r.months) if done else None


def next_due(plan: ImpactPlan) -> ImpactReport | None:
    """The first milestone's report not yet submitted."""
    open_reports = [r for r in plan.reports if r.status != ImpactReportStatus.SUBMITTED]
    return min(open_reports, key=lambda r: r.months) if open_reports else None


def milestone_state(report: ImpactReport, now: datetime) -> str:
    """SUBMITTED, LATE, DRAFT or NOT_STARTED, at `now`."""
    if report.status == ImpactReportStatus.SUBMITTED:
        return SUBMITTED
    if impact_core.is_late(report.due_at, now):
        return LATE
    return DRAFT if report.status == ImpactReportStatus.DRAFT else NOT_STARTED
