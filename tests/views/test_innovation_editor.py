"""The team's pages of a record: starting it from a project, the long form and its versions, its documents,
sending it for checking (the organisers' email received through a real SMTP server)."""
from __future__ import annotations

import io
import os
import re

import pytest

from prizeapp.enums import CallPhase, CallRoleKind, DecisionOutcome, InnovationStatus, SubmissionStatus, VersionStatus
from prizeapp.extensions import db
from prizeapp.models import Innovation
from prizeapp.models.types import utcnow
from prizeapp.services import outbox
from prizeapp.services.audit import AuditAction
from prizeapp.services.innovations import documents, records

from .. import factories
from ..conftest import form_token, fr, post_form, sign_in_as, text


@pytest.fixture
def world():
    call = factories.call(title="Prix de l'innovation territoriale", phase=CallPhase.PUBLISHED)
    call.results_published_at = utcnow()
    organiser = factories.user(first_name="Sophie", email="sophie@region.fr")
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    lead = factories.user(first_name="Aïcha", last_name="Benali", email="aicha@ville.fr")
    co = factories.user(first_name="Bruno", last_name="Morel", email="bruno@ville.fr")
    laureate = factories.submission(call=call, lead=lead, members=(co,), status=SubmissionStatus.SUBMITTED,
                                    title="Conciergerie solidaire des aidants")
    factories.decision(laureate, DecisionOutcome.LAUREATE, prize="Premier prix")
    other = factories.submission(call=call, lead=lead, status=SubmissionStatus.SUBMITTED, title="Navette rurale")
    factories.decision(other, DecisionOutcome.NOT_SELECTED)
    return {"call": call, "organiser": organiser, "lead": lead, "co": co, "laureate": laureate, "other": other}


def _record(world) -> Innovation:
    record = records.start(submission=world["laureate"], actor=world["lead"])
    db.session.commit()
    return record


def form_data(content: dict, *, based_on: int, **extra) -> dict:
    """The edit form as a browser sends it for `content` (services.innovations.content conventions)."""
    data = {name: value for name, value in content.items()
            if isinstance(value, str) and name not in ("cost_setup", "cost_recurring", "cost_per_user")}
    for name in ("cost_setup", "cost_recurring", "cost_per_user"):
        if content.get(name):
            data[name] = content[name].replace(".", ",")
    if content.get("beneficiaries_count") is not None:
        data["beneficiaries_count"] = str(content["beneficiaries_count"])
    for stage, day in (content.get("phase_dates") or {}).items():
        data[f"phase_{stage}"] = day
    for row, link in enumerate(content.get("links") or []):
        data[f"links-{row}-title"], data[f"links-{row}-url"] = link["title"], link["url"]
    if content.get("contact_ids"):
        data["contact_ids"] = [str(i) for i in content["contact_ids"]]
    return {**data, "based_on": str(based_on), **extra}


def _edit(client, record, data):
    return post_form(client, f"/innovations/{record.slug}/edit", data)


# --- starting ----------------------------------------------------------------------------------------------

def test_the_decision_and_my_submissions_offer_to_start_a_record(client, world):
    sign_in_as(client, world["lead"])
    decision = text(client.get(f"/submissions/{world['laureate'].id}/decision"))
    assert fr("Share it in the catalogue of innovations") in decision
    assert f"/submissions/{world['laureate'].id}/innovation" in decision
    mine = client.get("/submissions").get_data(as_text=True)
    assert f"/submissions/{world['laureate'].id}/innovation" in mine
    assert f"/submissions/{world['other'].id}/innovation" not in mine  # not awarded: from its decision page only


def test_a_laureate_team_starts_its_record(client, world):
    sign_in_as(client, world["co"])
    page = text(client.get(f"/submissions/{world['laureate'].id}/innovation"))
    assert fr("What will be public") in page
    assert 'name="team_agrees"' not in page
    response = post_form(client, f"/submissions/{world['laureate'].id}/innovation", {})
    record = db.session.scalar(db.select(Innovation).where(Innovation.submission_id == world["laureate"].id))
    assert response.status_code == 302 and response.headers["Location"] == f"/innovations/{record.slug}/edit"
    assert f"/innovations/{record.slug}/edit" in client.get("/submissions").get_data(as_text=True)
    again = text(client.get(f"/submissions/{world['laureate'].id}/innovation"))
    assert fr("This project already has its innovation record.") in again


