"""Calibration of reviewers' scores: lenient and harsh reviewers, compressed and stretched scales, honest ranks.

Input: one row per review (submission id, reviewer id, score on the call's scale, optionally a confidence level
1 low, 2 medium, 3 high). Output (`calibrate`): per submission a calibrated score on the call's scale with a
90 % interval, a rank (1 = best) with a 90 % rank interval and the probability of being among the top k; per
reviewer an estimated leniency (and scale, noise and reliability when the model has them) with intervals;
diagnostics of the review graph and of outlying reviewers.

Models (`model=`)
    raw_mean      the mean of each submission's scores. The reference every other model must beat.
    zscore        each reviewer's scores standardised (their mean and standard deviation), then averaged per
                  submission and mapped back to the call's scale with the overall mean and deviation.
    additive      score = mean + quality_s + bias_r + noise: penalised least squares with a ridge on the
                  qualities only (its strength estimated from the data), the biases free. Adding a constant to
                  one reviewer's scores moves that reviewer's bias; the qualities of its component all move
                  by one common constant (the gauge keeps the mean bias at 0), so no rank changes.
    hierarchical  (default) score ≈ bias_r + scale_r × quality_s + noise, noise variance σ²_r × m_c per
                  reviewer r and confidence level c. Empirical Bayes: quality ~ N(μ, τ_q²), bias ~ N(0, τ_b²),
                  log scale ~ N(0, τ_l²), σ²_r ~ scaled-inverse-χ²(ν₀, s₀²) (so a reviewer with few reviews
                  gets the panel's typical noise, one with many their own); τ's, ν₀, s₀² and the confidence
                  multipliers m_c (geometric mean 1 over the reviews) are all estimated from the data.
                  Reviewers are treated as alike unless the data show otherwise: τ_b² and τ_l² are 0 unless
                  Cochran's heterogeneity test rejects equality at 5 % (a test that keeps switching its
                  component on and off between rounds leaves it off), and one noise level is shared unless a
                  likelihood-ratio test rejects it at 5 %. A panel whose reviewers do not differ is thus
                  calibrated as its plain mean (ties kept) instead of being reordered by noise. Scores rounded
                  to the levels of a scale carry at least their rounding error (variance step²/12), so a
                  reviewer who gives every project the same level is not taken as precise.
                  Bounded scales: calibrated scores and intervals are always kept within the scale; with
                  `censor=True` an end-of-scale score is also read as censored (on 0–10 integers, 10 means "at
                  least 9.5"). Measured on simulated panels and on real ratings, censoring did not rank better
                  (docs/PERFORMANCE.md), so it is off by default.

How the hierarchical model is fitted (fast: every step is a few sparse sums over the reviews)
    Variational EM / iterated conditional modes with posterior variances. Each round: (1) with censoring, the
    expected latent score of each censored review (truncated normal moments); (2) qualities and biases
    jointly, exactly, given scales and weights: the normal equations reduced to the biases (Schur complement,
    reviewers × reviewers, applied matrix-free) solved by preconditioned conjugate gradients, warm-started;
    (3) each log scale by Newton steps on its conditional posterior, from a regression of the reviewer's
    scores on the qualities estimated from the OTHER reviews of the same submissions (unbiased, free of the
    reviewer's own noise); (4) noise variances and confidence multipliers from the residual sums of squares
    and their degrees of freedom (leverages removed); (5) hyperparameters: MacKay's fixed point for τ_q,
    DerSimonian–Laird (with the test above) for τ_b and τ_l, maximum marginal likelihood for (ν₀, s₀²).
    Stops when qualities, biases and log scales move by less than `tol` (1e-4 of the scores' standard
    deviation, far below any interval).

    Identifiability: in each connected component of the review graph the model is unchanged by
    quality → α·quality + β with scales and biases compensating. During the fit the mean log scale over all
    reviewers is brought back to 0 every round (the qualities adjust in the next round): left free, scales and
    qualities can drift together, each round's shrunken qualities making the next round's scales larger, until
    on a small panel every project gets the same calibrated score. The gauge is fixed per component at the end:
    mean log scale 0 and mean bias 0 over the component's reviewers. Calibrated scores are then "what a
    reviewer of average leniency and scale would give".

Uncertainty
    Posterior variances: of each bias with the uncertainty of the qualities it is compared with propagated
    (a Laplace-type approximation, iterated over the graph), of each log scale from its Newton curvature.
    `n_draws` joint draws: biases and scales from those approximate posteriors, then every quality from its
    exact conditional posterior given them (so two projects seen by the same harsh reviewer move together, as
    they should). Ranks, rank intervals and top-k probabilities are read from the draws; score intervals are
    the posterior mean ± 1.645 draw standard deviations, kept within the scale.

    Disconnected review graph: two groups of reviewers who share no project cannot be compared; the model
    levels each group by assuming its reviewers are, on average, as lenient (and as spread) as the others'.
    That assumption is uncertain: each component's level gets an extra N(0, τ_b² / reviewers in it), with τ_b²
    taken at its upper bound (estimate + 1.645 standard errors, even when the estimate is 0), and its
    spread an extra log-normal factor exp(N(0, τ_l² / reviewers in it)) in every draw, so the ranks and
    intervals of submissions in different groups widen accordingly. `result.connectivity` lists the groups.

Determinism: reviews are put in a canonical order (ids sorted) before fitting, and every random draw comes
from numpy's generator seeded with `seed`: the same inputs give the same result, whatever their row order.
"""
from __future__ import annotations

import math
import time
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from scipy.special import gammaln, ndtr, ndtri
from scipy.stats import chi2

__all__ = [
    "DEFAULT_MODEL",
    "MODELS",
    "CalibrationResult",
    "ComponentGroup",
    "Connectivity",
    "CriteriaCalibration",
    "OutlierReviewer",
    "ReviewerEstimate",
    "SubmissionEstimate",
    "calibrate",
    "calibrate_criteria",
    "weighted_total",
]

MODELS = ("hierarchical", "additive", "zscore", "raw_mean")
DEFAULT_MODEL = "hierarchical"
CONFIDENCE_LEVELS = (1, 2, 3)
CONFIDENCE_NAMES = ("low", "medium", "high")

_VAR_FLOOR = 1e-6  # variances in units of the scores' variance
_NOISE_FLOOR = 1e-3
_MAX_WARNINGS = 20
_MAX_SWITCHES = 6  # a heterogeneity test that switched its component on or off this often leaves it off
_DRAW_CHUNK = 64
_INTERIOR_INTERVALS = False  # read interior levels as intervals too (measured: no better, and breaks ties)


# --------------------------------------------------------------------------------------------- results


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


# --------------------------------------------------------------------------------------------- inputs


def _index(values, name: str) -> tuple[list, np.ndarray]:
    """Distinct ids in sorted order and each row's index into them."""
    arr = np.asarray(values) if not isinstance(values, np.ndarray) else values
    if arr.ndim == 1 and arr.dtype.kind in "iuU":
        uniq, inverse = np.unique(arr, return_inverse=True)
        return uniq.tolist(), inverse.astype(np.int64).reshape(-1)
    values = list(values)
    try:
        distinct = set(values)
    except TypeError as exc:
        raise ValueError(f"{name} ids must be hashable") from exc
    try:
        ordered = sorted(distinct)
    except TypeError:
        ordered = sorted(distinct, key=lambda x: (type(x).__name__, repr(x)))
    position = {v: i for i, v in enumerate(ordered)}
    return ordered, np.fromiter((position[v] for v in values), dtype=np.int64, count=len(values))


@dataclass
class _Data:
    sub_ids: list
    rev_ids: list
    s: np.ndarray
    r: np.ndarray
    y: np.ndarray
    c: np.ndarray | None  # 0, 1, 2
    lo: float | None
    hi: float | None
    step: float

    @property
    def n_sub(self) -> int:
        return len(self.sub_ids)

    @property
    def n_rev(self) -> int:
        return len(self.rev_ids)


