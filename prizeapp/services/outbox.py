"""Emails as rows first: queue in the caller's transaction, deliver from a worker.

A rolled-back request leaves no row, so it sends nothing; a crash after the commit loses nothing, since
the worker picks the row up. Rows are claimed with a guarded UPDATE (and SKIP LOCKED on PostgreSQL) so
that two workers never send the same row.
"""
from __future__ import annotations

import re
import smtplib
import socket
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import policy as email_policy
from email.utils import parseaddr

from flask import current_app, render_template
from flask_babel import force_locale
from flask_mail import Connection, Message
from sqlalchemy import or_

from ..core.retry import RetryPolicy, is_permanent
from ..enums import NotificationMode, OutboxStatus
from ..extensions import db
from ..models import Call, DigestItem, OutboxEmail, User
from ..models.types import utcnow
from . import audit
from .claims import claim


def queue_email(
    *,
    kind: str,
    to: User | str,
    context: dict | None = None,
    locale: str | None = None,
    sensitive: bool = False,
    call: Call | None = None,
    essential: bool = True,
) -> OutboxEmail | DigestItem:
    """Render templates/email/<kind>.txt and .html in the recipient's language and queue the result.

    The text template sets the subject with `{% set subject = ... %}`. A non-essential email (a reminder, an
    organiser's digest) to someone who chose a daily digest is held as a DigestItem instead, sent with the
    others of the day by services.notifications; receipts, assignments, decisions and account emails are
    essential and always leave at once.
    """
    user = to if isinstance(to, User) else None
    recipient = user.email if user is not None else str(to)
    locale = locale or (user.locale.value if user is not None else current_app.config["DEFAULT_LOCALE"])
    context = {"recipient": user, "operator_name": current_app.config["OPERATOR_NAME"], **(context or {})}
    with force_locale(locale):
        text_template = current_app.jinja_env.get_template(f"email/{kind}.txt")
        module = text_template.make_module(context)
        # One line, but French no-break spaces (before « : ? ! ») stay where they are.
        subject = re.sub(r"[ \t\r\n]+", " ", str(getattr(module, "subject", kind))).strip()
        body_text = str(module).strip() + "\n"
        if (not essential and not sensitive and user is not None
                and user.notification_mode == NotificationMode.DIGEST):
            item = DigestItem(user_id=user.id, call_id=call.id if call is not None else None, kind=kind,
                              subject=subject, body_text=body_text)
            db.session.add(item)
            db.session.flush()
            return item
        body_html = render_template(f"email/{kind}.html", subject=subject, **context)
    sender = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1]
    domain = sender.rsplit("@", 1)[-1] if "@" in sender else "prizeapp.localhost"
    email = OutboxEmail(
        kind=kind,
        recipient=recipient,
        locale=locale,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        sensitive=sensitive,
        message_id=f"<{uuid.uuid4().hex}@{domain}>",
        user_id=user.id if user is not None else None,
        call_id=call.id if call is not None else None,
        status=OutboxStatus.QUEUED,
        next_attempt_at=utcnow(),
    )
    db.session.add(email)
    db.session.flush()
    return email


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    retried: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    @property
    def attempted(self) -> int:
        return len(self.sent) + len(self.retried) + len(self.failed)


class _SMTPConnection(Connection):
    """Flask-Mail's connection, configured from the app config at each connection and with a socket
    timeout: a server that accepts and never answers must not hang the worker."""

    def configure_host(self):  # type: ignore[override]
        cfg = current_app.config
        smtp_class = smtplib.SMTP_SSL if cfg["MAIL_USE_SSL"] else smtplib.SMTP
        host = smtp_class(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=cfg["MAIL_TIMEOUT"])
        if cfg["MAIL_USE_TLS"]:
            host.starttls()
        if cfg["MAIL_USERNAME"] and cfg["MAIL_PASSWORD"]:
            host.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
        return host


def retry_policy() -> RetryPolicy:
    cfg = current_app.config
    return RetryPolicy(
        base_seconds=cfg.get("OUTBOX_RETRY_BASE_SECONDS", 60.0),
        max_attempts=cfg["OUTBOX_MAX_ATTEMPTS"],
    )


