"""Who may reach what: every route × every role, with the expected status.

The matrix must list every route of the app (test_every_route_is_in_the_matrix): a new route without
its row fails the suite.
"""
from __future__ import annotations

import re

import pytest

from prizeapp.extensions import db
from prizeapp.models import User

from ..conftest import post_form, sign_in_as, undone
from .access import ROLES, Route, everyone, only, signed_in
from .access_world import AREAS

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
    Route("account.end_sessions", "POST", "/account/sessions/end", signed_in(302)),
    Route("account.language", "POST", "/account/language", everyone(302), data={"locale": "en"}),
    Route("admin.outbox_list", "GET", "/admin/outbox", only({"organiser": 200, "admin": 200})),
    Route("admin.outbox_email", "GET", "/admin/outbox/{call_email}", only({"organiser": 200, "admin": 200})),
    Route("admin.outbox_email", "GET", "/admin/outbox/{private_email}", only({"admin": 200})),
    Route("admin.outbox_resend", "POST", "/admin/outbox/{call_email}/resend", only({"organiser": 302, "admin": 302})),
    Route("admin.outbox_resend", "POST", "/admin/outbox/{private_email}/resend", only({"admin": 302})),
    Route("admin.audit_log", "GET", "/admin/audit", only({"admin": 200})),
    Route("admin.audit_export", "GET", "/admin/audit.csv", only({"admin": 200})),
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
    Route("organiser.people", "GET", "/manage/calls/{call}/people", only({"organiser": 200, "admin": 200})),
    Route("organiser.people", "GET", "/manage/calls/{other_call}/people", only({"admin": 200})),
    Route("organiser.revoke_person", "POST", "/manage/calls/{call}/people/revoke",
          only({"organiser": 302, "admin": 302}), data={"user_id": "{jury_id}", "role": "jury"}),
    Route("organiser.reviews", "GET", "/manage/calls/{call}/reviews", only({"organiser": 200, "admin": 200})),
    Route("organiser.remind_reviewers", "POST", "/manage/calls/{call}/reviews/remind",
          only({"organiser": 302, "admin": 302})),
    Route("organiser.export", "GET", "/manage/calls/{call}/submissions.csv", only({"organiser": 200, "admin": 200})),
    Route("organiser.submission", "GET", "/manage/calls/{call}/submissions/{submission}",
          only({"organiser": 200, "admin": 200})),
    # A draft belongs to its team: neither the call's organisers nor administrators open it.
    Route("organiser.submission", "GET", "/manage/calls/{call}/submissions/{draft}", only({})),
    # The applicants' side. Published calls are public, drafts of calls only for their organisers; a project
    # is its team's (none of these roles is in the team of {team_draft} or {submission}: see the team tests
    # below); organisers download the files of submitted projects only.
    Route("applicant.calls", "GET", "/calls", everyone(200)),
    Route("applicant.call", "GET", "/calls/{call_slug}", everyone(200)),
    Route("applicant.call", "GET", "/calls/{draft_call_slug}", only({"organiser": 200, "admin": 200})),
    Route("applicant.new", "GET", "/calls/{call_slug}/apply", signed_in(200)),
    Route("applicant.new", "GET", "/calls/{draft_call_slug}/apply", only({"organiser": 200, "admin": 200})),
    Route("applicant.mine", "GET", "/submissions", signed_in(200)),
    Route("applicant.edit", "GET", "/submissions/{team_draft}", only({})),
    Route("applicant.edit", "GET", "/submissions/{submission}", only({})),
    Route("applicant.withdraw", "POST", "/submissions/{submission}/withdraw", only({})),
    Route("applicant.reopen", "POST", "/submissions/{team_draft}/reopen", only({})),
    Route("applicant.upload", "POST", "/submissions/{team_draft}/files", only({})),
    Route("applicant.invite", "POST", "/submissions/{team_draft}/team", only({}), data={"email": "x@example.org"}),
    Route("applicant.remove_member", "POST", "/submissions/{team_draft}/members/{co_applicant_member}/remove",
          only({})),
    Route("applicant.download", "GET", "/files/{draft_file}", only({})),
    # Assigned reviewers download the files of their projects; a conflicted one never does; the jury does.
    Route("applicant.download", "GET", "/files/{submitted_file}",
          only({"organiser": 200, "admin": 200, "reviewer": 200, "jury": 200})),
    Route("applicant.remove_file", "POST", "/files/{draft_file}/delete", only({})),
    Route("applicant.join", "GET", "/join/{join_token}", everyone(200)),
]


