"""Access matrix rows for a project's impact follow-up dashboard.

A call with published results, organised by the world's organiser, has two laureates whose team is the world's
"user": one with a follow-up under way (reported at 6 months), one without a follow-up. The world's own call has
no results yet: the same person's submitted project there has no dashboard."""
from __future__ import annotations

from .access import Route, only

ROWS: list[Route] = [
    Route("impact_dashboards.dashboard", "GET", "/submissions/{impact_followed}/impact",
          only({"user": 200, "organiser": 200, "admin": 200})),
    # Without a follow-up, the team is told how to set one up; the organisers find nothing to read.
    Route("impact_dashboards.dashboard", "GET", "/submissions/{impact_not_followed}/impact",
          only({"user": 200, "organiser": 404, "admin": 404})),
    # Before the results, there is nothing to follow (the world's organiser organises that call).
    Route("impact_dashboards.dashboard", "GET", "/submissions/{impact_before_results}/impact",
          only({"organiser": 404, "admin": 404})),
    Route("impact_dashboards.dashboard", "GET", "/submissions/999999/impact",
          only({role: 404 for role in ("user", "organiser", "reviewer", "conflicted_reviewer", "jury", "admin")})),
]


def build(call, people) -> dict:
    from prizeapp.enums import CallRoleKind, SubmissionStatus

    from .. import factories

    results = factories.results_call(title="Appel suivi après les résultats")
    factories.grant(people["organiser"], results, CallRoleKind.ORGANISER)
    followed = factories.laureate(call=results, lead=people["user"], title="Projet suivi")
    plan = factories.impact_plan(project=followed)
    factories.impact_report(plan, 6, values=(120, 14, 60))
    not_followed = factories.laureate(call=results, lead=people["user"], title="Projet sans suivi")
    before = factories.submission(call=call, lead=people["user"], status=SubmissionStatus.SUBMITTED)
    return {"impact_followed": followed.id, "impact_not_followed": not_followed.id,
            "impact_before_results": before.id}
