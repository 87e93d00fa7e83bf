"""Replications through HTTP: asking to take an innovation up (sign-in, errors that keep what was typed, CSRF,
one open request), the timeline (who sees the contact, messages and the first answer, the repreneur's status),
the emails through the real SMTP server, "my replications", and calls for replication.

People read the pages in English, so that the assertions hold before and after the French translation.
"""
from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from flask_babel import force_locale

from prizeapp.enums import CallRoleKind, Locale, MemberRole, ReplicationStatus, SubmissionStatus, UnitKind
from prizeapp.extensions import db
from prizeapp.formatting import date_filter
from prizeapp.models import Call, Replication, ReplicationEvent, Submission, SubmissionMember
from prizeapp.services.outbox import deliver_pending

from .. import factories
from ..conftest import form_token, post_form, sign_in_as, text
from .test_organiser import settings


@pytest.fixture
def world():
    lead = factories.user(locale=Locale.EN, first_name="Léa", last_name="Porteuse", email="lea@exempleville.fr")
    innovation = factories.innovation(lead=lead)
    town = factories.unit(name="Commune de Vitré")
    service = factories.unit(name="Service social", kind=UnitKind.SERVICE, parent=town)
    agent = factories.user(locale=Locale.EN, first_name="Sacha", last_name="Repreneur", email="sacha@vitre.fr",
                           unit=service)
    parrain = factories.parrain_of(innovation, user=factories.user(locale=Locale.EN, email="parrain@region.fr"))
    organiser = factories.user(locale=Locale.EN, email="orga@exempleville.fr")
    factories.grant(organiser, innovation.call, CallRoleKind.ORGANISER)
    return {"innovation": innovation, "lead": lead, "agent": agent, "parrain": parrain, "organiser": organiser}


REQUEST = {"organisation": "Commune de Vitré", "territory_name": "Vitré", "departement_code": "35",
           "region_code": "", "commune_code": "35360", "territory_kind": "rural",
           "motivation": "Nos aidants s'épuisent, nous voulons un relais."}


def _path(world) -> str:
    return f"/innovations/{world['innovation'].slug}/replicate"


def _ask(client, world, **changes):
    return post_form(client, _path(world), {**REQUEST, **changes})


def _only_replication() -> Replication:
    return db.session.scalar(db.select(Replication))


def _count() -> int:
    return db.session.scalar(db.select(db.func.count(Replication.id)))


# --- asking ------------------------------------------------------------------------------------------------

def test_an_anonymous_visitor_signs_in_then_comes_back_to_the_form(client, world):
    response = client.get(_path(world))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next=%2Finnovations%2F{world['innovation'].slug}%2Freplicate"


def test_the_form_offers_the_organisation_of_the_agents_unit(client, world):
    sign_in_as(client, world["agent"])
    html = text(client.get(_path(world)))
    assert re.search(r'<input[^>]*name="organisation"[^>]*value="Commune de Vitré"', html)
    assert '<option value="2A">Corse-du-Sud (2A)</option>' in html


def test_a_request_reaches_the_team_and_the_parrain_by_email_and_opens_its_timeline(client, world, mailbox):
    sign_in_as(client, world["agent"])
    response = _ask(client, world)
    assert response.status_code == 302
    replication = _only_replication()
    assert response.headers["Location"] == f"/replications/{replication.id}"
    assert (replication.status, replication.departement_code, replication.region_code) == (
        ReplicationStatus.INTERESTED, "35", "53")
    page = text(client.get(response.headers["Location"]))
    assert "Your request is sent to the innovation's team and parrains." in page
    assert 'aria-current="step"' in page and "Neither the team nor a parrain has answered yet." in page

    deliver_pending()
    assert sorted(m["To"] for m in mailbox.messages) == ["lea@exempleville.fr", "parrain@region.fr"]
    message = mailbox.to("lea@exempleville.fr")[0]
    assert message["Subject"] == "Commune de Vitré wants to take up “Conciergerie solidaire des aidants”"
    body = mailbox.text(message)
    assert "Sacha Repreneur <sacha@vitre.fr>" in body and "Vitré (Ille-et-Vilaine (35), Bretagne)" in body
    assert "Nos aidants s'épuisent, nous voulons un relais." in body
    # The team follows the link of the email, and sees whom to contact.
    sign_in_as(client, world["lead"])
    timeline = text(client.get(mailbox.link(message, "/replications/")))
    assert "mailto:sacha@vitre.fr" in timeline and "Nos aidants s'épuisent" in timeline


