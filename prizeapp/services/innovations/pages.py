"""What the page of an innovation shows, gathered in a bounded number of queries: a version's content by
sections and in words (labels for choices, names for territory codes, amounts in euros), the documents, the
public contacts, the parrains and their opinions, where it has been taken up, its lineage and the call it came
from; its public history; its schema.org description; the sitemap's entries; the printable sheet as PDF.

Personal data shown here is limited to what people chose to make public: the team members listed as public
contacts (name and email) and the parrains assigned who are listed in the directory (name and expertise, never
their email). A replication shows once the team has answered it, by organisation and territory only.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from ...core import territories
from ...core.collation import sort_key
from ...enums import (
    CallPhase,
    EvidenceLevel,
    InnovationStatus,
    Licence,
    Readiness,
    ReadinessOpinion,
    ReplicationStatus,
    ResourceKind,
    TerritoryKind,
    Theme,
    VersionStatus,
)
from ...extensions import db
from ...formatting import euros
from ...models import (
    Call,
    Innovation,
    InnovationDocument,
    InnovationVersion,
    ReadinessComment,
    SubmissionMember,
    User,
)
from ...models.org import OrgUnit
from .. import economic_grid
from ..impact import dashboards as impact_dashboards
from . import content as fields
from . import replications, sponsors

# Where each licence's text is, for schema.org's `license` (a URL) and the links of the page.
LICENCE_URLS = {
    Licence.ETALAB: "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
    Licence.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/",
    Licence.EUPL: "https://joinup.ec.europa.eu/collection/eupl/eupl-text-eupl-12",
}

CHOICES = {"theme": Theme, "territory_kind": TerritoryKind, "readiness": Readiness,
           "evidence_level": EvidenceLevel, "licence": Licence}
# Shown in a section of their own (links, contacts) or in the summary box (dates of the stages).
SHOWN_APART = ("title", "links", "contact_ids", "phase_dates")
# Where the form's label does not read well next to the value shown (an amount already says "€").
SHOWN_LABELS = {
    "summary": _l("Summary"),
    "cost_setup": _l("Set-up cost"),
    "cost_recurring": _l("Running cost per year"),
    "cost_per_user": _l("Cost per person served"),
    "costs_avoided": _l("Costs avoided per year"),
    "expected_results": _l("Expected results"),
}
SHORT_TEXTS = ("title", "organisation", "territory_name", "contact_email")
UNKNOWN_REGION = _l("Région not given")


# --- a version's content, in words ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Item:
    """One field as the page shows it: `long` texts are paragraphs, the others short values."""

    name: str
    label: str
    value: str
    long: bool = False


@dataclass(frozen=True)
class SectionView:
    key: str
    title: str
    items: tuple[Item, ...]

    def item(self, name: str) -> Item | None:
        return next((i for i in self.items if i.name == name), None)

    @property
    def runs(self) -> list[tuple[bool, list[Item]]]:
        """The items in their order, consecutive short values together: (long, items) pairs."""
        out: list[tuple[bool, list[Item]]] = []
        for item in self.items:
            if out and not item.long and not out[-1][0]:
                out[-1][1].append(item)
            else:
                out.append((item.long, [item]))
        return out


@dataclass(frozen=True)
class Phase:
    stage: Readiness
    day: date | None
    current: bool


def choice(vocabulary, value) -> Any:
    """The member of `vocabulary` stored as `value`, or None."""
    try:
        return vocabulary(value) if value not in (None, "") else None
    except ValueError:
        return None


def _shown(name: str, value: Any) -> str:
    """A stored value in words: a choice by its label, a code by its name, an amount in euros."""
    if name in CHOICES:
        member = choice(CHOICES[name], value)
        return str(member.label) if member is not None else ""
    if name == "departement_code":
        return territories.departement_label(value)
    if name == "region_code":
        return territories.region_label(value)
    if name in fields.MONEY_FIELDS:
        amount = fields.money({name: value}, name)
        return euros(amount) if amount is not None else ""
    if name == "beneficiaries_count":
        return format_decimal(value)
    if name == "resources":
        return resources_in_words(value)
    return str(value).strip()


def resources_in_words(resources: Any) -> str:
    """The grid's resources in one line: "Public subsidy: 60 %, Earned income (sales, fees): 40 %"."""
    given = [r for r in resources if isinstance(r, dict)] if isinstance(resources, list) else []
    return ", ".join(_("%(kind)s: %(share)s %%", kind=member.label, share=format_decimal(r["share"]))
                     for r in given if (member := choice(ResourceKind, r.get("kind"))) is not None
                     and isinstance(r.get("share"), int))


