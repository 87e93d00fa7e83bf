"""A record's life in the services: started from a project, saved as versions, sent for checking, approved (then
public and searchable), sent back, withdrawn; its documents; the checkers' list."""
from __future__ import annotations

import io
import os

import pytest

from prizeapp.enums import (
    CallPhase,
    CallRoleKind,
    DecisionOutcome,
    InnovationStatus,
    SubmissionStatus,
    VersionStatus,
)
from prizeapp.extensions import db
from prizeapp.models import InnovationVersion, OutboxEmail
from prizeapp.models.types import utcnow
from prizeapp.services import uploads
from prizeapp.services.audit import AuditAction
from prizeapp.services.innovations import documents, records, search
from prizeapp.services.innovations.records import InnovationError

from .. import factories


@pytest.fixture
def world():
    """A call with published results, its organiser, a laureate project of two and a project not selected."""
    call = factories.call(title="Prix de l'innovation territoriale", phase=CallPhase.PUBLISHED)
    call.results_published_at = utcnow()
    organiser = factories.user(first_name="Sophie")
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    lead, co = factories.user(first_name="Aïcha"), factories.user(first_name="Bruno")
    laureate = factories.submission(call=call, lead=lead, members=(co,), status=SubmissionStatus.SUBMITTED,
                                    title="Conciergerie solidaire des aidants", summary="Un guichet de répit.",
                                    description="Des bénévoles formés relaient les aidants.")
    factories.decision(laureate, DecisionOutcome.LAUREATE, prize="Premier prix")
    other = factories.submission(call=call, status=SubmissionStatus.SUBMITTED, title="Navette rurale")
    factories.decision(other, DecisionOutcome.NOT_SELECTED)
    return {"call": call, "organiser": organiser, "lead": lead, "co": co, "laureate": laureate, "other": other}


def _started(world):
    record = records.start(submission=world["laureate"], actor=world["lead"])
    db.session.commit()
    return record


def _complete(world, **values):
    """The laureate's record with a complete version 2 saved by its lead."""
    record = _started(world)
    records.save(innovation=record, actor=world["lead"], content=factories.record_content(**values), based_on=1)
    db.session.commit()
    return record


def _sent(world, **values):
    record = _complete(world, **values)
    records.send_for_checking(innovation=record, actor=world["lead"])
    db.session.commit()
    return record


def _found(query: str) -> list[int]:
    return [row.innovation_id for row in db.session.execute(search.matching(query)).all()]


def _emails(kind: str) -> list[OutboxEmail]:
    return list(db.session.scalars(db.select(OutboxEmail).where(OutboxEmail.kind == kind).order_by(OutboxEmail.id)))


# --- starting ----------------------------------------------------------------------------------------------

def test_a_laureate_starts_its_record_filled_from_the_project(world):
    record = _started(world)
    assert (record.status, record.call_id, record.prize, record.slug) == (
        InnovationStatus.DRAFT, world["call"].id, "Premier prix", "conciergerie-solidaire-des-aidants")
    first = records.latest(record)
    assert first.number == 1
    assert first.content["title"] == "Conciergerie solidaire des aidants"
    assert first.content["solution"] == "Des bénévoles formés relaient les aidants."
    assert [e.details for e in factories.audit_events(AuditAction.INNOVATION_STARTED.value)] == [
        {"submission_id": world["laureate"].id}]


def test_a_project_not_awarded_needs_its_team_to_agree(world):
    with pytest.raises(InnovationError) as refused:
        records.start(submission=world["other"], actor=world["other"].members[0].user)
    assert refused.value.code == "team_must_agree"
    record = records.start(submission=world["other"], actor=world["other"].members[0].user, team_agrees=True)
    assert record.prize == ""


def test_no_record_before_the_results_are_published_nor_from_a_draft(world):
    world["call"].results_published_at = None
    assert records.refusal_to_start(world["laureate"], team_agrees=True) == "results_not_published"
    draft = factories.submission(call=world["call"])
    assert records.refusal_to_start(draft, team_agrees=True) == "not_submitted"


def test_a_project_has_one_record(world):
    record = _started(world)
    with pytest.raises(InnovationError) as refused:
        records.start(submission=world["laureate"], actor=world["co"])
    assert (refused.value.code, refused.value.params) == ("already_started", {"slug": record.slug})


# --- clean ---------------------------------------------------------------------------------------------------

