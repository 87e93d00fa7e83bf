"""Access matrix rows for the organisers' follow-up pages: a call's followed projects and their export, for its
organisers and administrators; the comparison of outcomes across editions, for anyone who organises a call.

The world's organiser also organises {impact_call}, whose results are published, with a laureate followed and
its 6-month report submitted. The world's own call is open: its follow-up page says the results are not out."""
from __future__ import annotations

from .access import Route, only

ORGANISERS = {"organiser": 200, "admin": 200}

ROWS: list[Route] = [
    Route("impact_overview.overview", "GET", "/manage/calls/{impact_call}/impact", only(ORGANISERS)),
    Route("impact_overview.overview", "GET", "/manage/calls/{call}/impact", only(ORGANISERS)),
    Route("impact_overview.overview", "GET", "/manage/calls/{other_call}/impact", only({"admin": 200})),
    Route("impact_overview.export", "GET", "/manage/calls/{impact_call}/impact.csv", only(ORGANISERS)),
    Route("impact_overview.export", "GET", "/manage/calls/{other_call}/impact.csv", only({"admin": 200})),
    Route("impact_overview.outcomes", "GET", "/manage/impact/outcomes", only(ORGANISERS)),
    Route("impact_overview.outcomes", "GET", "/manage/impact/outcomes?outcome=replications", only(ORGANISERS)),
    Route("impact_overview.outcomes", "GET", "/manage/impact/outcomes?outcome=nonsense",
          only({"organiser": 400, "admin": 400})),
]


def build(call, people) -> dict:
    from prizeapp.enums import CallRoleKind, EvidenceLevel

    from .. import factories

    impact_call = factories.results_call(title="Prix suivi")
    factories.grant(people["organiser"], impact_call, CallRoleKind.ORGANISER)
    project = factories.laureate(call=impact_call, title="Conciergerie suivie")
    plan = factories.impact_plan(project=project)
    factories.impact_report(plan, 6, values=(120, 14, 60), evidence_level=EvidenceLevel.DATA)
    factories.calibration_run(impact_call, {project: 4.2})
    return {"impact_call": impact_call.id}
