"""Open data: the catalogue's and the replications' files, a call's SCDL grants, the JSON Schemas, the API's
request counter. Only public data, and of people only the public contacts."""
from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from prizeapp.enums import (
    CallPhase,
    DecisionOutcome,
    ReplicationStatus,
    SubmissionStatus,
    UnitKind,
    VersionStatus,
)
from prizeapp.extensions import db
from prizeapp.models import ApiRequestCount, InnovationVersion
from prizeapp.models.types import utcnow
from prizeapp.services import api_limits
from prizeapp.services.innovations import catalogue, pages, records, replications
from prizeapp.services.innovations.catalogue import Filters
from prizeapp.services.innovations.opendata import columns, exports, grants
from prizeapp.services.innovations.opendata.schemas import json_schemas

from .. import factories


@pytest.fixture(autouse=True)
def _in_french():
    """The descriptions of the columns are translated: these tests read them as a French reader would."""
    with force_locale("fr"):
        yield


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def dicts_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def published_call(**values):
    call = factories.call(phase=CallPhase.PUBLISHED, **values)
    call.results_published_at = utcnow()
    db.session.commit()
    return call


def validator(name: str) -> Draft202012Validator:
    schemas = json_schemas()
    document = {"components": {"schemas": schemas}}
    registry = Registry().with_resource("urn:opendata", Resource.from_contents(
        document, default_specification=DRAFT202012))
    return Draft202012Validator({"$ref": f"urn:opendata#/components/schemas/{name}"}, registry=registry,
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


# --- the catalogue -------------------------------------------------------------------------------------------

def test_catalogue_csv_has_the_documented_columns_in_order():
    record = factories.innovation()
    text = exports.innovations_csv()
    header, *rows = rows_of(text)
    assert header == [c.name for c in columns.INNOVATION_COLUMNS if c.csv]
    assert len(rows) == 1 and len(rows[0]) == len(header)
    row = dict(zip(header, rows[0], strict=True))
    assert row["slug"] == record.slug
    assert row["url"].endswith(f"/innovations/{record.slug}")
    assert row["theme"] == "social" and row["theme_label"] == "Action sociale et solidarités"
    assert (row["departement_code"], row["departement_name"]) == ("35", "Ille-et-Vilaine")
    assert (row["region_code"], row["region_name"]) == ("53", "Bretagne")
    assert row["cost_setup"] == "15000.00" and row["cost_per_user"] == "75.00"
    assert row["cost_band"] == "under_50k"
    assert row["evidence_level"] == "2"
    assert row["date_experiment"] == "2024-09-01" and row["date_idea"] == ""
    assert row["links"] == "https://exemple.fr/guide"
    assert row["prize"] == "Premier prix" and row["version"] == "2"
    assert row["published_at"].endswith("Z")


def test_catalogue_csv_is_utf8_without_bom_with_commas_and_crlf():
    factories.innovation(title="Cantine « zéro déchet », version 2")
    text = exports.innovations_csv()
    assert not text.startswith("\ufeff")
    assert text.split("\r\n")[0].startswith("slug,url,api_url,title,")
    assert dicts_of(text)[0]["title"] == "Cantine « zéro déchet », version 2"


def test_a_formula_in_a_text_is_defused():
    factories.innovation(title="=HYPERLINK(\"https://evil.example\")", summary="+33 1 23 45 67 89")
    row = dicts_of(exports.innovations_csv())[0]
    assert row["title"] == "'=HYPERLINK(\"https://evil.example\")"
    assert row["summary"] == "'+33 1 23 45 67 89"


def test_only_public_records_are_exported():
    public = factories.innovation(title="Fiche publique")
    factories.innovation(title="Fiche en brouillon", published=False)
    withdrawn = factories.innovation(title="Fiche retirée")
    records.withdraw(innovation=withdrawn, actor=factories.user(admin=True), reason="Doublon")
    db.session.commit()
    assert [row["slug"] for row in dicts_of(exports.innovations_csv())] == [public.slug]
    assert [item["slug"] for item in exports.innovations_json()["innovations"]] == [public.slug]


def test_the_public_version_is_exported_not_the_draft_being_written():
    record = factories.innovation(title="Titre publié")
    db.session.add(InnovationVersion(innovation=record, number=3, author_id=record.created_by_id,
                                     content=factories.record_content(title="Titre en cours d'écriture"),
                                     status=VersionStatus.DRAFT))
    db.session.commit()
    assert dicts_of(exports.innovations_csv())[0]["title"] == "Titre publié"


def test_only_team_members_who_chose_to_be_contacts_appear():
    call = published_call()
    lead = factories.user(email="cheffe@exempleville.fr", first_name="Claude", last_name="Cheffe")
    public_contact = factories.user(email="contact@exempleville.fr", first_name="Lou", last_name="Contact")
    outsider = factories.user(email="etranger@ailleurs.fr", first_name="Nina", last_name="Ailleurs")
    record = factories.record_of_team(call=call, lead=lead, members=(public_contact,), published=True,
                                      contact_ids=[public_contact.id, outsider.id])
    row = dicts_of(exports.innovations_csv())[0]
    assert row["contacts"] == "Lou Contact <contact@exempleville.fr>"
    bodies = exports.innovations_csv() + json.dumps(exports.innovations_json(), ensure_ascii=False)
    assert "contact@exempleville.fr" in bodies
    for hidden in ("cheffe@exempleville.fr", "Cheffe", "etranger@ailleurs.fr", "Ailleurs"):
        assert hidden not in bodies
    item = exports.full_item(columns.load([record], full=True)[0])
    assert item["contacts"] == [{"name": "Lou Contact", "email": "contact@exempleville.fr"}]


def test_contacts_follow_the_rule_of_the_record_page():
    call = published_call()
    lead, member = factories.user(), factories.user()
    record = factories.record_of_team(call=call, lead=lead, members=(member,), published=True,
                                      contact_ids=[lead.id, member.id])
    member.active = False
    db.session.commit()
    loaded = columns.load([record])[0]
    assert loaded.contacts == pages.public_contacts(record, record.published_version.content)
    assert [c.email for c in loaded.contacts] == [lead.email]


def test_full_json_has_documents_and_answered_replications_and_matches_its_schema():
    record = factories.innovation()
    factories.innovation_document(record)
    factories.replication(record, answered=True, status=ReplicationStatus.PREPARING)
    factories.replication(record, answered=True, status=ReplicationStatus.INTERESTED)
    factories.replication(record, answered=True, status=ReplicationStatus.ABANDONED)
    factories.replication(record, answered=False)
    data = exports.innovations_json()
    errors = list(validator("InnovationsExport").iter_errors(data))
    assert errors == []
    item = data["innovations"][0]
    assert len(item["documents"]) == 1 and item["documents"][0]["url"].endswith(
        f"/innovations/{record.slug}/documents/{record.documents[0].id}")
    assert [r["status"] for r in item["replications"]] == ["preparing", "interested", "abandoned"]
    # Counted as the catalogue and the page count: only the territories taking it up.
    assert item["replications_count"] == 1
    assert dicts_of(exports.innovations_csv())[0]["replications_count"] == "1"
    assert catalogue.search(q=None, filters=Filters(), sort=None, page=1, per_page=5).items[0].replications == 1
    assert pages.read(record, record.published_version).taken_up_count == 1
    assert data["licence"]["id"] == "etalab-2.0" and data["count"] == 1


def test_json_ld_items_are_the_page_s_creative_work():
    call = published_call(title="Prix de l'innovation 2025")
    call.owner_unit = factories.unit(name="Région Bretagne")
    db.session.commit()
    origin = factories.innovation(call=call, title="Fiche d'origine")
    adapted = factories.innovation(call=call, title="Fiche adaptée")
    adapted.based_on_id = origin.id
    db.session.commit()
    data = exports.innovations_jsonld(name="Catalogue", catalogue_url="https://exemple.fr/innovations")
    assert data["@type"] == ["ItemList", "CreativeWork"] and data["numberOfItems"] == 2
    by_name = {element["item"]["name"]: element["item"] for element in data["itemListElement"]}
    page = pages.read(adapted, adapted.published_version)
    expected = pages.json_ld(page, url=columns.page_url(adapted.slug), based_on_url=columns.page_url(origin.slug))
    expected.pop("@context")
    assert by_name["Fiche adaptée"] == expected
    assert by_name["Fiche d'origine"]["workExample"] == [columns.page_url(adapted.slug)]
    assert by_name["Fiche adaptée"]["funder"] == {"@type": "Organization", "name": "Région Bretagne"}


def test_the_schemas_are_valid_json_schemas():
    for schema in json_schemas().values():
        Draft202012Validator.check_schema(schema)


# --- replications ---------------------------------------------------------------------------------------------

def test_replications_are_public_once_answered_without_requester_nor_motivation():
    record = factories.innovation()
    requester = factories.user(email="repreneur@vitre.fr", first_name="Sacha", last_name="Repreneur")
    answered = factories.replication(record, requester=requester, answered=True, status=ReplicationStatus.LAUNCHED,
                                     variant="Permanences dans les mairies.", commune_code="35360",
                                     motivation="Raison très personnelle")
    factories.replication(record, answered=False, organisation="Commune en attente")
    text = exports.replications_csv()
    header, *rows = rows_of(text)
    assert header == [c.name for c in columns.REPLICATION_COLUMNS]
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert row["id"] == str(answered.id) and row["innovation_slug"] == record.slug
    assert (row["status"], row["status_label"]) == ("launched", "Lancée")
    assert row["departement_name"] == "Ille-et-Vilaine" and row["region_name"] == "Bretagne"
    assert row["variant"] == "Permanences dans les mairies."
    assert row["status_since"] and row["answered_at"]
    bodies = text + json.dumps(exports.replications_json(), ensure_ascii=False)
    for private in ("repreneur@vitre.fr", "Repreneur", "Raison très personnelle", "Commune en attente"):
        assert private not in bodies
    assert list(validator("ReplicationsExport").iter_errors(exports.replications_json())) == []


def test_status_since_is_the_date_the_pages_give_the_status_it_reached():
    record = factories.innovation()
    replication = factories.replication(record, answered=True, status=ReplicationStatus.OPERATING)
    requested, operating = replications.timeline(replication)
    requested.at = datetime(2025, 11, 2, 10, tzinfo=UTC)
    operating.at = datetime(2026, 9, 15, 8, tzinfo=UTC)
    replication.answered_at = datetime(2025, 11, 14, 16, tzinfo=UTC)
    db.session.commit()
    (row,) = dicts_of(exports.replications_csv())
    assert row["status_since"] == "2026-09-15T08:00:00Z"
    (item,) = exports.replications_json()["replications"]
    assert item["status_since"] == "2026-09-15T08:00:00Z"
    (group,) = pages.read(record, record.published_version).taken_up
    assert group.replications[0].since == replications.statuses_since([replication])[replication.id] == \
        datetime(2026, 9, 15, 8, tzinfo=UTC)


def test_replications_of_a_withdrawn_record_leave_the_open_data():
    record = factories.innovation()
    factories.replication(record, answered=True)
    records.withdraw(innovation=record, actor=factories.user(admin=True), reason="Retirée")
    db.session.commit()
    assert rows_of(exports.replications_csv())[1:] == []


# --- grants (SCDL « subventions ») ----------------------------------------------------------------------------

SCDL = ["nomAttribuant", "idAttribuant", "dateConvention", "referenceDecision", "nomBeneficiaire", "idBeneficiaire",
        "rnaBeneficiaire", "objet", "montant", "nature", "conditionsVersement", "datesPeriodeVersement", "idRAE",
        "notificationUE", "pourcentageSubvention", "dispositifAide"]


def grant_call():
    """A call of the Région (SIRET known) with: a laureate of a city (SIRET known) with an amount, a mention with
    an amount whose lead has no unit, a mention without amount, a project not selected."""
    region = factories.unit(name="Région Bretagne")
    region.siret = "23350001600040"
    direction = factories.unit(name="Direction de l'innovation", kind=UnitKind.DIRECTION, parent=region)
    city = factories.unit(name="Ville de Rennes")
    city.siret = "21350238800019"
    service = factories.unit(name="Service des solidarités", kind=UnitKind.SERVICE, parent=city)
    call = published_call(title="Prix de l'innovation publique 2025")
    call.owner_unit = direction
    db.session.commit()
    lead = factories.user(unit=service, first_name="Alix", last_name="Porteuse")
    laureate = factories.submission(call=call, lead=lead, status=SubmissionStatus.SUBMITTED, title="Cantine solidaire")
    factories.decision(laureate, DecisionOutcome.LAUREATE, prize="Premier prix", amount=Decimal("10000.00"))
    loner = factories.user(first_name="Max", last_name="Sansunite")
    mention = factories.submission(call=call, lead=loner, status=SubmissionStatus.SUBMITTED, title="Bus des aidants")
    factories.decision(mention, DecisionOutcome.MENTION, amount=Decimal("2500.50"))
    honour = factories.submission(call=call, status=SubmissionStatus.SUBMITTED)
    factories.decision(honour, DecisionOutcome.MENTION)
    other = factories.submission(call=call, status=SubmissionStatus.SUBMITTED)
    factories.decision(other, DecisionOutcome.NOT_SELECTED, amount=Decimal("99.00"))
    return call, laureate, mention


def test_grants_have_the_scdl_columns_in_order_and_one_row_per_awarded_amount():
    call, laureate, mention = grant_call()
    text = grants.grants_csv(call)
    header, *rows = rows_of(text)
    assert header == SCDL
    assert [c.name for c in grants.GRANT_COLUMNS] == SCDL
    by_reference = {row["referenceDecision"]: row for row in dicts_of(text)}
    assert set(by_reference) == {laureate.reference, mention.reference}
    row = by_reference[laureate.reference]
    day = grants._paris_day(call.results_published_at).isoformat()
    assert row == {
        "nomAttribuant": "Région Bretagne", "idAttribuant": "23350001600040", "dateConvention": day,
        "referenceDecision": laureate.reference, "nomBeneficiaire": "Ville de Rennes",
        "idBeneficiaire": "21350238800019", "rnaBeneficiaire": "", "objet": "Premier prix – Cantine solidaire",
        "montant": "10000.00", "nature": "aide en numéraire", "conditionsVersement": "unique",
        "datesPeriodeVersement": day, "idRAE": "", "notificationUE": "non", "pourcentageSubvention": "1.00",
        "dispositifAide": "Prix de l'innovation publique 2025"}
    assert by_reference[mention.reference]["montant"] == "2500.50"
    assert by_reference[mention.reference]["objet"] == "Mention – Bus des aidants"


def test_a_grant_never_names_a_person():
    call, laureate, mention = grant_call()
    text = grants.grants_csv(call)
    for name in ("Alix", "Porteuse", "Max", "Sansunite"):
        assert name not in text
    # Without a unit, the beneficiary is the organisation the published record names, if any.
    assert dicts_of(text)[1]["nomBeneficiaire"] == ""


def test_a_grant_beneficiary_without_unit_is_the_record_s_organisation():
    call, laureate, mention = grant_call()
    records.start(submission=mention, actor=mention.members[0].user)
    record = records.record_of(mention)
    version = InnovationVersion(innovation=record, number=2, status=VersionStatus.APPROVED,
                                content=records.clean(factories.record_content(organisation="CCAS de Vitré")))
    db.session.add(version)
    db.session.flush()
    records.apply_published(record, version)
    db.session.commit()
    row = next(r for r in dicts_of(grants.grants_csv(call)) if r["referenceDecision"] == mention.reference)
    assert (row["nomBeneficiaire"], row["idBeneficiaire"]) == ("CCAS de Vitré", "")


def test_no_grants_before_the_results_are_published():
    call, laureate, mention = grant_call()
    call.results_published_at = None
    db.session.commit()
    assert grants.grants(call) == []


# --- when the data changed ------------------------------------------------------------------------------------

def test_last_change_follows_publications_replications_and_withdrawals():
    first = factories.innovation(title="Première")
    second = factories.innovation(title="Seconde")
    assert exports.last_change() == second.published_at
    assert exports.last_change(first) == first.published_at
    later = factories.replication(first, answered=True)
    later.updated_at = second.published_at + timedelta(minutes=5)
    db.session.commit()
    assert exports.last_change() == later.updated_at
    assert exports.last_change(first) == later.updated_at
    assert exports.last_change(second) == second.published_at
    records.withdraw(innovation=second, actor=factories.user(admin=True), reason="Doublon")
    db.session.commit()
    withdrawn_at = factories.audit_events("innovation.withdrawn")[0].at
    assert exports.last_change() == max(withdrawn_at, later.updated_at)


# --- the API's request counter --------------------------------------------------------------------------------

def test_the_counter_allows_the_limit_then_refuses_until_the_next_window(app, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", 3)
    monkeypatch.setitem(app.config, "API_RATE_WINDOW_SECONDS", 60)
    now = 1_800_000_010.0  # 10 s into a window
    answers = [api_limits.count_api_request(address="203.0.113.7", now=now + i) for i in range(4)]
    assert [a.allowed for a in answers] == [True, True, True, False]
    assert [a.remaining for a in answers] == [2, 1, 0, 0]
    assert answers[3].reset_in == 47
    assert api_limits.count_api_request(address="198.51.100.2", now=now).allowed  # another client
    assert api_limits.count_api_request(address="203.0.113.7", now=now + 49.5).allowed is False
    fresh = api_limits.count_api_request(address="203.0.113.7", now=now + 50)  # the next window
    assert fresh.allowed and fresh.remaining == 2
    db.session.commit()
    kept = db.session.scalars(db.select(ApiRequestCount)).all()
    assert [row.window_start for row in kept] == [1_800_000_060]  # the old window is gone
    assert all("203.0.113.7" not in row.client for row in kept)


@pytest.mark.parametrize("address", ["203.0.113.7", "2001:db8::1"])
def test_the_counter_keeps_a_keyed_hash_of_the_address(address):
    api_limits.count_api_request(address=address, now=1_800_000_000.0)
    db.session.commit()
    (row,) = db.session.scalars(db.select(ApiRequestCount)).all()
    assert len(row.client) == 64 and address not in row.client
