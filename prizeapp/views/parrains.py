"""Parrains and marraines: volunteering, the public directory, assigning them to records, their opinion of a
record's readiness."""
from __future__ import annotations

from flask import Blueprint, abort

bp = Blueprint("parrains", __name__)


@bp.route("/parrains")
def directory():
    abort(501)


@bp.route("/account/parrain", methods=["GET", "POST"])
def volunteer():
    abort(501)
