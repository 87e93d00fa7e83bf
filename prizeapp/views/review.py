"""Reviewing one assigned project: read it, score it on the call's grid, save, submit; or declare a conflict."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..enums import ReviewStatus
from ..extensions import db
from ..formatting import datetime_filter
from ..forms.review import LateConflictForm, ReviewForm
from ..models import Assignment, Review
from ..permissions import can_score, can_see_applicants, require
from ..services import economic_grid, reviews
from ..services.innovations import for_review
from .helpers import dossier_context, resource_bar
from .refusals import Refusals

bp = Blueprint("review", __name__, url_prefix="/reviewing")

PROBLEMS = {
    "score_required": _l("Choose a score."),
    "score_out_of_scale": _l("Choose one of the scores offered."),
    "unknown_criterion": _l("This criterion is not in the grid."),
    "confidence_required": _l("Say how confident you are."),
    "confidence_invalid": _l("Choose one of the levels offered."),
    "comment_required": _l("Write a comment to the applicants: they are owed an explanation."),
}


def _closed(params: dict) -> str:
    # Without a review deadline the window is shut by the phase: there is no date to give.
    if params.get("deadline") is None:
        return _("Reviews are not open for this call: nothing was saved.")
    return _("Reviews are closed since %(deadline)s (Paris time): nothing was saved.",
             deadline=datetime_filter(params["deadline"], "long"))


REFUSALS = Refusals(reviews.ReviewError, {
    "closed": _closed,
    "stale": _l("This review was saved from another window in the meantime. Your text is kept below: check it "
                "against the saved version, then save again."),
    "conflicted": _l("You declared a conflict of interest with this project: you can no longer review it."),
    "not_your_assignment": _l("This review cannot be changed."),
    "not_assigned": _l("This review cannot be changed."),
    "reason_required": _l("Give the reason."),
}, default=_l("This review cannot be changed."))


@dataclass
class ReviewPage:
    """What the form shows: the values (typed or saved), problems by field, and a notice."""

    scores: dict[int, int | None]
    problems: dict[str, str] = field(default_factory=dict)
    notice: str | None = None
    status: int = 200


def _assignment(assignment_id: int) -> Assignment:
    assignment = db.get_or_404(Assignment, assignment_id)
    require(can_score(current_user, assignment))
    return assignment


def _typed_scores(call) -> dict[int, int | None]:
    values: dict[int, int | None] = {}
    for criterion in call.criteria:
        raw = request.form.get(f"criterion_{criterion.id}", "").strip()
        try:
            values[criterion.id] = int(raw) if raw else None
        except ValueError:
            values[criterion.id] = criterion.scale_max + 1  # reported as out of scale, never stored
    return values


def _render(assignment: Assignment, review: Review | None, form: ReviewForm, page: ReviewPage):
    submission = assignment.submission
    call = submission.call
    others = reviews.others_reviews(assignment=assignment, reviewer=current_user)
    show_team = can_see_applicants(current_user, submission)
    # Beside the essaimage criterion: the conditions for replication of the record it is or takes up.
    replication_criteria = for_review.replication_criteria(call)
    conditions = for_review.conditions_for_review(submission, show_team=show_team) if replication_criteria else []
    # Beside the economic criterion: the project's answers to the economic-model grid (no name in them).
    economic_criteria = economic_grid.economic_criteria(call)
    economic = economic_grid.of_project(submission) if economic_criteria else None
    return render_template(
        "review/score.html", assignment=assignment, submission=submission, call=call, review=review, form=form,
        page=page, others=others, open_for_reviews=reviews.accepts_reviews(call),
        conflict_form=LateConflictForm(prefix="conflict"), show_team=show_team,
        replication_criteria=replication_criteria, conditions=conditions,
        economic_criteria=economic_criteria, economic=economic, economic_bar=resource_bar(economic),
        assignments_url=url_for("reviewer.assignments", call_id=call.id),
        **dossier_context(submission)), page.status


@bp.route("/assignments/<int:assignment_id>/review", methods=["GET", "POST"])
@login_required
def score(assignment_id: int):
    assignment = _assignment(assignment_id)
    call = assignment.submission.call
    review = reviews.review_of(assignment)
    if request.method == "GET":
        form = ReviewForm(obj=review) if review is not None else ReviewForm()
        if review is not None:
            form.version.data = str(review.version)
            form.confidence.data = str(review.confidence) if review.confidence else None
        return _render(assignment, review, form, ReviewPage(
            scores=review.score_by_criterion() if review is not None else {}))

    was_submitted = review is not None and review.status == ReviewStatus.SUBMITTED
    form = ReviewForm()
    page = ReviewPage(scores=_typed_scores(call))
    if not form.validate_on_submit():
        page.notice, page.status = _("The form could not be read. Please send it again."), 400
        return _render(assignment, review, form, page)
    submitting = request.form.get("action") == "submit"
    version = int(form.version.data) if (form.version.data or "").isdigit() else None
    confidence = int(form.confidence.data) if (form.confidence.data or "").isdigit() else None
    try:
        saved = reviews.save_review(assignment=assignment, reviewer=current_user, scores=page.scores,
                                    confidence=confidence, comment_to_applicants=form.comment_to_applicants.data or "",
                                    comment_to_jury=form.comment_to_jury.data or "", version=version,
                                    submit=submitting)
    except reviews.InvalidReview as error:
        db.session.rollback()
        page.problems = {key: str(PROBLEMS.get(code, code)) for key, code in error.problems.items()}
        page.notice, page.status = _("Nothing was saved: correct what is marked below."), 422
        return _render(assignment, reviews.review_of(assignment), form, page)
    except reviews.ReviewError as error:
        db.session.rollback()
        review = reviews.review_of(assignment)
        if review is not None:
            form.version.data = str(review.version)
        page.notice, page.status = REFUSALS.say(error), 409
        return _render(assignment, review, form, page)
    db.session.commit()
    if saved.status == ReviewStatus.SUBMITTED:
        flash(_("Your review is submitted. You can still edit it until the review deadline.") if not was_submitted
              else _("Your review is saved."), "success")
    else:
        flash(_("Your draft is saved. Submit it when it is complete."), "success")
    return redirect(url_for("review.score", assignment_id=assignment.id))


@bp.route("/assignments/<int:assignment_id>/conflict", methods=["POST"])
@login_required
def late_conflict(assignment_id: int):
    assignment = _assignment(assignment_id)
    form = LateConflictForm(prefix="conflict")
    if not form.validate_on_submit():
        flash(_("The form could not be read. Please send it again."), "error")
        return redirect(url_for("review.score", assignment_id=assignment.id))
    try:
        reviews.declare_late_conflict(assignment=assignment, reviewer=current_user, reason=form.reason.data or "")
    except reviews.ReviewError:
        db.session.rollback()
        flash(_("This assignment cannot be given back any more."), "error")
        return redirect(url_for("review.score", assignment_id=assignment.id))
    db.session.commit()
    flash(_("Your conflict of interest is recorded and the project is given back to the organisers. Thank you "
            "for saying so."), "success")
    return redirect(url_for("reviewer.assignments", call_id=assignment.call_id))
