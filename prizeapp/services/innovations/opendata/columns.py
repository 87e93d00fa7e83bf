"""The open data's datasets: the licence and language of the data, the columns of the catalogue and of the
replications (each column's name, type, meaning, example and how its value is read), and the loading of the
public records and replications those columns read.

One list of columns per dataset (INNOVATION_COLUMNS, REPLICATION_COLUMNS here, GRANT_COLUMNS in grants) gives
each column's name, type, meaning and example, and how its value is read: the CSV writers, the JSON objects,
the JSON Schemas of the API and the documentation of the open-data page are all made from it, so they cannot
drift apart.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from flask import url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ....core import economic_model, territories
from ....enums import (
    CallPhase,
    CostBand,
    EvidenceLevel,
    InnovationStatus,
    Licence,
    PublicDependency,
    Readiness,
    ReplicationStatus,
    ResourceKind,
    TerritoryKind,
    Theme,
)
from ....extensions import db
from ....models import (
    Call,
    Innovation,
    InnovationDocument,
    InnovationVersion,
    Replication,
)
from ....models.org import OrgUnit
from .. import content as fields
from .. import pages, replications

# The platform's own data (the catalogue, the replications, the grants) is under the Licence Ouverte 2.0;
# each record's documents and tools are under the licence the record gives.
DATA_LICENCE = Licence.ETALAB
DATA_LICENCE_NAME = "Licence Ouverte 2.0 (Etalab)"
DATA_LICENCE_URL = pages.LICENCE_URLS[Licence.ETALAB]
DATA_LANGUAGE = "fr"  # of the labels in the data; the descriptions of the columns follow the reader's language


# --- columns --------------------------------------------------------------------------------------------------

KINDS = {
    "string": _l("text"),
    "code": _l("code (see the values)"),
    "integer": _l("integer"),
    "number": _l("decimal number, with a point"),
    "date": _l("date (YYYY-MM-DD)"),
    "datetime": _l("date and time (ISO 8601, UTC)"),
    "uri": _l("web address (URL)"),
    "boolean": _l("“oui” or “non”"),
}


@dataclass(frozen=True)
class Column:
    """One column of a dataset: its name in the files and the JSON, its type (a key of KINDS), what it means,
    an example, and how its value is read from a row. `values` is the vocabulary of a code; `csv` and `json`
    say where it appears (a list flattened into one CSV cell has a structured twin in the JSON)."""

    name: str
    kind: str
    description: Any  # a lazy string
    example: Any
    value: Callable[[Any], Any]
    values: tuple = ()
    csv: bool = True
    json: bool = True

    @property
    def kind_label(self) -> str:
        return str(KINDS[self.kind])

    def csv_cell(self, row) -> Any:
        value = self.value(row)
        return _instant(value) if isinstance(value, datetime) else value

    def json_value(self, row) -> Any:
        return json_value(self.value(row))


def json_value(value: Any) -> Any:
    """A value as JSON has it: empty text is null, amounts are numbers, dates and instants ISO 8601 strings."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return _instant(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _instant(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _values(vocabulary) -> tuple[str, ...]:
    return tuple(member.value for member in vocabulary)


def _region_code(content: dict) -> str:
    return content.get("region_code") or territories.region_of(content.get("departement_code", "")) or ""


def _departement_name(code: str) -> str:
    entry = territories.DEPARTEMENTS.get(code or "")
    return entry[0] if entry else ""


def _french_label(vocabulary, value) -> str:
    member = pages.choice(vocabulary, value)
    if member is None:
        return ""
    with force_locale(DATA_LANGUAGE):
        return str(member.label)


@dataclass
class Record:
    """A public record with what its columns read, loaded for many records at once (see `load`)."""

    innovation: Innovation
    version: InnovationVersion
    call: Call | None = None
    funder: str = ""  # the organisation of the call's owner unit
    based_on: Innovation | None = None
    derived: list[Innovation] = field(default_factory=list)
    contacts: list[pages.Contact] = field(default_factory=list)
    documents: list[InnovationDocument] = field(default_factory=list)
    replications: list[Replication] = field(default_factory=list)

    @property
    def content(self) -> dict:
        return self.version.content

    @property
    def replications_count(self) -> int:
        """As the catalogue counts them (replications.counts_as_taken_up)."""
        return sum(1 for r in self.replications if replications.counts_as_taken_up(r))


def _text(name: str) -> Callable[[Record], Any]:
    return lambda r: r.content.get(name) or ""


def _money(name: str) -> Callable[[Record], Any]:
    return lambda r: fields.money(r.content, name)


