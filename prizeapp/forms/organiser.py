"""The organisers' screens: a call's settings, its evaluation grid, its form questions, its phase."""
from __future__ import annotations

import re
from datetime import datetime

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields import DateTimeLocalField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from ..core.impact import DEFAULT_MILESTONES, MAX_MONTHS, check_milestones
from ..core.localtime import LocalTimeError, to_local, to_utc
from ..core.questions import parse_number
from ..enums import BlindLevel, CallKind, CallPhase, QuestionKind, ReviewMode, SubmissionStatus
from ..web import MAX_ID
from .base import PageForm
from .fields import id_number

DATE_FIELDS = ("opens_at", "submission_deadline", "review_deadline", "deliberation_at", "results_at")


# --- fields -------------------------------------------------------------------------------------------

class ParisDateTimeField(DateTimeLocalField):
    """A datetime-local input showing and reading Europe/Paris wall-clock time; `data` is an aware UTC datetime.

    A time that is not exactly one instant (the hour skipped in March, the hour repeated in October) is
    refused with an explanation rather than guessed: a deadline must not move by an hour unnoticed.
    """

    # What the browser's datetime-local input sends first; then what people type where it is a plain text box.
    FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M", "%d/%m/%Y %Hh%M")

    def __init__(self, label=None, validators=None, **kwargs) -> None:
        kwargs.setdefault("description", _l("Paris time."))
        super().__init__(label, validators, format=list(self.FORMATS), **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)  # what was typed, even when it was refused
        return to_local(self.data).strftime(self.FORMATS[0]) if self.data else ""

    def process_formdata(self, valuelist) -> None:
        if not valuelist:
            return
        text = " ".join(valuelist).strip()
        self.data = None
        if not text:
            return
        for fmt in self.FORMATS:
            try:
                local = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        else:
            raise ValueError(_l("Enter a date and a time, for example 31/03/2026 12:00."))
        try:
            self.data = to_utc(local)
        except LocalTimeError as error:
            if error.reason == "nonexistent":
                raise ValueError(_l("This time does not exist in Paris: on the night of the change to summer "
                                    "time, clocks go straight from 02:00 to 03:00. Choose another time, "
                                    "for example 03:00.")) from error
            raise ValueError(_l("This time happens twice in Paris: on the night of the change to winter time, "
                                "clocks go back from 03:00 to 02:00. Choose another time, for example "
                                "03:00.")) from error


class LinesField(TextAreaField):
    """A textarea of one item per line; `data` is the list of non-empty lines, stripped, without repeats."""

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "\n".join(self.data or [])

    def process_formdata(self, valuelist) -> None:
        if valuelist:
            lines = (line.strip() for line in valuelist[0].splitlines())
            self.data = list(dict.fromkeys(line for line in lines if line))


class FrenchDecimalField(StringField):
    """A number as French people write it ("12,5", "50 000"); `data` is a Decimal or None."""

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        text = format(self.data.normalize(), "f")
        return text.replace(".", ",")

    def process_formdata(self, valuelist) -> None:
        self.data = None
        if valuelist and valuelist[0].strip():
            try:
                self.data = parse_number(valuelist[0].strip())
            except ValueError as error:
                raise ValueError(_l("Enter a number, for example 12,5 or 50 000.")) from error


class MilestonesField(StringField):
    """Months after the results, as organisers write them ("6, 12, 24"); `data` is the sorted list without
    repeats (core.impact.check_milestones), or None when left empty: the default milestones."""

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return ", ".join(str(m) for m in self.data or [])

    def process_formdata(self, valuelist) -> None:
        self.data = None
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            return
        parts = [part for part in re.split(r"[,;\s]+", text) if part]
        try:
            if not all(part.isdigit() for part in parts):
                raise ValueError(text)
            self.data = check_milestones([int(part) for part in parts])
        except ValueError as error:
            raise ValueError(_l("Enter whole numbers of months from 1 to %(max)d, separated by commas, for "
                                "example 6, 12, 24.", max=MAX_MONTHS)) from error


