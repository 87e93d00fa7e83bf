"""The jury's deliberation: a jury member's vote and recusal; the organisers' recusal of a jury member, final
decision and record of the meeting."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..enums import DecisionOutcome, VoteChoice
from .base import PageForm
from .fields import id_number
from .organiser import FrenchDecimalField, ParisDateTimeField
from .reviewer import CheckboxesField

COMMENT_MAX = 2000


class VoteForm(PageForm):
    choice = RadioField(_l("Your vote"), choices=[SelectChoice(c.value, c.label) for c in VoteChoice],
                        validators=[DataRequired(message=_l("Choose laureate, honourable mention or not selected."))])
    comment = TextAreaField(_l("Comment to the jury (optional)"), render_kw={"rows": 2},
                            validators=[Length(max=COMMENT_MAX, message=_l("At most %(max)d characters.",
                                                                           max=COMMENT_MAX))])


class SelfRecusalForm(PageForm):
    reason = TextAreaField(_l("Reason (optional)"), render_kw={"rows": 2},
                           description=_l("Seen by the organisers and written in the deliberation record."),
                           validators=[Length(max=COMMENT_MAX)])


class RecusalForm(PageForm):
    """An organiser sets a jury member aside from a project."""

    jury_member = SelectField(_l("Jury member"), coerce=id_number,
                              validators=[DataRequired(message=_l("Choose a jury member."))])
    submission = SelectField(_l("Project"), coerce=id_number,
                             validators=[DataRequired(message=_l("Choose a project."))])
    reason = TextAreaField(_l("Reason"), render_kw={"rows": 2},
                           description=_l("Written in the deliberation record, for example: "
                                          "“works with the project's lead”."),
                           validators=[DataRequired(message=_l("Give the reason for this recusal.")),
                                       Length(max=COMMENT_MAX)])


class DecisionForm(PageForm):
    outcome = RadioField(_l("Decision"), choices=[SelectChoice(c.value, c.label) for c in DecisionOutcome],
                         validators=[DataRequired(message=_l("Choose laureate, honourable mention or not selected."))])
    prize = StringField(_l("Prize (laureates)"), validators=[Optional(), Length(max=200)],
                        description=_l("For example: “First prize”."))
    amount = FrenchDecimalField(_l("Amount in euros (laureates)"), validators=[Optional()],
                                description=_l("For example: 10 000."))
    reason = TextAreaField(_l("Reason, to the applicants"), render_kw={"rows": 3},
                           validators=[DataRequired(message=_l("Give the reason for this decision: the applicants "
                                                               "will read it.")),
                                       Length(max=5000)])


class DeliberationForm(PageForm):
    held_at = ParisDateTimeField(_l("Date and time of the meeting"),
                                 validators=[DataRequired(message=_l("Give the date and time of the meeting."))])
    present = CheckboxesField(_l("Jury members present"), coerce=id_number, choices=[],
                              validators=[DataRequired(message=_l("Tick the jury members who were present."))])
    calibration_run = SelectField(_l("Ranking used"), coerce=id_number, choices=[])
    notes = TextAreaField(_l("Notes"), render_kw={"rows": 6}, validators=[Length(max=20000)])


class DraftFromRankingForm(PageForm):
    """Decide every undecided project from the ranking in one step, then revise."""

    laureates = IntegerField(_l("Laureates"), validators=[InputRequired(), NumberRange(min=0, max=1000)])
    mentions = IntegerField(_l("Honourable mentions"), default=0,
                            validators=[InputRequired(), NumberRange(min=0, max=1000)])
    reason_laureate = TextAreaField(_l("Reason given to laureates"), render_kw={"rows": 2},
                                    default=_l("The jury chose this project among the laureates of the call."),
                                    validators=[DataRequired(), Length(max=COMMENT_MAX)])
    reason_mention = TextAreaField(_l("Reason given to honourable mentions"), render_kw={"rows": 2},
                                   default=_l("The jury wished to distinguish this project with an honourable "
                                              "mention."),
                                   validators=[DataRequired(), Length(max=COMMENT_MAX)])
    reason_not_selected = TextAreaField(_l("Reason given to the projects not selected"), render_kw={"rows": 2},
                                        default=_l("The jury did not select this project this year, among many "
                                                   "strong applications. The reviewers' comments below may help."),
                                        validators=[DataRequired(), Length(max=COMMENT_MAX)])