def test_a_project_not_awarded_needs_the_box_ticked(client, world):
    sign_in_as(client, world["lead"])
    path = f"/submissions/{world['other'].id}/innovation"
    assert 'name="team_agrees"' in client.get(path).get_data(as_text=True)
    refused = post_form(client, path, {})
    assert refused.status_code == 422
    assert fr("This project received neither a prize nor a mention: tick the box to say that your team agrees to "
              "publish it.") in text(refused)
    assert post_form(client, path, {"team_agrees": "y"}).status_code == 302
    assert records.record_of(db.session.get(type(world["other"]), world["other"].id)) is not None


def test_before_the_results_the_page_says_why_nothing_can_start(client, world):
    world["call"].results_published_at = None
    db.session.commit()
    sign_in_as(client, world["lead"])
    page = text(client.get(f"/submissions/{world['laureate'].id}/innovation"))
    assert fr("The results of the call are not published yet: the record can be started once they are.") in page
    assert "csrf_token" not in page.split("<main")[1]


# --- editing -----------------------------------------------------------------------------------------------

def test_the_form_shows_the_saved_version_and_what_is_still_needed(client, world):
    record = _record(world)
    sign_in_as(client, world["lead"])
    page = text(client.get(f"/innovations/{record.slug}/edit"))
    assert 'value="Conciergerie solidaire des aidants"' in page
    assert fr("The problem it solves") in page and fr("The fixed core: what must be kept for it to work") in page
    missing = page.split('id="completeness"')[1].split("</section>")[0]
    assert f'<a href="#problem">{fr("The problem it solves")}</a>' in missing
    assert f'<a href="#results">{fr("Results so far, or expected results")}</a>' in missing
    assert '<a href="#licence-0">' in missing
    assert fr("Draft: only your team and the organisers of the call read it. Complete it, then send it for "
              "checking.") in page
    # Each member answers for themself whether they are a public contact: the lead sees their own box only.
    assert f'value="{world["lead"].id}"' in page and "Aïcha Benali (aicha@ville.fr)" in page
    assert "Bruno Morel (bruno@ville.fr)" not in page


def test_saving_makes_a_new_version_in_the_record_shape(client, world):
    record = _record(world)
    sign_in_as(client, world["lead"])
    content = factories.record_content(contact_ids=[world["lead"].id])
    data = form_data(content, based_on=1, cost_setup="15 000,50", beneficiaries_count="1 200",
                     change_note="Tout rempli")
    response = _edit(client, record, data)
    assert response.status_code == 302
    db.session.expire_all()
    version = records.latest(record)
    assert (version.number, version.author_id, version.change_note) == (2, world["lead"].id, "Tout rempli")
    assert version.content["cost_setup"] == "15000.50" and version.content["beneficiaries_count"] == 1200
    assert version.content["phase_dates"] == {"experiment": "2024-09-01", "operating": "2025-06-01"}
    assert version.content["links"] == [{"title": "Guide de mise en place", "url": "https://exemple.fr/guide"}]
    assert version.content["contact_ids"] == [world["lead"].id]
    page = text(client.get(f"/innovations/{record.slug}/edit"))
    assert fr("Version %(number)d is saved.", number=2) in page
    assert fr("Every needed field is filled in: the record can be sent for checking.") in page
    versions = page.split('id="versions"')[1]
    assert "Tout rempli" in versions and "Aïcha Benali" in versions


