"""What an assignment returns, and how it explains a failure: results, explained reasons, the error."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Self

import numpy as np

_MAX_REASONS = 12


class Explained(str):
    """An English sentence (for logs, tests and people reading the core alone) that also carries a code and
    its parameters, so that an application can say the same in its users' language. Parameters named
    `submissions`/`reviewers` (or `submission`/`reviewer`) hold matrix indices."""

    code: str
    params: dict

    def __new__(cls, code: str, text: str, **params) -> Self:
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
