"""The team's impact follow-up: starting it at the results, setting up the plan and its indicators, filling
each milestone's report (a draft saved as it goes), and the reports' attachments.

Forms with errors are shown again with what was typed: 400 (the form could not be read), 409 (the plan or
the report changed meanwhile, or its state refuses the change), 422 (what was typed is refused). The report's
background save (static/js/impact-report.js) posts the same form and is answered in JSON."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import format_time, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from ..core import impact as impact_core
from ..enums import ImpactPlanStatus, ImpactReportStatus
from ..extensions import db
from ..formatting import date_filter
from ..forms.admin import ConfirmForm
from ..forms.impact import ReportDocumentForm, ReportForm, SetupForm, StartForm
from ..models import ImpactPlan, ImpactReport, ImpactReportDocument, Submission
from ..models.types import utcnow
from ..permissions import can_follow_up_impact, can_view_impact, require
from ..services import uploads
from ..services.impact import plans, reports
from ..services.impact.plans import ImpactError
from ..web import parse_int
from .refusals import Refusals

bp = Blueprint("impact_followup", __name__)

REFUSALS = Refusals(ImpactError, {
    "not_submitted": _l("Only a submitted project can be followed."),
    "results_not_published": _l("The results of the call are not published yet: the follow-up can be set up once "
                                "they are."),
    "already_set_up": _l("This project's follow-up is already set up."),
    "team_must_opt_in": _l("This project received neither a prize nor a mention: tick the box to say that your team "
                           "wants to follow its impact."),
    "stale": _l("Someone in the team saved in the meantime: nothing was saved. What you typed is kept below; saving "
                "again replaces their version with yours."),
    "too_many_indicators": _l("A follow-up has at most %(max)d indicators: clear the rows you do not need. Nothing "
                              "was saved."),
    "active_must_stay_complete": _l("The follow-up is under way, so it must stay complete: nothing was saved. "
                                    "Complete what is listed below."),
    "report_submitted": _l("This report is submitted: it can be read, no longer changed."),
    "plan_not_active": _l("The follow-up is not under way yet: launch it from its set-up page first."),
    "invalid": _l("Nothing was saved: correct the fields marked below."),
    "incomplete": lambda p: ngettext(
        "Your draft is saved, but the report cannot be submitted yet: %(num)d answer is missing (listed below).",
        "Your draft is saved, but the report cannot be submitted yet: %(num)d answers are missing (listed below).",
        len(p["missing"])),
    "too_many_documents": _l("A report has at most %(max)d attachments: remove one before adding another."),
}, default=_l("This change is not possible now (%(code)s)."))

# The problems of reports.parse, each said beside the field it concerns.
FIELD_PROBLEMS = Refusals(ImpactError, {
    "not_a_number": _l("Enter a number, for example 12,5 or 50 000."),
    "out_of_range": _l("Enter a number with at most %(decimals)d decimals, below 100 000 billion."),
    "not_a_count": _l("Enter a whole number, for example 400 or 12 000."),
    "not_an_amount": _l("Enter an amount in euros, for example 15 000 or 12,50."),
    "below_min": _l("Enter a positive amount."),
    "above_max": _l("Enter an amount below 1 000 billion euros."),
    "unknown_choice": _l("Choose among the options offered."),
    "too_long": _l("At most %(max)d characters: there are %(length)d."),
}, default=_l("This answer cannot be accepted."))

UPLOADS = Refusals(uploads.UploadError, {
    "file_too_large": lambda p: _("The file is too large: at most %(max)d MB.", max=p["max_mb"]),
    "file_empty": _l("The file is empty."),
    "file_type_refused": _l("This type of file is not accepted: attach a PDF, an ODT or DOCX document, or a PNG "
                            "or JPEG image."),
})

NEEDED = _l("Needed to launch the follow-up.")
NEEDED_IN_REPORT = _l("Needed to submit the report.")


# --- what the team's other pages show -------------------------------------------------------------------

@dataclass(frozen=True)
class FollowUp:
    """A project's follow-up as its decision page and its project page show it."""

    plan: ImpactPlan | None
    next_report: ImpactReport | None
    awarded: bool
    blocking: str | None  # why it cannot be set up, whatever the team says (a sentence)


@bp.app_context_processor
def _follow_up_helpers() -> dict:
    return {"impact_follow_up": follow_up, "impact_plans": impact_plans, "months_label": months_label,
            "report_is_late": lambda report: impact_core.is_late(report.due_at, utcnow())}


