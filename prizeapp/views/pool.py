"""The organisers' pages of a call's reviewer pool and its conflicts of interest, and why a pair's affinity
is what it is."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from ..core.conflicts import UNWAIVABLE
from ..enums import (
    AssignmentStatus,
    BidLevel,
    CallRoleKind,
    ConflictSource,
    ExclusionRequestStatus,
    PoolStatus,
    ReviewMode,
)
from ..extensions import db
from ..forms.admin import ConfirmForm
from ..forms.exclusion_requests import DECISIONS, ExclusionDecisionForm
from ..forms.pool import (
    AffinityForm,
    ConflictFilterForm,
    DeclareConflictForm,
    InviteForm,
    MaxLoadForm,
    WaiveForm,
)
from ..models import (
    Assignment,
    Call,
    CallRole,
    ConflictDeclaration,
    ConflictWaiver,
    PoolMember,
    ReviewerInvitation,
    Submission,
    User,
)
from ..models.review_pool import ExclusionRequest
from ..permissions import (
    can_decide_exclusion_request,
    can_manage_call,
    can_withdraw_conflict,
    require,
)
from ..services import review_pool
from ..services.assignment import max_loads
from ..services.review_pool import PoolError
from ..web import int_arg, parse_int
from .loading import call_or_404, of_call_or_404, submitted_of_call_or_404
from .reasons import code_label, describe, describe_many
from .refusals import NOT_POSSIBLE, Refusals

bp = Blueprint("pool", __name__, url_prefix="/manage")

PAGE_SIZE = 50


@bp.context_processor
def _template_helpers() -> dict:
    return {"code_label": code_label}


# --- the pool ------------------------------------------------------------------------------------------

@dataclass
class PoolRow:
    """One person of the pool as the page lists them."""

    user: User
    status: PoolStatus
    member: PoolMember | None
    max_load: int  # in force: their own or the call's default
    own_max_load: int | None
    proposed: int
    committed: int
    counted: bool  # among the reviewers the assignment uses (accepted, confirmed and active account)


def _pool_view(call: Call) -> dict:
    inputs = review_pool.call_inputs(call)
    loads = dict(zip(inputs.reviewer_ids, max_loads(inputs).tolist(), strict=True))
    # What a reviewer without a maximum of their own takes: the same rule as the assignment's.
    default_load = (int(max_loads(dataclasses.replace(inputs, members={}))[0]) if inputs.reviewers
                    else call.reviewer_max_load)
    counts = review_pool.assignment_counts(call)
    counted = set(inputs.reviewer_ids)
    if call.review_mode == ReviewMode.PEER:
        people = [(user, PoolStatus.ACCEPTED, inputs.members.get(user.id)) for user in inputs.reviewers]
    else:
        members = db.session.scalars(
            db.select(PoolMember).where(PoolMember.call_id == call.id)
            .options(selectinload(PoolMember.user).selectinload(User.unit))).all()
        order = {PoolStatus.ACCEPTED: 0, PoolStatus.INVITED: 1, PoolStatus.DECLINED: 2}
        people = sorted(((m.user, m.status, m) for m in members),
                        key=lambda p: (order[p[1]], p[0].last_name.lower(), p[0].first_name.lower(), p[0].id))
    rows = []
    for user, status, member in people:
        own = member.max_load if member is not None else None
        rows.append(PoolRow(user=user, status=status, member=member,
                            max_load=loads.get(user.id, own if own is not None else (default_load or 0)),
                            own_max_load=own,
                            proposed=counts.get(user.id, {}).get(AssignmentStatus.PROPOSED, 0),
                            committed=counts.get(user.id, {}).get(AssignmentStatus.COMMITTED, 0),
                            counted=user.id in counted))
    needed = call.reviewers_per_submission * len(inputs.submissions)
    capacity = sum(loads.values())
    return {"rows": rows, "pending": review_pool.pending_invitations(call) if call.review_mode == ReviewMode.PANEL
            else [], "accepted": len(inputs.reviewers), "submitted": len(inputs.submissions), "needed": needed,
            "capacity": capacity, "default_load": default_load, "short": capacity < needed,
            "pending_requests": review_pool.pending_exclusion_requests(call)}


def _render_pool(call: Call, *, invite_form: InviteForm | None = None,
                 load_error: tuple[int, MaxLoadForm] | None = None,
                 status: int = 200):
    return render_template(
        "pool/pool.html", call=call, peer=call.review_mode == ReviewMode.PEER,
        invite_form=invite_form or InviteForm(formdata=None), confirm_form=ConfirmForm(),
        load_error=load_error, **_pool_view(call)), status


@bp.route("/calls/<int:call_id>/pool")
@login_required
def pool(call_id: int):
    call = call_or_404(call_id, can_manage_call)
    return _render_pool(call)


@bp.route("/calls/<int:call_id>/pool/invite", methods=["POST"])
@login_required
def invite(call_id: int):
    call = call_or_404(call_id, can_manage_call)
    form = InviteForm()
    if not form.validate_on_submit():
        return _render_pool(call, invite_form=form, status=400)
    try:
        sent = review_pool.invite_reviewers(call=call, actor=current_user, emails=form.addresses)
    except PoolError as error:
        db.session.rollback()
        flash(POOL_REFUSALS.say(error), "error")
        return redirect(url_for("pool.pool", call_id=call.id))
    db.session.commit()
    if sent.invited:
        flash(ngettext("%(num)d invitation sent: %(addresses)s.", "%(num)d invitations sent: %(addresses)s.",
                       len(sent.invited), addresses=", ".join(sent.invited)), "success")
    if sent.skipped:
        flash(_("Already invited, not invited again: %(addresses)s. To remind them, send their invitation "
                "again from the list.", addresses=", ".join(sent.skipped)), "info")
    if form.repeated:
        flash(_("Written more than once, invited once: %(addresses)s.", addresses=", ".join(form.repeated)), "info")
    return redirect(url_for("pool.pool", call_id=call.id))


POOL_REFUSALS = Refusals(PoolError, {
    "committed_assignments": lambda p: ngettext(
        "This person holds %(num)d committed assignment: give it to another reviewer first (assignment page), then "
        "remove them.",
        "This person holds %(num)d committed assignments: give them to other reviewers first (assignment page), "
        "then remove them.", p.get("count", 0)),
    "already_invited": _l("%(email)s is already invited."),
    "peer_prize_invites_nobody": _l("In a peer prize the reviewers are the applicants: nobody is invited."),
    "review_over": _l("The review of this call is over: nothing can be changed any more. Nothing was changed."),
    "invitation_answered": _l("This invitation has already been answered."),
    "invitation_for_another_address": _l("This invitation was sent to %(email)s: sign in with that address to "
                                         "answer it."),
    "peer_reviewers_are_the_applicants": _l("In a peer prize the reviewers are the applicants: they leave the pool "
                                            "only by withdrawing their project."),
    "not_in_pool": _l("This person is not in the pool of this call."),
    "negative_max_load": _l("The maximum cannot be negative."),
    "reason_required": _l("Give the reason."),
    "not_the_reviewer": _l("Only the reviewer concerned can declare this conflict of interest."),
    "not_in_team": _l("Only a member of the project's team can do this."),
    "exclusion_needs_an_organiser": _l("After the submission deadline, an exclusion is a request that an organiser "
                                       "decides."),
    "unknown_submission": _l("This project is not a submitted project of the call."),
}, default=NOT_POSSIBLE)


def _confirmed() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400)


@bp.route("/calls/<int:call_id>/pool/invitations/<int:invitation_id>/resend", methods=["POST"])
@login_required
def resend(call_id: int, invitation_id: int):
    call = call_or_404(call_id, can_manage_call)
    invitation = of_call_or_404(ReviewerInvitation, invitation_id, call)
    _confirmed()
    try:
        review_pool.resend_invitation(invitation=invitation, actor=current_user)
    except PoolError as error:
        db.session.rollback()
        flash(POOL_REFUSALS.say(error), "error")
    else:
        db.session.commit()
        flash(_("The invitation is sent again to %(email)s.", email=invitation.email), "success")
    return redirect(url_for("pool.pool", call_id=call.id) + "#pending-title")


@bp.route("/calls/<int:call_id>/pool/invitations/<int:invitation_id>/cancel", methods=["POST"])
@login_required
def cancel_invitation(call_id: int, invitation_id: int):
    call = call_or_404(call_id, can_manage_call)
    invitation = of_call_or_404(ReviewerInvitation, invitation_id, call)
    _confirmed()
    email = invitation.email
    try:
        review_pool.cancel_invitation(invitation=invitation, actor=current_user)
    except PoolError as error:
        db.session.rollback()
        flash(POOL_REFUSALS.say(error), "error")
    else:
        db.session.commit()
        flash(_("The invitation to %(email)s is cancelled: its link no longer works.", email=email), "success")
    return redirect(url_for("pool.pool", call_id=call.id) + "#pending-title")


@bp.route("/calls/<int:call_id>/pool/members/<int:user_id>/remove", methods=["POST"])
@login_required
def remove(call_id: int, user_id: int):
    call = call_or_404(call_id, can_manage_call)
    person = db.get_or_404(User, user_id)
    _confirmed()
    try:
        review_pool.remove_from_pool(call=call, user=person, actor=current_user)
    except PoolError as error:
        db.session.rollback()
        flash(_("%(name)s stays in the pool.", name=person.full_name) + " " + POOL_REFUSALS.say(error), "error")
    else:
        db.session.commit()
        flash(_("%(name)s is removed from the pool.", name=person.full_name), "success")
    return redirect(url_for("pool.pool", call_id=call.id))


@bp.route("/calls/<int:call_id>/pool/members/<int:user_id>/max-load", methods=["POST"])
@login_required
def max_load(call_id: int, user_id: int):
    call = call_or_404(call_id, can_manage_call)
    person = db.get_or_404(User, user_id)
    form = MaxLoadForm()
    if not form.validate_on_submit():
        return _render_pool(call, load_error=(person.id, form), status=400)
    try:
        review_pool.set_max_load(call=call, user=person, actor=current_user, max_load=form.max_load.data)
    except PoolError as error:
        db.session.rollback()
        flash(POOL_REFUSALS.say(error), "error")
    else:
        db.session.commit()
        if form.max_load.data is None:
            flash(_("%(name)s now reviews at most the call's default number of projects.", name=person.full_name),
                  "success")
        else:
            flash(ngettext("%(name)s now reviews at most %(num)d project.",
                           "%(name)s now reviews at most %(num)d projects.", form.max_load.data,
                           name=person.full_name), "success")
    return redirect(url_for("pool.pool", call_id=call.id) + f"#person-{person.id}")


# --- conflicts -----------------------------------------------------------------------------------------

@dataclass
class PairRow:
    """A pair of the page, each of its reasons with its sentence."""

    submission: Submission
    reviewer: User
    reasons: list[tuple[review_pool.ConflictLine, str]]
    waived: list[tuple[review_pool.ConflictLine, str]]


def _choices(items, text, empty) -> list[SelectChoice]:
    return [SelectChoice(0, str(empty))] + [SelectChoice(item.id, text(item)) for item in items]


def _submission_text(s: Submission) -> str:
    return f"{s.reference} – {s.title or _('(untitled)')}"


def _person_text(u: User) -> str:
    return f"{u.full_name} ({u.email})"


def _filter_args() -> dict:
    """The conflicts page's filters and page number, to come back to the same place after a change."""
    args = {name: parse_int(request.args.get(name)) for name in ("submission", "reviewer", "page")}
    return {name: value for name, value in args.items() if value}


