"""The jury's ranking: the call's submitted reviews calibrated (`prizeapp.core.calibration`), stored as a run.

A run records the model, its parameters and a hash of its inputs (every review's scores and confidence, the
grid, the excluded reviewers, the options): the same reviews and settings always give the same ranking, and
computing them again reuses the stored result. Like assignment runs, calibration runs are queued and computed
by the job worker (`flask jobs work`), which reports progress.
"""
from __future__ import annotations

import bisect
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..core import calibration
from ..core import grid as grid_core
from ..core.calibration import explain
from ..enums import CalibrationStatus, ReviewStatus, SubmissionStatus
from ..errors import RuleError
from ..extensions import db
from ..models import CalibrationExclusion, CalibrationRun, Call, Review, Submission, User
from ..models.types import utcnow
from . import audit, reviews

# A project's reviews disagree when their totals span more than this share of the grid's scale.
DISAGREEMENT_SHARE = 0.3
# What a stored ranking holds, in its inputs' hash: a run stored before a change of it is not reused. 2: what
# the explanations read (qualities, priors, draws, reviewers' noise and spread uncertainty, confidences).
RESULT_FORMAT = 2


class RankingError(RuleError):
    """A ranking the rules do not allow (an unknown model)."""


def reviewer_code(position: int) -> str:
    """A reviewer's letters from their place among the ranking's reviewers: A…Z, then A2…Z2 and so on (the
    jury's pages and the jury pack name them so when the call hides names)."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return letters[position % 26] + (str(position // 26 + 1) if position >= 26 else "")


def _flush(percent: int) -> None:
    db.session.flush()


def grid_scale(call: Call) -> tuple[float, float]:
    """The scale of the grid's weighted total (the scale of the calibrated scores)."""
    criteria = list(call.criteria)
    return grid_core.grid_scale([(c.scale_min, c.scale_max) for c in criteria], [c.weight for c in criteria])


def start_calibration(*, call: Call, actor: User, model: str | None = None, seed: int = 0) -> CalibrationRun:
    """Queue a calibration of the call's submitted reviews with `model` (the call's by default)."""
    model = model or call.calibration_model
    if model not in calibration.MODELS:
        raise RankingError("unknown_model", model=model)
    run = CalibrationRun(call_id=call.id, model=model, params={"seed": seed, "top_k": call.prize_count},
                         status=CalibrationStatus.QUEUED, progress=0, created_by_id=actor.id)
    db.session.add(run)
    db.session.flush()
    audit.record(action=audit.AuditAction.CALIBRATION_QUEUED, actor=actor, obj=run, call=call,
                 details={"model": model, "seed": seed, "top_k": call.prize_count})
    return run


def inputs_hash(call: Call, rows: reviews.ReviewRows, model: str, params: dict) -> str:
    """sha256 of everything a ranking depends on, in a canonical form."""
    payload = {
        "model": model, "params": params,
        "grid": [[c.id, c.weight, c.scale_min, c.scale_max] for c in call.criteria],
        "reviews": [rows.submission_ids, rows.reviewer_ids, rows.totals, rows.confidences],
        "criteria": {str(k): v for k, v in sorted(rows.criterion_scores.items())},
        "excluded": rows.excluded_reviewer_ids,
        "format": RESULT_FORMAT,
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=float)
    return hashlib.sha256(text.encode()).hexdigest()


def run_calibration(*, run: CalibrationRun, report: Callable[[int], None] = _flush) -> CalibrationRun:
    """Calibrate the call's submitted reviews and store the ranking in `run.result` (DONE), or the reason it
    cannot be computed (FAILED). `report(percent)` is called as the work advances."""
    call = run.call
    run.status, run.started_at, run.error = CalibrationStatus.RUNNING, run.started_at or utcnow(), None
    run.progress = 5
    report(5)
    rows = reviews.review_rows(call)
    if not rows.submission_ids:
        return _fail(run, "no_reviews")
    params = {"seed": int(run.params.get("seed", 0)), "top_k": run.params.get("top_k")}
    run.inputs_hash = inputs_hash(call, rows, run.model, params)
    previous = db.session.scalar(db.select(CalibrationRun).where(
        CalibrationRun.call_id == call.id, CalibrationRun.inputs_hash == run.inputs_hash,
        CalibrationRun.status == CalibrationStatus.DONE, CalibrationRun.id != run.id)
        .order_by(CalibrationRun.id.desc()).limit(1))
    if previous is not None:
        run.result = {**previous.result, "reused_from": previous.id}
    else:
        try:
            run.result = _compute(call, rows, run.model, params, report)
        except ValueError as error:  # inputs the model cannot take (e.g. one review in all)
            return _fail(run, "invalid_inputs", detail=str(error))
    run.status, run.finished_at, run.progress = CalibrationStatus.DONE, utcnow(), 100
    report(100)
    audit.record(action=audit.AuditAction.CALIBRATION_DONE, obj=run, call=call,
                 details={"model": run.model, "params": params, "inputs_hash": run.inputs_hash,
                          "reused_from": run.result.get("reused_from")})
    return run