def sections_of(content: dict) -> dict[str, SectionView]:
    """Every section of the record, each with its filled fields in words, keyed by the section's key."""
    out = {}
    for section in fields.SECTIONS:
        items = []
        for name in section.fields:
            value = content.get(name)
            if name in SHOWN_APART or value in (None, "", [], {}):
                continue
            shown = _shown(name, value)
            if shown:
                items.append(Item(name, str(SHOWN_LABELS.get(name, fields.LABELS[name])), shown,
                                  long=name in fields.TEXT_FIELDS and name not in SHORT_TEXTS))
        out[section.key] = SectionView(section.key, str(section.title), tuple(items))
    return out


def phases_of(content: dict) -> list[Phase]:
    """The stages in their order, with the date each began when the team gave it; the current stage and those
    before it, or any stage with a date."""
    current = choice(Readiness, content.get("readiness"))
    dates = content.get("phase_dates") or {}
    order = list(Readiness)
    reached = order[: order.index(current) + 1] if current is not None else []
    out = []
    for stage in order:
        day = _day(dates.get(stage.value))
        if stage in reached or day is not None:
            out.append(Phase(stage, day, stage == current))
    return out


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def links_of(content: dict) -> list[dict]:
    return [link for link in content.get("links") or [] if str(link.get("url", "")).startswith(("https://",
                                                                                                  "http://"))]


# --- the page ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Contact:
    name: str
    email: str


@dataclass(frozen=True)
class Sponsor:
    user_id: int
    name: str
    expertise: str


@dataclass(frozen=True)
class Opinion:
    author: str  # empty when the account is gone
    opinion: ReadinessOpinion
    body: str
    at: datetime


@dataclass(frozen=True)
class TakenUp:
    """A replication as the public sees it, once the team has answered: who, where, how far, since when (the
    date it reached its status, as its timeline gives it)."""

    id: int
    organisation: str
    territory_name: str
    departement: str
    region: str  # its name, or "" when not given
    status: ReplicationStatus
    since: datetime
    variant: str


@dataclass(frozen=True)
class RegionGroup:
    region: str
    replications: tuple[TakenUp, ...]


@dataclass(frozen=True)
class Origin:
    """The call and prize the record came from; `call_slug` only when the call's page is public."""

    call_title: str
    call_slug: str | None
    prize: str
    funder: str


@dataclass(frozen=True)
class Impact:
    """The latest impact indicators: the results the record gives and their evidence level, and once its
    project's follow-up is published and reported, that follow-up's summary (services.impact.dashboards)."""

    results: str
    expected_results: str
    evidence_level: EvidenceLevel | None
    evidence: str
    as_of: datetime | None
    followup: impact_dashboards.PublicSummary | None = None

    @property
    def level(self) -> EvidenceLevel | None:
        """The evidence level the page shows: the follow-up's latest when it gives one, else the record's."""
        if self.followup is not None and self.followup.evidence_level is not None:
            return self.followup.evidence_level
        return self.evidence_level


