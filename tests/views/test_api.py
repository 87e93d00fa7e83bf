"""The read-only API (/api/v1): every response checked against the OpenAPI document's own schemas, pagination,
filters, conditional requests, the rate limit, CORS, JSON errors, and no personal data but public contacts."""
from __future__ import annotations

import types
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from werkzeug.http import http_date

from prizeapp import create_app
from prizeapp.enums import CallPhase, InnovationStatus, ReplicationStatus
from prizeapp.extensions import db
from prizeapp.models.types import utcnow
from prizeapp.services.innovations import records
from prizeapp.views import api

from .. import factories

BASE = "urn:prizeapp:openapi"


@pytest.fixture
def document(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def _pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


def check(document: dict, path: str, response) -> dict:
    """The response's JSON body, after checking it against the schema the OpenAPI document gives for this
    path and status (its `$ref`s resolved within the document)."""
    assert response.mimetype == "application/json", response.get_data(as_text=True)[:500]
    described = document["paths"][path]["get"]["responses"][str(response.status_code)]
    assert "application/json" in described["content"]
    registry = Registry().with_resource(BASE, Resource.from_contents(document, default_specification=DRAFT202012))
    pointer = _pointer("paths", path, "get", "responses", str(response.status_code), "content", "application/json",
                       "schema")
    validator = Draft202012Validator({"$ref": f"{BASE}#/{pointer}"}, registry=registry,
                                     format_checker=Draft202012Validator.FORMAT_CHECKER)
    body = response.get_json()
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]
    assert errors == []
    return body


