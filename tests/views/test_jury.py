"""The jury's ranking pages through HTTP: the ranking with its plots, one project explained, exports,
organisers' controls, and who sees reviewers' names."""
import csv
import io
from datetime import timedelta

import pytest

from prizeapp.enums import CalibrationStatus, CallPhase, CallRoleKind, SubmissionStatus
from prizeapp.extensions import db
from prizeapp.models import AuditEvent, CalibrationExclusion, CalibrationRun
from prizeapp.models.types import utcnow
from prizeapp.services import ranking

from .. import factories
from ..conftest import post_form, sign_in_as


@pytest.fixture
def judged():
    """A call with 4 projects, 3 reviewers (one harsh), an organiser and a jury member; no ranking yet."""
    call = factories.call(phase=CallPhase.REVIEW, title="Prix de l'innovation 2027")
    call.submission_deadline = utcnow() - timedelta(days=1)
    call.prize_count = 1
    call.categories = ["Santé", "Éducation"]
    projects = [factories.submission(call=call, status=SubmissionStatus.SUBMITTED, title=f"Projet {name}",
                                     category=["Santé", "Éducation"][i % 2])
                for i, name in enumerate(["Alpha", "Bêta", "Gamma", "Delta"])]
    reviewers = [factories.user(email=f"expert{i}@labo{i}.fr", first_name="Expert", last_name=name)
                 for i, name in enumerate(["Arnaud", "Bérénice", "Sévère"])]
    scores = {0: [4.5, 3.5, 3.0, 2.0], 1: [4.4, 3.6, 2.8, 2.1], 2: [3.0, 2.0, 1.5, 1.0]}
    for j, row in scores.items():
        for i, total in enumerate(row):
            factories.submitted_review(call=call, submission=projects[i], reviewer=reviewers[j], total=total,
                                       jury_comment=f"Confidentiel {j}-{i}")
    organiser, juror = factories.user(), factories.user(email="jure@region-exemple.fr")
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    factories.grant(juror, call, CallRoleKind.JURY)
    return call, projects, reviewers, organiser, juror


def compute(call, organiser):
    run = ranking.start_calibration(call=call, actor=organiser)
    ranking.run_calibration(run=run)
    db.session.commit()
    return run


def test_the_organiser_queues_a_computation_and_the_page_shows_its_progress(client, judged):
    call, projects, reviewers, organiser, juror = judged
    sign_in_as(client, organiser)
    page = f"/jury/calls/{call.id}/ranking"

    response = post_form(client, f"{page}/compute", {"model": "additive"}, page=page)

    assert response.status_code == 302
    run = db.session.scalar(db.select(CalibrationRun))
    assert (run.status, run.model, call.calibration_model) == (CalibrationStatus.QUEUED, "additive", "additive")
    html = client.get(page).get_data(as_text=True)
    assert f'data-run-status="/jury/calls/{call.id}/ranking/runs/{run.id}.json"' in html
    assert client.get(f"{page}/runs/{run.id}.json").get_json()["finished"] is False


def test_the_jury_sees_the_ranking_with_intervals_plots_and_names(client, judged):
    call, projects, reviewers, organiser, juror = judged
    compute(call, organiser)
    sign_in_as(client, juror)

    html = client.get(f"/jury/calls/{call.id}/ranking").get_data(as_text=True)

    assert html.count('class="chart__dot"') == 4 + 3  # the forest plot's projects, the leniency chart's reviewers
    assert "Projet Alpha" in html and "Expert Sévère" in html
    assert f'action="/jury/calls/{call.id}/ranking/compute"' not in html  # computing is the organisers'


def test_a_call_can_hide_reviewers_names_from_the_jury_but_not_from_organisers(client, judged):
    call, projects, reviewers, organiser, juror = judged
    call.reviewers_named_to_jury = False
    db.session.commit()
    compute(call, organiser)

    sign_in_as(client, juror)
    for path in (f"/jury/calls/{call.id}/ranking", f"/jury/calls/{call.id}/projects/{projects[0].id}",
                 f"/jury/calls/{call.id}/reviews.csv"):
        body = client.get(path).get_data(as_text=True)
        assert "Sévère" not in body and reviewers[2].email not in body, path
    sign_in_as(client, organiser)
    assert "Expert Sévère" in client.get(f"/jury/calls/{call.id}/ranking").get_data(as_text=True)


def test_filters_by_category_and_sorts(client, judged):
    call, projects, reviewers, organiser, juror = judged
    compute(call, organiser)
    sign_in_as(client, juror)

    html = client.get(f"/jury/calls/{call.id}/ranking?category=Éducation&sort=reference").get_data(as_text=True)

    assert "Projet Bêta" in html and "Projet Delta" in html
    assert "Projet Alpha" not in html and "Projet Gamma" not in html
    assert html.index("Projet Bêta") < html.index("Projet Delta")


def test_one_project_is_explained_review_by_review(client, judged):
    call, projects, reviewers, organiser, juror = judged
    compute(call, organiser)
    sign_in_as(client, juror)

    html = client.get(f"/jury/calls/{call.id}/projects/{projects[0].id}").get_data(as_text=True)

    assert "Expert Sévère" in html and "Confidentiel 2-0" in html
    assert "harshly" in html or "sévèrement" in html
    assert html.count('class="chart__marker"') == 3  # each review's raw score beside its correction


def test_ranking_export_has_every_column_and_numbers_stay_numbers(client, judged):
    call, projects, reviewers, organiser, juror = judged
    compute(call, organiser)
    sign_in_as(client, juror)

    response = client.get(f"/jury/calls/{call.id}/ranking.csv")

    text = response.get_data(as_text=True)
    assert response.mimetype == "text/csv" and text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:7] == ["rank", "rank_low", "rank_high", "reference", "title", "category", "calibrated_score"]
    assert len(rows) == 1 + 4
    assert rows[1][0] == "1" and "," in rows[1][6]


def test_leaving_out_a_reviewer_needs_a_reason_and_is_audited(client, judged):
    call, projects, reviewers, organiser, juror = judged
    compute(call, organiser)
    sign_in_as(client, organiser)
    page = f"/jury/calls/{call.id}/ranking"

    post_form(client, f"/jury/calls/{call.id}/reviewers/{reviewers[2].id}/exclude", {"reason": ""}, page=page)
    assert db.session.scalar(db.select(CalibrationExclusion)) is None

    post_form(client, f"/jury/calls/{call.id}/reviewers/{reviewers[2].id}/exclude", {"reason": "Notes au hasard"},
              page=page)
    assert db.session.scalar(db.select(CalibrationExclusion.reason)) == "Notes au hasard"
    assert db.session.scalar(db.select(AuditEvent.id).where(AuditEvent.action == "calibration.reviewer_excluded"))
    assert "Reviews have changed" in client.get(page).get_data(as_text=True) or \
        "ont changé" in client.get(page).get_data(as_text=True)
    html = client.get(page).get_data(as_text=True)
    exclusion = db.session.scalar(db.select(CalibrationExclusion))
    assert "Notes au hasard" in html  # listed among the reviewers left out, with the way back
    assert f'action="/jury/calls/{call.id}/exclusions/{exclusion.id}/remove"' in html
