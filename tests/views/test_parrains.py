"""Parrains through HTTP: volunteering, the public directory, assigning them to a record, their opinion of its
readiness, their own list; the emails through the real SMTP server; and, on the review form, the conditions
for replication beside the essaimage criterion."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from flask_babel import force_locale

from prizeapp.enums import (
    AssignmentStatus,
    BlindLevel,
    CallPhase,
    CallRoleKind,
    ReplicationStatus,
    SubmissionStatus,
    UnitKind,
    VersionStatus,
)
from prizeapp.extensions import db
from prizeapp.formatting import date_filter
from prizeapp.models import (
    Assignment,
    Criterion,
    Innovation,
    InnovationSponsor,
    InnovationVersion,
    ReadinessComment,
    SponsorProfile,
)
from prizeapp.models.types import utcnow
from prizeapp.services.innovations import records, sponsors
from prizeapp.services.outbox import deliver_pending

from .. import factories
from ..conftest import fr, post_form, sign_in_as, text

LISTED_HINT = ("The directory shows your name, your organisation (that of your unit), what you know, your themes, "
               "your territory and your availability, to everyone. It never shows your email address. Unticked, "
               "only the organisers who assign parrains see your profile; either way, the page of an innovation "
               "you sponsor names you as its parrain.")


def main(response) -> str:
    """The page's own content, without the header (which names the signed-in person)."""
    return text(response).split("<main", 1)[1].split("</main>", 1)[0]


def profile_of(user) -> SponsorProfile | None:
    db.session.expire_all()
    return db.session.scalar(db.select(SponsorProfile).where(SponsorProfile.user_id == user.id))


# --- volunteering ----------------------------------------------------------------------------------------

def test_an_agent_volunteers_then_edits_their_profile(client):
    agent = factories.user()
    sign_in_as(client, agent)
    page = client.get("/account/parrain")
    assert page.status_code == 200
    assert fr("List me in the public directory of parrains") in text(page)
    assert fr(LISTED_HINT) in text(page)  # what the directory shows, and that it never shows the email

    response = post_form(client, "/account/parrain", {
        "expertise": "Achats publics innovants", "themes": ["social", "mobility"], "region_code": "53",
        "departement_code": "35", "availability": "Deux heures par mois", "listed": "y"})

    assert response.status_code == 302
    profile = profile_of(agent)
    assert (profile.expertise, profile.themes, profile.region_code, profile.departement_code, profile.listed,
            profile.active) == ("Achats publics innovants", ["social", "mobility"], "53", "35", True, True)
    page = text(client.get("/account/parrain"))
    assert "Achats publics innovants" in page and fr("Save my parrain profile") in page

    post_form(client, "/account/parrain", {"expertise": "Données ouvertes", "region_code": "", "departement_code": ""})
    profile = profile_of(agent)
    assert (profile.expertise, profile.themes, profile.listed) == ("Données ouvertes", [], False)


def test_a_departement_outside_the_region_is_shown_beside_its_field(client):
    agent = factories.user()
    sign_in_as(client, agent)

    response = post_form(client, "/account/parrain", {"expertise": "Achats", "region_code": "11",
                                                      "departement_code": "35"})

    assert response.status_code == 400
    assert 'id="departement_code-error"' in response.get_data(as_text=True)
    assert fr("%(departement)s is not in the région %(region)s: choose its own région, or leave the région empty.",
              departement="Ille-et-Vilaine (35)", region="Île-de-France") in text(response)
    assert profile_of(agent) is None


def test_the_territory_is_checked_in_the_same_round_as_the_other_fields(client):
    agent = factories.user()
    sign_in_as(client, agent)

    response = post_form(client, "/account/parrain", {"expertise": " ", "region_code": "11",
                                                      "departement_code": "35"})

    assert response.status_code == 400
    page = text(response)
    assert fr("Say what you know and can help with.") in page.split('id="expertise-error"')[1].split("</p>")[0]
    assert fr("%(departement)s is not in the région %(region)s: choose its own région, or leave the région empty.",
              departement="Ille-et-Vilaine (35)", region="Île-de-France") in page.split(
                  'id="departement_code-error"')[1].split("</p>")[0]
    assert profile_of(agent) is None


