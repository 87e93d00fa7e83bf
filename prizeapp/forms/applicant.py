"""Applicants' forms. The core fields of a submission are a FlaskForm (CSRF, labels, typed values); their
checks, like those of the organiser's questions, are the form engine's (services.submissions.save), so
that a draft can be saved incomplete and every field reports its problems the same way."""
from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import EmailField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length

from .base import PageForm
from .fields import id_number


def _innovation_id(value) -> int | None:
    """The select of the innovation a project takes up: an id, or None for "not chosen yet"."""
    return None if value in (None, "") else id_number(value)


class NewSubmissionForm(PageForm):
    title = StringField(_l("Title of the project"),
                        validators=[DataRequired(message=_l("Give your project a title.")),
                                    Length(max=200, message=_l("At most %(max)d characters.", max=200))],
                        description=_l("You can change it later."))
    # One key per form shown: the same form sent twice (a double click, a second tab) creates one draft.
    creation_key = HiddenField()

    def new_key(self) -> None:
        self.creation_key.data = secrets.token_urlsafe(24)


class SubmissionForm(PageForm):
    version = HiddenField()  # the version the form was loaded with: a save from an older one is a conflict
    title = StringField(_l("Title of the project"), render_kw={"autocomplete": "off"})
    summary = TextAreaField(_l("Summary"), description=_l("A few sentences that say what the project does and "
                                                          "for whom. At most 1,500 characters."),
                            render_kw={"rows": 4})
    description = TextAreaField(_l("Description"), description=_l("The problem, the solution, what is new, how "
                                                                  "you will measure the impact."),
                                render_kw={"rows": 10})
    # Choices are the call's categories, set per request; the engine checks them (unknown_choice).
    category = RadioField(_l("Category"), choices=[], validate_choice=False)
    territory = StringField(_l("Territory"), description=_l("Where the project takes place: a city, a "
                                                            "department, a region, the whole country."))
    budget_requested = StringField(_l("Budget requested (euros)"),
                                   description=_l("A whole number or with cents, for example 12 500 or 12 500,50."),
                                   render_kw={"inputmode": "decimal", "autocomplete": "off"})
    # Only in a call for replication. Choices are the catalogue's innovations, set per request; the service
    # checks the one chosen (services.submissions.save).
    replicates = SelectField(_l("Innovation you take up"), coerce=_innovation_id, validate_choice=False,
                             description=_l("Among the innovations of the catalogue. Its team and parrains are "
                                            "told when your project is submitted."))

    CORE = ("title", "summary", "description", "category", "territory", "budget_requested")
    REQUIRED = ("title", "summary", "description", "category")  # to submit; a draft may lack them


class UploadForm(PageForm):
    file = FileField(_l("File"))
    question_key = HiddenField()


class InviteForm(PageForm):
    email = EmailField(
        _l("Email address of the person to invite"),
        validators=[DataRequired(message=_l("Enter the email address of the person to invite.")),
                    Email(message=_l("Enter an email address such as prenom.nom@example.gouv.fr."),
                          check_deliverability=False),
                    Length(max=254)],
        description=_l("They receive a link to join the team. They sign in, or create an account, with this "
                       "address."),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],  # phones add a space
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"},
    )
