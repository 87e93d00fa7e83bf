"""Optimal, conflict-free, balanced assignment of reviewers to submissions.

The problem is a transportation problem: submission i needs exactly k_i reviewers, reviewer j takes between
min_load_j and max_load_j submissions, a conflicted pair may never be used and a fixed pair (a review
already started) must stay. We maximise the total affinity of the chosen pairs.

How it is solved
    The constraint matrix is the incidence matrix of a bipartite graph, so the problem is a min-cost flow
    (source → submission → reviewer → sink) whose optimum is integral. We solve it with OR-Tools' min-cost
    flow on integer costs (affinities scaled so that the largest is 1e8, see `_scale`), but not over all
    pairs: a 10,000 × 3,000 call has 30 million of them. Instead we *price*:

    1. candidates = the best few conflict-free reviewers of each submission and the best few submissions of
       each reviewer (plus nothing else: fixed pairs are taken out of the problem beforehand);
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
               kept. This is no longer a network problem, so it is solved as a MIP (scipy's HiGHS) over
               the candidate pairs of the plain optimum — exact on those pairs; `result.fairness_status`
               says whether the MIP proved optimality within its time limit.
    connected  reviewers who share a submission are linked; the review graph should have one component
               (needed to calibrate lenient and harsh reviewers). After solving, components are merged by
               2-swaps ((i, j), (i', j')) → ((i, j'), (i', j)) that keep every count and load, chosen at the
               smallest affinity loss; the loss is reported. Guarantee: the result is connected when such a
               sequence of swaps exists among the non-fixed pairs (checked greedily); otherwise
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
    optimal: bool  # proven optimal for the chosen objective
    gap_bound: float  # the total affinity could be at most this much higher (rounding of costs)
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
    bad = ~np.isfinite(a) & ~c
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise ValueError(f"affinity of the conflict-free pair ({i}, {j}) is not a finite number")
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
            reasons.append(f"fixed pair ({i}, {j}) is conflicted")
        fixed_rows = p.fixed.sum(axis=1)
        fixed_cols = p.fixed.sum(axis=0)
        for i in np.flatnonzero(fixed_rows > p.k):
            reasons.append(f"submission {i} has {fixed_rows[i]} fixed reviewers but needs exactly {p.k[i]}")
        for j in np.flatnonzero(fixed_cols > p.max_load):
            reasons.append(f"reviewer {j} has {fixed_cols[j]} fixed pairs but max load {p.max_load[j]}")
    for j in np.flatnonzero(p.min_load > p.max_load):
        reasons.append(f"reviewer {j} has min load {p.min_load[j]} above max load {p.max_load[j]}")
    open_cols = p.max_load > 0
    free = ~p.conflicts & open_cols[None, :]
    available = free.sum(axis=1)
    for i in np.flatnonzero(available < p.k):
        reasons.append(
            f"submission {i} has only {available[i]} conflict-free reviewers (needs {p.k[i]})"
        )
    col_available = (~p.conflicts & (p.k > 0)[:, None]).sum(axis=0)
    for j in np.flatnonzero(col_available < p.min_load):
        reasons.append(
            f"reviewer {j} can review only {col_available[j]} submissions without conflict "
            f"(min load {p.min_load[j]})"
        )
    needed = int(p.k.sum())
    capacity = int(p.max_load.sum())
    if capacity < needed:
        reasons.append(f"total capacity {capacity} < {needed} reviews needed")
    floor = int(p.min_load.sum())
    if floor > needed:
        reasons.append(f"minimum loads add up to {floor} > {needed} reviews to give out")
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


def _scale(values_range: float, n_units: int, n_nodes: int, bonus_pairs: bool) -> tuple[float, int]:
    """Integer resolution: (scale, slack cost). Keeps slack × nodes within int64 with a wide margin."""
    resolution = _COST_RESOLUTION
    while True:
        cost_range = resolution * 2 + 1
        if bonus_pairs:
            cost_range += (n_units + 1) * cost_range  # the bonus dominates every other term
        slack = (n_units + 1) * cost_range
        if slack * (n_nodes + 2) * 4 < _INT64_BUDGET or resolution <= 100:
            break
        resolution //= 4
    scale = resolution / values_range if values_range > 0 else 1.0
    return scale, int(slack)


def _row_chunks(n: int, m: int):
    step = max(1, _CHUNK_ELEMENTS // max(m, 1))
    for r0 in range(0, n, step):
        yield r0, min(n, r0 + step)


def _initial_candidates(p: _Problem, k_left, open_cols, per_row: int) -> tuple[np.ndarray, float]:
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
    for r0, r1 in _row_chunks(n, m):
        b = buf[: r1 - r0]
        np.copyto(b, p.affinity[r0:r1])
        np.putmask(b, p.conflicts[r0:r1], np.inf)
        if p.fixed is not None:
            np.putmask(b, p.fixed[r0:r1], np.inf)
        low = b.min()
        np.putmask(b, p.conflicts[r0:r1], -np.inf)
        if p.fixed is not None:
            np.putmask(b, p.fixed[r0:r1], -np.inf)
        if closed.any():
            b[:, closed] = -np.inf
        block_max = np.maximum.reduceat(b, starts, axis=1)
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


def _solve(p: _Problem, *, seed: int, bonus: np.ndarray | None = None, per_row: int | None = None,
           max_rounds: int = 50) -> _Flow:
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
    cand, values_range = _initial_candidates(p, k_left, hi > 0, per_row)
    if bonus is not None:
        cand = np.union1d(cand, np.flatnonzero(bonus.ravel()))
    scale, slack_cost = _scale(values_range, total, n + m + 1, bonus is not None)
    bonus_scaled = 0
    if bonus is not None:
        bonus_scaled = (total + 1) * (2 * int(round(values_range * scale)) + 1)

    order = np.random.default_rng(seed).permutation(m)  # the solver sees reviewers in this order
    rank = np.empty(m, dtype=np.int64)
    rank[order] = np.arange(m)


    sink = n + m
    n_nodes = n + m + 1
    supplies = np.concatenate([k_left, -lo[order], [-(total - int(lo.sum()))]]).astype(np.int64)  # node n + r is reviewer order[r]
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
        tail = np.concatenate([rows, n + rank, np.arange(n), np.full(m, sink)])
        head = np.concatenate([rev_nodes[cols], np.full(m, sink), np.full(n, sink), n + rank])
        cap = np.concatenate([np.ones(n_pair_arcs, dtype=np.int64), hi - lo, k_left, lo])
        arc_cost = np.concatenate([cost, np.zeros(m, dtype=np.int64), np.full(n, slack_cost),
                                   np.full(m, slack_cost)])
        keep = cap > 0
        keep[:n_pair_arcs] = True
        tail, head, cap, arc_cost = tail[keep], head[keep], cap[keep], arc_cost[keep]
        smcf = min_cost_flow.SimpleMinCostFlow()
        smcf.add_arcs_with_capacity_and_unit_cost(tail, head, cap, arc_cost)
        smcf.set_nodes_supplies(np.arange(n_nodes), supplies)
        status = smcf.solve()
        if status != smcf.OPTIMAL:
            raise RuntimeError(f"min-cost flow solver returned {status}")
        flow = smcf.flows(np.arange(len(tail)))
        d = _potentials(n_nodes, tail, head, arc_cost, cap, flow)
        if rounds >= max_rounds:
            break
        # Price every excluded free pair: it would improve the flow iff its reduced cost is negative,
        # i.e. -rint(a * scale) + d[i] - d[j] < 0.  Bonus pairs are all candidates already.
        # a * scale > d_i - d_j, written a > (d_i - 1) / scale - d_j / scale: the margin of one cost unit
        # makes the test a superset of the exact integer one despite floating-point rounding.
        thr_rows, thr_cols = (d[:n] - 1.0) / scale, d[rev_nodes] / scale
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
            break
        cand = np.concatenate([cand, new])

    chosen = flow[:n_pair_arcs] > 0
    pairs = np.stack([rows[chosen], cols[chosen]], axis=1)
    # slack arcs, if kept, follow the reviewer→sink arcs in `keep` order
    slack_rows_flow = np.zeros(n, dtype=np.int64)
    slack_cols_flow = np.zeros(m, dtype=np.int64)
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
        loads_left=hi - loads,
    )


def _hall_reasons(p: _Problem, sol: _Flow) -> list[str]:
    """Explain a slack-using optimum: a group of submissions whose conflict-free reviewers are too few."""
    n, m = p.shape
    reasons = []
    if sol.unmet_rows.size:
        assigned = np.zeros((n, m), dtype=bool)
        assigned[sol.pairs[:, 0], sol.pairs[:, 1]] = True
        free = ~p.conflicts
        if p.fixed is not None:
            free &= ~p.fixed
        in_x = np.zeros(n, dtype=bool)
        in_x[sol.unmet_rows] = True
        in_r = np.zeros(m, dtype=bool)
        frontier = in_x.copy()
        while frontier.any():
            reach = (free[frontier] & ~assigned[frontier]).any(axis=0) & ~in_r
            in_r |= reach
            back = assigned[:, reach].any(axis=1) & ~in_x
            in_x |= back
            frontier = back
        xs = np.flatnonzero(in_x)
        rs = np.flatnonzero(in_r)
        fixed_rows = p.fixed.sum(axis=1) if p.fixed is not None else np.zeros(n, dtype=np.int64)
        fixed_cols = p.fixed.sum(axis=0) if p.fixed is not None else np.zeros(m, dtype=np.int64)
        need = int((p.k - fixed_rows)[xs].sum())
        room = int((p.max_load - fixed_cols)[rs].sum())
        reasons.append(
            f"submissions {_list(xs)} need {need} more reviews, but the only reviewers they can get without "
            f"conflict ({_list(rs) or 'none'}) can take {room} more in all"
        )
    if sol.unmet_cols.size:
        reasons.append(
            f"reviewers {_list(sol.unmet_cols)} cannot reach their min load: conflicts and the other "
            f"reviewers' minimums leave them too few submissions"
        )
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


def _fair_pairs(p: _Problem, sol: _Flow, time_limit: float) -> tuple[np.ndarray, str]:
    """Lexicographic max-min then max-total, as two MIPs over the candidate pairs (scipy's HiGHS)."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import csr_matrix, hstack

    n, m = p.shape
    rows, cols = np.divmod(sol.candidates, m)
    fixed_pairs = np.argwhere(p.fixed) if p.fixed is not None else np.zeros((0, 2), dtype=np.int64)
    fixed_total = np.zeros(n)
    if len(fixed_pairs):
        np.add.at(fixed_total, fixed_pairs[:, 0], p.affinity[fixed_pairs[:, 0], fixed_pairs[:, 1]])
    fixed_rows = np.bincount(fixed_pairs[:, 0], minlength=n) if len(fixed_pairs) else np.zeros(n, int)
    fixed_cols = np.bincount(fixed_pairs[:, 1], minlength=m) if len(fixed_pairs) else np.zeros(m, int)
    nv = len(rows)
    vals = p.affinity[rows, cols]
    ar = np.arange(nv)
    row_mat = csr_matrix((np.ones(nv), (rows, ar)), shape=(n, nv))
    col_mat = csr_matrix((np.ones(nv), (cols, ar)), shape=(m, nv))
    aff_mat = csr_matrix((vals, (rows, ar)), shape=(n, nv))
    active = np.flatnonzero(p.k > 0)
    k_left = (p.k - fixed_rows).astype(float)
    hi = (p.max_load - fixed_cols).astype(float)
    lo = np.maximum(p.min_load - fixed_cols, 0).astype(float)
    # variables: x (nv binaries), then t (continuous) = the worst-off submission's total
    cons = [
        LinearConstraint(hstack([row_mat, csr_matrix((n, 1))]).tocsr(), k_left, k_left),
        LinearConstraint(hstack([col_mat, csr_matrix((m, 1))]).tocsr(), lo, hi),
        # total of each submission that gets reviewers - t >= -(its fixed pairs' total)
        LinearConstraint(hstack([aff_mat[active], csr_matrix(-np.ones((len(active), 1)))]).tocsr(),
                         -fixed_total[active], np.inf),
    ]
    integrality = np.concatenate([np.ones(nv), [0]])
    bounds = Bounds(np.concatenate([np.zeros(nv), [-np.inf]]), np.concatenate([np.ones(nv), [np.inf]]))
    c1 = np.zeros(nv + 1)
    c1[-1] = -1.0
    opts = {"time_limit": time_limit, "mip_rel_gap": 0.0}
    r1 = milp(c1, constraints=cons, integrality=integrality, bounds=bounds, options=opts)
    if r1.x is None:
        return sol.pairs, f"fairness MIP failed ({r1.message}); plain optimum kept"
    t_star = float(r1.x[-1])
    proven1 = r1.status == 0
    # stage 2: keep min total >= t*, maximise the total
    tol = 1e-9 * max(1.0, abs(t_star))
    bounds2 = Bounds(np.concatenate([np.zeros(nv), [t_star - tol]]), np.concatenate([np.ones(nv), [np.inf]]))
    c2 = np.concatenate([-vals, [0.0]])
    r2 = milp(c2, constraints=cons, integrality=integrality, bounds=bounds2, options=opts)
    x = r2.x if r2.x is not None else r1.x
    chosen = np.round(x[:nv]) > 0.5
    pairs = np.stack([rows[chosen], cols[chosen]], axis=1)
    proven = proven1 and r2.status == 0
    status = ("optimal" if proven else "time limit reached, best found") + (
        f" over {nv} candidate pairs; worst-off total {t_star:.6g}"
    )
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
        n_comp, labels = connected_components(graph, directed=False)
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
            notes.append(f"review graph left with {len(present)} components: no swap joins them")
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
) -> AssignmentResult:
    """Assign reviewers to submissions at maximal total affinity.

    affinity: float array (submissions × reviewers). conflicts: bool array, True = forbidden (None: no
    conflict). reviewers_per_submission, max_load, min_load: ints, or arrays per submission / per reviewer.
    fixed: bool array of pairs that must stay (reviews already started). seed: chooses among equally good
    assignments. fairness, connected: see the module documentation.

    Raises InfeasibleAssignment, whose message and `reasons` say what prevents any assignment, and
    ValueError for malformed input. Never returns a partial assignment.
    """
    start = time.perf_counter()
    p = _normalise(affinity, conflicts, reviewers_per_submission, max_load, min_load, fixed)
    return _assign(p, seed=seed, fairness=fairness, connected=connected,
                   fairness_time_limit=fairness_time_limit, start=start)


def _assign(p: _Problem, *, seed, fairness, connected, fairness_time_limit, start, bonus=None):
    reasons = _check_counts(p)
    if reasons:
        raise InfeasibleAssignment(reasons)
    sol = _solve(p, seed=seed, bonus=bonus)
    if sol.unmet_rows.size or sol.unmet_cols.size:
        raise InfeasibleAssignment(_hall_reasons(p, sol))
    pairs = sol.pairs
    if p.fixed is not None:
        pairs = np.concatenate([pairs, np.argwhere(p.fixed)])
    notes = []
    fairness_status = "not requested"
    optimal = True
    if fairness:
        free_pairs, fairness_status = _fair_pairs(p, sol, fairness_time_limit)
        pairs = free_pairs if p.fixed is None else np.concatenate([free_pairs, np.argwhere(p.fixed)])
        optimal = fairness_status.startswith("optimal")
    loss = 0.0
    if connected:
        pairs, loss, more = _connect(p, pairs)
        notes += more
        if loss > 0:
            optimal = False
            notes.append(f"connecting the review graph cost {loss:.6g} of total affinity")
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
    previous conflict-free pairs larger than any possible affinity gain makes this lexicographic).
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
    result.changes = int(len(result.dropped_pairs))
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
