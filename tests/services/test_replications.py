"""Replications: who may ask to take an innovation up and how often, the territory's codes, the moves of the
status, the team's first answer, and the projects of calls for replication linked to their replication."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from prizeapp.enums import MemberRole, ReplicationStatus, SubmissionStatus, TerritoryKind, UnitKind
from prizeapp.extensions import db
from prizeapp.models import OutboxEmail, Replication, Submission, SubmissionMember
from prizeapp.services import submissions
from prizeapp.services.innovations import records, replications
from prizeapp.services.innovations.replications import ReplicationError, Territory

from .. import factories

INT, PREP, LAUNCH, OPER, ABAND = (ReplicationStatus.INTERESTED, ReplicationStatus.PREPARING,
                                  ReplicationStatus.LAUNCHED, ReplicationStatus.OPERATING, ReplicationStatus.ABANDONED)
VITRE = Territory(name="Vitré", departement_code="35", region_code="53", commune_code="35360",
                  kind=TerritoryKind.RURAL)


@pytest.fixture(autouse=True)
def _request(app):
    # The emails carry absolute links, built from the request.
    with app.test_request_context():
        yield


@pytest.fixture
def world():
    """A published innovation with a team of two and a parrain; an agent of another town."""
    co = factories.user(email="co.porteuse@exempleville.fr")
    lead = factories.user(email="porteur@exempleville.fr")
    innovation = factories.innovation(lead=lead)
    innovation.submission.members.append(SubmissionMember(user_id=co.id, role=MemberRole.CO_APPLICANT))
    db.session.commit()
    town = factories.unit(name="Commune de Vitré")
    agent = factories.user(email="agent@vitre.fr", unit=factories.unit(name="Service social", kind=UnitKind.SERVICE,
                                                                       parent=town))
    return {"innovation": innovation, "lead": lead, "co": co, "parrain": factories.parrain_of(innovation),
            "agent": agent}


def _ask(world, who=None, **changes):
    values = {"organisation": "Commune de Vitré", "territory": VITRE, "motivation": "Nos aidants s'épuisent."}
    values.update(changes)
    replication = replications.request(innovation=world["innovation"], requester=who or world["agent"], **values)
    db.session.commit()
    return replication


def _emails(kind: str) -> list[OutboxEmail]:
    return list(db.session.scalars(db.select(OutboxEmail).where(OutboxEmail.kind == kind).order_by(OutboxEmail.id)))


def _refusal(call) -> ReplicationError:
    with pytest.raises(ReplicationError) as caught:
        call()
    db.session.rollback()
    return caught.value


# --- asking ------------------------------------------------------------------------------------------------

def test_a_request_is_interested_with_its_first_line_and_tells_the_team_and_the_parrains(world):
    replication = _ask(world)
    assert (replication.status, replication.organisation, replication.territory_name, replication.commune_code,
            replication.departement_code, replication.region_code, replication.territory_kind) == (
        INT, "Commune de Vitré", "Vitré", "35360", "35", "53", TerritoryKind.RURAL)
    assert replication.answered_at is None and replication.submission_id is None
    assert [(e.status, e.author_id) for e in replication.events] == [(INT, world["agent"].id)]
    emails = _emails("replication_requested")
    assert sorted(e.recipient for e in emails) == sorted(
        [world["lead"].email, world["co"].email, world["parrain"].email])
    body = emails[0].body_text
    assert "agent@vitre.fr" in body and "Nos aidants s'épuisent." in body and f"/replications/{replication.id}" in body
    assert [e.details for e in factories.audit_events("replication.requested")] == [
        {"organisation": "Commune de Vitré"}]


def test_the_innovations_own_team_cannot_ask_to_take_it_up(world):
    for member in (world["lead"], world["co"]):
        assert _refusal(lambda m=member: _ask(world, who=m)).codes == ["own_team"]
    assert db.session.scalar(db.select(db.func.count(Replication.id))) == 0


def test_an_innovation_not_in_the_catalogue_cannot_be_taken_up(world):
    draft = factories.innovation(published=False, title="Brouillon")
    error = _refusal(lambda: replications.request(innovation=draft, requester=world["agent"], organisation="Ville",
                                                  territory=VITRE, motivation="Pourquoi pas."))
    assert error.codes == ["not_public"]
    records.withdraw(innovation=world["innovation"], actor=world["lead"], reason="Arrêté.")
    db.session.commit()
    assert _refusal(lambda: _ask(world)).codes == ["not_public"]


def test_a_second_request_of_the_same_person_refers_to_the_first_until_it_is_abandoned(world):
    first = _ask(world)
    error = _refusal(lambda: _ask(world))
    assert (error.codes, error.params) == (["already_requested"], {"replication_id": first.id})
    assert replications.open_request_of(world["innovation"], world["agent"]).id == first.id
    # Someone else of the same town may ask; and once abandoned, the same person may ask again.
    _ask(world, who=factories.user())
    replications.change_status(replication=first, actor=world["agent"], status=ABAND, note="Budget refusé.")
    db.session.commit()
    assert _ask(world).id != first.id


def test_every_problem_of_the_request_is_named_at_once(world):
    error = _refusal(lambda: _ask(world, organisation=" ", motivation="",
                                  territory=Territory(name="", departement_code="35", region_code="84",
                                                      commune_code="75056")))
    assert error.codes == ["organisation_required", "motivation_required", "territory_name_required",
                           "departement_not_in_region", "commune_not_in_departement"]
    assert _refusal(lambda: _ask(world, territory=Territory(name="Quelque part"))).codes == ["departement_required"]
    assert _refusal(lambda: _ask(world, territory=Territory(name="X", commune_code="3536"))).codes == [
        "bad_commune_code"]
    assert _refusal(lambda: _ask(world, territory=Territory(name="X", departement_code="99"))).codes == [
        "unknown_departement"]


def test_a_commune_brings_its_departement_and_a_departement_its_region(world):
    replication = _ask(world, territory=Territory(name="Ajaccio", commune_code="2a004"))
    assert (replication.commune_code, replication.departement_code, replication.region_code) == ("2A004", "2A", "94")


# --- the status --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("start, target", [(INT, PREP), (INT, LAUNCH), (INT, OPER), (PREP, LAUNCH), (LAUNCH, OPER),
                                           (INT, ABAND), (PREP, ABAND), (OPER, ABAND)])
def test_the_repreneur_moves_forward_one_step_or_more_or_abandons(world, start, target):
    replication = factories.replication(world["innovation"], requester=world["agent"], status=start)
    assert replications.change_status(replication=replication, actor=world["agent"], status=target,
                                      note="Le conseil municipal a voté." if target == ABAND else "") is True
    db.session.commit()
    assert replication.status == target
    assert replication.events[-1].status == target and replication.events[-1].author_id == world["agent"].id
    if target == ABAND:
        assert replication.abandon_reason == "Le conseil municipal a voté."
    [event] = factories.audit_events("replication.status_changed")
    assert {k: event.details[k] for k in ("from", "to")} == {"from": start.value, "to": target.value}
    assert sorted(e.recipient for e in _emails("replication_status_changed")) == sorted(
        [world["lead"].email, world["co"].email, world["parrain"].email])


@pytest.mark.parametrize("start, target, code", [
    (PREP, INT, "backward"), (OPER, LAUNCH, "backward"), (LAUNCH, PREP, "backward"),
    (ABAND, OPER, "already_abandoned"), (ABAND, ABAND, "already_abandoned"), (ABAND, INT, "already_abandoned"),
    (LAUNCH, ABAND, "reason_required"), (PREP, PREP, "nothing_changed"),
])
def test_a_replication_never_goes_back_nor_leaves_abandoned_nor_is_abandoned_without_a_reason(
        world, start, target, code):
    replication = factories.replication(world["innovation"], requester=world["agent"], status=start)
    error = _refusal(lambda: replications.change_status(replication=replication, actor=world["agent"],
                                                        status=target))
    assert error.codes == [code]
    assert db.session.get(Replication, replication.id).status == start
    assert _emails("replication_status_changed") == []


def test_the_choices_offered_are_the_current_step_the_later_ones_and_abandoned(world):
    def allowed(status):
        return replications.allowed_statuses(factories.replication(world["innovation"], status=status))

    assert allowed(INT) == [INT, PREP, LAUNCH, OPER, ABAND]
    assert allowed(LAUNCH) == [LAUNCH, OPER, ABAND]
    assert allowed(OPER) == [OPER, ABAND]
    assert allowed(ABAND) == []


def test_what_was_adapted_and_the_results_change_without_a_new_status(world):
    replication = factories.replication(world["innovation"], requester=world["agent"], status=LAUNCH)
    moved = replications.change_status(replication=replication, actor=world["agent"], status=LAUNCH,
                                       variant="Sans bénévoles, avec le CCAS.", results="")
    db.session.commit()
    assert moved is False
    assert (replication.variant, replication.status, len(replication.events)) == (
        "Sans bénévoles, avec le CCAS.", LAUNCH, 2)
    assert factories.audit_events("replication.status_changed") == []


# --- messages and the first answer ------------------------------------------------------------------------

def test_answered_at_is_set_by_the_first_message_of_the_team_only(world):
    replication = _ask(world)
    replications.post_message(replication=replication, author=world["agent"], body="Pouvons-nous en parler ?")
    db.session.commit()
    assert replication.answered_at is None
    assert replications.listed_publicly(world["innovation"]) == []

    replications.post_message(replication=replication, author=world["co"], body="Bien sûr, appelez-nous.")
    db.session.commit()
    first = replication.answered_at
    assert first is not None
    replications.post_message(replication=replication, author=world["lead"], body="Je confirme.")
    db.session.commit()
    assert replication.answered_at == first
    assert replications.listed_publicly(world["innovation"]) == [replication]
    assert [e.body for e in replications.timeline(replication)] == [
        "", "Pouvons-nous en parler ?", "Bien sûr, appelez-nous.", "Je confirme."]


def test_a_parrains_message_is_an_answer_too_and_reaches_the_others(world):
    replication = _ask(world)
    replications.post_message(replication=replication, author=world["parrain"], body="Je vous mets en relation.")
    db.session.commit()
    assert replication.answered_at is not None
    assert sorted(e.recipient for e in _emails("replication_message")) == sorted(
        [world["agent"].email, world["lead"].email, world["co"].email])


def test_an_empty_message_is_refused(world):
    replication = _ask(world)
    assert _refusal(lambda: replications.post_message(replication=replication, author=world["lead"],
                                                      body="  ")).codes == ["message_required"]


def test_my_replications_are_those_i_asked_for_those_of_my_teams_and_those_i_sponsor(world):
    replication = _ask(world)
    other = factories.innovation(title="Autre innovation")
    factories.replication(other)
    assert replications.followed_by(world["agent"]).asked == [replication]
    assert replications.followed_by(world["co"]).of_my_innovations == [replication]
    assert replications.followed_by(world["parrain"]).sponsored == [replication]
    nobody = replications.followed_by(factories.user())
    assert nobody.empty


# --- what counts, and since when ------------------------------------------------------------------------

@pytest.mark.parametrize("status, answered, counts", [
    (INT, True, False), (PREP, True, True), (LAUNCH, True, True), (OPER, True, True), (ABAND, True, False),
    (PREP, False, False), (OPER, False, False)])
def test_only_answered_replications_that_prepare_launch_or_operate_count(world, status, answered, counts):
    (replication,) = factories.replications_of(world["innovation"], status, answered=answered)
    assert replications.counts_as_taken_up(replication) is counts
    # The query's condition is the same rule.
    assert db.session.scalar(db.select(db.func.count()).select_from(Replication).where(
        Replication.id == replication.id, replications.taken_up_condition())) == (1 if counts else 0)


def test_a_status_is_dated_by_the_line_of_the_timeline_that_reached_it(world):
    replication = _ask(world)
    replications.post_message(replication=replication, author=world["co"], body="Bien sûr, appelez-nous.")
    replications.change_status(replication=replication, actor=world["agent"], status=PREP)
    replications.change_status(replication=replication, actor=world["agent"], status=LAUNCH)
    replications.post_message(replication=replication, author=world["agent"], body="Tout se passe bien.")
    db.session.commit()
    moments = [datetime(2025, month, 5, 9, 30, tzinfo=UTC) for month in (1, 2, 3, 4, 6)]
    for event, moment in zip(replications.timeline(replication), moments, strict=True):
        event.at = moment
    replication.created_at, replication.answered_at = moments[0], moments[1]
    db.session.commit()
    # Launched in April: neither the request (January), the first answer (February) nor the last message (June).
    assert replications.statuses_since([replication]) == {replication.id: moments[3]}

    replications.change_status(replication=replication, actor=world["agent"], status=ABAND, note="Plus de budget.")
    db.session.commit()
    abandoned_at = replications.timeline(replication)[-1].at
    assert abandoned_at > moments[-1]
    assert replications.statuses_since([replication]) == {replication.id: abandoned_at}


def test_without_a_line_of_its_status_a_replication_is_dated_by_its_request(world):
    (replication,) = factories.replications_of(world["innovation"], LAUNCH)
    assert replications.statuses_since([replication]) == {replication.id: replication.created_at}
    assert replications.statuses_since([]) == {}


# --- calls for replication -------------------------------------------------------------------------------

@pytest.fixture
def replication_call(world):
    call = factories.call(title="Territoires d'essaimage")
    call.for_replication = True
    db.session.commit()
    project = factories.submission(call=call, lead=world["agent"], title="Répit à Vitré")
    return call, project


def _save(project, user, territory: str = "Pays de Vitré", **kwargs):
    core = {"title": [project.title], "summary": ["Un répit pour les aidants."], "description": ["Comment."],
            "territory": [territory]}
    return submissions.save_and_submit(submission=project, user=user, version=project.version, core=core,
                                       answers={}, **kwargs)


def test_in_a_call_for_replication_the_innovation_taken_up_is_required(world, replication_call):
    _call, project = replication_call
    assert submissions.missing_items(project)[0] == "replicates"
    submitted, missing = _save(project, world["agent"])
    assert (submitted, missing) == (False, ["replicates"])
    draft = factories.innovation(published=False, title="Pas encore publiée")
    with pytest.raises(submissions.InvalidAnswers) as caught:
        _save(project, world["agent"], replicates=draft.id)
    assert caught.value.problems["replicates"].code == "unknown_choice"
    db.session.rollback()
    assert db.session.get(Submission, project.id).replicates_id is None


def test_submitting_links_the_project_to_a_replication_in_preparation(world, replication_call):
    call, project = replication_call
    innovation = world["innovation"]
    submitted, missing = _save(project, world["agent"], replicates=innovation.id)
    db.session.commit()
    assert (submitted, missing) == (True, [])
    replication = replications.replication_of(project)
    assert (replication.innovation_id, replication.requester_id, replication.status, replication.organisation,
            replication.territory_name) == (innovation.id, world["agent"].id, PREP, "Commune de Vitré", "Pays de Vitré")
    assert [e.status for e in replication.events] == [PREP]
    emails = _emails("replication_requested")
    assert sorted(e.recipient for e in emails) == sorted([world["lead"].email, world["co"].email,
                                                          world["parrain"].email])
    assert "Territoires d'essaimage" in emails[0].body_text and project.reference in emails[0].body_text

    # Submitted again after a change: the same replication, brought up to date, and no second email.
    _save(project, world["agent"], territory="Vitré Communauté", replicates=innovation.id)
    db.session.commit()
    assert replications.replication_of(project).id == replication.id
    assert replication.territory_name == "Vitré Communauté"
    assert len(_emails("replication_requested")) == 3


def test_the_leads_own_request_is_the_one_the_project_joins(world, replication_call):
    _call, project = replication_call
    asked = _ask(world)
    _save(project, world["agent"], replicates=world["innovation"].id)
    db.session.commit()
    assert replications.replication_of(project).id == asked.id
    assert asked.status == PREP and [e.status for e in asked.events] == [INT, PREP]
    assert db.session.scalar(db.select(db.func.count(Replication.id))) == 1


def test_a_project_that_changes_innovation_leaves_its_first_replication(world, replication_call):
    _call, project = replication_call
    _save(project, world["agent"], replicates=world["innovation"].id)
    db.session.commit()
    first = replications.replication_of(project)
    other = factories.innovation(title="Bus des aidants")
    _save(project, world["agent"], replicates=other.id)
    db.session.commit()
    second = replications.replication_of(project)
    assert second.innovation_id == other.id and second.id != first.id
    assert (first.status, first.submission_id) == (ABAND, None)
    assert project.reference in first.abandon_reason


def test_a_withdrawn_project_ends_its_replication_and_starts_a_new_one_when_submitted_again(
        world, replication_call):
    _call, project = replication_call
    _save(project, world["agent"], replicates=world["innovation"].id)
    db.session.commit()
    first = replications.replication_of(project)

    submissions.withdraw(submission=project, user=world["agent"])
    db.session.commit()

    assert (first.status, first.submission_id) == (ABAND, None)
    assert project.reference in first.abandon_reason and "withdrawn" not in first.abandon_reason  # French
    submissions.reopen(submission=project, user=world["agent"])
    _save(project, world["agent"], replicates=world["innovation"].id)
    db.session.commit()
    again = replications.replication_of(project)
    assert again.id != first.id and again.status == PREP


def test_outside_a_call_for_replication_nothing_is_taken_up(world):
    call = factories.call()
    project = factories.submission(call=call, lead=world["agent"], title="Projet ordinaire")
    assert "replicates" not in submissions.missing_items(project)
    assert _save(project, world["agent"], replicates=world["innovation"].id) == (True, [])
    db.session.commit()
    assert project.replicates_id is None and project.status == SubmissionStatus.SUBMITTED
    assert db.session.scalar(db.select(db.func.count(Replication.id))) == 0
