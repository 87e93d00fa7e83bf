"""Dictionary order without the system's locale: capitals and accents do not count first."""
from __future__ import annotations

from prizeapp.core.collation import sort_key


def test_accented_capitals_sort_with_their_letter():
    regions = ["Normandie", "Île-de-France", "Hauts-de-France", "Bretagne", "Occitanie", "Grand Est"]
    assert sorted(regions, key=sort_key) == ["Bretagne", "Grand Est", "Hauts-de-France", "Île-de-France",
                                             "Normandie", "Occitanie"]
    titles = ["Zéro déchet", "Épicerie solidaire", "Emploi des jeunes", "écoles ouvertes", "Ehpad"]
    assert sorted(titles, key=sort_key) == ["écoles ouvertes", "Ehpad", "Emploi des jeunes", "Épicerie solidaire",
                                            "Zéro déchet"]


def test_ligatures_are_spelled_out_and_case_does_not_count_first():
    assert sorted(["Oeuvre", "Œil", "odeur", "Ordre"], key=sort_key) == ["odeur", "Œil", "Oeuvre", "Ordre"]
    assert sorted(["bretagne", "Bretagne", "BRETON"], key=sort_key) == ["bretagne", "Bretagne", "BRETON"]


def test_words_that_differ_only_by_accents_put_the_plain_one_first():
    assert sorted(["côte", "coté", "cote", "côté"], key=sort_key) == ["cote", "coté", "côte", "côté"]


def test_a_typographic_apostrophe_is_an_apostrophe():
    assert sort_key("Côte d’Azur")[0] == sort_key("Côte d'Azur")[0]