def claim_batch(*, worker: str, limit: int, now: datetime | None = None) -> list[int]:
    """Mark up to `limit` due rows as SENDING for this worker and commit; return their ids.

    A row is due when queued and its next attempt has come, or when a worker claimed it so long ago
    that it must have died (lease expired).
    """
    now = now or utcnow()
    lease = timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    due = or_(
        (OutboxEmail.status == OutboxStatus.QUEUED) & (OutboxEmail.next_attempt_at <= now),
        (OutboxEmail.status == OutboxStatus.SENDING) & (OutboxEmail.claimed_at < now - lease),
    )
    claimed = claim(OutboxEmail, due=due, order_by=(OutboxEmail.next_attempt_at, OutboxEmail.id), limit=limit,
                    values={"status": OutboxStatus.SENDING, "claimed_at": now, "claimed_by": worker})
    db.session.commit()
    return claimed


class _Message(Message):
    """Flask-Mail's message, serialised without re-folding the headers it already encoded: the SMTP policy's
    re-folding of a long encoded Subject turns the space before a word like « into the gap between two
    encoded words, which readers drop ("l'appel«")."""

    def _message(self):
        msg = super()._message()
        msg.policy = email_policy.SMTP.clone(refold_source="none")
        return msg


def _message(email: OutboxEmail) -> Message:
    msg = _Message(
        subject=email.subject,
        recipients=[email.recipient],
        body=email.body_text,
        html=email.body_html,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        extra_headers={"Content-Language": email.locale},
    )
    msg.msgId = email.message_id  # stable across retries, so a receiver can spot a duplicate
    return msg


def deliver_pending(*, worker: str | None = None, limit: int | None = None) -> DeliveryReport:
    """Claim due emails and send them over one SMTP connection. Commits after every row.

    Transient failures (refused connection, timeout, 4xx) are retried with back-off; permanent ones
    (5xx) and exhausted attempts are marked FAILED with the error.
    """
    worker = worker or f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"
    limit = limit or current_app.config["OUTBOX_BATCH_SIZE"]
    policy = retry_policy()
    report = DeliveryReport()
    ids = claim_batch(worker=worker, limit=limit)
    if not ids:
        return report
    connection: _SMTPConnection | None = None
    try:
        for position, email_id in enumerate(ids):
            email = db.session.get(OutboxEmail, email_id)
            if email is None or email.status != OutboxStatus.SENDING or email.claimed_by != worker:
                continue
            if connection is None:
                try:
                    connection = _open()
                except OSError as error:
                    # Server unreachable: every row of the batch shares this failed attempt.
                    for rest_id in ids[position:]:
                        rest = db.session.get(OutboxEmail, rest_id)
                        if rest is not None and rest.claimed_by == worker:
                            rest.attempts += 1
                            _record_failure(rest, error, policy, report)
                    db.session.commit()
                    break
            email.attempts += 1
            try:
                connection.send(_message(email))
            except OSError as error:  # smtplib errors, refused connections and timeouts are all OSError
                _record_failure(email, error, policy, report)
                connection = _close(connection, polite=False)
            else:
                email.status = OutboxStatus.SENT
                email.sent_at = utcnow()
                email.last_error = None
                report.sent.append(email.id)
            db.session.commit()
    finally:
        _close(connection, polite=True)
    return report


def _open() -> _SMTPConnection:
    connection = _SMTPConnection(current_app.extensions["mail"])
    connection.__enter__()
    return connection


def _record_failure(email: OutboxEmail, error: OSError, policy: RetryPolicy, report: DeliveryReport) -> None:
    email.last_error = f"{type(error).__name__}: {error}"[:2000]
    email.claimed_at = None
    email.claimed_by = None
    next_attempt = None if is_permanent(error) else policy.next_attempt(attempts=email.attempts, now=utcnow())
    if next_attempt is None:
        email.status = OutboxStatus.FAILED
        report.failed.append(email.id)
    else:
        email.status = OutboxStatus.QUEUED
        email.next_attempt_at = next_attempt
        report.retried.append(email.id)


def _close(connection: _SMTPConnection | None, *, polite: bool) -> None:
    """End an SMTP session: QUIT after success, just close the socket after an error."""
    if connection is not None and connection.host is not None:
        try:
            if polite:
                connection.host.quit()
            else:
                connection.host.close()
        except OSError:
            connection.host.close()
    return None


def resend(*, email: OutboxEmail, actor: User) -> None:
    """Put a failed email back in the queue, for an immediate new series of attempts."""
    if email.status != OutboxStatus.FAILED:
        raise ValueError("only failed emails can be re-sent")
    email.status = OutboxStatus.QUEUED
    email.attempts = 0
    email.next_attempt_at = utcnow()
    call = db.session.get(Call, email.call_id) if email.call_id is not None else None
    audit.record(action=audit.AuditAction.OUTBOX_RESENT, actor=actor, obj=email, call=call,
                 details={"recipient": email.recipient})
    db.session.flush()
