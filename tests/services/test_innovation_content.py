"""The fields of a record: what it needs before checking, its cost band, what a version changed."""
from __future__ import annotations

import pytest

from prizeapp.enums import CostBand
from prizeapp.services.innovations import content

from .. import factories


def test_a_complete_record_misses_nothing():
    assert content.missing(factories.record_content()) == []


def test_missing_names_each_needed_field_and_the_two_alternatives():
    record = factories.record_content(title="  ", results="", conditions_skills="", conditions_partners="")
    assert content.missing(record) == ["title", "results_or_expected", "a_condition"]


def test_expected_results_stand_in_for_results_not_known_yet():
    record = factories.record_content(results="", expected_results="Moins de renoncements aux soins.")
    assert content.missing(record) == []


@pytest.mark.parametrize(("setup", "recurring", "band"), [
    ("0", "9999.99", CostBand.UNDER_10K), ("10000", None, CostBand.UNDER_50K),
    ("20000", "29999.99", CostBand.UNDER_50K), (None, "50000", CostBand.UNDER_200K),
    ("150000", "50000", CostBand.OVER_200K),
])
def test_cost_band_is_the_first_year_cost(setup, recurring, band):
    assert content.cost_band({"cost_setup": setup, "cost_recurring": recurring}) == band


def test_no_cost_given_has_no_band():
    assert content.cost_band({}) is None
    assert content.cost_band({"cost_setup": "not a number"}) is None


def test_changed_fields_in_the_record_order_treating_empty_as_absent():
    before = factories.record_content()
    after = {**before, "solution": "Autre solution", "title": "Nouveau nom", "funding": ""}
    after.pop("links")
    before["funding"] = None
    assert content.changed_fields(before, after) == ["title", "solution", "links"]


def test_every_field_has_a_label_and_one_section():
    names = [name for section in content.SECTIONS for name in section.fields]
    assert sorted(names) == sorted(set(names)) == sorted(content.LABELS)
    assert set(content.REQUIRED) <= set(names) and set(content.SEARCHED_FIELDS) <= set(names)
