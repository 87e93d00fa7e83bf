"""The forms of an innovation record's life: starting it from a project, editing it (one long form by the
sections of services.innovations.content), its documents, sending it for checking, and the checkers' actions.

A draft may be saved incomplete: the forms check only the shape of what is typed (numbers, dates, addresses,
lengths); what a record needs before it is checked is the service's `content.missing()`."""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError
from wtforms.widgets import DateInput

from ..core import territories
from ..core.localtime import PARIS
from ..core.questions import parse_date, parse_number
from ..enums import EvidenceLevel, Licence, Readiness, TerritoryKind, Theme
from ..formatting import alphabetical, by_label
from ..services.innovations.content import LABELS, TEXT_FIELDS
from .base import PageForm
from .fields import CheckboxesField, id_number
from .territory import check_codes

TEXT_LIMIT = 20_000
EXTRA_LINK_ROWS = 2  # empty rows offered under the saved links; saving offers new ones


def _choices(vocabulary) -> list[SelectChoice]:
    return [SelectChoice(member.value, member.label) for member in vocabulary]


def _at_most(limit: int) -> Length:
    return Length(max=limit, message=_l("At most %(max)d characters.", max=limit))


def region_choices() -> list[SelectChoice]:
    return [SelectChoice("", _l("Choose a région"))] + [
        SelectChoice(code, name) for code, name in alphabetical(territories.REGIONS.items(), lambda item: item[1])]


def departement_choices() -> list[SelectChoice]:
    return [SelectChoice("", _l("Choose a département"))] + [
        SelectChoice(code, territories.departement_label(code))
        for code in alphabetical(territories.DEPARTEMENTS, lambda code: territories.DEPARTEMENTS[code][0])]


def theme_choices() -> list[SelectChoice]:
    """The themes in the order of their labels in the reader's language: the field calls it for each form."""
    return [SelectChoice("", _l("Choose a theme"))] + _choices(by_label(Theme))


# --- fields -------------------------------------------------------------------------------------------

class DayField(StringField):
    """A date input (the browser's calendar; where there is none, 31/12/2026 is read too); `data` is a date."""

    widget = DateInput()

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.data.isoformat() if isinstance(self.data, date) else ""

    def process_formdata(self, valuelist) -> None:
        self.data = None
        text = (valuelist[0] if valuelist else "").strip()
        if text:
            try:
                self.data = parse_date(text)
            except ValueError as error:
                raise ValueError(_l("Enter a date such as 31/12/2026.")) from error


class CountField(StringField):
    """A whole number of people as people write it ("1 200"); `data` is an int or None."""

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist) -> None:
        self.data = None
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            return
        try:
            value = parse_number(text)
        except ValueError as error:
            raise ValueError(_l("Enter a whole number, for example 400 or 12 000.")) from error
        if value != value.to_integral_value() or not 0 <= value < 10**9:
            raise ValueError(_l("Enter a whole number, for example 400 or 12 000."))
        self.data = int(value)


def _http_address(form, field) -> None:
    if field.data and not field.data.strip().lower().startswith(("https://", "http://")):
        raise ValidationError(_l("Enter a full address starting with https://, for example "
                                 "https://www.exemple.fr/guide."))


class LinkForm(Form):
    """One link: a title and an address (a row of the record's links; no CSRF of its own)."""

    title = StringField(_l("Title of the link"), validators=[_at_most(200)])
    url = URLField(_l("Address (URL)"), validators=[Optional(), _at_most(500), _http_address],
                   render_kw={"spellcheck": "false", "autocapitalize": "none", "inputmode": "url"})

    def validate_url(self, field) -> None:
        if self.title.data and self.title.data.strip() and not (field.data or "").strip():
            raise ValidationError(_l("Give the address of this link, or clear its title."))


def _text(name: str, description, *, limit: int = TEXT_LIMIT, rows: int = 5) -> TextAreaField:
    return TextAreaField(LABELS[name], validators=[_at_most(limit)], description=description,
                         render_kw={"rows": rows})


def _line(name: str, description, *, limit: int = 200, **render_kw) -> StringField:
    return StringField(LABELS[name], validators=[_at_most(limit)], description=description, render_kw=render_kw)


def _reached_by_today(form, field) -> None:
    """A stage reached is dated today at the latest (in Paris): a date to come is a plan, not a stage."""
    if isinstance(field.data, date) and field.data > datetime.now(PARIS).date():
        raise ValidationError(_l("A stage reached cannot be dated after today: give the date it was reached, or "
                                 "leave the date empty."))


def _radio(name: str, vocabulary, description=None) -> RadioField:
    return RadioField(LABELS[name], choices=_choices(vocabulary), validators=[Optional()], description=description)


# --- the record -----------------------------------------------------------------------------------------

