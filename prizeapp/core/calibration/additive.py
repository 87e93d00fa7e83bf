"""The additive model: score = mean + quality + bias + noise, biases free, one noise level."""
from __future__ import annotations

import numpy as np

from .data import Data
from .fit import NOISE_FLOOR, Fit
from .gaussian import (
    largest_change,
    posterior_variances,
    qualities_and_biases,
    quality_precisions,
    quality_variance,
)


def fit_additive(d: Data, z: np.ndarray, *, max_iter: int, tol: float) -> Fit:
    """Penalised least squares with a ridge on the qualities only (its strength estimated from the data), by
    alternating the exact qualities-and-biases step with the noise level and the ridge's strength.

    Adding a constant to one reviewer's scores moves that reviewer's bias and nothing else (up to the gauge):
    the fit starts from quantities such a shift moves exactly (the biases) or not at all, and, being cheap, is
    converged tightly, so that this holds to rounding error whatever path the iterations take."""
    s, r = d.s, d.r
    N, R, n = d.n_sub, d.n_rev, len(z)
    tol = min(tol, 1e-10)
    ones = np.ones(R)  # scales: all 1
    b = np.bincount(r, z, R) / np.bincount(r, minlength=R).astype(float)
    q = np.zeros(N)
    within = z - b[r]
    sig2 = max(float(within @ within) / max(n - R, 1), 0.05) if n > R else 0.5
    inv_sig2 = np.full(R, 1.0 / sig2)
    tau_q2 = 1.0
    var_b = None
    converged = False
    it = 0
    for it in range(1, max_iter + 1):
        w = inv_sig2[r]
        p_s = quality_precisions(d, w, ones, tau_q2)
        q_new, b_new, _ = qualities_and_biases(d, z, w, ones, p_s, b, tau_q2, 0.0, 0.0)
        var_b, var_q = posterior_variances(d, w, ones, p_s, 0.0, start=var_b, rounds=1 if it > 1 else 3)
        # one noise level: the mean expected squared residual, estimation uncertainty included
        exp_r2 = (z - (b_new[r] + q_new[s])) ** 2 + var_b[r] + var_q[s]
        sig2 = max(float(np.sum(exp_r2)) / n, NOISE_FLOOR)
        inv_sig2 = np.full(R, 1.0 / sig2)
        tau_q2 = quality_variance(q_new, 0.0, p_s, tau_q2)
        change = largest_change((q_new, q), (b_new, b))
        q, b = q_new, b_new
        if change < tol and it > 2:
            converged = True
            break
    # free biases: their spread, net of estimation noise, for the between-component uncertainty
    tau_b2 = max(float(np.mean((b - b.mean()) ** 2) - np.mean(var_b)), 0.0) if R > 1 else 0.0
    tau_b2_hi = tau_b2 + float(np.mean(var_b))
    tau_l2 = 0.05
    # the quantities the draws need, at the final values
    w = inv_sig2[r]
    p_s = quality_precisions(d, w, ones, tau_q2)
    var_b, var_q = posterior_variances(d, w, ones, p_s, 0.0)
    params = {"censored": False, "iterations": it, "converged": converged, "tau_q2": tau_q2, "tau_b2": tau_b2,
              "tau_l2": tau_l2, "mu_q": 0.0, "tau_b2_upper": tau_b2_hi, "noise_var": sig2}
    return Fit(q=q, b=b, l=np.zeros(R), var_b=var_b, var_l=np.zeros(R), var_q=var_q, tau_b2=tau_b2_hi,
               tau_l2=tau_l2, conditional={"w": w, "z": z, "mu_q": 0.0, "tau_q2": tau_q2},
               reviewer_noise=np.full(R, sig2), noise_dof=np.full(R, float(n)), tau_q2=tau_q2, params=params)
