"""A milestone's follow-up report: read from what the team typed, saved as a draft with a version, submitted
complete (the call's organisers are emailed), and its attachments."""
from __future__ import annotations

import io
from decimal import Decimal

import pytest

from prizeapp.enums import CallRoleKind, EvidenceLevel, ImpactReportStatus, ReplicationReadiness
from prizeapp.extensions import db
from prizeapp.models import AuditEvent, OutboxEmail
from prizeapp.services import uploads
from prizeapp.services.audit import AuditAction
from prizeapp.services.impact import reports
from prizeapp.services.impact.plans import ImpactError
from tests import factories


@pytest.fixture
def followed(app):
    plan = factories.impact_plan()
    organiser = factories.user(email="orga@region.fr", first_name="Sophie")
    factories.grant(organiser, plan.call, CallRoleKind.ORGANISER)
    lead = plan.submission.members[0].user
    with app.test_request_context("/"):
        yield {"plan": plan, "lead": lead, "organiser": organiser,
               "report": next(r for r in plan.reports if r.months == 6)}


def _raw(plan, values=("120", "15", "60"), **fields) -> dict[str, str]:
    raw = {reports.value_name(i): v for i, v in zip(plan.indicators, values)}
    return {**raw, **fields}


def test_typed_values_are_read_the_french_way(followed):
    plan = followed["plan"]
    parsed = reports.parse(plan, _raw(plan, ("1 200", "12,5", ""), users_reached="3 400", cost_to_date="9 000,50 €",
                                      evidence_level="2", readiness="3", worked="  Le relais du mercredi.  "))

    assert parsed.ok
    first, second, third = plan.indicators
    assert parsed.values["values"] == {str(first.id): "1200", str(second.id): "12.5"}
    assert parsed.values["users_reached"] == 3400 and parsed.values["cost_to_date"] == Decimal("9000.50")
    assert parsed.values["evidence_level"] == EvidenceLevel.DATA
    assert parsed.values["readiness"] == ReplicationReadiness.READY
    assert parsed.values["worked"] == "Le relais du mercredi."


def test_what_cannot_be_read_is_a_problem_beside_its_field(followed):
    plan = followed["plan"]
    first = plan.indicators[0]
    parsed = reports.parse(plan, _raw(plan, ("douze", "1,23456", "3"), users_reached="12,5", cost_to_date="-5",
                                      evidence_level="9", worked="x" * (reports.TEXT_LIMIT + 1)))

    assert {name: p.code for name, p in parsed.problems.items()} == {
        reports.value_name(first): "not_a_number", reports.value_name(plan.indicators[1]): "out_of_range",
        "users_reached": "not_a_count", "cost_to_date": "below_min", "evidence_level": "unknown_choice",
        "worked": "too_long"}
    assert parsed.problems["worked"].params == {"max": reports.TEXT_LIMIT, "length": reports.TEXT_LIMIT + 1}


def test_a_draft_is_saved_with_a_new_version(followed):
    report = followed["report"]
    assert report.status == ImpactReportStatus.PENDING
    version = report.version

    reports.save_draft(report=report, actor=followed["lead"], raw=_raw(followed["plan"], evidence_level="1"),
                       version=version)
    db.session.commit()

    assert report.status == ImpactReportStatus.DRAFT
    assert report.version == version + 1
    assert report.value_of(followed["plan"].indicators[0]) == Decimal("120")
    assert report.evidence_level == EvidenceLevel.THEORY and report.updated_by_id == followed["lead"].id


def test_a_draft_from_an_older_version_is_refused_and_nothing_is_saved(followed):
    report = followed["report"]
    reports.save_draft(report=report, actor=followed["lead"], raw=_raw(followed["plan"]), version=report.version)
    db.session.commit()

    with pytest.raises(ImpactError) as refused:
        reports.save_draft(report=report, actor=followed["lead"], raw=_raw(followed["plan"], ("1", "2", "3")),
                           version=report.version - 1)

    assert refused.value.code == "stale" and refused.value.params == {"version": report.version}
    db.session.rollback()
    assert report.value_of(followed["plan"].indicators[0]) == Decimal("120")


def test_a_draft_that_cannot_be_read_is_refused_with_its_problems(followed):
    report = followed["report"]
    with pytest.raises(ImpactError) as refused:
        reports.save_draft(report=report, actor=followed["lead"], raw={"users_reached": "beaucoup"},
                           version=report.version)

    assert refused.value.code == "invalid"
    assert {n: p.code for n, p in refused.value.params["problems"].items()} == {"users_reached": "not_a_count"}


