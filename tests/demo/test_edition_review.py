"""The 2025 edition's peer review in the demo, loaded on an empty database (either database): a pool of agents of
the org chart, three reviews per project on the call's grid, dated within the review, scored in the order of
the jury's decisions but not quite, by a lenient and a harsh reviewer among others; the calibrated ranking the
jury deliberated on; the organisers' comparison of that ranking with what became of the followed laureates;
the jury's pages; and loading it again changes nothing."""
from __future__ import annotations

from collections import defaultdict
from statistics import mean

import pytest

from prizeapp.demo import edition_review, load_demo
from prizeapp.demo.people import NAMED
from prizeapp.demo.resources import NBSP
from prizeapp.enums import (
    AssignmentRunStatus,
    AssignmentStatus,
    CalibrationStatus,
    DecisionOutcome,
    OutboxStatus,
    PoolStatus,
    ReviewStatus,
    SubmissionStatus,
)
from prizeapp.extensions import db
from prizeapp.models import (
    Assignment,
    AssignmentRun,
    AuditEvent,
    CalibrationRun,
    Call,
    OutboxEmail,
    PoolMember,
    Review,
    ReviewScore,
    Submission,
    User,
)
from prizeapp.models.decision import Decision
from prizeapp.services import deliberation, ranking, review_pool
from prizeapp.services import reviews as reviews_service
from prizeapp.services.impact import outcomes

from ..conftest import sign_in_as

pytestmark = pytest.mark.usefixtures("module_transaction")

EDITION = "Prix de l'innovation publique 2025"


@pytest.fixture(scope="module")
def demo(app, module_transaction) -> None:
    """The whole demo, loaded once for the module on its empty database."""
    with app.app_context():
        load_demo()
        db.session.commit()
        db.session.remove()


def edition() -> Call:
    return db.session.scalar(db.select(Call).where(Call.title == EDITION))


def projects() -> list[Submission]:
    return list(db.session.scalars(db.select(Submission).where(
        Submission.call_id == edition().id, Submission.status == SubmissionStatus.SUBMITTED)
        .order_by(Submission.id)))


def edition_reviews() -> list[Review]:
    return list(db.session.scalars(db.select(Review).where(Review.call_id == edition().id)
                                   .order_by(Review.submission_id, Review.reviewer_id)))


def outcome_of() -> dict[int, DecisionOutcome]:
    return {d.submission_id: d.outcome for d in db.session.scalars(
        db.select(Decision).where(Decision.call_id == edition().id))}


def user(name: str) -> User:
    first, last = name.split(" ", 1)
    return db.session.scalar(db.select(User).where(User.first_name == first, User.last_name == last))


def test_each_project_has_three_submitted_reviews_on_the_call_s_grid(demo):
    call = edition()
    found = edition_reviews()
    by_project = defaultdict(list)
    for review in found:
        by_project[review.submission_id].append(review)
    assert len(projects()) == 17
    assert {sid: len(rs) for sid, rs in by_project.items()} == {p.id: 3 for p in projects()}
    assert {r.status for r in found} == {ReviewStatus.SUBMITTED}
    criteria = {c.id: c for c in call.criteria}
    for review in found:
        scores = {s.criterion_id: s.score for s in review.scores}
        assert set(scores) == set(criteria)
        assert all(criteria[cid].scale_min <= value <= criteria[cid].scale_max for cid, value in scores.items())
        assert review.total == pytest.approx(reviews_service.weighted_total(call, scores))
        assert review.confidence in reviews_service.CONFIDENCE_LEVELS and review.comment_to_applicants
    committed = db.session.scalars(db.select(Assignment).where(Assignment.call_id == call.id)).all()
    assert {a.status for a in committed} == {AssignmentStatus.COMMITTED}
    assert {(a.submission_id, a.reviewer_id, a.id) for a in committed} == \
        {(r.submission_id, r.reviewer_id, r.assignment_id) for r in found}


