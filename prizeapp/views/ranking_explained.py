"""The ranking explained to the jury: why one project is above another (`compare`), and one reviewer as the
calibration reads them (`reviewer`). One project's own explanation is on its page (`jury.project`).

As every jury page, these show the ranking as the signed-in person may see it (`ranking.view_without` the
projects they are recused from): a project they are recused from does not exist here either (404), and in such
a view reviewers' leniency, spread and reliability, hence the decomposition, are not shown. Reviewers' pages
name them: organisers', and the jury's unless the call hides reviewers' names from it.
"""
from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from ..models import Call
from ..permissions import can_see_reviewer_names, can_view_project_as_jury, can_view_ranking, recused_from
from ..services import explanations, ranking
from ..web import int_arg
from . import explain_words
from .charts import scatter_chart
from .explain_charts import domain_of, odds
from .loading import call_or_404, submitted_of_call_or_404
from .ranking_charts import reviewer_label

bp = Blueprint("ranking_explained", __name__, url_prefix="/jury")


def _seen(call: Call) -> dict | None:
    """The latest ranking as the signed-in person sees it: without the projects they are recused from."""
    run = ranking.latest(call)
    return ranking.view_without(run.result, recused_from(current_user, call)) if run else None


def _chosen(call: Call, name: str) -> int | None:
    """A project named in the address: a submitted project of the call (else 404) that the person may see as
    the jury does (404 for one they are recused from, as if it did not exist, as its page does)."""
    submission_id = int_arg(name)
    if submission_id is None:
        return None
    submission = submitted_of_call_or_404(submission_id, call)
    if not can_view_project_as_jury(current_user, submission):
        abort(404)
    return submission.id


@bp.route("/calls/<int:call_id>/compare")
@login_required
def compare(call_id: int):
    call = call_or_404(call_id, can_view_ranking)
    result = _seen(call)
    a_id, b_id = _chosen(call, "a"), _chosen(call, "b")
    named = can_see_reviewer_names(current_user, call)
    context = {"call": call, "result": result, "a_id": a_id, "b_id": b_id, "story": None, "problem": None,
               "swapped": [], "restricted": bool(result and result.get("restricted"))}
    if result is None:
        return render_template("jury/compare.html", **context)
    context["swapped"] = explain_words.swapped_pairs(result)
    context["numbers"] = explain_words.numbers_of(result)
    if a_id is None or b_id is None:
        return render_template("jury/compare.html", **context)
    position = {p["id"]: k for k, p in enumerate(result["submissions"])}
    if a_id not in position or b_id not in position:
        return render_template("jury/compare.html", **context | {"problem": "unranked"})
    if a_id == b_id:
        return render_template("jury/compare.html", **context | {"problem": "same"})
    first, second = sorted((a_id, b_id), key=position.__getitem__)  # the better ranked first
    entries = explanations.entry_of(result, first), explanations.entry_of(result, second)
    comparison = explanations.comparison(result, first, second)
    probability = (comparison.probability if comparison is not None else
                   explanations.probability_above(result, first, second))
    context["story"] = explain_words.comparison_story(
        result, *entries, comparison, probability, label=lambda rid: reviewer_label(result, rid, named))
    context["odds"] = odds(probability) if probability is not None else None
    context["named"] = named
    return render_template("jury/compare.html", **context)


@bp.route("/calls/<int:call_id>/reviewers/<int:reviewer_id>")
@login_required
def reviewer(call_id: int, reviewer_id: int):
    call = call_or_404(call_id, can_see_reviewer_names)
    result = _seen(call)
    profile = explanations.reviewer_profile(result, reviewer_id)
    if profile is None:
        abort(404)  # no review of theirs in the ranking as this person sees it
    numbers = explain_words.numbers_of(result)
    row = profile.reviewer
    points = [(p.reference, p.others_mean, p.own) for p in profile.shared]
    values = [v for _, x, y in points for v in (x, y)]
    chart = None
    if points:
        chart = scatter_chart(points, x_domain=domain_of(values, tuple(result["scale"]), least=1.0), equal_axes=True,
                              merge=False, diagonal=True, line=explain_words.reviewer_line(row, profile.center))
    return render_template(
        "jury/reviewer.html", call=call, result=result, profile=profile, row=row, chart=chart, numbers=numbers,
        sentences=explain_words.reviewer_sentences(row, profile, numbers),
        label=lambda rid: reviewer_label(result, rid, True), restricted=bool(result.get("restricted")))
