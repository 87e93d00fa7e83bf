"""Reviewing through the database: drafts, submission, the review deadline, late conflicts, progress,
reminders and the rows calibration takes."""
from datetime import timedelta

import pytest

from prizeapp.enums import AssignmentStatus, CallPhase, ConflictSource, ReviewStatus, SubmissionStatus
from prizeapp.extensions import db
from prizeapp.models import Assignment, AuditEvent, Criterion, Review
from prizeapp.models.types import utcnow
from prizeapp.services import review_pool
from prizeapp.services import reviews as service
from prizeapp.services.outbox import deliver_pending

from .. import factories


@pytest.fixture
def reviewing():
    """A call in review with a two-criterion grid (60/40, 1–5 and 0–10), two projects and two reviewers
    assigned (committed) to both."""
    call = factories.call(phase=CallPhase.REVIEW)
    call.submission_deadline = utcnow() - timedelta(days=1)
    call.criteria[0].weight = 60
    call.criteria.append(Criterion(position=2, name="Essaimage", weight=40, scale_min=0, scale_max=10))
    projects = [factories.submission(call=call, status=SubmissionStatus.SUBMITTED, title=f"Projet {i}",
                                     lead=factories.user(email=f"porteur{i}@ville{i}.fr")) for i in range(2)]
    reviewers = [factories.user(email=f"expert{j}@labo{j}.fr") for j in range(2)]
    assignments = {}
    for reviewer in reviewers:
        factories.pool_member(call=call, user=reviewer)
        for project in projects:
            a = Assignment(call_id=call.id, submission_id=project.id, reviewer_id=reviewer.id,
                           status=AssignmentStatus.COMMITTED)
            db.session.add(a)
            assignments[(project.id, reviewer.id)] = a
    db.session.commit()
    return call, projects, reviewers, assignments


def scores_for(call, first, second):
    return {call.criteria[0].id: first, call.criteria[1].id: second}


def save(assignment, reviewer, call, first=4, second=8, submit=False, **kwargs):
    values = dict(scores=scores_for(call, first, second), confidence=3, comment_to_applicants="Projet solide.",
                  comment_to_jury="À soutenir.")
    values.update(kwargs)
    review = service.save_review(assignment=assignment, reviewer=reviewer, submit=submit, **values)
    db.session.commit()
    return review


def test_a_draft_may_be_incomplete_and_marks_the_assignment_started(reviewing):
    call, projects, reviewers, assignments = reviewing
    a = assignments[(projects[0].id, reviewers[0].id)]

    review = save(a, reviewers[0], call, first=3, second=None, confidence=None, comment_to_applicants="")

    assert review.status == ReviewStatus.DRAFT
    assert review.score_by_criterion() == {call.criteria[0].id: 3}
    assert review.total is None
    assert a.started_at is not None


def test_submitting_computes_the_weighted_total_on_the_grid(reviewing):
    call, projects, reviewers, assignments = reviewing

    review = save(assignments[(projects[0].id, reviewers[0].id)], reviewers[0], call, first=4, second=8,
                  submit=True)

    assert review.status == ReviewStatus.SUBMITTED
    assert review.submitted_at is not None
    assert review.total == pytest.approx(4 * 0.6 + 8 * 0.4)
    assert db.session.scalar(db.select(AuditEvent.action).where(AuditEvent.action == "review.submitted"))


def test_submitting_needs_every_score_a_confidence_and_a_comment(reviewing):
    call, projects, reviewers, assignments = reviewing
    a = assignments[(projects[0].id, reviewers[0].id)]

    with pytest.raises(service.InvalidReview) as refused:
        save(a, reviewers[0], call, first=4, second=None, confidence=None, comment_to_applicants=" ", submit=True)

    assert refused.value.problems == {f"criterion_{call.criteria[1].id}": "score_required",
                                      "confidence": "confidence_required",
                                      "comment_to_applicants": "comment_required"}
    assert db.session.scalar(db.select(db.func.count(Review.id))) == 0


