"""The organisers' assignment screens: computing an assignment, adding a reviewer to a project by hand."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectField
from wtforms.validators import DataRequired, InputRequired, NumberRange

from .base import PageForm
from .fields import id_number

MAX_SEED = 2**31 - 1


class RunForm(PageForm):
    seed = IntegerField(
        _l("Seed"), default=0, validators=[InputRequired(_l("Enter a whole number.")),
                                           NumberRange(0, MAX_SEED, _l("Enter a whole number from 0 to %(max)d.",
                                                                       max=MAX_SEED))],
        description=_l("When several assignments are equally good, the seed chooses one. The same seed on the "
                       "same data gives the same assignment, so a result can be explained and reproduced."))
    fairness = BooleanField(
        _l("Fairness first"),
        description=_l("First make the least well-matched project as well matched as possible, then maximise "
                       "the total. Slower; the total may be a little lower."))
    connected = BooleanField(
        _l("Connected review graph"),
        description=_l("Make every reviewer share projects, directly or through others, with every other "
                       "reviewer, so that lenient and harsh reviewers can be calibrated against each other. "
                       "It may cost a little affinity."))


class AddPairForm(PageForm):
    submission_id = SelectField(_l("Project"), coerce=id_number, validators=[DataRequired(_l("Choose a project."))],
                                validate_choice=False)
    reviewer_id = SelectField(_l("Reviewer"), coerce=id_number, validators=[DataRequired(_l("Choose a reviewer."))],
                              validate_choice=False)
