"""Why no assignment exists: named necessary conditions before solving, a Hall-type group after."""
from __future__ import annotations

import numpy as np

from .flow import Flow
from .problem import Problem, row_chunks
from .results import Explained


def _list(indices, limit: int = 10) -> str:
    indices = [int(x) for x in indices]
    text = ", ".join(str(x) for x in indices[:limit])
    if len(indices) > limit:
        text += f", … ({len(indices)} in all)"
    return text


def check_counts(p: Problem) -> list[str]:
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
    for r0, r1 in row_chunks(n, m):
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


def hall_reasons(p: Problem, sol: Flow) -> list[str]:
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
