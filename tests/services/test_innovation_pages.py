"""What the page of an innovation gathers (services.innovations.pages): a version's content in words, public
contacts only, answered replications by région, lineage, origin, the public history, schema.org, the sitemap's
records, the printable sheet."""
from __future__ import annotations

import base64
import io
import threading
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from flask_babel import force_locale
from pypdf import PdfReader

from prizeapp.enums import (
    CallPhase,
    EvidenceLevel,
    InnovationStatus,
    Licence,
    MemberRole,
    Readiness,
    ReplicationStatus,
    VersionStatus,
)
from prizeapp.extensions import db
from prizeapp.models import InnovationSponsor, Replication, SubmissionMember
from prizeapp.models.types import utcnow
from prizeapp.services.innovations import pages, replications

from .. import factories
from ..conftest import counted_queries, free_port


@pytest.fixture(autouse=True)
def _french():
    """Outside a request the reader's language is not known: these tests read as the French public does."""
    with force_locale("fr"):
        yield


def test_sections_are_in_words_labels_names_and_euros():
    content = factories.record_content(territory_kind="rural", licence="CC-BY-4.0")
    with force_locale("en"):
        sections = pages.sections_of(content)
        assert [key for key in sections] == ["summary", "problem", "solution", "territory", "phases", "results",
                                             "costs", "replication", "resources", "contacts"]
        assert sections["summary"].item("theme").value == "Social action and solidarity"
        assert sections["territory"].item("territory_kind").value == "Rural"
        assert sections["territory"].item("departement_code").value == "Ille-et-Vilaine (35)"
        assert sections["territory"].item("region_code").value == "Bretagne"
        assert sections["results"].item("evidence_level").value == \
            "Level 2: data show a change, without proving the cause"
        assert sections["costs"].item("cost_setup").value == "€15,000"
        assert sections["costs"].item("cost_setup").label == "Set-up cost"
        assert sections["solution"].item("beneficiaries_count").value == "400"
        assert sections["resources"].item("licence").value == "Creative Commons Attribution 4.0 (CC BY)"
        assert sections["problem"].item("problem").long and not sections["costs"].item("cost_setup").long
    with force_locale("fr"):
        sections = pages.sections_of(factories.record_content(cost_per_user="75.50", beneficiaries_count=12500))
        assert sections["costs"].item("cost_setup").value == "15\u202f000\xa0€"
        assert sections["costs"].item("cost_per_user").value == "75,50\xa0€"
        assert sections["solution"].item("beneficiaries_count").value == "12\u202f500"


def test_empty_fields_and_those_shown_apart_are_left_out():
    content = factories.record_content(evidence="", conditions_legal="")
    sections = pages.sections_of(content)
    names = {item.name for section in sections.values() for item in section.items}
    assert not names & {"title", "links", "contact_ids", "phase_dates", "evidence", "conditions_legal",
                        "expected_results"}


def test_runs_keep_the_order_and_group_short_values():
    section = pages.sections_of(factories.record_content())["solution"]
    assert [(long, [i.name for i in items]) for long, items in section.runs] == [
        (True, ["solution"]), (True, ["beneficiaries"]), (False, ["beneficiaries_count"])]


def test_phases_are_in_order_with_their_dates():
    phases = pages.phases_of(factories.record_content())
    assert [(p.stage, p.day, p.current) for p in phases] == [
        (Readiness.IDEA, None, False), (Readiness.EXPERIMENT, date(2024, 9, 1), False),
        (Readiness.OPERATING, date(2025, 6, 1), True)]
    assert pages.phases_of({}) == []


def _record_with_team():
    lead = factories.user(first_name="Aïcha", last_name="Benali", email="aicha@exempleville.fr")
    co = factories.user(first_name="Paul", last_name="Discret", email="paul@exempleville.fr")
    outsider = factories.user(email="dehors@ailleurs.fr")
    record = factories.innovation(lead=lead, contact_ids=[lead.id, outsider.id])
    db.session.add(SubmissionMember(submission_id=record.submission_id, user_id=co.id, role=MemberRole.CO_APPLICANT))
    db.session.commit()
    return record, lead, co, outsider


def test_public_contacts_are_team_members_who_chose_to_be():
    record, lead, co, outsider = _record_with_team()
    page = pages.read(record, record.published_version)
    assert page.contacts == [pages.Contact("Aïcha Benali", "aicha@exempleville.fr")]
    content = {**record.published_version.content, "contact_ids": [co.id]}
    assert pages.public_contacts(record, content) == [pages.Contact("Paul Discret", "paul@exempleville.fr")]
    assert pages.public_contacts(record, {}) == []


