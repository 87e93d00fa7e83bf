"""The team's impact follow-up pages: starting it from the decision, the set-up (library or own indicators, 3 to
5, a draft then launched, a concurrent save refused with nothing lost), the reports (a background save answered
in JSON, submitting needs every value, the organisers' email through a real SMTP server) and their attachments."""
from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest

from prizeapp.enums import (
    CallRoleKind,
    DecisionOutcome,
    ImpactDimension,
    ImpactPlanStatus,
    ImpactReportStatus,
)
from prizeapp.extensions import db
from prizeapp.models import ImpactPlan, ImpactReport
from prizeapp.services import outbox
from prizeapp.services.impact import library, plans

from .. import factories
from ..conftest import form_token, fr, nfr, post_form, sign_in_as, text

TEXTS = {"problem": "Les aidants s'épuisent.", "baseline": "Aucun relais en 2025.",
         "activities": "Une conciergerie tenue par des bénévoles.", "outputs": "Des relais chaque semaine.",
         "results": "Des aidants moins seuls.", "impacts": "Moins d'hospitalisations d'aidants.",
         "assumptions": "Assez de bénévoles."}


@pytest.fixture
def world():
    call = factories.results_call(title="Prix de l'innovation territoriale")
    organiser = factories.user(first_name="Sophie", email="sophie@region.fr")
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    lead = factories.user(first_name="Aïcha", email="aicha@ville.fr")
    co = factories.user(first_name="Bruno", email="bruno@ville.fr")
    laureate = factories.laureate(call=call, lead=lead, members=(co,), title="Conciergerie solidaire des aidants")
    other = factories.laureate(call=call, lead=lead, outcome=DecisionOutcome.NOT_SELECTED, title="Navette rurale")
    return {"call": call, "organiser": organiser, "lead": lead, "co": co, "laureate": laureate, "other": other}


def _day(value) -> str:
    from flask_babel import force_locale

    from prizeapp.formatting import date_filter

    with force_locale("fr"):
        return date_filter(value)


def _setup_url(project) -> str:
    return f"/submissions/{project.id}/impact/setup"


def _report_url(project, months: int) -> str:
    return f"/submissions/{project.id}/impact/reports/{months}"


def _plan(project) -> ImpactPlan | None:
    db.session.expire_all()
    return db.session.scalar(db.select(ImpactPlan).where(ImpactPlan.submission_id == project.id))


def _started(world, project=None) -> ImpactPlan:
    project = project or world["laureate"]
    plan = plans.start(submission=project, actor=world["lead"], opt_in=True)
    db.session.commit()
    return plan


def setup_data(plan, rows, *, action="save", version=None, texts=None, published=True) -> dict:
    """The set-up form as a browser sends it: `rows` are dicts of an indicator row's fields."""
    data = {"version": str(plan.version if version is None else version), "action": action, **(texts or TEXTS)}
    if published:
        data["published"] = "y"
    for n, row in enumerate(rows):
        for name, value in row.items():
            data[f"indicators-{n}-{name}"] = value
    return data


def _library_row(key: str, baseline: str, target: str) -> dict:
    return {"library_key": key, "baseline": baseline, "target": target, "published": "y"}


LEVEL_2 = "Level 2: data show a change, without proving the cause"  # enums.EvidenceLevel.DATA
LIBRARY_ROWS = [_library_row("users_per_year", "0", "400"), _library_row("processing_time", "21", "7"),
                _library_row("satisfaction", "55", "80")]


# --- the entry points ------------------------------------------------------------------------------------

def test_a_laureate_decision_offers_to_set_up_the_follow_up(client, world):
    sign_in_as(client, world["lead"])
    page = text(client.get(f"/submissions/{world['laureate'].id}/decision"))

    assert fr("Impact follow-up") in page
    assert fr("Set up the follow-up") in page
    assert f'action="/submissions/{world["laureate"].id}/impact/start"' in page


