"""The reviewer assignment solver: constraints, optimality, explanations, options."""
import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix

from bench.assignment_sim import synthetic_instance
from prizeapp.core.assignment import (
    InfeasibleAssignment,
    assign,
    reassign,
    review_graph_components,
)

# Each example solves an integer program, most of them twice (the solver, then the full model it must match):
# fewer examples than the profile's, and drawing the larger instances may be slow.
FAST = settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])


# ------------------------------------------------------------------------------------------- helpers


def as_array(value, size):
    value = np.asarray(value)
    return np.full(size, value) if value.ndim == 0 else value


def assert_valid(result, affinity, conflicts, k, max_load, min_load=0, fixed=None):
    n, m = affinity.shape
    pairs = result.pairs
    assert pairs.dtype.kind == "i" and pairs.shape[1] == 2
    assert len({tuple(p) for p in pairs.tolist()}) == len(pairs), "a pair is assigned twice"
    assert not conflicts[pairs[:, 0], pairs[:, 1]].any(), "a conflicted pair is assigned"
    assert np.array_equal(np.bincount(pairs[:, 0], minlength=n), as_array(k, n))
    loads = np.bincount(pairs[:, 1], minlength=m)
    assert np.all(loads <= as_array(max_load, m)) and np.all(loads >= as_array(min_load, m))
    assert np.array_equal(result.loads, loads)
    if fixed is not None:
        chosen = np.zeros((n, m), dtype=bool)
        chosen[pairs[:, 0], pairs[:, 1]] = True
        assert np.all(chosen[fixed]), "a fixed pair was dropped"
    order = np.lexsort((pairs[:, 1], pairs[:, 0]))
    assert np.array_equal(order, np.arange(len(pairs))), "pairs are not sorted"
    assert result.objective == pytest.approx(affinity[pairs[:, 0], pairs[:, 1]].sum(), abs=1e-9)


def full_model_optimum(affinity, conflicts, k, max_load, min_load=0, fixed=None, keep_at_least=None):
    """The plain model over all pairs, as a MIP (scipy's HiGHS): the reference optimum, or None.

    keep_at_least=(mask, count): only assignments with at least `count` pairs of `mask`.
    """
    n, m = affinity.shape
    free = np.argwhere(~conflicts)
    nv = len(free)
    if nv == 0:
        return None  # k >= 1 in every generated instance
    ar = np.arange(nv)
    rows = csr_matrix((np.ones(nv), (free[:, 0], ar)), shape=(n, nv))
    cols = csr_matrix((np.ones(nv), (free[:, 1], ar)), shape=(m, nv))
    lower = np.zeros(nv)
    if fixed is not None:
        lower[fixed[free[:, 0], free[:, 1]]] = 1
        if (fixed & conflicts).any():
            return None
    k_arr = as_array(k, n).astype(float)
    cons = [LinearConstraint(rows, k_arr, k_arr),
            LinearConstraint(cols, as_array(min_load, m).astype(float), as_array(max_load, m).astype(float))]
    if keep_at_least is not None:
        mask, count = keep_at_least
        cons.append(LinearConstraint(mask[free[:, 0], free[:, 1]].astype(float)[None, :], count, np.inf))
    res = milp(-affinity[free[:, 0], free[:, 1]], constraints=cons, integrality=np.ones(nv),
               bounds=Bounds(lower, np.ones(nv)))
    return None if res.x is None else -res.fun


def brute_force(affinity, conflicts, k, max_load, min_load=0):
    """Every feasible assignment of a tiny instance, as (sorted pairs tuple, per-submission totals)."""
    n, m = affinity.shape
    options = [
        [c for c in itertools.combinations(range(m), k) if not conflicts[i, list(c)].any()]
        for i in range(n)
    ]
    for choice in itertools.product(*options):
        loads = np.bincount([j for c in choice for j in c], minlength=m)
        if np.all(loads <= max_load) and np.all(loads >= min_load):
            yield choice, np.array([affinity[i, list(c)].sum() for i, c in enumerate(choice)])


