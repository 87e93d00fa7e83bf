"""The geometry of the bar and scatter charts (views.charts.bar_chart, scatter_chart): values in, coordinates out.

The scatter serves the organisers' outcomes page and the reviewer page (equal axes, the diagonal, a line)."""
from __future__ import annotations

from prizeapp.views.charts import (
    BAR_GAP,
    BAR_HEIGHT,
    BAR_PLOT_WIDTH,
    BAR_TOP,
    SCATTER_LEFT,
    SCATTER_PLOT_HEIGHT,
    SCATTER_PLOT_WIDTH,
    SCATTER_SQUARE,
    SCATTER_TOP,
    bar_chart,
    scatter_chart,
)

BOTTOM = SCATTER_TOP + SCATTER_PLOT_HEIGHT


def test_bars_are_stacked_top_down_the_longest_spanning_the_plot():
    chart = bar_chart([("Niveau 1", 2), ("Niveau 2", 4), ("Niveau 3", 0), ("Sans rapport", 1)])
    assert [b.y for b in chart.bars] == [BAR_TOP + i * (BAR_HEIGHT + BAR_GAP) for i in range(4)]
    assert [b.width for b in chart.bars] == [BAR_PLOT_WIDTH / 2, BAR_PLOT_WIDTH, 0, BAR_PLOT_WIDTH / 4]
    assert chart.height == 2 * BAR_TOP + 4 * (BAR_HEIGHT + BAR_GAP)


def test_bars_of_nothing_are_all_empty():
    assert [b.width for b in bar_chart([("a", 0), ("b", 0)]).bars] == [0, 0]


def test_points_are_placed_across_and_up_higher_values_higher():
    chart = scatter_chart([("A", 0, 1), ("B", 0.5, 3), ("C", 1, 5)], x_domain=(0, 1), y_domain=(1, 5),
                          x_ticks=[0, 0.5, 1], y_ticks=[1, 3, 5])
    assert [(p.x, p.y) for p in chart.points] == [
        (SCATTER_LEFT, BOTTOM), (SCATTER_LEFT + SCATTER_PLOT_WIDTH / 2, BOTTOM - SCATTER_PLOT_HEIGHT / 2),
        (SCATTER_LEFT + SCATTER_PLOT_WIDTH, SCATTER_TOP)]
    assert chart.x_ticks == [(SCATTER_LEFT, 0), (SCATTER_LEFT + 220, 0.5), (SCATTER_LEFT + 440, 1)]
    assert chart.y_ticks == [(BOTTOM, 1), (BOTTOM - 120, 3), (SCATTER_TOP, 5)]
    assert (chart.left, chart.right, chart.top, chart.bottom) == (SCATTER_LEFT, SCATTER_LEFT + SCATTER_PLOT_WIDTH,
                                                                  SCATTER_TOP, BOTTOM)


def test_projects_at_the_same_values_are_one_dot_that_counts_them():
    chart = scatter_chart([("A", 0.25, 2), ("B", 0.25, 2), ("C", 0.75, 2)], x_domain=(0, 1), y_domain=(1, 5))
    assert [(p.count, p.labels) for p in chart.points] == [(2, ["A", "B"]), (1, ["C"])]


def test_values_outside_the_domain_are_drawn_on_its_edge_and_ticks_default_to_round_values():
    chart = scatter_chart([("A", 1.5, -1)], x_domain=(0, 1), y_domain=(0, 10))
    assert (chart.points[0].x, chart.points[0].y) == (SCATTER_LEFT + SCATTER_PLOT_WIDTH, BOTTOM)
    assert chart.points[0].x_value == 1.5  # the value itself is kept for the table
    assert [t for _, t in chart.y_ticks] == [0, 5, 10]  # views.charts.nice_ticks
    assert [t for _, t in chart.x_ticks] == [0, 0.5, 1]


def test_equal_axes_make_a_square_plot_with_the_same_scale_and_ticks_both_ways():
    chart = scatter_chart([("A", 1, 1), ("B", 3, 2)], x_domain=(1, 5), equal_axes=True)
    bottom = SCATTER_TOP + SCATTER_SQUARE
    assert (chart.right - chart.left, chart.bottom - chart.top) == (SCATTER_SQUARE, SCATTER_SQUARE)
    assert [(p.x, p.y) for p in chart.points] == [(SCATTER_LEFT, bottom),
                                                  (SCATTER_LEFT + SCATTER_SQUARE / 2, bottom - SCATTER_SQUARE / 4)]
    assert [t for _, t in chart.x_ticks] == [t for _, t in chart.y_ticks] == [1, 2, 3, 4, 5]
    assert [x - chart.left for x, _ in chart.x_ticks] == [chart.bottom - y for y, _ in chart.y_ticks]
    assert chart.diagonal is None and chart.line is None  # only when asked for


def test_the_diagonal_joins_the_corners_and_the_line_is_cut_at_the_plot_s_edges():
    chart = scatter_chart([("A", 2, 3)], x_domain=(1, 5), equal_axes=True, diagonal=True, line=(1.0, 0.5))
    bottom = SCATTER_TOP + SCATTER_SQUARE
    assert chart.diagonal == (SCATTER_LEFT, bottom, SCATTER_LEFT + SCATTER_SQUARE, SCATTER_TOP)
    # y = 1 + x / 2: from (1, 1.5) to (5, 3.5), inside the square
    assert chart.line == (SCATTER_LEFT, bottom - SCATTER_SQUARE / 8, SCATTER_LEFT + SCATTER_SQUARE,
                          bottom - SCATTER_SQUARE * 5 / 8)
    steep = scatter_chart([("A", 2, 3)], x_domain=(0, 4), equal_axes=True, line=(0.0, 2.0))
    assert steep.line == (SCATTER_LEFT, bottom, SCATTER_LEFT + SCATTER_SQUARE / 2, SCATTER_TOP)  # leaves at the top
    outside = scatter_chart([("A", 2, 3)], x_domain=(0, 4), equal_axes=True, line=(10.0, 0.0))
    assert outside.line is None  # never inside the plot: not drawn


def test_without_merging_every_point_is_a_dot_of_its_own():
    chart = scatter_chart([("A", 2, 2), ("B", 2, 2)], x_domain=(1, 5), equal_axes=True, merge=False)
    assert [(p.count, p.labels) for p in chart.points] == [(1, ["A"]), (1, ["B"])]
