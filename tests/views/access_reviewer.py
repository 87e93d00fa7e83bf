"""Access matrix rows for the reviewers' pages: invitations, profile, conflict declarations, bids, assignments;
and the applicants' exclusions of people who must not review their project."""
from __future__ import annotations

from .access import Route, everyone, only, signed_in

REVIEWERS = {"reviewer": 200, "conflicted_reviewer": 200}

ROWS: list[Route] = [
    # Anyone holding the link sees the invitation; answering needs the invited address (test_reviewer.py).
    Route("reviewer.invitation", "GET", "/reviewing/invitations/{reviewer_invitation_token}", everyone(200)),
    Route("reviewer.invitation", "GET", "/reviewing/invitations/not-a-token", everyone(400)),
    Route("reviewer.home", "GET", "/reviewing/", signed_in(200)),
    Route("reviewer.profile", "GET", "/reviewing/calls/{call}/profile", only(REVIEWERS)),
    Route("reviewer.conflicts", "GET", "/reviewing/calls/{call}/conflicts", only(REVIEWERS)),
    # Neither reviewer of the world has confirmed their declarations yet: both are sent to the titles.
    Route("reviewer.bids", "GET", "/reviewing/calls/{call}/bids", only({"reviewer": 302, "conflicted_reviewer": 302})),
    Route("reviewer.assignments", "GET", "/reviewing/calls/{call}/assignments", only(REVIEWERS)),
    # Only the reviewer the assignment is for declines it.
    Route("reviewer.decline", "POST", "/reviewing/assignments/{reviewer_assignment}/decline", only({"reviewer": 302})),
    # Only the team of a project excludes people (none of the matrix's roles is in the team of {submission}:
    # see test_reviewer.py for the team).
    Route("applicant.exclude", "POST", "/submissions/{submission}/exclusions", only({}),
          data={"email": "x@example.org"}),
    Route("applicant.remove_exclusion", "POST", "/submissions/{submission}/exclusions/remove", only({}),
          data={"email": "x@example.org"}),
]

def build(call, people) -> dict:
    """Objects these rows need, added to the world of test_access_matrix.py; returns their ids by name
    (used as {name} in the rows' paths). `people` may gain roles too."""
    from prizeapp.extensions import db
    from prizeapp.models import Assignment, ReviewerInvitation
    from prizeapp.services.review_pool import invitation_token

    invitation = ReviewerInvitation(call_id=call.id, email="nouvelle.relectrice@example.org",
                                    invited_by_id=people["organiser"].id)
    db.session.add(invitation)
    db.session.commit()
    assignment = db.session.scalar(db.select(Assignment).where(Assignment.call_id == call.id,
                                                               Assignment.reviewer_id == people["reviewer"].id))
    return {"reviewer_invitation_token": invitation_token(invitation), "reviewer_assignment": assignment.id}
