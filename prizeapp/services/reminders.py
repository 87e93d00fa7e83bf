"""Scheduled reminders, run from cron by `flask reminders run`: applicants with drafts before the submission
deadline, reviewers with reviews left before the review deadline, a daily digest of late reviewers to the
organisers of calls in review, the impact follow-up's reminders (services.impact.reminders), and the day's
digest of those who asked for one.

Milestones are judged on the Paris wall clock: "D-7" of a deadline on 26 October at 09:00 is 19 October at
09:00 in Paris, whatever the change of summer time in between. Each milestone is a window that lasts until
the next one (D-7 runs from seven days to one day before a submission deadline), so a day without cron still
sends the reminder on the next run, once: every email sent is recorded as a SentReminder key first, and a
second run finds the key and sends nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import url_for
from sqlalchemy.orm import selectinload

from ..core.localtime import PARIS, to_local
from ..enums import AssignmentStatus, CallPhase, CallRoleKind, SubmissionStatus
from ..extensions import db
from ..models import Assignment, Call, CallRole, Submission, SubmissionMember, User
from ..models.types import utcnow
from . import assignment as assignment_service
from . import audit, notifications
from . import calls as calls_service
from . import reviews as reviews_service
from .impact import reminders as impact_reminders
from .notifications import mark_sent
from .outbox import queue_email

DRAFT_MILESTONES = (7, 1)  # days before the submission deadline
REVIEW_MILESTONES = (7, 2)  # days before the review deadline
LATE_WITHIN = timedelta(days=2)  # a reviewer is late when the review deadline is this close, or passed


# --- milestones on the Paris wall clock -----------------------------------------------------------------

def milestone_start(deadline: datetime, days: int) -> datetime:
    """The UTC instant `days` calendar days before `deadline` at the same Paris wall-clock time (a time that
    does not exist, or exists twice, on that day is taken in the offset it had before the change)."""
    local = to_local(deadline) - timedelta(days=days)
    return local.replace(tzinfo=PARIS).astimezone(UTC)


def current_milestone(deadline: datetime | None, milestones: tuple[int, ...], now: datetime) -> int | None:
    """The milestone whose window holds `now` (from its start to the next milestone's start, the last one
    until the deadline); None before the first or from the deadline on."""
    if deadline is None or now >= deadline:
        return None
    current = None
    for days in sorted(milestones, reverse=True):
        if now >= milestone_start(deadline, days):
            current = days
    return current


def paris_day(now: datetime) -> str:
    return to_local(now).date().isoformat()


# --- applicants' drafts ---------------------------------------------------------------------------------

def remind_drafts(*, now: datetime) -> int:
    """D-7 and D-1 before the submission deadline of calls accepting submissions: one email per person per
    call and milestone, listing their drafts (the whole team of each draft is reminded). Returns how many."""
    sent = 0
    for call, days in _calls_at_milestone("submission_deadline", DRAFT_MILESTONES,
                                          calls_service.accepts_submissions, now):
        drafts = db.session.scalars(db.select(Submission).where(
            Submission.call_id == call.id, Submission.status == SubmissionStatus.DRAFT)
            .options(selectinload(Submission.members).selectinload(SubmissionMember.user))
            .order_by(Submission.reference)).all()
        by_person: dict[int, tuple[User, list[Submission]]] = {}
        for draft in drafts:
            for member in draft.members:
                by_person.setdefault(member.user_id, (member.user, []))[1].append(draft)
        for user_id, (user, own) in sorted(by_person.items()):
            if not user.active:
                continue
            if not mark_sent(f"draft:{days}:call:{call.id}:user:{user_id}",
                             {"submissions": [s.id for s in own]}, now=now):
                continue
            queue_email(kind="draft_reminder", to=user, call=call, essential=False, context={
                "call": call, "submissions": own, "days": days,
                "url": url_for("applicant.mine", _external=True)})
            sent += 1
    return sent


# --- reviewers ------------------------------------------------------------------------------------------

def remind_reviewers(*, now: datetime) -> int:
    """D-7 and D-2 before the review deadline of calls accepting reviews: one email per reviewer with reviews
    left, listing them. Returns how many."""
    sent = 0
    for call, days in _calls_at_milestone("review_deadline", REVIEW_MILESTONES, reviews_service.accepts_reviews, now):
        pending = reviews_service.unfinished_reviews(call)
        people = _users(pending)
        reminded = []
        for reviewer_id, submissions in pending.items():
            user = people[reviewer_id]
            if not user.active or not mark_sent(f"review:{days}:call:{call.id}:user:{reviewer_id}",
                                                {"submissions": [s.id for s in submissions]}, now=now):
                continue
            queue_email(kind="review_deadline_reminder", to=user, call=call, essential=False, context={
                "call": call, "submissions": submissions, "days": days,
                "url": url_for("reviewer.assignments", call_id=call.id, _external=True)})
            reminded.append(reviewer_id)
        if reminded:
            audit.record(action=audit.AuditAction.REVIEW_REMINDERS_SENT, obj=call, call=call,
                         details={"reviewers": reminded, "milestone": f"D-{days}", "scheduled": True})
        sent += len(reminded)
    return sent


# --- organisers: late reviewers -------------------------------------------------------------------------

@dataclass
class LateReviewer:
    reviewer: User
    submissions: list[Submission]


def late_reviewers(call: Call, now: datetime) -> list[LateReviewer]:
    """Reviewers with committed reviews not submitted, once the review deadline is passed or within two days;
    by name."""
    if call.review_deadline is None or now < call.review_deadline - LATE_WITHIN:
        return []
    pending = reviews_service.unfinished_reviews(call)
    people = _users(pending)
    return sorted((LateReviewer(people[rid], subs) for rid, subs in pending.items()),
                  key=lambda row: (row.reviewer.last_name.lower(), row.reviewer.first_name.lower(), row.reviewer.id))


def in_review(call: Call, now: datetime) -> bool:
    """Reviewing is what the call is about now: in review by its phase, or past its review deadline while
    nobody has yet moved it on by hand (it shows as deliberation by its dates only)."""
    current = calls_service.current_phase(call, now)
    return current == CallPhase.REVIEW or (current == CallPhase.DELIBERATION
                                           and call.phase in (CallPhase.OPEN, CallPhase.REVIEW))


def send_organiser_digests(*, now: datetime) -> int:
    """Once a day (Paris), to each organiser of a call in review with late reviewers: who is late, with a link
    to give each one's unfinished reviews to others. Returns how many."""
    sent, day = 0, paris_day(now)
    for call in _published_calls(Call.review_deadline.is_not(None), Call.results_published_at.is_(None)):
        if not in_review(call, now):
            continue
        late = late_reviewers(call, now)
        if not late:
            continue
        organisers = db.session.scalars(db.select(User).join(CallRole, CallRole.user_id == User.id).where(
            CallRole.call_id == call.id, CallRole.role == CallRoleKind.ORGANISER, User.active.is_(True))
            .order_by(User.id)).all()
        rows = [{"reviewer": row.reviewer, "submissions": row.submissions,
                 "url": url_for("call_logs.give_back", call_id=call.id, reviewer_id=row.reviewer.id,
                                _external=True)} for row in late]
        for organiser in organisers:
            if not mark_sent(f"organiser_digest:call:{call.id}:user:{organiser.id}:{day}",
                             {"late": [row.reviewer.id for row in late]}, now=now):
                continue
            queue_email(kind="organiser_digest", to=organiser, call=call, essential=False, context={
                "call": call, "late": rows, "deadline_passed": now >= call.review_deadline,
                "reviews_url": url_for("organiser.reviews", call_id=call.id, _external=True)})
            sent += 1
    return sent


