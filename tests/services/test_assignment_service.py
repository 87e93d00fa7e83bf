"""Computing, committing, adjusting and repairing a call's assignment through the database."""
import pytest

from prizeapp.enums import (
    AssignmentRunStatus,
    AssignmentStatus,
    ConflictSource,
    ReviewMode,
    SubmissionStatus,
)
from prizeapp.extensions import db
from prizeapp.models import Assignment, AuditEvent, OutboxEmail
from prizeapp.models.types import utcnow
from prizeapp.services import assignment as service
from prizeapp.services import review_pool
from prizeapp.services.outbox import deliver_pending

from .. import factories


@pytest.fixture
def small_call():
    """4 submitted projects, 4 reviewers (k = 2): one reviewer shares a service with the first project's lead."""
    return factories.assignment_call()


def active_pairs(call):
    return sorted((a.submission_id, a.reviewer_id) for a in db.session.scalars(
        db.select(Assignment).where(Assignment.call_id == call.id,
                                    Assignment.status.in_(service.ACTIVE))))


def computed(call, organiser, seed=7):
    run = service.start_run(call=call, actor=organiser, seed=seed)
    return service.run_assignment(run=run)


def test_run_assignment_proposes_a_conflict_free_balanced_assignment(small_call):
    call, projects, reviewers, organiser = small_call

    run = computed(call, organiser)

    assert (run.status, run.progress, run.error) == (AssignmentRunStatus.DONE, 100, None)
    pairs = active_pairs(call)
    assert len(pairs) == 8
    assert all(sum(1 for s, _ in pairs if s == p.id) == 2 for p in projects)
    assert (projects[0].id, reviewers[0].id) not in pairs
    assert [entry["load"] for entry in run.result["loads"]] == [2, 2, 2, 2]
    assert run.result["conflicts_avoided"] == {"pairs": 1, "by_reason": {"same_service": 1}}
    assert run.result["components"] == 1
    assert len(run.result["worst_off"]) == 4
    assert sum(run.result["affinity"]["histogram"]) == 8
    assert {a.status for a in db.session.scalars(db.select(Assignment))} == {AssignmentStatus.PROPOSED}
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "assignment.run_done"))
    assert event.details["seed"] == 7


def test_same_seed_gives_the_same_assignment(small_call):
    call, _, _, organiser = small_call
    computed(call, organiser, seed=3)
    first = active_pairs(call)
    computed(call, organiser, seed=3)
    assert active_pairs(call) == first


def test_infeasible_assignment_fails_the_run_with_readable_reasons(small_call):
    call, projects, _, organiser = small_call
    call.reviewers_per_submission = 4  # the first project has only 3 conflict-free reviewers

    run = computed(call, organiser)

    assert run.status == AssignmentRunStatus.FAILED
    assert run.progress == 100
    assert run.result["reasons"] == [{
        "code": "few_conflict_free_reviewers",
        "params": {"submission": projects[0].reference, "available": 3, "needed": 4},
        "text": f"submission {projects[0].reference} has only 3 conflict-free reviewers (needs 4)"}]
    assert projects[0].reference in run.error
    assert active_pairs(call) == []


def test_commit_sends_one_email_per_reviewer_listing_their_projects(small_call, mailbox):
    call, projects, reviewers, organiser = small_call
    computed(call, organiser)

    emails = service.commit_assignment(call=call, actor=organiser)
    db.session.commit()
    report = deliver_pending()

    assert len(emails) == len(report.sent) == 4
    assert {a.status for a in db.session.scalars(db.select(Assignment))} == {AssignmentStatus.COMMITTED}
    assert sorted(m["To"] for m in mailbox.messages) == sorted(r.email for r in reviewers)
    for reviewer in reviewers:
        [message] = mailbox.to(reviewer.email)
        assert message["Subject"] == "Vos projets à évaluer pour l'appel «\u00a0Prix de l'innovation\u00a0»"
        text = mailbox.text(message)
        mine = [p for p in projects if (p.id, reviewer.id) in active_pairs(call)]
        assert [p.reference for p in projects if p.reference in text] == [p.reference for p in mine]


def test_a_conflicted_pair_cannot_be_added_by_hand(small_call):
    call, projects, reviewers, organiser = small_call

    with pytest.raises(service.ConflictedPair) as refused:
        service.add_pair(call=call, submission=projects[0], reviewer=reviewers[0], actor=organiser)

    assert [reason.code for reason in refused.value.reasons] == ["same_service"]
    assert active_pairs(call) == []


