"""How many reviewer components the default model fits: chosen per call by leave-one-review-out prediction.

Why. The full hierarchical model gives each reviewer a leniency, a spread (scale) and, when the data call for
it, their own noise level. On a large panel, or one whose reviewers differ a lot, every component pays; on a
small real panel (20–100 projects, 5–15 reviewers, three reviews per project) spreads and noise levels are
estimated from a dozen reviews each, and the extra parameters can cost more than they bring (measured on sub-
panels of real ratings, docs/PERFORMANCE.md, section 5). So the default model (`variant="auto"`) fits three
nested variants and keeps the simplest one that predicts each review from the other reviews about as well as
the best one does:

    leniency          each reviewer's leniency, shrunk towards the panel's (DerSimonian–Laird's variance,
                      not tested: a leniency estimate counts for what it is worth, and is 0 only when the
                      leniencies differ no more than their noise); one noise level for all
    leniency_spread   + each reviewer's spread, when Cochran's test finds the spreads differ
    full              + each reviewer's own noise level, when a likelihood-ratio test finds the levels differ

A variant whose own component its test left out is the simpler one and is not a candidate: when neither test
finds anything, "leniency" is chosen without a comparison (`method` "only_candidate"). The spreads are tested
rather than only shrunk because, estimated from a dozen reviews each, their variance can jump to its cap and
take the qualities down with it (a fit collapsed to one value, as in the braun ratings).

The criterion: the mean negative log predictive density of each review when it is left out, under the fitted
model linearised around its estimates (qualities, leniencies and log scales; the hyperparameters and the
reviews' weights held at their fitted values). Leaving one review out of such a model has a closed form: the
left-out residual is e_i / (1 − H_ii) and its predictive variance σ_i² / (1 − H_ii), with H_ii the review's
leverage (the hat matrix's diagonal, computed exactly with the qualities eliminated and the reviewers' block
dense). A log density rather than a squared error, so that a variant which knows which reviews are noisy is
credited for it. Reviews of projects reviewed once are not scored (nothing else predicts them). The simplest
variant whose mean score is within `MARGIN` (2) standard errors of the best one's (the standard error of their
paired difference over the reviews) is chosen: a more complex variant must predict clearly better. Taking the
best score outright chose spreads or own noise levels in 7 % of the small real panels of braun and trailed
the additive model by 0.002 of Spearman there; with the margin, 2 % and 0.001, while on the simulated
panels, whose reviewers differ much more, the full model is still chosen where it pays (docs/PERFORMANCE.md,
section 5).

It is deterministic: no random folds, so the choice depends neither on the seed nor on the reviews' order or
their ids. Above `MAX_REVIEWERS` reviewers (a dense matrix of twice that size would be inverted) the full model
is used without selection (`method` "size"): such panels give each component many reviews, and on the
simulated large panels the full model is the best of the three. With no project reviewed twice, "leniency"
(`method` "too_few_reviews"). The choice, how it was made and the candidates' scores are in the result's
parameters (`variant`, `variant_selection`); `variant=` forces one ("tested" is the default before the
selection, which also tested the leniencies, kept to compare with).
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import sparse

from .data import Data
from .fit import Fit
from .hierarchical import Structure

VARIANTS = {
    "leniency": Structure(bias="shrunk", scale="none", noise="shared"),
    "leniency_spread": Structure(bias="shrunk", scale="tested", noise="shared"),
    "full": Structure(bias="shrunk", scale="tested", noise="tested"),
    # the default before the selection: leniencies too kept only when a heterogeneity test rejects equality;
    # kept to compare with (docs/PERFORMANCE.md)
    "tested": Structure(bias="tested", scale="tested", noise="tested"),
}
AUTO = "auto"
MAX_REVIEWERS = 300
MARGIN = 2.0  # standard errors by which a more complex variant must predict better to be chosen
_TIE = 1e-9


def select_variant(d: Data, z: np.ndarray, fit: Callable[[Structure], Fit]) -> tuple[str, Fit, dict]:
    """The variant chosen (see the module docstring), its fit, and how it was chosen: the method, each
    candidate's score and its distance to the best one's with that distance's standard error. `fit(structure)`
    fits the hierarchical model with that structure."""
    if d.n_rev > MAX_REVIEWERS:
        return "full", fit(VARIANTS["full"]), {"method": "size", "max_reviewers": MAX_REVIEWERS}
    fits = {name: fit(VARIANTS[name]) for name in ("leniency", "leniency_spread", "full")}
    scored = np.bincount(d.s, minlength=d.n_sub)[d.s] >= 2
    if not scored.any():
        return "leniency", fits["leniency"], {"method": "too_few_reviews"}
    # a variant whose own component came out absent is the simpler one, fitted on another path: not a candidate
    candidates = ["leniency"]
    if fits["leniency_spread"].params["tau_l2"] > 0:
        candidates.append("leniency_spread")
    if fits["full"].params["noise_prior_dof"] is not None:
        candidates.append("full")
    losses = {name: loo_losses(d, fits[name])[scored] for name in candidates}
    scores = {name: float(np.mean(v)) for name, v in losses.items()}
    best = min(candidates, key=lambda name: scores[name])
    # the simplest variant that does not predict clearly worse than the best: within `MARGIN` standard errors
    # of their paired difference over the reviews (a tie, to rounding, counts as within)
    margins = {}
    for name in candidates:
        diff = losses[name] - losses[best]
        se = float(np.std(diff, ddof=1) / np.sqrt(len(diff))) if len(diff) > 1 else 0.0
        margins[name] = (float(np.mean(diff)), se)
    chosen = next(name for name in candidates
                  if margins[name][0] <= MARGIN * margins[name][1] + _TIE * max(abs(scores[best]), 1.0))
    return chosen, fits[chosen], {"method": "leave_one_out" if len(candidates) > 1 else "only_candidate",
                                  "scores": scores, "behind_best": margins, "reviews_scored": int(scored.sum())}


def loo_losses(d: Data, fit: Fit) -> np.ndarray:
    """Each review's negative log predictive density (constant dropped) when it is left out."""
    e, h, w = loo_residuals(d, fit)
    v = 1.0 / (w * (1.0 - h))  # the left-out review's predictive variance
    return 0.5 * np.log(v) + 0.5 * (e / (1.0 - h)) ** 2 / v