@dataclass
class InnovationPage:
    innovation: Innovation
    version: InnovationVersion | None
    content: dict
    sections: dict[str, SectionView]
    phases: list[Phase]
    links: list[dict]
    licence: Licence | None
    cost_band: Any
    impact: Impact
    documents: list[InnovationDocument] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    sponsors: list[Sponsor] = field(default_factory=list)
    opinions: list[Opinion] = field(default_factory=list)
    taken_up: list[RegionGroup] = field(default_factory=list)  # the replications that count
    interested: list[TakenUp] = field(default_factory=list)  # answered requests, not yet preparing
    abandoned: list[TakenUp] = field(default_factory=list)
    based_on: Innovation | None = None
    derived: list[Innovation] = field(default_factory=list)
    origin: Origin | None = None
    economic: economic_grid.GridView | None = None  # the economic-model grid, in its parts

    @property
    def title(self) -> str:
        return self.content.get("title") or self.innovation.title or self.innovation.slug

    @property
    def summary(self) -> str:
        return self.content.get("summary", "")

    @property
    def is_public_version(self) -> bool:
        return self.version is not None and self.version.id == self.innovation.published_version_id

    @property
    def licence_url(self) -> str | None:
        return LICENCE_URLS.get(self.licence) if self.licence is not None else None

    @property
    def sheet_costs(self) -> SectionView:
        """The costs section as the one-page sheet gives it (sheet_section)."""
        return sheet_section(self, "costs")

    @property
    def taken_up_count(self) -> int:
        return sum(len(group.replications) for group in self.taken_up)

    @property
    def region(self) -> str:
        code = self.content.get("region_code") or territories.region_of(self.content.get("departement_code", ""))
        return territories.region_label(code) if code else ""

    @property
    def departement(self) -> str:
        code = self.content.get("departement_code")
        return territories.departement_label(code) if code else ""


def by_slug(slug: str) -> Innovation | None:
    return db.session.scalar(db.select(Innovation).where(Innovation.slug == slug))


def latest_version(innovation: Innovation) -> InnovationVersion | None:
    return db.session.scalar(db.select(InnovationVersion).where(InnovationVersion.innovation_id == innovation.id)
                             .order_by(InnovationVersion.number.desc()).limit(1))


def title_of(innovation: Innovation) -> str:
    """The public title, or the latest version's for a record never published."""
    if innovation.title:
        return innovation.title
    latest = latest_version(innovation)
    return sponsors.title_of(innovation) if latest is not None else innovation.slug  # a draft without a title too


def version_shown(innovation: Innovation, *, latest: bool) -> InnovationVersion | None:
    """The version a reader sees: the published one, or with `latest` (the team) the one being written. A
    record never published shows its latest version to those allowed to see it at all."""
    if not latest and innovation.published_version_id is not None:
        return db.session.get(InnovationVersion, innovation.published_version_id)
    return latest_version(innovation)


def version_numbered(innovation: Innovation, number: int) -> InnovationVersion | None:
    return db.session.scalar(db.select(InnovationVersion).where(InnovationVersion.innovation_id == innovation.id,
                                                                InnovationVersion.number == number))


def read(innovation: Innovation, version: InnovationVersion | None) -> InnovationPage:
    """Everything the page of `innovation` shows, with `version`'s content."""
    content = dict(version.content) if version is not None else {}
    page = InnovationPage(
        innovation=innovation, version=version, content=content, sections=sections_of(content),
        phases=phases_of(content), links=links_of(content), licence=choice(Licence, content.get("licence")),
        cost_band=fields.cost_band(content),
        impact=Impact(results=content.get("results", ""), expected_results=content.get("expected_results", ""),
                      evidence_level=choice(EvidenceLevel, content.get("evidence_level")),
                      evidence=content.get("evidence", ""),
                      as_of=(version.checked_at or version.created_at) if version is not None else None,
                      followup=impact_dashboards.public_summary(innovation.submission_id)))
    page.documents = list(db.session.scalars(db.select(InnovationDocument).where(
        InnovationDocument.innovation_id == innovation.id).order_by(InnovationDocument.id)))
    page.contacts = public_contacts(innovation, content)
    page.sponsors = sponsors_of(innovation)
    page.opinions = opinions_of(innovation)
    page.taken_up, page.interested, page.abandoned = public_replications(innovation)
    page.based_on, page.derived = lineage(innovation)
    page.origin = origin_of(innovation)
    page.economic = economic_grid.of_content(content)
    return page


def public_contacts(innovation: Innovation, content: dict) -> list[Contact]:
    """The team members who chose to be public contacts (ids in the content's `contact_ids`), and they only."""
    return public_contacts_of([(innovation, content)]).get(innovation.id, [])


