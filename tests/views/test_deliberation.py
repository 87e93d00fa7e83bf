"""The jury's deliberation through HTTP: votes and their tally, a recused jury member who gets nothing of the
project, the organisers' decisions page, and the printable record."""
import csv
import io
import re

import pytest

from prizeapp.enums import (
    CallRoleKind,
    DecisionOutcome,
    Locale,
    VoteChoice,
)
from prizeapp.extensions import db
from prizeapp.models import AuditEvent
from prizeapp.models.decision import Decision, Deliberation, JuryVote
from prizeapp.models.types import utcnow
from prizeapp.services import deliberation, ranking

from .. import factories
from ..conftest import post_form, sign_in_as


@pytest.fixture
def ranked():
    """Three reviewed and ranked projects (Alpha best), an organiser, two jury members of their own domains."""
    call, projects = factories.reviewed_call(title="Prix de l'innovation 2027", reviewers=3, spread=0.1,
                                             jury_comments=True)
    # The pages in English, as the assertions below.
    organiser = factories.user(first_name="Sophie", last_name="Martin", locale=Locale.EN)
    anne = factories.user(email="anne@region-exemple.fr", first_name="Anne", last_name="Arnaud", locale=Locale.EN)
    bruno = factories.user(email="bruno@metropole-exemple.fr", first_name="Bruno", last_name="Blanc",
                           locale=Locale.EN)
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    for juror in (anne, bruno):
        factories.grant(juror, call, CallRoleKind.JURY)
    ranking.run_calibration(run=ranking.start_calibration(call=call, actor=organiser))
    db.session.commit()
    return call, projects, organiser, anne, bruno


def test_a_jury_member_votes_from_the_votes_page_and_changes_their_vote(client, ranked):
    call, projects, organiser, anne, bruno = ranked
    sign_in_as(client, anne)
    page = f"/jury/calls/{call.id}/votes"
    html = client.get(page).get_data(as_text=True)
    assert html.index("Projet Alpha") < html.index("Projet Bêta") < html.index("Projet Gamma")

    response = post_form(client, f"/jury/calls/{call.id}/projects/{projects[0].id}/vote",
                         {"choice": "mention", "back": "votes"}, page=page)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#project-{projects[0].id}")
    post_form(client, f"/jury/calls/{call.id}/projects/{projects[0].id}/vote",
              {"choice": "laureate", "comment": "Le plus abouti"}, page=page)

    vote = db.session.scalar(db.select(JuryVote))
    assert (vote.jury_member_id, vote.choice, vote.comment) == (anne.id, VoteChoice.LAUREATE, "Le plus abouti")


def test_a_vote_without_a_choice_is_shown_again_with_its_comment(client, ranked):
    call, projects, organiser, anne, bruno = ranked
    sign_in_as(client, anne)
    page = f"/jury/calls/{call.id}/votes"

    response = post_form(client, f"/jury/calls/{call.id}/projects/{projects[1].id}/vote",
                         {"comment": "Mon commentaire gardé", "back": "votes"}, page=page)

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Mon commentaire gardé" in html and f'href="#choice-{projects[1].id}"' in html
    assert db.session.scalar(db.select(JuryVote)) is None


def test_votes_are_refused_once_the_results_are_published(client, ranked):
    call, projects, organiser, anne, bruno = ranked
    sign_in_as(client, anne)
    page = f"/jury/calls/{call.id}/votes"
    token_page = client.get(page)
    call.results_published_at = utcnow()
    db.session.commit()

    response = post_form(client, f"/jury/calls/{call.id}/projects/{projects[0].id}/vote", {"choice": "laureate"},
                         page=f"/jury/calls/{call.id}/ranking")

    assert token_page.status_code == 200 and response.status_code == 403
    assert "votes can no longer be changed" in client.get(page).get_data(as_text=True)


