"""The economic-model grid as people read it (services.economic_grid), what a published record copies of it for
the catalogue (records.apply_published), the catalogue's filter on public money, and the organisers' export."""
from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale

from prizeapp.enums import BlindLevel, CallPhase, PublicDependency, ResourceKind, SubmissionStatus
from prizeapp.extensions import db
from prizeapp.models import Criterion
from prizeapp.services import economic_grid, submissions
from prizeapp.services.innovations import catalogue, records
from prizeapp.services.innovations.catalogue import Filters

from .. import factories

# --- reading a grid ------------------------------------------------------------------------------------------

def test_a_filled_grid_is_read_part_by_part_in_the_grids_order():
    view = economic_grid.read(factories.economic_grid())

    assert [t.name for t in view.beneficiary_side] == ["beneficiaries", "beneficiary_value"]
    assert [t.name for t in view.payer_side] == ["funding", "payer_value"]
    assert [(a.name, a.amount) for a in view.costs] == [
        ("cost_setup", Decimal("15000.00")), ("cost_recurring", Decimal("30000.00")),
        ("cost_per_user", Decimal("75.50")), ("costs_avoided", Decimal("8000.00"))]
    assert [t.name for t in view.cost_texts] == ["costs_avoided_how", "local_costs"]
    assert [(r.kind, r.share, r.secured_until, r.is_public) for r in view.resources] == [
        (ResourceKind.PUBLIC_SUBSIDY, 60, date(2027, 12, 31), True), (ResourceKind.POOLING, 10, None, True),
        (ResourceKind.EARNED_INCOME, 20, date(2026, 6, 30), False), (ResourceKind.IN_KIND, 10, None, False)]
    assert (view.public_share, view.dependency, view.shares_total) == (70, PublicDependency.HIGH, 100)
    assert (view.first_year_cost, view.secured_until) == (Decimal("45000.00"), date(2026, 6, 30))
    assert [t.name for t in view.more] == ["human_resources", "partners"]


def test_empty_parts_are_left_out():
    view = economic_grid.read({"funding": "La région.", "cost_recurring": "1200"})

    assert (view.beneficiary_side, [t.name for t in view.payer_side]) == ((), ["funding"])
    assert [a.name for a in view.costs] == ["cost_recurring"] and view.cost_texts == ()
    assert (view.resources, view.public_share, view.dependency, view.more) == ((), None, None, ())
    assert view.has_canvas and view.has_costs


@pytest.mark.parametrize("values", [None, {}, {"beneficiaries": "  "}, {"cost_setup": "not a number"},
                                    {"resources": []}])
def test_nothing_filled_reads_as_nothing(values):
    assert economic_grid.read(values) is None


def test_shares_that_do_not_add_up_give_no_public_share():
    view = economic_grid.read({"resources": [{"kind": "public_subsidy", "share": 50},
                                             {"kind": "in_kind", "share": 20}]})

    assert (view.shares_total, view.public_share, view.dependency) == (70, None, None)


def test_a_record_s_content_is_read_by_the_grid_s_keys_only():
    content = factories.record_content(**factories.economic_grid(human_resources=None))

    view = economic_grid.of_content(content)

    assert [t.name for t in view.more] == ["partners"]
    assert view.public_share == 70
    # Every record says whom it serves: alone, that is no economic model.
    assert economic_grid.of_content(factories.record_content(funding="", cost_setup="", cost_recurring="",
                                                             cost_per_user="")) is None
    assert economic_grid.read({"beneficiaries": "Aidants et aidés."}) is not None  # a project's grid may start so


# --- beside the economic criterion ---------------------------------------------------------------------------

def _project(*, section: bool = True, grid: dict | None = None):
    call = factories.call(phase=CallPhase.REVIEW)
    call.economic_model_section = section
    project = factories.submission(call=call, status=SubmissionStatus.SUBMITTED)
    project.economic_model = factories.economic_grid() if grid is None else grid
    db.session.commit()
    return call, project


def test_the_economic_criteria_are_found_by_their_name():
    call = factories.call()
    call.criteria.append(Criterion(position=2, name="Modèle économique", weight=15))
    call.criteria.append(Criterion(position=3, name="Essaimage", weight=20,
                                   description="Les coûts d'une reprise ailleurs."))  # a description says nothing
    db.session.commit()

    assert economic_grid.economic_criteria(call) == {call.criteria[1].id}


def test_a_project_s_answers_are_shown_when_its_call_asks_for_the_grid():
    call, project = _project()
    assert economic_grid.of_project(project).public_share == 70

    call.economic_model_section = False
    assert economic_grid.of_project(project) is None


def test_a_project_that_has_not_filled_the_grid_shows_nothing():
    call, project = _project(grid={})
    assert economic_grid.of_project(project) is None


def test_in_a_blind_call_the_panel_holds_the_grid_s_answers_only():
    call, project = _project()
    call.blind = BlindLevel.BLIND
    lead = project.members[0].user
    db.session.commit()

    view = economic_grid.of_project(project)

    with force_locale("fr"):
        shown = repr(view)
    assert lead.last_name not in shown and lead.email not in shown and project.title not in shown
    texts = {t.text for part in (view.beneficiary_side, view.payer_side, view.cost_texts, view.more) for t in part}
    assert texts == {v for k, v in factories.economic_grid().items() if isinstance(v, str) and not k.startswith("cost_")
                     and k != "costs_avoided"}


# --- published records and the catalogue ---------------------------------------------------------------------

