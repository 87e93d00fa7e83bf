"""The outbox: rows first, delivered by a worker over real SMTP, retried, never sent twice."""
from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from prizeapp.enums import OutboxStatus
from prizeapp.extensions import db
from prizeapp.models import OutboxEmail
from prizeapp.models.types import utcnow
from prizeapp.services.outbox import deliver_pending, queue_email, resend

from .. import factories
from ..conftest import MailHandler, free_port

ROOT = Path(__file__).resolve().parents[2]


def queue_reset_like(user, n=1):
    return [queue_email(kind="account_exists", to=user,
                        context={"login_url": "http://x/login", "reset_url": "http://x/reset"})
            for _ in range(n)]


def make_due(*emails):
    for email in emails:
        db.session.get(OutboxEmail, email.id).next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()


def test_queued_email_is_rendered_in_the_recipient_language(mailbox):
    fr = factories.user(first_name="Hélène")
    [email] = queue_reset_like(fr)
    db.session.commit()
    assert email.status == OutboxStatus.QUEUED
    assert mailbox.messages == []  # nothing leaves before the worker runs

    report = deliver_pending()

    assert report.sent == [email.id]
    [message] = mailbox.messages
    assert message["To"] == fr.email
    assert message["Message-ID"] == email.message_id
    assert "Hélène" in mailbox.text(message)
    assert message.get_body(preferencelist=("html",)).get_content().lstrip().startswith("<!doctype html>")


def test_rolled_back_transaction_sends_nothing(mailbox):
    user = factories.user()
    queue_reset_like(user)
    db.session.rollback()

    assert deliver_pending().attempted == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxEmail)) == 0
    assert mailbox.messages == []


def test_smtp_down_is_retried_later_and_delivered_when_back(app, monkeypatch):
    user = factories.user()
    [email] = queue_reset_like(user)
    db.session.commit()
    port = free_port()  # nothing listens here yet
    monkeypatch.setitem(app.config, "MAIL_PORT", port)

    report = deliver_pending()

    assert report.retried == [email.id]
    db.session.refresh(email)
    assert email.status == OutboxStatus.QUEUED
    assert email.attempts == 1
    assert "ConnectionRefusedError" in email.last_error
    assert email.next_attempt_at > utcnow() + timedelta(seconds=50)  # back-off: not before a minute
    assert deliver_pending().attempted == 0  # not due yet

    handler = MailHandler()
    server = Controller(handler, hostname="127.0.0.1", port=port)
    server.start()
    try:
        make_due(email)
        report = deliver_pending()
    finally:
        server.stop()

    assert report.sent == [email.id]
    db.session.refresh(email)
    assert (email.status, email.attempts, email.last_error) == (OutboxStatus.SENT, 2, None)
    assert [m["Message-ID"] for m in handler.messages] == [email.message_id]


def test_permanent_refusal_marks_failed_with_the_error(mailbox):
    mailbox.rcpt_reply = "550 5.1.1 Mailbox unknown"
    [email] = queue_reset_like(factories.user())
    db.session.commit()

    report = deliver_pending()

    assert report.failed == [email.id]
    db.session.refresh(email)
    assert email.status == OutboxStatus.FAILED
    assert "550" in email.last_error and "Mailbox unknown" in email.last_error
    assert mailbox.messages == []


def test_temporary_refusal_is_retried(mailbox):
    mailbox.data_reply = "451 4.3.0 Try again later"
    [email] = queue_reset_like(factories.user())
    db.session.commit()

    assert deliver_pending().retried == [email.id]
    db.session.refresh(email)
    assert email.status == OutboxStatus.QUEUED and "451" in email.last_error


def test_attempts_exhausted_marks_failed(app, mailbox, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_MAX_ATTEMPTS", 2)
    mailbox.data_reply = "451 4.3.0 Try again later"
    [email] = queue_reset_like(factories.user())
    db.session.commit()

    deliver_pending()
    make_due(email)
    report = deliver_pending()

    assert report.failed == [email.id]
    db.session.refresh(email)
    assert (email.status, email.attempts) == (OutboxStatus.FAILED, 2)


def test_one_bad_recipient_does_not_block_the_others(mailbox):
    good = factories.user(email="bon@example.gouv.fr")
    bad = factories.user(email="inconnu@example.gouv.fr")

    async def handle_rcpt(server, session, envelope, address, options):
        if address.startswith("inconnu"):
            return "550 5.1.1 Mailbox unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    mailbox.handle_RCPT = handle_rcpt  # instance attribute: aiosmtpd looks hooks up on the handler
    [bad_email] = queue_reset_like(bad)
    [good_email] = queue_reset_like(good)
    db.session.commit()

    report = deliver_pending()

    assert report.failed == [bad_email.id]
    assert report.sent == [good_email.id]
    assert [m["To"] for m in mailbox.messages] == ["bon@example.gouv.fr"]


def test_silent_server_times_out_instead_of_hanging(app, monkeypatch):
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the TCP connection, never says a word
    monkeypatch.setitem(app.config, "MAIL_PORT", listener.getsockname()[1])
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 0.5)
    [email] = queue_reset_like(factories.user())
    db.session.commit()
    try:
        report = deliver_pending()
    finally:
        listener.close()

    assert report.retried == [email.id]
    db.session.refresh(email)
    assert "timed out" in email.last_error.lower()


