"""Field factories shared by several forms, so that a field reads and validates the same everywhere."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..enums import Locale
from ..web import MAX_ID, parse_int

MIN_PASSWORD = 10


def _strong_enough(form, field) -> None:
    value = field.data or ""
    if value.strip() != value or len(set(value)) < 4:
        raise ValidationError(_l("Choose a less predictable password: at least 4 different characters, "
                                 "no leading or trailing spaces."))


def new_password(label) -> PasswordField:
    return PasswordField(
        label,
        validators=[DataRequired(message=_l("Choose a password.")),
                    Length(min=MIN_PASSWORD, max=200,
                           message=_l("The password must have at least %(min)d characters.", min=MIN_PASSWORD)),
                    _strong_enough],
        description=_l("At least %(min)d characters. A short sentence is easy to remember.", min=MIN_PASSWORD),
        render_kw={"autocomplete": "new-password"},
    )


def password_confirmation(label) -> PasswordField:
    return PasswordField(label,
                         validators=[DataRequired(message=_l("Type the password again.")),
                                     EqualTo("password", message=_l("The two passwords differ."))],
                         render_kw={"autocomplete": "new-password"})


def email() -> EmailField:
    return EmailField(
        _l("Email address"),
        validators=[DataRequired(message=_l("Enter your email address.")),
                    Email(message=_l("Enter an email address such as prenom.nom@example.gouv.fr."),
                          check_deliverability=False),
                    Length(max=254)],
        render_kw={"autocomplete": "email", "spellcheck": "false", "autocapitalize": "none"},
    )


def first_name() -> StringField:
    return StringField(_l("First name"),
                       validators=[DataRequired(message=_l("Enter your first name.")), Length(max=100)],
                       render_kw={"autocomplete": "given-name"})


def last_name() -> StringField:
    return StringField(_l("Last name"),
                       validators=[DataRequired(message=_l("Enter your last name.")), Length(max=100)],
                       render_kw={"autocomplete": "family-name"})


def id_number(value) -> int:
    """`coerce` of the selects whose options are ids: an id within the database's range, else a ValueError,
    which WTForms reports as an invalid choice (a forged huge number must not reach a query)."""
    if isinstance(value, int) and not isinstance(value, bool):
        if 0 <= value <= MAX_ID:
            return value
        raise ValueError("not an id")
    parsed = parse_int(None if value is None else str(value), minimum=0)
    if parsed is None:
        raise ValueError("not an id")
    return parsed


def unit() -> SelectField:
    # Choices are set per request from the organisation chart (forms.choices.unit_choices).
    return SelectField(
        _l("Your unit"),
        coerce=id_number,
        description=_l("Your organisation, direction and service. It is used to avoid conflicts of interest."),
    )


def locale(label) -> SelectField:
    return SelectField(label, choices=[SelectChoice(loc.value, loc.label) for loc in Locale])


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
