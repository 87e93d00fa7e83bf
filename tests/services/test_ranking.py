"""The jury's ranking computed from the database: calibration runs, their stored result and input hash."""
from datetime import timedelta

import pytest

from prizeapp.enums import (
    AssignmentStatus,
    CalibrationStatus,
    CallPhase,
    ReviewStatus,
    SubmissionStatus,
)
from prizeapp.extensions import db
from prizeapp.models import Assignment, CalibrationRun, Review, ReviewScore
from prizeapp.models.types import utcnow
from prizeapp.services import ranking
from prizeapp.services import reviews as reviews_service

from .. import factories

# Six projects (scale 1–5, one criterion). Reviewers A and B are fair; H is harsh by 1.5 points. Projects 0
# and 1 are the best, but each is read by H and one fair reviewer only, so the raw mean puts project 2 first;
# H also reviews projects 3 and 4 with A and B, which shows how harsh H is.
TRUE = [4.6, 4.4, 4.2, 3.5, 3.0, 2.0]
DESIGN = {"A": [0, 2, 3, 4, 5], "B": [1, 2, 3, 4, 5], "H": [0, 1, 3, 4]}
BIAS = {"A": 0.0, "B": 0.0, "H": -1.5}
NOISE = {("A", 0): 0.1, ("B", 1): -0.1, ("A", 2): -0.1, ("B", 3): 0.1, ("A", 4): 0.1, ("B", 5): -0.1,
         ("H", 3): 0.1}


def add_review(call, project, reviewer, total, confidence=2):
    a = Assignment(call_id=call.id, submission_id=project.id, reviewer_id=reviewer.id,
                   status=AssignmentStatus.COMMITTED)
    r = Review(call_id=call.id, submission_id=project.id, reviewer_id=reviewer.id, status=ReviewStatus.SUBMITTED,
               total=total, confidence=confidence, submitted_at=utcnow(),
               scores=[ReviewScore(criterion_id=call.criteria[0].id, score=round(total))])
    db.session.add_all([a, r])
    return r


@pytest.fixture
def panel():
    call = factories.call(phase=CallPhase.REVIEW)
    call.submission_deadline = utcnow() - timedelta(days=1)
    call.prize_count = 2
    projects = [factories.submission(call=call, status=SubmissionStatus.SUBMITTED, title=f"Projet {i}")
                for i in range(len(TRUE))]
    people = {name: factories.user(email=f"{name.lower()}@expert-{name.lower()}.fr", last_name=f"Expert{name}")
              for name in DESIGN}
    for name, indices in DESIGN.items():
        for i in indices:
            total = min(5.0, max(1.0, TRUE[i] + BIAS[name] + NOISE.get((name, i), 0.0)))
            add_review(call, projects[i], people[name], total)
    db.session.commit()
    return call, projects, people, factories.user()


def computed(call, organiser, **kwargs):
    run = ranking.start_calibration(call=call, actor=organiser, **kwargs)
    run = ranking.run_calibration(run=run)
    db.session.commit()
    return run


def test_the_ranking_corrects_a_harsh_reviewer(panel):
    call, projects, people, organiser = panel

    run = computed(call, organiser)

    assert run.status == CalibrationStatus.DONE, run.result
    rows = {p["id"]: p for p in run.result["submissions"]}
    first = rows[projects[0].id]
    assert first["raw_rank"] > 1  # the harsh reviewer pulled it down...
    assert first["rank"] == 1  # ...and calibration puts it back on top
    assert [p["id"] for p in run.result["submissions"]][:2] == [projects[0].id, projects[1].id]
    harsh = next(r for r in run.result["reviewers"] if r["id"] == people["H"].id)
    assert harsh["leniency"] < -0.5 and harsh["leniency_high"] < 0
    corrected = [r for r in run.result["reviews"] if r["reviewer_id"] == people["H"].id]
    assert all(r["corrected"] > r["total"] for r in corrected)
    assert all(0 <= p["top_k_probability"] <= 1 for p in run.result["submissions"])
    assert sum(p["top_k_probability"] for p in run.result["submissions"]) == pytest.approx(2, abs=1e-6)
    assert run.result["connectivity"]["n_components"] == 1
    assert str(call.criteria[0].id) in {cid for p in run.result["submissions"] for cid in p["criteria"]}


