"""The organisers' pages of a call's reviewer pool, its conflicts of interest and the affinity of a pair,
through HTTP: invitations delivered on a real SMTP server, removals, loads, conflicts set, waived and revoked,
filters and pages, and the figures of an affinity next to the core's."""
from __future__ import annotations

import re

import pytest
from babel.numbers import format_decimal
from flask_babel import force_locale, ngettext

from prizeapp.enums import (
    AssignmentStatus,
    BidLevel,
    CallRoleKind,
    ConflictSource,
    PoolStatus,
    ReviewMode,
    SubmissionStatus,
)
from prizeapp.extensions import db
from prizeapp.models import (
    Assignment,
    AuditEvent,
    ConflictDeclaration,
    ConflictWaiver,
    OutboxEmail,
    PoolMember,
    ReviewerInvitation,
)
from prizeapp.services import review_pool
from prizeapp.services.outbox import deliver_pending
from prizeapp.services.tokens import TokenError

from .. import factories
from ..conftest import fr, post_form, sign_in_as, text


def fr_n(singular: str, plural: str, num: int, **variables) -> str:
    with force_locale("fr"):
        return ngettext(singular, plural, num, **variables)


def person(name: str, **kwargs):
    """Someone with an address of their own domain, so that no email-domain conflict appears by chance."""
    return factories.user(email=f"{name}@{name}.example.org", last_name=name.capitalize(), **kwargs)


def submitted(call, lead, **kwargs):
    return factories.submission(call=call, lead=lead, status=SubmissionStatus.SUBMITTED, **kwargs)


@pytest.fixture
def call():
    c = factories.call(title="Prix de l'innovation territoriale")
    c.categories = ["Santé", "Mobilités"]
    db.session.commit()
    return c


@pytest.fixture
def organiser(client, call):
    user = person("orga", first_name="Odile")
    factories.grant(user, call, CallRoleKind.ORGANISER)
    sign_in_as(client, user)
    return user


def audit_actions(call) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.call_id == call.id)
                                   .order_by(AuditEvent.id)))


# --- the pool ------------------------------------------------------------------------------------------

def test_the_pool_lists_each_person_with_status_unit_expertise_load_and_assignments(client, call, organiser):
    units = factories.chart()
    alice = person("alice", unit=units["s1"])
    bruno = person("bruno")
    chloe = person("chloe")
    factories.pool_member(call=call, user=alice, keywords=("mobilité", "transport"), themes=("Mobilités",),
                          max_load=2)
    factories.pool_member(call=call, user=bruno)
    factories.pool_member(call=call, user=chloe, status=PoolStatus.DECLINED)
    db.session.add(ReviewerInvitation(call_id=call.id, email="pending@ailleurs.fr", invited_by_id=organiser.id))
    projects = [submitted(call, person(f"lead{i}")) for i in range(3)]
    db.session.add(Assignment(call_id=call.id, submission_id=projects[0].id, reviewer_id=alice.id,
                              status=AssignmentStatus.COMMITTED))
    db.session.add(Assignment(call_id=call.id, submission_id=projects[1].id, reviewer_id=alice.id))
    db.session.commit()

    response = client.get(f"/manage/calls/{call.id}/pool")

    assert response.status_code == 200
    html = text(response)
    row = html[html.index(f'id="person-{alice.id}"'):]
    row = row[:row.index("</tr>")]
    assert fr("Accepted") in row and "Ministère › Direction 1 › Service 1" in row
    assert "mobilité, transport" in row and "Mobilités" in row
    assert 'value="2"' in row and fr("Own maximum") in row
    assert fr("%(proposed)d proposed, %(committed)d committed", proposed=1, committed=1) in row
    assert fr("Holds committed assignments: cannot be removed.") in row
    # Bruno has no maximum of his own: the call's default, computed as the assignment does (3 × 3 / 2 + 1).
    bruno_row = html[html.index(f'id="person-{bruno.id}"'):]
    assert fr("Default: %(num)d", num=6) in bruno_row[:bruno_row.index("</tr>")]
    assert fr("Declined") in html and "pending@ailleurs.fr" in html
    # 2 available reviewers, 9 reviews needed, 2 + 6 possible: the warning says so.
    assert fr("%(needed)d reviews are needed and the reviewers can take %(capacity)d at most. Invite more "
              "reviewers or raise their maximum number of projects.", needed=9, capacity=8) in html