def test_a_report_needs_every_value_the_evidence_level_and_the_readiness(followed):
    report, plan = followed["report"], followed["plan"]
    reports.save_draft(report=report, actor=followed["lead"], raw=_raw(plan, ("120", "", "60")),
                       version=report.version)

    with pytest.raises(ImpactError) as refused:
        reports.submit(report=report, actor=followed["lead"])

    assert refused.value.code == "incomplete"
    assert refused.value.params["missing"] == [reports.value_name(plan.indicators[1]), "evidence_level", "readiness"]
    assert report.status == ImpactReportStatus.DRAFT


def test_a_submitted_report_is_recorded_and_its_organisers_are_emailed(followed):
    report, plan = followed["report"], followed["plan"]
    reports.save_draft(report=report, actor=followed["lead"], raw=_raw(plan, evidence_level="2", readiness="2"),
                       version=report.version)

    reports.submit(report=report, actor=followed["lead"])
    db.session.commit()

    assert report.status == ImpactReportStatus.SUBMITTED and report.submitted_by_id == followed["lead"].id
    [event] = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == AuditAction.IMPACT_REPORT_SUBMITTED.value)).all()
    assert (event.object_type, event.object_id, event.details) == ("impact_reports", report.id, {"months": 6})
    emails = db.session.scalars(db.select(OutboxEmail).where(OutboxEmail.kind == "impact_report_submitted")).all()
    assert [e.recipient for e in emails] == ["orga@region.fr"]
    assert f"/submissions/{plan.submission_id}/impact/reports/6" in emails[0].body_text


def test_a_submitted_report_is_no_longer_changed(followed):
    report, plan = followed["report"], followed["plan"]
    factories.impact_report(plan, 6, values=(1, 2, 3), evidence_level=EvidenceLevel.DATA)

    with pytest.raises(ImpactError) as refused:
        reports.save_draft(report=report, actor=followed["lead"], raw=_raw(plan), version=report.version)
    assert refused.value.code == "report_submitted"
    with pytest.raises(ImpactError):
        reports.add_document(report=report, actor=followed["lead"], stream=io.BytesIO(factories.PDF_BYTES),
                             filename="note.pdf")


def test_a_later_report_may_be_filled_before_the_earlier_one(followed):
    later = next(r for r in followed["plan"].reports if r.months == 24)

    reports.save_draft(report=later, actor=followed["lead"], raw=_raw(followed["plan"]), version=later.version)

    assert later.status == ImpactReportStatus.DRAFT and followed["report"].status == ImpactReportStatus.PENDING


def test_an_attachment_is_checked_from_its_content(followed):
    report = followed["report"]
    document = reports.add_document(report=report, actor=followed["lead"], stream=io.BytesIO(factories.PDF_BYTES),
                                    filename="enquête usagers.pdf")
    assert document.content_type == "application/pdf" and report.documents == [document]

    with pytest.raises(uploads.UploadError) as refused:
        reports.add_document(report=report, actor=followed["lead"], stream=io.BytesIO(b"MZ\x90\x00 not a document"),
                             filename="outil.exe")
    assert refused.value.code == "file_type_refused"


def test_a_report_takes_a_limited_number_of_attachments(followed):
    report = followed["report"]
    for n in range(reports.MAX_DOCUMENTS):
        reports.add_document(report=report, actor=followed["lead"], stream=io.BytesIO(factories.PDF_BYTES),
                             filename=f"piece-{n}.pdf")

    with pytest.raises(ImpactError) as refused:
        reports.add_document(report=report, actor=followed["lead"], stream=io.BytesIO(factories.PDF_BYTES),
                             filename="une-de-trop.pdf")
    assert refused.value.code == "too_many_documents" and refused.value.params == {"max": reports.MAX_DOCUMENTS}


def test_a_removed_attachment_loses_its_bytes(followed):
    import os

    report = followed["report"]
    document = reports.add_document(report=report, actor=followed["lead"], stream=io.BytesIO(factories.PDF_BYTES),
                                    filename="note.pdf")
    path = reports.path_of(document)
    assert os.path.exists(path)

    reports.remove_document(document=document, actor=followed["lead"])

    assert report.documents == [] and not os.path.exists(path)
