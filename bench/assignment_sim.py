"""Synthetic calls for the assignment benchmark and tests: topic-vector affinities, clustered conflicts."""
from __future__ import annotations

import math

import numpy as np


def synthetic_instance(n_submissions: int, n_reviewers: int, seed: int = 0, *, k: int = 3, topics: int = 20,
                       noise: float = 0.05, organisations: int = 50):
    """A reproducible benchmark instance: (affinity, conflicts, k, max_load).

    Submissions and reviewers get sparse non-negative topic vectors; affinity = cosine similarity plus
    Gaussian noise. Each submission and reviewer belongs to one of `organisations` (so about 1/50 = 2 % of
    pairs are conflicted, in clusters: same organisation). max_load = ceil(k·N/R) + 1.
    """
    rng = np.random.default_rng(seed)
    s = rng.gamma(0.3, size=(n_submissions, topics))
    r = rng.gamma(0.3, size=(n_reviewers, topics))
    s /= np.linalg.norm(s, axis=1, keepdims=True) + 1e-12
    r /= np.linalg.norm(r, axis=1, keepdims=True) + 1e-12
    affinity = s @ r.T
    affinity += noise * rng.standard_normal(affinity.shape)
    sub_org = rng.integers(0, organisations, n_submissions)
    rev_org = rng.integers(0, organisations, n_reviewers)
    conflicts = sub_org[:, None] == rev_org[None, :]
    max_load = math.ceil(k * n_submissions / n_reviewers) + 1
    return affinity, conflicts, k, max_load
