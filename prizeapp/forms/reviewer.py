"""Reviewers' forms, and the applicants' form naming people who must not review their project.

The conflicts and bids pages have one row per project: their fields are read from the request by the
view (names `conflict-<id>`, `reason-<id>`, `bid-<id>`); the FlaskForm carries the CSRF token.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    EmailField,
    HiddenField,
    IntegerField,
    StringField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from .base import PageForm
from .fields import CheckboxesField

REASON_MAX = 300


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class InvitationAnswerForm(PageForm):
    """Accept or decline: the button pressed is `answer` (accept / decline)."""


class ReviewerProfileForm(PageForm):
    keywords = StringField(
        _l("Your areas of expertise"),
        validators=[Length(max=1000, message=_l("At most %(max)d characters.", max=1000))],
        description=_l("Keywords separated by commas, for example: mobility, social housing, open data."),
        filters=[_strip], render_kw={"autocomplete": "off"},
    )
    # Choices are the call's categories, set per request.
    themes = CheckboxesField(_l("Themes you would like to review"), choices=[])
    max_load = IntegerField(
        _l("Maximum number of projects you can review"),
        validators=[Optional(), NumberRange(min=0, max=500,
                                            message=_l("Enter a whole number between %(min)d and %(max)d.",
                                                       min=0, max=500))],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )

    def keyword_list(self) -> list[str]:
        return [k.strip() for k in (self.keywords.data or "").split(",") if k.strip()]


class DeclarationsForm(PageForm):
    """The list of titles: one checkbox and one reason per project, read by the view."""


class BidsForm(PageForm):
    """One radio group per project, read by the view."""

    category = HiddenField()  # the filter the page was shown with, to come back to it


class DeclineForm(PageForm):
    reason = StringField(_l("Reason (optional)"),
                         validators=[Length(max=REASON_MAX, message=_l("At most %(max)d characters.", max=REASON_MAX))],
                         filters=[_strip])


class ExclusionForm(PageForm):
    email = EmailField(
        _l("Email address of the person"),
        id="exclusion-email",  # beside the team's invitation form on the project's page
        validators=[DataRequired(message=_l("Enter the email address of the person who must not review the "
                                            "project.")),
                    Email(message=_l("Enter an email address such as prenom.nom@example.gouv.fr."),
                          check_deliverability=False),
                    Length(max=254)],
        filters=[_strip],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"},
    )
    reason = StringField(
        _l("Reason (optional)"),
        validators=[Length(max=REASON_MAX, message=_l("At most %(max)d characters.", max=REASON_MAX))],
        description=_l("Seen by the organisers only, for example: a former colleague, a competitor."),
        filters=[_strip],
    )


class RemoveExclusionForm(PageForm):
    email = HiddenField(validators=[DataRequired()])