def test_clean_keeps_the_record_shape_only():
    cleaned = records.clean({
        "title": "  Titre  ", "unknown": "dropped", "theme": "not-a-theme", "territory_kind": "rural",
        "cost_setup": "15000", "cost_recurring": "-3", "cost_per_user": "abc", "beneficiaries_count": True,
        "phase_dates": {"idea": "2024-02-30", "experiment": "2024-09-01", "nonsense": "2024-01-01"},
        "links": [{"title": "Guide", "url": "https://exemple.fr/guide"}, {"title": "Piège", "url": "javascript:x"}],
        "contact_ids": [3, "4", 3, False], "commune_code": "2a004", "summary": "\x00",
    })
    assert cleaned == {"title": "Titre", "territory_kind": "rural", "cost_setup": "15000.00",
                       "phase_dates": {"experiment": "2024-09-01"},
                       "links": [{"title": "Guide", "url": "https://exemple.fr/guide"}],
                       "contact_ids": [3], "commune_code": "2A004"}


# --- saving ---------------------------------------------------------------------------------------------------

def test_every_save_is_a_new_version_and_the_earlier_ones_stay(world):
    record = _started(world)
    second = records.save(innovation=record, actor=world["lead"], content={"title": "Répit"}, based_on=1,
                          change_note="Nouveau nom")
    third = records.save(innovation=record, actor=world["co"], content={"title": "Répit des aidants"}, based_on=2)
    db.session.commit()
    assert [(v.number, v.content.get("title"), v.author_id) for v in record.versions] == [
        (1, "Conciergerie solidaire des aidants", world["lead"].id), (2, "Répit", world["lead"].id),
        (3, "Répit des aidants", world["co"].id)]
    assert (second.change_note, third.status) == ("Nouveau nom", VersionStatus.DRAFT)


def test_a_save_from_an_older_version_is_refused_and_saves_nothing(world):
    record = _started(world)
    records.save(innovation=record, actor=world["lead"], content={"title": "Répit"}, based_on=1)
    with pytest.raises(InnovationError) as refused:
        records.save(innovation=record, actor=world["co"], content={"title": "Autre"}, based_on=1)
    assert (refused.value.code, refused.value.params) == ("stale", {"number": 2})
    assert len(record.versions) == 2


def test_a_save_without_any_change_makes_no_version(world):
    record = _started(world)
    same = records.save(innovation=record, actor=world["lead"], content=records.latest(record).content, based_on=1)
    assert same.number == 1 and len(record.versions) == 1


def test_each_member_decides_for_themself_whether_they_are_a_public_contact(world):
    record = _started(world)
    stranger = factories.user()
    everyone = [world["lead"].id, world["co"].id, stranger.id]
    version = records.save(innovation=record, actor=world["co"], based_on=1,
                           content={"title": "Répit", "contact_ids": everyone})
    assert version.content["contact_ids"] == [world["co"].id]  # not the lead, nor a stranger, by another's hand
    version = records.save(innovation=record, actor=world["lead"], based_on=2,
                           content={"title": "Répit", "contact_ids": [world["lead"].id]})
    assert version.content["contact_ids"] == [world["lead"].id, world["co"].id]  # the co-applicant's choice kept
    version = records.save(innovation=record, actor=world["co"], based_on=3, content={"title": "Répit"})
    assert version.content["contact_ids"] == [world["lead"].id]  # the co-applicant changed their mind


def test_the_territory_is_made_whole_and_checked(world):
    record = _started(world)
    version = records.save(innovation=record, actor=world["lead"], based_on=1,
                           content={"title": "Répit", "commune_code": "35238"})
    assert (version.content["departement_code"], version.content["region_code"]) == ("35", "53")
    with pytest.raises(InnovationError) as refused:
        records.save(innovation=record, actor=world["lead"], based_on=2,
                     content={"title": "Répit", "commune_code": "35238", "departement_code": "29",
                              "region_code": "11"})
    assert refused.value.code == "territory"
    assert refused.value.params["problems"] == ["departement_not_in_region", "commune_not_in_departement"]


# --- sending for checking ---------------------------------------------------------------------------------------

def test_an_incomplete_record_is_not_sent_and_says_what_is_missing(world):
    record = _started(world)
    with pytest.raises(InnovationError) as refused:
        records.send_for_checking(innovation=record, actor=world["lead"])
    assert refused.value.code == "incomplete"
    assert {"theme", "problem", "fixed_core", "licence", "results_or_expected", "a_condition"} <= set(
        refused.value.params["fields"])
    assert records.latest(record).status == VersionStatus.DRAFT and _emails("innovation_to_check") == []


def test_a_complete_record_goes_to_the_organisers_of_its_call(world):
    record = _sent(world)
    version = records.latest(record)
    assert (record.status, version.status, version.number) == (InnovationStatus.PENDING, VersionStatus.SUBMITTED, 2)
    [email] = _emails("innovation_to_check")
    assert email.recipient == world["organiser"].email
    assert f"/manage/innovations/{record.slug}" in email.body_text
    with pytest.raises(InnovationError) as again:
        records.send_for_checking(innovation=record, actor=world["lead"])
    assert again.value.code == "already_sent"
    with pytest.raises(InnovationError) as being_checked:
        records.save(innovation=record, actor=world["lead"], content={"title": "x"}, based_on=2)
    assert being_checked.value.code == "being_checked"