def public_contacts_of(pairs: Sequence[tuple[Innovation, dict]]) -> dict[int, list[Contact]]:
    """The public contacts of many records at once, by record id: the ids each content names, among the
    record's team (its project's members, or its author), active; in two queries whatever their number."""
    chosen = {innovation.id: {i for i in content.get("contact_ids") or [] if isinstance(i, int)}
              for innovation, content in pairs}
    wanted = set().union(*chosen.values()) if chosen else set()
    if not wanted:
        return {}
    people = {u.id: u for u in db.session.scalars(db.select(User).where(User.id.in_(wanted), User.active))}
    submission_ids = [innovation.submission_id for innovation, _ in pairs if innovation.submission_id is not None]
    members: dict[int, set[int]] = {}
    for submission_id, user_id in db.session.execute(db.select(SubmissionMember.submission_id,
                                                               SubmissionMember.user_id)
                                                     .where(SubmissionMember.submission_id.in_(submission_ids))):
        members.setdefault(submission_id, set()).add(user_id)
    out = {}
    for innovation, _content in pairs:
        team = members.get(innovation.submission_id, set()) if innovation.submission_id is not None \
            else {innovation.created_by_id}
        found = sorted((people[i] for i in chosen[innovation.id] & team if i in people),
                       key=lambda u: (u.last_name, u.first_name, u.id))
        out[innovation.id] = [Contact(u.full_name, u.email) for u in found]
    return out


def sponsors_of(innovation: Innovation) -> list[Sponsor]:
    """The parrains the page shows: active, and listed in the directory (services.innovations.sponsors)."""
    return [Sponsor(person.id, person.full_name, profile.expertise or "")
            for person, profile in sponsors.public_sponsors(innovation)]


def opinions_of(innovation: Innovation) -> list[Opinion]:
    comments = db.session.scalars(
        db.select(ReadinessComment).options(joinedload(ReadinessComment.author))
        .where(ReadinessComment.innovation_id == innovation.id)
        .order_by(ReadinessComment.created_at.desc(), ReadinessComment.id.desc()))
    return [Opinion(c.author.full_name if c.author is not None else "", c.opinion, c.body, c.created_at)
            for c in comments]


def public_replications(innovation: Innovation) -> tuple[list[RegionGroup], list[TakenUp], list[TakenUp]]:
    """The replications the team has answered (before that a request is private), apart by what they are:
    those that count as taking it up (replications.counts_as_taken_up), grouped by région in alphabetical
    order, those without a région last; then the territories only interested, and the abandoned ones, each a
    list in the same order."""
    rows = replications.listed_publicly(innovation)
    since = replications.statuses_since(rows)
    counted: dict[str, list[TakenUp]] = {}
    interested: dict[str, list[TakenUp]] = {}
    abandoned: dict[str, list[TakenUp]] = {}
    for r in rows:
        code = r.region_code or territories.region_of(r.departement_code) or ""
        shown = TakenUp(id=r.id, organisation=r.organisation, territory_name=r.territory_name,
                        departement=", ".join(territories.unsaid_codes(  # not what the name says already
                            r.territory_name or "", departement_code=r.departement_code or "")),
                        region=territories.region_label(code) if code else "", status=r.status,
                        since=since[r.id], variant=r.variant)
        into = counted if replications.counts_as_taken_up(r) else (
            abandoned if r.status == ReplicationStatus.ABANDONED else interested)
        into.setdefault(code, []).append(shown)
    groups = [RegionGroup(territories.region_label(code) if code else str(UNKNOWN_REGION), tuple(counted[code]))
              for code in _by_region(counted)]
    return (groups, [r for code in _by_region(interested) for r in interested[code]],
            [r for code in _by_region(abandoned) for r in abandoned[code]])


def taken_up(innovation: Innovation) -> list[RegionGroup]:
    """The replications that count as taking the innovation up, by région (see public_replications)."""
    return public_replications(innovation)[0]


def _by_region(groups: dict[str, list[TakenUp]]) -> list[str]:
    """The région codes in the dictionary order of their names (« Île-de-France » with the I's), "" (no région
    given) last."""
    return sorted(groups, key=lambda code: (code == "", sort_key(territories.region_label(code) if code else "")))


def _public(query):
    return query.where(Innovation.status == InnovationStatus.PUBLISHED, Innovation.published_version_id.is_not(None))


