"""Scores at the ends of a bounded scale read as censored: their bounds, and the expected latent scores."""
from __future__ import annotations

import math

import numpy as np
from scipy.special import ndtr

from .data import Data


def censoring_bounds(d: Data, z: np.ndarray, center: float, spread: float) -> tuple[np.ndarray, np.ndarray]:
    """Bounds of each review's latent score, standardised like `z`: the lowest level means "at most lowest +
    step/2", the highest "at least highest − step/2"; scores in between are taken as they are (reading them as
    intervals too was measured no better, and breaks ties)."""
    lower = np.where(d.y <= d.lo, -np.inf, z)
    upper = np.where(d.y >= d.hi, np.inf, z)
    lower = np.where(d.y >= d.hi, (d.y - d.step / 2 - center) / spread, lower)
    upper = np.where(d.y <= d.lo, (d.y + d.step / 2 - center) / spread, upper)
    return lower, upper


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


def censored_moments(z0, lower, upper, cens, mu, w, extra=None):
    """Expected latent scores (and their variances) of the reviews read as intervals, the others as given.

    The latent score's spread is the noise plus `extra`, the uncertainty of its prediction b + a q (a review
    at the top of the scale says less about a project whose quality is still uncertain)."""
    z = z0.copy()
    zeta = np.zeros(len(z0))
    if len(cens):
        var = 1.0 / w[cens] + (extra[cens] if extra is not None else 0.0)
        z[cens], zeta[cens] = _interval_moments(lower[cens], upper[cens], mu[cens], np.sqrt(var))
    return z, zeta
