import pytest

from prizeapp.core.grid import grid_scale, is_about_replication, weighted_total


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


@pytest.mark.parametrize("name, description", [
    ("Essaimage", ""), ("POTENTIEL D'ESSAIMAGE", ""), ("Diffusion", "Le projet peut-il essaimer ?"),
    ("Réplicabilité", ""), ("Reproductibilité", ""), ("Potentiel", "Est-il reproduit ailleurs ?"),
    ("Transférabilité", ""), ("Replication potential", ""),
])
def test_a_criterion_about_essaimage_is_recognised_whatever_its_case_and_accents(name, description):
    assert is_about_replication(name, description)


@pytest.mark.parametrize("name, description", [
    ("Innovation", "Ce qui est nouveau pour le service public : usage, organisation, technique."),
    ("Impact", "Impact pour les usagers et les agents, et la manière dont il est mesuré."),
    ("Faisabilité et équipe", "Calendrier, compétences réunies, risques identifiés."),
])
def test_the_other_criteria_are_not_about_essaimage(name, description):
    assert not is_about_replication(name, description)
