"""The organisers' assignment pages: runs with progress, preview, manual changes, commit."""
from __future__ import annotations

from collections import defaultdict

from babel.lists import format_list
from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_babel import format_decimal, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ..enums import AssignmentRunStatus, AssignmentStatus
from ..extensions import db
from ..forms.admin import ConfirmForm
from ..forms.assignment import AddPairForm, RunForm
from ..models import Assignment, AssignmentRun, Call, Submission, User
from ..permissions import can_manage_call
from ..services import assignment as service
from ..services import review_pool
from . import job_progress
from .loading import call_or_404, of_call_or_404
from .reasons import code_label, describe
from .refusals import Refusals
from .solver_messages import say

bp = Blueprint("assignment", __name__, url_prefix="/manage")

# A run queued for longer than this while nothing took it: no job worker seems to be running.

RUN_STATUS = {
    AssignmentRunStatus.QUEUED: _l("Waiting for the job worker"),
    AssignmentRunStatus.RUNNING: _l("Computing"),
    AssignmentRunStatus.DONE: _l("Done"),
    AssignmentRunStatus.FAILED: _l("Failed"),
}

ERRORS = Refusals(service.AssignmentError, {
    "not_submitted": _l("This project is not a submitted project of the call."),
    "not_a_reviewer": _l("This person is not a reviewer of the call."),
    "already_assigned": _l("This reviewer is already assigned to this project."),
    "declined": _l("This reviewer declined this project: it cannot be given back to them."),
    "review_started": _l("The reviewer has started this review: it stays."),
    "nothing_to_commit": _l("There is no proposed assignment to commit."),
})


@bp.context_processor
def _template_helpers() -> dict:
    return {"run_status": lambda s: str(RUN_STATUS[s]),
            "code_label": code_label, "decimal": lambda v, f="0.00": format_decimal(v, format=f),
            "say": say}


# --- the overview ---------------------------------------------------------------------------------------

def _state(call: Call) -> dict:
    counts = dict(db.session.execute(db.select(Assignment.status, db.func.count(Assignment.id))
                                     .where(Assignment.call_id == call.id).group_by(Assignment.status)).all())
    state = {status.value: counts.get(status, 0) for status in AssignmentStatus}
    state["kind"] = "committed" if state["committed"] else "proposed" if state["proposed"] else "none"
    return state


def _proposed_after_commit(call: Call, state: dict) -> list[Assignment]:
    """New pairs waiting to be committed once an assignment is committed (after a re-assignment, by hand)."""
    if not (state["committed"] and state["proposed"]):
        return []
    return list(db.session.scalars(db.select(Assignment).join(Submission, Submission.id == Assignment.submission_id)
                                   .where(Assignment.call_id == call.id,
                                          Assignment.status == AssignmentStatus.PROPOSED)
                                   .order_by(Submission.reference, Assignment.id)))


def _render_overview(call: Call, form: RunForm, *, reasons: list[str] | None = None, status: int = 200):
    runs = list(db.session.scalars(db.select(AssignmentRun).where(AssignmentRun.call_id == call.id)
                                   .order_by(AssignmentRun.created_at.desc(), AssignmentRun.id.desc())))
    creators = {u.id: u.full_name for u in db.session.scalars(
        db.select(User).where(User.id.in_({r.created_by_id for r in runs if r.created_by_id})))}
    state = _state(call)
    return render_template(
        "assignment/overview.html", call=call, form=form, runs=runs, creators=creators, state=state,
        reviewers=len(review_pool.reviewers(call)), projects=len(review_pool.submissions_to_review(call)),
        pending=_proposed_after_commit(call, state), reasons=reasons, confirm=ConfirmForm(),
        latest_done=next((r for r in runs if r.status == AssignmentRunStatus.DONE), None)), status


@bp.route("/calls/<int:call_id>/assignment")
@login_required
def overview(call_id: int):
    call = call_or_404(call_id, can_manage_call)
    return _render_overview(call, RunForm())


@bp.post("/calls/<int:call_id>/assignment/runs")
@login_required
def start(call_id: int):
    call = call_or_404(call_id, can_manage_call)
    form = RunForm()
    if not form.validate_on_submit():
        return _render_overview(call, form, status=400)
    run = service.start_run(call=call, actor=current_user, seed=form.seed.data, fairness=form.fairness.data,
                            connected=form.connected.data)
    db.session.commit()
    flash(_("The computation is queued (seed %(seed)d).", seed=run.seed), "success")
    return redirect(url_for("assignment.run", call_id=call.id, run_id=run.id))


