"""Access matrix rows for the ranking explained: two projects compared, the call's jury and organisers
(administrators too); a reviewer's page, the organisers' and the jury's unless the call hides reviewers' names.
Reviewers, conflicted or not, see none of it. The world has no ranking computed: those allowed a reviewer's
page get "not found" (no review of theirs in a ranking), the others are refused first."""
from __future__ import annotations

from .access import Route, only

READERS = {"organiser": 200, "jury": 200, "admin": 200}
NOT_FOUND = {"organiser": 404, "jury": 404, "admin": 404}

ROWS: list[Route] = [
    Route("ranking_explained.compare", "GET", "/jury/calls/{call}/compare", only(READERS)),
    Route("ranking_explained.compare", "GET", "/jury/calls/{call}/compare?a={submission}&b={submission}",
          only(READERS)),
    Route("ranking_explained.compare", "GET", "/jury/calls/{other_call}/compare", only({"admin": 200})),
    # A draft is its team's, whoever asks; and so is a project of another call.
    Route("ranking_explained.compare", "GET", "/jury/calls/{call}/compare?a={draft}", only(NOT_FOUND)),
    Route("ranking_explained.reviewer", "GET", "/jury/calls/{call}/reviewers/{reviewer_id}", only(NOT_FOUND)),
    Route("ranking_explained.reviewer", "GET", "/jury/calls/{other_call}/reviewers/{reviewer_id}",
          only({"admin": 404})),
]


def build(call, people) -> dict:
    return {}
