"""The reviewer pool and the conflict and affinity matrices built from the database."""
from datetime import timedelta

import pytest

from prizeapp.enums import (
    BidLevel,
    CallPhase,
    ConflictSource,
    Locale,
    PoolStatus,
    ReviewMode,
    SubmissionStatus,
)
from prizeapp.extensions import db
from prizeapp.models import (
    AuditEvent,
    ConflictDeclaration,
    OutboxEmail,
    PoolMember,
    ReviewerInvitation,
)
from prizeapp.services import review_pool

from .. import factories


def codes(matrix, submission, reviewer):
    return [reason.code for reason in matrix.reasons_for(submission.id, reviewer.id)]


def submitted(call, lead, **kwargs):
    return factories.submission(call=call, lead=lead, status=SubmissionStatus.SUBMITTED, **kwargs)


def test_conflict_matrix_has_the_reasons_of_the_org_chart():
    units = factories.chart()
    call = factories.call()
    call.conflict_same_direction = True
    lead = factories.user(email="lead@culture.fr", unit=units["s1"])
    same_service = factories.user(email="a@interieur.fr", unit=units["s1"])
    same_direction = factories.user(email="b@justice.fr", unit=units["s2"])
    elsewhere = factories.user(email="c@ville.fr", unit=units["d2"])
    for person in (same_service, same_direction, elsewhere):
        factories.pool_member(call=call, user=person)
    project = submitted(call, lead)

    matrix = review_pool.conflict_matrix(call)

    assert matrix.submission_ids == (project.id,)
    assert codes(matrix, project, same_service) == ["same_service", "same_direction"]
    assert codes(matrix, project, same_direction) == ["same_direction"]
    assert codes(matrix, project, elsewhere) == []
    assert matrix.mask.tolist() == [[True, True, False]]


def test_same_direction_is_no_conflict_unless_the_call_says_so():
    units = factories.chart()
    call = factories.call()
    lead = factories.user(email="lead@culture.fr", unit=units["s1"])
    neighbour = factories.user(email="b@justice.fr", unit=units["s2"])
    factories.pool_member(call=call, user=neighbour)
    project = submitted(call, lead)

    assert codes(review_pool.conflict_matrix(call), project, neighbour) == []


def test_a_waiver_lifts_its_reason_and_is_in_the_audit_log():
    units = factories.chart()
    call = factories.call()
    organiser = factories.user(email="orga@ville.fr")
    lead = factories.user(email="lead@culture.fr", unit=units["s1"])
    colleague = factories.user(email="a@interieur.fr", unit=units["s1"])
    factories.pool_member(call=call, user=colleague)
    project = submitted(call, lead)

    review_pool.waive_conflict(submission=project, reviewer=colleague, code="same_service",
                               reason="Arrivée dans le service après le dépôt du projet", actor=organiser)

    matrix = review_pool.conflict_matrix(call)
    assert codes(matrix, project, colleague) == []
    assert [w.waiver.reason for w in matrix.waived(0, 0)] == ["Arrivée dans le service après le dépôt du projet"]
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "conflict.waived"))
    assert event.actor_id == organiser.id
    assert event.details == {"submission_id": project.id, "reviewer_id": colleague.id, "code": "same_service",
                             "reason": "Arrivée dans le service après le dépôt du projet"}


def test_authorship_cannot_be_waived():
    call = factories.call()
    call.review_mode = ReviewMode.PEER
    lead = factories.user()
    project = submitted(call, lead)

    with pytest.raises(ValueError, match="cannot be waived"):
        review_pool.waive_conflict(submission=project, reviewer=lead, code="author", reason="Non",
                                   actor=factories.user())


