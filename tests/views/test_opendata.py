"""The open-data page and files: the documented columns are the files' columns, the JSON matches the API's
schemas, the files are cacheable and public, and a call's grants are an SCDL « subventions » file."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

from flask_babel import force_locale
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from prizeapp.enums import CallPhase, DecisionOutcome, Locale, SubmissionStatus
from prizeapp.extensions import db
from prizeapp.models.types import utcnow
from prizeapp.services.innovations.opendata import columns, grants

from .. import factories
from ..conftest import sign_in_as

SCDL = ["nomAttribuant", "idAttribuant", "dateConvention", "referenceDecision", "nomBeneficiaire", "idBeneficiaire",
        "rnaBeneficiaire", "objet", "montant", "nature", "conditionsVersement", "datesPeriodeVersement", "idRAE",
        "notificationUE", "pourcentageSubvention", "dispositifAide"]


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True), newline="")))


def published_call(**values):
    call = factories.call(phase=CallPhase.PUBLISHED, **values)
    call.results_published_at = utcnow()
    db.session.commit()
    return call


def check_against(client, schema: str, body: dict) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    registry = Registry().with_resource("urn:doc", Resource.from_contents(document, default_specification=DRAFT202012))
    validator = Draft202012Validator({"$ref": f"urn:doc#/components/schemas/{schema}"}, registry=registry,
                                     format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert [e.message for e in validator.iter_errors(body)] == []


def test_the_page_documents_every_column_of_every_file(client):
    published_call(title="Prix de l'innovation 2025")
    response = client.get("/open-data")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for column in [*columns.INNOVATION_COLUMNS, *columns.REPLICATION_COLUMNS, *grants.GRANT_COLUMNS]:
        if column.csv:
            assert f"<code>{column.name}</code>" in html, column.name
    with force_locale("fr"):
        assert str(columns.INNOVATION_COLUMNS[0].description) in html  # the descriptions, in French
    for link in ("/open-data/innovations.csv", "/open-data/innovations.json", "/open-data/innovations.jsonld",
                 "/open-data/replications.csv", "/open-data/replications.json", "/api/v1/docs",
                 "https://www.etalab.gouv.fr/licence-ouverte-open-licence/", "https://schema.data.gouv.fr/scdl/"):
        assert link in html, link
    assert "Licence Ouverte 2.0" in html
    assert "Prix de l&#39;innovation 2025" in html and "/subventions.csv" in html
    assert '"@type":"DataCatalog"' in html


def test_the_page_in_english_keeps_the_column_names(client):
    sign_in_as(client, factories.user(locale=Locale.EN))
    html = client.get("/open-data").get_data(as_text=True)
    assert "<code>slug</code>" in html and "<code>nomAttribuant</code>" in html
    with force_locale("en"):
        assert str(columns.INNOVATION_COLUMNS[0].description) in html


def test_innovations_csv_is_the_documented_columns_in_order(client):
    record = factories.innovation()
    response = client.get("/open-data/innovations.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="innovations.csv"'
    assert not response.get_data().startswith(b"\xef\xbb\xbf")
    header, row = rows_of(response)
    assert header == [c.name for c in columns.INNOVATION_COLUMNS if c.csv]
    assert row[0] == record.slug


def test_the_files_are_public_cacheable_and_revalidated(client):
    factories.innovation()
    for url in ("/open-data/innovations.csv", "/open-data/innovations.json", "/open-data/innovations.jsonld",
                "/open-data/replications.csv", "/open-data/replications.json"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert response.headers["Cache-Control"] == "public, max-age=60"
        assert client.get(url, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


def test_the_data_do_not_depend_on_the_reader_s_language(client):
    factories.innovation()
    french = {url: client.get(url).headers["ETag"] for url in ("/open-data/innovations.csv",
                                                               "/open-data/innovations.jsonld")}
    sign_in_as(client, factories.user(locale=Locale.EN))
    for url, etag in french.items():
        assert client.get(url).headers["ETag"] == etag, url


def test_innovations_json_matches_the_api_schema(client):
    record = factories.innovation()
    factories.replication(record, answered=True)
    body = client.get("/open-data/innovations.json").get_json()
    check_against(client, "InnovationsExport", body)
    assert body["count"] == 1 and body["innovations"][0]["slug"] == record.slug


def test_innovations_jsonld_is_a_schema_org_item_list(client):
    record = factories.innovation()
    response = client.get("/open-data/innovations.jsonld")
    assert response.mimetype == "application/ld+json"
    data = response.get_json(force=True)
    assert data["@context"] == "https://schema.org" and "ItemList" in data["@type"]
    (element,) = data["itemListElement"]
    assert element["item"]["@type"] == "CreativeWork" and element["item"]["url"].endswith(record.slug)
    assert data["license"] == "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"


def test_replications_files(client):
    record = factories.innovation()
    factories.replication(record, answered=True, organisation="Commune de Vitré")
    factories.replication(record, answered=False, organisation="Commune discrète")
    header, *rows = rows_of(client.get("/open-data/replications.csv"))
    assert header == [c.name for c in columns.REPLICATION_COLUMNS]
    assert [dict(zip(header, r, strict=True))["organisation"] for r in rows] == ["Commune de Vitré"]
    body = client.get("/open-data/replications.json").get_json()
    check_against(client, "ReplicationsExport", body)
    assert [r["organisation"] for r in body["replications"]] == ["Commune de Vitré"]


# --- grants -------------------------------------------------------------------------------------------------

def test_grants_are_an_scdl_file_once_the_results_are_published(client):
    call = factories.call(phase=CallPhase.DELIBERATION, title="Prix =SOMME(A1)")
    laureate = factories.submission(call=call, status=SubmissionStatus.SUBMITTED, title="Projet primé")
    factories.decision(laureate, DecisionOutcome.LAUREATE, prize="Grand prix", amount=Decimal("5000"))
    assert client.get(f"/calls/{call.slug}/subventions.csv").status_code == 404
    call.results_published_at = utcnow()
    call.phase = CallPhase.PUBLISHED
    db.session.commit()
    response = client.get(f"/calls/{call.slug}/subventions.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == f'attachment; filename="subventions-{call.slug}.csv"'
    header, row = rows_of(response)
    assert header == SCDL
    values = dict(zip(header, row, strict=True))
    assert values["montant"] == "5000.00" and values["notificationUE"] == "non"
    assert values["dispositifAide"] == "Prix =SOMME(A1)"  # not at the start of the cell: nothing to defuse
    assert client.get("/calls/appel-inconnu/subventions.csv").status_code == 404


def test_a_formula_at_the_start_of_a_grant_cell_is_defused(client):
    call = published_call(title="=SOMME(A1)")
    laureate = factories.submission(call=call, status=SubmissionStatus.SUBMITTED, title="@commande")
    factories.decision(laureate, DecisionOutcome.LAUREATE, amount=Decimal("100"))
    values = dict(zip(*rows_of(client.get(f"/calls/{call.slug}/subventions.csv")), strict=True))
    assert values["dispositifAide"] == "'=SOMME(A1)"


def test_the_call_page_links_its_grants_once_the_results_are_published(client):
    call = factories.call(phase=CallPhase.DELIBERATION)
    link = f"/calls/{call.slug}/subventions.csv"
    assert link not in client.get(f"/calls/{call.slug}").get_data(as_text=True)
    call.results_published_at = utcnow()
    call.phase = CallPhase.PUBLISHED
    db.session.commit()
    assert link in client.get(f"/calls/{call.slug}").get_data(as_text=True)


def test_the_csv_files_say_their_charset_once(client):
    call = factories.call(phase=CallPhase.PUBLISHED, title="Prix de l'innovation 2025")
    call.results_published_at = utcnow()
    factories.innovation()
    db.session.commit()
    for path in ("/open-data/innovations.csv", "/open-data/replications.csv", f"/calls/{call.slug}/subventions.csv"):
        content_type = client.get(path).headers["Content-Type"]
        assert content_type.replace(" ", "").split(";") == ["text/csv", "charset=utf-8", "header=present"], path
