"""Fixtures shared by every test: the app on a migrated database, a real SMTP server, clients per role.

The database is SQLite by default and PostgreSQL when PRIZEAPP_TEST_DATABASE_URL is set (the test command
runs the suite once for each). The schema comes from the migrations, never from create_all.
"""
from __future__ import annotations

import contextvars
import os
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from html import unescape

import flask_migrate
import pytest
from aiosmtpd.controller import Controller
from flask.testing import FlaskClient
from flask_babel import force_locale, gettext, ngettext
from flask_sqlalchemy.session import Session as FlaskSession
from hypothesis import settings
from sqlalchemy import event
from sqlalchemy import text as sql
from sqlalchemy.engine import Connection

from prizeapp import create_app
from prizeapp.extensions import db
from prizeapp.search_tables import SEARCH_TABLE

from . import factories

TEST_DATABASE_URL = os.environ.get("PRIZEAPP_TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_DATABASE_URL.startswith("postgresql")

# Property tests: in CI the same examples on every run (a failure is reproducible from the log, with the blob
# to replay it); elsewhere new examples each run, fewer of them. No deadline: a shared machine's timings are
# noise, and the solver's and the calibration's examples take a varying while by nature. A test that needs
# another number of examples says so, and why, in its own `settings`.
settings.register_profile("ci", derandomize=True, database=None, max_examples=200, deadline=None, print_blob=True)
settings.register_profile("dev", max_examples=100, deadline=None, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` or `sqlite` check one database's own behaviour: each runs in its database's
    pass only (deselected, not skipped, in the other: the test command runs both passes)."""
    other = "sqlite" if ON_POSTGRES else "postgres"
    kept = [item for item in items if item.get_closest_marker(other) is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- a real SMTP server on loopback ------------------------------------------------------------------

class MailHandler:
    """Keeps every message; can be told to refuse recipients (5xx) or data (4xx) to test failures."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.rcpt_reply: str | None = None  # e.g. "550 5.1.1 No such user"
        self.data_reply: str | None = None  # e.g. "451 4.3.0 Try again later"
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_reply:
            return self.data_reply
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def reset(self) -> None:
        with self.lock:
            self.messages.clear()
        self.rcpt_reply = None
        self.data_reply = None

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in m["To"]]

    @staticmethod
    def text(message: EmailMessage) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    def link(self, message: EmailMessage, path_prefix: str) -> str:
        """The first link of the message whose path starts with path_prefix, as a path."""
        match = re.search(r"https?://[^/\s]+(" + re.escape(path_prefix) + r"[^\s]*)", self.text(message))
        assert match, f"no {path_prefix} link in:\n{self.text(message)}"
        return match.group(1)


@pytest.fixture(scope="session")
def smtp_server():
    handler = MailHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture
def mailbox(smtp_server) -> MailHandler:
    smtp_server.handler.reset()
    return smtp_server.handler


# --- the app and its database ------------------------------------------------------------------------

def _reset_postgres_schema() -> None:
    with db.engine.begin() as conn:
        conn.execute(sql("DROP SCHEMA public CASCADE"))
        conn.execute(sql("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def app(tmp_path_factory, smtp_server):
    instance = tmp_path_factory.mktemp("instance")
    url = TEST_DATABASE_URL or f"sqlite:///{instance}/test.sqlite"
    app = create_app({
        "TESTING": True,
        "DATABASE_URL": url,
        "UPLOAD_FOLDER": str(instance / "uploads"),  # never the development instance folder
        "SECRET_KEY": "test-secret-key",
        "SERVER_NAME": None,
        "MAIL_SUPPRESS_SEND": False,  # TESTING would otherwise make Flask-Mail pretend
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_server.port,
        "MAIL_TIMEOUT": 5.0,
        "OUTBOX_RETRY_BASE_SECONDS": 60.0,
    })
    app.test_client_class = IsolatedClient
    with app.app_context():
        if ON_POSTGRES:
            _reset_postgres_schema()
        flask_migrate.upgrade()
    return app


def _truncate_all() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if ON_POSTGRES:
            conn.execute(sql(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            # org_units.parent_id is ON DELETE RESTRICT, which SQLite checks row by row: unlink first.
            conn.execute(sql("UPDATE org_units SET parent_id = NULL"))
            for name in tables:
                conn.execute(sql(f"DELETE FROM {name}"))
            # The catalogue's FTS5 index is no model's table, and its rowids are the records' ids, which SQLite
            # hands out again from 1: a row left behind would match the next test's records.
            conn.execute(sql(f"DELETE FROM {SEARCH_TABLE}"))


@pytest.fixture(autouse=True)
def _app_context(request, app):
    """Each test runs in an app context on an empty database; in a module that shares one transaction
    (`module_transaction`), on what the module built, and what the test did is rolled back after it."""
    if "module_transaction" in request.fixturenames:
        with app.app_context(), undone(request.getfixturevalue("module_transaction")):
            yield
        return
    with app.app_context():
        yield
        db.session.rollback()
        db.session.remove()
        _truncate_all()


class _JoinedSession(FlaskSession):
    """A session on the connection it was given (Flask-SQLAlchemy's own picks the engine), which it joins
    through a savepoint: its commit releases the savepoint, its rollback returns to it."""

    def get_bind(self, *args, **kwargs):
        return self.bind


@pytest.fixture(scope="module")
def module_transaction(app) -> Iterator[Connection]:
    """One transaction on one connection for a whole module, rolled back at its end: every session (the
    tests' and each request's, in its own app context) joins it through a savepoint, so what the module
    builds once is seen by all its tests, and each test is undone after it (see `_app_context`). Nothing
    is committed, on SQLite as on PostgreSQL. Use it with
    `pytestmark = pytest.mark.usefixtures("module_transaction")` so that every test of the module joins."""
    with app.app_context():
        connection = db.engine.connect()
    raw = connection.connection.dbapi_connection
    sqlite_isolation = getattr(raw, "isolation_level", None) if not ON_POSTGRES else None
    if not ON_POSTGRES:
        # pysqlite opens no transaction before a SAVEPOINT, and releasing an outermost savepoint commits:
        # the transaction is opened here, explicitly, so that every savepoint nests inside it.
        raw.isolation_level = None
    transaction = connection.begin()
    if not ON_POSTGRES:
        connection.exec_driver_sql("BEGIN")
    factory = db.session.session_factory
    saved_class, saved_options = factory.class_, dict(factory.kw)
    factory.class_ = _JoinedSession
    factory.configure(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield connection
    finally:
        factory.class_ = saved_class
        factory.kw.clear()
        factory.kw.update(saved_options)
        transaction.rollback()
        if not ON_POSTGRES:
            raw.isolation_level = sqlite_isolation
        connection.close()
        with app.app_context():
            _truncate_all()  # in case something reached the database by another connection


@pytest.fixture(scope="module")
def access_world(app, module_transaction) -> tuple[dict[str, int], dict]:
    """The access matrix's world (tests/views/access_world.py), built once for the module in its transaction:
    the ids of its people by role (objects do not outlive the session of a test) and of its objects by name."""
    from .views.access_world import build_world

    with app.app_context():
        people, ids = build_world()
        people_ids = {role: person.id for role, person in people.items()}
        db.session.remove()
    return people_ids, ids


@contextmanager
def undone(connection: Connection) -> Iterator[None]:
    """Whatever the test's session and its requests do inside is rolled back at the end (in a module that
    shares one transaction: see `module_transaction`)."""
    db.session.remove()
    savepoint = connection.begin_nested()
    try:
        yield
    finally:
        db.session.remove()
        savepoint.rollback()


class IsolatedClient(FlaskClient):
    """A test client whose requests run in their own app context, as in production.

    Flask would otherwise reuse the test's app context, and with it the test's database session, hiding
    bugs such as a view that forgets to commit. The test's own session is committed first so that what the
    test arranged is visible to the request, and expired so that what the request changed is re-read.
    """

    def open(self, *args, **kwargs):
        try:
            db.session.commit()
        except RuntimeError:  # no app context in this test
            pass
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def client(app) -> IsolatedClient:
    return app.test_client()


def form_token(html: str) -> str:
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def post_form(client: FlaskClient, url: str, data: dict, *, page: str | None = None, **kwargs):
    """GET the page holding the form, then POST it with its CSRF token, like a browser."""
    html = client.get(page or url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": form_token(html), **data}, **kwargs)


def sign_in_as(client: FlaskClient, user) -> None:
    """Open a session for `user` directly, as Flask-Login would after a login (no password check:
    for tests about what a signed-in person may do, not about signing in)."""
    opened = factories.login_session(user)
    with client.session_transaction() as session:
        session["_user_id"] = opened.token
        session["_fresh"] = True


def login(client: FlaskClient, email: str, password: str = factories.PASSWORD):
    response = post_form(client, "/login", {"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response


@contextmanager
def counted_queries() -> Iterator[list[str]]:
    """The SQL statements run inside the block, in order."""
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def fr(msgid: str, **variables) -> str:
    """A message as the French pages show it, from the app's own catalog."""
    with force_locale("fr"):
        return gettext(msgid, **variables)


def nfr(singular: str, plural: str, num: int, **variables) -> str:
    """A plural message as the French pages show it."""
    with force_locale("fr"):
        return ngettext(singular, plural, num, **variables)


def text(response) -> str:
    """A page's text with its HTML entities decoded, as a reader sees it (apostrophes, quotes)."""
    return unescape(response.get_data(as_text=True))
