"""The reviewers' pages through HTTP: invitations, profile, the list of titles, bids, assignments; and the
applicants' exclusions of people who must not review their project."""
from __future__ import annotations

import pytest
from flask_babel import force_locale, ngettext

from prizeapp.enums import (
    AssignmentStatus,
    BidLevel,
    BlindLevel,
    CallPhase,
    ConflictSource,
    PoolStatus,
    ReviewMode,
    SubmissionStatus,
)
from prizeapp.extensions import db
from prizeapp.models import (
    Assignment,
    AuditEvent,
    Bid,
    ConflictDeclaration,
    PendingExclusion,
    PoolMember,
    ReviewerInvitation,
    Submission,
)
from prizeapp.models.types import utcnow
from prizeapp.services import review_pool

from .. import factories
from ..conftest import form_token, fr, post_form, sign_in_as, text


@pytest.fixture
def scene():
    """A call with two categories, a reviewer in its pool (an address of their own: no domain conflict),
    and three submitted projects whose leads have recognisable names and summaries."""
    call = factories.call(phase=CallPhase.OPEN)
    call.categories = ["Mobilité", "Santé"]
    reviewer = factories.user(email="claire.expert@labo-exemple.fr", first_name="Claire", last_name="Expert")
    factories.pool_member(call=call, user=reviewer)
    projects = []
    for n, (title, category, last_name) in enumerate([("Vélos partagés en zone rurale", "Mobilité", "Lapierre"),
                                                      ("Téléconsultation en EHPAD", "Santé", "Moreau"),
                                                      ("Navettes à la demande", "Mobilité", "Rousseau")]):
        lead = factories.user(first_name="Dominique", last_name=last_name)
        projects.append(factories.submission(call=call, lead=lead, status=SubmissionStatus.SUBMITTED, title=title,
                                             category=category, summary=f"Résumé confidentiel numéro {n}"))
    db.session.commit()
    return call, reviewer, projects


def declare(client, call, data: dict):
    return post_form(client, f"/reviewing/calls/{call.id}/conflicts", data)


# --- invitations ----------------------------------------------------------------------------------------

def _invitation(call, email="invitee@labo-exemple.fr"):
    invitation = ReviewerInvitation(call_id=call.id, email=email)
    db.session.add(invitation)
    db.session.commit()
    return invitation, f"/reviewing/invitations/{review_pool.invitation_token(invitation)}"


def test_invitation_accepted_signed_in_with_the_invited_address(client):
    call = factories.call()
    person = factories.user(email="invitee@labo-exemple.fr")
    _invitation_row, path = _invitation(call)
    sign_in_as(client, person)
    page = text(client.get(path))
    assert call.title in page and "invitee@labo-exemple.fr" in page

    response = post_form(client, path, {"answer": "accept"})

    assert response.status_code == 302
    assert response.headers["Location"] == f"/reviewing/#call-{call.id}"
    member = db.session.scalar(db.select(PoolMember).where(PoolMember.user_id == person.id))
    assert member.status == PoolStatus.ACCEPTED
    home = text(client.get("/reviewing/"))
    assert call.title in home
    assert fr("Declare my conflicts of interest") in home or fr("Complete my profile") in home
    assert fr("My reviewing") in text(client.get("/"))  # the menu entry


def test_invitation_declined(client):
    call = factories.call()
    person = factories.user(email="invitee@labo-exemple.fr")
    _row, path = _invitation(call)
    sign_in_as(client, person)

    response = post_form(client, path, {"answer": "decline"}, follow_redirects=True)

    assert response.status_code == 200
    member = db.session.scalar(db.select(PoolMember).where(PoolMember.user_id == person.id))
    assert member.status == PoolStatus.DECLINED
    assert not review_pool.is_reviewer(call, person)
    assert fr("My reviewing") not in text(client.get("/"))


