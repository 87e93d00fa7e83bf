"""The economic-model grid as teams type it: in a project (services.submissions.save and what a project needs
before it is submitted), in an innovation record (records.clean, the first version copied from the project),
and the call's settings that go with it (the section switched on, the follow-up milestones)."""
from __future__ import annotations

from datetime import datetime

import pytest

from prizeapp.core import impact as impact_core
from prizeapp.enums import DecisionOutcome, SubmissionStatus
from prizeapp.extensions import db
from prizeapp.models.types import utcnow
from prizeapp.services import calls, submissions
from prizeapp.services.calls import CallError
from prizeapp.services.innovations import content, records
from prizeapp.services.submissions import InvalidAnswers, SubmissionError

from .. import factories


@pytest.fixture(autouse=True)
def _request(app):
    # Receipts carry absolute links, built from the request.
    with app.test_request_context():
        yield


def _core(**values: str) -> dict[str, list[str]]:
    base = {"title": "Conciergerie des aidants", "summary": "Des relais pour les aidants.",
            "description": "Une conciergerie tenue par des bénévoles."}
    return {name: [value] for name, value in {**base, **values}.items()}


def _grid(**values: str) -> dict[str, list[str]]:
    """The grid as the form posts it (names without the "model-" prefix): complete unless told otherwise."""
    base = {"beneficiaries": "Les aidants familiaux de la ville", "funding": "La ville et la CAF",
            "cost_setup": "15 000", "cost_recurring": "9 000,50 €", "share_public_subsidy": "60",
            "until_public_subsidy": "31/12/2026", "share_earned_income": "40 %"}
    return {name: [value] for name, value in {**base, **values}.items()}


def _project(*, section: bool = True):
    call = factories.call()
    call.economic_model_section = section
    db.session.commit()
    lead = factories.user()
    draft = submissions.create_draft(call=call, user=lead, title="Conciergerie des aidants")
    return draft, lead


# --- the project's grid -------------------------------------------------------------------------------

def test_the_grid_typed_the_french_way_is_stored_as_one_dict():
    draft, lead = _project()
    submissions.save(submission=draft, user=lead, version=draft.version, core=_core(), answers={},
                     economic_model=_grid(partners="Association des aidants"))
    db.session.commit()
    db.session.refresh(draft)
    assert draft.economic_model == {
        "beneficiaries": "Les aidants familiaux de la ville", "funding": "La ville et la CAF",
        "partners": "Association des aidants", "cost_setup": "15000.00", "cost_recurring": "9000.50",
        "resources": [{"kind": "public_subsidy", "share": 60, "secured_until": "2026-12-31"},
                      {"kind": "earned_income", "share": 40}]}


def test_the_grids_problems_are_keyed_by_model_names_and_nothing_is_saved():
    draft, lead = _project()
    version = draft.version
    with pytest.raises(InvalidAnswers) as refused:
        submissions.save(submission=draft, user=lead, version=version, core=_core(summary=""), answers={},
                         economic_model=_grid(cost_setup="quinze mille", share_earned_income="30",
                                              until_in_kind="2027-06-30"))
    problems = {key: (p.code, p.params) for key, p in refused.value.problems.items()}
    assert problems == {"model-cost_setup": ("not_an_amount", {}), "model-share_in_kind": ("share_needed", {})}
    with pytest.raises(InvalidAnswers) as refused:
        submissions.save(submission=draft, user=lead, version=version, core=_core(), answers={},
                         economic_model=_grid(share_earned_income="30"))
    assert {k: (p.code, p.params) for k, p in refused.value.problems.items()} == {
        "model-resources": ("shares_not_100", {"total": 90})}
    db.session.rollback()
    assert (draft.economic_model, draft.version) == (None, version)


def test_a_call_without_the_section_keeps_no_grid():
    draft, lead = _project(section=False)
    submissions.save(submission=draft, user=lead, version=draft.version, core=_core(), answers={},
                     economic_model=_grid(cost_setup="quinze mille"))
    assert draft.economic_model is None
    assert submissions.missing_items(draft) == []


def test_a_grid_left_out_of_the_post_stays_as_it_is():
    draft, lead = _project()
    submissions.save(submission=draft, user=lead, version=draft.version, core=_core(), answers={},
                     economic_model=_grid())
    stored = dict(draft.economic_model)
    submissions.save(submission=draft, user=lead, version=draft.version, core=_core(summary="Autre résumé"),
                     answers={})
    assert (draft.summary, draft.economic_model) == ("Autre résumé", stored)


def test_what_the_grid_lacks_is_missing_before_submitting_in_the_forms_order():
    draft, lead = _project()
    factories.question(call=draft.call, label="Calendrier", required=True)
    submissions.save(submission=draft, user=lead, version=draft.version, core=_core(description=""), answers={},
                     economic_model=_grid(funding="", cost_setup="", cost_recurring="", share_public_subsidy="",
                                          until_public_subsidy="", share_earned_income=""))
    key = draft.call.questions[0].key
    assert submissions.missing_items(draft) == ["description", "model-funding", "model-costs", "model-resources",
                                                key]
    with pytest.raises(SubmissionError) as refused:
        submissions.submit(submission=draft, user=lead)
    assert refused.value.code == "incomplete"
    assert "model-costs" in refused.value.params["missing"]


