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
