"""The jury's pages: the calibrated ranking with its uncertainty and plots, one project explained, exports;
the organisers' controls over it (compute with a model, leave out an outlier reviewer); the jury's votes and
recusals.

A jury member recused from a project (by themselves, by an organiser, or automatically: in its team or
conflicted with it; `permissions.recused_from`) sees nothing of it: its page, files and reviews are refused,
and every jury page and export shows them the ranking as if it did not exist (`ranking.seen_by`, which applies
`ranking.view_without`): ranks 1..n among the others, counts, reviewers and their reviews, categories and
groups of reviewers, without what only the whole call gives; the pages say how many projects they do not see.
Organisers who are not recused see the stored ranking as it is.

Jury members vote from the ranking's table, every row in one form (a POST to `votes`, which works without
JavaScript), or from the votes page with a comment on each project; both send a ballot (`forms.jury.BallotForm`).
Every score is written with `formatting.score` at the decimals `formatting.score_places` chooses for its list,
in the table, the forest plot and the ranking's CSV alike.
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
from flask_babel import ngettext
from flask_login import current_user, login_required

from ..core import spreadsheet
from ..enums import CallRoleKind
from ..extensions import db
from ..formatting import rounded_score, score_places
from ..forms.admin import ConfirmForm
from ..forms.deliberation import SelfRecusalForm, VoteForm
from ..forms.jury import BallotForm, ComputeRankingForm, ExcludeReviewerForm, ballot_form
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
from ..services import audit, deliberation, economic_grid, explanations, ranking, reviews
from . import explain_words, job_progress
from .charts import Row, interval_chart
from .helpers import csv_download, dossier_context, resource_bar, same_origin_download
from .loading import call_or_404, of_call_or_404, submitted_of_call_or_404
from .ranking_charts import leniency_chart, reviewer_label, zoomed
from .refusals import Refusals

bp = Blueprint("jury", __name__, url_prefix="/jury")

RANKING_REFUSALS = Refusals(ranking.RankingError, {
    "unknown_model": _l("Choose a model among those offered."),
})



def _hidden(call: Call) -> frozenset[int]:
    """Projects the current user is recused from (computed once for the request)."""
    return recused_from(current_user, call)


@bp.route("/")
@login_required
def calls():
    require(can_view_jury_calls(current_user))
    mine = db.session.scalars(db.select(Call).join(CallRole, CallRole.call_id == Call.id).where(
        CallRole.user_id == current_user.id, CallRole.role == CallRoleKind.JURY).order_by(Call.title)).all()
    return render_template("jury/calls.html", calls=mine)


# The form of the default model the calibration chose for the call's reviews (core.calibration.selection).
VARIANTS = {
    "leniency": _l("With these reviews, the simplest form of the model predicts best a review left out: only each "
                   "reviewer's leniency is corrected."),
    "leniency_spread": _l("With these reviews, correcting each reviewer's leniency and spread predicts best a review "
                          "left out; their reliability is taken as equal."),
    "full": _l("Each reviewer's leniency, spread and reliability are corrected."),
}


def _variant_text(variant: str | None) -> str:
    return str(VARIANTS[variant]) if variant in VARIANTS else ""


def _ranking_args() -> tuple[str, str]:
    """The ranking's category and order, from the page's address (the votes form keeps them in its own)."""
    sort = request.args.get("sort") if request.args.get("sort") in ranking.SORTS else "rank"
    return request.args.get("category") or "", sort


@bp.route("/calls/<int:call_id>/ranking")
@login_required
def ranking_page(call_id: int):
    return _ranking_page(call_or_404(call_id, can_view_ranking))


def _ranking_page(call: Call, ballot: BallotForm | None = None, refusal: str | None = None, status: int = 200):
    """The ranking as the signed-in person may see it; for a jury member, with their ballot in the table (the
    one they sent, when it could not be recorded)."""
    category, sort = _ranking_args()
    page = ranking.ranking_page(call, hidden=_hidden(call), category=category, sort=sort)
    pending = page.pending
    context = {"call": call, "pending": pending, "failed": page.failed, "run": page.run, "state": page.counts,
               "can_compute": can_compute_ranking(current_user, call),
               "compute_form": ComputeRankingForm(model=call.calibration_model),
               "stalled": job_progress.stalled(pending) if pending else False,
               "progress_text": job_progress.progress_text(pending) if pending else ""}
    if page.run is None:
        return render_template("jury/ranking.html", **context), status
    result, restricted, rows = page.result, page.restricted, page.rows
    places = score_places([p["score"] for p in result["submissions"]], result["scale"])
    forest = interval_chart(
        [Row(label=_("%(rank)d. %(title)s", rank=p["rank"], title=p["title"]), value=p["score"], low=p["score_low"],
             high=p["score_high"], marker=p["raw_mean"], key=str(p["id"]),
             href=url_for("jury.project", call_id=call.id, submission_id=p["id"])) for p in rows],
        zoomed(result["scale"], [v for p in rows for v in (p["score_low"], p["score_high"], p["raw_mean"])]
                + ([page.cutoff] if page.cutoff is not None else [])), cutoff=page.cutoff)
    named = can_see_reviewer_names(current_user, call)
    if restricted:  # leniency is estimated from every review of the call: not in this view
        leniency_rows, leniency = result["reviewers"], None
    else:
        leniency_rows = sorted(result["reviewers"], key=lambda r: r["leniency"])
        leniency = leniency_chart(leniency_rows, lambda rid: reviewer_label(result, rid, named))
    juror = is_jury_member(current_user, call)
    votes = deliberation.votes_of(call, current_user) if juror else {}
    if juror and ballot is None and can_vote(current_user, call):
        ballot = ballot_form([p["id"] for p in result["submissions"]], votes, comments=False, formdata=None)
    criteria_places = {str(c["id"]): score_places([p["criteria"].get(str(c["id"])) for p in result["submissions"]],
                                                  result["scale"]) for c in result["criteria"]}
    context |= {
        "result": result, "restricted": restricted, "rows": rows, "category": category, "sort": sort,
        "forest": forest, "leniency": leniency, "leniency_rows": leniency_rows, "named": named,
        "reviewer_label": lambda rid: reviewer_label(result, rid, named),
        "categories": page.categories, "up_to_date": page.up_to_date, "exclusions": page.exclusions,
        "exclude_form": ExcludeReviewerForm(), "model_label": model_label(page.run.model),
        "n_reviews": len(result["reviews"]), "variant_text": _variant_text(result["parameters"].get("variant")),
        "places": places, "criteria_places": criteria_places,
        "leniency_places": score_places([r["leniency"] for r in leniency_rows]) if leniency else 1,
        "cutoff": page.cutoff, "juror": juror, "my_votes": votes, "ballot": ballot, "refusal": refusal,
        "may_vote": can_vote(current_user, call),
        # The jury's tally goes with the ranking: counts only, to whoever reads it (names are the organisers').
        "tally": deliberation.standing_tally(call), "jury_size": len(deliberation.jury_members(call)),
    }
    return render_template("jury/ranking.html", **context), status


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
    chart = story = missing = None
    if entry is not None:
        missing = explanations.missing_reviews(submission, result)
        by_id = {r["id"]: r for r in result["reviewers"]}

        def label(reviewer_id: int) -> str:
            return reviewer_label(result, reviewer_id, named)

        for review in (r for r in result["reviews"] if r["submission_id"] == submission.id):
            explained.append({**review, "label": label(review["reviewer_id"]),
                              "reviewer": by_id.get(review["reviewer_id"])})
        explanation = explanations.project(result, submission.id)
        if explanation is not None:  # what each review counts as, in the explanation's own terms
            story = explain_words.project_story(explanation, result, entry, label=label, missing=missing,
                                                named=named)
            corrected = {t.reviewer: t.corrected for t in explanation.reviews}
            explained = [{**e, "corrected": corrected[e["reviewer_id"]]} for e in explained]
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
                           explained=explained, chart=chart, story=story, missing=missing,
                           numbers=explain_words.numbers_of(result) if result else None,
                           reviews=full_reviews, named=named,
                           economic=economic, economic_bar=resource_bar(economic),
                           restricted=restricted,
                           reviewer_label=(lambda rid: reviewer_label(result, rid, named)) if run else
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
    seen = ranking.seen_by(call, _hidden(call))
    if seen.run is None:
        abort(404)
    result = seen.result
    criteria = result.get("criteria", [])
    headers = ["rank", "rank_low", "rank_high", "reference", "title", "category", "calibrated_score",
               "score_low", "score_high", "raw_mean", "raw_rank", "rank_change", "reviews", "spread",
               "disagreement", "top_k_probability"] + [f"criterion: {c['name']}" for c in criteria]
    # Scores with the decimals the page writes them with (formatting.score_places), as numbers.
    places = score_places([p["score"] for p in result["submissions"]], result["scale"])
    by_criterion = {str(c["id"]): score_places([p["criteria"].get(str(c["id"])) for p in result["submissions"]],
                                               result["scale"]) for c in criteria}

    def scored(value, decimals=places):
        return rounded_score(value, decimals) if value is not None else None

    rows = [[p["rank"], p["rank_low"], p["rank_high"], p["reference"], p["title"], p["category"] or "",
             scored(p["score"]), scored(p["score_low"]), scored(p["score_high"]), scored(p["raw_mean"]),
             p["raw_rank"], p["raw_rank"] - p["rank"], p["n_reviews"], scored(p["spread"]), p["disagreement"],
             p["top_k_probability"]]
            + [scored(p["criteria"].get(str(c["id"])), by_criterion[str(c["id"])]) for c in criteria]
            for p in result["submissions"]]
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
            reviewer_label(result, r.reviewer_id, False) if run else _("Reviewer"))
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

def _votable(call: Call) -> list[Submission]:
    """The projects a jury member votes on: the call's submitted ones they are not recused from."""
    hidden = _hidden(call)
    return [s for s in deliberation.projects(call) if s.id not in hidden]


