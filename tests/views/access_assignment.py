"""Access matrix rows for the organisers' assignment pages: runs, preview, manual changes, commit."""
from __future__ import annotations

from .access import Route, only

ORGANISERS_SEE = only({"organiser": 200, "admin": 200})
ORGANISERS_ACT = only({"organiser": 302, "admin": 302})

ROWS: list[Route] = [
    Route("assignment.overview", "GET", "/manage/calls/{call}/assignment", ORGANISERS_SEE),
    Route("assignment.overview", "GET", "/manage/calls/{other_call}/assignment", only({"admin": 200})),
    Route("assignment.start", "POST", "/manage/calls/{call}/assignment/runs", ORGANISERS_ACT, data={"seed": "3"}),
    Route("assignment.run", "GET", "/manage/calls/{call}/assignment/runs/{assignment_run}", ORGANISERS_SEE),
    # A run is reached through its own call only.
    Route("assignment.run", "GET", "/manage/calls/{other_call}/assignment/runs/{assignment_run}",
          only({"admin": 404})),
    Route("assignment.run_status", "GET", "/manage/calls/{call}/assignment/runs/{assignment_run}.json",
          ORGANISERS_SEE),
    Route("assignment.run_status", "GET", "/manage/calls/{other_call}/assignment/runs/{assignment_run}.json",
          only({"admin": 404})),
    # Row data holds no ids of the world: the form is refused (400) once access is granted; test_assignment.py
    # adds pairs for real.
    Route("assignment.add_pair", "POST", "/manage/calls/{call}/assignment/runs/{assignment_run}/pairs",
          only({"organiser": 400, "admin": 400})),
    Route("assignment.remove_pair", "POST",
          "/manage/calls/{call}/assignment/runs/{assignment_run}/pairs/{proposed_pair}/remove", ORGANISERS_ACT),
    Route("assignment.commit", "POST", "/manage/calls/{call}/assignment/commit", ORGANISERS_ACT),
    # The world's call has too few reviewers for a re-assignment: the reasons are shown (400).
    Route("assignment.reassign", "POST", "/manage/calls/{call}/assignment/reassign",
          only({"organiser": 400, "admin": 400})),
]


def build(call, people) -> dict:
    """A computation of the world's call (failed: its assignment is already committed) and a proposed pair of
    the reviewer on a second submitted project."""
    from prizeapp.enums import AssignmentStatus, SubmissionStatus
    from prizeapp.extensions import db
    from prizeapp.models import Assignment
    from prizeapp.services import assignment

    from .. import factories

    proposed = factories.submission(call=call, status=SubmissionStatus.SUBMITTED)
    pair = Assignment(call_id=call.id, submission_id=proposed.id, reviewer_id=people["reviewer"].id,
                      status=AssignmentStatus.PROPOSED)
    db.session.add(pair)
    run = assignment.run_assignment(run=assignment.start_run(call=call, actor=people["organiser"]))
    db.session.commit()
    return {"assignment_run": run.id, "proposed_pair": pair.id}
