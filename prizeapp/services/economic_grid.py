"""The economic-model grid as people read it: a stored grid (a project's `Submission.economic_model`, or the same
keys flat in an innovation record's content) turned into what the pages show, in the grid's order, with its
empty parts left out; and what the reviewers of a project see beside the grid's economic criterion.

The grid's reading rules (shares, public money, its band) are core.economic_model's; this module only gives
them their labels and shape. What a reviewer sees is the project's own answers to the grid, like its other
answers: nothing here reads the team, its organisation or the project's title, so a blind call shows it too.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l

from ..core import economic_model
from ..core.grid import is_about_economic_model
from ..enums import PublicDependency, ResourceKind
from ..models import Call, Submission

# The Social Business Model Canvas keeps who benefits apart from who pays: each side with the value it gets.
BENEFICIARY_SIDE = ("beneficiaries", "beneficiary_value")
PAYER_SIDE = ("funding", "payer_value")
COSTS = ("cost_setup", "cost_recurring", "cost_per_user", "costs_avoided")
COST_TEXTS = ("costs_avoided_how", "local_costs")
MORE = ("human_resources", "partners")

LABELS = {
    "beneficiaries": _l("Who benefits"),
    "beneficiary_value": _l("What it brings them"),
    "funding": _l("Who pays"),
    "payer_value": _l("What it brings those who pay"),
    "cost_setup": _l("Set-up cost"),
    "cost_recurring": _l("Running cost per year"),
    "cost_per_user": _l("Cost per person served"),
    "costs_avoided": _l("Costs avoided per year"),
    "costs_avoided_how": _l("How these costs are avoided"),
    "human_resources": _l("Human resources"),
    "partners": _l("Partners and alliances"),
    "local_costs": _l("What a territory taking it up pays for locally"),
}


@dataclass(frozen=True)
class Text:
    name: str
    label: Any  # a lazy string
    text: str


@dataclass(frozen=True)
class Amount:
    name: str
    label: Any
    amount: Decimal


@dataclass(frozen=True)
class Resource:
    """One kind of resource with its share (percent) and the date until which it is secured, if given."""

    kind: ResourceKind
    share: int
    secured_until: date | None

    @property
    def is_public(self) -> bool:
        return self.kind.value in economic_model.PUBLIC_KINDS


@dataclass(frozen=True)
class GridView:
    """A filled grid, part by part; a part left empty is an empty tuple (or None), and the page leaves it out."""

    beneficiary_side: tuple[Text, ...]
    payer_side: tuple[Text, ...]
    costs: tuple[Amount, ...]
    cost_texts: tuple[Text, ...]  # how costs are avoided, what a territory taking it up pays for locally
    resources: tuple[Resource, ...]
    public_share: int | None  # None unless the shares add up to 100
    dependency: PublicDependency | None
    first_year_cost: Decimal | None
    more: tuple[Text, ...]  # human resources, partners and alliances (Le RAMEAU)

    @property
    def has_canvas(self) -> bool:
        return bool(self.beneficiary_side or self.payer_side)

    @property
    def has_costs(self) -> bool:
        return bool(self.costs or self.cost_texts)

    @property
    def shares_total(self) -> int:
        return sum(r.share for r in self.resources)

    @property
    def secured_until(self) -> date | None:
        """When the money may run out first: the earliest date a resource is secured until."""
        dates = [r.secured_until for r in self.resources if r.secured_until is not None]
        return min(dates) if dates else None


def _text(values: Mapping[str, Any], name: str) -> Text | None:
    text = str(values.get(name) or "").strip()
    return Text(name, LABELS[name], text) if text else None


def _texts(values: Mapping[str, Any], names: tuple[str, ...]) -> tuple[Text, ...]:
    return tuple(t for t in (_text(values, name) for name in names) if t is not None)


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _resources(values: Mapping[str, Any]) -> tuple[Resource, ...]:
    until = {r.get("kind"): _day(r.get("secured_until")) for r in values.get("resources") or ()
             if isinstance(r, dict)}
    return tuple(Resource(ResourceKind(kind), share, until.get(kind))
                 for kind, share in economic_model.shares(values).items())


def read(values: Mapping[str, Any] | None) -> GridView | None:
    """The grid `values` (stored shape: core.economic_model's keys) as the pages show it, or None when nothing
    of it is filled. Amounts and dates that do not read are left out, never shown wrong."""
    if not values or not economic_model.is_filled(values):
        return None
    costs = tuple(Amount(name, LABELS[name], amount) for name in COSTS
                  if (amount := economic_model.money(values, name)) is not None)
    band = economic_model.dependency(values)
    view = GridView(beneficiary_side=_texts(values, BENEFICIARY_SIDE), payer_side=_texts(values, PAYER_SIDE),
                    costs=costs, cost_texts=_texts(values, COST_TEXTS),
                    resources=_resources(values), public_share=economic_model.public_share(values),
                    dependency=PublicDependency(band) if band else None,
                    first_year_cost=economic_model.first_year_cost(values), more=_texts(values, MORE))
    if not (view.has_canvas or view.has_costs or view.resources or view.more):
        return None
    return view


def of_content(content: Mapping[str, Any]) -> GridView | None:
    """The grid of an innovation record's content, where its keys are stored flat among the record's. Every
    record says whom it serves (`beneficiaries`, with its solution): alone, that is no economic model."""
    values = {key: content[key] for key in economic_model.KEYS if key in content}
    if not economic_model.is_filled({key: value for key, value in values.items() if key != "beneficiaries"}):
        return None
    return read(values)


# --- beside the grid's economic criterion ---------------------------------------------------------------------

def economic_criteria(call: Call) -> set[int]:
    """Ids of the call's criteria that judge a project's economic model (core.grid.is_about_economic_model)."""
    return {c.id for c in call.criteria if is_about_economic_model(c.name)}


def of_project(submission: Submission) -> GridView | None:
    """The project's answers to the grid, when its call asks for the grid: what its reviewers see beside the
    economic criterion, and its jury on its page. Only the grid's own answers: nothing that names the team, so
    that a blind call shows it as it shows the project's other answers."""
    if not submission.call.economic_model_section:
        return None
    return read(submission.economic_model)