def test_a_request_with_mistakes_is_shown_again_with_what_was_typed(client, world):
    sign_in_as(client, world["agent"])
    response = _ask(client, world, motivation=" ", organisation="Mairie de Vitré")
    assert response.status_code == 400
    html = text(response)
    assert "Say why you want to take this innovation up." in html
    assert re.search(r'name="organisation"[^>]*value="Mairie de Vitré"', html)
    assert re.search(r'<option selected value="35">|<option value="35" selected>', html)

    response = _ask(client, world, region_code="84", commune_code="75056")
    assert response.status_code == 400
    html = text(response)
    assert ("Ille-et-Vilaine (35) is not in the région Auvergne-Rhône-Alpes: choose its own région, or leave the "
            "région empty.") in html
    assert "This commune is not in Ille-et-Vilaine (35)." in html
    assert 'id="commune_code-error"' in html and 'id="departement_code-error"' in html
    assert "Nos aidants s'épuisent, nous voulons un relais." in html
    assert _count() == 0


def test_the_territory_codes_are_checked_in_the_same_round_as_the_other_fields(client, world):
    sign_in_as(client, world["agent"])
    response = _ask(client, world, organisation="", motivation=" ", region_code="84", commune_code="75056")
    assert response.status_code == 400
    html = text(response)
    assert "Enter the name of your organisation." in html and "Say why you want to take this innovation up." in html
    assert "This commune is not in Ille-et-Vilaine (35)." in html.split('id="commune_code-error"')[1].split("</p>")[0]
    assert "is not in the région Auvergne-Rhône-Alpes" in html.split('id="departement_code-error"')[1].split("</p>")[0]
    assert _count() == 0


def test_a_request_without_its_csrf_token_is_refused(client, world):
    sign_in_as(client, world["agent"])
    response = client.post(_path(world), data=REQUEST)
    assert response.status_code == 400
    assert "The form expired or was sent from another site." in text(response)
    assert _count() == 0


def test_a_second_request_links_to_the_first(client, world):
    sign_in_as(client, world["agent"])
    _ask(client, world)
    first = _only_replication()
    html = text(client.get(_path(world)))
    assert f'href="/replications/{first.id}"' in html and 'name="motivation"' not in html
    token = form_token(client.get(f"/replications/{first.id}").get_data(as_text=True))
    response = client.post(_path(world), data={**REQUEST, "csrf_token": token})
    assert response.status_code == 409
    assert "You already asked to take this innovation up" in text(response)
    assert _count() == 1


def test_the_team_cannot_ask_for_its_own_innovation_nor_anyone_for_a_draft(client, world):
    sign_in_as(client, world["lead"])
    assert client.get(_path(world)).status_code == 403
    draft = factories.innovation(published=False, title="Brouillon")
    sign_in_as(client, world["agent"])
    assert client.get(f"/innovations/{draft.slug}/replicate").status_code == 403
    assert client.get("/innovations/nothing-here/replicate").status_code == 404


# --- the timeline ------------------------------------------------------------------------------------------

@pytest.fixture
def asked(client, world):
    sign_in_as(client, world["agent"])
    _ask(client, world)
    return _only_replication()


def test_who_sees_the_contact_of_the_repreneur(client, world, asked):
    path = f"/replications/{asked.id}"
    for who, sees in (("lead", True), ("parrain", True), ("agent", True), ("organiser", False)):
        sign_in_as(client, world[who])
        response = client.get(path)
        assert response.status_code == 200, who
        assert ("sacha@vitre.fr" in text(response)) is sees, who
    sign_in_as(client, factories.user())
    assert client.get(path).status_code == 403