def _prepare(submissions, reviewers, scores, confidence, scale, step) -> _Data:
    n = len(scores)
    if len(submissions) != n or len(reviewers) != n or (confidence is not None and len(confidence) != n):
        raise ValueError("submissions, reviewers, scores (and confidence) must have the same length")
    if n == 0:
        raise ValueError("at least one review is needed")
    try:
        y = np.asarray(scores, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError) as exc:
        raise ValueError("scores must be numbers") from exc
    if y.shape != (n,) or not np.all(np.isfinite(y)):
        raise ValueError("scores must be finite numbers (no NaN or infinity)")
    lo = hi = None
    if scale is not None:
        try:
            lo, hi = (float(v) for v in scale)
        except (TypeError, ValueError) as exc:
            raise ValueError("scale must be a pair (lowest, highest)") from exc
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise ValueError("scale must be two finite numbers, lowest first")
        tol = 1e-9 * (hi - lo)
        if np.any(y < lo - tol) or np.any(y > hi + tol):
            raise ValueError(f"scores must lie within the scale [{lo:g}, {hi:g}]")
        y = np.clip(y, lo, hi)
    if step is None:
        integral = scale is not None and float(lo).is_integer() and float(hi).is_integer()
        step = 1.0 if integral and np.all(y == np.round(y)) else 0.0
    step = float(step)
    if not math.isfinite(step) or step < 0 or (step > 0 and scale is None):
        raise ValueError("step must be a non-negative number, and needs a scale")
    c = None
    if confidence is not None:
        try:
            conf = np.asarray(confidence, dtype=np.float64).reshape(-1)
        except (TypeError, ValueError) as exc:
            raise ValueError("confidence must be 1, 2 or 3 for every review") from exc
        if conf.shape != (n,) or not np.all(np.isin(conf, CONFIDENCE_LEVELS)):
            raise ValueError("confidence must be 1 (low), 2 (medium) or 3 (high) for every review")
        c = conf.astype(np.int64) - 1
    sub_ids, s = _index(submissions, "submission")
    rev_ids, r = _index(reviewers, "reviewer")
    order = np.lexsort((r, s))  # canonical order: the row order of the input does not matter
    s, r, y = s[order], r[order], y[order]
    c = c[order] if c is not None else None
    dup = (s[1:] == s[:-1]) & (r[1:] == r[:-1])
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise ValueError(f"reviewer {rev_ids[r[i]]!r} reviewed submission {sub_ids[s[i]]!r} more than once")
    return _Data(sub_ids, rev_ids, s, r, y, c, lo, hi, step)


# --------------------------------------------------------------------------------------------- fits


@dataclass
class _Fit:
    """A fitted model in standardised units (scores minus `center`, divided by `spread`)."""

    q: np.ndarray  # qualities
    b: np.ndarray  # biases
    l: np.ndarray  # log scales
    var_b: np.ndarray
    var_l: np.ndarray
    var_q: np.ndarray  # marginal, analytic (used when draws are independent)
    tau_b2: float  # between-reviewer variance of biases (for the between-component uncertainty)
    tau_l2: float
    # what the conditional draws of the qualities need (None: independent normal draws)
    conditional: dict | None
    reviewer_noise: np.ndarray | None = None  # posterior mean noise variance per reviewer (medium confidence)
    noise_dof: np.ndarray | None = None  # its posterior degrees of freedom (for intervals)
    tau_q2: float = 1.0
    params: dict = field(default_factory=dict)


def _standardise(y: np.ndarray) -> tuple[float, float]:
    center = float(y.mean())
    spread = float(y.std())
    if not spread > 1e-12:
        spread = 1.0
    return center, spread


def _fit_raw_mean(d: _Data, z: np.ndarray) -> _Fit:
    N, R = d.n_sub, d.n_rev
    ns = np.bincount(d.s, minlength=N)
    q = np.bincount(d.s, z, N) / ns
    resid = z - q[d.s]
    sig2 = _pooled_within(resid, ns, d.s)
    b, var_b, tau_b2, upper = _descriptive_bias(resid, d.r, R, sig2)
    return _Fit(q=q, b=b, l=np.zeros(R), var_b=var_b, var_l=np.zeros(R), var_q=sig2 / ns, tau_b2=upper,
                tau_l2=0.0, conditional=None, params={"noise_sd": math.sqrt(sig2), "tau_b2": tau_b2})


def _pooled_within(resid: np.ndarray, ns: np.ndarray, s: np.ndarray) -> float:
    """Residual variance within submissions (degrees of freedom: reviews − submissions), 1 if none."""
    dof = float(np.sum(ns - 1))
    if dof < 1:
        return 1.0
    return max(float(np.sum(resid**2)) / dof, _NOISE_FLOOR)


def _descriptive_bias(resid, r, R, sig2):
    """Each reviewer's mean residual against the submission means, and the variance of true biases: its
    moment estimate and an upper bound (estimate + 1.645 approximate standard errors), which the draws use
    for the between-component uncertainty."""
    nr = np.bincount(r, minlength=R)
    b = np.bincount(r, resid, R) / nr
    var_b = sig2 / nr
    if R < 2:
        return b, var_b, 0.0, float(np.mean(var_b))
    tau_b2 = max(float(np.mean(b**2) - np.mean(var_b)), 0.0)
    upper = tau_b2 + 1.645 * math.sqrt(2.0 / (R - 1)) * (float(np.mean(var_b)) + tau_b2)
    return b, var_b, tau_b2, upper


def _fit_zscore(d: _Data, z: np.ndarray) -> _Fit:
    N, R = d.n_sub, d.n_rev
    nr = np.bincount(d.r, minlength=R)
    mean_r = np.bincount(d.r, z, R) / nr
    dev = z - mean_r[d.r]
    sd_r = np.sqrt(np.bincount(d.r, dev**2, R) / np.maximum(nr - 1, 1))
    # a reviewer with one review, or who gave one score to all, cannot be standardised: their scores are
    # read on the panel's scale (mean 0, sd 1) instead
    own = (nr >= 2) & (sd_r > 1e-9)
    loc = np.where(own, mean_r, 0.0)
    sd = np.where(own, sd_r, 1.0)
    x = (z - loc[d.r]) / sd[d.r]
    ns = np.bincount(d.s, minlength=N)
    q = np.bincount(d.s, x, N) / ns
    resid = x - q[d.s]
    sig2 = _pooled_within(resid, ns, d.s)
    _, _, tau_b2, upper = _descriptive_bias(z - q[d.s], d.r, R, sig2)
    var_b = sd_r**2 / np.maximum(nr, 1)
    return _Fit(q=q, b=loc, l=np.log(sd), var_b=var_b, var_l=np.zeros(R), var_q=sig2 / ns, tau_b2=upper,
                tau_l2=0.0, conditional=None, params={"noise_sd": math.sqrt(sig2), "tau_b2": tau_b2})


def _interval_moments(lower, upper, mu, sd):
    """Mean and variance of N(mu, sd²) truncated to [lower, upper] (either may be infinite)."""
    a = (lower - mu) / sd
    b = (upper - mu) / sd
    # work in the tail where the normal CDF keeps its precision
    flip = a > 0
    a2 = np.where(flip, -b, a)
    b2 = np.where(flip, -a, b)
    mass = ndtr(b2) - ndtr(a2)
    pa = np.exp(-0.5 * np.where(np.isfinite(a2), a2, 0.0) ** 2) * np.isfinite(a2) / math.sqrt(2 * math.pi)
    pb = np.exp(-0.5 * np.where(np.isfinite(b2), b2, 0.0) ** 2) * np.isfinite(b2) / math.sqrt(2 * math.pi)
    ok = mass > 1e-12
    mass = np.where(ok, mass, 1.0)
    lam = (pa - pb) / mass
    ta = np.where(np.isfinite(a2), a2, 0.0) * pa
    tb = np.where(np.isfinite(b2), b2, 0.0) * pb
    var = 1.0 + (ta - tb) / mass - lam**2
    lam = np.where(flip, -lam, lam)
    # numerically hopeless (the interval lies many deviations away): the nearest end of the interval
    nearest = np.clip(mu, lower, upper)
    mean = np.where(ok, mu + sd * lam, nearest)
    var = np.where(ok, np.clip(var, 0.0, 1.0) * sd**2, 0.0)
    return mean, var


