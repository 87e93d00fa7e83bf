"""The two reference models as fits: the raw mean of each submission, and per-reviewer z-scores."""
from __future__ import annotations

import math

import numpy as np

from .data import Data
from .fit import Fit, pooled_within


def fit_raw_mean(d: Data, z: np.ndarray) -> Fit:
    """Each submission's mean score; each reviewer's leniency described by their mean residual."""
    N, R = d.n_sub, d.n_rev
    ns = np.bincount(d.s, minlength=N)
    q = np.bincount(d.s, z, N) / ns
    resid = z - q[d.s]
    sig2 = pooled_within(resid, ns, d.s)
    b, var_b, tau_b2, upper = _descriptive_bias(resid, d.r, R, sig2)
    return Fit(q=q, b=b, l=np.zeros(R), var_b=var_b, var_l=np.zeros(R), var_q=sig2 / ns, tau_b2=upper,
                tau_l2=0.0, conditional=None, params={"noise_sd": math.sqrt(sig2), "tau_b2": tau_b2})


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


def fit_zscore(d: Data, z: np.ndarray) -> Fit:
    """Each reviewer's scores standardised by their own mean and deviation, then averaged per submission."""
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
    sig2 = pooled_within(resid, ns, d.s)
    _, _, tau_b2, upper = _descriptive_bias(z - q[d.s], d.r, R, sig2)
    var_b = sd_r**2 / np.maximum(nr, 1)
    return Fit(q=q, b=loc, l=np.log(sd), var_b=var_b, var_l=np.zeros(R), var_q=sig2 / ns, tau_b2=upper,
                tau_l2=0.0, conditional=None, params={"noise_sd": math.sqrt(sig2), "tau_b2": tau_b2})
