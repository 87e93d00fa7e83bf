"""The life of a call: which phase the dates put it in, and what each phase allows.

draft → open → review → deliberation → published → archived. Dates move a call forward automatically;
organisers may also move it by hand (forward, or back one step), which the service records.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

ORDER = ("draft", "open", "review", "deliberation", "published", "archived")


@dataclass(frozen=True)
class Schedule:
    """Phase dates, timezone-aware (stored in UTC, entered in Europe/Paris)."""

    opens_at: datetime | None
    submission_deadline: datetime | None
    review_deadline: datetime | None
    deliberation_at: datetime | None = None
    results_at: datetime | None = None

    def problems(self) -> list[str]:
        """Codes of the inconsistencies between the dates (empty when they are in order)."""
        problems = []
        if self.opens_at is None or self.submission_deadline is None:
            problems.append("opening_and_deadline_required")
        named = [("opens_at", self.opens_at), ("submission_deadline", self.submission_deadline),
                 ("review_deadline", self.review_deadline), ("deliberation_at", self.deliberation_at),
                 ("results_at", self.results_at)]
        present = [(name, value) for name, value in named if value is not None]
        for (first, a), (second, b) in zip(present, present[1:]):
            if not a < b:
                problems.append(f"{second}_before_{first}")
        return problems


def phase_from_dates(schedule: Schedule, now: datetime) -> str:
    """The phase the dates alone give at `now` (a published call is never set back by the dates)."""
    if schedule.opens_at is None or now < schedule.opens_at:
        return "draft"
    if schedule.submission_deadline is None or now < schedule.submission_deadline:
        return "open"
    if schedule.review_deadline is None or now < schedule.review_deadline:
        return "review"
    return "deliberation"


def effective_phase(stored: str, schedule: Schedule, now: datetime) -> str:
    """The phase in force: the stored one, moved forward by the dates, but never past deliberation.

    A draft stays a draft until an organiser publishes it (stored "open" or later); publishing results and
    archiving are always explicit decisions.
    """
    if stored == "draft":
        return "draft"
    by_dates = phase_from_dates(schedule, now)
    if by_dates == "draft":
        by_dates = "open"  # published before its opening date: visible, not yet accepting submissions
    return ORDER[max(ORDER.index(stored), ORDER.index(by_dates))]


def accepts_submissions(stored: str, schedule: Schedule, now: datetime) -> bool:
    """True only between the opening and the deadline of a published call. The deadline is exclusive:
    a request arriving at the deadline's exact second is late."""
    if effective_phase(stored, schedule, now) != "open":
        return False
    return (schedule.opens_at is not None and schedule.submission_deadline is not None
            and schedule.opens_at <= now < schedule.submission_deadline)


def accepts_reviews(stored: str, schedule: Schedule, now: datetime) -> bool:
    """True during the review phase, until the review deadline (exclusive, like the submission deadline)."""
    if effective_phase(stored, schedule, now) != "review":
        return False
    return schedule.review_deadline is None or now < schedule.review_deadline


def can_move(current: str, target: str) -> bool:
    """Organisers move a call forward any number of steps, or back exactly one."""
    if current not in ORDER or target not in ORDER or current == target:
        return False
    return ORDER.index(target) > ORDER.index(current) or ORDER.index(target) == ORDER.index(current) - 1
