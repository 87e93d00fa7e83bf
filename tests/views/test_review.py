"""The review form of one assigned project, through HTTP."""
from datetime import timedelta

import pytest

from prizeapp.enums import (
    AssignmentStatus,
    BlindLevel,
    CallPhase,
    ReviewStatus,
    SubmissionStatus,
)
from prizeapp.extensions import db
from prizeapp.models import Assignment, Criterion, Review
from prizeapp.models.types import utcnow

from .. import factories
from ..conftest import post_form, sign_in_as


@pytest.fixture
def reviewing():
    """A call in review (grid 60/40), one project by Mme Lambert, two reviewers assigned to it."""
    call = factories.call(phase=CallPhase.REVIEW)
    call.submission_deadline = utcnow() - timedelta(days=1)
    call.criteria[0].weight = 60
    call.criteria[0].level_labels = {"1": "Insuffisant", "5": "Remarquable"}
    call.criteria.append(Criterion(position=2, name="Essaimage", weight=40, scale_min=1, scale_max=5))
    lead = factories.user(email="ines.lambert@mairie-exemple.fr", first_name="Inès", last_name="Lambert")
    project = factories.submission(call=call, lead=lead, status=SubmissionStatus.SUBMITTED,
                                   title="Guichet numérique des aidants", summary="Un guichet unique.")
    reviewers = [factories.user(email=f"expert{j}@labo{j}.fr") for j in range(2)]
    assignments = []
    for reviewer in reviewers:
        factories.pool_member(call=call, user=reviewer)
        a = Assignment(call_id=call.id, submission_id=project.id, reviewer_id=reviewer.id,
                       status=AssignmentStatus.COMMITTED)
        db.session.add(a)
        assignments.append(a)
    db.session.commit()
    return call, project, reviewers, assignments


def url(assignment):
    return f"/reviewing/assignments/{assignment.id}/review"


def form_data(call, first="4", second="3", action="submit", **extra):
    data = {f"criterion_{call.criteria[0].id}": first, f"criterion_{call.criteria[1].id}": second,
            "confidence": "2", "comment_to_applicants": "Un projet utile et bien construit.",
            "comment_to_jury": "Réserve sur le budget.", "action": action}
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def test_the_form_shows_the_project_and_the_grid_with_its_level_labels(client, reviewing):
    call, project, reviewers, assignments = reviewing
    sign_in_as(client, reviewers[0])

    html = client.get(url(assignments[0])).get_data(as_text=True)

    assert "Guichet numérique des aidants" in html and "Un guichet unique." in html
    assert "Insuffisant" in html and "Remarquable" in html and "Essaimage" in html
    assert "Inès Lambert" in html  # an open call shows the team


def test_a_blind_call_hides_the_applicants_names(client, reviewing):
    call, project, reviewers, assignments = reviewing
    call.blind = BlindLevel.BLIND
    db.session.commit()
    sign_in_as(client, reviewers[0])

    html = client.get(url(assignments[0])).get_data(as_text=True)

    assert "Lambert" not in html and "ines.lambert" not in html


def test_submitting_a_complete_review_saves_it_with_its_total(client, reviewing):
    call, project, reviewers, assignments = reviewing
    sign_in_as(client, reviewers[0])

    response = post_form(client, url(assignments[0]), form_data(call))

    assert response.status_code == 302
    review = db.session.scalar(db.select(Review))
    assert (review.status, review.total, review.confidence) == (ReviewStatus.SUBMITTED, pytest.approx(3.6), 2)
    assert review.comment_to_jury == "Réserve sur le budget."


def test_an_incomplete_submission_is_refused_and_keeps_what_was_typed(client, reviewing):
    call, project, reviewers, assignments = reviewing
    sign_in_as(client, reviewers[0])

    response = post_form(client, url(assignments[0]), form_data(call, second=None, comment_to_applicants="Bien."))

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose a score." in html or "Choisissez une note." in html
    assert f'name="criterion_{call.criteria[0].id}" value="4" checked' in html
    assert "Bien." in html and "Réserve sur le budget." in html
    assert db.session.scalar(db.select(db.func.count(Review.id))) == 0