def _conflicts_view(call: Call) -> dict:
    overview = review_pool.conflicts_overview(
        call, submission_id=parse_int(request.args.get("submission")),
        reviewer_id=parse_int(request.args.get("reviewer")), page=int_arg("page", 1), per_page=PAGE_SIZE)
    filters = ConflictFilterForm(request.args)
    filters.submission.choices = _choices(overview.submissions, _submission_text, _l("All projects"))
    filters.reviewer.choices = _choices(overview.reviewers, _person_text, _l("All reviewers"))
    pairs = overview.page.items
    words = describe_many({(i, kind): [line.reason for line in lines] for i, pair in enumerate(pairs)
                           for kind, lines in (("active", pair.reasons), ("waived", pair.waived))})
    rows = [PairRow(submission=pair.submission, reviewer=pair.reviewer,
                    reasons=list(zip(pair.reasons, words[(i, "active")], strict=True)),
                    waived=list(zip(pair.waived, words[(i, "waived")], strict=True)))
            for i, pair in enumerate(pairs)]
    return {"rows": rows, "page": overview.page, "filters": filters, "counts": overview.counts,
            "waived_counts": overview.waived_counts, "total_pairs": overview.total_pairs,
            "waiver_authors": overview.waiver_authors, "submission_choices": filters.submission.choices,
            "reviewer_choices": filters.reviewer.choices, "filtered": overview.filtered}