def test_invitation_anonymous_is_offered_to_sign_in_and_come_back(client):
    call = factories.call()
    _row, path = _invitation(call)

    page = text(client.get(path))
    response = post_form(client, path, {"answer": "accept"})

    assert f"/login?next={path}&email=invitee@labo-exemple.fr" in page
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/login?next={path}")
    assert db.session.scalar(db.select(PoolMember)) is None


def test_invitation_for_another_address_names_the_invited_one(client):
    call = factories.call()
    _row, path = _invitation(call)
    other = factories.user(email="autre@labo-exemple.fr")
    sign_in_as(client, other)

    page = text(client.get(path))
    response = post_form(client, path, {"answer": "accept"})

    assert "invitee@labo-exemple.fr" in page and "autre@labo-exemple.fr" in page
    assert response.status_code == 403
    assert db.session.scalar(db.select(PoolMember)) is None


def test_an_invitation_is_not_answered_once_the_results_are_published(client):
    call = factories.call()
    person = factories.user(email="invitee@labo-exemple.fr")
    _row, path = _invitation(call)
    sign_in_as(client, person)
    html = client.get(path).get_data(as_text=True)
    call.phase = CallPhase.PUBLISHED
    db.session.commit()

    response = client.post(path, data={"csrf_token": form_token(html), "answer": "accept"})

    assert response.status_code == 409
    assert fr("The review of this call is over: nothing can be changed any more. Nothing was changed.") in text(
        response)
    assert db.session.scalar(db.select(PoolMember)) is None


@pytest.mark.parametrize("token", ["not-a-token", "eyJpbnYiOjF9.abc.def"])
def test_invitation_with_a_bad_token(client, token):
    response = client.get(f"/reviewing/invitations/{token}")
    assert response.status_code == 400
    assert fr("This link cannot be used") in text(response)


# --- profile --------------------------------------------------------------------------------------------

def test_profile_is_saved_with_the_call_default_shown(client, scene):
    call, reviewer, _projects = scene
    sign_in_as(client, reviewer)
    page = text(client.get(f"/reviewing/calls/{call.id}/profile"))
    assert "Mobilité" in page and "Santé" in page

    response = post_form(client, f"/reviewing/calls/{call.id}/profile",
                         {"keywords": "mobilité douce, ruralité ,", "themes": ["Mobilité"], "max_load": ""})

    assert response.status_code == 302
    member = db.session.scalar(db.select(PoolMember).where(PoolMember.user_id == reviewer.id))
    assert (member.keywords, member.themes, member.max_load) == (["mobilité douce", "ruralité"], ["Mobilité"], None)


def test_profile_with_a_wrong_load_keeps_the_input(client, scene):
    call, reviewer, _projects = scene
    sign_in_as(client, reviewer)
    response = post_form(client, f"/reviewing/calls/{call.id}/profile",
                         {"keywords": "santé publique", "max_load": "-3"})
    assert response.status_code == 400
    assert 'value="santé publique"' in text(response)


# --- conflicts: titles only -----------------------------------------------------------------------------

def test_the_list_of_titles_shows_titles_and_nothing_else(client, scene):
    call, reviewer, projects = scene
    call.blind = BlindLevel.OPEN
    sign_in_as(client, reviewer)

    page = text(client.get(f"/reviewing/calls/{call.id}/conflicts"))

    for s in projects:
        assert s.title in page
        assert s.summary not in page
        assert s.reference not in page
    for name in ("Lapierre", "Moreau", "Rousseau", "Dominique"):
        assert name not in page


def test_bids_are_refused_before_the_declarations(client, scene):
    call, reviewer, projects = scene
    sign_in_as(client, reviewer)

    response = client.get(f"/reviewing/calls/{call.id}/bids")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/reviewing/calls/{call.id}/conflicts"
    assert projects[0].summary not in text(client.get(response.headers["Location"]))


