"""The demo projects' answers to the economic-model grid: the call for projects' beside each project
(aap_projects.toml), the 2025 edition's in impact.toml.

The data is read as the submission form reads a post: core.economic_model.parse checks it (amounts, shares that
add up to 100, dates) and gives the shape a project stores, so the data cannot hold a grid the form would
refuse; a grid that does not read stops the demo, naming the project and the problems.
"""
from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from ..core import economic_model
from ..core.localtime import to_local
from .resources import load_typeset

EDITION: dict[str, dict[str, Any]] = load_typeset("impact")["grids"]  # by the edition's project keys


def _until(value: date | int, submitted: datetime) -> date:
    """A resource's "secured until": a date, or a number of months after the project was submitted (to the end
    of that month, as a subsidy voted for eighteen months runs)."""
    if isinstance(value, date):
        return value
    local = to_local(submitted).date()
    index = local.month - 1 + value
    year, month = local.year + index // 12, index % 12 + 1
    return date(year, month, calendar.monthrange(year, month)[1])


def _raw(spec: Mapping[str, Any], submitted: datetime) -> dict[str, list[str]]:
    """The grid of the data as its form posts it: one string per input."""
    raw = {name: [str(value)] for name, value in spec.items() if name != "resources"}
    for resource in spec.get("resources", ()):
        raw[f"share_{resource['kind']}"] = [str(resource["share"])]
        if "until" in resource:
            raw[f"until_{resource['kind']}"] = [_until(resource["until"], submitted).isoformat()]
    return raw


def answer(key: str, spec: Mapping[str, Any] | None, *, submitted: datetime) -> dict[str, Any] | None:
    """The stored grid of the project `key` from its data (None: not started), `submitted` being when its team
    last saved it."""
    if not spec:
        return None
    unknown = set(spec) - set(economic_model.KEYS)
    if unknown:
        raise ValueError(f"the economic-model grid of {key} has unknown fields: {sorted(unknown)}")
    parsed = economic_model.parse(_raw(spec, submitted))
    if not parsed.ok:
        raise ValueError(f"the economic-model grid of {key} does not read: {parsed.problems}")
    return parsed.values or None
