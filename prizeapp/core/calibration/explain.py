"""One calibrated score taken apart into steps that add up to it, two projects compared, and the draws' verdict.

Every model of `api` reads a submission's quality as a precision-weighted mean of its corrected reviews and of a
prior (the call's mean):

    quality = (prior mean + Σᵢ πᵢ · correctedᵢ) / (1 + Σᵢ πᵢ)

Review i is corrected by taking off its reviewer's leniency, then dividing its distance from the call's centre
by the reviewer's spread (times e^v, v the variance of the spread's logarithm: a spread known from few reviews
is read cautiously). Its weight πᵢ, relative to the prior's, is (prior sd × spread / noise sd)² × e^v divided by
the noise multiplier of its confidence level: the odds of the reviewer's reliability, lowered for a review given
with low confidence. `raw_mean` corrects nothing; `raw_mean` and `zscore` weigh the reviews alike and have no
prior (nothing pulls).

From the raw mean to the calibrated score, the steps (`STEPS`):

      raw mean of the reviews
    + leniency   Σᵢ −leniencyᵢ / n
    + spread     Σᵢ (correctedᵢ − (rawᵢ − leniencyᵢ)) / n          = the plain mean of the corrected reviews
    + weights    Σᵢ (ωᵢ − 1/n)(correctedᵢ − that plain mean)        = the weighted mean, ωᵢ = πᵢ / Σπ
    + pull       λ (prior mean − weighted mean), λ = 1 / (1 + Σπ)
    + rest       quality − (weighted mean + pull)
    + bounds     score − quality                                    (the score is kept within the scale)
    = calibrated score

They add up exactly: `rest` is what the formula leaves between the weighted mean and the model's quality. It
is nothing to speak of when the fit has converged (the tests hold it within 2 % of the scores' spread): the fit
stops at a tolerance, its last round used the previous round's spreads, and it reads an uncertain spread
cautiously around its own origin, near the call's centre used here. It is what a fit that did not
converge, or a model that is more than this formula (variants weighed together, say), adds, so the steps
still add up. Shown rounded, they still add up (`shown`): each subtotal is rounded, each step shown is the
difference of two rounded subtotals, and a step's parts (one per review) are rounded by largest remainder so
that they add up to it.

Two projects (`compare`): the gap between their calibrated scores is the gap between their raw means plus each
reviewer's corrections of one minus those of the other, plus the gap of their pulls and of their bounds; and
P(A above B) is read from the posterior draws the ranks come from (`probability_above`), which a stored
ranking keeps packed (`pack_draws`).
"""
from __future__ import annotations

import base64
import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

STEPS = ("leniency", "spread", "weights", "pull", "rest", "bounds")
REVIEW_STEPS = ("leniency", "spread", "weights")  # the steps made of one part per review
CONFIDENCE_NAMES = ("low", "medium", "high")
# the models that correct nothing: their leniencies describe the reviewers, the score does not use them
UNCORRECTED = frozenset({"raw_mean"})


@dataclass(frozen=True)
class Review:
    """One review of the submission explained: its reviewer, its raw score, its confidence (1–3 or None)."""

    reviewer: Hashable
    score: float
    confidence: int | None = None


@dataclass(frozen=True)
class Reviewer:
    """What the calibration estimated of a reviewer (`ReviewerEstimate`): leniency in score points (+ lenient),
    spread (1 = like the average reviewer), the standard deviation of its logarithm, noise in score points."""

    leniency: float = 0.0
    scale: float = 1.0
    log_scale_sd: float = 0.0
    noise_sd: float | None = None


@dataclass(frozen=True)
class Calibrated:
    """What the calibration said of the submission (`SubmissionEstimate`)."""

    score: float  # within the scale
    quality: float  # not clipped
    prior_mean: float | None = None
    prior_sd: float | None = None


@dataclass(frozen=True)
class ReviewTerm:
    """One review on its way to the score: raw − leniency = after_leniency, rescaled = corrected; its share of
    the weighted mean (`weight`, the shares add up to 1) and its part of each step of `REVIEW_STEPS`."""

    reviewer: Hashable
    score: float
    confidence: int | None
    leniency: float  # what is taken off
    spread: float  # what the distance from the centre is divided by (the spread, with its caution)
    after_leniency: float
    corrected: float
    odds: float | None  # weight relative to the prior's (None: the model weighs reviews alike, without prior)
    weight: float
    parts: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Explanation:
    """A calibrated score taken apart (see the module docstring); values in score points."""

    reviews: tuple[ReviewTerm, ...]
    center: float  # the call's centre, around which spreads are corrected
    raw_mean: float
    after_leniency: float  # plain mean of raw − leniency
    corrected_mean: float  # plain mean of the corrected reviews
    weighted_mean: float
    quality: float
    score: float
    prior_mean: float | None
    shrinkage: float | None  # λ: the share of the gap to the prior mean that the pull closes (None: no prior)
    pull: float  # λ (prior mean − weighted mean), 0 without a prior
    one_more_pull: float | None  # what the pull would be with one more review of average weight

    @property
    def subtotals(self) -> tuple[float, ...]:
        """The running values, from the raw mean to the calibrated score: one more than `STEPS`."""
        return (self.raw_mean, self.after_leniency, self.corrected_mean, self.weighted_mean,
                self.weighted_mean + self.pull, self.quality, self.score)

    @property
    def steps(self) -> dict[str, float]:
        values = self.subtotals
        return {kind: values[k + 1] - values[k] for k, kind in enumerate(STEPS)}


