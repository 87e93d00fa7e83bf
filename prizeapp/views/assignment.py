"""The organisers' assignment pages: runs with progress, preview, manual changes, commit."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("assignment", __name__, url_prefix="/manage")