def _fail(run: CalibrationRun, code: str, **params) -> CalibrationRun:
    run.status, run.finished_at, run.progress = CalibrationStatus.FAILED, utcnow(), 100
    run.error = code if not params else f"{code}: {params.get('detail', '')}"
    run.result = {"error": code, **params}
    audit.record(action=audit.AuditAction.CALIBRATION_FAILED, obj=run, call=run.call, details={"error": run.error})
    return run


def _compute(call: Call, rows: reviews.ReviewRows, model: str, params: dict,
             report: Callable[[int], None]) -> dict:
    lo, hi = grid_scale(call)
    n_projects = len(set(rows.submission_ids))
    top_k = params["top_k"] if params["top_k"] and params["top_k"] <= n_projects else None
    options = {"model": model, "seed": params["seed"]}
    confidence = rows.confidences if all(c is not None for c in rows.confidences) else None
    total = calibration.calibrate(rows.submission_ids, rows.reviewer_ids, rows.totals, confidence,
                                  scale=(lo, hi), step=0.0, top_k=top_k, **options)
    report(60)
    criteria = {}
    for criterion in call.criteria:
        values = rows.criterion_scores.get(criterion.id, [])
        kept = [i for i, v in enumerate(values) if v is not None]
        if len({rows.submission_ids[i] for i in kept}) < 2:
            continue
        result = calibration.calibrate([rows.submission_ids[i] for i in kept], [rows.reviewer_ids[i] for i in kept],
                                       [float(values[i]) for i in kept],
                                       [rows.confidences[i] for i in kept] if confidence else None,
                                       scale=(criterion.scale_min, criterion.scale_max), n_draws=50, **options)
        criteria[str(criterion.id)] = {str(s.id): s.score for s in result.submissions}
    report(85)
    return _as_json(call, rows, total, criteria, (lo, hi))


