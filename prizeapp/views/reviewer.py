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
from ..models import Assignment, Call, ConflictDeclaration, PoolMember, Review, Submission
from ..permissions import (
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

bp = Blueprint("reviewer", __name__, url_prefix="/reviewing")

# Phases in which a reviewer may change their profile, declarations and bids.
CHANGES_OPEN = (CallPhase.OPEN, CallPhase.REVIEW)
BID_CHOICES = ("eager", "willing", "not_interested", "")  # "": no opinion


@bp.context_processor
def _template_helpers() -> dict:
    return {"phase_of": call_service.current_phase}


def _changes_open(call: Call) -> bool:
    return call_service.current_phase(call) in CHANGES_OPEN


def _closed_message() -> str:
    return _("The review of this call is over: nothing can be changed any more. Nothing was changed.")


def _load_call(call_id: int) -> Call:
    call = db.get_or_404(Call, call_id)
    require(can_review_for_call(current_user, call))
    return call


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
        return render_template("reviewer/invitation.html", reason=error.reason, invitation=None), 400
    call = invitation.call
    signed_in = current_user.is_authenticated
    other_address = signed_in and current_user.email != invitation.email
    status, problem = 200, None
    if request.method == "POST":
        if not signed_in:
            return redirect(url_for("auth.login", next=request.path, email=invitation.email))
        answer = request.form.get("answer")
        if not InvitationAnswerForm().validate_on_submit() or answer not in ("accept", "decline"):
            problem, status = _("The form could not be read. Please send it again."), 400
        elif other_address:
            status = 403
        else:
            review_pool.respond_to_invitation(invitation=invitation, user=current_user, accept=answer == "accept")
            db.session.commit()
            if answer == "accept":
                flash(_("Thank you: you are now a reviewer of “%(title)s”. Start with your profile and your "
                        "declarations of interest.", title=call.title), "success")
                return redirect(url_for("reviewer.home", _anchor=f"call-{call.id}"))
            flash(_("You declined to review for “%(title)s”. You can still accept from this page while the "
                    "link is valid.", title=call.title), "info")
            return redirect(url_for("reviewer.invitation", token=token))
    member = None
    if signed_in and not other_address:
        member = db.session.scalar(db.select(PoolMember).where(PoolMember.call_id == call.id,
                                                               PoolMember.user_id == current_user.id))
    return render_template("reviewer/invitation.html", reason=None, invitation=invitation, call=call,
                           other_address=other_address, member=member, problem=problem,
                           changes_open=call_service.current_phase(call) not in (CallPhase.PUBLISHED,
                                                                                 CallPhase.ARCHIVED),
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
    if phase not in CHANGES_OPEN and not assignments:
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
    call = _load_call(call_id)
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
    elif not _changes_open(call):
        notice, status = _closed_message(), 409
    else:
        member = review_pool.member_for(call, current_user)
        review_pool.update_profile(member=member, actor=current_user, keywords=form.keyword_list(),
                                   themes=form.themes.data or [], max_load=form.max_load.data)
        db.session.commit()
        flash(_("Your profile for this call is saved."), "success")
        declared = member.conflicts_declared_at is not None
        return redirect(url_for("reviewer.bids" if declared else "reviewer.conflicts", call_id=call.id))
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
    call = _load_call(call_id)
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
        elif not _changes_open(call):
            notice, status = _closed_message(), 409
        else:
            review_pool.save_declarations(call=call, reviewer=current_user,
                                          declared={r.submission.id: r.reason for r in rows if r.checked})
            db.session.commit()
            flash(_("Your declarations are saved. You can now read the summaries of the other projects and say "
                    "which ones you would like to review."), "success")
            return redirect(url_for("reviewer.bids", call_id=call.id))
    return render_template("reviewer/conflicts.html", call=call, rows=rows, excluded=excluded, form=form,
                           notice=notice, member=member, changes_open=_changes_open(call)), status


# --- bids -----------------------------------------------------------------------------------------------

def _biddable(call: Call, member: PoolMember) -> tuple[list[Submission], int]:
    """The projects the reviewer may bid on: submitted, not conflicted, and submitted before their
    declarations (a later one waits until they have seen its title in the list); and how many wait."""
    hidden = set(review_pool.conflicts_of_reviewer(call, current_user))
    shown, waiting = [], 0
    for s in review_pool.submissions_to_review(call):
        if s.id in hidden:
            continue
        if s.submitted_at is not None and s.submitted_at <= member.conflicts_declared_at:
            shown.append(s)
        else:
            waiting += 1
    return shown, waiting


@bp.route("/calls/<int:call_id>/bids", methods=["GET", "POST"])
@login_required
def bids(call_id: int):
    call = _load_call(call_id)
    if not can_bid(current_user, call):
        flash(_("First declare your conflicts of interest from the list of titles: the summaries are shown "
                "after that."), "info")
        return redirect(url_for("reviewer.conflicts", call_id=call.id))
    member = _own_member(call)
    projects, waiting = _biddable(call, member)
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
        elif not _changes_open(call):
            notice, status = _closed_message(), 409
        else:
            changed = review_pool.place_bids(call=call, reviewer=current_user,
                                             levels={sid: BidLevel(v) if v else None for sid, v in typed.items()})
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
                           waiting=waiting, category=category, bid_levels=current, counts=counts, notice=notice,
                           changes_open=_changes_open(call)), status


# --- assignments ----------------------------------------------------------------------------------------

@bp.route("/calls/<int:call_id>/assignments")
@login_required
def assignments(call_id: int):
    call = _load_call(call_id)
    hidden = set(review_pool.conflicts_of_reviewer(call, current_user))
    rows = _committed_assignments(call, hidden)
    statuses = dict(db.session.execute(db.select(Review.submission_id, Review.status).where(
        Review.call_id == call.id, Review.reviewer_id == current_user.id)).all())
    done = sum(1 for a in rows if statuses.get(a.submission_id) == ReviewStatus.SUBMITTED)
    return render_template("reviewer/assignments.html", call=call, rows=rows, form=DeclineForm(formdata=None),
                           phase=call_service.current_phase(call), statuses=statuses, done=done,
                           open_for_reviews=reviews.accepts_reviews(call))


DECLINE_ERRORS = {
    "not_committed": lambda: _("This assignment is no longer yours: nothing was changed."),
    "review_started": lambda: _("You have started this review: it can no longer be declined. Write to the "
                                "organisers if you cannot finish it."),
}


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
        code = error.codes[0] if getattr(error, "codes", None) else ""
        flash(DECLINE_ERRORS.get(code, lambda: _("This action is not possible now."))(), "error")
        return redirect(back)
    db.session.commit()
    flash(_("You declined this review. The organisers will ask someone else."), "success")
    return redirect(back)
