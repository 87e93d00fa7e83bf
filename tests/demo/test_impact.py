"""The demo after the results, loaded on an empty database (either database): the economic-model grids of the
projects that were submitted, and the 2025 edition's impact follow-ups at every stage — both reports in, one
late with a draft started, only the first in, one being set up, a laureate without one — dated in the past,
shown on the innovations' public pages; and loading it again changes nothing."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from prizeapp.core import economic_model
from prizeapp.core import impact as impact_core
from prizeapp.core.localtime import to_local
from prizeapp.demo import impact, load_demo
from prizeapp.demo.edition import people
from prizeapp.enums import (
    DecisionOutcome,
    EvidenceLevel,
    ImpactPlanStatus,
    ImpactReportStatus,
    OutboxStatus,
    ReplicationReadiness,
    SubmissionStatus,
)
from prizeapp.extensions import db
from prizeapp.models import (
    AuditEvent,
    Call,
    ImpactIndicator,
    ImpactPlan,
    ImpactReport,
    Innovation,
    OutboxEmail,
    Submission,
    User,
)
from prizeapp.models.decision import Decision
from prizeapp.models.types import utcnow
from prizeapp.services import economic_grid
from prizeapp.services.impact import dashboards, library, overview, plans
from prizeapp.services.innovations import records
from prizeapp.services.results import lead_of
from prizeapp.services.submissions import missing_items

pytestmark = pytest.mark.usefixtures("module_transaction")

EDITION = "Prix de l'innovation publique 2025"
AAP_SLUG = "appel-a-projets-territoires-d-essaimage-2026"
SUBMITTED, DRAFT, PENDING = ImpactReportStatus.SUBMITTED, ImpactReportStatus.DRAFT, ImpactReportStatus.PENDING


@pytest.fixture(scope="module")
def demo(app, module_transaction) -> list[str]:
    """The whole demo, loaded once for the module on its empty database; returns its lines about calls."""
    with app.app_context():
        lines = load_demo().calls
        db.session.commit()
        db.session.remove()
    return lines


def edition() -> Call:
    return db.session.scalar(db.select(Call).where(Call.title == EDITION))


def project(key: str) -> Submission:
    return db.session.scalar(db.select(Submission).where(Submission.creation_key == key))


def plan_of(key: str) -> ImpactPlan | None:
    return plans.plan_of(project(key))


def statuses(key: str) -> dict[int, ImpactReportStatus]:
    return {r.months: r.status for r in plan_of(key).reports}


# --- the economic-model grids ----------------------------------------------------------------------------------

def _projects(*, call_slug: str | None = None, title: str | None = None) -> list[Submission]:
    call = db.session.scalar(db.select(Call).where(Call.slug == call_slug) if call_slug else
                             db.select(Call).where(Call.title == title))
    return list(db.session.scalars(db.select(Submission).where(Submission.call_id == call.id)
                                   .order_by(Submission.creation_key)))


@pytest.mark.parametrize("which", [{"call_slug": AAP_SLUG}, {"title": EDITION}], ids=["call for projects", "2025"])
def test_every_submitted_project_has_answered_the_whole_grid_as_the_form_stores_it(demo, which):
    found = [p for p in _projects(**which) if p.status == SubmissionStatus.SUBMITTED]
    assert len(found) >= 5 and all(p.call.economic_model_section for p in found)
    for p in found:
        grid = p.economic_model
        assert economic_model.missing(grid) == [] and not any(i.startswith("model-") for i in missing_items(p))
        assert all(grid.get(name) for name in ("beneficiary_value", "payer_value", "partners", "local_costs"))
        assert economic_model.parse(economic_model.as_form(grid)).values == grid  # what the form would store
        assert sum(r["share"] for r in grid["resources"]) == 100
    assert len({p.economic_model["beneficiaries"] for p in found}) == len(found)  # each project its own words
    bands = {economic_grid.read(p.economic_model).dependency for p in found}
    assert len(bands) >= 2


def test_drafts_leave_the_grid_partly_empty_for_the_form_to_list(demo):
    drafts = [p for p in _projects(call_slug=AAP_SLUG) if p.status == SubmissionStatus.DRAFT]
    gaps = [economic_model.missing(p.economic_model or {}) for p in drafts]
    assert [] not in gaps and any(0 < len(g) < len(economic_model.REQUIRED) for g in gaps)
    assert any(p.economic_model is None for p in drafts)
    assert all(f"model-{code}" in missing_items(p) for p, g in zip(drafts, gaps) for code in g)


def test_resources_are_secured_for_the_months_the_data_gives_after_submission(demo):
    p = project("demo-aap-01")
    secured = {r["kind"]: r.get("secured_until") for r in p.economic_model["resources"]}
    submitted = to_local(p.submitted_at)
    month = submitted.month - 1 + 18
    assert secured["public_subsidy"][:7] == f"{submitted.year + month // 12}-{month % 12 + 1:02d}"
    assert secured["in_kind"] is None


def test_the_records_start_from_their_project_s_grid(demo):
    public = [i for i in db.session.scalars(db.select(Innovation)) if i.is_public]
    for innovation in public:
        content = innovation.published_version.content
        grid = innovation.submission.economic_model
        assert content["resources"] == grid["resources"] and content["partners"] == grid["partners"]
        assert innovation.public_share == economic_model.public_share(grid)
        assert economic_grid.of_content(content) is not None
    assert len({i.public_dependency for i in public}) == 3


# --- the follow-ups ---------------------------------------------------------------------------------------------

def test_the_edition_s_follow_ups_stand_at_the_milestones_the_story_tells(demo):
    call = edition()
    assert plans.milestones_of(call) == [6, 12, 24]
    assert statuses("ed2025-01") == {6: SUBMITTED, 12: SUBMITTED, 24: PENDING}
    assert statuses("ed2025-08") == {6: SUBMITTED, 12: SUBMITTED, 24: PENDING}
    assert statuses("ed2025-03") == {6: SUBMITTED, 12: DRAFT, 24: PENDING}
    assert statuses("ed2025-10") == {6: SUBMITTED, 12: PENDING, 24: PENDING}
    being_set_up = plan_of("ed2025-07")
    assert being_set_up.status == ImpactPlanStatus.DRAFT and being_set_up.reports == []
    assert plans.plan_problems({n: getattr(being_set_up, n) for n in plans.PLAN_TEXTS},
                               being_set_up.indicators)  # its set-up page has something to ask
    assert plan_of("ed2025-05") is None  # a laureate that never set it up
    outcomes = {d.submission_id: d.outcome for d in db.session.scalars(db.select(Decision))}
    assert outcomes[project("ed2025-05").id] == DecisionOutcome.LAUREATE
    mention = plan_of("ed2025-11")
    assert outcomes[mention.submission_id] == DecisionOutcome.MENTION and not mention.opted_in
    assert statuses("ed2025-11") == {6: SUBMITTED, 12: SUBMITTED, 24: PENDING}


def test_each_report_is_due_at_its_milestone_and_dated_before_today(demo):
    call, now = edition(), utcnow()
    for plan in db.session.scalars(db.select(ImpactPlan).where(ImpactPlan.call_id == call.id)):
        assert call.results_published_at < plan.created_at <= plan.updated_at < now
        if plan.status == ImpactPlanStatus.ACTIVE:
            assert plan.activated_at == plan.updated_at
        for report in plan.reports:
            assert report.due_at == impact_core.add_months(call.results_published_at, report.months)
            if report.status != PENDING:
                assert plan.activated_at < report.updated_at < now and report.due_at < now
                assert lead_of(plan.submission) is not None and report.updated_by_id is not None
            if report.status == SUBMITTED:
                assert report.submitted_at == report.updated_at and reports_missing(report) == []
            else:
                assert report.submitted_at is None
        assert 3 <= len(plan.indicators) <= 5 or plan.status == ImpactPlanStatus.DRAFT


def reports_missing(report: ImpactReport) -> list[str]:
    from prizeapp.services.impact import reports

    return reports.missing(report)


def test_the_12_month_report_of_the_vegetable_kitchen_is_late_with_a_draft(demo):
    now = utcnow()
    late = next(r for r in plan_of("ed2025-03").reports if r.months == 12)
    assert late.status == DRAFT and impact_core.is_late(late.due_at, now)
    assert late.due_at == datetime(2026, 10, 2, 7, tzinfo=UTC)  # 9:00 in Paris, twelve months after the results
    assert late.values and late.evidence_level is None and late.readiness is None
    state = overview.overview(call=edition(), now=now)
    first = state.projects[0]  # the late first, the one late for longest at the top
    assert first.late_since == late.due_at and first.submission.creation_key in {"ed2025-03", "ed2025-10"}
    by_key = {p.submission.creation_key: p for p in state.projects}
    kitchen = {m.months: m for m in by_key["ed2025-03"].milestones}
    assert kitchen[12].state == overview.LATE and kitchen[12].draft_saved
    assert {m.months: m.state for m in by_key["ed2025-10"].milestones}[12] == overview.LATE
    assert state.late == 2 and state.submitted == 8
    assert (state.not_set_up, state.being_set_up) == (7, 1)
    assert by_key["ed2025-05"].state == overview.NOT_SET_UP


def test_the_reports_go_towards_the_targets_with_rising_evidence_and_readiness(demo):
    for key in ("ed2025-01", "ed2025-08", "ed2025-11"):
        plan = plan_of(key)
        six, twelve = (next(r for r in plan.reports if r.months == m) for m in (6, 12))
        for indicator in plan.indicators:
            before = impact_core.progress(indicator.baseline, indicator.target, six.value_of(indicator))
            after = impact_core.progress(indicator.baseline, indicator.target, twelve.value_of(indicator))
            assert 0 <= before <= after, (key, indicator.name)
        assert int(six.evidence_level.value) <= int(twelve.evidence_level.value)
        assert int(six.readiness.value) < int(twelve.readiness.value)
        assert six.users_reached < twelve.users_reached and six.cost_to_date < twelve.cost_to_date
        assert all((six.worked, six.did_not_work, six.unexpected, twelve.worked))
    mentoring = plan_of("ed2025-01")
    assert [r.evidence_level for r in mentoring.reports[:2]] == [EvidenceLevel.DATA, EvidenceLevel.COMPARISON]
    assert mentoring.reports[1].readiness == ReplicationReadiness.PROVEN


def test_the_indicators_come_from_the_library_with_their_dimension_or_are_the_team_s_own(demo):
    indicators = db.session.scalars(db.select(ImpactIndicator)).all()
    picked = [i for i in indicators if i.library_key]
    assert len(picked) >= len(indicators) / 2 and len({i.library_key for i in picked}) >= 8
    assert all(i.dimension == library.BY_KEY[i.library_key].dimension for i in picked)
    assert all(i.unit and i.source and i.name for i in indicators)
    reduced = [i for i in indicators if i.target is not None and i.baseline is not None and i.target < i.baseline]
    assert reduced  # a delay or a count to bring down
    assert any(not i.published for i in indicators)
    shared = overview.overview(call=edition(), now=utcnow()).shared
    assert {s.key for s in shared} >= {"users_per_year", "agents_involved"}


def test_the_teams_follow_ups_show_on_their_innovation_s_public_page(demo):
    mentoring = records.record_of(project("ed2025-01"))
    summary = dashboards.public_summary(mentoring.submission_id)
    assert summary.months == 12 and summary.evidence_level == EvidenceLevel.COMPARISON
    shown = [i.name for i in summary.indicators]
    assert len(shown) == 3 and not any("quittent" in name for name in shown)  # the unpublished one is kept back
    assert all(i.months == 12 and i.value is not None for i in summary.indicators)
    assert dashboards.public_summary(project("ed2025-10").id).months == 6
    assert dashboards.public_summary(project("ed2025-03").id).months == 6  # a draft is shown nowhere
    assert dashboards.public_summary(project("ed2025-07").id) is None
    assert dashboards.public_summary(project("ed2025-05").id) is None


def test_the_organiser_was_told_of_each_report_on_the_day_it_came(demo):
    submitted = db.session.scalars(db.select(ImpactReport).where(ImpactReport.status == SUBMITTED)).all()
    emails = db.session.scalars(db.select(OutboxEmail).where(OutboxEmail.kind == "impact_report_submitted")).all()
    assert sorted(e.sent_at for e in emails) == sorted(r.submitted_at for r in submitted)
    assert {e.status for e in emails} == {OutboxStatus.SENT}
    assert {e.recipient for e in emails} == {"sophie.martin@transformation.example.gouv.fr"}
    events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action.like("impact.%"))).all()
    assert sorted(e.at for e in events if str(getattr(e.action, "value", e.action)) == "impact.report_submitted") == \
        sorted(r.submitted_at for r in submitted)
    assert all(e.at < utcnow() for e in events)


def test_a_demo_loaded_before_a_due_date_leaves_that_report_not_started(demo):
    call = edition()
    for plan in plans.plans_of_call(call):
        db.session.delete(plan)
    db.session.flush()
    projects = {s.creation_key: s for s in db.session.scalars(db.select(Submission).where(
        Submission.call_id == call.id))}
    by_name = people({u.email: u for u in db.session.scalars(db.select(User))})
    earlier = datetime(2026, 9, 30, 12, tzinfo=UTC)  # the mentoring's 12-month report is in on 29 September

    impact.follow_ups(projects=projects, by_name=by_name, now=earlier)

    assert statuses("ed2025-01") == {6: SUBMITTED, 12: PENDING, 24: PENDING}  # due on 2 October
    assert statuses("ed2025-03") == {6: SUBMITTED, 12: PENDING, 24: PENDING}
    written = db.session.scalars(db.select(ImpactReport).where(ImpactReport.status != PENDING)).all()
    assert written and all(r.updated_at <= earlier and r.due_at <= earlier for r in written)


def test_the_summary_names_who_to_sign_in_as_for_each_stage(demo):
    text = "\n".join(demo)
    assert "5 under way, 1 being set up, 7 laureates and mentions without one; 8 reports submitted, 2 late" in text
    for key in ("ed2025-01", "ed2025-03", "ed2025-05", "ed2025-07", "ed2025-10", "ed2025-11"):
        assert lead_of(project(key)).email in text
    assert f"/manage/calls/{edition().id}/impact" in text and "sophie.martin@" in text


def test_loading_the_demo_again_changes_nothing(demo):
    def state():
        plans_ = [(p.submission_id, p.status, p.published, p.created_at, p.activated_at, p.updated_at, p.version)
                  for p in db.session.scalars(db.select(ImpactPlan).order_by(ImpactPlan.id))]
        indicators = [(i.plan_id, i.position, i.library_key, i.name, i.baseline, i.target, i.published)
                      for i in db.session.scalars(db.select(ImpactIndicator).order_by(ImpactIndicator.id))]
        reports_ = [(r.plan_id, r.months, r.status, r.due_at, r.values, r.evidence_level, r.readiness,
                     r.updated_at, r.submitted_at, r.version)
                    for r in db.session.scalars(db.select(ImpactReport).order_by(ImpactReport.id))]
        grids = [(s.creation_key, s.economic_model) for s in db.session.scalars(
            db.select(Submission).order_by(Submission.id))]
        counts = [db.session.scalar(db.select(db.func.count()).select_from(m)) for m in (AuditEvent, OutboxEmail)]
        return plans_, indicators, reports_, grids, counts

    before = state()
    again = load_demo()
    db.session.commit()
    db.session.expire_all()
    assert state() == before
    assert again.calls == demo


def test_costs_to_date_are_in_euros_against_the_grid_s_running_cost(demo):
    for key in ("ed2025-01", "ed2025-08", "ed2025-11"):
        twelve = next(r for r in plan_of(key).reports if r.months == 12)
        running = Decimal(project(key).economic_model["cost_recurring"])
        setup = Decimal(project(key).economic_model["cost_setup"])
        assert running / 2 < twelve.cost_to_date <= running + setup, key