def test_the_first_message_of_the_team_is_the_answer_and_reaches_the_repreneur(client, world, asked, mailbox):
    path = f"/replications/{asked.id}"
    deliver_pending()  # the request's emails
    mailbox.reset()
    sign_in_as(client, world["agent"])
    post_form(client, f"{path}/messages", {"body": "Pouvons-nous vous appeler ?"}, page=path)
    db.session.expire_all()
    assert db.session.get(Replication, asked.id).answered_at is None

    sign_in_as(client, world["lead"])
    response = post_form(client, f"{path}/messages", {"body": "Bien sûr : mardi 10 h ?"}, page=path)
    assert response.status_code == 302 and response.headers["Location"] == f"{path}#events"
    db.session.expire_all()
    assert db.session.get(Replication, asked.id).answered_at is not None
    page = text(client.get(path))
    assert "Bien sûr : mardi 10 h ?" in page and "(innovation's team)" in page and "(repreneur)" in page
    assert "Neither the team nor a parrain has answered yet." not in page

    deliver_pending()
    message = mailbox.to("sacha@vitre.fr")[-1]
    assert message["Subject"] == "New message about taking up “Conciergerie solidaire des aidants”"
    assert "Bien sûr : mardi 10 h ?" in mailbox.text(message)
    # The repreneur's message reached the team and the parrain; the team's, the repreneur and the parrain.
    assert sorted(m["To"] for m in mailbox.messages) == [
        "lea@exempleville.fr", "parrain@region.fr", "parrain@region.fr", "sacha@vitre.fr"]


def test_an_empty_message_is_refused_and_the_organisers_may_not_write(client, world, asked):
    path = f"/replications/{asked.id}"
    sign_in_as(client, world["parrain"])
    response = post_form(client, f"{path}/messages", {"body": "   "}, page=path)
    assert response.status_code == 400 and "Write your message." in text(response)
    sign_in_as(client, world["organiser"])
    assert 'name="body"' not in text(client.get(path))
    assert post_form(client, f"{path}/messages", {"body": "Bonjour"}, page=path).status_code == 403


def test_the_repreneur_moves_the_replication_forward_and_the_team_is_told(client, world, asked, mailbox):
    path = f"/replications/{asked.id}"
    deliver_pending()  # the request's emails
    mailbox.reset()
    response = post_form(client, f"{path}/status", {"status": "launched", "note": "Premier comité en mars.",
                                                    "variant": "Avec le CCAS plutôt que des bénévoles.",
                                                    "results": ""}, page=path)
    assert response.status_code == 302
    page = text(client.get(path))
    assert "The replication is now “Launched”." in page
    assert "Avec le CCAS plutôt que des bénévoles." in page and "Premier comité en mars." in page
    assert re.search(r'stepper__step--done"[^>]*>\s*<span class="stepper__mark" aria-hidden="true">2</span>', page)
    assert re.search(r'stepper__step--current" aria-current="step">\s*<span class="stepper__mark" '
                     r'aria-hidden="true">3</span>', page)
    # Only the later steps and abandoned are offered now.
    assert re.findall(r'<option[^>]*value="(\w+)"', page) == ["launched", "operating", "abandoned"]
    deliver_pending()
    assert sorted(m["To"] for m in mailbox.messages) == ["lea@exempleville.fr", "parrain@region.fr"]
    assert mailbox.to("lea@exempleville.fr")[0]["Subject"] == (
        "Taking up “Conciergerie solidaire des aidants”: Launched")


def test_abandoning_needs_a_reason_and_going_back_is_refused_keeping_what_was_typed(client, world, asked):
    path = f"/replications/{asked.id}"
    response = post_form(client, f"{path}/status", {"status": "abandoned", "note": "",
                                                    "variant": "Une version plus légère."}, page=path)
    assert response.status_code == 422
    html = text(response)
    assert re.search(r'id="note-error">.*Say why the replication is abandoned', html)
    assert "Une version plus légère." in html
    post_form(client, f"{path}/status", {"status": "operating"}, page=path)
    response = post_form(client, f"{path}/status", {"status": "preparing"}, page=path)
    assert response.status_code == 422
    assert "A replication does not go back: it is at the step “In operation”." in text(response)

    response = post_form(client, f"{path}/status", {"status": "abandoned", "note": "Le budget est coupé."},
                         page=path)
    assert response.status_code == 302
    page = text(client.get(path))
    assert "Le budget est coupé." in page and 'name="status"' not in page
    db.session.expire_all()
    assert db.session.get(Replication, asked.id).status == ReplicationStatus.ABANDONED


def test_only_the_repreneur_changes_the_status(client, world, asked):
    path = f"/replications/{asked.id}"
    for who in ("lead", "parrain", "organiser"):
        sign_in_as(client, world[who])
        assert 'name="status"' not in text(client.get(path))
        assert post_form(client, f"{path}/status", {"status": "launched"}, page=path).status_code == 403