@pytest.mark.parametrize("first, second, field", [(6, 5, 0), (0, 5, 0), (3, 11, 1), (3, -1, 1)])
def test_a_score_outside_the_criterion_scale_is_refused(reviewing, first, second, field):
    call, projects, reviewers, assignments = reviewing

    with pytest.raises(service.InvalidReview) as refused:
        save(assignments[(projects[0].id, reviewers[0].id)], reviewers[0], call, first=first, second=second)

    assert refused.value.problems == {f"criterion_{call.criteria[field].id}": "score_out_of_scale"}


def test_a_submitted_review_can_be_edited_but_stays_complete(reviewing):
    call, projects, reviewers, assignments = reviewing
    a = assignments[(projects[0].id, reviewers[0].id)]
    review = save(a, reviewers[0], call, submit=True)
    first_submitted_at = review.submitted_at

    review = save(a, reviewers[0], call, first=2, second=8, version=review.version)
    assert (review.status, review.total, review.submitted_at) == (ReviewStatus.SUBMITTED, pytest.approx(4.4),
                                                                  first_submitted_at)
    with pytest.raises(service.InvalidReview):
        save(a, reviewers[0], call, first=2, second=None, version=review.version)


def test_an_edit_from_an_older_version_is_refused(reviewing):
    call, projects, reviewers, assignments = reviewing
    a = assignments[(projects[0].id, reviewers[0].id)]
    review = save(a, reviewers[0], call)
    old = review.version
    save(a, reviewers[0], call, first=5, version=old)

    with pytest.raises(service.ReviewError) as refused:
        save(a, reviewers[0], call, first=1, version=old)

    assert refused.value.codes == ["stale"]
    assert db.session.get(Review, review.id).score_by_criterion()[call.criteria[0].id] == 5


def test_reviews_are_refused_at_the_review_deadline_and_outside_the_review_phase(reviewing):
    call, projects, reviewers, assignments = reviewing
    a = assignments[(projects[0].id, reviewers[0].id)]
    review = save(a, reviewers[0], call, first=2)
    call.review_deadline = utcnow()
    db.session.commit()

    with pytest.raises(service.ReviewError) as refused:
        save(a, reviewers[0], call, first=5, version=review.version)
    assert refused.value.codes == ["closed"]
    assert db.session.get(Review, review.id).score_by_criterion()[call.criteria[0].id] == 2

    call.review_deadline, call.phase = utcnow() + timedelta(days=3), CallPhase.OPEN
    call.submission_deadline = utcnow() + timedelta(days=1)
    db.session.commit()
    with pytest.raises(service.ReviewError):
        save(a, reviewers[0], call)


def test_only_the_assigned_reviewer_reviews_and_never_when_conflicted(reviewing):
    call, projects, reviewers, assignments = reviewing
    a = assignments[(projects[0].id, reviewers[0].id)]
    with pytest.raises(service.ReviewError) as refused:
        save(a, reviewers[1], call)
    assert refused.value.codes == ["not_your_assignment"]

    a.status = AssignmentStatus.PROPOSED
    db.session.commit()
    with pytest.raises(service.ReviewError) as refused:
        save(a, reviewers[0], call)
    assert refused.value.codes == ["not_assigned"]

    a.status = AssignmentStatus.COMMITTED
    organiser = factories.user()
    review_pool.declare_conflict(submission=projects[0], reviewer=reviewers[0], actor=organiser,
                                 source=ConflictSource.ORGANISER, reason="Co-financeur")
    db.session.commit()
    with pytest.raises(service.ReviewError) as refused:
        save(a, reviewers[0], call)
    assert refused.value.codes == ["conflicted"]


def test_a_late_conflict_discards_the_review_and_gives_the_assignment_back(reviewing):
    call, projects, reviewers, assignments = reviewing
    a = assignments[(projects[0].id, reviewers[0].id)]
    save(a, reviewers[0], call, submit=True)

    service.declare_late_conflict(assignment=a, reviewer=reviewers[0], reason="Ancien collègue du porteur")
    db.session.commit()

    assert a.status == AssignmentStatus.DECLINED
    assert db.session.scalar(db.select(db.func.count(Review.id))) == 0
    assert [r.code for r in review_pool.conflict_reasons(projects[0], reviewers[0])] == ["declared_by_reviewer"]


