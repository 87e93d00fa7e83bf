"""The reviewers' pages: invitations, profile per call, conflict declarations, bids, assignments.

What a reviewer sees of the projects comes in two steps: first the titles only, to declare conflicts; then,
once the declarations are confirmed (permissions.can_bid), the summaries of the projects they are not
conflicted with, to bid. A conflicted project is left out of everything else: lists, counts, bids,
assignments. No page here shows the applicants' names (blind calls hide them everywhere; open calls need
them nowhere on these pages).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..enums import AssignmentStatus, BidLevel, CallPhase, ConflictSource, ReviewStatus
from ..extensions import db
from ..forms.reviewer import (
    REASON_MAX,
    BidsForm,
    DeclarationsForm,
    DeclineForm,
    InvitationAnswerForm,
    ReviewerProfileForm,
)
from ..models import (
    Assignment,
    Call,
    ConflictDeclaration,
    PoolMember,
    Review,
    ReviewerInvitation,
    Submission,
)
from ..permissions import (
    can_answer_invitation,
    can_bid,
    can_decline_assignment,
    can_review_for_call,
    can_use_account,
    require,
)
from ..services import assignment as assignment_service
from ..services import calls as call_service
from ..services import review_pool, reviews
from ..services.tokens import TokenError
from .loading import call_or_404
from .refusals import Refusals

bp = Blueprint("reviewer", __name__, url_prefix="/reviewing")

BID_CHOICES = ("eager", "willing", "not_interested", "")  # "": no opinion

# What the reviewers' own changes may be refused for (services/review_pool: their window, their projects).
REFUSALS = Refusals(review_pool.PoolError, {
    "review_over": _l("The review of this call is over: nothing can be changed any more. Nothing was changed."),
    "unknown_submission": _l("The form could not be read. Please send it again."),
})


def _own_member(call: Call) -> PoolMember | None:
    """The reviewer's pool row, without creating the one of a peer reviewer on a page that only reads."""
    return db.session.scalar(db.select(PoolMember).where(PoolMember.call_id == call.id,
                                                         PoolMember.user_id == current_user.id))


def _committed_assignments(call: Call, hidden: set[int]) -> list[Assignment]:
    """The reviewer's announced assignments in `call`, without the projects in `hidden` (conflicts)."""
    rows = db.session.scalars(
        db.select(Assignment).join(Submission, Submission.id == Assignment.submission_id)
        .where(Assignment.call_id == call.id, Assignment.reviewer_id == current_user.id,
               Assignment.status == AssignmentStatus.COMMITTED)
        .order_by(Submission.title, Submission.id)).all()
    return [a for a in rows if a.submission_id not in hidden]


# --- invitations ----------------------------------------------------------------------------------------

@bp.route("/invitations/<token>", methods=["GET", "POST"])
def invitation(token: str):
    try:
        invitation = review_pool.invitation_from_token(token,
                                                       max_age=current_app.config["INVITATION_MAX_AGE_SECONDS"])
    except TokenError as error:
        return render_template("reviewer/invitation.html", reason=error.code, invitation=None), 400
    call = invitation.call
    status, problem = 200, None
    if request.method == "POST":
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.path, email=invitation.email))
        answer = request.form.get("answer")
        if not InvitationAnswerForm().validate_on_submit() or answer not in ("accept", "decline"):
            problem, status = _("The form could not be read. Please send it again."), 400
        else:
            require(can_answer_invitation(current_user, invitation))
            try:
                review_pool.respond_to_invitation(invitation=invitation, user=current_user,
                                                  accept=answer == "accept")
            except review_pool.PoolError as error:
                db.session.rollback()
                return _render_invitation(invitation, problem=REFUSALS.say(error), status=409)
            db.session.commit()
            if answer == "accept":
                flash(_("Thank you: you are now a reviewer of “%(title)s”. Start with your profile and your "
                        "declarations of interest.", title=call.title), "success")
                return redirect(url_for("reviewer.home", _anchor=f"call-{call.id}"))
            flash(_("You declined to review for “%(title)s”. You can still accept from this page while the "
                    "link is valid.", title=call.title), "info")
            return redirect(url_for("reviewer.invitation", token=token))
    return _render_invitation(invitation, problem=problem, status=status)