def follow_up(submission: Submission) -> FollowUp:
    plan = plans.plan_of(submission)
    blocking = None
    if plan is None:
        code = plans.refusal_to_set_up(submission, opt_in=True)
        blocking = REFUSALS.sentence(code) if code else None
    return FollowUp(plan=plan, next_report=plans.next_due(plan) if plan else None,
                    awarded=plans.is_awarded(submission), blocking=blocking)


def impact_plans(submission_ids) -> dict[int, ImpactPlan]:
    """The follow-ups of these projects, by project id, with their reports (two queries)."""
    ids = list(submission_ids)
    if not ids:
        return {}
    return {p.submission_id: p for p in db.session.scalars(
        db.select(ImpactPlan).where(ImpactPlan.submission_id.in_(ids)).options(selectinload(ImpactPlan.reports)))}


def months_label(months: int) -> str:
    return ngettext("%(num)d-month report", "%(num)d-month report", months)


def _clock(value: datetime) -> str:
    """A time of day in Paris as the reader writes it: « 14 h 32 », "2:32 PM"."""
    locale = get_locale()
    return format_time(value, "H 'h' mm" if locale is not None and locale.language == "fr" else "short")


# --- starting ------------------------------------------------------------------------------------------

def _load(submission_id: int) -> Submission:
    submission = db.get_or_404(Submission, submission_id)
    require(can_follow_up_impact(current_user, submission))
    return submission


def _render_start(submission: Submission, form: StartForm, status: int = 200):
    code = plans.refusal_to_set_up(submission, opt_in=True)
    return render_template("impact_followup/start.html", submission=submission, call=submission.call, form=form,
                           awarded=plans.is_awarded(submission), milestones=plans.milestones_of(submission.call),
                           blocking=REFUSALS.sentence(code) if code else None), status


@bp.route("/submissions/<int:submission_id>/impact/start", methods=["POST"])
@login_required
def start(submission_id: int):
    submission = _load(submission_id)
    form = StartForm()
    if not form.validate_on_submit():
        return _render_start(submission, form, 400)
    try:
        plans.start(submission=submission, actor=current_user, opt_in=bool(form.opt_in.data))
    except ImpactError as error:
        db.session.rollback()
        if error.code == "already_set_up":
            flash(REFUSALS.say(error), "info")
            return redirect(url_for("impact_followup.setup", submission_id=submission.id))
        form.form_errors.append(REFUSALS.say(error))
        return _render_start(submission, form, 422 if error.code == "team_must_opt_in" else 409)
    db.session.commit()
    flash(_("The follow-up is started. Describe the situation before and choose 3 to 5 indicators, then launch "
            "it."), "success")
    return redirect(url_for("impact_followup.setup", submission_id=submission.id))


# --- the set-up -----------------------------------------------------------------------------------------

@dataclass
class SetupPage:
    form: SetupForm
    notice: str | None = None
    conflict: bool = False
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (anchor, label, message)


INDICATOR_NEEDS = ("name", "unit", "baseline", "target")


def _gaps(form: SetupForm, codes: list[str]) -> list[tuple[str, str, str]]:
    """What stops the plan (plans.plan_problems codes), each beside its field and in the list at the top."""
    found = []
    for code in codes:
        if code in plans.PLAN_TEXTS:
            target = form[code]
            target.errors = [*target.errors, str(NEEDED)]
            found.append((target.id, str(target.label.text), str(NEEDED)))
        elif code == "indicators_count":
            count = sum(1 for entry in form.indicators if not entry.form.is_blank())
            found.append(("indicators-0-library_key", _("Indicators"), ngettext(
                "Between %(min)d and %(max)d indicators are needed: there is %(num)d.",
                "Between %(min)d and %(max)d indicators are needed: there are %(num)d.", count,
                min=impact_core.INDICATORS_MIN, max=impact_core.INDICATORS_MAX)))
        elif code == "indicator_incomplete":
            found += _incomplete_rows(form)
    return found


def _incomplete_rows(form: SetupForm) -> list[tuple[str, str, str]]:
    found = []
    for position, entry in enumerate(form.indicators, start=1):
        row = entry.form
        if row.is_blank():
            continue
        lacking = [row[name] for name in INDICATOR_NEEDS if not _filled(row[name])]
        for target in lacking:
            target.errors = [*target.errors, str(NEEDED)]
        if lacking:
            found.append((lacking[0].id, _("Indicator %(row)d", row=position),
                          _("It needs a name, a unit, a baseline and a target.")))
    return found


def _filled(item) -> bool:
    return item.data is not None if item.name.endswith(("-baseline", "-target")) else bool((item.data or "").strip())


