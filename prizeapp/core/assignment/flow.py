"""The plain optimum: a min-cost flow over candidate pairs, priced until no excluded pair can improve it.

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
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from .problem import CHUNK_ELEMENTS, Problem, row_chunks

# Largest scaled |affinity|: large enough that rounding costs < 1e-8 of a unit per pair, small enough that
# OR-Tools' cost scaling (cost × number of nodes) stays far from int64 overflow.
COST_RESOLUTION = 10**8
_INT64_BUDGET = 2**62


@dataclass
class Flow:
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
    need both (reassign without a known feasible assignment, which `assign_problem` avoids).
    """
    resolution = COST_RESOLUTION
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


def default_slack(n_units: int) -> int:
    """Slack cost for networks whose costs are scaled to ±COST_RESOLUTION (no bonus)."""
    return (n_units + 1) * (2 * COST_RESOLUTION + 1)


def _initial_candidates(p: Problem, k_left, open_cols, per_row: int, per_col: int = 0
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
    step = max(1, CHUNK_ELEMENTS // max(m, 1))
    buf = np.empty((step, m))
    max_abs = 0.0
    closed = ~open_cols
    col_block_max = []  # per reviewer, the maximum over each group of 8 rows
    for r0, r1 in row_chunks(n, m):
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


def _price(p: Problem, thr_rows: np.ndarray, thr_cols: np.ndarray) -> np.ndarray:
    """Linear indices of free pairs with affinity > thr_rows[i] - thr_cols[j], in cache-sized chunks."""
    n, m = p.shape
    step = max(1, CHUNK_ELEMENTS // max(m, 1))
    tmp = np.empty((step, m))
    hit = np.empty((step, m), dtype=bool)
    found = []
    for r0, r1 in row_chunks(n, m):
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


def network(n, m, rows, cols, cost, k_left, hi, lo, rank, slack_cost):
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


def solve(p: Problem, *, seed: int, bonus: np.ndarray | None = None, per_row: int | None = None,
           per_col: int | None = None, max_rounds: int = 200, feasible: np.ndarray | None = None) -> Flow:
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
        net = network(n, m, rows, cols, cost, k_left, hi, lo, rank, slack_cost)
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
    return Flow(
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
