"""Whether reviewers differ: the between-reviewer variances of their biases and scales, and the prior of their
noise levels.

DerSimonian–Laird estimates of the variances, 0 when the reviewers differ no more than their estimates' noise,
and optionally held at 0 unless Cochran's heterogeneity test rejects equality at 5 % (a test that keeps
switching its component on and off between rounds leaves it off); one noise level shared unless a
likelihood-ratio test rejects it at 5 % (or always shared). Which of these the hierarchical fit uses is its
`Structure`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln
from scipy.stats import chi2

_MAX_SWITCHES = 6  # a heterogeneity test that switched its component on or off this often leaves it off


def dersimonian_laird(est, var, ok, test=True):
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


def between_variance(B, A, test=True, cap=1.0):
    """Between-reviewer variance of the log scales: DerSimonian–Laird on each reviewer's slope B/A (variance
    1/A), divided by the mean slope²; at most `cap` (scales beyond e^{±2} are not credible on a rating scale).
    `test`: 0 unless the heterogeneity test rejects (see dersimonian_laird); else the plain estimate."""
    ok = A > 1e-9
    if ok.sum() < 2:
        return 0.0
    slope = np.where(ok, B / np.where(ok, A, 1.0), 0.0)
    tau2, _ = dersimonian_laird(slope, 1.0 / np.where(ok, A, 1.0), ok, test=test)
    mean = float(A[ok] @ slope[ok]) / float(A[ok].sum())
    return float(min(tau2 / max(mean, 0.1) ** 2, cap))


class Switches:
    """Keeps a component off once its test has switched it on or off `_MAX_SWITCHES` times: such a test (each
    fit with the component makes the next test reject less, and the reverse) has not shown a difference between
    reviewers, and the fit converges to the simpler model."""

    def __init__(self, on: bool):
        self.on = on
        self.count = 0

    def settle(self, tau2: float) -> float:
        """The between-reviewer variance to use, given this round's test result `tau2`."""
        self.count += (tau2 > 0) != self.on
        self.on = tau2 > 0
        return 0.0 if self.count >= _MAX_SWITCHES else tau2


@dataclass
class NoisePrior:
    """The prior of the reviewers' noise variances, σ²_r ~ scaled-inverse-χ²(ν₀, s₀²), estimated every round;
    ν₀ = ∞ when one noise level is shared by all."""

    nu0: float
    s02: float
    grid_nu: np.ndarray  # the log grid of ν₀ searched
    grid_s2: np.ndarray  # s₀² at each grid point, warm starts for the next round
    best: int | None = None  # grid index of the last estimate
    always_shared: bool = False  # one noise level for all, without testing

    @classmethod
    def start(cls, s02: float, shared: bool = False) -> NoisePrior:
        grid_nu = np.exp(np.linspace(math.log(0.5), math.log(1e4), 25))
        return cls(1e4, s02, grid_nu, np.full(len(grid_nu), s02), always_shared=shared)

    @property
    def shared(self) -> bool:
        return math.isinf(self.nu0)

    def update(self, S: np.ndarray, dof: np.ndarray) -> np.ndarray:
        """Re-estimate (ν₀, s₀²) from the residual sums of squares S and their degrees of freedom, and return each
        reviewer's posterior mean noise precision."""
        if self.always_shared:
            self.s02, self.nu0 = float(S.sum() / dof.sum()), math.inf
            return np.full(len(S), 1.0 / self.s02)
        window = None if self.best is None else (max(self.best - 2, 0), min(self.best + 3, len(self.grid_nu)))
        self.nu0, self.s02, self.grid_s2, self.best = _noise_prior(S, dof, self.grid_nu, self.grid_s2, window)
        if self.best == len(self.grid_nu) - 1:  # no evidence of different noise levels: one for all
            self.s02 = float(S.sum() / dof.sum())  # at least the noise floor, as every S is floored
            self.nu0 = math.inf
            return np.full(len(S), 1.0 / self.s02)
        return (self.nu0 + dof) / (self.nu0 * self.s02 + S)


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
