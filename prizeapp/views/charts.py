"""Geometry of the server-drawn SVG charts: numbers in, coordinates out, so templates only draw.

One chart type serves the ranking pages: a dot per row with its interval as a horizontal line, and an
optional second marker (the raw mean beside the calibrated score, or a raw score beside its correction), drawn
as one SVG or (the forest plot, readable on a phone) as HTML rows placed in percent of the plot's width. A
stacked bar shows the parts of a whole, such as the resources of an economic model by kind. A scatter puts two
measures against each other (a project's place and its outcome; a reviewer's scores against the others'), with
the line of equal values and a fitted line when asked for.
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
    href: str | None = None  # where the row's label leads (a project's page), in the HTML rendering
    key: str = ""  # what the row is, for ids (a project's id)


@dataclass
class DrawnRow:
    label: str
    y: float
    x: float
    x_low: float | None
    x_high: float | None
    x_marker: float | None
    highlight: bool
    # The same places as percentages of the plot's width, for the HTML rendering (`_charts.html`'s forest_plot),
    # which scales to any screen; PLOT_MARGIN keeps the ends' dots and labels inside.
    at: float | None = None
    at_low: float | None = None
    at_high: float | None = None
    at_marker: float | None = None
    row: Row | None = None


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
    tick_at: list[tuple[float, float]] = field(default_factory=list)  # (percent, value)
    reference_at: float | None = None
    cutoff: float | None = None  # a vertical dashed line (the laureates' cut-off score), when asked for
    cutoff_x: float | None = None
    cutoff_at: float | None = None


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


PLOT_MARGIN = 4  # percent of the plot's width left free at each end (HTML rendering)


def interval_chart(rows: list[Row], domain: tuple[float, float], *, reference: float | None = None,
                   cutoff: float | None = None) -> IntervalChart:
    """Place `rows` (top to bottom) on a horizontal axis spanning `domain`; `reference` and `cutoff` are
    vertical lines (zero; the score that separates the laureates from the others), drawn when inside it."""
    low, high = domain
    if high <= low:
        high = low + 1.0

    def share_of(value: float) -> float:
        return (min(max(value, low), high) - low) / (high - low)

    def x_of(value: float | None) -> float | None:
        if value is None:
            return None
        return round(LABEL_WIDTH + share_of(value) * PLOT_WIDTH, 2)

    def at(value: float | None) -> float | None:
        if value is None:
            return None
        return round(PLOT_MARGIN + share_of(value) * (100 - 2 * PLOT_MARGIN), 2)

    def inside(value: float | None) -> bool:
        return value is not None and low <= value <= high

    drawn = [DrawnRow(label=row.label, y=TOP + i * ROW_HEIGHT + ROW_HEIGHT / 2, x=x_of(row.value),
                      x_low=x_of(row.low), x_high=x_of(row.high), x_marker=x_of(row.marker),
                      highlight=row.highlight, at=at(row.value), at_low=at(row.low), at_high=at(row.high),
                      at_marker=at(row.marker), row=row) for i, row in enumerate(rows)]
    axis_y = TOP + len(rows) * ROW_HEIGHT + 4
    ticks = nice_ticks(low, high)
    return IntervalChart(width=LABEL_WIDTH + PLOT_WIDTH + 20, height=int(axis_y + AXIS_ROOM),
                         label_width=LABEL_WIDTH, plot_width=PLOT_WIDTH, rows=drawn,
                         ticks=[(x_of(t), t) for t in ticks],
                         reference_x=x_of(reference) if inside(reference) else None,
                         axis_y=axis_y, tick_at=[(at(t), t) for t in ticks],
                         reference_at=at(reference) if inside(reference) else None,
                         cutoff=cutoff if inside(cutoff) else None,
                         cutoff_x=x_of(cutoff) if inside(cutoff) else None,
                         cutoff_at=at(cutoff) if inside(cutoff) else None)


# --- a line over time (an impact indicator at its milestones) ---------------------------------------------

LINE_LEFT = 64  # room for the value axis' labels
LINE_PLOT_WIDTH = 440
LINE_PLOT_HEIGHT = 180
LINE_TOP = 24  # room for the label above the highest point
LINE_RIGHT = 24
LINE_AXIS_ROOM = 40  # the months' labels and the axis' name


@dataclass
class LinePoint:
    """A measured value at `months` after the results (0: the baseline), placed at (x, y)."""

    months: int
    value: float
    x: float
    y: float
    label_y: float  # where its value is written: above the point (LINE_TOP leaves room above the highest)


@dataclass
class LineChart:
    width: int
    height: int
    left: float
    right: float  # x of the plot's right edge
    top: float
    bottom: float  # y of the months' axis
    points: list[LinePoint]
    path: str  # the polyline's points, "x,y x,y"; empty below two points
    target: float | None
    target_y: float | None
    x_ticks: list[tuple[float, int]]  # (x, months)
    y_ticks: list[tuple[float, float]]  # (y, value)


def _value_domain(values: list[float]) -> tuple[float, float, list[float]]:
    """A range holding every value, widened to round ticks at both ends, and those ticks."""
    low, high = min(values), max(values)
    if high == low:
        pad = abs(low) / 2 or 1.0
        low, high = low - pad, high + pad
        if min(values) >= 0 and low < 0:  # counts and shares never go below zero: neither does the axis
            low, high = 0.0, 2 * max(values) or 1.0
    raw = (high - low) / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    low, high = math.floor(low / step + 1e-9) * step, math.ceil(high / step - 1e-9) * step
    ticks = [round(low + i * step, 10) for i in range(int(round((high - low) / step)) + 1)]
    return low, high, ticks


def line_chart(points: list[tuple[int, float]], *, target: float | None = None,
               months: list[int] | tuple[int, ...] = ()) -> LineChart:
    """Place `points` (months after the results, value) on a chart whose months' axis runs from 0 to the last
    of `months` or of the points (a tick at 0 and at each of `months`), and whose value axis holds every point
    and the target (drawn as a horizontal line): a value beyond the target widens the axis, it is never cut."""
    points = sorted(points)
    values = [float(v) for _, v in points] + ([float(target)] if target is not None else [])
    low, high, ticks = _value_domain(values or [0.0])
    last = max([m for m, _ in points] + list(months) + [1])
    right = LINE_LEFT + LINE_PLOT_WIDTH
    bottom = LINE_TOP + LINE_PLOT_HEIGHT

    def x_of(m: float) -> float:
        return round(LINE_LEFT + m / last * LINE_PLOT_WIDTH, 2)

    def y_of(value: float) -> float:
        return round(bottom - (value - low) / (high - low) * LINE_PLOT_HEIGHT, 2)

    placed = []
    for m, value in points:
        y = y_of(float(value))
        placed.append(LinePoint(months=m, value=float(value), x=x_of(m), y=y, label_y=round(y - 10, 2)))
    return LineChart(width=right + LINE_RIGHT, height=bottom + LINE_AXIS_ROOM, left=LINE_LEFT, right=right,
                     top=LINE_TOP, bottom=bottom, points=placed,
                     path=" ".join(f"{p.x},{p.y}" for p in placed) if len(placed) > 1 else "",
                     target=float(target) if target is not None else None,
                     target_y=y_of(float(target)) if target is not None else None,
                     x_ticks=[(x_of(m), m) for m in sorted({0, *months, *(m for m, _ in points)})],
                     y_ticks=[(y_of(t), t) for t in ticks])


# --- counts by category (the evidence levels a call's projects reached) -----------------------------------

BAR_LABEL_WIDTH = 170
BAR_PLOT_WIDTH = 330
BAR_HEIGHT = 18
BAR_GAP = 8
BAR_TOP = 4
BAR_VALUE_ROOM = 40  # the count written right of its bar


@dataclass
class DrawnBar:
    label: str
    value: float
    y: float  # top of the bar
    width: float  # 0 for a zero count: only its value is written


@dataclass
class BarChart:
    width: int
    height: int
    label_width: int
    bar_height: int
    bars: list[DrawnBar]


def bar_chart(bars: list[tuple[str, float]]) -> BarChart:
    """Horizontal bars, top to bottom in the order given, the longest spanning the plot (all empty when every
    value is zero)."""
    top = max([value for _, value in bars] + [0])
    drawn = [DrawnBar(label=label, value=value, y=BAR_TOP + i * (BAR_HEIGHT + BAR_GAP),
                      width=round(value / top * BAR_PLOT_WIDTH, 2) if top > 0 else 0.0)
             for i, (label, value) in enumerate(bars)]
    return BarChart(width=BAR_LABEL_WIDTH + BAR_PLOT_WIDTH + BAR_VALUE_ROOM,
                    height=BAR_TOP * 2 + len(bars) * (BAR_HEIGHT + BAR_GAP), label_width=BAR_LABEL_WIDTH,
                    bar_height=BAR_HEIGHT, bars=drawn)


# --- a point per project: two measures against each other -------------------------------------------------

SCATTER_LEFT = 56  # room for the vertical axis' labels
SCATTER_PLOT_WIDTH = 440
SCATTER_PLOT_HEIGHT = 240
SCATTER_SQUARE = 300  # the side of the plot when both axes have the same scale (`equal_axes`)
SCATTER_TOP = 30  # room for the vertical axis' name above it
SCATTER_RIGHT = 16
SCATTER_AXIS_ROOM = 40  # the horizontal axis' labels and its name


@dataclass
class ScatterPoint:
    """Projects at the same two values, drawn as one dot (`count` of them, `labels` their names)."""

    x_value: float
    y_value: float
    x: float
    y: float
    count: int
    labels: list[str]


@dataclass
class ScatterChart:
    width: int
    height: int
    left: float
    right: float  # x of the plot's right edge
    top: float
    bottom: float  # y of the horizontal axis
    points: list[ScatterPoint]
    x_ticks: list[tuple[float, float]]  # (x, value)
    y_ticks: list[tuple[float, float]]  # (y, value)
    diagonal: tuple[float, float, float, float] | None = None  # the line y = x (same value on both axes), x1 y1 x2 y2
    line: tuple[float, float, float, float] | None = None  # a line y = intercept + slope x, x1 y1 x2 y2


def _segment_inside(intercept: float, slope: float, x_domain: tuple[float, float],
                    y_domain: tuple[float, float]) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """The ends of the part of y = intercept + slope x inside the plot's rectangle (values), if it crosses it."""
    (x_low, x_high), (y_low, y_high) = x_domain, y_domain
    ends = [(x, intercept + slope * x) for x in (x_low, x_high)]
    if slope:
        ends += [((y - intercept) / slope, y) for y in (y_low, y_high)]
    inside = sorted({(round(x, 9), round(y, 9)) for x, y in ends
                     if x_low - 1e-9 <= x <= x_high + 1e-9 and y_low - 1e-9 <= y <= y_high + 1e-9})
    return (inside[0], inside[-1]) if len(inside) >= 2 else None


