"""The follow-up's emails: the invitation to set it up at the results, a reminder when it is not under way two
weeks later, and each report's reminders before, on and after its due date, then the organisers' notice.

Windows are judged on the Paris calendar and open at the start of their Paris day (a report due on 28 February
at 18:00 is "due" from 28 February 00:00, so that a cron run in the morning says « aujourd'hui » on the day
itself). Each window lasts until the next one opens (core.impact.REMINDER_STAGES): a day without cron still
sends the reminder on the next run, and only the one in force then (a run after D+14 sends "late", never the
missed "before"). Every email is recorded as a SentReminder key first (notifications.mark_sent), so a second
run, or publishing the results again, sends nothing twice; the keys of a report carry its due day, so a
report whose due date the organisers moved is reminded again for its new date. Reminders are not essential:
people in digest mode get them in their daily digest.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time

from flask import url_for
from sqlalchemy.orm import selectinload

from ...core import impact as impact_core
from ...core.localtime import PARIS, to_local
from ...enums import CallPhase, CallRoleKind, ImpactPlanStatus, ImpactReportStatus, SubmissionStatus
from ...extensions import db
from ...models import (
    Call,
    CallRole,
    Decision,
    ImpactPlan,
    ImpactReport,
    SentReminder,
    Submission,
    SubmissionMember,
    User,
)
from ...models.types import utcnow
from .. import audit
from ..notifications import mark_sent
from ..outbox import queue_email
from . import plans

SETUP_AFTER_DAYS = 14  # a follow-up not under way this long after the results: its team is reminded
TEAM_STAGES = ("before", "due", "late")
ORGANISERS_STAGE = "organisers"
_FIRST_DAYS = min(days for _stage, days in impact_core.REMINDER_STAGES)
_ORGANISERS_DAYS = dict(impact_core.REMINDER_STAGES)[ORGANISERS_STAGE]


def day_start(instant: datetime) -> datetime:
    """The UTC instant of 00:00 in Paris on the Paris day of `instant`."""
    return datetime.combine(to_local(instant).date(), time()).replace(tzinfo=PARIS).astimezone(UTC)


def stage_of(report: ImpactReport, now: datetime) -> str | None:
    """The reminder of `report` in force at `now` ("before", "due", "late", "organisers"), counted in Paris
    days from its due day; None before the first window."""
    return impact_core.reminder_stage(day_start(report.due_at), now)


def _paris_day(instant: datetime) -> str:
    return to_local(instant).date().isoformat()


def _active_members(submission: Submission) -> list[User]:
    return sorted((m.user for m in submission.members if m.user.active), key=lambda u: u.id)


def _team_once(submission: Submission, key: str, now: datetime) -> list[User]:
    """The project's active members, the first time `key` is sent (`mark_sent`); nobody afterwards."""
    people = _active_members(submission)
    if not people or not mark_sent(key, {"people": [u.id for u in people]}, now=now):
        return []
    return people


def _milestones(call: Call) -> list[dict]:
    """Each milestone of the call with its report's due date, for the emails."""
    return [{"months": months, "due_at": impact_core.add_months(call.results_published_at, months)}
            for months in plans.milestones_of(call)]


def _record(call: Call, stage: str, people: list[int], *, months: int | None = None,
            actor: User | None = None) -> None:
    details = {"stage": stage, "people": people, "scheduled": actor is None}
    if months is not None:
        details["months"] = months
    audit.record(action=audit.AuditAction.IMPACT_REMINDERS_SENT, actor=actor, obj=call, call=call, details=details)


# --- at the results ---------------------------------------------------------------------------------------

def awarded_projects(call: Call) -> list[tuple[Submission, Decision]]:
    """The call's submitted projects that are laureates or mentions, with their decision, by reference."""
    rows = db.session.execute(
        db.select(Submission, Decision).join(Decision, Decision.submission_id == Submission.id)
        .where(Submission.call_id == call.id, Submission.status == SubmissionStatus.SUBMITTED,
               Decision.outcome.in_(plans.AWARDED))
        .options(selectinload(Submission.members).selectinload(SubmissionMember.user))
        .order_by(Submission.reference)).all()
    return [(submission, decision) for submission, decision in rows]


