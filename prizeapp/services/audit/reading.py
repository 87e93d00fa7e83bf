"""Reading the audit log: the events of one call or of the whole platform, in words, for the pages and the CSV
exports."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ...core.localtime import to_local
from ...extensions import db
from ...models import AuditEvent, Call, User
from .actions import GROUPS, OBJECTS, AuditAction, action_label
from .details import Change, Described, Detail, Names, plain
from .recording import record


def events(*, call: Call | None = None, action: str | None = None):
    """The query of the events of `call` (of the whole platform without one), newest first; `action` keeps a
    group of actions ("call") or one action ("call.created")."""
    query = db.select(AuditEvent).options(selectinload(AuditEvent.actor))
    if call is not None:
        query = query.where(AuditEvent.call_id == call.id)
    if action:
        query = query.where(db.or_(AuditEvent.action == action,
                                   AuditEvent.action.startswith(f"{action}.", autoescape=True)))
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def groups(*, call: Call | None = None) -> list[tuple[str, str]]:
    """The groups of actions recorded (in `call`, or anywhere), as (prefix, label) sorted by label."""
    query = db.select(AuditEvent.action).distinct()
    if call is not None:
        query = query.where(AuditEvent.call_id == call.id)
    prefixes = {a.split(".", 1)[0] for a in db.session.scalars(query)}
    return sorted(((p, str(GROUPS.get(p, p))) for p in prefixes), key=lambda pair: pair[1])


@dataclass
class Row:
    """An event in words."""

    event: AuditEvent
    when: datetime
    who: str
    action: str
    code: str
    object: str
    change: tuple[str, str] | None
    details: list[tuple[str, str]]


def describe(events: Sequence[AuditEvent]) -> list[Row]:
    """The events in words: their action, their object, their details by their meaning (a change as
    before → after); details an action does not describe are shown as they are, so that nothing is hidden.
    The people and projects the events name are loaded in two queries."""
    names = Names()
    for event in events:
        if event.object_type in names.wanted and event.object_id is not None:
            names.want(event.object_type, [event.object_id])
        details = event.details or {}
        for part in _described(event.action):
            if isinstance(part, Detail):
                part.reader.refs(part.value(details), names)
            else:
                for key in (part.before, part.after):
                    if details.get(key) is not None:
                        part.reader.refs(details[key], names)
    names.load()
    return [_row(event, names) for event in events]


def _described(code: str) -> tuple[Described, ...]:
    try:
        return AuditAction(code).details
    except ValueError:
        # An action no longer recorded: its before/after (or from/to) still read as a change.
        return (Change("before", "after"), Change("from", "to"))


def _row(event: AuditEvent, names: Names) -> Row:
    details = dict(event.details or {})
    shown: list[tuple[str, str]] = []
    change = None
    used: set[str] = set()
    for part in _described(event.action):
        if isinstance(part, Change):
            if change is None and part.before in details and part.after in details:
                change = (part.reader.show(details[part.before], names), part.reader.show(details[part.after], names))
                used |= {part.before, part.after}
            continue
        used.add(part.top)
        value = part.value(details)
        present = part.key in details if part.key == part.top else value is not None
        if part.label is not None and present:
            shown.append((str(part.label), part.reader.show(value, names)))
    shown += [(key, plain(value)) for key, value in details.items() if key not in used]
    return Row(event=event, when=event.at, who=event.actor.full_name if event.actor else str(_("the platform")),
               action=action_label(event.action), code=event.action, object=_object(event, names), change=change,
               details=shown)


def _object(event: AuditEvent, names: Names) -> str:
    if not event.object_type:
        return ""
    kind = str(OBJECTS.get(event.object_type, event.object_type))
    if event.object_type == "users":
        return f"{kind} {names.person(event.object_id)}"
    if event.object_type == "submissions":
        return f"{kind} {names.project(event.object_id)}"
    return f"{kind} #{event.object_id}"


def export_header() -> list[str]:
    return [_("When (Paris time)"), _("Who"), _("Action"), _("Action code"), _("Object"), _("Details"),
            _("IP address")]


def export_rows(events: Sequence[AuditEvent]) -> list[list[str]]:
    """The rows of a CSV export of `events`, in words (the action's code in a column of its own)."""
    rows = []
    for row in describe(events):
        details = [f"{row.change[0]} → {row.change[1]}"] if row.change else []
        details += [f"{key}: {value}" for key, value in row.details]
        rows.append([to_local(row.when).strftime("%Y-%m-%d %H:%M:%S"), row.who, row.action, row.code, row.object,
                     " ; ".join(details), row.event.ip or ""])
    return rows


def export(*, actor: User, call: Call | None = None, action: str | None = None) -> tuple[list[str], list[list[str]]]:
    """The header and rows of a CSV export of the events of `call` (of the platform without one), filtered by
    `action` as `events` is; the export is itself recorded, since the log then leaves the platform."""
    rows = export_rows(db.session.scalars(events(call=call, action=action)).all())
    record(action=AuditAction.AUDIT_EXPORTED, actor=actor, obj=call, call=call,
           details={"filter": action or "", "rows": len(rows)})
    return export_header(), rows
