"""The jury's deliberation as use cases: recusals (recorded and automatic), votes until the results are
published, decisions revised with their before/after in the audit log, the meeting's record."""
from datetime import timedelta
from decimal import Decimal

import pytest

from prizeapp.enums import (
    CallPhase,
    CallRoleKind,
    ConflictSource,
    DecisionOutcome,
    MemberRole,
    SubmissionStatus,
    VoteChoice,
)
from prizeapp.extensions import db
from prizeapp.models import ConflictDeclaration, SubmissionMember
from prizeapp.models.decision import JuryVote
from prizeapp.models.types import utcnow
from prizeapp.permissions import can_download_file, can_view_project_as_jury, is_recused
from prizeapp.services import deliberation, ranking

from .. import factories


@pytest.fixture
def jury_call():
    """Three projects (two reviewed), an organiser, two jury members at addresses of their own."""
    call = factories.call(phase=CallPhase.REVIEW, title="Prix de l'innovation 2027")
    call.prize_count = 1
    projects = [factories.submission(call=call, status=SubmissionStatus.SUBMITTED, title=f"Projet {n}")
                for n in ("Alpha", "Bêta", "Gamma")]
    organiser = factories.user()
    jurors = [factories.user(email="jure.a@region-exemple.fr", first_name="Anne", last_name="Arnaud"),
              factories.user(email="jure.b@metropole-exemple.fr", first_name="Bruno", last_name="Blanc")]
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    for juror in jurors:
        factories.grant(juror, call, CallRoleKind.JURY)
    return call, projects, organiser, jurors


def test_a_jury_member_recuses_themselves_without_a_reason_and_sees_nothing_of_the_project(jury_call):
    call, projects, organiser, (anne, bruno) = jury_call
    record = factories.file(submission=projects[0])

    deliberation.recuse(submission=projects[0], jury_member=anne, actor=anne)
    db.session.commit()

    assert is_recused(anne, projects[0]) and not is_recused(bruno, projects[0])
    assert not can_view_project_as_jury(anne, projects[0]) and can_view_project_as_jury(anne, projects[1])
    assert not can_download_file(anne, record) and can_download_file(bruno, record)
    assert deliberation.hidden_from(call, anne, organiser=False) == {projects[0].id}
    (event,) = factories.audit_events("deliberation.recused")
    assert event.details["before"] == {"recused": False, "vote": None}
    assert event.details["after"] == {"recused": True, "reason": ""} and event.details["by_themselves"] is True


def test_an_organiser_must_give_a_reason_to_recuse_a_jury_member(jury_call):
    call, projects, organiser, (anne, bruno) = jury_call

    with pytest.raises(deliberation.DeliberationError) as error:
        deliberation.recuse(submission=projects[1], jury_member=bruno, actor=organiser, reason="  ")
    assert error.value.codes == ["reason_required"]

    recusal = deliberation.recuse(submission=projects[1], jury_member=bruno, actor=organiser,
                                  reason="Travaille avec la porteuse du projet")
    assert recusal.recused_by_id == organiser.id
    with pytest.raises(deliberation.DeliberationError) as error:
        deliberation.recuse(submission=projects[1], jury_member=organiser, actor=organiser, reason="x")
    assert error.value.codes == ["not_in_jury"]


def test_recusal_drops_the_members_vote_on_the_project_and_keeps_it_in_the_log(jury_call):
    call, projects, organiser, (anne, bruno) = jury_call
    deliberation.record_vote(submission=projects[0], jury_member=anne, choice=VoteChoice.LAUREATE, comment="Oui")

    deliberation.recuse(submission=projects[0], jury_member=anne, actor=organiser, reason="Conflit déclaré")

    assert db.session.scalar(db.select(JuryVote)) is None
    recused = factories.audit_events("deliberation.recused")[0]
    assert recused.details["before"]["vote"] == {"choice": "laureate", "comment": "Oui"}


def test_team_members_and_conflicted_jury_members_are_recused_automatically(jury_call):
    call, projects, organiser, (anne, bruno) = jury_call
    projects[2].members[0].user_id = anne.id  # Anne leads Gamma
    db.session.add(ConflictDeclaration(submission_id=projects[1].id, reviewer_id=bruno.id,
                                       source=ConflictSource.REVIEWER, reason="Ancien collègue"))
    db.session.commit()

    assert set(deliberation.automatic_recusals(call, anne)) == {projects[2].id}
    assert set(deliberation.automatic_recusals(call, bruno)) == {projects[1].id}
    assert is_recused(anne, projects[2]) and is_recused(bruno, projects[1])
    assert not can_view_project_as_jury(bruno, projects[1]) and can_view_project_as_jury(bruno, projects[0])
    rows = deliberation.all_recusals(call)
    assert [(r.jury_member.id, r.submission.id, r.automatic) for r in rows] == [
        (anne.id, projects[2].id, True), (bruno.id, projects[1].id, True)]
    assert "declared_by_reviewer" in rows[1].codes
    with pytest.raises(deliberation.DeliberationError) as error:
        deliberation.record_vote(submission=projects[1], jury_member=bruno, choice=VoteChoice.MENTION)
    assert error.value.codes == ["recused"]
    # Organisers see everything, even where the conflict rules would set them aside.
    assert deliberation.hidden_from(call, organiser, organiser=True) == set()


