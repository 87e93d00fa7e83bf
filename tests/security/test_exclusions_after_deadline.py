"""The applicants' exclusions of people who must not review their project, once the submission deadline has
passed: a request an organiser decides, never a way for a team to set aside the reviewers or jury members it
dislikes; and a reviewer never learns that a team named them."""
from __future__ import annotations

from datetime import timedelta

import pytest

from prizeapp.enums import AssignmentStatus, CallPhase, CallRoleKind, ConflictSource, SubmissionStatus
from prizeapp.extensions import db
from prizeapp.models import Assignment, ConflictDeclaration, PendingExclusion, User
from prizeapp.models.review_pool import ExclusionRequest, ExclusionRequestStatus
from prizeapp.models.types import utcnow
from prizeapp.permissions import can_view_submission_as_reviewer
from prizeapp.services import deliberation, review_pool

from .. import factories
from ..conftest import fr, post_form, sign_in_as, text

TITLE = "Guichet numérique des aidants familiaux"


def person(name: str) -> User:
    """Someone with an address of their own domain, so that no email-domain conflict appears by chance."""
    return factories.user(email=f"{name}@{name}.example.org")


class Scene:
    """A call with a submitted project, an assigned reviewer, a jury member and an organiser."""

    def __init__(self, *, phase: CallPhase) -> None:
        self.call = factories.call(title="Prix des services publics")
        if phase != CallPhase.OPEN:
            now = utcnow()
            self.call.opens_at, self.call.submission_deadline = now - timedelta(days=20), now - timedelta(days=1)
            self.call.review_deadline = now + timedelta(days=20)
            self.call.phase = phase
        self.lead = person("porteuse")
        self.project = factories.submission(call=self.call, lead=self.lead, status=SubmissionStatus.SUBMITTED,
                                            title=TITLE)
        self.reviewer, self.jury, self.organiser = person("relecteur"), person("jure"), person("organisatrice")
        factories.pool_member(call=self.call, user=self.reviewer)
        factories.grant(self.jury, self.call, CallRoleKind.JURY)
        factories.grant(self.organiser, self.call, CallRoleKind.ORGANISER)
        self.assignment = Assignment(call_id=self.call.id, submission_id=self.project.id,
                                     reviewer_id=self.reviewer.id, status=AssignmentStatus.COMMITTED)
        db.session.add(self.assignment)
        db.session.commit()

    def exclude(self, who: User, reason: str = "Concurrent direct"):
        return review_pool.exclude_reviewer(submission=self.project, email=who.email, actor=self.lead, reason=reason)

    def reviewer_conflicts(self) -> list[str]:
        return [r.code for r in review_pool.conflict_reasons(self.project, self.reviewer)]

    def jury_recusals(self) -> dict:
        return deliberation.automatic_recusals(self.call, self.jury)


@pytest.fixture
def in_review():
    return Scene(phase=CallPhase.REVIEW)


def decide(client, scene: Scene, request_id: int, decision: str, reason: str):
    sign_in_as(client, scene.organiser)
    return post_form(client, f"/manage/calls/{scene.call.id}/conflicts/requests/{request_id}/decide",
                     {"decision": decision, "reason": reason}, page=f"/manage/calls/{scene.call.id}/conflicts")


# --- after the deadline: a request, nothing else --------------------------------------------------------

def test_an_exclusion_after_the_deadline_changes_no_conflict_assignment_or_recusal(in_review):
    scene = in_review

    requests = [scene.exclude(scene.reviewer), scene.exclude(scene.jury)]

    assert [r.status for r in requests] == [ExclusionRequestStatus.PENDING] * 2
    assert scene.reviewer_conflicts() == []
    assert scene.jury_recusals() == {}
    assert can_view_submission_as_reviewer(scene.reviewer, scene.project)
    assert db.session.get(Assignment, scene.assignment.id).status == AssignmentStatus.COMMITTED
    assert db.session.scalar(db.select(ConflictDeclaration)) is None
    assert db.session.scalar(db.select(PendingExclusion)) is None
    assert [e.details["email"] for e in factories.audit_events("conflict.exclusion_requested")] == \
        [scene.reviewer.email, scene.jury.email]


def test_an_exclusion_posted_after_the_deadline_is_shown_to_the_team_as_a_pending_request(client, in_review):
    scene = in_review
    sign_in_as(client, scene.lead)

    response = post_form(client, f"/submissions/{scene.project.id}/exclusions",
                         {"email": scene.reviewer.email, "reason": "Concurrent direct"},
                         page=f"/submissions/{scene.project.id}", follow_redirects=True)

    assert response.status_code == 200
    page = text(response)
    assert fr("Your request that %(email)s not review this project is sent to the organisers: it applies once "
              "they accept it.", email=scene.reviewer.email) in page
    assert fr("Request pending") in page[page.index('id="exclusions"'):]
    assert scene.reviewer_conflicts() == []


