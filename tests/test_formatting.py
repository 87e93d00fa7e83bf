"""Dates are stored in UTC and shown in Europe/Paris time."""
from datetime import UTC, datetime

import pytest
from flask_babel import force_locale

from prizeapp.formatting import datetime_filter


@pytest.mark.parametrize("utc, paris_hour", [
    (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), "01:30"),  # before the switch to summer time (UTC+1)
    (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), "03:30"),  # after it (UTC+2)
    (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "02:30"),
    (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "02:30"),  # back to winter time: 02:30 happens twice
])
def test_datetimes_are_shown_in_paris_time(app, utc, paris_hour):
    with app.test_request_context(), force_locale("fr"):
        assert paris_hour in datetime_filter(utc, "short")


def test_missing_date_shows_a_dash(app):
    with app.test_request_context():
        assert datetime_filter(None) == "—"


def test_long_datetimes_show_the_minute_without_seconds_or_utc_offset(app):
    # Deadlines use the long format; every page already says that times are Paris time.
    value = datetime(2027, 1, 6, 11, 0, tzinfo=UTC)
    with app.test_request_context():
        with force_locale("fr"):
            assert datetime_filter(value, "long") == "6 janvier 2027, 12:00"
        with force_locale("en"):
            shown = datetime_filter(value, "long")
            assert shown.startswith("January 6, 2027") and shown.endswith("PM") and "12:00:00" not in shown
