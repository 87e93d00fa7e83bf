"""The catalogue's public records and the replications their teams answered as files: CSV, JSON (the shapes
of the API's schemas) and JSON-LD (schema.org, as the records' pages describe themselves); and when that public
data last changed (the Last-Modified of the files and of the API).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from flask_babel import force_locale

from ....core import spreadsheet
from ....enums import InnovationStatus, Licence, Readiness
from ....extensions import db
from ....models import AuditEvent, Innovation, InnovationDocument, Replication
from ...audit import AuditAction
from .. import pages
from .columns import (
    DATA_LANGUAGE,
    DATA_LICENCE,
    DATA_LICENCE_NAME,
    DATA_LICENCE_URL,
    INNOVATION_COLUMNS,
    REPLICATION_COLUMNS,
    Column,
    Record,
    _instant,
    document_url,
    json_value,
    load,
    page_url,
    public_innovations,
    public_replications,
    resources_of,
)

# --- the catalogue as CSV, JSON and JSON-LD -----------------------------------------------------------------

def csv_of(columns: Sequence[Column], rows: Iterable) -> str:
    chosen = [c for c in columns if c.csv]
    return spreadsheet.to_open_data_csv([c.name for c in chosen], ([c.csv_cell(row) for c in chosen]
                                                                    for row in rows))


def innovations_csv() -> str:
    return csv_of(INNOVATION_COLUMNS, load(public_innovations()))


def _replication_item(replication: Replication) -> dict:
    return {c.name: c.json_value(replication) for c in REPLICATION_COLUMNS if c.json}


def summary_item(record: Record) -> dict:
    """A record as the API lists it (schema InnovationSummary): its columns, with its stages' dates, links,
    public contacts and the resources of its economic model as structures."""
    item = {c.name: c.json_value(record) for c in INNOVATION_COLUMNS if c.json}
    dates = record.content.get("phase_dates") or {}
    item["phase_dates"] = {stage.value: dates.get(stage.value) for stage in Readiness}
    item["links"] = [{"title": link.get("title") or None, "url": link["url"]} for link in
                     pages.links_of(record.content)]
    item["contacts"] = [{"name": c.name, "email": c.email} for c in record.contacts]
    item["resources"] = resources_of(record.content)
    return item


def full_item(record: Record) -> dict:
    """A record with its documents and the replications its team answered (schema Innovation)."""
    item = summary_item(record)
    item["documents"] = [{"title": d.title or None, "name": d.display_name, "content_type": d.content_type,
                          "size": d.size, "sha256": d.sha256, "uploaded_at": _instant(d.uploaded_at),
                          "url": document_url(record.innovation, d)} for d in record.documents]
    item["replications"] = [_replication_item(r) for r in record.replications]
    return item


def _licence() -> dict:
    return {"id": DATA_LICENCE.value, "name": DATA_LICENCE_NAME, "url": DATA_LICENCE_URL}


def innovations_json() -> dict:
    """Every public record in full (schema InnovationsExport)."""
    records = load(public_innovations(), full=True)
    return {"licence": _licence(), "updated_at": json_value(last_change()), "count": len(records),
            "innovations": [full_item(r) for r in records]}


def creative_work(record: Record) -> dict:
    """A record as schema.org's CreativeWork, exactly as its page describes itself (pages.json_ld)."""
    content = record.content
    page = pages.InnovationPage(
        innovation=record.innovation, version=record.version, content=content, sections={}, phases=[],
        links=pages.links_of(content), licence=pages.choice(Licence, content.get("licence")), cost_band=None,
        impact=None,  # type: ignore[arg-type]  (json_ld reads neither the impact nor the sections)
        origin=pages.Origin(call_title=record.call.title, call_slug=record.call.slug, prize=record.innovation.prize,
                            funder=record.funder) if record.call is not None else None)
    url = page_url(record.innovation.slug)
    described = pages.json_ld(page, url=url,
                              based_on_url=page_url(record.based_on.slug) if record.based_on else None,
                              derived_urls=tuple(page_url(r.slug) for r in record.derived))
    described.pop("@context", None)
    return described