def scatter_chart(points: list[tuple[str, float, float]], *, x_domain: tuple[float, float],
                  y_domain: tuple[float, float] | None = None, x_ticks: list[float] | None = None,
                  y_ticks: list[float] | None = None, equal_axes: bool = False, merge: bool = True,
                  diagonal: bool = False, line: tuple[float, float] | None = None) -> ScatterChart:
    """Place `points` (label, x value, y value) on a plot spanning `x_domain` across and `y_domain` up (values
    outside are drawn on the edge). Ticks default to round values of each domain.

    `equal_axes`: the same scale on both axes, a square plot spanning `x_domain` both ways (a reviewer's scores
    against the others'). `merge`: points at the same place are one dot that counts them (else a dot each).
    `diagonal`: the line of equal values (y = x); `line` (intercept, slope): y = intercept + slope x; each drawn
    where it crosses the plot."""
    if equal_axes:
        y_domain, y_ticks = x_domain, x_ticks
        plot_width = plot_height = SCATTER_SQUARE
    else:
        plot_width, plot_height = SCATTER_PLOT_WIDTH, SCATTER_PLOT_HEIGHT
    if y_domain is None:
        raise ValueError("scatter_chart needs a y_domain unless equal_axes")
    (x_low, x_high), (y_low, y_high) = x_domain, y_domain
    x_high = x_high if x_high > x_low else x_low + 1.0
    y_high = y_high if y_high > y_low else y_low + 1.0
    right, bottom = SCATTER_LEFT + plot_width, SCATTER_TOP + plot_height

    def x_of(value: float) -> float:
        return round(SCATTER_LEFT + (min(max(value, x_low), x_high) - x_low) / (x_high - x_low) * plot_width, 2)

    def y_of(value: float) -> float:
        return round(bottom - (min(max(value, y_low), y_high) - y_low) / (y_high - y_low) * plot_height, 2)

    def drawn(intercept: float, slope: float) -> tuple[float, float, float, float] | None:
        ends = _segment_inside(intercept, slope, (x_low, x_high), (y_low, y_high))
        if ends is None:
            return None
        (x1, y1), (x2, y2) = ends
        return (x_of(x1), y_of(y1), x_of(x2), y_of(y2))

    placed: list[ScatterPoint] = []
    merged: dict[tuple[float, float], ScatterPoint] = {}
    for label, x_value, y_value in points:
        spot = (x_of(x_value), y_of(y_value))
        if merge and spot in merged:
            merged[spot].count += 1
            merged[spot].labels.append(label)
            continue
        point = ScatterPoint(x_value=x_value, y_value=y_value, x=spot[0], y=spot[1], count=1, labels=[label])
        merged[spot] = point
        placed.append(point)
    return ScatterChart(width=right + SCATTER_RIGHT, height=bottom + SCATTER_AXIS_ROOM, left=SCATTER_LEFT,
                        right=right, top=SCATTER_TOP, bottom=bottom, points=placed,
                        x_ticks=[(x_of(t), t) for t in (x_ticks if x_ticks is not None else nice_ticks(x_low, x_high))],
                        y_ticks=[(y_of(t), t) for t in (y_ticks if y_ticks is not None else nice_ticks(y_low, y_high))],
                        diagonal=drawn(0.0, 1.0) if diagonal else None,
                        line=drawn(*line) if line is not None else None)


