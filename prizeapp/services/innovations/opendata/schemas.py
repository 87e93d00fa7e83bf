"""The shapes the API serves: the JSON Schemas (2020-12, as OpenAPI 3.1 has them) of the records, the
replications and the exports' envelopes, built from the datasets' columns.
"""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from ....enums import Readiness, ResourceKind
from .columns import INNOVATION_COLUMNS, REPLICATION_COLUMNS, Column, json_value

# --- the API's shapes -----------------------------------------------------------------------------------------

_JSON_TYPES = {"string": "string", "code": "string", "integer": "integer", "number": "number", "date": "string",
               "datetime": "string", "uri": "string", "boolean": "string"}
_FORMATS = {"date": "date", "datetime": "date-time", "uri": "uri"}


def column_schema(column: Column) -> dict:
    """A column's JSON Schema (2020-12, as OpenAPI 3.1 has it): its type or null, its format, its values."""
    schema: dict[str, Any] = {"type": [_JSON_TYPES[column.kind], "null"], "description": str(column.description)}
    if column.kind in _FORMATS:
        schema["format"] = _FORMATS[column.kind]
    if column.values:
        schema["enum"] = [*column.values, None]
    example = json_value(column.example)
    if example is not None:
        schema["examples"] = [float(example) if column.kind == "number" else example]
    return schema


def _object(properties: dict[str, dict], description: str = "") -> dict:
    schema: dict[str, Any] = {"type": "object", "properties": properties, "required": list(properties),
                              "additionalProperties": False}
    if description:
        schema["description"] = description
    return schema


def _nullable_string(description: str, **extra) -> dict:
    return {"type": ["string", "null"], "description": description, **extra}


def _export_schema(key: str, item_ref: str, description: str) -> dict:
    return _object({
        "licence": {"$ref": "#/components/schemas/Licence"},
        "updated_at": _nullable_string(str(_l("When the data last changed")), format="date-time"),
        "count": {"type": "integer", "minimum": 0},
        key: {"type": "array", "items": {"$ref": item_ref}}}, description)


def json_schemas() -> dict[str, dict]:
    """The components of the API's OpenAPI document: the records, the replications, the exports' envelopes."""
    summary = {c.name: column_schema(c) for c in INNOVATION_COLUMNS if c.json}
    summary["phase_dates"] = _object(
        {stage.value: _nullable_string(str(_l("Date the stage “%(stage)s” began", stage=stage.label)),
                                       format="date") for stage in Readiness},
        str(_l("Dates the stages began, by stage")))
    summary["links"] = {"type": "array", "description": str(_l("Links given by the team")), "items": _object({
        "title": _nullable_string(str(_l("What the link leads to"))),
        "url": {"type": "string", "format": "uri"}})}
    summary["contacts"] = {"type": "array", "description": str(_l("The team members who chose to be public "
                                                                  "contacts")),
                           "items": _object({"name": {"type": "string"}, "email": {"type": "string",
                                                                                  "format": "email"}})}
    summary["resources"] = {
        "type": "array", "description": str(_l("The resources of its economic model by kind, with their share "
                                               "(percent) and the date until which each is secured")),
        "items": _object({"kind": {"type": "string", "enum": [k.value for k in ResourceKind]},
                          "share": {"type": "integer", "minimum": 1, "maximum": 100},
                          "secured_until": _nullable_string(str(_l("Date until which it is secured")),
                                                            format="date")})}
    full = dict(summary)
    full["documents"] = {"type": "array", "description": str(_l("Documents and tools to reuse")), "items": _object({
        "title": _nullable_string(str(_l("What the document is"))),
        "name": {"type": "string"}, "content_type": {"type": "string"},
        "size": {"type": "integer", "minimum": 0, "description": str(_l("Size in bytes"))},
        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "uploaded_at": {"type": "string", "format": "date-time"},
        "url": {"type": "string", "format": "uri"}})}
    full["replications"] = {"type": "array", "items": {"$ref": "#/components/schemas/Replication"}}
    return {
        "InnovationSummary": _object(summary, str(_l("A public innovation record, as the list gives it"))),
        "Innovation": _object(full, str(_l("A public innovation record, with its documents and the territories "
                                           "taking it up"))),
        "Replication": _object({c.name: column_schema(c) for c in REPLICATION_COLUMNS if c.json},
                               str(_l("A territory taking an innovation up, once the innovation's team answered"))),
        "Licence": _object({"id": {"type": "string"}, "name": {"type": "string"},
                            "url": {"type": "string", "format": "uri"}}),
        "InnovationsExport": _export_schema("innovations", "#/components/schemas/Innovation",
                                            str(_l("The catalogue's open data in JSON (innovations.json)"))),
        "ReplicationsExport": _export_schema("replications", "#/components/schemas/Replication",
                                             str(_l("The replications' open data in JSON (replications.json)"))),
    }