def invite_teams(*, call: Call, actor: User | None = None, now: datetime | None = None) -> int:
    """Once the results are published: each laureate's and mention's team is invited, once, to set up its
    follow-up (email `impact_invitation` to each active member, with the milestones and what it takes).
    Called by services.results.publish; publishing again invites nobody twice. Returns how many emails."""
    if call.results_published_at is None:
        return 0
    now = now or utcnow()
    milestones = _milestones(call)
    sent: list[int] = []
    for submission, decision in awarded_projects(call):
        people = _team_once(submission, f"impact_invitation:submission:{submission.id}", now)
        if not people:
            continue
        url = url_for("impact_followup.setup", submission_id=submission.id, _external=True)
        for person in people:
            queue_email(kind="impact_invitation", to=person, call=call, context={
                "call": call, "submission": submission, "outcome": decision.outcome, "milestones": milestones,
                "indicators_min": impact_core.INDICATORS_MIN, "indicators_max": impact_core.INDICATORS_MAX,
                "url": url})
            sent.append(person.id)
    if sent:
        _record(call, "invitation", sent, actor=actor)
    return len(sent)


# --- a follow-up not under way ----------------------------------------------------------------------------

def _calls_with_results(*conditions) -> list[Call]:
    return list(db.session.scalars(db.select(Call).where(
        Call.phase != CallPhase.DRAFT, Call.results_published_at.is_not(None), *conditions).order_by(Call.id)))


def not_under_way(call: Call) -> list[tuple[Submission, ImpactPlan | None]]:
    """The call's projects whose follow-up is expected but not active: laureates and mentions without a plan
    or with a draft, and projects whose team opted in and left its plan in draft; by reference."""
    by_project = {plan.submission_id: plan for plan in db.session.scalars(db.select(ImpactPlan).where(
        ImpactPlan.call_id == call.id))}
    found = {s.id: (s, by_project.get(s.id)) for s, _decision in awarded_projects(call)}
    for plan in by_project.values():  # not awarded: the team opted in
        if plan.submission_id not in found and plan.submission.status == SubmissionStatus.SUBMITTED:
            found[plan.submission_id] = (plan.submission, plan)
    rows = [(s, plan) for s, plan in found.values() if plan is None or plan.status != ImpactPlanStatus.ACTIVE]
    return sorted(rows, key=lambda row: row[0].reference)


def remind_setups(*, now: datetime) -> int:
    """SETUP_AFTER_DAYS Paris days after the results, to each active member of each team whose follow-up is not
    under way (once), until the first report is due. Returns how many emails."""
    sent = 0
    for call in _calls_with_results():
        milestones = _milestones(call)
        opens = impact_core.add_days(day_start(call.results_published_at), SETUP_AFTER_DAYS)
        if not milestones or not opens <= now < day_start(milestones[0]["due_at"]):
            continue
        reminded: list[int] = []
        for submission, plan in not_under_way(call):
            people = _team_once(submission, f"impact_setup:submission:{submission.id}", now)
            if not people:
                continue
            url = url_for("impact_followup.setup", submission_id=submission.id, _external=True)
            for person in people:
                queue_email(kind="impact_setup_reminder", to=person, call=call, essential=False, context={
                    "call": call, "submission": submission, "started": plan is not None,
                    "milestones": milestones, "indicators_min": impact_core.INDICATORS_MIN,
                    "indicators_max": impact_core.INDICATORS_MAX, "url": url})
                reminded.append(person.id)
        if reminded:
            _record(call, "setup", reminded)
        sent += len(reminded)
    return sent


# --- each report: before, on and after its due date -------------------------------------------------------

def open_reports(*, due_from: datetime | None = None, due_until: datetime | None = None) -> list[ImpactReport]:
    """Reports not submitted of active follow-ups of submitted projects, due in [due_from, due_until]; by call,
    project reference and milestone."""
    query = (db.select(ImpactReport).join(ImpactPlan, ImpactPlan.id == ImpactReport.plan_id)
             .join(Submission, Submission.id == ImpactPlan.submission_id)
             .where(ImpactPlan.status == ImpactPlanStatus.ACTIVE, ImpactReport.status != ImpactReportStatus.SUBMITTED,
                    Submission.status == SubmissionStatus.SUBMITTED)
             .options(selectinload(ImpactReport.plan).selectinload(ImpactPlan.submission)
                      .selectinload(Submission.members).selectinload(SubmissionMember.user))
             .order_by(ImpactPlan.call_id, Submission.reference, ImpactReport.months))
    if due_from is not None:
        query = query.where(ImpactReport.due_at >= due_from)
    if due_until is not None:
        query = query.where(ImpactReport.due_at <= due_until)
    return list(db.session.scalars(query))


