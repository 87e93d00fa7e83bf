"""Huge and odd numbers in every route and query string get 404 or 400, never a server error.

The routes come from the app's URL map, like the access matrix: a new route is tried without being listed.
"""
from __future__ import annotations

import re

import pytest

from prizeapp.enums import CallRoleKind, SubmissionStatus
from prizeapp.web import MAX_ID, parse_int

from .. import factories
from ..conftest import sign_in_as

HUGE = "99999999999999999999999"
ODD_QUERY = [f"page={HUGE}", "page=922337203685477580", "page=-1", "page=0", "page=abc",
             f"call={HUGE}", f"submission={HUGE}", f"reviewer={HUGE}", "category=%00", "sort=%27"]


def get_rules(app):
    return sorted((r for r in app.url_map.iter_rules() if "GET" in r.methods and r.endpoint != "static"),
                  key=lambda r: r.rule)


def fill(rule, ids: dict[str, int], odd: str | None = None) -> str:
    """The rule's path with every int argument set to an existing object's id (or `odd` for all of them)."""
    def value(match: re.Match) -> str:
        converter, name = match.group(1), match.group(2)
        if converter == "int":
            return odd or str(ids.get(name, 1))
        return "x"
    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", value, rule.rule)


@pytest.fixture
def world():
    admin = factories.user(admin=True)
    call = factories.call()
    factories.grant(admin, call, CallRoleKind.ORGANISER)
    submission = factories.submission(call=call, status=SubmissionStatus.SUBMITTED)
    return admin, {"call_id": call.id, "submission_id": submission.id}


def test_every_int_route_answers_404_to_a_number_past_the_ids(app, client, world):
    admin, ids = world
    sign_in_as(client, admin)
    tried = []
    for rule in app.url_map.iter_rules():
        if not any(c.__class__.__name__ == "IdConverter" for c in rule._converters.values()):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            path = fill(rule, ids, odd=HUGE)
            status = client.open(path, method=method).status_code
            tried.append(path)
            assert status == 404, (method, path, status)
    assert len(tried) > 50


def test_every_page_survives_odd_query_parameters(app, client, world):
    admin, ids = world
    sign_in_as(client, admin)
    failures = []
    for rule in get_rules(app):
        path = fill(rule, ids)
        for query in ODD_QUERY:
            status = client.get(f"{path}?{query}").status_code
            if status >= 500:
                failures.append((path, query, status))
    assert failures == []


@pytest.mark.parametrize("path", ["/admin/audit", "/admin/outbox", "/manage/calls/{call_id}",
                                  "/manage/calls/{call_id}/emails", "/manage/calls/{call_id}/audit"])
@pytest.mark.parametrize("page", [HUGE, "-3", "abc"])
def test_a_page_number_out_of_range_is_a_bad_request(client, world, path, page):
    admin, ids = world
    sign_in_as(client, admin)
    assert client.get(path.format(**ids) + f"?page={page}").status_code == 400


def test_the_laureates_filter_ignores_a_call_number_past_the_ids(client):
    assert client.get(f"/laureates?call={HUGE}").status_code == 200


@pytest.mark.parametrize("raw, expected", [("12", 12), (" 7 ", 7), (str(MAX_ID), MAX_ID), (str(MAX_ID + 1), None),
                                           ("0", None), ("-1", None), ("1e3", None), ("", None), (None, None),
                                           (HUGE, None), ("٣", None)])
def test_parse_int_keeps_only_ids_in_range(raw, expected):
    assert parse_int(raw) == expected


@pytest.mark.parametrize("path", ["/laureates?q=%00", "/laureates/%00", "/calls?x=a%00b"])
def test_a_null_character_is_a_bad_request(client, path):
    assert client.get(path).status_code == 400


def test_a_null_character_in_a_form_is_a_bad_request(client):
    from ..conftest import post_form

    assert post_form(client, "/reset", {"email": "a\x00@example.gouv.fr"}).status_code == 400


@pytest.fixture
def organised(client):
    from prizeapp.services import assignment as assignment_service

    organiser = factories.user()
    call = factories.call()
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    for _ in range(2):
        factories.submission(call=call, status=SubmissionStatus.SUBMITTED)
        factories.pool_member(call=call)
    run = assignment_service.start_run(call=call, actor=organiser)
    assignment_service.run_assignment(run=run)
    from prizeapp.extensions import db

    db.session.commit()
    sign_in_as(client, organiser)
    return call, run


@pytest.mark.parametrize("path, page, data", [
    ("/manage/calls/{call}/conflicts/waive", "/manage/calls/{call}/conflicts",
     {"submission": HUGE, "reviewer": HUGE, "code": "same_service", "reason": "x"}),
    ("/manage/calls/{call}/people/revoke", "/manage/calls/{call}/people", {"user_id": HUGE, "role": "jury"}),
    ("/manage/calls/{call}/assignment/runs/{run}/pairs", "/manage/calls/{call}/assignment/runs/{run}",
     {"submission_id": HUGE, "reviewer_id": HUGE}),
])
def test_a_form_naming_a_number_past_the_ids_is_refused_not_a_server_error(client, organised, path, page, data):
    from ..conftest import post_form

    call, run = organised
    ids = {"call": call.id, "run": run.id}
    response = post_form(client, path.format(**ids), data, page=page.format(**ids))
    assert response.status_code in (302, 400, 404), response.status_code


@pytest.mark.parametrize("query", [f"submission={HUGE}&reviewer={HUGE}", f"submission=9&reviewer={HUGE}"])
def test_the_affinity_explanation_survives_numbers_past_the_ids(client, organised, query):
    call, _run = organised
    assert client.get(f"/manage/calls/{call.id}/affinity?{query}").status_code in (200, 400, 404)