@dataclass
class RequestRow:
    """An exclusion the applicants asked for after the deadline, with who the address is in this call."""

    request: ExclusionRequest
    person: User | None  # the account with this address, if any
    reviewer: bool  # among the call's reviewers
    jury: bool  # a member of the call's jury
    committed: int  # their announced assignments to this project


def _requests_view(call: Call) -> list[RequestRow]:
    """The call's exclusion requests with who each address is here: a few queries, whatever their number."""
    rows = review_pool.exclusion_requests(call)
    emails = {r.email for r in rows}
    people = {u.email: u for u in db.session.scalars(db.select(User).where(User.email.in_(emails)))} if emails else {}
    jury, committed, reviewer_ids = set(), {}, set()
    if people:
        jury = set(db.session.scalars(db.select(CallRole.user_id).where(
            CallRole.call_id == call.id, CallRole.role == CallRoleKind.JURY)))
        committed = {(sid, rid): n for sid, rid, n in db.session.execute(
            db.select(Assignment.submission_id, Assignment.reviewer_id, db.func.count(Assignment.id))
            .where(Assignment.call_id == call.id, Assignment.status == AssignmentStatus.COMMITTED,
                   Assignment.reviewer_id.in_([u.id for u in people.values()]))
            .group_by(Assignment.submission_id, Assignment.reviewer_id))}
        reviewer_ids = {u.id for u in review_pool.reviewers(call)}
    result = []
    for row in rows:
        person = people.get(row.email)
        result.append(RequestRow(request=row, person=person, reviewer=person is not None and person.id in reviewer_ids,
                                 jury=person is not None and person.id in jury,
                                 committed=committed.get((row.submission_id, person.id), 0) if person else 0))
    return result