def test_stopping_leaves_the_directory_and_keeps_the_history(client):
    profile = factories.sponsor(user=factories.user(first_name="Paul", last_name="Parrain"))
    record = factories.innovation()
    db.session.add(InnovationSponsor(innovation_id=record.id, user_id=profile.user_id))
    db.session.commit()
    sign_in_as(client, profile.user)

    response = post_form(client, "/account/parrain/stop", {}, page="/account/parrain")

    assert response.status_code == 302
    assert profile_of(profile.user).active is False
    assert "Paul Parrain" not in main(client.get("/parrains"))
    assert "Conciergerie solidaire des aidants" in text(client.get("/account/parrain/innovations"))


def test_the_account_page_links_to_the_parrain_pages(client):
    sign_in_as(client, factories.user())
    html = client.get("/account/").get_data(as_text=True)
    assert 'href="/account/parrain"' in html and 'href="/account/parrain/innovations"' in html


# --- the directory ---------------------------------------------------------------------------------------

def test_the_directory_shows_the_listed_active_parrains_without_their_email(client):
    ville = factories.unit(name="Ville d'Exempleville")
    service = factories.unit(name="Service des solidarités", kind=UnitKind.SERVICE, parent=ville)
    anne = factories.sponsor(user=factories.user(first_name="Anne", last_name="Bretonne", unit=service,
                                                 email="anne.bretonne@exempleville.fr"),
                             expertise="Conciergeries de répit", themes=["social"], region_code="53",
                             departement_code="35", availability="Une demi-journée par mois")
    factories.sponsor(user=factories.user(last_name="Discrète"), listed=False)
    factories.sponsor(user=factories.user(last_name="Partie"), active=False)
    public = factories.innovation(title="Cantine zéro déchet")
    draft = factories.innovation(published=False, title="Projet secret")
    for record in (public, draft):
        db.session.add(InnovationSponsor(innovation_id=record.id, user_id=anne.user_id))
    db.session.commit()

    response = client.get("/parrains")

    page = text(response)
    assert response.status_code == 200
    assert "Anne Bretonne" in page and "Ville d'Exempleville" in page and "Conciergeries de répit" in page
    assert "Ille-et-Vilaine (35), Bretagne" in page and "Une demi-journée par mois" in page
    assert fr("Social action and solidarity") in page
    assert f'href="/innovations/{public.slug}"' in response.get_data(as_text=True)
    assert "Projet secret" not in page
    assert "Discrète" not in page and "Partie" not in page
    assert "@" not in main(response)  # no address at all in the page's content


def test_the_directory_filters_by_theme_and_region(client):
    factories.sponsor(user=factories.user(last_name="Sociale"), themes=["social"], region_code="53")
    factories.sponsor(user=factories.user(last_name="Mobile"), themes=["mobility"], region_code="11")

    by_theme = text(client.get("/parrains?theme=mobility"))
    by_region = text(client.get("/parrains?region=53"))
    neither = text(client.get("/parrains?theme=mobility&region=53"))

    assert "Mobile" in by_theme and "Sociale" not in by_theme
    assert "Sociale" in by_region and "Mobile" not in by_region
    assert fr("No parrain or marraine matches these filters.") in neither
    assert "Sociale" in text(client.get("/parrains?theme=nonsense&region=xx"))  # unknown values: no filter


def test_the_directory_is_paginated_and_has_an_empty_state(client):
    assert fr("No parrain or marraine is listed yet.") in text(client.get("/parrains"))
    for n in range(21):
        factories.sponsor(user=factories.user(last_name=f"Parrain{n:02d}"))

    first, second = text(client.get("/parrains")), text(client.get("/parrains?page=2"))

    assert "Parrain00" in first and "Parrain19" in first and "Parrain20" not in first
    assert "Parrain20" in second and "Parrain00" not in second
    assert client.get("/parrains?page=zero").status_code == 400


# --- assigning -------------------------------------------------------------------------------------------

