"""Across editions (services.impact.outcomes): each followed project's place within its call's calibrated
ranking against an outcome of its follow-up, with Spearman's rho and its bootstrap interval."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from prizeapp.core import impact as impact_core
from prizeapp.enums import CallRoleKind, DecisionOutcome, EvidenceLevel, ReplicationReadiness, ReplicationStatus
from prizeapp.extensions import db
from prizeapp.models import ImpactPlan
from prizeapp.permissions import managed_calls_filter
from prizeapp.services.impact import outcomes
from prizeapp.services.innovations import records

from .. import factories

LEVELS = list(EvidenceLevel)


def _edition(year: int, levels: list[int], *, extra_scores: tuple = (), calibrated: bool = True):
    """A call of `year` whose followed projects have the evidence levels `levels` (1–5), scored in the same
    order (the first the lowest), and unfollowed projects of `extra_scores`."""
    call = factories.results_call(results_at=datetime(year, 6, 1, 10, 0, tzinfo=UTC), title=f"Prix {year}")
    scores, projects = {}, []
    for i, level in enumerate(levels):
        project = factories.laureate(call=call, title=f"Projet {year}-{i}")
        plan = factories.impact_plan(project=project)
        factories.impact_report(plan, 6, values=(100, 14, 60), evidence_level=LEVELS[level - 1],
                                readiness=ReplicationReadiness.EARLY)
        scores[project] = 2.0 + i
        projects.append(project)
    for score in extra_scores:
        scores[factories.laureate(call=call, outcome=DecisionOutcome.NOT_SELECTED)] = score
    if calibrated:
        factories.calibration_run(call, scores)
    return call, projects


def test_places_are_each_projects_share_of_its_call_below_it():
    call, projects = _edition(2024, [1, 2], extra_scores=(0.5, 1.0, 9.0))
    places = outcomes.places_of(call)
    # Scores 0.5, 1.0, 2.0, 3.0, 9.0: the followed ones are 3rd and 4th of 5.
    assert places[projects[0].id] == (0.5, 2.0) and places[projects[1].id] == (0.75, 3.0)


def test_places_ignore_withdrawn_projects_and_unfinished_runs():
    call = factories.results_call()
    a, b, c = (factories.laureate(call=call) for _ in range(3))
    factories.calibration_run(call, {a: 1.0, b: 2.0, c: 3.0}, withdrawn=(c,))
    factories.calibration_run(call, {a: 3.0, b: 2.0}, done=False)  # later, but not finished
    assert outcomes.places_of(call) == {a.id: (0.0, 1.0), b.id: (1.0, 2.0)}
    assert outcomes.places_of(factories.results_call()) is None


def test_rank_agreement_over_editions_compared_by_place():
    first, _ = _edition(2024, [1, 2, 2, 4])
    second, _ = _edition(2025, [2, 3, 5])
    comparison = outcomes.compare(calls=[first, second], outcome=outcomes.EVIDENCE_LEVEL)
    assert comparison.n == 7
    assert [p.place for p in comparison.points] == [0, 1 / 3, 2 / 3, 1, 0, 0.5, 1]
    assert [p.outcome for p in comparison.points] == [1, 2, 2, 4, 2, 3, 5]
    expected = impact_core.rank_agreement([0, 1 / 3, 2 / 3, 1, 0, 0.5, 1], [1, 2, 2, 4, 2, 3, 5],
                                          seed=outcomes.SEED)
    assert comparison.agreement == expected
    assert 0.5 < comparison.agreement.rho < 1 and comparison.agreement.low < comparison.agreement.rho
    assert comparison.no_conclusion and not comparison.too_few


def test_under_four_projects_no_correlation_is_computed():
    call, _ = _edition(2024, [1, 3, 5])
    comparison = outcomes.compare(calls=[call], outcome=outcomes.EVIDENCE_LEVEL)
    assert comparison.n == 3 and comparison.too_few and comparison.agreement is None


def test_projects_of_a_call_without_a_finished_calibration_are_listed_apart():
    ranked, _ = _edition(2024, [1, 2, 3, 4])
    unranked, lost = _edition(2025, [5, 5], calibrated=False)
    comparison = outcomes.compare(calls=[ranked, unranked], outcome=outcomes.EVIDENCE_LEVEL)
    assert comparison.n == 4
    assert [p.submission.id for p in comparison.without_score] == [p.id for p in lost]
    assert comparison.agreement.rho == pytest.approx(1.0)


def test_a_project_with_nothing_submitted_has_no_outcome_yet():
    call, projects = _edition(2024, [1, 2, 3, 4])
    waiting = factories.laureate(call=call, title="En retard")
    factories.impact_plan(project=waiting)
    factories.calibration_run(call, {**{p: 2.0 + i for i, p in enumerate(projects)}, waiting: 9.0})
    comparison = outcomes.compare(calls=[call], outcome=outcomes.EVIDENCE_LEVEL)
    assert [p.submission.id for p in comparison.without_outcome] == [waiting.id]
    assert comparison.n == 4


def test_the_share_of_targets_reached_at_the_latest_report():
    _edition(2024, [1])
    plan = db.session.scalars(db.select(ImpactPlan)).one()
    # Baselines 0, 21, 55 and targets 400, 7, 80: 400 reached, 14 halfway, 45 went the other way (counted as 0).
    factories.impact_report(plan, 12, values=(500, 14, 45))
    assert outcomes.outcome_of(plan, outcomes.TARGETS_REACHED, {}) == pytest.approx((1 + 0.5 + 0) / 3)
    assert outcomes.outcome_of(plan, outcomes.READINESS, {}) == 2.0
    assert outcomes.outcome_of(plan, outcomes.EVIDENCE_LEVEL, {}) == 1.0


def test_replications_count_those_taken_up_of_the_projects_record():
    call, (with_record, without_record) = _edition(2024, [1, 2])
    lead = with_record.members[0].user
    record = records.start(submission=with_record, actor=lead)
    factories.replications_of(record, ReplicationStatus.PREPARING, ReplicationStatus.OPERATING,
                              ReplicationStatus.INTERESTED, ReplicationStatus.ABANDONED)
    factories.replications_of(record, ReplicationStatus.LAUNCHED, answered=False)
    db.session.commit()
    assert outcomes.replication_counts([with_record.id, without_record.id]) == {with_record.id: 2}
    comparison = outcomes.compare(calls=[call], outcome=outcomes.REPLICATIONS)
    assert [(p.submission.id, p.outcome) for p in comparison.points] == [(with_record.id, 2.0)]
    assert [p.submission.id for p in comparison.without_outcome] == [without_record.id]


def test_the_calls_compared_are_those_one_organises_with_published_results_and_followed_projects():
    mine, _ = _edition(2024, [1])
    theirs, _ = _edition(2025, [2])
    unfollowed = factories.results_call()
    factories.laureate(call=unfollowed)
    unpublished = factories.call()
    organiser, admin = factories.user(), factories.user(admin=True)
    for call in (mine, unfollowed, unpublished):
        factories.grant(organiser, call, CallRoleKind.ORGANISER)
    assert outcomes.comparable_calls(managed_calls_filter(organiser)) == [mine]
    assert outcomes.comparable_calls(managed_calls_filter(admin)) == [theirs, mine]