def _render_conflicts(call: Call, *, declare_form: DeclareConflictForm | None = None,
                      waive_form: WaiveForm | None = None, decision: tuple[int, ExclusionDecisionForm] | None = None,
                      problem: str | None = None, status: int = 200):
    view = _conflicts_view(call)
    if declare_form is None:
        declare_form = DeclareConflictForm(formdata=None)
    declare_form.submission.choices = view["submission_choices"]
    declare_form.reviewer.choices = view["reviewer_choices"]
    requests = _requests_view(call)
    return render_template("pool/conflicts.html", call=call, declare_form=declare_form, waive_form=waive_form,
                           problem=problem, confirm_form=ConfirmForm(), args=_filter_args(),
                           pending_requests=[r for r in requests if r.request.status == ExclusionRequestStatus.PENDING],
                           decided_requests=[r for r in requests if r.request.status != ExclusionRequestStatus.PENDING],
                           decision=decision,
                           decision_form=ExclusionDecisionForm(formdata=None), **view), status


@bp.route("/calls/<int:call_id>/conflicts")
@login_required
def conflicts(call_id: int):
    call = call_or_404(call_id, can_manage_call)
    return _render_conflicts(call)


def _back_to_conflicts(call: Call):
    return redirect(url_for("pool.conflicts", call_id=call.id, **_filter_args()) + "#pairs-title")