def test_a_field_in_error_keeps_everything_typed_and_saves_nothing(client, world):
    record = _record(world)
    sign_in_as(client, world["lead"])
    data = form_data(factories.record_content(problem="Un problème très bien décrit."), based_on=1,
                     cost_setup="quinze mille", phase_idea="31/02/2024", **{"links-0-url": "exemple.fr/guide"})
    response = _edit(client, record, data)
    assert response.status_code == 422
    page = text(response)
    assert "Un problème très bien décrit." in page and 'value="quinze mille"' in page
    assert 'value="31/02/2024"' in page and 'value="exemple.fr/guide"' in page
    summary = page.split('id="problems"')[1].split("</div>")[0]
    assert fr("Enter an amount in euros, for example 15 000 or 12,50.") in summary
    assert fr("Enter a date such as 31/12/2026.") in summary
    assert '<a href="#links-0-url">' in summary
    assert len(records.latest(record).content) == len(record.versions[0].content) and len(record.versions) == 1


def test_an_inconsistent_territory_is_said_on_its_field(client, world):
    record = _record(world)
    sign_in_as(client, world["lead"])
    data = form_data(factories.record_content(), based_on=1, departement_code="29", region_code="11")
    response = _edit(client, record, data)
    assert response.status_code == 422
    page = text(response)
    assert fr("%(departement)s is not in the région %(region)s: choose its own région, or leave the région empty.",
              departement="Finistère (29)", region="Île-de-France") in page
    assert fr("This commune is not in %(departement)s.", departement="Finistère (29)") in page
    assert '<option selected value="29">' in page
    assert len(record.versions) == 1


def test_a_save_from_an_older_version_keeps_the_input_and_saves_nothing(client, world):
    record = _record(world)
    other_client = client.application.test_client()
    sign_in_as(client, world["lead"])
    sign_in_as(other_client, world["co"])
    mine = client.get(f"/innovations/{record.slug}/edit").get_data(as_text=True)
    assert post_form(other_client, f"/innovations/{record.slug}/edit",
                     form_data({"title": "Le titre de Bruno"}, based_on=1)).status_code == 302
    response = client.post(f"/innovations/{record.slug}/edit",
                           data={**form_data({"title": "Le titre d'Aïcha"}, based_on=1),
                                 "csrf_token": form_token(mine)})
    assert response.status_code == 409
    page = text(response)
    assert fr("Someone in the team saved a newer version (version %(number)d) in the meantime: nothing was done. "
              "What you typed is kept below; compare it with the latest version before saving again.",
              number=2) in page
    assert "value=\"Le titre d'Aïcha\"" in page and 'name="based_on" type="hidden" value="2"' in page
    db.session.expire_all()
    assert [v.content["title"] for v in records.latest(record).innovation.versions][-1] == "Le titre de Bruno"


def test_a_post_without_its_token_is_refused(client, world):
    record = _record(world)
    sign_in_as(client, world["lead"])
    response = client.post(f"/innovations/{record.slug}/edit", data=form_data({"title": "Sans jeton"}, based_on=1))
    assert response.status_code == 400
    assert len(record.versions) == 1


# --- sending for checking -------------------------------------------------------------------------------------

def test_an_incomplete_record_is_not_sent_and_the_page_lists_what_is_missing(client, world):
    record = _record(world)
    sign_in_as(client, world["lead"])
    response = post_form(client, f"/innovations/{record.slug}/send", {"number": "1"},
                         page=f"/innovations/{record.slug}/edit")
    assert response.status_code == 409
    notice = text(response).split('id="notice"')[1].split("</div>")[0]
    assert fr("The problem it solves") in notice and '<a href="#fixed_core">' in notice
    assert records.latest(record).status == VersionStatus.DRAFT


