"""The audit log: one row per meaningful change, written in the same transaction as the change."""
from __future__ import annotations

from typing import Any

from flask import has_request_context, request

from ..extensions import db
from ..models import AuditEvent, Call, User


def record(
    *,
    action: str,
    actor: User | None = None,
    obj: Any = None,
    call: Call | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an audit event. `obj` is any mapped object with an id (its table names the type)."""
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor is not None else None,
        object_type=obj.__tablename__ if obj is not None else None,
        object_id=obj.id if obj is not None else None,
        call_id=call.id if call is not None else None,
        ip=request.remote_addr if has_request_context() else None,
        details=details or {},
    )
    db.session.add(event)
    db.session.flush()
    return event
