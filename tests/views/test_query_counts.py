"""The main pages of a reviewer, of a jury member and of an organiser run as many SQL queries for a call of 8
projects as for a call of 32: rules answer for the pair they are asked about, and what a page's rules share is
computed once."""
from __future__ import annotations

from datetime import timedelta

import pytest

from prizeapp.enums import AssignmentStatus, CallPhase, CallRoleKind, PoolStatus, SubmissionStatus
from prizeapp.extensions import db
from prizeapp.models import Assignment
from prizeapp.models.types import utcnow
from prizeapp.services import ranking

from .. import factories
from ..conftest import counted_queries, sign_in_as

SMALL, LARGE = 8, 32


def build(n: int) -> dict:
    """A call in review with `n` submitted projects, 4 reviewers scoring every project twice, a jury member
    and a computed ranking; the reviewer `me` is assigned 2 projects, one of them still to score."""
    call = factories.call(phase=CallPhase.REVIEW)
    call.submission_deadline = utcnow() - timedelta(days=1)
    organiser, juror = factories.user(), factories.user(email="jure@region.fr")
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    factories.grant(juror, call, CallRoleKind.JURY)
    reviewers = [factories.user(email=f"expert{i}@labo{i}.fr") for i in range(4)]
    me = factories.user(email="moi@ailleurs.fr")
    for person in (*reviewers, me):
        factories.pool_member(call=call, user=person, status=PoolStatus.ACCEPTED)
    # Each team from its own commune: rules that would ask something per email domain show here.
    projects = [factories.submission(call=call, status=SubmissionStatus.SUBMITTED, title=f"Projet {i}",
                                     lead=factories.user(email=f"porteur{i}@commune{i}.fr")) for i in range(n)]
    for i, project in enumerate(projects):
        for j in (i % 4, (i + 1) % 4):
            factories.submitted_review(call=call, submission=project, reviewer=reviewers[j], total=2 + (i + j) % 3)
    factories.submitted_review(call=call, submission=projects[0], reviewer=me, total=4)
    todo = Assignment(call_id=call.id, submission_id=projects[1].id, reviewer_id=me.id,
                      status=AssignmentStatus.COMMITTED)
    db.session.add(todo)
    db.session.commit()
    run = ranking.start_calibration(call=call, actor=organiser)
    ranking.run_calibration(run=run)
    db.session.commit()
    return {"call": call, "me": me, "juror": juror, "organiser": organiser, "todo": todo, "project": projects[0],
            "second": projects[1], "reviewer": reviewers[0]}


def pages(world: dict) -> dict[str, tuple]:
    call = world["call"]
    return {
        "reviewer's assignments": (world["me"], f"/reviewing/calls/{call.id}/assignments"),
        "reviewer's review form": (world["me"], f"/reviewing/assignments/{world['todo'].id}/review"),
        "jury ranking": (world["juror"], f"/jury/calls/{call.id}/ranking"),
        "jury project": (world["juror"], f"/jury/calls/{call.id}/projects/{world['project'].id}"),
        "jury votes": (world["juror"], f"/jury/calls/{call.id}/votes"),
        "jury comparison": (world["juror"], f"/jury/calls/{call.id}/compare?a={world['project'].id}"
                                            f"&b={world['second'].id}"),
        "jury reviewer": (world["juror"], f"/jury/calls/{call.id}/reviewers/{world['reviewer'].id}"),
        "organiser's pool": (world["organiser"], f"/manage/calls/{call.id}/pool"),
        "organiser's conflicts": (world["organiser"], f"/manage/calls/{call.id}/conflicts"),
        "call's audit log": (world["organiser"], f"/manage/calls/{call.id}/audit"),
        "profile": (world["me"], "/account/profile"),
    }


