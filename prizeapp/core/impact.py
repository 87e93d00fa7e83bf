"""The impact follow-up's arithmetic: when each milestone's report is due, which reminder is due now, how far an
indicator has gone towards its target, and whether a call's ranking picked the projects that went on to work.

Milestones are months after the results, counted on the Paris calendar: the 6-month report of results
published on 31 August at 18:00 (Paris) is due on 28 February at 18:00 (Paris), the last day of a shorter
month, whatever the change of summer time in between. Reminders are windows like the deadline reminders
(services.reminders): each lasts until the next one starts, so a day without cron still sends it, once.
"""
from __future__ import annotations

import calendar
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np
from scipy import stats

from .localtime import PARIS, to_local

DEFAULT_MILESTONES = (6, 12, 24)  # months after the results
MAX_MONTHS = 120
INDICATORS_MIN, INDICATORS_MAX = 3, 5

# Reminders about one report, by days from its due date: before it, on the day, after it (to the team), and
# then the organisers are told the team is late.
REMINDER_STAGES = (("before", -14), ("due", 0), ("late", 14), ("organisers", 30))


def add_months(instant: datetime, months: int) -> datetime:
    """The UTC instant `months` calendar months after `instant` at the same Paris wall-clock time (the day
    is clamped to the end of a shorter month; a time that does not exist that day takes the offset before)."""
    local = to_local(instant)
    index = local.month - 1 + months
    year, month = local.year + index // 12, index % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day).replace(tzinfo=PARIS).astimezone(UTC)


def add_days(instant: datetime, days: int) -> datetime:
    """`days` calendar days from `instant` at the same Paris wall-clock time."""
    return (to_local(instant) + timedelta(days=days)).replace(tzinfo=PARIS).astimezone(UTC)


def check_milestones(months: Sequence[int]) -> list[int]:
    """The milestones as a sorted list without repeats; ValueError when one is not 1 to MAX_MONTHS or none."""
    cleaned = sorted(set(int(m) for m in months))
    if not cleaned or cleaned[0] < 1 or cleaned[-1] > MAX_MONTHS:
        raise ValueError(months)
    return cleaned


def reminder_stage(due_at: datetime, now: datetime) -> str | None:
    """The reminder whose window holds `now` for a report due at `due_at`: None before the first one."""
    current = None
    for stage, days in REMINDER_STAGES:
        if now >= add_days(due_at, days):
            current = stage
    return current


def is_late(due_at: datetime, now: datetime) -> bool:
    return now >= due_at


def progress(baseline: Decimal | float | None, target: Decimal | float | None,
             value: Decimal | float | None) -> float | None:
    """How far `value` has gone from `baseline` towards `target`: 0 at the baseline, 1 at the target (more
    beyond it, below 0 when it went the other way). Works for targets below the baseline (time or cost to
    reduce). None without the three numbers, or when the target is the baseline."""
    if baseline is None or target is None or value is None:
        return None
    baseline, target, value = float(baseline), float(target), float(value)
    if target == baseline:
        return None
    return (value - baseline) / (target - baseline)


def targets_reached_share(progresses: Sequence[float | None]) -> float | None:
    """The mean progress of an innovation's indicators, each capped to [0, 1] (going past one target does not
    make up for missing another); None when none can be computed."""
    known = [min(max(p, 0.0), 1.0) for p in progresses if p is not None and math.isfinite(p)]
    return sum(known) / len(known) if known else None


# --- did the ranking pick projects that went on to work? --------------------------------------------------

def percentile_ranks(scores: Sequence[float]) -> list[float]:
    """Each score's place among its call's scores, from 0 (lowest) to 1 (highest), ties sharing the mean
    place: editions whose grids or juries differ are compared by place, not by raw score."""
    n = len(scores)
    if n == 1:
        return [0.5]
    ranks = stats.rankdata(scores)  # 1..n, ties averaged
    return [float((r - 1) / (n - 1)) for r in ranks]


@dataclass(frozen=True)
class Agreement:
    """Spearman's rank correlation between the calibrated places and an outcome, with a bootstrap interval."""

    n: int
    rho: float
    low: float
    high: float
    level: float  # of the interval, e.g. 0.9


def rank_agreement(places: Sequence[float], outcomes: Sequence[float], *, seed: int = 0, resamples: int = 2000,
                   level: float = 0.9) -> Agreement | None:
    """How far projects placed higher went on to better outcomes: Spearman's rho and a percentile bootstrap
    interval (resampling the projects; a resample with no spread is skipped). None below 4 projects or when
    the places or the outcomes do not vary: no correlation can be told then."""
    x, y = np.asarray(places, dtype=float), np.asarray(outcomes, dtype=float)
    n = len(x)
    if n < 4 or len(y) != n or np.ptp(x) == 0 or np.ptp(y) == 0:
        return None
    rho = float(stats.spearmanr(x, y).statistic)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, n, (resamples, n))
    rx, ry = stats.rankdata(x[picks], axis=1), stats.rankdata(y[picks], axis=1)
    rx, ry = rx - rx.mean(axis=1, keepdims=True), ry - ry.mean(axis=1, keepdims=True)
    spread = np.sqrt((rx ** 2).sum(axis=1) * (ry ** 2).sum(axis=1))
    kept = spread > 0  # a resample where every project drew the same place or outcome tells nothing
    if not kept.any():
        return None
    values = (rx * ry).sum(axis=1)[kept] / spread[kept]
    tail = (1 - level) / 2
    return Agreement(n=n, rho=rho, low=float(np.quantile(values, tail)), high=float(np.quantile(values, 1 - tail)),
                     level=level)
