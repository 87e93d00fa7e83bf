"""The team's impact follow-up: starting it at the results, setting up the plan and its indicators, filling
each milestone's report (a draft saved as it goes), and the reports' attachments."""
from __future__ import annotations

from flask import Blueprint, abort
from flask_login import login_required

bp = Blueprint("impact_followup", __name__)


@bp.route("/submissions/<int:submission_id>/impact/start", methods=["POST"])
@login_required
def start(submission_id: int):
    abort(501)


@bp.route("/submissions/<int:submission_id>/impact/setup", methods=["GET", "POST"])
@login_required
def setup(submission_id: int):
    abort(501)


@bp.route("/submissions/<int:submission_id>/impact/reports/<int:months>", methods=["GET", "POST"])
@login_required
def report(submission_id: int, months: int):
    abort(501)
