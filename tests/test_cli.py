"""flask commands: demo, create-admin, outbox send."""
from __future__ import annotations

from collections import Counter

from werkzeug.security import check_password_hash

from prizeapp.enums import CallKind, CallRoleKind, OutboxStatus, UnitKind
from prizeapp.extensions import db
from prizeapp.models import Call, CallRole, OrgUnit, OutboxEmail, User
from prizeapp.services.demo import DEMO_PASSWORD

from . import factories


def counts():
    return {model.__name__: db.session.scalar(db.select(db.func.count()).select_from(model))
            for model in (User, OrgUnit, Call, CallRole)}


def test_demo_loads_a_realistic_platform_and_is_idempotent(app):
    runner = app.test_cli_runner()

    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    loaded = counts()
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output

    assert counts() == loaded
    assert loaded["User"] == 40
    assert DEMO_PASSWORD in first.output and "claire.admin@" in first.output
    kinds = Counter(u.kind for u in db.session.scalars(db.select(OrgUnit)))
    assert kinds[UnitKind.ORGANISATION] == 2 and kinds[UnitKind.DIRECTION] == 6 and kinds[UnitKind.SERVICE] == 12
    calls = db.session.scalars(db.select(Call)).all()
    assert {c.kind for c in calls} == {CallKind.INNOVATION_PRIZE, CallKind.CALL_FOR_PROJECTS}
    for call in calls:
        assert [c.name for c in call.criteria] == ["Innovation", "Impact", "Modèle économique", "Essaimage",
                                                   "Faisabilité et équipe"]
        assert sum(c.weight for c in call.criteria) == 100
        assert call.submission_deadline < call.review_deadline < call.results_at
    roles = Counter(r.role for r in db.session.scalars(db.select(CallRole)))
    assert roles[CallRoleKind.ORGANISER] >= 2 and roles[CallRoleKind.JURY] >= 4 and roles[CallRoleKind.REVIEWER] >= 10
    admin = db.session.scalar(db.select(User).where(User.is_admin))
    assert admin is not None and check_password_hash(admin.password_hash, DEMO_PASSWORD)


def test_demo_is_refused_in_production(app, monkeypatch):
    monkeypatch.setitem(app.config, "ENV", "production")
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code != 0
    assert counts()["User"] == 0


def test_create_admin_creates_or_promotes(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-admin", "--email", "Chef@Example.gouv.fr", "--first-name", "Anne",
                                 "--last-name", "Chef", "--password", "une longue phrase"])
    assert result.exit_code == 0, result.output
    admin = db.session.scalar(db.select(User).where(User.email == "chef@example.gouv.fr"))
    assert admin.is_admin and admin.email_confirmed

    existing = factories.user(email="agent@example.gouv.fr")
    runner.invoke(args=["create-admin", "--email", existing.email, "--first-name", "x", "--last-name", "y",
                        "--password", "une autre phrase"])
    db.session.refresh(existing)
    assert existing.is_admin and check_password_hash(existing.password_hash, "une autre phrase")


def test_outbox_send_delivers_due_emails(app, mailbox):
    factories.email(recipient="a@example.gouv.fr")
    factories.email(recipient="b@example.gouv.fr")

    result = app.test_cli_runner().invoke(args=["outbox", "send"])

    assert result.exit_code == 0, result.output
    assert "2 sent" in result.output
    assert sorted(m["To"] for m in mailbox.messages) == ["a@example.gouv.fr", "b@example.gouv.fr"]
    assert set(db.session.scalars(db.select(OutboxEmail.status))) == {OutboxStatus.SENT}


def test_outbox_worker_loop_stops_cleanly_on_sigterm(app, mailbox, tmp_path):
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    factories.email(recipient="worker@example.gouv.fr")
    env = {"PRIZEAPP_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "PRIZEAPP_MAIL_PORT": str(app.config["MAIL_PORT"]),
           "PRIZEAPP_INSTANCE_PATH": str(tmp_path), "PATH": "/usr/bin:/bin"}
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "outbox", "send", "--loop",
                               "--interval", "0.2"], cwd=Path(__file__).parents[1], env=env,
                              stdout=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not mailbox.messages and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=30)
    assert worker.returncode == 0
    assert "1 sent" in output
    assert [m["To"] for m in mailbox.messages] == ["worker@example.gouv.fr"]
