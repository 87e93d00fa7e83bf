"""The entry point `assign`: an optimal, conflict-free, balanced assignment, with its options.

The problem is a transportation problem: submission i needs exactly k_i reviewers, reviewer j takes between
min_load_j and max_load_j submissions, a conflicted pair may never be used and a fixed pair (a review
already started) must stay. We maximise the total affinity of the chosen pairs.

`seed` only chooses among equally good assignments (it permutes the order in which reviewers are given to
the solver); the same inputs and seed always give the same result.
"""
from __future__ import annotations

import time

import numpy as np

from .connectivity import connect, review_graph_components
from .fairness import fair_pairs
from .flow import solve
from .infeasibility import check_counts, hall_reasons
from .problem import Problem, normalise
from .results import AssignmentResult, Explained, InfeasibleAssignment


def assign(
    affinity,
    conflicts,
    reviewers_per_submission,
    max_load,
    min_load=0,
    fixed=None,
    seed: int = 0,
    fairness: bool = False,
    connected: bool = False,
    fairness_time_limit: float = 30.0,
    fairness_rounds: int = 40,
    candidates_per_submission: int | None = None,
    candidates_per_reviewer: int | None = None,
) -> AssignmentResult:
    """Assign reviewers to submissions at maximal total affinity.

    affinity: float array (submissions × reviewers). conflicts: bool array, True = forbidden (None: no
    conflict). reviewers_per_submission, max_load, min_load: ints, or arrays per submission / per reviewer.
    fixed: bool array of pairs that must stay (reviews already started). seed: chooses among equally good
    assignments. fairness, connected: see the modules `fairness` and `connectivity`. candidates_per_submission
    and candidates_per_reviewer tune the first candidate set (default 4k + 2 and 2 × max_load + 2): they
    change the speed, never the result's optimality.

    Raises InfeasibleAssignment, whose message and `reasons` say what prevents any assignment, and
    ValueError for malformed input. Never returns a partial assignment.
    """
    start = time.perf_counter()
    p = normalise(affinity, conflicts, reviewers_per_submission, max_load, min_load, fixed)
    return assign_problem(p, seed=seed, fairness=fairness, connected=connected,
                   fairness_time_limit=fairness_time_limit, fairness_rounds=fairness_rounds, start=start,
                   per_row=candidates_per_submission, per_col=candidates_per_reviewer)


def assign_problem(p: Problem, *, seed, fairness, connected, fairness_time_limit, start, bonus=None,
            fairness_rounds=40, per_row=None, per_col=None):
    reasons = check_counts(p)
    if reasons:
        raise InfeasibleAssignment(reasons)
    sol = solve(p, seed=seed, per_row=per_row, per_col=per_col)
    if sol.unmet_rows.size or sol.unmet_cols.size:
        raise InfeasibleAssignment(hall_reasons(p, sol))
    if bonus is not None:
        # Now that a feasible assignment is known, the bonus solve needs no slack arcs, whose cost would
        # have to dominate the bonus too and would cost most of the integer resolution on big calls.
        n_reviewers = p.shape[1]
        sol = solve(p, seed=seed, bonus=bonus, per_row=per_row, per_col=per_col,
                     feasible=sol.pairs[:, 0] * n_reviewers + sol.pairs[:, 1])
    pairs = sol.pairs
    if p.fixed is not None:
        pairs = np.concatenate([pairs, np.argwhere(p.fixed)])
    notes = []
    fairness_status = Explained("fairness_not_requested", "not requested")
    optimal = sol.proven
    if not sol.proven:
        notes.append(Explained("optimality_not_proven",
                               f"pricing stopped after {sol.rounds} rounds without proving optimality",
                               rounds=int(sol.rounds)))
    if fairness:
        free_pairs, fairness_status = fair_pairs(p, sol, fairness_time_limit, fairness_rounds, seed)
        pairs = free_pairs if p.fixed is None else np.concatenate([free_pairs, np.argwhere(p.fixed)])
        optimal = fairness_status.startswith("optimal")
    loss = 0.0
    if connected:
        pairs, loss, more = connect(p, pairs)
        notes += more
        if loss > 0:
            optimal = False
            notes.append(Explained("connection_cost", f"connecting the review graph cost {loss:.6g} of total affinity",
                                   loss=float(loss)))
    total = int(p.k.sum())
    return _result(
        p,
        pairs,
        optimal=optimal,
        gap_bound=total / sol.scale if sol.scale else 0.0,
        pricing_rounds=sol.rounds,
        priced_pairs=sol.priced,
        solve_seconds=time.perf_counter() - start,
        connectivity_loss=loss,
        fairness_status=fairness_status,
        notes=notes,
    )


def _result(p: Problem, pairs: np.ndarray, **extra) -> AssignmentResult:
    n, m = p.shape
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    pairs = pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]
    values = p.affinity[pairs[:, 0], pairs[:, 1]]
    totals = np.bincount(pairs[:, 0], weights=values, minlength=n)
    has = p.k > 0
    if has.any():
        idx = np.flatnonzero(has)
        worst = int(idx[np.argmin(totals[idx])])
        worst_total = float(totals[worst])
    else:
        worst, worst_total = -1, 0.0
    comps, sizes, idle = review_graph_components(pairs, n, m)
    return AssignmentResult(
        pairs=pairs,
        objective=float(values.sum()),
        loads=np.bincount(pairs[:, 1], minlength=m),
        submission_totals=totals,
        worst_submission=worst,
        worst_total=worst_total,
        components=comps,
        component_sizes=sizes,
        idle_reviewers=idle,
        **extra,
    )
