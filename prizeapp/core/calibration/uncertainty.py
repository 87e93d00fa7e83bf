"""Uncertainty: the gauge of each component, joint posterior draws of the qualities, and the ranks read from them.

Posterior variances: of each bias with the uncertainty of the qualities it is compared with propagated (a
Laplace-type approximation, iterated over the graph), of each log scale from its Newton curvature. `n_draws`
joint draws: biases and scales from those approximate posteriors, then every quality from its exact
conditional posterior given them (so two projects seen by the same harsh reviewer move together, as they
should). Ranks, rank intervals and top-k probabilities are read from the draws; score intervals are the
posterior mean ± 1.645 draw standard deviations, kept within the scale.

Disconnected review graph: two groups of reviewers who share no project cannot be compared; the model levels
each group by assuming its reviewers are, on average, as lenient (and as spread) as the others'. That
assumption is uncertain: each component's level gets an extra N(0, τ_b² / reviewers in it), with τ_b² taken at
its upper bound (estimate + 1.645 standard errors, even when the estimate is 0), and its spread an extra
log-normal factor exp(N(0, τ_l² / reviewers in it)) in every draw, so the ranks and intervals of submissions in
different groups widen accordingly.

Every random draw comes from the generator given, seeded by `calibrate` with its `seed`.
"""
from __future__ import annotations

import math

import numpy as np
from scipy import sparse

from .data import Data
from .fit import Fit

_DRAW_CHUNK = 64


def gauge(fit: Fit, d: Data, sub_labels, rev_labels, n_comp):
    """Per component: mean log scale 0 and mean bias 0 over its reviewers. Returns (alpha, beta) per comp."""
    cnt = np.bincount(rev_labels, minlength=n_comp).astype(float)
    mean_l = np.bincount(rev_labels, fit.l, n_comp) / cnt
    alpha = np.exp(mean_l)
    a = np.exp(fit.l)
    mean_a = np.bincount(rev_labels, a, n_comp) / cnt
    mean_b = np.bincount(rev_labels, fit.b, n_comp) / cnt
    beta = alpha * mean_b / mean_a
    return alpha, beta


def draw_qualities(fit: Fit, d: Data, sub_labels, rev_labels, n_comp, alpha, beta, n_draws, rng):
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


def ranks_of_draws(draws: np.ndarray) -> np.ndarray:
    """Rank (1 = best) of every submission in every draw, as submissions × draws."""
    D, N = draws.shape
    order = np.argsort(-draws, axis=1)  # draws are rows: contiguous sorts
    dtype = np.int16 if N < 2**15 else np.int32
    ranks = np.empty((N, D), dtype=dtype)
    ranks[order, np.arange(D)[:, None]] = np.arange(1, N + 1, dtype=dtype)[None, :]
    return ranks


def point_ranks(q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rank (1 = best) of each submission by quality, and the submissions best first. Equal qualities (to 1e-9
    of the spread) share the better rank."""
    N = len(q)
    key = np.round(q, 9)
    order = np.lexsort((np.arange(N), -key))
    rank = np.empty(N, dtype=np.int64)
    sorted_key = key[order]
    first = np.r_[True, sorted_key[1:] != sorted_key[:-1]]
    rank[order] = np.maximum.accumulate(np.where(first, np.arange(1, N + 1), 0))
    return rank, order


def rank_intervals(ranks: np.ndarray, rank: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Best and worst plausible rank of each submission at `level`, from its ranks in the draws (submissions ×
    draws); they always include its point rank."""
    n_draws = ranks.shape[1]
    lo_k = math.floor((1 - level) / 2 * (n_draws - 1))
    hi_k = math.ceil((1 + level) / 2 * (n_draws - 1))
    part = np.partition(ranks, [lo_k, hi_k], axis=1)
    return np.minimum(part[:, lo_k], rank), np.maximum(part[:, hi_k], rank)
