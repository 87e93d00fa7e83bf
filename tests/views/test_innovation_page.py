"""The public page of an innovation, its history, its printable sheet, and what makes it shareable and findable
(Open Graph, schema.org JSON-LD, the sitemap, robots.txt)."""
from __future__ import annotations

import io
import json
import re
import subprocess
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
from flask_babel import force_locale
from pypdf import PdfReader

from prizeapp.enums import (
    CallRoleKind,
    InnovationStatus,
    MemberRole,
    ReadinessOpinion,
    ReplicationStatus,
)
from prizeapp.extensions import db
from prizeapp.formatting import date_filter
from prizeapp.models import InnovationSponsor, ReadinessComment, Replication, SubmissionMember
from prizeapp.models.types import utcnow
from prizeapp.services.innovations import content as content_fields
from prizeapp.services.innovations import documents, records, replications, search

from .. import factories
from ..conftest import counted_queries, fr, nfr, sign_in_as, text

BASE = "http://127.0.0.1:5000"  # the tests' BASE_URL (the development default)


class HeadReader(HTMLParser):
    """The meta tags, canonical link, JSON-LD blocks and ids of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self.json_ld: list[str] = []
        self._in_ld = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and ("property" in a or "name" in a):
            self.meta[a.get("property") or a["name"]] = a.get("content", "")
        elif tag == "link" and "rel" in a:
            self.links[a["rel"]] = a.get("href", "")
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._in_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_ld = False

    def handle_data(self, data):
        if self._in_ld:
            self.json_ld[-1] += data


def head_of(response) -> HeadReader:
    reader = HeadReader()
    reader.feed(response.get_data(as_text=True))
    return reader


@pytest.fixture
def world():
    """A published record whose team is a lead (a public contact) and a co-applicant (not one), with a parrain,
    a second public record adapting it, and replications: two answered (in two régions), one not yet."""
    lead = factories.user(first_name="Aïcha", last_name="Benali", email="aicha.benali@exempleville.fr")
    co = factories.user(first_name="Paul", last_name="Discret", email="paul.discret@exempleville.fr")
    record = factories.innovation(lead=lead, contact_ids=[lead.id], contact_email="aidants@exempleville.fr")
    db.session.add(SubmissionMember(submission_id=record.submission_id, user_id=co.id, role=MemberRole.CO_APPLICANT))
    parrain = factories.user(first_name="Marine", last_name="Parraine", email="marine.parraine@region.fr")
    factories.sponsor(user=parrain, expertise="Vingt ans de CCAS.")
    db.session.add(InnovationSponsor(innovation_id=record.id, user_id=parrain.id))
    db.session.add(ReadinessComment(innovation_id=record.id, author_id=parrain.id, opinion=ReadinessOpinion.READY,
                                    body="Le guide suffit pour démarrer."))
    db.session.add_all([
        Replication(innovation_id=record.id, organisation="Commune de Quimper", territory_name="Quimper",
                    departement_code="29", region_code="53", status=ReplicationStatus.LAUNCHED,
                    answered_at=utcnow(), motivation="Motivation privée du repreneur"),
        Replication(innovation_id=record.id, organisation="Ville d'Albi", territory_name="Albi",
                    departement_code="81", region_code="76", status=ReplicationStatus.PREPARING,
                    answered_at=utcnow()),
        Replication(innovation_id=record.id, organisation="Bourg Secret", territory_name="Bourg Secret",
                    departement_code="01", region_code="84", status=ReplicationStatus.INTERESTED)])
    db.session.commit()
    adaptation = factories.innovation(title="Conciergerie des aidants de Quimper", summary="Reprise à Quimper.")
    adaptation.based_on_id = record.id
    db.session.commit()
    return {"record": record, "lead": lead, "co": co, "parrain": parrain, "adaptation": adaptation}


def _withdraw(record, reason: str) -> None:
    """What services.innovations.records.withdraw leaves (without its emails to the team)."""
    record.status, record.withdrawn_reason = InnovationStatus.WITHDRAWN, reason
    search.remove(record.id)
    db.session.commit()


def page_of(client, record):
    response = client.get(f"/innovations/{record.slug}")
    assert response.status_code == 200, response.status_code
    return response


# --- what the page shows ---------------------------------------------------------------------------------

def test_the_page_shows_each_section_in_words(client, world):
    page = text(page_of(client, world["record"]))
    assert "<h1" in page and "Conciergerie solidaire des aidants" in page
    assert "Un guichet unique qui soulage les aidants." in page
    # Sections, each with its content.
    for msgid in ("The problem, and who has it", "The solution", "Results", "Taking it up elsewhere",
                  "Cost and economic model", "Documents and tools to reuse", "Contacts"):
        assert fr(msgid) in page, msgid
    assert "Les aidants familiaux s'épuisent faute de relais." in page
    assert "Une conciergerie de répit avec des bénévoles formés." in page
    assert "320 aidants accompagnés la première année." in page
    assert "Le guichet unique et la formation des bénévoles." in page
    assert "CCAS, associations d'aidants." in page
    # Choices by their labels, codes by their names, amounts in euros.
    assert fr("Social action and solidarity") in page
    assert fr("Level 2: data show a change, without proving the cause") in page
    assert fr("In operation") in page and "1er septembre 2024" in page
    assert "Ille-et-Vilaine (35)" in page and "Bretagne" in page
    assert fr("Urban") in page
    assert "15\u202f000\xa0€" in page and "75\xa0€" in page
    assert fr("€10,000 to €50,000") in page
    assert fr("Licence Ouverte 2.0 (Etalab)") in page
    assert 'href="https://exemple.fr/guide"' in page
    # Where it came from.
    assert "Premier prix" in page


def test_the_public_contacts_are_only_those_who_opted_in(client, world):
    page = text(page_of(client, world["record"]))
    assert "Aïcha Benali" in page and "mailto:aicha.benali@exempleville.fr" in page
    assert "aidants@exempleville.fr" in page
    assert "paul.discret" not in page and "Discret" not in page
    assert "marine.parraine@region.fr" not in page  # the parrain appears by name, never by address


def test_without_opting_in_nobody_of_the_team_appears(client):
    lead = factories.user(first_name="Zoé", last_name="Réservée", email="zoe.reservee@exempleville.fr")
    record = factories.innovation(lead=lead)
    page = text(page_of(client, record))
    assert "zoe.reservee" not in page and "Réservée" not in page
    assert fr("The team has not given a public contact. Ask to take it up: the team receives your request.") in page


def test_a_contact_id_outside_the_team_is_never_shown(client):
    outsider = factories.user(first_name="Hors", last_name="Équipe", email="hors.equipe@ailleurs.fr")
    record = factories.innovation()
    record.published_version.content = {**record.published_version.content, "contact_ids": [outsider.id]}
    db.session.commit()
    assert "hors.equipe" not in text(page_of(client, record))


def test_replications_are_shown_once_answered_grouped_by_region(client, world):
    page = text(page_of(client, world["record"]))
    assert "Commune de Quimper" in page and "Ville d'Albi" in page
    assert "Bourg Secret" not in page
    assert "Motivation privée" not in page
    assert page.index("Bretagne</h4>") < page.index("Occitanie</h4>")
    assert fr("Launched") in page and fr("Preparing") in page
    assert "Finistère (29)" in page


def test_only_the_territories_taking_it_up_count_the_interested_and_abandoned_are_apart(client):
    record = factories.innovation()
    factories.replications_of(record, ReplicationStatus.INTERESTED, organisation="Commune curieuse")
    factories.replications_of(record, ReplicationStatus.ABANDONED, organisation="Syndicat parti")
    page = text(page_of(client, record))
    # None counts: the box says it as the catalogue's card does.
    box = page.split('id="box-title"', 1)[1].split("</section>", 1)[0]
    assert fr("no territory yet") in box
    assert fr("in %(num)d territory", num=0) not in box
    assert fr("no territory yet") in text(client.get("/innovations"))
    assert fr("No territory has taken it up yet: yours could be the first.") in page
    assert nfr("Taken up in %(num)d territory so far.", "Taken up in %(num)d territories so far.", 0) \
        not in page
    assert page.index('id="where-title"') < page.index('id="interested-title"') < page.index("Commune curieuse 1") \
        < page.index('id="abandoned-title"') < page.index("Syndicat parti 1")
    assert fr("Territories interested") in page and fr("Abandoned replications") in page

    factories.replications_of(record, ReplicationStatus.PREPARING, organisation="Commune en route")
    page = text(page_of(client, record))
    box = page.split('id="box-title"', 1)[1].split("</section>", 1)[0]
    assert nfr("in %(num)d territory", "in %(num)d territories", 1) in box
    assert nfr("Taken up in %(num)d territory so far.", "Taken up in %(num)d territories so far.", 1) in page
    assert page.index("Commune en route 1") < page.index('id="interested-title"')


def test_each_replication_says_when_it_reached_its_status(client):
    record = factories.innovation()
    operating = factories.replication(record, status=ReplicationStatus.OPERATING, answered=True,
                                      organisation="Commune en marche")
    launched = factories.replication(record, status=ReplicationStatus.LAUNCHED, answered=True,
                                     organisation="Commune lancée")
    for replication, reached in ((operating, datetime(2026, 9, 15, 12, tzinfo=UTC)),
                                 (launched, datetime(2026, 1, 14, 12, tzinfo=UTC))):
        requested, status = replications.timeline(replication)
        requested.at = datetime(2025, 10, 2, 12, tzinfo=UTC)
        status.at = reached
        replication.answered_at = datetime(2025, 11, 14, 12, tzinfo=UTC)  # the team's first answer
    db.session.commit()
    page = " ".join(text(page_of(client, record)).split())
    with force_locale("fr"):
        since = {day: date_filter(day) for day in (date(2026, 9, 15), date(2026, 1, 14), date(2025, 11, 14))}
    assert f'{fr("In operation")}</span> <span class="muted">{fr("since %(date)s", date=since[date(2026, 9, 15)])}' \
        in page
    assert f'{fr("Launched")}</span> <span class="muted">{fr("on %(date)s", date=since[date(2026, 1, 14)])}' in page
    assert since[date(2025, 11, 14)] not in page


def test_parrains_opinions_and_lineage(client, world):
    page = text(page_of(client, world["record"]))
    assert "Marine Parraine" in page and "Vingt ans de CCAS." in page
    assert fr("Ready to be taken up") in page and "Le guide suffit pour démarrer." in page
    assert 'href="/parrains"' in page
    assert f'href="/innovations/{world["adaptation"].slug}"' in page
    adapted = text(page_of(client, world["adaptation"]))
    assert f'href="/innovations/{world["record"].slug}"' in adapted and fr("Adapted from:") in adapted


def test_documents_link_to_their_download(client, world):
    record, lead = world["record"], world["lead"]
    document = documents.add(innovation=record, actor=lead, stream=io.BytesIO(factories.PDF_BYTES),
                             filename="kit.pdf", title="Kit de démarrage")
    db.session.commit()
    html = page_of(client, record).get_data(as_text=True)
    links = re.findall(r'<a href="([^"]+)"[^>]*>Kit de démarrage</a>', html)
    assert len(links) == 1
    download = client.get(links[0])
    assert download.status_code == 200 and download.data == factories.PDF_BYTES
    assert document.display_name in text(page_of(client, record))


def test_the_actions_differ_for_the_team_and_the_others(client, world):
    record = world["record"]
    page = page_of(client, record).get_data(as_text=True)
    assert f'href="/innovations/{record.slug}/replicate"' in page
    assert f'href="/innovations/{record.slug}/sheet.pdf"' in page
    assert f'href="/innovations/{record.slug}/history"' in page
    assert f'href="/innovations/{record.slug}/edit"' not in page
    sign_in_as(client, world["lead"])
    page = page_of(client, record).get_data(as_text=True)
    assert f'href="/innovations/{record.slug}/edit"' in page
    assert f'href="/innovations/{record.slug}/replicate"' not in page


# --- who sees what -------------------------------------------------------------------------------------------

def test_an_unknown_slug_is_not_found(client):
    assert client.get("/innovations/nulle-part").status_code == 404
    assert client.get("/innovations/nulle-part/history").status_code == 404
    assert client.get("/innovations/nulle-part/sheet.pdf").status_code == 404


def test_a_withdrawn_record_is_gone_with_its_reason(client, world):
    record, lead = world["record"], world["lead"]
    _withdraw(record, "Le dispositif a été arrêté en 2026.")
    for path in ("", "/history", "/sheet.pdf"):
        response = client.get(f"/innovations/{record.slug}{path}")
        assert response.status_code == 410
        assert "Le dispositif a été arrêté en 2026." in text(response)
    sign_in_as(client, lead)
    response = client.get(f"/innovations/{record.slug}")
    assert response.status_code == 200
    assert fr("Withdrawn from the catalogue.") in text(response)


@pytest.fixture
def draft():
    """A record never published, of a call with an organiser, with a parrain assigned."""
    lead, organiser, parrain, stranger = (factories.user() for _ in range(4))
    record = factories.innovation(lead=lead, published=False)
    factories.grant(organiser, record.call, CallRoleKind.ORGANISER)
    db.session.add(InnovationSponsor(innovation_id=record.id, user_id=parrain.id))
    db.session.commit()
    return {"record": record, "lead": lead, "organiser": organiser, "parrain": parrain, "stranger": stranger}


@pytest.mark.parametrize("who, expected", [("anonymous", 404), ("stranger", 404), ("lead", 200),
                                           ("organiser", 200), ("parrain", 200)])
def test_a_draft_is_seen_by_its_team_checkers_and_parrains_only(client, draft, who, expected):
    if who != "anonymous":
        sign_in_as(client, draft[who])
    response = client.get(f"/innovations/{draft['record'].slug}")
    assert response.status_code == expected
    if expected == 200:
        page = text(response)
        assert fr("Not public yet.") in page
        assert '<meta name="robots" content="noindex">' in page
        assert f'href="/innovations/{draft["record"].slug}/replicate"' not in page


def test_the_team_reads_its_latest_version_the_public_the_published_one(client, world):
    record, lead = world["record"], world["lead"]
    records.save(innovation=record, actor=lead, content={**record.published_version.content,
                                                         "solution": "Une solution réécrite, pas encore vérifiée."},
                 based_on=2)
    db.session.commit()
    public = text(page_of(client, record))
    assert "réécrite" not in public and fr("Not public yet.") not in public
    sign_in_as(client, lead)
    mine = text(page_of(client, record))
    assert "Une solution réécrite, pas encore vérifiée." in mine and fr("Not public yet.") in mine


# --- shareable and findable ----------------------------------------------------------------------------------

def test_open_graph_twitter_and_canonical(client, world):
    record = world["record"]
    head = head_of(page_of(client, record))
    url = f"{BASE}/innovations/{record.slug}"
    assert head.links["canonical"] == url
    assert head.meta["og:url"] == url
    assert head.meta["og:title"] == "Conciergerie solidaire des aidants"
    assert head.meta["og:description"] == "Un guichet unique qui soulage les aidants."
    assert head.meta["og:type"] == "article"
    assert head.meta["og:locale"] == "fr_FR"
    assert head.meta["twitter:card"] == "summary"
    assert head.meta["twitter:title"] == "Conciergerie solidaire des aidants"
    assert "robots" not in head.meta


def test_the_json_ld_describes_the_record(client, world):
    record, adaptation = world["record"], world["adaptation"]
    (block,) = head_of(page_of(client, record)).json_ld
    data = json.loads(block)
    assert data["@context"] == "https://schema.org" and data["@type"] == "CreativeWork"
    assert data["url"] == f"{BASE}/innovations/{record.slug}"
    assert data["name"] == "Conciergerie solidaire des aidants"
    assert data["description"] == "Un guichet unique qui soulage les aidants."
    assert data["about"]["name"] == fr("Social action and solidarity")
    assert data["spatialCoverage"]["@type"] == "Place"
    assert data["spatialCoverage"]["address"]["addressRegion"] == "Bretagne"
    assert data["spatialCoverage"]["address"]["addressLocality"] == "Exempleville"
    assert data["license"] == "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
    assert data["dateModified"].startswith(str(record.published_at.year))
    assert data["creator"] == {"@type": "Organization", "name": "Ville d'Exempleville"}
    assert data["award"].startswith("Premier prix")
    assert data["workExample"] == [f"{BASE}/innovations/{adaptation.slug}"]
    (adapted,) = head_of(page_of(client, adaptation)).json_ld
    assert json.loads(adapted)["isBasedOn"] == f"{BASE}/innovations/{record.slug}"


def test_a_closing_script_tag_in_the_content_stays_inside_the_json(client):
    title = "Fiche </script><script>alert(1)</script> & <!-- fin"
    record = factories.innovation(title=title, summary="Résumé </SCRIPT> aussi")
    html = page_of(client, record).get_data(as_text=True)
    block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block and ">" not in block and "&" not in block
    data = json.loads(block)
    assert data["name"] == title and data["description"] == "Résumé </SCRIPT> aussi"
    assert "<script>alert(1)" not in html


def test_the_sitemap_lists_the_public_pages_only(client, world):
    draft = factories.innovation(title="Fiche en brouillon", published=False)
    withdrawn = factories.innovation(title="Fiche retirée")
    _withdraw(withdrawn, "Arrêtée.")
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    root = ElementTree.fromstring(response.data)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    urls = {u.find("s:loc", ns).text: u.find("s:lastmod", ns) for u in root.findall("s:url", ns)}
    for path in ("/", "/innovations", "/parrains", "/open-data"):
        assert f"{BASE}{path}" in urls
    record = world["record"]
    lastmod = urls[f"{BASE}/innovations/{record.slug}"]
    assert lastmod is not None and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", lastmod.text)
    assert f"{BASE}/innovations/{world['adaptation'].slug}" in urls
    assert f"{BASE}/innovations/{draft.slug}" not in urls
    assert f"{BASE}/innovations/{withdrawn.slug}" not in urls
    assert f"{BASE}/calls/{record.call.slug}" in urls


def test_robots_txt_points_at_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "User-agent: *"
    assert f"Sitemap: {BASE}/sitemap.xml" in lines
    assert "Disallow: /manage/" in lines and "Disallow: /innovations" not in lines


# --- history and versions ----------------------------------------------------------------------------------

def test_the_history_lists_approved_versions_with_what_they_changed(client, world):
    record, lead = world["record"], world["lead"]
    record.published_version.change_note = "Code INSEE corrigé."  # after a draft the public never saw
    factories.approved_version(record, change_note="Résultats de la deuxième année.",
                               results="640 aidants accompagnés en deux ans.", evidence_level="3")
    records.save(innovation=record, actor=lead, content={**record.published_version.content, "title": "Brouillon"},
                 based_on=3)
    db.session.commit()
    response = client.get(f"/innovations/{record.slug}/history")
    assert response.status_code == 200
    page = text(response)
    assert fr("Version %(number)d", number=3) in page and fr("Version %(number)d", number=2) in page
    assert fr("Version %(number)d", number=4) not in page and fr("Version %(number)d", number=1) not in page
    entry = page.split(fr("Version %(number)d", number=3), 1)[1].split(fr("Version %(number)d", number=2), 1)[0]
    assert fr("Results so far") in entry and fr("Evidence level") in entry
    assert fr("Name of the innovation") not in entry
    # The first publication: no count of fields against nothing.
    first = page.split(fr("Version %(number)d", number=2), 1)[1].split("</li>", 1)[0]
    assert fr("First publication") in first
    assert fr("Results so far") not in first and fr("No field changed.") not in first
    # The team's notes are written for the checkers: the public reads none of them.
    assert "Résultats de la deuxième année." not in page and "Code INSEE corrigé." not in page
    version = text(client.get(f"/innovations/{record.slug}/versions/3"))
    assert "Résultats de la deuxième année." not in version and fr("What changed:") not in version
    sign_in_as(client, lead)
    page = text(client.get(f"/innovations/{record.slug}/history"))
    assert fr("Version %(number)d", number=4) in page and "Résultats de la deuxième année." in page
    assert "Résultats de la deuxième année." in text(client.get(f"/innovations/{record.slug}/versions/3"))


def test_a_version_is_readable_when_approved_or_by_the_team(client, world):
    record, lead = world["record"], world["lead"]
    factories.approved_version(record, results="640 aidants accompagnés en deux ans.")
    old = client.get(f"/innovations/{record.slug}/versions/2")
    assert old.status_code == 200
    assert "320 aidants accompagnés la première année." in text(old)
    assert fr("This is not the current public version.") in text(old)
    assert "640 aidants" in text(client.get(f"/innovations/{record.slug}/versions/3"))
    assert client.get(f"/innovations/{record.slug}/versions/1").status_code == 404  # the team's first draft
    assert client.get(f"/innovations/{record.slug}/versions/99").status_code == 404
    sign_in_as(client, lead)
    assert client.get(f"/innovations/{record.slug}/versions/1").status_code == 200


# --- the printable sheet -----------------------------------------------------------------------------------

def test_the_sheet_is_a_one_page_pdf_with_the_key_fields(client, world, tmp_path):
    record = world["record"]
    response = client.get(f"/innovations/{record.slug}/sheet.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'inline; filename="{record.slug}.pdf"'
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    words = " ".join(reader.pages[0].extract_text().split())
    for expected in ("Conciergerie solidaire des aidants", "Les aidants familiaux", "Une conciergerie de répit",
                     "320 aidants", "Le guichet unique et la formation", "Un coordinateur",
                     "Aïcha Benali", "aicha.benali@exempleville.fr", f"/innovations/{record.slug}",
                     "Licence Ouverte 2.0", "Bretagne"):
        assert expected in words, expected
    assert "paul.discret" not in words
    (tmp_path / "sheet.pdf").write_bytes(response.data)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(tmp_path / "sheet.pdf"), str(tmp_path / "sheet")],
                   check=True)
    assert list(tmp_path.glob("sheet*.png"))


LONG = ("Les aidants familiaux accompagnent un proche âgé ou handicapé au quotidien et s'épuisent faute de relais, "
        "de temps pour eux et d'informations claires sur leurs droits. ") * 12


def test_a_record_with_every_text_at_length_still_fits_on_one_page(client):
    lead = factories.user(first_name="Aïcha", last_name="Benali")
    values = {name: LONG for name in content_fields.TEXT_FIELDS
              if name not in ("title", "summary", "organisation", "territory_name", "contact_email")}
    record = factories.innovation(lead=lead, summary=LONG[:300], contact_ids=[lead.id],
                                  contact_email="aidants@exempleville.fr", **values)
    response = client.get(f"/innovations/{record.slug}/sheet.pdf")
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    words = " ".join(reader.pages[0].extract_text().split())
    assert "…" in words and "Aïcha Benali" in words and f"/innovations/{record.slug}" in words
    assert fr("Taking it up elsewhere") in words and fr("Tools needed") in words


def test_a_record_with_many_replications_and_contacts_fits_on_one_page_with_its_address(client):
    lead = factories.user(first_name="Aïcha", last_name="Benali")
    team = [factories.user(first_name=f"Membre{i}", last_name="Équipe") for i in range(9)]
    values = {name: LONG[:520] for name in content_fields.TEXT_FIELDS
              if name not in ("title", "summary", "organisation", "territory_name", "contact_email")}
    record = factories.innovation(lead=lead, summary=LONG[:300], contact_ids=[lead.id, *(m.id for m in team)],
                                  contact_email="aidants@exempleville.fr", **values)
    for member in team:
        db.session.add(SubmissionMember(submission_id=record.submission_id, user_id=member.id,
                                        role=MemberRole.CO_APPLICANT))
    db.session.commit()
    factories.replications_of(record, *[ReplicationStatus.OPERATING] * 8, *[ReplicationStatus.INTERESTED] * 6)
    response = client.get(f"/innovations/{record.slug}/sheet.pdf")
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    words = " ".join(reader.pages[0].extract_text().split())
    # The address of the whole record is on that page, in its footer.
    assert f"{BASE}/innovations/{record.slug}" in words.replace(" ", "")
    assert nfr("Taken up in %(num)d territory so far.", "Taken up in %(num)d territories so far.", 8) in words
    assert "Aïcha Benali" in words
    assert nfr("and %(num)d other contact on the page of the innovation",
                       "and %(num)d other contacts on the page of the innovation", 6) in words


def test_a_draft_sheet_is_not_found_for_the_public(client, draft):
    assert client.get(f"/innovations/{draft['record'].slug}/sheet.pdf").status_code == 404
    sign_in_as(client, draft["lead"])
    assert client.get(f"/innovations/{draft['record'].slug}/sheet.pdf").status_code == 200


# --- queries -----------------------------------------------------------------------------------------------

def _grown(n: int):
    record = factories.innovation(lead=factories.user())
    parrains = [factories.user() for _ in range(n)]
    for i, person in enumerate(parrains):
        factories.sponsor(user=person)
        db.session.add(InnovationSponsor(innovation_id=record.id, user_id=person.id))
        db.session.add(ReadinessComment(innovation_id=record.id, author_id=person.id,
                                        opinion=ReadinessOpinion.NEEDS_WORK, body=f"Avis {i}"))
        db.session.add(Replication(innovation_id=record.id, organisation=f"Commune {i}",
                                   departement_code=["29", "81", "35", "13"][i % 4], status=ReplicationStatus.LAUNCHED,
                                   answered_at=utcnow()))
        adaptation = factories.innovation(title=f"Adaptation {i}")
        adaptation.based_on_id = record.id
    db.session.commit()
    for i in range(n):
        factories.innovation_document(record, title=f"Document {i}", name=f"doc{i}.pdf")
    return record


def test_the_page_runs_as_many_queries_for_many_replications_and_documents_as_for_few(app):
    counts = []
    for n in (2, 8):
        record = _grown(n)
        client = app.test_client()
        client.get(f"/innovations/{record.slug}")
        with counted_queries() as seen:
            response = client.get(f"/innovations/{record.slug}")
        assert response.status_code == 200
        assert text(response).count("Commune ") >= n
        counts.append(len(seen))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 16, counts


def test_the_page_of_a_signed_in_agent_is_bounded_too(app):
    counts = []
    for n in (2, 8):
        record = _grown(n)
        client = app.test_client()
        sign_in_as(client, factories.user())
        client.get(f"/innovations/{record.slug}")
        with counted_queries() as seen:
            assert client.get(f"/innovations/{record.slug}").status_code == 200
        counts.append(len(seen))
    assert counts[0] == counts[1], counts
