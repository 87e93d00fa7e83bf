"""The entry point `calibrate`: one score per review in, calibrated scores, ranks and reviewer estimates out.

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
                  How many reviewer components it fits adapts to the call (`selection`): each reviewer's
                  leniency, shrunk towards the panel's by τ_b² (DerSimonian–Laird: 0 when the leniencies
                  differ no more than their estimates' noise, the plain mean then); their spread (τ_l² is 0
                  unless Cochran's heterogeneity test rejects equality at 5 %; a test that keeps switching
                  its component on and off between rounds leaves it off); their own noise levels (one level
                  shared unless a likelihood-ratio test rejects it at 5 %). Of the variants "leniency",
                  "leniency_spread" and "full", the one that best predicts each review left out of the fit
                  is kept (`variant="auto"`, the default; the choice is in `parameters["variant"]`), so that
                  a small panel is not given more parameters than its reviews can carry. Scores rounded
                  to the levels of a scale carry at least their rounding error (variance step²/12), so a
                  reviewer who gives every project the same level is not taken as precise.
                  Bounded scales: calibrated scores and intervals are always kept within the scale; with
                  `censor=True` an end-of-scale score is also read as censored (on 0–10 integers, 10 means "at
                  least 9.5"). Measured on simulated panels and on real ratings, censoring did not rank better
                  (docs/PERFORMANCE.md), so it is off by default.
"""
from __future__ import annotations

import math
import time
from collections.abc import Hashable, Sequence

import numpy as np
from scipy.special import ndtri

from .additive import fit_additive
from .censoring import censoring_bounds
from .data import Data, prepare, standardise
from .estimates import model_parameters, reviewer_estimates, submission_estimates
from .fit import NOISE_FLOOR, Fit
from .graph import co_review, components, graph_connectivity
from .hierarchical import fit_hierarchical
from .outliers import find_outliers
from .reference import fit_raw_mean, fit_zscore
from .results import CalibrationResult
from .selection import AUTO, VARIANTS, select_variant
from .uncertainty import (
    draw_qualities,
    gauge,
    point_ranks,
    rank_intervals,
    ranks_of_draws,
)

MODELS = ("hierarchical", "additive", "zscore", "raw_mean")
DEFAULT_MODEL = "hierarchical"
_GAUSSIAN = ("hierarchical", "additive")  # the models with a gauge to fix and iterations that may not converge


def calibrate(submissions: Sequence[Hashable], reviewers: Sequence[Hashable], scores: Sequence[float],
              confidence: Sequence[int] | None = None, *, model: str = DEFAULT_MODEL,
              scale: tuple[float, float] | None = None, top_k: int | None = None, seed: int = 0,
              n_draws: int = 200, level: float = 0.9, step: float | None = None, censor: bool = False,
              variant: str = AUTO, max_iter: int = 500, tol: float = 1e-4) -> CalibrationResult:
    """Calibrated scores, ranks and reviewer estimates from one row per review; see the module docstring.

    `scale=(lowest, highest)` bounds the scores: calibrated scores and intervals are kept within it. With
    `censor=True` the hierarchical model also reads end-of-scale scores as censored (the top level means "at
    least top − step/2"); measured, this did not rank better (see docs/PERFORMANCE.md), so it is off by default.
    `step` is the scale's resolution: by default 1 when the scale's bounds and every score are whole numbers,
    else 0 (continuous). `top_k` asks for each submission's probability of being among the k best. `n_draws`
    posterior draws give the rank intervals. `variant` (hierarchical model only): which reviewer components it
    fits, "auto" (chosen from the reviews, see `selection`) or one of `selection.VARIANTS`; the one used is in
    the result's parameters. Raises ValueError on inconsistent input.
    """
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; choose one of {', '.join(MODELS)}")
    if variant != AUTO and (model != "hierarchical" or variant not in VARIANTS):
        raise ValueError(f"variant must be {AUTO!r} or, for the hierarchical model, one of {', '.join(VARIANTS)}")
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

    d = prepare(submissions, reviewers, scores, confidence, scale, step)
    lap("input")
    N = d.n_sub
    if top_k is not None and (int(top_k) != top_k or not 1 <= top_k <= N):
        raise ValueError(f"top_k must be a whole number between 1 and the number of submissions ({N})")
    center, spread = _units(d, model)
    z = (d.y - center) / spread
    fit = _fit(model, d, z, center, spread, censor=censor, variant=variant, max_iter=max_iter, tol=tol)
    warnings: list[str] = []
    if model in _GAUSSIAN and not fit.params["converged"]:
        warnings.append(f"The {model} model did not converge in {max_iter} rounds; estimates may be rough.")
    lap("fit")

    n_comp, sub_labels, rev_labels = components(d)
    co = co_review(d)
    connectivity = graph_connectivity(d, n_comp, sub_labels, rev_labels, co)
    warnings.extend(connectivity.warnings)
    lap("graph")

    if model in _GAUSSIAN:
        alpha, beta = gauge(fit, d, sub_labels, rev_labels, n_comp)
    else:
        alpha, beta = np.ones(n_comp), np.zeros(n_comp)
    rng = np.random.default_rng(seed)
    draws = draw_qualities(fit, d, sub_labels, rev_labels, n_comp, alpha, beta, int(n_draws), rng)
    q = fit.q * alpha[sub_labels] + beta[sub_labels]
    q_sd = draws.std(axis=0, dtype=np.float64)
    lap("draws")

    rank, order = point_ranks(q)
    ranks = ranks_of_draws(draws)  # submissions × draws
    rank_low, rank_high = rank_intervals(ranks, rank, level)
    top_prob = np.count_nonzero(ranks <= top_k, axis=1) / n_draws if top_k is not None else None
    lap("ranks")

    zq = float(ndtri((1 + level) / 2))
    subs = submission_estimates(d, q, q_sd, center, spread, zq, order, rank, rank_low, rank_high, top_prob)
    _set_priors(subs, fit, sub_labels[order], alpha, beta, center, spread)
    reviewers_out, reliability = reviewer_estimates(fit, d, model, rev_labels, alpha, beta, spread, zq, co,
                                                    level)
    for rv, var_l in zip(reviewers_out, fit.var_l.tolist(), strict=True):
        rv.log_scale_sd = math.sqrt(var_l) if rv.scale is not None else None
    outliers = find_outliers(d, reliability)
    params = model_parameters(fit, model, spread, center, d, n_comp)
    lap("results")
    return CalibrationResult(model=model, parameters=params, submissions=subs, reviewers=reviewers_out,
                             connectivity=connectivity, outliers=outliers, warnings=warnings,
                             scale=(d.lo, d.hi) if d.lo is not None else None, top_k=top_k, level=level,
                             n_draws=int(n_draws), seed=seed, seconds=seconds,
                             _sub_index={s.id: k for k, s in enumerate(subs)},
                             _rev_index={rv.id: k for k, rv in enumerate(reviewers_out)},
                             _draws=center + spread * draws[:, order])