def _censored_moments(z0, lower, upper, cens, mu, w, extra=None):
    """Expected latent scores (and their variances) of the reviews read as intervals, the others as given.

    The latent score's spread is the noise plus `extra`, the uncertainty of its prediction b + a q (a review
    at the top of the scale says less about a project whose quality is still uncertain)."""
    z = z0.copy()
    zeta = np.zeros(len(z0))
    if len(cens):
        var = 1.0 / w[cens] + (extra[cens] if extra is not None else 0.0)
        z[cens], zeta[cens] = _interval_moments(lower[cens], upper[cens], mu[cens], np.sqrt(var))
    return z, zeta


def _fit_gaussian(d: _Data, z0: np.ndarray, lower, upper, *, hierarchical: bool, max_iter: int, tol: float,
                  noise_floor: float = _NOISE_FLOOR) -> _Fit:
    """additive (hierarchical=False) or the hierarchical model; see the module docstring."""
    s, r = d.s, d.r
    N, R, n = d.n_sub, d.n_rev, len(z0)
    ns = np.bincount(s, minlength=N).astype(float)
    nr = np.bincount(r, minlength=R).astype(float)
    c = d.c if hierarchical else None
    censored = lower is not None
    cens = np.flatnonzero(lower < upper) if censored else None
    l = np.zeros(R)
    a = np.ones(R)
    var_l = np.zeros(R)
    var_a = np.zeros(R)
    var_b = var_q = None
    if hierarchical:
        q = np.bincount(s, z0, N) / ns
        b = np.zeros(R)
        resid0 = z0 - q[s]
        sig2 = _pooled_within(resid0, ns, s) if n > N else 0.5
    else:
        # start from quantities that a reviewer's shift moves exactly (their bias) or not at all, so that
        # adding a constant to one reviewer's scores gives the same fit, shifted, to rounding error
        b = np.bincount(r, z0, R) / nr
        q = np.zeros(N)
        within = z0 - b[r]
        sig2 = max(float(within @ within) / max(n - R, 1), 0.05) if n > R else 0.5
    inv_sig2 = np.full(R, 1.0 / sig2)
    if hierarchical:
        # start from moderately individual noise levels (residuals against the raw means, ν₀ = 5): starting
        # from pooled ones, the residuals of careful reviewers are inflated by their noisy co-reviewers and the
        # fit tends to stay pooled
        dof0 = np.bincount(r, 1.0 - 1.0 / ns[s], R)
        inv_sig2 = np.minimum((5.0 + dof0) / (5.0 * sig2 + np.bincount(r, resid0**2, R)), 1.0 / noise_floor)
    mult = np.ones(3)
    tau_q2 = max(float(np.var(q)), 0.05) if hierarchical else 1.0
    mu_q = 0.0
    tau_b2 = max(0.1 * sig2, 0.01)
    tau_b2_hi = tau_b2
    tau_l2 = 0.05
    nu0, s02 = 1e4, sig2
    grid_nu = np.exp(np.linspace(math.log(0.5), math.log(1e4), 25))
    grid_s2 = np.full(len(grid_nu), sig2)
    best_nu = None
    z, zeta = z0, np.zeros(n)
    flips, was_on = [0, 0], [tau_b2 > 0, tau_l2 > 0]  # switches of the bias and scale tests
    converged = False
    it = 0
    for it in range(1, max_iter + 1):
        w = inv_sig2[r] / mult[c] if c is not None else inv_sig2[r]
        if censored:
            extra = None if var_b is None else a[r] ** 2 * var_q[s] + var_b[r]
            z, zeta = _censored_moments(z0, lower, upper, cens, b[r] + a[r] * q[s], w, extra)
        ea2 = a * a + var_a
        coef = w * a[r]
        p_s = 1.0 / tau_q2 + np.bincount(s, w * ea2[r], N)
        rq = mu_q / tau_q2 + np.bincount(s, coef * z, N)
        prior_b = (1.0 / tau_b2 if tau_b2 > 0 else math.inf) if hierarchical else 0.0
        p_b = prior_b + np.bincount(r, w, R)
        if math.isinf(prior_b):  # no between-reviewer differences: biases exactly 0
            b_new = np.zeros(R)
            q_new = rq / p_s
            var_b = np.zeros(R)
        else:
            rb = np.bincount(r, w * z, R)
            b_new = _solve_biases(b, s, r, coef, p_s, p_b, rb, rq, N, R)
            q_new = (rq - np.bincount(s, coef * b_new[r], N)) / p_s
            var_b = _bias_variances(s, r, w, a, p_s, prior_b, N, R, start=var_b if var_b is not None and
                                    var_b.any() else None, rounds=1 if it > 1 else 3)
        var_q = 1.0 / p_s + np.bincount(s, coef**2 * var_b[r], N) / p_s**2
        l_new = l
        if hierarchical:
            # each review against its submission's quality estimated from the OTHER reviews
            # (q̂⁻ⁱ = E[q | other reviews]): free of the reviewer's own noise, hence unbiased for the reviewer's
            # bias and (regression calibration) scale; weights account for the uncertainty of q̂⁻ⁱ
            ar = a[r]
            u = z - b_new[r]
            p_minus = np.maximum(p_s[s] - w * ar**2, 1e-12)
            q_minus = (p_s[s] * q_new[s] - w * ar * u) / p_minus
            w_eff = 1.0 / (1.0 / w + ar**2 / p_minus)
            info_b = np.bincount(r, w_eff, R)
            own_b = np.bincount(r, w_eff * (z - ar * q_minus), R) / np.maximum(info_b, 1e-300)
            A = np.bincount(r, w_eff * q_minus**2, R)
            B = np.bincount(r, w_eff * u * q_minus, R)
            if tau_l2 > 0:
                l_new, var_l = _newton_log_scale(l, A, B, tau_l2)
                # the scales' gauge, every round: larger scales and smaller qualities fit the reviews alike, and
                # each round's shrunken qualities make the next round's scales larger; left to drift together,
                # they can end with every project at the same calibrated score. The qualities follow next round.
                l_new = l_new - float(np.mean(l_new))
            else:  # no between-reviewer differences of scale: scales exactly 1
                l_new, var_l = np.zeros(R), np.zeros(R)
            a = np.exp(l_new)
            var_a = a * a * np.expm1(var_l)
            ea2 = a * a + var_a
        mu = b_new[r] + a[r] * q_new[s]
        m_i = mult[c] if c is not None else 1.0
        if hierarchical:
            # noise: residual sums of squares with their degrees of freedom (each review's leverage on its
            # submission's quality and its reviewer's bias removed), pooled through the inverse-χ² prior
            r2 = (z - mu) ** 2 + zeta
            lev = np.minimum(w * a[r] ** 2 / p_s[s] + w / p_b[r], 0.95)
            dof = np.maximum(np.bincount(r, 1.0 - lev, R), 1e-3)
            S = np.maximum(np.bincount(r, r2 / m_i, R), dof * noise_floor)
            window = None if best_nu is None else (max(best_nu - 2, 0), min(best_nu + 3, len(grid_nu)))
            nu0, s02, grid_s2, best_nu = _noise_prior(S, dof, grid_nu, grid_s2, window)
            if best_nu == len(grid_nu) - 1:  # no evidence of different noise levels: one for all
                s02 = float(S.sum() / dof.sum())  # at least noise_floor, as every S is floored above
                nu0 = math.inf
                inv_sig2 = np.full(R, 1.0 / s02)
            else:
                inv_sig2 = (nu0 + dof) / (nu0 * s02 + S)
            inv_sig2 = np.minimum(inv_sig2, 1.0 / noise_floor)
            if c is not None:
                k0 = 5.0
                num = np.bincount(c, r2 * inv_sig2[r], 3)
                cnt = np.bincount(c, 1.0 - lev, 3)
                mult = (k0 + num) / (k0 + cnt)
                mult /= math.exp(float(np.sum(np.bincount(c, minlength=3) * np.log(mult))) / n)
        else:
            exp_r2 = (z - mu) ** 2 + zeta + var_b[r] + ea2[r] * var_q[s] + var_a[r] * q_new[s] ** 2
            sig2 = max(float(np.sum(exp_r2)) / n, _NOISE_FLOOR)
            inv_sig2 = np.full(R, 1.0 / sig2)
        # hyperparameters: the qualities' variance by MacKay's fixed point (γ = effective number of
        # well-determined parameters); the between-reviewer variances of biases and log scales by
        # DerSimonian–Laird on each reviewer's own estimate against the other reviews, which is exactly 0 when
        # reviewers differ no more than their estimates' noise (the model then is the plain mean)
        if hierarchical:
            mu_q = float(np.mean(q_new))
        gamma = max(float(np.sum(1.0 - (1.0 / p_s) / tau_q2)), 1e-3)
        tau_q2 = max(float(np.sum((q_new - mu_q) ** 2)) / gamma, _VAR_FLOOR)
        if hierarchical:
            tau_b2, tau_b2_hi = _dersimonian_laird(own_b, 1.0 / np.maximum(info_b, 1e-300), info_b > 1e-9)
            # a reviewer with their own noise level must have their own scale too: one who compresses the
            # scale leaves small residuals and would otherwise look precise and weigh too much
            tau_l2 = _between_variance(B, A, test=math.isinf(nu0))
            # a test that keeps switching its component on and off (each fit with it makes the next test
            # reject less, and the reverse) has not shown a difference between reviewers: after a few switches
            # the component stays off, and the fit converges to the simpler model
            for k, tau in enumerate((tau_b2, tau_l2)):
                flips[k] += (tau > 0) != was_on[k]
                was_on[k] = tau > 0
            if flips[0] >= _MAX_SWITCHES:
                tau_b2 = 0.0
            if flips[1] >= _MAX_SWITCHES:
                tau_l2 = 0.0
        change = max(float(np.max(np.abs(q_new - q))), float(np.max(np.abs(b_new - b))),
                     float(np.max(np.abs(l_new - l))))
        q, b, l = q_new, b_new, l_new
        if change < tol and it > 2:
            converged = True
            break
    if not hierarchical:
        # free biases: their spread, net of estimation noise, for the between-component uncertainty
        tau_b2 = max(float(np.mean((b - b.mean()) ** 2) - np.mean(var_b)), 0.0) if R > 1 else 0.0
        tau_b2_hi = tau_b2 + float(np.mean(var_b))
        tau_l2 = 0.05
    # one last pass of the quantities the draws need, at the final values
    w = inv_sig2[r] / mult[c] if c is not None else inv_sig2[r]
    if censored:
        z, zeta = _censored_moments(z0, lower, upper, cens, b[r] + a[r] * q[s], w, a[r] ** 2 * var_q[s] + var_b[r])
    p_s = 1.0 / tau_q2 + np.bincount(s, w * (a * a + var_a)[r], N)
    if hierarchical and tau_b2 <= 0:
        var_b = np.zeros(R)
    else:
        var_b = _bias_variances(s, r, w, a, p_s, 1.0 / tau_b2 if hierarchical else 0.0, N, R)
    var_q = 1.0 / p_s + np.bincount(s, (w * a[r]) ** 2 * var_b[r], N) / p_s**2
    noise = 1.0 / inv_sig2
    params = {"censored": censored, "iterations": it, "converged": converged, "tau_q2": tau_q2, "tau_b2": tau_b2,
              "tau_l2": tau_l2, "mu_q": mu_q, "tau_b2_upper": tau_b2_hi}
    if hierarchical:
        # noise prior degrees of freedom: None when one noise level is shared by all (ν₀ = ∞)
        params.update(noise_prior_dof=None if math.isinf(nu0) else nu0, noise_prior_var=s02,
                      confidence_multipliers=mult.tolist() if c is not None else None)
    else:
        params["noise_var"] = sig2
    # between-component offsets use the upper bound of τ_b²: an estimate of "no differences" is not proof
    return _Fit(q=q, b=b, l=l, var_b=var_b, var_l=var_l, var_q=var_q, tau_b2=tau_b2_hi, tau_l2=tau_l2,
                conditional={"w": w, "z": z, "mu_q": mu_q, "tau_q2": tau_q2},
                reviewer_noise=noise if hierarchical else np.full(R, sig2),
                noise_dof=(np.full(R, float(dof.sum())) if math.isinf(nu0) else nu0 + dof) if hierarchical
                else np.full(R, float(n)), tau_q2=tau_q2, params=params)