def test_setting_up_from_the_decision_starts_a_draft_plan(client, world):
    project = world["laureate"]
    sign_in_as(client, world["lead"])

    response = post_form(client, f"/submissions/{project.id}/impact/start", {},
                         page=f"/submissions/{project.id}/decision")

    assert response.status_code == 302 and response.headers["Location"] == _setup_url(project)
    plan = _plan(project)
    assert plan.status == ImpactPlanStatus.DRAFT and not plan.opted_in
    assert plan.problem == project.summary


def test_a_project_not_awarded_is_followed_only_when_its_team_opts_in(client, world):
    project = world["other"]
    sign_in_as(client, world["lead"])
    page = text(client.get(f"/submissions/{project.id}/decision"))
    assert fr("Follow the impact of our project") in page

    refused = post_form(client, f"/submissions/{project.id}/impact/start", {}, page=_setup_url(project))
    assert refused.status_code == 422
    assert fr("This project received neither a prize nor a mention: tick the box to say that your team wants to "
              "follow its impact.") in text(refused)
    assert _plan(project) is None

    accepted = post_form(client, f"/submissions/{project.id}/impact/start", {"opt_in": "y"}, page=_setup_url(project))
    assert accepted.status_code == 302
    assert _plan(project).opted_in


def test_my_submissions_lists_the_follow_up(client, world):
    plan = factories.impact_plan(project=world["laureate"])
    sign_in_as(client, world["lead"])

    page = text(client.get("/submissions"))

    six = next(r for r in plan.reports if r.months == 6)
    assert _report_url(world["laureate"], 6) in page
    assert fr("next report, the %(report)s, due on %(date)s", report=fr("%(num)d-month report", num=6),
              date=_day(six.due_at)) in page
    assert _setup_url(world["other"]) in page  # the other project can still be followed
    assert fr("Follow the impact of our project") in page


# --- the set-up ----------------------------------------------------------------------------------------------

def test_the_set_up_page_offers_the_library_by_dimension_and_five_rows(client, world):
    _started(world)
    sign_in_as(client, world["lead"])

    page = client.get(_setup_url(world["laureate"])).get_data(as_text=True)

    assert len(re.findall(r'<fieldset class="fieldset impact-setup__indicator"', page)) == 5
    dimension, indicators = library.by_dimension()[0]
    assert dimension == ImpactDimension.USERS_REACHED
    assert f'<optgroup label="{fr("Users reached")}">' in page
    assert f'value="{indicators[0].key}"' in page
    assert 'data-unit="' in page
    # The theory of change in the order of the « évaluation flash ».
    order = [page.index(f'id="{name}"') for name in ("problem", "baseline", "activities", "outputs", "results",
                                                     "impacts", "assumptions")]
    assert order == sorted(order)
    assert "js/impact-setup.js" in page


def test_indicators_picked_from_the_library_are_filled_in_and_the_follow_up_launched(client, world):
    plan = _started(world)
    project = world["laureate"]
    sign_in_as(client, world["lead"])

    response = post_form(client, _setup_url(project), setup_data(plan, LIBRARY_ROWS, action="launch"))

    assert response.status_code == 302 and response.headers["Location"] == _setup_url(project)
    plan = _plan(project)
    assert plan.status == ImpactPlanStatus.ACTIVE and plan.published
    first = plan.indicators[0]
    assert first.library_key == "users_per_year"
    assert first.dimension == ImpactDimension.USERS_REACHED
    assert first.name == fr("People who used the service in the year")
    assert (first.unit, first.source) == (fr("people"), fr("The service's own records"))
    assert (first.baseline, first.target) == (Decimal(0), Decimal(400))
    assert [r.months for r in plan.reports] == [6, 12, 24]
    page = text(client.get(_setup_url(project)))
    assert fr("%(num)d-month report", num=6).capitalize() in page