def give_back_late_reviews(*, call: Call, reviewer: User, actor: User) -> assignment_service.Reassignment:
    """An organiser takes back a late reviewer's unfinished reviews: those assignments are declined (reason
    "late") and the assignment is repaired so that others review those projects (the new pairs are proposed:
    commit them to notify their reviewers). Raises assignment.Infeasible, with readable reasons, when nobody
    can take them; the caller then rolls back."""
    pending = reviews_service.unfinished_reviews(call, [reviewer.id]).get(reviewer.id, [])
    ids = {s.id for s in pending}
    now = utcnow()
    for a in db.session.scalars(db.select(Assignment).where(
            Assignment.call_id == call.id, Assignment.reviewer_id == reviewer.id,
            Assignment.status == AssignmentStatus.COMMITTED, Assignment.submission_id.in_(ids))):
        a.status, a.declined_at = AssignmentStatus.DECLINED, now
        audit.record(action=audit.AuditAction.ASSIGNMENT_DECLINED, actor=actor, obj=a, call=call,
                     details={"submission_id": a.submission_id, "reviewer_id": reviewer.id, "reason": "late"})
    db.session.flush()
    return assignment_service.reassign_after_changes(call=call, actor=actor)


# --- the whole run --------------------------------------------------------------------------------------

@dataclass
class ReminderReport:
    drafts: int = 0
    reviews: int = 0
    organiser_digests: int = 0
    impact_setups: int = 0  # follow-ups not under way, to their teams
    impact_reports: int = 0  # follow-up reports before, on and after their due date, to their teams
    impact_late: int = 0  # late follow-up reports, to the calls' organisers
    digests: int = 0

    def __str__(self) -> str:
        return (f"reminders: {self.drafts} to applicants, {self.reviews} to reviewers, "
                f"{self.organiser_digests} digests to organisers, "
                f"{self.impact_setups} follow-ups to set up, {self.impact_reports} follow-up reports due, "
                f"{self.impact_late} late follow-ups to organisers, {self.digests} daily digests")


def run(*, now: datetime | None = None) -> ReminderReport:
    """Everything due at `now` (default: the present), queued in the caller's transaction. The digests come
    last, so that today's reminders to people in digest mode leave today."""
    now = now or utcnow()
    report = ReminderReport()
    report.drafts = remind_drafts(now=now)
    report.reviews = remind_reviewers(now=now)
    report.organiser_digests = send_organiser_digests(now=now)
    report.impact_setups = impact_reminders.remind_setups(now=now)
    report.impact_reports = impact_reminders.remind_reports(now=now)
    report.impact_late = impact_reminders.tell_organisers(now=now)
    report.digests = notifications.send_digests(now=now)
    return report


def _published_calls(*conditions) -> list[Call]:
    return list(db.session.scalars(db.select(Call).where(Call.phase != CallPhase.DRAFT, *conditions)
                                   .order_by(Call.id)))


def _calls_at_milestone(deadline: str, milestones: tuple[int, ...], accepts, now: datetime):
    """(call, days) for each published call that `accepts(call, now)` and whose `deadline` attribute is at one
    of `milestones` now."""
    for call in _published_calls(getattr(Call, deadline).is_not(None)):
        if not accepts(call, now):
            continue
        days = current_milestone(getattr(call, deadline), milestones, now)
        if days is not None:
            yield call, days


def _users(by_id: dict[int, object]) -> dict[int, User]:
    if not by_id:
        return {}
    return {u.id: u for u in db.session.scalars(db.select(User).where(User.id.in_(list(by_id))))}
