"""What a project's follow-up shows: the team's dashboard of its indicators over time (charts drawn on the
server, the same figures in a table), which the call's organisers read too."""
from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from ..extensions import db
from ..formatting import number
from ..models import Submission
from ..models.types import utcnow
from ..permissions import can_follow_up_impact, can_view_impact, require
from ..services.impact import dashboards, plans
from .charts import line_chart

bp = Blueprint("impact_dashboards", __name__)


@bp.route("/submissions/<int:submission_id>/impact")
@login_required
def dashboard(submission_id: int):
    submission = db.get_or_404(Submission, submission_id)
    require(can_view_impact(current_user, submission))
    team = can_follow_up_impact(current_user, submission)
    plan = dashboards.plan_for_dashboard(submission.id)
    if plan is None:
        if not team:
            abort(404)
        return render_template("impact_dashboards/not_set_up.html", submission=submission, call=submission.call,
                               refusal=plans.refusal_to_set_up(submission, opt_in=True),
                               awarded=plans.is_awarded(submission))
    board = dashboards.dashboard(plan, now=utcnow())
    charts = {s.indicator.id: line_chart([(m.months, float(m.value)) for m in s.reported],
                                         target=float(s.indicator.target) if s.indicator.target is not None
                                         else None, months=board.months)
              for s in board.series}
    return render_template("impact_dashboards/dashboard.html", submission=submission, call=submission.call,
                           board=board, plan=plan, charts=charts, team=team,
                           descriptions={s.indicator.id: describe(s) for s in board.series})


def describe(series: dashboards.Series) -> str:
    """The chart of `series` in one sentence, for screen readers: each value known, then the target."""
    unit = series.indicator.unit
    parts = []
    for measure in series.reported:
        value = f"{number(measure.value)} {unit}".strip()
        parts.append(_("before: %(value)s", value=value) if measure.months == 0 else
                     ngettext("at %(num)d month: %(value)s", "at %(num)d months: %(value)s", measure.months,
                              value=value))
    if not series.milestones:
        parts.append(_("no report submitted yet"))
    if series.indicator.target is not None:
        target = f"{number(series.indicator.target)} {unit}".strip()
        parts.append(_("target: %(value)s", value=target))
    return "; ".join(parts) + "."