def test_only_answered_replications_are_shown_those_that_count_by_region_then_the_interested_and_abandoned():
    record = factories.innovation()
    db.session.add_all([
        Replication(innovation_id=record.id, organisation="Ville d'Albi", departement_code="81", region_code="76",
                    status=ReplicationStatus.LAUNCHED, answered_at=utcnow()),
        Replication(innovation_id=record.id, organisation="Ministère", territory_name="Bretagne, Occitanie",
                    status=ReplicationStatus.PREPARING, answered_at=utcnow()),  # no région: its group comes last
        Replication(innovation_id=record.id, organisation="Commune de Brest", departement_code="29",
                    status=ReplicationStatus.OPERATING, answered_at=utcnow()),  # région from its département
        Replication(innovation_id=record.id, organisation="Ville de Paris", departement_code="75", region_code="11",
                    status=ReplicationStatus.LAUNCHED, answered_at=utcnow()),  # « Île » with the I's
        Replication(innovation_id=record.id, organisation="Sans région", status=ReplicationStatus.INTERESTED,
                    answered_at=utcnow()),
        Replication(innovation_id=record.id, organisation="Commune de Vitré", departement_code="35",
                    status=ReplicationStatus.INTERESTED, answered_at=utcnow()),
        Replication(innovation_id=record.id, organisation="Syndicat du Morvan", departement_code="58",
                    status=ReplicationStatus.ABANDONED, answered_at=utcnow()),
        Replication(innovation_id=record.id, organisation="Pas encore répondu", region_code="84",
                    status=ReplicationStatus.PREPARING)])
    db.session.commit()
    with force_locale("en"):
        groups, interested, abandoned = pages.public_replications(record)
        assert [(g.region, [r.organisation for r in g.replications]) for g in groups] == [
            ("Bretagne", ["Commune de Brest"]), ("Île-de-France", ["Ville de Paris"]), ("Occitanie", ["Ville d'Albi"]),
            ("Région not given", ["Ministère"])]
        assert pages.taken_up(record) == groups
        page = pages.read(record, record.published_version)
    assert groups[0].replications[0].departement == "Finistère (29)"
    assert [(r.organisation, r.region) for r in interested] == [("Commune de Vitré", "Bretagne"), ("Sans région", "")]
    assert [(r.organisation, r.region) for r in abandoned] == [("Syndicat du Morvan", "Bourgogne-Franche-Comté")]
    assert page.taken_up_count == 4
    assert (page.taken_up, page.interested, page.abandoned) == (groups, interested, abandoned)


def test_a_replication_is_shown_since_the_day_it_reached_its_status():
    record = factories.innovation()
    replication = factories.replication(record, status=ReplicationStatus.OPERATING)
    requested, operating = replications.timeline(replication)
    requested.at = datetime(2025, 11, 2, 10, tzinfo=UTC)
    operating.at = datetime(2026, 9, 15, 8, tzinfo=UTC)
    replication.answered_at = datetime(2025, 11, 14, 16, tzinfo=UTC)  # the team's first answer
    db.session.commit()
    (group,) = pages.read(record, record.published_version).taken_up
    assert group.replications[0].since == datetime(2026, 9, 15, 8, tzinfo=UTC)


def test_lineage_shows_public_records_only():
    original = factories.innovation(title="Original")
    public_copy = factories.innovation(title="Adaptation publique")
    draft_copy = factories.innovation(title="Adaptation en brouillon", published=False)
    for copy in (public_copy, draft_copy):
        copy.based_on_id = original.id
    db.session.commit()
    based_on, derived = pages.lineage(original)
    assert based_on is None and derived == [public_copy]
    assert pages.lineage(public_copy) == (original, [])
    original.status = InnovationStatus.WITHDRAWN
    db.session.commit()
    assert pages.lineage(public_copy) == (None, [])


def test_origin_names_the_call_the_prize_and_the_organiser():
    chart = factories.chart()
    record = factories.innovation()
    record.call.owner_unit_id = next(iter(chart.values())).id
    db.session.commit()
    origin = pages.origin_of(record)
    assert origin.call_title == record.call.title and origin.call_slug == record.call.slug
    assert origin.prize == "Premier prix"
    assert origin.funder == next(iter(chart.values())).lineage()[0].name
    record.call.phase = CallPhase.DRAFT
    db.session.commit()
    assert pages.origin_of(record).call_slug is None


def test_public_history_lists_approved_versions_with_changed_labels_and_no_note_of_the_team():
    record = factories.innovation()
    record.published_version.change_note = "Code INSEE corrigé."  # after a draft the public never saw
    factories.approved_version(record, change_note="Deuxième année", results="640 aidants.", evidence_level="3")
    with force_locale("en"):
        entries = pages.history(record, public=True)
        assert [e.number for e in entries] == [3, 2]
        assert entries[0].changed == ("Results so far", "Evidence level")
        assert entries[0].status == VersionStatus.APPROVED
        assert [e.change_note for e in entries] == ["", ""]
        # The first publication changed nothing the public had seen.
        assert [(e.first, e.changed) for e in entries[1:]] == [(True, ())]
        assert not entries[0].first
        team = pages.history(record, public=False)
        assert [e.number for e in team] == [3, 2, 1]
        assert [e.change_note for e in team[:2]] == ["Deuxième année", "Code INSEE corrigé."]
        assert [e.first for e in team] == [False, False, True]