def test_publishing_copies_the_share_of_public_money_and_its_band():
    record = factories.economic_record()
    assert (record.public_share, record.public_dependency) == (70, PublicDependency.HIGH)

    version = record.published_version
    version.content = {**version.content, "resources": [{"kind": "earned_income", "share": 80},
                                                        {"kind": "pooling", "share": 20}]}
    records.apply_published(record, version)
    assert (record.public_share, record.public_dependency) == (20, PublicDependency.LOW)

    version.content = {**version.content, "resources": [{"kind": "earned_income", "share": 80}]}
    records.apply_published(record, version)
    assert (record.public_share, record.public_dependency) == (None, None)


def test_a_record_without_resources_has_no_share_of_public_money():
    record = factories.innovation()
    assert (record.public_share, record.public_dependency) == (None, None)


def _grid_of(public: int) -> dict:
    return factories.economic_grid(resources=[{"kind": "public_purchase", "share": public},
                                              {"kind": "private_funding", "share": 100 - public}])


@pytest.fixture
def banded():
    """Five public records: two mostly public, one mixed, one mostly other money, one without resources."""
    names = {}
    for title, public in (("Cantine", 90), ("Mobilité", 70), ("Jardins", 50), ("École", 10), ("Aidants", None)):
        grid = _grid_of(public) if public is not None else factories.economic_grid(resources=None)
        names[factories.economic_record(grid=grid, title=title).id] = title
    return names


def _titles(names, **filters) -> list[str]:
    result = catalogue.search(q=None, filters=Filters(**filters), sort=None, page=1, per_page=20)
    return sorted(names[card.innovation.id] for card in result.items)


def test_the_catalogue_filters_on_the_dependency_on_public_money(banded):
    assert _titles(banded, public_dependency=PublicDependency.HIGH) == ["Cantine", "Mobilité"]
    assert _titles(banded, public_dependency=PublicDependency.MIXED) == ["Jardins"]
    assert _titles(banded, public_dependency=PublicDependency.LOW) == ["École"]


def test_the_public_money_facet_counts_each_band_and_sets_its_own_filter_aside(banded):
    facets = catalogue.search(q=None, filters=Filters(), sort=None, page=1, per_page=2).facets
    assert facets["public_dependency"] == {"high": 2, "mixed": 1, "low": 1}

    narrowed = catalogue.search(q=None, filters=Filters(public_dependency=PublicDependency.HIGH), sort=None, page=1,
                                per_page=20).facets
    assert narrowed["public_dependency"] == {"high": 2, "mixed": 1, "low": 1}
    assert narrowed["cost_band"] == {"under_50k": 2}  # the other facets count among the mostly public ones


def test_the_catalogue_with_the_new_facet_costs_the_same_queries_whatever_its_size(banded):
    from ..conftest import counted_queries

    filters = Filters(public_dependency=PublicDependency.HIGH)
    catalogue.search(q=None, filters=filters, sort=None, page=1, per_page=1)
    with counted_queries() as few:
        catalogue.search(q=None, filters=filters, sort=None, page=1, per_page=20)
    for i in range(5):
        factories.economic_record(grid=_grid_of(80), title=f"Cantine {i}")
    with counted_queries() as many:
        result = catalogue.search(q=None, filters=filters, sort=None, page=1, per_page=20)
    assert result.total == 7
    assert len(many) == len(few) == 4


# --- the organisers' export ----------------------------------------------------------------------------------

GRID_COLUMNS = ["beneficiaries", "beneficiary_value", "funding", "payer_value", "human_resources", "partners",
                "costs_avoided_how", "local_costs", "cost_setup", "cost_recurring", "cost_per_user", "costs_avoided",
                "share_own_budget", "share_public_subsidy", "share_public_purchase", "share_pooling",
                "share_private_funding", "share_earned_income", "share_in_kind", "secured_until_own_budget",
                "secured_until_public_subsidy",
                "secured_until_public_purchase", "secured_until_pooling", "secured_until_private_funding",
                "secured_until_earned_income", "secured_until_in_kind", "public_share", "public_dependency"]


def test_the_export_gains_the_grid_s_columns_when_the_call_asks_for_it():
    call, project = _project()
    other = factories.submission(call=call, status=SubmissionStatus.SUBMITTED)  # the grid not filled

    headers, rows = submissions.export_rows(call, [project, other])

    assert headers[-len(GRID_COLUMNS):] == GRID_COLUMNS
    cells = dict(zip(headers, rows[0], strict=True))
    assert (cells["funding"], cells["cost_per_user"], cells["costs_avoided"]) == (
        "La ville et la CAF.", "75.50", "8000.00")
    assert [cells[f"share_{k}"] for k in ("public_subsidy", "public_purchase", "pooling", "private_funding",
                                          "earned_income", "in_kind")] == ["60", "", "10", "", "20", "10"]
    assert (cells["secured_until_public_subsidy"], cells["secured_until_earned_income"],
            cells["secured_until_pooling"]) == ("2027-12-31", "2026-06-30", "")
    assert (cells["public_share"], cells["public_dependency"]) == ("70", "high")
    assert rows[1][-len(GRID_COLUMNS):] == [""] * len(GRID_COLUMNS)


def test_the_export_has_no_grid_columns_when_the_call_does_not_ask_for_it():
    call, project = _project(section=False)

    headers, rows = submissions.export_rows(call, [project])

    assert "public_share" not in headers and "beneficiary_value" not in headers
    assert len(rows[0]) == len(headers)


def test_the_export_csv_keeps_the_grid_s_cells():
    call, project = _project()
    text = submissions.export_csv(call, [project]).lstrip("\ufeff")
    header, row = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert dict(zip(header, row, strict=True))["public_dependency"] == "high"
