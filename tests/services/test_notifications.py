"""Notification preferences: non-essential emails to people in digest mode wait for one email a day; essential
ones always leave at once."""
from __future__ import annotations

import re
from datetime import datetime

from flask import current_app

from prizeapp.core.localtime import to_utc
from prizeapp.enums import NotificationMode, OutboxStatus
from prizeapp.extensions import db
from prizeapp.models import AuditEvent, DigestItem, OutboxEmail, User
from prizeapp.services import notifications
from prizeapp.services.outbox import deliver_pending, queue_email

from .. import factories
from ..conftest import post_form, sign_in_as


def remind(user, call, title="Projet A"):
    """A non-essential email (the reviewers' reminder template) to `user`."""
    submission = factories.submission(call=call, title=title)
    return queue_email(kind="review_reminder", to=user, call=call, essential=False,
                       context={"call": call, "submissions": [submission]})


def outbox_count() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(OutboxEmail))


def test_a_non_essential_email_to_someone_in_immediate_mode_is_queued_at_once(mailbox):
    user, call = factories.user(), factories.call()
    email = remind(user, call)
    db.session.commit()
    assert isinstance(email, OutboxEmail) and email.status == OutboxStatus.QUEUED
    deliver_pending()
    assert len(mailbox.to(user.email)) == 1


def test_a_non_essential_email_to_someone_in_digest_mode_is_held(mailbox):
    user, call = factories.user(), factories.call(title="Appel Mobilités")
    user.notification_mode = NotificationMode.DIGEST
    item = remind(user, call)
    db.session.commit()
    assert isinstance(item, DigestItem)
    assert (item.user_id, item.call_id, item.kind, item.sent_at) == (user.id, call.id, "review_reminder", None)
    assert "Appel Mobilités" in item.subject and "Projet A" in item.body_text
    assert outbox_count() == 0
    deliver_pending()
    assert mailbox.messages == []


def test_essential_and_sensitive_emails_to_someone_in_digest_mode_leave_at_once(mailbox):
    user, call = factories.user(), factories.call()
    user.notification_mode = NotificationMode.DIGEST
    submission = factories.submission(call=call)
    essential = queue_email(kind="review_reminder", to=user, call=call,
                            context={"call": call, "submissions": [submission]})
    sensitive = queue_email(kind="account_exists", to=user, essential=False, sensitive=True,
                            context={"login_url": "http://x/login", "reset_url": "http://x/reset"})
    db.session.commit()
    assert isinstance(essential, OutboxEmail) and isinstance(sensitive, OutboxEmail)
    assert db.session.scalar(db.select(db.func.count()).select_from(DigestItem)) == 0
    deliver_pending()
    assert len(mailbox.to(user.email)) == 2


def digest(now):
    with current_app.test_request_context():
        sent = notifications.send_digests(now=now)
        db.session.commit()
    deliver_pending()
    return sent


def test_one_digest_a_paris_day_gathers_what_was_held(mailbox):
    user, call = factories.user(first_name="Hélène"), factories.call()
    user.notification_mode = NotificationMode.DIGEST
    remind(user, call, "Projet A")
    remind(user, call, "Projet B")
    db.session.commit()

    assert digest(to_utc(datetime(2026, 3, 10, 7, 0))) == 1

    [message] = mailbox.to(user.email)
    text = mailbox.text(message)
    assert "Projet A" in text and "Projet B" in text and "Hélène" in text
    assert mailbox.link(message, "/account/profile") == "/account/profile"
    # Held later the same day: it waits for tomorrow's digest.
    remind(user, call, "Projet C")
    db.session.commit()
    assert digest(to_utc(datetime(2026, 3, 10, 23, 30))) == 0
    assert digest(to_utc(datetime(2026, 3, 11, 0, 30))) == 1  # 23:30 UTC, but already the 11th in Paris
    assert len(mailbox.to(user.email)) == 2
    assert "Projet C" in mailbox.text(mailbox.to(user.email)[1])
    assert digest(to_utc(datetime(2026, 3, 12, 7, 0))) == 0  # nothing held


def test_the_profile_page_sets_the_notification_preference(client):
    user = factories.user()
    sign_in_as(client, user)
    page = client.get("/account/profile").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="immediate"', page)

    response = post_form(client, "/account/profile", {
        "first_name": user.first_name, "last_name": user.last_name, "unit": "0", "locale": "fr",
        "notification_mode": "digest"})

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).notification_mode == NotificationMode.DIGEST
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "user.notification_mode_changed"))
    assert event.details == {"before": "immediate", "after": "digest"}
    again = client.get("/account/profile").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="digest"', again)


def test_an_unknown_preference_is_refused_with_the_input_kept(client):
    user = factories.user()
    sign_in_as(client, user)
    response = post_form(client, "/account/profile", {
        "first_name": "Nouveau", "last_name": user.last_name, "unit": "0", "locale": "fr",
        "notification_mode": "weekly"})
    assert response.status_code == 400
    assert 'value="Nouveau"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).notification_mode == NotificationMode.IMMEDIATE
