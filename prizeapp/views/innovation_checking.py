"""The checkers' side of records (the call's organisers, administrators): what waits, a version against the
public one, approving, asking for changes, withdrawing."""
from __future__ import annotations

from flask import Blueprint, abort

bp = Blueprint("innovation_checking", __name__)


@bp.route("/manage/innovations")
def queue():
    abort(501)
