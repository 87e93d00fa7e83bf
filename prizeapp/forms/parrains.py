"""The parrains' forms: volunteering, the directory's filters, assigning one to a record, an opinion of a
record's readiness."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, Form, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..core.territories import DEPARTEMENTS, REGIONS, departement_label
from ..enums import ReadinessOpinion, Theme
from ..formatting import alphabetical, by_label
from .base import PageForm
from .fields import id_number
from .reviewer import CheckboxesField
from .territory import check_codes


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def region_choices(empty) -> list[SelectChoice]:
    return [SelectChoice("", empty)] + [SelectChoice(code, name) for code, name in
                                        alphabetical(REGIONS.items(), lambda item: item[1])]


def departement_choices(empty) -> list[SelectChoice]:
    return [SelectChoice("", empty)] + [SelectChoice(code, departement_label(code))
                                        for code in alphabetical(DEPARTEMENTS, lambda code: DEPARTEMENTS[code][0])]


def theme_choices() -> list[SelectChoice]:
    """The themes in the order of their labels in the reader's language: call it for each request."""
    return [SelectChoice(theme.value, theme.label) for theme in by_label(Theme)]


class SponsorProfileForm(PageForm):
    expertise = TextAreaField(
        _l("What you know and can help with"),
        validators=[DataRequired(message=_l("Say what you know and can help with.")),
                    Length(max=2000, message=_l("At most %(max)d characters.", max=2000))],
        description=_l("Your experience of public action, the projects you have led, what you can pass on: "
                       "for example, setting up a service with volunteers, public procurement, open data."),
        filters=[_strip], render_kw={"rows": 5})
    themes = CheckboxesField(_l("Themes you can sponsor"), choices=theme_choices, validate_choice=True)
    region_code = SelectField(_l("Your région"), choices=region_choices(_l("— No région in particular —")),
                              validators=[Optional()])
    departement_code = SelectField(_l("Your département"),
                                   choices=departement_choices(_l("— No département in particular —")),
                                   validators=[Optional()],
                                   description=_l("It must be in your région, if you chose one."))
    availability = StringField(
        _l("Your availability"),
        validators=[Length(max=200, message=_l("At most %(max)d characters.", max=200))],
        description=_l("For example: two hours a month, by phone or video."), filters=[_strip])
    listed = BooleanField(
        _l("List me in the public directory of parrains"),
        description=_l("The directory shows your name, your organisation (that of your unit), what you know, "
                       "your themes, your territory and your availability, to everyone. It never shows your "
                       "email address. Unticked, only the organisers who assign parrains see your profile; either "
                       "way, the page of an innovation you sponsor names you as its parrain."))

    def validate(self, extra_validators=None) -> bool:
        """Every field's checks, and whether the département is in the région, in one round."""
        valid = super().validate(extra_validators)
        return check_codes(self, commune=None) and valid


class DirectoryFilterForm(Form):
    """The directory's filters: a GET form (nothing changes, no CSRF)."""

    theme = SelectField(_l("Theme"), validate_choice=False)
    region = SelectField(_l("Région"), validate_choice=False)

    def __init__(self, formdata) -> None:
        super().__init__(formdata)
        self.theme.choices = [SelectChoice("", _l("All themes"))] + theme_choices()
        self.region.choices = region_choices(_l("All régions"))


class AssignSponsorForm(PageForm):
    # Choices are the active parrains, set per request (suggested ones first).
    sponsor = SelectField(_l("Parrain or marraine"), coerce=id_number,
                          validators=[DataRequired(message=_l("Choose a parrain or marraine."))])


class ReadinessForm(PageForm):
    opinion = RadioField(
        _l("Can another territory take it up with this record?"),
        choices=[SelectChoice(opinion.value, opinion.label) for opinion in ReadinessOpinion],
        validators=[DataRequired(message=_l("Choose your opinion."))])
    body = TextAreaField(
        _l("What is missing"),
        validators=[Length(max=5000, message=_l("At most %(max)d characters.", max=5000))],
        description=_l("What a territory would still need to start: a document, a cost, a contact, a "
                       "condition. Needed unless the record is ready. The team and the record's page see it."),
        filters=[_strip], render_kw={"rows": 6})
