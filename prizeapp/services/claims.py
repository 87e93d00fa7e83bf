"""Claiming rows of a work queue so that two workers never take the same one.

Shared by the outbox worker and the job worker: candidates are read with FOR UPDATE SKIP LOCKED (on
PostgreSQL, rows another worker is claiming are skipped; SQLite ignores the clause and serialises writers),
then each is taken with an UPDATE that repeats the "due" condition, so that of two workers racing for a row
exactly one sees rowcount 1.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import update

from ..extensions import db


def claim(model: Any, *, due: Any, order_by: tuple, limit: int, values: dict[str, Any]) -> list[int]:
    """Set `values` on up to `limit` rows of `model` matching `due`, oldest first by `order_by`; return the ids
    this caller won. Flushes, never commits: the caller commits at once to release the locks."""
    candidates = db.session.scalars(
        db.select(model.id).where(due).order_by(*order_by).limit(limit).with_for_update(skip_locked=True)
    ).all()
    claimed: list[int] = []
    for row_id in candidates:
        # PostgreSQL re-checks the WHERE after the row lock, so the guard holds against a concurrent claim.
        result = db.session.execute(
            update(model).where(model.id == row_id, due).values(**values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            claimed.append(row_id)
    return claimed