def test_declarations_of_reviewers_applicants_and_organisers_reach_the_matrix():
    call = factories.call()
    lead = factories.user(email="lead@culture.fr")
    organiser = factories.user(email="orga@ville.fr")
    shy, excluded, set_aside = (factories.user(email=f"r{i}@domaine{i}.fr") for i in range(3))
    for person in (shy, excluded, set_aside):
        factories.pool_member(call=call, user=person)
    project = submitted(call, lead)

    review_pool.declare_conflict(submission=project, reviewer=shy, source=ConflictSource.REVIEWER, actor=shy)
    review_pool.declare_conflict(submission=project, reviewer=excluded, source=ConflictSource.APPLICANT,
                                 actor=lead, reason="Concurrent direct")
    review_pool.declare_conflict(submission=project, reviewer=set_aside, source=ConflictSource.ORGANISER,
                                 actor=organiser, reason="Financeur du projet")

    matrix = review_pool.conflict_matrix(call)
    assert codes(matrix, project, shy) == ["declared_by_reviewer"]
    assert codes(matrix, project, excluded) == ["declared_by_applicant"]
    assert matrix.reasons_for(project.id, set_aside.id)[0].params == {"reason": "Financeur du projet"}
    actions = db.session.scalars(db.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions.count("conflict.declared") == 3


def test_an_organiser_conflict_needs_a_reason():
    call = factories.call()
    project = submitted(call, factories.user())
    with pytest.raises(review_pool.PoolError, match="reason_required"):
        review_pool.declare_conflict(submission=project, reviewer=factories.user(), source=ConflictSource.ORGANISER,
                                     actor=factories.user(), reason=" ")


def test_reviewers_are_the_confirmed_people_who_accepted():
    call = factories.call()
    accepted = factories.pool_member(call=call).user
    factories.pool_member(call=call, status=PoolStatus.INVITED)
    factories.pool_member(call=call, status=PoolStatus.DECLINED)
    factories.pool_member(call=call, user=factories.user(confirmed=False))
    factories.pool_member(call=factories.call())

    assert review_pool.reviewers(call) == [accepted]


def test_in_a_peer_prize_the_applicants_of_submitted_projects_are_the_reviewers():
    call = factories.call()
    call.review_mode = ReviewMode.PEER
    a, b, teammate, drafter = (factories.user() for _ in range(4))
    submitted(call, a, members=(teammate,))
    submitted(call, b)
    factories.submission(call=call, lead=drafter)

    assert review_pool.reviewers(call) == [a, b, teammate]


def test_invitation_accepted_puts_the_person_in_the_pool():
    call = factories.call()
    organiser = factories.user()
    invited = factories.user(email="expert@labo.fr")
    invitation = review_pool.invite_reviewer(call=call, actor=organiser, email="Expert@Labo.fr")
    token = review_pool.invitation_token(invitation)

    found = review_pool.invitation_from_token(token, max_age=3600)
    member = review_pool.respond_to_invitation(invitation=found, user=invited, accept=True)

    assert (member.status, member.user_id) == (PoolStatus.ACCEPTED, invited.id)
    assert review_pool.reviewers(call) == [invited]


def test_affinity_follows_profiles_and_bids():
    call = factories.call()
    lead = factories.user()
    water = submitted(call, lead, title="Eau potable", summary="Réseau d'eau potable et fuites")
    factories.pool_member(call=call, keywords=("eau potable", "réseau"))  # the expert, first column
    novice = factories.pool_member(call=call, keywords=("bibliothèque",)).user
    keen = factories.pool_member(call=call, keywords=("bibliothèque",)).user
    review_pool.place_bid(submission=water, reviewer=keen, level=BidLevel.EAGER)
    review_pool.place_bid(submission=water, reviewer=novice, level=BidLevel.NOT_INTERESTED)

    scores = review_pool.affinity_matrix(call).scores[0]

    assert scores[0] > scores[2] > scores[1]


# --- the reviewers' declarations and bids, the applicants' exclusions ------------------------------------

def test_saving_declarations_withdraws_the_unticked_ones_and_confirms():
    call = factories.call()
    reviewer = factories.user(email="expert@labo.fr")
    factories.pool_member(call=call, user=reviewer)
    first, second = submitted(call, factories.user()), submitted(call, factories.user())
    review_pool.save_declarations(call=call, reviewer=reviewer, declared={first.id: "Ancien employeur"})

    review_pool.save_declarations(call=call, reviewer=reviewer, declared={second.id: ""})

    assert set(review_pool.conflicts_of_reviewer(call, reviewer)) == {second.id}
    assert review_pool.member_for(call, reviewer).conflicts_declared_at is not None
    with pytest.raises(review_pool.PoolError):
        review_pool.save_declarations(call=call, reviewer=reviewer, declared={first.id + second.id + 99: ""})


def test_bids_on_a_conflicted_project_are_refused():
    call = factories.call()
    reviewer = factories.user(email="expert@labo.fr")
    factories.pool_member(call=call, user=reviewer)
    free, conflicted = submitted(call, factories.user()), submitted(call, factories.user())
    review_pool.save_declarations(call=call, reviewer=reviewer, declared={conflicted.id: ""})

    assert review_pool.place_bids(call=call, reviewer=reviewer, levels={free.id: BidLevel.EAGER}) == 1
    assert review_pool.place_bids(call=call, reviewer=reviewer, levels={free.id: BidLevel.EAGER}) == 0
    with pytest.raises(review_pool.PoolError):
        review_pool.place_bids(call=call, reviewer=reviewer, levels={conflicted.id: BidLevel.WILLING})
    assert review_pool.bids_of(call, reviewer) == {free.id: BidLevel.EAGER}


def test_an_exclusion_of_an_unknown_address_applies_when_its_account_is_confirmed():
    from prizeapp.models import PendingExclusion
    from prizeapp.services import accounts

    call = factories.call()
    lead = factories.user(email="porteuse@ville-a.fr")
    project = submitted(call, lead)
    review_pool.exclude_reviewer(submission=project, email=" Nouveau@Ville-B.fr", actor=lead, reason="Concurrent")
    review_pool.exclude_reviewer(submission=project, email="nouveau@ville-b.fr", actor=lead)  # twice: no change
    assert [e.email for e in review_pool.exclusions_of(project)] == ["nouveau@ville-b.fr"]
    newcomer = factories.user(email="nouveau@ville-b.fr", confirmed=False)
    token = accounts.make_token("confirm", {"uid": newcomer.id, "email": newcomer.email})

    accounts.confirm_email(token=token)

    assert db.session.scalar(db.select(PendingExclusion)) is None
    assert [r.code for r in review_pool.conflict_reasons(project, newcomer)] == ["declared_by_applicant"]
    assert [e.email for e in review_pool.exclusions_of(project)] == ["nouveau@ville-b.fr"]
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "conflict.exclusion_resolved"))
    review_pool.remove_exclusion(submission=project, email="nouveau@ville-b.fr", actor=lead)
    assert review_pool.conflict_reasons(project, newcomer) == []