def _ballot(call: Call, *, comments: bool, formdata=None) -> BallotForm:
    return ballot_form([s.id for s in _votable(call)], deliberation.votes_of(call, current_user),
                       comments=comments, formdata=formdata)


def _votes_page(call: Call, failed: tuple[int, VoteForm] | None = None, status: int = 200, *,
                ballot: BallotForm | None = None, refusal: str | None = None):
    """Every project the jury member may see, in calibrated-rank order, in one form: a choice and a comment
    each. `failed`: one project's vote sent from its own form that could not be recorded, shown in it."""
    seen = ranking.seen_by(call, _hidden(call))
    entries = {p["id"]: p for p in seen.result["submissions"]} if seen.result else {}
    mine = deliberation.votes_of(call, current_user)
    visible = {s.id for s in _votable(call)}
    items = [SimpleNamespace(submission=s, entry=entries.get(s.id), vote=mine.get(s.id))
             for s, _stored in deliberation.in_ranking_order(call, seen.run) if s.id in visible]
    if ballot is None:
        ballot = ballot_form([i.submission.id for i in items], mine, comments=True, formdata=None)
    if failed is not None:
        submission_id, form = failed
        ballot.choice(submission_id).data = form.choice.data or ""
        ballot.choice(submission_id).errors = list(form.choice.errors)
        ballot.comment(submission_id).data = form.comment.data
        ballot.comment(submission_id).errors = list(form.comment.errors)
        if form.errors.get("csrf_token"):
            ballot.form_errors.append(_("The form expired. Please send it again."))
    return render_template("jury/votes.html", call=call, items=items, may_vote=can_vote(current_user, call),
                           ballot=ballot, refusal=refusal, hidden_count=seen.hidden,
                           voted=sum(1 for i in items if i.vote)), status


