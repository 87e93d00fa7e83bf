"""The public catalogue's search and filters: a GET form (nothing changes, no CSRF). Each filter reads one
query-string parameter; a value that is not one of the list's gives a message on the field, never an error
page, and the list is shown without that filter."""
from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from ..core.territories import DEPARTEMENTS, REGIONS, departement_label, region_label
from ..enums import CostBand, EvidenceLevel, PublicDependency, Readiness, TerritoryKind, Theme
from ..formatting import alphabetical, by_label
from ..web import parse_int
from .base import PageForm
from .fields import id_number

SORT_LABELS = {"relevance": _l("Relevance"), "recency": _l("Most recently published"),
               "replications": _l("Most taken up")}


def _plain(value):
    """Typed text without control characters (tabs, line feeds pasted in a search box), trimmed."""
    if not isinstance(value, str):
        return value
    return "".join(c for c in value if unicodedata.category(c) != "Cc").strip()


def _one_of(values: Iterable[str], message) -> Callable:
    allowed = frozenset(values)

    def check(form, field) -> None:
        if field.data not in allowed:
            raise ValidationError(message)

    return check


def _year(form, field) -> None:
    if parse_int(field.data, minimum=1900, maximum=2200) is None:
        raise ValidationError(_l("Choose a year from the list (four digits, such as 2025)."))


def _call_id(form, field) -> None:
    try:
        id_number(field.data)
    except ValueError:
        raise ValidationError(_l("Choose a call from the list.")) from None


def _select(label, validators=(), **kwargs) -> SelectField:
    # Choices are the facet values of the current results (show_counts), so they are not what validates.
    return SelectField(label, validate_choice=False, validators=[Optional(), *validators], filters=[_plain],
                       **kwargs)


def evidence_text(level: EvidenceLevel):
    return _l("Level %(level)s or higher", level=level.value)


@dataclass(frozen=True)
class _Filter:
    """How one parameter maps to the catalogue's filter `attribute`: its stored value, and its words."""

    attribute: str
    value: Callable[[str], Any]
    words: Callable[[Any], Any]
    all_label: Any


def _member_words(member) -> Any:
    return member.label


FILTERS: dict[str, _Filter] = {
    "theme": _Filter("theme", Theme, _member_words, _l("All themes")),
    "territory": _Filter("territory_kind", TerritoryKind, _member_words, _l("All types of territory")),
    "region": _Filter("region_code", str, region_label, _l("All régions")),
    "departement": _Filter("departement_code", str, departement_label, _l("All départements")),
    "organisation": _Filter("organisation", str, str, _l("All organisations")),
    "evidence": _Filter("evidence_level", EvidenceLevel, evidence_text, _l("Any evidence level")),
    "readiness": _Filter("readiness", Readiness, _member_words, _l("Any stage")),
    "cost": _Filter("cost_band", CostBand, _member_words, _l("Any cost")),
    "public_money": _Filter("public_dependency", PublicDependency, _member_words, _l("Any share of public money")),
    "year": _Filter("year", lambda v: parse_int(v, minimum=1900, maximum=2200), str, _l("All years")),
    "call": _Filter("call_id", id_number, str, _l("All calls")),
}


