import pytest

from prizeapp.core.grid import grid_scale, weighted_total


def test_weighted_total_is_the_weighted_mean_of_the_scores():
    assert weighted_total({1: 4, 2: 2}, {1: 75, 2: 25}) == pytest.approx(3.5)


def test_a_criterion_of_weight_zero_counts_for_nothing_and_may_be_unscored():
    assert weighted_total({1: 4}, {1: 100, 2: 0}) == pytest.approx(4)


def test_every_weighted_criterion_must_be_scored():
    with pytest.raises(ValueError, match=r"\[2\]"):
        weighted_total({1: 4, 2: None}, {1: 50, 2: 50})
    with pytest.raises(ValueError):
        weighted_total({1: 4}, {1: 0})


def test_grid_scale_is_the_weighted_scale_of_the_criteria():
    assert grid_scale([(1, 5), (0, 10)], [60, 40]) == pytest.approx((0.6, 7.0))
