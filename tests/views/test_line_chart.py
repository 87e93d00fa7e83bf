"""The geometry of the line chart over time (views.charts.line_chart): values in, coordinates out."""
from __future__ import annotations

from prizeapp.views.charts import LINE_LEFT, LINE_PLOT_HEIGHT, LINE_PLOT_WIDTH, LINE_TOP, line_chart

BOTTOM = LINE_TOP + LINE_PLOT_HEIGHT
RIGHT = LINE_LEFT + LINE_PLOT_WIDTH


def test_values_are_placed_on_round_axes_months_left_to_right_values_upwards():
    chart = line_chart([(0, 0), (6, 120), (12, 250)], target=400, months=(6, 12, 24))
    assert [t for _, t in chart.y_ticks] == [0, 100, 200, 300, 400]
    assert [(p.x, p.y) for p in chart.points] == [
        (LINE_LEFT, BOTTOM),
        (LINE_LEFT + LINE_PLOT_WIDTH / 4, BOTTOM - 120 / 400 * LINE_PLOT_HEIGHT),
        (LINE_LEFT + LINE_PLOT_WIDTH / 2, BOTTOM - 250 / 400 * LINE_PLOT_HEIGHT)]
    assert chart.target_y == LINE_TOP  # the target is the top of the axis
    assert chart.x_ticks == [(LINE_LEFT, 0), (LINE_LEFT + 110.0, 6), (LINE_LEFT + 220.0, 12), (RIGHT, 24)]
    assert chart.path == "64.0,204.0 174.0,150.0 284.0,91.5"
    assert [p.label_y for p in chart.points] == [p.y - 10 for p in chart.points]


def test_a_decreasing_indicator_goes_down_towards_its_target_below_the_baseline():
    chart = line_chart([(0, 21), (6, 14)], target=7, months=(6, 12))
    assert [t for _, t in chart.y_ticks] == [5, 10, 15, 20, 25]
    baseline, six = chart.points
    assert baseline.y < six.y < chart.target_y  # lower values are lower on the chart
    assert baseline.y == round(BOTTOM - (21 - 5) / 20 * LINE_PLOT_HEIGHT, 2)
    assert chart.target_y == round(BOTTOM - (7 - 5) / 20 * LINE_PLOT_HEIGHT, 2)
    assert six.x == LINE_LEFT + LINE_PLOT_WIDTH / 2


def test_a_single_point_has_no_line_and_an_axis_around_it():
    chart = line_chart([(0, 50)], months=(6, 12, 24))
    assert chart.path == ""
    assert chart.target_y is None
    (only,) = chart.points
    low, high = chart.y_ticks[0][1], chart.y_ticks[-1][1]
    assert low < 50 < high
    assert chart.bottom > only.y > chart.top
    assert only.x == LINE_LEFT


def test_a_single_zero_keeps_the_axis_at_zero_and_above():
    chart = line_chart([(0, 0)], months=(6,))
    assert chart.y_ticks[0][1] == 0 and chart.y_ticks[-1][1] > 0
    assert chart.points[0].y == BOTTOM


def test_a_value_beyond_the_target_widens_the_axis_instead_of_being_cut():
    chart = line_chart([(0, 0), (6, 520)], target=400, months=(6, 12))
    assert chart.y_ticks[-1][1] >= 520
    beyond = chart.points[1]
    assert LINE_TOP <= beyond.y < chart.target_y  # above the target line, inside the plot
    assert beyond.label_y == beyond.y - 10


def test_a_point_at_the_top_keeps_its_label_inside_the_chart():
    chart = line_chart([(0, 0), (12, 100)], months=(12,))
    top = chart.points[1]
    assert top.y == LINE_TOP
    assert 0 < top.label_y == top.y - 10


def test_without_milestones_the_months_axis_still_has_a_length():
    chart = line_chart([(0, 3)])
    assert chart.x_ticks == [(LINE_LEFT, 0)]
    assert chart.points[0].x == LINE_LEFT
