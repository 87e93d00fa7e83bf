"""The team's side of a record: starting it from a project, editing it (each save a version), its documents,
sending it for checking."""
from __future__ import annotations

from flask import Blueprint, abort

bp = Blueprint("innovation_editor", __name__)


@bp.route("/submissions/<int:submission_id>/innovation", methods=["GET", "POST"])
def start(submission_id: int):
    abort(501)


@bp.route("/innovations/<slug>/edit", methods=["GET", "POST"])
def edit(slug: str):
    abort(501)
