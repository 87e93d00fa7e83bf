"""Publishing results through the pages, with the decision emails delivered to a real SMTP server."""
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
from prizeapp.models.decision import EmailTemplate
from prizeapp.services import outbox

from .. import factories
from ..conftest import post_form, sign_in_as

JURY_SECRET = "Ne pas dire aux candidats : budget fragile."


@pytest.fixture
def world():
    call = factories.call(title="Prix de l'innovation 2027", phase=CallPhase.DELIBERATION)
    organiser = factories.user(first_name="Sophie", last_name="Martin")
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    lead = factories.user(first_name="Aïcha", email="aicha@ville.fr")
    co = factories.user(first_name="Alex", email="alex@city.example", locale=Locale.EN)
    winner = factories.submission(call=call, status=SubmissionStatus.SUBMITTED, lead=lead, members=(co,),
                                  title="Cantine zéro déchet")
    other_lead = factories.user(first_name="Bruno", email="bruno@ville.fr")
    other = factories.submission(call=call, status=SubmissionStatus.SUBMITTED, lead=other_lead,
                                 title="Guichet unique")
    reviewers = [factories.user(first_name="Bérénice", last_name="Relectrice", email="berenice@labo.fr"),
                 factories.user(first_name="Octave", last_name="Évaluateur", email="octave@labo.fr")]
    for reviewer, comment in zip(reviewers, ["Très bon ancrage local.", "Chiffrer les économies."]):
        factories.submitted_review(call=call, submission=winner, reviewer=reviewer, total=4.0, comment=comment,
                                   jury_comment=JURY_SECRET)
        factories.submitted_review(call=call, submission=other, reviewer=reviewer, total=2.0,
                                   comment="Idée à mûrir.", jury_comment=JURY_SECRET)
    return {"call": call, "organiser": organiser, "lead": lead, "co": co, "other_lead": other_lead,
            "winner": winner, "other": other, "reviewers": reviewers}


def _publish(client, call):
    return post_form(client, f"/manage/calls/{call.id}/results", {"confirm": "y"})


def test_publishing_sends_each_applicant_one_email_without_anything_confidential(client, world, mailbox):
    call = world["call"]
    factories.decision(world["winner"], DecisionOutcome.LAUREATE, prize="Premier prix", amount=Decimal("15000"),
            reason="Un projet reproductible.")
    factories.decision(world["other"], DecisionOutcome.NOT_SELECTED, reason="Le jury attend une évaluation.")
    sign_in_as(client, world["organiser"])
    page = client.get(f"/manage/calls/{call.id}/results").get_data(as_text=True)
    assert "3 candidats" in page or "3 applicants" in page
    response = _publish(client, call)
    assert response.status_code == 302
    outbox.deliver_pending()
    assert len(mailbox.messages) == 5  # with the laureate's team invited to set up its impact follow-up
    for person, count in ((world["lead"], 2), (world["co"], 2), (world["other_lead"], 1)):
        assert len(mailbox.to(person.email)) == count
    lead_mail = mailbox.to(world["lead"].email)[0]
    text = mailbox.text(lead_mail)
    assert lead_mail["Content-Language"] == "fr" and "lauréat" in str(lead_mail["Subject"])
    assert "Premier prix" in text and "15" in text and "Un projet reproductible." in text
    assert "Très bon ancrage local." in text and "Chiffrer les économies." in text
    english = mailbox.to(world["co"].email)[0]
    assert english["Content-Language"] == "en" and "laureate" in str(english["Subject"])
    assert "Hello Alex," in mailbox.text(english)
    not_selected = mailbox.text(mailbox.to(world["other_lead"].email)[0])
    assert "Idée à mûrir." in not_selected and "Le jury attend une évaluation." in not_selected
    for message in mailbox.messages:
        raw = message.as_string()
        for secret in [JURY_SECRET, "budget fragile"] + [r.email for r in world["reviewers"]] + [
                r.last_name for r in world["reviewers"]] + ["Bérénice", "Octave"]:
            assert secret not in raw, secret
        for part in message.walk():
            assert part.get_content_disposition() != "attachment"
    db.session.expire_all()
    assert db.session.get(type(call), call.id).phase == CallPhase.PUBLISHED

    # Publishing again sends nothing more.
    response = _publish(client, call)
    outbox.deliver_pending()
    assert len(mailbox.messages) == 5
    assert db.session.scalar(db.select(db.func.count(OutboxEmail.id))) == 5


def test_publishing_is_refused_while_a_project_has_no_decision(client, world, mailbox):
    call = world["call"]
    factories.decision(world["winner"], DecisionOutcome.LAUREATE)
    sign_in_as(client, world["organiser"])
    page = client.get(f"/manage/calls/{call.id}/results").get_data(as_text=True)
    assert world["other"].reference in page
    response = _publish(client, call)
    assert response.status_code == 409
    assert world["other"].reference in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(OutboxEmail.id))) == 0
    db.session.expire_all()
    assert db.session.get(type(call), call.id).results_published_at is None


def test_publishing_needs_the_confirmation_box(client, world):
    factories.decision(world["winner"], DecisionOutcome.LAUREATE)
    factories.decision(world["other"], DecisionOutcome.MENTION)
    sign_in_as(client, world["organiser"])
    response = post_form(client, f"/manage/calls/{world['call'].id}/results", {})
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count(OutboxEmail.id))) == 0


