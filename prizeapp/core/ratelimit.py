"""Sliding-window limit on failed attempts (login guessing)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: timedelta  # zero when allowed


def check_window(
    failures: Iterable[datetime], *, now: datetime, limit: int, window: timedelta
) -> Decision:
    """Allow a new attempt unless `limit` failures happened within `window` before `now`.

    When refused, `retry_after` is the time until the oldest counted failure leaves the window.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    recent = sorted(t for t in failures if now - window < t <= now)
    if len(recent) < limit:
        return Decision(True, timedelta(0))
    # The attempt becomes possible when enough failures have aged out to go below the limit.
    oldest_blocking = recent[len(recent) - limit]
    return Decision(False, oldest_blocking + window - now)
