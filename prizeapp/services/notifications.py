"""How people receive non-essential messages: at once, or gathered in one email a day.

services.outbox.queue_email holds a non-essential email (reminders, organisers' digests) for someone in
digest mode as a DigestItem; `send_digests`, run by `flask reminders run`, sends each such person one email
a day (Paris) with everything held for them. Receipts, assignments, decisions and account emails are
essential: they never wait.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from flask import url_for
from sqlalchemy.exc import IntegrityError

from ..core.localtime import to_local
from ..enums import NotificationMode
from ..extensions import db
from ..models import Call, DigestItem, SentReminder, User
from ..models.types import utcnow
from . import audit
from .outbox import queue_email


def set_notification_mode(*, user: User, mode: NotificationMode) -> bool:
    """Choose immediate emails or a daily digest for non-essential messages; True when it changed. What is
    already held is still sent with the next digest."""
    if user.notification_mode == mode:
        return False
    before, user.notification_mode = user.notification_mode, mode
    audit.record(action=audit.AuditAction.USER_NOTIFICATION_MODE_CHANGED, actor=user, obj=user,
                 details={"before": before.value, "after": mode.value})
    db.session.flush()
    return True


def mark_sent(key: str, details: dict | None = None, *, now: datetime | None = None) -> bool:
    """Record that the scheduled email `key` is sent; False when it already was (by this run or another)."""
    if db.session.scalar(db.select(SentReminder.id).where(SentReminder.key == key)) is not None:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(SentReminder(key=key, details=details or {}, sent_at=now or utcnow()))
    except IntegrityError:  # another run recorded it in between
        return False
    return True


def pending_items(user: User) -> list[DigestItem]:
    return list(db.session.scalars(db.select(DigestItem).where(DigestItem.user_id == user.id,
                                                               DigestItem.sent_at.is_(None))
                                   .order_by(DigestItem.created_at, DigestItem.id)))


def send_digests(*, now: datetime | None = None) -> int:
    """One email per person per Paris day with the messages held for them (oldest first); what arrives after
    today's digest waits for tomorrow's. Returns how many digests were queued."""
    now = now or utcnow()
    day = to_local(now).date().isoformat()
    items = db.session.scalars(db.select(DigestItem).where(DigestItem.sent_at.is_(None))
                               .order_by(DigestItem.user_id, DigestItem.created_at, DigestItem.id)).all()
    by_user: dict[int, list[DigestItem]] = defaultdict(list)
    for item in items:
        by_user[item.user_id].append(item)
    sent = 0
    for user_id, held in by_user.items():
        user = db.session.get(User, user_id)
        if user is None or not user.active:
            continue
        if not mark_sent(f"digest:user:{user_id}:{day}", {"items": [i.id for i in held]}, now=now):
            continue
        calls = {c.id: c for c in db.session.scalars(db.select(Call).where(
            Call.id.in_({i.call_id for i in held if i.call_id is not None})))}
        # The digest itself is essential: it is what the person asked for.
        queue_email(kind="digest", to=user, context={
            "items": [{"subject": i.subject, "body": i.body_text, "call": calls.get(i.call_id),
                       "created_at": i.created_at} for i in held],
            "profile_url": url_for("account.profile", _external=True)})
        for item in held:
            item.sent_at = now
        sent += 1
    db.session.flush()
    return sent
