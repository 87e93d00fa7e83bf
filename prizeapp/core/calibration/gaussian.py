"""What the additive and hierarchical fits share: the exact qualities-and-biases step, posterior variances."""
from __future__ import annotations

import math

import numpy as np

from .data import Data
from .fit import VAR_FLOOR


def quality_precisions(d: Data, w: np.ndarray, ea2: np.ndarray, tau_q2: float) -> np.ndarray:
    """Each quality's posterior precision, given the reviews' weights and each reviewer's E[scale²]."""
    return 1.0 / tau_q2 + np.bincount(d.s, w * ea2[d.r], d.n_sub)


def qualities_and_biases(d: Data, z, w, a, p_s, b, tau_q2: float, mu_q: float, prior_b: float):
    """Qualities and biases jointly, exactly, given scales `a` and weights `w`: the normal equations reduced
    to the biases (Schur complement, reviewers × reviewers, applied matrix-free), solved by preconditioned
    conjugate gradients warm-started from `b`. `prior_b` is the biases' prior precision: 0 leaves them free,
    infinity holds them at 0. Returns (qualities, biases, the biases' precisions given the qualities)."""
    s, r, N, R = d.s, d.r, d.n_sub, d.n_rev
    coef = w * a[r]
    rq = mu_q / tau_q2 + np.bincount(s, coef * z, N)
    p_b = prior_b + np.bincount(r, w, R)
    if math.isinf(prior_b):  # no between-reviewer differences: biases exactly 0
        return rq / p_s, np.zeros(R), p_b
    rb = np.bincount(r, w * z, R)
    b_new = _solve_biases(b, s, r, coef, p_s, p_b, rb, rq, N, R)
    q_new = (rq - np.bincount(s, coef * b_new[r], N)) / p_s
    return q_new, b_new, p_b


def posterior_variances(d: Data, w, a, p_s, prior_b: float, start=None, rounds: int = 3):
    """Marginal posterior variances of the biases (see `_bias_variances`; warm-started from `start`) and of the
    qualities, with the biases' uncertainty passed on to them."""
    s, r, N, R = d.s, d.r, d.n_sub, d.n_rev
    if math.isinf(prior_b):
        var_b = np.zeros(R)
    else:
        var_b = _bias_variances(s, r, w, a, p_s, prior_b, N, R,
                                start=start if start is not None and start.any() else None, rounds=rounds)
    var_q = 1.0 / p_s + np.bincount(s, (w * a[r]) ** 2 * var_b[r], N) / p_s**2
    return var_b, var_q


def quality_variance(q: np.ndarray, mu_q: float, p_s: np.ndarray, tau_q2: float) -> float:
    """The qualities' variance τ_q² by MacKay's fixed point (γ = effective number of well-determined
    qualities)."""
    gamma = max(float(np.sum(1.0 - (1.0 / p_s) / tau_q2)), 1e-3)
    return max(float(np.sum((q - mu_q) ** 2)) / gamma, VAR_FLOOR)


def largest_change(*pairs) -> float:
    """The largest move between (new, old) estimates: the fits stop when it falls below their tolerance."""
    return max(float(np.max(np.abs(new - old))) for new, old in pairs)


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
