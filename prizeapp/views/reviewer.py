"""The reviewers' pages: invitations, profile per call, conflict declarations, bids, assignments."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reviewer", __name__, url_prefix="/reviewing")