@pytest.fixture
def edition():
    """A record of a call organised by Sophie Martin, a parrain in Bretagne and one elsewhere, a stranger."""
    call = factories.call(title="Prix de l'innovation 2026", phase=CallPhase.PUBLISHED)
    call.results_published_at = utcnow()
    organiser = factories.user(first_name="Sophie", last_name="Martin")
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    lead = factories.user(first_name="Inès", last_name="Lambert")
    record = factories.innovation(call=call, lead=lead)
    breton = factories.sponsor(user=factories.user(first_name="Yann", last_name="Le Goff"), region_code="53")
    other = factories.sponsor(user=factories.user(first_name="Alice", last_name="Aubert"), region_code="11",
                              themes=["mobility"])
    return {"call": call, "organiser": organiser, "lead": lead, "record": record, "breton": breton,
            "other": other, "stranger": factories.user()}


def test_the_organiser_assigns_a_parrain_who_is_emailed_with_a_link_to_the_record(client, edition, mailbox):
    record, breton = edition["record"], edition["breton"]
    sign_in_as(client, edition["organiser"])

    page = client.get(f"/innovations/{record.slug}/parrains")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    # The one of the record's région is suggested first.
    assert html.index("Yann Le Goff") < html.index("Alice Aubert")
    assert fr("Suggested: same theme or région") in text(page)

    response = post_form(client, f"/innovations/{record.slug}/parrains", {"sponsor": str(breton.user_id)})

    assert response.status_code == 302
    assert [e.details for e in factories.audit_events("sponsor.assigned")] == [{"user_id": breton.user_id}]
    deliver_pending()
    (message,) = mailbox.to(breton.user.email)
    assert "Conciergerie solidaire des aidants" in message["Subject"]
    assert mailbox.link(message, f"/innovations/{record.slug}") == f"/innovations/{record.slug}"
    assert mailbox.link(message, f"/innovations/{record.slug}/readiness")
    assert "Sophie Martin" in mailbox.text(message)
    assert "Yann Le Goff" in text(client.get(f"/innovations/{record.slug}/parrains"))


def test_the_assignment_is_confirmed_in_words_that_fit_a_parrain_or_a_marraine(client, edition):
    record, breton = edition["record"], edition["breton"]
    sign_in_as(client, edition["organiser"])
    response = post_form(client, f"/innovations/{record.slug}/parrains", {"sponsor": str(breton.user_id)})
    page = text(client.get(response.headers["Location"]))
    assert "Yann Le Goff est désormais parrain ou marraine de cette innovation. Un courriel l'en informe." in page


def test_an_administrator_removes_a_parrain(client, edition):
    record, breton = edition["record"], edition["breton"]
    db.session.add(InnovationSponsor(innovation_id=record.id, user_id=breton.user_id))
    db.session.commit()
    sign_in_as(client, factories.user(admin=True))

    response = post_form(client, f"/innovations/{record.slug}/parrains/{breton.user_id}/remove", {},
                         page=f"/innovations/{record.slug}/parrains")

    assert response.status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(InnovationSponsor)) == 0
    assert [e.details for e in factories.audit_events("sponsor.removed")] == [{"user_id": breton.user_id}]


@pytest.mark.parametrize("who", ["lead", "stranger", "breton"])
def test_only_the_organisers_and_administrators_assign(client, edition, who):
    record = edition["record"]
    person = edition[who] if who != "breton" else edition["breton"].user
    db.session.add(InnovationSponsor(innovation_id=record.id, user_id=edition["breton"].user_id))
    db.session.commit()
    sign_in_as(client, person)

    assert client.get(f"/innovations/{record.slug}/parrains").status_code == 403
    response = post_form(client, f"/innovations/{record.slug}/parrains", {"sponsor": str(edition["other"].user_id)},
                         page="/")
    assert response.status_code == 403
    removal = post_form(client, f"/innovations/{record.slug}/parrains/{edition['breton'].user_id}/remove", {},
                        page="/")
    assert removal.status_code == 403
    assert db.session.scalar(db.select(db.func.count()).select_from(InnovationSponsor)) == 1


def test_the_team_cannot_be_chosen_as_its_own_parrain(client, edition):
    record, lead = edition["record"], edition["lead"]
    factories.sponsor(user=lead)
    sign_in_as(client, edition["organiser"])

    html = client.get(f"/innovations/{record.slug}/parrains").get_data(as_text=True)
    response = post_form(client, f"/innovations/{record.slug}/parrains", {"sponsor": str(lead.id)})

    assert f'value="{lead.id}"' not in html
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count()).select_from(InnovationSponsor)) == 0