class CatalogueFilterForm(PageForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search the innovations"), filters=[_plain],
                    validators=[Optional(), Length(max=200, message=_l("At most %(max)d characters.", max=200))],
                    description=_l("Words of the name, the summary or the solution, such as “cantine” or "
                                   "“mobilité rurale”. Accents and capitals do not matter."),
                    render_kw={"type": "search", "spellcheck": "true"})
    theme = _select(_l("Theme"), [_one_of((t.value for t in Theme), _l("Choose a theme from the list."))])
    territory = _select(_l("Type of territory"), [
        _one_of((t.value for t in TerritoryKind), _l("Choose a type of territory from the list."))])
    region = _select(_l("Région"), [_one_of(REGIONS, _l("Choose a région from the list."))])
    departement = _select(_l("Département"), [_one_of(DEPARTEMENTS, _l("Choose a département from the list."))])
    organisation = _select(_l("Organisation"), [Length(max=200, message=_l("At most %(max)d characters.",
                                                                           max=200))])
    evidence = _select(_l("Evidence level"), [
        _one_of((e.value for e in EvidenceLevel), _l("Choose an evidence level from the list."))],
        description=_l("Nesta's standards of evidence, from 1 (a plausible theory of change) to 5 (results "
                       "reproduced elsewhere, by others)."))
    readiness = _select(_l("Stage"), [_one_of((r.value for r in Readiness), _l("Choose a stage from the list."))])
    cost = _select(_l("First year's cost"), [
        _one_of((c.value for c in CostBand), _l("Choose a cost band from the list."))],
        description=_l("Set-up and one year of running."))
    public_money = _select(_l("Dependency on public money"), [
        _one_of((d.value for d in PublicDependency), _l("Choose a share of public money from the list."))],
        description=_l("Public subsidies, purchases by public bodies and pooling, in the resources of its economic "
                       "model."))
    year = _select(_l("Year"), [_year])
    call = _select(_l("Call or prize"), [_call_id])
    sort = _select(_l("Sort by"), [_one_of(SORT_LABELS, _l("Choose an order from the list."))])

    def filter_fields(self) -> list:
        return [self[name] for name in FILTERS]

    def filter_values(self) -> dict[str, Any]:
        """The valid filters, by the catalogue's attribute names (a field with an error is left out)."""
        values = {}
        for name, spec in FILTERS.items():
            field = self[name]
            if field.data and not field.errors:
                try:
                    values[spec.attribute] = spec.value(field.data)
                except ValueError:  # the validators let nothing through that fails here; never a 500 anyway
                    continue
        return values

    def query(self) -> str:
        return self.q.data if self.q.data and not self.q.errors else ""

    def chosen_sort(self) -> str | None:
        return self.sort.data if self.sort.data and not self.sort.errors else None

    def words_of(self, name: str, call_titles: dict[int, str]) -> str:
        """The chosen value of filter `name`, in words."""
        spec = FILTERS[name]
        value = self.filter_values().get(spec.attribute)
        if name == "call":
            return call_titles.get(value) or str(_l("Call no. %(id)s", id=value))
        return str(spec.words(value))

    def show_counts(self, facets: dict[str, dict], call_titles: dict[int, str], *, searched: bool) -> None:
        """Each select lists the values found among the current results, with their number, and the one
        chosen even when nothing has it; the sort offers relevance only for a search."""
        chosen = self.filter_values()
        for name, spec in FILTERS.items():
            counts = facets.get(spec.attribute, {})
            selected = chosen.get(spec.attribute)
            key = getattr(selected, "value", selected)
            present = set(counts) | ({key} if key is not None else set())
            options = [(value, words) for value, words in self._options(name, spec, present, call_titles)
                       if value in present]
            self[name].choices = [SelectChoice("", spec.all_label)] + [
                SelectChoice(str(value), f"{words} ({counts.get(value, 0)})") for value, words in options]
        # The default order is the empty value, so that a new search from this form is ranked by relevance
        # even when the list it came from was sorted by recency by default.
        default = "relevance" if searched else "recency"
        self.sort.choices = [SelectChoice("", SORT_LABELS[default])] + [
            SelectChoice(key, label) for key, label in SORT_LABELS.items()
            if key != default and (searched or key != "relevance")]

    def show_sort(self, applied: str, *, searched: bool) -> None:
        """The select shows the order applied: the empty value when it is the default one."""
        self.sort.data = "" if applied == ("relevance" if searched else "recency") else applied

    @staticmethod
    def _options(name: str, spec: _Filter, present: set, call_titles: dict[int, str]) -> list[tuple[Any, Any]]:
        if name == "theme":  # no order of its own: that of the labels, in the reader's language
            return [(member.value, spec.words(member)) for member in by_label(spec.value)]
        if name in ("territory", "evidence", "readiness", "cost", "public_money"):
            return [(member.value, spec.words(member)) for member in spec.value]
        if name == "region":
            return [(code, label) for code, label in alphabetical(REGIONS.items(), lambda item: item[1])]
        if name == "departement":
            return [(code, f"{code} – {name}") for code, (name, _region) in DEPARTEMENTS.items()]
        if name == "organisation":
            return [(value, value) for value in alphabetical(present)]
        if name == "year":
            return [(value, str(value)) for value in sorted(present, reverse=True)]
        return [(value, call_titles.get(value) or str(_l("Call no. %(id)s", id=value)))
                for value in alphabetical(present, lambda v: call_titles.get(v, ""))]
