"""The organisers' view of the follow-up: a call's followed projects (who is late, their indicators, their
evidence levels) and its export; across editions, what became of the laureates against their calibrated
scores."""
from __future__ import annotations

from flask import Blueprint, abort
from flask_login import login_required

bp = Blueprint("impact_overview", __name__)


@bp.route("/manage/calls/<int:call_id>/impact")
@login_required
def overview(call_id: int):
    abort(501)


@bp.route("/manage/calls/<int:call_id>/impact.csv")
@login_required
def export(call_id: int):
    abort(501)


@bp.route("/manage/impact/outcomes")
@login_required
def outcomes():
    abort(501)
