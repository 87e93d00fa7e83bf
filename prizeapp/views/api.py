"""The read-only JSON API of the catalogue (/api/v1), described by its OpenAPI document."""
from __future__ import annotations

from flask import Blueprint, abort

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.route("/innovations")
def innovations():
    abort(501)