def _solve_biases(x0, s, r, coef, p_s, p_b, rb, rq, N, R, rtol=1e-10, max_iter=500):
    """Biases from the normal equations with the qualities eliminated (Schur complement), by Jacobi-
    preconditioned conjugate gradients: S x = p_b x − Cᵀ diag(1/p_s) C x, C[s, r] = Σ w a over their reviews."""
    def apply(x):
        return p_b * x - np.bincount(r, coef * (np.bincount(s, coef * x[r], N) / p_s)[s], R)

    rhs = rb - np.bincount(r, coef * (rq / p_s)[s], R)
    diag = p_b - np.bincount(r, coef**2 / p_s[s], R)
    diag = np.where(diag > 1e-12, diag, 1.0)
    x = x0.copy()
    res = rhs - apply(x)
    target = rtol * max(float(np.linalg.norm(rhs)), 1e-30)
    zv = res / diag
    p = zv.copy()
    rz = float(res @ zv)
    for _ in range(max_iter):
        if float(np.linalg.norm(res)) <= target:
            break
        ap = apply(p)
        pap = float(p @ ap)
        if pap <= 0:
            break
        alpha = rz / pap
        x += alpha * p
        res -= alpha * ap
        zv = res / diag
        rz_new = float(res @ zv)
        p = zv + (rz_new / rz) * p
        rz = rz_new
    return x


def _bias_variances(s, r, w, a, p_s, prior_b, N, R, start=None, rounds=3):
    """Approximate marginal posterior variances of the biases.

    Review i informs reviewer r's bias through y_i − a_r q̂_s, where q̂_s comes from the submission's OTHER
    reviews: its variance 1/w_i + a_r²/P_s⁻ⁱ + a_r² × (the other reviewers' bias uncertainty passed on to q̂_s).
    Iterated a few times over the graph (a Laplace-type approximation that ignores longer cycles)."""
    ar = a[r]
    coef2 = (w * ar) ** 2
    p_minus = np.maximum(p_s[s] - w * ar**2, 1e-12)
    var = 1.0 / np.maximum(prior_b + np.bincount(r, w, R), 1e-12) if start is None else start
    for _ in range(rounds):
        t = np.bincount(s, coef2 * var[r], N)
        extra = np.maximum(t[s] - coef2 * var[r], 0.0) / p_minus**2
        info = 1.0 / (1.0 / w + ar**2 / p_minus + ar**2 * extra)
        var = 1.0 / np.maximum(prior_b + np.bincount(r, info, R), 1e-12)
    return var


