"""The jury's ranking: the organisers' controls (which model computes it, leaving out a reviewer) and a jury
member's ballot, their votes on several projects in one form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.form import _Auto
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length

from ..core.calibration import MODELS
from ..enums import VoteChoice
from ..labels import CALIBRATION_MODELS
from .base import PageForm
from .deliberation import COMMENT_MAX


class ComputeRankingForm(PageForm):
    model = RadioField(_l("Model"), choices=[SelectChoice(name, CALIBRATION_MODELS[name]) for name in MODELS],
                       validators=[DataRequired()])


class ExcludeReviewerForm(PageForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)], render_kw={"rows": 2},
                           description=_l("Kept in the audit log, for example: “scores given at random”."))


NO_VOTE = ""


class BallotForm(PageForm):
    """A jury member's votes on several projects in one form (the ranking's table, the votes page): a choice
    `choice-<id>` for each project and, on the votes page, a comment `comment-<id>`. The fields are added per
    project by `ballot_form`; a project left without a choice is left as it is."""

    project_ids: list[int] = []
    comments = False

    def choice(self, submission_id: int):
        return self[f"choice-{submission_id}"]

    def comment(self, submission_id: int):
        return self[f"comment-{submission_id}"] if self.comments else None

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for sid in self.project_ids:
            choice, comment = self.choice(sid), self.comment(sid)
            # A comment typed on a project without a vote: say so rather than drop it.
            if comment is not None and choice.data == NO_VOTE and (comment.data or "").strip():
                choice.errors = [*choice.errors, _l("Choose laureate, honourable mention or not selected.")]
                valid = False
        return valid

    def choices(self) -> dict[int, tuple[str, str | None]]:
        """Submission id → (choice, comment, None to keep the recorded one) for every project given a choice."""
        return {sid: (self.choice(sid).data, self.comment(sid).data if self.comments else None)
                for sid in self.project_ids if self.choice(sid).data != NO_VOTE}

    def posted_ids(self, formdata) -> set[int]:
        """The projects `formdata` carries a choice for (to refuse those not in the form)."""
        ids = set()
        for name in formdata:
            if name.startswith("choice-") and name[len("choice-"):].isdigit():
                ids.add(int(name[len("choice-"):]))
        return ids


def ballot_form(project_ids: list[int], votes: dict, *, comments: bool, formdata=_Auto) -> BallotForm:
    """The ballot on `project_ids`, filled with the jury member's `votes` (submission id → JuryVote) and, when
    posted, with what they sent (`formdata`; None to show the recorded votes only)."""
    options = [SelectChoice(c.value, c.label) for c in VoteChoice]

    class Ballot(BallotForm):
        pass

    Ballot.project_ids, Ballot.comments = list(project_ids), comments
    for sid in project_ids:
        setattr(Ballot, f"choice-{sid}", SelectField(
            _l("Your vote"), choices=[SelectChoice(NO_VOTE, _l("No vote yet"))] + options, validate_choice=False,
            validators=[AnyOf([NO_VOTE] + [c.value for c in VoteChoice],
                              message=_l("Choose laureate, honourable mention or not selected."))]))
        if comments:
            setattr(Ballot, f"comment-{sid}", TextAreaField(
                _l("Comment to the jury (optional)"), render_kw={"rows": 2},
                validators=[Length(max=COMMENT_MAX, message=_l("At most %(max)d characters.", max=COMMENT_MAX))]))
    data = {f"choice-{sid}": NO_VOTE for sid in project_ids}
    for sid, vote in votes.items():
        if sid in Ballot.project_ids:
            data[f"choice-{sid}"] = vote.choice.value
            data[f"comment-{sid}"] = vote.comment or ""
    return Ballot(formdata=formdata, data=data)
