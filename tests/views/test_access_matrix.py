"""Who may reach what: every route × every role, with the expected status.

The matrix must list every route of the app (test_every_route_is_in_the_matrix): a new route without
its row fails the suite.
"""
from __future__ import annotations

import pytest

from prizeapp.enums import CallRoleKind, OutboxStatus, SubmissionStatus
from prizeapp.extensions import db

from .. import factories
from ..conftest import _truncate_all, post_form, sign_in_as
from . import (
    access_assignment,
    access_deliberation,
    access_impartial,
    access_jury,
    access_notifications,
    access_pool,
    access_results,
    access_review,
    access_reviewer,
)
from .access import ROLES, Route, everyone, only, signed_in

AREAS = (access_pool, access_reviewer, access_review, access_assignment, access_jury, access_deliberation,
         access_results, access_notifications, access_impartial)  # each adds its rows and objects to the world

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


@pytest.fixture
def world():
    return build_world()


def build_world():
    """One call with an organiser, a reviewer and a jury member; emails about that call and about no call."""
    call = factories.call()
    people = {"user": factories.user(), "organiser": factories.user(), "reviewer": factories.user(email="relectrice@ville-exemple.fr"),
              "jury": factories.user(email="jure@agglo-exemple.fr"), "admin": factories.user(admin=True)}
    factories.grant(people["organiser"], call, CallRoleKind.ORGANISER)
    factories.grant(people["reviewer"], call, CallRoleKind.REVIEWER)
    factories.grant(people["jury"], call, CallRoleKind.JURY)
    ids = {"call_email": factories.email(call_id=call.id, status=OutboxStatus.FAILED).id,
           "private_email": factories.email(status=OutboxStatus.FAILED, sensitive=True).id}
    ids |= {"call": call.id, "other_call": factories.call().id,
            "question": factories.question(call=call).id,
            "submission": factories.submission(call=call, status=SubmissionStatus.SUBMITTED).id,
            "draft": factories.submission(call=call).id}
    ids |= _applicant_world(call, people)
    _reviewer_world(call, people, ids["submission"])
    ids["jury_id"] = people["jury"].id
    for area in AREAS:
        ids |= area.build(call, people)
    return people, ids


def _reviewer_world(call, people, submission_id: int) -> None:
    """Both reviewers are in the pool and assigned (committed) to {submission}; the conflicted one then
    declared a conflict with it, which must close everything of that project to them."""
    from prizeapp.enums import AssignmentStatus, ConflictSource
    from prizeapp.extensions import db
    from prizeapp.models import Assignment, ConflictDeclaration

    # Addresses of their own: everyone else shares example.gouv.fr, which in so small a call is a conflict.
    people["conflicted_reviewer"] = factories.user(email="relecteur@region-exemple.fr")
    for role in ("reviewer", "conflicted_reviewer"):
        factories.pool_member(call=call, user=people[role])
        db.session.add(Assignment(call_id=call.id, submission_id=submission_id, reviewer_id=people[role].id,
                                  status=AssignmentStatus.COMMITTED))
    db.session.add(ConflictDeclaration(submission_id=submission_id, reviewer_id=people["conflicted_reviewer"].id,
                                       source=ConflictSource.REVIEWER, reason="Mon ancienne équipe"))
    db.session.commit()


def _applicant_world(call, people) -> dict:
    """A draft with a lead and a co-applicant, a file on it and on the submitted project, a draft call of the
    world's organiser, and an invitation link to the draft (for an address nobody has)."""
    from prizeapp.enums import CallPhase
    from prizeapp.extensions import db
    from prizeapp.models import Submission, TeamInvitation
    from prizeapp.services.accounts import make_token

    draft_call = factories.call(phase=CallPhase.DRAFT)
    factories.grant(people["organiser"], draft_call, CallRoleKind.ORGANISER)
    lead, co_applicant = factories.user(), factories.user()
    team_draft = factories.submission(call=call, lead=lead, members=(co_applicant,))
    submitted = db.session.scalar(db.select(Submission).where(Submission.call_id == call.id,
                                                              Submission.status == SubmissionStatus.SUBMITTED))
    invitation = TeamInvitation(submission=team_draft, email="invitee@example.org", invited_by_id=lead.id)
    db.session.add(invitation)
    db.session.commit()
    people |= {"lead": lead, "co_applicant": co_applicant,
               "other_applicant": factories.submission(call=call).members[0].user}
    return {"call_slug": call.slug, "draft_call_slug": draft_call.slug, "team_draft": team_draft.id,
            "co_applicant_member": team_draft.members[1].id,
            "draft_file": factories.file(submission=team_draft).id,
            "submitted_file": factories.file(submission=submitted).id,
            "join_token": make_token("team", {"inv": invitation.id, "email": invitation.email})}


ALL_ROUTES = MATRIX + [row for area in AREAS for row in area.ROWS]


def _request(client, route: Route, people, ids, role: str):
    with client.session_transaction() as session:
        session.clear()
    if role != "anonymous":
        sign_in_as(client, people[role])
    path = route.path.format(**ids)
    if route.method == "GET":
        return path, client.get(path)
    data = {key: value.format(**ids) if isinstance(value, str) else value for key, value in route.data.items()}
    return path, post_form(client, path, data, page="/")


def _changed_nothing(response) -> bool:
    """Refused (or sent to the sign-in page): the world is as it was, the next role can use it."""
    login = response.status_code == 302 and "/login" in response.headers.get("Location", "")
    return login or response.status_code in (400, 401, 403, 404, 405)


@pytest.mark.parametrize("route", ALL_ROUTES, ids=lambda r: f"{r.method} {r.path}")
def test_access(client, route):
    """Every role on one route. The world is built once per route and built again only after a request
    that may have changed it (an accepted POST), so that each role meets the same world."""
    people, ids = build_world()
    wrong = []
    for role in ROLES:
        path, response = _request(client, route, people, ids, role)
        if response.status_code != route.expected[role]:
            wrong.append(f"{role}: {response.status_code} instead of {route.expected[role]} on {route.method} {path}")
        if route.method != "GET" and not _changed_nothing(response):
            db.session.rollback()
            db.session.remove()
            _truncate_all()
            people, ids = build_world()
    assert wrong == []


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
