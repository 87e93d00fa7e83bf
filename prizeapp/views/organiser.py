"""The organisers' side of a call: settings, evaluation grid, form, phase, submissions and their export."""
from __future__ import annotations

from collections.abc import Callable

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from ..enums import CallKind, CallPhase, CallRoleKind, SubmissionStatus
from ..extensions import db
from ..forms.admin import ConfirmForm
from ..forms.organiser import (
    DATE_FIELDS,
    CallForm,
    GridForm,
    MoveQuestionForm,
    NewCallForm,
    PersonRoleForm,
    PhaseForm,
    QuestionForm,
    RevokeRoleForm,
    SubmissionFilterForm,
    levels_text,
)
from ..labels import label
from ..models import Call, FormQuestion, Submission, SubmissionMember, User
from ..permissions import (
    can_create_call,
    can_manage_call,
    can_manage_calls,
    can_view_submission_as_organiser,
    managed_calls_filter,
    organiser_visible_submissions_filter,
    require,
)
from ..services import audit
from ..services import calls as calls_service
from ..services import reviews as reviews_service
from ..services import submissions as submissions_service
from ..services.calls import CallError, CriterionSpec, QuestionSpec
from ..services.tokens import normalise_email
from ..web import int_arg, parse_int
from .helpers import NO_UNIT, csv_download, dossier_context, same_origin_download, unit_choices
from .loading import call_or_404, of_call_or_404
from .refusals import NOT_POSSIBLE, Refusals

bp = Blueprint("organiser", __name__, url_prefix="/manage")

PAGE_SIZE = 50


@bp.context_processor
def _template_helpers() -> dict:
    return {"number": lambda value: "" if value is None else format_decimal(value)}


# --- the list of calls --------------------------------------------------------------------------------

@bp.route("/")
@login_required
def calls():
    require(can_manage_calls(current_user))
    managed = db.session.scalars(
        db.select(Call).where(managed_calls_filter(current_user)).order_by(Call.created_at.desc(), Call.id.desc())
    ).all()
    submitted = dict(db.session.execute(
        db.select(Submission.call_id, db.func.count(Submission.id))
        .where(Submission.status == SubmissionStatus.SUBMITTED, Submission.call_id.in_([c.id for c in managed]))
        .group_by(Submission.call_id)).all())
    return render_template("organiser/calls.html", calls=managed, submitted=submitted)


@bp.route("/calls/new", methods=["GET", "POST"])
@login_required
def new_call():
    require(can_create_call(current_user))
    form = NewCallForm()
    if form.validate_on_submit():
        call = calls_service.create_call(actor=current_user, kind=CallKind(form.kind.data), title=form.title.data)
        db.session.commit()
        flash(_("The call is created, as a draft with the SGMAP evaluation grid. Complete its settings."),
              "success")
        return redirect(url_for("organiser.edit_call", call_id=call.id))
    return render_template("organiser/new_call.html", form=form), 400 if form.errors else 200


# --- one call: its dashboard and its phase ------------------------------------------------------------

def _submission_counts(call: Call) -> dict[str, int]:
    """Drafts are counted, never listed: not yet submitted (withdrawn drafts included), submitted, and
    withdrawn after submission."""
    rows = db.session.execute(
        db.select(Submission.status, Submission.submitted_at.is_not(None), db.func.count(Submission.id))
        .where(Submission.call_id == call.id).group_by(Submission.status, Submission.submitted_at.is_not(None))
    ).all()
    counts = {"draft": 0, "submitted": 0, "withdrawn": 0}
    for status, was_submitted, count in rows:
        key = status.value if was_submitted else "draft"
        counts[key] += count
    return counts


def _visible_submissions(call: Call):
    return (db.select(Submission)
            .where(Submission.call_id == call.id, organiser_visible_submissions_filter())
            .options(selectinload(Submission.members).selectinload(SubmissionMember.user)))