def lineage(innovation: Innovation) -> tuple[Innovation | None, list[Innovation]]:
    """The public record this one adapts (publiccode.yml's isBasedOn), and the public records adapting it."""
    based_on = None
    if innovation.based_on_id is not None:
        based_on = db.session.scalar(_public(db.select(Innovation).where(Innovation.id == innovation.based_on_id)))
    derived = list(db.session.scalars(_public(db.select(Innovation).where(Innovation.based_on_id == innovation.id))
                                      .order_by(Innovation.title)))
    return based_on, derived


def origin_of(innovation: Innovation) -> Origin | None:
    if innovation.call_id is None:
        return None
    call = db.session.scalar(db.select(Call).where(Call.id == innovation.call_id).options(
        selectinload(Call.owner_unit).selectinload(OrgUnit.parent).selectinload(OrgUnit.parent)))
    funder = call.owner_unit.lineage()[0].name if call.owner_unit is not None else ""
    return Origin(call_title=call.title, call_slug=call.slug if call.phase != CallPhase.DRAFT else None,
                  prize=innovation.prize, funder=funder)


# --- history -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class HistoryEntry:
    number: int
    status: VersionStatus
    at: datetime
    change_note: str  # the team's note to the checkers: in the team's history only
    changed: tuple[str, ...]  # labels of the fields it changed
    first: bool  # the oldest listed: the first publication (public history) or the first version


def history(innovation: Innovation, *, public: bool) -> list[HistoryEntry]:
    """The versions, newest first, each dated (its approval, or its saving) with the labels of what it changed;
    the public history has the approved versions only (services.innovations.records.history), each with the
    fields changed since the approved version before it, and none of the team's notes: they are written for
    the checkers, and may speak of drafts the public never saw."""
    from .records import history as versions_history

    found = versions_history(innovation, public=public)
    return [HistoryEntry(version.number, version.status,
                         version.checked_at if public and version.checked_at else version.created_at,
                         "" if public else version.change_note, tuple(str(fields.LABELS[name]) for name in changed),
                         first=index == len(found) - 1)
            for index, (version, changed) in enumerate(found)]


# --- findable: schema.org and the sitemap -------------------------------------------------------------------

def json_ld(page: InnovationPage, *, url: str, based_on_url: str | None = None,
            derived_urls: tuple[str, ...] = ()) -> dict:
    """The record as schema.org's CreativeWork ("Project" is still a pending type): what it is about, where,
    under which licence, what it adapts and what adapts it, and the call and prize it came from."""
    content, innovation = page.content, page.innovation
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": "CreativeWork", "@id": url, "url": url,
                            "name": page.title, "inLanguage": "fr"}
    if page.summary:
        data["description"] = page.summary
    theme = choice(Theme, content.get("theme"))
    if theme is not None:
        data["about"] = {"@type": "Thing", "name": str(theme.label)}
    if content.get("organisation"):
        data["creator"] = {"@type": "Organization", "name": content["organisation"]}
    place = _place(page)
    if place:
        data["spatialCoverage"] = place
    if page.licence is not None:
        data["license"] = LICENCE_URLS.get(page.licence, str(page.licence.label))
    if innovation.first_published_at is not None:
        data["datePublished"] = innovation.first_published_at.isoformat()
    modified = innovation.published_at if page.is_public_version else (page.version.created_at if page.version
                                                                       else None)
    if modified is not None:
        data["dateModified"] = modified.isoformat()
    if based_on_url:
        data["isBasedOn"] = based_on_url
    if derived_urls:
        data["workExample"] = list(derived_urls)
    if page.origin is not None:
        if page.origin.funder:
            data["funder"] = {"@type": "Organization", "name": page.origin.funder}
        if page.origin.prize:
            data["award"] = f"{page.origin.prize} – {page.origin.call_title}"
    return data


def _place(page: InnovationPage) -> dict:
    content = page.content
    address: dict[str, str] = {"@type": "PostalAddress", "addressCountry": "FR"}
    if content.get("territory_name"):
        address["addressLocality"] = content["territory_name"]
    if page.region:
        address["addressRegion"] = page.region
    if len(address) == 2:
        return {}
    place: dict[str, Any] = {"@type": "Place", "address": address}
    if content.get("territory_name"):
        place["name"] = content["territory_name"]
    return place


@dataclass(frozen=True)
class SitemapRecord:
    slug: str
    lastmod: datetime | None


