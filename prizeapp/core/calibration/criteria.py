"""Grids of criteria: each criterion calibrated on its own, and the grid's weighted total."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .api import calibrate
from .results import CalibrationResult


def weighted_total(criterion_scores, weights) -> np.ndarray:
    """Each review's grid total: Σ weight_c × score_c / Σ weight_c, so it stays on the criteria's scale.

    `criterion_scores`: an array (reviews × criteria) or a mapping criterion → scores per review;
    `weights`: a sequence in the same order, or a mapping criterion → weight (non-negative, not all zero).
    """
    if isinstance(criterion_scores, Mapping):
        names = list(criterion_scores)
        if not isinstance(weights, Mapping):
            raise ValueError("give the weights as a mapping criterion → weight when the scores are a mapping")
        if set(weights) != set(names):
            raise ValueError("weights and scores must name the same criteria")
        try:
            matrix = np.column_stack([np.asarray(criterion_scores[k], dtype=np.float64) for k in names])
        except ValueError as exc:
            raise ValueError("every criterion needs one number per review") from exc
        w = np.array([weights[k] for k in names], dtype=np.float64)
    else:
        matrix = np.asarray(criterion_scores, dtype=np.float64)
        w = np.asarray(list(weights.values()) if isinstance(weights, Mapping) else weights, dtype=np.float64)
        if matrix.ndim != 2:
            raise ValueError("criterion scores must be a table: one row per review, one column per criterion")
    if w.shape != (matrix.shape[1],):
        raise ValueError("one weight per criterion")
    if not np.all(np.isfinite(matrix)) or not np.all(np.isfinite(w)):
        raise ValueError("criterion scores and weights must be finite numbers")
    if np.any(w < 0) or w.sum() <= 0:
        raise ValueError("weights must be non-negative and not all zero")
    return matrix @ (w / w.sum())


@dataclass
class CriteriaCalibration:
    criteria: dict[str, CalibrationResult]  # each criterion calibrated on its own
    total: CalibrationResult | None  # the grid's weighted total per review, calibrated (None without weights)


def calibrate_criteria(submissions, reviewers, criterion_scores: Mapping[str, Sequence[float]],
                       confidence=None, *, weights: Mapping[str, float] | None = None, **options,
                       ) -> CriteriaCalibration:
    """Per-criterion calibrated averages, and the calibrated weighted total when `weights` are given.

    Every criterion is calibrated on its own with the same options as `calibrate` (a reviewer may be harsh on
    one criterion and not on another). The total is the grid's weighted score of each review (`weighted_total`),
    calibrated as one score on the same scale, continuous (step 0) since weighted averages fall between levels.
    """
    if not criterion_scores:
        raise ValueError("at least one criterion is needed")
    criteria = {name: calibrate(submissions, reviewers, values, confidence, **options)
                for name, values in criterion_scores.items()}
    total = None
    if weights is not None:
        totals = weighted_total(criterion_scores, weights)
        total = calibrate(submissions, reviewers, totals, confidence, **{**options, "step": 0.0})
    return CriteriaCalibration(criteria=criteria, total=total)
