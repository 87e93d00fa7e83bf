"""The API's request counter (its rate limit): requests of each client counted in fixed windows in the
database, so that every worker counts the same requests; clients are known by a keyed hash of their address.
"""
from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from ..core import ratelimit
from ..extensions import db
from ..models import ApiRequestCount

# --- the API's request counter --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Allowance:
    """What the counter says of a request: allowed or not, and the numbers of the RateLimit headers."""

    allowed: bool
    limit: int
    remaining: int
    reset_in: int  # seconds until the window ends


def _client_key(address: str) -> str:
    # A keyed hash: the table never holds an address, and nobody can find one from it without the key.
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, address.encode(), hashlib.sha256).hexdigest()[:64]


def count_api_request(*, address: str, now: float | None = None) -> Allowance:
    """Count a request of the client at `address` in the current fixed window (API_RATE_LIMIT requests per
    API_RATE_WINDOW_SECONDS): one atomic upsert, so that every worker counts the same requests. The caller
    commits. Old windows are deleted when a client opens a new one."""
    limit = current_app.config["API_RATE_LIMIT"]
    window = current_app.config["API_RATE_WINDOW_SECONDS"]
    start, reset_in = ratelimit.fixed_window(time.time() if now is None else now, window)
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    table = ApiRequestCount.__table__
    statement = dialect.insert(table).values(window_start=start, client=_client_key(address), count=1)
    statement = statement.on_conflict_do_update(index_elements=["window_start", "client"],
                                                set_={"count": table.c.count + 1}).returning(table.c.count)
    count = db.session.execute(statement).scalar_one()
    if count == 1:
        db.session.execute(db.delete(ApiRequestCount).where(ApiRequestCount.window_start < start))
    return Allowance(allowed=count <= limit, limit=limit, remaining=max(0, limit - count), reset_in=reset_in)