def _form_errors(form: SetupForm) -> list[tuple[str, str, str]]:
    """The fields the form itself refused (a number that cannot be read, a text too long)."""
    found = []
    for item in form:
        if item.name in ("csrf_token", "version") or not item.errors:
            continue
        if item.name == "indicators":
            for position, entry in enumerate(item, start=1):
                for sub in entry.form:
                    if sub.errors:
                        found.append((sub.id, _("Indicator %(row)d, %(field)s", row=position, field=sub.label.text),
                                      " ".join(str(e) for e in sub.errors)))
            continue
        found.append((item.id, str(item.label.text), " ".join(str(e) for e in item.errors)))
    return found


def _render_setup(submission: Submission, plan: ImpactPlan, page: SetupPage, status: int = 200):
    return render_template("impact_followup/setup.html", submission=submission, call=submission.call, plan=plan,
                           form=page.form, page=page, active=plan.status == ImpactPlanStatus.ACTIVE,
                           reports=list(plan.reports), limits=(impact_core.INDICATORS_MIN, impact_core.INDICATORS_MAX),
                           milestones=plans.milestones_of(submission.call)), status


def _fresh_setup(plan: ImpactPlan) -> SetupForm:
    form = SetupForm(formdata=None)
    form.show(plan)
    return form


@bp.route("/submissions/<int:submission_id>/impact/setup", methods=["GET", "POST"])
@login_required
def setup(submission_id: int):
    submission = _load(submission_id)
    plan = plans.plan_of(submission)
    if plan is None:
        if request.method == "POST":
            abort(404)
        return _render_start(submission, StartForm(formdata=None))
    if request.method == "GET":
        page = SetupPage(_fresh_setup(plan))
        if request.args.get("check"):
            rows = [entry.form.as_input(set()) for entry in page.form.indicators if not entry.form.is_blank()]
            page.problems = _gaps(page.form, plans.plan_problems(page.form.texts(), rows))
        return _render_setup(submission, plan, page)
    form = SetupForm()
    page = SetupPage(form)
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            page.notice = _("The form could not be read. Please send it again.")
            return _render_setup(submission, plan, page, 400)
        page.notice = _("Nothing was saved: correct the fields marked below.")
        page.problems = _form_errors(form)
        return _render_setup(submission, plan, page, 422)
    kept = {indicator.id for indicator in plan.indicators}
    inputs = [row.as_input(kept) for row in form.filled_rows()]
    launching = request.form.get("action") == "launch" and plan.status == ImpactPlanStatus.DRAFT
    try:
        missing = plans.save_plan(plan=plan, actor=current_user, version=parse_int(form.version.data) or 0,
                                  texts=form.texts(), indicators=inputs, published=bool(form.published.data),
                                  activate=launching)
    except ImpactError as error:
        db.session.rollback()
        return _render_refused_setup(submission, plan, page, error)
    db.session.commit()
    if launching and missing:
        flash(_("Your draft is saved, but the follow-up cannot be launched yet: complete what is listed below."),
              "warning")
        return redirect(url_for("impact_followup.setup", submission_id=submission.id, check=1))
    if launching:
        first = plans.next_due(plan)
        flash(_("The follow-up is launched. Its first report, at %(months)d months, is due on %(date)s.",
                months=first.months, date=date_filter(first.due_at)) if first else _("The follow-up is launched."),
              "success")
    else:
        flash(_("The follow-up is saved."), "success")
    return redirect(url_for("impact_followup.setup", submission_id=submission.id))


def _render_refused_setup(submission: Submission, plan: ImpactPlan, page: SetupPage, error: ImpactError):
    page.notice = REFUSALS.say(error)
    if error.code == "stale":
        # Keep what this person typed: saving again from it replaces the newer version, knowingly.
        page.form.version.data = str(plan.version)
        page.conflict = True
        return _render_setup(submission, plan, page, 409)
    if error.code == "active_must_stay_complete":
        page.problems = _gaps(page.form, list(error.params.get("missing", [])))
        return _render_setup(submission, plan, page, 422)
    if error.code == "too_many_indicators":
        return _render_setup(submission, plan, page, 422)
    return _render_setup(submission, plan, page, 409)


# --- a report -------------------------------------------------------------------------------------------

@dataclass
class ReportPage:
    form: ReportForm
    typed: dict[str, str]
    notice: str | None = None
    conflict: bool = False
    errors: dict[str, str] = field(default_factory=dict)  # field name → message
    missing: list[str] = field(default_factory=list)
    document_form: ReportDocumentForm | None = None
    document_error: str | None = None