def test_votes_are_changed_until_the_results_are_published_then_refused(jury_call):
    call, projects, organiser, (anne, bruno) = jury_call
    deliberation.record_vote(submission=projects[0], jury_member=anne, choice=VoteChoice.MENTION)
    deliberation.record_vote(submission=projects[0], jury_member=anne, choice=VoteChoice.LAUREATE, comment="Finalement")
    deliberation.record_vote(submission=projects[0], jury_member=bruno, choice=VoteChoice.NOT_SELECTED)

    tally = deliberation.tally(call)[projects[0].id]
    assert tally.counts == {VoteChoice.LAUREATE: 1, VoteChoice.MENTION: 0, VoteChoice.NOT_SELECTED: 1}
    assert [v.jury_member.last_name for v in tally.votes] == ["Arnaud", "Blanc"]
    assert factories.audit_events("deliberation.voted")[1].details == {
        "submission_id": projects[0].id, "before": {"choice": "mention", "comment": ""},
        "after": {"choice": "laureate", "comment": "Finalement"}}

    call.results_published_at = utcnow()
    with pytest.raises(deliberation.DeliberationError) as error:
        deliberation.record_vote(submission=projects[1], jury_member=anne, choice=VoteChoice.LAUREATE)
    assert error.value.codes == ["results_published"]


def test_decisions_require_a_reason_and_every_revision_is_logged_with_before_and_after(jury_call):
    call, projects, organiser, jurors = jury_call
    with pytest.raises(deliberation.DeliberationError) as error:
        deliberation.record_decision(submission=projects[0], actor=organiser, outcome=DecisionOutcome.LAUREATE,
                                     reason="")
    assert error.value.codes == ["reason_required"]

    deliberation.record_decision(submission=projects[0], actor=organiser, outcome=DecisionOutcome.MENTION,
                                 reason="Projet prometteur.")
    decision = deliberation.record_decision(submission=projects[0], actor=organiser,
                                            outcome=DecisionOutcome.LAUREATE, reason="Impact mesuré.",
                                            prize="Premier prix", amount=Decimal("10000"))
    # Same values again: nothing new to log.
    deliberation.record_decision(submission=projects[0], actor=organiser, outcome=DecisionOutcome.LAUREATE,
                                 reason="Impact mesuré.", prize="Premier prix", amount=Decimal("10000"))

    assert (decision.outcome, decision.prize, decision.amount) == (DecisionOutcome.LAUREATE, "Premier prix", 10000)
    assert deliberation.laureate_count(call) == 1
    (first,) = factories.audit_events("deliberation.decided")
    (revision,) = factories.audit_events("deliberation.decision_revised")
    assert first.details["before"] is None
    assert revision.details["before"] == {"outcome": "mention", "prize": "", "amount": None,
                                          "reason": "Projet prometteur."}
    assert revision.details["after"] == {"outcome": "laureate", "prize": "Premier prix", "amount": "10000",
                                         "reason": "Impact mesuré."}


def test_only_laureates_keep_a_prize(jury_call):
    call, projects, organiser, jurors = jury_call
    decision = deliberation.record_decision(submission=projects[1], actor=organiser,
                                            outcome=DecisionOutcome.NOT_SELECTED, reason="Trop tôt.",
                                            prize="Premier prix", amount=Decimal("5000"))
    assert (decision.prize, decision.amount) == ("", None)


def test_decisions_are_refused_once_the_results_are_published(jury_call):
    call, projects, organiser, jurors = jury_call
    call.results_published_at = utcnow()
    with pytest.raises(deliberation.DeliberationError) as error:
        deliberation.record_decision(submission=projects[0], actor=organiser, outcome=DecisionOutcome.MENTION,
                                     reason="Bien.")
    assert error.value.codes == ["results_published"]
    with pytest.raises(deliberation.DeliberationError):
        deliberation.recuse(submission=projects[0], jury_member=jurors[0], actor=jurors[0])


