"""What a calibration returns: per submission, per reviewer, the review graph and the outliers."""
from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field


@dataclass(slots=True)
class SubmissionEstimate:
    """One submission's calibrated score and rank. Scores are on the call's scale; rank 1 is the best."""

    id: Hashable
    n_reviews: int
    raw_mean: float
    score: float  # calibrated score, within the scale
    score_low: float  # interval at `CalibrationResult.level` (90 % by default), within the scale
    score_high: float
    quality: float  # the same on the latent scale, not clipped: what orders the submissions
    quality_sd: float
    rank: int  # by quality; equal qualities share the better rank
    rank_low: int  # best rank plausible (interval at `level`)
    rank_high: int  # worst rank plausible
    top_k_probability: float | None  # P(rank ≤ top_k), None when top_k was not given


@dataclass(slots=True)
class ReviewerEstimate:
    """One reviewer's leniency (bias, in score points: + is lenient) and, when the model has them, scale,
    noise and reliability. Intervals at `CalibrationResult.level`; None when the model does not estimate it."""

    id: Hashable
    n_reviews: int
    co_reviewers: int  # other reviewers sharing at least one submission
    leniency: float
    leniency_low: float
    leniency_high: float
    scale: float | None = None  # 1 = spreads scores like the average reviewer; < 1 compresses
    scale_low: float | None = None
    scale_high: float | None = None
    noise_sd: float | None = None  # score points, at medium confidence
    noise_sd_low: float | None = None
    noise_sd_high: float | None = None
    reliability: float | None = None  # share of the reviewer's score variance due to quality, in [0, 1]
    reliability_low: float | None = None
    reliability_high: float | None = None


@dataclass(frozen=True, slots=True)
class OutlierReviewer:
    id: Hashable
    kind: str  # "flat" or "near_random"
    reason: str


@dataclass(frozen=True)
class ComponentGroup:
    """Reviewers and submissions that can be compared with one another (one connected component)."""

    reviewers: tuple
    submissions: tuple


@dataclass(frozen=True)
class Connectivity:
    """The bipartite review graph: reviewers linked to the submissions they reviewed."""

    n_components: int
    components: tuple[ComponentGroup, ...]  # most reviewers first
    single_link_reviewers: tuple  # reviewers who share projects with exactly one other reviewer
    bridges: tuple[tuple[Hashable, Hashable, int, int], ...]  # (reviewer, reviewer, shared projects, reviewers
    # cut off): the only link between a group of at least two reviewers and the rest of its component
    warnings: tuple[str, ...]

    @property
    def connected(self) -> bool:
        return self.n_components <= 1


@dataclass
class CalibrationResult:
    model: str
    parameters: dict  # the model's estimated hyperparameters and fit statistics, in score units
    submissions: list[SubmissionEstimate]  # best first
    reviewers: list[ReviewerEstimate]  # in id order
    connectivity: Connectivity
    outliers: list[OutlierReviewer]
    warnings: list[str]
    scale: tuple[float, float] | None
    top_k: int | None
    level: float
    n_draws: int
    seed: int
    seconds: dict = field(default_factory=dict, compare=False)  # where the time went (not part of the result)
    _sub_index: dict = field(default_factory=dict, repr=False)
    _rev_index: dict = field(default_factory=dict, repr=False)

    def submission(self, submission_id) -> SubmissionEstimate:
        return self.submissions[self._sub_index[submission_id]]

    def reviewer(self, reviewer_id) -> ReviewerEstimate:
        return self.reviewers[self._rev_index[reviewer_id]]

    def ranking(self) -> list:
        """Submission ids, best first."""
        return [s.id for s in self.submissions]
