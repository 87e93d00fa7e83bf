"""Forms of the results pages: publishing, the call's email texts, the public list of laureates."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from .base import PageForm
from .fields import id_number


class PublishForm(PageForm):
    confirm = BooleanField(_l("I have checked the decisions: publish the results and send the emails now"),
                           validators=[DataRequired(_l("Tick this box to confirm."))])


class EmailTextForm(PageForm):
    subject = StringField(_l("Subject"), validators=[DataRequired(_l("Enter the subject.")), Length(max=300)])
    body = TextAreaField(_l("Text of the email"), validators=[DataRequired(_l("Enter the text of the email.")),
                                                            Length(max=20000)], render_kw={"rows": 18})


class ProjectChoiceForm(PageForm):
    """Which project of the call a preview or a test send uses."""

    class Meta:
        csrf = False

    submission = SelectField(_l("Project used for the preview"), coerce=id_number, validators=[Optional()])


class LaureateFilterForm(PageForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=200)],
                    description=_l("Words of the title, the summary or the territory."))
    call = SelectField(_l("Call"), coerce=str, validators=[Optional()])
    category = SelectField(_l("Category"), coerce=str, validators=[Optional()])