def test_a_library_indicator_keeps_what_the_team_changed(client, world):
    plan = _started(world)
    sign_in_as(client, world["lead"])
    rows = [{**LIBRARY_ROWS[0], "name": "Aidants accompagnés", "unit": "aidants"}]

    post_form(client, _setup_url(world["laureate"]), setup_data(plan, rows))

    [indicator] = _plan(world["laureate"]).indicators
    assert (indicator.name, indicator.unit, indicator.method) == (
        "Aidants accompagnés", "aidants", fr("Count of distinct users over twelve months"))


def test_an_own_indicator_takes_its_dimension_and_numbers_typed_the_french_way(client, world):
    plan = _started(world)
    sign_in_as(client, world["lead"])
    own = {"dimension": "inclusion", "name": "Droits ouverts", "unit": "personnes", "baseline": "1 200",
           "target": "2 500,5", "source": "Registre de la CAF", "method": "Comptage mensuel"}

    response = post_form(client, _setup_url(world["laureate"]), setup_data(plan, [own]))

    assert response.status_code == 302
    [indicator] = _plan(world["laureate"]).indicators
    assert indicator.library_key is None and indicator.dimension == ImpactDimension.INCLUSION
    assert (indicator.baseline, indicator.target) == (Decimal("1200"), Decimal("2500.5"))
    assert not indicator.published  # its box was not ticked


def test_too_few_indicators_keep_the_draft_and_list_what_is_missing(client, world):
    plan = _started(world)
    project = world["laureate"]
    sign_in_as(client, world["lead"])

    response = post_form(client, _setup_url(project), setup_data(plan, LIBRARY_ROWS[:2], action="launch"))

    assert response.status_code == 302 and response.headers["Location"] == f"{_setup_url(project)}?check=1"
    plan = _plan(project)
    assert plan.status == ImpactPlanStatus.DRAFT and len(plan.indicators) == 2
    page = text(client.get(response.headers["Location"]))
    assert fr("What is still needed to launch the follow-up") in page
    assert '<a href="#indicators-0-library_key">' in page
    assert nfr("Between %(min)d and %(max)d indicators are needed: there is %(num)d.",
               "Between %(min)d and %(max)d indicators are needed: there are %(num)d.", 2, min=3, max=5) in page


def test_an_incomplete_indicator_is_marked_on_its_row(client, world):
    plan = _started(world)
    sign_in_as(client, world["lead"])
    rows = [*LIBRARY_ROWS[:2], {"dimension": "other", "name": "Bénévoles formés", "unit": "bénévoles"}]

    response = post_form(client, _setup_url(world["laureate"]), setup_data(plan, rows, action="launch"))
    page = text(client.get(response.headers["Location"]))

    assert f'<a href="#indicators-2-baseline">{fr("Indicator %(row)d", row=3)}' in page
    assert page.count(fr("Needed to launch the follow-up.")) == 2  # its baseline and its target


def test_more_than_five_indicators_are_refused_with_what_was_typed(client, world):
    plan = _started(world)
    sign_in_as(client, world["lead"])
    rows = [{"dimension": "other", "name": f"Indicateur numéro {n}", "unit": "u", "baseline": "0", "target": "1"}
            for n in range(6)]

    response = post_form(client, _setup_url(world["laureate"]), setup_data(plan, rows))

    assert response.status_code == 422
    page = text(response)
    assert fr("A follow-up has at most %(max)d indicators: clear the rows you do not need. Nothing was saved.",
              max=5) in page
    assert 'value="Indicateur numéro 5"' in page
    assert _plan(world["laureate"]).indicators == []


def test_a_number_that_cannot_be_read_is_refused_with_what_was_typed(client, world):
    plan = _started(world)
    sign_in_as(client, world["lead"])
    rows = [{**LIBRARY_ROWS[0], "baseline": "douze"}]

    response = post_form(client, _setup_url(world["laureate"]), setup_data(plan, rows))

    assert response.status_code == 422
    page = text(response)
    assert 'value="douze"' in page and '<a href="#indicators-0-baseline">' in page
    assert _plan(world["laureate"]).indicators == []