# --- opinions of readiness ---------------------------------------------------------------------------------

def test_the_assigned_parrain_gives_an_opinion_and_the_team_is_emailed(client, edition, mailbox):
    record, breton, lead = edition["record"], edition["breton"], edition["lead"]
    db.session.add(InnovationSponsor(innovation_id=record.id, user_id=breton.user_id))
    db.session.commit()
    sign_in_as(client, breton.user)

    page = client.get(f"/innovations/{record.slug}/readiness")
    assert page.status_code == 200 and fr("No opinion has been given yet.") in text(page)
    refused = post_form(client, f"/innovations/{record.slug}/readiness", {"opinion": "needs_work", "body": ""})
    assert refused.status_code == 422
    assert fr("Say what is missing before another territory can take it up.") in text(refused)

    response = post_form(client, f"/innovations/{record.slug}/readiness",
                         {"opinion": "needs_work", "body": "Il manque le coût par usager."})

    assert response.status_code == 302
    (comment,) = db.session.scalars(db.select(ReadinessComment)).all()
    assert (comment.opinion.value, comment.author_id) == ("needs_work", breton.user_id)
    page = text(client.get(f"/innovations/{record.slug}/readiness"))
    assert "Il manque le coût par usager." in page and "Yann Le Goff" in page
    deliver_pending()
    (message,) = mailbox.to(lead.email)
    assert "Il manque le coût par usager." in mailbox.text(message)
    assert mailbox.link(message, f"/innovations/{record.slug}")


@pytest.mark.parametrize("who", ["organiser", "lead", "other", "stranger"])
def test_only_an_assigned_parrain_gives_an_opinion(client, edition, who):
    record = edition["record"]
    db.session.add(InnovationSponsor(innovation_id=record.id, user_id=edition["breton"].user_id))
    db.session.commit()
    person = edition[who].user if who == "other" else edition[who]
    sign_in_as(client, person)

    assert client.get(f"/innovations/{record.slug}/readiness").status_code == 403
    response = post_form(client, f"/innovations/{record.slug}/readiness", {"opinion": "ready"}, page="/")
    assert response.status_code == 403
    assert db.session.scalar(db.select(db.func.count()).select_from(ReadinessComment)) == 0


# --- my sponsorships -------------------------------------------------------------------------------------

def test_a_parrain_sees_the_innovations_they_sponsor_and_their_replications(client, edition):
    record, breton = edition["record"], edition["breton"]
    db.session.add(InnovationSponsor(innovation_id=record.id, user_id=breton.user_id))
    db.session.commit()
    (replication,) = factories.replications_of(record, ReplicationStatus.PREPARING, organisation="Commune de Reprise")
    sign_in_as(client, breton.user)

    response = client.get("/account/parrain/innovations")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'href="/innovations/{record.slug}"' in html and f'href="/innovations/{record.slug}/readiness"' in html
    assert f'href="/replications/{replication.id}"' in html and "Commune de Reprise 1" in text(response)
    assert fr("Preparing") in text(response)


def test_a_parrain_sees_since_when_each_replication_is_at_its_status(client, edition):
    record, breton = edition["record"], edition["breton"]
    db.session.add(InnovationSponsor(innovation_id=record.id, user_id=breton.user_id))
    replication = factories.replication(record, status=ReplicationStatus.PREPARING, answered=True)
    requested, preparing = replication.events
    replication.created_at = requested.at = datetime(2025, 11, 22, 12, tzinfo=UTC)
    preparing.at = datetime(2026, 2, 10, 12, tzinfo=UTC)
    db.session.commit()
    sign_in_as(client, breton.user)
    page = " ".join(text(client.get("/account/parrain/innovations")).split())
    with force_locale("fr"):
        reached, requested_on = date_filter(date(2026, 2, 10)), date_filter(date(2025, 11, 22))
    assert f'{fr("Preparing")} <span class="muted">{fr("since %(date)s", date=reached)}</span>' in page
    assert requested_on not in page