@bp.post("/calls/<int:call_id>/assignment/commit")
@login_required
def commit(call_id: int):
    call = call_or_404(call_id, can_manage_call)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        emails = service.commit_assignment(call=call, actor=current_user)
    except service.AssignmentError as error:
        flash(ERRORS.say(error), "error")
        return redirect(url_for("assignment.overview", call_id=call.id))
    db.session.commit()
    flash(ngettext("The assignment is committed: %(num)d reviewer will receive an email listing their projects.",
                   "The assignment is committed: %(num)d reviewers will each receive one email listing their "
                   "projects.", len(emails)), "success")
    return redirect(url_for("assignment.overview", call_id=call.id))


@bp.post("/calls/<int:call_id>/assignment/reassign")
@login_required
def reassign(call_id: int):
    call = call_or_404(call_id, can_manage_call)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        change = service.reassign_after_changes(call=call, actor=current_user)
    except service.Infeasible as error:
        db.session.rollback()
        return _render_overview(call, RunForm(formdata=None), reasons=error.reasons, status=400)
    db.session.commit()
    flash(_("Re-assignment done: %(added)s, %(removed)s. Commit the new pairs to notify their reviewers.",
            added=ngettext("%(num)d pair added", "%(num)d pairs added", len(change.added)),
            removed=ngettext("%(num)d pair removed", "%(num)d pairs removed", len(change.removed))), "success")
    return redirect(url_for("assignment.overview", call_id=call.id))


# --- one run: progress, then the preview ----------------------------------------------------------------

@bp.route("/calls/<int:call_id>/assignment/runs/<int:run_id>.json")
@login_required
def run_status(call_id: int, run_id: int):
    call = call_or_404(call_id, can_manage_call)
    run = of_call_or_404(AssignmentRun, run_id, call)
    return job_progress.status_json(run)


@bp.route("/calls/<int:call_id>/assignment/runs/<int:run_id>")
@login_required
def run(call_id: int, run_id: int):
    call = call_or_404(call_id, can_manage_call)
    return _render_run(call, of_call_or_404(AssignmentRun, run_id, call), AddPairForm())


@bp.post("/calls/<int:call_id>/assignment/runs/<int:run_id>/pairs")
@login_required
def add_pair(call_id: int, run_id: int):
    call = call_or_404(call_id, can_manage_call)
    run = of_call_or_404(AssignmentRun, run_id, call)
    form = AddPairForm()
    if not form.validate_on_submit():
        return _render_run(call, run, form, status=400)
    submission = db.session.get(Submission, form.submission_id.data)
    reviewer = db.session.get(User, form.reviewer_id.data)
    if submission is None or submission.call_id != call.id or reviewer is None:
        form.submission_id.errors.append(_("Choose a project and a reviewer from the lists."))
        return _render_run(call, run, form, status=400)
    try:
        service.add_pair(call=call, submission=submission, reviewer=reviewer, actor=current_user)
    except service.ConflictedPair as error:
        return _render_run(call, run, form, refused=describe(error.reasons), status=400)
    except service.AssignmentError as error:
        return _render_run(call, run, form, refused=[ERRORS.say(error)], status=400)
    db.session.commit()
    flash(_("%(reviewer)s is added to %(reference)s (proposed).", reviewer=reviewer.full_name,
            reference=submission.reference), "success")
    return redirect(url_for("assignment.run", call_id=call.id, run_id=run.id, _anchor=f"project-{submission.id}"))


@bp.post("/calls/<int:call_id>/assignment/runs/<int:run_id>/pairs/<int:assignment_id>/remove")
@login_required
def remove_pair(call_id: int, run_id: int, assignment_id: int):
    call = call_or_404(call_id, can_manage_call)
    run = of_call_or_404(AssignmentRun, run_id, call)
    pair = of_call_or_404(Assignment, assignment_id, call)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    anchor = f"project-{pair.submission_id}"
    name, reference = pair.reviewer.full_name, pair.submission.reference
    try:
        service.remove_pair(assignment=pair, actor=current_user)
    except service.AssignmentError as error:
        flash(ERRORS.say(error), "error")
    else:
        db.session.commit()
        flash(_("%(reviewer)s is removed from %(reference)s.", reviewer=name, reference=reference), "success")
    return redirect(url_for("assignment.run", call_id=call.id, run_id=run.id, _anchor=anchor))


def _explain_url(call: Call, submission_id: int, reviewer_id: int) -> str:
    """The page explaining one pair's affinity."""
    return url_for("pool.affinity", call_id=call.id, submission=submission_id, reviewer=reviewer_id)


