"""The organisers' side of the jury's deliberation: the jury's votes beside the calibrated ranking, final
decisions, recusals of jury members, and the record of the meeting, on the screen and as a PDF to sign; and the
jury pack, the PDF the call's jury and organisers read for the meeting."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..enums import DecisionOutcome, VoteChoice
from ..extensions import db
from ..formatting import datetime_filter
from ..forms.admin import ConfirmForm
from ..forms.deliberation import (
    DecisionForm,
    DeliberationForm,
    DraftFromRankingForm,
    RecusalForm,
)
from ..labels import model_label
from ..models import CalibrationRun, Call, Submission, User
from ..models.decision import Deliberation, Recusal
from ..models.types import utcnow
from ..permissions import can_decide, can_view_ranking, recused_from
from ..services import audit, deliberation, jury_pack, pdf, ranking
from ..web import int_arg
from .charts import Row, interval_chart
from .helpers import same_origin_download
from .loading import call_or_404, of_call_or_404, submitted_of_call_or_404
from .ranking_charts import coded, leniency_chart, zoomed
from .reasons import code_label
from .refusals import Refusals

# No prefix: the organisers' pages are under /manage/calls, the jury pack beside the jury's pages under /jury.
bp = Blueprint("deliberation", __name__)
MANAGE = "/manage/calls"


@bp.context_processor
def _helpers() -> dict:
    return {"labels_of": lambda codes: ", ".join(code_label(c) for c in codes)}

ERRORS = Refusals(deliberation.DeliberationError, {
    "results_published": _l("The results are published: the deliberation can no longer be changed."),
    "reason_required": _l("Give the reason."),
    "negative_amount": _l("The amount cannot be negative."),
    "not_in_jury": _l("This person is not in the call's jury."),
    "already_recused": _l("This jury member is already recused from this project."),
    "recused": _l("This jury member is recused from this project: they do not vote on it."),
    "nobody_present": _l("Tick the jury members who were present."),
    "unknown_run": _l("Choose a ranking of this call."),
    "negative_count": _l("The numbers of laureates and mentions cannot be negative."),
    "not_in_call": _l("This project is not among the call's submitted projects."),
})


# --- decisions ------------------------------------------------------------------------------------------

def _recusal_form(call: Call, formdata=None) -> RecusalForm:
    form = RecusalForm(formdata=formdata)
    form.jury_member.choices = [(0, _("Choose…"))] + [(u.id, u.full_name) for u in deliberation.jury_members(call)]
    form.submission.choices = [(0, _("Choose…"))] + [(s.id, f"{s.reference} – {s.title}")
                                                     for s in deliberation.projects(call)]
    return form


def _decision_form(decision) -> DecisionForm:
    if decision is None:
        return DecisionForm(formdata=None)
    return DecisionForm(formdata=None, outcome=decision.outcome.value, prize=decision.prize, amount=decision.amount,
                        reason=decision.reason)


def _decisions_page(call: Call, *, failed: tuple[int, DecisionForm] | None = None,
                    recusal_form: RecusalForm | None = None, draft_form: DraftFromRankingForm | None = None,
                    status: int = 200):
    run = ranking.latest(call)
    votes, decided = deliberation.tally(call), deliberation.decisions(call)
    items = []
    for submission, entry in deliberation.in_ranking_order(call, run):
        form = failed[1] if failed is not None and failed[0] == submission.id else \
            _decision_form(decided.get(submission.id))
        items.append(SimpleNamespace(submission=submission, entry=entry, tally=votes[submission.id],
                                     decision=decided.get(submission.id), form=form))
    counts = {outcome: sum(1 for d in decided.values() if d.outcome == outcome) for outcome in DecisionOutcome}
    return render_template(
        "deliberation/decisions.html", call=call, run=run, items=items, laureates=counts[DecisionOutcome.LAUREATE],
        mentions=counts[DecisionOutcome.MENTION],
        undecided=len(items) - len(decided), open=call.results_published_at is None, choices=list(VoteChoice),
        jury=deliberation.jury_members(call), recusals=deliberation.all_recusals(call), code_label=code_label,
        recusal_form=recusal_form or _recusal_form(call), confirm_form=ConfirmForm(),
        record=deliberation.latest_deliberation(call), pack_default=jury_pack.default_shortlist(call),
        pack_max=jury_pack.SHORTLIST_MAX,
        draft_form=draft_form or DraftFromRankingForm(laureates=call.prize_count or 0)), status


@bp.route(f"{MANAGE}/<int:call_id>/decisions")
@login_required
def decisions(call_id: int):
    return _decisions_page(call_or_404(call_id, can_decide))


@bp.route(f"{MANAGE}/<int:call_id>/decisions/<int:submission_id>", methods=["POST"])
@login_required
def decide(call_id: int, submission_id: int):
    call = call_or_404(call_id, can_decide)
    submission = submitted_of_call_or_404(submission_id, call)
    form = DecisionForm()
    if not form.validate_on_submit():
        return _decisions_page(call, failed=(submission.id, form), status=400)
    try:
        deliberation.record_decision(submission=submission, actor=current_user,
                                     outcome=DecisionOutcome(form.outcome.data), reason=form.reason.data,
                                     prize=form.prize.data, amount=form.amount.data)
    except deliberation.DeliberationError as error:
        db.session.rollback()
        form.form_errors.append(ERRORS.say(error))
        return _decisions_page(call, failed=(submission.id, form), status=400)
    db.session.commit()
    flash(_("The decision on %(reference)s is recorded.", reference=submission.reference), "success")
    return redirect(url_for("deliberation.decisions", call_id=call.id, _anchor=f"project-{submission.id}"))


@bp.route(f"{MANAGE}/<int:call_id>/decisions/from-ranking", methods=["POST"])
@login_required
def draft_from_ranking(call_id: int):
    call = call_or_404(call_id, can_decide)
    form = DraftFromRankingForm()
    if not form.validate_on_submit():
        return _decisions_page(call, draft_form=form, status=400)
    reasons = {DecisionOutcome.LAUREATE: form.reason_laureate.data, DecisionOutcome.MENTION: form.reason_mention.data,
               DecisionOutcome.NOT_SELECTED: form.reason_not_selected.data}
    try:
        recorded = deliberation.draft_from_ranking(call=call, actor=current_user, laureates=form.laureates.data,
                                                   mentions=form.mentions.data, reasons=reasons,
                                                   run=ranking.latest(call))
    except deliberation.DeliberationError as error:
        db.session.rollback()
        form.form_errors.append(ERRORS.say(error))
        return _decisions_page(call, draft_form=form, status=400)
    db.session.commit()
    flash(ngettext("%(num)d decision recorded from the ranking: revise any of them below.",
                   "%(num)d decisions recorded from the ranking: revise any of them below.", recorded), "success")
    return redirect(url_for("deliberation.decisions", call_id=call.id, _anchor="projects-title"))


# --- recusals -------------------------------------------------------------------------------------------

@bp.route(f"{MANAGE}/<int:call_id>/recusals", methods=["POST"])
@login_required
def recuse(call_id: int):
    call = call_or_404(call_id, can_decide)
    form = _recusal_form(call, request.form)
    if not form.validate_on_submit():
        return _decisions_page(call, recusal_form=form, status=400)
    member = db.get_or_404(User, form.jury_member.data)
    submission = of_call_or_404(Submission, form.submission.data, call)
    try:
        deliberation.recuse(submission=submission, jury_member=member, actor=current_user, reason=form.reason.data)
    except deliberation.DeliberationError as error:
        db.session.rollback()
        form.form_errors.append(ERRORS.say(error))
        return _decisions_page(call, recusal_form=form, status=400)
    db.session.commit()
    flash(_("%(name)s is recused from %(reference)s.", name=member.full_name, reference=submission.reference),
          "success")
    return redirect(url_for("deliberation.decisions", call_id=call.id, _anchor="recusals-title"))


@bp.route(f"{MANAGE}/<int:call_id>/recusals/<int:recusal_id>/lift", methods=["POST"])
@login_required
def lift_recusal(call_id: int, recusal_id: int):
    call = call_or_404(call_id, can_decide)
    recusal = of_call_or_404(Recusal, recusal_id, call)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        deliberation.lift_recusal(recusal=recusal, actor=current_user)
    except deliberation.DeliberationError as error:
        db.session.rollback()
        flash(ERRORS.say(error), "error")
    else:
        db.session.commit()
        flash(_("The recusal is lifted."), "success")
    return redirect(url_for("deliberation.decisions", call_id=call.id, _anchor="recusals-title"))


# --- the record of the meeting --------------------------------------------------------------------------

def _record_form(call: Call, record: Deliberation | None, formdata=None) -> DeliberationForm:
    runs = deliberation.done_runs(call)
    if formdata is None and record is not None:
        form = DeliberationForm(formdata=None, held_at=record.held_at, present=list(record.present_ids or []),
                                calibration_run=record.calibration_run_id or 0, notes=record.notes)
    elif formdata is None:
        form = DeliberationForm(formdata=None, held_at=utcnow().replace(second=0, microsecond=0),
                                present=[u.id for u in deliberation.jury_members(call)],
                                calibration_run=runs[0].id if runs else 0)
    else:
        form = DeliberationForm(formdata=formdata)
    form.present.choices = [(u.id, u.full_name) for u in deliberation.jury_members(call)]
    form.calibration_run.choices = [(r.id, _("%(model)s, computed on %(date)s, fingerprint %(hash)s",
                                             model=model_label(r.model),
                                             date=datetime_filter(r.finished_at), hash=(r.inputs_hash or "")[:12]))
                                    for r in runs] + [(0, _("No ranking"))]
    return form


@bp.route(f"{MANAGE}/<int:call_id>/deliberation", methods=["GET", "POST"])
@login_required
def record(call_id: int):
    call = call_or_404(call_id, can_decide)
    existing = deliberation.latest_deliberation(call)
    form = _record_form(call, existing, request.form if request.method == "POST" else None)
    if request.method == "POST":
        if form.validate_on_submit():
            run = db.session.get(CalibrationRun, form.calibration_run.data) if form.calibration_run.data else None
            try:
                saved = deliberation.record_deliberation(
                    call=call, actor=current_user, held_at=form.held_at.data, present_ids=form.present.data,
                    calibration_run=run, notes=form.notes.data, deliberation=existing)
            except deliberation.DeliberationError as error:
                db.session.rollback()
                form.form_errors.append(ERRORS.say(error))
            else:
                db.session.commit()
                flash(_("The deliberation is recorded."), "success")
                return redirect(url_for("deliberation.printable", call_id=call.id, deliberation_id=saved.id))
        return render_template("deliberation/record.html", call=call, form=form, existing=existing,
                               runs=deliberation.done_runs(call)), 400
    return render_template("deliberation/record.html", call=call, form=form, existing=existing,
                           runs=deliberation.done_runs(call))


@bp.route(f"{MANAGE}/<int:call_id>/deliberation/<int:deliberation_id>")
@login_required
def printable(call_id: int, deliberation_id: int):
    call = call_or_404(call_id, can_decide)
    meeting = of_call_or_404(Deliberation, deliberation_id, call)
    return render_template("deliberation/printable.html", **_record_context(call, meeting, printed=False))


@bp.route(f"{MANAGE}/<int:call_id>/deliberation/<int:deliberation_id>.pdf")
@login_required
def printable_pdf(call_id: int, deliberation_id: int):
    call = call_or_404(call_id, can_decide)
    meeting = of_call_or_404(Deliberation, deliberation_id, call)
    html = render_template("deliberation/printable.html", **_record_context(call, meeting, printed=True))
    day = meeting.held_at.date().isoformat() if meeting.held_at else "sans-date"
    return _pdf_response(html, f"{call.slug}-proces-verbal-{day}")


def _record_context(call: Call, meeting: Deliberation, *, printed: bool) -> dict:
    """What the record's template needs, the same on the screen and in the PDF (`printed`)."""
    content = deliberation.record(call, meeting)
    return {"call": call, "r": content, "choices": list(VoteChoice), "pdf": printed, "code_label": code_label,
            "model_label": model_label(content.run.model) if content.run else ""}