def test_a_complete_record_is_sent_and_its_checkers_receive_it(client, world, mailbox):
    record = _record(world)
    records.save(innovation=record, actor=world["lead"], content=factories.record_content(), based_on=1,
                 change_note="Première version complète")
    db.session.commit()
    sign_in_as(client, world["co"])
    response = post_form(client, f"/innovations/{record.slug}/send", {"number": "2"},
                         page=f"/innovations/{record.slug}/edit")
    assert response.status_code == 302
    page = text(client.get(f"/innovations/{record.slug}/edit"))
    assert '<fieldset class="record-form__body" disabled>' in page
    assert fr("Save a new version") not in page
    outbox.deliver_pending()
    [email] = mailbox.to(world["organiser"].email)
    assert email["Subject"] == fr("An innovation record to check: “%(title)s”", title="Conciergerie solidaire des "
                                                                                      "aidants")
    body = mailbox.text(email)
    assert "Bruno Morel" in body and "Première version complète" in body
    assert mailbox.link(email, "/manage/innovations/") == f"/manage/innovations/{record.slug}"
    # While it is checked, the team cannot change it.
    refused = _edit(client, record, form_data(factories.record_content(title="Autre"), based_on=2))
    assert refused.status_code == 409
    assert fr("The record is waiting for checking: it cannot be changed until the organisers have answered.") in text(
        refused)


def test_the_page_says_the_changes_asked_and_the_public_version(client, world):
    record = factories.innovation(call=world["call"], lead=world["lead"])
    records.save(innovation=record, actor=world["lead"], based_on=2,
                 content=factories.record_content(results="640 aidants en deux ans."))
    records.send_for_checking(innovation=record, actor=world["lead"])
    records.request_changes(innovation=record, number=3, actor=world["organiser"], reason="Citez la source.")
    db.session.commit()
    sign_in_as(client, world["lead"])
    page = text(client.get(f"/innovations/{record.slug}/edit"))
    assert "Citez la source." in page
    assert fr("Version %(number)d is public since %(date)s.", number=2, date="").split(" ")[0] in page
    assert f'href="/innovations/{record.slug}"' in page
    assert fr("Save the changes the organisers asked for, then send the new version.") in page


def test_a_withdrawn_record_shows_its_reason(client, world):
    record = factories.innovation(call=world["call"], lead=world["lead"])
    records.withdraw(innovation=record, actor=world["organiser"], reason="Le service a fermé en mars.")
    db.session.commit()
    sign_in_as(client, world["lead"])
    page = text(client.get(f"/innovations/{record.slug}/edit"))
    assert "Le service a fermé en mars." in page
    assert fr("The organisers withdrew the record from the catalogue. Their reason:") in page


# --- documents ---------------------------------------------------------------------------------------------------

