"""What happened in one call, for its organisers: the emails it sent (re-send a failed one), its audit log
(and its export), and giving a late reviewer's unfinished reviews to others (the organisers' daily digest
links here)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required

from ..core.localtime import to_local
from ..core.spreadsheet import to_csv
from ..enums import OutboxStatus
from ..extensions import db
from ..forms.admin import ConfirmForm
from ..forms.call_logs import AuditFilterForm, EmailFilterForm
from ..models import (
    Assignment,
    AuditEvent,
    Call,
    DigestItem,
    OutboxEmail,
    Submission,
    User,
)
from ..permissions import (
    can_manage_call,
    can_manage_call_emails,
    can_view_call_audit,
    require,
)
from ..services import assignment as assignment_service
from ..services import audit, reminders
from ..services import calls as calls_service
from ..services import reviews as reviews_service
from ..web import int_arg
from .helpers import csv_download, resend_email, same_origin_download
from .solver_messages import say

bp = Blueprint("call_logs", __name__, url_prefix="/manage")

PAGE_SIZE = 50

EMAIL_KINDS = {
    "submission_receipt": _l("Submission receipt"),
    "team_invitation": _l("Invitation to a project's team"),
    "reviewer_invitation": _l("Invitation to review"),
    "assignments": _l("Projects to review"),
    "review_reminder": _l("Reminder to reviewers (sent by an organiser)"),
    "review_deadline_reminder": _l("Reminder to reviewers before the deadline"),
    "draft_reminder": _l("Reminder to applicants with a draft"),
    "organiser_digest": _l("Daily summary of late reviewers"),
    "digest": _l("Daily summary"),
}

ACTION_GROUPS = {
    "call": _l("The call and its settings"),
    "submission": _l("Projects"),
    "pool": _l("Reviewer pool"),
    "conflict": _l("Conflicts of interest"),
    "bid": _l("Reviewers' interests"),
    "assignment": _l("Assignment"),
    "review": _l("Reviews"),
    "calibration": _l("Ranking"),
    "outbox": _l("Emails"),
    "audit": _l("Audit log"),
}

ACTIONS = {
    "call.created": _l("Call created"),
    "call.updated": _l("Call settings changed"),
    "call.phase_changed": _l("Phase changed"),
    "call.grid_changed": _l("Evaluation grid changed"),
    "call.question_added": _l("Question added to the form"),
    "call.question_changed": _l("Question of the form changed"),
    "call.question_deleted": _l("Question deleted from the form"),
    "call.role_granted": _l("Role given"),
    "call.role_revoked": _l("Role withdrawn"),
    "call.submissions_exported": _l("Projects exported"),
    "submission.created": _l("Project started"),
    "submission.saved": _l("Project saved"),
    "submission.submitted": _l("Project submitted"),
    "submission.withdrawn": _l("Project withdrawn"),
    "submission.reopened": _l("Project reopened"),
    "submission.file_added": _l("File added"),
    "submission.file_removed": _l("File removed"),
    "submission.member_invited": _l("Team member invited"),
    "submission.member_joined": _l("Team member joined"),
    "submission.member_removed": _l("Team member removed"),
    "pool.reviewer_invited": _l("Reviewer invited"),
    "pool.invitation_accepted": _l("Invitation to review accepted"),
    "pool.invitation_cancelled": _l("Invitation to review cancelled"),
    "pool.invitation_resent": _l("Invitation to review sent again"),
    "pool.reviewer_removed": _l("Reviewer removed from the pool"),
    "pool.profile_updated": _l("Reviewer profile updated"),
    "pool.max_load_set": _l("Reviewer's maximum load set"),
    "conflict.declared": _l("Conflict of interest declared"),
    "conflict.withdrawn": _l("Conflict of interest withdrawn"),
    "conflict.waived": _l("Conflict of interest waived"),
    "conflict.waiver_revoked": _l("Waiver of a conflict revoked"),
    "conflict.declarations_confirmed": _l("Declarations of interests confirmed"),
    "conflict.exclusion_pending": _l("Exclusion of a reviewer requested"),
    "conflict.exclusion_resolved": _l("Exclusion of a reviewer decided"),
    "conflict.exclusion_withdrawn": _l("Exclusion of a reviewer withdrawn"),
    "conflict.exclusion_requested": _l("Exclusion of a reviewer asked after the deadline"),
    "conflict.exclusion_accepted": _l("Exclusion asked after the deadline accepted"),
    "conflict.exclusion_declined": _l("Exclusion asked after the deadline declined"),
    "bid.placed": _l("Interest in a project given"),
    "assignment.run_queued": _l("Assignment computation started"),
    "assignment.run_done": _l("Assignment computed"),
    "assignment.run_failed": _l("Assignment computation failed"),
    "assignment.added": _l("Reviewer assigned by hand"),
    "assignment.removed": _l("Assignment removed"),
    "assignment.committed": _l("Assignment committed"),
    "assignment.declined": _l("Assignment given back"),
    "assignment.late_conflict": _l("Late conflict of interest"),
    "assignment.reassigned": _l("Re-assignment"),
    "review.saved": _l("Review saved"),
    "review.submitted": _l("Review submitted"),
    "review.reminders_sent": _l("Reminders sent to reviewers"),
    "calibration.queued": _l("Ranking computation started"),
    "calibration.done": _l("Ranking computed"),
    "calibration.failed": _l("Ranking computation failed"),
    "calibration.reviewer_excluded": _l("Reviewer left out of the ranking"),
    "calibration.reviewer_included": _l("Reviewer taken back into the ranking"),
    "outbox.resent": _l("Email sent again"),
    "audit.exported": _l("Audit log exported"),
}

OBJECTS = {
    "calls": _l("Call"),
    "submissions": _l("Project"),
    "submission_files": _l("File"),
    "assignments": _l("Assignment"),
    "reviews": _l("Review"),
    "users": _l("Person"),
    "outbox_emails": _l("Email"),
}


def _call(call_id: int, rule) -> Call:
    call = db.get_or_404(Call, call_id)
    require(rule(current_user, call))
    return call


@bp.context_processor
def _template_helpers() -> dict:
    return {"phase_of": calls_service.current_phase, "kind_label": _kind_label, "say": say}


def _kind_label(kind: str) -> str:
    return str(EMAIL_KINDS.get(kind, kind))


def _page() -> int:
    return int_arg("page", 1)


# --- the email log --------------------------------------------------------------------------------------

@bp.route("/calls/<int:call_id>/emails")
@login_required
def emails(call_id: int):
    call = _call(call_id, can_manage_call_emails)
    of_call = OutboxEmail.call_id == call.id
    kinds = sorted(db.session.scalars(db.select(OutboxEmail.kind).where(of_call).distinct()), key=_kind_label)
    filters = EmailFilterForm(request.args, [(k, _kind_label(k)) for k in kinds])
    query = db.select(OutboxEmail).where(of_call)
    if filters.kind.data in kinds:
        query = query.where(OutboxEmail.kind == filters.kind.data)
    if filters.status.data in set(OutboxStatus):
        query = query.where(OutboxEmail.status == OutboxStatus(filters.status.data))
    page = db.paginate(query.order_by(OutboxEmail.id.desc()), page=_page(), per_page=PAGE_SIZE, error_out=False)
    counts = dict(db.session.execute(db.select(OutboxEmail.status, db.func.count()).where(of_call)
                                     .group_by(OutboxEmail.status)).all())
    held = db.session.execute(db.select(DigestItem, User).join(User, User.id == DigestItem.user_id)
                              .where(DigestItem.call_id == call.id)
                              .order_by(DigestItem.id.desc()).limit(PAGE_SIZE)).all()
    return render_template("call_logs/emails.html", call=call, page=page, filters=filters, counts=counts,
                           held=held, form=ConfirmForm(),
                           filter_args={"kind": filters.kind.data or None, "status": filters.status.data or None})


@bp.post("/calls/<int:call_id>/emails/<int:email_id>/resend")
@login_required
def resend(call_id: int, email_id: int):
    call = _call(call_id, can_manage_call_emails)
    email = db.get_or_404(OutboxEmail, email_id)
    if email.call_id != call.id:
        abort(404)
    resend_email(email)
    return redirect(url_for("call_logs.emails", call_id=call.id))


# --- the audit log --------------------------------------------------------------------------------------

def _audit_query(call: Call, prefix: str | None):
    query = db.select(AuditEvent).where(AuditEvent.call_id == call.id)
    if prefix:
        query = query.where(db.or_(AuditEvent.action == prefix, AuditEvent.action.startswith(f"{prefix}.",
                                                                                               autoescape=True)))
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def _audit_filters(call: Call) -> AuditFilterForm:
    actions = db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.call_id == call.id).distinct())
    prefixes = sorted({a.split(".", 1)[0] for a in actions}, key=lambda p: str(ACTION_GROUPS.get(p, p)))
    return AuditFilterForm(request.args, [(p, str(ACTION_GROUPS.get(p, p))) for p in prefixes])


def _object_names(events: list[AuditEvent]) -> dict[tuple[str, int], str]:
    """Readable names of the projects and people the events are about (a reference, a name)."""
    ids: dict[str, set[int]] = {}
    for e in events:
        if e.object_type in ("submissions", "users") and e.object_id is not None:
            ids.setdefault(e.object_type, set()).add(e.object_id)
    names: dict[tuple[str, int], str] = {}
    if ids.get("submissions"):
        names |= {("submissions", i): ref for i, ref in db.session.execute(
            db.select(Submission.id, Submission.reference).where(Submission.id.in_(ids["submissions"])))}
    if ids.get("users"):
        names |= {("users", u.id): u.full_name for u in db.session.scalars(
            db.select(User).where(User.id.in_(ids["users"])))}
    return names


def _describe(event: AuditEvent, names: dict[tuple[str, int], str]) -> dict:
    """An event in words: its action, its object, its details (a change as before → after)."""
    kind = str(OBJECTS.get(event.object_type, event.object_type or ""))
    obj = ""
    if event.object_type:
        obj = f"{kind} {names.get((event.object_type, event.object_id)) or f'#{event.object_id}'}"
    details = dict(event.details or {})
    change = None
    for old, new in (("before", "after"), ("from", "to")):
        if old in details and new in details:
            change = (_value(details.pop(old)), _value(details.pop(new)))
            break
    return {"when": event.at, "who": event.actor.full_name if event.actor else _("the platform"),
            "action": str(ACTIONS.get(event.action, event.action)), "code": event.action, "object": obj,
            "change": change, "details": [(k, _value(v)) for k, v in details.items()]}


def _value(value) -> str:
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_value(v)}" for k, v in value.items())
    if value is None or value == "":
        return "—"
    return str(value)


@bp.route("/calls/<int:call_id>/audit")
@login_required
def audit_log(call_id: int):
    call = _call(call_id, can_view_call_audit)
    filters = _audit_filters(call)
    prefix = filters.action.data or None
    page = db.paginate(_audit_query(call, prefix), page=_page(), per_page=PAGE_SIZE, error_out=False)
    names = _object_names(page.items)
    return render_template("call_logs/audit.html", call=call, page=page, filters=filters, prefix=prefix,
                           rows=[_describe(e, names) for e in page.items])


@bp.route("/calls/<int:call_id>/audit.csv")
@login_required
@same_origin_download
def audit_export(call_id: int):
    call = _call(call_id, can_view_call_audit)
    prefix = request.args.get("action") or None
    events = db.session.scalars(_audit_query(call, prefix)).all()
    names = _object_names(events)
    rows = []
    for event in events:
        row = _describe(event, names)
        details = [f"{row['change'][0]} → {row['change'][1]}"] if row["change"] else []
        details += [f"{k}: {v}" for k, v in row["details"]]
        rows.append([to_local(event.at).strftime("%Y-%m-%d %H:%M:%S"), row["who"], row["action"], row["code"],
                     row["object"], " ; ".join(details), event.ip or ""])
    audit.record(action="audit.exported", actor=current_user, obj=call, call=call,
                 details={"filter": prefix or "", "rows": len(rows)})
    db.session.commit()
    body = to_csv([_("When (Paris time)"), _("Who"), _("Action"), _("Action code"), _("Object"), _("Details"),
                   _("IP address")], rows)
    return csv_download(body, f"journal-{call.slug}")


# --- giving a late reviewer's reviews to others ---------------------------------------------------------

@bp.route("/calls/<int:call_id>/late-reviewers/<int:reviewer_id>", methods=["GET", "POST"])
@login_required
def give_back(call_id: int, reviewer_id: int):
    call = _call(call_id, can_manage_call)
    reviewer = db.get_or_404(User, reviewer_id)
    if db.session.scalar(db.select(Assignment.id).where(Assignment.call_id == call.id,
                                                        Assignment.reviewer_id == reviewer.id).limit(1)) is None:
        abort(404)
    pending = reviews_service.unfinished_reviews(call, [reviewer.id]).get(reviewer.id, [])
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        if not pending:
            flash(_("%(name)s has no unfinished review left: nothing was changed.", name=reviewer.full_name),
                  "info")
            return redirect(url_for("organiser.reviews", call_id=call.id))
        try:
            change = reminders.give_back_late_reviews(call=call, reviewer=reviewer, actor=current_user)
        except assignment_service.Infeasible as error:
            db.session.rollback()
            return render_template("call_logs/give_back.html", call=call, reviewer=reviewer, pending=pending,
                                   form=form, reasons=error.reasons), 400
        db.session.commit()
        flash(_("The unfinished reviews of %(name)s are given back: %(added)s. Commit the new pairs to notify "
                "their reviewers.", name=reviewer.full_name,
                added=ngettext("%(num)d pair proposed", "%(num)d pairs proposed", len(change.added))), "success")
        return redirect(url_for("assignment.overview", call_id=call.id))
    return render_template("call_logs/give_back.html", call=call, reviewer=reviewer, pending=pending, form=form,
                           reasons=None)
