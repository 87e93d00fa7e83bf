"""The jury's pages: the calibrated ranking with its uncertainty and plots, one project explained, exports;
the organisers' controls over it (compute with a model, leave out an outlier reviewer); the jury's votes and
recusals.

A jury member recused from a project (by themselves, by an organiser, or automatically: in its team or
conflicted with it; `permissions.recused_from`) sees nothing of it: its page, files and reviews are refused,
and every jury page and export shows them the ranking as if it did not exist (`ranking.view_without`): ranks
1..n among the others, counts, reviewers and their reviews, categories and groups of reviewers, without what
only the whole call gives. Organisers who are not recused see the stored ranking as it is.
"""
from __future__ import annotations

from types import SimpleNamespace

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..core import spreadsheet
from ..enums import CallRoleKind
from ..extensions import db
from ..forms.admin import ConfirmForm
from ..forms.deliberation import SelfRecusalForm, VoteForm
from ..forms.jury import ComputeRankingForm, ExcludeReviewerForm
from ..labels import model_label
from ..models import (
    CalibrationExclusion,
    CalibrationRun,
    Call,
    CallRole,
    Submission,
    User,
)
from ..permissions import (
    can_compute_ranking,
    can_deliberate_as_jury,
    can_see_reviewer_names,
    can_view_jury_calls,
    can_view_project_as_jury,
    can_view_ranking,
    can_vote,
    is_jury_member,
    recused_from,
    require,
)
from ..services import audit, deliberation, economic_grid, ranking, reviews
from . import job_progress
from .charts import Row, interval_chart
from .helpers import csv_download, dossier_context, resource_bar, same_origin_download
from .loading import call_or_404, of_call_or_404, submitted_of_call_or_404
from .refusals import Refusals

bp = Blueprint("jury", __name__, url_prefix="/jury")

RANKING_REFUSALS = Refusals(ranking.RankingError, {
    "unknown_model": _l("Choose a model among those offered."),
})



def _hidden(call: Call) -> frozenset[int]:
    """Projects the current user is recused from (computed once for the request)."""
    return recused_from(current_user, call)


def _reviewer_label(result: dict, reviewer_id: int, named: bool) -> str:
    """A reviewer's name, or a stable letter code when the jury does not see names."""
    ids = [r["id"] for r in result["reviewers"]]
    if named:
        return next((r["name"] for r in result["reviewers"] if r["id"] == reviewer_id), f"#{reviewer_id}")
    position = ids.index(reviewer_id) if reviewer_id in ids else len(ids)
    return _("Reviewer %(code)s", code=_code(position))