# One endpoint for both methods: two rules on one address let a refused id answer 405 instead of 404.
@bp.route("/calls/<int:call_id>/votes", methods=["GET", "POST"])
@login_required
def votes(call_id: int):
    if request.method == "POST":
        return _record_votes(call_id)
    return _votes_page(call_or_404(call_id, can_deliberate_as_jury))


def _record_votes(call_id: int):
    """The ballot of the ranking's table (`?back=ranking`, choices only) or of the votes page (`?back=votes`,
    with comments): every vote in one go. What was sent is shown again when it cannot be recorded."""
    call = call_or_404(call_id, can_deliberate_as_jury)
    on_votes_page = request.args.get("back") == "votes"
    form = _ballot(call, comments=on_votes_page, formdata=request.form)

    def again(refusal: str | None, status: int):
        if on_votes_page:
            return _votes_page(call, ballot=form, refusal=refusal, status=status)
        return _ranking_page(call, ballot=form, refusal=refusal, status=status)

    if form.posted_ids(request.form) - set(form.project_ids):
        abort(404)  # a project recused from, or of another call: as if it did not exist
    if not can_vote(current_user, call):
        return again(_("The results are published: votes can no longer be changed."), 403)
    if not form.validate_on_submit():
        return again(None, 400)
    try:
        changed = deliberation.record_votes(call=call, jury_member=current_user, choices=form.choices())
    except deliberation.DeliberationError as error:
        db.session.rollback()
        if "results_published" in error.codes:
            return again(_("The results are published: votes can no longer be changed."), 403)
        abort(404)
    db.session.commit()
    if changed:
        flash(ngettext("Your vote on %(num)d project is recorded. You can change it until the results are "
                       "published.", "Your votes on %(num)d projects are recorded. You can change them until the "
                       "results are published.", len(changed)), "success")
    else:
        flash(_("Your votes are unchanged."), "success")
    if on_votes_page:
        return redirect(url_for("jury.votes", call_id=call.id))
    category, sort = _ranking_args()
    return redirect(url_for("jury.ranking_page", call_id=call.id, category=category or None,
                            sort=sort if sort != "rank" else None))


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