def sitemap_records() -> list[SitemapRecord]:
    """Every public record, with the date of its published version."""
    rows = db.session.execute(_public(db.select(Innovation.slug, Innovation.published_at)).order_by(Innovation.slug))
    return [SitemapRecord(slug, published_at) for slug, published_at in rows]


def public_call_slugs() -> list[str]:
    return list(db.session.scalars(db.select(Call.slug).where(Call.phase != CallPhase.DRAFT).order_by(Call.slug)))


# --- the printable sheet -------------------------------------------------------------------------------------

SHEET_SECTIONS = ("problem", "solution", "results", "costs", "replication")
# The sheet gives the economic model in a line (first year's cost, share of public money) with the fields its
# section had before the grid; the page has the whole grid.
SHEET_COSTS = ("economic_model", "funding", "cost_setup", "cost_recurring", "cost_per_user")
SHEET_CONTACTS = 4  # the contacts the sheet names; the page of the innovation has them all
SHEET_FLOOR = 120  # the shortest a long text is cut to
SHEET_STEP = 0.8  # how much shorter the texts get each time the sheet is still too long


def sheet_section(page: InnovationPage, key: str) -> SectionView:
    """A section as the sheet shows it: the costs with SHEET_COSTS only, the others whole."""
    section = page.sections[key]
    if key != "costs":
        return section
    return SectionView(section.key, section.title, tuple(i for i in section.items if i.name in SHEET_COSTS))


def _sheet_texts(page: InnovationPage) -> list[int]:
    return sorted(len(item.value) for key in SHEET_SECTIONS for item in sheet_section(page, key).items if item.long)


def sheet_cut(page: InnovationPage, *, room: int = 2900, per_field: int = 40, per_line: int = 50,
              floor: int = SHEET_FLOOR) -> int | None:
    """How many characters each long text of the one-page sheet keeps, or None when all fit: the texts share
    `room` characters (less `per_field` for each one's heading, and `per_line` for each line of what is never
    cut: the short values, the contacts, the replications' line), the short ones whole, the long ones cut to
    the same length. A first guess: one_page_sheet cuts further while the sheet would take two pages. The
    sheet gives the page's address for the whole text."""
    lengths = _sheet_texts(page)
    lines = sum(1 for key in SHEET_SECTIONS for item in sheet_section(page, key).items if not item.long)
    lines += min(len(page.contacts), SHEET_CONTACTS) + (1 if page.taken_up_count else 0)
    lines += 1 if page.economic is not None and (page.economic.first_year_cost is not None
                                                 or page.economic.public_share is not None) else 0
    left = room - per_field * len(lengths) - per_line * lines
    if sum(lengths) <= left:
        return None
    for done, length in enumerate(lengths):
        share = left // (len(lengths) - done)
        if length > share:
            return max(share, floor)
        left -= length
    return None


def _sheet_document(html: str, stylesheet: str):
    """The sheet laid out by WeasyPrint (services.pdf): nothing is fetched, a link in a record's content stays
    a link, an image address never becomes a request."""
    from .. import pdf

    return pdf.document(html, stylesheet)


def sheet_pdf(*, html: str, stylesheet: str) -> bytes:
    """The sheet's HTML and print stylesheet as PDF, fetching nothing (see _sheet_document)."""
    return _sheet_document(html, stylesheet).write_pdf()


def one_page_sheet(page: InnovationPage, *, html_of: Callable[[int | None], str], stylesheet: str) -> bytes:
    """The printable sheet of `page` as a one-page PDF. `html_of(limit)` is the sheet's HTML with each long
    text cut to `limit` characters (None: whole); the first try cuts them as sheet_cut says, and while the
    sheet takes more than one page they are cut shorter, by SHEET_STEP at a time down to SHEET_FLOOR."""
    limit = sheet_cut(page)
    longest = (_sheet_texts(page) or [0])[-1]
    while True:
        document = _sheet_document(html_of(limit), stylesheet)
        current = limit if limit is not None else longest
        if len(document.pages) <= 1 or current <= SHEET_FLOOR:
            return document.write_pdf()
        limit = max(SHEET_FLOOR, int(current * SHEET_STEP))