def test_a_declared_conflict_hides_the_project_from_bids_and_assignments(client, scene):
    call, reviewer, (cycling, health, shuttles) = scene
    for s in (cycling, health):
        db.session.add(Assignment(call_id=call.id, submission_id=s.id, reviewer_id=reviewer.id,
                                  status=AssignmentStatus.COMMITTED))
    sign_in_as(client, reviewer)

    response = declare(client, call, {f"conflict-{cycling.id}": "1", f"reason-{cycling.id}": "Ancienne collègue"})

    assert response.status_code == 302 and response.headers["Location"] == f"/reviewing/calls/{call.id}/bids"
    declaration = db.session.scalar(db.select(ConflictDeclaration))
    assert (declaration.submission_id, declaration.source, declaration.reason) == \
        (cycling.id, ConflictSource.REVIEWER, "Ancienne collègue")
    bids = text(client.get(f"/reviewing/calls/{call.id}/bids"))
    assert health.title in bids and health.summary in bids and shuttles.summary in bids
    assert cycling.title not in bids and cycling.summary not in bids
    assignments = text(client.get(f"/reviewing/calls/{call.id}/assignments"))
    assert health.title in assignments and health.reference in assignments
    assert cycling.title not in assignments and cycling.reference not in assignments
    home = text(client.get("/reviewing/"))
    with force_locale("fr"):
        assert ngettext("%(num)d project to consider", "%(num)d projects to consider", 2) in home
        assert ngettext("%(num)d assignment", "%(num)d assignments", 1) in home
    # The declaration is kept ticked, and unticking withdraws it.
    conflicts = text(client.get(f"/reviewing/calls/{call.id}/conflicts"))
    assert f'name="conflict-{cycling.id}" value="1" aria-describedby="title-{cycling.id}" checked' in conflicts
    declare(client, call, {})
    assert db.session.scalar(db.select(ConflictDeclaration)) is None
    assert cycling.title in text(client.get(f"/reviewing/calls/{call.id}/bids"))


def test_a_reason_without_the_box_ticked_is_refused_and_kept(client, scene):
    call, reviewer, (cycling, _health, _shuttles) = scene
    sign_in_as(client, reviewer)
    response = declare(client, call, {f"reason-{cycling.id}": "Voisin"})
    assert response.status_code == 400
    assert 'value="Voisin"' in text(response)
    assert db.session.scalar(db.select(PoolMember.conflicts_declared_at)) is None


def test_own_project_is_listed_as_already_excluded_without_a_checkbox(client, scene):
    call, reviewer, projects = scene
    own = factories.submission(call=call, lead=reviewer, status=SubmissionStatus.SUBMITTED, title="Mon propre projet",
                               summary="Mon résumé à moi")
    sign_in_as(client, reviewer)

    page = text(client.get(f"/reviewing/calls/{call.id}/conflicts"))

    assert "Mon propre projet" in page and fr("Already excluded for you") in page
    assert f'name="conflict-{own.id}"' not in page
    declare(client, call, {})
    bids = text(client.get(f"/reviewing/calls/{call.id}/bids"))
    assert "Mon propre projet" not in bids and projects[0].title in bids


def test_a_project_submitted_after_the_declarations_waits_for_its_title_to_be_seen(client, scene):
    call, reviewer, projects = scene
    sign_in_as(client, reviewer)
    declare(client, call, {})
    late = factories.submission(call=call, status=SubmissionStatus.SUBMITTED, title="Projet tardif",
                                summary="Résumé tardif")

    bids = text(client.get(f"/reviewing/calls/{call.id}/bids"))

    assert "Résumé tardif" not in bids and projects[0].summary in bids
    declare(client, call, {})
    assert "Résumé tardif" in text(client.get(f"/reviewing/calls/{call.id}/bids"))
    assert late.id