# --- a stacked bar: the parts of a whole (the resources of an economic model by kind) --------------------------

BAR_WIDTH = 480
BAR_HEIGHT = 40
INSIDE_MIN = 44  # the narrowest segment that has room for its percent inside


@dataclass
class Part:
    key: str  # what the segment is (a CSS modifier: one colour per kind)
    label: str
    share: float  # in percent


@dataclass
class Segment:
    key: str
    label: str
    share: float
    x: float
    width: float
    text_x: float  # the middle of the segment, where its percent is written when it fits
    inside: bool  # whether the percent fits inside the segment (the legend under the bar always has it)


@dataclass
class StackedBar:
    width: int
    height: int
    segments: list[Segment]
    total: float  # the shares' sum: the bar spans max(total, 100), so a missing part stays blank


def stacked_bar(parts: list[Part]) -> StackedBar:
    """Lay `parts` side by side, left to right, on a bar BAR_WIDTH wide that stands for 100 (or for their
    total, when it is more): each segment as wide as its share. Parts of no share are left out."""
    shown = [part for part in parts if part.share > 0]
    total = sum(part.share for part in shown)
    scale = BAR_WIDTH / max(total, 100)
    segments, x = [], 0.0
    for part in shown:
        width = part.share * scale
        segments.append(Segment(key=part.key, label=part.label, share=part.share, x=round(x, 2), width=round(width, 2),
                                text_x=round(x + width / 2, 2), inside=width >= INSIDE_MIN))
        x += width
    return StackedBar(width=BAR_WIDTH, height=BAR_HEIGHT, segments=segments, total=total)