def _render_invitation(invitation: ReviewerInvitation, *, problem: str | None, status: int):
    call = invitation.call
    member = _own_member(call) if can_answer_invitation(current_user, invitation) else None
    return render_template("reviewer/invitation.html", reason=None, invitation=invitation, call=call,
                           member=member, problem=problem, changes_open=review_pool.invitations_open(call),
                           form=InvitationAnswerForm()), status


# --- my reviewing ---------------------------------------------------------------------------------------

@dataclass
class CallProgress:
    call: Call
    phase: CallPhase
    member: PoolMember | None
    projects: int  # submitted projects the reviewer is not conflicted with
    bids: int
    assignments: int
    step: str  # profile, conflicts, bids, assignments, closed

    @property
    def declared_at(self) -> datetime | None:
        return self.member.conflicts_declared_at if self.member else None


def _progress(call: Call) -> CallProgress:
    member = _own_member(call)
    hidden = set(review_pool.conflicts_of_reviewer(call, current_user))
    visible = {s.id for s in review_pool.submissions_to_review(call)} - hidden
    bids = sum(1 for sid in review_pool.bids_of(call, current_user) if sid in visible)
    assignments = len(_committed_assignments(call, hidden))
    phase = call_service.current_phase(call)
    declared = member is not None and member.conflicts_declared_at is not None
    profile_empty = member is None or not (member.keywords or member.themes or member.max_load is not None)
    if not review_pool.reviewers_open(call) and not assignments:
        step = "closed"
    elif not declared and profile_empty:
        step = "profile"
    elif not declared:
        step = "conflicts"
    elif assignments:
        step = "assignments"
    else:
        step = "bids"
    return CallProgress(call=call, phase=phase, member=member, projects=len(visible), bids=bids,
                        assignments=assignments, step=step)


@bp.route("/")
@login_required
def home():
    require(can_use_account(current_user))
    rows = [_progress(call) for call in review_pool.reviewing_calls(current_user)]
    return render_template("reviewer/home.html", rows=rows)


# --- profile --------------------------------------------------------------------------------------------

