"""Limits that count rows and then add one hold under parallel requests: each request runs in its own thread,
with its own test client, app context and database connection, against the same database (on SQLite the
same file, whose writers wait for each other through busy_timeout; on PostgreSQL real concurrent
transactions)."""
from __future__ import annotations

import re
from datetime import timedelta

from prizeapp.enums import CallPhase, MemberRole, SubmissionStatus
from prizeapp.extensions import db
from prizeapp.models import Submission, SubmissionMember
from prizeapp.models.review_pool import ExclusionRequest
from prizeapp.models.types import utcnow

from .. import factories
from ..conftest import form_token, sign_in_as
from .parallel import in_parallel

PARALLEL = 10


def _hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html)
    assert match, f"no hidden {name} in the page"
    return match.group(1)


def _led_projects(call, user) -> int:
    db.session.expire_all()
    return db.session.scalar(
        db.select(db.func.count(Submission.id)).join(SubmissionMember)
        .where(Submission.call_id == call.id, SubmissionMember.user_id == user.id,
               SubmissionMember.role == MemberRole.LEAD, Submission.status != SubmissionStatus.WITHDRAWN))


def test_ten_parallel_starts_end_with_exactly_the_calls_maximum_of_drafts(app):
    call = factories.call()
    call.max_submissions_per_applicant = 2
    db.session.commit()
    applicant = factories.user(email="pressee@ville-a.fr")
    prepared = []
    for _ in range(PARALLEL):  # ten tabs, each with its own form (its own creation key)
        client = app.test_client()
        sign_in_as(client, applicant)
        html = client.get(f"/calls/{call.slug}/apply").get_data(as_text=True)
        prepared.append((client, f"/calls/{call.slug}/apply",
                         {"csrf_token": form_token(html), "creation_key": _hidden(html, "creation_key"),
                          "title": "Mon projet"}))

    statuses = in_parallel(app, prepared)

    assert _led_projects(call, applicant) == 2
    assert sorted(statuses) == [302] * 2 + [403] * (PARALLEL - 2)


def test_parallel_reopenings_of_withdrawn_projects_stay_within_the_maximum(app):
    call = factories.call()
    call.max_submissions_per_applicant = 2
    db.session.commit()
    applicant = factories.user(email="revient@ville-a.fr")
    factories.submission(call=call, lead=applicant)
    withdrawn = [factories.submission(call=call, lead=applicant, status=SubmissionStatus.WITHDRAWN)
                 for _ in range(5)]
    prepared = []
    for project in withdrawn:
        client = app.test_client()
        sign_in_as(client, applicant)
        html = client.get(f"/submissions/{project.id}").get_data(as_text=True)
        prepared.append((client, f"/submissions/{project.id}/reopen", {"csrf_token": form_token(html)}))

    in_parallel(app, prepared)

    assert _led_projects(call, applicant) == 2


def test_a_withdrawn_project_is_not_reopened_past_the_maximum(app):
    from prizeapp.services import submissions

    call = factories.call()
    call.max_submissions_per_applicant = 1
    db.session.commit()
    applicant = factories.user()
    first = submissions.create_draft(call=call, user=applicant, title="Premier")
    submissions.withdraw(submission=first, user=applicant)
    submissions.create_draft(call=call, user=applicant, title="Second")

    try:
        submissions.reopen(submission=first, user=applicant)
    except submissions.SubmissionError as refused:
        assert (refused.code, refused.params) == ("max_submissions_reached", {"max": 1})
    else:
        raise AssertionError("reopened past the maximum")
    assert _led_projects(call, applicant) == 1


def test_the_same_exclusion_sent_ten_times_at_once_is_one_request(app):
    call = factories.call()
    now = utcnow()
    call.opens_at, call.submission_deadline = now - timedelta(days=10), now - timedelta(days=1)
    call.phase = CallPhase.REVIEW
    db.session.commit()
    lead = factories.user(email="porteuse@ville-a.fr")
    project = factories.submission(call=call, lead=lead, status=SubmissionStatus.SUBMITTED)
    prepared = []
    for _ in range(PARALLEL):
        client = app.test_client()
        sign_in_as(client, lead)
        html = client.get(f"/submissions/{project.id}").get_data(as_text=True)
        prepared.append((client, f"/submissions/{project.id}/exclusions",
                         {"csrf_token": form_token(html), "email": "rival@ville-b.fr"}))

    statuses = in_parallel(app, prepared)

    assert statuses == [302] * PARALLEL
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(ExclusionRequest.id))) == 1


def test_two_organisers_revoking_each_other_at_once_leave_the_call_one(app):
    from prizeapp.enums import CallRoleKind
    from prizeapp.models import CallRole

    call = factories.call()
    first, second = factories.user(), factories.user()
    for person in (first, second):
        factories.grant(person, call, CallRoleKind.ORGANISER)
    prepared = []
    for me, other in ((first, second), (second, first)):
        client = app.test_client()
        sign_in_as(client, me)
        html = client.get(f"/manage/calls/{call.id}/people").get_data(as_text=True)
        prepared.append((client, f"/manage/calls/{call.id}/people/revoke",
                         {"csrf_token": form_token(html), "user_id": str(other.id), "role": "organiser"}))

    in_parallel(app, prepared)

    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(CallRole.id)).where(
        CallRole.call_id == call.id, CallRole.role == CallRoleKind.ORGANISER)) == 1
