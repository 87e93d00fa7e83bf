"""The economic-model grid in the catalogue's filter on public money (with its counts, through the address), in
the open data (CSV, JSON, JSON-LD and their schemas) and the read-only API (checked against its OpenAPI
document), and in the organisers' export of a call's projects."""
from __future__ import annotations

import csv
import io
import re

import pytest
from flask_babel import force_locale
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from prizeapp.enums import CallPhase, CallRoleKind, PublicDependency, SubmissionStatus
from prizeapp.extensions import db
from prizeapp.services.innovations.opendata import columns

from .. import factories
from ..conftest import counted_queries, fr, sign_in_as, text
from .test_api import check


def _grid_of(public: int | None) -> dict:
    if public is None:
        return factories.economic_grid(resources=None)
    return factories.economic_grid(resources=[
        {"kind": "public_subsidy", "share": public, "secured_until": "2027-12-31"},
        {"kind": "earned_income", "share": 100 - public}])


@pytest.fixture
def banded():
    """Four public records: two mostly public, one mostly other money, one without resources."""
    return {title: factories.economic_record(grid=_grid_of(public), title=title)
            for title, public in (("Cantine zéro déchet", 90), ("Mobilité solidaire", 80),
                                  ("École du numérique", 20), ("Jardins partagés", None))}


def titles(response) -> list[str]:
    return sorted(re.findall(r'<h3 class="card__title[^"]*"><a href="/innovations/[^"]+">([^<]+)</a>',
                             text(response)))


# --- the catalogue's filter ----------------------------------------------------------------------------------

def test_the_catalogue_filters_on_public_money_with_its_counts(client, banded):
    response = client.get("/innovations?public_money=high")

    assert response.status_code == 200
    assert titles(response) == ["Cantine zéro déchet", "Mobilité solidaire"]
    page = text(response)
    with force_locale("fr"):
        high, low = str(PublicDependency.HIGH.label), str(PublicDependency.LOW.label)
    assert f'<option selected value="high">{high} (2)</option>' in page
    assert f'<option value="low">{low} (1)</option>' in page
    assert 'value="mixed"' not in page  # no record has it
    assert f"{fr('Dependency on public money')}\u00a0: {high}" in page  # the active filter's chip
    assert 'href="/innovations"' in page


def test_the_other_filters_count_among_the_records_of_a_band(client, banded):
    page = text(client.get("/innovations?public_money=low"))
    assert titles_in(page) == ["École du numérique"]
    assert re.search(r'<option value="under_50k">[^<]+\(1\)</option>', page)


def titles_in(page: str) -> list[str]:
    return sorted(re.findall(r'<h3 class="card__title[^"]*"><a href="/innovations/[^"]+">([^<]+)</a>', page))


def test_a_band_not_in_the_list_gets_a_message_and_the_list_without_it(client, banded):
    response = client.get("/innovations?public_money=total")

    assert response.status_code == 400
    page = text(response)
    assert '<a href="#public_money">' in page and fr("Choose a share of public money from the list.") in page
    assert len(titles(response)) == 4


def test_an_empty_band_is_dropped_from_the_address(client, banded):
    response = client.get("/innovations?q=&public_money=")
    assert (response.status_code, response.headers["Location"]) == (302, "/innovations")


def _queries(app, path: str) -> int:
    client = app.test_client()
    client.get(path)
    with counted_queries() as seen:
        assert client.get(path).status_code == 200
    return len(seen)


def test_the_filtered_list_runs_the_same_queries_whatever_the_number_of_records(app, banded):
    path = "/innovations?public_money=high&sort=replications"
    few = _queries(app, path)
    for i in range(6):
        factories.economic_record(grid=_grid_of(75), title=f"Cantine {i}")
    assert _queries(app, path) == few


# --- the API -------------------------------------------------------------------------------------------------

@pytest.fixture
def document(client) -> dict:
    return client.get("/api/v1/openapi.json").get_json()


def test_the_api_filters_on_public_money_and_gives_the_grid(client, document, banded):
    body = check(document, "/innovations", client.get("/api/v1/innovations?public_dependency=high"))

    assert sorted(item["title"] for item in body["data"]) == ["Cantine zéro déchet", "Mobilité solidaire"]
    item = next(i for i in body["data"] if i["title"] == "Cantine zéro déchet")
    assert (item["public_share"], item["public_dependency"], item["resources_secured_until"]) == (
        90, "high", "2027-12-31")
    assert item["resources"] == [{"kind": "public_subsidy", "share": 90, "secured_until": "2027-12-31"},
                                 {"kind": "earned_income", "share": 10, "secured_until": None}]
    assert (item["costs_avoided"], item["costs_avoided_how"]) == (8000.0, "Moins de placements d'urgence.")
    assert item["local_costs"] == "Le temps du coordinateur et un local."
    assert "share_public_subsidy" not in item  # the CSV's flat twin of `resources`