def test_a_recused_jury_member_gets_nothing_of_the_project(client, ranked):
    call, projects, organiser, anne, bruno = ranked
    record = factories.file(submission=projects[1])
    sign_in_as(client, anne)
    assert client.get(f"/files/{record.id}").status_code == 200  # before: the jury reads the projects' files

    response = post_form(client, f"/jury/calls/{call.id}/projects/{projects[1].id}/recuse",
                         {"reason": "Ancienne collègue de la porteuse"},
                         page=f"/jury/calls/{call.id}/projects/{projects[1].id}")
    assert response.status_code == 302

    # As if the project did not exist.
    assert client.get(f"/jury/calls/{call.id}/projects/{projects[1].id}").status_code == 404
    assert client.get(f"/files/{record.id}").status_code == 403
    ranking_html = client.get(f"/jury/calls/{call.id}/ranking").get_data(as_text=True)
    assert "Projet Bêta" not in ranking_html and "Projet Alpha" in ranking_html
    assert "6 of 6 reviews submitted" in ranking_html  # the counts leave the project's three reviews out
    votes_html = client.get(f"/jury/calls/{call.id}/votes").get_data(as_text=True)
    assert "Projet Bêta" not in votes_html
    rows = list(csv.reader(io.StringIO(client.get(f"/jury/calls/{call.id}/ranking.csv").get_data(as_text=True)),
                       delimiter=";"))
    assert [r[4] for r in rows[1:]] == ["Projet Alpha", "Projet Gamma"]
    reviews_csv = client.get(f"/jury/calls/{call.id}/reviews.csv").get_data(as_text=True)
    assert "Projet Bêta" not in reviews_csv and "Confidentiel Projet Bêta" not in reviews_csv
    assert post_form(client, f"/jury/calls/{call.id}/projects/{projects[1].id}/vote", {"choice": "laureate"},
                     page=f"/jury/calls/{call.id}/votes").status_code == 404

    # Organisers still see everything, and the recusal with its reason.
    sign_in_as(client, organiser)
    assert "Projet Bêta" in client.get(f"/jury/calls/{call.id}/ranking").get_data(as_text=True)
    html = client.get(f"/manage/calls/{call.id}/decisions").get_data(as_text=True)
    assert "recused themselves" in html and "Ancienne collègue de la porteuse" in html


def test_a_conflicted_jury_member_is_recused_automatically_and_the_organiser_sees_why(client, ranked):
    call, projects, organiser, anne, bruno = ranked
    projects[2].members[0].user_id = bruno.id  # Bruno leads Gamma
    db.session.commit()

    sign_in_as(client, bruno)
    assert client.get(f"/jury/calls/{call.id}/projects/{projects[2].id}").status_code == 404
    assert "Projet Gamma" not in client.get(f"/jury/calls/{call.id}/ranking").get_data(as_text=True)

    sign_in_as(client, organiser)
    html = client.get(f"/manage/calls/{call.id}/decisions").get_data(as_text=True)
    assert "recused automatically: Author of the project" in html or \
        "recused automatically: Member of the project" in html


def test_the_organiser_records_and_revises_decisions_beside_the_tally(client, ranked):
    call, projects, organiser, anne, bruno = ranked
    deliberation.record_vote(submission=projects[0], jury_member=anne, choice=VoteChoice.LAUREATE)
    deliberation.record_vote(submission=projects[0], jury_member=bruno, choice=VoteChoice.MENTION,
                             comment="Encore jeune")
    db.session.commit()
    sign_in_as(client, organiser)
    page = f"/manage/calls/{call.id}/decisions"
    html = client.get(page).get_data(as_text=True)
    assert "Anne Arnaud: Laureate" in html and "Bruno Blanc: Honourable mention" in html and "Encore jeune" in html
    assert 'aria-current="page">Decisions<' in html

    missing = post_form(client, f"{page}/{projects[0].id}", {"outcome": "laureate", "prize": "Premier prix"},
                        page=page)
    assert missing.status_code == 400 and 'value="Premier prix"' in missing.get_data(as_text=True)

    post_form(client, f"{page}/{projects[0].id}", {"outcome": "laureate", "prize": "Premier prix",
                                                   "amount": "10 000", "reason": "Impact mesuré"}, page=page)
    post_form(client, f"{page}/{projects[1].id}", {"outcome": "not_selected", "reason": "Trop tôt"}, page=page)
    html = client.get(page).get_data(as_text=True)
    assert "Laureates decided: 1 for 1 prizes." in html

    call.results_published_at = utcnow()
    db.session.commit()
    refused = post_form(client, f"{page}/{projects[1].id}", {"outcome": "mention", "reason": "Finalement"},
                        page=f"/manage/calls/{call.id}/deliberation")
    assert refused.status_code == 400
    decision = db.session.scalar(db.select(Decision).where(Decision.submission_id == projects[1].id))
    assert decision.outcome == DecisionOutcome.NOT_SELECTED


