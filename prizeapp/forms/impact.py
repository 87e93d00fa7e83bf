"""The forms of a project's impact follow-up: starting it, its set-up (the situation before, the theory of
change in the order of the DITP's « évaluation flash », 3 to 5 indicators in rows) and a milestone's report.

A draft may be incomplete: the set-up form checks only the shape of what is typed (numbers, lengths, the
library's keys); what the follow-up needs before it is under way is the service's `plans.plan_problems`. The
report's values are read by `services.impact.reports.parse`, for the page's buttons and its background save
alike: its form carries only the CSRF token, the version and the fields' rendering."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, ValidationError

from ..enums import EvidenceLevel, ImpactDimension, ReplicationReadiness
from ..services.impact import library
from ..services.impact.plans import IndicatorInput
from ..services.impact.reports import TEXT_LIMIT as REPORT_TEXT_LIMIT
from ..services.impact.reports import VALUE_DECIMALS, VALUE_LIMIT
from ..web import parse_int
from .base import PageForm
from .organiser import FrenchDecimalField

TEXT_LIMIT = 5000
INDICATOR_ROWS = 5  # the most a plan has (core.impact.INDICATORS_MAX): blank rows are left out


def _at_most(limit: int) -> Length:
    return Length(max=limit, message=_l("At most %(max)d characters.", max=limit))


class StartForm(PageForm):
    opt_in = BooleanField(_l("Our team wants to follow the impact of our project"),
                          description=_l("The follow-up is your team's: a few minutes now, then a short report at "
                                         "each milestone. The call's organisers read it."))


# --- the set-up ---------------------------------------------------------------------------------------------

def library_choices() -> list[SelectChoice]:
    """The library by dimension (services.impact.library.by_dimension), each option carrying what it fills in
    (the set-up page's script copies it into the row; without it, saving fills in what was left empty)."""
    choices = [SelectChoice("", _l("Our own indicator (fill in the fields below)"))]
    for dimension, indicators in library.by_dimension():
        for item in indicators:
            choices.append(SelectChoice(item.key, item.name, optgroup=str(dimension.label), render_kw={
                "data-name": str(item.name), "data-unit": str(item.unit), "data-source": str(item.source),
                "data-method": str(item.method), "data-dimension": item.dimension.value}))
    return choices


def dimension_choices() -> list[SelectChoice]:
    return [SelectChoice("", _l("Choose a dimension"))] + [SelectChoice(d.value, d.label) for d in ImpactDimension]


class IndicatorNumberField(FrenchDecimalField):
    """A baseline or a target, in the indicator's unit ("12,5", "50 000"), as the plan's columns hold it."""

    def typed(self) -> str:
        return (self.raw_data[0] if self.raw_data else "").strip()

    def pre_validate(self, form) -> None:
        if self.data is not None and (abs(self.data) >= VALUE_LIMIT or self.data.as_tuple().exponent < -VALUE_DECIMALS):
            raise ValidationError(_l("Enter a number with at most %(decimals)d decimals, below 100 000 billion.",
                                     decimals=VALUE_DECIMALS))


def _number(label) -> IndicatorNumberField:
    return IndicatorNumberField(label, render_kw={"inputmode": "decimal", "autocomplete": "off",
                                                  "class": "input--short"})


class IndicatorForm(Form):
    """One row of the set-up's indicators: from the library (its key) or the team's own (a dimension)."""

    id = HiddenField()  # an indicator of the saved plan, whose reported values stay with it
    # default="": a row posted without its selects (not by a browser, which sends the empty option) is blank.
    library_key = SelectField(_l("From the library"), choices=library_choices, validators=[], default="",
                              description=_l("Pick an indicator to fill in its name, unit, source and method; you "
                                             "can change them."))
    dimension = SelectField(_l("Dimension"), choices=dimension_choices, default="",
                            description=_l("What it measures (for your own indicator)."))
    name = StringField(_l("Indicator"), validators=[_at_most(300)], render_kw={"autocomplete": "off"})
    unit = StringField(_l("Unit"), validators=[_at_most(60)],
                       render_kw={"autocomplete": "off", "class": "input--medium"},
                       description=_l("For example people, days, per cent, € per year."))
    baseline = _number(_l("Baseline (before)"))
    target = _number(_l("Target"))
    source = StringField(_l("Source"), validators=[_at_most(TEXT_LIMIT)],
                         description=_l("Where the figure comes from."))
    method = StringField(_l("Method"), validators=[_at_most(TEXT_LIMIT)],
                         description=_l("How it is counted or measured."))
    published = BooleanField(_l("Show on the public page"), default=True)

    def is_blank(self) -> bool:
        """Nothing chosen or typed in the row (the "show" box aside): the row is left out."""
        texts = [(self[name].data or "").strip() for name in ("name", "unit", "source", "method")]
        numbers = [self.baseline.data is not None or self.baseline.typed(),
                   self.target.data is not None or self.target.typed()]
        return not self.library_key.data and not any(texts) and not any(numbers)

    def fill_from_library(self) -> None:
        """What the chosen library indicator says, in the fields the team left empty."""
        item = library.BY_KEY.get(self.library_key.data or "")
        if item is None:
            return
        self.dimension.data = item.dimension.value
        for name in ("name", "unit", "source", "method"):
            if not (self[name].data or "").strip():
                self[name].data = str(getattr(item, name))
                self[name].raw_data = [self[name].data]

    def as_input(self, kept_ids: set[int]) -> IndicatorInput:
        key = self.library_key.data or None
        item = library.BY_KEY.get(key or "")
        dimension = item.dimension if item else ImpactDimension(self.dimension.data or ImpactDimension.OTHER.value)
        found = parse_int(self.id.data)
        return IndicatorInput(name=(self.name.data or "").strip(), dimension=dimension,
                              unit=(self.unit.data or "").strip(), baseline=self.baseline.data,
                              target=self.target.data, source=(self.source.data or "").strip(),
                              method=(self.method.data or "").strip(), library_key=key if item else None,
                              published=bool(self.published.data), id=found if found in kept_ids else None)

    def show(self, indicator) -> None:
        """A saved indicator in the row."""
        self.id.data = str(indicator.id)
        self.library_key.data = indicator.library_key or ""
        self.dimension.data = indicator.dimension.value
        for name in ("name", "unit", "source", "method"):
            self[name].data = getattr(indicator, name) or ""
        self.baseline.data = Decimal(indicator.baseline) if indicator.baseline is not None else None
        self.target.data = Decimal(indicator.target) if indicator.target is not None else None
        self.published.data = bool(indicator.published)


def _plan_text(label, description, rows: int = 3) -> TextAreaField:
    return TextAreaField(label, validators=[_at_most(TEXT_LIMIT)], description=description, render_kw={"rows": rows})


class SetupForm(PageForm):
    """The plan, in the order of the « évaluation flash »: the problem and the situation before, then
    activities → outputs (réalisations) → results → impacts, and the assumptions; then the indicators."""

    version = HiddenField()  # the plan's version the form was loaded from
    problem = _plan_text(_l("The problem"), _l("What goes wrong without the project, and for whom."))
    baseline = _plan_text(_l("The situation before"), _l("Where things stood before the project, with figures if "
                                                         "you have them: your starting point (baseline)."))
    activities = _plan_text(_l("Activities"), _l("What the team does: the actions, the means."))
    outputs = _plan_text(_l("Outputs (réalisations)"), _l("What the activities produce directly and can be "
                                                          "counted: sessions held, people trained, a tool in "
                                                          "service."))
    results = _plan_text(_l("Results"), _l("What changes for the users or the agents in the short term thanks to "
                                           "the outputs."))
    impacts = _plan_text(_l("Impacts"), _l("The lasting, wider change you aim at, to which the project "
                                           "contributes among other causes."))
    assumptions = _plan_text(_l("Assumptions"), _l("What must hold for the chain to work (partners, take-up, "
                                                   "means). Optional."))
    indicators = FieldList(FormField(IndicatorForm), label=_l("Indicators"), min_entries=INDICATOR_ROWS)
    published = BooleanField(_l("Show the follow-up on the innovation's public page"),
                             description=_l("The indicators ticked “show on the public page” and the evidence "
                                            "level of the latest report, once the project has a public innovation "
                                            "record."))

    def show(self, plan) -> None:
        """The saved plan (on GET: nothing typed yet), in INDICATOR_ROWS rows at least."""
        self.version.data = str(plan.version)
        for name in ("problem", "baseline", "activities", "outputs", "results", "impacts", "assumptions"):
            self[name].data = getattr(plan, name) or ""
        self.published.data = bool(plan.published)
        while len(self.indicators):
            self.indicators.pop_entry()
        for indicator in plan.indicators:
            self.indicators.append_entry().form.show(indicator)
        while len(self.indicators) < INDICATOR_ROWS:
            self.indicators.append_entry()

    def texts(self) -> dict[str, str]:
        return {name: (self[name].data or "").strip() for name in
                ("problem", "baseline", "activities", "outputs", "results", "impacts", "assumptions")}

    def filled_rows(self) -> list:
        """The rows that are not blank, in order, the library's values filled in where left empty."""
        rows = [entry.form for entry in self.indicators if not entry.form.is_blank()]
        for row in rows:
            row.fill_from_library()
        return rows


# --- a report ------------------------------------------------------------------------------------------------

def _choices(vocabulary) -> list[SelectChoice]:
    return [SelectChoice(member.value, member.label) for member in vocabulary]


class ReportForm(PageForm):
    """A milestone's report. Its values are read by services.impact.reports.parse (choices included: a value
    outside them is reported there), so that the fields here only render what was typed."""

    version = HiddenField()
    evidence_level = RadioField(_l("Evidence level reached"), choices=_choices(EvidenceLevel), validate_choice=False,
                                description=_l("On Nesta's standards of evidence: how sure you are that the "
                                               "changes come from the project. Most projects are at level 1 or "
                                               "2: saying so honestly is what counts."))
    users_reached = StringField(_l("Users reached so far"), description=_l("A whole number of people, for example "
                                                                           "1 200."),
                                render_kw={"inputmode": "numeric", "autocomplete": "off", "class": "input--short"})
    cost_to_date = StringField(_l("Cost to date (€)"),
                               description=_l("Everything spent since the start, staff time included, in euros, "
                                              "for example 15 000 or 12 500,50."),
                               render_kw={"inputmode": "decimal", "autocomplete": "off", "class": "input--medium"})
    worked = TextAreaField(_l("What worked"), render_kw={"rows": 4, "maxlength": REPORT_TEXT_LIMIT})
    did_not_work = TextAreaField(_l("What did not work"),
                                 description=_l("What you stopped, changed or would do differently."),
                                 render_kw={"rows": 4, "maxlength": REPORT_TEXT_LIMIT})
    unexpected = TextAreaField(_l("Unexpected effects"), description=_l("Good or bad, for users, agents or partners."),
                               render_kw={"rows": 3, "maxlength": REPORT_TEXT_LIMIT})
    readiness = RadioField(_l("Readiness to replicate"), choices=_choices(ReplicationReadiness),
                           validate_choice=False,
                           description=_l("Your own view: could another territory take the project up now?"))


class ReportDocumentForm(PageForm):
    file = FileField(_l("File"), description=_l("A PDF, an ODT or DOCX document, or a PNG or JPEG image: a survey's "
                                                "results, an evaluation note, photos."))