def remind_reports(*, now: datetime) -> int:
    """Each open report's team reminder in force at `now` ("before" from D-14, "due" from the due day, "late"
    from D+14, until D+30 when the organisers are told instead), once per stage and due day, to each active
    member of the team. Returns how many emails."""
    # A day of margin on each side of the windows; the stage itself is computed exactly below.
    reports = open_reports(due_from=impact_core.add_days(now, -_ORGANISERS_DAYS - 1),
                           due_until=impact_core.add_days(now, -_FIRST_DAYS + 1))
    reminded: dict[tuple[int, str, int], list[int]] = {}
    calls: dict[int, Call] = {}
    for report in reports:
        stage = stage_of(report, now)
        if stage not in TEAM_STAGES:
            continue
        plan = report.plan
        submission = plan.submission
        people = _active_members(submission)
        if not people or not mark_sent(f"impact_report:{report.id}:{stage}:{_paris_day(report.due_at)}",
                                       {"people": [u.id for u in people]}, now=now):
            continue
        context = {"call": plan.call, "submission": submission, "months": report.months, "due_at": report.due_at,
                   "stage": stage, "today": _paris_day(now) == _paris_day(report.due_at),
                   "organisers_told_on": impact_core.add_days(report.due_at, _ORGANISERS_DAYS),
                   "url": url_for("impact_followup.report", submission_id=submission.id, months=report.months,
                                  _external=True)}
        for person in people:
            queue_email(kind="impact_report_due", to=person, call=plan.call, essential=False, context=context)
        calls[plan.call_id] = plan.call
        reminded.setdefault((plan.call_id, stage, report.months), []).extend(u.id for u in people)
    for (call_id, stage, months), people in reminded.items():
        _record(calls[call_id], stage, people, months=months)
    return sum(len(people) for people in reminded.values())


# --- the organisers: follow-ups late by more than a month -------------------------------------------------

@dataclass
class LateFollowUp:
    report: ImpactReport
    submission: Submission
    dashboard_url: str


def late_follow_ups(now: datetime) -> dict[int, list[LateFollowUp]]:
    """Open reports past their organisers' stage (D+30), by call id, by project reference and milestone."""
    found: dict[int, list[LateFollowUp]] = {}
    for report in open_reports(due_until=impact_core.add_days(now, -_ORGANISERS_DAYS + 1)):
        if stage_of(report, now) != ORGANISERS_STAGE:
            continue
        submission = report.plan.submission
        found.setdefault(report.plan.call_id, []).append(LateFollowUp(report, submission, url_for(
            "impact_dashboards.dashboard", submission_id=submission.id, _external=True)))
    return found


def _already_sent(key: str) -> bool:
    return db.session.scalar(db.select(SentReminder.id).where(SentReminder.key == key)) is not None


def tell_organisers(*, now: datetime) -> int:
    """To each active organiser of a call with follow-ups late by more than 30 days: at most one email per call
    and Paris day, sent when some late report was not yet reported to them, listing all of the call's late
    reports with links to each team's dashboard and to the call's follow-up overview. Returns how many."""
    sent, day = 0, _paris_day(now)
    for call_id, late in late_follow_ups(now).items():
        call = db.session.get(Call, call_id)
        organisers = db.session.scalars(db.select(User).join(CallRole, CallRole.user_id == User.id).where(
            CallRole.call_id == call_id, CallRole.role == CallRoleKind.ORGANISER, User.active.is_(True))
            .order_by(User.id)).all()
        told: list[int] = []
        for organiser in organisers:
            day_key = f"impact_late:call:{call_id}:user:{organiser.id}:{day}"
            if _already_sent(day_key):
                continue  # reports late since this morning's email wait for tomorrow's
            new = [row for row in late if mark_sent(
                f"impact_late:report:{row.report.id}:{_paris_day(row.report.due_at)}:user:{organiser.id}",
                {"call": call_id}, now=now)]
            if not new or not mark_sent(day_key, {"reports": [row.report.id for row in late]}, now=now):
                continue
            queue_email(kind="impact_reports_late", to=organiser, call=call, essential=False, context={
                "call": call, "late": late, "new": {row.report.id for row in new}, "days": _ORGANISERS_DAYS,
                "overview_url": url_for("impact_overview.overview", call_id=call_id, _external=True)})
            told.append(organiser.id)
        if told:
            _record(call, ORGANISERS_STAGE, told)
        sent += len(told)
    return sent