def test_a_parrain_who_sponsors_nothing_is_told_so(client):
    sign_in_as(client, factories.sponsor().user)
    page = text(client.get("/account/parrain/innovations"))
    assert fr("You sponsor no innovation yet. The organisers of the calls assign parrains and marraines to "
              "innovations; you will be told by email.") in page
    assert fr(NOT_A_PARRAIN) not in page


NOT_A_PARRAIN = ("You are not a parrain or marraine. Parrains and marraines are agents who help other territories take "
                 "innovations up: they share what they know, and give their opinion of whether a record is ready to be "
                 "taken up.")


def test_someone_who_is_not_a_parrain_is_invited_to_volunteer(client):
    sign_in_as(client, factories.user())
    response = client.get("/account/parrain/innovations")
    page = text(response)
    assert fr("You sponsor no innovation yet. The organisers of the calls assign parrains and marraines to "
              "innovations; you will be told by email.") not in page
    assert fr(NOT_A_PARRAIN) in page
    main = page.split("<main")[1]
    assert re.search(r'<a class="button" href="/account/parrain">' + re.escape(fr("Volunteer as parrain or marraine")),
                     main)


def test_who_shares_both_the_theme_and_the_region_comes_before_who_shares_one(client, edition):
    # The record is of the theme "social", in Bretagne (53).
    both = factories.sponsor(user=factories.user(first_name="Zoé", last_name="Zeller"), region_code="53",
                             themes=["social"])
    theme_only = factories.sponsor(user=factories.user(first_name="Théo", last_name="Thème"), themes=["social"])
    sign_in_as(client, edition["organiser"])
    page = text(client.get(f"/innovations/{edition['record'].slug}/parrains"))
    options = page.split('id="sponsor"')[1].split("</select>")[0]
    order = [options.index(name) for name in ("Zoé Zeller", "Théo Thème", "Yann Le Goff", "Alice Aubert")]
    assert order[0] < min(order[1], order[2]) and max(order[1], order[2]) < order[3]
    table = page.split("<tbody>")[1]
    rows = [table.index(name) for name in ("Zoé Zeller", "Théo Thème", "Yann Le Goff", "Alice Aubert")]
    assert rows[0] < min(rows[1], rows[2]) and max(rows[1], rows[2]) < rows[3]
    assert fr("Same theme and région") in table.split("Zoé Zeller")[1].split("</td>")[0]
    assert fr("Same theme") in table.split("Théo Thème")[1].split("</td>")[0]
    assert {both.user_id, theme_only.user_id} <= {c.user.id for c in sponsors.candidates(edition["record"])}


# --- the conditions for replication beside the essaimage criterion -------------------------------------------

@pytest.fixture
def reviewing():
    """A call in review whose grid has « Innovation » and « Potentiel d'essaimage »; a project by Inès Lambert
    (Mairie de Lambertville), one reviewer assigned to it."""
    call = factories.call(phase=CallPhase.REVIEW)
    call.submission_deadline = utcnow() - timedelta(days=1)
    call.criteria[0].weight = 60
    call.criteria.append(Criterion(position=2, name="Potentiel d'essaimage", weight=40,
                                   description="Un autre territoire pourrait-il le reprendre ?"))
    lead = factories.user(email="ines.lambert@mairie-exemple.fr", first_name="Inès", last_name="Lambert")
    project = factories.submission(call=call, lead=lead, status=SubmissionStatus.SUBMITTED,
                                   title="Guichet numérique des aidants")
    reviewer = factories.user(email="expert@labo.fr")
    factories.pool_member(call=call, user=reviewer)
    assignment = Assignment(call_id=call.id, submission_id=project.id, reviewer_id=reviewer.id,
                            status=AssignmentStatus.COMMITTED)
    db.session.add(assignment)
    db.session.commit()
    return call, project, reviewer, assignment