def test_same_reviews_and_settings_give_the_same_stored_ranking(panel):
    call, projects, people, organiser = panel
    first = computed(call, organiser)

    again = computed(call, organiser)

    assert again.inputs_hash == first.inputs_hash
    assert again.result["reused_from"] == first.id
    assert again.result["submissions"] == first.result["submissions"]
    assert ranking.is_current(call, again)


def test_a_new_review_or_another_model_changes_the_hash(panel):
    call, projects, people, organiser = panel
    first = computed(call, organiser)
    other_model = computed(call, organiser, model="additive")
    assert other_model.inputs_hash != first.inputs_hash and "reused_from" not in other_model.result

    add_review(call, projects[5], people["H"], 1.0)
    db.session.commit()

    assert not ranking.is_current(call, first)


def test_an_excluded_reviewer_is_left_out(panel):
    call, projects, people, organiser = panel
    reviews_service.exclude_reviewer(call=call, reviewer=people["H"], reason="Notes sans rapport", actor=organiser)
    db.session.commit()

    run = computed(call, organiser)

    assert people["H"].id not in {r["id"] for r in run.result["reviewers"]}
    assert run.result["excluded_reviewer_ids"] == [people["H"].id]


def test_without_reviews_the_run_fails_with_its_reason():
    call = factories.call(phase=CallPhase.REVIEW)

    run = computed(call, factories.user())

    assert (run.status, run.result) == (CalibrationStatus.FAILED, {"error": "no_reviews"})


def test_an_unknown_model_is_refused(panel):
    call, projects, people, organiser = panel
    with pytest.raises(ranking.RankingError):
        ranking.start_calibration(call=call, actor=organiser, model="astrology")
    assert db.session.scalar(db.select(db.func.count(CalibrationRun.id))) == 0


# --- what one viewer sees ---------------------------------------------------------------------------------

def _stored(scores: list[float], top_k: int | None) -> dict:
    return {"top_k": top_k, "submissions": [{"id": i + 1, "rank": i + 1, "score": s} for i, s in enumerate(scores)]}


@pytest.mark.parametrize("scores, top_k, cutoff", [
    ([4.6, 4.2, 3.8, 3.1], 2, 4.0),  # halfway between the second and the third
    ([4.6, 4.2], 2, None),  # every project within the prizes: no line to draw
    ([4.6, 4.2, 3.8], None, None),  # no prizes
])
def test_the_laureates_cut_off_lies_halfway_between_the_last_within_the_prizes_and_the_next(scores, top_k, cutoff):
    assert ranking.laureate_cutoff(_stored(scores, top_k)) == (pytest.approx(cutoff) if cutoff else None)


def test_the_cut_off_a_recused_viewer_sees_is_among_the_projects_they_see():
    stored = {**_stored([4.6, 4.2, 3.8, 3.1], 2), "reviews": [], "reviewers": [],
              "connectivity": {"n_components": 1, "components": []}}
    for p in stored["submissions"]:
        p["raw_rank"] = p["rank"]

    seen = ranking.view_without(stored, {2})

    # the first and the third are the two best of those seen: the line falls between the third and the fourth
    assert ranking.laureate_cutoff(seen) == pytest.approx((3.8 + 3.1) / 2) and ranking.view_without(stored, {99}) \
        is stored


def test_a_viewer_recused_from_a_project_sees_the_others_ranked_from_one(panel):
    call, projects, people, organiser = panel
    computed(call, organiser)

    page = ranking.ranking_page(call, hidden=frozenset({projects[0].id}))

    assert [p["rank"] for p in page.rows] == [1, 2, 3, 4, 5]
    assert page.counts.hidden == 1 and page.counts.projects == 5
    assert page.counts.submitted == page.counts.assigned == sum(
        len(indices) for indices in DESIGN.values()) - sum(1 for indices in DESIGN.values() if 0 in indices)