def _phase_date(stage: Readiness) -> Callable[[Record], Any]:
    def read(r: Record) -> date | None:
        try:
            return date.fromisoformat((r.content.get("phase_dates") or {}).get(stage.value) or "")
        except ValueError:
            return None

    return read


def _evidence_level(r: Record) -> int | None:
    level = r.content.get("evidence_level")
    return int(level) if level in _values(EvidenceLevel) else None


def page_url(slug: str) -> str:
    return url_for("catalogue.page", slug=slug, _external=True)


def api_url(slug: str) -> str:
    return url_for("api.innovation", slug=slug, _external=True)


def document_url(innovation: Innovation, document: InnovationDocument) -> str:
    return url_for("innovation_editor.document", slug=innovation.slug, document_id=document.id, _external=True)


def _share_of(kind: ResourceKind) -> Callable[[Record], Any]:
    return lambda r: economic_model.shares(r.content).get(kind.value)


def _secured_until(kind: ResourceKind | None = None) -> Callable[[Record], Any]:
    """The date a resource kind is secured until; without a kind, the earliest of them."""
    def read(r: Record) -> date | None:
        if kind is None:
            return economic_model.secured_until(r.content)
        found = next((item.get("secured_until") for item in r.content.get("resources") or ()
                      if isinstance(item, dict) and item.get("kind") == kind.value), None)
        try:
            return date.fromisoformat(found) if found else None
        except ValueError:
            return None

    return read


def resources_of(content: dict) -> list[dict]:
    """The grid's resources as the JSON gives them: kind, share (percent) and the date secured until (or null),
    in the grid's order."""
    until = {item.get("kind"): item.get("secured_until") for item in content.get("resources") or ()
             if isinstance(item, dict)}
    return [{"kind": kind, "share": share, "secured_until": until.get(kind) or None}
            for kind, share in economic_model.shares(content).items()]


def _long(name: str, example: str) -> Column:
    """A text of the record, described by the label its form gives it."""
    return Column(name, "string", fields.LABELS[name], example, _text(name))