def test_a_pool_large_enough_shows_no_warning(client, call, organiser):
    for name in ("alice", "bruno"):
        factories.pool_member(call=call, user=person(name), max_load=5)
    submitted(call, person("lead"))

    html = text(client.get(f"/manage/calls/{call.id}/pool"))

    assert fr("The pool is too small:") not in html


def test_in_a_peer_prize_the_pool_lists_the_applicants(client, call, organiser):
    call.review_mode = ReviewMode.PEER
    db.session.commit()
    lead, partner = person("lead"), person("partner")
    submitted(call, lead, members=(partner,))
    factories.submission(call=call, lead=person("drafter"))  # a draft: not a reviewer

    html = text(client.get(f"/manage/calls/{call.id}/pool"))

    assert fr("In this call the applicants review each other's projects: every member of a submitted project "
              "is a reviewer. Nobody is invited; nobody reviews their own project or their team's, and "
              "reciprocal pairs are avoided.") in html
    assert lead.email in html and partner.email in html and "drafter@" not in html
    assert 'name="emails"' not in html


# --- invitations ---------------------------------------------------------------------------------------

def test_nobody_is_invited_to_a_peer_prize(client, call, organiser):
    call.review_mode = ReviewMode.PEER
    db.session.commit()
    page = f"/manage/calls/{call.id}/pool"

    response = post_form(client, f"{page}/invite", {"emails": "expert@labo.example.org"}, page=page,
                         follow_redirects=True)

    assert fr("In a peer prize the reviewers are the applicants: nobody is invited.") in text(response)
    assert db.session.scalar(db.select(ReviewerInvitation)) is None
    assert db.session.scalar(db.select(OutboxEmail)) is None


def test_invitations_are_delivered_with_a_working_link(app, client, call, organiser, mailbox):
    known = person("known")
    response = post_form(client, f"/manage/calls/{call.id}/pool/invite",
                         {"emails": "Marie.Curie@Labo.example.fr; known@known.example.org\n"},
                         page=f"/manage/calls/{call.id}/pool")

    assert response.status_code == 302
    assert fr_n("%(num)d invitation sent: %(addresses)s.", "%(num)d invitations sent: %(addresses)s.", 2,
                addresses="marie.curie@labo.example.fr, known@known.example.org") in text(client.get(
                    response.headers["Location"]))
    deliver_pending()
    [message] = mailbox.to("marie.curie@labo.example.fr")
    subject = fr("Invitation to review projects for the call “%(call)s”", call=call.title)
    queued = db.session.scalar(db.select(OutboxEmail).where(OutboxEmail.recipient == "marie.curie@labo.example.fr"))
    assert queued.subject == subject and queued.call_id == call.id
    assert message["Subject"] == subject
    body = mailbox.text(message)
    assert call.title in body and "Odile Orga" in body
    link = mailbox.link(message, "/reviewing/invitations/")
    token = link.rsplit("/", 1)[1]
    invitation = review_pool.invitation_from_token(token, max_age=3600)
    assert (invitation.call_id, invitation.email) == (call.id, "marie.curie@labo.example.fr")
    assert len(mailbox.to(known.email)) == 1
    if "reviewer.invitation" in app.view_functions:  # the reviewers' page answers the link
        other = app.test_client()
        sign_in_as(other, known)
        known_link = mailbox.link(mailbox.to(known.email)[0], "/reviewing/invitations/")
        assert other.get(known_link).status_code == 200
    assert audit_actions(call).count("pool.reviewer_invited") == 2


def test_bad_addresses_keep_the_textarea_and_name_each_wrong_one(client, call, organiser, mailbox):
    typed = "marie.curie@labo.example.fr\npas-une-adresse, paul@\njean@example.org"

    response = post_form(client, f"/manage/calls/{call.id}/pool/invite", {"emails": typed},
                         page=f"/manage/calls/{call.id}/pool")

    assert response.status_code == 400
    html = text(response)
    assert typed in html  # nothing lost
    assert fr("These are not email addresses: %(addresses)s. Correct them; addresses look like "
              "prenom.nom@example.gouv.fr.", addresses="pas-une-adresse, paul@") in html
    assert db.session.scalars(db.select(ReviewerInvitation)).all() == []