@bp.route("/calls/<int:call_id>/conflicts/declare", methods=["POST"])
@login_required
def declare(call_id: int):
    call = call_or_404(call_id, can_manage_call)
    form = DeclareConflictForm()
    inputs = review_pool.call_inputs(call)
    form.submission.choices = _choices(inputs.submissions, _submission_text, _l("Choose a project"))
    form.reviewer.choices = _choices(inputs.reviewers, _person_text, _l("Choose a reviewer"))
    if not form.validate_on_submit():
        return _render_conflicts(call, declare_form=form, status=400)
    submission = submitted_of_call_or_404(form.submission.data, call)
    person = db.get_or_404(User, form.reviewer.data)
    existing = db.session.scalar(db.select(ConflictDeclaration.id).where(
        ConflictDeclaration.submission_id == submission.id, ConflictDeclaration.reviewer_id == person.id,
        ConflictDeclaration.source == ConflictSource.ORGANISER))
    if existing is not None:
        flash(_("An organiser has already set a conflict between %(name)s and %(reference)s.",
                name=person.full_name, reference=submission.reference), "info")
        return _back_to_conflicts(call)
    review_pool.declare_conflict(submission=submission, reviewer=person, source=ConflictSource.ORGANISER,
                                 actor=current_user, reason=form.reason.data)
    db.session.commit()
    flash(_("%(name)s will not review %(reference)s.", name=person.full_name, reference=submission.reference),
          "success")
    return _back_to_conflicts(call)


@bp.route("/calls/<int:call_id>/conflicts/waive", methods=["POST"])
@login_required
def waive(call_id: int):
    call = call_or_404(call_id, can_manage_call)
    form = WaiveForm()
    valid = form.validate_on_submit()
    if "csrf_token" in form.errors:
        abort(400)
    submission_id, reviewer_id = (parse_int(request.form.get(name)) for name in ("submission", "reviewer"))
    if not (submission_id and reviewer_id):
        abort(400)  # the page always sends the pair
    submission = submitted_of_call_or_404(submission_id, call)
    person = db.get_or_404(User, reviewer_id)
    if form.code.data in UNWAIVABLE:
        return _render_conflicts(call, status=400, problem=_(
            "“%(reason)s” can never be waived: nobody reviews their own project or their team's.",
            reason=code_label(form.code.data)))
    if not valid:
        return _render_conflicts(call, waive_form=form, status=400)
    if form.code.data not in {reason.code for reason in review_pool.conflict_reasons(submission, person)}:
        return _render_conflicts(call, status=400, problem=_(
            "“%(reason)s” does not apply to %(name)s and %(reference)s (any more): nothing to waive.",
            reason=code_label(form.code.data), name=person.full_name, reference=submission.reference))
    review_pool.waive_conflict(submission=submission, reviewer=person, code=form.code.data,
                               reason=form.reason.data, actor=current_user)
    db.session.commit()
    flash(_("“%(reason)s” no longer prevents %(name)s from reviewing %(reference)s.",
            reason=code_label(form.code.data), name=person.full_name, reference=submission.reference), "success")
    return _back_to_conflicts(call)


@bp.route("/calls/<int:call_id>/conflicts/waivers/<int:waiver_id>/revoke", methods=["POST"])
@login_required
def revoke_waiver(call_id: int, waiver_id: int):
    call = call_or_404(call_id, can_manage_call)
    waiver = of_call_or_404(ConflictWaiver, waiver_id, call)
    _confirmed()
    code, reference = waiver.code, waiver.submission.reference
    review_pool.revoke_waiver(waiver=waiver, actor=current_user)
    db.session.commit()
    flash(_("The waiver is revoked: “%(reason)s” applies again to %(reference)s.", reason=code_label(code),
            reference=reference), "success")
    return _back_to_conflicts(call)


@bp.route("/calls/<int:call_id>/conflicts/declarations/<int:declaration_id>/withdraw", methods=["POST"])
@login_required
def withdraw(call_id: int, declaration_id: int):
    call = call_or_404(call_id, can_manage_call)
    declaration = of_call_or_404(ConflictDeclaration, declaration_id, call)
    _confirmed()
    if not can_withdraw_conflict(current_user, declaration):
        flash(_("Only conflicts set by organisers are withdrawn here; waive the others, giving a reason."), "error")
        return _back_to_conflicts(call)
    reference = declaration.submission.reference
    review_pool.withdraw_conflict(declaration=declaration, actor=current_user)
    db.session.commit()
    flash(_("The conflict set by an organiser on %(reference)s is withdrawn.", reference=reference), "success")
    return _back_to_conflicts(call)