def _default_load(call: Call) -> int:
    if call.reviewer_max_load is not None:
        return call.reviewer_max_load
    inputs = review_pool.call_inputs(call)
    n, m = len(inputs.submissions), len(inputs.reviewers)
    return -(-call.reviewers_per_submission * n // m) + 1 if m else 0


@bp.route("/calls/<int:call_id>/profile", methods=["GET", "POST"])
@login_required
def profile(call_id: int):
    call = call_or_404(call_id, can_review_for_call)
    member = _own_member(call)
    form = ReviewerProfileForm()
    form.themes.choices = [(c, c) for c in call.categories]
    status, notice = 200, None
    if request.method == "GET":
        if member is not None:
            form.keywords.data = ", ".join(member.keywords or [])
            form.themes.data = [t for t in member.themes or [] if t in call.categories]
            form.max_load.data = member.max_load
    elif not form.validate_on_submit():
        status = 400
    else:
        try:
            member = review_pool.member_for(call, current_user)
            review_pool.update_profile(member=member, actor=current_user, keywords=form.keyword_list(),
                                       themes=form.themes.data or [], max_load=form.max_load.data)
        except review_pool.PoolError as error:
            db.session.rollback()
            return _render_profile(call, form, member=_own_member(call), notice=REFUSALS.say(error), status=409)
        db.session.commit()
        flash(_("Your profile for this call is saved."), "success")
        declared = member.conflicts_declared_at is not None
        return redirect(url_for("reviewer.bids" if declared else "reviewer.conflicts", call_id=call.id))
    return _render_profile(call, form, member=member, notice=notice, status=status)


def _render_profile(call: Call, form: ReviewerProfileForm, *, member: PoolMember | None, notice: str | None,
                    status: int):
    return render_template("reviewer/profile.html", call=call, form=form, notice=notice,
                           default_load=_default_load(call), member=member), status


# --- conflicts: the list of titles ----------------------------------------------------------------------

@dataclass
class TitleRow:
    submission: Submission
    checked: bool
    reason: str
    error: str | None = None


# Reasons a reviewer is never told of: that the applicants named them must not reach them, or the
# exclusion would expose the team to the person it feared. Such a project is simply not offered.
UNTOLD = frozenset({"declared_by_applicant"})


def _title_rows(call: Call) -> tuple[list[TitleRow], list[Submission]]:
    """The projects the reviewer may declare a conflict with (their own declarations ticked), and those
    already excluded for them by another rule they may know of (their team, their service, an organiser).
    A project only the applicants' exclusion keeps from them is in neither list, unless they declared a
    conflict with it themselves."""
    reasons = review_pool.conflicts_of_reviewer(call, current_user)
    own = {d.submission_id: d for d in db.session.scalars(db.select(ConflictDeclaration).where(
        ConflictDeclaration.reviewer_id == current_user.id, ConflictDeclaration.source == ConflictSource.REVIEWER))}
    rows, excluded = [], []
    for s in sorted(review_pool.submissions_to_review(call), key=lambda s: (s.title.casefold(), s.id)):
        codes = {r.code for r in reasons.get(s.id, [])}
        declaration = own.get(s.id)
        if codes - UNTOLD - {"declared_by_reviewer"}:
            excluded.append(s)
        elif codes & UNTOLD and declaration is None:
            continue
        else:
            rows.append(TitleRow(s, declaration is not None, declaration.reason if declaration else ""))
    return rows, excluded


@bp.route("/calls/<int:call_id>/conflicts", methods=["GET", "POST"])
@login_required
def conflicts(call_id: int):
    call = call_or_404(call_id, can_review_for_call)
    rows, excluded = _title_rows(call)
    form = DeclarationsForm()
    member = _own_member(call)
    status, notice = 200, None
    if request.method == "POST":
        problems = 0
        for row in rows:
            sid = row.submission.id
            row.checked = request.form.get(f"conflict-{sid}") == "1"
            row.reason = request.form.get(f"reason-{sid}", "").strip()
            if len(row.reason) > REASON_MAX:
                row.error = _("At most %(max)d characters: there are %(length)d.", max=REASON_MAX,
                              length=len(row.reason))
            elif row.reason and not row.checked:
                row.error = _("You gave a reason: tick the box as well, or clear the reason.")
            problems += row.error is not None
        if not form.validate_on_submit():
            notice, status = _("The form could not be read. Please send it again."), 400
        elif problems:
            notice, status = _("Nothing was saved: correct the lines marked below."), 400
        else:
            try:
                review_pool.save_declarations(call=call, reviewer=current_user,
                                              declared={r.submission.id: r.reason for r in rows if r.checked})
            except review_pool.PoolError as error:
                db.session.rollback()
                notice, status = REFUSALS.say(error), 409
            else:
                db.session.commit()
                flash(_("Your declarations are saved. You can now read the summaries of the other projects and "
                        "say which ones you would like to review."), "success")
                return redirect(url_for("reviewer.bids", call_id=call.id))
    return render_template("reviewer/conflicts.html", call=call, rows=rows, excluded=excluded, form=form,
                           notice=notice, member=member, changes_open=review_pool.reviewers_open(call)), status


# --- bids -----------------------------------------------------------------------------------------------

@bp.route("/calls/<int:call_id>/bids", methods=["GET", "POST"])
@login_required
def bids(call_id: int):
    call = call_or_404(call_id, can_review_for_call)
    if not can_bid(current_user, call):
        flash(_("First declare your conflicts of interest from the list of titles: the summaries are shown "
                "after that."), "info")
        return redirect(url_for("reviewer.conflicts", call_id=call.id))
    offered = review_pool.biddable(call, current_user)
    projects = offered.projects
    form = BidsForm()
    category = (form.category.data if request.method == "POST" else request.args.get("category")) or ""
    if category not in call.categories:
        category = ""
    shown = [s for s in projects if not category or s.category == category]
    current = {sid: level.value for sid, level in review_pool.bids_of(call, current_user).items()}
    status, notice = 200, None
    if request.method == "POST":
        typed = {s.id: request.form.get(f"bid-{s.id}", "") for s in shown if f"bid-{s.id}" in request.form}
        if not form.validate_on_submit() or any(v not in BID_CHOICES for v in typed.values()):
            notice, status = _("The form could not be read. Please send it again."), 400
        else:
            try:
                changed = review_pool.place_bids(
                    call=call, reviewer=current_user,
                    levels={sid: BidLevel(v) if v else None for sid, v in typed.items()})
            except review_pool.PoolError as error:
                db.session.rollback()
                notice, status = REFUSALS.say(error), 409
            else:
                db.session.commit()
                flash(_("Your choices are saved.") if changed else _("Nothing changed."), "success")
                return redirect(url_for("reviewer.bids", call_id=call.id, category=category or None))
        current |= typed
    form.category.data = category
    visible = {s.id for s in projects}
    counts = {level: sum(1 for sid, v in current.items() if sid in visible and v == level)
              for level in BID_CHOICES if level}
    counts[""] = len(projects) - sum(counts.values())
    return render_template("reviewer/bids.html", call=call, form=form, projects=shown, total=len(projects),
                           waiting=offered.waiting, category=category, bid_levels=current, counts=counts,
                           notice=notice, changes_open=review_pool.reviewers_open(call)), status


# --- assignments ----------------------------------------------------------------------------------------

@bp.route("/calls/<int:call_id>/assignments")
@login_required
def assignments(call_id: int):
    call = call_or_404(call_id, can_review_for_call)
    hidden = set(review_pool.conflicts_of_reviewer(call, current_user))
    rows = _committed_assignments(call, hidden)
    statuses = dict(db.session.execute(db.select(Review.submission_id, Review.status).where(
        Review.call_id == call.id, Review.reviewer_id == current_user.id)).all())
    done = sum(1 for a in rows if statuses.get(a.submission_id) == ReviewStatus.SUBMITTED)
    return render_template("reviewer/assignments.html", call=call, rows=rows, form=DeclineForm(formdata=None),
                           phase=call_service.current_phase(call), statuses=statuses, done=done,
                           open_for_reviews=reviews.accepts_reviews(call))


DECLINE_ERRORS = Refusals(assignment_service.AssignmentError, {
    "not_committed": _l("This assignment is no longer yours: nothing was changed."),
    "not_your_assignment": _l("This assignment is not yours: nothing was changed."),
    "review_started": _l("You have started this review: it can no longer be declined. Write to the "
                         "organisers if you cannot finish it."),
})


@bp.route("/assignments/<int:assignment_id>/decline", methods=["POST"])
@login_required
def decline(assignment_id: int):
    assignment = db.get_or_404(Assignment, assignment_id)
    require(can_decline_assignment(current_user, assignment))
    back = url_for("reviewer.assignments", call_id=assignment.call_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        flash(" ".join(form.errors.get("reason", [])) or _("The form could not be read. Please send it again."),
              "error")
        return redirect(back)
    try:
        assignment_service.decline(assignment=assignment, reviewer=current_user, reason=form.reason.data or "")
    except assignment_service.AssignmentError as error:
        db.session.rollback()
        flash(DECLINE_ERRORS.say(error), "error")
        return redirect(back)
    db.session.commit()
    flash(_("You declined this review. The organisers will ask someone else."), "success")
    return redirect(back)
