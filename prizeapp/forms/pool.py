"""The organisers' screens of a call's reviewer pool and conflicts of interest."""
from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ..core.conflicts import CODES
from .base import PageForm
from .fields import id_number

MAX_ADDRESSES = 200
_SEPARATORS = re.compile(r"[\s,;]+")


def split_addresses(text: str) -> list[str]:
    """The addresses of a textarea, one per line or separated by commas or semicolons, in order."""
    return [part for part in _SEPARATORS.split(text or "") if part]


class InviteForm(PageForm):
    """Addresses to invite to the pool; after validation `addresses` holds them normalised, each once, and
    `repeated` those typed more than once."""

    emails = TextAreaField(
        _l("Email addresses of the people to invite"),
        validators=[DataRequired(message=_l("Enter at least one email address."))],
        description=_l("One per line, or separated by commas or semicolons. Each person receives a link to "
                       "accept or decline; they sign in, or create an account, with this address."),
        render_kw={"rows": 6, "autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.addresses: list[str] = []
        self.repeated: list[str] = []

    def validate_emails(self, field) -> None:
        parts = split_addresses(field.data)
        if len(parts) > MAX_ADDRESSES:
            raise ValidationError(_l("At most %(max)d addresses at a time.", max=MAX_ADDRESSES))
        wrong, seen = [], {}
        for part in parts:
            try:
                address = validate_email(part, check_deliverability=False).normalized.lower()
            except EmailNotValidError:
                wrong.append(part)
                continue
            seen[address] = seen.get(address, 0) + 1
        if wrong:
            raise ValidationError(_l("These are not email addresses: %(addresses)s. Correct them; addresses "
                                     "look like prenom.nom@example.gouv.fr.", addresses=", ".join(wrong)))
        self.addresses = list(seen)
        self.repeated = [address for address, count in seen.items() if count > 1]


class MaxLoadForm(PageForm):
    max_load = IntegerField(
        _l("Maximum number of projects"),
        validators=[Optional(), NumberRange(min=0, max=1000, message=_l("From 0 to 1000."))],
        description=_l("Leave empty for the call's default."),
        render_kw={"inputmode": "numeric", "class": "input--short"},
    )


class DeclareConflictForm(PageForm):
    """An organiser sets a conflict for one pair; choices are the call's submitted projects and reviewers."""

    submission = SelectField(_l("Project"), coerce=id_number, id="declare-submission",
                             validators=[DataRequired(message=_l("Choose a project."))])
    reviewer = SelectField(_l("Reviewer"), coerce=id_number, id="declare-reviewer",
                           validators=[DataRequired(message=_l("Choose a reviewer."))])
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(message=_l("Give the reason for this conflict: it is kept in the audit log.")),
                    Length(max=2000)],
        description=_l("Kept in the audit log, and shown to the other organisers."),
        render_kw={"rows": 2},
    )


class WaiveForm(PageForm):
    """An organiser lifts one reason of one pair."""

    submission = HiddenField()
    reviewer = HiddenField()
    code = HiddenField(validators=[DataRequired()])
    reason = TextAreaField(
        _l("Why this reason does not prevent the review"),
        validators=[DataRequired(message=_l("Give the reason for the waiver: it is kept in the audit log.")),
                    Length(max=2000)],
        render_kw={"rows": 2},
    )

    def validate_code(self, field) -> None:
        if field.data not in CODES:
            raise ValidationError(_l("Unknown reason."))


class ConflictFilterForm(PageForm):
    """Filters of the conflicts page (GET, no CSRF)."""

    class Meta:
        csrf = False

    submission = SelectField(_l("Project"), coerce=id_number, validators=[Optional()])
    reviewer = SelectField(_l("Reviewer"), coerce=id_number, validators=[Optional()])


class AffinityForm(PageForm):
    """The pair whose affinity is explained (GET, no CSRF)."""

    class Meta:
        csrf = False

    submission = SelectField(_l("Project"), coerce=id_number, validators=[Optional()])
    reviewer = SelectField(_l("Reviewer"), coerce=id_number, validators=[Optional()])