def test_a_draft_may_be_saved_incomplete(client, reviewing):
    call, project, reviewers, assignments = reviewing
    sign_in_as(client, reviewers[0])

    response = post_form(client, url(assignments[0]), form_data(call, second=None, action="save"))

    assert response.status_code == 302
    assert db.session.scalar(db.select(Review.status)) == ReviewStatus.DRAFT


def test_the_server_refuses_a_review_after_the_deadline_and_keeps_the_text(client, reviewing):
    call, project, reviewers, assignments = reviewing
    sign_in_as(client, reviewers[0])
    page = client.get(url(assignments[0])).get_data(as_text=True)  # the form was opened in time...
    call.review_deadline = utcnow() - timedelta(seconds=1)  # ...and sent too late
    db.session.commit()
    from ..conftest import form_token

    response = client.post(url(assignments[0]), data={"csrf_token": form_token(page), **form_data(call)})

    assert response.status_code == 409
    assert "Un projet utile et bien construit." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Review.id))) == 0


def test_other_reviews_are_shown_only_after_submitting_ones_own_and_never_the_jury_comment(client, reviewing):
    call, project, reviewers, assignments = reviewing
    sign_in_as(client, reviewers[1])
    post_form(client, url(assignments[1]), form_data(call, comment_to_applicants="Avis du second expert.",
                                                     comment_to_jury="Confidentiel du second."))
    sign_in_as(client, reviewers[0])

    before = client.get(url(assignments[0])).get_data(as_text=True)
    post_form(client, url(assignments[0]), form_data(call))
    after = client.get(url(assignments[0])).get_data(as_text=True)

    assert "Avis du second expert." not in before
    assert "Avis du second expert." in after
    assert "Confidentiel du second." not in after
    assert reviewers[1].email not in after


def test_a_late_conflict_gives_the_project_back_and_closes_it(client, reviewing):
    call, project, reviewers, assignments = reviewing
    sign_in_as(client, reviewers[0])
    post_form(client, url(assignments[0]), form_data(call, action="save"))

    response = post_form(client, f"/reviewing/assignments/{assignments[0].id}/conflict",
                         {"conflict-reason": "Ancienne collègue de la porteuse"}, page=url(assignments[0]))

    assert response.status_code == 302
    assert db.session.get(Assignment, assignments[0].id).status == AssignmentStatus.DECLINED
    assert db.session.scalar(db.select(db.func.count(Review.id))) == 0
    assert client.get(url(assignments[0])).status_code == 403


def test_in_a_blind_call_a_reviewer_downloads_files_under_a_neutral_name(client, reviewing):
    call, project, reviewers, assignments = reviewing
    record = factories.file(submission=project, name="Dossier Lambert Inès.pdf")
    sign_in_as(client, reviewers[0])
    assert "Lambert" in client.get(f"/files/{record.id}").headers["Content-Disposition"]

    call.blind = BlindLevel.BLIND
    db.session.commit()
    response = client.get(f"/files/{record.id}")

    assert response.status_code == 200
    assert "Lambert" not in response.headers["Content-Disposition"]
    assert f"{project.reference}-1.pdf" in response.headers["Content-Disposition"]
    assert "Lambert" not in client.get(url(assignments[0])).get_data(as_text=True)


def test_the_assignments_page_links_each_project_to_its_review_with_its_status(client, reviewing):
    call, project, reviewers, assignments = reviewing
    sign_in_as(client, reviewers[0])
    page = f"/reviewing/calls/{call.id}/assignments"

    before = client.get(page).get_data(as_text=True)
    post_form(client, url(assignments[0]), form_data(call))
    after = client.get(page).get_data(as_text=True)

    assert f'href="{url(assignments[0])}"' in before
    assert "Évaluations transmises\u00a0: 0 sur 1." in before
    assert "Évaluations transmises\u00a0: 1 sur 1." in after
