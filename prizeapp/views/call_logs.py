"""What happened in one call, for its organisers: the emails it sent (re-send a failed one), its audit log
(and its export), and giving a late reviewer's unfinished reviews to others (the organisers' daily digest
links here)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from ..core.spreadsheet import to_csv
from ..enums import OutboxStatus
from ..extensions import db
from ..forms.admin import ConfirmForm
from ..forms.call_logs import AuditFilterForm, EmailFilterForm
from ..labels import email_kind_label
from ..models import (
    Assignment,
    DigestItem,
    OutboxEmail,
    User,
)
from ..permissions import (
    can_manage_call,
    can_manage_call_emails,
    can_view_call_audit,
)
from ..services import assignment as assignment_service
from ..services import audit, reminders
from ..services import reviews as reviews_service
from ..web import int_arg
from .helpers import csv_download, resend_email, same_origin_download
from .loading import call_or_404, of_call_or_404
from .solver_messages import say

bp = Blueprint("call_logs", __name__, url_prefix="/manage")

PAGE_SIZE = 50


@bp.context_processor
def _template_helpers() -> dict:
    return {"kind_label": email_kind_label, "say": say}


def _page() -> int:
    return int_arg("page", 1)


# --- the email log --------------------------------------------------------------------------------------

@bp.route("/calls/<int:call_id>/emails")
@login_required
def emails(call_id: int):
    call = call_or_404(call_id, can_manage_call_emails)
    of_call = OutboxEmail.call_id == call.id
    kinds = sorted(db.session.scalars(db.select(OutboxEmail.kind).where(of_call).distinct()), key=email_kind_label)
    filters = EmailFilterForm(request.args, [(k, email_kind_label(k)) for k in kinds])
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
    call = call_or_404(call_id, can_manage_call_emails)
    email = of_call_or_404(OutboxEmail, email_id, call)
    resend_email(email)
    return redirect(url_for("call_logs.emails", call_id=call.id))


# --- the audit log --------------------------------------------------------------------------------------

@bp.route("/calls/<int:call_id>/audit")
@login_required
def audit_log(call_id: int):
    call = call_or_404(call_id, can_view_call_audit)
    filters = AuditFilterForm(request.args, audit.groups(call=call))
    prefix = filters.action.data or None
    page = db.paginate(audit.events(call=call, action=prefix), page=_page(), per_page=PAGE_SIZE, error_out=False)
    return render_template("call_logs/audit.html", call=call, page=page, filters=filters, prefix=prefix,
                           rows=audit.describe(page.items))


@bp.route("/calls/<int:call_id>/audit.csv")
@login_required
@same_origin_download
def audit_export(call_id: int):
    call = call_or_404(call_id, can_view_call_audit)
    header, rows = audit.export(actor=current_user, call=call, action=request.args.get("action") or None)
    db.session.commit()
    return csv_download(to_csv(header, rows), f"journal-{call.slug}")


# --- giving a late reviewer's reviews to others ---------------------------------------------------------

@bp.route("/calls/<int:call_id>/late-reviewers/<int:reviewer_id>", methods=["GET", "POST"])
@login_required
def give_back(call_id: int, reviewer_id: int):
    call = call_or_404(call_id, can_manage_call)
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