DECISION_ERRORS = Refusals(PoolError, {
    "request_decided": _l("This request was already decided: nothing was changed."),
    "results_published": _l("The results are published: this request can no longer be accepted. Nothing was "
                            "changed; you may still decline it."),
})


@bp.route("/calls/<int:call_id>/conflicts/requests/<int:request_id>/decide", methods=["POST"])
@login_required
def decide_request(call_id: int, request_id: int):
    call = call_or_404(call_id, can_manage_call)
    exclusion = of_call_or_404(ExclusionRequest, request_id, call)
    require(can_decide_exclusion_request(current_user, exclusion))
    form = ExclusionDecisionForm()
    valid = form.validate_on_submit()
    decision = request.form.get("decision")
    if "csrf_token" in form.errors or decision not in DECISIONS:
        abort(400)
    if not valid:
        return _render_conflicts(call, decision=(exclusion.id, form), status=400)
    try:
        review_pool.decide_exclusion_request(request=exclusion, actor=current_user, accept=decision == "accept",
                                             reason=form.reason.data)
    except PoolError as error:
        db.session.rollback()
        return _render_conflicts(call, status=409, problem=DECISION_ERRORS.say(error))
    db.session.commit()
    reference = exclusion.submission.reference
    if decision == "accept":
        flash(_("Request accepted: %(email)s will not review %(reference)s.", email=exclusion.email,
                reference=reference), "success")
    else:
        flash(_("Request declined: the exclusion of %(email)s from %(reference)s does not apply.",
                email=exclusion.email, reference=reference), "success")
    return redirect(url_for("pool.conflicts", call_id=call.id, **_filter_args()) + "#requests-title")


# --- affinity ------------------------------------------------------------------------------------------

def _number(value: float) -> str:
    return format_decimal(value, format="0.000")


@bp.route("/calls/<int:call_id>/affinity")
@login_required
def affinity(call_id: int):
    call = call_or_404(call_id, can_manage_call)
    inputs = review_pool.call_inputs(call)
    form = AffinityForm(request.args)
    form.submission.choices = _choices(inputs.submissions, _submission_text, _l("Choose a project"))
    form.reviewer.choices = _choices(inputs.reviewers, _person_text, _l("Choose a reviewer"))
    submission_id = parse_int(request.args.get("submission"))
    reviewer_id = parse_int(request.args.get("reviewer"))
    context = {"call": call, "form": form, "explanation": None, "problem": None}
    if not (submission_id and reviewer_id):
        return render_template("pool/affinity.html", **context)
    submission = submitted_of_call_or_404(submission_id, call)
    person = db.get_or_404(User, reviewer_id)
    context |= {"submission": submission, "person": person,
                "conflicts": describe(review_pool.conflict_reasons(submission, person))}
    if submission.id not in inputs.submission_ids or person.id not in inputs.reviewer_ids:
        context["problem"] = _("%(name)s is not among the reviewers of this call, or the project is no longer "
                               "submitted: no affinity is computed for this pair.", name=person.full_name)
        return render_template("pool/affinity.html", **context)
    matrix = review_pool.affinity_matrix(call, inputs=inputs)
    s, r = inputs.submission_ids.index(submission.id), inputs.reviewer_ids.index(person.id)
    e = matrix.explain(s, r, top=10)
    w = matrix.weights
    bid_label = BidLevel(e.bid.value).label if e.bid is not None else _l("No bid")
    parts = [
        {"name": _("Text similarity"), "value": e.text_similarity, "weight": w.text, "part": e.text_part,
         "detail": _("cosine %(value)s", value=_number(e.text_similarity))},
        {"name": _("Theme match"), "value": float(e.theme_match), "weight": w.theme, "part": e.theme_part,
         "detail": _("the project's category is one of the reviewer's themes") if e.theme_match
         else _("the project's category is not among the reviewer's themes")},
        {"name": _("Bid"), "value": w.bid_value(e.bid), "weight": w.bid, "part": e.bid_part,
         "detail": str(bid_label)},
    ]
    context |= {"explanation": e, "parts": parts, "score": float(matrix.scores[s, r]), "bid_label": bid_label,
                "number": _number, "category": submission.category, "member": inputs.members.get(person.id)}
    return render_template("pool/affinity.html", **context)
