"""Access matrix rows for innovation records: starting one from a project, editing it, its documents, sending it
for checking, and the checkers' list and pages.

The world's "user" leads a laureate project {inno_laureate} of a call with published results (it has no record
yet), and is the team of two records of the world's call: {inno_draft} (a draft with two documents) and
{inno_pending} (version {inno_pending_number} waiting for checking). {inno_public} is a published record of the
world's call with a document, of another team; {inno_elsewhere} waits for checking in a call nobody of the
matrix organises. The world's organiser checks the records of the world's call; administrators check all."""
from __future__ import annotations

from .access import Route, everyone, only

TEAM = {"user": 200}
CHECKERS = {"organiser": 200, "admin": 200}
CHECKED = {"organiser": 302, "admin": 302}

ROWS: list[Route] = [
    # Starting: the project's team only; the rules of which projects may become a record are the service's.
    Route("innovation_editor.start", "GET", "/submissions/{inno_laureate}/innovation", only(TEAM)),
    Route("innovation_editor.start", "GET", "/submissions/{submission}/innovation", only({})),
    # Editing: the record's team; checkers read it on their own pages.
    Route("innovation_editor.edit", "GET", "/innovations/{inno_draft}/edit", only(TEAM)),
    Route("innovation_editor.edit", "GET", "/innovations/{inno_pending}/edit", only(TEAM)),
    Route("innovation_editor.edit", "GET", "/innovations/{inno_public}/edit", only({})),
    Route("innovation_editor.edit", "GET", "/innovations/no-such-record/edit", only({}, others=404)),
    # The draft is incomplete: sending it is refused (409) with what is missing.
    Route("innovation_editor.send", "POST", "/innovations/{inno_draft}/send", only({"user": 409}),
          data={"number": "1"}),
    Route("innovation_editor.send", "POST", "/innovations/{inno_public}/send", only({})),
    # The team may upload; this post has no file.
    Route("innovation_editor.upload_document", "POST", "/innovations/{inno_draft}/documents", only({"user": 400})),
    Route("innovation_editor.upload_document", "POST", "/innovations/{inno_public}/documents", only({})),
    Route("innovation_editor.remove_document", "POST",
          "/innovations/{inno_draft}/documents/{inno_removable_document}/delete", only({"user": 302})),
    Route("innovation_editor.remove_document", "POST",
          "/innovations/{inno_public}/documents/{inno_public_document}/delete", only({})),
    # A document is named through its record: another record's id is not found.
    Route("innovation_editor.remove_document", "POST",
          "/innovations/{inno_public}/documents/{inno_draft_document}/delete", only({}, others=404)),
    # Documents: public with their record; before that, for the team and the checkers.
    Route("innovation_editor.document", "GET", "/innovations/{inno_draft}/documents/{inno_draft_document}",
          only({**TEAM, **CHECKERS})),
    Route("innovation_editor.document", "GET", "/innovations/{inno_public}/documents/{inno_public_document}",
          everyone(200)),
    Route("innovation_editor.document", "GET", "/innovations/{inno_public}/documents/{inno_draft_document}",
          everyone(404)),
    # Checking: organisers see their calls' records, administrators all.
    Route("innovation_checking.queue", "GET", "/manage/innovations", only(CHECKERS)),
    Route("innovation_checking.check", "GET", "/manage/innovations/{inno_pending}", only(CHECKERS)),
    Route("innovation_checking.check", "GET", "/manage/innovations/{inno_public}", only(CHECKERS)),
    Route("innovation_checking.check", "GET", "/manage/innovations/{inno_elsewhere}", only({"admin": 200})),
    Route("innovation_checking.approve", "POST", "/manage/innovations/{inno_pending}/approve", only(CHECKED),
          data={"number": "{inno_pending_number}"}),
    Route("innovation_checking.approve", "POST", "/manage/innovations/{inno_elsewhere}/approve",
          only({"admin": 302}), data={"number": "{inno_elsewhere_number}"}),
    Route("innovation_checking.request_changes", "POST", "/manage/innovations/{inno_pending}/request-changes",
          only(CHECKED), data={"changes-number": "{inno_pending_number}", "changes-reason": "Chiffrez le coût."}),
    Route("innovation_checking.request_changes", "POST", "/manage/innovations/{inno_elsewhere}/request-changes",
          only({"admin": 302}), data={"changes-number": "{inno_elsewhere_number}", "changes-reason": "Précisez."}),
    Route("innovation_checking.withdraw", "POST", "/manage/innovations/{inno_public}/withdraw", only(CHECKED),
          data={"withdraw-reason": "Le service a fermé."}),
    # Nothing published to withdraw: refused (409) with the reason, for those allowed to ask.
    Route("innovation_checking.withdraw", "POST", "/manage/innovations/{inno_draft}/withdraw",
          only({"organiser": 409, "admin": 409}), data={"withdraw-reason": "Hors sujet."}),
]


def build(call, people) -> dict:
    from prizeapp.enums import CallPhase, DecisionOutcome, SubmissionStatus
    from prizeapp.models.types import utcnow

    from .. import factories

    published_call = factories.call(title="Appel aux lauréats à publier", phase=CallPhase.PUBLISHED)
    published_call.results_published_at = utcnow()
    laureate = factories.submission(call=published_call, status=SubmissionStatus.SUBMITTED, lead=people["user"])
    factories.decision(laureate, DecisionOutcome.LAUREATE)
    draft = factories.record_of_team(call=call, lead=people["user"])
    pending = factories.record_of_team(call=call, lead=people["user"], waiting=True)
    public = factories.record_of_team(call=call, lead=factories.user(), published=True,
                                      title="Navette rurale à la demande")
    elsewhere = factories.record_of_team(call=factories.call(), lead=factories.user(), waiting=True)
    return {"inno_laureate": laureate.id, "inno_draft": draft.slug, "inno_pending": pending.slug,
            "inno_pending_number": 2, "inno_public": public.slug, "inno_elsewhere": elsewhere.slug,
            "inno_elsewhere_number": 2,
            "inno_draft_document": factories.stored_document(draft).id,
            # Removing deletes the bytes, which the rollback of the row does not bring back: its own document.
            "inno_removable_document": factories.stored_document(draft, name="ancien-guide.pdf").id,
            "inno_public_document": factories.stored_document(public, name="fiche-technique.pdf").id}