def test_the_organisers_see_a_pending_request_with_buttons_to_accept_or_decline(client, in_review):
    scene = in_review
    request = scene.exclude(scene.jury)
    db.session.commit()
    sign_in_as(client, scene.organiser)

    page = text(client.get(f"/manage/calls/{scene.call.id}/conflicts"))

    section = page[page.index('id="requests-title"'):page.index('id="declare-title"')]
    assert scene.jury.email in section and scene.project.reference in section
    assert fr("jury member of this call") in section
    assert f'/conflicts/requests/{request.id}/decide' in section
    assert 'value="accept"' in section and 'value="decline"' in section and 'name="csrf_token"' in section


def test_a_direct_applicant_declaration_after_the_deadline_is_refused():
    scene = Scene(phase=CallPhase.REVIEW)
    with pytest.raises(review_pool.PoolError) as refused:
        review_pool.declare_conflict(submission=scene.project, reviewer=scene.reviewer,
                                     source=ConflictSource.APPLICANT, actor=scene.lead)
    assert refused.value.codes == ["exclusion_needs_an_organiser"]
    assert scene.reviewer_conflicts() == []


# --- the organiser's decision ---------------------------------------------------------------------------

def test_an_accepted_request_excludes_the_reviewer_and_recuses_the_jury_member_and_is_audited(client, in_review):
    scene = in_review
    of_reviewer, of_jury = scene.exclude(scene.reviewer), scene.exclude(scene.jury)
    db.session.commit()

    for request in (of_reviewer, of_jury):
        response = decide(client, scene, request.id, "accept", "Lien hiérarchique vérifié")
        assert response.status_code == 302

    db.session.expire_all()
    assert scene.reviewer_conflicts() == ["declared_by_applicant"]
    assert not can_view_submission_as_reviewer(scene.reviewer, scene.project)
    assert [r.code for r in scene.jury_recusals()[scene.project.id]] == ["declared_by_applicant"]
    row = db.session.get(ExclusionRequest, of_reviewer.id)
    assert (row.status, row.decided_by_id, row.decision_reason) == \
        (ExclusionRequestStatus.ACCEPTED, scene.organiser.id, "Lien hiérarchique vérifié")
    assert row.decided_at is not None
    accepted = factories.audit_events("conflict.exclusion_accepted")
    assert [(e.actor_id, e.details["email"], e.details["reason"]) for e in accepted] == [
        (scene.organiser.id, scene.reviewer.email, "Lien hiérarchique vérifié"),
        (scene.organiser.id, scene.jury.email, "Lien hiérarchique vérifié")]


def test_a_declined_request_never_applies_and_is_audited(client, in_review):
    scene = in_review
    request = scene.exclude(scene.reviewer)
    db.session.commit()

    response = decide(client, scene, request.id, "decline", "Aucun lien établi")
    assert response.status_code == 302
    again = scene.exclude(scene.reviewer, reason="Je redemande")  # asking again changes nothing

    db.session.expire_all()
    assert again.id == request.id and again.status == ExclusionRequestStatus.DECLINED
    assert scene.reviewer_conflicts() == []
    assert can_view_submission_as_reviewer(scene.reviewer, scene.project)
    assert [(e.actor_id, e.details["reason"]) for e in factories.audit_events("conflict.exclusion_declined")] == \
        [(scene.organiser.id, "Aucun lien établi")]
    with pytest.raises(review_pool.PoolError):
        review_pool.decide_exclusion_request(request=again, actor=scene.organiser, accept=True, reason="Finalement")


def test_a_decision_needs_a_reason(client, in_review):
    scene = in_review
    request = scene.exclude(scene.reviewer)
    db.session.commit()

    response = decide(client, scene, request.id, "accept", "")

    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(ExclusionRequest, request.id).status == ExclusionRequestStatus.PENDING
    assert scene.reviewer_conflicts() == []


def test_the_team_cannot_decide_its_own_request(client, in_review):
    scene = in_review
    request = scene.exclude(scene.reviewer)
    db.session.commit()
    sign_in_as(client, scene.lead)

    response = post_form(client, f"/manage/calls/{scene.call.id}/conflicts/requests/{request.id}/decide",
                         {"decision": "accept", "reason": "Moi-même"}, page="/")

    assert response.status_code == 403
    assert scene.reviewer_conflicts() == []


# --- after publication: refused -------------------------------------------------------------------------

def test_after_publication_an_exclusion_is_refused_with_a_clear_message(client):
    scene = Scene(phase=CallPhase.PUBLISHED)
    scene.call.results_published_at = utcnow()
    db.session.commit()
    sign_in_as(client, scene.lead)

    response = post_form(client, f"/submissions/{scene.project.id}/exclusions", {"email": scene.jury.email},
                         page=f"/submissions/{scene.project.id}")

    assert response.status_code == 409
    assert fr("The results are published: the people who review this project can no longer be changed. "
              "Nothing was changed.") in text(response)
    assert db.session.scalar(db.select(ExclusionRequest)) is None
    assert scene.jury_recusals() == {}