def _report_of(submission: Submission, months: int) -> ImpactReport:
    plan = plans.plan_of(submission)
    found = next((r for r in plan.reports if r.months == months), None) if plan is not None else None
    if found is None:
        abort(404)
    return found


def _labels(report: ImpactReport, form: ReportForm) -> dict[str, str]:
    labels = {reports.value_name(i): i.name for i in report.plan.indicators}
    labels |= {name: str(form[name].label.text) for name in reports.FIELDS}
    return labels


def _anchor(name: str) -> str:
    return f"{name}-0" if name in reports.CHOICES else name


def _render_report(submission: Submission, report: ImpactReport, page: ReportPage, status: int = 200):
    team = can_follow_up_impact(current_user, submission)
    editable = team and report.status != ImpactReportStatus.SUBMITTED and \
        report.plan.status == ImpactPlanStatus.ACTIVE
    labels = _labels(report, page.form)
    for name in reports.CHOICES:
        page.form[name].data = page.typed.get(name) or None
    for name in ("users_reached", "cost_to_date", *reports.TEXTS):
        page.form[name].data = page.typed.get(name, "")
    for name, message in page.errors.items():
        if name in page.form._fields:
            page.form[name].errors = [message]
    problems = [(_anchor(name), labels.get(name, name), message) for name, message in page.errors.items()]
    problems += [(_anchor(name), labels.get(name, name), str(NEEDED_IN_REPORT)) for name in page.missing
                 if name not in page.errors]
    return render_template(
        "impact_followup/report.html", submission=submission, call=submission.call, plan=report.plan,
        report=report, page=page, form=page.form, editable=editable, team=team, problems=problems,
        value_name=reports.value_name, shown=team or report.status == ImpactReportStatus.SUBMITTED,
        document_form=page.document_form or ReportDocumentForm(formdata=None), confirm_form=ConfirmForm(),
        max_mb=current_app.config["MAX_UPLOAD_BYTES"] // (1024 * 1024), max_documents=reports.MAX_DOCUMENTS,
        late=impact_core.is_late(report.due_at, utcnow()), earlier=_earlier_open(report)), status


def _earlier_open(report: ImpactReport) -> ImpactReport | None:
    """An earlier milestone's report still open (this one is then filled in advance)."""
    return next((r for r in report.plan.reports if r.months < report.months
                 and r.status != ImpactReportStatus.SUBMITTED), None)


def _fresh_report_page(report: ImpactReport) -> ReportPage:
    form = ReportForm(formdata=None)
    form.version.data = str(report.version)
    return ReportPage(form=form, typed=reports.as_form(report))


@bp.route("/submissions/<int:submission_id>/impact/reports/<int:months>", methods=["GET", "POST"])
@login_required
def report(submission_id: int, months: int):
    submission = db.get_or_404(Submission, submission_id)
    require(can_view_impact(current_user, submission))
    found = _report_of(submission, months)
    if request.method == "GET":
        return _render_report(submission, found, _fresh_report_page(found))
    require(can_follow_up_impact(current_user, submission))
    background = request.form.get("action") == "background"
    form = ReportForm()
    typed = {name: request.form.get(name, "") for name in (*reports.FIELDS,
                                                           *(reports.value_name(i) for i in found.plan.indicators))}
    page = ReportPage(form=form, typed=typed)
    if not form.validate_on_submit():
        if background:
            return jsonify(error="form", message=_("The form could not be read. Please send it again.")), 400
        page.notice = _("The form could not be read. Please send it again.")
        return _render_report(submission, found, page, 400)
    try:
        reports.save_draft(report=found, actor=current_user, raw=typed, version=parse_int(form.version.data) or 0)
    except ImpactError as error:
        db.session.rollback()
        return _refused_report(submission, found, page, error, background)
    if request.form.get("action") == "submit":
        try:
            reports.submit(report=found, actor=current_user)
        except ImpactError as error:
            db.session.commit()  # the draft is kept: what is missing is listed beside it
            page.form.version.data = str(found.version)
            page.notice, page.missing = REFUSALS.say(error), list(error.params.get("missing", []))
            return _render_report(submission, found, page, 422)
        db.session.commit()
        flash(_("The %(months)d-month report is submitted. The call's organisers are told by email.",
                months=found.months), "success")
        return redirect(url_for("impact_followup.report", submission_id=submission.id, months=found.months))
    db.session.commit()
    if background:
        return jsonify(saved_at=found.updated_at.isoformat(), version=found.version,
                       message=_("Draft saved at %(time)s", time=_clock(found.updated_at)))
    flash(_("Your draft is saved."), "success")
    return redirect(url_for("impact_followup.report", submission_id=submission.id, months=found.months))