def _set_priors(subs, fit: Fit, labels, alpha, beta, center: float, spread: float) -> None:
    """Each submission's prior (mean and standard deviation, score units, in its component's gauge), for the
    models whose qualities are posterior means: those a decomposition of the score (`explain`) pulls towards."""
    if fit.conditional is None:
        return
    mu, tau = fit.conditional["mu_q"], math.sqrt(fit.conditional["tau_q2"])
    for e, k in zip(subs, labels.tolist(), strict=True):
        e.prior_mean = center + spread * float(alpha[k] * mu + beta[k])
        e.prior_sd = spread * float(alpha[k]) * tau


def _units(d: Data, model: str) -> tuple[float, float]:
    """The center and spread that standardise the scores: the fits work in these units."""
    center, spread = standardise(d.y)
    if model == "additive":
        # the spread within reviewers does not move when a reviewer's scores are shifted, so neither do the
        # fit's floors and starting values, expressed in it
        R = d.n_rev
        within = d.y - (np.bincount(d.r, d.y, R) / np.bincount(d.r, minlength=R))[d.r]
        if float(within.std()) > 1e-12:
            spread = float(within.std())
    return center, spread


def _fit(model: str, d: Data, z: np.ndarray, center: float, spread: float, *, censor: bool, variant: str,
         max_iter: int, tol: float) -> Fit:
    if model == "raw_mean":
        return fit_raw_mean(d, z)
    if model == "zscore":
        return fit_zscore(d, z)
    if model == "additive":
        return fit_additive(d, z, max_iter=max_iter, tol=tol)
    lower = upper = None
    if censor and d.lo is not None:
        lower, upper = censoring_bounds(d, z, center, spread)
    # scores rounded to the scale's levels carry at least the rounding error (variance step²/12): a reviewer
    # who gives every project the same level is not thereby precise
    noise_floor = max(NOISE_FLOOR, (d.step / spread) ** 2 / 12.0)

    def fit_with(structure):
        return fit_hierarchical(d, z, lower, upper, max_iter=max_iter, tol=tol, noise_floor=noise_floor,
                                structure=structure)

    if variant == AUTO:
        name, fit, how = select_variant(d, z, fit_with)
    else:
        name, fit, how = variant, fit_with(VARIANTS[variant]), {"method": "requested"}
    fit.params["variant"], fit.params["variant_selection"] = name, how
    return fit
