"""Calibration of reviewers' scores: lenient and harsh reviewers, compressed and stretched scales, honest ranks.

`calibrate` (in `api`, with the models' description) takes one row per review and returns calibrated scores,
ranks and reviewer estimates; `calibrate_criteria` (in `criteria`) does so for a grid of criteria. The steps:
`data` (input), `reference`, `additive` and `hierarchical` (the fits; `gaussian`, `censoring` and
`heterogeneity` serve the last two; `selection` chooses the hierarchical model's reviewer components per call),
`graph` and `outliers` (diagnostics), `uncertainty` (draws and ranks), `estimates` and `results` (what is
returned).
"""
from .api import DEFAULT_MODEL, MODELS, calibrate
from .criteria import CriteriaCalibration, calibrate_criteria, weighted_total
from .results import (
    CalibrationResult,
    ComponentGroup,
    Connectivity,
    OutlierReviewer,
    ReviewerEstimate,
    SubmissionEstimate,
)

__all__ = [
    "DEFAULT_MODEL",
    "MODELS",
    "CalibrationResult",
    "ComponentGroup",
    "Connectivity",
    "CriteriaCalibration",
    "OutlierReviewer",
    "ReviewerEstimate",
    "SubmissionEstimate",
    "calibrate",
    "calibrate_criteria",
    "weighted_total",
]
