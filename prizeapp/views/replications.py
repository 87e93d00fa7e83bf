"""Replications: asking to take an innovation up, the timeline the repreneur, the team and the parrains share."""
from __future__ import annotations

from flask import Blueprint, abort

bp = Blueprint("replications", __name__)


@bp.route("/innovations/<slug>/replicate", methods=["GET", "POST"])
def request_replication(slug: str):
    abort(501)


@bp.route("/replications/<int:replication_id>")
def timeline(replication_id: int):
    abort(501)