def test_others_reviews_are_shown_only_after_submitting_ones_own(reviewing):
    call, projects, reviewers, assignments = reviewing
    mine = assignments[(projects[0].id, reviewers[0].id)]
    theirs = assignments[(projects[0].id, reviewers[1].id)]
    save(theirs, reviewers[1], call, submit=True)
    save(mine, reviewers[0], call)
    assert service.others_reviews(assignment=mine, reviewer=reviewers[0]) == []

    save(mine, reviewers[0], call, submit=True, version=service.review_of(mine).version)

    assert [r.reviewer_id for r in service.others_reviews(assignment=mine, reviewer=reviewers[0])] == [reviewers[1].id]


def test_progress_counts_assigned_draft_and_submitted_per_reviewer_and_project(reviewing):
    call, projects, reviewers, assignments = reviewing
    save(assignments[(projects[0].id, reviewers[0].id)], reviewers[0], call, submit=True)
    save(assignments[(projects[1].id, reviewers[0].id)], reviewers[0], call)

    state = service.progress(call)

    assert state.by_reviewer[reviewers[0].id] == {"assigned": 2, "draft": 1, "submitted": 1}
    assert state.by_reviewer[reviewers[1].id] == {"assigned": 2, "draft": 0, "submitted": 0}
    assert state.by_submission[projects[0].id] == {"assigned": 2, "draft": 0, "submitted": 1}
    assert (state.assigned, state.submitted) == (4, 1)
    assert state.late_reviewer_ids() == sorted(r.id for r in reviewers)


def test_reminders_list_what_is_left_to_each_late_reviewer(reviewing, mailbox):
    call, projects, reviewers, assignments = reviewing
    for project in projects:
        save(assignments[(project.id, reviewers[0].id)], reviewers[0], call, submit=True)
    save(assignments[(projects[0].id, reviewers[1].id)], reviewers[1], call, submit=True)
    organiser = factories.user()

    emails = service.send_reminders(call=call, actor=organiser)
    db.session.commit()
    deliver_pending()

    assert [e.recipient for e in emails] == [reviewers[1].email]
    [message] = mailbox.messages
    body = message.get_body(("plain",)).get_content()
    assert projects[1].reference in body and projects[0].reference not in body
    with pytest.raises(service.ReviewError):
        service.send_reminders(call=call, actor=organiser, reviewer_ids=[reviewers[0].id])


def test_review_rows_leave_out_drafts_and_excluded_reviewers(reviewing):
    call, projects, reviewers, assignments = reviewing
    save(assignments[(projects[0].id, reviewers[0].id)], reviewers[0], call, first=5, second=10, submit=True)
    save(assignments[(projects[1].id, reviewers[0].id)], reviewers[0], call, first=1, second=0)
    save(assignments[(projects[1].id, reviewers[1].id)], reviewers[1], call, first=2, second=5, submit=True)

    rows = service.review_rows(call)
    assert (rows.submission_ids, rows.reviewer_ids) == ([projects[0].id, projects[1].id],
                                                        [reviewers[0].id, reviewers[1].id])
    assert rows.totals == [pytest.approx(7.0), pytest.approx(3.2)]
    assert rows.criterion_scores[call.criteria[1].id] == [10, 5]

    organiser = factories.user()
    with pytest.raises(service.ReviewError):
        service.exclude_reviewer(call=call, reviewer=reviewers[1], reason=" ", actor=organiser)
    service.exclude_reviewer(call=call, reviewer=reviewers[1], reason="Notes au hasard", actor=organiser)
    db.session.commit()
    rows = service.review_rows(call)
    assert (rows.reviewer_ids, rows.excluded_reviewer_ids) == ([reviewers[0].id], [reviewers[1].id])