def explain(reviews: Sequence[Review], reviewers: Mapping[Hashable, Reviewer], calibrated: Calibrated, *,
            center: float, corrects: bool = True,
            multipliers: Sequence[float] | None = None) -> Explanation:
    """The submission's calibrated score taken apart, from its reviews and what the calibration estimated.

    `center` is the call's centre (`parameters["center"]`); `corrects` False for a model that takes nothing
    off (raw_mean); `multipliers` the noise multipliers of confidence levels 1, 2, 3 (None: all 1). Raises
    ValueError without reviews."""
    if not reviews:
        raise ValueError("a submission without reviews has nothing to explain")
    n = len(reviews)
    prior_sd = calibrated.prior_sd
    rows = []
    for review in reviews:
        est = reviewers[review.reviewer] if corrects else Reviewer()
        caution = math.exp(est.log_scale_sd**2) if est.log_scale_sd else 1.0
        spread = (est.scale or 1.0) * caution
        after = review.score - est.leniency
        corrected = center + (after - center) / spread
        odds = None
        if prior_sd is not None and est.noise_sd:
            multiplier = multipliers[review.confidence - 1] if multipliers and review.confidence else 1.0
            odds = (prior_sd * (est.scale or 1.0) / est.noise_sd) ** 2 * caution / multiplier
        rows.append((review, est.leniency, spread, after, corrected, odds))
    weighed = all(row[5] is not None for row in rows)
    total = sum(row[5] for row in rows) if weighed else float(n)
    weights = [row[5] / total for row in rows] if weighed and total > 0 else [1.0 / n] * n
    raw_mean = math.fsum(r.score for r in reviews) / n
    after_leniency = math.fsum(row[3] for row in rows) / n
    corrected_mean = math.fsum(row[4] for row in rows) / n
    weighted_mean = math.fsum(w * row[4] for w, row in zip(weights, rows, strict=True))
    terms = []
    for w, (review, leniency, spread, after, corrected, odds) in zip(weights, rows, strict=True):
        parts = {"leniency": -leniency / n, "spread": (corrected - after) / n,
                 "weights": (w - 1.0 / n) * (corrected - corrected_mean)}
        terms.append(ReviewTerm(reviewer=review.reviewer, score=review.score, confidence=review.confidence,
                                leniency=leniency, spread=spread, after_leniency=after, corrected=corrected,
                                odds=odds, weight=w, parts=parts))
    shrinkage = one_more = None
    pull = 0.0
    if weighed and calibrated.prior_mean is not None:
        shrinkage = 1.0 / (1.0 + total)
        pull = shrinkage * (calibrated.prior_mean - weighted_mean)
        one_more = (calibrated.prior_mean - weighted_mean) / (1.0 + total + total / n)
    return Explanation(reviews=tuple(terms), center=center, raw_mean=raw_mean, after_leniency=after_leniency,
                       corrected_mean=corrected_mean, weighted_mean=weighted_mean, quality=calibrated.quality,
                       score=calibrated.score, prior_mean=calibrated.prior_mean, shrinkage=shrinkage,
                       pull=pull, one_more_pull=one_more)


def explain_result(result, submissions: Sequence[Hashable], reviewers: Sequence[Hashable],
                   scores: Sequence[float], confidence: Sequence[int] | None = None) -> dict:
    """Every submission of `result` (a `CalibrationResult`) explained, from the rows it was calibrated from:
    {submission id: Explanation}."""
    estimates = {rv.id: reviewer_of(rv) for rv in result.reviewers}
    by_submission: dict = {}
    for k, (sid, rid, value) in enumerate(zip(submissions, reviewers, scores, strict=True)):
        conf = int(confidence[k]) if confidence is not None else None
        by_submission.setdefault(sid, []).append(Review(reviewer=rid, score=float(value), confidence=conf))
    params = result.parameters
    mult = multipliers_of(params) if confidence is not None else None
    return {sid: explain(rows, estimates, calibrated_of(result.submission(sid)), center=params["center"],
                         corrects=result.model not in UNCORRECTED, multipliers=mult)
            for sid, rows in by_submission.items()}


