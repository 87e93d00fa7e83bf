"""Sliding-window limit on failed attempts (login guessing); fixed windows for counted requests (the API)."""
from __future__ import annotations

import math
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


def fixed_window(now: float, window_seconds: int) -> tuple[int, int]:
    """The fixed window `now` (Unix seconds) falls in: its start, and the whole seconds until the next one
    begins (at least 1, for a Retry-After header)."""
    if window_seconds < 1:
        raise ValueError("window_seconds must be at least 1")
    start = int(now // window_seconds) * window_seconds
    return start, max(1, math.ceil(start + window_seconds - now))
