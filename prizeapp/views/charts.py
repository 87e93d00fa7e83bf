"""Geometry of the server-drawn SVG charts: numbers in, coordinates out, so templates only draw.

One chart type serves the ranking pages: a dot per row with its interval as a horizontal line, and an
optional second marker (the raw mean beside the calibrated score, or a raw score beside its correction).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

LABEL_WIDTH = 150  # room for the row labels, left of the plot
PLOT_WIDTH = 460
ROW_HEIGHT = 22
TOP = 8
AXIS_ROOM = 30


@dataclass
class Row:
    label: str
    value: float
    low: float | None = None
    high: float | None = None
    marker: float | None = None  # a second value, drawn hollow
    highlight: bool = False


@dataclass
class DrawnRow:
    label: str
    y: float
    x: float
    x_low: float | None
    x_high: float | None
    x_marker: float | None
    highlight: bool


@dataclass
class IntervalChart:
    width: int
    height: int
    label_width: int
    plot_width: int
    rows: list[DrawnRow]
    ticks: list[tuple[float, float]]  # (x, value)
    reference_x: float | None  # a vertical line (zero leniency), when asked for
    axis_y: float
    extra: dict = field(default_factory=dict)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (1, 2 or 5 times a power of ten apart)."""
    if high <= low:
        return [low]
    raw = (high - low) / max(1, count - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(low / step - 1e-9) * step
    ticks, value = [], first
    while value <= high + 1e-9:
        ticks.append(round(value, 10))
        value += step
    return ticks


def interval_chart(rows: list[Row], domain: tuple[float, float], *, reference: float | None = None) -> IntervalChart:
    """Place `rows` (top to bottom) on a horizontal axis spanning `domain`."""
    low, high = domain
    if high <= low:
        high = low + 1.0

    def x_of(value: float | None) -> float | None:
        if value is None:
            return None
        clipped = min(max(value, low), high)
        return round(LABEL_WIDTH + (clipped - low) / (high - low) * PLOT_WIDTH, 2)

    drawn = [DrawnRow(label=row.label, y=TOP + i * ROW_HEIGHT + ROW_HEIGHT / 2, x=x_of(row.value),
                      x_low=x_of(row.low), x_high=x_of(row.high), x_marker=x_of(row.marker),
                      highlight=row.highlight) for i, row in enumerate(rows)]
    axis_y = TOP + len(rows) * ROW_HEIGHT + 4
    return IntervalChart(width=LABEL_WIDTH + PLOT_WIDTH + 20, height=int(axis_y + AXIS_ROOM),
                         label_width=LABEL_WIDTH, plot_width=PLOT_WIDTH, rows=drawn,
                         ticks=[(x_of(t), t) for t in nice_ticks(low, high)],
                         reference_x=x_of(reference) if reference is not None and low <= reference <= high else None,
                         axis_y=axis_y)
