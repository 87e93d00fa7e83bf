"""The review graph: its components, and the connectivity option that joins them by 2-swaps.

With `connected=True`: reviewers who share a submission are linked; the review graph should have one
component (needed to calibrate lenient and harsh reviewers). After solving, components are merged by 2-swaps
((i, j), (i', j')) → ((i, j'), (i', j)) that keep every count and load, chosen at the smallest affinity loss; the
loss is reported. Guarantee: counts, loads, conflicts and fixed pairs are kept; components are joined greedily
(each step tries the 50 cheapest swaps between the smallest component and the rest and takes the first that
joins it), which can fail in contrived cases (e.g. k = 1, where no swap can link reviewers); then a note and
`result.components` says how many remain. Reviewers with no assignment (possible when min_load is 0) are
counted as idle and left out of the components; set min_load=1 to involve everyone.
"""
from __future__ import annotations

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .problem import Problem
from .results import Explained


def review_graph_components(pairs: np.ndarray, n_submissions: int, n_reviewers: int):
    """Connected components of the review graph (reviewers linked through shared submissions).

    Returns (number of components, reviewers per component largest first, number of idle reviewers),
    counting only reviewers with at least one review.
    """
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    size = n_submissions + n_reviewers
    graph = coo_matrix(
        (np.ones(len(pairs)), (pairs[:, 0], n_submissions + pairs[:, 1])), shape=(size, size)
    )
    _, labels = connected_components(graph, directed=False)
    active = np.zeros(n_reviewers, dtype=bool)
    active[pairs[:, 1]] = True
    rev_labels = labels[n_submissions:][active]
    sizes = sorted(np.unique(rev_labels, return_counts=True)[1].tolist(), reverse=True)
    return len(sizes), sizes, int(n_reviewers - active.sum())


def connect(p: Problem, pairs: np.ndarray, max_steps: int = 1000) -> tuple[np.ndarray, float, list[str]]:
    """Merge components of the review graph by loss-minimal 2-swaps that keep counts and loads."""
    n, m = p.shape
    pairs = pairs.copy()
    loss_total = 0.0
    notes: list[str] = []
    is_fixed = (lambda i, j: p.fixed[i, j]) if p.fixed is not None else (lambda i, j: np.zeros(len(i), bool))
    for _ in range(max_steps):
        size = n + m
        graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], n + pairs[:, 1])), shape=(size, size))
        _, labels = connected_components(graph, directed=False)
        comp_of_pair = labels[pairs[:, 0]]
        present = np.unique(comp_of_pair)
        if len(present) <= 1:
            break
        assigned = np.zeros((n, m), dtype=bool)
        assigned[pairs[:, 0], pairs[:, 1]] = True
        movable = ~is_fixed(pairs[:, 0], pairs[:, 1])
        # join the smallest component to any other, at the least loss
        counts = np.array([np.sum(comp_of_pair == c) for c in present])
        small = present[np.argmin(counts)]
        in_small = np.flatnonzero((comp_of_pair == small) & movable)
        others = np.flatnonzero((comp_of_pair != small) & movable)
        best = None
        if in_small.size and others.size:
            i1, j1 = pairs[in_small, 0][:, None], pairs[in_small, 1][:, None]
            i2, j2 = pairs[others, 0][None, :], pairs[others, 1][None, :]
            a = p.affinity
            loss = a[i1, j1] + a[i2, j2] - a[i1, j2] - a[i2, j1]
            ok = ~p.conflicts[i1, j2] & ~p.conflicts[i2, j1] & ~assigned[i1, j2] & ~assigned[i2, j1]
            loss = np.where(ok, loss, np.inf)
            for flat in np.argsort(loss, axis=None, kind="stable")[:50]:
                if not np.isfinite(loss.flat[flat]):
                    break
                s, o = np.unravel_index(flat, loss.shape)
                a1, b1 = in_small[s], others[o]
                trial = pairs.copy()
                trial[a1, 1], trial[b1, 1] = pairs[b1, 1], pairs[a1, 1]
                g = coo_matrix((np.ones(len(trial)), (trial[:, 0], n + trial[:, 1])), shape=(size, size))
                if len(np.unique(connected_components(g, directed=False)[1][trial[:, 0]])) < len(present):
                    best = (trial, float(loss.flat[flat]))
                    break
        if best is None:
            notes.append(Explained("graph_not_connected",
                                   f"review graph left with {len(present)} components: no swap joins them",
                                   components=len(present)))
            break
        pairs, loss = best
        loss_total += loss
    return pairs, loss_total, notes
