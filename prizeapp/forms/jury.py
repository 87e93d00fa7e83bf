"""The organisers' controls of the jury's ranking: which model computes it, and leaving out a reviewer."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from ..core.calibration import MODELS
from ..labels import CALIBRATION_MODELS
from .base import PageForm


class ComputeRankingForm(PageForm):
    model = RadioField(_l("Model"), choices=[SelectChoice(name, CALIBRATION_MODELS[name]) for name in MODELS],
                       validators=[DataRequired()])


class ExcludeReviewerForm(PageForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)], render_kw={"rows": 2},
                           description=_l("Kept in the audit log, for example: “scores given at random”."))