def _dersimonian_laird(est, var, ok, test=True):
    """Between-reviewer variance of independent estimates `est` with sampling variances `var` (random-effects
    meta-analysis, DerSimonian–Laird), kept only when the heterogeneity test rejects equality at 5 % (Cochran's
    Q above its χ² 95 % quantile): reviewers are treated as alike unless the data show otherwise, so that a
    panel that does not differ is calibrated as the plain mean. Also an upper bound (the unthresholded
    estimate plus 1.645 approximate standard errors), used where "no difference" must not be overtrusted."""
    if ok.sum() < 2:
        return 0.0, 0.0
    wt = 1.0 / var[ok]
    x = est[ok]
    sw = float(wt.sum())
    mean = float(wt @ x) / sw
    Q = float(wt @ (x - mean) ** 2)
    k = int(ok.sum())
    denom = sw - float(wt @ wt) / sw
    tau2 = max((Q - (k - 1)) / denom, 0.0) if denom > 0 else 0.0
    upper = tau2 + 1.645 * math.sqrt(2.0 / (k - 1)) * (float(np.mean(var[ok])) + tau2)
    if test and Q <= chi2.ppf(0.95, k - 1):
        tau2 = 0.0
    return tau2, upper


def _between_variance(B, A, test=True, cap=1.0):
    """Between-reviewer variance of the log scales: DerSimonian–Laird on each reviewer's slope B/A (variance
    1/A), divided by the mean slope²; at most `cap` (scales beyond e^{±2} are not credible on a rating scale).
    `test`: 0 unless the heterogeneity test rejects (see _dersimonian_laird); else the plain estimate."""
    ok = A > 1e-9
    if ok.sum() < 2:
        return 0.0
    slope = np.where(ok, B / np.where(ok, A, 1.0), 0.0)
    tau2, _ = _dersimonian_laird(slope, 1.0 / np.where(ok, A, 1.0), ok, test=test)
    mean = float(A[ok] @ slope[ok]) / float(A[ok].sum())
    return float(min(tau2 / max(mean, 0.1) ** 2, cap))


def _newton_log_scale(l, A, B, tau_l2, steps=4):
    """Minimise A e^{2l}/2 − B e^l + l²/(2τ²) per reviewer (the log scale's conditional posterior)."""
    for _ in range(steps):
        a = np.exp(l)
        grad = A * a * a - B * a + l / tau_l2
        hess = np.maximum(2 * A * a * a - B * a, A * a * a) + 1.0 / tau_l2
        l = l - np.clip(grad / hess, -1.0, 1.0)
    a = np.exp(l)
    return l, 1.0 / (A * a * a + 1.0 / tau_l2)


def _grid_s2_update(grid_s2, lo, hi, s2):
    out = grid_s2.copy()
    out[lo:hi] = s2
    return out


def _noise_prior(S, n, grid_nu, grid_s2, window=None):
    """(ν₀, s₀²) by maximum marginal likelihood, given S_r ~ σ_r² χ²(n_r) and σ_r² ~ inv-χ²(ν₀, s₀²).

    ν₀ on a log grid (or the part of it in `window`, around the previous best), refined by a parabola;
    s₀² for each ν₀ by Newton steps on its stationarity equation, warm-started from the previous round.
    Returns (ν₀, s₀², the grid's s₀² values, index of the best grid point)."""
    lo, hi = window if window is not None else (0, len(grid_nu))
    S = np.maximum(S, 1e-12)[None, :]
    n = n[None, :]
    nu = grid_nu[lo:hi, None]
    s2 = grid_s2[lo:hi].copy()
    R = S.shape[1]
    for _ in range(3):  # Newton on log s₀² of R = Σ (ν + n) s₀² / (ν s₀² + S)
        v = nu * s2[:, None]
        frac = (nu + n) * s2[:, None] / (v + S)
        f = R - frac.sum(axis=1)
        fp = -np.sum(frac * S / (v + S), axis=1)
        s2 = s2 * np.exp(np.clip(-f / np.minimum(fp, -1e-300), -2.0, 2.0))
    v = nu * s2[:, None]
    loglik = np.sum(0.5 * nu * np.log(v) - gammaln(0.5 * nu) + gammaln(0.5 * (nu + n))
                    - 0.5 * (nu + n) * np.log(v + S), axis=1)
    grid_s2 = grid_s2.copy()
    grid_s2[lo:hi] = s2
    best = int(np.argmax(loglik))
    if hi == len(grid_nu) and loglik[-1] >= loglik[best] - 1.92:
        # one noise level for all is not rejected (likelihood ratio test at 5 %): keep it
        return float(nu[-1, 0]), float(s2[-1]), _grid_s2_update(grid_s2, lo, hi, s2), hi - 1
    nu_best, s2_best = float(nu[best, 0]), float(s2[best])
    if 0 < best < len(s2) - 1:
        # parabola through the three points around the best, in log ν: a continuous estimate, so that the
        # fit converges instead of hopping between grid points
        y0, y1, y2 = loglik[best - 1:best + 2]
        den = y0 - 2 * y1 + y2
        if den < 0:
            shift = 0.5 * (y0 - y2) / den
            h = math.log(nu[best + 1, 0] / nu[best, 0])
            nu_best = float(nu[best, 0] * math.exp(shift * h))
            s2_best = float(np.exp(np.interp(math.log(nu_best), np.log(nu[:, 0]), np.log(s2))))
    return nu_best, s2_best, grid_s2, lo + best


# --------------------------------------------------------------------------------------------- graph


def _components(d: _Data):
    N, R = d.n_sub, d.n_rev
    graph = sparse.coo_matrix((np.ones(len(d.s)), (d.s, N + d.r)), shape=(N + R, N + R))
    n_comp, labels = connected_components(graph, directed=False)
    return n_comp, labels[:N], labels[N:]


def _co_review(d: _Data):
    """Reviewer × reviewer matrix of shared submissions (CSR, zero diagonal)."""
    inc = sparse.csr_matrix((np.ones(len(d.s)), (d.s, d.r)), shape=(d.n_sub, d.n_rev))
    co = (inc.T @ inc).tocsr()
    co.setdiag(0)
    co.eliminate_zeros()
    return co


def _bridges(indptr, indices, n):
    """Bridges of an undirected simple graph (iterative Tarjan): (parent, child, reviewers below child)."""
    indptr = indptr.tolist()
    indices = indices.tolist()
    disc = [-1] * n
    low = [0] * n
    size = [1] * n
    found = []
    t = 0
    for root in range(n):
        if disc[root] != -1:
            continue
        disc[root] = low[root] = t
        t += 1
        stack = [[root, -1, indptr[root]]]
        while stack:
            top = stack[-1]
            v, parent, i = top
            if i < indptr[v + 1]:
                top[2] = i + 1
                u = indices[i]
                if u == parent:
                    continue
                if disc[u] == -1:
                    disc[u] = low[u] = t
                    t += 1
                    stack.append([u, v, indptr[u]])
                elif disc[u] < low[v]:
                    low[v] = disc[u]
            else:
                stack.pop()
                if parent != -1:
                    if low[v] < low[parent]:
                        low[parent] = low[v]
                    size[parent] += size[v]
                    if low[v] > disc[parent]:
                        found.append((parent, v, size[v]))
    return found