def _as_json(call: Call, rows: reviews.ReviewRows, result: calibration.CalibrationResult, criteria: dict,
             scale: tuple[float, float]) -> dict:
    """What the ranking pages and exports read: plain JSON, best project first."""
    lo, hi = scale
    totals: dict[int, list[float]] = defaultdict(list)
    for sid, value in zip(rows.submission_ids, rows.totals):
        totals[sid].append(value)
    raw_order = sorted(totals, key=lambda sid: (-float(np.mean(totals[sid])), sid))
    raw_rank: dict[int, int] = {}
    for position, sid in enumerate(raw_order, start=1):  # ties share the better rank
        previous = raw_order[position - 2] if position > 1 else None
        same = previous is not None and np.mean(totals[previous]) == np.mean(totals[sid])
        raw_rank[sid] = raw_rank[previous] if same else position
    submissions = {s.id: s for s in db.session.scalars(db.select(Submission).where(
        Submission.id.in_(list(totals))))}
    people = {u.id: u for u in db.session.scalars(db.select(User).where(User.id.in_(set(rows.reviewer_ids))))}
    outliers = {o.id: {"kind": o.kind, "reason": o.reason} for o in result.outliers}
    leniency = {r.id: r for r in result.reviewers}
    center = float(result.parameters.get("center", (lo + hi) / 2))
    projects = []
    for s in result.submissions:
        record = submissions[s.id]
        values = totals[s.id]
        spread = max(values) - min(values) if len(values) > 1 else 0.0
        projects.append({
            "id": s.id, "reference": record.reference, "title": record.title, "category": record.category,
            "withdrawn": record.status != SubmissionStatus.SUBMITTED,
            "n_reviews": s.n_reviews, "raw_mean": s.raw_mean, "raw_rank": raw_rank[s.id],
            "score": s.score, "score_low": s.score_low, "score_high": s.score_high,
            "rank": s.rank, "rank_low": s.rank_low, "rank_high": s.rank_high,
            "top_k_probability": s.top_k_probability,
            "spread": spread, "disagreement": spread > DISAGREEMENT_SHARE * (hi - lo),
            "criteria": {cid: scores[str(s.id)] for cid, scores in criteria.items() if str(s.id) in scores},
            # what the explanations read (core.calibration.explain)
            "quality": s.quality, "prior_mean": s.prior_mean, "prior_sd": s.prior_sd,
            "draws": explain.pack_draws(draws) if (draws := result.score_draws(s.id)) is not None else None,
        })
    reviewers_json = []
    for r in result.reviewers:
        person = people.get(r.id)
        reviewers_json.append({
            "id": r.id, "name": person.full_name if person else f"#{r.id}", "n_reviews": r.n_reviews,
            "co_reviewers": r.co_reviewers,
            "leniency": r.leniency, "leniency_low": r.leniency_low, "leniency_high": r.leniency_high,
            "scale": r.scale, "scale_low": r.scale_low, "scale_high": r.scale_high,
            "reliability": r.reliability, "outlier": outliers.get(r.id),
            "noise_sd": r.noise_sd, "log_scale_sd": r.log_scale_sd,
        })
    reviews_json = []
    for sid, rid, value, confidence in zip(rows.submission_ids, rows.reviewer_ids, rows.totals, rows.confidences):
        reviews_json.append({"submission_id": sid, "reviewer_id": rid, "total": value, "confidence": confidence,
                             "corrected": corrected_score(value, leniency[rid], center, scale)})
    connectivity = result.connectivity
    return {
        "model": result.model, "parameters": _plain(result.parameters), "scale": [lo, hi],
        "top_k": result.top_k, "level": result.level, "seed": result.seed, "n_draws": result.n_draws,
        "submissions": projects, "reviewers": reviewers_json, "reviews": reviews_json,
        "connectivity": {
            "n_components": connectivity.n_components,
            "components": [{"reviewers": list(c.reviewers), "submissions": len(c.submissions)}
                           for c in connectivity.components],
            "single_link_reviewers": list(connectivity.single_link_reviewers),
            "warnings": list(connectivity.warnings),
        },
        "warnings": list(result.warnings),
        "criteria": [{"id": c.id, "name": c.name, "weight": c.weight} for c in call.criteria],
        "excluded_reviewer_ids": rows.excluded_reviewer_ids,
    }


def corrected_score(raw: float, reviewer: calibration.ReviewerEstimate, center: float,
                    scale: tuple[float, float]) -> float:
    """What a reviewer of average leniency and spread would have given instead of `raw`: the reviewer's
    leniency taken off, their spread brought back to the average (around the scores' centre), in the scale."""
    spread = reviewer.scale if reviewer.scale else 1.0
    value = center + (raw - reviewer.leniency - center) / spread
    return float(min(max(value, scale[0]), scale[1]))


def _plain(value):
    """JSON-safe copy of the model's parameters (numpy numbers become floats)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    return value


# --- what a jury member recused from some projects sees --------------------------------------------------

def view_without(result: dict, hidden: set[int] | frozenset[int]) -> dict:
    """The stored ranking `result` as someone recused from the projects `hidden` sees it: as if those
    projects did not exist. The stored result is not changed; with none of them in it, it is returned as is.

    Recomputed over the other projects and their reviews only: ranks 1..n (calibrated and raw, ties sharing
    the better rank, in the stored order), the reviews, each reviewer's number of reviews and co-reviewers
    (reviewers left without a review are gone), and the groups of reviewers that share no project. Kept: each
    project's own calibrated score and interval, and its criteria. Left out (None, or empty), because only the
    whole call gives them: rank intervals and the chance of being among the laureates (read from posterior
    draws over every project, which the run does not keep), reviewers' leniency, spread, reliability and
    outlier flags (estimated from all their reviews) with the corrected totals that follow from them, and the
    model's parameters and warnings (they count and name the whole call)."""
    hidden = set(hidden) & {p["id"] for p in result["submissions"]}  # a draft of their team's is not in it
    if not hidden:
        return result
    projects = [p for p in result["submissions"] if p["id"] not in hidden]
    rank = _ranks_among([p["rank"] for p in projects])
    raw_rank = _ranks_among([p["raw_rank"] for p in projects])
    submissions = [{**p, "rank": rank[i], "raw_rank": raw_rank[i], "rank_low": None, "rank_high": None,
                    "top_k_probability": None} for i, p in enumerate(projects)]
    kept = {p["id"] for p in projects}
    reviews_json = [{**r, "corrected": None} for r in result["reviews"] if r["submission_id"] in kept]
    reviewers_of: dict[int, set[int]] = defaultdict(set)
    for r in reviews_json:
        reviewers_of[r["submission_id"]].add(r["reviewer_id"])
    counts: dict[int, int] = defaultdict(int)
    co: dict[int, set[int]] = defaultdict(set)
    for r in reviews_json:
        counts[r["reviewer_id"]] += 1
        co[r["reviewer_id"]] |= reviewers_of[r["submission_id"]] - {r["reviewer_id"]}
    reviewers_json = [{"id": r["id"], "name": r["name"], "n_reviews": counts[r["id"]],
                       "co_reviewers": len(co[r["id"]]), "leniency": None, "leniency_low": None,
                       "leniency_high": None, "scale": None, "scale_low": None, "scale_high": None,
                       "reliability": None, "outlier": None}
                      for r in result["reviewers"] if counts.get(r["id"])]
    components = _components(reviewers_of)
    return {**result, "submissions": submissions, "reviewers": reviewers_json, "reviews": reviews_json,
            "parameters": {}, "warnings": [], "excluded_reviewer_ids": [], "restricted": True,
            "connectivity": {"n_components": len(components), "components": components,
                             "single_link_reviewers": [], "warnings": []}}