def test_the_printable_record_lists_the_meeting_from_the_data(client, ranked):
    call, projects, organiser, anne, bruno = ranked
    deliberation.record_vote(submission=projects[0], jury_member=anne, choice=VoteChoice.LAUREATE)
    deliberation.recuse(submission=projects[2], jury_member=bruno, actor=organiser, reason="Lien familial")
    deliberation.record_decision(submission=projects[0], actor=organiser, outcome=DecisionOutcome.LAUREATE,
                                 reason="Le dossier le plus solide", prize="Premier prix")
    db.session.commit()
    run = ranking.latest(call)
    sign_in_as(client, organiser)
    page = f"/manage/calls/{call.id}/deliberation"
    form = client.get(page).get_data(as_text=True)
    assert f'<option selected value="{run.id}">' in form or f'value="{run.id}" selected' in form

    response = post_form(client, page, {"held_at": "2027-06-12T14:30", "present": [str(anne.id)],
                                        "calibration_run": str(run.id), "notes": "Séance en mairie."})

    assert response.status_code == 302
    meeting = db.session.scalar(db.select(Deliberation))
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "June 12, 2027, 2:30" in html  # Paris time, as entered
    assert re.search(r"Present \(1\)</h3>\s*<ul[^>]*><li>Anne Arnaud</li></ul>", html)
    assert re.search(r"Absent \(1\)</h3>\s*<ul[^>]*><li>Bruno Blanc</li></ul>", html)
    assert f'href="/manage/calls/{call.id}/deliberation/{meeting.id}.pdf"' in html
    assert "Lien familial" in html and "Sophie Martin" in html
    assert run.inputs_hash in html
    assert "Le dossier le plus solide" in html and "Premier prix" in html and "Séance en mairie." in html
    assert html.index("Projet Alpha") < html.index("Projet Bêta")
    assert meeting.present_ids == [anne.id]


def test_recording_a_meeting_without_anyone_present_keeps_the_notes(client, ranked):
    call, projects, organiser, anne, bruno = ranked
    sign_in_as(client, organiser)
    page = f"/manage/calls/{call.id}/deliberation"

    response = post_form(client, page, {"held_at": "2027-06-12T14:30", "calibration_run": "0",
                                        "notes": "Notes à garder"})

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Notes à garder" in html and "Tick the jury members who were present." in html


def test_undecided_projects_are_decided_from_the_ranking_in_one_step_keeping_recorded_decisions(client, ranked):
    call, projects, organiser, anne, bruno = ranked
    sign_in_as(client, organiser)
    page = f"/manage/calls/{call.id}/decisions"
    deliberation.record_decision(submission=projects[0], actor=organiser, outcome=DecisionOutcome.NOT_SELECTED,
                                 reason="Déjà primé l'an dernier.")
    db.session.commit()

    refused = post_form(client, f"{page}/from-ranking", {"laureates": "1", "mentions": "1", "reason_laureate": "",
                                                         "reason_mention": "Mention", "reason_not_selected": "Non"},
                        page=page)
    assert refused.status_code == 400 and "Mention" in refused.get_data(as_text=True)

    response = post_form(client, f"{page}/from-ranking", {
        "laureates": "1", "mentions": "1", "reason_laureate": "Lauréat du jury.", "reason_mention": "Mention du jury.",
        "reason_not_selected": "Non retenu."}, page=page)

    assert response.status_code == 302
    decided = deliberation.decisions(call)
    # Alpha keeps its recorded decision; the one laureate place goes to Bêta, the mention to Gamma.
    assert [(decided[p.id].outcome, decided[p.id].reason) for p in projects] == [
        (DecisionOutcome.NOT_SELECTED, "Déjà primé l'an dernier."),
        (DecisionOutcome.LAUREATE, "Lauréat du jury."),
        (DecisionOutcome.MENTION, "Mention du jury.")]
    assert db.session.scalar(db.select(AuditEvent.details).where(
        AuditEvent.action == "deliberation.drafted_from_ranking"))["recorded"] == 2
