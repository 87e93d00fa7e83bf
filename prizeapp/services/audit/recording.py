"""Recording an audit event, in the same transaction as the change it records."""
from __future__ import annotations

from typing import Any

from flask import has_request_context, request

from ...extensions import db
from ...models import AuditEvent, Call, User
from .actions import AuditAction


def record(
    *,
    action: AuditAction,
    actor: User | None = None,
    obj: Any = None,
    call: Call | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an audit event. `obj` is any mapped object with an id (its table names the type). Only members
    of AuditAction are recorded, so that every stored action has its label and its meaning."""
    if not isinstance(action, AuditAction):
        raise TypeError(f"audit actions are AuditAction members, not {action!r}")
    event = AuditEvent(
        action=action.value,
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
