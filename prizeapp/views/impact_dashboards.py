"""What a project's follow-up shows: the team's dashboard of its indicators over time (charts drawn on the
server, the same figures in a table)."""
from __future__ import annotations

from flask import Blueprint, abort
from flask_login import login_required

bp = Blueprint("impact_dashboards", __name__)


@bp.route("/submissions/<int:submission_id>/impact")
@login_required
def dashboard(submission_id: int):
    abort(501)