def test_a_blind_call_shows_no_names(client, scene):
    call, reviewer, projects = scene
    call.blind = BlindLevel.BLIND
    for s in projects:
        db.session.add(Assignment(call_id=call.id, submission_id=s.id, reviewer_id=reviewer.id,
                                  status=AssignmentStatus.COMMITTED))
    sign_in_as(client, reviewer)
    declare(client, call, {})

    pages = [text(client.get(f"/reviewing/calls/{call.id}/{page}")) for page in ("conflicts", "bids", "assignments")]
    pages.append(text(client.get("/reviewing/")))

    for page in pages:
        for name in ("Lapierre", "Moreau", "Rousseau", "Dominique"):
            assert name not in page
    assert projects[0].summary in pages[1]


def test_declarations_are_refused_once_the_review_is_over(client, scene):
    call, reviewer, (cycling, _health, _shuttles) = scene
    sign_in_as(client, reviewer)
    page = f"/reviewing/calls/{call.id}/conflicts"
    html = client.get(page).get_data(as_text=True)
    call.phase = CallPhase.PUBLISHED
    db.session.commit()

    response = client.post(page, data={"csrf_token": form_token(html), f"conflict-{cycling.id}": "1"})

    assert response.status_code == 409
    assert db.session.scalar(db.select(ConflictDeclaration)) is None


# --- bids -----------------------------------------------------------------------------------------------

def test_bids_are_saved_and_counted_and_filtered_by_category(client, scene):
    call, reviewer, (cycling, health, shuttles) = scene
    sign_in_as(client, reviewer)
    declare(client, call, {f"conflict-{shuttles.id}": "1"})

    response = post_form(client, f"/reviewing/calls/{call.id}/bids",
                         {f"bid-{cycling.id}": "eager", f"bid-{health.id}": "not_interested"})

    assert response.status_code == 302
    bids = {b.submission_id: b.level for b in db.session.scalars(db.select(Bid))}
    assert bids == {cycling.id: BidLevel.EAGER, health.id: BidLevel.NOT_INTERESTED}
    health_only = text(client.get(f"/reviewing/calls/{call.id}/bids?category=Santé"))
    assert health.title in health_only and cycling.title not in health_only and shuttles.title not in health_only
    # "No opinion" removes a bid; a conflicted project cannot be bid on even by a forged form.
    post_form(client, f"/reviewing/calls/{call.id}/bids", {f"bid-{cycling.id}": "", f"bid-{shuttles.id}": "eager"})
    bids = {b.submission_id: b.level for b in db.session.scalars(db.select(Bid))}
    assert bids == {health.id: BidLevel.NOT_INTERESTED}


def test_a_bid_with_an_unknown_level_is_refused(client, scene):
    call, reviewer, (cycling, _health, _shuttles) = scene
    sign_in_as(client, reviewer)
    declare(client, call, {})
    response = post_form(client, f"/reviewing/calls/{call.id}/bids", {f"bid-{cycling.id}": "passionate"})
    assert response.status_code == 400
    assert db.session.scalar(db.select(Bid)) is None


# --- assignments ----------------------------------------------------------------------------------------

def test_a_reviewer_declines_their_assignment_once(client, scene):
    call, reviewer, (cycling, health, _shuttles) = scene
    mine = Assignment(call_id=call.id, submission_id=cycling.id, reviewer_id=reviewer.id,
                      status=AssignmentStatus.COMMITTED)
    proposed = Assignment(call_id=call.id, submission_id=health.id, reviewer_id=reviewer.id,
                          status=AssignmentStatus.PROPOSED)
    db.session.add_all([mine, proposed])
    db.session.commit()
    sign_in_as(client, reviewer)
    page = text(client.get(f"/reviewing/calls/{call.id}/assignments"))
    assert cycling.title in page and health.title not in page  # proposed pairs are not announced

    response = post_form(client, f"/reviewing/assignments/{mine.id}/decline", {"reason": "Surcharge"},
                         page=f"/reviewing/calls/{call.id}/assignments", follow_redirects=True)

    assert response.status_code == 200
    assert db.session.get(Assignment, mine.id).status == AssignmentStatus.DECLINED
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "assignment.declined"))
    assert event.details["reason"] == "Surcharge"
    assert cycling.title not in text(response)
    again = post_form(client, f"/reviewing/assignments/{mine.id}/decline", {},
                      page=f"/reviewing/calls/{call.id}/assignments", follow_redirects=True)
    assert fr("This assignment is no longer yours: nothing was changed.") in text(again)
    refused = post_form(client, f"/reviewing/assignments/{proposed.id}/decline", {},
                        page=f"/reviewing/calls/{call.id}/assignments", follow_redirects=True)
    assert fr("This assignment is no longer yours: nothing was changed.") in text(refused)
    assert db.session.get(Assignment, proposed.id).status == AssignmentStatus.PROPOSED