@st.composite
def instances(draw, max_n=6, max_m=5):
    n = draw(st.integers(1, max_n))
    m = draw(st.integers(1, max_m))
    k = draw(st.integers(1, min(m, 3)))
    max_load = draw(st.integers(1, n))
    min_load = draw(st.integers(0, 1))
    density = draw(st.sampled_from([0.0, 0.1, 0.3]))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    # rounded affinities make ties, which the solver must break reproducibly
    affinity = np.round(rng.random((n, m)), draw(st.sampled_from([1, 6])))
    conflicts = rng.random((n, m)) < density
    return affinity, conflicts, k, max_load, min_load


# ---------------------------------------------------------------------------------- properties


@FAST
@given(instances())
def test_assign_respects_constraints_and_matches_full_model(instance):
    affinity, conflicts, k, max_load, min_load = instance
    reference = full_model_optimum(affinity, conflicts, k, max_load, min_load)
    if reference is None:
        with pytest.raises(InfeasibleAssignment) as info:
            assign(affinity, conflicts, k, max_load, min_load)
        assert info.value.reasons
        assert all(("submission" in r or "reviewer" in r or "capacity" in r or "loads" in r)
                   for r in info.value.reasons)
        return
    result = assign(affinity, conflicts, k, max_load, min_load)
    assert_valid(result, affinity, conflicts, k, max_load, min_load)
    assert result.optimal
    assert result.objective == pytest.approx(reference, rel=1e-6, abs=1e-6)


@FAST
@given(instances(), st.integers(0, 2**32 - 1))
def test_assign_keeps_fixed_pairs(instance, seed):
    affinity, conflicts, k, max_load, min_load = instance
    rng = np.random.default_rng(seed)
    fixed = (rng.random(affinity.shape) < 0.15) & ~conflicts
    reference = full_model_optimum(affinity, conflicts, k, max_load, min_load, fixed)
    if reference is None:
        with pytest.raises(InfeasibleAssignment):
            assign(affinity, conflicts, k, max_load, min_load, fixed=fixed)
        return
    result = assign(affinity, conflicts, k, max_load, min_load, fixed=fixed)
    assert_valid(result, affinity, conflicts, k, max_load, min_load, fixed)
    assert result.objective == pytest.approx(reference, rel=1e-6, abs=1e-6)


@settings(max_examples=25)  # two solves per example, for a property a few instances already exercise
@given(instances(), st.integers(0, 1000))
def test_assign_same_seed_gives_same_pairs(instance, seed):
    affinity, conflicts, k, max_load, min_load = instance
    try:
        first = assign(affinity, conflicts, k, max_load, min_load, seed=seed)
    except InfeasibleAssignment:
        return
    second = assign(affinity.copy(), conflicts.copy(), k, max_load, min_load, seed=seed)
    assert np.array_equal(first.pairs, second.pairs)


def test_assign_seed_only_chooses_among_ties():
    affinity = np.ones((6, 6))
    results = {tuple(map(tuple, assign(affinity, None, 2, 2, seed=s).pairs)) for s in range(6)}
    assert len(results) > 1
    assert all(sum(1 for _ in r) == 12 for r in results)


def test_assign_matches_full_model_on_a_synthetic_instance():
    affinity, conflicts, k, max_load = synthetic_instance(90, 30, seed=4)
    result = assign(affinity, conflicts, k, max_load, min_load=2)
    assert_valid(result, affinity, conflicts, k, max_load, 2)
    reference = full_model_optimum(affinity, conflicts, k, max_load, 2)
    assert result.objective == pytest.approx(reference, rel=1e-9)
    assert result.priced_pairs < (~conflicts).sum()


def test_assign_prices_in_pairs_when_everyone_wants_the_same_reviewers():
    # every submission ranks the reviewers almost alike: the first candidates overload a few reviewers,
    # so the solver must go through several pricing rounds before its duals prove the optimum
    rng = np.random.default_rng(7)
    affinity = np.linspace(1.0, 0.0, 60)[None, :] + 0.01 * rng.random((200, 60))
    conflicts = rng.random((200, 60)) < 0.05
    result = assign(affinity, conflicts, 3, 10, candidates_per_submission=4, candidates_per_reviewer=0)
    assert_valid(result, affinity, conflicts, 3, 10)
    assert result.pricing_rounds > 1
    assert result.optimal
    assert result.objective == pytest.approx(full_model_optimum(affinity, conflicts, 3, 10), rel=1e-9)