INNOVATION_COLUMNS: tuple[Column, ...] = (
    Column("slug", "string", _l("Identifier of the record, as in the address of its page"),
           "conciergerie-solidaire-des-aidants", lambda r: r.innovation.slug),
    Column("url", "uri", _l("Address of the record's page"),
           "https://prix.example.gouv.fr/innovations/conciergerie-solidaire-des-aidants",
           lambda r: page_url(r.innovation.slug)),
    Column("api_url", "uri", _l("Address of the record in the API"),
           "https://prix.example.gouv.fr/api/v1/innovations/conciergerie-solidaire-des-aidants",
           lambda r: api_url(r.innovation.slug)),
    Column("title", "string", _l("Name of the innovation"), "Conciergerie solidaire des aidants",
           _text("title")),
    Column("summary", "string", _l("The innovation in one or two sentences"),
           "Un guichet unique qui soulage les aidants.", _text("summary")),
    Column("theme", "code", _l("Theme, by its code"), "social", _text("theme"), values=_values(Theme)),
    Column("theme_label", "string", _l("Theme, in words (French)"), "Action sociale et solidarités",
           lambda r: _french_label(Theme, r.content.get("theme"))),
    Column("organisation", "string", fields.LABELS["organisation"], "Ville d'Exempleville", _text("organisation")),
    Column("territory_name", "string", _l("Territory where it works"), "Exempleville", _text("territory_name")),
    Column("commune_code", "string", _l("Commune's official code (code officiel géographique, INSEE)"), "35238",
           _text("commune_code")),
    Column("departement_code", "string", _l("Département's official code (INSEE)"), "35",
           _text("departement_code")),
    Column("departement_name", "string", _l("Département's name"), "Ille-et-Vilaine",
           lambda r: _departement_name(r.content.get("departement_code", ""))),
    Column("region_code", "string", _l("Région's official code (INSEE)"), "53",
           lambda r: _region_code(r.content)),
    Column("region_name", "string", _l("Région's name"), "Bretagne",
           lambda r: territories.REGIONS.get(_region_code(r.content), "")),
    Column("territory_kind", "code", _l("Type of territory"), "urban", _text("territory_kind"),
           values=_values(TerritoryKind)),
    Column("readiness", "code", _l("Stage: idea, experiment, in operation, taken up elsewhere"), "operating",
           _text("readiness"), values=_values(Readiness)),
    *(Column(f"date_{stage.value}", "date", _l("Date the stage “%(stage)s” began", stage=stage.label),
             "2024-09-01", _phase_date(stage), json=False) for stage in Readiness),
    Column("evidence_level", "integer", _l("Evidence level of the results, from 1 (a described theory of change) "
                                           "to 5 (results reproduced elsewhere), after Nesta's standards"),
           2, _evidence_level, values=tuple(int(v) for v in _values(EvidenceLevel))),
    _long("results", "320 aidants accompagnés la première année."),
    _long("expected_results", "400 aidants accompagnés par an."),
    _long("evidence", "Questionnaire avant et après."),
    _long("problem", "Les aidants familiaux s'épuisent faute de relais."),
    _long("affected", "Les aidants familiaux."),
    _long("solution", "Une conciergerie de répit avec des bénévoles formés."),
    _long("beneficiaries", "Aidants et aidés."),
    Column("beneficiaries_count", "integer", fields.LABELS["beneficiaries_count"], 400,
           lambda r: r.content.get("beneficiaries_count")),
    Column("cost_band", "code", _l("First year's cost (set-up and one year of running), in bands"), "under_50k",
           lambda r: r.innovation.cost_band.value if r.innovation.cost_band else "", values=_values(CostBand)),
    Column("cost_setup", "number", _l("Set-up cost, in euros"), "15000.00", _money("cost_setup")),
    Column("cost_recurring", "number", _l("Running cost per year, in euros"), "30000.00", _money("cost_recurring")),
    Column("cost_per_user", "number", _l("Cost per person served, in euros"), "75.00", _money("cost_per_user")),
    _long("economic_model", "Financement communal et CAF."),
    _long("funding", "Ville, CAF"),
    # The economic-model grid (core.economic_model): the value for each side, the costs avoided, the resources.
    Column("beneficiary_value", "string", _l("What the innovation brings those it serves"),
           "Du répit, un interlocuteur unique.", _text("beneficiary_value")),
    Column("payer_value", "string", _l("What it brings those who pay for it"),
           "Moins d'hospitalisations d'aidants épuisés.", _text("payer_value")),
    Column("costs_avoided", "number", _l("Costs avoided for the administration per year, in euros"), "8000.00",
           _money("costs_avoided")),
    Column("costs_avoided_how", "string", _l("How these costs are avoided"),
           "Moins de placements d'urgence.", _text("costs_avoided_how")),
    Column("public_share", "integer", _l("Share of public money in the resources, in percent (public subsidy, "
                                         "purchase by a public body, pooling); empty unless the shares add up "
                                         "to 100"), 70, lambda r: economic_model.public_share(r.content)),
    Column("public_dependency", "code", _l("Dependency on public money: low (under a third), mixed, high (over "
                                           "two thirds)"), "high", lambda r: economic_model.dependency(r.content),
           values=_values(PublicDependency)),
    *(Column(f"share_{kind.value}", "integer", _l("Share of the resources from “%(kind)s”, in percent",
                                                  kind=kind.label), 40, _share_of(kind), json=False)
      for kind in ResourceKind),
    *(Column(f"secured_until_{kind.value}", "date", _l("Date until which “%(kind)s” is secured", kind=kind.label),
             "2027-12-31", _secured_until(kind), json=False) for kind in ResourceKind),
    Column("resources_secured_until", "date", _l("Date until which the first resource to run out is secured"),
           "2027-12-31", _secured_until()),
    Column("human_resources", "string", _l("Human resources it takes"), "Un coordinateur à mi-temps, 12 bénévoles.",
           _text("human_resources")),
    Column("partners", "string", _l("Partners and alliances"), "CCAS, CAF, associations d'aidants.",
           _text("partners")),
    Column("local_costs", "string", _l("What a territory taking it up pays for locally"),
           "Le temps du coordinateur et un local.", _text("local_costs")),
    _long("fixed_core", "Le guichet unique et la formation des bénévoles."),
    _long("adaptable", "Les horaires, les lieux."),
    _long("conditions_skills", "Un coordinateur à mi-temps."),
    _long("conditions_partners", "CCAS, associations d'aidants."),
    _long("conditions_legal", "Convention avec le CCAS."),
    _long("conditions_data", "Liste des aidants connus du CCAS."),
    _long("conditions_tools", "Un agenda partagé."),
    Column("licence", "code", _l("Licence of the record's documents and tools (SPDX identifier)"), "etalab-2.0",
           _text("licence"), values=_values(Licence)),
    Column("links", "string", _l("Addresses of the record's links, separated by spaces"),
           "https://exemple.fr/guide", lambda r: " ".join(link["url"] for link in pages.links_of(r.content)),
           json=False),
    Column("contact_email", "string", fields.LABELS["contact_email"], "aidants@exempleville.fr",
           _text("contact_email")),
    Column("contacts", "string", _l("The team members who chose to be public contacts, as “Name <email>”, "
                                    "separated by commas"), "Camille Martin <camille.martin@exempleville.fr>",
           lambda r: ", ".join(f"{c.name} <{c.email}>" for c in r.contacts), json=False),
    Column("call_slug", "string", _l("Identifier of the call the innovation came from"), "prix-innovation-2025",
           lambda r: r.call.slug if r.call is not None else ""),
    Column("call_title", "string", _l("Title of the call the innovation came from"),
           "Prix de l'innovation publique 2025", lambda r: r.call.title if r.call is not None else ""),
    Column("prize", "string", _l("Prize or mention it received"), "Premier prix", lambda r: r.innovation.prize),
    Column("year", "integer", _l("Year of the call, or of its first publication"), 2025,
           lambda r: r.innovation.year),
    Column("based_on", "string", _l("Identifier of the record this innovation adapts (publiccode.yml's "
                                    "isBasedOn)"), "", lambda r: r.based_on.slug if r.based_on else ""),
    Column("replications_count", "integer", _l("Number of territories taking it up (answered, and preparing, "
                                               "launched or in operation)"), 3,
           lambda r: r.replications_count),
    Column("version", "integer", _l("Number of the published version of the record"), 2,
           lambda r: r.version.number),
    Column("first_published_at", "datetime", _l("When the record was first published"), "2025-06-12T09:30:00Z",
           lambda r: r.innovation.first_published_at),
    Column("published_at", "datetime", _l("When the version shown was published"), "2025-11-03T14:05:00Z",
           lambda r: r.innovation.published_at),
)