def _ranks_among(ranks: list[int]) -> list[int]:
    """Each project's rank among those listed, from its rank among more: one more than the number of listed
    projects strictly ahead of it (projects that shared a rank still share one)."""
    ordered = sorted(ranks)
    return [bisect.bisect_left(ordered, value) + 1 for value in ranks]


def _components(reviewers_of: dict[int, set[int]]) -> list[dict]:
    """The groups of reviewers that share no project, from each project's reviewers: most reviewers first."""
    parent: dict[int, int] = {}

    def root(node: int) -> int:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for people in reviewers_of.values():
        first, *others = sorted(people)
        for other in others:
            parent[root(other)] = root(first)
    groups: dict[int, dict] = {}
    for people in reviewers_of.values():
        group = groups.setdefault(root(min(people)), {"reviewers": set(), "submissions": 0})
        group["reviewers"] |= people
        group["submissions"] += 1
    return sorted(({"reviewers": sorted(g["reviewers"]), "submissions": g["submissions"]} for g in groups.values()),
                  key=lambda g: (-len(g["reviewers"]), g["reviewers"][0]))


def exclusions(call: Call, hidden: set[int] | frozenset[int] = frozenset()) -> list[CalibrationExclusion]:
    """The reviewers organisers left out of the call's calibration, oldest first; with `hidden` projects,
    only those who reviewed one of the others (a reviewer of the hidden projects only does not exist there)."""
    query = db.select(CalibrationExclusion).where(CalibrationExclusion.call_id == call.id)
    if hidden:
        query = query.where(CalibrationExclusion.reviewer_id.in_(db.select(Review.reviewer_id).where(
            Review.call_id == call.id, Review.status == ReviewStatus.SUBMITTED,
            Review.submission_id.not_in(list(hidden)))))
    return list(db.session.scalars(query.order_by(CalibrationExclusion.excluded_at, CalibrationExclusion.id)))


def latest(call: Call) -> CalibrationRun | None:
    """The newest finished ranking of `call` (DONE), if any."""
    return db.session.scalar(db.select(CalibrationRun).where(
        CalibrationRun.call_id == call.id, CalibrationRun.status == CalibrationStatus.DONE)
        .order_by(CalibrationRun.id.desc()).limit(1))


def is_current(call: Call, run: CalibrationRun) -> bool:
    """Whether the reviews and settings are still those the run was computed from."""
    rows = reviews.review_rows(call)
    params = {"seed": int(run.params.get("seed", 0)), "top_k": run.params.get("top_k")}
    return inputs_hash(call, rows, run.model, params) == run.inputs_hash


# --- the ranking page -------------------------------------------------------------------------------------

SORTS = ("rank", "raw_rank", "score", "disagreement", "reference")


@dataclass
class ReviewCounts:
    """The reviews asked for (committed assignments) and submitted, on the `projects` a viewer sees; `hidden`
    projects of the call are not shown to them (their recusals), nor counted."""

    submitted: int
    assigned: int
    projects: int = 0
    hidden: int = 0


@dataclass
class SeenRanking:
    """The latest ranking of a call as one viewer sees it: `view_without` the projects they are recused from,
    computed here once for every jury page and export. `hidden` counts those projects among the call's
    submitted ones (what the pages tell them, « 7 projets ne vous sont pas montrés »)."""

    run: CalibrationRun | None
    result: dict | None
    hidden: int = 0

    @property
    def restricted(self) -> bool:
        return bool(self.result and self.result.get("restricted"))


