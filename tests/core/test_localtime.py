"""Paris wall-clock times ↔ UTC instants, including the two nights of the daylight-saving change."""
from datetime import UTC, datetime

import pytest

from prizeapp.core.localtime import LocalTimeError, to_local, to_utc


@pytest.mark.parametrize("local, utc", [
    (datetime(2026, 1, 15, 12, 0), datetime(2026, 1, 15, 11, 0, tzinfo=UTC)),  # winter time, UTC+1
    (datetime(2026, 7, 15, 12, 0), datetime(2026, 7, 15, 10, 0, tzinfo=UTC)),  # summer time, UTC+2
    (datetime(2026, 3, 29, 1, 59), datetime(2026, 3, 29, 0, 59, tzinfo=UTC)),  # just before the jump
    (datetime(2026, 3, 29, 3, 0), datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),  # just after it
    (datetime(2026, 10, 25, 1, 59), datetime(2026, 10, 24, 23, 59, tzinfo=UTC)),
    (datetime(2026, 10, 25, 3, 0), datetime(2026, 10, 25, 2, 0, tzinfo=UTC)),
])
def test_paris_wall_clock_times_convert_to_utc_and_back(local, utc):
    assert to_utc(local) == utc
    assert to_utc(local).tzinfo is UTC
    assert to_local(utc) == local


def test_a_time_in_the_spring_gap_is_refused_as_nonexistent():
    with pytest.raises(LocalTimeError) as error:
        to_utc(datetime(2026, 3, 29, 2, 30))
    assert error.value.reason == "nonexistent"


def test_a_time_repeated_in_the_autumn_is_refused_as_ambiguous():
    with pytest.raises(LocalTimeError) as error:
        to_utc(datetime(2026, 10, 25, 2, 30))
    assert error.value.reason == "ambiguous"


def test_aware_or_naive_inputs_of_the_wrong_kind_are_programming_errors():
    with pytest.raises(ValueError):
        to_utc(datetime(2026, 1, 1, tzinfo=UTC))
    with pytest.raises(ValueError):
        to_local(datetime(2026, 1, 1))
