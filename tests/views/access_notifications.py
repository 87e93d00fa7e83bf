"""Access matrix rows for notification preferences, the call's email log and audit log."""
from __future__ import annotations

from .access import Route, only

ORGANISERS_SEE = only({"organiser": 200, "admin": 200})

ROWS: list[Route] = [
    Route("call_logs.emails", "GET", "/manage/calls/{call}/emails", ORGANISERS_SEE),
    Route("call_logs.emails", "GET", "/manage/calls/{other_call}/emails", only({"admin": 200})),
    Route("call_logs.resend", "POST", "/manage/calls/{call}/emails/{call_email}/resend",
          only({"organiser": 302, "admin": 302})),
    # An email is re-sent through its own call only.
    Route("call_logs.resend", "POST", "/manage/calls/{call}/emails/{private_email}/resend",
          only({"organiser": 404, "admin": 404})),
    Route("call_logs.audit_log", "GET", "/manage/calls/{call}/audit", ORGANISERS_SEE),
    Route("call_logs.audit_log", "GET", "/manage/calls/{other_call}/audit", only({"admin": 200})),
    Route("call_logs.audit_export", "GET", "/manage/calls/{call}/audit.csv", ORGANISERS_SEE),
    Route("call_logs.give_back", "GET", "/manage/calls/{call}/late-reviewers/{late_reviewer}", ORGANISERS_SEE),
    # The world's call has nobody else to take the reviewer's project: the reasons are shown (400).
    Route("call_logs.give_back", "POST", "/manage/calls/{call}/late-reviewers/{late_reviewer}",
          only({"organiser": 400, "admin": 400})),
    # Someone with no assignment in the call is not found there.
    Route("call_logs.give_back", "GET", "/manage/calls/{call}/late-reviewers/{jury_id}", only({"admin": 404,
                                                                                              "organiser": 404})),
]


def build(call, people) -> dict:
    """Objects these rows need, added to the world of test_access_matrix.py; returns their ids by name
    (used as {name} in the rows' paths). `people` may gain roles too. The world's reviewer has not yet
    reviewed {submission}: they are the late reviewer."""
    return {"late_reviewer": people["reviewer"].id}
