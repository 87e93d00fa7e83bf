"""Jinja filters: dates in Europe/Paris in the reader's language, enum labels."""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from babel.numbers import format_currency, format_decimal
from babel.units import format_unit
from flask import Flask
from flask_babel import format_date, format_datetime, format_timedelta, get_locale

from .labels import label


def datetime_filter(value: datetime | None, format: str = "medium") -> str:
    # Flask-Babel converts to BABEL_DEFAULT_TIMEZONE (Europe/Paris) before formatting.
    if value is None:
        return "—"
    if format == "long":
        # CLDR's long format ends in seconds and a UTC offset ("12:00:00 +0100"), noise next to a deadline
        # (every page says times are Paris time): the long date with the short time instead.
        locale = get_locale()
        format = (str(locale.datetime_formats["long"])
                  .replace("{1}", locale.date_formats["long"].pattern)
                  .replace("{0}", locale.time_formats["short"].pattern))
    return format_datetime(value, format)


def date_filter(value: datetime | None, format: str = "long") -> str:
    return format_date(value, format) if value is not None else "—"


def duration(value: timedelta | int | float) -> str:
    """A duration in words, with the plural right: "1 heure", "2 jours", "5 minutes"."""
    if not isinstance(value, timedelta):
        value = timedelta(seconds=value)
    return format_timedelta(value, threshold=1, granularity="minute")


def number(value: Any) -> str:
    """12 500,5 / 12,500.5: a number in the reader's language."""
    return format_decimal(Decimal(str(value)), locale=get_locale())


def filesize(size: int) -> str:
    """2,5 Mo / 2.5 MB: a size in the reader's language."""
    if size >= 1024 * 1024:
        return format_unit(round(size / (1024 * 1024), 1), "digital-megabyte", length="short", locale=get_locale())
    return format_unit(max(1, round(size / 1024)), "digital-kilobyte", length="short", locale=get_locale())


def euros(value: Any) -> str:
    """15 000 € / €15,000, and 75,50 € when there are cents: an amount in euros in the reader's language."""
    amount = Decimal(str(value))
    locale = get_locale()
    if amount == amount.to_integral_value():
        pattern = locale.currency_formats["standard"].pattern.replace(".00", "")
        return format_currency(amount, "EUR", format=pattern, locale=locale, currency_digits=False)
    return format_currency(amount, "EUR", locale=locale)


def install(app: Flask) -> None:
    app.jinja_env.filters.update(datetime=datetime_filter, date=date_filter, label=label, duration=duration,
                                 number=number, filesize=filesize, euros=euros)