def _connectivity(d: _Data, n_comp, sub_labels, rev_labels, co) -> Connectivity:
    rev_ids, sub_ids = d.rev_ids, d.sub_ids
    order = sorted(range(n_comp), key=lambda k: (-int(np.sum(rev_labels == k)), int(np.argmax(rev_labels == k))))
    by_rev = np.argsort(rev_labels, kind="stable")
    by_sub = np.argsort(sub_labels, kind="stable")
    rev_starts = np.searchsorted(rev_labels[by_rev], np.arange(n_comp + 1))
    sub_starts = np.searchsorted(sub_labels[by_sub], np.arange(n_comp + 1))
    groups = tuple(
        ComponentGroup(reviewers=tuple(rev_ids[i] for i in by_rev[rev_starts[k]:rev_starts[k + 1]]),
                       submissions=tuple(sub_ids[i] for i in by_sub[sub_starts[k]:sub_starts[k + 1]]))
        for k in order)
    degree = np.diff(co.indptr)
    single = np.flatnonzero(degree == 1)
    warnings: list[str] = []
    if n_comp > 1:
        sizes = ", ".join(f"{len(g.reviewers)} reviewer(s) / {len(g.submissions)} submission(s)"
                          for g in groups[:10])
        warnings.append(
            f"The reviews form {n_comp} separate groups that share no reviewer ({sizes}"
            f"{', …' if n_comp > 10 else ''}). Submissions in different groups are compared only by assuming "
            "that each group's reviewers are, on average, equally lenient; their intervals and rank intervals "
            "include that uncertainty.")
    for i in single[:_MAX_WARNINGS]:
        other = co.indices[co.indptr[i]]
        shared = int(co.data[co.indptr[i]])
        warnings.append(f"Reviewer {rev_ids[i]!r} shares projects with only one other reviewer "
                        f"({rev_ids[other]!r}, {shared} project(s)): their leniency rests on that comparison.")
    if len(single) > _MAX_WARNINGS:
        warnings.append(f"… and {len(single) - _MAX_WARNINGS} more reviewers with a single co-reviewer.")
    comp_size = np.bincount(rev_labels, minlength=n_comp)
    bridges = []
    for parent, child, below in _bridges(co.indptr, co.indices, d.n_rev):
        cut = min(below, int(comp_size[rev_labels[child]]) - below)
        if cut >= 2:
            row = co.indptr[parent] + int(np.searchsorted(co.indices[co.indptr[parent]:co.indptr[parent + 1]],
                                                          child))
            bridges.append((rev_ids[parent], rev_ids[child], int(co.data[row]), cut))
    bridges.sort(key=lambda x: (-x[3], repr(x[0]), repr(x[1])))
    for p, ch, shared, cut in bridges[:_MAX_WARNINGS]:
        warnings.append(f"Reviewers {p!r} and {ch!r} ({shared} shared project(s)) are the only link between a "
                        f"group of {cut} reviewers and the rest: that group's calibration rests on it.")
    if len(bridges) > _MAX_WARNINGS:
        warnings.append(f"… and {len(bridges) - _MAX_WARNINGS} more single links between groups of reviewers.")
    return Connectivity(n_components=n_comp, components=groups,
                        single_link_reviewers=tuple(rev_ids[i] for i in single),
                        bridges=tuple(bridges), warnings=tuple(warnings))


def _outliers(d: _Data, reliability: np.ndarray | None) -> list[OutlierReviewer]:
    """Flat reviewers (nearly one score for everything) and near-random ones (scores unrelated to the other
    reviewers' scores of the same projects), judged against the panel's median reviewer."""
    N, R = d.n_sub, d.n_rev
    s, r, y = d.s, d.r, d.y
    nr = np.bincount(r, minlength=R)
    mean_r = np.bincount(r, y, R) / nr
    sd_r = np.sqrt(np.bincount(r, (y - mean_r[r]) ** 2, R) / np.maximum(nr - 1, 1))
    judged = nr >= 3
    out: list[OutlierReviewer] = []
    if not judged.any():
        return out
    med_sd = float(np.median(sd_r[judged]))
    flat = judged & (sd_r <= 0.2 * med_sd) if med_sd > 0 else np.zeros(R, dtype=bool)
    for i in np.flatnonzero(flat):
        out.append(OutlierReviewer(d.rev_ids[i], "flat",
                                   f"gives (nearly) the same score to every project: standard deviation "
                                   f"{sd_r[i]:.2f} over {nr[i]} reviews (median reviewer {med_sd:.2f})"))
    # correlation with the leave-one-out mean of the other reviewers of the same submission
    ns = np.bincount(s, minlength=N)
    total = np.bincount(s, y, N)
    ok = ns[s] >= 2
    xo, yo, ro = y[ok], ((total[s] - y) / np.maximum(ns[s] - 1, 1))[ok], r[ok]
    cnt = np.bincount(ro, minlength=R).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mx = np.bincount(ro, xo, R) / cnt
        my = np.bincount(ro, yo, R) / cnt
        sxy = np.bincount(ro, (xo - mx[ro]) * (yo - my[ro]), R)
        sxx = np.bincount(ro, (xo - mx[ro]) ** 2, R)
        syy = np.bincount(ro, (yo - my[ro]) ** 2, R)
        corr = sxy / np.sqrt(sxx * syy)
    usable = (cnt >= 5) & np.isfinite(corr) & ~flat
    if usable.sum() < 3:
        return out
    med = float(np.median(corr[usable]))
    if med <= 0.1:
        return out
    zmed = math.atanh(min(med, 0.999))
    zr = np.arctanh(np.clip(corr, -0.999, 0.999))
    stat = (zmed - zr) * np.sqrt(np.maximum(cnt - 3, 0))
    for i in np.flatnonzero(usable & (stat > 2.33) & (corr < 0.5 * med)):
        extra = f"; estimated reliability {reliability[i]:.2f}" if reliability is not None else ""
        out.append(OutlierReviewer(d.rev_ids[i], "near_random",
                                   f"scores barely follow the other reviewers' scores of the same projects: "
                                   f"correlation {corr[i]:.2f} over {int(cnt[i])} projects (median reviewer "
                                   f"{med:.2f}){extra}"))
    out.sort(key=lambda o: (o.kind, repr(o.id)))
    return out


# --------------------------------------------------------------------------------------------- draws


def _gauge(fit: _Fit, d: _Data, sub_labels, rev_labels, n_comp):
    """Per component: mean log scale 0 and mean bias 0 over its reviewers. Returns (alpha, beta) per comp."""
    cnt = np.bincount(rev_labels, minlength=n_comp).astype(float)
    mean_l = np.bincount(rev_labels, fit.l, n_comp) / cnt
    alpha = np.exp(mean_l)
    a = np.exp(fit.l)
    mean_a = np.bincount(rev_labels, a, n_comp) / cnt
    mean_b = np.bincount(rev_labels, fit.b, n_comp) / cnt
    beta = alpha * mean_b / mean_a
    return alpha, beta


def _draw_qualities(fit: _Fit, d: _Data, sub_labels, rev_labels, n_comp, alpha, beta, n_draws, rng):
    """Draws of the qualities (n_draws × N, gauge applied), with the between-component uncertainty."""
    N, R = d.n_sub, d.n_rev
    s, r = d.s, d.r
    out = np.empty((n_draws, N), dtype=np.float32)  # single precision is ample for ranks and spreads
    cond = fit.conditional
    if cond is not None:
        w, z, mu_q, tau_q2 = cond["w"], cond["z"], cond["mu_q"], cond["tau_q2"]
        # Σ over a submission's reviews of w a (z − b) = (W∘Z) a − W (a∘b), with W[s, r] = w of that review:
        # three sparse products per chunk of draws, nothing as large as reviews × draws
        wz = sparse.csr_matrix((w * z, (s, r)), shape=(N, R))
        ww = sparse.csr_matrix((w, (s, r)), shape=(N, R))
    sd_b, sd_l = np.sqrt(fit.var_b), np.sqrt(fit.var_l)
    for start in range(0, n_draws, _DRAW_CHUNK):
        k = min(_DRAW_CHUNK, n_draws - start)
        if cond is None:
            out[start:start + k] = fit.q[None, :] + np.sqrt(fit.var_q)[None, :] * rng.standard_normal(
                (k, N), dtype=np.float32)
            continue
        bd = fit.b[:, None] + sd_b[:, None] * rng.standard_normal((R, k))
        ad = np.exp(fit.l[:, None] + sd_l[:, None] * rng.standard_normal((R, k)))
        prec = 1.0 / tau_q2 + ww @ (ad * ad)
        num = mu_q / tau_q2 + wz @ ad - ww @ (ad * bd)
        out[start:start + k] = (num / prec).T
        out[start:start + k] += rng.standard_normal((k, N), dtype=np.float32) / np.sqrt(prec).T
    out *= alpha[sub_labels][None, :].astype(np.float32)
    out += beta[sub_labels][None, :].astype(np.float32)
    if n_comp > 1:
        cnt = np.bincount(rev_labels, minlength=n_comp).astype(float)
        offset = rng.standard_normal((n_draws, n_comp)) * np.sqrt(fit.tau_b2 / cnt)[None, :]
        spread = np.exp(rng.standard_normal((n_draws, n_comp)) * np.sqrt(fit.tau_l2 / cnt)[None, :])
        q = fit.q * alpha[sub_labels] + beta[sub_labels]
        center = np.bincount(sub_labels, q, n_comp) / np.bincount(sub_labels, minlength=n_comp)
        c0 = center[sub_labels][None, :]
        out = c0 + (out - c0) * spread[:, sub_labels] + offset[:, sub_labels]
    return out


