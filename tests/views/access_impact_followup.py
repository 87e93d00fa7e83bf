"""Access matrix rows for the team's follow-up pages: starting it, its set-up, the milestone reports and their
attachments. Setting up and filling are the team's; the call's organisers read the reports (and a submitted
report's attachments), never change them.

A call with published results, organised by the world's organiser, has three laureates whose lead is the world's
"user": one not followed yet, one whose follow-up is a draft, one under way with its 6-month report submitted
(an attachment on it) and its 12-month report a draft (two attachments on it). The world's own call has no
results: its submitted project cannot be followed."""
from __future__ import annotations

from .access import Route, only

TEAM = {"user": 200}
READERS = {"user": 200, "organiser": 200, "admin": 200}
REPORT = "/submissions/{impact_active}/impact/reports"

ROWS: list[Route] = [
    Route("impact_followup.start", "POST", "/submissions/{impact_new}/impact/start", only({"user": 302})),
    # Before the results there is nothing to follow, for the team too.
    Route("impact_followup.start", "POST", "/submissions/{impact_no_results}/impact/start", only({})),
    # Not started yet: the set-up page offers to start it.
    Route("impact_followup.setup", "GET", "/submissions/{impact_new}/impact/setup", only(TEAM)),
    Route("impact_followup.setup", "GET", "/submissions/{impact_draft}/impact/setup", only(TEAM)),
    Route("impact_followup.setup", "POST", "/submissions/{impact_draft}/impact/setup", only({"user": 302}),
          data={"version": "{impact_draft_version}", "problem": "Des démarches trop longues"}),
    Route("impact_followup.report", "GET", REPORT + "/6", only(READERS)),
    Route("impact_followup.report", "GET", REPORT + "/12", only(READERS)),
    Route("impact_followup.report", "GET", REPORT + "/36", only({"user": 404, "organiser": 404, "admin": 404})),
    Route("impact_followup.report", "POST", REPORT + "/12", only({"user": 302}),
          data={"version": "{impact_draft_report_version}", "worked": "L'accueil sans rendez-vous"}),
    # A submitted report is read, no longer changed.
    Route("impact_followup.report", "POST", REPORT + "/6", only({"user": 409}), data={"version": "1"}),
    Route("impact_followup.upload_document", "POST", REPORT + "/12/documents", only({"user": 400})),
    Route("impact_followup.remove_document", "POST", REPORT + "/12/documents/{impact_removed_document}/delete",
          only({"user": 302})),
    Route("impact_followup.document", "GET", REPORT + "/6/documents/{impact_document}", only(READERS)),
    # A draft's attachments are its team's.
    Route("impact_followup.document", "GET", REPORT + "/12/documents/{impact_draft_document}",
          only({"user": 200, "organiser": 404, "admin": 404})),
    # An attachment is reached through its own report only.
    Route("impact_followup.document", "GET", REPORT + "/12/documents/{impact_document}",
          only({"user": 404, "organiser": 404, "admin": 404})),
]


def build(call, people) -> dict:
    import io

    from prizeapp.enums import CallRoleKind, SubmissionStatus
    from prizeapp.extensions import db
    from prizeapp.services.impact import reports

    from .. import factories

    results = factories.results_call(title="Appel suivi par les équipes")
    factories.grant(people["organiser"], results, CallRoleKind.ORGANISER)
    lead = people["user"]
    new = factories.laureate(call=results, lead=lead, title="Projet à suivre")
    draft = factories.impact_plan(project=factories.laureate(call=results, lead=lead, title="Suivi en brouillon"),
                                  active=False)
    active = factories.impact_plan(project=factories.laureate(call=results, lead=lead, title="Suivi en cours"))
    six = factories.impact_report(active, 6, values=(120, 14, 60), submitted=False)
    document = reports.add_document(report=six, actor=lead, stream=io.BytesIO(factories.PDF_BYTES),
                                    filename="bilan-6-mois.pdf")
    factories.impact_report(active, 6, values=(120, 14, 60))
    twelve = next(r for r in active.reports if r.months == 12)
    draft_document = reports.add_document(report=twelve, actor=lead, stream=io.BytesIO(factories.PDF_BYTES),
                                          filename="notes-12-mois.pdf")
    # Removing deletes the file's bytes, which the rollback between requests does not bring back: its own file.
    removed = reports.add_document(report=twelve, actor=lead, stream=io.BytesIO(factories.PDF_BYTES),
                                   filename="brouillon.pdf")
    db.session.commit()
    no_results = factories.submission(call=call, lead=lead, status=SubmissionStatus.SUBMITTED)
    return {"impact_new": new.id, "impact_draft": draft.submission_id, "impact_draft_version": draft.version,
            "impact_active": active.submission_id, "impact_draft_report_version": twelve.version,
            "impact_document": document.id, "impact_draft_document": draft_document.id,
            "impact_removed_document": removed.id,
            "impact_no_results": no_results.id}
