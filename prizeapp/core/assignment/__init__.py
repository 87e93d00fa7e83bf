"""Optimal, conflict-free, balanced assignment of reviewers to submissions.

The problem is a transportation problem: submission i needs exactly k_i reviewers, reviewer j takes between
min_load_j and max_load_j submissions, a conflicted pair may never be used and a fixed pair (a review
already started) must stay. We maximise the total affinity of the chosen pairs.

`assign` (in `api`) solves it, `reassign` (in `repair`) repairs an assignment. The steps: `problem` (input),
`infeasibility` (what prevents any assignment), `flow` (the plain optimum by pricing), `fairness` and
`connectivity` (the options), `results` (what is returned).
"""
from .api import assign
from .connectivity import review_graph_components
from .repair import reassign
from .results import AssignmentResult, Explained, InfeasibleAssignment

__all__ = [
    "AssignmentResult",
    "Explained",
    "InfeasibleAssignment",
    "assign",
    "reassign",
    "review_graph_components",
]