def test_my_replications_for_the_repreneur_and_the_team_and_the_dashboard_link(client, world, asked):
    html = text(client.get("/replications"))
    assert re.search(r"Innovations I take up</h2>\s*<ul class=\"cards\">", html)
    assert f'href="/replications/{asked.id}"' in html
    assert 'href="/replications"' in text(client.get("/account/"))
    sign_in_as(client, world["lead"])
    html = text(client.get("/replications"))
    assert re.search(r"Taken up from my teams' innovations</h2>\s*<ul class=\"cards\">", html)
    assert "Commune de Vitré" in html and "Waiting for a first answer" in html
    sign_in_as(client, factories.user(locale=Locale.EN))
    html = text(client.get("/replications"))
    assert "You have not asked to take an innovation up yet." in html and f"/replications/{asked.id}" not in html


def test_my_replications_say_since_when_each_is_at_its_status(client, world):
    replication = factories.replication(world["innovation"], requester=world["agent"],
                                        status=ReplicationStatus.LAUNCHED, answered=True)
    requested, launched = replication.events
    replication.created_at = requested.at = datetime(2025, 11, 22, 12, tzinfo=UTC)
    launched.at = datetime(2026, 1, 14, 12, tzinfo=UTC)
    db.session.commit()
    sign_in_as(client, world["agent"])
    html = " ".join(text(client.get("/replications")).split())
    with force_locale("en"):
        launched_on, requested_on = date_filter(date(2026, 1, 14)), date_filter(date(2025, 11, 22))
    assert f"Launched</span> <span>on {launched_on}</span>" in html
    assert requested_on not in html


# --- in French ---------------------------------------------------------------------------------------------

def test_the_statuses_describe_la_reprise_in_french():
    with force_locale("fr"):
        assert [str(status.label) for status in ReplicationStatus] == [
            "Intérêt manifesté", "En préparation", "Lancée", "En fonctionnement", "Abandonnée"]


def test_the_timeline_reads_well_in_french(client):
    innovation = factories.innovation()
    marraine = factories.parrain_of(innovation, user=factories.user(first_name="Nathalie", last_name="Lefèvre"))
    requester = factories.user(first_name="Arthur", last_name="Denis")
    call = factories.call(title="Appel à projets « Territoires d'essaimage » 2026")
    project = factories.submission(call=call, lead=requester, status=SubmissionStatus.SUBMITTED,
                                   title="Répit à Vitré")
    replication = factories.replication(innovation, requester=requester, submission_id=project.id)
    db.session.add(ReplicationEvent(replication_id=replication.id, author_id=marraine.id, body="Je vous appelle."))
    db.session.commit()
    sign_in_as(client, requester)
    html = re.sub(r"\s+", " ", text(client.get(f"/replications/{replication.id}")), flags=re.ASCII)
    assert "Nathalie Lefèvre</strong> <span class=\"muted\">(parrain ou marraine)</span>" in html
    assert "Début de la reprise\u00a0: <span" in html and "Reprise engagée" not in html
    assert f"Appel à projets « Territoires d'essaimage » 2026, référence {project.reference}" in html
    assert "« Appel" not in html and "appel « " not in html


# --- calls for replication ---------------------------------------------------------------------------------

