from datetime import UTC, datetime, timedelta

import pytest

from prizeapp.core.ratelimit import check_window, fixed_window

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=15)


def minutes_ago(*values):
    return [NOW - timedelta(minutes=v) for v in values]


def test_allows_below_the_limit():
    decision = check_window(minutes_ago(1, 2, 3, 4), now=NOW, limit=5, window=WINDOW)
    assert decision.allowed and decision.retry_after == timedelta(0)


def test_refuses_at_the_limit_until_the_oldest_failure_ages_out():
    decision = check_window(minutes_ago(10, 8, 6, 4, 2), now=NOW, limit=5, window=WINDOW)
    assert not decision.allowed
    assert decision.retry_after == timedelta(minutes=5)


def test_failures_older_than_the_window_do_not_count():
    decision = check_window(minutes_ago(16, 20, 30, 1, 2), now=NOW, limit=3, window=WINDOW)
    assert decision.allowed


def test_with_more_failures_than_the_limit_waits_for_enough_to_expire():
    # 6 failures, limit 3: the attempt is allowed once only 2 remain, i.e. when the 4th newest expires.
    decision = check_window(minutes_ago(14, 12, 10, 8, 6, 4), now=NOW, limit=3, window=WINDOW)
    assert decision.retry_after == timedelta(minutes=7)


def test_limit_must_be_positive():
    with pytest.raises(ValueError):
        check_window([], now=NOW, limit=0, window=WINDOW)


def test_a_fixed_window_starts_on_its_multiple_and_says_when_the_next_begins():
    assert fixed_window(1_800_000_000.0, 60) == (1_800_000_000, 60)
    assert fixed_window(1_800_000_059.2, 60) == (1_800_000_000, 1)
    assert fixed_window(1_800_000_060.0, 60) == (1_800_000_060, 60)
    assert fixed_window(1_800_000_012.5, 60) == (1_800_000_000, 48)
