from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from prizeapp.core.phases import (
    Schedule,
    accepts_reviews,
    accepts_submissions,
    can_move,
    effective_phase,
    phase_from_dates,
)

PARIS = ZoneInfo("Europe/Paris")
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
SCHEDULE = Schedule(opens_at=T0, submission_deadline=T0 + timedelta(days=30),
                    review_deadline=T0 + timedelta(days=60), deliberation_at=T0 + timedelta(days=70),
                    results_at=T0 + timedelta(days=80))


@pytest.mark.parametrize("offset_days, phase", [(-1, "draft"), (0, "open"), (29, "open"), (30, "review"),
                                                (59, "review"), (60, "deliberation"), (400, "deliberation")])
def test_phase_from_dates(offset_days, phase):
    assert phase_from_dates(SCHEDULE, T0 + timedelta(days=offset_days)) == phase


def test_a_draft_stays_draft_whatever_the_dates():
    assert effective_phase("draft", SCHEDULE, T0 + timedelta(days=45)) == "draft"


def test_dates_move_a_published_call_forward_but_not_past_deliberation():
    assert effective_phase("open", SCHEDULE, T0 + timedelta(days=45)) == "review"
    assert effective_phase("open", SCHEDULE, T0 + timedelta(days=500)) == "deliberation"
    assert effective_phase("published", SCHEDULE, T0 + timedelta(days=1)) == "published"


def test_deadline_is_exclusive_to_the_second():
    deadline = SCHEDULE.submission_deadline
    assert accepts_submissions("open", SCHEDULE, deadline - timedelta(seconds=1))
    assert not accepts_submissions("open", SCHEDULE, deadline)


def test_published_before_opening_does_not_accept_yet():
    assert effective_phase("open", SCHEDULE, T0 - timedelta(days=1)) == "open"
    assert not accepts_submissions("open", SCHEDULE, T0 - timedelta(seconds=1))
    assert accepts_submissions("open", SCHEDULE, T0)


def test_deadline_across_the_daylight_saving_change():
    # Deadline 29 March 2026 at 12:00 Paris time: after the switch to summer time (UTC+2) that night.
    deadline = datetime(2026, 3, 29, 12, 0, tzinfo=PARIS)
    schedule = Schedule(opens_at=T0, submission_deadline=deadline, review_deadline=deadline + timedelta(days=9))
    assert deadline.astimezone(UTC).hour == 10
    assert accepts_submissions("open", schedule, datetime(2026, 3, 29, 9, 59, 59, tzinfo=UTC))
    assert not accepts_submissions("open", schedule, datetime(2026, 3, 29, 10, 0, 0, tzinfo=UTC))
    # Winter-time arithmetic (UTC+1) would wrongly accept until 11:00 UTC.
    assert not accepts_submissions("open", schedule, datetime(2026, 3, 29, 10, 30, tzinfo=UTC))


def test_schedule_problems_name_the_dates_out_of_order():
    bad = Schedule(opens_at=T0, submission_deadline=T0 - timedelta(days=1), review_deadline=None)
    assert bad.problems() == ["submission_deadline_before_opens_at"]
    assert Schedule(None, None, None).problems() == ["opening_and_deadline_required"]
    assert SCHEDULE.problems() == []


@pytest.mark.parametrize("current, target, allowed", [
    ("draft", "open", True), ("open", "deliberation", True), ("review", "open", True),
    ("review", "draft", False), ("published", "published", False), ("archived", "published", True),
    ("open", "nonsense", False),
])
def test_organisers_move_forward_or_back_one_step(current, target, allowed):
    assert can_move(current, target) is allowed


def test_reviews_are_accepted_in_the_review_phase_until_the_review_deadline_exclusive():
    deadline = SCHEDULE.review_deadline
    assert not accepts_reviews("open", SCHEDULE, SCHEDULE.submission_deadline - timedelta(seconds=1))
    assert accepts_reviews("open", SCHEDULE, SCHEDULE.submission_deadline)  # the dates moved it to review
    assert accepts_reviews("review", SCHEDULE, deadline - timedelta(seconds=1))
    assert not accepts_reviews("review", SCHEDULE, deadline)
    assert not accepts_reviews("deliberation", SCHEDULE, SCHEDULE.submission_deadline + timedelta(days=1))