def test_the_organisers_make_a_call_a_call_for_replication(client, world):
    call = factories.call(title="Territoires d'essaimage")
    factories.grant(world["organiser"], call, CallRoleKind.ORGANISER)
    sign_in_as(client, world["organiser"])
    assert "Call for replication: each project takes up an innovation of the catalogue" in text(
        client.get(f"/manage/calls/{call.id}/settings"))
    response = post_form(client, f"/manage/calls/{call.id}/settings", settings(for_replication="y"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Call, call.id).for_replication is True
    post_form(client, f"/manage/calls/{call.id}/settings", settings())
    db.session.expire_all()
    assert db.session.get(Call, call.id).for_replication is False


def _edit(client, project, data: dict, action: str):
    html = client.get(f"/submissions/{project.id}").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    return client.post(f"/submissions/{project.id}", data={"csrf_token": form_token(html), "version": version,
                                                           "action": action, **data})


CORE = {"title": "Répit à Vitré", "summary": "Un relais pour les aidants.", "description": "Comment.",
        "territory": "Pays de Vitré"}


def test_a_project_of_a_call_for_replication_names_the_innovation_it_takes_up(client, world, mailbox):
    call = factories.call(title="Territoires d'essaimage")
    call.for_replication = True
    factories.grant(world["organiser"], call, CallRoleKind.ORGANISER)
    project = factories.submission(call=call, lead=world["agent"], title="Répit à Vitré")
    innovation = world["innovation"]
    sign_in_as(client, world["agent"])
    html = text(client.get(f"/submissions/{project.id}"))
    assert re.search(r'<select[^>]*id="replicates"', html)
    assert (f'<option value="{innovation.id}">Conciergerie solidaire des aidants – Ville d\'Exempleville'
            '</option>') in html

    response = _edit(client, project, CORE, "submit")
    assert response.headers["Location"] == f"/submissions/{project.id}?check=1#problems"
    html = text(client.get(response.headers["Location"]))
    assert '<a href="#replicates">Innovation you take up: Answer this question before submitting.</a>' in html

    draft = factories.innovation(published=False, title="Brouillon")
    response = _edit(client, project, {**CORE, "replicates": str(draft.id)}, "submit")
    assert response.status_code == 422 and "Choose among the options offered." in text(response)

    response = _edit(client, project, {**CORE, "replicates": str(innovation.id)}, "submit")
    assert response.status_code == 302
    db.session.expire_all()
    project = db.session.get(Submission, project.id)
    assert (project.status, project.replicates_id) == (SubmissionStatus.SUBMITTED, innovation.id)
    replication = _only_replication()
    assert (replication.submission_id, replication.status, replication.requester_id) == (
        project.id, ReplicationStatus.PREPARING, world["agent"].id)
    html = text(client.get(f"/submissions/{project.id}"))
    assert re.search(rf'id="taken-up">Innovation taken up: <a href="/innovations/{innovation.slug}">', html)

    deliver_pending()
    message = mailbox.to("lea@exempleville.fr")[0]
    assert message["Subject"] == "A project takes up “Conciergerie solidaire des aidants”"
    assert "Territoires d'essaimage" in mailbox.text(message) and project.reference in mailbox.text(message)

    # The organisers (and reviewers, on the same dossier) see which innovation it takes up.
    sign_in_as(client, world["organiser"])
    html = text(client.get(f"/manage/calls/{call.id}/submissions/{project.id}"))
    assert "Innovation taken up</h2>" in html and f'href="/innovations/{innovation.slug}"' in html


def test_a_co_applicant_submits_and_the_lead_is_the_repreneur(client, world):
    call = factories.call(title="Territoires d'essaimage")
    call.for_replication = True
    co = factories.user(locale=Locale.EN)
    project = factories.submission(call=call, lead=world["agent"], members=(co,), title="Répit à Vitré")
    assert project.members[1].role == MemberRole.CO_APPLICANT and isinstance(project.members[1], SubmissionMember)
    sign_in_as(client, co)
    assert _edit(client, project, {**CORE, "replicates": str(world["innovation"].id)}, "submit").status_code == 302
    replication = _only_replication()
    assert replication.requester_id == world["agent"].id
    sign_in_as(client, world["agent"])
    assert 'name="status"' in text(client.get(f"/replications/{replication.id}"))


def test_a_territory_named_with_its_departement_does_not_say_it_twice(client, world, mailbox):
    sign_in_as(client, world["agent"])
    response = _ask(client, world, territory_name="Beaulieu-sur-Loire (Loiret)", departement_code="45",
                    commune_code="")
    assert response.status_code == 302
    timeline = text(client.get(response.headers["Location"]))
    place = timeline.split("Beaulieu-sur-Loire (Loiret)")[1].split("</dd>")[0]
    assert "Loiret (45)" not in place and "Centre-Val de Loire" in place
    deliver_pending()
    body = mailbox.text(mailbox.to("lea@exempleville.fr")[0])
    assert "Beaulieu-sur-Loire (Loiret), Centre-Val de Loire" in body and "Loiret (45)" not in body
    mine = text(client.get("/replications"))
    assert "Loiret (45)" not in mine.split("Beaulieu-sur-Loire (Loiret)")[1].split("</p>")[0]
