"""The economic-model grid as people type it, through HTTP: the section of the submission form (when the call
asks for it), the grid in the innovation record's editor, and the call's settings that switch it on and set the
follow-up milestones."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from prizeapp.core import impact as impact_core
from prizeapp.enums import CallRoleKind, DecisionOutcome, SubmissionStatus
from prizeapp.extensions import db
from prizeapp.models import Call, Submission
from prizeapp.models.types import utcnow
from prizeapp.services.innovations import records

from .. import factories
from ..conftest import form_token, fr, post_form, sign_in_as, text

SHARES_HINT = "The shares add up to %(total)d %%: they must add up to 100 %%."


def _field_error(page: str, name: str) -> str:
    match = re.search(rf'<p class="field__error" id="{re.escape(name)}-error">(.*?)</p>', page, re.S)
    return match.group(1) if match else ""


def _value(page: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*\bname="{re.escape(name)}"[^>]*>', page)
    if match is None:
        return None
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


# --- the submission form ------------------------------------------------------------------------------

@pytest.fixture
def project():
    call = factories.call(title="Prix de l'innovation territoriale")
    call.economic_model_section = True
    db.session.commit()
    return factories.submission(call=call, title="Conciergerie des aidants")


def _lead(submission: Submission):
    return next(m.user for m in submission.members)


def _send(client, submission, data: dict, action: str = "save"):
    html = client.get(f"/submissions/{submission.id}").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    core = {"title": submission.title, "summary": submission.summary, "description": submission.description}
    return client.post(f"/submissions/{submission.id}", data={"csrf_token": form_token(html), "version": version,
                                                              "action": action, **core, **data})


GRID = {"model-beneficiaries": "Les aidants familiaux", "model-funding": "La ville et la CAF",
        "model-cost_setup": "15 000", "model-cost_recurring": "9 000,50 €", "model-share_public_subsidy": "60",
        "model-until_public_subsidy": "2026-12-31", "model-share_earned_income": "40",
        "model-partners": "Association des aidants"}


def test_the_section_is_in_the_form_only_when_the_call_asks_for_it(client, project):
    sign_in_as(client, _lead(project))
    page = text(client.get(f"/submissions/{project.id}"))
    assert 'id="economic-model"' in page and fr("Economic model") in page
    assert 'name="model-cost_setup"' in page and 'name="model-share_pooling"' in page
    assert 'type="date"' in re.search(r'<input[^>]*name="model-until_in_kind"[^>]*>', page).group(0)
    assert "js/economic-model-form.js" in page and "css/economic-model-form.css" in page
    project.call.economic_model_section = False
    db.session.commit()
    page = text(client.get(f"/submissions/{project.id}"))
    assert 'id="economic-model"' not in page and "model-cost_setup" not in page
    assert "economic-model-form.js" not in page


def test_the_grid_is_saved_and_shown_again_as_typed_the_french_way(client, project):
    sign_in_as(client, _lead(project))
    response = _send(client, project, GRID)
    assert response.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Submission, project.id).economic_model
    assert stored["cost_recurring"] == "9000.50" and stored["partners"] == "Association des aidants"
    assert stored["resources"] == [{"kind": "public_subsidy", "share": 60, "secured_until": "2026-12-31"},
                                   {"kind": "earned_income", "share": 40}]
    page = text(client.get(f"/submissions/{project.id}"))
    assert (_value(page, "model-cost_setup"), _value(page, "model-cost_recurring")) == ("15000", "9000,50")
    assert _value(page, "model-until_public_subsidy") == "2026-12-31"
    assert fr("%(total)d %%", total=100) in page.split('id="model-shares-total"')[1].split("</output>")[0]


def test_shares_that_do_not_add_up_are_refused_with_everything_typed_kept(client, project):
    sign_in_as(client, _lead(project))
    response = _send(client, project, {**GRID, "model-share_earned_income": "30", "model-local_costs": "Un local"})
    assert response.status_code == 422
    page = text(response)
    said = fr(SHARES_HINT, total=90)
    assert "doivent faire 100" in said
    assert said in _field_error(page, "model-resources")
    summary = page.split('id="problems"')[1].split("</div>")[0]
    assert said in summary and '<a href="#model-share_own_budget">' in summary
    assert (_value(page, "model-share_earned_income"), _value(page, "model-cost_recurring")) == ("30", "9 000,50 €")
    assert "Un local" in page
    assert fr("%(total)d %%", total=90) in page.split('id="model-shares-total"')[1].split("</output>")[0]
    db.session.expire_all()
    assert db.session.get(Submission, project.id).economic_model is None


def test_each_problem_of_the_grid_is_said_beside_its_field(client, project):
    sign_in_as(client, _lead(project))
    response = _send(client, project, {**GRID, "model-cost_setup": "quinze mille", "model-cost_per_user": "-5",
                                       "model-share_earned_income": "quarante", "model-until_pooling": "2027-01-31"})
    assert response.status_code == 422
    page = text(response)
    assert fr("Enter an amount in euros, for example 15 000 or 12,50.") in _field_error(page, "model-cost_setup")
    assert fr("Enter a positive amount.") in _field_error(page, "model-cost_per_user")
    assert fr("Enter a whole percent, for example 60.") in _field_error(page, "model-share_earned_income")
    assert fr("Give the share of this resource, or clear its date.") in _field_error(page, "model-share_pooling")
    assert 'aria-invalid="true"' in page.split('id="model-share_pooling"')[1].split(">")[0]


def test_what_the_grid_lacks_is_listed_with_links_to_its_fields(client, project):
    sign_in_as(client, _lead(project))
    response = _send(client, project, {"model-beneficiaries": "Les aidants"}, action="submit")
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    missing = page.split('id="problems"')[1].split("</div>")[0]
    assert f'<a href="#model-funding">{fr("Who pays for it")}' in missing
    assert f'<a href="#model-cost_setup">{fr("Set-up or running cost")}' in missing
    assert f'<a href="#model-share_own_budget">{fr("Resources by kind")}' in missing
    assert "model-beneficiaries" not in missing
    assert fr("Answer this question before submitting.") in _field_error(page, "model-costs")
    assert db.session.get(Submission, project.id).status == SubmissionStatus.DRAFT


def test_a_project_with_its_grid_complete_is_submitted(client, project):
    sign_in_as(client, _lead(project))
    assert _send(client, project, GRID, action="submit").status_code == 302
    db.session.expire_all()
    assert db.session.get(Submission, project.id).status == SubmissionStatus.SUBMITTED


def test_after_the_deadline_the_team_reads_its_answers(client, project):
    sign_in_as(client, _lead(project))
    _send(client, project, GRID)
    project.call.submission_deadline = utcnow() - timedelta(minutes=1)
    project.call.opens_at = utcnow() - timedelta(days=3)
    db.session.commit()
    page = text(client.get(f"/submissions/{project.id}"))
    assert "model-cost_setup" not in page
    content = page.split('id="content-title"')[1]
    assert fr("Who pays for it") in content and "La ville et la CAF" in content
    assert fr("%(kind)s: %(share)s", kind=fr("Earned income (sales, fees)"), share=fr("%(share)d %%", share=40)) \
        in content


# --- the innovation record's editor ---------------------------------------------------------------------

@pytest.fixture
def record():
    call = factories.results_call(title="Prix de l'innovation territoriale")
    lead = factories.user(first_name="Aïcha")
    grid = {"beneficiaries": "Les aidants", "funding": "La ville", "cost_setup": "15000.00",
            "human_resources": "Une coordinatrice à mi-temps",
            "resources": [{"kind": "public_subsidy", "share": 100, "secured_until": "2026-12-31"}]}
    project = factories.submission(call=call, lead=lead, status=SubmissionStatus.SUBMITTED, economic_model=grid,
                                   title="Conciergerie des aidants")
    factories.decision(project, DecisionOutcome.LAUREATE)
    innovation = records.start(submission=project, actor=lead)
    db.session.commit()
    return innovation, lead


def _record_data(innovation, **extra) -> dict:
    content = records.latest(innovation).content
    data = {name: content[name] for name in ("title", "summary", "solution", "beneficiaries", "funding",
                                             "human_resources", "territory_name") if content.get(name)}
    data.update({"cost_setup": "15000", "share_public_subsidy": "100", "until_public_subsidy": "2026-12-31"})
    return {**data, "based_on": str(records.latest(innovation).number), **extra}


def test_the_record_started_from_a_project_shows_its_grid_in_the_editor(client, record):
    innovation, lead = record
    sign_in_as(client, lead)
    page = text(client.get(f"/innovations/{innovation.slug}/edit"))
    section = page.split('id="section-costs"')[1].split("</section>")[0]
    assert _value(section, "cost_setup") == "15000" and _value(section, "share_public_subsidy") == "100"
    assert _value(section, "until_public_subsidy") == "2026-12-31"
    assert "Une coordinatrice à mi-temps" in section and 'name="economic_model"' in section
    assert 'name="beneficiaries"' not in section  # asked with the solution
    assert page.count('name="beneficiaries"') == 1


def test_the_record_saves_the_grid_flat_in_its_content(client, record):
    innovation, lead = record
    sign_in_as(client, lead)
    data = _record_data(innovation, share_public_subsidy="70", share_in_kind="30", costs_avoided="40 000",
                        costs_avoided_how="Moins de placements", local_costs="Un local", partners="La CAF")
    response = post_form(client, f"/innovations/{innovation.slug}/edit", data)
    assert response.status_code == 302
    db.session.expire_all()
    content = records.latest(innovation).content
    assert content["resources"] == [{"kind": "public_subsidy", "share": 70, "secured_until": "2026-12-31"},
                                    {"kind": "in_kind", "share": 30}]
    assert (content["costs_avoided"], content["local_costs"], content["partners"]) == (
        "40000.00", "Un local", "La CAF")
    history = text(client.get(f"/innovations/{innovation.slug}/edit")).split('id="versions"')[1]
    assert fr("Resources by kind") in history and fr("Partners and alliances") in history


def test_the_record_refuses_shares_that_do_not_add_up_beside_the_field(client, record):
    innovation, lead = record
    sign_in_as(client, lead)
    data = _record_data(innovation, share_public_subsidy="50", share_earned_income="20", partners="La CAF")
    response = post_form(client, f"/innovations/{innovation.slug}/edit", data)
    assert response.status_code == 422
    page = text(response)
    assert fr(SHARES_HINT, total=70) in _field_error(page, "resources")
    summary = page.split('id="problems"')[1].split("</div>")[0]
    assert '<a href="#share_own_budget">' in summary
    assert (_value(page, "share_public_subsidy"), _value(page, "share_earned_income")) == ("50", "20")
    assert "La CAF" in page
    assert len(innovation.versions) == 1


# --- the call's settings --------------------------------------------------------------------------------

@pytest.fixture
def organiser_call():
    call = factories.results_call(results_at=datetime(2026, 1, 15, 17, 0, tzinfo=utcnow().tzinfo))
    organiser = factories.user()
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    return call, organiser


def _settings(call: Call, **overrides) -> dict:
    values = {"kind": call.kind.value, "title": call.title, "review_mode": call.review_mode.value,
              "reviewers_per_submission": str(call.reviewers_per_submission), "blind": call.blind.value,
              "opens_at": "2026-03-02T09:00", "submission_deadline": "2026-04-30T12:00",
              "review_deadline": "2026-06-01T18:00"}
    values.update(overrides)
    return {name: value for name, value in values.items() if value is not None}


def test_the_organiser_switches_the_section_on_and_sets_the_milestones(client, organiser_call):
    call, organiser = organiser_call
    sign_in_as(client, organiser)
    url = f"/manage/calls/{call.id}/settings"
    page = text(client.get(url))
    assert fr("Ask for the economic-model grid in the submission form") in page
    assert _value(page, "impact_milestones") == ""
    response = post_form(client, url, _settings(call, economic_model_section="y", impact_milestones="24; 6,12 , 36"))
    assert response.status_code == 302
    db.session.expire_all()
    call = db.session.get(Call, call.id)
    assert (call.economic_model_section, call.impact_milestones) == (True, [6, 12, 24, 36])
    page = text(client.get(url))
    assert _value(page, "impact_milestones") == "6, 12, 24, 36"
    assert re.search(r'<input[^>]*checked[^>]*name="economic_model_section"|'
                     r'<input[^>]*name="economic_model_section"[^>]*checked', page)
    # Unticked and emptied: the section goes, the milestones are the defaults again.
    assert post_form(client, url, _settings(call, impact_milestones="")).status_code == 302
    db.session.expire_all()
    call = db.session.get(Call, call.id)
    assert (call.economic_model_section, call.impact_milestones) == (False, None)


@pytest.mark.parametrize("typed", ["6, douze", "0, 6", "6, 200", "6.5"])
def test_milestones_that_cannot_be_read_are_refused_beside_the_field(client, organiser_call, typed):
    call, organiser = organiser_call
    sign_in_as(client, organiser)
    response = post_form(client, f"/manage/calls/{call.id}/settings", _settings(call, impact_milestones=typed))
    assert response.status_code == 400
    page = text(response)
    said = fr("Enter whole numbers of months from 1 to %(max)d, separated by commas, for example 6, 12, 24.",
              max=impact_core.MAX_MONTHS)
    assert said in _field_error(page, "impact_milestones")
    assert _value(page, "impact_milestones") == typed
    db.session.expire_all()
    assert db.session.get(Call, call.id).impact_milestones is None


def test_new_milestones_move_the_reports_of_the_follow_ups_under_way(client, organiser_call):
    call, organiser = organiser_call
    plan = factories.impact_plan(project=factories.laureate(call=call))
    six = next(r for r in plan.reports if r.months == 6)
    factories.impact_report(plan, 6, values=(10, 20, 30))  # written: it stays
    sign_in_as(client, organiser)
    response = post_form(client, f"/manage/calls/{call.id}/settings", _settings(call, impact_milestones="6, 9, 18"))
    assert response.status_code == 302
    db.session.expire_all()
    reports = {r.months: r for r in db.session.get(type(plan), plan.id).reports}
    assert sorted(reports) == [6, 9, 18]
    assert reports[6].id == six.id
    results_at = call.results_published_at
    assert reports[9].due_at == impact_core.add_months(results_at, 9)
    assert reports[18].due_at == impact_core.add_months(results_at, 18)
