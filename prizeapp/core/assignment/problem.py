"""The problem as the solver reads it: the checked matrices, counts and loads, scanned in cache-sized chunks."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CHUNK_ELEMENTS = 1 << 18  # rows × reviewers handled at once when scanning the full matrix


@dataclass
class Problem:
    affinity: np.ndarray
    conflicts: np.ndarray
    k: np.ndarray
    max_load: np.ndarray
    min_load: np.ndarray
    fixed: np.ndarray | None

    @property
    def shape(self) -> tuple[int, int]:
        return self.affinity.shape


def _per_index(value, size: int, name: str) -> np.ndarray:
    arr = np.asarray(value)
    if arr.ndim == 0:
        arr = np.full(size, arr)
    if arr.shape != (size,):
        raise ValueError(f"{name} must be an int or an array of length {size}, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
        raise ValueError(f"{name} must hold whole numbers")
    arr = arr.astype(np.int64)
    if np.any(arr < 0):
        raise ValueError(f"{name} must not be negative")
    return arr


def normalise(affinity, conflicts, reviewers_per_submission, max_load, min_load, fixed) -> Problem:
    a = np.asarray(affinity, dtype=np.float64)
    if a.ndim != 2:
        raise ValueError(f"affinity must be a 2-D array (submissions × reviewers), got {a.ndim}-D")
    n, m = a.shape
    c = np.zeros((n, m), dtype=bool) if conflicts is None else np.asarray(conflicts, dtype=bool)
    if c.shape != a.shape:
        raise ValueError(f"conflicts has shape {c.shape}, affinity has {a.shape}")
    f = None
    if fixed is not None:
        f = np.asarray(fixed, dtype=bool)
        if f.shape != a.shape:
            raise ValueError(f"fixed has shape {f.shape}, affinity has {a.shape}")
        if not f.any():
            f = None
    for r0, r1 in row_chunks(n, m):
        ok = np.isfinite(a[r0:r1])
        np.logical_or(ok, c[r0:r1], out=ok)
        if not ok.all():
            i, j = np.argwhere(~ok)[0]
            raise ValueError(f"affinity of the conflict-free pair ({r0 + i}, {j}) is not a finite number")
    return Problem(
        affinity=a,
        conflicts=c,
        k=_per_index(reviewers_per_submission, n, "reviewers_per_submission"),
        max_load=_per_index(max_load, m, "max_load"),
        min_load=_per_index(min_load, m, "min_load"),
        fixed=f,
    )


def row_chunks(n: int, m: int):
    step = max(1, CHUNK_ELEMENTS // max(m, 1))
    for r0 in range(0, n, step):
        yield r0, min(n, r0 + step)


def as_mask(value, shape, name) -> np.ndarray | None:
    if value is None:
        return None
    arr = np.asarray(value)
    if arr.dtype == bool and arr.shape == shape:
        return arr.copy()
    arr = arr.astype(np.int64).reshape(-1, 2)
    if len(arr) and (arr.min() < 0 or np.any(arr[:, 0] >= shape[0]) or np.any(arr[:, 1] >= shape[1])):
        raise ValueError(f"{name} has a pair outside the {shape[0]} × {shape[1]} matrix")
    mask = np.zeros(shape, dtype=bool)
    mask[arr[:, 0], arr[:, 1]] = True
    return mask
