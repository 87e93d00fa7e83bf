"""What a follow-up shows (services.impact.dashboards): each milestone's state at a given moment, each indicator
over time from submitted reports only, and the innovation's public summary."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from prizeapp.enums import EvidenceLevel, ReplicationReadiness
from prizeapp.extensions import db
from prizeapp.services.impact import dashboards

from .. import factories
from ..conftest import counted_queries

RESULTS_AT = datetime(2025, 1, 15, 17, 0, tzinfo=UTC)  # 18:00 in Paris


@pytest.fixture
def plan():
    project = factories.laureate(call=factories.results_call(results_at=RESULTS_AT))
    return factories.impact_plan(project=project)


def test_each_milestone_is_submitted_late_a_draft_or_not_started_at_a_given_moment(plan):
    factories.impact_report(plan, 6, values=(120, 14, 60))
    factories.impact_report(plan, 12, values=(200, 12, 65), submitted=False)
    due_12 = next(r.due_at for r in plan.reports if r.months == 12)
    board = dashboards.dashboard(plan, now=due_12 + timedelta(days=1))
    assert [(m.months, m.state, m.has_draft) for m in board.milestones] == [
        (6, "submitted", False), (12, "late", True), (24, "not_started", False)]
    assert board.next_report.months == 12
    # The due dates are months after the results on the Paris calendar (18:00 in Paris, summer time or not).
    assert [m.due_at for m in board.milestones] == [datetime(2025, 7, 15, 16, 0, tzinfo=UTC),
                                                    datetime(2026, 1, 15, 17, 0, tzinfo=UTC),
                                                    datetime(2027, 1, 15, 17, 0, tzinfo=UTC)]


def test_a_draft_before_its_due_date_is_a_draft_and_becomes_late_on_the_day(plan):
    factories.impact_report(plan, 6, values=(120,), submitted=False)
    due = next(r.due_at for r in plan.reports if r.months == 6)
    assert dashboards.dashboard(plan, now=due - timedelta(seconds=1)).milestones[0].state == "draft"
    assert dashboards.dashboard(plan, now=due).milestones[0].state == "late"
    assert dashboards.dashboard(plan, now=RESULTS_AT).milestones[1].state == "not_started"


def test_the_series_has_the_baseline_then_each_submitted_report_with_its_progress(plan):
    factories.impact_report(plan, 6, values=(120, 14, 60), evidence_level=EvidenceLevel.DATA,
                            readiness=ReplicationReadiness.EARLY, users_reached=120, cost_to_date=Decimal("8000"))
    factories.impact_report(plan, 12, values=(999, 1, 99), submitted=False)  # a draft's values count nowhere
    board = dashboards.dashboard(plan, now=RESULTS_AT)
    users, delay, satisfaction = board.series
    assert [(m.months, m.value) for m in users.reported] == [(0, Decimal("0")), (6, Decimal("120"))]
    assert users.latest.progress == pytest.approx(0.3)  # 120 of the way from 0 to 400
    assert delay.latest.progress == pytest.approx(0.5)  # from 21 down to 14 days, target 7
    assert satisfaction.latest.progress == pytest.approx(0.2)  # 55 → 60, target 80
    assert [m.months for m in users.milestones] == [6]
    six = board.milestones[0]
    assert (six.evidence_level, six.readiness, six.users_reached, six.cost_to_date) == (
        EvidenceLevel.DATA, ReplicationReadiness.EARLY, 120, Decimal("8000"))
    assert board.milestones[1].users_reached is None  # the draft's figures are not shown


def test_the_months_axis_has_the_calls_milestones_even_before_the_plan_is_under_way():
    project = factories.laureate(call=factories.results_call(results_at=RESULTS_AT, milestones=[3, 9]))
    draft = factories.impact_plan(project=project, active=False)
    board = dashboards.dashboard(draft, now=RESULTS_AT)
    assert board.months == (3, 9)
    assert board.milestones == () and board.next_report is None and not board.is_active


# --- the public summary --------------------------------------------------------------------------------------

def test_the_public_summary_has_the_published_indicators_latest_values_and_the_latest_evidence_level(plan):
    plan.indicators[1].published = False
    db.session.commit()
    factories.impact_report(plan, 6, values=(120, 14, 60), evidence_level=EvidenceLevel.DATA)
    factories.impact_report(plan, 12, values=(250, 10, ""), evidence_level=EvidenceLevel.COMPARISON)
    factories.impact_report(plan, 24, values=(390, 8, 79), evidence_level=EvidenceLevel.CAUSAL, submitted=False)
    summary = dashboards.public_summary(plan.submission_id)
    assert (summary.months, summary.evidence_level) == (12, EvidenceLevel.COMPARISON)
    assert [(i.name, i.value, i.months) for i in summary.indicators] == [
        ("Personnes accompagnées dans l'année", Decimal("250"), 12),
        ("Usagers satisfaits", Decimal("60"), 6)]  # not reported at 12 months: the 6-month value is the latest
    assert summary.indicators[0].progress == pytest.approx(0.625)


def test_the_bar_is_full_beyond_the_target_and_empty_below_the_baseline(plan):
    factories.impact_report(plan, 6, values=(520, 25, 80))
    users, delay, satisfaction = dashboards.public_summary(plan.submission_id).indicators
    assert (users.progress, users.bar) == (pytest.approx(1.3), 1.0)
    assert delay.bar == 0.0 and delay.progress < 0  # 25 days: worse than the 21 before
    assert satisfaction.bar == 1.0


@pytest.mark.parametrize("published, active", [(False, True), (True, False)])
def test_no_public_summary_unless_the_plan_is_under_way_and_published(published, active):
    plan = factories.impact_plan(published=published, active=active)
    if active:
        factories.impact_report(plan, 6, values=(120, 14, 60), evidence_level=EvidenceLevel.DATA)
    assert dashboards.public_summary(plan.submission_id) is None


def test_no_public_summary_before_a_report_is_submitted(plan):
    factories.impact_report(plan, 6, values=(120, 14, 60), evidence_level=EvidenceLevel.DATA, submitted=False)
    assert dashboards.public_summary(plan.submission_id) is None
    assert dashboards.public_summary(None) is None


def test_public_summaries_of_many_projects_take_two_queries():
    plans = [factories.impact_plan() for _ in range(4)]
    for p in plans:
        factories.impact_report(p, 6, values=(10, 20, 56))
    ids = [p.submission_id for p in plans]
    db.session.expire_all()
    with counted_queries() as seen:
        found = dashboards.public_summaries(ids)
    assert len(seen) == 2
    assert sorted(found) == sorted(ids)
    assert all(len(s.indicators) == 3 for s in found.values())
