from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..enums import OutboxStatus
from ..extensions import db
from ..forms.admin import ConfirmForm
from ..models import AuditEvent, OutboxEmail
from ..permissions import (
    can_resend_email,
    can_view_audit_log,
    can_view_email,
    can_view_outbox,
    require,
    visible_emails_filter,
)
from ..web import int_arg
from .helpers import resend_email

bp = Blueprint("admin", __name__, url_prefix="/admin")

PAGE_SIZE = 50


def _page() -> int:
    return int_arg("page", 1)


@bp.route("/outbox")
@login_required
def outbox_list():
    require(can_view_outbox(current_user))
    status = request.args.get("status")
    query = db.select(OutboxEmail).where(visible_emails_filter(current_user))
    if status in set(OutboxStatus):
        query = query.where(OutboxEmail.status == OutboxStatus(status))
    page = db.paginate(query.order_by(OutboxEmail.id.desc()), page=_page(), per_page=PAGE_SIZE, error_out=False)
    counts = dict(db.session.execute(
        db.select(OutboxEmail.status, db.func.count()).where(visible_emails_filter(current_user))
        .group_by(OutboxEmail.status)).all())
    return render_template("admin/outbox_list.html", page=page, status=status, counts=counts,
                           statuses=list(OutboxStatus), form=ConfirmForm())


@bp.route("/outbox/<int:email_id>")
@login_required
def outbox_email(email_id: int):
    email = db.get_or_404(OutboxEmail, email_id)
    require(can_view_email(current_user, email))
    return render_template("admin/outbox_email.html", email=email, form=ConfirmForm())


@bp.route("/outbox/<int:email_id>/resend", methods=["POST"])
@login_required
def outbox_resend(email_id: int):
    email = db.get_or_404(OutboxEmail, email_id)
    require(can_resend_email(current_user, email))
    resend_email(email)
    return redirect(url_for("admin.outbox_email", email_id=email.id))


@bp.route("/audit")
@login_required
def audit_log():
    require(can_view_audit_log(current_user))
    query = db.select(AuditEvent).order_by(AuditEvent.id.desc())
    action = request.args.get("action")
    if action:
        query = query.where(AuditEvent.action == action)
    page = db.paginate(query, page=_page(), per_page=PAGE_SIZE, error_out=False)
    return render_template("admin/audit_log.html", page=page, action=action)