def _code(position: int) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return letters[position % 26] + (str(position // 26 + 1) if position >= 26 else "")


@bp.route("/")
@login_required
def calls():
    require(can_view_jury_calls(current_user))
    mine = db.session.scalars(db.select(Call).join(CallRole, CallRole.call_id == Call.id).where(
        CallRole.user_id == current_user.id, CallRole.role == CallRoleKind.JURY).order_by(Call.title)).all()
    return render_template("jury/calls.html", calls=mine)


def _zoomed(scale, values) -> tuple[float, float]:
    """The part of the scale the values use, with a margin: scores bunched in a corner of the scale are
    told apart on the chart rather than drawn on top of one another."""
    lo, hi = scale
    if not values:
        return lo, hi
    margin = (hi - lo) / 20
    return max(lo, min(values) - margin), min(hi, max(values) + margin)


@bp.route("/calls/<int:call_id>/ranking")
@login_required
def ranking_page(call_id: int):
    call = call_or_404(call_id, can_view_ranking)
    sort = request.args.get("sort") if request.args.get("sort") in ranking.SORTS else "rank"
    category = request.args.get("category") or ""
    page = ranking.ranking_page(call, hidden=_hidden(call), category=category, sort=sort)
    pending = page.pending
    context = {"call": call, "pending": pending, "failed": page.failed, "run": page.run, "state": page.counts,
               "can_compute": can_compute_ranking(current_user, call),
               "compute_form": ComputeRankingForm(model=call.calibration_model),
               "stalled": job_progress.stalled(pending) if pending else False,
               "progress_text": job_progress.progress_text(pending) if pending else ""}
    if page.run is None:
        return render_template("jury/ranking.html", **context)
    result, restricted, rows = page.result, page.restricted, page.rows
    forest = interval_chart([Row(label=f"{p['rank']}. {p['reference']}", value=p["score"], low=p["score_low"],
                                 high=p["score_high"], marker=p["raw_mean"]) for p in rows],
                            _zoomed(result["scale"], [v for p in rows for v in (p["score_low"], p["score_high"],
                                                                                p["raw_mean"])]))
    named = can_see_reviewer_names(current_user, call)
    if restricted:  # leniency is estimated from every review of the call: not in this view
        leniency_rows, leniency = result["reviewers"], None
    else:
        leniency_rows = sorted(result["reviewers"], key=lambda r: r["leniency"])
        bound = max([abs(r["leniency_low"]) for r in leniency_rows]
                    + [abs(r["leniency_high"]) for r in leniency_rows] + [0.5])
        leniency = interval_chart([Row(label=_reviewer_label(result, r["id"], named), value=r["leniency"],
                                       low=r["leniency_low"], high=r["leniency_high"],
                                       highlight=bool(r["outlier"])) for r in leniency_rows],
                                  (-bound, bound), reference=0.0)
    context |= {
        "result": result, "restricted": restricted, "rows": rows, "category": category, "sort": sort,
        "forest": forest, "leniency": leniency, "leniency_rows": leniency_rows, "named": named,
        "reviewer_label": lambda rid: _reviewer_label(result, rid, named),
        "categories": page.categories, "up_to_date": page.up_to_date, "exclusions": page.exclusions,
        "exclude_form": ExcludeReviewerForm(), "model_label": model_label(page.run.model),
        "n_reviews": len(result["reviews"]),
        "my_votes": deliberation.votes_of(call, current_user) if is_jury_member(current_user, call) else {},
    }
    return render_template("jury/ranking.html", **context)


@bp.route("/calls/<int:call_id>/ranking/compute", methods=["POST"])
@login_required
def compute(call_id: int):
    call = call_or_404(call_id, can_compute_ranking)
    form = ComputeRankingForm()
    if not form.validate_on_submit():
        flash(_("Choose a model among those offered."), "error")
        return redirect(url_for("jury.ranking_page", call_id=call.id))
    call.calibration_model = form.model.data
    try:
        ranking.start_calibration(call=call, actor=current_user, model=form.model.data)
    except ranking.RankingError as error:
        db.session.rollback()
        flash(RANKING_REFUSALS.say(error), "error")
        return redirect(url_for("jury.ranking_page", call_id=call.id))
    db.session.commit()
    flash(_("The ranking is being computed."), "success")
    return redirect(url_for("jury.ranking_page", call_id=call.id, _anchor="progress-title"))


@bp.route("/calls/<int:call_id>/ranking/runs/<int:run_id>.json")
@login_required
def run_status(call_id: int, run_id: int):
    call = call_or_404(call_id, can_view_ranking)
    run = of_call_or_404(CalibrationRun, run_id, call)
    return job_progress.status_json(run)


@bp.route("/calls/<int:call_id>/projects/<int:submission_id>")
@login_required
def project(call_id: int, submission_id: int):
    call = call_or_404(call_id, can_view_ranking)
    submission = _project(call, submission_id)
    return _project_page(call, submission)


def _project(call: Call, submission_id: int) -> Submission:
    submission = submitted_of_call_or_404(submission_id, call)
    _hidden(call)  # the whole call's answer, once: the rule below and the page read it
    if not can_view_project_as_jury(current_user, submission):
        abort(404)  # as if it did not exist: "forbidden" would tell a recused member that it does
    return submission


def _project_page(call: Call, submission: Submission, vote_form: VoteForm | None = None, status: int = 200):
    run = ranking.latest(call)
    named = can_see_reviewer_names(current_user, call)
    result = ranking.view_without(run.result, _hidden(call)) if run else None
    restricted = bool(result and result.get("restricted"))
    entry = next((p for p in result["submissions"] if p["id"] == submission.id), None) if run else None
    explained = []
    chart = None
    if entry is not None:
        by_id = {r["id"]: r for r in result["reviewers"]}
        for review in (r for r in result["reviews"] if r["submission_id"] == submission.id):
            explained.append({**review, "label": _reviewer_label(result, review["reviewer_id"], named),
                              "reviewer": by_id.get(review["reviewer_id"])})
        given = [Row(label=e["label"], value=e["total"]) if restricted else
                 Row(label=e["label"], value=e["corrected"], marker=e["total"]) for e in explained]
        chart = interval_chart(given + [Row(label=_("Calibrated"), value=entry["score"], low=entry["score_low"],
                                            high=entry["score_high"], highlight=True)], tuple(result["scale"]))
    full_reviews = sorted(reviews.counted_reviews(call, submission=submission),
                          key=lambda r: (r.submitted_at, r.id))
    juror = is_jury_member(current_user, call)
    vote = deliberation.votes_of(call, current_user).get(submission.id) if juror else None
    if vote_form is None and juror:
        vote_form = VoteForm(formdata=None, choice=vote.choice.value if vote else None,
                             comment=vote.comment if vote else "")
    economic = economic_grid.of_project(submission)
    return render_template("jury/project.html", call=call, submission=submission, run=run, entry=entry,
                           explained=explained, chart=chart, reviews=full_reviews, named=named,
                           economic=economic, economic_bar=resource_bar(economic),
                           restricted=restricted,
                           reviewer_label=(lambda rid: _reviewer_label(result, rid, named)) if run else
                           (lambda rid: _("Reviewer")), show_team=True, juror=juror, vote=vote,
                           vote_form=vote_form, may_vote=can_vote(current_user, call),
                           recusal_form=SelfRecusalForm(formdata=None),
                           **dossier_context(submission)), status


def _exported(call: Call, action: audit.AuditAction, rows: int) -> None:
    # Reviews and rankings leave the platform: say who took them, and when.
    audit.record(action=action, actor=current_user, obj=call, call=call, details={"rows": rows})
    db.session.commit()


@bp.route("/calls/<int:call_id>/ranking.csv")
@login_required
@same_origin_download
def export_ranking(call_id: int):
    call = call_or_404(call_id, can_view_ranking)
    run = ranking.latest(call)
    if run is None:
        abort(404)
    result = ranking.view_without(run.result, _hidden(call))
    criteria = result.get("criteria", [])
    headers = ["rank", "rank_low", "rank_high", "reference", "title", "category", "calibrated_score",
               "score_low", "score_high", "raw_mean", "raw_rank", "rank_change", "reviews", "spread",
               "disagreement", "top_k_probability"] + [f"criterion: {c['name']}" for c in criteria]
    rows = [[p["rank"], p["rank_low"], p["rank_high"], p["reference"], p["title"], p["category"] or "",
             p["score"], p["score_low"], p["score_high"], p["raw_mean"], p["raw_rank"], p["raw_rank"] - p["rank"],
             p["n_reviews"], p["spread"], p["disagreement"], p["top_k_probability"]]
            + [p["criteria"].get(str(c["id"])) for c in criteria] for p in result["submissions"]]
    _exported(call, audit.AuditAction.JURY_RANKING_EXPORTED, len(rows))
    return csv_download(spreadsheet.to_csv(headers, rows), f"{call.slug}-classement")


@bp.route("/calls/<int:call_id>/reviews.csv")
@login_required
@same_origin_download
def export_reviews(call_id: int):
    call = call_or_404(call_id, can_view_ranking)
    named = can_see_reviewer_names(current_user, call)
    run = ranking.latest(call)
    hidden = _hidden(call)
    result = ranking.view_without(run.result, hidden) if run else None
    corrected = {(r["submission_id"], r["reviewer_id"]): r["corrected"] for r in result["reviews"]} if run \
        else {}
    criteria = list(call.criteria)
    items = [r for r in reviews.counted_reviews(call) if r.submission_id not in hidden]
    headers = ["reference", "title", "reviewer", "confidence", "total", "corrected_total"] + \
        [c.name for c in criteria] + ["comment_to_applicants", "comment_to_jury", "submitted_at"]
    rows = []
    for r in items:
        scores = r.score_by_criterion()
        label = r.reviewer.full_name if named else (
            _reviewer_label(result, r.reviewer_id, False) if run else _("Reviewer"))
        rows.append([r.submission.reference, r.submission.title, label, r.confidence, r.total,
                     corrected.get((r.submission_id, r.reviewer_id))] + [scores.get(c.id) for c in criteria]
                    + [r.comment_to_applicants, r.comment_to_jury, r.submitted_at.isoformat()])
    _exported(call, audit.AuditAction.JURY_REVIEWS_EXPORTED, len(rows))
    return csv_download(spreadsheet.to_csv(headers, rows), f"{call.slug}-evaluations")


@bp.route("/calls/<int:call_id>/reviewers/<int:reviewer_id>/exclude", methods=["POST"])
@login_required
def exclude_reviewer(call_id: int, reviewer_id: int):
    call = call_or_404(call_id, can_compute_ranking)
    reviewer = db.get_or_404(User, reviewer_id)
    form = ExcludeReviewerForm()
    if not form.validate_on_submit():
        flash(_("Give the reason for leaving this reviewer out: it is kept in the audit log."), "error")
        return redirect(url_for("jury.ranking_page", call_id=call.id, _anchor="reviewers-title"))
    reviews.exclude_reviewer(call=call, reviewer=reviewer, reason=form.reason.data, actor=current_user)
    db.session.commit()
    flash(_("This reviewer's scores are left out of the next calibration. Compute the ranking again."), "success")
    return redirect(url_for("jury.ranking_page", call_id=call.id, _anchor="reviewers-title"))


@bp.route("/calls/<int:call_id>/exclusions/<int:exclusion_id>/remove", methods=["POST"])
@login_required
def include_reviewer(call_id: int, exclusion_id: int):
    call = call_or_404(call_id, can_compute_ranking)
    exclusion = of_call_or_404(CalibrationExclusion, exclusion_id, call)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    reviews.include_reviewer(exclusion=exclusion, actor=current_user)
    db.session.commit()
    flash(_("This reviewer's scores count again from the next calibration."), "success")
    return redirect(url_for("jury.ranking_page", call_id=call.id, _anchor="reviewers-title"))


# --- the jury's votes and recusals ----------------------------------------------------------------------

def _votes_page(call: Call, failed: tuple[int, VoteForm] | None = None, status: int = 200):
    """Every project the jury member may see, in calibrated-rank order, each with its own vote form."""
    hidden = _hidden(call)
    run = ranking.latest(call)
    seen = {p["id"]: p for p in ranking.view_without(run.result, hidden)["submissions"]} if run else {}
    mine = deliberation.votes_of(call, current_user)
    items = []
    for submission, _entry in deliberation.in_ranking_order(call, run):
        if submission.id in hidden:
            continue
        entry = seen.get(submission.id)
        vote = mine.get(submission.id)
        if failed is not None and failed[0] == submission.id:
            form = failed[1]
        else:
            form = VoteForm(formdata=None, choice=vote.choice.value if vote else None,
                            comment=vote.comment if vote else "")
        items.append(SimpleNamespace(submission=submission, entry=entry, vote=vote, form=form))
    return render_template("jury/votes.html", call=call, items=items, may_vote=can_vote(current_user, call),
                           voted=sum(1 for i in items if i.vote)), status


@bp.route("/calls/<int:call_id>/votes")
@login_required
def votes(call_id: int):
    return _votes_page(call_or_404(call_id, can_deliberate_as_jury))


@bp.route("/calls/<int:call_id>/projects/<int:submission_id>/vote", methods=["POST"])
@login_required
def vote(call_id: int, submission_id: int):
    call = call_or_404(call_id, can_deliberate_as_jury)
    submission = _project(call, submission_id)
    require(can_vote(current_user, call))
    back = request.form.get("back") == "votes"
    form = VoteForm()
    if not form.validate_on_submit():
        return _votes_page(call, (submission.id, form), 400) if back else \
            _project_page(call, submission, form, 400)
    try:
        deliberation.record_vote(submission=submission, jury_member=current_user,
                                 choice=form.choice.data, comment=form.comment.data)
    except deliberation.DeliberationError:
        db.session.rollback()
        abort(403)
    db.session.commit()
    flash(_("Your vote on %(reference)s is recorded. You can change it until the results are published.",
            reference=submission.reference), "success")
    if back:
        return redirect(url_for("jury.votes", call_id=call.id, _anchor=f"project-{submission.id}"))
    return redirect(url_for("jury.project", call_id=call.id, submission_id=submission.id, _anchor="vote-title"))


@bp.route("/calls/<int:call_id>/projects/<int:submission_id>/recuse", methods=["POST"])
@login_required
def recuse(call_id: int, submission_id: int):
    call = call_or_404(call_id, can_deliberate_as_jury)
    submission = _project(call, submission_id)
    form = SelfRecusalForm()
    if not form.validate_on_submit():
        flash(_("The reason is too long (at most 2,000 characters)."), "error")
        return redirect(url_for("jury.project", call_id=call.id, submission_id=submission.id, _anchor="recuse-title"))
    try:
        deliberation.recuse(submission=submission, jury_member=current_user, actor=current_user,
                            reason=form.reason.data)
    except deliberation.DeliberationError:
        db.session.rollback()
        flash(_("The results are published: the jury's record is closed."), "error")
        return redirect(url_for("jury.project", call_id=call.id, submission_id=submission.id))
    db.session.commit()
    flash(_("You are recused from %(reference)s: you no longer see it and do not vote on it.",
            reference=submission.reference), "success")
    return redirect(url_for("jury.votes", call_id=call.id))
