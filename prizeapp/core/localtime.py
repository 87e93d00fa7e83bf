"""Wall-clock times typed by people in Europe/Paris, and the UTC instants stored for them.

Twice a year a Paris wall-clock time is not one instant: on the last Sunday of March, 02:00–02:59 does not
exist (clocks jump from 02:00 to 03:00); on the last Sunday of October, 02:00–02:59 happens twice (once in
summer time, once in winter time). Guessing would move a deadline by an hour without anyone noticing, so
such a time is refused with a reason the page can explain; every other time converts exactly.
"""
from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


class LocalTimeError(ValueError):
    """A wall-clock time that is not exactly one instant: `reason` is "nonexistent" or "ambiguous"."""

    def __init__(self, reason: str, local: datetime) -> None:
        super().__init__(f"{reason} local time {local.isoformat()}")
        self.reason = reason
        self.local = local


def to_utc(local: datetime, zone: ZoneInfo = PARIS) -> datetime:
    """The aware UTC instant of a naive wall-clock time in `zone`; LocalTimeError when there is not exactly one."""
    if local.tzinfo is not None:
        raise ValueError("expected a naive wall-clock time")
    first = local.replace(tzinfo=zone, fold=0)
    second = local.replace(tzinfo=zone, fold=1)
    instant = first.astimezone(UTC)
    # A time in the spring gap does not survive the round trip: zoneinfo maps it an hour away.
    if instant.astimezone(zone).replace(tzinfo=None) != local:
        raise LocalTimeError("nonexistent", local)
    if first.utcoffset() != second.utcoffset():
        raise LocalTimeError("ambiguous", local)
    return instant


def to_local(instant: datetime, zone: ZoneInfo = PARIS) -> datetime:
    """The naive wall-clock time in `zone` of an aware instant (what a datetime-local input shows)."""
    if instant.tzinfo is None:
        raise ValueError("expected an aware datetime")
    return instant.astimezone(zone).replace(tzinfo=None)