def test_only_the_team_excludes():
    call = factories.call()
    project = submitted(call, factories.user())
    with pytest.raises(review_pool.PoolError):
        review_pool.exclude_reviewer(submission=project, email="x@ville-b.fr", actor=factories.user())


# --- the windows and the invitations, enforced by the services themselves ----------------------------------

def over(call):
    """The review of `call` is over: its results are published."""
    call.phase = CallPhase.PUBLISHED
    db.session.commit()


@pytest.fixture
def reviewing():
    """A call open for submissions, one reviewer in its pool and two submitted projects."""
    call = factories.call()
    reviewer = factories.user(email="expert@labo.fr")
    factories.pool_member(call=call, user=reviewer)
    projects = [submitted(call, factories.user(email=f"porteur{i}@ville{i}.fr")) for i in range(2)]
    return call, reviewer, projects


def test_declarations_are_refused_once_the_review_is_over(reviewing):
    call, reviewer, (project, _other) = reviewing
    over(call)

    with pytest.raises(review_pool.PoolError) as refused:
        review_pool.save_declarations(call=call, reviewer=reviewer, declared={project.id: ""})

    assert refused.value.codes == ["review_over"]
    assert db.session.scalar(db.select(ConflictDeclaration)) is None
    assert db.session.scalar(db.select(PoolMember.conflicts_declared_at)) is None


def test_bids_are_refused_once_the_review_is_over(reviewing):
    call, reviewer, (project, _other) = reviewing
    review_pool.save_declarations(call=call, reviewer=reviewer, declared={})
    over(call)

    with pytest.raises(review_pool.PoolError) as refused:
        review_pool.place_bids(call=call, reviewer=reviewer, levels={project.id: BidLevel.EAGER})

    assert refused.value.codes == ["review_over"]
    assert review_pool.bids_of(call, reviewer) == {}