def test_a_stale_save_is_refused_and_keeps_what_was_typed(client, world):
    plan = _started(world)
    project = world["laureate"]
    opened_at = plan.version
    # A teammate saves first.
    plans.save_plan(plan=plan, actor=world["co"], version=plan.version, texts={**TEXTS, "problem": "Version de Bruno"},
                    indicators=[], published=False)
    db.session.commit()
    sign_in_as(client, world["lead"])

    response = post_form(client, _setup_url(project), setup_data(
        plan, LIBRARY_ROWS, version=opened_at, texts={**TEXTS, "problem": "Version d'Aïcha"}))

    assert response.status_code == 409
    page = text(response)
    assert "Version d'Aïcha" in page
    assert fr("Someone else changed the follow-up while you were editing") in page
    # Saving again from here replaces the teammate's version, knowingly: the form carries the saved version.
    assert f'name="version" type="hidden" value="{_plan(project).version}"' in page
    assert _plan(project).problem == "Version de Bruno"


def test_an_active_follow_up_stays_complete(client, world):
    plan = factories.impact_plan(project=world["laureate"])
    sign_in_as(client, world["lead"])
    rows = [{"id": str(i.id), "library_key": i.library_key or "", "dimension": i.dimension.value, "name": i.name,
             "unit": i.unit, "baseline": str(i.baseline), "target": str(i.target)} for i in plan.indicators]

    response = post_form(client, _setup_url(world["laureate"]), setup_data(
        plan, rows, texts={**TEXTS, "impacts": "  "}))

    assert response.status_code == 422
    page = text(response)
    assert fr("The follow-up is under way, so it must stay complete: nothing was saved. Complete what is listed "
              "below.") in page
    assert '<a href="#impacts">' in page and "Des aidants moins seuls." in page
    assert _plan(world["laureate"]).impacts == "Moins d'hospitalisations d'aidants."


# --- reports --------------------------------------------------------------------------------------------------

@pytest.fixture
def followed(world):
    plan = factories.impact_plan(project=world["laureate"])
    return {**world, "plan": plan}


def _report(plan, months: int) -> ImpactReport:
    db.session.expire_all()
    return db.session.scalar(db.select(ImpactReport).where(ImpactReport.plan_id == plan.id,
                                                           ImpactReport.months == months))


def report_data(plan, months: int, values=("120", "15", "60"), **fields) -> dict:
    report = _report(plan, months)
    data = {f"value_{i.id}": v for i, v in zip(plan.indicators, values)}
    return {"version": str(report.version), **data, **fields}


def test_the_report_page_shows_each_indicator_with_its_unit_baseline_and_target(client, followed):
    sign_in_as(client, followed["lead"])

    page = text(client.get(_report_url(followed["laureate"], 6)))

    first = followed["plan"].indicators[0]
    assert f'<label for="value_{first.id}">{first.name} <span class="muted">({first.unit})</span>' in page
    assert fr("Baseline: %(baseline)s · target: %(target)s", baseline="0 personnes", target="400 personnes") in page
    assert fr(LEVEL_2) in page
    assert "js/impact-report.js" in page


def test_a_background_save_answers_in_json(client, followed):
    plan, project = followed["plan"], followed["laureate"]
    sign_in_as(client, followed["lead"])
    before = _report(plan, 6).version

    response = post_form(client, _report_url(project, 6), {**report_data(plan, 6, users_reached="1 200"),
                                                           "action": "background"})

    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    report = _report(plan, 6)
    assert body["version"] == report.version == before + 1
    assert body["saved_at"].startswith(report.updated_at.date().isoformat())
    assert re.fullmatch(r"Brouillon enregistré à \d{1,2} h \d{2}", body["message"])
    assert report.status == ImpactReportStatus.DRAFT and report.users_reached == 1200