_DOMAIN = re.compile(r"^@?([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def _email_domains(form, field) -> None:
    field.data = [line.lower().lstrip("@") for line in field.data or []]
    bad = [line for line in field.data if not _DOMAIN.match(line)]
    if bad:
        raise ValidationError(_l("Not a domain name: %(lines)s. Write one domain per line, for example "
                                 "interieur.gouv.fr.", lines=", ".join(bad)))


def _each_at_most(length: int):
    def check(form, field) -> None:
        if any(len(line) > length for line in field.data or []):
            raise ValidationError(_l("Each line must have at most %(max)d characters.", max=length))
    return check


def _kind_choices() -> list[SelectChoice]:
    return [SelectChoice(kind.value, kind.label) for kind in CallKind]


# --- the call -----------------------------------------------------------------------------------------

class NewCallForm(PageForm):
    kind = RadioField(_l("Kind of call"), choices=_kind_choices(),
                      validators=[InputRequired(message=_l("Choose the kind of call."))])
    title = StringField(_l("Title"), validators=[DataRequired(message=_l("Enter the title of the call.")),
                                                 Length(max=300)])


class CallForm(PageForm):
    """Every setting of a call (services.calls.EDITABLE); the names are the Call attributes."""

    kind = RadioField(_l("Kind of call"), choices=_kind_choices(),
                      validators=[InputRequired(message=_l("Choose the kind of call."))])
    title = StringField(_l("Title"), validators=[DataRequired(message=_l("Enter the title of the call.")),
                                                 Length(max=300)])
    summary = TextAreaField(_l("Summary"), validators=[Length(max=1500)],
                            description=_l("Two or three sentences, shown in the list of calls."))
    description = TextAreaField(
        _l("Description"),
        description=_l("Markdown: **bold**, *italic*, lists with “-”, links as [text](https://…), titles with “##”."))
    rules = TextAreaField(_l("Rules of the call"), description=_l("Markdown, as the description."))
    categories = LinesField(_l("Categories or themes"), validators=[_each_at_most(200)],
                            description=_l("One per line. Leave empty for a call without categories; otherwise "
                                           "each applicant chooses one."))
    for_replication = BooleanField(
        _l("Call for replication: each project takes up an innovation of the catalogue"),
        description=_l("Each applicant chooses, among the published innovations, the one their project takes up "
                       "(appel à projets d'essaimage). The project, the innovation and its replication are then "
                       "linked, and the innovation's team is told when the project is submitted."))
    eligible_unit_ids = SelectMultipleField(
        _l("Eligible units"), coerce=id_number,
        description=_l("A unit includes everything below it. Hold Ctrl (or ⌘) to choose several. "
                       "Choose none to leave the call open to every unit."))
    eligible_email_domains = LinesField(
        _l("Eligible email domains"), validators=[_email_domains],
        description=_l("One per line, for example interieur.gouv.fr (its subdomains are included). Applicants "
                       "meeting either condition, unit or domain, may apply; leave both empty to open the call "
                       "to everyone with an account."))
    max_submissions_per_applicant = IntegerField(
        _l("Maximum number of submissions per applicant"),
        validators=[Optional(), NumberRange(min=1, max=100, message=_l("Enter a number from 1 to 100."))],
        description=_l("Leave empty for no limit."))
    review_mode = RadioField(_l("How projects are reviewed"),
                             choices=[SelectChoice(m.value, m.label) for m in ReviewMode],
                             validators=[InputRequired(message=_l("Choose how projects are reviewed."))])
    reviewers_per_submission = IntegerField(
        _l("Reviewers per submission"),
        validators=[InputRequired(message=_l("Enter a number from 1 to 20.")),
                    NumberRange(min=1, max=20, message=_l("Enter a number from 1 to 20."))])
    blind = RadioField(_l("Applicants' identity"), choices=[SelectChoice(b.value, b.label) for b in BlindLevel],
                       validators=[InputRequired(message=_l("Choose what reviewers see of the applicants."))])
    opens_at = ParisDateTimeField(_l("Opening of submissions"))
    submission_deadline = ParisDateTimeField(
        _l("Submission deadline"), description=_l("Paris time. Submissions arriving at this minute are late."))
    review_deadline = ParisDateTimeField(_l("End of the review"))
    deliberation_at = ParisDateTimeField(_l("Jury deliberation"))
    results_at = ParisDateTimeField(_l("Publication of the results"))
    economic_model_section = BooleanField(
        _l("Ask for the economic-model grid in the submission form"),
        description=_l("A section of the form on who benefits and who pays, the costs, the resources by kind with "
                       "their shares and how long each is secured. It is needed to submit; reviewers read it beside "
                       "the economic-model criterion."))
    impact_milestones = MilestonesField(
        _l("Follow-up reports (months after the results)"),
        description=_l("When the laureates report their impact, in months after the results, separated by commas. "
                       "Leave empty for the default ones: %(months)s.",
                       months=", ".join(str(m) for m in DEFAULT_MILESTONES)),
        render_kw={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"})

    def values(self) -> dict:
        """The keyword arguments of services.calls.update_call."""
        return {
            "kind": CallKind(self.kind.data), "title": self.title.data.strip(),
            "summary": (self.summary.data or "").strip(), "description": self.description.data or "",
            "rules": self.rules.data or "", "categories": self.categories.data or [],
            "eligible_unit_ids": sorted(set(self.eligible_unit_ids.data or [])),
            "eligible_email_domains": self.eligible_email_domains.data or [],
            "max_submissions_per_applicant": self.max_submissions_per_applicant.data,
            "review_mode": ReviewMode(self.review_mode.data),
            "reviewers_per_submission": self.reviewers_per_submission.data,
            "blind": BlindLevel(self.blind.data),
            "for_replication": bool(self.for_replication.data),
            "economic_model_section": bool(self.economic_model_section.data),
            "impact_milestones": self.impact_milestones.data,
            **{name: self[name].data for name in DATE_FIELDS},
        }


class PhaseForm(PageForm):
    """The phase buttons: each sends its target phase."""

    target = SelectField(choices=[SelectChoice(p.value, p.value) for p in CallPhase])


# --- the evaluation grid ------------------------------------------------------------------------------

class CriterionForm(Form):
    """One row of the grid editor (no CSRF of its own: the grid form has one)."""

    name = StringField(_l("Criterion"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(_l("What reviewers look at"), validators=[Optional()])
    weight = IntegerField(_l("Weight (%)"),
                          validators=[Optional(), NumberRange(min=0, max=100, message=_l("From 0 to 100."))])
    scale_min = IntegerField(_l("Lowest score"), default=1,
                             validators=[Optional(), NumberRange(min=0, max=1000, message=_l("From 0 to 1000."))])
    scale_max = IntegerField(_l("Highest score"), default=5,
                             validators=[Optional(), NumberRange(min=0, max=1000, message=_l("From 0 to 1000."))])
    levels = TextAreaField(_l("Label of each score"),
                           description=_l("One line per score, from the lowest to the highest: with scores from 1 "
                                          "to 5, the first line names score 1. A line may be left empty."))
    remove = BooleanField(_l("Remove this criterion"))

    @property
    def is_blank(self) -> bool:
        return not ((self.name.data or "").strip() or (self.description.data or "").strip()
                    or (self.levels.data or "").strip() or self.weight.data)

    def level_labels(self) -> dict[str, str]:
        start = self.scale_min.data if self.scale_min.data is not None else 1
        lines = (self.levels.data or "").rstrip().splitlines()
        return {str(start + i): line.strip() for i, line in enumerate(lines) if line.strip()}


class GridForm(PageForm):
    criteria = FieldList(FormField(CriterionForm), min_entries=1)


def levels_text(level_labels: dict[str, str], scale_min: int, scale_max: int) -> str:
    """The textarea content for a criterion's labels: one line per score, trailing empty lines dropped."""
    return "\n".join(level_labels.get(str(score), "") for score in range(scale_min, scale_max + 1)).rstrip()


# --- the submission form ------------------------------------------------------------------------------

class QuestionForm(PageForm):
    kind = SelectField(_l("Kind of answer"), choices=[SelectChoice(k.value, k.label) for k in QuestionKind])
    label = StringField(_l("Question"), validators=[DataRequired(message=_l("Enter the question.")),
                                                    Length(max=300)])
    help_text = TextAreaField(_l("Help text"), description=_l("Shown under the question, to help applicants answer."))
    required = BooleanField(_l("An answer is required to submit"))
    choices = LinesField(_l("Choices"), validators=[_each_at_most(200)],
                         description=_l("Single and multiple choice only: one choice per line, at least two."))
    minimum = FrenchDecimalField(_l("Minimum"), description=_l("Numbers only. Leave empty for no minimum."),
                                 render_kw={"inputmode": "decimal"})
    maximum = FrenchDecimalField(_l("Maximum"), description=_l("Numbers only. Leave empty for no maximum."),
                                 render_kw={"inputmode": "decimal"})
    max_length = IntegerField(_l("Maximum length (characters)"),
                              validators=[Optional(), NumberRange(min=1, max=20000,
                                                                  message=_l("Enter a number from 1 to 20000."))],
                              description=_l("Text only. Leave empty for the default (300 characters for a short "
                                             "text, 20000 for a long one)."))

    def spec_values(self) -> dict:
        """The fields of services.calls.QuestionSpec."""
        kind = QuestionKind(self.kind.data)
        choice_kind = kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)
        text_kind = kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT)
        number_kind = kind == QuestionKind.NUMBER
        # Settings that do not apply to the kind are dropped rather than stored and forgotten.
        return {"kind": kind, "label": self.label.data, "help_text": self.help_text.data or "",
                "required": bool(self.required.data),
                "choices": (self.choices.data or []) if choice_kind else [],
                "minimum": self.minimum.data if number_kind else None,
                "maximum": self.maximum.data if number_kind else None,
                "max_length": self.max_length.data if text_kind else None}


class MoveQuestionForm(PageForm):
    direction = SelectField(choices=[SelectChoice("up", "up"), SelectChoice("down", "down")])


# --- the dashboard ------------------------------------------------------------------------------------

class SubmissionFilterForm(Form):
    """The filters of the submissions list: a GET form (nothing changes, no CSRF)."""

    status = SelectField(_l("Status"), validate_choice=False)
    category = SelectField(_l("Category"), validate_choice=False)
    q = SearchField(_l("Search"), description=_l("Title, reference or name of a team member."))

    def __init__(self, formdata, categories: list[str]) -> None:
        super().__init__(formdata)
        self.status.choices = [SelectChoice("", _l("All statuses"))] + [
            SelectChoice(status.value, status.label) for status in (SubmissionStatus.SUBMITTED,
                                                                      SubmissionStatus.WITHDRAWN)]
        self.category.choices = [SelectChoice("", _l("All categories"))] + [SelectChoice(c, c) for c in categories]


# --- the people of a call -----------------------------------------------------------------------------

class PersonRoleForm(PageForm):
    """Give someone with an account a role in the call: organiser or jury member."""

    email = StringField(_l("Email address"), validators=[DataRequired(message=_l("Enter the person's email address.")),
                                                         Length(max=254)],
                        description=_l("The address of their account on this platform."),
                        render_kw={"autocomplete": "off", "inputmode": "email"})
    role = RadioField(_l("Role"), choices=[SelectChoice("jury", _l("Jury member: sees the ranking and the "
                                                                    "projects' reviews, deliberates")),
                                           SelectChoice("organiser", _l("Organiser: runs the call"))],
                      default="jury", validators=[DataRequired(message=_l("Choose a role."))])


class RevokeRoleForm(PageForm):
    user_id = IntegerField(validators=[DataRequired(), NumberRange(min=1, max=MAX_ID)])
    role = StringField(validators=[DataRequired()])