# ---------------------------------------------------------------------------------- infeasibility


def test_infeasible_submission_with_too_few_conflict_free_reviewers_is_named():
    affinity = np.ones((13, 4))
    conflicts = np.zeros((13, 4), dtype=bool)
    conflicts[12, :2] = True
    with pytest.raises(InfeasibleAssignment) as info:
        assign(affinity, conflicts, 3, 13)
    assert "submission 12 has only 2 conflict-free reviewers (needs 3)" in str(info.value)


def test_infeasible_total_capacity_is_named():
    with pytest.raises(InfeasibleAssignment) as info:
        assign(np.ones((600, 10)), None, 3, 150)
    assert "total capacity 1500 < 1800 reviews needed" in info.value.reasons


def test_infeasible_conflicted_fixed_pair_is_named():
    conflicts = np.zeros((5, 8), dtype=bool)
    conflicts[3, 7] = True
    with pytest.raises(InfeasibleAssignment) as info:
        assign(np.ones((5, 8)), conflicts, 2, 5, fixed=conflicts)
    assert "fixed pair (3, 7) is conflicted" in info.value.reasons


def test_infeasible_fixed_pairs_over_max_load_are_named():
    fixed = np.zeros((8, 6), dtype=bool)
    fixed[:6, 5] = True
    with pytest.raises(InfeasibleAssignment) as info:
        assign(np.ones((8, 6)), None, 2, 4, fixed=fixed)
    assert "reviewer 5 has 6 fixed pairs but max load 4" in info.value.reasons


def test_infeasible_group_sharing_too_few_reviewers_is_explained():
    # submissions 0-3 may only go to reviewers 0 and 1 (capacity 2 × 3 = 6 < 8 reviews); each alone is fine
    affinity = np.ones((6, 5))
    conflicts = np.zeros((6, 5), dtype=bool)
    conflicts[:4, 2:] = True
    with pytest.raises(InfeasibleAssignment) as info:
        assign(affinity, conflicts, 2, 3)
    message = str(info.value)
    assert "submissions 0, 1, 2, 3 need 8 more reviews" in message
    assert "(0, 1) can give them 6 at most" in message


def test_infeasible_min_loads_of_a_group_are_explained():
    # reviewers 0-2 can only review submissions 0-1 (2 × 2 = 4 reviews) but need 2 each (6); each alone is
    # fine, the other reviewers have no minimum
    conflicts = np.zeros((4, 5), dtype=bool)
    conflicts[2:, :3] = True
    min_load = np.array([2, 2, 2, 0, 0])
    with pytest.raises(InfeasibleAssignment) as info:
        assign(np.ones((4, 5)), conflicts, 2, 4, min_load=min_load)
    assert "reviewers 0, 1, 2 need 6 more reviews to reach their min loads" in str(info.value)
    assert "can give them 4 at most" in str(info.value)


def test_infeasible_min_load_is_explained():
    conflicts = np.zeros((2, 3), dtype=bool)
    conflicts[:, 2] = True
    with pytest.raises(InfeasibleAssignment) as info:
        assign(np.ones((2, 3)), conflicts, 1, 2, min_load=1)
    assert "reviewer 2 has min load 1 but only 0 submissions to review" in str(info.value)


def test_malformed_input_is_a_value_error():
    with pytest.raises(ValueError, match="conflicts has shape"):
        assign(np.ones((3, 3)), np.zeros((3, 2), dtype=bool), 1, 1)
    with pytest.raises(ValueError, match="not a finite number"):
        assign(np.array([[np.nan, 1.0]]), None, 1, 1)


# ---------------------------------------------------------------------------------- fairness


