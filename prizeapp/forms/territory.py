"""Whether a form's territory codes agree with one another (prizeapp.core.territories.check), checked with the
form's other fields: every problem is said in the same round, each beside the field it concerns, whatever the
state of the rest of the form. The services check the codes again before storing them."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core import territories

Sentence = LazyString | str | Callable[[Mapping[str, Any]], str]

# What each problem of territories.check says; the params are the codes checked (commune, departement, region).
SENTENCES: dict[str, Sentence] = {
    "unknown_region": _l("Choose a région from the list."),
    "unknown_departement": _l("Choose a département from the list."),
    "departement_not_in_region": lambda p: _("%(departement)s is not in the région %(region)s: choose its own région, "
                                             "or leave the région empty.",
                                             departement=territories.departement_label(p["departement"]),
                                             region=territories.region_label(p["region"])),
    "bad_commune_code": _l("This is not a commune's code: it has five characters, for example 35238 (Rennes) or "
                           "2A004 (Ajaccio). It is not the postcode."),
    "commune_not_in_departement": lambda p: _("This commune is not in %(departement)s.",
                                              departement=territories.departement_label(p["departement"])),
}

# The kind of field each problem is said beside.
FIELDS: dict[str, str] = {"unknown_region": "region", "unknown_departement": "departement",
                          "departement_not_in_region": "departement", "bad_commune_code": "commune",
                          "commune_not_in_departement": "commune"}


def sentence(code: str, params: Mapping[str, Any]) -> str:
    text = SENTENCES[code]
    return text(params) if callable(text) else str(text) % params


def _typed(form, name: str | None) -> str:
    if name is None:
        return ""
    value = form[name].data
    return value.strip().upper() if isinstance(value, str) else ""


def check_codes(form, *, commune: str | None = "commune_code", departement: str = "departement_code",
                region: str = "region_code") -> bool:
    """Add the problems of the territory's codes typed in `form` (fields by name; `commune` None when the form
    has none) to the errors of their fields; True when there is none. A département left empty is the one of
    the commune, as the services complete it; a field that already has an error (a choice not in its list, a
    code too long) says nothing more."""
    values = {"commune": _typed(form, commune), "departement": _typed(form, departement),
              "region": _typed(form, region)}
    deduced = not values["departement"] and bool(values["commune"])
    if deduced:
        values["departement"] = territories.departement_of_commune(values["commune"]) or ""
    problems = territories.check(commune_code=values["commune"], departement_code=values["departement"],
                                 region_code=values["region"])
    names = {"commune": commune, "departement": departement, "region": region}
    for code in problems:
        kind = FIELDS[code]
        if kind == "departement" and deduced:
            kind = "region"  # the département is the commune's: what was chosen is the région
        target = form[names[kind]]
        if not target.errors:
            target.errors = [*target.errors, sentence(code, values)]
    return not problems
