"""Access matrix rows for the jury's ranking pages: the call's jury and organisers (administrators too);
computing and leaving reviewers out are the organisers', voting from the ranking the jury's. Reviewers,
conflicted or not, see none of it."""
from __future__ import annotations

from .access import Route, only

READERS = {"organiser": 200, "jury": 200, "admin": 200}
ORGANISERS = {"organiser": 302, "admin": 302}

ROWS: list[Route] = [
    Route("jury.calls", "GET", "/jury/", only({"jury": 200})),
    Route("jury.ranking_page", "GET", "/jury/calls/{call}/ranking", only(READERS)),
    Route("jury.ranking_page", "GET", "/jury/calls/{other_call}/ranking", only({"admin": 200})),
    Route("jury.compute", "POST", "/jury/calls/{call}/ranking/compute", only(ORGANISERS), data={"model": "additive"}),
    Route("jury.run_status", "GET", "/jury/calls/{call}/ranking/runs/{calibration_run}.json", only(READERS)),
    Route("jury.project", "GET", "/jury/calls/{call}/projects/{submission}", only(READERS)),
    # A draft is its team's, whoever asks.
    Route("jury.project", "GET", "/jury/calls/{call}/projects/{draft}", only({"organiser": 404, "jury": 404,
                                                                                 "admin": 404})),
    # No ranking computed in this world: those allowed get "not found", the others are refused first.
    Route("jury.export_ranking", "GET", "/jury/calls/{call}/ranking.csv", only({"organiser": 404, "jury": 404,
                                                                               "admin": 404})),
    Route("jury.export_reviews", "GET", "/jury/calls/{call}/reviews.csv", only(READERS)),
    # A jury member's ballot (the ranking's table, the votes page): the jury's, as the one-project vote.
    Route("jury.votes", "POST", "/jury/calls/{call}/votes?back=ranking", only({"jury": 302})),
    Route("jury.votes", "POST", "/jury/calls/{call}/votes?back=votes", only({"jury": 302})),
    Route("jury.exclude_reviewer", "POST", "/jury/calls/{call}/reviewers/{reviewer_id}/exclude", only(ORGANISERS),
          data={"reason": "Notes au hasard"}),
    Route("jury.include_reviewer", "POST", "/jury/calls/{call}/exclusions/{exclusion}/remove", only(ORGANISERS)),
]


def build(call, people) -> dict:
    from prizeapp.extensions import db
    from prizeapp.models import CalibrationExclusion, CalibrationRun

    run = CalibrationRun(call_id=call.id, model="hierarchical", params={"seed": 0})
    exclusion = CalibrationExclusion(call_id=call.id, reviewer_id=people["reviewer"].id, reason="Test")
    db.session.add_all([run, exclusion])
    db.session.commit()
    return {"calibration_run": run.id, "exclusion": exclusion.id, "reviewer_id": people["reviewer"].id}
