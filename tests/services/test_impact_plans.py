from datetime import UTC, datetime
from decimal import Decimal

import pytest

from prizeapp.core import economic_model
from prizeapp.enums import (
    DecisionOutcome,
    ImpactDimension,
    ImpactPlanStatus,
    ImpactReportStatus,
    PublicDependency,
    ResourceKind,
    SubmissionStatus,
)
from prizeapp.extensions import db
from prizeapp.services.impact import library, plans
from tests import factories


def _lead(project):
    return project.members[0].user


def _indicators(n: int) -> list[plans.IndicatorInput]:
    return [plans.IndicatorInput(name=f"Indicateur {i}", dimension=ImpactDimension.USERS_REACHED, unit="personnes",
                                 baseline=Decimal(0), target=Decimal(100)) for i in range(n)]


TEXTS = {name: f"Texte {name}" for name in plans.PLAN_TEXTS}


def test_the_vocabularies_agree_with_the_core():
    assert tuple(k.value for k in ResourceKind) == economic_model.RESOURCE_KINDS
    assert {d.value for d in PublicDependency} == {"low", "mixed", "high"}


def test_every_library_indicator_has_a_unit_and_a_method(app):
    assert len(library.BY_KEY) == len(library.INDICATORS)
    with app.test_request_context():
        assert all(str(i.unit) and str(i.method) and str(i.source) for i in library.INDICATORS)
    assert {d for d, _ in library.by_dimension()} <= set(ImpactDimension)


def test_a_laureate_sets_up_its_follow_up_once_the_results_are_published(app):
    project = factories.laureate()

    plan = plans.start(submission=project, actor=_lead(project))

    assert plan.status == ImpactPlanStatus.DRAFT and not plan.opted_in
    assert plan.problem == project.summary
    assert plans.refusal_to_set_up(project, opt_in=False) == "already_set_up"


def test_before_the_results_nobody_is_followed(app):
    call = factories.call()
    project = factories.submission(call=call, status=SubmissionStatus.SUBMITTED)

    assert plans.refusal_to_set_up(project, opt_in=True) == "results_not_published"


def test_a_project_not_awarded_is_followed_only_if_its_team_opts_in(app):
    project = factories.laureate(outcome=DecisionOutcome.NOT_SELECTED)

    assert plans.refusal_to_set_up(project, opt_in=False) == "team_must_opt_in"
    plan = plans.start(submission=project, actor=_lead(project), opt_in=True)
    assert plan.opted_in


def test_a_draft_project_is_not_followed(app):
    call = factories.results_call()
    draft = factories.submission(call=call)

    with pytest.raises(plans.ImpactError) as error:
        plans.start(submission=draft, actor=_lead(draft), opt_in=True)
    assert error.value.code == "not_submitted"


def test_launching_creates_a_report_per_milestone_due_on_the_paris_calendar(app):
    results_at = datetime(2026, 8, 31, 16, 0, tzinfo=UTC)  # 18:00 in Paris, summer time
    project = factories.laureate(call=factories.results_call(results_at=results_at))
    plan = plans.start(submission=project, actor=_lead(project))

    missing = plans.save_plan(plan=plan, actor=_lead(project), version=plan.version, texts=TEXTS,
                              indicators=_indicators(3), published=True, activate=True)

    assert missing == []
    assert plan.status == ImpactPlanStatus.ACTIVE
    assert [(r.months, r.due_at, r.status) for r in plan.reports] == [
        (6, datetime(2027, 2, 28, 17, 0, tzinfo=UTC), ImpactReportStatus.PENDING),
        (12, datetime(2027, 8, 31, 16, 0, tzinfo=UTC), ImpactReportStatus.PENDING),
        (24, datetime(2028, 8, 31, 16, 0, tzinfo=UTC), ImpactReportStatus.PENDING)]


def test_a_plan_without_three_indicators_stays_a_draft_and_says_why(app):
    project = factories.laureate()
    plan = plans.start(submission=project, actor=_lead(project))

    missing = plans.save_plan(plan=plan, actor=_lead(project), version=plan.version,
                              texts={**TEXTS, "baseline": " "}, indicators=_indicators(2), published=False,
                              activate=True)

    assert missing == ["baseline", "indicators_count"]
    assert plan.status == ImpactPlanStatus.DRAFT and plan.reports == []


def test_an_indicator_needs_its_unit_baseline_and_target(app):
    indicator = plans.IndicatorInput(name="Usagers", dimension=ImpactDimension.USERS_REACHED, unit="")

    assert plans.plan_problems(TEXTS, [indicator, *_indicators(2)]) == ["indicator_incomplete"]


def test_more_than_five_indicators_are_refused(app):
    project = factories.laureate()
    plan = plans.start(submission=project, actor=_lead(project))

    with pytest.raises(plans.ImpactError) as error:
        plans.save_plan(plan=plan, actor=_lead(project), version=plan.version, texts=TEXTS,
                        indicators=_indicators(6), published=False)
    assert error.value.code == "too_many_indicators"


def test_a_save_from_an_older_version_is_refused(app):
    plan = factories.impact_plan()

    with pytest.raises(plans.ImpactError) as error:
        plans.save_plan(plan=plan, actor=_lead(plan.submission), version=plan.version - 1, texts=TEXTS,
                        indicators=_indicators(3), published=True)
    assert error.value.code == "stale"


def test_an_active_plan_cannot_lose_what_it_needs(app):
    plan = factories.impact_plan()

    with pytest.raises(plans.ImpactError) as error:
        plans.save_plan(plan=plan, actor=_lead(plan.submission), version=plan.version, texts=TEXTS,
                        indicators=_indicators(2), published=True)
    assert error.value.code == "active_must_stay_complete"
    assert error.value.params["missing"] == ["indicators_count"]


def test_an_indicator_kept_by_id_keeps_its_reported_values(app):
    plan = factories.impact_plan()
    first = plan.indicators[0]
    factories.impact_report(plan, 6, values=(120, 14, 60))
    kept = [plans.IndicatorInput(id=i.id, name=i.name + " (révisé)", dimension=i.dimension, unit=i.unit,
                                 baseline=i.baseline, target=i.target) for i in plan.indicators]

    plans.save_plan(plan=plan, actor=_lead(plan.submission), version=plan.version, texts=TEXTS, indicators=kept,
                    published=True)
    db.session.commit()

    assert plan.indicators[0].id == first.id and plan.indicators[0].name.endswith("(révisé)")
    assert plan.reports[0].value_of(plan.indicators[0]) == Decimal(120)


def test_changing_the_calls_milestones_moves_the_reports_not_yet_written(app):
    plan = factories.impact_plan()
    factories.impact_report(plan, 6, values=(1, 2, 3))
    factories.impact_report(plan, 24, values=(1, 2, 3), submitted=False)
    plan.call.impact_milestones = [6, 18]

    plans.sync_call(plan.call)

    assert sorted((r.months, r.status) for r in plan.reports) == [
        (6, ImpactReportStatus.SUBMITTED), (18, ImpactReportStatus.PENDING), (24, ImpactReportStatus.DRAFT)]


def test_the_latest_submitted_and_the_next_due_report(app):
    plan = factories.impact_plan()
    assert plans.latest_submitted(plan) is None
    factories.impact_report(plan, 6, values=(1, 2, 3))

    assert plans.latest_submitted(plan).months == 6
    assert plans.next_due(plan).months == 12
