"""The organisers' impartial selection page through HTTP: the explanation, the setting before the
assignment, the refusal after, and the selection by group."""
import pytest

from prizeapp.enums import (
    AssignmentStatus,
    CallRoleKind,
    Locale,
    ReviewMode,
    SubmissionStatus,
)
from prizeapp.extensions import db
from prizeapp.models import Assignment, AuditEvent, Call
from prizeapp.services import impartial

from .. import factories
from ..conftest import form_token, post_form, sign_in_as


@pytest.fixture
def peer():
    """A peer prize of 6 projects, 2 laureates, and its organiser (signed in by the tests)."""
    call = factories.call(title="Prix des agents innovants")
    call.review_mode, call.prize_count = ReviewMode.PEER, 2
    leads = [factories.user(email=f"agent{i}@commune{i}.fr") for i in range(6)]
    projects = [factories.submission(call=call, lead=lead, status=SubmissionStatus.SUBMITTED,
                                     title=f"Projet {'ABCDEF'[i]}") for i, lead in enumerate(leads)]
    organiser = factories.user(email="orga@ville.fr", locale=Locale.EN)
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    db.session.commit()
    return call, projects, leads, organiser


def test_a_panel_call_is_told_the_selection_does_not_apply(client):
    call = factories.call()
    organiser = factories.user(locale=Locale.EN)
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    sign_in_as(client, organiser)

    html = client.get(f"/manage/calls/{call.id}/impartial").get_data(as_text=True)

    assert "does not apply to this call" in html
    assert 'name="groups"' not in html
    assert f"/manage/calls/{call.id}/impartial" not in client.get(f"/manage/calls/{call.id}").get_data(as_text=True)


def test_organiser_reads_the_explanation_and_turns_the_selection_on(client, peer):
    call, _, _, organiser = peer
    sign_in_as(client, organiser)
    page = f"/manage/calls/{call.id}/impartial"

    html = client.get(page).get_data(as_text=True)
    assert "nobody can improve or harm their own chance of winning" in html
    assert f'href="{page}" aria-current="page"' in html  # the tab, for peer prizes

    response = post_form(client, page, {"groups": "3"}, follow_redirects=True)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "The impartial selection is on, with 3 groups." in html
    assert db.session.get(Call, call.id).impartial_groups == 3
    assert html.count("<h3>Group ") == 3  # no reviews yet: the groups' projects
    assert db.session.scalar(db.select(AuditEvent.details).where(AuditEvent.action == "impartial.groups_set")) \
        == {"groups": 3, "previous": None}


def test_an_unknown_number_of_groups_is_refused(client, peer):
    call, _, _, organiser = peer
    sign_in_as(client, organiser)

    response = post_form(client, f"/manage/calls/{call.id}/impartial", {"groups": "9"})

    assert response.status_code == 400
    assert "There is a problem" in response.get_data(as_text=True)
    assert db.session.get(Call, call.id).impartial_groups is None


def test_the_setting_cannot_change_once_the_assignment_is_committed(client, peer):
    call, projects, leads, organiser = peer
    sign_in_as(client, organiser)
    page = f"/manage/calls/{call.id}/impartial"
    form_page = client.get(page).get_data(as_text=True)
    db.session.add(Assignment(call_id=call.id, submission_id=projects[0].id, reviewer_id=leads[1].id,
                              status=AssignmentStatus.COMMITTED))
    db.session.commit()

    response = client.post(page, data={"csrf_token": form_token(form_page), "groups": "2"})

    assert response.status_code == 400
    assert "The assignment is already committed" in response.get_data(as_text=True)
    assert db.session.get(Call, call.id).impartial_groups is None
    assert 'name="groups"' not in client.get(page).get_data(as_text=True)


def test_the_selection_by_group_is_shown_once_reviews_are_in(client, peer):
    call, projects, leads, organiser = peer
    call.impartial_groups = 2
    db.session.commit()
    groups = impartial.partition(call).ids
    group_of = {s: g for g, group in enumerate(groups) for s in group}
    person_group = {lead.id: group_of[p.id] for p, lead in zip(projects, leads)}
    for i, project in enumerate(projects):
        reviewer = next(u for u in leads if person_group[u.id] != group_of[project.id])
        factories.submitted_review(call=call, submission=project, reviewer=reviewer, total=1 + i * 0.5)
    sign_in_as(client, organiser)

    html = client.get(f"/manage/calls/{call.id}/impartial").get_data(as_text=True)

    assert "Selection by group" in html
    assert html.count("Ranking of group") == 2
    assert "3 projects out of 6: a share of 1.00 laureates, rounded to 1." in html
    assert html.count(">selected</span>") == 2
    best = {g: max(group, key=[p.id for p in projects].index) for g, group in enumerate(groups)}
    for submission_id in best.values():
        reference = next(p.reference for p in projects if p.id == submission_id)
        row = html.split(reference)[1].split("</tr>")[0]  # the rest of its ranking row
        assert ">selected</span>" in row
    assert "The jury records the final decisions." in html