def test_a_started_review_cannot_be_declined(client, scene):
    call, reviewer, (cycling, _health, _shuttles) = scene
    started = Assignment(call_id=call.id, submission_id=cycling.id, reviewer_id=reviewer.id,
                         status=AssignmentStatus.COMMITTED, started_at=utcnow())
    db.session.add(started)
    db.session.commit()
    sign_in_as(client, reviewer)
    response = post_form(client, f"/reviewing/assignments/{started.id}/decline", {},
                         page=f"/reviewing/calls/{call.id}/assignments", follow_redirects=True)
    assert db.session.get(Assignment, started.id).status == AssignmentStatus.COMMITTED
    assert fr("You have started this review: it can no longer be declined. Write to the organisers if you "
              "cannot finish it.") in text(response)


def test_peer_applicants_review_from_their_home(client):
    call = factories.call()
    call.review_mode = ReviewMode.PEER
    applicant = factories.user(email="porteuse@ville-a.fr")
    mine = factories.submission(call=call, lead=applicant, status=SubmissionStatus.SUBMITTED, title="Notre projet")
    other = factories.submission(call=call, lead=factories.user(email="porteur@ville-b.fr"),
                                 status=SubmissionStatus.SUBMITTED, title="Leur projet")
    sign_in_as(client, applicant)

    assert call.title in text(client.get("/reviewing/"))
    declare(client, call, {})
    bids = text(client.get(f"/reviewing/calls/{call.id}/bids"))
    assert other.title in bids and mine.title not in bids


# --- the applicants' exclusions -------------------------------------------------------------------------

@pytest.fixture
def team():
    call = factories.call()
    lead = factories.user(email="porteuse@ville-a.fr")
    project = factories.submission(call=call, lead=lead, status=SubmissionStatus.SUBMITTED)
    return call, lead, project


def _answer(response, email: str) -> str:
    """The part of the page that answers an exclusion (the flash), with the address left out."""
    html = text(response).replace(email, "EMAIL")
    return html[html.index('class="flashes"'):html.index("</div>", html.index('class="flashes"'))]


def test_an_exclusion_of_an_address_with_an_account_reaches_the_conflict_matrix(client, team):
    call, lead, project = team
    known = factories.user(email="rival@ville-b.fr")
    factories.pool_member(call=call, user=known)
    sign_in_as(client, lead)

    response = post_form(client, f"/submissions/{project.id}/exclusions",
                         {"email": " Rival@Ville-B.fr ", "reason": "Concurrent direct"},
                         page=f"/submissions/{project.id}", follow_redirects=True)

    assert response.status_code == 200
    assert fr("%(email)s will not be asked to review this project.", email="rival@ville-b.fr") in text(response)
    declaration = db.session.scalar(db.select(ConflictDeclaration))
    assert (declaration.reviewer_id, declaration.source, declaration.reason) == \
        (known.id, ConflictSource.APPLICANT, "Concurrent direct")
    matrix = review_pool.conflict_matrix(call)
    assert [r.code for r in matrix.reasons_for(project.id, known.id)] == ["declared_by_applicant"]


