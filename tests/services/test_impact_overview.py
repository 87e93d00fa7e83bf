"""The organisers' follow-up of a call (services.impact.overview): milestones' statuses at a fixed instant, who is
late first, latest values against targets, the call's counts, shared indicators, and the export."""
from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from prizeapp.core.impact import add_months
from prizeapp.enums import DecisionOutcome, EvidenceLevel, ReplicationReadiness, SubmissionStatus
from prizeapp.services.impact import overview

from .. import factories

RESULTS = datetime(2025, 3, 3, 17, 0, tzinfo=UTC)  # 18:00 in Paris
NOW = datetime(2026, 4, 1, 8, 0, tzinfo=UTC)  # after the 6- and 12-month milestones, before the 24-month one


@pytest.fixture
def followed():
    """A: 6 months submitted, 12 a draft (late), 24 not started; B: nothing (late since 6 months); C: 6 and 12
    submitted; D: a laureate without a follow-up; E: a mention setting its follow-up up; F: not selected."""
    call = factories.results_call(results_at=RESULTS)
    projects = {}
    for name, title in zip("ABCDEF", ("Aidants", "Bus à la demande", "Cantine", "Dépôt", "Épicerie", "Fablab")):
        outcome = {"E": DecisionOutcome.MENTION, "F": DecisionOutcome.NOT_SELECTED}.get(name)
        projects[name] = factories.laureate(call=call, title=title, outcome=outcome)
    plans = {name: factories.impact_plan(project=projects[name]) for name in "ABC"}
    plans["E"] = factories.impact_plan(project=projects["E"], active=False)
    factories.impact_report(plans["A"], 6, values=(100, 14, 60), evidence_level=EvidenceLevel.DATA,
                            readiness=ReplicationReadiness.EARLY, users_reached=120)
    factories.impact_report(plans["A"], 12, values=(180,), submitted=False)
    factories.impact_report(plans["C"], 6, values=(50, 20, 56), evidence_level=EvidenceLevel.THEORY)
    factories.impact_report(plans["C"], 12, values=(300, 10, 70), evidence_level=EvidenceLevel.COMPARISON,
                            readiness=ReplicationReadiness.READY)
    return call, projects, plans


def test_each_milestone_has_its_status_at_the_given_instant(followed):
    call, projects, plans = followed
    found = {p.submission.id: p for p in overview.followed_projects(call, NOW)}
    a = found[projects["A"].id]
    assert [(m.months, m.state) for m in a.milestones] == [(6, "submitted"), (12, "late"), (24, "not_started")]
    assert a.milestones[1].draft_saved is True
    assert a.late_since == add_months(RESULTS, 12)
    b = found[projects["B"].id]
    assert [m.state for m in b.milestones] == ["late", "late", "not_started"]
    assert b.late_since == add_months(RESULTS, 6)
    assert [m.state for m in found[projects["C"].id].milestones] == ["submitted", "submitted", "not_started"]
    assert found[projects["C"].id].late_since is None


def test_before_a_due_date_a_report_is_a_draft_or_not_started(followed):
    call, projects, plans = followed
    a = next(p for p in overview.followed_projects(call, add_months(RESULTS, 11))
             if p.submission.id == projects["A"].id)
    assert [m.state for m in a.milestones] == ["submitted", "draft", "not_started"]
    at_due = next(p for p in overview.followed_projects(call, add_months(RESULTS, 12))
                  if p.submission.id == projects["A"].id)
    assert at_due.milestones[1].state == "late"  # late from the due instant itself


def test_the_late_come_first_the_one_late_for_longest_at_the_top(followed):
    call, projects, plans = followed
    order = [p.submission.id for p in overview.followed_projects(call, NOW)]
    # B late since 6 months, A since 12; then C, D (not set up), E (being set up) by reference; F is not followed.
    assert order == [projects[name].id for name in "BACDE"]
    states = {p.submission.id: p.state for p in overview.followed_projects(call, NOW)}
    assert states[projects["D"].id] == "not_set_up" and states[projects["E"].id] == "being_set_up"
    assert states[projects["C"].id] == "under_way"


def test_a_withdrawn_laureate_without_a_follow_up_is_not_listed(followed):
    call, projects, plans = followed
    gone = factories.laureate(call=call, title="Retiré")
    gone.status = SubmissionStatus.WITHDRAWN
    factories.db.session.commit()
    assert gone.id not in [p.submission.id for p in overview.followed_projects(call, NOW)]


