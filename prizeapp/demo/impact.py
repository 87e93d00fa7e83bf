"""The 2025 edition's impact follow-ups (impact.toml): after the results, laureates' and a mention's teams set up
their follow-up and report at 6 and 12 months, at every stage — both reports in, the 12-month one late with a
draft started, only the 6-month one in, a follow-up still being set up — while a laureate never set one up.

Everything goes through the services the team's pages call — services.impact.plans (start, save_plan) and
.reports (save_draft, submit) — so that the reports' due dates, the audit log and the emails telling the
organiser of each report are real. The services stamp the present: each step is then dated as the data says,
with its audit events and its emails, which the outbox keeps as delivered on that date (clock.Clock). The
reminders' scheduler is not run for the story's past: `flask reminders run` on the demo tells the organiser,
once, of the reports late today.

The demo never shows what could not have happened yet: a step the data dates after the day it is loaded is not
taken, and a report due after that day stays not started (the 24-month ones; the 12-month ones too, on a demo
loaded before October 2026).

Idempotent: a follow-up is found by its project, a report by its milestone; a report already written (a draft
or submitted) is left as it is.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from ..enums import ImpactDimension, ImpactReportStatus
from ..extensions import db
from ..models import Call, ImpactPlan, ImpactReport, Submission, User
from ..services.impact import library, overview, plans, reports
from ..services.results import lead_of
from .clock import Clock, paris_time
from .resources import load_typeset

DATA = load_typeset("impact")
FOLLOWUPS: list[dict[str, Any]] = DATA["followups"]


def _decimal(value: int | float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _indicator(spec: dict[str, Any]) -> plans.IndicatorInput:
    key = spec.get("library")
    dimension = library.BY_KEY[key].dimension if key else ImpactDimension(spec["dimension"])
    return plans.IndicatorInput(name=spec["name"], dimension=dimension, unit=spec["unit"],
                                baseline=_decimal(spec.get("baseline")), target=_decimal(spec.get("target")),
                                source=spec.get("source", ""), method=spec.get("method", ""), library_key=key,
                                published=spec.get("published", True))


def _plan(spec: dict[str, Any], submission: Submission, by_name: dict[str, User], now: datetime,
          clock: Clock) -> ImpactPlan | None:
    """The follow-up started by the project's lead, then launched or saved as a draft, as the data says; None
    when the data starts it after `now`."""
    started = paris_time(spec["started"], now)
    if started > now:
        return None
    lead = lead_of(submission)
    plan = plans.start(submission=submission, actor=lead)
    plan.created_at = plan.updated_at = started
    clock.date(started)
    set_up = paris_time(spec["set_up"], now) if "set_up" in spec else None
    launched = set_up is not None and set_up <= now
    saved = set_up if launched else paris_time(spec.get("saved", spec["started"]), now)
    if saved > now:
        return plan
    texts = {name: spec.get(name, getattr(plan, name)) for name in plans.PLAN_TEXTS}
    missing = plans.save_plan(plan=plan, actor=by_name[spec["by"]] if "by" in spec else lead, version=plan.version,
                              texts=texts, indicators=[_indicator(i) for i in spec.get("indicators", ())],
                              published=spec.get("published", False), activate=launched)
    if missing:
        raise ValueError(f"the follow-up of {spec['project']} cannot be launched: {missing} are missing")
    plan.updated_at = saved
    if launched:
        plan.activated_at = saved
    clock.date(saved)
    return plan


def _typed(plan: ImpactPlan, spec: dict[str, Any]) -> dict[str, str]:
    """The report of the data as its form posts it."""
    raw = {reports.value_name(indicator): str(value) for indicator, value in zip(plan.indicators, spec["values"])}
    for name in reports.FIELDS:
        if name in spec:
            raw[name] = str(spec[name])
    return raw


def _report(spec: dict[str, Any], plan: ImpactPlan, by_name: dict[str, User], now: datetime, clock: Clock) -> None:
    """One milestone's report, saved as a draft or submitted by its author on the data's date, unless it is
    written already, due after `now`, or dated after it."""
    report: ImpactReport = next(r for r in plan.reports if r.months == spec["months"])
    when = paris_time(spec["submitted"] if "submitted" in spec else spec["saved"], now)
    if report.status != ImpactReportStatus.PENDING or report.due_at > now or when > now:
        return
    author = by_name[spec["by"]] if "by" in spec else lead_of(plan.submission)
    reports.save_draft(report=report, actor=author, raw=_typed(plan, spec), version=report.version)
    if "submitted" in spec:
        reports.submit(report=report, actor=author)
        report.submitted_at = when
    report.updated_at = when
    clock.date(when)


def follow_ups(*, projects: dict[str, Submission], by_name: dict[str, User], now: datetime) -> None:
    """The edition's follow-ups and their reports, made when missing; flushes, never commits."""
    clock = Clock()
    for spec in FOLLOWUPS:
        submission = projects[spec["project"]]
        plan = plans.plan_of(submission) or _plan(spec, submission, by_name, now, clock)
        if plan is None:
            continue
        for report in spec.get("reports", ()):
            _report(report, plan, by_name, now, clock)
    db.session.flush()


def summary(call: Call, by_name: dict[str, User], now: datetime) -> list[str]:
    """The follow-up in two lines, and the demo accounts that show each of its stages."""
    state = overview.overview(call=call, now=now)
    under_way = sum(1 for p in state.projects if p.state == overview.UNDER_WAY)
    who = {stage: by_name[name].email for stage, name in DATA["showcase"].items()}
    return [
        f"  its impact follow-up: {under_way} under way, {state.being_set_up} being set up, {state.not_set_up} "
        f"laureates and mentions without one; {state.submitted} reports submitted, {state.late} late "
        f"(/manage/calls/{call.id}/impact for {who['organiser']})",
        f"    both reports in: {who['both_reports']} (and a mention: {who['mention']}); late with a draft: "
        f"{who['late_draft']}; only the first: {who['first_only']}; being set up: {who['being_set_up']}; "
        f"never set up: {who['not_set_up']}",
    ]


def load(*, call: Call, projects: dict[str, Submission], by_name: dict[str, User], now: datetime) -> list[str]:
    """The edition's follow-ups; flushes, never commits. Returns the lines to print."""
    follow_ups(projects=projects, by_name=by_name, now=now)
    return summary(call, by_name, now)