@settings(max_examples=25)  # each example enumerates every assignment of the instance, then solves it twice
@given(instances(max_n=4, max_m=4))
def test_fairness_is_lexicographic_max_min_then_total(instance):
    affinity, conflicts, k, max_load, min_load = instance
    solutions = list(brute_force(affinity, conflicts, k, max_load, min_load))
    if not solutions:
        return
    best_min = max(t.min() for _, t in solutions)
    best_total = max(t.sum() for _, t in solutions if t.min() >= best_min - 1e-9)
    plain = assign(affinity, conflicts, k, max_load, min_load)
    fair = assign(affinity, conflicts, k, max_load, min_load, fairness=True)
    assert_valid(fair, affinity, conflicts, k, max_load, min_load)
    assert fair.worst_total == pytest.approx(best_min, abs=1e-7)
    assert fair.worst_total >= plain.worst_total - 1e-9
    assert fair.objective == pytest.approx(best_total, abs=1e-7)
    assert fair.fairness_status.startswith("optimal")


def test_fairness_raises_the_worst_off_submission():
    # the plain optimum (1.0 + 0.1) leaves submission 1 at 0.1; the fairest (0.2 + 0.5) raises it to 0.2
    affinity = np.array([[1.0, 0.2], [0.5, 0.1]])
    plain = assign(affinity, None, 1, 1)
    fair = assign(affinity, None, 1, 1, fairness=True)
    assert plain.worst_total == pytest.approx(0.1)
    assert plain.objective == pytest.approx(1.1)
    assert fair.worst_total == pytest.approx(0.2)
    assert fair.objective == pytest.approx(0.7)


def test_fairness_on_a_large_call_raises_the_worst_off_and_reports_its_bound():
    affinity, conflicts, k, max_load = synthetic_instance(600, 150, seed=3)
    plain = assign(affinity, conflicts, k, max_load)
    fair = assign(affinity, conflicts, k, max_load, fairness=True, fairness_rounds=15)
    assert_valid(fair, affinity, conflicts, k, max_load)
    assert fair.fairness_status.startswith("Lagrangian heuristic")
    bound = float(fair.fairness_status.split("proven at most ")[1].split(";")[0])
    assert plain.worst_total < fair.worst_total <= bound + 1e-9
    assert fair.objective <= plain.objective


# ---------------------------------------------------------------------------------- connectivity


def two_communities():
    """Reviewers 0-3 like submissions 0-5, reviewers 4-7 like submissions 6-11."""
    affinity = np.full((12, 8), 0.1)
    affinity[:6, :4] = 1.0
    affinity[6:, 4:] = 1.0
    return affinity


def test_connectivity_is_reported():
    result = assign(two_communities(), None, 2, 3)
    count, sizes, _ = review_graph_components(result.pairs, 12, 8)
    assert count >= 2  # the two communities never share a submission at the optimum
    assert (result.components, result.component_sizes, result.idle_reviewers) == (count, sizes, 0)
    assert sum(sizes) == 8
    assert review_graph_components(np.array([[0, 0], [0, 1], [1, 2]]), 2, 4) == (2, [2, 1], 1)


def reviewer_groups(pairs):
    """Reviewers linked through shared submissions, by plain union-find: the sizes of the groups."""
    parent = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    by_submission = {}
    for i, j in pairs.tolist():
        find(j)
        by_submission.setdefault(i, []).append(j)
    for reviewers in by_submission.values():
        for j in reviewers[1:]:
            parent[find(j)] = find(reviewers[0])
    sizes = {}
    for j in parent:
        sizes[find(j)] = sizes.get(find(j), 0) + 1
    return sorted(sizes.values(), reverse=True)


@FAST
@given(instances(max_n=8, max_m=7))
def test_connectivity_report_matches_an_independent_count(instance):
    affinity, conflicts, k, max_load, min_load = instance
    try:
        result = assign(affinity, conflicts, k, max_load, min_load)
    except InfeasibleAssignment:
        return
    sizes = reviewer_groups(result.pairs)
    assert result.component_sizes == sizes
    assert result.components == len(sizes)
    assert result.idle_reviewers == affinity.shape[1] - sum(sizes)