def _refused_report(submission: Submission, report: ImpactReport, page: ReportPage, error: ImpactError,
                    background: bool):
    status = 422 if error.code == "invalid" else 409
    if error.code == "invalid":
        page.errors = {name: FIELD_PROBLEMS.sentence(problem.code, problem.params)
                       for name, problem in error.params["problems"].items()}
    if background:
        return jsonify(error=error.code, message=REFUSALS.say(error), version=report.version), status
    page.notice = REFUSALS.say(error)
    if error.code == "stale":
        # Keep what this person typed: saving again from it replaces the newer draft, knowingly.
        page.form.version.data = str(report.version)
        page.conflict = True
    if error.code == "report_submitted":
        page = _fresh_report_page(report)
        page.notice = REFUSALS.say(error)
    return _render_report(submission, report, page, status)


# --- a report's attachments -------------------------------------------------------------------------------

def _document_of(report: ImpactReport, document_id: int) -> ImpactReportDocument:
    document = db.session.get(ImpactReportDocument, document_id)
    if document is None or document.report_id != report.id:
        abort(404)
    return document


def _back_to_documents(submission: Submission, report: ImpactReport):
    return redirect(url_for("impact_followup.report", submission_id=submission.id, months=report.months,
                            _anchor="documents"))


@bp.route("/submissions/<int:submission_id>/impact/reports/<int:months>/documents", methods=["POST"])
@login_required
def upload_document(submission_id: int, months: int):
    submission = _load(submission_id)
    found = _report_of(submission, months)
    form = ReportDocumentForm()
    if not form.validate_on_submit():
        abort(400)
    upload = request.files.get(form.file.name)
    page = _fresh_report_page(found)
    page.document_form = form
    if upload is None or not upload.filename:
        page.document_error = _("Choose a file.")
        return _render_report(submission, found, page, 400)
    try:
        document = reports.add_document(report=found, actor=current_user, stream=upload.stream,
                                        filename=upload.filename)
    except (ImpactError, uploads.UploadError) as error:
        db.session.rollback()
        table = REFUSALS if isinstance(error, ImpactError) else UPLOADS
        page = _fresh_report_page(found)
        page.document_form, page.document_error = form, table.say(error)
        return _render_report(submission, found, page, 409 if isinstance(error, ImpactError) else 422)
    db.session.commit()
    flash(_("“%(name)s” is attached.", name=document.display_name), "success")
    return _back_to_documents(submission, found)


@bp.route("/submissions/<int:submission_id>/impact/reports/<int:months>/documents/<int:document_id>/delete",
          methods=["POST"])
@login_required
def remove_document(submission_id: int, months: int, document_id: int):
    submission = _load(submission_id)
    found = _report_of(submission, months)
    document = _document_of(found, document_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    name = document.display_name
    try:
        reports.remove_document(document=document, actor=current_user)
    except ImpactError as error:
        db.session.rollback()
        page = _fresh_report_page(found)
        page.document_error = REFUSALS.say(error)
        return _render_report(submission, found, page, 409)
    db.session.commit()
    flash(_("“%(name)s” is removed.", name=name), "success")
    return _back_to_documents(submission, found)


@bp.route("/submissions/<int:submission_id>/impact/reports/<int:months>/documents/<int:document_id>")
@login_required
def document(submission_id: int, months: int, document_id: int):
    """An attachment, for those who see the follow-up; a draft's attachments are its team's only (others see
    the report once submitted)."""
    submission = db.get_or_404(Submission, submission_id)
    require(can_view_impact(current_user, submission))
    found = _report_of(submission, months)
    attachment = _document_of(found, document_id)
    if found.status != ImpactReportStatus.SUBMITTED and not can_follow_up_impact(current_user, submission):
        abort(404)
    try:
        response = send_file(reports.path_of(attachment), mimetype=attachment.content_type, as_attachment=True,
                             download_name=attachment.display_name, max_age=0, conditional=False, etag=False)
    except FileNotFoundError:
        abort(404)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.errorhandler(413)
def too_large(error):
    """An attachment over MAX_CONTENT_LENGTH is refused while its form is read, before anything is changed."""
    back = None
    if request.view_args and "months" in request.view_args:
        back = url_for("impact_followup.report", submission_id=request.view_args["submission_id"],
                       months=request.view_args["months"], _anchor="documents")
    return render_template("applicant/too_large.html", back=back,
                           max_mb=current_app.config["MAX_UPLOAD_BYTES"] // (1024 * 1024)), 413
