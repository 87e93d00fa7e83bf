"""Jinja filters: dates in Europe/Paris in the reader's language, enum labels."""
from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_babel import format_date, format_datetime

from .labels import label


def datetime_filter(value: datetime | None, format: str = "medium") -> str:
    # Flask-Babel converts to BABEL_DEFAULT_TIMEZONE (Europe/Paris) before formatting.
    return format_datetime(value, format) if value is not None else "—"


def date_filter(value: datetime | None, format: str = "long") -> str:
    return format_date(value, format) if value is not None else "—"


def install(app: Flask) -> None:
    app.jinja_env.filters.update(datetime=datetime_filter, date=date_filter, label=label)