def reviewer_of(estimate) -> Reviewer:
    """A `ReviewerEstimate` (or anything with its attributes) as `explain` reads it."""
    return Reviewer(leniency=estimate.leniency, scale=estimate.scale or 1.0,
                    log_scale_sd=getattr(estimate, "log_scale_sd", None) or 0.0,
                    noise_sd=getattr(estimate, "noise_sd", None))


def calibrated_of(estimate) -> Calibrated:
    """A `SubmissionEstimate` as `explain` reads it."""
    return Calibrated(score=estimate.score, quality=estimate.quality, prior_mean=estimate.prior_mean,
                      prior_sd=estimate.prior_sd)


def multipliers_of(parameters: Mapping) -> tuple[float, float, float] | None:
    """The noise multipliers of confidence 1, 2, 3 from a result's parameters, None when the model has none."""
    mult = parameters.get("confidence_noise_multipliers")
    return tuple(float(mult[name]) for name in CONFIDENCE_NAMES) if mult else None


# --- shown rounded, still adding up -------------------------------------------------------------------------

def units(value: float, decimals: int) -> int:
    """`value` rounded to `decimals` as the pages write scores (its shortest decimal form, halves away from
    zero: 4.25 → 4.3), counted in units of the last decimal."""
    return int(Decimal(str(float(value))).scaleb(decimals).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def largest_remainder(values: Sequence[float], total: int) -> list[int]:
    """Whole numbers adding up to `total`, close to `values`: each value's floor, plus one for those with the
    largest fractional parts (earlier ones first on ties). When the values add up to `total` to within less
    than one, each result is its value's floor or ceiling."""
    if not values:
        if total:
            raise ValueError("nothing to share a non-zero total between")
        return []
    floors = [math.floor(v) for v in values]
    order = sorted(range(len(values)), key=lambda i: (-(values[i] - floors[i]), i))
    out = list(floors)
    deficit = total - sum(floors)
    for k in range(abs(deficit)):
        if deficit > 0:
            out[order[k % len(order)]] += 1
        else:
            out[order[-1 - k % len(order)]] -= 1
    return out


@dataclass(frozen=True)
class ShownReview:
    """One review's row, in units of the last decimal shown: score + leniency + spread == corrected."""

    score: int
    leniency: int  # what is added (minus the leniency)
    spread: int
    corrected: int
    weight_percent: int  # the rows' percents add up to 100


@dataclass(frozen=True)
class Shown:
    """An explanation as shown with `decimals` decimals, in units of the last one: the subtotals, the steps
    (differences of consecutive subtotals, so they add up), each review step's parts (adding up to the step),
    and each review's row."""

    decimals: int
    subtotals: tuple[int, ...]
    steps: dict[str, int]
    parts: dict[str, tuple[int, ...]]  # per kind of `REVIEW_STEPS`, one per review
    reviews: tuple[ShownReview, ...]

    def value(self, amount: int) -> float:
        return amount / 10**self.decimals


def shown(explanation: Explanation, decimals: int = 1) -> Shown:
    """`explanation` rounded to `decimals` so that what is shown adds up (see the module docstring)."""
    subtotals = tuple(units(v, decimals) for v in explanation.subtotals)
    steps = {kind: subtotals[k + 1] - subtotals[k] for k, kind in enumerate(STEPS)}
    scale = 10**decimals
    parts = {kind: tuple(largest_remainder([t.parts[kind] * scale for t in explanation.reviews], steps[kind]))
             for kind in REVIEW_STEPS}
    percents = largest_remainder([100 * t.weight for t in explanation.reviews], 100)
    rows = []
    for term, percent in zip(explanation.reviews, percents, strict=True):
        raw, after, corrected = (units(v, decimals) for v in (term.score, term.after_leniency, term.corrected))
        rows.append(ShownReview(score=raw, leniency=after - raw, spread=corrected - after, corrected=corrected,
                                weight_percent=percent))
    return Shown(decimals=decimals, subtotals=subtotals, steps=steps, parts=parts, reviews=tuple(rows))


# --- two projects ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReviewerShare:
    """What one reviewer's corrections (leniency, spread, weights) did to the gap between A and B: `on_a` and
    `on_b` their parts in each project's score (0 when they did not review it), `gap` = on_a − on_b."""

    reviewer: Hashable
    on_a: float
    on_b: float

    @property
    def gap(self) -> float:
        return self.on_a - self.on_b


@dataclass(frozen=True)
class Comparison:
    """Why A's calibrated score is above (or below) B's: raw gap + Σ reviewers' gaps + pull gap + rest gap +
    bounds gap = score gap (all A − B); and how sure the ranking is of their order."""

    a: Explanation
    b: Explanation
    reviewers: tuple[ReviewerShare, ...]  # the largest gap first
    probability: float | None  # P(A above B) in the posterior draws; None without draws

    @property
    def raw_gap(self) -> float:
        return self.a.raw_mean - self.b.raw_mean

    @property
    def pull_gap(self) -> float:
        return self.a.pull - self.b.pull

    @property
    def rest_gap(self) -> float:
        return self.a.steps["rest"] - self.b.steps["rest"]

    @property
    def bounds_gap(self) -> float:
        return self.a.steps["bounds"] - self.b.steps["bounds"]

    @property
    def score_gap(self) -> float:
        return self.a.score - self.b.score


def compare(a: Explanation, b: Explanation, draws_a=None, draws_b=None) -> Comparison:
    """A against B (see `Comparison`); `draws_a` and `draws_b` their posterior draws (the same draws, in the
    same order), for P(A above B)."""
    shares: dict = {}
    for side, explanation in (("a", a), ("b", b)):
        for term in explanation.reviews:
            on = shares.setdefault(term.reviewer, {"a": 0.0, "b": 0.0})
            on[side] += math.fsum(term.parts[kind] for kind in REVIEW_STEPS)
    reviewers = sorted((ReviewerShare(reviewer=rid, on_a=v["a"], on_b=v["b"]) for rid, v in shares.items()),
                       key=lambda s: (-abs(s.gap), _order_key(s.reviewer)))
    probability = probability_above(draws_a, draws_b) if draws_a is not None and draws_b is not None else None
    return Comparison(a=a, b=b, reviewers=tuple(reviewers), probability=probability)


def _order_key(value):
    return (type(value).__name__, value) if isinstance(value, (int, float, str)) else (type(value).__name__,
                                                                                          repr(value))


@dataclass(frozen=True)
class ShownComparison:
    """A comparison as shown (units of the last decimal), adding up: raw gap + Σ reviewers + pull + rest +
    bounds = score gap, each gap the difference of what each project's own explanation shows."""

    decimals: int
    raw_gap: int
    reviewers: tuple[int, ...]  # in the order of `Comparison.reviewers`
    pull_gap: int
    rest_gap: int
    bounds_gap: int
    score_gap: int
    a: Shown
    b: Shown

    def value(self, amount: int) -> float:
        return amount / 10**self.decimals


def shown_comparison(comparison: Comparison, decimals: int = 1) -> ShownComparison:
    """`comparison` rounded to `decimals`, its parts adding up to the gap between the two scores as shown."""
    a, b = shown(comparison.a, decimals), shown(comparison.b, decimals)
    gap = [x - y for x, y in zip(a.subtotals, b.subtotals, strict=True)]
    raw_gap, weighted_gap, pulled_gap, quality_gap, score_gap = gap[0], gap[3], gap[4], gap[5], gap[6]
    scale = 10**decimals
    shares = largest_remainder([s.gap * scale for s in comparison.reviewers], weighted_gap - raw_gap)
    return ShownComparison(decimals=decimals, raw_gap=raw_gap, reviewers=tuple(shares),
                           pull_gap=pulled_gap - weighted_gap, rest_gap=quality_gap - pulled_gap,
                           bounds_gap=score_gap - quality_gap, score_gap=score_gap, a=a, b=b)


# --- the draws --------------------------------------------------------------------------------------------------

_DRAW_UNITS = 4096  # a packed draw's resolution: 1/4096 of the draws' standard deviation, ±8 of them


def probability_above(draws_a, draws_b) -> float:
    """P(A above B): the share of the posterior draws in which A's quality is above B's (ties count half)."""
    a, b = np.asarray(draws_a, dtype=np.float64), np.asarray(draws_b, dtype=np.float64)
    if a.shape != b.shape or a.size == 0:
        raise ValueError("the two projects' draws must be the same, non-empty, draws")
    return float((np.count_nonzero(a > b) + 0.5 * np.count_nonzero(a == b)) / a.size)


def pack_draws(draws) -> dict:
    """One submission's draws as a small JSON-ready record (mean, standard deviation, and each draw in 16 bits
    of its distance from the mean: base64), for a stored ranking; `unpack_draws` reads it back."""
    values = np.asarray(draws, dtype=np.float64)
    mean, sd = float(values.mean()), float(values.std())
    steps = np.zeros(values.shape) if sd == 0 else np.clip(np.round((values - mean) / sd * _DRAW_UNITS),
                                                             -32767, 32767)
    return {"mean": mean, "sd": sd, "z": base64.b64encode(steps.astype("<i2").tobytes()).decode("ascii")}


def unpack_draws(packed: Mapping) -> np.ndarray:
    """The draws `pack_draws` packed (to 1/4096 of their standard deviation)."""
    steps = np.frombuffer(base64.b64decode(packed["z"]), dtype="<i2").astype(np.float64)
    return packed["mean"] + packed["sd"] * steps / _DRAW_UNITS
