"""The economic-model grid of a project or an innovation: who benefits and who pays, the costs, the resources
by kind with their shares and how long each is secured, the costs avoided, the partners, and what a territory
taking it up must pay for locally.

Anchors: Le RAMEAU's socio-economic model (human resources, financial resources, alliances) and the Social
Business Model Canvas (beneficiaries kept apart from payers, the value for each). The grid is stored as a plain
dict (in `Submission.economic_model` and in a record's content, under the same keys) so that reviewers, the
catalogue and the exports read one shape. Parsing follows `core.questions`: well-formed input is kept, problems
are codes with parameters, and what is missing is only judged when a project is submitted.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from .questions import Problem, parse_amount, parse_date

# Texts, in the grid's order. `beneficiaries` and `funding` are the record's own "who it serves" and "who
# pays for it": the grid asks them once.
TEXT_FIELDS = ("beneficiaries", "beneficiary_value", "funding", "payer_value", "human_resources", "partners",
               "costs_avoided_how", "local_costs")
MONEY_FIELDS = ("cost_setup", "cost_recurring", "cost_per_user", "costs_avoided")
TEXT_MAX = 3000
MONEY_MAX = Decimal("1000000000")

# Values of enums.ResourceKind (a test checks they agree); public money is the first four. An agents' project is
# mostly paid from its own administration's budget: a kind of its own, not a "subsidy".
RESOURCE_KINDS = ("own_budget", "public_subsidy", "public_purchase", "pooling", "private_funding", "earned_income",
                  "in_kind")
PUBLIC_KINDS = ("own_budget", "public_subsidy", "public_purchase", "pooling")
KEYS = (*TEXT_FIELDS, *MONEY_FIELDS, "resources")

# What a project must say before it is submitted, when its call asks for the grid.
REQUIRED = ("beneficiaries", "funding", "costs", "resources")


@dataclass
class Parsed:
    values: dict[str, Any]
    problems: dict[str, Problem]  # by form key: a text or money field, "share_<kind>", "until_<kind>", "resources"

    @property
    def ok(self) -> bool:
        return not self.problems


def _first(raw: Mapping[str, Sequence[str]], key: str) -> str:
    items = raw.get(key) or ()
    if isinstance(items, str):
        items = (items,)
    for item in items:
        if item is not None and str(item).strip():
            return str(item).strip()
    return ""


def _share(text: str) -> int:
    cleaned = text.replace("%", "").replace("\u00a0", "").replace("\u202f", "").strip()
    if not cleaned.isdigit():
        raise ValueError(text)
    return int(cleaned)


def _texts(raw, values: dict, problems: dict) -> None:
    for name in TEXT_FIELDS:
        text = _first(raw, name).replace("\x00", "").strip()
        if len(text) > TEXT_MAX:
            problems[name] = Problem("too_long", {"max": TEXT_MAX, "length": len(text)})
        elif text:
            values[name] = text


def _amounts(raw, values: dict, problems: dict) -> None:
    for name in MONEY_FIELDS:
        text = _first(raw, name)
        if not text:
            continue
        try:
            amount = parse_amount(text)
        except ValueError:
            problems[name] = Problem("not_an_amount")
            continue
        if amount < 0:
            problems[name] = Problem("below_min", {"min": 0})
        elif amount > MONEY_MAX:
            problems[name] = Problem("above_max", {"max": int(MONEY_MAX)})
        else:
            values[name] = f"{amount:.2f}"


def _resource(raw, kind: str, problems: dict) -> dict | None:
    share_text, until_text = _first(raw, f"share_{kind}"), _first(raw, f"until_{kind}")
    share = None
    if share_text:
        try:
            share = _share(share_text)
        except ValueError:
            problems[f"share_{kind}"] = Problem("not_a_share")
        else:
            if share > 100:
                problems[f"share_{kind}"] = Problem("above_max", {"max": 100})
    until = None
    if until_text:
        try:
            until = parse_date(until_text).isoformat()
        except ValueError:
            problems[f"until_{kind}"] = Problem("not_a_date")
    if until and not share:
        problems.setdefault(f"share_{kind}", Problem("share_needed"))
    if not share:
        return None
    return {"kind": kind, "share": share, **({"secured_until": until} if until else {})}


def parse(raw: Mapping[str, Sequence[str]]) -> Parsed:
    """The grid from a form post keyed by field (`share_<kind>` and `until_<kind>` for each resource kind).

    Amounts are typed the French way ("15 000", "9 000,50 €") and stored as strings with two decimals; shares
    are whole percents that must add up to 100 once any is given; "secured until" is a date.
    """
    values: dict[str, Any] = {}
    problems: dict[str, Problem] = {}
    _texts(raw, values, problems)
    _amounts(raw, values, problems)
    resources = [r for r in (_resource(raw, kind, problems) for kind in RESOURCE_KINDS) if r is not None]
    if resources:
        values["resources"] = resources
        total = sum(r["share"] for r in resources)
        if total != 100 and not any(k.startswith("share_") for k in problems):
            problems["resources"] = Problem("shares_not_100", {"total": total})
    return Parsed(values, problems)


def missing(values: Mapping[str, Any]) -> list[str]:
    """What a submitted project must still give (codes of REQUIRED): "costs" is a set-up or a running cost."""
    gaps = []
    for name in REQUIRED:
        if name == "costs":
            if not (values.get("cost_setup") or values.get("cost_recurring")):
                gaps.append(name)
        elif not values.get(name):
            gaps.append(name)
    return gaps


def as_form(values: Mapping[str, Any]) -> dict[str, list[str]]:
    """The stored grid as the raw strings a form shows (amounts with a decimal comma, as they are typed back)."""
    raw: dict[str, list[str]] = {}
    for name in TEXT_FIELDS:
        if values.get(name):
            raw[name] = [str(values[name])]
    for name in MONEY_FIELDS:
        amount = money(values, name)
        if amount is not None:
            text = f"{amount:.2f}".replace(".", ",")
            raw[name] = [text[:-3] if text.endswith(",00") else text]
    for resource in values.get("resources") or ():
        raw[f"share_{resource['kind']}"] = [str(resource["share"])]
        if resource.get("secured_until"):
            raw[f"until_{resource['kind']}"] = [resource["secured_until"]]
    return raw


def money(values: Mapping[str, Any], name: str) -> Decimal | None:
    value = values.get(name)
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def shares(values: Mapping[str, Any]) -> dict[str, int]:
    """The share of each resource kind given (percent), in the grid's order."""
    given = {r.get("kind"): int(r.get("share") or 0) for r in values.get("resources") or () if isinstance(r, dict)}
    return {kind: given[kind] for kind in RESOURCE_KINDS if given.get(kind)}