def _replication_region(r: Replication) -> str:
    return r.region_code or territories.region_of(r.departement_code) or ""


REPLICATION_COLUMNS: tuple[Column, ...] = (
    Column("id", "integer", _l("Identifier of the replication"), 17, lambda x: x.id),
    Column("innovation_slug", "string", _l("Identifier of the innovation taken up"),
           "conciergerie-solidaire-des-aidants", lambda x: x.innovation.slug),
    Column("innovation_url", "uri", _l("Address of the page of the innovation taken up"),
           "https://prix.example.gouv.fr/innovations/conciergerie-solidaire-des-aidants",
           lambda x: page_url(x.innovation.slug)),
    Column("organisation", "string", _l("Organisation taking it up"), "Communauté de communes du Val",
           lambda x: x.organisation),
    Column("territory_name", "string", _l("Territory where it is taken up"), "Val-sur-Rance",
           lambda x: x.territory_name),
    Column("commune_code", "string", _l("Commune's official code (code officiel géographique, INSEE)"), "22050",
           lambda x: x.commune_code),
    Column("departement_code", "string", _l("Département's official code (INSEE)"), "22",
           lambda x: x.departement_code),
    Column("departement_name", "string", _l("Département's name"), "Côtes-d'Armor",
           lambda x: _departement_name(x.departement_code)),
    Column("region_code", "string", _l("Région's official code (INSEE)"), "53", _replication_region),
    Column("region_name", "string", _l("Région's name"), "Bretagne",
           lambda x: territories.REGIONS.get(_replication_region(x), "")),
    Column("territory_kind", "code", _l("Type of territory"), "rural",
           lambda x: x.territory_kind.value if x.territory_kind else "", values=_values(TerritoryKind)),
    Column("status", "code", _l("Where it stands: interested, preparing, launched, in operation, abandoned"),
           "preparing", lambda x: x.status.value, values=_values(ReplicationStatus)),
    Column("status_label", "string", _l("Where it stands, in words (French)"), "En préparation",
           lambda x: _french_label(ReplicationStatus, x.status.value)),
    Column("variant", "string", _l("What was adapted (publiccode.yml's isBasedOn)"),
           "Permanences itinérantes dans les mairies.", lambda x: x.variant),
    Column("requested_at", "datetime", _l("When the territory asked to take it up"), "2025-09-02T08:00:00Z",
           lambda x: x.created_at),
    Column("answered_at", "datetime", _l("When the innovation's team first answered"), "2025-09-04T10:12:00Z",
           lambda x: x.answered_at),
    Column("status_since", "datetime", _l("When it reached its current status"), "2025-10-15T16:40:00Z",
           lambda x: x.status_since),
    Column("updated_at", "datetime", _l("Last change"), "2025-10-15T16:40:00Z", lambda x: x.updated_at),
)


# --- loading public records ---------------------------------------------------------------------------------

