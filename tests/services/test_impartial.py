"""The impartial selection of a peer prize through the database: groups, the assignment's constraint, the
selection from the reviews."""
import pytest

from prizeapp.enums import (
    AssignmentRunStatus,
    AssignmentStatus,
    ReviewMode,
    SubmissionStatus,
)
from prizeapp.extensions import db
from prizeapp.models import Assignment, AuditEvent
from prizeapp.services import assignment as assignment_service
from prizeapp.services import impartial as service

from .. import factories


@pytest.fixture
def peer_call():
    """A peer prize of 8 projects (one with a co-applicant who also leads another project), 2 laureates."""
    call = factories.call(title="Prix des agents")
    call.review_mode = ReviewMode.PEER
    call.reviewers_per_submission = 2
    call.prize_count = 2
    leads = [factories.user(email=f"porteur{i}@commune{i}.fr") for i in range(8)]
    projects = [factories.submission(call=call, lead=lead, status=SubmissionStatus.SUBMITTED,
                                     members=(leads[1],) if i == 0 else ()) for i, lead in enumerate(leads)]
    organiser = factories.user(email="orga@ville.fr")
    db.session.commit()
    return call, projects, leads, organiser


def group_of(selection_or_partition, submission_id):
    ids = selection_or_partition.ids
    return next(g for g, group in enumerate(ids) if submission_id in group)


def test_groups_keep_teams_together_and_are_stable(peer_call):
    call, projects, _, organiser = peer_call
    service.set_groups(call=call, groups=3, actor=organiser)

    groups = service.partition(call)

    assert len(groups.groups) == 3
    assert group_of(groups, projects[0].id) == group_of(groups, projects[1].id)  # porteur1 is in both teams
    assert sorted(s.id for g in groups.groups for s in g) == sorted(p.id for p in projects)
    assert service.partition(call).ids == groups.ids
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "impartial.groups_set"))
    assert event.details == {"groups": 3, "previous": None}


def test_groups_are_refused_outside_peer_prizes_out_of_range_and_after_commitment(peer_call):
    call, projects, leads, organiser = peer_call
    with pytest.raises(service.ImpartialError, match="groups_out_of_range"):
        service.set_groups(call=call, groups=7, actor=organiser)
    db.session.add(Assignment(call_id=call.id, submission_id=projects[2].id, reviewer_id=leads[3].id,
                              status=AssignmentStatus.COMMITTED))
    db.session.flush()
    with pytest.raises(service.ImpartialError, match="assignment_committed"):
        service.set_groups(call=call, groups=2, actor=organiser)
    panel = factories.call()
    with pytest.raises(service.ImpartialError, match="not_peer"):
        service.set_groups(call=panel, groups=2, actor=organiser)


def test_assignment_gives_applicants_only_projects_of_other_groups(peer_call):
    call, projects, leads, organiser = peer_call
    service.set_groups(call=call, groups=2, actor=organiser)
    run = assignment_service.start_run(call=call, actor=organiser)
    assignment_service.run_assignment(run=run)
    assert run.status == AssignmentRunStatus.DONE, run.error

    groups = service.partition(call)
    teams = {p.id: p.member_ids() for p in projects}
    person_group = {u: group_of(groups, s) for s, members in teams.items() for u in members}
    pairs = [(a.submission_id, a.reviewer_id) for a in db.session.scalars(db.select(Assignment))]
    assert len(pairs) == 16
    assert all(person_group[r] != group_of(groups, s) for s, r in pairs)


def test_without_groups_the_assignment_is_unconstrained(peer_call):
    call, _, _, _ = peer_call
    assert service.extra_conflicts(call, None) is None


def test_selection_follows_the_other_groups_scores_and_ignores_ones_own_group(peer_call):
    call, projects, leads, organiser = peer_call
    service.set_groups(call=call, groups=2, actor=organiser)
    groups = service.partition(call)
    teams = {p.id: p.member_ids() for p in projects}
    person_group = {u: group_of(groups, s) for s, members in teams.items() for u in members}
    # Every project gets a score from one reviewer of the other group: its index; a same-group review says 5.
    for i, project in enumerate(projects):
        g = group_of(groups, project.id)
        other = next(u for u in leads if person_group[u.id] != g)
        factories.submitted_review(call=call, submission=project, reviewer=other, total=1 + i / 2)
        same = next(u for u in leads if person_group[u.id] == g and u.id not in teams[project.id])
        factories.submitted_review(call=call, submission=project, reviewer=same, total=5)

    chosen = service.selection(call)

    # porteur0 and porteur1 share project 0's team: porteur0's review of porteur1's own project is a
    # conflicted reviewer's, which no ranking counts; the 7 other same-group reviews are ignored.
    assert chosen.reviews == 8 and chosen.ignored == 7
    assert [len(g) for g in groups.ids] == [4, 4]  # 7 independent blocks, balanced
    assert [g.quota for g in chosen.result.groups] == [1, 1]
    order = [p.id for p in projects]
    for group in chosen.result.groups:
        assert group.chosen == [max(group.members, key=order.index)]  # the same-group 5s changed nothing


def test_selection_needs_the_number_of_laureates(peer_call):
    call, _, _, organiser = peer_call
    service.set_groups(call=call, groups=2, actor=organiser)
    call.prize_count = None
    with pytest.raises(service.ImpartialError, match="no_prize_count"):
        service.selection(call)


def test_withdrawn_projects_keep_their_group_but_are_never_selected(peer_call):
    call, projects, leads, organiser = peer_call
    service.set_groups(call=call, groups=2, actor=organiser)
    before = service.partition(call).ids
    db.session.add(Assignment(call_id=call.id, submission_id=projects[5].id, reviewer_id=leads[6].id,
                              status=AssignmentStatus.COMMITTED))
    projects[5].status = SubmissionStatus.WITHDRAWN
    db.session.flush()

    assert service.partition(call).ids == before
    chosen = service.selection(call)
    assert projects[5].id not in [s for g in chosen.result.groups for s in g.members]


def test_too_few_independent_projects_make_no_groups():
    call = factories.call()
    call.review_mode = ReviewMode.PEER
    lead = factories.user()
    factories.submission(call=call, lead=lead, status=SubmissionStatus.SUBMITTED)
    factories.submission(call=call, lead=lead, status=SubmissionStatus.SUBMITTED)
    call.impartial_groups = 2
    assert service.partition(call) is None
    assert service.selection(call) is None
