"""The organisers' email log and audit log of one call."""
from __future__ import annotations

import pytest
from flask_babel import force_locale
from markupsafe import escape

from prizeapp.enums import CallPhase, CallRoleKind, OutboxStatus
from prizeapp.extensions import db
from prizeapp.models import AuditEvent, OutboxEmail
from prizeapp.services import audit
from prizeapp.services.audit import AuditAction

from .. import factories
from ..conftest import post_form, sign_in_as


def fr(label) -> str:
    with force_locale("fr"):
        return str(label)


@pytest.fixture
def organised():
    call, other = factories.call(title="Appel Mobilités"), factories.call(title="Appel Voisin")
    organiser = factories.user(first_name="Sophie", last_name="Martin")
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    factories.grant(organiser, other, CallRoleKind.ORGANISER)
    return {"call": call, "other": other, "organiser": organiser}


def test_email_log_shows_only_the_emails_of_its_call(client, organised):
    call, other = organised["call"], organised["other"]
    mine = factories.email(call_id=call.id, kind="submission_receipt", subject="Récépissé du projet A",
                           status=OutboxStatus.SENT, attempts=1)
    theirs = factories.email(call_id=other.id, kind="submission_receipt", subject="Récépissé de l'autre appel")
    nobodys = factories.email(kind="confirm_email", subject="Confirmez votre adresse", sensitive=True)
    sign_in_as(client, organised["organiser"])

    html = client.get(f"/manage/calls/{call.id}/emails").get_data(as_text=True)

    assert mine.subject in html and mine.recipient in html
    assert theirs.subject not in html and theirs.recipient not in html
    assert nobodys.subject not in html
    assert "Bonjour" not in html  # bodies are never shown on the log
    assert f'href="/manage/calls/{call.id}/emails" aria-current="page"' in html  # its tab


def test_email_log_filters_by_kind_and_status(client, organised):
    call = organised["call"]
    receipt = factories.email(call_id=call.id, kind="submission_receipt", subject="Votre récépissé TEST-42",
                              status=OutboxStatus.SENT)
    failed = factories.email(call_id=call.id, kind="draft_reminder", subject="Rappel TEST-43",
                             status=OutboxStatus.FAILED, attempts=8, last_error="SMTPRecipientsRefused: 550")
    sign_in_as(client, organised["organiser"])

    by_kind = client.get(f"/manage/calls/{call.id}/emails?kind=draft_reminder").get_data(as_text=True)
    assert failed.subject in by_kind and receipt.subject not in by_kind
    assert "SMTPRecipientsRefused: 550" in by_kind
    by_status = client.get(f"/manage/calls/{call.id}/emails?status=sent").get_data(as_text=True)
    assert receipt.subject in by_status and failed.subject not in by_status
    nothing = client.get(f"/manage/calls/{call.id}/emails?kind=draft_reminder&status=sent")
    assert failed.subject not in nothing.get_data(as_text=True)


def test_a_failed_email_is_sent_again_from_the_log_and_audited_in_its_call(client, organised):
    call = organised["call"]
    failed = factories.email(call_id=call.id, status=OutboxStatus.FAILED, attempts=8, last_error="550")
    sign_in_as(client, organised["organiser"])
    page = f"/manage/calls/{call.id}/emails"

    response = post_form(client, f"{page}/{failed.id}/resend", {}, page=page)

    assert response.status_code == 302 and response.headers["Location"] == page
    db.session.expire_all()
    email = db.session.get(OutboxEmail, failed.id)
    assert (email.status, email.attempts) == (OutboxStatus.QUEUED, 0)
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "outbox.resent"))
    assert event.call_id == call.id and event.actor_id == organised["organiser"].id


def test_an_email_of_another_call_cannot_be_resent_through_this_one(client, organised):
    theirs = factories.email(call_id=organised["other"].id, status=OutboxStatus.FAILED)
    sign_in_as(client, organised["organiser"])
    page = f"/manage/calls/{organised['call'].id}/emails"
    response = post_form(client, f"{page}/{theirs.id}/resend", {}, page=page)
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(OutboxEmail, theirs.id).status == OutboxStatus.FAILED


def test_audit_log_lists_the_calls_events_in_words_with_changes(client, organised):
    call, organiser = organised["call"], organised["organiser"]
    audit.record(action=AuditAction.CALL_PHASE_CHANGED, actor=organiser, obj=call, call=call,
                 details={"from": "open", "to": "review"})
    audit.record(action=AuditAction.CALL_UPDATED, actor=organiser, obj=call, call=organised["other"],
                 details={"changed": ["title"]})
    db.session.add(AuditEvent(action="something.old", call_id=call.id, details={"count": 3}))  # no longer recorded
    db.session.commit()
    sign_in_as(client, organiser)

    html = client.get(f"/manage/calls/{call.id}/audit").get_data(as_text=True)

    assert "Sophie Martin" in html
    assert f"{escape(fr(CallPhase.OPEN.label))} → " in html and escape(fr(CallPhase.REVIEW.label)) in html
    assert "call.phase_changed" in html  # the code beside its words
    assert "something.old" in html and "count" in html
    assert "call.updated" not in html  # another call's event


def test_audit_log_filters_by_kind_of_event_and_pages(client, organised):
    call, organiser = organised["call"], organised["organiser"]
    for i in range(55):
        audit.record(action=AuditAction.SUBMISSION_SAVED, actor=organiser, obj=call, call=call, details={"n": i})
    audit.record(action=AuditAction.REVIEW_SUBMITTED, actor=organiser, obj=call, call=call)
    db.session.commit()
    sign_in_as(client, organiser)

    first = client.get(f"/manage/calls/{call.id}/audit").get_data(as_text=True)
    assert "review.submitted" in first and "page=2" in first
    reviews = client.get(f"/manage/calls/{call.id}/audit?action=review").get_data(as_text=True)
    assert "review.submitted" in reviews and "submission.saved" not in reviews
    second = client.get(f"/manage/calls/{call.id}/audit?page=2").get_data(as_text=True)
    assert second.count("submission.saved") == 6  # 56 events, 50 a page


def test_audit_export_is_a_csv_of_the_filtered_events_and_is_itself_audited(client, organised):
    call, organiser = organised["call"], organised["organiser"]
    audit.record(action=AuditAction.CALL_PHASE_CHANGED, actor=organiser, obj=call, call=call,
                 details={"from": "open", "to": "review"})
    audit.record(action=AuditAction.REVIEW_SUBMITTED, actor=organiser, obj=call, call=call)
    db.session.commit()
    sign_in_as(client, organiser)

    response = client.get(f"/manage/calls/{call.id}/audit.csv?action=call")

    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.get_data(as_text=True)
    assert "call.phase_changed" in body and f"{fr(CallPhase.OPEN.label)} → {fr(CallPhase.REVIEW.label)}" in body
    assert "review.submitted" not in body
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "audit.exported"))
    assert event.call_id == call.id and event.details == {"filter": "call", "rows": 1}