def test_already_invited_and_repeated_addresses_are_reported_not_invited_again(client, call, organiser):
    member = person("member")
    factories.pool_member(call=call, user=member)
    db.session.add(ReviewerInvitation(call_id=call.id, email="old@ailleurs.fr", invited_by_id=organiser.id))
    db.session.commit()

    response = post_form(client, f"/manage/calls/{call.id}/pool/invite",
                         {"emails": "old@ailleurs.fr, new@ailleurs.fr; NEW@ailleurs.fr\nmember@member.example.org"},
                         page=f"/manage/calls/{call.id}/pool")

    html = text(client.get(response.headers["Location"]))
    assert fr("Already invited, not invited again: %(addresses)s. To remind them, send their invitation again "
              "from the list.", addresses="old@ailleurs.fr, member@member.example.org") in html
    assert fr("Written more than once, invited once: %(addresses)s.", addresses="new@ailleurs.fr") in html
    emails = db.session.scalars(db.select(ReviewerInvitation.email).order_by(ReviewerInvitation.id)).all()
    assert emails == ["old@ailleurs.fr", "new@ailleurs.fr"]


def test_an_unanswered_invitation_is_sent_again_or_cancelled(client, call, organiser, mailbox):
    post_form(client, f"/manage/calls/{call.id}/pool/invite", {"emails": "late@ailleurs.fr"},
              page=f"/manage/calls/{call.id}/pool")
    invitation = db.session.scalar(db.select(ReviewerInvitation))

    response = post_form(client, f"/manage/calls/{call.id}/pool/invitations/{invitation.id}/resend", {},
                         page=f"/manage/calls/{call.id}/pool")
    assert response.status_code == 302
    deliver_pending()
    assert len(mailbox.to("late@ailleurs.fr")) == 2

    response = post_form(client, f"/manage/calls/{call.id}/pool/invitations/{invitation.id}/cancel", {},
                         page=f"/manage/calls/{call.id}/pool")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalars(db.select(ReviewerInvitation)).all() == []
    assert audit_actions(call) == ["pool.reviewer_invited", "pool.invitation_resent", "pool.invitation_cancelled"]


def test_an_invitation_of_another_call_is_not_found(client, call, organiser):
    other = factories.call()
    invitation = ReviewerInvitation(call_id=other.id, email="x@ailleurs.fr")
    db.session.add(invitation)
    db.session.commit()

    response = post_form(client, f"/manage/calls/{call.id}/pool/invitations/{invitation.id}/resend", {},
                         page=f"/manage/calls/{call.id}/pool")

    assert response.status_code == 404


# --- removing, loads -----------------------------------------------------------------------------------

def test_removing_someone_with_a_committed_assignment_is_refused_with_the_reason(client, call, organiser):
    reviewer = person("rita")
    factories.pool_member(call=call, user=reviewer)
    project = submitted(call, person("lead"))
    db.session.add(Assignment(call_id=call.id, submission_id=project.id, reviewer_id=reviewer.id,
                              status=AssignmentStatus.COMMITTED))
    db.session.commit()

    response = post_form(client, f"/manage/calls/{call.id}/pool/members/{reviewer.id}/remove", {},
                         page=f"/manage/calls/{call.id}/pool")

    assert response.status_code == 302
    html = text(client.get(response.headers["Location"]))
    assert fr_n("This person holds %(num)d committed assignment: give it to another reviewer first "
                "(assignment page), then remove them.",
                "This person holds %(num)d committed assignments: give them to other reviewers first "
                "(assignment page), then remove them.", 1) in html
    assert db.session.scalar(db.select(PoolMember).where(PoolMember.user_id == reviewer.id)) is not None


