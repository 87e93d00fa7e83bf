"""The result's estimates in score units: per submission, per reviewer, and the model's parameters."""
from __future__ import annotations

import math

import numpy as np
from scipy.stats import chi2

from .data import Data
from .fit import Fit
from .results import ReviewerEstimate, SubmissionEstimate

CONFIDENCE_NAMES = ("low", "medium", "high")


def submission_estimates(d: Data, q, q_sd, center: float, spread: float, zq: float, order, rank, rank_low,
                         rank_high, top_prob) -> list[SubmissionEstimate]:
    """Calibrated scores with their intervals (±`zq` draw standard deviations), kept within the scale, and
    ranks; best first (`order`)."""
    N = d.n_sub
    lo_s = -np.inf if d.lo is None else d.lo
    hi_s = np.inf if d.hi is None else d.hi
    # rounded to 1e-9 of the spread, so that float noise never breaks a tie the data do not break
    quality = center + spread * np.round(q, 9)
    score = np.clip(quality, lo_s, hi_s)
    score_low = np.clip(quality - zq * spread * q_sd, lo_s, hi_s)
    score_high = np.clip(quality + zq * spread * q_sd, lo_s, hi_s)
    ns = np.bincount(d.s, minlength=N)
    raw = np.bincount(d.s, d.y, N) / ns
    # columns turned into Python lists once (10,000 objects are built in a few milliseconds)
    ids = [d.sub_ids[i] for i in order.tolist()]
    columns = [ns, raw, score, score_low, score_high, quality, spread * q_sd, rank, rank_low, rank_high]
    columns = [col[order].tolist() for col in columns]
    columns.append(top_prob[order].tolist() if top_prob is not None else [None] * N)
    return list(map(SubmissionEstimate, ids, *columns))


def reviewer_estimates(fit, d, model, rev_labels, alpha, beta, spread, zq, co, level):
    """Each reviewer's leniency, and scale, noise and reliability where the model has them, in score units and
    the components' gauge, with intervals at `level`; also the reliabilities (None unless hierarchical)."""
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


def model_parameters(fit: Fit, model: str, spread: float, center: float, d: Data, n_comp: int) -> dict:
    """The model's estimated hyperparameters and fit statistics, in score units."""
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
               censored=bool(p.get("censored")), variant=p["variant"], variant_selection=p["variant_selection"])
    mult = p["confidence_multipliers"]
    out["confidence_noise_multipliers"] = (dict(zip(CONFIDENCE_NAMES, mult, strict=True))
                                           if mult is not None else None)
    return out