def test_the_reviewers_are_agents_of_the_org_chart_kept_away_from_their_conflicts(demo):
    call = edition()
    members = db.session.scalars(db.select(PoolMember).where(PoolMember.call_id == call.id)).all()
    emails = {db.session.get(User, m.user_id).email for m in members}
    assert len(members) == len(edition_review.REVIEW["reviewers"]) >= 6
    assert {m.status for m in members} == {PoolStatus.ACCEPTED}
    assert all(m.keywords and set(m.themes) <= set(call.categories) for m in members)
    assert emails <= {p.email for p in NAMED}
    organisers = {"sophie.martin@transformation.example.gouv.fr"}
    assert not emails & ({u.email for u in deliberation.jury_members(call)} | organisers)
    # The solver kept the pairs the platform computes as conflicted apart, and none has appeared since.
    run = db.session.scalar(db.select(AssignmentRun).where(AssignmentRun.call_id == call.id))
    assert run.status == AssignmentRunStatus.DONE and run.result["pairs"] == 3 * 17
    assert run.result["conflicts_avoided"]["pairs"] >= 3
    matrix = review_pool.conflict_matrix(call)
    rows, columns = matrix.submission_index, matrix.reviewer_index
    assert not any(matrix.mask[rows[r.submission_id], columns[r.reviewer_id]] for r in edition_reviews())
    assert len(reviews_service.counted_reviews(call)) == 51


def test_the_review_happened_between_the_deadline_and_the_end_of_the_review(demo):
    call = edition()
    members = db.session.scalars(db.select(PoolMember).where(PoolMember.call_id == call.id)).all()
    assert all(call.opens_at < m.responded_at < call.submission_deadline for m in members)
    assigned = {a.id: a.committed_at for a in db.session.scalars(db.select(Assignment)
                                                                 .where(Assignment.call_id == call.id))}
    found = edition_reviews()
    for review in found:
        assert call.submission_deadline < assigned[review.assignment_id] <= review.created_at
        assert review.created_at <= review.submitted_at == review.updated_at < call.review_deadline
    assert len({r.submitted_at.date() for r in found}) >= 20  # over the weeks of the review, not on one day
    events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.call_id == call.id,
                                                            AuditEvent.action.like("assignment.%")
                                                            | AuditEvent.action.like("calibration.%"))).all()
    assert len(events) >= 5 and all(call.submission_deadline < e.at < call.deliberation_at for e in events)


def test_the_ranking_is_a_finished_calibration_of_those_reviews_before_the_deliberation(demo):
    call = edition()
    runs = db.session.scalars(db.select(CalibrationRun).where(CalibrationRun.call_id == call.id)).all()
    assert len(runs) == 1
    run = ranking.latest(call)
    assert run.status == CalibrationStatus.DONE and ranking.is_current(call, run)
    assert call.review_deadline < run.created_at <= run.finished_at < call.deliberation_at
    ranked = run.result["submissions"]
    assert sorted(p["id"] for p in ranked) == [p.id for p in projects()]
    assert {p["n_reviews"] for p in ranked} == {3}
    assert run.result["top_k"] == call.prize_count == 6
    assert run.result["connectivity"]["n_components"] == 1


def test_the_ranking_follows_the_decisions_but_the_jury_did_not_follow_it_blindly(demo):
    rank = {p["id"]: p["rank"] for p in ranking.latest(edition()).result["submissions"]}
    decided = outcome_of()
    ranks = {o: [rank[sid] for sid, outcome in decided.items() if outcome == o] for o in DecisionOutcome}
    laureates, mentions, others = (ranks[o] for o in (DecisionOutcome.LAUREATE, DecisionOutcome.MENTION,
                                                      DecisionOutcome.NOT_SELECTED))
    assert mean(laureates) < mean(mentions) < mean(others)
    assert decided[min(rank, key=rank.get)] == DecisionOutcome.LAUREATE
    assert min(mentions) < max(laureates)  # a mention placed above a laureate
    assert min(others) < max(mentions)  # a project not selected above a mention


def test_calibration_corrects_a_lenient_and_a_harsh_reviewer(demo):
    result = ranking.latest(edition()).result
    leniency = {r["name"]: r["leniency"] for r in result["reviewers"]}
    assert leniency["Thomas Fournier"] > 0.3 > -0.3 > leniency["Laure Robin"]
    assert any(p["raw_rank"] != p["rank"] for p in result["submissions"])
    by_reviewer = defaultdict(list)
    for review in edition_reviews():
        by_reviewer[review.reviewer_id].append(review.total)
    assert mean(by_reviewer[user("Thomas Fournier").id]) > mean(by_reviewer[user("Laure Robin").id]) + 1