def test_the_version_shown_is_the_published_one_or_for_the_team_the_latest():
    record = factories.innovation()
    draft = factories.innovation(published=False)
    assert pages.version_shown(record, latest=False).number == 2
    assert pages.version_shown(draft, latest=False).number == 1
    assert pages.title_of(draft) == "Conciergerie solidaire des aidants"


def test_json_ld_is_a_creative_work_with_place_licence_and_award():
    record = factories.innovation(licence="CC-BY-SA-4.0")
    with force_locale("fr"):
        data = pages.json_ld(pages.read(record, record.published_version), url="https://x.fr/innovations/a",
                             based_on_url="https://x.fr/innovations/b")
    assert data["@type"] == "CreativeWork" and data["@id"] == data["url"] == "https://x.fr/innovations/a"
    assert data["license"] == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert data["spatialCoverage"] == {"@type": "Place", "name": "Exempleville", "address": {
        "@type": "PostalAddress", "addressCountry": "FR", "addressLocality": "Exempleville",
        "addressRegion": "Bretagne"}}
    assert data["isBasedOn"] == "https://x.fr/innovations/b"
    assert data["about"] == {"@type": "Thing", "name": "Action sociale et solidarités"}
    assert data["award"] == f"Premier prix – {record.call.title}"
    assert data["dateModified"] == record.published_at.isoformat()
    assert "workExample" not in data and "funder" not in data  # the factory's call has no owner unit


def test_every_licence_but_other_has_the_address_of_its_text():
    assert set(pages.LICENCE_URLS) == set(Licence) - {Licence.OTHER}


def test_the_sitemap_records_are_the_public_ones():
    public = factories.innovation()
    factories.innovation(title="Brouillon", published=False)
    assert [r.slug for r in pages.sitemap_records()] == [public.slug]
    assert pages.sitemap_records()[0].lastmod == public.published_at


def test_impact_gives_results_and_evidence_level():
    record = factories.innovation(expected_results="Moins d'hospitalisations.")
    impact = pages.read(record, record.published_version).impact
    assert impact.results == "320 aidants accompagnés la première année."
    assert impact.expected_results == "Moins d'hospitalisations."
    assert impact.evidence_level == EvidenceLevel.DATA


def test_the_sheet_cuts_long_texts_only_when_they_do_not_fit():
    record = factories.innovation()
    assert pages.sheet_cut(pages.read(record, record.published_version)) is None
    long = factories.innovation(title="Longue", problem="x" * 3000, solution="y" * 3000, results="z" * 40)
    cut = pages.sheet_cut(pages.read(long, long.published_version))
    assert cut is not None and 120 <= cut < 3000
    # The short texts are kept whole: only those longer than the share are cut.
    assert cut > 40


def test_the_sheet_fetches_nothing(tmp_path):
    """Neither the network nor the disk: an address in the HTML stays text (a record's content is the team's)."""
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    picture = tmp_path / "picture.png"
    picture.write_bytes(base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="))
    base = f"http://127.0.0.1:{server.server_port}"
    html = (f'<html><head><link rel="stylesheet" href="{base}/style.css"></head><body><h1>Fiche</h1>'
            f'<img src="{base}/x.png" alt=""><img src="file://{picture}" alt=""></body></html>')
    try:
        pdf = pages.sheet_pdf(html=html, stylesheet="@page { size: A4 }")
    finally:
        server.shutdown()
        thread.join()
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1 and "Fiche" in reader.pages[0].extract_text()
    assert hits == []
    assert list(reader.pages[0].images) == []


def test_reading_a_page_takes_as_many_queries_for_many_rows_as_for_few():
    counts = []
    for n in (1, 6):
        record = factories.innovation()
        for i in range(n):
            person = factories.user()
            factories.sponsor(user=person)
            db.session.add(InnovationSponsor(innovation_id=record.id, user_id=person.id))
            db.session.add(Replication(innovation_id=record.id, organisation=f"Commune {i}",
                                       status=ReplicationStatus.LAUNCHED, answered_at=utcnow()))
            factories.innovation_document(record, name=f"doc{i}.pdf")
        db.session.commit()
        db.session.expire_all()
        with counted_queries() as seen:
            page = pages.read(record, record.published_version)
        assert len(page.sponsors) == len(page.documents) == page.taken_up_count == n
        counts.append(len(seen))
    assert counts[0] == counts[1], counts
