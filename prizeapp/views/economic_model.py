"""The economic-model grid as people type it, shared by the submission form and the innovation record's editor:
the names its inputs are posted under, the raw values read back from a post, its labels, the input each key's
link points at, and its problems as sentences (templates/_economic_model_form.html draws the fields)."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core import economic_model as grid
from ..core.questions import Problem
from ..enums import ResourceKind
from ..formatting import date_filter, euros
from ..labels import ECONOMIC_MODEL

# An amount below zero: said as the record's editor always said it.
NEGATIVE_AMOUNT = _l("Enter a positive amount.")


# Groups of inputs whose problem or missing item is said of the whole group.
GROUPS = ("costs", "resources")


def keys(prefix: str = "", *, ask_beneficiaries: bool = True) -> list[str]:
    """Every key a problem or a missing item of the grid may have, in the form's order: the inputs, and the
    groups "costs" and "resources" before their inputs."""
    per_kind = [f"{part}_{kind}" for kind in grid.RESOURCE_KINDS for part in ("share", "until")]
    order = ["beneficiaries", "beneficiary_value", "funding", "payer_value", "costs", "cost_setup",
             "cost_recurring", "cost_per_user", "resources", *per_kind, "costs_avoided", "costs_avoided_how",
             "human_resources", "partners", "local_costs"]
    return [prefix + name for name in order if ask_beneficiaries or name != "beneficiaries"]


def names(*, ask_beneficiaries: bool = True) -> list[str]:
    """The names of the grid's inputs, without prefix, in the form's order."""
    return [name for name in keys(ask_beneficiaries=ask_beneficiaries) if name not in GROUPS]


def typed(formdata, *, prefix: str = "", ask_beneficiaries: bool = True) -> dict[str, list[str]]:
    """What was posted for the grid, keyed by the grid's names (the prefix taken off), as core.economic_model
    parses it and as the form shows it again."""
    return {name: formdata.getlist(prefix + name) for name in names(ask_beneficiaries=ask_beneficiaries)
            if prefix + name in formdata}


def stored(values: Mapping[str, Any] | None) -> dict[str, list[str]]:
    """A stored grid as the raw strings its form shows."""
    return grid.as_form(values or {})


def resource_label(kind: str) -> str:
    return str(ResourceKind(kind).label)


def label(name: str) -> str:
    """The label of a grid's key or input ("share_public_subsidy": the share of that kind)."""
    if name.startswith(("share_", "until_")):
        part, kind = name.split("_", 1)
        if kind in grid.RESOURCE_KINDS:
            if part == "share":
                return _("%(kind)s: share (%%)", kind=resource_label(kind))
            return _("%(kind)s: secured until", kind=resource_label(kind))
    return str(ECONOMIC_MODEL.get(name, name))


def anchor(name: str, prefix: str = "") -> str:
    """The id of the input a link to `name` points at: the set-up cost for "costs", the first share for
    "resources"."""
    if name == "costs":
        return prefix + "cost_setup"
    if name == "resources":
        return prefix + "share_" + grid.RESOURCE_KINDS[0]
    return prefix + name


def labels(prefix: str = "", *, ask_beneficiaries: bool = True) -> dict[str, str]:
    return {prefix + name: label(name) for name in keys(ask_beneficiaries=ask_beneficiaries)}


def anchors(prefix: str = "", *, ask_beneficiaries: bool = True) -> dict[str, str]:
    return {prefix + name: anchor(name, prefix) for name in keys(ask_beneficiaries=ask_beneficiaries)}


def messages(problems: Mapping[str, Problem], say: Callable[[str, dict], str], prefix: str = "") -> dict[str, str]:
    """Problems as sentences by key, the grid's (keys with `prefix`) in the form's order where the first of them
    stands among the others; `say` is the form engine's table (views.applicant.problem_message). An amount
    below zero gets its own sentence."""
    order = {key: index for index, key in enumerate(keys(prefix))}
    items = list(problems.items())
    first = next((index for index, (key, _problem) in enumerate(items) if key in order), len(items))
    ours = sorted((item for item in items if item[0] in order), key=lambda item: order[item[0]])
    others = [item for item in items if item[0] not in order]
    out = {}
    for key, problem in [*others[:first], *ours, *others[first:]]:
        if key in order and key[len(prefix):] in grid.MONEY_FIELDS and problem.code == "below_min":
            out[key] = str(NEGATIVE_AMOUNT)
        else:
            out[key] = say(problem.code, problem.params)
    return out


def resource_text(resource: Mapping[str, Any]) -> str:
    """One stored resource in words: its kind, its share and, when given, the date it is secured until."""
    share = _("%(share)d %%", share=resource["share"])
    if resource.get("secured_until"):
        return _("%(kind)s: %(share)s, secured until %(date)s", kind=resource_label(resource["kind"]), share=share,
                 date=date_filter(date.fromisoformat(resource["secured_until"])))
    return _("%(kind)s: %(share)s", kind=resource_label(resource["kind"]), share=share)


def answers(values: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """A stored grid as (label, text) pairs in the form's order, its empty fields left out: what a team reads
    of its own answers once the project can no longer change."""
    values = values or {}
    out = [(label(name), str(values[name])) for name in ("beneficiaries", "beneficiary_value", "funding",
                                                         "payer_value") if values.get(name)]
    for name in ("cost_setup", "cost_recurring", "cost_per_user"):
        if grid.money(values, name) is not None:
            out.append((label(name), euros(grid.money(values, name))))
    if values.get("resources"):
        out.append((label("resources"), "; ".join(resource_text(r) for r in values["resources"])))
    if grid.money(values, "costs_avoided") is not None:
        out.append((label("costs_avoided"), euros(grid.money(values, "costs_avoided"))))
    out += [(label(name), str(values[name])) for name in ("costs_avoided_how", "human_resources", "partners",
                                                          "local_costs") if values.get(name)]
    return out


def template_helpers() -> dict:
    """What templates/_economic_model_form.html reads from the page's context."""
    return {"economic_model_label": label, "resource_kinds": grid.RESOURCE_KINDS,
            "resource_label": resource_label}
