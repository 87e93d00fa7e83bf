"""The geometry of the bar and scatter charts (views.charts.bar_chart, scatter_chart): values in, coordinates out."""
from __future__ import annotations

from prizeapp.views.charts import (
    BAR_GAP,
    BAR_HEIGHT,
    BAR_PLOT_WIDTH,
    BAR_TOP,
    SCATTER_LEFT,
    SCATTER_PLOT_HEIGHT,
    SCATTER_PLOT_WIDTH,
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