def queries_of(app, world: dict, listed=pages) -> dict[str, int]:
    counts = {}
    for name, (person, path) in listed(world).items():
        client = app.test_client()
        sign_in_as(client, person)
        client.get(path)  # once to warm caches that live beyond a request (none should matter)
        with counted_queries() as seen:
            response = client.get(path)
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(seen)
    return counts


@pytest.fixture
def two_sizes(app):
    from ..conftest import _truncate_all

    small = queries_of(app, build(SMALL))
    db.session.remove()
    _truncate_all()
    large = queries_of(app, build(LARGE))
    return small, large


def test_the_main_pages_run_the_same_queries_whatever_the_calls_size(two_sizes):
    small, large = two_sizes
    grew = {name: (small[name], large[name]) for name in small if large[name] > small[name]}
    assert grew == {}, f"queries grew from {SMALL} to {LARGE} projects: {grew}"


def test_a_rule_answers_afresh_after_a_change_of_its_inputs_in_the_same_request(app):
    from prizeapp import permissions
    from prizeapp.models import CallRole

    call = factories.call()
    person = factories.user()
    with app.test_request_context("/"):
        assert not permissions.is_organiser(person, call)
        db.session.add(CallRole(call_id=call.id, user_id=person.id, role=CallRoleKind.ORGANISER))
        db.session.flush()
        assert permissions.is_organiser(person, call)


def test_a_conflict_rule_for_one_pair_reads_that_pair_not_the_whole_call(app):
    """The pool, the organisation chart and the call's population are read for the pair's people (or counted
    by the database), never loaded whole, whatever the call's size."""
    from prizeapp import permissions

    world = build(SMALL)
    me, project = world["me"], world["project"]
    project.members  # noqa: B018 (loaded beforehand, as a page has)
    with counted_queries() as seen:
        permissions.is_conflicted(me, project)
    whole = [q for q in seen if (" FROM org_units" in q or " FROM pool_members" in q) and " WHERE " not in q]
    assert whole == []


def build_followed(n: int) -> dict:
    """A call with published results and `n` laureates, each followed with its 6-month report submitted, a
    calibrated place for each; the organiser, and the lead of the first."""
    call = factories.results_call(title="Prix suivi")
    organiser = factories.user(email="organisatrice@region.fr")
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    projects = [factories.laureate(call=call, title=f"Projet {i}",
                                   lead=factories.user(email=f"porteur{i}@commune{i}.fr")) for i in range(n)]
    for i, project in enumerate(projects):
        factories.impact_report(factories.impact_plan(project=project), 6, values=(100 + i, 10 + i, 50))
    factories.calibration_run(call, {p: 3 + (i % 5) / 2 for i, p in enumerate(projects)})
    lead = next(m.user for m in projects[0].members)
    return {"call": call, "organiser": organiser, "lead": lead, "project": projects[0]}


def followed_pages(world: dict) -> dict[str, tuple]:
    call, project = world["call"], world["project"]
    return {
        "organiser's follow-up": (world["organiser"], f"/manage/calls/{call.id}/impact"),
        "organiser's follow-up export": (world["organiser"], f"/manage/calls/{call.id}/impact.csv"),
        "outcomes across editions": (world["organiser"], "/manage/impact/outcomes"),
        "team's dashboard": (world["lead"], f"/submissions/{project.id}/impact"),
        "team's set-up": (world["lead"], f"/submissions/{project.id}/impact/setup"),
        "team's report": (world["lead"], f"/submissions/{project.id}/impact/reports/12"),
        "team's submissions": (world["lead"], "/submissions"),
    }


def test_the_follow_up_pages_run_the_same_queries_whatever_the_number_of_laureates(app):
    from ..conftest import _truncate_all

    small = queries_of(app, build_followed(4), followed_pages)
    db.session.remove()
    _truncate_all()
    large = queries_of(app, build_followed(16), followed_pages)
    grew = {name: (small[name], large[name]) for name in small if large[name] > small[name]}
    assert grew == {}, f"queries grew from 4 to 16 laureates: {grew}"