def test_the_comments_are_short_french_and_in_the_tone_of_the_score(demo):
    tiers = edition_review.REVIEW["comments"]
    for review in edition_reviews():
        tier = next(t for t in tiers if review.total >= t["from"])
        assert any(review.comment_to_applicants.startswith(s) for s in tier["strengths"])
        assert any(review.comment_to_applicants.endswith(s) for s in tier["reserves"])
        assert review.comment_to_jury in tier["jury_notes"]
        assert len(review.comment_to_applicants) < 250 and " :" not in review.comment_to_applicants
    assert any(f"{NBSP}:" in r.comment_to_applicants for r in edition_reviews())  # typeset as French writes it
    assert sum(bool(r.comment_to_jury) for r in edition_reviews()) >= 5


def test_no_email_of_the_review_waits_in_the_outbox(demo):
    emails = db.session.scalars(db.select(OutboxEmail).where(OutboxEmail.call_id == edition().id)).all()
    assert {e.status for e in emails} <= {OutboxStatus.SENT}
    assert not [e for e in emails if e.kind in ("assignments", "review_reminder")]


def test_the_outcomes_comparison_places_the_followed_projects(demo):
    call = edition()
    comparison = outcomes.compare(calls=[call], outcome=outcomes.EVIDENCE_LEVEL)
    assert comparison.without_score == []
    assert comparison.n >= 4 and comparison.agreement is not None and comparison.no_conclusion
    assert all(0 <= p.place <= 1 and 1 <= p.outcome <= 5 for p in comparison.points)
    places = outcomes.places_of(call)
    assert set(places) == {p.id for p in projects()}
    assert {p.submission.creation_key for p in comparison.without_outcome} == {"ed2025-07"}  # being set up


def test_the_organiser_s_comparison_page_shows_the_scatter_and_rho(demo, client):
    comparison = outcomes.compare(calls=[edition()], outcome=outcomes.EVIDENCE_LEVEL)
    sign_in_as(client, user("Sophie Martin"))
    response = client.get("/manage/impact/outcomes")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'class="outcomes__rho"' in page and "ρ" in page and 'id="no-conclusion"' in page
    assert 'id="outcomes-chart-title"' in page and 'id="too-few"' not in page
    assert page.count('class="chart__dot"') == len({(p.place, p.outcome) for p in comparison.points})
    assert all(p.submission.reference in page for p in comparison.points)


def test_the_jury_pages_of_the_edition_render(demo, client):
    call = edition()
    member = user("Philippe Moreau")
    hidden = deliberation.hidden_from(call, member, organiser=False)
    shown = [p.id for p in projects() if p.id not in hidden]
    sign_in_as(client, member)
    paths = ["/jury/", f"/jury/calls/{call.id}/ranking", f"/jury/calls/{call.id}/ranking.csv",
             f"/jury/calls/{call.id}/reviews.csv", f"/jury/calls/{call.id}/votes",
             *(f"/jury/calls/{call.id}/projects/{sid}" for sid in shown)]
    assert {path: client.get(path).status_code for path in paths} == {path: 200 for path in paths}
    assert len(shown) >= 15


def test_loading_the_demo_again_changes_nothing(demo):
    def state():
        found = [(r.submission_id, r.reviewer_id, r.total, r.confidence, r.comment_to_applicants, r.created_at,
                  r.submitted_at) for r in edition_reviews()]
        runs = [(r.id, r.inputs_hash, r.finished_at) for r in db.session.scalars(
            db.select(CalibrationRun).where(CalibrationRun.call_id == edition().id))]
        counts = [db.session.scalar(db.select(db.func.count()).select_from(m))
                  for m in (PoolMember, AssignmentRun, Assignment, Review, ReviewScore, CalibrationRun, AuditEvent,
                            OutboxEmail)]
        return found, runs, counts

    before = state()
    load_demo()
    db.session.commit()
    db.session.expire_all()
    assert state() == before