def test_applicants_see_their_decision_only_after_publication(client, world):
    call, winner = world["call"], world["winner"]
    factories.decision(winner, DecisionOutcome.LAUREATE, reason="Un projet reproductible.")
    factories.decision(world["other"], DecisionOutcome.NOT_SELECTED)
    sign_in_as(client, world["co"])
    assert client.get(f"/submissions/{winner.id}/decision").status_code == 403
    for path in ("/submissions", f"/submissions/{winner.id}"):
        page = client.get(path).get_data(as_text=True)
        assert "Un projet reproductible." not in page and "Très bon ancrage local." not in page
    assert client.get(f"/laureates/{winner.reference}").status_code == 404

    organiser_client = client.application.test_client()
    sign_in_as(organiser_client, world["organiser"])
    assert _publish(organiser_client, call).status_code == 302

    page = client.get(f"/submissions/{winner.id}/decision").get_data(as_text=True)
    assert "Un projet reproductible." in page and "Très bon ancrage local." in page
    assert JURY_SECRET not in page and "Relectrice" not in page
    assert "Un projet reproductible." in client.get(f"/submissions/{winner.id}").get_data(as_text=True)
    assert f"/submissions/{winner.id}/decision" in client.get("/submissions").get_data(as_text=True)
    public = client.get(f"/laureates/{winner.reference}").get_data(as_text=True)
    assert "Cantine zéro déchet" in public and "Aïcha" in public
    assert client.get(f"/laureates/{world['other'].reference}").status_code == 404


def test_email_text_placeholders_preview_and_test_send(client, world, mailbox):
    call = world["call"]
    factories.decision(world["winner"], DecisionOutcome.LAUREATE, prize="Premier prix")
    sign_in_as(client, world["organiser"])
    path = f"/manage/calls/{call.id}/emails/templates/decision_laureate/fr"
    page = client.get(path).get_data(as_text=True)
    assert "{{ first_name }}" in page and "{{ reviews }}" in page  # the default text, with its placeholders

    # An unknown placeholder is refused, and the typed text is kept.
    typed = "Bravo {{ first_name }} pour {{ projet }} !"
    response = post_form(client, path, {"subject": "Résultats", "body": typed, "action": "save"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "{{ projet }}" in body and "Bravo {{ first_name }} pour {{ projet }} !" in body
    assert db.session.scalar(db.select(db.func.count(EmailTemplate.id))) == 0

    # A preview fills the placeholders with a real project, without saving.
    response = post_form(client, path, {"subject": "Résultats de {{ reference }}",
                                        "body": "Bravo {{ first_name }} pour {{ project }} ({{ prize }}).\n\n"
                                                "{{ reviews }}", "action": "preview",
                                        "submission": world["winner"].id})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Bravo Aïcha pour Cantine zéro déchet (Premier prix)." in body
    assert "Très bon ancrage local." in body and JURY_SECRET not in body
    assert db.session.scalar(db.select(db.func.count(EmailTemplate.id))) == 0

    response = post_form(client, path, {"subject": "Résultats de {{ reference }}",
                                        "body": "Bravo {{ first_name }} pour {{ project }}.", "action": "save"})
    assert response.status_code == 302
    preview = client.get(f"/manage/calls/{call.id}/emails/templates/decision_laureate/preview").get_data(as_text=True)
    assert f"Résultats de {world['winner'].reference}" in preview  # French: the call's own text
    assert "Hello Aïcha," in preview  # English: still the default text

    response = post_form(client, f"/manage/calls/{call.id}/emails/templates/decision_laureate/test",
                         {"submission": world["winner"].id},
                         page=f"/manage/calls/{call.id}/emails/templates/decision_laureate/preview")
    assert response.status_code == 302
    outbox.deliver_pending()
    mine = mailbox.to(world["organiser"].email)
    assert len(mine) == 2
    assert sorted(m["Content-Language"] for m in mine) == ["en", "fr"]
    assert any("Bravo Sophie pour Cantine zéro déchet." in mailbox.text(m) for m in mine)

    response = post_form(client, f"{path}/reset", {}, page=path)
    assert response.status_code == 302
    assert db.session.scalar(db.select(db.func.count(EmailTemplate.id))) == 0


def test_the_laureates_page_filters_and_searches(client, world):
    call = world["call"]
    factories.decision(world["winner"], DecisionOutcome.LAUREATE)
    factories.decision(world["other"], DecisionOutcome.MENTION)
    assert "Cantine zéro déchet" not in client.get("/laureates").get_data(as_text=True)
    sign_in_as(client, world["organiser"])
    _publish(client, call)
    anonymous = client.application.test_client()
    page = anonymous.get("/laureates").get_data(as_text=True)
    assert "Cantine zéro déchet" in page and "Guichet unique" in page
    page = anonymous.get("/laureates?q=cantine").get_data(as_text=True)
    assert "Cantine zéro déchet" in page and "Guichet unique" not in page
    page = anonymous.get(f"/laureates?call={call.id + 100}").get_data(as_text=True)
    assert "Cantine zéro déchet" not in page
