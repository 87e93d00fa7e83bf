"""The organisers' assignment pages: compute through the job worker, preview, adjust by hand, commit, repair."""
from __future__ import annotations

import re

import pytest

from prizeapp.enums import (
    AssignmentRunStatus,
    AssignmentStatus,
    CallRoleKind,
    Locale,
)
from prizeapp.extensions import db
from prizeapp.models import Assignment, AssignmentRun, AuditEvent
from prizeapp.services import assignment as service
from prizeapp.services import jobs
from prizeapp.services.outbox import deliver_pending

from .. import factories
from ..conftest import post_form, sign_in_as


@pytest.fixture
def world():
    """4 submitted projects, 4 reviewers (k = 2); the first reviewer shares a service with the first lead."""
    call, projects, reviewers, organiser = factories.assignment_call()
    organiser.locale = Locale.EN  # the pages in English, as the assertions below
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    return call, projects, reviewers, organiser


def base(call) -> str:
    return f"/manage/calls/{call.id}/assignment"


def computed(client, call, **data) -> AssignmentRun:
    """Start a computation from the page, then let the worker compute it."""
    response = post_form(client, f"{base(call)}/runs", {"seed": "5", **data}, page=base(call))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    run_id = int(re.search(r"/runs/(\d+)$", response.headers["Location"]).group(1))
    assert jobs.work_one().id == run_id
    return db.session.get(AssignmentRun, run_id)


def pairs(call, status=None):
    query = db.select(Assignment).where(Assignment.call_id == call.id)
    if status is not None:
        query = query.where(Assignment.status == status)
    return list(db.session.scalars(query.order_by(Assignment.id)))


def test_overview_explains_the_options_and_lists_nothing_yet(client, world):
    call, _, _, organiser = world
    sign_in_as(client, organiser)
    html = client.get(base(call)).get_data(as_text=True)
    assert "No assignment yet." in html
    assert 'name="seed"' in html and 'value="0"' in html
    assert "Fairness first" in html and "Connected review graph" in html
    assert "lenient and harsh reviewers can be calibrated" in html
    assert "No computation yet." in html


def test_start_queues_a_run_and_the_page_shows_its_progress(client, world):
    call, _, _, organiser = world
    sign_in_as(client, organiser)

    response = post_form(client, f"{base(call)}/runs", {"seed": "42", "fairness": "y"}, page=base(call))

    run = db.session.scalar(db.select(AssignmentRun))
    assert response.headers["Location"] == f"{base(call)}/runs/{run.id}"
    assert (run.seed, run.options, run.status) == (42, {"fairness": True, "connected": False},
                                                   AssignmentRunStatus.QUEUED)
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "assignment.run_queued"))
    assert event.details == {"seed": 42, "options": {"fairness": True, "connected": False}}
    html = client.get(f"{base(call)}/runs/{run.id}").get_data(as_text=True)
    assert '<progress id="run-progress"' in html and 'aria-live="polite"' in html
    assert "Waiting for the job worker" in html
    assert f'data-run-status="{base(call)}/runs/{run.id}.json"' in html
    assert client.get(f"{base(call)}/runs/{run.id}.json").get_json() == {
        "status": "queued", "progress": 0, "text": "Waiting for the job worker…", "finished": False,
        "stalled": False}
    overview = client.get(base(call)).get_data(as_text=True)
    assert "fairness first" in overview and "Waiting for the job worker" in overview


def test_a_run_queued_long_ago_says_the_worker_is_not_running(client, world):
    from datetime import timedelta

    from prizeapp.models.types import utcnow

    call, _, _, organiser = world
    run = service.start_run(call=call, actor=organiser)
    run.created_at = utcnow() - timedelta(minutes=2)
    sign_in_as(client, organiser)
    assert client.get(f"{base(call)}/runs/{run.id}.json").get_json()["stalled"] is True
    html = client.get(f"{base(call)}/runs/{run.id}").get_data(as_text=True)
    assert "The job worker is not running" in html and "flask jobs work --loop" in html
    assert "data-run-stalled >" in html or "data-run-stalled>" in html  # shown, not hidden