def test_a_background_save_after_another_one_is_refused_in_json(client, followed):
    plan, project = followed["plan"], followed["laureate"]
    sign_in_as(client, followed["lead"])
    stale = report_data(plan, 6)
    post_form(client, _report_url(project, 6), {**report_data(plan, 6), "action": "background"})

    response = post_form(client, _report_url(project, 6), {**stale, "values": "x", "action": "background"})

    assert response.status_code == 409
    assert response.get_json()["error"] == "stale"
    assert response.get_json()["version"] == _report(plan, 6).version


def test_a_stale_save_keeps_what_was_typed(client, followed):
    plan, project = followed["plan"], followed["laureate"]
    sign_in_as(client, followed["co"])
    stale = report_data(plan, 6, worked="Ce que Bruno a écrit")
    post_form(client, _report_url(project, 6), report_data(plan, 6, worked="Ce qu'Aïcha a écrit"))

    response = post_form(client, _report_url(project, 6), {**stale, "action": "save"})

    assert response.status_code == 409
    page = text(response)
    assert "Ce que Bruno a écrit" in page
    assert fr("Someone else saved this report while you were editing") in page
    assert _report(plan, 6).worked == "Ce qu'Aïcha a écrit"


def test_a_value_that_cannot_be_read_is_refused_beside_its_field(client, followed):
    plan, project = followed["plan"], followed["laureate"]
    sign_in_as(client, followed["lead"])
    first = plan.indicators[0]

    response = post_form(client, _report_url(project, 6), report_data(plan, 6, ("cent vingt", "15", "60"),
                                                                      cost_to_date="9 000,50 €", action="save"))

    assert response.status_code == 422
    page = text(response)
    assert f'<a href="#value_{first.id}">{first.name}' in page
    assert fr("Enter a number, for example 12,5 or 50 000.") in page
    assert 'value="cent vingt"' in page and 'value="9 000,50 €"' in page
    assert _report(plan, 6).status == ImpactReportStatus.PENDING


def test_submitting_needs_every_value_and_keeps_the_draft(client, followed):
    plan, project = followed["plan"], followed["laureate"]
    sign_in_as(client, followed["lead"])
    second = plan.indicators[1]

    response = post_form(client, _report_url(project, 6), report_data(plan, 6, ("120", "", "60"), action="submit"))

    assert response.status_code == 422
    page = text(response)
    assert f'<a href="#value_{second.id}">{second.name}' in page
    assert '<a href="#evidence_level-0">' in page and '<a href="#readiness-0">' in page
    report = _report(plan, 6)
    assert report.status == ImpactReportStatus.DRAFT and report.value_of(plan.indicators[0]) == Decimal(120)
    assert f'name="version" type="hidden" value="{report.version}"' in page


def test_a_submitted_report_reaches_the_organisers_by_email(client, followed, mailbox):
    plan, project = followed["plan"], followed["laureate"]
    sign_in_as(client, followed["lead"])

    response = post_form(client, _report_url(project, 6), report_data(
        plan, 6, evidence_level="2", readiness="3", users_reached="350", cost_to_date="12 000", action="submit"))

    assert response.status_code == 302
    report = _report(plan, 6)
    assert report.status == ImpactReportStatus.SUBMITTED and report.cost_to_date == Decimal("12000")
    outbox.deliver_pending()
    [email] = mailbox.to("sophie@region.fr")
    assert email["Subject"] == fr("Follow-up report submitted: “%(title)s”, %(months)d months",
                                  title="Conciergerie solidaire des aidants", months=6)
    body = mailbox.text(email)
    assert fr(LEVEL_2) in body
    assert mailbox.link(email, "/submissions/") == _report_url(project, 6)
    assert mailbox.to("aicha@ville.fr") == []
    # The organiser reads it; nobody changes it any more.
    sign_in_as(client, followed["organiser"])
    page = text(client.get(_report_url(project, 6)))
    assert "350" in page and 'id="report-form"' not in page
    sign_in_as(client, followed["lead"])
    refused = post_form(client, _report_url(project, 6), report_data(plan, 6, action="save"))
    assert refused.status_code == 409
    assert fr("This report is submitted: it can be read, no longer changed.") in text(refused)