def test_a_pair_added_and_removed_by_hand_is_in_the_audit_log(small_call):
    call, projects, reviewers, organiser = small_call

    added = service.add_pair(call=call, submission=projects[1], reviewer=reviewers[0], actor=organiser)
    assert active_pairs(call) == [(projects[1].id, reviewers[0].id)]
    service.remove_pair(assignment=added, actor=organiser)

    assert active_pairs(call) == []
    actions = db.session.scalars(db.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["assignment.added", "assignment.removed"]


def test_decline_then_reassign_replaces_only_the_declined_pair(small_call):
    call, _, _, organiser = small_call
    computed(call, organiser)
    service.commit_assignment(call=call, actor=organiser)
    assignments = list(db.session.scalars(db.select(Assignment).order_by(Assignment.id)))
    started, declined = assignments[0], next(a for a in assignments[1:] if a.reviewer_id != assignments[0].reviewer_id)
    started.started_at = utcnow()
    before = active_pairs(call)

    service.decline(assignment=declined, reviewer=declined.reviewer)
    change = service.reassign_after_changes(call=call, actor=organiser, seed=1)

    after = active_pairs(call)
    pair = (declined.submission_id, declined.reviewer_id)
    assert pair not in after
    assert (started.submission_id, started.reviewer_id) in after
    assert change.removed == []
    assert [(a.submission_id, a.status) for a in change.added] == [(declined.submission_id,
                                                                    AssignmentStatus.PROPOSED)]
    assert set(before) - set(after) == {pair}
    assert len(after) == 8


def test_a_started_review_cannot_be_declined(small_call):
    call, _, _, organiser = small_call
    computed(call, organiser)
    service.commit_assignment(call=call, actor=organiser)
    assignment = db.session.scalars(db.select(Assignment)).first()
    assignment.started_at = utcnow()

    with pytest.raises(service.AssignmentError, match="review_started"):
        service.decline(assignment=assignment, reviewer=assignment.reviewer)


def test_a_second_run_after_commit_fails(small_call):
    call, _, _, organiser = small_call
    computed(call, organiser)
    service.commit_assignment(call=call, actor=organiser)

    run = computed(call, organiser)

    assert run.status == AssignmentRunStatus.FAILED
    assert "already committed" in run.error


def test_committing_nothing_is_refused(small_call):
    call, _, _, organiser = small_call
    with pytest.raises(service.AssignmentError, match="nothing_to_commit"):
        service.commit_assignment(call=call, actor=organiser)
    assert db.session.scalar(db.select(db.func.count(OutboxEmail.id))) == 0


def test_a_late_conflict_is_repaired_by_reassignment(small_call):
    call, _, _, organiser = small_call
    computed(call, organiser)
    service.commit_assignment(call=call, actor=organiser)
    [first, *_] = db.session.scalars(db.select(Assignment).order_by(Assignment.id))
    pair = (first.submission_id, first.reviewer_id)
    review_pool.declare_conflict(submission=first.submission, reviewer=first.reviewer,
                                 source=ConflictSource.REVIEWER, actor=first.reviewer)
    before = active_pairs(call)

    service.reassign_after_changes(call=call, actor=organiser, seed=2)

    after = active_pairs(call)
    assert pair not in after
    assert set(before) - set(after) == {pair}
    assert len(after) == 8


def test_in_a_peer_prize_nobody_reviews_their_own_project_nor_a_reviewer_of_theirs():
    call = factories.call()
    call.review_mode = ReviewMode.PEER
    call.reviewers_per_submission = 2
    applicants = [factories.user(email=f"porteur{i}@commune{i}.fr") for i in range(6)]
    projects = {factories.submission(call=call, lead=a, status=SubmissionStatus.SUBMITTED).id: a.id
                for a in applicants}

    run = computed(call, factories.user(email="orga@ville.fr"))

    assert run.status == AssignmentRunStatus.DONE
    pairs = active_pairs(call)
    assert len(pairs) == 12
    assert all(projects[s] != r for s, r in pairs)
    author_of = {r: s for s, r in projects.items()}
    assert not [(s, r) for s, r in pairs if (author_of[r], projects[s]) in pairs]


def test_a_started_review_cannot_be_removed_by_hand(small_call):
    call, _, _, organiser = small_call
    computed(call, organiser)
    assignment = db.session.scalars(db.select(Assignment)).first()
    assignment.started_at = utcnow()

    with pytest.raises(service.AssignmentError, match="review_started"):
        service.remove_pair(assignment=assignment, actor=organiser)