def _search(query, text: str):
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    full_name = User.first_name + " " + User.last_name
    team = (db.select(SubmissionMember.id).join(User, User.id == SubmissionMember.user_id)
            .where(SubmissionMember.submission_id == Submission.id,
                   db.or_(full_name.ilike(pattern, escape="\\"), User.last_name.ilike(pattern, escape="\\")))
            .exists())
    return query.where(db.or_(Submission.title.ilike(pattern, escape="\\"),
                              Submission.reference.ilike(pattern, escape="\\"), team))


@bp.route("/calls/<int:call_id>")
@login_required
def dashboard(call_id: int):
    call = call_or_404(call_id, can_manage_call)
    filters = SubmissionFilterForm(request.args, call.categories)
    query = _visible_submissions(call)
    if filters.status.data in (SubmissionStatus.SUBMITTED.value, SubmissionStatus.WITHDRAWN.value):
        query = query.where(Submission.status == SubmissionStatus(filters.status.data))
    if filters.category.data:
        query = query.where(Submission.category == filters.category.data)
    search = (filters.q.data or "").strip()
    if search:
        query = _search(query, search)
    page = db.paginate(query.order_by(Submission.reference), page=int_arg("page", 1),
                       per_page=PAGE_SIZE, error_out=False)
    current = calls_service.current_phase(call)
    order = list(CallPhase)  # the life of a call, in order: forward any steps, back one (services.calls.move_phase)
    index = order.index(current)
    return render_template(
        "organiser/dashboard.html", call=call, filters=filters, page=page, search=search,
        counts=_submission_counts(call), current_phase=current, forward=order[index + 1:],
        back=order[index - 1] if index > 0 else None,
        readiness=[CALL_REFUSALS.sentence(code, total=_grid_total(call))
                   for code in calls_service.readiness_to_open(call)]
        if current == CallPhase.DRAFT else [],
        date_fields=[(name, _date_label(name)) for name in DATE_FIELDS])


def _date_label(name: str) -> str:
    return str(CallForm.__dict__[name].args[0])


# ("submission_deadline", "opens_at") for "submission_deadline_before_opens_at" (core.phases).
DATE_ORDER = {f"{later}_before_{earlier}": (later, earlier)
              for later in DATE_FIELDS for earlier in DATE_FIELDS if later != earlier}


def _out_of_order(later: str, earlier: str) -> Callable[[dict], str]:
    return lambda params: _("The dates are out of order: “%(date)s” must come after “%(previous)s”. Correct them "
                            "in the settings.", date=_date_label(later), previous=_date_label(earlier))


def _phase_label(value: str) -> str:
    return str(label(CallPhase(value)))


def _grid_total(call: Call) -> int:
    return sum(c.weight for c in call.criteria)


# What the call's rules say on the dashboard: its readiness to open, and moves between phases.
CALL_REFUSALS = Refusals(CallError, {
    **{code: _out_of_order(later, earlier) for code, (later, earlier) in DATE_ORDER.items()},
    "opening_and_deadline_required": _l("Set the opening date and the submission deadline in the settings."),
    "grid_weights_not_100": _l("The weights of the evaluation grid add up to %(total)d %%, not 100 %%: correct "
                               "the grid."),
    "grid_empty": _l("The evaluation grid has no criterion: add at least one."),
    "phase_move_not_allowed": _l("A call moves forward, or back by one step only: from “%(current)s” it cannot go "
                                 "to “%(target)s”."),
    "phase_set_by_dates": _l("The dates put the call in the phase “%(phase)s”: to move it to “%(target)s”, first "
                             "change the dates in the settings."),
    "last_organiser": _l("A call keeps at least one organiser: add another one first."),
    "milestones_invalid": _l("Enter whole numbers of months from 1 to %(max)d, separated by commas, for example 6, "
                             "12, 24."),
}, formats={"current": _phase_label, "target": _phase_label, "phase": _phase_label},
    default=NOT_POSSIBLE)


