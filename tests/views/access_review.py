"""Access matrix rows for reviewing one project: only its own reviewer, and never once conflicted."""
from __future__ import annotations

from .access import Route, only

ROWS: list[Route] = [
    Route("review.score", "GET", "/reviewing/assignments/{reviewer_assignment}/review", only({"reviewer": 200})),
    # The conflicted reviewer's own assignment: the conflict closes it, to them as to everyone else.
    Route("review.score", "GET", "/reviewing/assignments/{conflicted_assignment}/review", only({})),
    Route("review.late_conflict", "POST", "/reviewing/assignments/{conflicted_assignment}/conflict", only({})),
]


def build(call, people) -> dict:
    from prizeapp.extensions import db
    from prizeapp.models import Assignment

    def assignment_of(role: str) -> int:
        return db.session.scalar(db.select(Assignment.id).where(Assignment.call_id == call.id,
                                                                Assignment.reviewer_id == people[role].id))

    return {"reviewer_assignment": assignment_of("reviewer"),
            "conflicted_assignment": assignment_of("conflicted_reviewer")}
