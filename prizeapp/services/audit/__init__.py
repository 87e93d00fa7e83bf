"""The audit log: one row per meaningful change, written in the same transaction as the change, of an action
of its vocabulary (`AuditAction`, each with its label and what its details mean); and its reading in words.

Callers write `audit.record(action=audit.AuditAction.CALL_CREATED, ...)`; a plain string is refused.
"""
from .actions import GROUPS, OBJECTS, AuditAction, action_label, group_label
from .details import Change, Detail, Reader
from .reading import Row, describe, events, export, export_header, export_rows, groups
from .recording import record

__all__ = ["GROUPS", "OBJECTS", "AuditAction", "Change", "Detail", "Reader", "Row", "action_label", "describe",
           "events", "export", "export_header", "export_rows", "group_label", "groups", "record"]