def public_query():
    return db.select(Innovation).where(Innovation.status == InnovationStatus.PUBLISHED,
                                       Innovation.published_version_id.is_not(None))


def public_innovations() -> list[Innovation]:
    """Every public record, the latest published first (ties by id)."""
    return list(db.session.scalars(public_query().order_by(Innovation.published_at.desc(), Innovation.id.desc())))


def public_by_slug(slug: str) -> Innovation | None:
    return db.session.scalar(public_query().where(Innovation.slug == slug))


def public_call_id(slug: str) -> int | None:
    """The id of the call with this slug, when its page is public (any phase but the draft)."""
    return db.session.scalar(db.select(Call.id).where(Call.slug == slug, Call.phase != CallPhase.DRAFT))


def _contacts(innovations: Sequence[Innovation], versions: dict[int, InnovationVersion]
              ) -> dict[int, list[pages.Contact]]:
    """The public contacts of many records at once, by the rule of their page."""
    return pages.public_contacts_of([(i, versions[i.published_version_id].content) for i in innovations])


def _funders(calls: Iterable[Call]) -> dict[int, str]:
    """The organisation of each call's owner unit, by call id (a call's page names it as its funder)."""
    return {c.id: org.name for c in calls if (org := _organisation_of(c.owner_unit_id)) is not None}


def _organisation_of(unit_id: int | None) -> OrgUnit | None:
    """The organisation (top of the chart) a unit belongs to."""
    unit = db.session.get(OrgUnit, unit_id) if unit_id is not None else None
    return unit.lineage()[0] if unit is not None else None


def public_replications(innovation_ids: Sequence[int] | None = None) -> list[Replication]:
    """The replications of public records that their team (or a parrain) answered, oldest answer first."""
    query = (db.select(Replication).join(Innovation, Innovation.id == Replication.innovation_id)
             .where(Replication.answered_at.is_not(None), Innovation.status == InnovationStatus.PUBLISHED,
                    Innovation.published_version_id.is_not(None))
             .options(selectinload(Replication.innovation))
             .order_by(Replication.answered_at, Replication.id))
    if innovation_ids is not None:
        query = query.where(Replication.innovation_id.in_(list(innovation_ids) or [-1]))
    found = list(db.session.scalars(query))
    _date_statuses(found)
    return found


def _date_statuses(found: list[Replication]) -> None:
    """Set `status_since` on each: when it reached its current status (replications.statuses_since, the date
    the pages give too)."""
    since = replications.statuses_since(found)
    for replication in found:
        replication.status_since = since[replication.id]  # type: ignore[attr-defined]  (read by its Column)


def load(innovations: Sequence[Innovation], *, full: bool = False) -> list[Record]:
    """The records of `innovations` (public ones), in their order, with what their columns read; `full` adds
    their documents and replications (the JSON of one record, and the exports), each in one query."""
    if not innovations:
        return []
    ids = [i.id for i in innovations]
    versions = {v.id: v for v in db.session.scalars(db.select(InnovationVersion).where(
        InnovationVersion.id.in_([i.published_version_id for i in innovations])))}
    call_ids = {i.call_id for i in innovations if i.call_id is not None}
    calls = {c.id: c for c in db.session.scalars(db.select(Call).where(Call.id.in_(call_ids)))} if call_ids else {}
    funders = _funders(calls.values())
    parents = {i.based_on_id for i in innovations if i.based_on_id is not None}
    related = {i.id: i for i in db.session.scalars(public_query().where(
        db.or_(Innovation.id.in_(parents or {-1}), Innovation.based_on_id.in_(ids))))}
    contacts = _contacts(innovations, versions)
    documents: dict[int, list[InnovationDocument]] = {}
    answered: dict[int, list[Replication]] = {}
    for replication in public_replications(ids):
        answered.setdefault(replication.innovation_id, []).append(replication)
    if full:
        for document in db.session.scalars(db.select(InnovationDocument).where(
                InnovationDocument.innovation_id.in_(ids)).order_by(InnovationDocument.id)):
            documents.setdefault(document.innovation_id, []).append(document)
    out = []
    for innovation in innovations:
        call = calls.get(innovation.call_id)
        out.append(Record(
            innovation=innovation, version=versions[innovation.published_version_id],
            call=call if call is not None and call.phase != CallPhase.DRAFT else None,
            funder=funders.get(innovation.call_id, ""), based_on=related.get(innovation.based_on_id),
            derived=sorted((r for r in related.values() if r.based_on_id == innovation.id), key=lambda r: r.slug),
            contacts=contacts.get(innovation.id, []), documents=documents.get(innovation.id, []),
            replications=answered.get(innovation.id, [])))
    return out
