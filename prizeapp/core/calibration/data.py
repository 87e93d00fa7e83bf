"""The reviews as the fits read them: checked, indexed by sorted ids, in a canonical order, standardised.

Determinism: reviews are put in a canonical order (ids sorted) before fitting, so that the same inputs give the
same result whatever their row order.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

CONFIDENCE_LEVELS = (1, 2, 3)


def _index(values, name: str) -> tuple[list, np.ndarray]:
    """Distinct ids in sorted order and each row's index into them."""
    arr = np.asarray(values) if not isinstance(values, np.ndarray) else values
    if arr.ndim == 1 and arr.dtype.kind in "iuU":
        uniq, inverse = np.unique(arr, return_inverse=True)
        return uniq.tolist(), inverse.astype(np.int64).reshape(-1)
    values = list(values)
    try:
        distinct = set(values)
    except TypeError as exc:
        raise ValueError(f"{name} ids must be hashable") from exc
    try:
        ordered = sorted(distinct)
    except TypeError:
        ordered = sorted(distinct, key=lambda x: (type(x).__name__, repr(x)))
    position = {v: i for i, v in enumerate(ordered)}
    return ordered, np.fromiter((position[v] for v in values), dtype=np.int64, count=len(values))


@dataclass
class Data:
    """The reviews: submission and reviewer indices (into the sorted ids), scores, confidence levels 0–2
    (None when not given), and the scale with its step."""

    sub_ids: list
    rev_ids: list
    s: np.ndarray
    r: np.ndarray
    y: np.ndarray
    c: np.ndarray | None  # 0, 1, 2
    lo: float | None
    hi: float | None
    step: float

    @property
    def n_sub(self) -> int:
        return len(self.sub_ids)

    @property
    def n_rev(self) -> int:
        return len(self.rev_ids)


def prepare(submissions, reviewers, scores, confidence, scale, step) -> Data:
    """The reviews checked and in canonical order; ValueError on inconsistent input (see `calibrate`)."""
    n = len(scores)
    if len(submissions) != n or len(reviewers) != n or (confidence is not None and len(confidence) != n):
        raise ValueError("submissions, reviewers, scores (and confidence) must have the same length")
    if n == 0:
        raise ValueError("at least one review is needed")
    try:
        y = np.asarray(scores, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError) as exc:
        raise ValueError("scores must be numbers") from exc
    if y.shape != (n,) or not np.all(np.isfinite(y)):
        raise ValueError("scores must be finite numbers (no NaN or infinity)")
    lo = hi = None
    if scale is not None:
        try:
            lo, hi = (float(v) for v in scale)
        except (TypeError, ValueError) as exc:
            raise ValueError("scale must be a pair (lowest, highest)") from exc
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise ValueError("scale must be two finite numbers, lowest first")
        tol = 1e-9 * (hi - lo)
        if np.any(y < lo - tol) or np.any(y > hi + tol):
            raise ValueError(f"scores must lie within the scale [{lo:g}, {hi:g}]")
        y = np.clip(y, lo, hi)
    if step is None:
        integral = scale is not None and float(lo).is_integer() and float(hi).is_integer()
        step = 1.0 if integral and np.all(y == np.round(y)) else 0.0
    step = float(step)
    if not math.isfinite(step) or step < 0 or (step > 0 and scale is None):
        raise ValueError("step must be a non-negative number, and needs a scale")
    c = None
    if confidence is not None:
        try:
            conf = np.asarray(confidence, dtype=np.float64).reshape(-1)
        except (TypeError, ValueError) as exc:
            raise ValueError("confidence must be 1, 2 or 3 for every review") from exc
        if conf.shape != (n,) or not np.all(np.isin(conf, CONFIDENCE_LEVELS)):
            raise ValueError("confidence must be 1 (low), 2 (medium) or 3 (high) for every review")
        c = conf.astype(np.int64) - 1
    sub_ids, s = _index(submissions, "submission")
    rev_ids, r = _index(reviewers, "reviewer")
    order = np.lexsort((r, s))  # canonical order: the row order of the input does not matter
    s, r, y = s[order], r[order], y[order]
    c = c[order] if c is not None else None
    dup = (s[1:] == s[:-1]) & (r[1:] == r[:-1])
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise ValueError(f"reviewer {rev_ids[r[i]]!r} reviewed submission {sub_ids[s[i]]!r} more than once")
    return Data(sub_ids, rev_ids, s, r, y, c, lo, hi, step)


def standardise(y: np.ndarray) -> tuple[float, float]:
    """The scores' mean and standard deviation (1 when every score is the same)."""
    center = float(y.mean())
    spread = float(y.std())
    if not spread > 1e-12:
        spread = 1.0
    return center, spread
