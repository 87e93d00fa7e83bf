"""Across editions: did the ranking pick the projects that went on to work? Each followed project's place within
its call (its calibrated score among the call's, 0 to 1) against an outcome of its follow-up, with Spearman's
rho and its bootstrap interval (core.impact.rank_agreement).

Only published calls with followed projects are compared. The place comes from the call's latest finished
calibration run (services.ranking.latest); a call without one gives no place, and its projects are listed
apart. Editions are compared by place, never by raw score: grids, scales and juries differ.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import selectinload

from ...core import impact as impact_core
from ...extensions import db
from ...models import Call, ImpactPlan, Innovation, Replication, Submission
from .. import ranking
from ..innovations.replications import taken_up_condition
from .overview import latest_of, submitted_reports

EVIDENCE_LEVEL, TARGETS_REACHED, READINESS, REPLICATIONS = "evidence_level", "targets_reached", "readiness", \
    "replications"
OUTCOMES = (EVIDENCE_LEVEL, TARGETS_REACHED, READINESS, REPLICATIONS)
SEED = 0  # the bootstrap's: the same projects always give the same interval
FEW = 10  # below this many projects, no conclusion should be drawn from the figure


@dataclass(frozen=True)
class ProjectPoint:
    submission: Submission
    call: Call
    place: float | None  # within its call, 0 (lowest calibrated score) to 1 (highest); None without a score
    score: float | None
    outcome: float | None  # None: nothing reported yet (or no innovation record, for replications)


@dataclass
class Comparison:
    outcome: str
    calls: list[Call]
    points: list[ProjectPoint]  # a place and an outcome: in the correlation
    without_score: list[ProjectPoint] = field(default_factory=list)  # no finished calibration run of its call
    without_outcome: list[ProjectPoint] = field(default_factory=list)
    agreement: impact_core.Agreement | None = None

    @property
    def n(self) -> int:
        return len(self.points)

    @property
    def too_few(self) -> bool:
        """Under 4 projects no correlation is computed: any order of so few can arise by chance."""
        return self.n < 4

    @property
    def no_conclusion(self) -> bool:
        return self.n < FEW


def comparable_calls(scope) -> list[Call]:
    """The calls within `scope` (an SQL condition on Call, e.g. the ones a person organises) whose results are
    published and that have followed projects, the latest results first."""
    followed = db.select(ImpactPlan.call_id)
    return list(db.session.scalars(db.select(Call).where(scope, Call.results_published_at.is_not(None),
                                                         Call.id.in_(followed))
                                   .order_by(Call.results_published_at.desc(), Call.id.desc())))


def places_of(call: Call) -> dict[int, tuple[float, float]] | None:
    """Each ranked project's (place, calibrated score) in the call's latest finished calibration, by submission
    id (withdrawn projects left out, as services.results.standing does); None without a finished run."""
    run = ranking.latest(call)
    if run is None:
        return None
    rows = [row for row in run.result.get("submissions", [])
            if not row.get("withdrawn") and row.get("score") is not None]
    places = impact_core.percentile_ranks([float(row["score"]) for row in rows]) if rows else []
    return {row["id"]: (place, float(row["score"])) for row, place in zip(rows, places)}


def outcome_of(plan: ImpactPlan, outcome: str, replications: dict[int, int]) -> float | None:
    """The project's outcome as a number: the latest evidence level (1–5), the share of its targets reached at
    its latest report (core.impact.targets_reached_share), the latest readiness to replicate (1–4), or the
    replications of its innovation record that count as taken up (`replications`, by submission id; None
    without a record)."""
    if outcome == EVIDENCE_LEVEL:
        level = latest_of(plan, "evidence_level")
        return float(level.value) if level is not None else None
    if outcome == READINESS:
        readiness = latest_of(plan, "readiness")
        return float(readiness.value) if readiness is not None else None
    if outcome == TARGETS_REACHED:
        reports = submitted_reports(plan)
        if not reports:
            return None
        latest = reports[0]
        return impact_core.targets_reached_share([impact_core.progress(i.baseline, i.target, latest.value_of(i))
                                                  for i in plan.indicators])
    if outcome == REPLICATIONS:
        count = replications.get(plan.submission_id)
        return float(count) if count is not None else None
    raise ValueError(outcome)


def replication_counts(submission_ids: list[int]) -> dict[int, int]:
    """The replications that count as taken up (services.innovations.replications.counts_as_taken_up) of each
    project's innovation record, by submission id; a project without a record is not in it."""
    if not submission_ids:
        return {}
    records = db.session.execute(db.select(Innovation.submission_id, Innovation.id)
                                 .where(Innovation.submission_id.in_(submission_ids))).all()
    counts = dict(db.session.execute(
        db.select(Replication.innovation_id, db.func.count(Replication.id))
        .where(Replication.innovation_id.in_([r.id for r in records]), taken_up_condition())
        .group_by(Replication.innovation_id)).all())
    return {submission_id: counts.get(innovation_id, 0) for submission_id, innovation_id in records}


def compare(*, calls: list[Call], outcome: str) -> Comparison:
    """Each followed project of `calls`: its place within its call against `outcome` (one of OUTCOMES), and
    their rank agreement when at least 4 projects have both."""
    if outcome not in OUTCOMES:
        raise ValueError(outcome)
    plans = db.session.scalars(
        db.select(ImpactPlan).where(ImpactPlan.call_id.in_([c.id for c in calls]))
        .options(selectinload(ImpactPlan.submission), selectinload(ImpactPlan.indicators),
                 selectinload(ImpactPlan.reports))).all()
    by_call = {c.id: c for c in calls}
    places = {c.id: places_of(c) for c in calls}
    replications = replication_counts([p.submission_id for p in plans]) if outcome == REPLICATIONS else {}
    comparison = Comparison(outcome=outcome, calls=calls, points=[])
    for plan in sorted(plans, key=lambda p: (p.call_id, p.submission.reference)):
        call_places = places[plan.call_id]
        place, score = (call_places or {}).get(plan.submission_id, (None, None))
        point = ProjectPoint(submission=plan.submission, call=by_call[plan.call_id], place=place, score=score,
                             outcome=outcome_of(plan, outcome, replications))
        if place is None:
            comparison.without_score.append(point)
        elif point.outcome is None:
            comparison.without_outcome.append(point)
        else:
            comparison.points.append(point)
    comparison.agreement = impact_core.rank_agreement([p.place for p in comparison.points],
                                                      [p.outcome for p in comparison.points], seed=SEED)
    return comparison