def test_the_same_grid_sent_again_from_an_older_version_is_no_conflict():
    draft, lead = _project()
    submissions.save(submission=draft, user=lead, version=draft.version, core=_core(), answers={},
                     economic_model=_grid())
    db.session.commit()
    version = draft.version
    # A double click, or the form sent again: the same words, typed the same way or not.
    submissions.save(submission=draft, user=lead, version=version - 1, core=_core(), answers={},
                     economic_model=_grid(cost_setup="15000,00", share_earned_income="40"))
    assert draft.version == version
    with pytest.raises(SubmissionError) as stale:
        submissions.save(submission=draft, user=lead, version=version - 1, core=_core(), answers={},
                         economic_model=_grid(cost_setup="16 000"))
    assert stale.value.code == "stale"


def test_a_submitted_project_keeps_its_grid_complete():
    draft, lead = _project()
    submissions.save(submission=draft, user=lead, version=draft.version, core=_core(), answers={},
                     economic_model=_grid())
    assert submissions.submit(submission=draft, user=lead) is True
    stored = dict(draft.economic_model)
    with pytest.raises(SubmissionError) as refused:
        submissions.save(submission=draft, user=lead, version=draft.version, core=_core(), answers={},
                         economic_model=_grid(share_public_subsidy="", until_public_subsidy="",
                                              share_earned_income=""))
    assert (refused.value.code, refused.value.params) == ("submitted_must_stay_complete",
                                                          {"missing": ["model-resources"]})
    assert draft.economic_model == stored


# --- the record's grid --------------------------------------------------------------------------------

def test_a_record_started_from_a_project_copies_its_grid():
    call = factories.results_call()
    lead = factories.user()
    grid = {"beneficiaries": "Les aidants", "funding": "La ville", "cost_setup": "15000.00",
            "costs_avoided": "40000.00", "local_costs": "Un coordinateur à mi-temps",
            "resources": [{"kind": "public_subsidy", "share": 100, "secured_until": "2026-12-31"}]}
    project = factories.submission(call=call, lead=lead, status=SubmissionStatus.SUBMITTED, economic_model=grid)
    factories.decision(project, DecisionOutcome.LAUREATE)
    record = records.start(submission=project, actor=lead)
    first = records.latest(record).content
    assert {name: first.get(name) for name in grid} == grid
    assert first["title"] == project.title


def test_clean_keeps_the_grids_keys_in_their_shape():
    cleaned = records.clean({
        "payer_value": "  Des économies  ", "partners": "CAF", "costs_avoided": "40000", "human_resources": "",
        "resources": [
            {"kind": "earned_income", "share": 40},
            {"kind": "public_subsidy", "share": 60, "secured_until": "2026-12-31"},
            {"kind": "public_subsidy", "share": 10},  # a kind twice: the first one counts
            {"kind": "lottery", "share": 5}, {"kind": "in_kind", "share": "20"}, {"kind": "pooling", "share": 0},
            {"kind": "private_funding", "share": True}, {"kind": "public_purchase", "share": 101},
            {"kind": "in_kind", "share": 5, "secured_until": "31/12/2026"}, "not a resource"]})
    assert cleaned == {"payer_value": "Des économies", "partners": "CAF", "costs_avoided": "40000.00",
                       "resources": [{"kind": "public_subsidy", "share": 60, "secured_until": "2026-12-31"},
                                     {"kind": "earned_income", "share": 40}, {"kind": "in_kind", "share": 5}]}


def test_a_change_of_shares_is_a_changed_field_of_the_record():
    before = {"resources": [{"kind": "public_subsidy", "share": 100}], "partners": "CAF"}
    after = {"resources": [{"kind": "public_subsidy", "share": 60}, {"kind": "earned_income", "share": 40}],
             "partners": "CAF", "local_costs": "Un local"}
    assert content.changed_fields(before, after) == ["resources", "local_costs"]
    assert all(name in content.LABELS for section in content.SECTIONS for name in section.fields)


# --- the call's settings ------------------------------------------------------------------------------

def test_new_milestones_move_the_due_dates_of_the_follow_ups_under_way():
    results_at = datetime(2026, 1, 15, 17, 0, tzinfo=utcnow().tzinfo)
    plan = factories.impact_plan(project=factories.laureate(call=factories.results_call(results_at=results_at)))
    organiser = factories.user()
    assert sorted(r.months for r in plan.reports) == [6, 12, 24]
    changed = calls.update_call(call=plan.call, actor=organiser, impact_milestones=[18, 3, 18])
    assert changed == ["impact_milestones"] and plan.call.impact_milestones == [3, 18]
    db.session.refresh(plan)
    assert {r.months: r.due_at for r in plan.reports} == {
        3: impact_core.add_months(results_at, 3), 18: impact_core.add_months(results_at, 18)}


def test_milestones_out_of_range_are_refused():
    call = factories.call()
    with pytest.raises(CallError) as refused:
        calls.update_call(call=call, actor=factories.user(), impact_milestones=[6, 500])
    assert (refused.value.code, refused.value.params) == ("milestones_invalid", {"max": impact_core.MAX_MONTHS})
    assert call.impact_milestones is None


def test_switching_the_section_on_is_recorded_as_a_change():
    call = factories.call()
    assert calls.update_call(call=call, actor=factories.user(), economic_model_section=True) == [
        "economic_model_section"]
    assert call.economic_model_section is True