def test_removing_someone_takes_their_row_invitations_and_proposed_assignments(app, client, call, organiser):
    reviewer = person("rita")
    invitation = review_pool.invite_reviewer(call=call, actor=organiser, email=reviewer.email)
    token = review_pool.invitation_token(invitation)
    review_pool.respond_to_invitation(invitation=invitation, user=reviewer, accept=True)
    project = submitted(call, person("lead"))
    db.session.add(Assignment(call_id=call.id, submission_id=project.id, reviewer_id=reviewer.id))
    db.session.commit()

    response = post_form(client, f"/manage/calls/{call.id}/pool/members/{reviewer.id}/remove", {},
                         page=f"/manage/calls/{call.id}/pool")

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalars(db.select(PoolMember)).all() == []
    assert db.session.scalars(db.select(Assignment)).all() == []
    with pytest.raises(TokenError):
        review_pool.invitation_from_token(token, max_age=3600)  # the link no longer works
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "pool.reviewer_removed"))
    assert event.details["proposed_assignments_removed"] == 1 and event.actor_id == organiser.id


def test_an_organiser_sets_and_clears_a_maximum_load(client, call, organiser):
    reviewer = person("rita")
    member = factories.pool_member(call=call, user=reviewer)
    path = f"/manage/calls/{call.id}/pool/members/{reviewer.id}/max-load"

    assert post_form(client, path, {"max_load": "4"}, page=f"/manage/calls/{call.id}/pool").status_code == 302
    db.session.expire_all()
    assert db.session.get(PoolMember, member.id).max_load == 4

    response = post_form(client, path, {"max_load": "-3"}, page=f"/manage/calls/{call.id}/pool")
    assert response.status_code == 400
    html = text(response)
    assert 'value="-3"' in html and fr("From 0 to 1000.") in html

    assert post_form(client, path, {"max_load": ""}, page=f"/manage/calls/{call.id}/pool").status_code == 302
    db.session.expire_all()
    assert db.session.get(PoolMember, member.id).max_load is None
    assert audit_actions(call) == ["pool.max_load_set", "pool.max_load_set"]


# --- conflicts -----------------------------------------------------------------------------------------

@pytest.fixture
def conflicted(call):
    """A project whose lead is also in the pool (author), and a reviewer in the lead's service."""
    units = factories.chart()
    lead = person("lead", unit=units["s1"])
    colleague = person("colleague", unit=units["s1"])
    outsider = person("outsider", unit=units["city"])
    for who in (lead, colleague, outsider):
        factories.pool_member(call=call, user=who)
    project = submitted(call, lead, title="Covoiturage des agents")
    return {"lead": lead, "colleague": colleague, "outsider": outsider, "project": project}


def test_the_conflicts_page_gives_every_reason_in_words_with_counts(client, call, organiser, conflicted):
    html = text(client.get(f"/manage/calls/{call.id}/conflicts"))

    assert fr("Author of the project") in html
    assert fr("%(label)s: %(unit)s (%(people)s)", label=fr("Same service as an applicant"), unit="Service 1",
              people=conflicted["lead"].full_name) in html
    assert fr_n("%(num)d conflicted pair (project, reviewer).", "%(num)d conflicted pairs (project, reviewer).",
                2) in html
    # The author's reason has no waiver button; the colleague's has one.
    author_row = html[html.index(f'id="pair-{conflicted["project"].id}-{conflicted["lead"].id}"'):]
    author_row = author_row[:author_row.index("</tr>")]
    assert fr("never waivable") in author_row and 'name="code"' not in author_row
    colleague_row = html[html.index(f'id="pair-{conflicted["project"].id}-{conflicted["colleague"].id}"'):]
    assert 'name="code" value="same_service"' in colleague_row[:colleague_row.index("</tr>")]


def test_the_server_refuses_to_waive_an_author(client, call, organiser, conflicted):
    project, lead = conflicted["project"], conflicted["lead"]

    response = post_form(client, f"/manage/calls/{call.id}/conflicts/waive",
                         {"submission": project.id, "reviewer": lead.id, "code": "author", "reason": "Pourquoi pas"},
                         page=f"/manage/calls/{call.id}/conflicts")

    assert response.status_code == 400
    assert fr("“%(reason)s” can never be waived: nobody reviews their own project or their team's.",
              reason=fr("Author of the project")) in text(response)
    assert db.session.scalars(db.select(ConflictWaiver)).all() == []


