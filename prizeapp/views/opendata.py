"""Open data: the catalogue and the replications as CSV, JSON and JSON-LD, and a call's grants as SCDL."""
from __future__ import annotations

from flask import Blueprint, abort

bp = Blueprint("opendata", __name__)


@bp.route("/open-data")
def index():
    abort(501)
