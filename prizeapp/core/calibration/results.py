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
    # what the score is pulled towards (score units, its review group's) and that prior's standard deviation:
    # the quality is the precision-weighted mean of this prior and of the corrected reviews (see
    # `explain`); None for the models that do not pull (raw_mean, zscore)
    prior_mean: float | None = None
    prior_sd: float | None = None


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
    # posterior standard deviation of log(scale): a scale estimated from few reviews is uncertain, and the
    # model then reads that reviewer's rescaled scores more cautiously (see `explain`)
    log_scale_sd: float | None = None


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
    # posterior draws of the qualities in score units (draws × submissions, columns in `submissions` order)
    _draws: object = field(default=None, repr=False, compare=False)

    def submission(self, submission_id) -> SubmissionEstimate:
        return self.submissions[self._sub_index[submission_id]]

    def reviewer(self, reviewer_id) -> ReviewerEstimate:
        return self.reviewers[self._rev_index[reviewer_id]]

    def score_draws(self, submission_id):
        """The posterior draws of a submission's quality in score units (not clipped to the scale), the same
        draws its ranks and intervals are read from; None when the result was built without them."""
        return None if self._draws is None else self._draws[:, self._sub_index[submission_id]]

    def ranking(self) -> list:
        """Submission ids, best first."""
        return [s.id for s in self.submissions]