# --- the jury pack --------------------------------------------------------------------------------------

@bp.route("/jury/calls/<int:call_id>/pack.pdf")
@login_required
@same_origin_download
def jury_pack_pdf(call_id: int):
    call = call_or_404(call_id, can_view_ranking)
    pack = jury_pack.jury_pack(call, hidden=recused_from(current_user, call),
                               shortlist=int_arg("projects", maximum=jury_pack.SHORTLIST_MAX))
    if pack is None:
        abort(404)  # no ranking yet: nothing to read
    html = render_template("deliberation/jury_pack.html", call=call, pack=pack, **_pack_charts(pack),
                           model_label=model_label(pack.run.model), score=_score,
                           reviewer_label=coded, pdf=True)
    response = _pdf_response(html, f"{call.slug}-dossier-du-jury")
    # Reviews and comments leave the platform: say who took them, and when.
    audit.record(action=audit.AuditAction.JURY_PACK_EXPORTED, actor=current_user, obj=call, call=call,
                 details={"projects": len(pack.projects)})
    db.session.commit()
    return response


def _score(value: float) -> str:
    """A score with two decimals, in the reader's language (a table of scores reads better aligned)."""
    return format_decimal(value, format="#,##0.00")


def _pack_charts(pack: jury_pack.JuryPack) -> dict:
    """The pack's charts: every project's calibrated score; each reviewer's leniency (when the reader's view
    has it); each shortlisted project's reviews beside its calibrated score."""
    rows = pack.rows
    scale = tuple(pack.result["scale"])
    # As on the ranking page: the part of the scale the scores use, with a margin of a twentieth of it.
    forest = interval_chart([Row(label=f"{p['rank']}. {p['reference']}", value=p["score"], low=p["score_low"],
                                 high=p["score_high"], marker=p["raw_mean"]) for p in rows],
                            zoomed(scale, [v for p in rows for v in (p["score_low"], p["score_high"], p["raw_mean"])]))
    leniency = None
    if not pack.restricted and pack.result["reviewers"]:
        parts = pack.reviewer_codes()
        leniency = leniency_chart(sorted(pack.result["reviewers"], key=lambda r: r["leniency"]),
                                  lambda rid: coded(*parts[rid]))
    projects = {}
    for page in pack.projects:
        given = [Row(label=coded(x.code, x.name), value=x.total) if x.corrected is None else
                 Row(label=coded(x.code, x.name), value=x.corrected, marker=x.total)
                 for x in page.reviews]
        e = page.entry
        projects[page.submission.id] = interval_chart(
            given + [Row(label=_("Calibrated"), value=e["score"], low=e["score_low"], high=e["score_high"],
                         highlight=True)], scale)
    return {"forest": forest, "leniency": leniency, "project_charts": projects}


# --- PDF ------------------------------------------------------------------------------------------------

def _pdf_response(html: str, name: str) -> Response:
    """`html` as an A4 PDF with the documents' print stylesheet, shown in the browser, never cached."""
    folder = Path(current_app.static_folder) / "css"
    body = pdf.pdf(html, (folder / "deliberation-print.css").read_text(encoding="utf-8"),
                   svg_stylesheet=(folder / "deliberation-charts.css").read_text(encoding="utf-8"))
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{name}.pdf"', "Cache-Control": "private, no-store"})