def test_a_profile_is_refused_once_the_review_is_over(reviewing):
    call, reviewer, _projects = reviewing
    member = review_pool.member_for(call, reviewer)
    over(call)

    with pytest.raises(review_pool.PoolError) as refused:
        review_pool.update_profile(member=member, actor=reviewer, keywords=["eau"], themes=[], max_load=3)

    assert refused.value.codes == ["review_over"]
    assert (member.keywords, member.max_load) == ([], None)


def test_the_review_phase_still_takes_declarations_bids_and_profiles(reviewing):
    call, reviewer, (project, _other) = reviewing
    call.phase = CallPhase.REVIEW
    db.session.commit()

    review_pool.save_declarations(call=call, reviewer=reviewer, declared={})
    review_pool.update_profile(member=review_pool.member_for(call, reviewer), actor=reviewer, keywords=["eau"],
                               themes=[], max_load=2)

    assert review_pool.place_bids(call=call, reviewer=reviewer, levels={project.id: BidLevel.WILLING}) == 1


def test_bids_wait_for_the_declarations(reviewing):
    call, reviewer, (project, _other) = reviewing

    assert review_pool.biddable(call, reviewer) == review_pool.Biddable(projects=[], waiting=2)
    with pytest.raises(review_pool.PoolError) as refused:
        review_pool.place_bids(call=call, reviewer=reviewer, levels={project.id: BidLevel.EAGER})
    assert refused.value.codes == ["unknown_submission"]


def test_a_project_submitted_after_the_declarations_cannot_be_bid_on_yet(reviewing):
    call, reviewer, (project, other) = reviewing
    for early in (project, other):
        early.submitted_at -= timedelta(hours=2)
    review_pool.save_declarations(call=call, reviewer=reviewer, declared={})
    review_pool.member_for(call, reviewer).conflicts_declared_at -= timedelta(hours=1)
    late = submitted(call, factories.user(email="tardif@ville9.fr"))  # since the declarations

    offered = review_pool.biddable(call, reviewer)

    assert ([s.id for s in offered.projects], offered.waiting) == ([project.id, other.id], 1)
    with pytest.raises(review_pool.PoolError) as refused:
        review_pool.place_bids(call=call, reviewer=reviewer, levels={late.id: BidLevel.EAGER})
    assert refused.value.codes == ["unknown_submission"]
    review_pool.save_declarations(call=call, reviewer=reviewer, declared={})  # the title is seen now
    assert review_pool.place_bids(call=call, reviewer=reviewer, levels={late.id: BidLevel.EAGER}) == 1


def test_nobody_is_invited_to_a_peer_prize():
    call = factories.call()
    call.review_mode = ReviewMode.PEER
    organiser = factories.user(email="orga@ville.fr")

    with pytest.raises(review_pool.PoolError) as refused:
        review_pool.invite_reviewers(call=call, actor=organiser, emails=["expert@labo.fr"])

    assert refused.value.codes == ["peer_prize_invites_nobody"]
    assert db.session.scalar(db.select(ReviewerInvitation)) is None
    assert db.session.scalar(db.select(OutboxEmail)) is None


def test_an_address_already_invited_or_in_the_pool_is_not_invited_again(reviewing):
    call, _reviewer, _projects = reviewing  # expert@labo.fr is in the pool
    organiser = factories.user(email="orga@ville.fr")
    review_pool.invite_reviewer(call=call, actor=organiser, email="ancien@labo.fr")

    sent = review_pool.invite_reviewers(call=call, actor=organiser,
                                        emails=["Ancien@Labo.fr", "expert@labo.fr", "nouveau@labo.fr"])

    assert sent == review_pool.Invited(invited=["nouveau@labo.fr"], skipped=["ancien@labo.fr", "expert@labo.fr"])
    assert sorted(db.session.scalars(db.select(OutboxEmail.recipient))) == ["ancien@labo.fr", "nouveau@labo.fr"]
    with pytest.raises(review_pool.PoolError) as refused:
        review_pool.invite_reviewer(call=call, actor=organiser, email="nouveau@labo.fr")
    assert (refused.value.codes, refused.value.params) == (["already_invited"], {"email": "nouveau@labo.fr"})