def test_an_invalid_seed_is_refused_keeping_the_input(client, world):
    call, _, _, organiser = world
    sign_in_as(client, organiser)
    response = post_form(client, f"{base(call)}/runs", {"seed": "-1"}, page=base(call))
    assert response.status_code == 400
    assert 'value="-1"' in response.get_data(as_text=True)
    assert db.session.scalar(db.select(AssignmentRun)) is None


def test_preview_shows_loads_histogram_conflicts_connectivity_and_pairs(client, world):
    call, projects, reviewers, organiser = world
    sign_in_as(client, organiser)
    run = computed(client, call)
    assert run.status == AssignmentRunStatus.DONE

    html = client.get(f"{base(call)}/runs/{run.id}").get_data(as_text=True)

    assert "<progress" not in html
    assert html.count('class="chart__svg"') == 2  # loads and histogram
    assert html.count('class="chart__bar') == 4 + 10
    assert "Load per reviewer" in html and "Maximum load" in html
    assert "Median" in html and "Worst-off projects" in html
    assert "Same service as an applicant: 1" in html
    # Here the best assignment splits the reviewers in two groups: the page says what that means.
    assert "The reviewers form 2 separate groups (of 2 and 2 reviewers) that share no project." in html
    for project in projects:
        assert f'id="project-{project.id}"' in html
    assert html.count(">Remove<") == 8
    assert "Each reviewer will receive one email listing their projects." in html


def test_a_connected_review_graph_lets_leniency_be_compared_across_all_reviewers(client, world):
    call, _, _, organiser = world
    sign_in_as(client, organiser)
    run = computed(client, call, connected="y")

    html = client.get(f"{base(call)}/runs/{run.id}").get_data(as_text=True)

    assert run.result["components"] == 1
    assert "one connected group" in html and "leniency can be compared across all reviewers" in html
    assert "connected review graph" in client.get(base(call)).get_data(as_text=True)


def test_adding_a_conflicted_pair_is_refused_with_the_reason_in_words(client, world):
    call, projects, reviewers, organiser = world
    sign_in_as(client, organiser)
    run = computed(client, call)
    page = f"{base(call)}/runs/{run.id}"

    response = post_form(client, f"{page}/pairs", {"submission_id": projects[0].id, "reviewer_id": reviewers[0].id},
                         page=page)

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This reviewer cannot be added to this project" in html
    assert "Same service as an applicant: Service 1" in html
    # The selection is kept.
    assert re.search(rf'<option selected value="{projects[0].id}">', html)
    assert re.search(rf'<option selected value="{reviewers[0].id}">', html)
    assert len(pairs(call)) == 8