def relative(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def published_call(**values):
    call = factories.call(phase=CallPhase.PUBLISHED, **values)
    call.results_published_at = utcnow()
    db.session.commit()
    return call


# --- the document -------------------------------------------------------------------------------------------

def test_the_document_describes_every_endpoint_of_the_api(app, document):
    assert document["openapi"].startswith("3.1")
    routes = {rule.rule.removeprefix("/api/v1") for rule in app.url_map.iter_rules()
              if rule.endpoint.startswith("api.") and rule.endpoint not in ("api.root", "api.not_found")}
    documented = {path.replace("{slug}", "<slug>") for path in document["paths"]}
    assert documented == routes
    listed = [p["name"] for p in document["paths"]["/innovations"]["get"]["parameters"]]
    assert listed == [p.name for p in api.PARAMS]
    for schema in document["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    assert document["servers"][0]["url"].endswith("/api/v1")


# --- the list -------------------------------------------------------------------------------------------------

def test_the_list_pages_through_every_record_with_its_links(client, document):
    made = {factories.innovation(title=f"Fiche numéro {n}").slug for n in range(5)}
    seen, url, pages = [], "/api/v1/innovations?per_page=2", 0
    while url:
        response = client.get(url)
        body = check(document, "/innovations", response)
        pages += 1
        assert body["total"] == 5 and body["pages"] == 3 and body["per_page"] == 2
        assert (body["links"]["prev"] is None) == (body["page"] == 1)
        if body["links"]["next"]:
            assert 'rel="next"' in response.headers["Link"]
        seen += [item["slug"] for item in body["data"]]
        url = relative(body["links"]["next"]) if body["links"]["next"] else None
    assert pages == 3 and len(seen) == 5 and set(seen) == made
    last = client.get("/api/v1/innovations?per_page=2&page=3").get_json()
    assert relative(last["links"]["prev"]) == "/api/v1/innovations?per_page=2&page=2"
    assert relative(last["links"]["first"]) == "/api/v1/innovations?per_page=2&page=1"


def test_the_list_keeps_its_filters_in_its_links(client, document):
    for n in range(3):
        factories.innovation(title=f"Fiche sociale {n}")
    body = check(document, "/innovations", client.get("/api/v1/innovations?theme=social&per_page=1&utm=x"))
    assert relative(body["links"]["next"]) == "/api/v1/innovations?theme=social&per_page=1&page=2"


@pytest.mark.parametrize("query, parameter", [
    ("per_page=101", "per_page"), ("per_page=0", "per_page"), ("page=0", "page"), ("page=deux", "page"),
    ("theme=cuisine", "theme"), ("territory_kind=lunaire", "territory_kind"), ("region=99", "region"),
    ("departement=100", "departement"), ("evidence_level=9", "evidence_level"), ("readiness=soon", "readiness"),
    ("cost_band=cheap", "cost_band"), ("year=25", "year"), ("call=Not%20a%20slug", "call"),
    ("call=appel-inconnu", "call"), ("sort=random", "sort"), ("q=" + "a" * 201, "q")])
def test_a_bad_parameter_is_a_400_naming_it(client, document, query, parameter):
    response = client.get(f"/api/v1/innovations?{query}")
    assert response.status_code == 400
    body = check(document, "/innovations", response)
    assert body["error"]["code"] == "invalid_parameter" and body["error"]["parameter"] == parameter


def test_an_empty_parameter_is_no_filter(client, document):
    record = factories.innovation()
    body = check(document, "/innovations", client.get("/api/v1/innovations?q=%20%20&theme=&page="))
    assert [item["slug"] for item in body["data"]] == [record.slug]


def test_a_draft_call_is_not_a_known_call(client, document):
    draft = factories.call(phase=CallPhase.DRAFT)
    response = client.get(f"/api/v1/innovations?call={draft.slug}")
    assert response.status_code == 400 and check(document, "/innovations", response)["error"]["parameter"] == "call"


def test_a_page_past_the_last_is_a_404(client, document):
    factories.innovation()
    response = client.get("/api/v1/innovations?page=2")
    assert response.status_code == 404
    assert check(document, "/innovations", response)["error"]["code"] == "no_such_page"


# A record that says nothing of the factory's "aidants".
CANTEEN = {"problem": "Les cantines servent des plats industriels.", "affected": "Les élèves.",
           "solution": "Des produits de la ferme voisine.", "beneficiaries": "Élèves et agriculteurs.",
           "territory_name": "Die", "results": "Deux cantines approvisionnées.", "evidence": "Factures.",
           "economic_model": "Budget départemental.", "funding": "Département",
           "fixed_core": "Le contrat avec les fermes.", "adaptable": "Les menus.",
           "conditions_skills": "Une cuisinière.", "conditions_partners": "Les fermes du Diois."}


def test_the_filters_are_the_catalogue_s(client, document):
    call = published_call(title="Prix 2024")
    call_2024 = factories.innovation(call=call, title="Cantine rurale", theme="food", territory_kind="rural",
                                     region_code="84", departement_code="26", commune_code="26362",
                                     evidence_level="4", readiness="experiment", cost_setup="500000.00",
                                     organisation="Département de la Drôme", summary="Des repas locaux.",
                                     **CANTEEN)
    call.results_published_at = call.results_published_at.replace(year=2024)
    call_2024.year = 2024
    db.session.commit()
    aidants = factories.innovation(title="Conciergerie des aidants")
    expected = {
        "theme=food": [call_2024], "theme=social": [aidants], "territory_kind=rural": [call_2024],
        "region=84": [call_2024], "departement=35": [aidants], "evidence_level=3": [call_2024],
        "evidence_level=2": [call_2024, aidants], "readiness=experiment": [call_2024],
        "cost_band=over_200k": [call_2024], "cost_band=under_50k": [aidants], "year=2024": [call_2024],
        f"call={call.slug}": [call_2024], "organisation=D%C3%A9partement%20de%20la%20Dr%C3%B4me": [call_2024],
        "q=AIDANT": [aidants], "q=repas%20locaux": [call_2024], "q=cantines": [call_2024],
        "theme=food&region=53": [],
    }
    for query, records_expected in expected.items():
        body = check(document, "/innovations", client.get(f"/api/v1/innovations?{query}"))
        assert sorted(item["slug"] for item in body["data"]) == sorted(r.slug for r in records_expected), query
        assert body["total"] == len(records_expected)


def test_the_list_shows_public_records_only(client, document):
    public = factories.innovation(title="Publique")
    factories.innovation(title="Brouillon", published=False)
    body = check(document, "/innovations", client.get("/api/v1/innovations"))
    assert [item["slug"] for item in body["data"]] == [public.slug]


# --- one record -----------------------------------------------------------------------------------------------

def test_one_record_in_full(client, document):
    record = factories.innovation()
    factories.innovation_document(record)
    factories.replication(record, answered=True, status=ReplicationStatus.OPERATING)
    factories.replication(record, answered=False, organisation="Demande privée")
    response = client.get(f"/api/v1/innovations/{record.slug}")
    body = check(document, "/innovations/{slug}", response)
    assert body["slug"] == record.slug and body["title"] == "Conciergerie solidaire des aidants"
    assert body["problem"] == "Les aidants familiaux s'épuisent faute de relais."
    assert body["phase_dates"] == {"idea": None, "experiment": "2024-09-01", "operating": "2025-06-01",
                                   "spreading": None}
    assert body["links"] == [{"title": "Guide de mise en place", "url": "https://exemple.fr/guide"}]
    assert [r["status"] for r in body["replications"]] == ["operating"]
    assert "Demande privée" not in response.get_data(as_text=True)
    assert relative(body["documents"][0]["url"]) == f"/innovations/{record.slug}/documents/{record.documents[0].id}"
    assert body["cost_setup"] == 15000.0 and body["evidence_level"] == 2


@pytest.mark.parametrize("state", ["unknown", "draft", "withdrawn"])
def test_a_record_that_is_not_public_is_a_404(client, document, state):
    slug = "nulle-part"
    if state != "unknown":
        record = factories.innovation(published=state == "withdrawn")
        slug = record.slug
        if state == "withdrawn":
            records.withdraw(innovation=record, actor=factories.user(admin=True), reason="Doublon")
            db.session.commit()
    response = client.get(f"/api/v1/innovations/{slug}")
    assert response.status_code == 404
    assert check(document, "/innovations/{slug}", response)["error"]["code"] == "not_found"


def test_an_unknown_address_under_the_api_is_a_json_404(client):
    response = client.get("/api/v1/fiches")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


# --- caching ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/v1/innovations", "/api/v1/innovations/{slug}", "/api/v1/openapi.json"])
def test_a_strong_etag_answers_304_until_the_data_change(client, path):
    record = factories.innovation()
    url = path.format(slug=record.slug)
    first = client.get(url)
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == etag
    factories.approved_version(record, title="Nouveau titre")
    changed = client.get(url, headers={"If-None-Match": etag})
    if path == "/api/v1/openapi.json":
        assert changed.status_code == 304  # the description does not change with the data
    else:
        assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_last_modified_answers_304_until_something_newer_is_published(client):
    record = factories.innovation()
    first = client.get("/api/v1/innovations")
    assert first.headers["Last-Modified"] == http_date(record.published_at.replace(microsecond=0))
    since = first.headers["Last-Modified"]
    assert client.get("/api/v1/innovations", headers={"If-Modified-Since": since}).status_code == 304
    newer = factories.innovation(title="Plus récente")
    newer.published_at = record.published_at + timedelta(seconds=5)
    db.session.commit()
    answer = client.get("/api/v1/innovations", headers={"If-Modified-Since": since})
    assert answer.status_code == 200 and answer.headers["Last-Modified"] != since


def test_a_withdrawal_moves_last_modified_on(client):
    kept = factories.innovation(title="Gardée")
    gone = factories.innovation(title="Retirée")
    since = client.get("/api/v1/innovations").headers["Last-Modified"]
    records.withdraw(innovation=gone, actor=factories.user(admin=True), reason="Doublon")
    event = factories.audit_events("innovation.withdrawn")[0]
    event.at = max(kept.published_at, gone.published_at) + timedelta(seconds=5)
    db.session.commit()
    assert client.get("/api/v1/innovations", headers={"If-Modified-Since": since}).status_code == 200


def test_responses_are_public_short_lived_and_readable_from_any_site(client):
    record = factories.innovation()
    for url in ("/api/v1/innovations", f"/api/v1/innovations/{record.slug}", "/api/v1/openapi.json"):
        response = client.get(url, headers={"Origin": "https://reutilisateur.example"})
        assert response.headers["Cache-Control"] == "public, max-age=60"
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    preflight = client.options("/api/v1/innovations", headers={
        "Origin": "https://reutilisateur.example", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "If-None-Match"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "If-None-Match" in preflight.headers["Access-Control-Allow-Headers"]


def test_a_signed_in_reader_gets_the_same_public_response(client):
    factories.innovation()
    anonymous = client.get("/api/v1/innovations")
    from ..conftest import sign_in_as

    sign_in_as(client, factories.user())
    signed_in = client.get("/api/v1/innovations")
    assert signed_in.headers["ETag"] == anonymous.headers["ETag"]
    assert signed_in.headers["Cache-Control"] == "public, max-age=60"


# --- the rate limit ------------------------------------------------------------------------------------------

class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def time(self) -> float:
        return self.now


def test_past_the_limit_a_client_waits_for_the_next_window(app, client, document, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", 3)
    clock = Clock(1_800_000_020.0)  # 20 s into a minute
    monkeypatch.setattr("prizeapp.services.api_limits.time", types.SimpleNamespace(time=clock.time))
    answers = [client.get("/api/v1/innovations") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.headers["RateLimit-Remaining"] for a in answers] == ["2", "1", "0"]
    refused = client.get("/api/v1/innovations")
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "40"
    assert check(document, "/innovations", refused)["error"]["code"] == "rate_limited"
    assert client.get("/api/v1/openapi.json").status_code == 429  # every endpoint counts
    other = client.get("/api/v1/innovations", environ_base={"REMOTE_ADDR": "198.51.100.9"})
    assert other.status_code == 200  # another address has its own count
    clock.now += 40
    recovered = client.get("/api/v1/innovations")
    assert recovered.status_code == 200 and recovered.headers["RateLimit-Remaining"] == "2"


def test_the_limit_is_shared_by_every_worker(app, client, monkeypatch):
    """A second app on the same database (another worker, another server) counts the same requests."""
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", 4)
    other_worker = create_app({key: app.config[key] for key in (
        "TESTING", "DATABASE_URL", "SECRET_KEY", "UPLOAD_FOLDER", "SERVER_NAME")} | {"API_RATE_LIMIT": 4})
    other_client = other_worker.test_client()
    statuses = []
    for n in range(6):
        statuses.append((client if n % 2 == 0 else other_client).get("/api/v1/openapi.json").status_code)
    assert statuses == [200, 200, 200, 200, 429, 429]
    with other_worker.app_context():
        for engine in db.engines.values():
            engine.dispose()


# --- the docs ------------------------------------------------------------------------------------------------

def test_the_docs_page_explains_every_parameter(client, document):
    assert client.get("/api/v1").headers["Location"] == "/api/v1/docs"
    response = client.get("/api/v1/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    for parameter in document["paths"]["/innovations"]["get"]["parameters"]:
        assert f"<code>{parameter['name']}</code>" in html
    assert "/api/v1/openapi.json" in html and "429" in html


# --- no personal data -----------------------------------------------------------------------------------------

def test_no_person_appears_but_the_public_contacts(client):
    call = published_call()
    lead = factories.user(email="cheffe.projet@exempleville.fr", first_name="Claudine", last_name="Discrète")
    contact = factories.user(email="contact.public@exempleville.fr", first_name="Lou", last_name="Publique")
    record = factories.record_of_team(call=call, lead=lead, members=(contact,), published=True,
                                      contact_ids=[contact.id])
    requester = factories.user(email="repreneuse@vitre.fr", first_name="Sacha", last_name="Demandeuse")
    factories.replication(record, requester=requester, answered=True, motivation="Motif confidentiel")
    factories.parrain_of(record, user=factories.user(email="parrain@etat.gouv.fr", last_name="Parrainé"))
    urls = ["/api/v1/innovations", f"/api/v1/innovations/{record.slug}", "/open-data/innovations.csv",
            "/open-data/innovations.json", "/open-data/innovations.jsonld", "/open-data/replications.csv",
            "/open-data/replications.json", f"/calls/{call.slug}/subventions.csv"]
    bodies = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        bodies.append(response.get_data(as_text=True))
    everything = "\n".join(bodies)
    assert "contact.public@exempleville.fr" in everything and "Lou Publique" in everything
    for private in ("cheffe.projet@exempleville.fr", "Claudine", "Discrète", "repreneuse@vitre.fr", "Demandeuse",
                    "Motif confidentiel", "parrain@etat.gouv.fr", "Parrainé"):
        assert private not in everything, private
    assert record.status == InnovationStatus.PUBLISHED