def innovations_jsonld(*, name: str, catalogue_url: str) -> dict:
    """The catalogue as a schema.org ItemList of CreativeWork items (the latest published first), itself a
    CreativeWork under the Licence Ouverte."""
    records = load(public_innovations())
    modified = last_change()
    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": ["ItemList", "CreativeWork"], "name": name,
        "url": catalogue_url, "inLanguage": DATA_LANGUAGE, "license": DATA_LICENCE_URL,
        "itemListOrder": "https://schema.org/ItemListOrderDescending", "numberOfItems": len(records),
        "itemListElement": []}
    with force_locale(DATA_LANGUAGE):  # the words of the vocabularies in the data's language, for every reader
        data["itemListElement"] = [{"@type": "ListItem", "position": n, "url": page_url(r.innovation.slug),
                                    "item": creative_work(r)} for n, r in enumerate(records, start=1)]
    if modified is not None:
        data["dateModified"] = _instant(modified)
    return data


def replications_csv() -> str:
    return csv_of(REPLICATION_COLUMNS, public_replications())


def replications_json() -> dict:
    """Every public replication (schema ReplicationsExport)."""
    found = public_replications()
    return {"licence": _licence(), "updated_at": json_value(replications_last_change()), "count": len(found),
            "replications": [_replication_item(r) for r in found]}


# --- when the public data last changed ------------------------------------------------------------------------

# Changes that take something out of the public data leave no date on what remains: the audit log has them.
_REMOVALS = (AuditAction.INNOVATION_WITHDRAWN.value, AuditAction.INNOVATION_DOCUMENT_REMOVED.value)


def _latest(*moments: datetime | None) -> datetime | None:
    found = [m.replace(tzinfo=UTC) if m.tzinfo is None else m for m in moments if m is not None]
    return max(found) if found else None


def last_change(innovation: Innovation | None = None) -> datetime | None:
    """When the public catalogue (or one public record) last changed: the latest of its publications, its
    documents' uploads, its public replications' changes, and the withdrawals and document removals."""
    public = [Innovation.status == InnovationStatus.PUBLISHED, Innovation.published_version_id.is_not(None)]
    own_innovation = [Innovation.id == innovation.id] if innovation is not None else []
    own_document = [InnovationDocument.innovation_id == innovation.id] if innovation is not None else []
    own_replication = [Replication.innovation_id == innovation.id] if innovation is not None else []
    own_event = [AuditEvent.object_type == "innovation", AuditEvent.object_id == innovation.id] \
        if innovation is not None else []
    queries = [
        db.select(db.func.max(Innovation.published_at)).where(*public, *own_innovation),
        db.select(db.func.max(InnovationDocument.uploaded_at)).join(
            Innovation, Innovation.id == InnovationDocument.innovation_id).where(*public, *own_document),
        db.select(db.func.max(Replication.updated_at)).join(Innovation, Innovation.id == Replication.innovation_id)
        .where(*public, Replication.answered_at.is_not(None), *own_replication),
        db.select(db.func.max(AuditEvent.at)).where(AuditEvent.action.in_(_REMOVALS), *own_event),
    ]
    row = db.session.execute(db.select(*(q.scalar_subquery() for q in queries))).one()
    return _latest(*(_as_datetime(value) for value in row))


def _as_datetime(value) -> datetime | None:
    """max() over a UTC column comes back as the database gives it (SQLite: text)."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def replications_last_change() -> datetime | None:
    value = db.session.scalar(
        db.select(db.func.max(Replication.updated_at)).join(Innovation, Innovation.id == Replication.innovation_id)
        .where(Replication.answered_at.is_not(None), Innovation.status == InnovationStatus.PUBLISHED,
               Innovation.published_version_id.is_not(None)))
    return _latest(_as_datetime(value))