class RecordForm(PageForm):
    """Every field of a record (services.innovations.content.FIELDS) but the economic-model grid's, which the
    shared grid form reads (views.economic_model), plus the version the form was loaded from and the "what
    changed" note. Phase dates are one field per stage (phase_<stage>), added below."""

    based_on = HiddenField()

    title = _line("title", _l("A name that says what it does, for example “Respite concierge service for "
                              "carers”."), limit=300, autocomplete="off")
    summary = _text("summary", _l("What it does and for whom, in one or two sentences: the catalogue's list "
                                  "shows them. At most 600 characters."), limit=600, rows=3)
    theme = SelectField(LABELS["theme"], choices=theme_choices,
                        validators=[Optional()],
                        description=_l("The field of public action it serves; the catalogue can be filtered by "
                                       "theme."))
    organisation = _line("organisation", _l("The administration or body that runs it, for example Ville de "
                                            "Rennes or Conseil départemental du Gers."), autocomplete="organization")

    problem = _text("problem", _l("What goes wrong without it, with a figure if you have one, for example "
                                  "“one carer in three has to stop working”."))
    affected = _text("affected", _l("The people who have this problem: users, agents, partners."), rows=3)

    solution = _text("solution", _l("What you do and how it works day to day; then what is new compared with "
                                    "what existed before."), rows=8)
    beneficiaries = _text("beneficiaries", _l("Who uses it or benefits from it, directly or not."), rows=3)
    beneficiaries_count = CountField(LABELS["beneficiaries_count"],
                                     description=_l("A whole number, for example 400. Leave it empty if you do not "
                                                    "know."),
                                     render_kw={"inputmode": "numeric", "autocomplete": "off",
                                                "class": "input--short"})

    territory_name = _line("territory_name", _l("Where it runs, as people name it, for example “Rennes and its "
                                                "metropolitan area”."))
    commune_code = _line("commune_code", _l("The commune's official code (code officiel géographique, five "
                                            "characters, for example 35238 for Rennes), which is not its postcode. "
                                            "Optional."), limit=5, autocomplete="off", spellcheck="false",
                         **{"class": "input--short"})
    departement_code = SelectField(LABELS["departement_code"], choices=departement_choices(), validators=[Optional()],
                                   description=_l("Leave it empty for a whole région. Left empty, it is filled "
                                                  "in from the commune's code."))
    region_code = SelectField(LABELS["region_code"], choices=region_choices(), validators=[Optional()],
                              description=_l("Left empty, it is filled in from the département."))
    territory_kind = _radio("territory_kind", TerritoryKind,
                            _l("The kind of territory it was designed for: others look for innovations made for "
                               "a territory like theirs."))

    readiness = _radio("readiness", Readiness, _l("Where it stands today."))

    results = _text("results", _l("What has changed so far, with figures, for example “320 carers supported in "
                                  "the first year; 8 in 10 say they are less exhausted”."))
    expected_results = _text("expected_results", _l("When it is too early for results: what you expect, and how "
                                                    "you will know. Results or expected results are needed."))
    evidence_level = _radio("evidence_level", EvidenceLevel,
                            _l("How sure the results are, on Nesta's standards of evidence. Level 1: you describe "
                               "why it should work (a theory of change). Level 2: data show a change, such as "
                               "before-and-after figures or a survey of users. Level 3: the change is compared with "
                               "a group that did not benefit. Level 4: a robust causal evaluation. Level 5: others "
                               "reproduced the results elsewhere. Most innovations are at level 1 or 2: saying so "
                               "honestly is what other territories need."))
    evidence = _text("evidence", _l("The method: who measured, when, with how many people. Attach the evaluation "
                                    "report below if there is one."), rows=3)

    # The rest of the section "Cost and economic model" is the economic-model grid, read by the view with
    # templates/_economic_model_form.html (its names are the content's keys).
    economic_model = _text("economic_model", _l("How it is financed over time: a budget line, co-financing, "
                                                "fees, savings made elsewhere. Say what happens when the first "
                                                "funding ends."), rows=4)

    fixed_core = _text("fixed_core", _l("The few principles without which it is no longer the same innovation: "
                                        "what another territory must keep for it to work, for example “a single "
                                        "contact point; volunteers trained before they start”."))
    adaptable = _text("adaptable", _l("What another territory can change to suit itself, for example the opening "
                                      "hours, the place, the partners, the name, the tools."))
    conditions_skills = _text("conditions_skills", _l("For example a half-time coordinator, a developer for "
                                                      "three months."), rows=3)
    conditions_partners = _text("conditions_partners", _l("For example the CCAS, a carers' association, the "
                                                          "CAF."), rows=3)
    conditions_legal = _text("conditions_legal", _l("The texts, agreements or public procurement it relies on, and "
                                                    "its personal data protection (GDPR) measures."), rows=3)
    conditions_data = _text("conditions_data", _l("The data it needs, and whether they are open (data.gouv.fr) "
                                                  "or must be asked for."), rows=3)
    conditions_tools = _text("conditions_tools", _l("Software, equipment or premises; say whether the software is "
                                                    "free and open source, and where to find it."), rows=3)

    licence = _radio("licence", Licence, _l("Under which licence others may reuse your documents and tools. "
                                            "Licence Ouverte 2.0 is the open licence of French administrations; "
                                            "CC BY only asks to credit you."))
    links = FieldList(FormField(LinkForm), label=LABELS["links"], max_entries=20)

    contact_ids = CheckboxesField(LABELS["contact_ids"], coerce=id_number, choices=[],
                                  description=_l("Tick the box if you agree to be a public contact: your name and "
                                                 "email address are then shown on the public page and in the "
                                                 "open data. Each member of the team decides for themself; "
                                                 "nobody's personal data is published otherwise."))
    contact_email = EmailField(LABELS["contact_email"],
                               validators=[Optional(), Email(message=_l("Enter an email address such as "
                                                                        "prenom.nom@example.gouv.fr."),
                                                             check_deliverability=False), _at_most(254)],
                               description=_l("A shared address that stays when people move on, for example "
                                              "innovation@ville-exemple.fr. Shown on the public page."),
                               render_kw={"spellcheck": "false", "autocapitalize": "none"})

    change_note = TextAreaField(_l("What changed in this version"), validators=[_at_most(2000)],
                                description=_l("In a few words, for the checkers and the history, for example "
                                               "“results of the second year added”."), render_kw={"rows": 2})

    @staticmethod
    def phase_field(stage: Readiness) -> str:
        return f"phase_{stage.value}"

    def phase_fields(self) -> list:
        return [self[self.phase_field(stage)] for stage in Readiness]

    def validate(self, extra_validators=None) -> bool:
        """Every field's checks, and whether the territory's codes agree, in one round."""
        valid = super().validate(extra_validators)
        return check_codes(self) and valid

    # -- between the form and a version's content (services.innovations.content conventions) --

    def fill(self, content: dict, *, based_on: int, extra_links: int = EXTRA_LINK_ROWS) -> None:
        """Show a version's content (on GET: nothing typed yet)."""
        self.based_on.data = str(based_on)
        for name in (*TEXT_FIELDS, "theme", "territory_kind", "readiness", "evidence_level", "licence",
                     "commune_code", "departement_code", "region_code"):
            if name in self._fields:
                self[name].data = content.get(name) or ("" if name not in _RADIOS else None)
        self.beneficiaries_count.data = content.get("beneficiaries_count")
        for stage in Readiness:
            day = (content.get("phase_dates") or {}).get(stage.value)
            self[self.phase_field(stage)].data = date.fromisoformat(day) if day else None
        self.contact_ids.data = list(content.get("contact_ids") or [])
        while len(self.links):
            self.links.pop_entry()
        for link in content.get("links") or []:
            self.links.append_entry(link)
        self.add_link_rows(extra_links)

    def add_link_rows(self, count: int = EXTRA_LINK_ROWS) -> None:
        for _ in range(min(count, self.links.max_entries - len(self.links))):
            self.links.append_entry()

    def content(self) -> dict:
        """What was typed, in the content's shape (the service cleans it again before storing it)."""
        out: dict = {name: (self[name].data or "").strip() for name in TEXT_FIELDS if name in self._fields}
        for name in ("theme", "territory_kind", "readiness", "evidence_level", "licence", "departement_code",
                     "region_code"):
            out[name] = self[name].data or None
        out["commune_code"] = (self.commune_code.data or "").strip().upper()
        out["beneficiaries_count"] = self.beneficiaries_count.data
        out["phase_dates"] = {stage.value: self[self.phase_field(stage)].data.isoformat()
                              for stage in Readiness if self[self.phase_field(stage)].data}
        out["links"] = [{"title": (entry.title.data or "").strip() or entry.url.data.strip(),
                         "url": entry.url.data.strip()} for entry in self.links if (entry.url.data or "").strip()]
        out["contact_ids"] = list(self.contact_ids.data or [])
        return out


_RADIOS = {"territory_kind", "readiness", "evidence_level", "licence"}

for _stage in Readiness:
    setattr(RecordForm, RecordForm.phase_field(_stage), DayField(_stage.label, validators=[_reached_by_today]))


# --- the other forms ------------------------------------------------------------------------------------

class StartForm(PageForm):
    team_agrees = BooleanField(_l("Our team agrees to publish this project as an innovation record"))


class DocumentForm(PageForm):
    title = StringField(_l("What it is"), validators=[_at_most(200)],
                        description=_l("In a few words, for example “Guide for setting it up” or “Model agreement "
                                       "with the partners”."))
    file = FileField(_l("File"))


class SendForm(PageForm):
    number = HiddenField()  # the version the team saw: a version saved meanwhile is not sent unseen


class ApproveForm(PageForm):
    number = HiddenField()  # the version the checker read


class ReasonForm(PageForm):
    """Asking for changes, or withdrawing a record: the reason is required (the team reads it)."""

    number = HiddenField()
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(message=_l("Give the reason: the team reads "
                                                                             "it.")), _at_most(5000)],
                           render_kw={"rows": 4})