def _columns(values: list[float], top: float, *, width: float, height: float, gap: float = 0.15) -> list[dict]:
    """Geometry of a column chart in an SVG box of `width` × `height` (y grows downwards)."""
    step = width / max(len(values), 1)
    columns = []
    for i, value in enumerate(values):
        h = height * value / top if top else 0.0
        columns.append({"x": round(i * step + step * gap / 2, 2), "w": round(step * (1 - gap), 2),
                        "y": round(height - h, 2), "h": round(h, 2), "cx": round(i * step + step / 2, 2)})
    return columns


def _preview(call: Call, run: AssignmentRun) -> dict:
    summary = run.result
    loads = summary["loads"]
    top = max([max(e["load"], e["max_load"]) for e in loads] + [1])
    load_chart = {"top": top, "bars": [{**e, "load_col": col, "max_col": mcol}
                                       for e, col, mcol in zip(loads, _columns([e["load"] for e in loads], top,
                                                                               width=560, height=160),
                                                               _columns([e["max_load"] for e in loads], top,
                                                                        width=560, height=160))]}
    histogram = summary["affinity"]["histogram"]
    hist_top = max(histogram + [1])
    bins = [{"count": count, "low": i / 10, "high": (i + 1) / 10, "col": col}
            for i, (count, col) in enumerate(zip(histogram, _columns(histogram, hist_top, width=560, height=160,
                                                                     gap=0.08)))]
    titles = dict(db.session.execute(db.select(Submission.id, Submission.title).where(
        Submission.id.in_([w["submission_id"] for w in summary["worst_off"]]))).all())
    sizes = format_list([str(n) for n in summary["component_sizes"]], locale=str(get_locale()))
    return {"summary": summary, "load_chart": load_chart, "bins": bins, "hist_top": hist_top, "titles": titles,
            "component_sizes": sizes}


def _pairs(call: Call) -> dict:
    """The call's projects with their active pairs and each pair's affinity; the choices of the add form."""
    inputs = review_pool.call_inputs(call)
    affinity = review_pool.affinity_matrix(call, inputs=inputs)
    s_index = {sid: i for i, sid in enumerate(affinity.submission_ids)}
    r_index = {rid: j for j, rid in enumerate(affinity.reviewer_ids)}
    by_submission: dict[int, list[dict]] = defaultdict(list)
    active = db.session.scalars(db.select(Assignment).where(Assignment.call_id == call.id,
                                                            Assignment.status.in_(service.ACTIVE))
                                .order_by(Assignment.id))
    for a in active:
        score = None
        if a.submission_id in s_index and a.reviewer_id in r_index:
            score = float(affinity.scores[s_index[a.submission_id], r_index[a.reviewer_id]])
        by_submission[a.submission_id].append({"assignment": a, "affinity": score,
                                               "explain": _explain_url(call, a.submission_id, a.reviewer_id)})
    for rows in by_submission.values():
        rows.sort(key=lambda row: -(row["affinity"] or 0.0))
    return {"projects": [(s, by_submission.get(s.id, [])) for s in sorted(inputs.submissions,
                                                                           key=lambda s: s.reference)],
            "submission_choices": [(s.id, f"{s.reference} — {s.title}") for s in sorted(
                inputs.submissions, key=lambda s: s.reference)],
            "reviewer_choices": [(u.id, u.full_name) for u in sorted(inputs.reviewers,
                                                                       key=lambda u: (u.last_name, u.first_name))],
            "k": call.reviewers_per_submission}


def _render_run(call: Call, run: AssignmentRun, add_form: AddPairForm, *, refused: list[str] | None = None,
                status: int = 200):
    context: dict = {"call": call, "run": run, "add_form": add_form, "refused": refused, "confirm": ConfirmForm(),
                     "stalled": job_progress.stalled(run), "progress_text": job_progress.progress_text(run),
                     "state": _state(call)}
    if run.status == AssignmentRunStatus.DONE:
        latest = db.session.scalar(db.select(AssignmentRun.id).where(
            AssignmentRun.call_id == call.id, AssignmentRun.status == AssignmentRunStatus.DONE)
            .order_by(AssignmentRun.finished_at.desc(), AssignmentRun.id.desc()).limit(1))
        context |= _preview(call, run) | {"current": latest == run.id}
        if context["current"]:
            pairs = _pairs(call)
            add_form.submission_id.choices = [SelectChoice(value, text) for value, text in
                                              [(0, _("Choose a project")), *pairs["submission_choices"]]]
            add_form.reviewer_id.choices = [SelectChoice(value, text) for value, text in
                                            [(0, _("Choose a reviewer")), *pairs["reviewer_choices"]]]
            context |= pairs
    return render_template("assignment/run.html", **context), status
