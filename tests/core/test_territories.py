"""Régions and départements by their official codes, and the consistency of a territory's codes."""
from __future__ import annotations

import pytest

from prizeapp.core import territories


def test_every_departement_belongs_to_a_known_region():
    assert len(territories.REGIONS) == 18
    assert len(territories.DEPARTEMENTS) == 101
    assert {region for _name, region in territories.DEPARTEMENTS.values()} == set(territories.REGIONS)


@pytest.mark.parametrize(("commune", "departement"), [
    ("35238", "35"), ("69123", "69"), ("2A004", "2A"), ("2B033", "2B"), ("97411", "974"), ("97608", "976"),
])
def test_a_commune_code_names_its_departement(commune, departement):
    assert territories.departement_of_commune(commune) == departement


@pytest.mark.parametrize("code", ["3523", "352388", "ABCDE", "20004", "97811", ""])
def test_malformed_or_unknown_commune_codes_have_no_departement(code):
    assert territories.departement_of_commune(code) is None


def test_consistent_codes_pass():
    assert territories.check(commune_code="35238", departement_code="35", region_code="53") == []
    assert territories.check(region_code="11") == []
    assert territories.check() == []


def test_each_inconsistency_is_named():
    assert territories.check(region_code="99") == ["unknown_region"]
    assert territories.check(departement_code="20") == ["unknown_departement"]
    assert territories.check(departement_code="2A", region_code="93") == ["departement_not_in_region"]
    assert territories.check(commune_code="1234") == ["bad_commune_code"]
    assert territories.check(commune_code="69123", departement_code="35") == ["commune_not_in_departement"]


def test_labels():
    assert territories.departement_label("2A") == "Corse-du-Sud (2A)"
    assert territories.region_label("53") == "Bretagne"
    assert territories.region_label("xx") == "xx"


@pytest.mark.parametrize(("name", "departement", "region", "codes"), [
    ("Vitré", "35", "53", ["Ille-et-Vilaine (35)", "Bretagne"]),
    ("Beaulieu-sur-Loire (Loiret)", "45", "24", ["Centre-Val de Loire"]),
    ("beaulieu-sur-loire (LOIRET)", "45", "", []),
    ("Roanne", "42", "84", ["Loire (42)", "Auvergne-Rhône-Alpes"]),
    ("Beaulieu-sur-Loire", "45", "24", ["Loiret (45)", "Centre-Val de Loire"]),  # "Loire" is not the Loiret
    ("Saint-Étienne-sur-Loire", "42", "", ["Loire (42)"]),  # part of a hyphenated name: not the département
    ("Région Bretagne", "", "53", []),
    ("Bastia (Haute-Corse)", "2B", "94", ["Corse"]),  # Haute-Corse says the département, not the région
    ("Le Val-d'Oise", "95", "11", ["Île-de-France"]),
    ("", "35", "53", ["Ille-et-Vilaine (35)", "Bretagne"]),
])
def test_a_territory_name_is_not_followed_by_what_it_says_already(name, departement, region, codes):
    assert territories.unsaid_codes(name, departement_code=departement, region_code=region) == codes


def test_codes_follow_a_name_in_brackets_or_after_its_own():
    assert territories.beside_name("Vitré", ["Ille-et-Vilaine (35)", "Bretagne"]) == " (Ille-et-Vilaine (35), Bretagne)"
    assert territories.beside_name("Beaulieu-sur-Loire (Loiret)", ["Centre-Val de Loire"]) == ", Centre-Val de Loire"
    assert territories.beside_name("Vitré", []) == ""