def test_indicators_show_their_latest_value_and_progress_towards_the_target(followed):
    call, projects, plans = followed
    a = next(p for p in overview.followed_projects(call, NOW) if p.submission.id == projects["A"].id)
    # The 12-month report is a draft: the values are the 6-month ones.
    assert [(s.months, s.value, s.progress) for s in a.indicators] == [
        (6, 100, 0.25), (6, 14, 0.5), (6, 60, 0.2)]
    c = next(p for p in overview.followed_projects(call, NOW) if p.submission.id == projects["C"].id)
    assert [(s.months, s.value) for s in c.indicators] == [(12, 300), (12, 10), (12, 70)]
    assert c.evidence_level == EvidenceLevel.COMPARISON and c.readiness == ReplicationReadiness.READY
    assert a.evidence_level == EvidenceLevel.DATA and a.readiness == ReplicationReadiness.EARLY


def test_the_call_counts_reports_due_submitted_and_late_and_the_evidence_levels(followed):
    call, projects, plans = followed
    state = overview.overview(call=call, now=NOW)
    assert (state.due, state.submitted, state.late) == (6, 3, 3)
    assert (state.not_set_up, state.being_set_up) == (1, 1)
    counts = dict(state.evidence)
    assert counts == {EvidenceLevel.THEORY: 0, EvidenceLevel.DATA: 1, EvidenceLevel.COMPARISON: 1,
                      EvidenceLevel.CAUSAL: 0, EvidenceLevel.REPLICATED: 0, None: 1}


def test_library_indicators_followed_by_several_projects_are_grouped(followed):
    call, projects, plans = followed
    lone = factories.impact_plan(project=factories.laureate(call=call, title="Seul"), indicators=4)
    shared = overview.overview(call=call, now=NOW).shared
    # In the library's order; E's follow-up, still being set up, is not in them.
    assert [g.key for g in shared] == ["users_per_year", "satisfaction", "processing_time"]
    satisfaction = next(g for g in shared if g.key == "satisfaction")
    assert satisfaction.projects == 4
    assert [(p.submission.reference, s.value) for p, s in satisfaction.rows] == sorted(
        [(projects["A"].reference, 60), (projects["B"].reference, None), (projects["C"].reference, 70),
         (lone.submission.reference, None)])
    # The team's own indicator (no library key) is never grouped.
    assert all(g.key is not None for g in shared)


def _parsed(body: str) -> list[list[str]]:
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def test_the_export_has_one_row_per_report_and_indicator(followed):
    call, projects, plans = followed
    body, count = overview.export_csv(call, NOW)
    rows = _parsed(body)
    assert rows[0] == list(overview.EXPORT_HEADERS)
    assert count == len(rows) - 1 == 3 * 3 * 3  # A, B, C: three reports of three indicators each
    a = projects["A"]
    first = next(r for r in rows[1:] if r[0] == a.reference and r[2] == "6")
    indicator = plans["A"].indicators[0]
    assert first == [a.reference, "Aidants", "6", add_months(RESULTS, 6).isoformat(), "submitted",
                     plans["A"].reports[0].submitted_at.isoformat(), indicator.name, "personnes", "0", "400", "100",
                     "0,250", "2", "2", "120", ""]
    late = [r for r in rows[1:] if r[0] == a.reference and r[2] == "12"]
    assert [r[4] for r in late] == ["late"] * 3 and [r[10] for r in late] == ["180", "", ""]
    assert [r[0] for r in rows[1:]] == sorted(r[0] for r in rows[1:])


def test_the_export_defuses_formulas_and_keeps_negative_numbers(followed):
    call, projects, plans = followed
    projects["A"].title = "=HYPERLINK(\"http://x\")"
    plans["A"].indicators[0].name = "+cmd|' /C calc'!A0"
    plans["A"].indicators[0].unit = "@SUM(1)"
    report = plans["A"].reports[0]
    report.values = {**report.values, str(plans["A"].indicators[1].id): "-3.5"}
    factories.db.session.commit()
    rows = _parsed(overview.export_csv(call, NOW)[0])
    row = next(r for r in rows[1:] if r[0] == projects["A"].reference and r[2] == "6")
    assert row[1] == "'=HYPERLINK(\"http://x\")"
    assert row[6] == "'+cmd|' /C calc'!A0" and row[7] == "'@SUM(1)"
    second = [r for r in rows[1:] if r[0] == projects["A"].reference and r[2] == "6"][1]
    assert second[10] == "-3,500"  # a number, written as one
