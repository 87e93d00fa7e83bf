"""The catalogue's full-text index lives outside the models: a `tsvector` table with a GIN index on PostgreSQL,
an FTS5 virtual table (and its shadow tables) on SQLite, both made by the migration of each database's own
kind. Autogenerate must not take them for tables to drop."""
from __future__ import annotations

SEARCH_TABLE = "innovation_search"


def include_name(name, type_, parent_names) -> bool:
    """Alembic's include_name hook: everything but the search index and its shadow tables."""
    return not (type_ == "table" and name is not None and name.startswith(SEARCH_TABLE))
