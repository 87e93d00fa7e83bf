"""The hierarchical model: score ≈ bias_r + scale_r × quality_s + noise, fitted by variational EM.

How it is fitted (fast: every step is a few sparse sums over the reviews)
    Variational EM / iterated conditional modes with posterior variances. Each round: (1) with censoring, the
    expected latent score of each censored review (truncated normal moments); (2) qualities and biases
    jointly, exactly, given scales and weights: the normal equations reduced to the biases (Schur complement,
    reviewers × reviewers, applied matrix-free) solved by preconditioned conjugate gradients, warm-started;
    (3) each log scale by Newton steps on its conditional posterior, from a regression of the reviewer's
    scores on the qualities estimated from the OTHER reviews of the same submissions (unbiased, free of the
    reviewer's own noise); (4) noise variances and confidence multipliers from the residual sums of squares
    and their degrees of freedom (leverages removed); (5) hyperparameters: MacKay's fixed point for τ_q,
    DerSimonian–Laird for τ_b and τ_l (with or without the test of `heterogeneity`, as the `Structure` says),
    maximum marginal likelihood for (ν₀, s₀²). A last pass recomputes the qualities and biases from the final
    weights and variances. Stops when qualities, biases and log scales move by less than `tol` (1e-4 of the scores'
    standard deviation, far below any interval).

    Identifiability: in each connected component of the review graph the model is unchanged by
    quality → α·quality + β with scales and biases compensating. During the fit the mean log scale over all
    reviewers is brought back to 0 every round (the qualities adjust in the next round): left free, scales and
    qualities can drift together, each round's shrunken qualities making the next round's scales larger, until
    on a small panel every project gets the same calibrated score. The gauge is fixed per component at the end
    (`uncertainty.gauge`): mean log scale 0 and mean bias 0 over the component's reviewers.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .censoring import censored_moments
from .data import Data
from .fit import NOISE_FLOOR, Fit, pooled_within
from .gaussian import (
    largest_change,
    posterior_variances,
    qualities_and_biases,
    quality_precisions,
    quality_variance,
)
from .heterogeneity import NoisePrior, Switches, between_variance, dersimonian_laird


@dataclass(frozen=True)
class Structure:
    """Which reviewer components a fit has, and how their between-reviewer variances are set.

    bias   "shrunk": τ_b² by DerSimonian–Laird (0 when the reviewers' leniencies differ no more than their
           estimates' noise, else the moment estimate); "tested": the same, but 0 unless Cochran's
           heterogeneity test rejects equality at 5 %.
    scale  "shrunk" or "tested" likewise for τ_l² (the test applies only while one noise level is shared: a
           reviewer with their own noise level has their own scale); "none": every scale is 1.
    noise  "tested": one level shared unless the likelihood-ratio test rejects it at 5 %; "shared": always one.
    """

    bias: str = "shrunk"
    scale: str = "tested"
    noise: str = "tested"


FULL = Structure()  # every component, each as the data show it: the "full" variant of `selection`


def fit_hierarchical(d: Data, z0: np.ndarray, lower: np.ndarray | None = None, upper: np.ndarray | None = None,
                     *, max_iter: int, tol: float, noise_floor: float = NOISE_FLOOR,
                     structure: Structure = FULL) -> Fit:
    """The hierarchical model on standardised scores `z0`; `lower` and `upper` bound the latent scores of the
    censored reviews (None: no censoring). `noise_floor` is the smallest noise variance a reviewer may have;
    `structure` which reviewer components it has (the full model by default)."""
    s, r, c = d.s, d.r, d.c
    N, R, n = d.n_sub, d.n_rev, len(z0)
    ns = np.bincount(s, minlength=N).astype(float)
    censored = lower is not None
    cens = np.flatnonzero(lower < upper) if censored else None
    # start from the raw means, no biases, scales 1, and moderately individual noise levels (residuals against
    # the raw means, ν₀ = 5): starting from pooled ones, the residuals of careful reviewers are inflated by
    # their noisy co-reviewers and the fit tends to stay pooled
    q = np.bincount(s, z0, N) / ns
    b = np.zeros(R)
    resid0 = z0 - q[s]
    sig2 = pooled_within(resid0, ns, s) if n > N else 0.5
    dof0 = np.bincount(r, 1.0 - 1.0 / ns[s], R)
    inv_sig2 = np.minimum((5.0 + dof0) / (5.0 * sig2 + np.bincount(r, resid0**2, R)), 1.0 / noise_floor)
    l, var_l = np.zeros(R), np.zeros(R)
    a, var_a = np.ones(R), np.zeros(R)
    var_b = var_q = None
    mult = np.ones(3)
    mu_q, tau_q2 = 0.0, max(float(np.var(q)), 0.05)
    tau_b2 = max(0.1 * sig2, 0.01)
    tau_b2_hi = tau_b2
    tau_l2 = 0.05 if structure.scale != "none" else 0.0
    noise_prior = NoisePrior.start(sig2, shared=structure.noise == "shared")
    bias_test, scale_test = Switches(tau_b2 > 0), Switches(tau_l2 > 0)
    z, zeta = z0, np.zeros(n)
    converged = False
    it = 0
    for it in range(1, max_iter + 1):
        w = _weights(inv_sig2, mult, d)
        if censored:  # (1) expected latent scores of the censored reviews
            extra = None if var_b is None else a[r] ** 2 * var_q[s] + var_b[r]
            z, zeta = censored_moments(z0, lower, upper, cens, b[r] + a[r] * q[s], w, extra)
        # (2) qualities and biases; with no between-reviewer differences (τ_b² = 0) the biases are exactly 0
        p_s = quality_precisions(d, w, a * a + var_a, tau_q2)
        prior_b = 1.0 / tau_b2 if tau_b2 > 0 else math.inf
        q_new, b_new, p_b = qualities_and_biases(d, z, w, a, p_s, b, tau_q2, mu_q, prior_b)
        var_b, var_q = posterior_variances(d, w, a, p_s, prior_b, start=var_b, rounds=1 if it > 1 else 3)
        # (3) log scales
        own_b, info_b, A, B = _against_other_reviews(d, z, w, a, p_s, q_new, b_new)
        l_new, var_l = _log_scales(l, A, B, tau_l2)
        a = np.exp(l_new)
        var_a = a * a * np.expm1(var_l)
        # (4) noise: residual sums of squares with their degrees of freedom (each review's leverage on its
        # submission's quality and its reviewer's bias removed), pooled through the inverse-χ² prior
        mu = b_new[r] + a[r] * q_new[s]
        r2 = (z - mu) ** 2 + zeta
        lev = np.minimum(w * a[r] ** 2 / p_s[s] + w / p_b[r], 0.95)
        dof = np.maximum(np.bincount(r, 1.0 - lev, R), 1e-3)
        m_i = mult[c] if c is not None else 1.0
        S = np.maximum(np.bincount(r, r2 / m_i, R), dof * noise_floor)
        inv_sig2 = np.minimum(noise_prior.update(S, dof), 1.0 / noise_floor)
        if c is not None:
            mult = _confidence_multipliers(c, r2 * inv_sig2[r], lev)
        # (5) hyperparameters: the between-reviewer variances of biases and log scales by DerSimonian–Laird on
        # each reviewer's own estimate against the other reviews, which is exactly 0 when reviewers differ no
        # more than their estimates' noise (the model then is the plain mean). Spreads are tested: estimated
        # from a dozen reviews per reviewer without the test, their variance can jump to its cap, the
        # qualities shrink under the scales' uncertainty, and the fit collapses (docs/PERFORMANCE.md)
        mu_q = float(np.mean(q_new))
        tau_q2 = quality_variance(q_new, mu_q, p_s, tau_q2)
        tau_b2, tau_b2_hi = dersimonian_laird(own_b, 1.0 / np.maximum(info_b, 1e-300), info_b > 1e-9,
                                              test=structure.bias == "tested")
        if structure.bias == "tested":
            tau_b2 = bias_test.settle(tau_b2)
        if structure.scale != "none":
            # a reviewer with their own noise level must have their own scale too: one who compresses the scale
            # leaves small residuals and would otherwise look precise and weigh too much
            tau_l2 = between_variance(B, A, test=structure.scale == "tested" and noise_prior.shared)
            tau_l2 = scale_test.settle(tau_l2) if structure.scale == "tested" else tau_l2
        change = largest_change((q_new, q), (b_new, b), (l_new, l))
        q, b, l = q_new, b_new, l_new
        if change < tol and it > 2:
            converged = True
            break
    # one last pass of the quantities the draws need, at the final values
    w = _weights(inv_sig2, mult, d)
    if censored:
        z, zeta = censored_moments(z0, lower, upper, cens, b[r] + a[r] * q[s], w, a[r] ** 2 * var_q[s] + var_b[r])
    p_s = quality_precisions(d, w, a * a + var_a, tau_q2)
    prior_b = 1.0 / tau_b2 if tau_b2 > 0 else math.inf
    # the qualities and biases once more, given the final scales, weights and variances, so that the point
    # estimates are exactly the posterior means the draws are centred on (and the weighted mean `explain`
    # shows), with the prior mean at its fixed point μ_q = mean(q): q and b are affine in μ_q, so two solves
    # give it exactly
    q1, b1, _ = qualities_and_biases(d, z, w, a, p_s, b, tau_q2, mu_q, prior_b)
    q2, b2, _ = qualities_and_biases(d, z, w, a, p_s, b1, tau_q2, mu_q + 1.0, prior_b)
    slope = float(np.mean(q2) - np.mean(q1))
    shift = (float(np.mean(q1)) - mu_q) / (1.0 - slope) if slope < 1.0 - 1e-9 else 0.0
    q, b, mu_q = q1 + shift * (q2 - q1), b1 + shift * (b2 - b1), mu_q + shift
    var_b, var_q = posterior_variances(d, w, a, p_s, prior_b)
    shared = noise_prior.shared
    params = {"censored": censored, "iterations": it, "converged": converged, "tau_q2": tau_q2, "tau_b2": tau_b2,
              "tau_l2": tau_l2, "mu_q": mu_q, "tau_b2_upper": tau_b2_hi,
              # noise prior degrees of freedom: None when one noise level is shared by all (ν₀ = ∞)
              "noise_prior_dof": None if shared else noise_prior.nu0, "noise_prior_var": noise_prior.s02,
              "confidence_multipliers": mult.tolist() if c is not None else None}
    # between-component offsets use the upper bound of τ_b²: an estimate of "no differences" is not proof
    return Fit(q=q, b=b, l=l, var_b=var_b, var_l=var_l, var_q=var_q, tau_b2=tau_b2_hi, tau_l2=tau_l2,
               conditional={"w": w, "z": z, "mu_q": mu_q, "tau_q2": tau_q2}, reviewer_noise=1.0 / inv_sig2,
               noise_dof=np.full(R, float(dof.sum())) if shared else noise_prior.nu0 + dof, tau_q2=tau_q2,
               params=params)


def _weights(inv_sig2: np.ndarray, mult: np.ndarray, d: Data) -> np.ndarray:
    """Each review's weight: its reviewer's noise precision, divided by its confidence level's multiplier."""
    return inv_sig2[d.r] / mult[d.c] if d.c is not None else inv_sig2[d.r]


def _against_other_reviews(d: Data, z, w, a, p_s, q, b):
    """Each review against its submission's quality estimated from the OTHER reviews (q̂⁻ⁱ = E[q | other
    reviews]): free of the reviewer's own noise, hence unbiased for the reviewer's bias and (regression
    calibration) scale; the weights account for the uncertainty of q̂⁻ⁱ. Returns per reviewer the bias so
    estimated and its information, and A = Σ w q̂⁻ⁱ², B = Σ w (z − b) q̂⁻ⁱ, whose ratio is the scale's estimate."""
    s, r, R = d.s, d.r, d.n_rev
    ar = a[r]
    u = z - b[r]
    p_minus = np.maximum(p_s[s] - w * ar**2, 1e-12)
    q_minus = (p_s[s] * q[s] - w * ar * u) / p_minus
    w_eff = 1.0 / (1.0 / w + ar**2 / p_minus)
    info_b = np.bincount(r, w_eff, R)
    own_b = np.bincount(r, w_eff * (z - ar * q_minus), R) / np.maximum(info_b, 1e-300)
    A = np.bincount(r, w_eff * q_minus**2, R)
    B = np.bincount(r, w_eff * u * q_minus, R)
    return own_b, info_b, A, B


def _log_scales(l, A, B, tau_l2: float):
    """Each log scale and its posterior variance, in the gauge of mean 0 over all reviewers; exactly 0 when the
    reviewers show no differences of scale (τ_l² = 0)."""
    if tau_l2 > 0:
        l_new, var_l = _newton_log_scale(l, A, B, tau_l2)
        # the scales' gauge, every round: larger scales and smaller qualities fit the reviews alike, and each
        # round's shrunken qualities make the next round's scales larger; left to drift together, they can end
        # with every project at the same calibrated score. The qualities follow next round.
        return l_new - float(np.mean(l_new)), var_l
    return np.zeros(len(l)), np.zeros(len(l))


def _newton_log_scale(l, A, B, tau_l2, steps=4):
    """Minimise A e^{2l}/2 − B e^l + l²/(2τ²) per reviewer (the log scale's conditional posterior)."""
    for _ in range(steps):
        a = np.exp(l)
        grad = A * a * a - B * a + l / tau_l2
        hess = np.maximum(2 * A * a * a - B * a, A * a * a) + 1.0 / tau_l2
        l = l - np.clip(grad / hess, -1.0, 1.0)
    a = np.exp(l)
    return l, 1.0 / (A * a * a + 1.0 / tau_l2)


def _confidence_multipliers(c: np.ndarray, scaled_r2: np.ndarray, lev: np.ndarray) -> np.ndarray:
    """The noise multiplier of each confidence level, from the reviews' squared residuals in units of their
    reviewer's noise (`scaled_r2`) and their degrees of freedom, shrunk towards 1; geometric mean 1 over the
    reviews."""
    k0 = 5.0
    num = np.bincount(c, scaled_r2, 3)
    cnt = np.bincount(c, 1.0 - lev, 3)
    mult = (k0 + num) / (k0 + cnt)
    mult /= math.exp(float(np.sum(np.bincount(c, minlength=3) * np.log(mult))) / len(c))
    return mult
