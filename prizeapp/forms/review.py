"""The review form. Scores per criterion are generated from the call's grid (one radio group each, named
`criterion_<id>`) and read by the view; this form holds the fixed part."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from .base import PageForm

CONFIDENCE_CHOICES = [SelectChoice("1", _l("Low: this is outside my field")),
                      SelectChoice("2", _l("Medium: I know the field")),
                      SelectChoice("3", _l("High: this is my field of expertise"))]


class ReviewForm(PageForm):
    version = HiddenField()  # the version the form was loaded with: a save from an older one is refused
    confidence = RadioField(_l("How confident are you in this review?"), choices=CONFIDENCE_CHOICES,
                            validate_choice=False)
    comment_to_applicants = TextAreaField(
        _l("Comment to the applicants"),
        description=_l("What the applicants will read: strengths, weaknesses, advice. Be specific and kind."),
        validators=[Length(max=10000)], render_kw={"rows": 6})
    comment_to_jury = TextAreaField(
        _l("Confidential comment to the jury"),
        description=_l("Only the jury and the organisers read it. Optional."),
        validators=[Length(max=10000)], render_kw={"rows": 4})


class LateConflictForm(PageForm):
    reason = TextAreaField(_l("Why (optional, read by the organisers only)"), validators=[Length(max=2000)],
                           render_kw={"rows": 2})
