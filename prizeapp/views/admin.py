"""The platform's administration: the outbox of every email, and the audit log of the whole platform (with
its export)."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..core.spreadsheet import to_csv
from ..enums import OutboxStatus
from ..extensions import db
from ..forms.admin import ConfirmForm
from ..forms.call_logs import AuditFilterForm
from ..models import OutboxEmail
from ..permissions import (
    can_resend_email,
    can_view_audit_log,
    can_view_email,
    can_view_outbox,
    require,
    visible_emails_filter,
)
from ..services import audit
from ..web import int_arg
from .helpers import csv_download, resend_email, same_origin_download

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
    filters = AuditFilterForm(request.args, audit.groups())
    # A group of actions ("call") from the filter, or one action ("call.created") from a row's link.
    action = filters.action.data or None
    page = db.paginate(audit.events(action=action), page=_page(), per_page=PAGE_SIZE, error_out=False)
    return render_template("admin/audit_log.html", page=page, filters=filters, action=action,
                           only=audit.action_label(action) if action and "." in action else None,
                           rows=audit.describe(page.items))


@bp.route("/audit.csv")
@login_required
@same_origin_download
def audit_export():
    require(can_view_audit_log(current_user))
    header, rows = audit.export(actor=current_user, action=request.args.get("action") or None)
    db.session.commit()
    return csv_download(to_csv(header, rows), "journal-plateforme")