def loo_residuals(d: Data, fit: Fit) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each review's residual under the fit, its leverage H_ii and its weight (noise precision).

    The linearised model: prediction μ_i = b_r + a_r q_s with a = exp(l), its parameters θ = (q, b, l) with
    their fitted priors (precisions 1/τ_q², 1/τ_b², 1/τ_l²; a component the fit does not have is left out);
    M = JᵀWJ + P and H_ii = w_i J_i M⁻¹ J_iᵀ. The qualities' block of M is diagonal: eliminated, M⁻¹ reduces to
    the inverse of the reviewers' Schur complement S (dense, (components × reviewers)²), and
    J_i M⁻¹ J_iᵀ = a_r²/D_s + u_iᵀ S⁻¹ u_i, u_i = v_i − (a_r/D_s) c_s, with v_i the review's derivatives along
    its reviewer's parameters and c_s the submission's row of the off-diagonal block."""
    s, r, N, R = d.s, d.r, d.n_sub, d.n_rev
    w = fit.conditional["w"]
    z = fit.conditional["z"]
    p = fit.params
    a = np.exp(fit.l)
    ar = a[r]
    e = z - (fit.b[r] + ar * fit.q[s])
    dq = 1.0 / fit.tau_q2 + np.bincount(s, w * ar**2, N)
    h = w * ar**2 / dq[s]
    jac, prec = [], []  # per reviewer component: each review's derivative, and the component's prior precision
    if p["tau_b2"] > 0:
        jac.append(np.ones(len(s)))
        prec.append(1.0 / p["tau_b2"])
    if p["tau_l2"] > 0:
        jac.append(ar * fit.q[s])
        prec.append(1.0 / p["tau_l2"])
    m = len(jac)
    if m:
        cols = [r + k * R for k in range(m)]
        C = sparse.csr_matrix((np.concatenate([w * ar * j for j in jac]), (np.tile(s, m), np.concatenate(cols))),
                              shape=(N, m * R))
        D = np.zeros((m * R, m * R))
        idx = np.arange(R)
        for k1 in range(m):
            for k2 in range(m):
                diag = np.bincount(r, w * jac[k1] * jac[k2], R) + (prec[k1] if k1 == k2 else 0.0)
                D[k1 * R + idx, k2 * R + idx] = diag
        Cd = sparse.diags(1.0 / dq) @ C  # D_q⁻¹ C
        G = np.linalg.inv(D - (C.T @ Cd).toarray())
        CdG = np.asarray(Cd @ G)  # row s: c_sᵀ G / D_s
        vgv = sum(jac[k1] * jac[k2] * G[cols[k1], cols[k2]] for k1 in range(m) for k2 in range(m))
        vgc = sum(jac[k] * CdG[s, cols[k]] for k in range(m))
        cgc = np.asarray(Cd.multiply(CdG).sum(axis=1)).ravel()  # c_sᵀ G c_s / D_s²
        h = h + w * (vgv - 2 * ar * vgc + ar**2 * cgc[s])
    return e, np.clip(h, 0.0, 0.999), w