def public_share(values: Mapping[str, Any]) -> int | None:
    """The percent of the resources that is public money (own budget, subsidy, public purchase, pooling); None
    when the shares are not given or do not add up to 100 (a share of a wrong total would mislead a filter)."""
    given = shares(values)
    if sum(given.values()) != 100:
        return None
    return sum(share for kind, share in given.items() if kind in PUBLIC_KINDS)


def dependency(values: Mapping[str, Any]) -> str | None:
    """The band of public money ("low" under a third, "mixed", "high" over two thirds), as enums.PublicDependency."""
    share = public_share(values)
    if share is None:
        return None
    if share * 3 < 100:
        return "low"
    if share * 3 > 200:
        return "high"
    return "mixed"


def secured_until(values: Mapping[str, Any]) -> date | None:
    """The earliest date until which a resource is secured: when the money may run out first."""
    dates = [date.fromisoformat(r["secured_until"]) for r in values.get("resources") or ()
             if isinstance(r, dict) and r.get("secured_until")]
    return min(dates) if dates else None


def first_year_cost(values: Mapping[str, Any]) -> Decimal | None:
    """Set-up plus one year of running, as the catalogue's cost band reads it."""
    setup, recurring = money(values, "cost_setup"), money(values, "cost_recurring")
    if setup is None and recurring is None:
        return None
    return (setup or Decimal(0)) + (recurring or Decimal(0))


def is_filled(values: Mapping[str, Any]) -> bool:
    return any(values.get(name) for name in KEYS)