def test_a_waiver_needs_a_reason_is_shown_as_waived_and_can_be_revoked(client, call, organiser, conflicted):
    project, colleague = conflicted["project"], conflicted["colleague"]
    page = f"/manage/calls/{call.id}/conflicts"
    pair = {"submission": project.id, "reviewer": colleague.id, "code": "same_service"}

    response = post_form(client, f"{page}/waive", {**pair, "reason": "  "}, page=page)
    assert response.status_code == 400
    assert fr("Give the reason for the waiver: it is kept in the audit log.") in text(response)

    response = post_form(client, f"{page}/waive", {**pair, "reason": "Services séparés depuis mars"}, page=page)
    assert response.status_code == 302
    html = text(client.get(page))
    row = html[html.index(f'id="pair-{project.id}-{colleague.id}"'):]
    row = row[:row.index("</tr>")]
    assert fr("waived") in row and "Odile Orga" in row and "Services séparés depuis mars" in row
    waiver = db.session.scalar(db.select(ConflictWaiver))
    assert review_pool.conflict_reasons(project, colleague) == []

    response = post_form(client, f"{page}/waivers/{waiver.id}/revoke", {}, page=page)
    assert response.status_code == 302
    assert [r.code for r in review_pool.conflict_reasons(project, colleague)] == ["same_service"]
    assert audit_actions(call) == ["conflict.waived", "conflict.waiver_revoked"]


def test_an_organiser_conflict_needs_a_reason_then_can_be_withdrawn(client, call, organiser, conflicted):
    project, outsider = conflicted["project"], conflicted["outsider"]
    page = f"/manage/calls/{call.id}/conflicts"

    response = post_form(client, f"{page}/declare", {"submission": project.id, "reviewer": outsider.id,
                                                     "reason": ""}, page=page)
    assert response.status_code == 400
    html = text(response)
    assert fr("Give the reason for this conflict: it is kept in the audit log.") in html
    assert f'<option selected value="{outsider.id}">' in html  # the choice is kept

    response = post_form(client, f"{page}/declare", {"submission": project.id, "reviewer": outsider.id,
                                                     "reason": "Ancien associé du porteur"}, page=page)
    assert response.status_code == 302
    assert [r.code for r in review_pool.conflict_reasons(project, outsider)] == ["set_by_organiser"]
    html = text(client.get(page))
    assert fr("%(label)s: %(reason)s", label=fr("Set by an organiser"), reason="Ancien associé du porteur") in html

    declaration = db.session.scalar(db.select(ConflictDeclaration))
    response = post_form(client, f"{page}/declarations/{declaration.id}/withdraw", {}, page=page)
    assert response.status_code == 302
    assert review_pool.conflict_reasons(project, outsider) == []
    assert audit_actions(call) == ["conflict.declared", "conflict.withdrawn"]


def test_a_reviewer_declaration_is_waived_not_withdrawn_by_organisers(client, call, organiser, conflicted):
    project, outsider = conflicted["project"], conflicted["outsider"]
    declaration = review_pool.declare_conflict(submission=project, reviewer=outsider,
                                               source=ConflictSource.REVIEWER, actor=outsider)
    db.session.commit()
    page = f"/manage/calls/{call.id}/conflicts"

    response = post_form(client, f"{page}/declarations/{declaration.id}/withdraw", {}, page=page)

    assert response.status_code == 302
    assert db.session.get(ConflictDeclaration, declaration.id) is not None