def test_remove_then_add_a_pair_by_hand(client, world):
    call, projects, reviewers, organiser = world
    sign_in_as(client, organiser)
    run = computed(client, call)
    page = f"{base(call)}/runs/{run.id}"
    pair = next(p for p in pairs(call) if p.submission_id == projects[1].id)
    submission_id, reviewer_id = pair.submission_id, pair.reviewer_id

    response = post_form(client, f"{page}/pairs/{pair.id}/remove", {}, page=page)

    assert response.status_code == 302 and response.headers["Location"] == f"{page}#project-{submission_id}"
    assert len(pairs(call)) == 7
    assert "1 of 2 reviewers" in client.get(page).get_data(as_text=True)

    response = post_form(client, f"{page}/pairs", {"submission_id": submission_id, "reviewer_id": reviewer_id},
                         page=page)
    assert response.status_code == 302
    added = pairs(call)[-1]
    assert (added.submission_id, added.reviewer_id, added.seed) == (submission_id, reviewer_id, None)
    actions = list(db.session.scalars(db.select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions[-2:] == ["assignment.removed", "assignment.added"]


def test_commit_sends_one_email_per_reviewer_and_shows_the_committed_state(client, world, mailbox):
    call, projects, reviewers, organiser = world
    sign_in_as(client, organiser)
    run = computed(client, call)

    response = post_form(client, f"{base(call)}/commit", {}, page=f"{base(call)}/runs/{run.id}")

    assert response.status_code == 302 and response.headers["Location"] == base(call)
    assert {p.status for p in pairs(call)} == {AssignmentStatus.COMMITTED}
    deliver_pending()
    assert sorted(m["To"] for m in mailbox.messages) == sorted(r.email for r in reviewers)
    html = client.get(base(call)).get_data(as_text=True)
    assert "4 reviewers will each receive one email listing their projects" in html
    assert "The assignment is committed" in html
    assert "Re-assign after changes" in html and "Compute the assignment" not in html


def test_reassign_after_a_decline_proposes_a_replacement_then_commits_it(client, world, mailbox):
    call, projects, reviewers, organiser = world
    sign_in_as(client, organiser)
    computed(client, call)
    post_form(client, f"{base(call)}/commit", {}, page=base(call))
    declined = pairs(call)[0]
    service.decline(assignment=declined, reviewer=declined.reviewer)
    db.session.commit()
    assert "1 assignment was declined and waits for a re-assignment." in client.get(base(call)).get_data(as_text=True)

    response = post_form(client, f"{base(call)}/reassign", {}, page=base(call))

    assert response.status_code == 302
    html = client.get(base(call)).get_data(as_text=True)
    assert "Re-assignment done: 1 pair added, 0 pairs removed." in html
    assert "New pairs to commit" in html
    [new] = pairs(call, AssignmentStatus.PROPOSED)
    assert new.submission_id == declined.submission_id and new.reviewer_id != declined.reviewer_id
    deliver_pending()
    mailbox.reset()
    post_form(client, f"{base(call)}/commit", {}, page=base(call))
    deliver_pending()
    assert [m["To"] for m in mailbox.messages] == [new.reviewer.email]


def test_an_impossible_reassignment_shows_its_reasons(client, world):
    call, projects, reviewers, organiser = world
    sign_in_as(client, organiser)
    computed(client, call)
    post_form(client, f"{base(call)}/commit", {}, page=base(call))
    call.reviewers_per_submission = 4  # the first project has only 3 conflict-free reviewers
    db.session.commit()

    response = post_form(client, f"{base(call)}/reassign", {}, page=base(call))

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The re-assignment is impossible" in html or "La réaffectation est impossible" in html
    assert said_in_page_language(html, projects[0].reference) in html


def test_a_failed_run_lists_its_reasons_and_what_to_do(client, world):
    call, projects, _, organiser = world
    call.reviewers_per_submission = 4
    sign_in_as(client, organiser)
    run = computed(client, call)

    html = client.get(f"{base(call)}/runs/{run.id}").get_data(as_text=True)

    assert run.status == AssignmentRunStatus.FAILED
    assert "No assignment could be computed" in html
    assert said_in_page_language(html, projects[0].reference) in html
    assert "What to do: invite more reviewers" in html


def said_in_page_language(html: str, reference: str) -> str:
    """The solver's "too few reviewers without conflict" reason as the page's language says it (from its code,
    not from the core's English sentence)."""
    import re

    from flask import current_app
    from flask_babel import force_locale
    from markupsafe import escape

    from prizeapp.views.solver_messages import say

    locale = re.search(r'<html lang="(\w+)"', html).group(1)
    with current_app.test_request_context(), force_locale(locale):
        return str(escape(say({"code": "few_conflict_free_reviewers", "text": "",
                               "params": {"submission": reference, "available": 3, "needed": 4}})))


def test_a_run_of_another_call_is_not_found(client, world):
    call, _, _, organiser = world
    other = factories.call()
    factories.grant(organiser, other, CallRoleKind.ORGANISER)
    run = service.start_run(call=call, actor=organiser)
    sign_in_as(client, organiser)
    assert client.get(f"/manage/calls/{other.id}/assignment/runs/{run.id}").status_code == 404
