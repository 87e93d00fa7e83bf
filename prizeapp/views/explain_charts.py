"""Geometry of the explanations' charts (templates/jury/_explain_charts.html): numbers in, places out.

A waterfall, from a starting value through each step to the end (a calibrated score from its raw mean, or the
gap between two projects' scores), as HTML rows placed in percent of the plot's width so that it reads on a
phone; and two projects' chances of being ahead of each other as one bar. (A reviewer's scores against the
other reviewers' are a scatter of views.charts, drawn by _charts.html's scatter_chart.)
"""
from __future__ import annotations

from dataclasses import dataclass

from .charts import nice_ticks

MARGIN = 3  # percent of the plot's width left free at each end
MIN_WIDTH = 0.8  # a step of nothing is still a visible tick (percent)


@dataclass
class Bar:
    """One row of a waterfall: a total (drawn from the base) or a step (from `start` to `end`)."""

    label: str
    start: float
    end: float
    total: bool = False
    text: str = ""  # the value written beside it, formatted by the caller


@dataclass
class PlacedBar:
    bar: Bar
    kind: str  # "total", "up", "down" or "none"
    left: float  # percent of the plot's width
    width: float
    end_at: float


@dataclass
class Waterfall:
    rows: list[PlacedBar]
    ticks: list[tuple[float, float]]  # (percent, value)
    reference_at: float | None  # a vertical line at zero, for gaps


def waterfall(bars: list[Bar], *, domain: tuple[float, float], reference: float | None = None) -> Waterfall:
    """Place `bars` (top to bottom) on a horizontal axis spanning `domain`; totals start at its low end, or at
    `reference` (0 for a gap) when it is inside it."""
    low, high = domain
    if high <= low:
        high = low + 1.0

    def at(value: float) -> float:
        share = (min(max(value, low), high) - low) / (high - low)
        return round(MARGIN + share * (100 - 2 * MARGIN), 2)

    inside = reference is not None and low <= reference <= high
    base = reference if inside else low
    rows = []
    for bar in bars:
        start = base if bar.total else bar.start
        a, b = sorted((at(start), at(bar.end)))
        width = max(b - a, MIN_WIDTH)
        kind = "total" if bar.total else "up" if bar.end > bar.start else "down" if bar.end < bar.start else "none"
        rows.append(PlacedBar(bar=bar, kind=kind, left=round(min(a, 100 - MARGIN - width), 2),
                              width=round(width, 2), end_at=at(bar.end)))
    return Waterfall(rows=rows, ticks=[(at(t), t) for t in nice_ticks(low, high)],
                     reference_at=at(reference) if inside else None)


def domain_of(values: list[float], scale: tuple[float, float] | None = None, *, least: float = 0.5,
              include: float | None = None) -> tuple[float, float]:
    """A domain holding every value (and `include`), at least `least` wide, with a margin; within `scale`."""
    values = [*values, *([include] if include is not None else [])]
    lo, hi = min(values), max(values)
    if hi - lo < least:
        middle = (hi + lo) / 2
        lo, hi = middle - least / 2, middle + least / 2
    margin = (hi - lo) / 10
    lo, hi = lo - margin, hi + margin
    if scale is not None:
        lo, hi = max(lo, scale[0]), min(hi, scale[1])
    return lo, hi


# --- who is ahead ---------------------------------------------------------------------------------------------------

@dataclass
class Odds:
    """P(A above B) as one bar: A's share from the left, B's the rest (percent, adding up to 100)."""

    a_percent: int
    b_percent: int


def odds(probability: float) -> Odds:
    """The bar of P(A above B), in whole percents adding up to 100; neither 0 nor 100 unless the draws all
    agree."""
    a = round(100 * probability)
    if 0 < probability < 1:
        a = min(max(a, 1), 99)
    return Odds(a_percent=a, b_percent=100 - a)
