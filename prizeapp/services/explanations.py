"""The ranking explained to the jury: one project's calibrated score taken apart, two projects compared, one
reviewer's estimates and scores against the others'. Read from a stored ranking as one viewer sees it
(`ranking.view_without`: a jury member recused from some project gets no leniency, spread or reliability, hence
no decomposition); the maths is `core.calibration.explain`."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..core.calibration import explain
from ..enums import AssignmentStatus, ReviewStatus
from ..extensions import db
from ..models import Assignment, Review, Submission, User


def explainable(result: dict | None) -> bool:
    """Whether `result` (a stored ranking as the viewer sees it) carries what a decomposition needs: not a
    view restricted by recusals, and stored with the explanations' data (`ranking.RESULT_FORMAT` 2)."""
    if not result or result.get("restricted") or not result.get("submissions"):
        return False
    return "quality" in result["submissions"][0] and all("noise_sd" in r for r in result["reviewers"])


def _inputs(result: dict):
    reviewers = {r["id"]: explain.Reviewer(leniency=r["leniency"], scale=r["scale"] or 1.0,
                                           log_scale_sd=r.get("log_scale_sd") or 0.0, noise_sd=r.get("noise_sd"))
                 for r in result["reviewers"]}
    params = result["parameters"]
    # confidence levels count only when the model was given them (every review had one)
    with_confidence = all(r.get("confidence") is not None for r in result["reviews"])
    multipliers = explain.multipliers_of(params) if with_confidence else None
    return reviewers, params["center"], result["model"] not in explain.UNCORRECTED, multipliers


def _explained(result: dict, entry: dict, inputs) -> explain.Explanation:
    reviewers, center, corrects, multipliers = inputs
    rows = [explain.Review(reviewer=r["reviewer_id"], score=float(r["total"]), confidence=r.get("confidence"))
            for r in result["reviews"] if r["submission_id"] == entry["id"]]
    calibrated = explain.Calibrated(score=entry["score"], quality=entry["quality"], prior_mean=entry["prior_mean"],
                                    prior_sd=entry["prior_sd"])
    return explain.explain(rows, reviewers, calibrated, center=center, corrects=corrects, multipliers=multipliers)


def entry_of(result: dict | None, submission_id: int) -> dict | None:
    """The project's row of the ranking, None when it is not in it."""
    if not result:
        return None
    return next((p for p in result["submissions"] if p["id"] == submission_id), None)


def project(result: dict | None, submission_id: int) -> explain.Explanation | None:
    """The project's calibrated score taken apart; None when it is not in the ranking or the ranking cannot be
    explained to this viewer (`explainable`)."""
    entry = entry_of(result, submission_id)
    if entry is None or not explainable(result):
        return None
    return _explained(result, entry, _inputs(result))


def probability_above(result: dict, a_id: int, b_id: int) -> float | None:
    """P(A above B) from the ranking's posterior draws (the same draws its ranks come from); None when the
    ranking was stored without them. Only the two projects' own draws: as their intervals, it is kept in a
    view restricted by recusals."""
    a, b = entry_of(result, a_id), entry_of(result, b_id)
    if a is None or b is None or not a.get("draws") or not b.get("draws"):
        return None
    return explain.probability_above(explain.unpack_draws(a["draws"]), explain.unpack_draws(b["draws"]))


def comparison(result: dict, a_id: int, b_id: int) -> explain.Comparison | None:
    """A against B, taken apart (`core.calibration.explain.compare`); None when the ranking cannot be explained
    to this viewer or either project is not in it."""
    a, b = entry_of(result, a_id), entry_of(result, b_id)
    if a is None or b is None or not explainable(result):
        return None
    inputs = _inputs(result)
    draws = [explain.unpack_draws(e["draws"]) if e.get("draws") else None for e in (a, b)]
    if draws[0] is None or draws[1] is None:
        draws = [None, None]
    return explain.compare(_explained(result, a, inputs), _explained(result, b, inputs), *draws)


# --- reviews expected but not in the ranking ------------------------------------------------------------------

