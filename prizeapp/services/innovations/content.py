"""The fields of an innovation record and the sections they are shown in.

A record's content is a plain dict stored in each version (`InnovationVersion.content`), keyed by the names
below. Sections follow the OECD OPSI case studies (every section filled, expected results where results are
not known yet), the EU Social Innovation Match checklist (problem, approach, key results, potential for
transfer) and beta.gouv.fr's startup records (dated phases); the replication section is what a territory
needs to start: the fixed core, what can be adapted, and the conditions (skills, partners, legal frame, data,
tools).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from ...enums import CostBand
from ...labels import ECONOMIC_MODEL


@dataclass(frozen=True)
class Section:
    key: str
    title: object  # a lazy string
    fields: tuple[str, ...]


SECTIONS: tuple[Section, ...] = (
    Section("summary", _l("In short"), ("title", "summary", "theme", "organisation")),
    Section("problem", _l("The problem, and who has it"), ("problem", "affected")),
    Section("solution", _l("The solution"), ("solution", "beneficiaries", "beneficiaries_count")),
    Section("territory", _l("The territory"),
            ("territory_name", "commune_code", "departement_code", "region_code", "territory_kind")),
    Section("phases", _l("Where it stands"), ("readiness", "phase_dates")),
    Section("results", _l("Results"), ("results", "expected_results", "evidence_level", "evidence")),
    # The economic-model grid (core.economic_model), stored flat under its own keys; "beneficiaries" is asked
    # with the solution.
    Section("costs", _l("Cost and economic model"),
            ("economic_model", "beneficiary_value", "funding", "payer_value", "cost_setup", "cost_recurring",
             "cost_per_user", "resources", "costs_avoided", "costs_avoided_how", "human_resources", "partners",
             "local_costs")),
    Section("replication", _l("Taking it up elsewhere"),
            ("fixed_core", "adaptable", "conditions_skills", "conditions_partners", "conditions_legal",
             "conditions_data", "conditions_tools")),
    Section("resources", _l("Documents and tools to reuse"), ("licence", "links")),
    Section("contacts", _l("Contacts"), ("contact_ids", "contact_email")),
)

LABELS = {
    "title": _l("Name of the innovation"),
    "summary": _l("In one or two sentences"),
    "theme": _l("Theme"),
    "organisation": _l("Organisation that carries it"),
    "problem": _l("The problem it solves"),
    "affected": _l("Who has this problem"),
    "solution": _l("The solution, and what is new in it"),
    "beneficiaries": _l("Who it serves"),
    "beneficiaries_count": _l("How many people it serves (per year)"),
    "territory_name": _l("Territory"),
    "commune_code": _l("Commune (INSEE code)"),
    "departement_code": _l("Département"),
    "region_code": _l("Région"),
    "territory_kind": _l("Type of territory"),
    "readiness": _l("Stage"),
    "phase_dates": _l("Dates of its stages"),
    "results": _l("Results so far"),
    "expected_results": _l("Expected results (when none are known yet)"),
    "evidence_level": _l("Evidence level"),
    "evidence": _l("How the results were measured"),
    "cost_setup": _l("Set-up cost (€)"),
    "cost_recurring": _l("Running cost per year (€)"),
    "cost_per_user": _l("Cost per person served (€)"),
    "economic_model": _l("The economic model in a few words"),
    "funding": _l("Who pays for it"),
    "fixed_core": _l("The fixed core: what must be kept for it to work"),
    "adaptable": _l("What can be adapted to another territory"),
    "conditions_skills": _l("Skills needed"),
    "conditions_partners": _l("Partners needed"),
    "conditions_legal": _l("Legal frame"),
    "conditions_data": _l("Data needed"),
    "conditions_tools": _l("Tools needed"),
    "licence": _l("Licence of the documents and tools"),
    "links": _l("Links"),
    "contact_ids": _l("Public contacts of the team"),
    "contact_email": _l("Functional contact address"),
    **{name: ECONOMIC_MODEL[name] for name in ("beneficiary_value", "payer_value", "resources", "costs_avoided",
                                               "costs_avoided_how", "human_resources", "partners", "local_costs")},
}

FIELDS: tuple[str, ...] = tuple(name for section in SECTIONS for name in section.fields)
TEXT_FIELDS = ("title", "summary", "organisation", "problem", "affected", "solution", "beneficiaries",
               "territory_name", "results", "expected_results", "evidence", "economic_model", "funding",
               "fixed_core", "adaptable", "conditions_skills", "conditions_partners", "conditions_legal",
               "conditions_data", "conditions_tools", "contact_email", "beneficiary_value", "payer_value",
               "human_resources", "partners", "costs_avoided_how", "local_costs")
MONEY_FIELDS = ("cost_setup", "cost_recurring", "cost_per_user", "costs_avoided")
# What the search index reads, beside the title and summary.
SEARCHED_FIELDS = ("problem", "affected", "solution", "beneficiaries", "territory_name", "organisation",
                   "results", "expected_results", "fixed_core", "adaptable", "conditions_skills",
                   "conditions_partners", "conditions_legal", "conditions_data", "conditions_tools",
                   "economic_model")
# Needed before a version is sent for checking; results or expected results, and one condition at least.
REQUIRED = ("title", "summary", "theme", "organisation", "problem", "affected", "solution", "beneficiaries",
            "territory_name", "region_code", "territory_kind", "readiness", "evidence_level", "fixed_core",
            "adaptable", "licence")
CONDITIONS = ("conditions_skills", "conditions_partners", "conditions_legal", "conditions_data",
              "conditions_tools")


# The longest text a field keeps (the forms say so before; this holds whatever the caller).
TEXT_LIMIT = 20_000


def stored_text(value, limit: int) -> str:
    """A text as the records, replications and parrains' profiles keep it: trimmed, without NUL characters
    (PostgreSQL refuses them), at most `limit` characters."""
    return str(value or "").replace("\x00", "").strip()[:limit]


def _filled(value) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | dict):
        return bool(value)
    return True


def missing(content: dict) -> list[str]:
    """What must still be filled before checking: field names, and "results_or_expected" / "a_condition"."""
    gaps = [name for name in REQUIRED if not _filled(content.get(name))]
    if not (_filled(content.get("results")) or _filled(content.get("expected_results"))):
        gaps.append("results_or_expected")
    if not any(_filled(content.get(name)) for name in CONDITIONS):
        gaps.append("a_condition")
    return gaps


def money(content: dict, name: str) -> Decimal | None:
    """A cost of the content as a Decimal (stored as a string so that JSON keeps it exact)."""
    value = content.get(name)
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def cost_band(content: dict) -> CostBand | None:
    """The first year's cost: set-up plus one year of running."""
    setup, recurring = money(content, "cost_setup"), money(content, "cost_recurring")
    if setup is None and recurring is None:
        return None
    total = (setup or Decimal(0)) + (recurring or Decimal(0))
    if total < 10_000:
        return CostBand.UNDER_10K
    if total < 50_000:
        return CostBand.UNDER_50K
    if total < 200_000:
        return CostBand.UNDER_200K
    return CostBand.OVER_200K


def changed_fields(before: dict, after: dict) -> list[str]:
    """The fields whose value differs between two versions, in the record's order."""
    return [name for name in FIELDS if (before.get(name) or None) != (after.get(name) or None)]
