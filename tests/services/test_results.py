"""Publishing results, the call's email texts and the public laureates, at the service level."""
from __future__ import annotations

from decimal import Decimal

import pytest

from prizeapp.enums import (
    CallPhase,
    CallRoleKind,
    DecisionOutcome,
    Locale,
    SubmissionStatus,
)
from prizeapp.extensions import db
from prizeapp.models import OutboxEmail
from prizeapp.services import results

from .. import factories


@pytest.fixture(autouse=True)
def _request(app):
    # Decision emails link to the decision page: url_for(_external=True) needs a request (or SERVER_NAME).
    with app.test_request_context():
        yield


@pytest.fixture
def world():
    call = factories.call(title="Prix de l'innovation 2027", phase=CallPhase.DELIBERATION)
    organiser = factories.user(first_name="Sophie", last_name="Martin")
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    co = factories.user(locale=Locale.EN, first_name="Alex")
    winner = factories.submission(call=call, status=SubmissionStatus.SUBMITTED, title="Cantine zéro déchet",
                                  members=(co,))
    other = factories.submission(call=call, status=SubmissionStatus.SUBMITTED, title="Guichet unique")
    factories.submission(call=call)  # a draft: no decision needed, nothing sent
    reviewer = factories.user(first_name="Bérénice", last_name="Relectrice", email="berenice@labo.fr")
    factories.submitted_review(call=call, submission=winner, reviewer=reviewer, total=4.5,
                               comment="Très bon ancrage local.", jury_comment="Confidentiel : à surveiller.")
    return call, organiser, winner, other, co


def test_placeholders_are_filled_and_unknown_ones_named():
    assert results.fill("Bonjour {{ first_name }}, {{project}} !", {"first_name": "Ana", "project": "P"}) \
        == "Bonjour Ana, P !"
    assert results.unknown_placeholders("{{ first_name }} {{ password }} {% if x %} {{ call.__class__ }}") == [
        "{{ password }}", "{% if x %}", "{{ call.__class__ }}"]
    assert results.unknown_placeholders("{{ reviews }}\n{{ link }}") == []


def test_publishing_is_refused_while_a_project_has_no_decision(world):
    call, organiser, winner, other, co = world
    factories.decision(winner, DecisionOutcome.LAUREATE)
    with pytest.raises(results.ResultsError) as error:
        results.publish(call=call, actor=organiser)
    assert error.value.code == "missing_decisions"
    assert error.value.params["references"] == [other.reference]
    assert call.results_published_at is None


def test_publishing_is_refused_before_deliberation(world):
    call, organiser, winner, other, co = world
    call.phase = CallPhase.REVIEW
    db.session.commit()
    with pytest.raises(results.ResultsError) as error:
        results.publish(call=call, actor=organiser)
    assert error.value.code == "not_in_deliberation"


def test_publishing_queues_one_email_per_member_once(world):
    call, organiser, winner, other, co = world
    factories.decision(winner, DecisionOutcome.LAUREATE, prize="Premier prix", amount=Decimal("5000"),
                       reason="Exemplaire.")
    factories.decision(other, DecisionOutcome.NOT_SELECTED, reason="Trop tôt.")
    done = results.publish(call=call, actor=organiser)
    db.session.commit()
    assert (done.emails, done.projects, done.already) == (3, 2, False)
    assert call.phase == CallPhase.PUBLISHED and call.results_published_at is not None
    emails = db.session.scalars(db.select(OutboxEmail).order_by(OutboxEmail.id)).all()
    assert sorted(e.kind for e in emails) == ["decision_laureate", "decision_laureate", "decision_not_selected",
                                              "impact_invitation", "impact_invitation"]  # the laureate's team
    english = next(e for e in emails if e.recipient == co.email)
    assert english.locale == "en" and "laureate" in english.subject
    assert "Très bon ancrage local." in english.body_text
    for email in emails:
        assert "Confidentiel" not in email.body_text + email.body_html
        assert "Relectrice" not in email.body_text + email.body_html
    again = results.publish(call=call, actor=organiser)
    assert (again.emails, again.already, again.invitations) == (0, True, 0)
    assert db.session.scalar(db.select(db.func.count(OutboxEmail.id))) == 5


def test_a_custom_text_is_used_in_its_language_only(world):
    call, organiser, winner, other, co = world
    results.save_text(call=call, actor=organiser, kind="decision_laureate", locale="fr",
                      subject="Félicitations {{ first_name }}", body="Le projet {{ project }} : {{ prize }}.")
    factories.decision(winner, DecisionOutcome.LAUREATE, prize="Premier prix")
    factories.decision(other, DecisionOutcome.MENTION)
    results.publish(call=call, actor=organiser)
    lead_mail = db.session.scalar(db.select(OutboxEmail).where(OutboxEmail.recipient != co.email,
                                                               OutboxEmail.kind == "decision_laureate"))
    assert lead_mail.subject == "Félicitations Camille"
    assert lead_mail.body_text == "Le projet Cantine zéro déchet : Premier prix.\n"
    english = db.session.scalar(db.select(OutboxEmail).where(OutboxEmail.recipient == co.email,
                                                             OutboxEmail.kind == "decision_laureate"))
    assert "Félicitations" not in english.subject


def test_unknown_placeholders_are_refused(world):
    call, organiser, *_ = world
    with pytest.raises(results.PlaceholderError) as error:
        results.save_text(call=call, actor=organiser, kind="decision_mention", locale="fr", subject="Ok",
                          body="{{ config }}")
    assert error.value.unknown == {"body": ["{{ config }}"]}
    assert results.custom_text(call, "decision_mention", "fr") is None


def test_default_text_is_written_with_placeholders(world):
    call, *_ = world
    subject, body = results.default_text(call, "decision_laureate", "fr")
    assert "{{ call }}" in subject
    assert "{{ first_name }}" in body and "{{ reviews }}" in body and "{{ link }}" in body
    assert "{{ score }}" not in body  # the call does not show scores
    assert results.unknown_placeholders(subject + body) == []


def test_scores_and_rank_band_when_the_call_shows_them(world):
    from prizeapp.models import CalibrationRun

    call, organiser, winner, other, co = world
    call.scores_shown_to_applicants = True
    db.session.add(CalibrationRun(call_id=call.id, model="hierarchical", status="done", result={
        "scale": [1, 5], "submissions": [
            {"id": winner.id, "rank": 1, "score": 4.43, "withdrawn": False},
            {"id": other.id, "rank": 2, "score": 2.1, "withdrawn": False}]}))
    factories.decision(winner, DecisionOutcome.LAUREATE)
    factories.decision(other, DecisionOutcome.NOT_SELECTED)
    results.publish(call=call, actor=organiser)
    english = db.session.scalar(db.select(OutboxEmail).where(OutboxEmail.recipient == co.email,
                                                             OutboxEmail.kind == "decision_laureate"))
    assert "4.4 out of 5" in english.body_text
    assert "in the first half of the projects" in english.body_text
    assert results.standing(other).band == "second_half"


def test_laureates_are_public_only_once_published(world):
    call, organiser, winner, other, co = world
    factories.decision(winner, DecisionOutcome.LAUREATE)
    factories.decision(other, DecisionOutcome.NOT_SELECTED)
    assert results.laureates() == [] and results.laureate(winner.reference) is None
    results.publish(call=call, actor=organiser)
    assert [row[1].id for row in results.laureates()] == [winner.id]
    assert results.laureate(other.reference) is None
    assert [row[1].id for row in results.laureates(q="zéro")] == [winner.id]
    assert results.laureates(q="rien de tel") == []
