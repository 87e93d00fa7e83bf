"""Transaction-scoped locks that make a check-then-write atomic across workers, on PostgreSQL and SQLite.

A limit enforced by counting rows and then inserting one holds only if no other transaction can count between
the two. `hold(*keys)` takes, for the rest of the current transaction, a lock per key: on PostgreSQL an
advisory transaction lock (released by the commit or the rollback), on SQLite the database's single write lock
(SQLite has one writer at a time, so every key maps to it). Call it before the count.
"""
from __future__ import annotations

import hashlib

from sqlalchemy import text

from ..extensions import db


def _key_number(key: str) -> int:
    # pg_advisory_xact_lock takes a signed 64-bit integer.
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)


def hold(*keys: str) -> None:
    """Lock `keys` until the end of the current transaction (taken in a fixed order: no deadlock between two
    callers that lock the same keys)."""
    if db.session.get_bind().dialect.name == "postgresql":
        for number in sorted({_key_number(k) for k in keys}):
            db.session.execute(text("SELECT pg_advisory_xact_lock(:n)"), {"n": number})
    else:
        # Any write statement opens SQLite's write transaction, even one that changes nothing; others wait
        # for it (busy_timeout) until this transaction ends.
        db.session.execute(text("UPDATE users SET id = id WHERE 0 = 1"))
