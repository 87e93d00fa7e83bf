"""A fitted model, as every model returns it (in standardised units), and the floors the fits share."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

VAR_FLOOR = 1e-6  # variances in units of the scores' variance
NOISE_FLOOR = 1e-3


@dataclass
class Fit:
    """A fitted model in standardised units (scores minus `center`, divided by `spread`)."""

    q: np.ndarray  # qualities
    b: np.ndarray  # biases
    l: np.ndarray  # log scales
    var_b: np.ndarray
    var_l: np.ndarray
    var_q: np.ndarray  # marginal, analytic (used when draws are independent)
    tau_b2: float  # between-reviewer variance of biases (for the between-component uncertainty)
    tau_l2: float
    # what the conditional draws of the qualities need (None: independent normal draws)
    conditional: dict | None
    reviewer_noise: np.ndarray | None = None  # posterior mean noise variance per reviewer (medium confidence)
    noise_dof: np.ndarray | None = None  # its posterior degrees of freedom (for intervals)
    tau_q2: float = 1.0
    params: dict = field(default_factory=dict)


def pooled_within(resid: np.ndarray, ns: np.ndarray, s: np.ndarray) -> float:
    """Residual variance within submissions (degrees of freedom: reviews − submissions), 1 if none."""
    dof = float(np.sum(ns - 1))
    if dof < 1:
        return 1.0
    return max(float(np.sum(resid**2)) / dof, NOISE_FLOOR)
