"""The public catalogue's list: French full-text search, filters, sorts, pages and facet counts, over the
records that are public (published, with a published version) and nothing else.

A page costs the same few queries whatever the catalogue's size: one count, one query for the page's cards
(with their call and their number of replications), one for every facet's counts (a UNION ALL of grouped
queries), and one for the titles of the calls in the call facet.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import String, cast, literal_column
from sqlalchemy.orm import joinedload
from sqlalchemy.sql import ColumnElement, Select

from ...enums import CostBand, EvidenceLevel, InnovationStatus, PublicDependency, Readiness, TerritoryKind, Theme
from ...extensions import db
from ...models import Call, Innovation, Replication
from ..paging import PageNumbers
from . import replications
from . import search as text_search

RELEVANCE, RECENCY, REPLICATIONS = "relevance", "recency", "replications"
SORTS = (RELEVANCE, RECENCY, REPLICATIONS)
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class Filters:
    """What the list is narrowed to; None leaves a filter out. `evidence_level` is a minimum: "at least
    level N"."""

    theme: Theme | None = None
    territory_kind: TerritoryKind | None = None
    region_code: str | None = None
    departement_code: str | None = None
    organisation: str | None = None
    evidence_level: EvidenceLevel | None = None
    readiness: Readiness | None = None
    cost_band: CostBand | None = None
    public_dependency: PublicDependency | None = None  # the economic model's band of public money
    year: int | None = None
    call_id: int | None = None

    def active(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) not in (None, "")}


# The facets, in the order of the filters, each with the column it counts.
FACETS: tuple[str, ...] = tuple(f.name for f in fields(Filters))


def _column(name: str):
    return getattr(Innovation, name)


def _levels_from(level: EvidenceLevel) -> list[EvidenceLevel]:
    return [member for member in EvidenceLevel if int(member.value) >= int(level.value)]


def _condition(name: str, value: Any) -> ColumnElement[bool]:
    if name == "evidence_level":
        return Innovation.evidence_level.in_(_levels_from(EvidenceLevel(value)))
    if name == "theme":
        return Innovation.theme == Theme(value).value  # a plain string column
    return _column(name) == value


def _public() -> list[ColumnElement[bool]]:
    return [Innovation.status == InnovationStatus.PUBLISHED, Innovation.published_version_id.is_not(None)]


def _replication_counts():
    """The replications that count (replications.counts_as_taken_up), per innovation."""
    return (db.select(Replication.innovation_id.label("innovation_id"), db.func.count().label("n"))
            .where(replications.taken_up_condition())
            .group_by(Replication.innovation_id)
            .subquery("replicated"))


def _narrowed(select: Select, matched, active: dict[str, Any], *, leaving_out: str | None = None) -> Select:
    """`select` over the public records matching the text (when searched) and the active filters, but the one
    named `leaving_out` (a facet counts the other values of its own filter)."""
    if matched is not None:
        select = select.join(matched, matched.c.innovation_id == Innovation.id)
    conditions = _public() + [_condition(name, value) for name, value in active.items() if name != leaving_out]
    return select.where(*conditions)


@dataclass(frozen=True)
class Card:
    """One result: the record (its catalogue columns and its call are loaded) and how often it was taken up."""

    innovation: Innovation
    replications: int


@dataclass
class Results(PageNumbers):
    items: list[Card]
    total: int
    page: int
    per_page: int
    sort: str  # the sort applied: relevance only when the query had words to search for
    searched: bool  # the query had words to search for
    # facet → {value: number of records}; values are the stored ones (strings; ints for year and call_id).
    # Each facet counts among the current results with its own filter set aside, so that the other values
    # stay reachable; evidence_level counts are cumulative, as its filter is a minimum.
    facets: dict[str, dict[Any, int]]
    call_titles: dict[int, str]


def _order(sort: str, matched, replicated) -> list:
    by_recency = [Innovation.published_at.desc(), Innovation.id.desc()]
    if sort == RELEVANCE:
        return [matched.c.rank.desc(), *by_recency]
    if sort == REPLICATIONS:
        return [db.func.coalesce(replicated.c.n, 0).desc(), *by_recency]
    return by_recency


def _facets(matched, active: dict[str, Any]) -> dict[str, dict[Any, int]]:
    """Every facet's counts in one query: a UNION ALL of one grouped query per facet."""
    branches = []
    for name in FACETS:
        column = _column(name)
        branch = _narrowed(db.select(literal_column(f"'{name}'").label("facet"), cast(column, String).label("value"),
                                     db.func.count().label("n")).select_from(Innovation),
                           matched, active, leaving_out=name)
        branches.append(branch.where(column.is_not(None)).group_by(column))
    counts: dict[str, dict[Any, int]] = {name: {} for name in FACETS}
    for facet, value, n in db.session.execute(db.union_all(*branches)):
        if value in (None, ""):
            continue
        counts[facet][int(value) if facet in ("year", "call_id") else value] = n
    exact = counts["evidence_level"]
    counts["evidence_level"] = {
        level.value: total for level in EvidenceLevel
        if (total := sum(exact.get(m.value, 0) for m in _levels_from(level)))}
    return counts


def search(*, q: str | None, filters: Filters, sort: str | None, page: int, per_page: int) -> Results:
    """One page of the public records matching `q` (every word, in French: accents, case, plurals and
    elisions do not matter) and `filters`, in the order `sort` (relevance by default when `q` has words,
    else recency; ties broken by id, so that pages never repeat or skip a record), with the facet counts."""
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    matching = text_search.matching(q or "")
    matched = matching.subquery("matched") if matching is not None else None
    if sort not in SORTS or (sort == RELEVANCE and matched is None):
        sort = RELEVANCE if matched is not None else RECENCY
    active = filters.active()

    total = db.session.scalar(_narrowed(db.select(db.func.count(Innovation.id)), matched, active))
    pages = max(1, math.ceil(total / per_page))
    page = max(1, min(page, pages))

    replicated = _replication_counts()
    rows = db.session.execute(
        _narrowed(db.select(Innovation, db.func.coalesce(replicated.c.n, 0)), matched, active)
        .outerjoin(replicated, replicated.c.innovation_id == Innovation.id)
        .options(joinedload(Innovation.call))
        .order_by(*_order(sort, matched, replicated))
        .limit(per_page).offset((page - 1) * per_page)).all()
    items = [Card(innovation=innovation, replications=int(n)) for innovation, n in rows]

    facets = _facets(matched, active)
    call_ids = list(facets["call_id"])
    call_titles = {row.id: row.title for row in db.session.execute(
        db.select(Call.id, Call.title).where(Call.id.in_(call_ids)))} if call_ids else {}
    return Results(items=items, total=total, page=page, per_page=per_page, sort=sort, searched=matched is not None,
                   facets=facets, call_titles=call_titles)