def _own_record(project):
    """The project's own record, published, naming its organisation and the team's contact."""
    record = Innovation(slug="guichet-des-aidants-lambertville", submission=project, call=project.call)
    db.session.add(record)
    db.session.flush()
    content = factories.record_content(
        title="Guichet des aidants de Lambertville", organisation="Mairie de Lambertville",
        contact_email="ines.lambert@mairie-exemple.fr", contact_ids=[project.members[0].user_id],
        fixed_core="Un guichet unique tenu par des agents formés.")
    version = InnovationVersion(innovation=record, number=1, status=VersionStatus.APPROVED,
                                content=records.clean(content))
    db.session.add(version)
    db.session.flush()
    records.apply_published(record, version)
    db.session.commit()
    return record


def _panel_ids(html: str, call) -> tuple[bool, bool]:
    first, second = call.criteria
    return f'id="replication-{second.id}-1"' in html, f'id="replication-{first.id}-' in html


def test_the_essaimage_criterion_shows_the_conditions_of_the_innovation_taken_up(client, reviewing):
    call, project, reviewer, assignment = reviewing
    taken = factories.innovation(title="Cantine zéro déchet", conditions_legal="Une délibération du conseil.")
    project.replicates_id = taken.id
    db.session.commit()
    sign_in_as(client, reviewer)

    response = client.get(f"/reviewing/assignments/{assignment.id}/review")

    html, page = response.get_data(as_text=True), text(response)
    assert response.status_code == 200
    assert _panel_ids(html, call) == (True, False)  # beside the essaimage criterion, not beside the other
    assert fr("Conditions for replication of the innovation this project takes up") in page
    assert "Le guichet unique et la formation des bénévoles." in page and "Une délibération du conseil." in page
    assert f'href="/innovations/{taken.slug}"' in html and "Cantine zéro déchet" in page
    assert "css/parrains.css" in html


def test_a_grid_without_an_essaimage_criterion_shows_no_conditions(client, reviewing):
    call, project, reviewer, assignment = reviewing
    call.criteria[1].name, call.criteria[1].description = "Faisabilité", "Calendrier et équipe."
    project.replicates_id = factories.innovation().id
    db.session.commit()
    sign_in_as(client, reviewer)

    html = client.get(f"/reviewing/assignments/{assignment.id}/review").get_data(as_text=True)

    assert _panel_ids(html, call) == (False, False)
    assert "Le guichet unique et la formation des bénévoles." not in html


def test_in_an_open_call_the_projects_own_record_is_named_and_linked(client, reviewing):
    call, project, reviewer, assignment = reviewing
    record = _own_record(project)
    sign_in_as(client, reviewer)

    response = client.get(f"/reviewing/assignments/{assignment.id}/review")

    assert _panel_ids(response.get_data(as_text=True), call) == (True, False)
    assert "Guichet des aidants de Lambertville" in text(response)
    assert f'href="/innovations/{record.slug}"' in response.get_data(as_text=True)


def test_in_a_blind_call_the_projects_own_record_names_nobody(client, reviewing):
    call, project, reviewer, assignment = reviewing
    call.blind = BlindLevel.BLIND
    record = _own_record(project)
    sign_in_as(client, reviewer)

    response = client.get(f"/reviewing/assignments/{assignment.id}/review")

    html, page = response.get_data(as_text=True), text(response)
    assert _panel_ids(html, call) == (True, False)
    assert "Un guichet unique tenu par des agents formés." in page  # the conditions are shown
    for name in ("Lambert", "ines.lambert", "Mairie de Lambertville", record.slug):
        assert name not in html, name


def test_the_records_page_links_its_checkers_and_parrains_to_their_pages(client, edition):
    record, breton = edition["record"], edition["breton"]
    db.session.add(InnovationSponsor(innovation_id=record.id, user_id=breton.user_id))
    db.session.commit()
    assign, readiness = f'href="/innovations/{record.slug}/parrains"', f'href="/innovations/{record.slug}/readiness"'

    public = client.get(f"/innovations/{record.slug}").get_data(as_text=True)
    sign_in_as(client, edition["organiser"])
    organiser = client.get(f"/innovations/{record.slug}").get_data(as_text=True)
    sign_in_as(client, breton.user)
    parrain = client.get(f"/innovations/{record.slug}").get_data(as_text=True)

    assert (assign in public, readiness in public) == (False, False)
    assert (assign in organiser, readiness in organiser) == (True, False)
    assert (assign in parrain, readiness in parrain) == (False, True)