@bp.route("/calls/<int:call_id>/phase", methods=["POST"])
@login_required
def move_phase(call_id: int):
    call = call_or_404(call_id, can_manage_call)
    form = PhaseForm()
    if not form.validate_on_submit():
        abort(400)
    target = CallPhase(form.target.data)
    try:
        calls_service.move_phase(call=call, actor=current_user, target=target)
    except CallError as error:
        db.session.rollback()
        if error.codes != ["phase_move_not_allowed"] and calls_service.current_phase(call) == CallPhase.DRAFT:
            flash(_("The call cannot be published yet."), "error")
        for code in error.codes:
            flash(CALL_REFUSALS.sentence(code, error.params, total=_grid_total(call)), "error")
    else:
        db.session.commit()
        flash(_("The call is now in the phase “%(phase)s”.", phase=label(target)), "success")
    return redirect(url_for("organiser.dashboard", call_id=call.id) + "#phase")


# --- settings -----------------------------------------------------------------------------------------

def _explain_call_error(form: CallForm, error: CallError) -> None:
    for code in error.codes:
        if code in DATE_ORDER:
            later, earlier = DATE_ORDER[code]
            form[later].errors.append(_("This date must come after “%(previous)s”.",
                                        previous=form[earlier].label.text))
        elif code == "milestones_invalid":
            form.impact_milestones.errors.append(CALL_REFUSALS.sentence(code, error.params))
        else:
            form.form_errors.append(CALL_REFUSALS.sentence(code, error.params))


@bp.route("/calls/<int:call_id>/settings", methods=["GET", "POST"])
@login_required
def edit_call(call_id: int):
    call = call_or_404(call_id, can_manage_call)
    form = CallForm(obj=call)
    form.eligible_unit_ids.choices = [c for c in unit_choices() if c.value != NO_UNIT]
    if form.validate_on_submit():
        try:
            changed = calls_service.update_call(call=call, actor=current_user, **form.values())
        except CallError as error:
            db.session.rollback()
            _explain_call_error(form, error)
        else:
            db.session.commit()
            flash(_("The settings are saved.") if changed else _("Nothing has changed."), "success")
            return redirect(url_for("organiser.edit_call", call_id=call.id))
    return render_template("organiser/edit_call.html", call=call, form=form), 400 if form.errors else 200


# --- the evaluation grid ------------------------------------------------------------------------------

def _grid_form_from(call: Call) -> GridForm:
    rows = [{"name": c.name, "description": c.description, "weight": c.weight, "scale_min": c.scale_min,
             "scale_max": c.scale_max, "levels": levels_text(c.level_labels, c.scale_min, c.scale_max)}
            for c in call.criteria]
    form = GridForm(data={"criteria": rows})
    form.criteria.append_entry()  # room for one more criterion without JavaScript
    return form


def _spec(row) -> CriterionSpec:
    return CriterionSpec(name=row.name.data or "", description=row.description.data or "",
                         weight=row.weight.data or 0, scale_min=row.scale_min.data, scale_max=row.scale_max.data,
                         level_labels=row.level_labels())


GRID_REFUSALS = Refusals(CallError, {
    "criterion_name_required": _l("Enter the name of the criterion."),
    "criterion_weight_negative": _l("From 0 to 100."),
    "criterion_scale_invalid": _l("The highest score must be above the lowest one, by 20 at most."),
    "criterion_label_outside_scale": lambda p: _("More lines than scores: from %(min)d to %(max)d there are "
                                                 "%(count)d scores.", min=p["min"], max=p["max"],
                                                 count=p["max"] - p["min"] + 1),
    "grid_weights_not_100": _l("The weights add up to %(total)d %%: they must add up to exactly 100 %%."),
    "grid_empty": _l("The grid needs at least one criterion."),
    "grid_frozen": _l("The evaluation grid can no longer change: reviews start with the review phase, and every "
                      "review must use the same grid."),
}, default=NOT_POSSIBLE)
# The problems of one criterion, shown next to the field of its row.
ROW_FIELDS = {"criterion_name_required": "name", "criterion_weight_negative": "weight",
              "criterion_scale_invalid": "scale_max", "criterion_label_outside_scale": "levels"}


