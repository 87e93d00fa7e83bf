"""Who may reach what: every route × every role, with the expected status.

The matrix must list every route of the app (test_every_route_is_in_the_matrix): a new route without
its row fails the suite.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from prizeapp.enums import CallRoleKind, OutboxStatus, SubmissionStatus

from .. import factories
from ..conftest import post_form, sign_in_as

ROLES = ["anonymous", "user", "organiser", "reviewer", "jury", "admin"]
LOGIN = 302  # login_required redirects anonymous people to the sign-in page


@dataclass
class Route:
    endpoint: str
    method: str
    path: str  # may use {call_email} / {private_email}: ids of objects built by the `world` fixture
    expected: dict[str, int]
    data: dict = field(default_factory=dict)


def everyone(status: int) -> dict[str, int]:
    return {role: status for role in ROLES}


def signed_in(status: int, anonymous: int = LOGIN) -> dict[str, int]:
    return {"anonymous": anonymous, **{role: status for role in ROLES if role != "anonymous"}}


def only(allowed: dict[str, int], others: int = 403) -> dict[str, int]:
    return {"anonymous": LOGIN, **{role: allowed.get(role, others) for role in ROLES if role != "anonymous"}}


MATRIX = [
    Route("public.index", "GET", "/", everyone(200)),
    Route("public.healthz", "GET", "/healthz", everyone(200)),
    Route("auth.register", "GET", "/register", signed_in(302, anonymous=200)),
    Route("auth.check_email", "GET", "/register/check-email?email=a@b.fr", everyone(200)),
    Route("auth.confirm", "GET", "/confirm/not-a-token", everyone(400)),
    Route("auth.resend_confirmation", "GET", "/confirm/resend", everyone(200)),
    Route("auth.login", "GET", "/login", signed_in(302, anonymous=200)),
    Route("auth.unconfirmed", "GET", "/login/unconfirmed?email=a@b.fr", everyone(200)),
    Route("auth.logout", "POST", "/logout", signed_in(302)),
    Route("auth.reset_request", "GET", "/reset", everyone(200)),
    Route("auth.reset", "GET", "/reset/not-a-token", everyone(400)),
    Route("account.dashboard", "GET", "/account/", signed_in(200)),
    Route("account.profile", "GET", "/account/profile", signed_in(200)),
    Route("account.password", "GET", "/account/password", signed_in(200)),
    Route("account.language", "POST", "/account/language", everyone(302), data={"locale": "en"}),
    Route("admin.outbox_list", "GET", "/admin/outbox", only({"organiser": 200, "admin": 200})),
    Route("admin.outbox_email", "GET", "/admin/outbox/{call_email}", only({"organiser": 200, "admin": 200})),
    Route("admin.outbox_email", "GET", "/admin/outbox/{private_email}", only({"admin": 200})),
    Route("admin.outbox_resend", "POST", "/admin/outbox/{call_email}/resend", only({"organiser": 302, "admin": 302})),
    Route("admin.outbox_resend", "POST", "/admin/outbox/{private_email}/resend", only({"admin": 302})),
    Route("admin.audit_log", "GET", "/admin/audit", only({"admin": 200})),
    # The organiser side of calls: the organiser of the world's call, and administrators.
    Route("organiser.calls", "GET", "/manage/", only({"organiser": 200, "admin": 200})),
    Route("organiser.new_call", "GET", "/manage/calls/new", only({"organiser": 200, "admin": 200})),
    Route("organiser.dashboard", "GET", "/manage/calls/{call}", only({"organiser": 200, "admin": 200})),
    Route("organiser.dashboard", "GET", "/manage/calls/{other_call}", only({"admin": 200})),
    Route("organiser.move_phase", "POST", "/manage/calls/{call}/phase", only({"organiser": 302, "admin": 302}),
          data={"target": "review"}),
    Route("organiser.edit_call", "GET", "/manage/calls/{call}/settings", only({"organiser": 200, "admin": 200})),
    Route("organiser.edit_call", "GET", "/manage/calls/{other_call}/settings", only({"admin": 200})),
    Route("organiser.grid", "GET", "/manage/calls/{call}/grid", only({"organiser": 200, "admin": 200})),
    Route("organiser.form", "GET", "/manage/calls/{call}/form", only({"organiser": 200, "admin": 200})),
    Route("organiser.new_question", "GET", "/manage/calls/{call}/form/questions/new",
          only({"organiser": 200, "admin": 200})),
    Route("organiser.edit_question", "GET", "/manage/calls/{call}/form/questions/{question}",
          only({"organiser": 200, "admin": 200})),
    Route("organiser.edit_question", "GET", "/manage/calls/{other_call}/form/questions/{question}",
          only({"admin": 404})),
    Route("organiser.delete_question", "POST", "/manage/calls/{call}/form/questions/{question}/delete",
          only({"organiser": 302, "admin": 302})),
    Route("organiser.move_question", "POST", "/manage/calls/{call}/form/questions/{question}/move",
          only({"organiser": 302, "admin": 302}), data={"direction": "down"}),
    Route("organiser.export", "GET", "/manage/calls/{call}/submissions.csv", only({"organiser": 200, "admin": 200})),
    Route("organiser.submission", "GET", "/manage/calls/{call}/submissions/{submission}",
          only({"organiser": 200, "admin": 200})),
    # A draft belongs to its team: neither the call's organisers nor administrators open it.
    Route("organiser.submission", "GET", "/manage/calls/{call}/submissions/{draft}", only({})),
]


@pytest.fixture
def world():
    """One call with an organiser, a reviewer and a jury member; emails about that call and about no call."""
    call = factories.call()
    people = {"user": factories.user(), "organiser": factories.user(), "reviewer": factories.user(),
              "jury": factories.user(), "admin": factories.user(admin=True)}
    factories.grant(people["organiser"], call, CallRoleKind.ORGANISER)
    factories.grant(people["reviewer"], call, CallRoleKind.REVIEWER)
    factories.grant(people["jury"], call, CallRoleKind.JURY)
    ids = {"call_email": factories.email(call_id=call.id, status=OutboxStatus.FAILED).id,
           "private_email": factories.email(status=OutboxStatus.FAILED, sensitive=True).id}
    ids |= {"call": call.id, "other_call": factories.call().id,
            "question": factories.question(call=call).id,
            "submission": factories.submission(call=call, status=SubmissionStatus.SUBMITTED).id,
            "draft": factories.submission(call=call).id}
    return people, ids


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", MATRIX, ids=lambda r: f"{r.method} {r.path}")
def test_access(client, world, route, role):
    people, ids = world
    if role != "anonymous":
        sign_in_as(client, people[role])
    path = route.path.format(**ids)
    if route.method == "GET":
        response = client.get(path)
    else:
        response = post_form(client, path, route.data, page="/")
    assert response.status_code == route.expected[role], f"{role} {route.method} {path}"


def test_every_route_is_in_the_matrix(app):
    covered = {(r.endpoint, r.method) for r in MATRIX}
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules() if rule.endpoint != "static"
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    # A GET+POST form route is covered by its GET row: its POST is tested with the form's own tests.
    missing = {(e, m) for e, m in routes - covered if not (m == "POST" and (e, "GET") in covered)}
    assert missing == set()


def test_anonymous_is_sent_to_login_with_a_next_url(client):
    response = client.get("/admin/audit")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Fadmin%2Faudit"


def test_organiser_sees_only_the_emails_of_their_calls(client, world):
    people, ids = world
    sign_in_as(client, people["organiser"])
    html = client.get("/admin/outbox").get_data(as_text=True)
    assert f"/admin/outbox/{ids['call_email']}" in html
    assert f"/admin/outbox/{ids['private_email']}" not in html


def test_body_of_a_sensitive_email_is_never_shown(client, world):
    people, ids = world
    sign_in_as(client, people["admin"])
    html = client.get(f"/admin/outbox/{ids['private_email']}").get_data(as_text=True)
    assert "Bonjour" not in html  # the body of the factory email