def test_sending_a_version_the_team_did_not_see_is_refused(world):
    record = _complete(world)
    with pytest.raises(InnovationError) as refused:
        records.send_for_checking(innovation=record, actor=world["co"], number=1)
    assert (refused.value.code, refused.value.params) == ("stale", {"number": 2})


# --- approving, asking for changes, withdrawing --------------------------------------------------------------

def test_approving_publishes_the_version_copies_its_columns_and_indexes_it(world):
    record = _sent(world, title="Conciergerie des aidants épuisés", theme="health", cost_setup="45000.00",
                   cost_recurring="10000.00")
    records.approve(innovation=record, number=2, actor=world["organiser"])
    db.session.commit()
    assert record.is_public and record.published_version.number == 2
    assert (record.title, record.theme, record.region_code, record.departement_code, record.cost_band.value,
            record.evidence_level.value, record.readiness.value) == (
        "Conciergerie des aidants épuisés", "health", "53", "35", "under_200k", "2", "operating")
    assert _found("aidant epuise") == [record.id]  # accents, plurals
    emails = _emails("innovation_approved")
    assert sorted(e.recipient for e in emails) == sorted([world["lead"].email, world["co"].email])
    assert f"/innovations/{record.slug}" in emails[0].body_text


def test_only_the_version_sent_can_be_approved(world):
    record = _sent(world)
    with pytest.raises(InnovationError) as refused:
        records.approve(innovation=record, number=1, actor=world["organiser"])
    assert refused.value.code == "not_waiting"


def test_asking_for_changes_keeps_the_public_version_public(world):
    record = _sent(world)
    records.approve(innovation=record, number=2, actor=world["organiser"])
    records.save(innovation=record, actor=world["lead"], based_on=2,
                 content=factories.record_content(title="Titre encore faux"))
    records.send_for_checking(innovation=record, actor=world["lead"])
    version = records.request_changes(innovation=record, number=3, actor=world["organiser"],
                                      reason="Le titre ne dit pas ce que c'est.")
    db.session.commit()
    assert (version.status, version.checker_note) == (VersionStatus.CHANGES_REQUESTED,
                                                       "Le titre ne dit pas ce que c'est.")
    assert (record.status, record.published_version.number, record.title) == (
        InnovationStatus.PUBLISHED, 2, "Conciergerie solidaire des aidants")
    assert _found("conciergerie") == [record.id] and _found("faux") == []
    [email] = [e for e in _emails("innovation_changes_requested") if e.recipient == world["lead"].email]
    assert "Le titre ne dit pas ce que c'est." in email.body_text
    with pytest.raises(InnovationError) as unchanged:
        records.send_for_checking(innovation=record, actor=world["lead"])
    assert unchanged.value.code == "save_changes_first"


def test_changes_need_a_reason(world):
    record = _sent(world)
    with pytest.raises(InnovationError) as refused:
        records.request_changes(innovation=record, number=2, actor=world["organiser"], reason="   ")
    assert refused.value.code == "reason_required"


def test_a_draft_sent_back_is_a_draft_again(world):
    record = _sent(world)
    records.request_changes(innovation=record, number=2, actor=world["organiser"], reason="Chiffrez les coûts.")
    assert record.status == InnovationStatus.DRAFT


def test_withdrawing_takes_the_record_out_of_search_and_tells_the_team(world):
    record = _sent(world)
    records.approve(innovation=record, number=2, actor=world["organiser"])
    records.withdraw(innovation=record, actor=world["organiser"], reason="Le service a fermé.")
    db.session.commit()
    assert (record.status, record.withdrawn_reason, record.is_public) == (
        InnovationStatus.WITHDRAWN, "Le service a fermé.", False)
    assert _found("conciergerie") == []
    assert len(_emails("innovation_withdrawn")) == 2
    with pytest.raises(InnovationError) as again:
        records.withdraw(innovation=record, actor=world["organiser"], reason="Encore.")
    assert again.value.code == "not_published"
    [event] = factories.audit_events(AuditAction.INNOVATION_WITHDRAWN.value)
    assert event.details == {"reason": "Le service a fermé."}


# --- history ------------------------------------------------------------------------------------------------------