def _ranks_of_draws(draws: np.ndarray) -> np.ndarray:
    """Rank (1 = best) of every submission in every draw, as submissions × draws."""
    D, N = draws.shape
    order = np.argsort(-draws, axis=1)  # draws are rows: contiguous sorts
    dtype = np.int16 if N < 2**15 else np.int32
    ranks = np.empty((N, D), dtype=dtype)
    ranks[order, np.arange(D)[:, None]] = np.arange(1, N + 1, dtype=dtype)[None, :]
    return ranks


# --------------------------------------------------------------------------------------------- entry points


def calibrate(submissions: Sequence[Hashable], reviewers: Sequence[Hashable], scores: Sequence[float],
              confidence: Sequence[int] | None = None, *, model: str = DEFAULT_MODEL,
              scale: tuple[float, float] | None = None, top_k: int | None = None, seed: int = 0,
              n_draws: int = 200, level: float = 0.9, step: float | None = None, censor: bool = False,
              max_iter: int = 500,
              tol: float = 1e-4) -> CalibrationResult:
    """Calibrated scores, ranks and reviewer estimates from one row per review; see the module docstring.

    `scale=(lowest, highest)` bounds the scores: calibrated scores and intervals are kept within it. With
    `censor=True` the hierarchical model also reads end-of-scale scores as censored (the top level means "at
    least top − step/2"); measured, this did not rank better (see docs/PERFORMANCE.md), so it is off by default.
    `step` is the scale's resolution: by default 1 when the scale's bounds and every score are whole numbers,
    else 0 (continuous). `top_k` asks for each submission's probability of being among the k best. `n_draws`
    posterior draws give the rank intervals. Raises ValueError on inconsistent input.
    """
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; choose one of {', '.join(MODELS)}")
    if not (0 < level < 1):
        raise ValueError("level must lie strictly between 0 and 1")
    if int(n_draws) != n_draws or n_draws < 20:
        raise ValueError("n_draws must be a whole number of at least 20")
    clock = [time.perf_counter()]
    seconds: dict[str, float] = {}

    def lap(name):
        now = time.perf_counter()
        seconds[name] = now - clock[0]
        clock[0] = now

    d = _prepare(submissions, reviewers, scores, confidence, scale, step)
    lap("input")
    N, R = d.n_sub, d.n_rev
    if top_k is not None and (int(top_k) != top_k or not 1 <= top_k <= N):
        raise ValueError(f"top_k must be a whole number between 1 and the number of submissions ({N})")
    center, spread = _standardise(d.y)
    if model == "additive":
        # the spread within reviewers does not move when a reviewer's scores are shifted, so neither do the
        # fit's floors and starting values, expressed in it
        within = d.y - (np.bincount(d.r, d.y, R) / np.bincount(d.r, minlength=R))[d.r]
        if float(within.std()) > 1e-12:
            spread = float(within.std())
    z = (d.y - center) / spread
    warnings: list[str] = []

    if model == "raw_mean":
        fit = _fit_raw_mean(d, z)
    elif model == "zscore":
        fit = _fit_zscore(d, z)
    else:
        hierarchical = model == "hierarchical"
        lower = upper = None
        if hierarchical and censor and d.lo is not None:
            # a score at an end of the scale is censored: the lowest level means "at most lowest + step/2",
            # the highest "at least highest − step/2"; scores in between are taken as they are
            half = d.step / 2 if _INTERIOR_INTERVALS else 0.0
            lower = np.where(d.y <= d.lo, -np.inf, (d.y - half - center) / spread)
            upper = np.where(d.y >= d.hi, np.inf, (d.y + half - center) / spread)
            if not _INTERIOR_INTERVALS:
                lower = np.where(d.y >= d.hi, (d.y - d.step / 2 - center) / spread, lower)
                upper = np.where(d.y <= d.lo, (d.y + d.step / 2 - center) / spread, upper)
        # scores rounded to the scale's levels carry at least the rounding error (variance step²/12): a
        # reviewer who gives every project the same level is not thereby precise
        noise_floor = max(_NOISE_FLOOR, (d.step / spread) ** 2 / 12.0)
        # the additive fit is cheap: converged tightly, so that its invariance to one reviewer's shift holds
        # to rounding error whatever path the iterations take
        fit = _fit_gaussian(d, z, lower, upper, hierarchical=hierarchical, max_iter=max_iter,
                            tol=tol if hierarchical else min(tol, 1e-10), noise_floor=noise_floor)
        if not fit.params["converged"]:
            warnings.append(f"The {model} model did not converge in {max_iter} rounds; estimates may be rough.")
    lap("fit")

    n_comp, sub_labels, rev_labels = _components(d)
    co = _co_review(d)
    connectivity = _connectivity(d, n_comp, sub_labels, rev_labels, co)
    warnings.extend(connectivity.warnings)
    lap("graph")

    if model in ("hierarchical", "additive"):
        alpha, beta = _gauge(fit, d, sub_labels, rev_labels, n_comp)
    else:
        alpha, beta = np.ones(n_comp), np.zeros(n_comp)
    rng = np.random.default_rng(seed)
    draws = _draw_qualities(fit, d, sub_labels, rev_labels, n_comp, alpha, beta, int(n_draws), rng)
    q = fit.q * alpha[sub_labels] + beta[sub_labels]
    q_sd = draws.std(axis=0, dtype=np.float64)
    lap("draws")

    # point ranks: equal qualities (to 1e-9 of the spread) share the better rank
    key = np.round(q, 9)
    order = np.lexsort((np.arange(N), -key))
    rank = np.empty(N, dtype=np.int64)
    sorted_key = key[order]
    first = np.r_[True, sorted_key[1:] != sorted_key[:-1]]
    rank[order] = np.maximum.accumulate(np.where(first, np.arange(1, N + 1), 0))
    ranks = _ranks_of_draws(draws)  # submissions × draws
    lo_k = int(math.floor((1 - level) / 2 * (n_draws - 1)))
    hi_k = int(math.ceil((1 + level) / 2 * (n_draws - 1)))
    part = np.partition(ranks, [lo_k, hi_k], axis=1)
    rank_low = np.minimum(part[:, lo_k], rank)
    rank_high = np.maximum(part[:, hi_k], rank)
    top_prob = np.count_nonzero(ranks <= top_k, axis=1) / n_draws if top_k is not None else None
    lap("ranks")

    zq = float(ndtri((1 + level) / 2))
    lo_s = -np.inf if d.lo is None else d.lo
    hi_s = np.inf if d.hi is None else d.hi
    # rounded to 1e-9 of the spread, so that float noise never breaks a tie the data do not break
    quality = center + spread * np.round(q, 9)
    score = np.clip(quality, lo_s, hi_s)
    score_low = np.clip(quality - zq * spread * q_sd, lo_s, hi_s)
    score_high = np.clip(quality + zq * spread * q_sd, lo_s, hi_s)
    ns = np.bincount(d.s, minlength=N)
    raw = np.bincount(d.s, d.y, N) / ns

    # best first; columns turned into Python lists once (10,000 objects are built in a few milliseconds)
    ids = [d.sub_ids[i] for i in order.tolist()]
    columns = [ns, raw, score, score_low, score_high, quality, spread * q_sd, rank, rank_low, rank_high]
    columns = [col[order].tolist() for col in columns]
    columns.append(top_prob[order].tolist() if top_prob is not None else [None] * N)
    subs = list(map(SubmissionEstimate, ids, *columns))

    reviewers_out, reliability = _reviewer_estimates(fit, d, model, rev_labels, alpha, beta, spread, zq, co,
                                                     level)
    outliers = _outliers(d, reliability)
    params = _parameters(fit, model, spread, center, d, n_comp)
    lap("results")
    return CalibrationResult(model=model, parameters=params, submissions=subs, reviewers=reviewers_out,
                             connectivity=connectivity, outliers=outliers, warnings=warnings,
                             scale=(d.lo, d.hi) if d.lo is not None else None, top_k=top_k, level=level,
                             n_draws=int(n_draws), seed=seed, seconds=seconds,
                             _sub_index={s.id: k for k, s in enumerate(subs)},
                             _rev_index={rv.id: k for k, rv in enumerate(reviewers_out)})