def _explain_grid_error(form: GridForm, rows: list, error: CallError, total: int) -> None:
    # The service names the problems of the grid as a whole; asking it again row by row places each
    # problem next to its row.
    for row in rows:
        scale = {"min": row.form.scale_min.data, "max": row.form.scale_max.data}
        for code in calls_service.grid_problems([_spec(row.form)]):
            if code in ROW_FIELDS:
                row.form[ROW_FIELDS[code]].errors.append(GRID_REFUSALS.sentence(code, scale))
    for code in error.codes:
        if code not in ROW_FIELDS:
            form.form_errors.append(GRID_REFUSALS.sentence(code, error.params, total=total))


@bp.route("/calls/<int:call_id>/grid", methods=["GET", "POST"])
@login_required
def grid(call_id: int):
    call = call_or_404(call_id, can_manage_call)
    frozen = calls_service.grid_frozen(call)
    if request.method == "GET":
        form = _grid_form_from(call)
        return render_template("organiser/grid.html", call=call, form=form, frozen=frozen,
                               total=_grid_total(call))
    form = GridForm()
    valid = form.validate_on_submit()
    if "csrf_token" in form.errors:
        abort(400)
    rows = [row for row in form.criteria if not row.form.remove.data and not row.form.is_blank]
    total = sum(row.form.weight.data or 0 for row in rows)
    if request.form.get("action") == "add_row" and not frozen:
        form.criteria.append_entry()
        return render_template("organiser/grid.html", call=call, form=form, frozen=frozen, total=total)
    if valid:
        try:
            calls_service.set_grid(call=call, actor=current_user, specs=[_spec(row.form) for row in rows])
        except CallError as error:
            db.session.rollback()
            if "grid_frozen" in error.codes:
                flash(GRID_REFUSALS.sentence("grid_frozen"), "error")
                return redirect(url_for("organiser.grid", call_id=call.id))
            _explain_grid_error(form, rows, error, total)
        else:
            db.session.commit()
            flash(_("The evaluation grid is saved."), "success")
            return redirect(url_for("organiser.grid", call_id=call.id))
    return render_template("organiser/grid.html", call=call, form=form, frozen=frozen, total=total), 400


# --- the submission form ------------------------------------------------------------------------------

@bp.route("/calls/<int:call_id>/form")
@login_required
def form(call_id: int):
    call = call_or_404(call_id, can_manage_call)
    return render_template("organiser/form.html", call=call, locked=calls_service.form_locked(call))


QUESTION_REFUSALS = Refusals(CallError, {
    "question_label_required": _l("Enter the question."),
    "question_needs_two_choices": _l("Give at least two choices, one per line."),
    "question_min_above_max": _l("The maximum must not be below the minimum."),
    "form_locked": _l("Projects have already been submitted: the kind of answer can no longer change, and no "
                      "question can be added or removed."),
}, default=NOT_POSSIBLE)
QUESTION_FIELDS = {"question_label_required": "label", "question_needs_two_choices": "choices",
                   "question_min_above_max": "maximum", "form_locked": "kind"}


def _explain_question_error(form: QuestionForm, error: CallError) -> None:
    for code in error.codes:
        field = QUESTION_FIELDS.get(code)
        (form[field].errors if field else form.form_errors).append(QUESTION_REFUSALS.sentence(code, error.params))


@bp.route("/calls/<int:call_id>/form/questions/new", methods=["GET", "POST"])
@login_required
def new_question(call_id: int):
    call = call_or_404(call_id, can_manage_call)
    return _question_page(call, None, QuestionForm())