def test_connected_option_joins_components_at_reported_loss():
    affinity = two_communities()
    plain = assign(affinity, None, 2, 3)
    joined = assign(affinity, None, 2, 3, connected=True)
    assert_valid(joined, affinity, np.zeros_like(affinity, dtype=bool), 2, 3)
    assert joined.components == 1
    assert joined.component_sizes == [8]
    assert joined.connectivity_loss == pytest.approx(plain.objective - joined.objective)
    assert joined.connectivity_loss > 0


# ---------------------------------------------------------------------------------- reassignment


def test_reassign_after_a_decline_changes_only_the_declined_pairs():
    affinity, conflicts, k, max_load = synthetic_instance(60, 20, seed=2)
    first = assign(affinity, conflicts, k, max_load)
    declined = first.pairs[first.pairs[:, 1] == 7]
    started = first.pairs[::5]
    started = started[started[:, 1] != 7]
    loads = np.full(20, max_load)
    loads[7] = 0  # reviewer 7 left the call
    again = reassign(first.pairs, affinity, conflicts, k, loads, keep=started)
    assert_valid(again, affinity, conflicts, k, loads)
    assert again.changes == len(declined)
    assert {tuple(p) for p in again.dropped_pairs.tolist()} == {tuple(p) for p in declined.tolist()}
    kept = {tuple(p) for p in again.pairs.tolist()}
    assert all(tuple(p) in kept for p in started.tolist())


def test_reassign_after_a_late_conflict_replaces_that_pair_only():
    affinity, conflicts, k, max_load = synthetic_instance(40, 15, seed=5)
    first = assign(affinity, conflicts, k, max_load)
    i, j = first.pairs[10]
    conflicts = conflicts.copy()
    conflicts[i, j] = True
    again = reassign(first.pairs, affinity, conflicts, k, max_load)
    assert_valid(again, affinity, conflicts, k, max_load)
    assert again.changes == 1
    assert again.dropped_pairs.tolist() == [[i, j]]


@settings(max_examples=40)  # each example solves four integer programs
@given(instances(), st.integers(0, 2**32 - 1))
def test_reassign_changes_the_fewest_pairs_then_maximises_affinity(instance, seed):
    affinity, conflicts, k, max_load, min_load = instance
    try:
        first = assign(affinity, conflicts, k, max_load, min_load)
    except InfeasibleAssignment:
        return
    rng = np.random.default_rng(seed)
    n, m = affinity.shape
    loads = np.full(m, max_load)
    conflicts = conflicts.copy()
    if rng.random() < 0.5:
        loads[rng.integers(m)] = 0  # a reviewer declines everything
    else:
        i, j = first.pairs[rng.integers(len(first.pairs))]
        conflicts[i, j] = True  # a late conflict
    min_loads = np.minimum(min_load, loads)
    previous = np.zeros((n, m), dtype=bool)
    previous[first.pairs[:, 0], first.pairs[:, 1]] = True
    # fewest changes = most previous pairs kept, found by the full model with affinity = "is previous"
    most_kept = full_model_optimum(previous.astype(float), conflicts, k, loads, min_loads)
    if most_kept is None:
        with pytest.raises(InfeasibleAssignment):
            reassign(first.pairs, affinity, conflicts, k, loads, min_loads)
        return
    most_kept = round(most_kept)
    again = reassign(first.pairs, affinity, conflicts, k, loads, min_loads)
    assert_valid(again, affinity, conflicts, k, loads, min_loads)
    assert again.changes == len(first.pairs) - most_kept
    assert len(again.added_pairs) == again.changes
    best = full_model_optimum(affinity, conflicts, k, loads, min_loads, keep_at_least=(previous, most_kept))
    assert again.objective == pytest.approx(best, rel=1e-6, abs=1e-6)


def test_reassign_refuses_a_started_review_that_became_conflicted():
    affinity, conflicts, k, max_load = synthetic_instance(20, 8, seed=1)
    first = assign(affinity, conflicts, k, max_load)
    i, j = first.pairs[0]
    conflicts = conflicts.copy()
    conflicts[i, j] = True
    with pytest.raises(InfeasibleAssignment, match=rf"fixed pair \({i}, {j}\) is conflicted"):
        reassign(first.pairs, affinity, conflicts, k, max_load, keep=first.pairs[:1])
