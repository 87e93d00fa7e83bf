"""The applicants' side: browse calls, write a project with a team, attach files, submit before the deadline.

Each view loads what it needs (404 otherwise), checks one rule of permissions.py, calls one service, commits
and redirects with a flashed message. Forms with errors are shown again with what was typed, with 400
(malformed request), 409 (the project changed meanwhile, or the deadline passed) or 422 (answers refused).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from babel.units import format_unit
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..enums import CallPhase, QuestionKind, SubmissionStatus
from ..extensions import db
from ..formatting import datetime_filter, number
from ..forms.admin import ConfirmForm
from ..forms.applicant import InviteForm, NewSubmissionForm, SubmissionForm, UploadForm
from ..forms.reviewer import ExclusionForm, RemoveExclusionForm
from ..models import Call, Innovation, OrgUnit, Submission, SubmissionFile, SubmissionMember
from ..models.types import utcnow
from ..permissions import (
    can_download_file,
    can_edit_submission,
    can_exclude_reviewers,
    can_remove_member,
    can_see_applicants,
    can_view_call,
    can_view_decision,
    is_lead,
    require,
)
from ..services import calls as call_service
from ..services import results, review_pool, submissions
from ..services.innovations import replications
from ..services.review_pool import PoolError
from ..services.tokens import TokenError
from . import economic_model
from .refusals import Refusals

bp = Blueprint("applicant", __name__)
bp.app_context_processor(economic_model.template_helpers)  # the grid's form partial, here and in the record


# --- messages -----------------------------------------------------------------------------------------

# The problems of the form engine (InvalidAnswers.problems), one per field.
PROBLEMS = Refusals(submissions.InvalidAnswers, {
    "required": _l("Answer this question before submitting."),
    "too_long": _l("At most %(max)d characters: there are %(length)d."),
    "not_a_number": _l("Enter a number, for example 12500 or 12 500,50."),
    "below_min": lambda p: _("Enter a number greater than or equal to %(min)s.", min=number(p["min"])),
    "above_max": lambda p: _("Enter a number less than or equal to %(max)s.", max=number(p["max"])),
    "not_a_date": _l("Enter a date such as 31/12/2026."),
    "unknown_choice": _l("Choose among the options offered."),
    # The economic-model grid (core.economic_model).
    "not_an_amount": _l("Enter an amount in euros, for example 15 000 or 12,50."),
    "not_a_share": _l("Enter a whole percent, for example 60."),
    "share_needed": _l("Give the share of this resource, or clear its date."),
    "shares_not_100": lambda p: _("The shares add up to %(total)d %%: they must add up to 100 %%.", total=p["total"]),
}, default=_l("This answer cannot be accepted."))


def problem_message(code: str, params: dict[str, Any] | None = None) -> str:
    """A problem of the form engine as a sentence for the field it concerns."""
    return PROBLEMS.sentence(code, params)


def _deadline_text(call: Call) -> str:
    return datetime_filter(call.submission_deadline, "long")


def closed_message(call: Call) -> str:
    """Why a change was refused when the call does not accept submissions (services' "closed")."""
    order = list(CallPhase)
    past_deadline = order.index(call_service.current_phase(call)) > order.index(CallPhase.OPEN)
    if past_deadline and call.submission_deadline is not None:
        return _("The deadline has passed: submissions closed on %(deadline)s (Paris time). Nothing was changed.",
                 deadline=_deadline_text(call))
    return _("This call does not accept submissions at the moment. Nothing was changed.")


REFUSALS = Refusals(submissions.SubmissionError, {
    "closed": lambda p: closed_message(p["call"]),
    "withdrawn": _l("This project is withdrawn: bring it back before editing it."),
    "stale": _l("This project was saved from another window in the meantime: nothing was saved."),
    "busy": _l("Many projects are being created at this moment: please try again."),
    "incomplete": _l("This project is not complete yet: answer every required question before submitting it."),
    "submitted_must_stay_complete": _l("Nothing was saved: a submitted project must stay complete. Answer the "
                                       "questions marked below, or withdraw the project."),
    "email_not_confirmed": _l("Confirm your email address first: follow the link we sent you."),
    "not_eligible": _l("This call is not open to your unit or your email address."),
    "max_submissions_reached": lambda p: ngettext(
        "You already lead %(num)d project in this call, the most it allows.",
        "You already lead %(num)d projects in this call, the most it allows.", p.get("max") or 0),
    "already_member": _l("This person is already in the team."),
    "cannot_remove_lead": _l("The lead applicant cannot be removed from the team."),
    "file_too_large": lambda p: _("The file is too large: at most %(max)d MB.", max=p["max_mb"]),
    "file_empty": _l("The file is empty."),
    "file_type_refused": _l("This type of file is not accepted: attach a PDF, an ODT or DOCX document, or a PNG "
                            "or JPEG image."),
    "file_not_cleaned": _l("This file cannot be sent to you"),
    "unknown_question": _l("This question does not take files."),
    "results_published": _l("The results are published: the project can no longer be withdrawn."),
    "invitation_used": _l("This invitation was already used. Ask the team for a new one."),
    "invitation_for_another_address": lambda p: _(
        "This invitation was sent to %(email)s, and you are signed in as %(current)s. Sign out, sign in with the "
        "invited address, then open the invitation link again.", email=p["email"], current=current_user.email),
})


def error_message(error: submissions.SubmissionError, call: Call) -> str:
    """A refusal of the services as a sentence (some depend on the state of `call`)."""
    return REFUSALS.say(error, call=call)


# --- the deadline -------------------------------------------------------------------------------------

def countdown(deadline: datetime | None, now: datetime | None = None) -> str | None:
    """Time left as a whole number of days (from two days), hours or minutes, rounded down: never more
    than what is really left. app.js counts down the same way in the browser."""
    if deadline is None:
        return None
    left = deadline - (now or utcnow())
    if left <= timedelta(0):
        return None
    if left >= timedelta(days=2):
        value, unit = left // timedelta(days=1), "duration-day"
    elif left >= timedelta(hours=1):
        value, unit = left // timedelta(hours=1), "duration-hour"
    else:
        value, unit = max(1, left // timedelta(minutes=1)), "duration-minute"
    return format_unit(value, unit, length="long", locale=get_locale())


def eligibility_message(call: Call, user) -> str | None:
    """Why this signed-in person cannot start a project in this open call, as a sentence; None if they can."""
    problem = submissions.eligibility_problem(call, user)
    if problem is None:
        return None
    return REFUSALS.sentence(problem, {"max": call.max_submissions_per_applicant}, call=call)


def _eligibility(call: Call) -> dict[str, Any]:
    units = db.session.scalars(db.select(OrgUnit).where(OrgUnit.id.in_(call.eligible_unit_ids or [-1]))).all()
    return {"units": sorted(u.path for u in units), "domains": list(call.eligible_email_domains or [])}


# --- calls --------------------------------------------------------------------------------------------

@bp.route("/calls")
def calls():
    now = utcnow()
    listing = call_service.public_listing(now)
    return render_template("applicant/calls.html", listing=listing,
                           countdowns={c.id: countdown(c.submission_deadline, now) for c in listing.open_calls})


@bp.route("/calls/<slug>")
def call(slug: str):
    call = db.first_or_404(db.select(Call).where(Call.slug == slug))
    require(can_view_call(current_user, call))
    accepting = call_service.accepts_submissions(call)
    problem = None
    mine: list[Submission] = []
    if current_user.is_authenticated:
        problem = eligibility_message(call, current_user) if accepting else None
        mine = _submissions_of(current_user, call)
    not_yet_open = call.opens_at is not None and utcnow() < call.opens_at
    return render_template("applicant/call.html", call=call, phase=call_service.current_phase(call),
                           accepting=accepting, not_yet_open=not_yet_open, problem=problem, mine=mine,
                           eligibility=_eligibility(call),
                           countdown=countdown(call.submission_deadline))


def _submissions_of(user, call: Call | None = None) -> list[Submission]:
    query = (db.select(Submission).join(SubmissionMember).where(SubmissionMember.user_id == user.id)
             .order_by(Submission.created_at.desc(), Submission.id.desc()))
    if call is not None:
        query = query.where(Submission.call_id == call.id)
    return list(db.session.scalars(query).all())


@bp.route("/calls/<slug>/apply", methods=["GET", "POST"])
@login_required
def new(slug: str):
    call = db.first_or_404(db.select(Call).where(Call.slug == slug))
    require(can_view_call(current_user, call))
    form = NewSubmissionForm()
    if request.method == "GET":
        form.new_key()
    status = 200
    if form.validate_on_submit():
        try:
            submission = submissions.create_draft(call=call, user=current_user, title=form.title.data,
                                                  creation_key=form.creation_key.data or None)
        except submissions.InvalidAnswers as error:
            db.session.rollback()
            problem = error.problems["title"]
            form.title.errors.append(problem_message(problem.code, problem.params))
            status = 422
        except submissions.SubmissionError as error:
            db.session.rollback()
            form.form_errors.append(error_message(error, call))
            status = 409 if error.code == "closed" else 403
        else:
            db.session.commit()
            flash(_("Your draft is created. Complete it, save it as often as you like, and submit it before the "
                    "deadline."), "success")
            return redirect(url_for("applicant.edit", submission_id=submission.id))
    elif form.errors:
        status = 400
    accepting = call_service.accepts_submissions(call)
    return render_template("applicant/new.html", call=call, form=form, accepting=accepting,
                           problem=eligibility_message(call, current_user) if accepting else None,
                           countdown=countdown(call.submission_deadline)), status


# --- my submissions -----------------------------------------------------------------------------------

@bp.route("/submissions")
@login_required
def mine():
    rows = _submissions_of(current_user)
    return render_template("applicant/mine.html", rows=[
        (s, _missing_labels(s), call_service.accepts_submissions(s.call)) for s in rows],
        outcomes=results.outcomes_of(rows))


# --- writing a submission -----------------------------------------------------------------------------

def field_labels(call: Call) -> dict[str, str]:
    """The label of every field of the call's form, by name (core fields) or key (questions)."""
    form = SubmissionForm(meta={"csrf": False}, formdata=None)
    labels = {name: str(form[name].label.text) for name in SubmissionForm.CORE}
    labels["replicates"] = str(form.replicates.label.text)
    labels.update({q.key: q.label for q in call.questions})
    labels["attachment"] = _("Other attachments")
    if call.economic_model_section:
        labels.update(economic_model.labels(submissions.MODEL_PREFIX))
    return labels


def field_anchors(call: Call) -> dict[str, str]:
    """The id of the input to focus for each field: the first option of a choice, the file input of a file."""
    anchors = {name: name for name in (*SubmissionForm.CORE, "replicates")}
    anchors["category"] = "category-0"
    for q in call.questions:
        anchors[q.key] = {QuestionKind.SINGLE_CHOICE: f"{q.key}-0", QuestionKind.MULTIPLE_CHOICE: f"{q.key}-0",
                          QuestionKind.FILE: f"file-{q.key}"}.get(q.kind, q.key)
    anchors["attachment"] = "file-attachment"
    if call.economic_model_section:
        anchors.update(economic_model.anchors(submissions.MODEL_PREFIX))
    return anchors


def _missing_labels(submission: Submission) -> list[tuple[str, str]]:
    labels = field_labels(submission.call)
    return [(key, labels.get(key, key)) for key in submissions.missing_items(submission)]


def _stored_values(submission: Submission) -> dict[str, list[str]]:
    """What the form shows for the saved answers, as the raw strings a browser would send back."""
    values: dict[str, list[str]] = {}
    for question in submission.call.questions:
        value = submission.answers.get(question.key)
        if value is None:
            continue
        if isinstance(value, list):
            values[question.key] = [str(v) for v in value]
        elif question.kind == QuestionKind.NUMBER:
            values[question.key] = [number(value)]
        else:
            values[question.key] = [str(value)]
    return values


def _fill_core(form: SubmissionForm, submission: Submission) -> None:
    for name in ("title", "summary", "description", "category", "territory"):
        form[name].data = getattr(submission, name) or ""
    budget = submission.budget_requested
    form.budget_requested.data = "" if budget is None else number(budget)
    form.replicates.data = submission.replicates_id
    form.version.data = str(submission.version)


def _typed_values(submission: Submission) -> dict[str, list[str]]:
    return {q.key: request.form.getlist(q.key) for q in submission.call.questions if q.kind != QuestionKind.FILE}


def _typed_model(submission: Submission) -> dict[str, list[str]] | None:
    """The grid as posted, its prefix taken off; None when the call does not ask for it or the page that sent
    the form did not show it (opened before the organisers switched it on): the grid then stays as it is."""
    if not submission.call.economic_model_section:
        return None
    return economic_model.typed(request.form, prefix=submissions.MODEL_PREFIX) or None


@dataclass
class EditPage:
    """What the edit page shows besides the submission itself."""

    form: SubmissionForm
    values: dict[str, list[str]]
    model: dict[str, list[str]] = field(default_factory=dict)  # the economic-model grid, raw, without prefix
    errors: dict[str, str] = field(default_factory=dict)
    notice: str | None = None
    conflict: bool = False
    upload_errors: dict[str, str] = field(default_factory=dict)  # by question key, "attachment" for the others
    invite_form: InviteForm | None = None
    exclusion_form: ExclusionForm | None = None
    typed: bool = False  # showing what was just typed (even when it can no longer be saved)


def _render_edit(submission: Submission, page: EditPage, status: int = 200):
    call = submission.call
    accepting = call_service.accepts_submissions(call)
    editable = accepting and submission.status != SubmissionStatus.WITHDRAWN
    files_by_question: dict[str | None, list[SubmissionFile]] = {}
    for record in submission.files:
        files_by_question.setdefault(record.question_key, []).append(record)
    form = page.form
    form.category.choices = [(c, c) for c in call.categories]
    taken_up = db.session.get(Innovation, submission.replicates_id) if submission.replicates_id else None
    if call.for_replication:
        form.replicates.choices = _innovation_choices(taken_up)
    for name in (*SubmissionForm.CORE, "replicates"):
        if name in page.errors:
            form[name].errors = [page.errors[name]]
    return render_template(
        "applicant/edit.html", submission=submission, call=call, form=form, values=page.values,
        model_values=page.model, model_prefix=submissions.MODEL_PREFIX,
        model_answers=economic_model.answers(submission.economic_model) if call.economic_model_section else [],
        errors=page.errors, notice=page.notice, conflict=page.conflict, upload_errors=page.upload_errors,
        typed=page.typed, taken_up=taken_up,
        invite_form=page.invite_form or InviteForm(formdata=None), confirm_form=ConfirmForm(),
        exclusion_form=page.exclusion_form or ExclusionForm(formdata=None),
        exclusions=review_pool.exclusions_of(submission), remove_exclusion_form=RemoveExclusionForm(formdata=None),
        exclusion_window=review_pool.exclusion_window(call).value,
        upload_form=UploadForm(formdata=None), accepting=accepting, editable=editable,
        missing=_missing_labels(submission), files_by_question=files_by_question,
        countdown=countdown(call.submission_deadline), is_lead=is_lead(current_user, submission),
        resubmit_due=(submission.status == SubmissionStatus.SUBMITTED
                      and submissions.changed_since_submitted(submission)),
        required=set(SubmissionForm.REQUIRED if call.categories else SubmissionForm.REQUIRED[:-1]),
        labels=field_labels(call), anchors=field_anchors(call),
        decision=results.team_view(submission) if can_view_decision(current_user, submission) else None,
        max_mb=current_app.config["MAX_UPLOAD_BYTES"] // (1024 * 1024),
    ), status


def _innovation_choices(taken_up: Innovation | None) -> list[tuple[str | int, str]]:
    """The select of a call for replication: the catalogue's innovations by title (with their organisation,
    as two may share a title), and the one already chosen even if it has left the catalogue since."""
    choices: list[tuple[str | int, str]] = [("", _("Choose an innovation"))]
    offered = replications.innovations_to_take_up()
    choices += [(i.id, f"{i.title} – {i.organisation}" if i.organisation else i.title) for i in offered]
    if taken_up is not None and taken_up not in offered:
        choices.append((taken_up.id, _("%(title)s (no longer in the catalogue)", title=taken_up.title)))
    return choices


def _fresh_page(submission: Submission, **kwargs: Any) -> EditPage:
    form = SubmissionForm(formdata=None)
    _fill_core(form, submission)
    return EditPage(form=form, values=_stored_values(submission),
                    model=economic_model.stored(submission.economic_model), **kwargs)


def _load_submission(submission_id: int) -> Submission:
    submission = db.get_or_404(Submission, submission_id)
    require(can_edit_submission(current_user, submission))
    return submission


@bp.route("/submissions/<int:submission_id>", methods=["GET", "POST"])
@login_required
def edit(submission_id: int):
    submission = _load_submission(submission_id)
    if request.method == "GET":
        page = _fresh_page(submission)
        if request.args.get("check"):
            page.errors = {key: problem_message("required") for key, _label in
                           _missing_labels(submission)}
        return _render_edit(submission, page)

    form = SubmissionForm()
    typed_model = _typed_model(submission)
    page = EditPage(form=form, values=_typed_values(submission), typed=True,
                    model=typed_model if typed_model is not None else economic_model.stored(submission.economic_model))
    if not form.validate_on_submit():
        page.notice = _("The form could not be read. Please send it again.")
        return _render_edit(submission, page, 400)
    version = int(form.version.data) if (form.version.data or "").isdigit() else -1
    core = {name: request.form.getlist(name) for name in SubmissionForm.CORE}
    # The innovation taken up is read in a call for replication only (elsewhere it stays as it is).
    chosen = {"replicates": form.replicates.data} if submission.call.for_replication else {}
    submitting = request.form.get("action") == "submit"
    try:
        if submitting:
            submitted, missing = submissions.save_and_submit(submission=submission, user=current_user,
                                                             version=version, core=core, answers=page.values,
                                                             economic_model=typed_model, **chosen)
        else:
            submissions.save(submission=submission, user=current_user, version=version, core=core,
                             answers=page.values, economic_model=typed_model, **chosen)
    except submissions.InvalidAnswers as error:
        db.session.rollback()
        page.errors = economic_model.messages(error.problems, problem_message, submissions.MODEL_PREFIX)
        page.notice = _("Nothing was saved: correct the answers marked below.")
        return _render_edit(submission, page, 422)
    except submissions.SubmissionError as error:
        db.session.rollback()
        return _render_refused_save(submission, page, error)
    db.session.commit()
    if not submitting:
        flash(_("Your project is saved."), "success")
        return redirect(url_for("applicant.edit", submission_id=submission.id))
    if missing:
        flash(_("Your project is saved, but it cannot be submitted yet: answer the questions marked below."),
              "error")
        return redirect(url_for("applicant.edit", submission_id=submission.id, check=1, _anchor="problems"))
    if submitted:
        flash(_("Your project is submitted. Each member of the team receives a receipt by email."), "success")
    else:
        flash(_("Your project was already submitted; nothing changed since."), "info")
    return redirect(url_for("applicant.edit", submission_id=submission.id))


def _render_refused_save(submission: Submission, page: EditPage, error: submissions.SubmissionError):
    db.session.refresh(submission)
    page.form.version.data = str(submission.version)
    if error.code == "stale":
        # Keep what this person typed, and offer the newer version: saving again replaces it, knowingly.
        page.conflict = True
        return _render_edit(submission, page, 409)
    if error.code == "submitted_must_stay_complete":
        missing = error.params.get("missing", [])
        page.errors = {key: problem_message("required") for key in missing}
        page.notice = _("Nothing was saved: a submitted project must stay complete. Answer the questions marked "
                        "below, or withdraw the project.")
        return _render_edit(submission, page, 422)
    page.notice = error_message(error, submission.call)
    return _render_edit(submission, page, 409)


@bp.route("/submissions/<int:submission_id>/withdraw", methods=["POST"])
@login_required
def withdraw(submission_id: int):
    submission = _load_submission(submission_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        submissions.withdraw(submission=submission, user=current_user)
    except submissions.SubmissionError as error:
        db.session.rollback()
        flash(error_message(error, submission.call), "error")
    else:
        db.session.commit()
        if call_service.accepts_submissions(submission.call):
            flash(_("Your project is withdrawn. You can bring it back until the deadline."), "success")
        else:
            flash(_("Your project is withdrawn."), "success")
    return redirect(url_for("applicant.edit", submission_id=submission.id))


@bp.route("/submissions/<int:submission_id>/reopen", methods=["POST"])
@login_required
def reopen(submission_id: int):
    submission = _load_submission(submission_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        submissions.reopen(submission=submission, user=current_user)
    except submissions.SubmissionError as error:
        db.session.rollback()
        flash(error_message(error, submission.call), "error")
    else:
        db.session.commit()
        flash(_("Your project is back as a draft. Submit it again before the deadline."), "success")
    return redirect(url_for("applicant.edit", submission_id=submission.id))


# --- files --------------------------------------------------------------------------------------------

@bp.route("/submissions/<int:submission_id>/files", methods=["POST"])
@login_required
def upload(submission_id: int):
    submission = _load_submission(submission_id)
    form = UploadForm()
    key = form.question_key.data or None
    anchor = f"field-{key}" if key else "attachments"
    if not form.validate_on_submit():
        abort(400)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _render_upload_error(submission, key, _("Choose a file."), 400)
    try:
        record = submissions.add_file(submission=submission, user=current_user, stream=upload.stream,
                                      filename=upload.filename, question_key=key)
    except submissions.SubmissionError as error:
        db.session.rollback()
        return _render_upload_error(submission, key, error_message(error, submission.call),
                                    409 if error.code == "closed" else 422)
    db.session.commit()
    flash(_("“%(name)s” is attached.", name=record.display_name), "success")
    return redirect(url_for("applicant.edit", submission_id=submission.id, _anchor=anchor))


def _render_upload_error(submission: Submission, key: str | None, message: str, status: int):
    errors = {key or "attachment": message}
    return _render_edit(submission, _fresh_page(submission, errors=errors, upload_errors=errors), status)


@bp.route("/files/<int:file_id>")
@login_required
def download(file_id: int):
    record = db.get_or_404(SubmissionFile, file_id)
    require(can_download_file(current_user, record))
    # In blind calls a file's name and its properties may give its authors away: reviewers get a neutral
    # name and a copy without the properties; the team, organisers and jury get the file as uploaded.
    sees_applicants = can_see_applicants(current_user, record.submission)
    name = record.display_name if sees_applicants else submissions.anonymous_file_name(record)
    try:
        path = submissions.file_to_serve(record=record, without_metadata=not sees_applicants)
        response = send_file(path, mimetype=record.content_type, as_attachment=True,
                             download_name=name, max_age=0, conditional=False, etag=False)
    except FileNotFoundError:
        abort(404)
    except submissions.SubmissionError:
        return render_template("applicant/file_not_cleaned.html", call=record.submission.call), 422
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/files/<int:file_id>/delete", methods=["POST"])
@login_required
def remove_file(file_id: int):
    record = db.get_or_404(SubmissionFile, file_id)
    submission = record.submission
    require(can_edit_submission(current_user, submission))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    anchor = f"field-{record.question_key}" if record.question_key else "attachments"
    name = record.display_name
    try:
        submissions.remove_file(record=record, user=current_user)
    except submissions.SubmissionError as error:
        db.session.rollback()
        if error.code == "submitted_must_stay_complete":
            flash(_("A submitted project must stay complete: attach the new file before removing this one."),
                  "error")
        else:
            flash(error_message(error, submission.call), "error")
    else:
        db.session.commit()
        flash(_("“%(name)s” is removed.", name=name), "success")
    return redirect(url_for("applicant.edit", submission_id=submission.id, _anchor=anchor))


@bp.errorhandler(413)
def too_large(error):
    """A request over MAX_CONTENT_LENGTH is refused while its form is read, before anything is changed."""
    back = None
    if request.view_args and "submission_id" in request.view_args:
        back = url_for("applicant.edit", submission_id=request.view_args["submission_id"])
    return render_template("applicant/too_large.html", back=back,
                           max_mb=current_app.config["MAX_UPLOAD_BYTES"] // (1024 * 1024)), 413


# --- the team -----------------------------------------------------------------------------------------

@bp.route("/submissions/<int:submission_id>/team", methods=["POST"])
@login_required
def invite(submission_id: int):
    submission = _load_submission(submission_id)
    form = InviteForm()
    if not form.validate_on_submit():
        return _render_edit(submission, _fresh_page(submission, invite_form=form), 400)
    try:
        submissions.invite(submission=submission, actor=current_user, email=form.email.data)
    except submissions.SubmissionError as error:
        db.session.rollback()
        form.email.errors = [error_message(error, submission.call)]
        return _render_edit(submission, _fresh_page(submission, invite_form=form), 409)
    db.session.commit()
    flash(_("An invitation was sent to %(email)s.", email=form.email.data.strip().lower()), "success")
    return redirect(url_for("applicant.edit", submission_id=submission.id, _anchor="team"))


@bp.route("/submissions/<int:submission_id>/members/<int:member_id>/remove", methods=["POST"])
@login_required
def remove_member(submission_id: int, member_id: int):
    submission = db.get_or_404(Submission, submission_id)
    member = db.get_or_404(SubmissionMember, member_id)
    if member.submission_id != submission.id:
        abort(404)
    require(can_remove_member(current_user, submission, member))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    leaving = member.user_id == current_user.id
    name = member.user.full_name
    try:
        submissions.remove_member(submission=submission, actor=current_user, member=member)
    except submissions.SubmissionError as error:
        db.session.rollback()
        flash(error_message(error, submission.call), "error")
        return redirect(url_for("applicant.edit", submission_id=submission.id, _anchor="team"))
    db.session.commit()
    if leaving:
        flash(_("You left the team of “%(title)s”.", title=submission.title), "success")
        return redirect(url_for("applicant.mine"))
    flash(_("%(name)s is no longer in the team.", name=name), "success")
    return redirect(url_for("applicant.edit", submission_id=submission.id, _anchor="team"))


@bp.route("/join/<token>", methods=["GET", "POST"])
def join(token: str):
    try:
        invitation = submissions.invitation_from_token(token)
    except TokenError as error:
        return render_template("applicant/join.html", reason=error.code, invitation=None), 400
    submission = invitation.submission
    status = 200
    problem = None
    if request.method == "POST":
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.path))
        if ConfirmForm().validate_on_submit():
            try:
                submissions.accept_invitation(token=token, user=current_user)
            except submissions.SubmissionError as error:
                db.session.rollback()
                problem = error_message(error, submission.call)
                status = 403 if error.code == "invitation_for_another_address" else 409
            else:
                db.session.commit()
                flash(_("You joined the team of “%(title)s”. You can now edit the project.", title=submission.title),
                      "success")
                return redirect(url_for("applicant.edit", submission_id=submission.id))
    member = current_user.is_authenticated and current_user.id in submission.member_ids()
    other_address = (current_user.is_authenticated and not member
                     and current_user.email != invitation.email)
    if other_address and problem is None:
        problem = REFUSALS.sentence("invitation_for_another_address", {"email": invitation.email})
    return render_template("applicant/join.html", reason=None, invitation=invitation, submission=submission,
                           call=submission.call, member=member, other_address=other_address, problem=problem,
                           form=ConfirmForm()), status


# --- people who must not review the project ----------------------------------------------------------
# The same answer whether or not the address has an account or reviews for the call: the page must not
# tell the team who is registered. After the submission deadline an exclusion is a request an organiser
# decides (review_pool.exclude_reviewer); once the results are published the list is closed.

EXCLUSION_REFUSALS = Refusals(PoolError, {
    "results_published": _l("The results are published: the people who review this project can no longer be "
                            "changed. Nothing was changed."),
    "team_member": _l("This person is in the project's team: a team never reviews its own project, there is "
                      "nothing to ask."),
})


def _exclusion_refused(submission: Submission, error: PoolError):
    db.session.rollback()
    return _render_edit(submission, _fresh_page(submission, notice=EXCLUSION_REFUSALS.say(error)), 409)


@bp.route("/submissions/<int:submission_id>/exclusions", methods=["POST"])
@login_required
def exclude(submission_id: int):
    submission = db.get_or_404(Submission, submission_id)
    require(can_exclude_reviewers(current_user, submission))
    form = ExclusionForm()
    if not form.validate_on_submit():
        return _render_edit(submission, _fresh_page(submission, exclusion_form=form), 400)
    try:
        request_made = review_pool.exclude_reviewer(submission=submission, email=form.email.data,
                                                    actor=current_user, reason=form.reason.data or "")
    except PoolError as error:
        if error.code == "team_member":  # a mistake in the field, shown beside it
            db.session.rollback()
            form.email.errors.append(EXCLUSION_REFUSALS.say(error))
            return _render_edit(submission, _fresh_page(submission, exclusion_form=form), 400)
        return _exclusion_refused(submission, error)
    db.session.commit()
    if request_made is not None:
        flash(_("Your request that %(email)s not review this project is sent to the organisers: it applies once "
                "they accept it.", email=form.email.data.strip().lower()), "success")
    else:
        flash(_("%(email)s will not be asked to review this project.", email=form.email.data.lower()), "success")
    return redirect(url_for("applicant.edit", submission_id=submission.id, _anchor="exclusions"))


@bp.route("/submissions/<int:submission_id>/exclusions/remove", methods=["POST"])
@login_required
def remove_exclusion(submission_id: int):
    submission = db.get_or_404(Submission, submission_id)
    require(can_exclude_reviewers(current_user, submission))
    form = RemoveExclusionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        review_pool.remove_exclusion(submission=submission, email=form.email.data, actor=current_user)
    except PoolError as error:
        return _exclusion_refused(submission, error)
    db.session.commit()
    flash(_("%(email)s is no longer excluded from reviewing this project.", email=form.email.data.strip().lower()),
          "success")
    return redirect(url_for("applicant.edit", submission_id=submission.id, _anchor="exclusions"))
