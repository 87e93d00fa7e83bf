"""The organisers' answer to an exclusion the applicants asked for after the submission deadline."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from .base import PageForm

DECISIONS = ("accept", "decline")  # the value of the button pressed, sent as "decision"


class ExclusionDecisionForm(PageForm):
    reason = TextAreaField(
        _l("Reason for the decision"),
        validators=[DataRequired(message=_l("Give the reason for your decision: it is kept in the call's log.")),
                    Length(max=1000, message=_l("At most %(max)d characters.", max=1000))],
        render_kw={"rows": 2},
    )
