"""The review graph: its connected components, co-reviewers, single links and bridges, and their warnings."""
from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from .data import Data
from .results import ComponentGroup, Connectivity

_MAX_WARNINGS = 20


def components(d: Data):
    """Connected components of the review graph: their number, and each submission's and reviewer's."""
    N, R = d.n_sub, d.n_rev
    graph = sparse.coo_matrix((np.ones(len(d.s)), (d.s, N + d.r)), shape=(N + R, N + R))
    n_comp, labels = connected_components(graph, directed=False)
    return n_comp, labels[:N], labels[N:]


def co_review(d: Data):
    """Reviewer × reviewer matrix of shared submissions (CSR, zero diagonal)."""
    inc = sparse.csr_matrix((np.ones(len(d.s)), (d.s, d.r)), shape=(d.n_sub, d.n_rev))
    co = (inc.T @ inc).tocsr()
    co.setdiag(0)
    co.eliminate_zeros()
    return co


def _bridges(indptr, indices, n):
    """Bridges of an undirected simple graph (iterative Tarjan): (parent, child, reviewers below child)."""
    indptr = indptr.tolist()
    indices = indices.tolist()
    disc = [-1] * n
    low = [0] * n
    size = [1] * n
    found = []
    t = 0
    for root in range(n):
        if disc[root] != -1:
            continue
        disc[root] = low[root] = t
        t += 1
        stack = [[root, -1, indptr[root]]]
        while stack:
            top = stack[-1]
            v, parent, i = top
            if i < indptr[v + 1]:
                top[2] = i + 1
                u = indices[i]
                if u == parent:
                    continue
                if disc[u] == -1:
                    disc[u] = low[u] = t
                    t += 1
                    stack.append([u, v, indptr[u]])
                elif disc[u] < low[v]:
                    low[v] = disc[u]
            else:
                stack.pop()
                if parent != -1:
                    low[parent] = min(low[parent], low[v])
                    size[parent] += size[v]
                    if low[v] > disc[parent]:
                        found.append((parent, v, size[v]))
    return found


def graph_connectivity(d: Data, n_comp, sub_labels, rev_labels, co) -> Connectivity:
    """The groups, single links and bridges of the review graph, each with its warning."""
    rev_ids, sub_ids = d.rev_ids, d.sub_ids
    order = sorted(range(n_comp), key=lambda k: (-int(np.sum(rev_labels == k)), int(np.argmax(rev_labels == k))))
    by_rev = np.argsort(rev_labels, kind="stable")
    by_sub = np.argsort(sub_labels, kind="stable")
    rev_starts = np.searchsorted(rev_labels[by_rev], np.arange(n_comp + 1))
    sub_starts = np.searchsorted(sub_labels[by_sub], np.arange(n_comp + 1))
    groups = tuple(
        ComponentGroup(reviewers=tuple(rev_ids[i] for i in by_rev[rev_starts[k]:rev_starts[k + 1]]),
                       submissions=tuple(sub_ids[i] for i in by_sub[sub_starts[k]:sub_starts[k + 1]]))
        for k in order)
    degree = np.diff(co.indptr)
    single = np.flatnonzero(degree == 1)
    warnings: list[str] = []
    if n_comp > 1:
        sizes = ", ".join(f"{len(g.reviewers)} reviewer(s) / {len(g.submissions)} submission(s)"
                          for g in groups[:10])
        warnings.append(
            f"The reviews form {n_comp} separate groups that share no reviewer ({sizes}"
            f"{', …' if n_comp > 10 else ''}). Submissions in different groups are compared only by assuming "
            "that each group's reviewers are, on average, equally lenient; their intervals and rank intervals "
            "include that uncertainty.")
    for i in single[:_MAX_WARNINGS]:
        other = co.indices[co.indptr[i]]
        shared = int(co.data[co.indptr[i]])
        warnings.append(f"Reviewer {rev_ids[i]!r} shares projects with only one other reviewer "
                        f"({rev_ids[other]!r}, {shared} project(s)): their leniency rests on that comparison.")
    if len(single) > _MAX_WARNINGS:
        warnings.append(f"… and {len(single) - _MAX_WARNINGS} more reviewers with a single co-reviewer.")
    comp_size = np.bincount(rev_labels, minlength=n_comp)
    bridges = []
    for parent, child, below in _bridges(co.indptr, co.indices, d.n_rev):
        cut = min(below, int(comp_size[rev_labels[child]]) - below)
        if cut >= 2:
            row = co.indptr[parent] + int(np.searchsorted(co.indices[co.indptr[parent]:co.indptr[parent + 1]],
                                                          child))
            bridges.append((rev_ids[parent], rev_ids[child], int(co.data[row]), cut))
    bridges.sort(key=lambda x: (-x[3], repr(x[0]), repr(x[1])))
    for p, ch, shared, cut in bridges[:_MAX_WARNINGS]:
        warnings.append(f"Reviewers {p!r} and {ch!r} ({shared} shared project(s)) are the only link between a "
                        f"group of {cut} reviewers and the rest: that group's calibration rests on it.")
    if len(bridges) > _MAX_WARNINGS:
        warnings.append(f"… and {len(bridges) - _MAX_WARNINGS} more single links between groups of reviewers.")
    return Connectivity(n_components=n_comp, components=groups,
                        single_link_reviewers=tuple(rev_ids[i] for i in single),
                        bridges=tuple(bridges), warnings=tuple(warnings))