def test_a_record_without_resources_in_full(client, document, banded):
    slug = banded["Jardins partagés"].slug
    body = check(document, "/innovations/{slug}", client.get(f"/api/v1/innovations/{slug}"))

    assert (body["public_share"], body["public_dependency"], body["resources"]) == (None, None, [])
    assert body["beneficiary_value"] == "Du répit, un seul interlocuteur."


def test_an_unknown_band_is_a_400_naming_the_parameter(client, document):
    response = client.get("/api/v1/innovations?public_dependency=some")
    assert response.status_code == 400
    assert check(document, "/innovations", response)["error"]["parameter"] == "public_dependency"


def test_the_document_lists_the_parameter_with_its_values(document):
    (param,) = [p for p in document["paths"]["/innovations"]["get"]["parameters"] if p["name"] == "public_dependency"]
    assert param["schema"]["enum"] == ["low", "mixed", "high"]
    resources = document["components"]["schemas"]["InnovationSummary"]["properties"]["resources"]
    assert resources["items"]["properties"]["kind"]["enum"] == [
        "own_budget", "public_subsidy", "public_purchase", "pooling", "private_funding", "earned_income", "in_kind"]


# --- the open data -------------------------------------------------------------------------------------------

def _rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True), newline="")))


def test_the_catalogue_csv_has_the_grid_one_column_per_resource_kind(client, banded):
    rows = {row["title"]: row for row in _rows(client.get("/open-data/innovations.csv"))}

    cantine = rows["Cantine zéro déchet"]
    assert (cantine["public_share"], cantine["public_dependency"], cantine["costs_avoided"]) == ("90", "high",
                                                                                               "8000.00")
    assert (cantine["share_public_subsidy"], cantine["share_earned_income"], cantine["share_pooling"]) == (
        "90", "10", "")
    assert (cantine["secured_until_public_subsidy"], cantine["secured_until_earned_income"]) == ("2027-12-31", "")
    assert cantine["resources_secured_until"] == "2027-12-31"
    jardins = rows["Jardins partagés"]
    assert (jardins["public_share"], jardins["public_dependency"], jardins["share_public_subsidy"]) == ("", "", "")
    assert jardins["partners"] == "CCAS, CAF, associations."


def test_the_catalogue_json_follows_its_schema_with_the_grid(client, banded):
    body = client.get("/open-data/innovations.json").get_json()
    document = client.get("/api/v1/openapi.json").get_json()
    registry = Registry().with_resource("urn:doc", Resource.from_contents(document,
                                                                          default_specification=DRAFT202012))
    validator = Draft202012Validator({"$ref": "urn:doc#/components/schemas/InnovationsExport"}, registry=registry,
                                     format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert [e.message for e in validator.iter_errors(body)] == []
    by_title = {item["title"]: item for item in body["innovations"]}
    assert by_title["École du numérique"]["public_dependency"] == "low"
    assert [r["share"] for r in by_title["Mobilité solidaire"]["resources"]] == [80, 20]


def test_a_resource_that_does_not_validate_is_refused_by_the_schema(client):
    document = client.get("/api/v1/openapi.json").get_json()
    schema = document["components"]["schemas"]["InnovationSummary"]["properties"]["resources"]
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert not list(validator.iter_errors([{"kind": "public_subsidy", "share": 60, "secured_until": None}]))
    assert list(validator.iter_errors([{"kind": "lottery", "share": 60, "secured_until": None}]))
    assert list(validator.iter_errors([{"kind": "in_kind", "share": 0, "secured_until": None}]))


def test_the_open_data_page_documents_the_grid_s_columns(client):
    html = text(client.get("/open-data"))
    for name in ("public_share", "public_dependency", "share_in_kind", "secured_until_pooling", "costs_avoided",
                 "resources_secured_until", "local_costs"):
        assert f"<code>{name}</code>" in html, name
    assert [c.name for c in columns.INNOVATION_COLUMNS].count("public_share") == 1


def test_the_jsonld_stays_schema_org_with_the_grid_filled(client, banded):
    data = client.get("/open-data/innovations.jsonld").get_json()
    assert data["numberOfItems"] == 4
    assert {item["item"]["@type"] for item in data["itemListElement"]} == {"CreativeWork"}


# --- the organisers' export of a call's projects ----------------------------------------------------------

def test_the_organisers_csv_has_the_grid_s_columns_when_the_call_asks_for_it(client):
    call = factories.call(phase=CallPhase.REVIEW)
    call.economic_model_section = True
    organiser = factories.user()
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    factories.submission(call=call, status=SubmissionStatus.SUBMITTED, economic_model=factories.economic_grid())
    db.session.commit()
    sign_in_as(client, organiser)

    response = client.get(f"/manage/calls/{call.id}/submissions.csv")

    assert response.status_code == 200, response.status_code
    header, row = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"), newline=""),
                                  delimiter=";"))
    cells = dict(zip(header, row, strict=True))
    assert (cells["public_share"], cells["public_dependency"], cells["share_public_subsidy"]) == ("70", "high", "60")
