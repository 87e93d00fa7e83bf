"""Repair: a new assignment after a reviewer declines or a conflict appears, changing as little as possible."""
from __future__ import annotations

import time

import numpy as np

from .api import assign_problem
from .problem import as_mask, normalise
from .results import AssignmentResult


def reassign(
    previous_pairs,
    affinity,
    conflicts,
    reviewers_per_submission,
    max_load,
    min_load=0,
    keep=None,
    seed: int = 0,
    fairness: bool = False,
    connected: bool = False,
) -> AssignmentResult:
    """Repair an assignment after a reviewer declines or a conflict appears, changing as little as possible.

    previous_pairs: (n, 2) pairs of the current assignment. keep: (n, 2) pairs or bool array of reviews
    already started, which must stay (a conflicted one raises InfeasibleAssignment). A reviewer who
    declined is expressed by the caller through the inputs, e.g. a conflict on the declined pair or
    max_load 0 for a reviewer who left.

    The result first keeps as many previous pairs as possible, then maximises total affinity (a bonus on
    previous conflict-free pairs larger than any possible affinity gain makes this lexicographic). It
    costs two solves: the plain one (which explains infeasibility and gives a feasible assignment), then
    the one with the bonus, which thanks to it needs no slack arcs and keeps the full cost resolution.
    `changes`, `dropped_pairs` and `added_pairs` describe the difference.
    """
    start = time.perf_counter()
    a = np.asarray(affinity, dtype=np.float64)
    n, m = a.shape
    fixed = as_mask(keep, (n, m), "keep")
    p = normalise(a, conflicts, reviewers_per_submission, max_load, min_load, fixed)
    previous = as_mask(previous_pairs, (n, m), "previous_pairs")
    bonus = previous & ~p.conflicts
    if p.fixed is not None:
        bonus &= ~p.fixed
    result = assign_problem(p, seed=seed, fairness=fairness, connected=connected, fairness_time_limit=30.0,
                     start=start, bonus=bonus if bonus.any() else None)
    prev = np.argwhere(previous)
    new_mask = np.zeros((n, m), dtype=bool)
    new_mask[result.pairs[:, 0], result.pairs[:, 1]] = True
    result.dropped_pairs = prev[~new_mask[prev[:, 0], prev[:, 1]]]
    result.added_pairs = result.pairs[~previous[result.pairs[:, 0], result.pairs[:, 1]]]
    result.changes = len(result.dropped_pairs)
    result.solve_seconds = time.perf_counter() - start
    return result