def test_organisers_do_not_read_a_draft(client, followed):
    plan, project = followed["plan"], followed["laureate"]
    sign_in_as(client, followed["lead"])
    post_form(client, _report_url(project, 6), report_data(plan, 6, worked="Notes de travail de l'équipe"))
    sign_in_as(client, followed["organiser"])

    page = text(client.get(_report_url(project, 6)))

    assert "Notes de travail de l'équipe" not in page
    assert fr("The team has not submitted this report yet. Its draft is the team's own: you will read the report "
              "once it is submitted.") in page


def test_a_later_report_may_be_filled_in_advance(client, followed):
    plan, project = followed["plan"], followed["laureate"]
    sign_in_as(client, followed["lead"])

    page = text(client.get(_report_url(project, 24)))
    assert fr("You are filling this report in advance: the %(report)s is still open.",
              report=fr("%(num)d-month report", num=6)) in page
    response = post_form(client, _report_url(project, 24), report_data(plan, 24, action="save"))

    assert response.status_code == 302
    assert _report(plan, 24).status == ImpactReportStatus.DRAFT
    assert _report(plan, 6).status == ImpactReportStatus.PENDING


def test_a_milestone_the_call_does_not_have_is_not_found(client, followed):
    sign_in_as(client, followed["lead"])
    assert client.get(_report_url(followed["laureate"], 9)).status_code == 404


# --- attachments ----------------------------------------------------------------------------------------------

def _upload(client, project, months, data: bytes, name: str):
    url = _report_url(project, months)
    token = form_token(client.get(url).get_data(as_text=True))
    return client.post(f"{url}/documents", data={"csrf_token": token, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_an_attachment_is_uploaded_listed_and_downloaded(client, followed):
    project = followed["laureate"]
    sign_in_as(client, followed["lead"])

    response = _upload(client, project, 6, factories.PDF_BYTES, "enquête usagers.pdf")

    assert response.status_code == 302
    [document] = _report(followed["plan"], 6).documents
    page = client.get(_report_url(project, 6)).get_data(as_text=True)
    url = f"{_report_url(project, 6)}/documents/{document.id}"
    assert f'href="{url}"' in page
    download = client.get(url)
    assert download.status_code == 200 and download.data == factories.PDF_BYTES
    assert download.headers["Cache-Control"] == "private, no-store"
    # The organisers see it with the submitted report only.
    sign_in_as(client, followed["organiser"])
    assert client.get(url).status_code == 404
    factories.impact_report(followed["plan"], 6, values=(1, 2, 3))
    assert client.get(url).status_code == 200


def test_an_attachment_that_is_not_a_document_is_refused(client, followed):
    sign_in_as(client, followed["lead"])

    response = _upload(client, followed["laureate"], 6, b"#!/bin/sh\necho bonjour\n", "script.sh")

    assert response.status_code == 422
    assert fr("This type of file is not accepted: attach a PDF, an ODT or DOCX document, or a PNG or JPEG "
              "image.") in text(response)
    assert _report(followed["plan"], 6).documents == []


def test_an_attachment_is_removed_while_the_report_is_not_submitted(client, followed):
    project = followed["laureate"]
    sign_in_as(client, followed["lead"])
    _upload(client, project, 6, factories.PDF_BYTES, "note.pdf")
    _upload(client, project, 6, factories.PDF_BYTES, "autre.pdf")
    first, second = _report(followed["plan"], 6).documents

    removed = post_form(client, f"{_report_url(project, 6)}/documents/{first.id}/delete", {},
                        page=_report_url(project, 6))
    assert removed.status_code == 302
    factories.impact_report(followed["plan"], 6, values=(1, 2, 3))
    refused = post_form(client, f"{_report_url(project, 6)}/documents/{second.id}/delete", {},
                        page=_report_url(project, 6))

    assert refused.status_code == 409
    assert [d.display_name for d in _report(followed["plan"], 6).documents] == ["autre.pdf"]
