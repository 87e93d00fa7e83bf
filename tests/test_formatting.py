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


# --- the first day of a month ---------------------------------------------------------------------------

def test_french_dates_write_the_first_of_the_month_as_an_ordinal(app):
    from datetime import date

    from prizeapp.formatting import date_filter

    with app.test_request_context():
        with force_locale("fr"):
            assert date_filter(date(2021, 3, 1)) == "1er mars 2021"
            assert date_filter(date(2021, 3, 1), "medium") == "1er mars 2021"
            assert date_filter(date(2021, 3, 1), "full") == "lundi 1er mars 2021"
            assert date_filter(date(2021, 3, 1), "short") == "01/03/2021"  # digits stay digits
            assert date_filter(date(2021, 3, 11)) == "11 mars 2021"
            assert date_filter(date(2021, 3, 21)) == "21 mars 2021"
        with force_locale("en"):
            assert date_filter(date(2021, 3, 1)) == "March 1, 2021"


def test_french_datetimes_write_the_first_of_the_month_as_an_ordinal(app):
    from prizeapp.formatting import date_filter

    first = datetime(2026, 10, 1, 7, 30, tzinfo=UTC)  # 09:30 in Paris
    with app.test_request_context():
        with force_locale("fr"):
            assert datetime_filter(first, "long") == "1er octobre 2026, 09:30"
            assert datetime_filter(first, "medium").startswith("1er oct. 2026")
            assert datetime_filter(first, "short") == "01/10/2026 09:30"
            assert date_filter(first) == "1er octobre 2026"
        with force_locale("en"):
            assert datetime_filter(first, "long").startswith("October 1, 2026")


def test_the_first_of_the_month_is_that_of_paris(app):
    from prizeapp.formatting import date_filter

    # 23:30 UTC on 31 October is already 1 November in Paris, and 23:30 UTC on 1 November is the 2nd there.
    with app.test_request_context(), force_locale("fr"):
        assert date_filter(datetime(2026, 10, 31, 23, 30, tzinfo=UTC)) == "1er novembre 2026"
        assert datetime_filter(datetime(2026, 10, 31, 23, 30, tzinfo=UTC), "long") == "1er novembre 2026, 00:30"
        assert datetime_filter(datetime(2026, 11, 1, 23, 30, tzinfo=UTC), "long") == "2 novembre 2026, 00:30"


def test_emails_and_pages_use_the_same_dates(app):
    from datetime import date

    with app.test_request_context(), force_locale("fr"):
        rendered = app.jinja_env.from_string("{{ d|date }} · {{ t|datetime('long') }}").render(
            d=date(2021, 3, 1), t=datetime(2026, 11, 1, 10, 0, tzinfo=UTC))
    assert rendered == "1er mars 2021 · 1er novembre 2026, 11:00"