def test_conflicted_pairs_are_filtered_and_paginated(client, call, organiser):
    reviewers = [person("rita"), person("remi")]
    for who in reviewers:
        factories.pool_member(call=call, user=who)
    projects = [submitted(call, person(f"lead{i}")) for i in range(30)]
    for project in projects:
        for who in reviewers:
            db.session.add(ConflictDeclaration(submission_id=project.id, reviewer_id=who.id,
                                               source=ConflictSource.ORGANISER, reason="Liste fournie"))
    db.session.commit()
    page = f"/manage/calls/{call.id}/conflicts"

    first, second = text(client.get(page)), text(client.get(f"{page}?page=2"))
    ids = re.compile(r'id="pair-(\d+)-(\d+)"')
    assert len(ids.findall(first)) == 50 and len(ids.findall(second)) == 10
    assert not set(ids.findall(first)) & set(ids.findall(second))
    assert fr("Page %(page)d of %(pages)d", page=2, pages=2) in second

    by_reviewer = ids.findall(text(client.get(f"{page}?reviewer={reviewers[1].id}")))
    assert len(by_reviewer) == 30 and {int(r) for _s, r in by_reviewer} == {reviewers[1].id}
    by_project = ids.findall(text(client.get(f"{page}?submission={projects[4].id}")))
    assert sorted(by_project) == sorted((str(projects[4].id), str(who.id)) for who in reviewers)
    both = ids.findall(text(client.get(f"{page}?submission={projects[4].id}&reviewer={reviewers[0].id}")))
    assert both == [(str(projects[4].id), str(reviewers[0].id))]


# --- affinity ------------------------------------------------------------------------------------------

def test_the_affinity_page_shows_the_figures_of_the_core(client, call, organiser):
    reviewer = person("rita")
    factories.pool_member(call=call, user=reviewer, keywords=("covoiturage", "mobilité durable"),
                          themes=("Mobilités",))
    factories.pool_member(call=call, user=person("remi"), keywords=("santé",))
    project = submitted(call, person("lead"), title="Covoiturage des agents", category="Mobilités",
                        summary="Mobilité durable entre sites.")
    submitted(call, person("other"), title="Télémédecine", category="Santé")
    review_pool.place_bid(submission=project, reviewer=reviewer, level=BidLevel.EAGER)
    db.session.commit()
    inputs = review_pool.call_inputs(call)
    matrix = review_pool.affinity_matrix(call, inputs=inputs)
    e = matrix.explain(inputs.submission_ids.index(project.id), inputs.reviewer_ids.index(reviewer.id), top=10)

    response = client.get(f"/manage/calls/{call.id}/affinity?submission={project.id}&reviewer={reviewer.id}")

    assert response.status_code == 200
    html = text(response)

    def number(value: float) -> str:
        return format_decimal(value, format="0.000", locale="fr")

    for value in (e.score, e.text_similarity, e.text_part, e.theme_part, e.bid_part, 0.5, 0.2, 0.3):
        assert number(value) in html
    assert e.theme_match and e.bid_part == pytest.approx(0.3)
    assert {"covoiturage", "mobilité"} <= {t.word for t in e.shared_terms}
    for term in e.shared_terms:
        assert f"<strong>{term.word}</strong> – {number(term.contribution)}" in html
    assert "<svg" in html and fr("Parts of the affinity") in html
    assert fr("Eager") in html and fr("No conflict of interest for this pair.") in html


def test_the_affinity_page_says_when_a_pair_is_conflicted(client, call, organiser, conflicted):
    project, colleague = conflicted["project"], conflicted["colleague"]

    html = text(client.get(f"/manage/calls/{call.id}/affinity?submission={project.id}&reviewer={colleague.id}"))

    assert fr("Conflicted: this reviewer will not be given this project.") in html
    assert fr("%(label)s: %(unit)s (%(people)s)", label=fr("Same service as an applicant"), unit="Service 1",
              people=conflicted["lead"].full_name) in html


def test_the_affinity_of_a_project_of_another_call_is_not_found(client, call, organiser):
    reviewer = person("rita")
    factories.pool_member(call=call, user=reviewer)
    elsewhere = submitted(factories.call(), person("lead"))

    response = client.get(f"/manage/calls/{call.id}/affinity?submission={elsewhere.id}&reviewer={reviewer.id}")

    assert response.status_code == 404


def test_the_dashboard_links_to_the_pool_and_conflicts(client, call, organiser):
    html = text(client.get(f"/manage/calls/{call.id}"))

    assert f'href="/manage/calls/{call.id}/pool"' in html
    assert f'href="/manage/calls/{call.id}/conflicts"' in html
