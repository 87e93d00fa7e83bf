"""Results: the organisers publish them (one decision email per applicant) and write the call's email texts;
each team reads its decision once published; everyone browses the laureate projects."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_currency, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..enums import CallPhase, DecisionOutcome, Locale, SubmissionStatus
from ..extensions import db
from ..forms.admin import ConfirmForm
from ..forms.results import (
    EmailTextForm,
    LaureateFilterForm,
    ProjectChoiceForm,
    PublishForm,
)
from ..labels import email_kind_label, label
from ..models import Call, Submission
from ..permissions import can_decide, can_manage_call_emails, can_view_decision, require
from ..services import results
from ..services.calls import CallError
from ..web import parse_int
from .loading import call_or_404
from .refusals import Refusals

bp = Blueprint("results", __name__)

KIND_NAMES = {"decision_laureate": DecisionOutcome.LAUREATE, "decision_mention": DecisionOutcome.MENTION,
              "decision_not_selected": DecisionOutcome.NOT_SELECTED}


@bp.context_processor
def _template_helpers() -> dict:
    return {"locale_label": _locale_label, "kind_label": _kind_label}


@bp.app_context_processor
def _decision_helpers() -> dict:
    # Also for the applicants' pages, which show the published decision (templates/results/_decision.html).
    return {"outcome_label": results.outcome_label, "band_label": results.band_label,
            "money": lambda amount: format_currency(amount, "EUR") if amount is not None else ""}


def _locale_label(locale: str) -> str:
    return str(Locale(locale).language)


def _kind_label(kind: str) -> str:
    return email_kind_label(kind)


def placeholder_help() -> list[tuple[str, str]]:
    texts = {
        "first_name": _("the recipient's first name"), "last_name": _("the recipient's last name"),
        "project": _("the project's title"), "reference": _("the project's reference"),
        "call": _("the call's title"), "outcome": _("the decision: laureate, honourable mention or not selected"),
        "prize": _("the prize (laureates)"), "amount": _("the amount, in euros (laureates)"),
        "reason": _("the jury's reason"),
        "reviews": _("the reviewers' comments to the applicants, numbered, without their names"),
        "score": _("the calibrated score (empty unless the call shows scores to applicants)"),
        "rank_band": _("the project's rank band, e.g. “in the first half of the projects” (same condition)"),
        "link": _("the address of the decision on the platform"),
    }
    return [("{{ " + name + " }}", texts[name]) for name in results.PLACEHOLDERS]


REFUSALS = Refusals(results.ResultsError, {
    "not_in_deliberation": _l("The results can be published from the deliberation phase only; the call is in the "
                              "phase “%(phase)s”. Move it to deliberation on its overview page first."),
    "no_submissions": _l("No project was submitted to this call: there are no results to publish."),
    "missing_decisions": lambda p: ngettext(
        "%(num)d submitted project has no decision yet (%(list)s): every project needs one before the results are "
        "published. Nothing was sent.",
        "%(num)d submitted projects have no decision yet (%(list)s): every project needs one before the results "
        "are published. Nothing was sent.", len(p["references"]), list=", ".join(p["references"])),
}, formats={"phase": lambda value: label(CallPhase(value))}, default=_l("The results cannot be published now."))

# Publishing moves the call to the published phase, which the phase rules may refuse.
PHASE_REFUSALS = Refusals(CallError, {}, default=_l("The call cannot move to the published phase now (%(code)s)."))


# --- publishing -------------------------------------------------------------------------------------------

def _render_publish(call: Call, form: PublishForm, status: int = 200):
    state = results.summary(call)
    params = {"phase": state.phase.value, "references": [s.reference for s in state.without_decision]}
    problems = [REFUSALS.sentence(code, params) for code in state.problems]
    return render_template("results/publish.html", call=call, form=form, state=state, problems=problems,
                           outcomes=list(DecisionOutcome)), status


@bp.route("/manage/calls/<int:call_id>/results", methods=["GET", "POST"])
@login_required
def publish(call_id: int):
    call = call_or_404(call_id, can_decide)
    form = PublishForm()
    if request.method == "GET":
        return _render_publish(call, form)
    if not form.validate_on_submit():
        return _render_publish(call, form, 400)
    try:
        done = results.publish(call=call, actor=current_user)
    except (results.ResultsError, CallError) as error:
        db.session.rollback()
        form.form_errors.append((REFUSALS if isinstance(error, results.ResultsError) else PHASE_REFUSALS).say(error))
        return _render_publish(call, form, 409)
    db.session.commit()
    if done.already and not done.emails:
        flash(_("The results were already published; no email was sent again."), "info")
    else:
        flash(ngettext("The results are published. %(num)d decision email is queued; it leaves within minutes.",
                       "The results are published. %(num)d decision emails are queued; they leave within minutes.",
                       done.emails), "success")
    return redirect(url_for("results.publish", call_id=call.id))


# --- the call's email texts -------------------------------------------------------------------------------

def _kind(kind: str) -> str:
    if kind not in KIND_NAMES:
        abort(404)
    return kind


def _locale(locale: str) -> str:
    if locale not in results.LOCALES:
        abort(404)
    return locale


@bp.route("/manage/calls/<int:call_id>/emails/templates")
@login_required
def email_templates(call_id: int):
    call = call_or_404(call_id, can_manage_call_emails)
    saved = {(kind, locale): results.custom_text(call, kind, locale)
             for kind in KIND_NAMES for locale in results.LOCALES}
    return render_template("results/email_templates.html", call=call, kinds=list(KIND_NAMES), saved=saved,
                           locales=results.LOCALES, placeholders=placeholder_help())


def _projects(call: Call) -> list[Submission]:
    return list(db.session.scalars(db.select(Submission).where(
        Submission.call_id == call.id, Submission.status == SubmissionStatus.SUBMITTED).order_by(Submission.reference)))


def _chosen_project(call: Call, source) -> tuple[ProjectChoiceForm, Submission | None]:
    projects = _projects(call)
    form = ProjectChoiceForm(source, meta={"csrf": False})
    form.submission.choices = [(s.id, f"{s.reference} – {s.title}") for s in projects]
    chosen = next((s for s in projects if s.id == form.submission.data), projects[0] if projects else None)
    if chosen is not None:
        form.submission.data = chosen.id
    return form, chosen


def _recipient(submission: Submission | None):
    return (results.lead_of(submission) if submission is not None else None) or current_user


@bp.route("/manage/calls/<int:call_id>/emails/templates/<kind>/<locale>", methods=["GET", "POST"])
@login_required
def edit_email_template(call_id: int, kind: str, locale: str):
    call = call_or_404(call_id, can_manage_call_emails)
    kind, locale = _kind(kind), _locale(locale)
    saved = results.custom_text(call, kind, locale)
    form = EmailTextForm()
    choice, project = _chosen_project(call, request.values)
    rendered = None
    status = 200
    if request.method == "GET":
        subject, body = (saved.subject, saved.body) if saved else results.default_text(call, kind, locale)
        form.subject.data, form.body.data = subject, body
    elif form.validate_on_submit():
        unknown = {name: results.unknown_placeholders(getattr(form, name).data) for name in ("subject", "body")}
        for name, found in unknown.items():
            if found:
                getattr(form, name).errors.append(_unknown_message(found))
        if any(unknown.values()):
            status = 422
        elif request.form.get("action") == "preview":
            rendered = results.preview(call=call, kind=kind, locale=locale, submission=project,
                                       recipient=_recipient(project), subject=form.subject.data, body=form.body.data)
        else:
            results.save_text(call=call, actor=current_user, kind=kind, locale=locale, subject=form.subject.data,
                              body=form.body.data)
            db.session.commit()
            flash(_("The text of the email is saved. It is used for every email of this kind sent in %(language)s.",
                    language=_locale_label(locale)), "success")
            return redirect(url_for("results.edit_email_template", call_id=call.id, kind=kind, locale=locale))
    else:
        status = 400
    return render_template("results/edit_email_template.html", call=call, kind=kind, locale=locale, form=form,
                           saved=saved, rendered=rendered, choice=choice, project=project,
                           placeholders=placeholder_help(), reset_form=ConfirmForm()), status


def _unknown_message(found: list[str]) -> str:
    return ngettext("Unknown placeholder: %(list)s. Use only the names listed on this page, written like "
                    "{{ project }}. Nothing was saved.",
                    "Unknown placeholders: %(list)s. Use only the names listed on this page, written like "
                    "{{ project }}. Nothing was saved.", len(found), list=", ".join(found))


@bp.route("/manage/calls/<int:call_id>/emails/templates/<kind>/<locale>/reset", methods=["POST"])
@login_required
def reset_email_template(call_id: int, kind: str, locale: str):
    call = call_or_404(call_id, can_manage_call_emails)
    kind, locale = _kind(kind), _locale(locale)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if results.reset_text(call=call, actor=current_user, kind=kind, locale=locale):
        db.session.commit()
        flash(_("The default text is used again."), "success")
    else:
        flash(_("This email already uses the default text."), "info")
    return redirect(url_for("results.edit_email_template", call_id=call.id, kind=kind, locale=locale))


@bp.route("/manage/calls/<int:call_id>/emails/templates/<kind>/preview")
@login_required
def preview_email(call_id: int, kind: str):
    call = call_or_404(call_id, can_manage_call_emails)
    kind = _kind(kind)
    choice, project = _chosen_project(call, request.args)
    recipient = _recipient(project)
    previews = [(locale, results.preview(call=call, kind=kind, locale=locale, submission=project,
                                         recipient=recipient)) for locale in results.LOCALES]
    return render_template("results/preview_email.html", call=call, kind=kind, previews=previews, choice=choice,
                           project=project, test_form=ConfirmForm())


@bp.route("/manage/calls/<int:call_id>/emails/templates/<kind>/test", methods=["POST"])
@login_required
def test_email(call_id: int, kind: str):
    call = call_or_404(call_id, can_manage_call_emails)
    kind = _kind(kind)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    _choice, project = _chosen_project(call, request.form)
    count = results.send_test(call=call, actor=current_user, kind=kind, submission=project)
    db.session.commit()
    flash(ngettext("%(num)d test email is queued to %(email)s.", "%(num)d test emails are queued to %(email)s, "
                   "one in each language.", count, email=current_user.email), "success")
    return redirect(url_for("results.preview_email", call_id=call.id, kind=kind,
                            submission=project.id if project else None))


# --- the team's decision ----------------------------------------------------------------------------------

@bp.route("/submissions/<int:submission_id>/decision")
@login_required
def decision(submission_id: int):
    submission = db.get_or_404(Submission, submission_id)
    require(can_view_decision(current_user, submission))
    view = results.team_view(submission)
    if view is None:
        abort(404)
    return render_template("results/decision.html", submission=submission, call=submission.call, view=view)


# --- laureate projects, for everyone ----------------------------------------------------------------------

@bp.route("/laureates")
def laureates():
    calls = results.published_calls()
    form = LaureateFilterForm(request.args)
    form.call.choices = [("", _("All calls"))] + [(str(c.id), c.title) for c in calls]
    categories = sorted({c for call in calls for c in (call.categories or [])})
    form.category.choices = [("", _("All categories"))] + [(c, c) for c in categories]
    call_id = parse_int(form.call.data)
    rows = results.laureates(call_id=call_id, category=form.category.data or None,
                             q=(form.q.data or "").strip() or None)
    return render_template("results/laureates.html", form=form, rows=rows, any_published=bool(calls))


@bp.route("/laureates/<reference>")
def laureate(reference: str):
    row = results.laureate(reference)
    if row is None:
        abort(404)
    decision, submission, call = row
    lead = results.lead_of(submission)
    return render_template("results/laureate.html", decision=decision, submission=submission, call=call, lead=lead)