def test_an_exclusion_answers_the_same_whether_or_not_the_address_has_an_account(client, team):
    _call, lead, project = team
    factories.user(email="connu@ville-b.fr")
    sign_in_as(client, lead)
    answers = []
    for email in ("connu@ville-b.fr", "inconnu@ville-b.fr"):
        response = post_form(client, f"/submissions/{project.id}/exclusions", {"email": email},
                             page=f"/submissions/{project.id}", follow_redirects=True)
        answers.append((response.status_code, _answer(response, email)))
    assert answers[0] == answers[1]
    page = text(client.get(f"/submissions/{project.id}"))
    section = page[page.index('id="exclusions"'):]
    assert section.index("connu@ville-b.fr") < section.index("inconnu@ville-b.fr")  # one list, by address
    assert section.count('name="email" value="') == 2


def test_an_exclusion_of_an_unknown_address_waits_then_applies_when_they_accept_to_review(client, team):
    call, lead, project = team
    sign_in_as(client, lead)
    post_form(client, f"/submissions/{project.id}/exclusions", {"email": "future@ville-b.fr", "reason": "Ex-associé"},
              page=f"/submissions/{project.id}")
    pending = db.session.scalar(db.select(PendingExclusion))
    assert (pending.email, pending.reason, pending.submission_id) == ("future@ville-b.fr", "Ex-associé", project.id)

    newcomer = factories.user(email="future@ville-b.fr")  # created directly: no confirmation step
    _row, path = _invitation(call, email="future@ville-b.fr")
    sign_in_as(client, newcomer)
    post_form(client, path, {"answer": "accept"})

    assert db.session.scalar(db.select(PendingExclusion)) is None
    declaration = db.session.scalar(db.select(ConflictDeclaration))
    assert (declaration.reviewer_id, declaration.source, declaration.reason, declaration.declared_by_id) == \
        (newcomer.id, ConflictSource.APPLICANT, "Ex-associé", lead.id)
    # Not offered, and not listed either: that the applicants named them is never told to the reviewer.
    page = text(client.get(f"/reviewing/calls/{call.id}/conflicts"))
    assert project.title not in page and f'name="conflict-{project.id}"' not in page


def test_an_exclusion_is_withdrawn_by_the_team(client, team):
    _call, lead, project = team
    factories.user(email="connu@ville-b.fr")
    sign_in_as(client, lead)
    for email in ("connu@ville-b.fr", "inconnu@ville-b.fr"):
        post_form(client, f"/submissions/{project.id}/exclusions", {"email": email}, page=f"/submissions/{project.id}")

    for email in ("connu@ville-b.fr", "inconnu@ville-b.fr"):
        response = post_form(client, f"/submissions/{project.id}/exclusions/remove", {"email": email},
                             page=f"/submissions/{project.id}")
        assert response.status_code == 302

    assert db.session.scalar(db.select(ConflictDeclaration)) is None
    assert db.session.scalar(db.select(PendingExclusion)) is None


def test_an_exclusion_with_a_wrong_address_keeps_the_input(client, team):
    _call, lead, project = team
    sign_in_as(client, lead)
    response = post_form(client, f"/submissions/{project.id}/exclusions", {"email": "pas-une-adresse",
                                                                           "reason": "Raison gardée"},
                         page=f"/submissions/{project.id}")
    assert response.status_code == 400
    assert 'value="pas-une-adresse"' in text(response) and 'value="Raison gardée"' in text(response)


def test_only_the_team_excludes(client, team):
    _call, _lead, project = team
    outsider = factories.user(email="dehors@ville-c.fr")
    sign_in_as(client, outsider)
    response = post_form(client, f"/submissions/{project.id}/exclusions", {"email": "x@ville-b.fr"}, page="/")
    assert response.status_code == 403
    assert db.session.scalar(db.select(PendingExclusion)) is None
    assert db.session.get(Submission, project.id) is not None
