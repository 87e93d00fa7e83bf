"""Access matrix rows for publishing results, decisions to applicants, laureates' public pages, email texts per call.

The world's call is open, its results unpublished: its organisers (and administrators) reach the results and
email pages, publishing is refused with a message; nobody reads a decision or a laureate page of it. A second
call, {published_call}, has published results: the world's "user" is in the team of its laureate project."""
from __future__ import annotations

from .access import Route, everyone, only

ORGANISERS = {"organiser": 200, "admin": 200}
REDIRECTED = {"organiser": 302, "admin": 302}

ROWS: list[Route] = [
    Route("results.publish", "GET", "/manage/calls/{call}/results", only(ORGANISERS)),
    Route("results.publish", "GET", "/manage/calls/{other_call}/results", only({"admin": 200})),
    # The world's call is open: publishing is refused (409) with the reason, for those allowed to ask.
    Route("results.publish", "POST", "/manage/calls/{call}/results", only({"organiser": 409, "admin": 409}),
          data={"confirm": "y"}),
    Route("results.email_templates", "GET", "/manage/calls/{call}/emails/templates", only(ORGANISERS)),
    Route("results.email_templates", "GET", "/manage/calls/{other_call}/emails/templates", only({"admin": 200})),
    Route("results.edit_email_template", "GET", "/manage/calls/{call}/emails/templates/decision_laureate/fr",
          only(ORGANISERS)),
    Route("results.edit_email_template", "GET", "/manage/calls/{call}/emails/templates/nonsense/fr",
          only({"organiser": 404, "admin": 404})),
    Route("results.reset_email_template", "POST",
          "/manage/calls/{call}/emails/templates/decision_mention/en/reset", only(REDIRECTED)),
    Route("results.preview_email", "GET", "/manage/calls/{call}/emails/templates/decision_not_selected/preview",
          only(ORGANISERS)),
    Route("results.test_email", "POST", "/manage/calls/{call}/emails/templates/decision_laureate/test",
          only(REDIRECTED)),
    # A team reads its decision once the results are published, and never before.
    Route("results.decision", "GET", "/submissions/{submission}/decision", only({})),
    Route("results.decision", "GET", "/submissions/{published_submission}/decision", only({"user": 200})),
    Route("results.decision", "GET", "/submissions/{unpublished_team_submission}/decision", only({})),
    Route("results.laureates", "GET", "/laureates", everyone(200)),
    Route("results.laureate", "GET", "/laureates/{published_reference}", everyone(200)),
    Route("results.laureate", "GET", "/laureates/{unpublished_reference}", everyone(404)),
    Route("results.laureate", "GET", "/laureates/{not_selected_reference}", everyone(404)),
]


def build(call, people) -> dict:
    from prizeapp.enums import CallPhase, DecisionOutcome, SubmissionStatus
    from prizeapp.extensions import db
    from prizeapp.models.decision import Decision
    from prizeapp.models.types import utcnow

    from .. import factories

    published = factories.call(title="Appel aux résultats publiés", phase=CallPhase.PUBLISHED)
    published.results_published_at = utcnow()
    laureate = factories.submission(call=published, status=SubmissionStatus.SUBMITTED, lead=people["user"])
    not_selected = factories.submission(call=published, status=SubmissionStatus.SUBMITTED)
    # The same person's project in the world's (unpublished) call, with a decision already taken.
    unpublished = factories.submission(call=call, status=SubmissionStatus.SUBMITTED, lead=people["user"])
    db.session.add_all([
        Decision(call_id=published.id, submission_id=laureate.id, outcome=DecisionOutcome.LAUREATE),
        Decision(call_id=published.id, submission_id=not_selected.id, outcome=DecisionOutcome.NOT_SELECTED),
        Decision(call_id=call.id, submission_id=unpublished.id, outcome=DecisionOutcome.LAUREATE)])
    db.session.commit()
    return {"published_call": published.id, "published_submission": laureate.id,
            "published_reference": laureate.reference, "unpublished_team_submission": unpublished.id,
            "unpublished_reference": unpublished.reference, "not_selected_reference": not_selected.reference}