def test_the_record_lists_presence_ranking_votes_and_decisions(jury_call):
    call, projects, organiser, (anne, bruno) = jury_call
    reviewers = [factories.user(email=f"expert{i}@labo{i}.fr") for i in range(2)]
    for j, reviewer in enumerate(reviewers):
        for i, total in enumerate((4.5 - j * 0.2, 3.0 + j * 0.1)):
            factories.submitted_review(call=call, submission=projects[i], reviewer=reviewer, total=total)
    run = ranking.run_calibration(run=ranking.start_calibration(call=call, actor=organiser))
    deliberation.record_vote(submission=projects[1], jury_member=anne, choice=VoteChoice.LAUREATE)
    deliberation.record_decision(submission=projects[0], actor=organiser, outcome=DecisionOutcome.LAUREATE,
                                 reason="Le meilleur dossier.")
    held = utcnow() - timedelta(hours=2)

    with pytest.raises(deliberation.DeliberationError) as error:
        deliberation.record_deliberation(call=call, actor=organiser, held_at=held, present_ids=[organiser.id],
                                         calibration_run=run)
    assert error.value.codes == ["not_in_jury"]
    meeting = deliberation.record_deliberation(call=call, actor=organiser, held_at=held, present_ids=[anne.id],
                                               calibration_run=run, notes="Séance à la préfecture.")
    content = deliberation.record(call, meeting)

    assert [u.id for u in content.present] == [anne.id] and [u.id for u in content.absent] == [bruno.id]
    assert content.run.id == run.id
    assert [row[0].id for row in content.rows] == [projects[0].id, projects[1].id, projects[2].id]
    assert content.rows[1][2].counts[VoteChoice.LAUREATE] == 1
    assert content.rows[0][3].reason == "Le meilleur dossier."
    assert factories.audit_events("deliberation.recorded")[0].details["after"]["present_ids"] == [anne.id]


def test_the_record_counts_only_the_votes_of_members_present_and_not_recused(jury_call):
    """Bruno voted but was absent; Anne was present but is now in the team of the project she voted on (an
    automatic recusal): neither vote counts, and the record says whose votes it leaves out and why."""
    call, projects, organiser, (anne, bruno) = jury_call
    deliberation.record_vote(submission=projects[0], jury_member=anne, choice=VoteChoice.LAUREATE)
    deliberation.record_vote(submission=projects[0], jury_member=bruno, choice=VoteChoice.MENTION)
    deliberation.record_vote(submission=projects[1], jury_member=anne, choice=VoteChoice.LAUREATE)
    projects[1].members.append(SubmissionMember(user_id=anne.id, role=MemberRole.CO_APPLICANT))
    meeting = deliberation.record_deliberation(call=call, actor=organiser, held_at=utcnow(), present_ids=[anne.id],
                                               calibration_run=None)

    content = deliberation.record(call, meeting)

    tallies = {row.submission.id: row.tally for row in content.rows}
    assert tallies[projects[0].id].counts == {VoteChoice.LAUREATE: 1, VoteChoice.MENTION: 0,
                                              VoteChoice.NOT_SELECTED: 0}
    assert [v.jury_member_id for v in tallies[projects[0].id].not_counted] == [bruno.id]
    assert tallies[projects[1].id].total == 0
    assert [v.jury_member_id for v in tallies[projects[1].id].not_counted] == [anne.id]
    assert [(x.member.id, x.votes, x.absent) for x in content.not_counted] == [(anne.id, 1, False),
                                                                               (bruno.id, 1, True)]
    assert content.votes_counted == 1
    # The organisers' decisions page still shows every vote cast, before the meeting is recorded.
    assert deliberation.tally(call)[projects[0].id].total == 2


def test_the_ranking_s_tally_leaves_out_a_vote_its_member_is_now_recused_from(jury_call):
    """Anne voted on Bêta, then joined its team (an automatic recusal): the tally the jury reads beside the
    ranking no longer counts her vote there, and still counts it on Alpha; Bruno's vote counts on both."""
    call, projects, organiser, (anne, bruno) = jury_call
    for project in projects[:2]:
        deliberation.record_vote(submission=project, jury_member=anne, choice=VoteChoice.LAUREATE)
        deliberation.record_vote(submission=project, jury_member=bruno, choice=VoteChoice.MENTION)
    projects[1].members.append(SubmissionMember(user_id=anne.id, role=MemberRole.CO_APPLICANT))
    db.session.commit()

    standing = deliberation.standing_tally(call)

    assert standing[projects[0].id].counts == {VoteChoice.LAUREATE: 1, VoteChoice.MENTION: 1,
                                               VoteChoice.NOT_SELECTED: 0}
    assert standing[projects[1].id].counts == {VoteChoice.LAUREATE: 0, VoteChoice.MENTION: 1,
                                               VoteChoice.NOT_SELECTED: 0}
    assert [v.jury_member_id for v in standing[projects[1].id].not_counted] == [anne.id]