def test_an_invitation_is_written_in_the_language_of_its_reader():
    call = factories.call()
    organiser = factories.user(email="orga@ville.fr", locale=Locale.EN)
    factories.user(email="expert@labo.fr", locale=Locale.FR)

    review_pool.invite_reviewers(call=call, actor=organiser, emails=["expert@labo.fr", "inconnu@labo.fr"])

    emails = db.session.scalars(db.select(OutboxEmail).order_by(OutboxEmail.recipient)).all()
    assert [(e.recipient, e.locale, e.sensitive) for e in emails] == [
        ("expert@labo.fr", "fr", True), ("inconnu@labo.fr", "en", True)]  # an account's own, else the inviter's
    invitation = db.session.scalar(db.select(ReviewerInvitation).where(ReviewerInvitation.email == "inconnu@labo.fr"))
    assert review_pool.invitation_link(invitation) in emails[1].body_text


def test_an_invitation_is_answered_only_until_the_results_are_published():
    call = factories.call()
    invited = factories.user(email="expert@labo.fr")
    invitation = review_pool.invite_reviewer(call=call, actor=factories.user(email="orga@ville.fr"),
                                             email=invited.email)
    over(call)

    with pytest.raises(review_pool.PoolError) as refused:
        review_pool.respond_to_invitation(invitation=invitation, user=invited, accept=True)

    assert refused.value.codes == ["review_over"]
    assert review_pool.reviewers(call) == []


# --- the organisers' overview of the conflicts -------------------------------------------------------------

def test_the_overview_counts_every_pair_and_describes_only_its_page():
    call = factories.call()
    organiser = factories.user(email="orga@ville.fr")
    reviewers = [factories.user(email=f"expert{i}@labo{i}.fr") for i in range(3)]
    for person in reviewers:
        factories.pool_member(call=call, user=person)
    projects = [submitted(call, factories.user(email=f"porteur{i}@ville{i}.fr")) for i in range(4)]
    for project in projects:
        for person in reviewers[:2]:
            review_pool.declare_conflict(submission=project, reviewer=person, source=ConflictSource.ORGANISER,
                                         actor=organiser, reason="Financeur")
    review_pool.declare_conflict(submission=projects[0], reviewer=reviewers[2], source=ConflictSource.REVIEWER,
                                 actor=reviewers[2])
    review_pool.waive_conflict(submission=projects[0], reviewer=reviewers[2], code="declared_by_reviewer",
                               reason="Ancien lien, terminé", actor=organiser)

    overview = review_pool.conflicts_overview(call, page=2, per_page=4)

    assert overview.total_pairs == 8
    assert (overview.counts["set_by_organiser"], overview.waived_counts["declared_by_reviewer"]) == (8, 1)
    assert (overview.page.total, overview.page.pages, len(overview.page.items)) == (9, 3, 4)
    first = overview.page.items[0]
    assert (first.submission, first.reviewer) == (projects[1], reviewers[1])
    assert [(line.code, line.waivable, line.declaration.reason) for line in first.reasons] == [
        ("set_by_organiser", True, "Financeur")]
    waived = review_pool.conflicts_overview(call, submission_id=projects[0].id, reviewer_id=reviewers[2].id)
    assert waived.filtered and [(p.reasons, [line.code for line in p.waived]) for p in waived.page.items] == [
        ([], ["declared_by_reviewer"])]
    assert waived.waiver_authors == {organiser.id: organiser}


def test_one_pair_of_a_peer_prize_gets_the_teammate_reason_of_the_whole_call():
    """Carol and Alice share project X; Alice leads Y. Carol may not review Y, asked for that pair alone as for
    the whole call."""
    from prizeapp.enums import ReviewMode

    call = factories.call()
    call.review_mode = ReviewMode.PEER
    carol = factories.user(email="carol@ville-a.fr")
    alice = factories.user(email="alice@ville-b.fr")
    factories.submission(call=call, lead=carol, members=(alice,), status=SubmissionStatus.SUBMITTED)
    y = factories.submission(call=call, lead=alice, status=SubmissionStatus.SUBMITTED)
    db.session.commit()

    whole = review_pool.conflict_matrix(call).reasons_for(y.id, carol.id)
    alone = review_pool.conflict_reasons(y, carol)

    assert "teammate" in {r.code for r in whole}
    assert [r.code for r in alone] == [r.code for r in whole]
