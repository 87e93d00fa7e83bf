"""The fairness option: the worst-off submission's total first, then the total, over the candidate pairs.

`fairness=True` first maximises the smallest per-submission total affinity, then the total with that minimum
kept. This is no longer a network problem (max-min is NP-hard in general), and it is solved over the candidate
pairs of the plain optimum (the pairs priced in, which include each submission's best reviewers):
- up to 5,000 candidate pairs: exactly, as two integer programs with OR-Tools' CP-SAT (one worker,
  deterministic time limit `fairness_time_limit`);
- beyond: a Lagrangian method whose every step is one of our min-cost flows (rows weighted by ν, mirror descent
  on ν; `fairness_rounds` steps) gives an assignment and an upper bound on the best possible worst-off total;
  then the total is maximised with the pairs of the submissions that would fall below the worst-off total
  frozen.
`result.fairness_status` says which, and whether optimality was proven or what bound holds.
"""
from __future__ import annotations

import math

import numpy as np

from .flow import COST_RESOLUTION, Flow, default_slack, network
from .problem import Problem
from .results import Explained

_EXACT_FAIRNESS_PAIRS = 5000


def fair_pairs(p: Problem, sol: Flow, time_limit: float, rounds: int, seed: int):
    """Lexicographic max-min then max-total: exact (CP-SAT) on small models, Lagrangian on large ones."""
    if len(sol.candidates) <= _EXACT_FAIRNESS_PAIRS:
        return _fair_pairs_exact(p, sol, time_limit, seed)
    return _fair_pairs_lagrangian(p, sol, rounds)


def _fixed_parts(p: Problem):
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


def _fair_pairs_lagrangian(p: Problem, sol: Flow, rounds: int):
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
    slack = sol.slack_cost or default_slack(int(k_left.sum()))
    spread = None
    rounding = 0.0
    for t in range(1, rounds + 1):
        scale = COST_RESOLUTION / (high * nu.max())
        cost = -np.rint(values * nu[rows] * scale).astype(np.int64)
        *_, flow = network(n, m, rows, cols, cost, k_left, hi, lo, sol.rank, slack)
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
    scale = COST_RESOLUTION / high
    all_cost = -np.rint(values * scale).astype(np.int64)
    for _ in range(rounds):
        keep_pairs = pairs[frozen[pairs[:, 0]]]
        k_free = np.where(frozen, 0, k_left)
        used = np.bincount(keep_pairs[:, 1], minlength=m)
        free_arcs = ~frozen[rows]
        r, c = rows[free_arcs], cols[free_arcs]
        *_, flow = network(n, m, r, c, all_cost[free_arcs], k_free, hi - used,
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


def _fair_pairs_exact(p: Problem, sol: Flow, time_limit: float, seed: int) -> tuple[np.ndarray, str]:
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
