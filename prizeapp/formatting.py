"""Jinja filters: dates in Europe/Paris in the reader's language, enum labels; the order of lists.

Every date of a page or an email goes through `date_filter` or `datetime_filter` (the `|date` and
`|datetime` filters): they write the first day of a month as French does, « 1er mars 2021 ». Every list
offered in words (a select's régions, themes, innovations) is put in order by `alphabetical`. Every score
(calibrated or raw, its interval, a criterion's average) is written by `score` (the `|score` filter) with the
decimals `score_places` chooses for its whole list, and `rounded_score` gives the same number to a spreadsheet."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

from babel.lists import format_list
from babel.numbers import format_currency, format_decimal
from babel.units import format_unit
from flask import Flask
from flask_babel import format_date, format_datetime, format_percent, format_timedelta, get_locale, to_user_timezone

from .core.collation import sort_key
from .labels import label

T = TypeVar("T")
NAMED_FORMATS = ("short", "medium", "long", "full")
_QUOTED = re.compile(r"('(?:[^']|'')*')")  # a literal of a CLDR pattern, such as 'à'
_DAY_OF_MONTH = re.compile(r"(?<!d)d(?!d)")  # "d" (1, 2…), not "dd" (01, 02…)


def _first_of_month(pattern: str) -> str:
    """The pattern with the day of the month written "1er": in French, « 1er mars » but « 2 mars ». A day in
    two digits (01/03/2021) stays as it is."""
    parts = _QUOTED.split(pattern)
    return "".join(part if i % 2 else _DAY_OF_MONTH.sub("d'er'", part) for i, part in enumerate(parts))


def _ordinal_first(pattern: str, day: date) -> str:
    locale = get_locale()
    if day.day == 1 and locale is not None and locale.language == "fr":
        return _first_of_month(pattern)
    return pattern


def _date_pattern(format: str) -> str:
    return get_locale().date_formats[format].pattern if format in NAMED_FORMATS else format


def _datetime_pattern(format: str) -> str:
    if format not in NAMED_FORMATS:
        return format
    locale = get_locale()
    # CLDR's long time ends in seconds and a UTC offset ("12:00:00 +0100"), noise next to a deadline (every
    # page says times are Paris time): the long date goes with the short time.
    time_format = "short" if format == "long" else format
    return (str(locale.datetime_formats[format])
            .replace("{1}", locale.date_formats[format].pattern)
            .replace("{0}", locale.time_formats[time_format].pattern))


def datetime_filter(value: datetime | None, format: str = "medium") -> str:
    """A date and time in Paris time (Flask-Babel converts to BABEL_DEFAULT_TIMEZONE, Europe/Paris)."""
    if value is None:
        return "—"
    return format_datetime(value, _ordinal_first(_datetime_pattern(format), to_user_timezone(value)))


def date_filter(value: date | datetime | None, format: str = "long") -> str:
    """A day; that of Paris for an instant."""
    if value is None:
        return "—"
    day = to_user_timezone(value) if isinstance(value, datetime) else value
    return format_date(day, _ordinal_first(_date_pattern(format), day))


def duration(value: timedelta | int | float) -> str:
    """A duration in words, with the plural right: "1 heure", "2 jours", "5 minutes"."""
    if not isinstance(value, timedelta):
        value = timedelta(seconds=value)
    return format_timedelta(value, threshold=1, granularity="minute")


def number(value: Any) -> str:
    """12 500,5 / 12,500.5: a number in the reader's language."""
    return format_decimal(Decimal(str(value)), locale=get_locale())


# Scores: one decimal on a scale up to SCORE_FINE_SPAN points wide (1–5, 0–10, 0–20), none on a wider one
# (0–100); one more where two different scores of a list would otherwise be written alike.
SCORE_FINE_SPAN = 20


def score_places(values: Iterable[float | None], scale: tuple[float, float] | list[float] | None = None) -> int:
    """How many decimals every score of a list is written with (`score`, `rounded_score`): one on a scale up to
    20 points wide (none on a wider one), and one more when two different scores of `values` would otherwise
    look equal. Never more: scores still equal at two decimals differ by less than 0.005 point, far inside any
    interval the reviews give; their ranks say which is ahead."""
    base = 1 if scale is None or scale[1] - scale[0] <= SCORE_FINE_SPAN else 0
    distinct = {float(v) for v in values if v is not None}
    if len({rounded_score(v, base) for v in distinct}) < len(distinct):
        return base + 1
    return base


def rounded_score(value: float, places: int = 1) -> Decimal:
    """`value` rounded to `places` decimals, halves away from zero (4.25 → 4.3), as the pages and the
    spreadsheets write it."""
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def score(value: float | None, places: int = 1) -> str:
    """4,0 / 4,55: a score with exactly `places` decimals (`score_places` chooses them for a whole list), in
    the reader's language; « — » without a score."""
    if value is None:
        return "—"
    return format_decimal(rounded_score(value, places), format="#,##0." + "0" * places if places else "#,##0",
                          locale=get_locale(), decimal_quantization=False)


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


def percent(share: float | None) -> str:
    """0.42 → « 42 % » in the reader's language; « — » without a share."""
    return format_percent(share) if share is not None else "—"


def words_list(items: Iterable[Any]) -> str:
    """Items written as a sentence does in the reader's language: « 6, 12 et 24 », "6, 12 and 24"."""
    return format_list([str(item) for item in items], locale=str(get_locale() or "fr"))


def alphabetical(items: Iterable[T], words: Callable[[T], Any] = str) -> list[T]:
    """`items` in dictionary order of their words in the reader's language (`words(item)`, such as an enum
    member's translated label): « Île-de-France » with the I's, « Éducation » with the E's."""
    return sorted(items, key=lambda item: sort_key(str(words(item))))


def by_label(vocabulary: Iterable[T]) -> list[T]:
    """The members of an unordered vocabulary (enums.Theme) in the order of their labels, for the reader."""
    return alphabetical(vocabulary, label)


def install(app: Flask) -> None:
    app.jinja_env.filters.update(datetime=datetime_filter, date=date_filter, label=label, duration=duration,
                                 number=number, score=score, filesize=filesize, euros=euros,
                                 percent=percent, words_list=words_list)
    app.jinja_env.globals.update(score_places=score_places)