def test_resend_puts_a_failed_email_back_in_the_queue(mailbox):
    admin = factories.user(admin=True)
    email = factories.email(status=OutboxStatus.FAILED, attempts=8, last_error="550 no")

    resend(email=email, actor=admin)
    db.session.commit()
    report = deliver_pending()

    assert report.sent == [email.id]
    assert len(mailbox.messages) == 1


def test_resend_refuses_an_email_that_did_not_fail():
    admin = factories.user(admin=True)
    email = factories.email(status=OutboxStatus.SENT)
    with pytest.raises(ValueError):
        resend(email=email, actor=admin)


def test_row_abandoned_by_a_dead_worker_is_taken_up_after_the_lease(mailbox):
    email = factories.email(status=OutboxStatus.SENDING, claimed_by="dead-worker",
                            claimed_at=utcnow() - timedelta(hours=1))
    fresh = factories.email(status=OutboxStatus.SENDING, claimed_by="live-worker", claimed_at=utcnow())

    report = deliver_pending()

    assert report.sent == [email.id]  # the fresh claim belongs to a live worker and is left alone
    db.session.refresh(fresh)
    assert fresh.status == OutboxStatus.SENDING


def test_two_workers_deliver_every_email_exactly_once(app, mailbox, tmp_path):
    """Two `flask outbox send` processes drain the same queue at the same time."""
    user = factories.user()
    emails = queue_reset_like(user, 120)
    db.session.commit()
    env = {
        "PRIZEAPP_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "PRIZEAPP_MAIL_SERVER": "127.0.0.1",
        "PRIZEAPP_MAIL_PORT": str(app.config["MAIL_PORT"]),
        "PRIZEAPP_OUTBOX_BATCH_SIZE": "7",  # small batches: the workers interleave many claims
        "PRIZEAPP_INSTANCE_PATH": str(tmp_path),
        "FLASK_APP": "wsgi",
        "PATH": "/usr/bin:/bin",
    }
    # Each worker loops until the queue is empty (a batch that attempts nothing).
    script = ("from prizeapp import create_app\n"
              "from prizeapp.services.outbox import deliver_pending\n"
              "app = create_app()\n"
              "with app.app_context():\n"
              "    while deliver_pending().attempted:\n"
              "        pass\n")
    workers = [subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=env) for _ in range(2)]
    assert [w.wait(timeout=120) for w in workers] == [0, 0]

    received = [m["Message-ID"] for m in mailbox.messages]
    assert sorted(received) == sorted(e.message_id for e in emails)
    assert len(set(received)) == len(received) == 120
    statuses = db.session.scalars(db.select(OutboxEmail.status)).all()
    assert set(statuses) == {OutboxStatus.SENT}


@pytest.mark.postgres
def test_concurrent_claims_on_postgres_never_overlap(app):
    """Two sessions claiming at once get disjoint rows (FOR UPDATE SKIP LOCKED)."""
    from sqlalchemy.orm import Session

    from prizeapp.services.outbox import claim_batch

    for _ in range(10):
        factories.email()
    with db.engine.connect() as conn_a:
        session_a = Session(bind=conn_a)
        locked = session_a.execute(
            db.select(OutboxEmail.id).order_by(OutboxEmail.id).limit(4).with_for_update()).scalars().all()
        claimed = claim_batch(worker="b", limit=10)  # the app session runs while A holds its locks
        session_a.rollback()
    assert set(claimed).isdisjoint(locked)
    assert len(claimed) == 6


@pytest.mark.parametrize("length", [5, 17, 23, 40, 61])
def test_a_long_french_subject_arrives_with_every_space(app, mailbox, length):
    subject = ("Invitation à évaluer des projets pour l'appel «\u00a0" + "Prix de l'innovation " * 3 + "y" * length
               + "\u00a0»")
    db.session.add(OutboxEmail(kind="test", recipient="agent@ville.fr", locale="fr", subject=subject,
                               body_text="Bonjour", body_html="<p>Bonjour</p>", message_id=f"<{length}@test>"))
    db.session.commit()

    deliver_pending()

    [message] = mailbox.messages
    assert message["Subject"] == subject