def seen_by(call: Call, hidden: set[int] | frozenset[int]) -> SeenRanking:
    """The latest ranking of `call` for a viewer who may not see the projects `hidden`: as if those projects
    did not exist (`view_without`: ranks 1..n among the others), with the number of them."""
    run = latest(call)
    if run is None:
        return SeenRanking(run=None, result=None, hidden=hidden_count(call, hidden))
    return SeenRanking(run=run, result=view_without(run.result, hidden), hidden=hidden_count(call, hidden))


def hidden_count(call: Call, hidden: set[int] | frozenset[int]) -> int:
    """How many of the call's submitted projects are among `hidden` (a viewer's recusals)."""
    if not hidden:
        return 0
    return len(set(db.session.scalars(db.select(Submission.id).where(
        Submission.call_id == call.id, Submission.submitted_at.is_not(None),
        Submission.id.in_(list(hidden))))))


def laureate_cutoff(result: dict) -> float | None:
    """The calibrated score halfway between the last project within the laureates' number (`top_k`, the call's
    prizes) and the next one, among the projects of `result` (those a viewer sees); None without prizes, or
    when every project is within them."""
    k = result.get("top_k")
    projects = sorted(result["submissions"], key=lambda p: (p["rank"], -p["score"]))
    if not k or len(projects) <= k:
        return None
    return (projects[k - 1]["score"] + projects[k]["score"]) / 2


@dataclass
class RankingPage:
    """What the jury's ranking page shows, for one viewer: the run being computed or failed, the latest
    ranking as the viewer may see it (`seen_by`), its rows filtered and sorted, and the cut-off between the
    laureates' number and the others among what they see."""

    pending: CalibrationRun | None
    failed: CalibrationRun | None
    run: CalibrationRun | None
    counts: ReviewCounts
    result: dict | None = None
    rows: list[dict] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    up_to_date: bool = True
    exclusions: list[CalibrationExclusion] = field(default_factory=list)
    cutoff: float | None = None

    @property
    def restricted(self) -> bool:
        return bool(self.result and self.result.get("restricted"))


def ranking_page(call: Call, *, hidden: frozenset[int], category: str = "", sort: str = "rank") -> RankingPage:
    """The ranking page's data for a viewer who may not see the projects `hidden` (their recusals): the counts,
    the rows of `category` (all when empty) sorted by one of SORTS, and the run's state."""
    pending = db.session.scalar(db.select(CalibrationRun).where(
        CalibrationRun.call_id == call.id,
        CalibrationRun.status.in_((CalibrationStatus.QUEUED, CalibrationStatus.RUNNING)))
        .order_by(CalibrationRun.id.desc()).limit(1))
    last = db.session.scalar(db.select(CalibrationRun).where(CalibrationRun.call_id == call.id)
                             .order_by(CalibrationRun.id.desc()).limit(1))
    failed = last if last is not None and last.status == CalibrationStatus.FAILED else None
    seen = seen_by(call, hidden)
    # The counts a recused jury member sees leave their projects out too, and say so.
    kept = [row for sid, row in reviews.progress(call).by_submission.items() if sid not in hidden]
    counts = ReviewCounts(submitted=sum(r["submitted"] for r in kept), assigned=sum(r["assigned"] for r in kept),
                          projects=len(kept), hidden=seen.hidden)
    page = RankingPage(pending=pending, failed=failed, run=seen.run, counts=counts)
    if seen.run is None:
        return page
    page.result = seen.result
    page.rows = _sorted_rows([p for p in page.result["submissions"] if not category or p["category"] == category],
                             sort if sort in SORTS else "rank")
    page.categories = sorted({p["category"] for p in page.result["submissions"] if p["category"]})
    page.up_to_date = is_current(call, seen.run)
    page.exclusions = exclusions(call, hidden)
    page.cutoff = laureate_cutoff(page.result)
    return page


def _sorted_rows(rows: list[dict], sort: str) -> list[dict]:
    if sort == "disagreement":
        return sorted(rows, key=lambda p: (-p["spread"], p["rank"]))
    if sort == "reference":
        return sorted(rows, key=lambda p: p["reference"])
    if sort == "score":
        return sorted(rows, key=lambda p: (-p["score"], p["rank"]))
    return sorted(rows, key=lambda p: (p[sort], p["reference"]))
