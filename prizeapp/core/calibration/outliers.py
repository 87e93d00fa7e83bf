"""Outlying reviewers: flat ones, and near-random ones whose scores do not follow their co-reviewers'."""
from __future__ import annotations

import math

import numpy as np

from .data import Data
from .results import OutlierReviewer


def find_outliers(d: Data, reliability: np.ndarray | None) -> list[OutlierReviewer]:
    """Flat reviewers (nearly one score for everything) and near-random ones (scores unrelated to the other
    reviewers' scores of the same projects), judged against the panel's median reviewer."""
    N, R = d.n_sub, d.n_rev
    s, r, y = d.s, d.r, d.y
    nr = np.bincount(r, minlength=R)
    mean_r = np.bincount(r, y, R) / nr
    sd_r = np.sqrt(np.bincount(r, (y - mean_r[r]) ** 2, R) / np.maximum(nr - 1, 1))
    judged = nr >= 3
    out: list[OutlierReviewer] = []
    if not judged.any():
        return out
    med_sd = float(np.median(sd_r[judged]))
    flat = judged & (sd_r <= 0.2 * med_sd) if med_sd > 0 else np.zeros(R, dtype=bool)
    for i in np.flatnonzero(flat):
        out.append(OutlierReviewer(d.rev_ids[i], "flat",
                                   f"gives (nearly) the same score to every project: standard deviation "
                                   f"{sd_r[i]:.2f} over {nr[i]} reviews (median reviewer {med_sd:.2f})"))
    # correlation with the leave-one-out mean of the other reviewers of the same submission
    ns = np.bincount(s, minlength=N)
    total = np.bincount(s, y, N)
    ok = ns[s] >= 2
    xo, yo, ro = y[ok], ((total[s] - y) / np.maximum(ns[s] - 1, 1))[ok], r[ok]
    cnt = np.bincount(ro, minlength=R).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mx = np.bincount(ro, xo, R) / cnt
        my = np.bincount(ro, yo, R) / cnt
        sxy = np.bincount(ro, (xo - mx[ro]) * (yo - my[ro]), R)
        sxx = np.bincount(ro, (xo - mx[ro]) ** 2, R)
        syy = np.bincount(ro, (yo - my[ro]) ** 2, R)
        corr = sxy / np.sqrt(sxx * syy)
    usable = (cnt >= 5) & np.isfinite(corr) & ~flat
    if usable.sum() < 3:
        return out
    med = float(np.median(corr[usable]))
    if med <= 0.1:
        return out
    zmed = math.atanh(min(med, 0.999))
    zr = np.arctanh(np.clip(corr, -0.999, 0.999))
    stat = (zmed - zr) * np.sqrt(np.maximum(cnt - 3, 0))
    for i in np.flatnonzero(usable & (stat > 2.33) & (corr < 0.5 * med)):
        extra = f"; estimated reliability {reliability[i]:.2f}" if reliability is not None else ""
        out.append(OutlierReviewer(d.rev_ids[i], "near_random",
                                   f"scores barely follow the other reviewers' scores of the same projects: "
                                   f"correlation {corr[i]:.2f} over {int(cnt[i])} projects (median reviewer "
                                   f"{med:.2f}){extra}"))
    out.sort(key=lambda o: (o.kind, repr(o.id)))
    return out