@bp.route("/calls/<int:call_id>/form/questions/<int:question_id>", methods=["GET", "POST"])
@login_required
def edit_question(call_id: int, question_id: int):
    call = call_or_404(call_id, can_manage_call)
    question = of_call_or_404(FormQuestion, question_id, call)
    return _question_page(call, question, QuestionForm(obj=question))


def _question_page(call, question, form: QuestionForm):
    """Add (question None) or edit a question: one flow, two services."""
    if form.validate_on_submit():
        spec = QuestionSpec(**form.spec_values())
        try:
            if question is None:
                question = calls_service.add_question(call=call, actor=current_user, spec=spec)
                message = _("The question is added to the form.")
            else:
                calls_service.update_question(question=question, actor=current_user, spec=spec)
                message = _("The question is saved.")
        except CallError as error:
            db.session.rollback()
            _explain_question_error(form, error)
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("organiser.form", call_id=call.id) + f"#question-{question.id}")
    return render_template("organiser/question.html", call=call, form=form, question=question,
                           locked=calls_service.form_locked(call)), 400 if form.errors else 200


@bp.route("/calls/<int:call_id>/form/questions/<int:question_id>/delete", methods=["POST"])
@login_required
def delete_question(call_id: int, question_id: int):
    call = call_or_404(call_id, can_manage_call)
    question = of_call_or_404(FormQuestion, question_id, call)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    text = question.label
    try:
        calls_service.delete_question(question=question, actor=current_user)
    except CallError:
        db.session.rollback()
        flash(_("Projects have already been submitted: questions can no longer be removed."), "error")
    else:
        db.session.commit()
        flash(_("The question “%(label)s” is deleted.", label=text), "success")
    return redirect(url_for("organiser.form", call_id=call.id))


@bp.route("/calls/<int:call_id>/form/questions/<int:question_id>/move", methods=["POST"])
@login_required
def move_question(call_id: int, question_id: int):
    call = call_or_404(call_id, can_manage_call)
    question = of_call_or_404(FormQuestion, question_id, call)
    form = MoveQuestionForm()
    if not form.validate_on_submit():
        abort(400)
    calls_service.move_question(question=question, actor=current_user, offset=-1 if form.direction.data == "up" else 1)
    db.session.commit()
    flash(_("The question “%(label)s” is moved.", label=question.label), "success")
    return redirect(url_for("organiser.form", call_id=call.id) + f"#question-{question.id}")


# --- submissions: export and printable view -----------------------------------------------------------

@bp.route("/calls/<int:call_id>/submissions.csv")
@login_required
@same_origin_download
def export(call_id: int):
    call = call_or_404(call_id, can_manage_call)
    rows = db.session.scalars(_visible_submissions(call).options(selectinload(Submission.files))
                              .order_by(Submission.reference)).all()
    # The SQL filter and the per-object rule are the same rule; checking both costs nothing and means a change
    # to one cannot leak a draft into a file that leaves the platform.
    rows = [s for s in rows if can_view_submission_as_organiser(current_user, s)]
    body = submissions_service.export_csv(call, rows)
    # Personal data leaves the platform: say who took it, and when.
    audit.record(action=audit.AuditAction.CALL_SUBMISSIONS_EXPORTED, actor=current_user, obj=call, call=call,
                 details={"rows": len(rows)})
    db.session.commit()
    return csv_download(body, f"{call.slug}-candidatures")


# --- review progress and reminders ---------------------------------------------------------------------

@bp.route("/calls/<int:call_id>/reviews")
@login_required
def reviews(call_id: int):
    call = call_or_404(call_id, can_manage_call)
    state = reviews_service.progress(call)
    projects = {s.id: s for s in db.session.scalars(db.select(Submission).where(
        Submission.id.in_(list(state.by_submission))))} if state.by_submission else {}
    reviewers = sorted(state.by_reviewer.items(),
                       key=lambda item: (item[1]["submitted"] - item[1]["assigned"],
                                         state.reviewers[item[0]].last_name))
    return render_template("organiser/reviews.html", call=call, state=state, reviewers=reviewers,
                           projects=sorted(projects.values(), key=lambda s: s.reference),
                           open_for_reviews=reviews_service.accepts_reviews(call), remind_form=ConfirmForm())