def test_the_public_history_lists_approved_versions_the_team_all(world):
    record = _sent(world)
    records.approve(innovation=record, number=2, actor=world["organiser"])
    records.save(innovation=record, actor=world["lead"], based_on=2,
                 content=factories.record_content(results="640 aidants en deux ans."))
    db.session.commit()
    public = [(v.number, changed) for v, changed in records.history(record, public=True)]
    team = [(v.number, changed) for v, changed in records.history(record, public=False)]
    assert public[0][0] == 2 and len(public) == 1
    assert [number for number, _changed in team] == [3, 2, 1]
    assert team[0][1] == ["results"]


# --- the checkers' list -------------------------------------------------------------------------------------------

def test_organisers_see_the_records_of_their_calls_administrators_all(world):
    mine = _sent(world)
    elsewhere = factories.record_of_team(call=factories.call(), lead=factories.user(), waiting=True)
    admin = factories.user(admin=True)
    scoped = records.queue(call_ids=records.calls_checked_by(world["organiser"]))
    everything = records.queue(call_ids=records.calls_checked_by(admin))
    assert [i.id for i, _v in scoped.waiting] == [mine.id]
    assert {i.id for i, _v in everything.waiting} == {mine.id, elsewhere.id}
    records.approve(innovation=mine, number=2, actor=world["organiser"])
    assert [i.id for i in records.queue(call_ids={world["call"].id}).published] == [mine.id]


def test_a_record_without_organisers_is_checked_by_the_administrators(world):
    call = factories.call()
    admin = factories.user(admin=True)
    record = factories.record_of_team(call=call, lead=factories.user())
    assert records.checkers_of(record) == [admin]


# --- documents -----------------------------------------------------------------------------------------------------

def test_a_document_is_checked_stored_and_recorded(world):
    record = _started(world)
    document = documents.add(innovation=record, actor=world["lead"], stream=io.BytesIO(factories.PDF_BYTES),
                             filename="../Guide de mise en place.PNG", title="Le guide")
    db.session.commit()
    assert (document.display_name, document.content_type, document.title) == (
        "Guide de mise en place.pdf", "application/pdf", "Le guide")
    with open(documents.path_of(document), "rb") as stored:
        assert stored.read() == factories.PDF_BYTES
    [event] = factories.audit_events(AuditAction.INNOVATION_DOCUMENT_ADDED.value)
    assert event.details == {"file": "Guide de mise en place.pdf", "size": len(factories.PDF_BYTES)}


@pytest.mark.parametrize("data, code", [(b"", "file_empty"), (b"MZ\x90\x00 an executable", "file_type_refused"),
                                        (b"%PDF-" + b"0" * 2048, "file_too_large")])
def test_a_document_is_refused_as_a_project_file_would_be(app, world, data, code):
    record = _started(world)
    app.config["MAX_UPLOAD_BYTES"], saved = 1024, app.config["MAX_UPLOAD_BYTES"]
    try:
        before = set(os.listdir(uploads.upload_folder()))
        with pytest.raises(uploads.UploadError) as refused:
            documents.add(innovation=record, actor=world["lead"], stream=io.BytesIO(data), filename="x.pdf")
    finally:
        app.config["MAX_UPLOAD_BYTES"] = saved
    assert refused.value.code == code
    assert set(os.listdir(uploads.upload_folder())) == before and record.documents == []


def test_removing_a_document_deletes_its_bytes(world):
    record = _started(world)
    document = factories.stored_document(record)
    path = documents.path_of(document)
    documents.remove(document=document, actor=world["lead"])
    db.session.commit()
    assert not os.path.exists(path) and record.documents == []
    [event] = factories.audit_events(AuditAction.INNOVATION_DOCUMENT_REMOVED.value)
    assert event.details == {"file": "guide.pdf"}


def test_a_version_row_is_never_rewritten_by_a_later_save(world):
    record = _complete(world)
    first = db.session.scalar(db.select(InnovationVersion).where(InnovationVersion.innovation_id == record.id,
                                                                  InnovationVersion.number == 2))
    kept = dict(first.content)
    records.save(innovation=record, actor=world["lead"], based_on=2, content={**kept, "title": "Autre titre"})
    db.session.commit()
    db.session.refresh(first)
    assert first.content == kept


def test_a_record_from_a_project_of_a_call_for_replication_is_based_on_the_innovation_it_took_up():
    original = factories.innovation()
    call = factories.call(phase=CallPhase.PUBLISHED)
    call.for_replication, call.results_published_at = True, utcnow()
    lead = factories.user()
    project = factories.submission(call=call, lead=lead, status=SubmissionStatus.SUBMITTED,
                                   replicates_id=original.id)
    factories.decision(project, DecisionOutcome.LAUREATE)

    record = records.start(submission=project, actor=lead)

    assert record.based_on_id == original.id