def _upload(client, record, data: bytes, name: str, title: str = "Le guide"):
    page = client.get(f"/innovations/{record.slug}/edit").get_data(as_text=True)
    return client.post(f"/innovations/{record.slug}/documents",
                       data={"csrf_token": form_token(page), "document-title": title,
                             "document-file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def test_the_team_attaches_downloads_and_removes_a_document(client, world):
    record = _record(world)
    sign_in_as(client, world["lead"])
    response = _upload(client, record, factories.PDF_BYTES, "guide mise en place.png")
    assert response.status_code == 302
    document = db.session.scalar(db.select(documents.InnovationDocument))
    assert (document.display_name, document.title) == ("guide mise en place.pdf", "Le guide")
    page = client.get(f"/innovations/{record.slug}/edit").get_data(as_text=True)
    link = f"/innovations/{record.slug}/documents/{document.id}"
    assert link in page
    download = client.get(link)
    assert download.status_code == 200 and download.data == factories.PDF_BYTES
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Cache-Control"] == "private, no-store"
    assert "attachment" in download.headers["Content-Disposition"]
    client.application.test_client()  # a stranger, signed out, does not get a draft's document
    assert client.application.test_client().get(link).status_code == 302
    path = documents.path_of(document)
    removed = post_form(client, f"{link}/delete", {}, page=f"/innovations/{record.slug}/edit")
    assert removed.status_code == 302 and not os.path.exists(path)
    assert [e.details["file"] for e in factories.audit_events(AuditAction.INNOVATION_DOCUMENT_ADDED.value)] == [
        "guide mise en place.pdf"]
    assert len(factories.audit_events(AuditAction.INNOVATION_DOCUMENT_REMOVED.value)) == 1


def test_a_document_of_a_public_record_is_for_everyone(client, world):
    record = factories.innovation(call=world["call"], lead=world["lead"])
    document = factories.stored_document(record)
    response = client.get(f"/innovations/{record.slug}/documents/{document.id}")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "public, max-age=600"


def test_a_file_of_another_type_is_refused_with_its_reason(client, world):
    record = _record(world)
    sign_in_as(client, world["lead"])
    response = _upload(client, record, b"MZ\x90\x00 not a document", "guide.pdf")
    assert response.status_code == 422
    assert fr("This type of file is not accepted: attach a PDF, an ODT or DOCX document, or a PNG or JPEG "
              "image.") in text(response)
    assert 'value="Le guide"' in text(response)  # the title typed is kept
    assert record.documents == []
    missing = _upload(client, record, b"", "")
    assert missing.status_code == 400 and fr("Choose a file.") in text(missing)


# --- who -------------------------------------------------------------------------------------------------------

def test_a_person_outside_the_team_reaches_nothing_of_the_editor(client, world):
    record = _record(world)
    sign_in_as(client, world["organiser"])
    assert client.get(f"/innovations/{record.slug}/edit").status_code == 403
    assert client.get(f"/submissions/{world['laureate'].id}/innovation").status_code == 403
    assert post_form(client, f"/innovations/{record.slug}/send", {}, page="/").status_code == 403


def test_the_edit_page_has_no_status_of_a_record_that_is_not_there(client, world):
    sign_in_as(client, world["lead"])
    assert client.get("/innovations/nothing-here/edit").status_code == 404


def test_every_id_of_the_edit_page_is_unique(client, world):
    record = factories.innovation(call=world["call"], lead=world["lead"])
    factories.stored_document(record)
    sign_in_as(client, world["lead"])
    html = client.get(f"/innovations/{record.slug}/edit").get_data(as_text=True)
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert sorted({i for i in ids if ids.count(i) > 1}) == []
    assert record.status == InnovationStatus.PUBLISHED


def test_every_reason_a_project_cannot_start_a_record_has_its_sentence():
    # refusal_to_start returns its codes rather than raising them, so the refusals test cannot find them.
    from prizeapp.views.innovation_editor import REFUSALS

    codes = {"not_submitted", "results_not_published", "already_started", "team_must_agree"}
    assert codes <= set(REFUSALS.sentences)


# --- what people type: amounts, territories, titles, dates ---------------------------------------------------

def _field_error(page: str, name: str) -> str:
    match = re.search(rf'<p class="field__error" id="{name}-error">(.*?)</p>', page, re.S)
    return match.group(1) if match else ""


def test_amounts_are_read_as_french_agents_type_them(client, world):
    record = _record(world)
    sign_in_as(client, world["lead"])
    data = form_data(factories.record_content(), based_on=1, cost_setup="9 000,50 €",
                     cost_recurring="9\u202f000\u00a0€", cost_per_user="9000.50")
    response = _edit(client, record, data)
    assert response.status_code == 302
    db.session.expire_all()
    content = records.latest(record).content
    assert (content["cost_setup"], content["cost_recurring"], content["cost_per_user"]) == (
        "9000.50", "9000.00", "9000.50")


def test_the_money_fields_say_how_cents_are_written(client, world):
    record = _record(world)
    sign_in_as(client, world["lead"])
    page = text(client.get(f"/innovations/{record.slug}/edit"))
    hint = page.split('id="cost_per_user-hint">')[1].split("</p>")[0]
    assert fr("The cents go after a comma (15 000,50) or a point (15000.50): a point never separates the "
              "thousands.") in hint


def test_an_amount_in_error_gets_the_one_message_that_fits(client, world):
    record = _record(world)
    sign_in_as(client, world["lead"])
    data = form_data(factories.record_content(), based_on=1, cost_setup="neuf mille €", cost_recurring="-9 000 €",
                     cost_per_user="9.000,50")
    response = _edit(client, record, data)
    assert response.status_code == 422
    page = text(response)
    not_a_number, negative = (fr("Enter an amount in euros, for example 15 000 or 12,50."),
                              fr("Enter a positive amount."))
    for name in ("cost_setup", "cost_per_user"):
        assert not_a_number in _field_error(page, name) and negative not in _field_error(page, name)
    assert negative in _field_error(page, "cost_recurring")
    assert not_a_number not in _field_error(page, "cost_recurring")
    assert len(record.versions) == 1


def test_the_territory_is_checked_with_every_other_field_in_one_round(client, world):
    # A commune of Paris said to be in the Loiret, while other fields are wrong too: all is said at once.
    record = _record(world)
    sign_in_as(client, world["lead"])
    data = form_data(factories.record_content(), based_on=1, commune_code="75056", departement_code="45",
                     region_code="24", cost_setup="beaucoup", **{"links-0-url": "exemple.fr/guide"})
    response = _edit(client, record, data)
    assert response.status_code == 422
    page = text(response)
    in_loiret = fr("This commune is not in %(departement)s.", departement="Loiret (45)")
    assert in_loiret in _field_error(page, "commune_code")
    assert fr("Enter an amount in euros, for example 15 000 or 12,50.") in _field_error(page, "cost_setup")
    summary = page.split('id="problems"')[1].split("</div>")[0]
    assert '<a href="#commune_code">' in summary and '<a href="#cost_setup">' in summary
    assert '<a href="#links-0-url">' in summary
    assert len(record.versions) == 1


def test_a_commune_outside_the_region_chosen_is_said_on_the_region(client, world):
    # The département left empty is the commune's (as the service fills it in): the région is what disagrees.
    record = _record(world)
    sign_in_as(client, world["lead"])
    data = form_data(factories.record_content(), based_on=1, commune_code="35238", departement_code="",
                     region_code="11")
    response = _edit(client, record, data)
    assert response.status_code == 422
    assert fr("%(departement)s is not in the région %(region)s: choose its own région, or leave the région empty.",
              departement="Ille-et-Vilaine (35)", region="Île-de-France") in _field_error(text(response), "region_code")


def test_a_draft_saved_without_a_title_keeps_the_name_it_had(client, world):
    record = _record(world)
    sign_in_as(client, world["lead"])
    assert _edit(client, record, form_data(factories.record_content(title="Répit des aidants"),
                                           based_on=1)).status_code == 302
    assert _edit(client, record, form_data(factories.record_content(title=""), based_on=2)).status_code == 302
    page = text(client.get(f"/innovations/{record.slug}/edit"))
    assert re.search(r"<h1[^>]*>Répit des aidants</h1>", page)
    assert f"<title>{fr('Innovation record')} – Répit des aidants" in page
    assert record.slug not in page.split("<h1")[1].split("</h1>")[0]
    assert 'value=""' in re.search(r'<input[^>]*id="title"[^>]*>', page).group(0)  # the title as saved: empty


def test_a_record_that_never_had_a_title_is_named_after_its_project(world):
    record = _record(world)
    records.save(innovation=record, actor=world["lead"], content=factories.record_content(title=""), based_on=1)
    record.versions[0].content = {**record.versions[0].content, "title": ""}
    db.session.commit()
    assert records.title_of(records.latest(record)) == "Conciergerie solidaire des aidants"


def test_a_stage_cannot_be_dated_after_today(client, world):
    from datetime import datetime, timedelta

    from prizeapp.core.localtime import PARIS

    today = datetime.now(PARIS).date()
    record = _record(world)
    sign_in_as(client, world["lead"])
    later = form_data(factories.record_content(), based_on=1, phase_operating=(today + timedelta(days=1)).isoformat())
    response = _edit(client, record, later)
    assert response.status_code == 422
    assert fr("A stage reached cannot be dated after today: give the date it was reached, or leave the date "
              "empty.") in _field_error(text(response), "phase_operating")
    assert len(record.versions) == 1
    assert _edit(client, record, form_data(factories.record_content(), based_on=1,
                                           phase_operating=today.isoformat())).status_code == 302