@dataclass
class MissingReviews:
    """Reviewers asked to review the project (committed assignments) whose review the ranking does not count:
    `pending` have not submitted it; `not_counted` submitted one that this ranking leaves out (left out by the
    organisers, set aside for a conflict of interest, or submitted after the ranking was computed)."""

    pending: list[int] = field(default_factory=list)
    not_counted: list[int] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)  # for the pages that may name reviewers

    @property
    def count(self) -> int:
        return len(self.pending) + len(self.not_counted)


def missing_reviews(submission: Submission, result: dict | None) -> MissingReviews:
    """The project's expected reviews that its calibrated score does not rest on (two queries)."""
    counted = {r["reviewer_id"] for r in (result or {}).get("reviews", []) if r["submission_id"] == submission.id}
    expected = db.session.execute(db.select(User.id, User.first_name, User.last_name)
                                  .join(Assignment, Assignment.reviewer_id == User.id)
                                  .where(Assignment.submission_id == submission.id,
                                         Assignment.status == AssignmentStatus.COMMITTED)
                                  .order_by(User.id)).all()
    submitted = set(db.session.scalars(db.select(Review.reviewer_id).where(
        Review.submission_id == submission.id, Review.status == ReviewStatus.SUBMITTED)))
    missing = MissingReviews()
    for reviewer_id, first_name, last_name in expected:
        if reviewer_id in counted:
            continue
        (missing.not_counted if reviewer_id in submitted else missing.pending).append(reviewer_id)
        missing.names[reviewer_id] = f"{first_name} {last_name}".strip()
    return missing


# --- one reviewer ------------------------------------------------------------------------------------------------

@dataclass
class SharedProject:
    """A project the reviewer reviewed: their score, the other reviewers' (id, score), what the model reads
    their score as (`corrected`, None when the ranking cannot be explained to this viewer)."""

    submission_id: int
    reference: str
    title: str
    own: float
    others: list[tuple[int, float]]
    corrected: float | None = None

    @property
    def others_mean(self) -> float | None:
        return sum(v for _, v in self.others) / len(self.others) if self.others else None


@dataclass
class ReviewerProfile:
    """One reviewer as the ranking sees them: their estimates (the result's row: leniency, scale, reliability…,
    None in a restricted view), their projects best ranked first, and the other reviewers they shared one with."""

    reviewer: dict
    projects: list[SharedProject]
    center: float | None
    explained: bool

    @property
    def shared(self) -> list[SharedProject]:
        return [p for p in self.projects if p.others]

    @property
    def co_reviewers(self) -> list[int]:
        return sorted({rid for p in self.projects for rid, _ in p.others})

    @property
    def mean_gap(self) -> float | None:
        """How far above the others they score on the projects they shared, on average (raw scores)."""
        gaps = [p.own - p.others_mean for p in self.shared]
        return sum(gaps) / len(gaps) if gaps else None


def reviewer_profile(result: dict | None, reviewer_id: int) -> ReviewerProfile | None:
    """The reviewer's page: None when they have no review in the ranking as the viewer sees it."""
    if not result:
        return None
    row = next((r for r in result["reviewers"] if r["id"] == reviewer_id), None)
    if row is None:
        return None
    by_project: dict[int, list[dict]] = defaultdict(list)
    for r in result["reviews"]:
        by_project[r["submission_id"]].append(r)
    explained = explainable(result)
    inputs = _inputs(result) if explained else None
    projects = []
    for entry in result["submissions"]:  # best first
        reviews = by_project.get(entry["id"], [])
        own = next((r for r in reviews if r["reviewer_id"] == reviewer_id), None)
        if own is None:
            continue
        corrected = None
        if explained:
            term = next(t for t in _explained(result, entry, inputs).reviews if t.reviewer == reviewer_id)
            corrected = term.corrected
        projects.append(SharedProject(
            submission_id=entry["id"], reference=entry["reference"], title=entry["title"], own=float(own["total"]),
            others=[(r["reviewer_id"], float(r["total"])) for r in reviews if r["reviewer_id"] != reviewer_id],
            corrected=corrected))
    return ReviewerProfile(reviewer=row, projects=projects, explained=explained,
                           center=result["parameters"].get("center") if explained else None)
