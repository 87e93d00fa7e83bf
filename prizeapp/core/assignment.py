"""Optimal, conflict-free, balanced assignment of reviewers to submissions.

The problem is a transportation problem: submission i needs exactly k_i reviewers, reviewer j takes between
min_load_j and max_load_j submissions, a conflicted pair may never be used and a fixed pair (a review
already started) must stay. We maximise the total affinity of the chosen pairs.

How it is solved
    The constraint matrix is the incidence matrix of a bipartite graph, so the problem is a min-cost flow
    (source → submission → reviewer → sink) whose optimum is integral. We solve it with OR-Tools' min-cost
    flow on integer costs (affinities scaled so that the largest is 1e8, see `_scale`), but not over all
    pairs: a 10,000 × 3,000 call has 30 million of them. Instead we *price*:

    1. candidates = about 4k + 2 of the best conflict-free reviewers of each submission and about
       2 × max_load + 2 of the best submissions of each reviewer, found in two cache-friendly passes (see
       `_initial_candidates`); fixed pairs are taken out of the problem beforehand (they reduce the counts
       and loads left to fill);
    2. solve the flow on the candidates; slack arcs of prohibitive cost keep it feasible;
    3. recover node potentials (the LP duals) with a Bellman-Ford pass over the residual graph;
    4. check the reduced cost of EVERY excluded conflict-free pair, in vectorised chunks of rows; pairs that
       could improve the solution are added and we go back to 2.

    When no excluded pair has a negative reduced cost, the potentials are a feasible dual solution for the
    full problem, which proves the flow optimal over all pairs (for the scaled integer costs; the rounding
    costs at most `result.gap_bound` in total affinity). If a slack arc is still used at that point, the
    full problem is infeasible and we explain why (a Hall-type argument read off the residual graph).

Options
    fairness   first maximise the smallest per-submission total affinity, then the total with that minimum
               kept. This is no longer a network problem (max-min is NP-hard in general), and it is solved
               over the candidate pairs of the plain optimum (the pairs priced in, which include each
               submission's best reviewers):
               - up to 5,000 candidate pairs: exactly, as two integer programs with OR-Tools' CP-SAT (one
                 worker, deterministic time limit `fairness_time_limit`);
               - beyond: a Lagrangian method whose every step is one of our min-cost flows (rows weighted
                 by ν, mirror descent on ν; `fairness_rounds` steps) gives an assignment and an upper bound
                 on the best possible worst-off total; then the total is maximised with the pairs of the
                 submissions that would fall below the worst-off total frozen.
               `result.fairness_status` says which, and whether optimality was proven or what bound holds.
    connected  reviewers who share a submission are linked; the review graph should have one component
               (needed to calibrate lenient and harsh reviewers). After solving, components are merged by
               2-swaps ((i, j), (i', j')) → ((i, j'), (i', j)) that keep every count and load, chosen at the
               smallest affinity loss; the loss is reported. Guarantee: counts, loads, conflicts and fixed
               pairs are kept; components are joined greedily (each step tries the 50 cheapest swaps
               between the smallest component and the rest and takes the first that joins it), which can
               fail in contrived cases (e.g. k = 1, where no swap can link reviewers); then a note and
               `result.components` says how many remain. Reviewers with no assignment (possible when
               min_load is 0) are counted as idle and left out of the components; set min_load=1 to involve
               everyone.

`seed` only chooses among equally good assignments (it permutes the order in which reviewers are given to
the solver); the same inputs and seed always give the same result.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

__all__ = [
    "AssignmentResult",
    "InfeasibleAssignment",
    "assign",
    "reassign",
    "review_graph_components",
    "synthetic_instance",
]

# Largest scaled |affinity|: large enough that rounding costs < 1e-8 of a unit per pair, small enough that
# OR-Tools' cost scaling (cost × number of nodes) stays far from int64 overflow.
_COST_RESOLUTION = 10**8
_INT64_BUDGET = 2**62
_CHUNK_ELEMENTS = 1 << 18  # rows × reviewers handled at once when scanning the full matrix
_MAX_REASONS = 12


class Explained(str):
    """An English sentence (for logs, tests and people reading the core alone) that also carries a code and
    its parameters, so that an application can say the same in its users' language. Parameters named
    `submissions`/`reviewers` (or `submission`/`reviewer`) hold matrix indices."""

    code: str
    params: dict

    def __new__(cls, code: str, text: str, **params) -> Explained:
        obj = super().__new__(cls, text)
        obj.code, obj.params = code, params
        return obj


class InfeasibleAssignment(ValueError):
    """No assignment satisfies the constraints. `reasons` lists what a person can change."""

    def __init__(self, reasons: list[str]):
        self.reasons = list(reasons)
        shown = self.reasons[:_MAX_REASONS]
        more = len(self.reasons) - len(shown)
        text = "no feasible assignment: " + "; ".join(shown)
        if more > 0:
            text += f"; and {more} more"
        super().__init__(text)


@dataclass
class AssignmentResult:
    """An assignment and what we know about it. Indices are rows/columns of the affinity matrix."""

    pairs: np.ndarray  # int64 (n_pairs, 2): submission, reviewer; sorted
    objective: float  # total affinity of the pairs (fixed pairs included)
    loads: np.ndarray  # reviews per reviewer
    submission_totals: np.ndarray  # total affinity per submission
    worst_submission: int  # index of the worst-off submission (-1 if there is none)
    worst_total: float
    # proven optimal for the chosen objective: pricing converged (plain), CP-SAT proved both stages
    # (fairness); False after a connectivity repair that cost affinity, or a Lagrangian fairness result
    optimal: bool
    gap_bound: float  # plain objective: the best total could exceed ours by at most this (cost rounding)
    pricing_rounds: int
    priced_pairs: int  # pairs given to the flow solver (the full problem has all conflict-free pairs)
    solve_seconds: float
    components: int  # connected components of the review graph (reviewers with at least one review)
    component_sizes: list[int]  # reviewers per component, largest first
    idle_reviewers: int  # reviewers with no review: not part of any component
    connectivity_loss: float = 0.0  # affinity given up to connect the review graph
    fairness_status: str = "not requested"
    changes: int | None = None  # reassign only: previous pairs dropped (= pairs added)
    dropped_pairs: np.ndarray | None = None  # reassign only
    added_pairs: np.ndarray | None = None  # reassign only
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------- inputs


@dataclass
class _Problem:
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


def _normalise(affinity, conflicts, reviewers_per_submission, max_load, min_load, fixed) -> _Problem:
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
    for r0, r1 in _row_chunks(n, m):
        ok = np.isfinite(a[r0:r1])
        np.logical_or(ok, c[r0:r1], out=ok)
        if not ok.all():
            i, j = np.argwhere(~ok)[0]
            raise ValueError(f"affinity of the conflict-free pair ({r0 + i}, {j}) is not a finite number")
    return _Problem(
        affinity=a,
        conflicts=c,
        k=_per_index(reviewers_per_submission, n, "reviewers_per_submission"),
        max_load=_per_index(max_load, m, "max_load"),
        min_load=_per_index(min_load, m, "min_load"),
        fixed=f,
    )


def _list(indices, limit: int = 10) -> str:
    indices = [int(x) for x in indices]
    text = ", ".join(str(x) for x in indices[:limit])
    if len(indices) > limit:
        text += f", … ({len(indices)} in all)"
    return text


def _check_counts(p: _Problem) -> list[str]:
    """Necessary conditions that can be named: each failure is one reason a person can act on."""
    n, m = p.shape
    reasons: list[str] = []
    fixed_rows = np.zeros(n, dtype=np.int64)
    fixed_cols = np.zeros(m, dtype=np.int64)
    if p.fixed is not None:
        for i, j in np.argwhere(p.fixed & p.conflicts):
            reasons.append(Explained("fixed_conflicted", f"fixed pair ({i}, {j}) is conflicted", submission=int(i),
                                      reviewer=int(j)))
        fixed_rows = p.fixed.sum(axis=1)
        fixed_cols = p.fixed.sum(axis=0)
        for i in np.flatnonzero(fixed_rows > p.k):
            reasons.append(Explained("too_many_fixed_reviewers",
                                      f"submission {i} has {fixed_rows[i]} fixed reviewers but needs exactly {p.k[i]}",
                                      submission=int(i), fixed=int(fixed_rows[i]), needed=int(p.k[i])))
        for j in np.flatnonzero(fixed_cols > p.max_load):
            reasons.append(Explained("too_many_fixed_pairs",
                                      f"reviewer {j} has {fixed_cols[j]} fixed pairs but max load {p.max_load[j]}",
                                      reviewer=int(j), fixed=int(fixed_cols[j]), max_load=int(p.max_load[j])))
    for j in np.flatnonzero(p.min_load > p.max_load):
        reasons.append(Explained("min_above_max", f"reviewer {j} has min load {p.min_load[j]} above max load "
                                  f"{p.max_load[j]}", reviewer=int(j), min_load=int(p.min_load[j]),
                                  max_load=int(p.max_load[j])))
    open_cols = p.max_load > 0
    active_rows = p.k > 0
    available = np.zeros(n, dtype=np.int64)  # conflict-free reviewers with room, per submission
    col_available = np.zeros(m, dtype=np.int64)  # conflict-free submissions needing reviews, per reviewer
    all_open = bool(open_cols.all())
    for r0, r1 in _row_chunks(n, m):
        block = p.conflicts[r0:r1]
        open_block = block if all_open else block[:, open_cols]
        available[r0:r1] = open_block.shape[1] - np.count_nonzero(open_block, axis=1)
        active = active_rows[r0:r1]
        col_available += int(active.sum()) - np.count_nonzero(block[active], axis=0)
    for i in np.flatnonzero(available < p.k):
        reasons.append(Explained(
            "few_conflict_free_reviewers",
            f"submission {i} has only {available[i]} conflict-free reviewers (needs {p.k[i]})",
            submission=int(i), available=int(available[i]), needed=int(p.k[i])))
    for j in np.flatnonzero(col_available < p.min_load):
        reasons.append(Explained(
            "few_submissions_for_min_load",
            f"reviewer {j} has min load {p.min_load[j]} but only {col_available[j]} submissions to review "
            f"(conflict-free and needing reviewers)",
            reviewer=int(j), min_load=int(p.min_load[j]), available=int(col_available[j])))
    needed = int(p.k.sum())
    capacity = int(p.max_load.sum())
    if capacity < needed:
        reasons.append(Explained("capacity_short", f"total capacity {capacity} < {needed} reviews needed",
                                  capacity=capacity, needed=needed))
    floor = int(p.min_load.sum())
    if floor > needed:
        reasons.append(Explained("min_loads_too_high",
                                 f"minimum loads add up to {floor} > {needed} reviews to give out",
                                 floor=floor, needed=needed))
    return reasons


# ----------------------------------------------------------------------------------------- the solver


@dataclass
class _Flow:
    pairs: np.ndarray  # (n_pairs, 2) chosen pairs among the free (non-fixed) ones
    rounds: int
    priced: int
    unmet_rows: np.ndarray  # submissions served by slack (infeasible if non-empty)
    unmet_cols: np.ndarray  # reviewers whose min load is served by slack
    candidates: np.ndarray  # linear indices of the final candidate set
    scale: float
    loads_left: np.ndarray  # residual max load after the solution
    proven: bool  # pricing converged: optimal over all pairs
    rank: np.ndarray  # rank[j]: position of reviewer j in the solver's (seeded) order
    slack_cost: int


def _scale(values_range: float, n_units: int, n_nodes: int, bonus_pairs: bool, slack: bool = True
           ) -> tuple[float, int | None]:
    """Integer resolution: (scale, slack cost or None). Keeps the largest cost × nodes far within int64.

    The slack cost must beat any rerouting of n_units units, the bonus any affinity change along an
    alternating cycle: both grow with the number of units, which lowers the resolution of big calls that
    need both (reassign without a known feasible assignment, which `_assign` avoids).
    """
    resolution = _COST_RESOLUTION
    while True:
        cost_range = resolution * 2 + 1
        if bonus_pairs:
            cost_range += (n_units + 1) * cost_range  # the bonus dominates every other term
        largest = (n_units + 1) * cost_range if slack else cost_range
        if largest * (n_nodes + 2) * 4 < _INT64_BUDGET or resolution <= 100:
            break
        resolution //= 4
    scale = resolution / values_range if values_range > 0 else 1.0
    return scale, (int(largest) if slack else None)


def _default_slack(n_units: int) -> int:
    """Slack cost for networks whose costs are scaled to ±_COST_RESOLUTION (no bonus)."""
    return (n_units + 1) * (2 * _COST_RESOLUTION + 1)


def _row_chunks(n: int, m: int):
    step = max(1, _CHUNK_ELEMENTS // max(m, 1))
    for r0 in range(0, n, step):
        yield r0, min(n, r0 + step)


def _initial_candidates(p: _Problem, k_left, open_cols, per_row: int, per_col: int = 0
                        ) -> tuple[np.ndarray, float]:
    """Linear indices (i * m + j) of about `per_row` of the best free pairs of each row, and max |affinity|.

    A full top-k per row (argpartition) costs several passes over the matrix; instead each row is cut into
    about 4 × per_row blocks of columns, and the row keeps every pair at least as good as its per_row-th
    best block maximum: at least per_row pairs (one per such block), and in practice not many more. The
    pricing loop adds whatever this misses.
    """
    n, m = p.shape
    chunks = []
    n_blocks = min(m, 4 * per_row)
    starts = (np.arange(n_blocks) * m) // n_blocks
    step = max(1, _CHUNK_ELEMENTS // max(m, 1))
    buf = np.empty((step, m))
    max_abs = 0.0
    closed = ~open_cols
    col_block_max = []  # per reviewer, the maximum over each group of 8 rows
    for r0, r1 in _row_chunks(n, m):
        b = buf[: r1 - r0]
        np.copyto(b, p.affinity[r0:r1])
        np.putmask(b, p.conflicts[r0:r1], np.inf)
        if p.fixed is not None:
            np.putmask(b, p.fixed[r0:r1], np.inf)
        if b.size == 0:
            continue
        low = b.min()
        np.putmask(b, p.conflicts[r0:r1], -np.inf)
        if p.fixed is not None:
            np.putmask(b, p.fixed[r0:r1], -np.inf)
        if closed.any():
            b[:, closed] = -np.inf
        block_max = np.maximum.reduceat(b, starts, axis=1)
        if per_col:
            col_block_max.append(np.maximum.reduceat(b, np.arange(0, r1 - r0, 8), axis=0))
        high = block_max.max()
        for v in (low, high):
            if np.isfinite(v):
                max_abs = max(max_abs, abs(float(v)))
        t = min(per_row, n_blocks)
        theta = -np.partition(-block_max, t - 1, axis=1)[:, t - 1]
        # rows with fewer than t usable blocks keep all their usable pairs
        theta = np.where(np.isfinite(theta), theta, np.nextafter(-np.inf, 0))
        theta[k_left[r0:r1] <= 0] = np.inf
        keep = b >= theta[:, None]
        chunks.append(np.flatnonzero(keep) + r0 * m)
    cand = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int64)
    if per_col and col_block_max:
        # the same idea per reviewer, in a second pass: keep the pairs at least as good as the reviewer's
        # per_col-th best group maximum (popular reviewers fill up; the others need candidates too)
        groups = np.concatenate(col_block_max)
        t = min(per_col, len(groups))
        theta = -np.partition(-groups, t - 1, axis=0)[t - 1]
        theta[closed] = np.inf
        finite = np.isfinite(theta)
        theta[finite] -= 1e-12 * np.maximum(1.0, np.abs(theta[finite]))  # so that a >= theta passes
        # _price keeps the pairs with a > 0 - (-theta); theta = -inf (too few groups) keeps them all
        cand = np.union1d(cand, _price(p, np.zeros(n), -theta))
    return cand, max_abs


def _price(p: _Problem, thr_rows: np.ndarray, thr_cols: np.ndarray) -> np.ndarray:
    """Linear indices of free pairs with affinity > thr_rows[i] - thr_cols[j], in cache-sized chunks."""
    n, m = p.shape
    step = max(1, _CHUNK_ELEMENTS // max(m, 1))
    tmp = np.empty((step, m))
    hit = np.empty((step, m), dtype=bool)
    found = []
    for r0, r1 in _row_chunks(n, m):
        t, h = tmp[: r1 - r0], hit[: r1 - r0]
        np.subtract.outer(thr_rows[r0:r1], thr_cols, out=t)
        np.greater(p.affinity[r0:r1], t, out=h)
        np.greater(h, p.conflicts[r0:r1], out=h)  # h & ~conflicts
        if p.fixed is not None:
            np.greater(h, p.fixed[r0:r1], out=h)
        idx = np.flatnonzero(h)
        if idx.size:
            found.append(idx + r0 * m)
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def _potentials(n_nodes, tail, head, cost, cap, flow) -> np.ndarray:
    """Shortest distances in the residual graph from a virtual root joined to every node (Bellman-Ford).

    At an optimal flow the residual graph has no negative cycle, so these distances exist and give
    reduced costs cost + d[tail] - d[head] >= 0 on every residual arc: an optimal dual solution.
    """
    fwd = flow < cap
    bwd = flow > 0
    t = np.concatenate([tail[fwd], head[bwd]])
    h = np.concatenate([head[fwd], tail[bwd]])
    c = np.concatenate([cost[fwd], -cost[bwd]])
    d = np.zeros(n_nodes, dtype=np.int64)
    # Only arcs with negative cost can lower a distance from 0 in the first pass; keep all for later ones.
    for _ in range(n_nodes + 1):
        new = d.copy()
        np.minimum.at(new, h, d[t] + c)
        if np.array_equal(new, d):
            return d
        d = new
    raise RuntimeError("negative cycle in the residual graph: the flow solver did not return an optimum")


def _network(n, m, rows, cols, cost, k_left, hi, lo, rank, slack_cost):
    """Min-cost flow over the given pair arcs (rows, cols, integer costs), solved by OR-Tools.

    Nodes: submissions 0..n-1, reviewer j at n + rank[j], the sink at n + m. Submission i supplies
    k_left[i]; reviewer j demands lo[j] and may pass hi[j] - lo[j] more to the sink. Slack arcs of cost
    slack_cost (submission → sink, sink → reviewer) keep every candidate network feasible; they carry flow
    at the optimum only if the problem over the candidates is infeasible. Returns the arcs and their flows;
    the pair arcs come first, in the given order.
    """
    sink = n + m
    total = int(k_left.sum())
    supplies = np.zeros(n + m + 1, dtype=np.int64)
    supplies[:n] = k_left
    supplies[n + rank] = -lo
    supplies[sink] = -(total - int(lo.sum()))
    n_pair_arcs = len(rows)
    tail = np.concatenate([rows, n + rank, np.arange(n), np.full(m, sink)])
    head = np.concatenate([n + rank[cols], np.full(m, sink), np.full(n, sink), n + rank])
    cap = np.concatenate([np.ones(n_pair_arcs, dtype=np.int64), hi - lo, k_left, lo])
    arc_cost = np.concatenate([cost, np.zeros(m, dtype=np.int64), np.full(n + m, slack_cost or 0)])
    keep = cap > 0
    keep[:n_pair_arcs] = True
    if slack_cost is None:  # the pair arcs are known to hold a feasible assignment
        keep[n_pair_arcs + m:] = False
    tail, head, cap, arc_cost = tail[keep], head[keep], cap[keep], arc_cost[keep]
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(tail, head, cap, arc_cost)
    smcf.set_nodes_supplies(np.arange(n + m + 1), supplies)
    status = smcf.solve()
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"min-cost flow solver returned {status}")
    return tail, head, cap, arc_cost, smcf.flows(np.arange(len(tail)))


def _solve(p: _Problem, *, seed: int, bonus: np.ndarray | None = None, per_row: int | None = None,
           per_col: int | None = None, max_rounds: int = 200, feasible: np.ndarray | None = None) -> _Flow:
    """Maximise total affinity (+ bonus on given pairs) over all free pairs, by pricing. See module doc."""
    n, m = p.shape
    a = p.affinity
    fixed_rows = p.fixed.sum(axis=1) if p.fixed is not None else np.zeros(n, dtype=np.int64)
    fixed_cols = p.fixed.sum(axis=0) if p.fixed is not None else np.zeros(m, dtype=np.int64)
    k_left = p.k - fixed_rows
    hi = p.max_load - fixed_cols
    lo = np.maximum(p.min_load - fixed_cols, 0)
    total = int(k_left.sum())

    if per_row is None:
        per_row = int(min(m, max(4 * int(p.k.max(initial=0)) + 2, 10)))
    if per_col is None:
        per_col = int(min(n, 2 * int(p.max_load.max(initial=0)) + 2))
    cand, values_range = _initial_candidates(p, k_left, hi > 0, per_row, per_col)
    if bonus is not None:
        cand = np.union1d(cand, np.flatnonzero(bonus.ravel()))
    if feasible is not None:
        cand = np.union1d(cand, feasible)
    scale, slack_cost = _scale(values_range, total, n + m + 1, bonus is not None, slack=feasible is None)
    bonus_scaled = 0
    if bonus is not None:
        bonus_scaled = (total + 1) * (2 * round(values_range * scale) + 1)

    order = np.random.default_rng(seed).permutation(m)  # the solver sees reviewers in this order
    rank = np.empty(m, dtype=np.int64)
    rank[order] = np.arange(m)


    n_nodes = n + m + 1
    rev_nodes = n + rank  # node of reviewer j
    rounds = 0
    while True:
        rounds += 1
        rows, cols = np.divmod(cand, m)
        cost = -np.rint(a[rows, cols] * scale).astype(np.int64)
        if bonus is not None:
            cost -= bonus_scaled * bonus[rows, cols].astype(np.int64)
        # Arcs in a canonical order (by submission, then reviewer rank) so that the result depends only on
        # the inputs and the seed.
        arc_order = np.lexsort((rank[cols], rows))
        rows, cols, cost = rows[arc_order], cols[arc_order], cost[arc_order]
        cand = cand[arc_order]
        n_pair_arcs = len(rows)
        net = _network(n, m, rows, cols, cost, k_left, hi, lo, rank, slack_cost)
        tail, head, cap, arc_cost, flow = net
        d = _potentials(n_nodes, tail, head, arc_cost, cap, flow)
        if rounds >= max_rounds:
            proven = False
            break
        # Price every excluded free pair: it would improve the flow iff its reduced cost is negative,
        # i.e. -rint(a * scale) + d[i] - d[j] < 0.  Bonus pairs are all candidates already.
        # a * scale > d_i - d_j, written a > (d_i - margin) / scale - d_j / scale: a margin of one cost
        # unit (more for huge potentials) makes the test a superset of the exact integer one despite
        # floating-point rounding.
        margin = 1.0 + 1e-9 * float(np.abs(d).max(initial=0))
        thr_rows, thr_cols = (d[:n] - margin) / scale, d[rev_nodes] / scale
        new = np.setdiff1d(_price(p, thr_rows, thr_cols), cand)
        if new.size > n:
            # Far from optimal duals flag many pairs; adding them all would slow the next solve more than
            # one more round costs. Keep each row's two most improving ones.
            r, c = np.divmod(new, m)
            gain = a[r, c] - (thr_rows[r] - thr_cols[c])
            by_row = np.lexsort((-gain, r))
            first = np.searchsorted(r[by_row], r[by_row], side="left")
            new = np.sort(new[by_row][np.arange(new.size) - first < 2])
        if new.size == 0:
            proven = True
            break
        cand = np.concatenate([cand, new])

    chosen = flow[:n_pair_arcs] > 0
    pairs = np.stack([rows[chosen], cols[chosen]], axis=1)
    # slack arcs, if kept, follow the reviewer→sink arcs in `keep` order
    slack_rows_flow = np.zeros(n, dtype=np.int64)
    slack_cols_flow = np.zeros(m, dtype=np.int64)
    if slack_cost is not None:
        base = n_pair_arcs + int(np.count_nonzero((hi - lo) > 0))
        kept_rows = np.flatnonzero(k_left > 0)
        slack_rows_flow[kept_rows] = flow[base:base + len(kept_rows)]
        base += len(kept_rows)
        kept_cols = np.flatnonzero(lo > 0)
        slack_cols_flow[kept_cols] = flow[base:base + len(kept_cols)]
    loads = np.bincount(pairs[:, 1], minlength=m)
    return _Flow(
        pairs=pairs,
        rounds=rounds,
        priced=int(n_pair_arcs),
        unmet_rows=np.flatnonzero(slack_rows_flow),
        unmet_cols=np.flatnonzero(slack_cols_flow),
        candidates=np.sort(cand),
        scale=scale,
        proven=proven,
        rank=rank,
        slack_cost=slack_cost,
        loads_left=hi - loads,
    )


def _hall_reasons(p: _Problem, sol: _Flow) -> list[str]:
    """Explain an optimum that still uses slack: a group that cannot get what it needs (Hall's condition).

    Starting from the submissions (or reviewers) served by slack, follow the residual graph of the optimal
    flow: an unassigned conflict-free pair one way, an assigned pair back. Every group so reached is
    saturated (otherwise an augmenting path would exist and the flow would not be optimal), so what it
    holds now is the most it can ever get.
    """
    n, m = p.shape
    reasons = []
    assigned = np.zeros((n, m), dtype=bool)
    assigned[sol.pairs[:, 0], sol.pairs[:, 1]] = True
    free = ~p.conflicts
    if p.fixed is not None:
        free &= ~p.fixed
    fixed_rows = p.fixed.sum(axis=1) if p.fixed is not None else np.zeros(n, dtype=np.int64)
    fixed_cols = p.fixed.sum(axis=0) if p.fixed is not None else np.zeros(m, dtype=np.int64)
    if sol.unmet_rows.size:
        in_x = np.zeros(n, dtype=bool)
        in_x[sol.unmet_rows] = True
        in_r = np.zeros(m, dtype=bool)
        frontier = in_x.copy()
        while frontier.any():
            reach = (free[frontier] & ~assigned[frontier]).any(axis=0) & ~in_r
            in_r |= reach
            frontier = assigned[:, reach].any(axis=1) & ~in_x
            in_x |= frontier
        xs = np.flatnonzero(in_x)
        neighbours = np.flatnonzero(free[xs].any(axis=0))
        need = int((p.k - fixed_rows)[xs].sum())
        most = int(assigned[xs].sum())
        reasons.append(Explained(
            "group_short_of_reviewers",
            f"submissions {_list(xs)} need {need} more reviews, but the only reviewers they can get without "
            f"conflict ({_list(neighbours) or 'none'}) can give them {most} at most (max loads)",
            submissions=[int(x) for x in xs], reviewers=[int(x) for x in neighbours], need=need, most=most))
    if sol.unmet_cols.size:
        in_y = np.zeros(m, dtype=bool)
        in_y[sol.unmet_cols] = True
        in_s = np.zeros(n, dtype=bool)
        frontier = in_y.copy()
        while frontier.any():
            reach = (free[:, frontier] & ~assigned[:, frontier]).any(axis=1) & ~in_s
            in_s |= reach
            frontier = assigned[reach].any(axis=0) & ~in_y
            in_y |= frontier
        ys = np.flatnonzero(in_y)
        need = int(np.maximum(p.min_load - fixed_cols, 0)[ys].sum())
        most = int(assigned[:, ys].sum())
        reasons.append(Explained(
            "group_short_of_submissions",
            f"reviewers {_list(ys)} need {need} more reviews to reach their min loads, but the submissions "
            f"they can review without conflict can give them {most} at most (the rest is needed by the "
            f"other reviewers' min loads)",
            reviewers=[int(y) for y in ys], need=need, most=most))
    return reasons


# ------------------------------------------------------------------------------------------- diagnostics


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


def _result(p: _Problem, pairs: np.ndarray, **extra) -> AssignmentResult:
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


# ---------------------------------------------------------------------------------------------- options


_EXACT_FAIRNESS_PAIRS = 5000


def _fair_pairs(p: _Problem, sol: _Flow, time_limit: float, rounds: int, seed: int):
    """Lexicographic max-min then max-total: exact (CP-SAT) on small models, Lagrangian on large ones."""
    if len(sol.candidates) <= _EXACT_FAIRNESS_PAIRS:
        return _fair_pairs_exact(p, sol, time_limit, seed)
    return _fair_pairs_lagrangian(p, sol, rounds)


def _fixed_parts(p: _Problem):
    n, m = p.shape
    fixed_total = np.zeros(n)
    fixed_rows = np.zeros(n, dtype=np.int64)
    fixed_cols = np.zeros(m, dtype=np.int64)
    if p.fixed is not None:
        fr, fc = np.nonzero(p.fixed)
        np.add.at(fixed_total, fr, p.affinity[fr, fc])
        fixed_rows = np.bincount(fr, minlength=n)
        fixed_cols = np.bincount(fc, minlength=m)
    return fixed_total, p.k - fixed_rows, p.max_load - fixed_cols, np.maximum(p.min_load - fixed_cols, 0)


def _fair_pairs_lagrangian(p: _Problem, sol: _Flow, rounds: int):
    """Max-min by the Lagrangian dual, over the candidate pairs: a bound and good solutions, no proof.

    For weights ν ≥ 0 summing to 1, any assignment x has min_i T_i(x) ≤ Σ ν_i T_i(x) ≤ L(ν) = max_x
    Σ ν_i T_i(x), where T_i is submission i's total; L(ν) is a min-cost flow with row i's affinities scaled
    by ν_i, and min over ν of L(ν) equals the LP bound (the flow polytope is integral). Mirror descent on ν
    (rows doing better get less weight) yields both that upper bound and, at each step, an assignment
    whose worst-off total is a lower bound; the lexicographically best one (worst-off total, then total)
    is kept.
    """
    n, m = p.shape
    rows, cols = np.divmod(sol.candidates, m)
    values = p.affinity[rows, cols]
    fixed_total, k_left, hi, lo = _fixed_parts(p)
    active = p.k > 0
    high = float(np.abs(values).max(initial=0)) or 1.0
    nu = active / max(int(active.sum()), 1)
    best = (sol.pairs, -np.inf, -np.inf)
    upper = np.inf
    slack = sol.slack_cost or _default_slack(int(k_left.sum()))
    spread = None
    rounding = 0.0
    for t in range(1, rounds + 1):
        scale = _COST_RESOLUTION / (high * nu.max())
        cost = -np.rint(values * nu[rows] * scale).astype(np.int64)
        *_, flow = _network(n, m, rows, cols, cost, k_left, hi, lo, sol.rank, slack)
        chosen = flow[: len(rows)] > 0
        totals = fixed_total + np.bincount(rows[chosen], weights=values[chosen], minlength=n)
        rounding = 0.5 * chosen.sum() / scale  # the rounding of costs can hide this much of L(ν)
        upper = min(upper, float(nu @ totals) + rounding)
        low = float(totals[active].min())
        total = float(totals.sum())
        if (low, total) > best[1:]:
            best = (np.stack([rows[chosen], cols[chosen]], axis=1), low, total)
        if spread is None:
            spread = float(np.ptp(totals[active])) or 1.0
        # step 40/sqrt(t) in units of the first spread of totals: tried 0.5-80 on three synthetic calls;
        # from 20 up the bound is within 0.1 % of the best worst-off total found, 2 leaves 5 %
        nu = np.where(active, nu * np.exp(-40.0 / math.sqrt(t) * (totals - low) / spread), 0.0)
        nu = np.maximum(nu, 1e-6 * nu.max()) * active
        nu /= nu.sum()
    pairs, low, total = best
    # Stage 2: raise the total, keeping every submission at or above `low`. Freeze the pairs of the
    # submissions at risk (taken from the best solution, so the rest stays feasible), maximise the total
    # of the others with the flow, freeze whoever falls below, repeat. Each round is at least as good as
    # the best solution, which stays feasible throughout.
    frozen = np.zeros(n, dtype=bool)
    best_totals = fixed_total + np.bincount(pairs[:, 0], weights=p.affinity[pairs[:, 0], pairs[:, 1]],
                                            minlength=n)
    frozen[active & (best_totals <= low)] = True
    scale = _COST_RESOLUTION / high
    all_cost = -np.rint(values * scale).astype(np.int64)
    for _ in range(rounds):
        keep_pairs = pairs[frozen[pairs[:, 0]]]
        k_free = np.where(frozen, 0, k_left)
        used = np.bincount(keep_pairs[:, 1], minlength=m)
        free_arcs = ~frozen[rows]
        r, c = rows[free_arcs], cols[free_arcs]
        *_, flow = _network(n, m, r, c, all_cost[free_arcs], k_free, hi - used,
                            np.maximum(lo - used, 0), sol.rank, slack)  # slack: see stage 1
        chosen = flow[: len(r)] > 0
        trial = np.concatenate([keep_pairs, np.stack([r[chosen], c[chosen]], axis=1)])
        totals = fixed_total + np.bincount(trial[:, 0], weights=p.affinity[trial[:, 0], trial[:, 1]],
                                           minlength=n)
        below = active & (totals < low) & ~frozen
        if not below.any():
            if totals.sum() >= total:
                pairs, total = trial, float(totals.sum())
            break
        frozen |= below
    status = Explained("fairness_heuristic",
                       f"Lagrangian heuristic over {len(rows)} candidate pairs: worst-off total {low:.6g}, "
                       f"proven at most {upper:.6g}; total maximal with the worst-off submissions' pairs frozen",
                       candidates=len(rows), worst=float(low), bound=float(upper))
    return pairs, status


def _fair_pairs_exact(p: _Problem, sol: _Flow, time_limit: float, seed: int) -> tuple[np.ndarray, str]:
    """Lexicographic max-min then max-total over the candidate pairs, with OR-Tools' CP-SAT.

    Max-min is NP-hard in general (it is no longer a network problem), so this is a MIP: stage 1 maximises
    the worst-off submission's total, stage 2 the total with every submission kept at that level or above.
    Both start from the plain optimum as a hint, run on one worker with a *deterministic* time limit (so
    the result depends only on the inputs and the seed, not on the machine's load) and report whether
    optimality was proven, or the best solution found and the solver's upper bound.
    """
    from ortools.sat.python import cp_model

    n, m = p.shape
    rows, cols = np.divmod(sol.candidates, m)
    nv = len(rows)
    high = float(np.abs(p.affinity[rows, cols]).max(initial=0))
    if p.fixed is not None and p.fixed.any():
        high = max(high, float(np.abs(p.affinity[p.fixed]).max()))
    # integer weights: a power of ten keeps decimal affinities (0.25, 0.8) exact
    unit = 10.0 ** (6 - math.ceil(math.log10(high))) if high > 0 else 1.0
    weights = np.rint(p.affinity[rows, cols] * unit).astype(np.int64)
    fixed_total = np.zeros(n, dtype=np.int64)
    fixed_rows = np.zeros(n, dtype=np.int64)
    fixed_cols = np.zeros(m, dtype=np.int64)
    if p.fixed is not None:
        fr, fc = np.nonzero(p.fixed)
        np.add.at(fixed_total, fr, np.rint(p.affinity[fr, fc] * unit).astype(np.int64))
        fixed_rows = np.bincount(fr, minlength=n)
        fixed_cols = np.bincount(fc, minlength=m)
    k_left = p.k - fixed_rows
    hi = p.max_load - fixed_cols
    lo = np.maximum(p.min_load - fixed_cols, 0)

    model = cp_model.CpModel()
    x = [model.new_bool_var("") for _ in range(nv)]
    by_row = np.argsort(rows, kind="stable")
    row_starts = np.searchsorted(rows[by_row], np.arange(n + 1))
    by_col = np.argsort(cols, kind="stable")
    col_starts = np.searchsorted(cols[by_col], np.arange(m + 1))
    top = int(weights.clip(min=0).sum() + fixed_total.clip(min=0).sum())
    bottom = int(weights.clip(max=0).sum() + fixed_total.clip(max=0).sum())
    worst = model.new_int_var(bottom, top, "worst")
    row_totals = []
    for i in range(n):
        members = by_row[row_starts[i]:row_starts[i + 1]]
        model.add(sum(x[e] for e in members) == int(k_left[i]))
        total = cp_model.LinearExpr.weighted_sum([x[e] for e in members], weights[members].tolist())
        total = total + int(fixed_total[i])
        row_totals.append(total)
        if p.k[i] > 0:
            model.add(total >= worst)
    for j in range(m):
        members = by_col[col_starts[j]:col_starts[j + 1]]
        load = sum(x[e] for e in members)
        model.add_linear_constraint(load, int(lo[j]), int(hi[j]))
    chosen = np.zeros(n * m, dtype=bool)
    chosen[sol.pairs[:, 0] * m + sol.pairs[:, 1]] = True
    hint = chosen[sol.candidates]
    for e in range(nv):
        model.add_hint(x[e], bool(hint[e]))

    def solve():
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = int(seed) % (2**31)
        solver.parameters.max_deterministic_time = float(time_limit)
        status = solver.solve(model)
        return solver, status

    model.maximize(worst)
    solver, status1 = solve()
    if status1 not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return sol.pairs, Explained("fairness_not_found",
                                    "fairness model found no solution in its time limit; plain optimum kept")
    floor = int(solver.value(worst))
    bound1 = solver.best_objective_bound
    values = np.array([solver.boolean_value(v) for v in x])
    model.clear_hints()
    for e in range(nv):
        model.add_hint(x[e], bool(values[e]))
    model.add(worst >= floor)
    model.maximize(cp_model.LinearExpr.weighted_sum(x, weights.tolist()))
    solver, status2 = solve()
    if status2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        values = np.array([solver.boolean_value(v) for v in x])
    pairs = np.stack([rows[values], cols[values]], axis=1)
    if status1 == cp_model.OPTIMAL and status2 == cp_model.OPTIMAL:
        status = Explained("fairness_optimal", f"optimal over {nv} candidate pairs", candidates=nv)
    else:
        status = Explained("fairness_time_limit",
                           f"best found in the time limit over {nv} candidate pairs: worst-off total "
                           f"{floor / unit:.6g}, proven at most {bound1 / unit:.6g}"
                           + ("" if status2 == cp_model.OPTIMAL else "; total not proven maximal"),
                           candidates=nv, worst=floor / unit, bound=bound1 / unit,
                           total_proven=status2 == cp_model.OPTIMAL)
    return pairs, status


def _connect(p: _Problem, pairs: np.ndarray, max_steps: int = 1000) -> tuple[np.ndarray, float, list[str]]:
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


# ------------------------------------------------------------------------------------------ entry points


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
    assignments. fairness, connected: see the module documentation. candidates_per_submission and
    candidates_per_reviewer tune the first candidate set (default 4k + 2 and 2 × max_load + 2): they change
    the speed, never the result's optimality.

    Raises InfeasibleAssignment, whose message and `reasons` say what prevents any assignment, and
    ValueError for malformed input. Never returns a partial assignment.
    """
    start = time.perf_counter()
    p = _normalise(affinity, conflicts, reviewers_per_submission, max_load, min_load, fixed)
    return _assign(p, seed=seed, fairness=fairness, connected=connected,
                   fairness_time_limit=fairness_time_limit, fairness_rounds=fairness_rounds, start=start,
                   per_row=candidates_per_submission, per_col=candidates_per_reviewer)


def _assign(p: _Problem, *, seed, fairness, connected, fairness_time_limit, start, bonus=None,
            fairness_rounds=40, per_row=None, per_col=None):
    reasons = _check_counts(p)
    if reasons:
        raise InfeasibleAssignment(reasons)
    sol = _solve(p, seed=seed, per_row=per_row, per_col=per_col)
    if sol.unmet_rows.size or sol.unmet_cols.size:
        raise InfeasibleAssignment(_hall_reasons(p, sol))
    if bonus is not None:
        # Now that a feasible assignment is known, the bonus solve needs no slack arcs, whose cost would
        # have to dominate the bonus too and would cost most of the integer resolution on big calls.
        n_reviewers = p.shape[1]
        sol = _solve(p, seed=seed, bonus=bonus, per_row=per_row, per_col=per_col,
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
        free_pairs, fairness_status = _fair_pairs(p, sol, fairness_time_limit, fairness_rounds, seed)
        pairs = free_pairs if p.fixed is None else np.concatenate([free_pairs, np.argwhere(p.fixed)])
        optimal = fairness_status.startswith("optimal")
    loss = 0.0
    if connected:
        pairs, loss, more = _connect(p, pairs)
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
    fixed = _as_mask(keep, (n, m), "keep")
    p = _normalise(a, conflicts, reviewers_per_submission, max_load, min_load, fixed)
    previous = _as_mask(previous_pairs, (n, m), "previous_pairs")
    bonus = previous & ~p.conflicts
    if p.fixed is not None:
        bonus &= ~p.fixed
    result = _assign(p, seed=seed, fairness=fairness, connected=connected, fairness_time_limit=30.0,
                     start=start, bonus=bonus if bonus.any() else None)
    prev = np.argwhere(previous)
    new_mask = np.zeros((n, m), dtype=bool)
    new_mask[result.pairs[:, 0], result.pairs[:, 1]] = True
    result.dropped_pairs = prev[~new_mask[prev[:, 0], prev[:, 1]]]
    result.added_pairs = result.pairs[~previous[result.pairs[:, 0], result.pairs[:, 1]]]
    result.changes = len(result.dropped_pairs)
    result.solve_seconds = time.perf_counter() - start
    return result


def _as_mask(value, shape, name) -> np.ndarray | None:
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


# ------------------------------------------------------------------------------------- synthetic inputs


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
