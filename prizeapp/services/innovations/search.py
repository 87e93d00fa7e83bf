"""The catalogue's full-text index: one row per published record, written when a version is published and
removed when the record leaves the catalogue (the table itself is made by the migrations; see
prizeapp.search_tables).

PostgreSQL: a tsvector in the `prizeapp_french` configuration (unaccent, then the French Snowball stemmer),
title weighted A, summary B, the rest C; ranked with ts_rank_cd. SQLite: FTS5 over the same words stemmed in
Python by prizeapp.core.french_text, ranked with bm25 and the same order of weights.
"""
from __future__ import annotations

from sqlalchemy import bindparam, column, table, text
from sqlalchemy.sql import Select

from ...core import french_text
from ...extensions import db
from ...models import Innovation
from ...search_tables import SEARCH_TABLE
from .content import SEARCHED_FIELDS


def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _parts(innovation: Innovation) -> tuple[str, str, str]:
    content = innovation.published_version.content if innovation.published_version else {}
    body = "\n".join(str(content.get(name) or "") for name in SEARCHED_FIELDS)
    return innovation.title or "", innovation.summary or "", body


def index(innovation: Innovation) -> None:
    """(Re)write the record's row from its published version; a record that is not public has none."""
    remove(innovation.id)
    if not innovation.is_public:
        return
    title, summary, body = _parts(innovation)
    if _postgres():
        db.session.execute(text(
            f"INSERT INTO {SEARCH_TABLE} (innovation_id, document) VALUES (:id, "
            "setweight(to_tsvector('prizeapp_french', :title), 'A') || "
            "setweight(to_tsvector('prizeapp_french', :summary), 'B') || "
            "setweight(to_tsvector('prizeapp_french', :body), 'C'))"),
            {"id": innovation.id, "title": title, "summary": summary, "body": body})
    else:
        db.session.execute(text(f"INSERT INTO {SEARCH_TABLE} (rowid, title, summary, body) "
                                "VALUES (:id, :title, :summary, :body)"),
                           {"id": innovation.id, "title": " ".join(french_text.words(title)),
                            "summary": " ".join(french_text.words(summary)),
                            "body": " ".join(french_text.words(body))})


def remove(innovation_id: int) -> None:
    key = "innovation_id" if _postgres() else "rowid"
    db.session.execute(text(f"DELETE FROM {SEARCH_TABLE} WHERE {key} = :id"), {"id": innovation_id})


def matching(query: str) -> Select | None:
    """A subquery of (innovation_id, rank) for the records matching every word of `query`, higher rank
    first; None when the query has no word to search for (then nothing is filtered)."""
    terms = french_text.query_terms(query)
    if not terms:
        return None
    index_table = table(SEARCH_TABLE, column("innovation_id"), column("document"), column("rowid"))
    if _postgres():
        # The stems are computed by PostgreSQL from the raw words, each required ("&"), with the same
        # configuration as the index; plainto_tsquery ignores punctuation a person may type.
        tsquery = db.func.plainto_tsquery(text("'prizeapp_french'"), bindparam("search_q", query))
        return (db.select(index_table.c.innovation_id.label("innovation_id"),
                          db.func.ts_rank_cd(index_table.c.document, tsquery).label("rank"))
                .where(index_table.c.document.op("@@")(tsquery)))
    expression = " ".join(f'"{term}"' for term in terms)  # stems are [0-9a-z]+: nothing to escape
    return (db.select(index_table.c.rowid.label("innovation_id"),
                      (-db.func.bm25(text(SEARCH_TABLE), 10.0, 4.0, 1.0)).label("rank"))
            .where(text(f"{SEARCH_TABLE} MATCH :search_q").bindparams(search_q=expression)))


def rebuild() -> int:
    """Index every public record again (after a restore, or a change of the indexed fields)."""
    db.session.execute(text(f"DELETE FROM {SEARCH_TABLE}"))
    count = 0
    for innovation in db.session.scalars(db.select(Innovation)):
        if innovation.is_public:
            index(innovation)
            count += 1
    return count
