"""The organisers' view of the follow-up: a call's followed projects (who is late, their indicators, their
evidence levels) and its export; across editions, what became of the laureates against their calibrated
scores."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..enums import EvidenceLevel
from ..extensions import db
from ..formatting import percent
from ..forms.impact_overview import OUTCOME_LABELS, OutcomeForm
from ..models.types import utcnow
from ..permissions import can_compare_outcomes, can_view_call_impact, managed_calls_filter, require
from ..services import audit
from ..services.impact import outcomes as outcomes_service
from ..services.impact import overview as overview_service
from ..services.impact import plans
from .charts import bar_chart, scatter_chart
from .helpers import csv_download, same_origin_download
from .loading import call_or_404

bp = Blueprint("impact_overview", __name__)


@bp.context_processor
def _template_helpers() -> dict:
    return {"level_number": level_number}


def level_number(level: EvidenceLevel | None) -> str:
    return _("Level %(number)s", number=level.value) if level is not None else _("No report submitted yet")


@bp.route("/manage/calls/<int:call_id>/impact")
@login_required
def overview(call_id: int):
    call = call_or_404(call_id, can_view_call_impact)
    state = overview_service.overview(call=call, now=utcnow())
    evidence_chart = bar_chart([(level_number(level), count) for level, count in state.evidence])
    return render_template("impact_overview/overview.html", call=call, state=state, evidence_chart=evidence_chart,
                           milestones=plans.milestones_of(call))


@bp.route("/manage/calls/<int:call_id>/impact.csv")
@login_required
@same_origin_download
def export(call_id: int):
    call = call_or_404(call_id, can_view_call_impact)
    body, rows = overview_service.export_csv(call, utcnow())
    # The teams' reports leave the platform: say who took them, and when.
    audit.record(action=audit.AuditAction.IMPACT_EXPORTED, actor=current_user, obj=call, call=call,
                 details={"rows": rows})
    db.session.commit()
    return csv_download(body, f"{call.slug}-suivi-impact")


# The vertical axis of each outcome: its range and ticks.
AXES = {outcomes_service.EVIDENCE_LEVEL: ((1, 5), [1, 2, 3, 4, 5]),
        outcomes_service.READINESS: ((1, 4), [1, 2, 3, 4]),
        outcomes_service.TARGETS_REACHED: ((0, 1), [0, 0.25, 0.5, 0.75, 1])}


def place_text(place: float | None) -> str:
    """A place within its call, 0 to 1, with two decimals."""
    return format_decimal(round(place, 2), "0.00") if place is not None else "—"


def outcome_text(outcome: str, value: float | None) -> str:
    """An outcome's value as the page writes it."""
    if value is None:
        return "—"
    if outcome == outcomes_service.TARGETS_REACHED:
        return percent(value)
    return format_decimal(value)


def _scatter(comparison: outcomes_service.Comparison):
    if comparison.outcome == outcomes_service.REPLICATIONS:
        top = max([int(p.outcome) for p in comparison.points] + [1])
        axis = ((0, top), None)
    else:
        axis = AXES[comparison.outcome]
    return scatter_chart([(p.submission.reference, p.place, p.outcome) for p in comparison.points],
                         x_domain=(0, 1), y_domain=axis[0], x_ticks=[0, 0.25, 0.5, 0.75, 1], y_ticks=axis[1])


@bp.route("/manage/impact/outcomes")
@login_required
def outcomes():
    require(can_compare_outcomes(current_user))
    form = OutcomeForm(request.args)
    valid = form.validate()
    if not valid:
        form.outcome.errors = [_("Pick one of the outcomes of the list.")]
    outcome = form.outcome.data if valid and form.outcome.data else outcomes_service.EVIDENCE_LEVEL
    calls = outcomes_service.comparable_calls(managed_calls_filter(current_user))
    comparison = outcomes_service.compare(calls=calls, outcome=outcome)
    outcome_label = OUTCOME_LABELS[outcome]
    return render_template("impact_overview/outcomes.html", form=form, comparison=comparison,
                           chart=_scatter(comparison), outcome_label=outcome_label, few=outcomes_service.FEW,
                           outcome_text=lambda value: outcome_text(outcome, value),
                           place_text=place_text), 200 if valid else 400