# The world (access_world.py) is built once for the module, in a transaction that is never committed: each
# test, and each role's request in test_access, is rolled back to it (tests/conftest.py, `access_world`).
pytestmark = pytest.mark.usefixtures("module_transaction")


@pytest.fixture
def world(access_world):
    people_ids, ids = access_world
    return {role: db.session.get(User, person) for role, person in people_ids.items()}, ids


ALL_ROUTES = MATRIX + [row for area in AREAS for row in area.ROWS]


def _request(client, route: Route, people_ids, ids, role: str):
    with client.session_transaction() as session:
        session.clear()
    if role != "anonymous":
        sign_in_as(client, db.session.get(User, people_ids[role]))
    path = route.path.format(**ids)
    if route.method == "GET":
        return path, client.get(path)
    data = {key: value.format(**ids) if isinstance(value, str) else value for key, value in route.data.items()}
    return path, post_form(client, path, data, page="/")


@pytest.mark.parametrize("route", ALL_ROUTES, ids=lambda r: f"{r.method} {r.path}")
def test_access(client, module_transaction, access_world, route):
    """Every role on one route. Each role's request is rolled back after it, so that every role meets the
    same world, as built."""
    people_ids, ids = access_world
    wrong = []
    for role in ROLES:
        with undone(module_transaction):
            path, response = _request(client, route, people_ids, ids, role)
        if response.status_code != route.expected[role]:
            wrong.append(f"{role}: {response.status_code} instead of {route.expected[role]} on {route.method} {path}")
        elif response.mimetype == "text/html":
            repeated = _repeated_ids(response.get_data(as_text=True))
            if repeated:  # a label or a skip link would point at the wrong element (RGAA 8.2)
                wrong.append(f"{role}: ids used twice on {route.method} {path}: {repeated}")
    assert wrong == []


def _repeated_ids(html: str) -> list[str]:
    seen = re.findall(r'\sid="([^"]+)"', html)
    return sorted({i for i in seen if seen.count(i) > 1})


def test_every_route_is_in_the_matrix(app):
    covered = {(r.endpoint, r.method) for r in ALL_ROUTES}
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


# Roles the matrix cannot hold: the team of a project, and the applicant of another project of the same call.
TEAM_ROUTES = [
    ("GET", "/submissions/{team_draft}", {}, 200),
    ("GET", "/files/{draft_file}", {}, 200),
    ("POST", "/submissions/{team_draft}/team", {"email": "new.member@example.org"}, 302),
    ("POST", "/submissions/{team_draft}/files", {}, 400),  # the team may upload; this post has no file
    ("POST", "/files/{draft_file}/delete", {}, 302),
    ("POST", "/submissions/{team_draft}/withdraw", {}, 302),
    ("POST", "/submissions/{team_draft}/reopen", {}, 302),
    ("POST", "/submissions/{team_draft}/members/{co_applicant_member}/remove", {}, 302),
]


@pytest.mark.parametrize("member", ["lead", "co_applicant"])
@pytest.mark.parametrize("method, path, data, expected", TEAM_ROUTES, ids=lambda v: v if isinstance(v, str) else "")
def test_the_team_reaches_its_project(client, world, member, method, path, data, expected):
    people, ids = world
    sign_in_as(client, people[member])
    path = path.format(**ids)
    response = client.get(path) if method == "GET" else post_form(client, path, data, page="/")
    assert response.status_code == expected
    if response.mimetype == "text/html":
        assert _repeated_ids(response.get_data(as_text=True)) == []


@pytest.mark.parametrize("method, path, data, expected", TEAM_ROUTES, ids=lambda v: v if isinstance(v, str) else "")
def test_an_applicant_of_another_project_reaches_nothing_of_this_one(client, world, method, path, data, expected):
    people, ids = world
    sign_in_as(client, people["other_applicant"])
    path = path.format(**ids)
    response = client.get(path) if method == "GET" else post_form(client, path, data, page="/")
    assert response.status_code == 403


def test_a_co_applicant_cannot_remove_the_lead(client, world):
    people, ids = world
    draft = ids["team_draft"]
    from prizeapp.extensions import db
    from prizeapp.models import Submission

    lead_member = db.session.get(Submission, draft).members[0]
    sign_in_as(client, people["co_applicant"])
    response = post_form(client, f"/submissions/{draft}/members/{lead_member.id}/remove", {}, page="/")
    assert response.status_code == 403
    sign_in_as(client, people["lead"])
    response = post_form(client, f"/submissions/{draft}/members/{lead_member.id}/remove", {}, page="/")
    assert response.status_code == 403
    assert len(db.session.get(Submission, draft).members) == 2