def test_after_publication_an_exclusion_in_force_is_not_withdrawn_either():
    scene = Scene(phase=CallPhase.OPEN)
    scene.exclude(scene.jury)
    scene.call.phase, scene.call.results_published_at = CallPhase.PUBLISHED, utcnow()
    db.session.commit()

    with pytest.raises(review_pool.PoolError) as refused:
        review_pool.remove_exclusion(submission=scene.project, email=scene.jury.email, actor=scene.lead)

    assert refused.value.codes == ["results_published"]
    assert [r.code for r in scene.jury_recusals()[scene.project.id]] == ["declared_by_applicant"]


def test_a_request_still_pending_at_publication_can_no_longer_be_accepted(in_review):
    scene = in_review
    request = scene.exclude(scene.jury)
    scene.call.phase, scene.call.results_published_at = CallPhase.PUBLISHED, utcnow()
    db.session.commit()

    with pytest.raises(review_pool.PoolError) as refused:
        review_pool.decide_exclusion_request(request=request, actor=scene.organiser, accept=True, reason="Tard")

    assert refused.value.codes == ["results_published"]
    assert scene.jury_recusals() == {}


# --- before the deadline: unchanged ---------------------------------------------------------------------

def test_before_the_deadline_an_exclusion_applies_at_once():
    scene = Scene(phase=CallPhase.OPEN)

    assert scene.exclude(scene.reviewer) is None
    scene.exclude(scene.jury)

    assert scene.reviewer_conflicts() == ["declared_by_applicant"]
    assert [r.code for r in scene.jury_recusals()[scene.project.id]] == ["declared_by_applicant"]
    assert db.session.scalar(db.select(ExclusionRequest)) is None
    assert [e.details["source"] for e in factories.audit_events("conflict.declared")] == ["applicant", "applicant"]


# --- what the reviewer sees -----------------------------------------------------------------------------

@pytest.mark.parametrize("how", ["before_the_deadline", "accepted_after_the_deadline"])
def test_the_reviewer_pages_never_show_a_project_whose_applicants_excluded_them(client, how):
    scene = Scene(phase=CallPhase.OPEN if how == "before_the_deadline" else CallPhase.REVIEW)
    other = factories.submission(call=scene.call, lead=person("autre"), status=SubmissionStatus.SUBMITTED,
                                 title="Covoiturage des agents")
    request = scene.exclude(scene.reviewer)
    if request is not None:
        review_pool.decide_exclusion_request(request=request, actor=scene.organiser, accept=True, reason="Vérifié")
    db.session.commit()
    sign_in_as(client, scene.reviewer)
    declarations = text(client.get(f"/reviewing/calls/{scene.call.id}/conflicts"))
    assert other.title in declarations  # the page lists the titles…
    post_form(client, f"/reviewing/calls/{scene.call.id}/conflicts", {})

    pages = [declarations] + [text(client.get(path)) for path in (
        f"/reviewing/calls/{scene.call.id}/conflicts", f"/reviewing/calls/{scene.call.id}/bids",
        f"/reviewing/calls/{scene.call.id}/assignments", "/reviewing/")]

    assert all(page.count(TITLE) == 0 for page in pages)  # …but never this one's, in any list
    assert fr("Already excluded for you") not in pages[0]


@pytest.mark.parametrize("phase", [CallPhase.OPEN, CallPhase.REVIEW])
def test_the_team_cannot_name_one_of_its_own_members(phase):
    scene = Scene(phase=phase)

    with pytest.raises(review_pool.PoolError, match="team_member"):
        scene.exclude(scene.lead)

    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(ExclusionRequest.id))) == 0
    assert db.session.scalar(db.select(db.func.count(ConflictDeclaration.id))) == 0


def test_naming_oneself_on_the_project_page_is_a_field_error(client, in_review):
    scene = in_review
    sign_in_as(client, scene.lead)
    page = f"/submissions/{scene.project.id}"

    response = post_form(client, f"{page}/exclusions", {"email": scene.lead.email.upper()}, page=page)

    assert response.status_code == 400
    assert fr("This person is in the project's team: a team never reviews its own project, there is "
              "nothing to ask.") in text(response)


@pytest.mark.parametrize("decision, words", [("accept", "ont accepté votre demande"),
                                             ("decline", "ont refusé votre demande")])
def test_the_applicant_who_asked_is_told_the_decision_and_its_reason_by_email(client, in_review, mailbox, decision,
                                                                             words):
    from prizeapp.services.outbox import deliver_pending

    scene = in_review
    request = scene.exclude(scene.reviewer)
    db.session.commit()

    decide(client, scene, request.id, decision, "Lien hiérarchique examiné")
    deliver_pending()

    [message] = mailbox.to(scene.lead.email)
    body = mailbox.text(message)
    assert words in body and "Lien hiérarchique examiné" in body and TITLE in message["Subject"]
    assert f"/submissions/{scene.project.id}#exclusions" in body
    assert mailbox.to(scene.reviewer.email) == []  # the reviewer is told nothing