REMINDER_REFUSALS = Refusals(reviews_service.ReviewError, {
    "nobody_to_remind": _l("Nobody has reviews left to submit: no reminder was sent."),
})


@bp.route("/calls/<int:call_id>/reviews/remind", methods=["POST"])
@login_required
def remind_reviewers(call_id: int):
    call = call_or_404(call_id, can_manage_call)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    reviewer_id = parse_int(request.form.get("reviewer_id"))
    try:
        emails = reviews_service.send_reminders(call=call, actor=current_user,
                                                reviewer_ids=[reviewer_id] if reviewer_id else None)
    except reviews_service.ReviewError as error:
        db.session.rollback()
        flash(REMINDER_REFUSALS.say(error), "info")
    else:
        db.session.commit()
        flash(ngettext("A reminder is sent to %(num)d reviewer.", "A reminder is sent to %(num)d reviewers.",
                       len(emails)), "success")
    return redirect(url_for("organiser.reviews", call_id=call.id))


# --- the people of a call: organisers and jury members ------------------------------------------------------

PEOPLE_ROLES = (CallRoleKind.ORGANISER, CallRoleKind.JURY)


def _render_people(call: Call, form: PersonRoleForm, status: int = 200):
    people = {role: calls_service.people_with_role(call, role) for role in PEOPLE_ROLES}
    return render_template("organiser/people.html", call=call, form=form, people=people,
                           revoke_form=RevokeRoleForm()), status


@bp.route("/calls/<int:call_id>/people", methods=["GET", "POST"])
@login_required
def people(call_id: int):
    call = call_or_404(call_id, can_manage_call)
    form = PersonRoleForm()
    if not form.validate_on_submit():
        return _render_people(call, form, 400 if form.errors else 200)
    email = normalise_email(form.email.data)
    user = db.session.scalar(db.select(User).where(User.email == email))
    if user is None or user.email_confirmed_at is None:
        form.email.errors.append(_("Nobody has a confirmed account with this address. Ask them to create one "
                                   "on this platform first."))
        return _render_people(call, form, 400)
    role = CallRoleKind(form.role.data)
    added = calls_service.grant_role(call=call, actor=current_user, user=user, role=role)
    db.session.commit()
    flash(_("%(name)s is now “%(role)s” of this call.", name=user.full_name, role=label(role)) if added
          else _("%(name)s already has this role.", name=user.full_name), "success" if added else "info")
    return redirect(url_for("organiser.people", call_id=call.id))


@bp.route("/calls/<int:call_id>/people/revoke", methods=["POST"])
@login_required
def revoke_person(call_id: int):
    call = call_or_404(call_id, can_manage_call)
    form = RevokeRoleForm()
    if not form.validate_on_submit() or form.role.data not in {r.value for r in PEOPLE_ROLES}:
        abort(400)
    user = db.get_or_404(User, form.user_id.data)
    try:
        calls_service.revoke_role(call=call, actor=current_user, user=user, role=CallRoleKind(form.role.data))
    except CallError as error:
        db.session.rollback()
        flash(CALL_REFUSALS.say(error), "error")
    else:
        db.session.commit()
        flash(_("%(name)s no longer has this role.", name=user.full_name), "success")
    return redirect(url_for("organiser.people", call_id=call.id))


@bp.route("/calls/<int:call_id>/submissions/<int:submission_id>")
@login_required
def submission(call_id: int, submission_id: int):
    call = call_or_404(call_id, can_manage_call)
    record = of_call_or_404(Submission, submission_id, call)
    require(can_view_submission_as_organiser(current_user, record))
    return render_template("organiser/submission.html", call=call, submission=record, **dossier_context(record))