def _reviewer_estimates(fit, d, model, rev_labels, alpha, beta, spread, zq, co, level):
    R = d.n_rev
    nr = np.bincount(d.r, minlength=R)
    degree = np.diff(co.indptr)
    a_pt = np.exp(fit.l)
    if model in ("hierarchical", "additive"):
        al = alpha[rev_labels]
        b = fit.b - a_pt * beta[rev_labels] / al
        l = fit.l - np.log(al)
    else:
        b, l = fit.b, fit.l
    sd_b = np.sqrt(fit.var_b)
    len_ = spread * b
    len_lo, len_hi = spread * (b - zq * sd_b), spread * (b + zq * sd_b)
    reliability = None
    cols: dict[str, np.ndarray | None] = dict.fromkeys(
        ("scale", "scale_low", "scale_high", "noise", "noise_low", "noise_high", "rel", "rel_low", "rel_high"))
    if model == "hierarchical":
        sd_l = np.sqrt(fit.var_l)
        cols["scale"], cols["scale_low"], cols["scale_high"] = np.exp(l), np.exp(l - zq * sd_l), np.exp(l + zq * sd_l)
        dof = fit.noise_dof
        var = fit.reviewer_noise
        ss = var * dof
        v_lo = ss / chi2.ppf((1 + level) / 2, dof)
        v_hi = ss / chi2.ppf((1 - level) / 2, dof)
        cols["noise"], cols["noise_low"], cols["noise_high"] = (spread * np.sqrt(var), spread * np.sqrt(v_lo),
                                                                spread * np.sqrt(v_hi))
        tq = fit.tau_q2 * alpha[rev_labels] ** 2  # quality variance in the component's gauge

        def rel(sc, v):
            signal = sc**2 * tq
            return signal / (signal + v)

        cols["rel"] = reliability = rel(cols["scale"], var)
        cols["rel_low"], cols["rel_high"] = rel(cols["scale_low"], v_hi), rel(cols["scale_high"], v_lo)
    elif model == "additive":
        v = fit.reviewer_noise
        cols["noise"] = spread * np.sqrt(v)
    elif model == "zscore":
        cols["scale"] = np.exp(l)

    def column(name):
        col = cols[name]
        return [None] * R if col is None else col.tolist()

    out = list(map(ReviewerEstimate, d.rev_ids, nr.tolist(), degree.tolist(), len_.tolist(), len_lo.tolist(),
                   len_hi.tolist(), *(column(name) for name in cols)))
    return out, reliability


def _parameters(fit: _Fit, model: str, spread: float, center: float, d: _Data, n_comp: int) -> dict:
    p = fit.params
    out = {"model": model, "reviews": len(d.s), "submissions": d.n_sub, "reviewers": d.n_rev,
           "components": n_comp, "center": center, "spread": spread, "step": d.step,
           "between_reviewer_bias_sd": spread * math.sqrt(p.get("tau_b2", fit.tau_b2)),
           # what the between-component uncertainty uses: an upper bound when the model estimates it
           "between_reviewer_bias_sd_upper": spread * math.sqrt(fit.tau_b2)}
    if model in ("raw_mean", "zscore"):
        out["noise_sd"] = spread * p["noise_sd"] if model == "raw_mean" else p["noise_sd"]
        return out
    out.update(iterations=p["iterations"], converged=p["converged"], quality_sd=spread * math.sqrt(p["tau_q2"]))
    if model == "additive":
        out["noise_sd"] = spread * math.sqrt(p["noise_var"])
        return out
    out.update(log_scale_sd=math.sqrt(p["tau_l2"]), noise_prior_dof=p["noise_prior_dof"],
               typical_noise_sd=spread * math.sqrt(p["noise_prior_var"]),
               censored=bool(p.get("censored")))
    mult = p["confidence_multipliers"]
    out["confidence_noise_multipliers"] = (dict(zip(CONFIDENCE_NAMES, mult, strict=True))
                                           if mult is not None else None)
    return out


# --------------------------------------------------------------------------------------------- criteria


def weighted_total(criterion_scores, weights) -> np.ndarray:
    """Each review's grid total: Σ weight_c × score_c / Σ weight_c, so it stays on the criteria's scale.

    `criterion_scores`: an array (reviews × criteria) or a mapping criterion → scores per review;
    `weights`: a sequence in the same order, or a mapping criterion → weight (non-negative, not all zero).
    """
    if isinstance(criterion_scores, Mapping):
        names = list(criterion_scores)
        if not isinstance(weights, Mapping):
            raise ValueError("give the weights as a mapping criterion → weight when the scores are a mapping")
        if set(weights) != set(names):
            raise ValueError("weights and scores must name the same criteria")
        try:
            matrix = np.column_stack([np.asarray(criterion_scores[k], dtype=np.float64) for k in names])
        except ValueError as exc:
            raise ValueError("every criterion needs one number per review") from exc
        w = np.array([weights[k] for k in names], dtype=np.float64)
    else:
        matrix = np.asarray(criterion_scores, dtype=np.float64)
        w = np.asarray(list(weights.values()) if isinstance(weights, Mapping) else weights, dtype=np.float64)
        if matrix.ndim != 2:
            raise ValueError("criterion scores must be a table: one row per review, one column per criterion")
    if w.shape != (matrix.shape[1],):
        raise ValueError("one weight per criterion")
    if not np.all(np.isfinite(matrix)) or not np.all(np.isfinite(w)):
        raise ValueError("criterion scores and weights must be finite numbers")
    if np.any(w < 0) or w.sum() <= 0:
        raise ValueError("weights must be non-negative and not all zero")
    return matrix @ (w / w.sum())


@dataclass
class CriteriaCalibration:
    criteria: dict[str, CalibrationResult]  # each criterion calibrated on its own
    total: CalibrationResult | None  # the grid's weighted total per review, calibrated (None without weights)


def calibrate_criteria(submissions, reviewers, criterion_scores: Mapping[str, Sequence[float]],
                       confidence=None, *, weights: Mapping[str, float] | None = None, **options,
                       ) -> CriteriaCalibration:
    """Per-criterion calibrated averages, and the calibrated weighted total when `weights` are given.

    Every criterion is calibrated on its own with the same options as `calibrate` (a reviewer may be harsh on
    one criterion and not on another). The total is the grid's weighted score of each review (`weighted_total`),
    calibrated as one score on the same scale, continuous (step 0) since weighted averages fall between levels.
    """
    if not criterion_scores:
        raise ValueError("at least one criterion is needed")
    criteria = {name: calibrate(submissions, reviewers, values, confidence, **options)
                for name, values in criterion_scores.items()}
    total = None
    if weights is not None:
        totals = weighted_total(criterion_scores, weights)
        total = calibrate(submissions, reviewers, totals, confidence, **{**options, "step": 0.0})
    return CriteriaCalibration(criteria=criteria, total=total)
