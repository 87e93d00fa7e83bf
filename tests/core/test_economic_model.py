from datetime import date
from decimal import Decimal

import pytest

from prizeapp.core import economic_model as em
from prizeapp.core.grid import is_about_economic_model


def _post(**values) -> dict[str, list[str]]:
    return {key: [value] for key, value in values.items()}


def test_amounts_typed_the_french_way_are_stored_with_two_decimals():
    parsed = em.parse(_post(cost_setup="15 000", cost_recurring="9\u202f000,50 €", cost_per_user="12"))

    assert parsed.ok
    assert (parsed.values["cost_setup"], parsed.values["cost_recurring"], parsed.values["cost_per_user"]) == (
        "15000.00", "9000.50", "12.00")


def test_an_amount_that_is_not_one_is_refused_by_its_field():
    parsed = em.parse(_post(cost_setup="quinze mille", costs_avoided="-5"))

    assert {k: p.code for k, p in parsed.problems.items()} == {"cost_setup": "not_an_amount",
                                                               "costs_avoided": "below_min"}
    assert "cost_setup" not in parsed.values


def test_resources_keep_the_grids_order_with_their_dates():
    parsed = em.parse(_post(share_earned_income="40 %", share_public_subsidy="60",
                            until_public_subsidy="31/12/2027"))

    assert parsed.ok
    assert parsed.values["resources"] == [
        {"kind": "public_subsidy", "share": 60, "secured_until": "2027-12-31"},
        {"kind": "earned_income", "share": 40}]


def test_shares_that_do_not_add_up_to_100_say_their_total():
    parsed = em.parse(_post(share_public_subsidy="60", share_in_kind="30"))

    assert parsed.problems["resources"].code == "shares_not_100"
    assert parsed.problems["resources"].params == {"total": 90}
    assert parsed.values["resources"][1] == {"kind": "in_kind", "share": 30}  # kept, to be shown again


@pytest.mark.parametrize(("text", "code"), [("beaucoup", "not_a_share"), ("120", "above_max"), ("12,5", "not_a_share")])
def test_a_share_must_be_a_whole_percent(text, code):
    parsed = em.parse(_post(share_pooling=text))

    assert parsed.problems["share_pooling"].code == code
    assert "resources" not in parsed.problems  # one problem at a time: the total waits for readable shares


def test_a_secured_date_without_a_share_asks_for_the_share():
    parsed = em.parse(_post(until_private_funding="2027-06-30", share_public_subsidy="100"))

    assert parsed.problems["share_private_funding"].code == "share_needed"


def test_a_wrong_date_is_refused():
    parsed = em.parse(_post(share_pooling="100", until_pooling="31/02/2027"))
    assert parsed.problems["until_pooling"].code == "not_a_date"


def test_texts_are_trimmed_and_limited():
    parsed = em.parse(_post(partners="  La Poste, le CCAS \x00 ", local_costs="x" * (em.TEXT_MAX + 1)))

    assert parsed.values["partners"] == "La Poste, le CCAS"
    assert parsed.problems["local_costs"].params == {"max": em.TEXT_MAX, "length": em.TEXT_MAX + 1}


def test_missing_names_who_benefits_who_pays_a_cost_and_the_resources():
    assert em.missing({}) == ["beneficiaries", "funding", "costs", "resources"]
    assert em.missing({"beneficiaries": "Les aidants", "funding": "La ville", "cost_recurring": "1000.00",
                       "resources": [{"kind": "public_subsidy", "share": 100}]}) == []


def test_as_form_gives_back_what_parse_reads():
    values = em.parse(_post(cost_setup="15 000,50", beneficiaries="Les aidants", share_pooling="100",
                            until_pooling="2027-12-31")).values

    assert em.parse(em.as_form(values)).values == values
    assert em.as_form({"cost_setup": "15000.00"}) == {"cost_setup": ["15000"]}


def test_public_share_counts_subsidy_public_purchase_and_pooling():
    values = {"resources": [{"kind": "public_subsidy", "share": 30}, {"kind": "pooling", "share": 20},
                            {"kind": "earned_income", "share": 50}]}

    assert em.public_share(values) == 50
    assert em.dependency(values) == "mixed"


def test_no_public_share_when_the_shares_are_not_complete():
    assert em.public_share({"resources": [{"kind": "public_subsidy", "share": 60}]}) is None
    assert em.dependency({}) is None


@pytest.mark.parametrize(("public", "band"), [(0, "low"), (33, "low"), (34, "mixed"), (66, "mixed"), (67, "high"),
                                              (100, "high")])
def test_dependency_bands_split_at_thirds(public, band):
    resources = [{"kind": "public_subsidy", "share": public}, {"kind": "in_kind", "share": 100 - public}]

    assert em.dependency({"resources": [r for r in resources if r["share"]]}) == band


def test_the_earliest_secured_date_is_when_money_may_run_out_first():
    values = {"resources": [{"kind": "public_subsidy", "share": 50, "secured_until": "2028-01-31"},
                            {"kind": "pooling", "share": 50, "secured_until": "2027-06-30"}]}

    assert em.secured_until(values) == date(2027, 6, 30)


def test_first_year_cost_is_set_up_plus_a_year_of_running():
    assert em.first_year_cost({"cost_setup": "10000.00", "cost_recurring": "2500.50"}) == Decimal("12500.50")
    assert em.first_year_cost({}) is None


@pytest.mark.parametrize(("name", "expected"), [("Modèle économique", True), ("Soutenabilité financière", True),
                                                ("Economic model", True), ("Impact", False), ("Essaimage", False)])
def test_the_economic_criterion_is_found_by_its_name(name, expected):
    assert is_about_economic_model(name) is expected
