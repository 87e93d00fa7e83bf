"""A project's follow-up dashboard (its team and the call's organisers), and the follow-up's summary on the
innovation's public page."""
from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale, format_percent, ngettext

from prizeapp.enums import CallRoleKind, EvidenceLevel, ReplicationReadiness, SubmissionStatus
from prizeapp.extensions import db
from prizeapp.formatting import date_filter, euros
from prizeapp.models import Submission
from prizeapp.models.types import utcnow

from .. import factories
from ..conftest import fr, sign_in_as, text


def fr_date(value) -> str:
    with force_locale("fr"):
        return date_filter(value)


def pct(share: float) -> str:
    with force_locale("fr"):
        return format_percent(share)


def months_fr(num: int) -> str:
    with force_locale("fr"):
        return ngettext("%(num)d month", "%(num)d months", num)


def cells_of(row: str) -> list[str]:
    return [re.sub(r"[ \t\n]+", " ", re.sub(r"<[^>]+>", " ", cell)).strip(" ")
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]


@pytest.fixture
def world():
    """A laureate thirteen months after the results: its 6-month report submitted, its 12-month one in draft
    (late); the call has an organiser; someone else has an account."""
    call = factories.results_call(results_at=utcnow() - timedelta(days=400))
    lead, member = factories.user(), factories.user()
    project = factories.laureate(call=call, lead=lead, members=(member,), title="Conciergerie des aidants")
    plan = factories.impact_plan(project=project)
    factories.impact_report(plan, 6, values=(120, 14, 60), evidence_level=EvidenceLevel.DATA,
                            readiness=ReplicationReadiness.EARLY, users_reached=130, cost_to_date=Decimal("8500"),
                            worked="Les bénévoles sont restés.")
    factories.impact_report(plan, 12, values=(999, 1, 99), submitted=False)
    organiser = factories.user()
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    return {"project": project, "plan": plan, "lead": lead, "member": member, "organiser": organiser,
            "other": factories.user(), "call": call}


def dashboard_of(client, who, project, status=200):
    sign_in_as(client, who)
    response = client.get(f"/submissions/{project.id}/impact")
    assert response.status_code == status
    return response


def figures(html: str, indicator_id: int) -> list[list[str]]:
    """The rows of an indicator's table of figures, each as its cells' texts."""
    table = re.search(rf'aria-labelledby="indicator-{indicator_id}-title">.*?<table.*?</table>', html, re.S).group(0)
    rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S)
    return [cells_of(row) for row in rows]


def test_the_team_sees_each_indicator_as_a_chart_and_the_same_figures_in_a_table(client, world):
    html = text(dashboard_of(client, world["member"], world["project"]))
    users, delay, _ = world["plan"].indicators
    assert figures(html, users.id) == [
        [fr("Before (baseline)"), "0", pct(0)],
        [months_fr(6), "120", pct(0.3)],
        [months_fr(12), fr("not submitted yet"), "—"],  # the draft's 999 is nowhere
        [months_fr(24), fr("not submitted yet"), "—"],
        [fr("Target"), "400", pct(1)]]
    assert figures(html, delay.id)[1] == [months_fr(6), "14", pct(0.5)]  # from 21 days down to 14, target 7
    assert "999" not in html
    chart = re.search(rf'<svg[^>]*aria-labelledby="chart-{users.id}-title chart-{users.id}-desc".*?</svg>', html, re.S)
    assert chart is not None
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", chart.group(0)).group(1)
    assert "120 personnes" in desc and "400 personnes" in desc
    assert 'class="chart__target"' in chart.group(0) and 'class="chart__line"' in chart.group(0)


def test_the_milestones_say_submitted_on_late_since_or_not_started_with_paris_dates(client, world):
    html = text(dashboard_of(client, world["lead"], world["project"]))
    reports = {r.months: r for r in world["plan"].reports}
    assert fr("Report submitted on %(date)s", date=fr_date(reports[6].submitted_at)) in html
    assert fr("Late since %(date)s", date=fr_date(reports[12].due_at)) in html
    assert fr("draft saved") in html
    row_24 = re.search(r'<tr id="milestone-24">.*?</tr>', html, re.S).group(0)
    assert fr("Not started") in row_24 and fr_date(reports[24].due_at) in row_24
    row_6 = re.search(r'<tr id="milestone-6">.*?</tr>', html, re.S).group(0)
    with force_locale("fr"):
        assert str(EvidenceLevel.DATA.label) in row_6 and str(ReplicationReadiness.EARLY.label) in row_6
        assert "130" in row_6 and euros(Decimal("8500")) in row_6
    assert "Les bénévoles sont restés." in html


def test_the_team_has_links_to_fill_the_next_report_and_edit_the_plan(client, world):
    project = world["project"]
    html = dashboard_of(client, world["lead"], project).get_data(as_text=True)
    assert f'href="/submissions/{project.id}/impact/reports/12"' in html
    assert f'href="/submissions/{project.id}/impact/setup"' in html
    assert f'href="/submissions/{project.id}/impact/reports/24"' not in html


def test_the_organisers_read_the_dashboard_without_the_teams_links(client, world):
    project = world["project"]
    html = dashboard_of(client, world["organiser"], project).get_data(as_text=True)
    assert "120" in html
    assert "/impact/setup" not in html and "/impact/reports/" not in html


def test_someone_else_is_refused_and_the_anonymous_sent_to_sign_in(client, world):
    dashboard_of(client, world["other"], world["project"], status=403)
    client.get("/logout")
    with client.session_transaction() as session:
        session.clear()
    response = client.get(f"/submissions/{world['project'].id}/impact")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_team_before_the_results_is_refused(client):
    lead = factories.user()
    project = factories.submission(call=factories.call(), lead=lead, status=SubmissionStatus.SUBMITTED)
    dashboard_of(client, lead, project, status=403)


def test_without_a_follow_up_the_team_is_told_how_to_set_it_up_the_organisers_find_nothing(client, world):
    project = factories.laureate(call=world["call"], lead=world["lead"])
    html = text(dashboard_of(client, world["lead"], project))
    assert fr("The follow-up of this project is not set up: nothing is measured yet.") in html
    assert f'href="/submissions/{project.id}/impact/setup"' in html
    dashboard_of(client, world["organiser"], project, status=404)
    dashboard_of(client, world["other"], project, status=403)


def test_a_plan_being_set_up_shows_no_reports_yet(client):
    plan = factories.impact_plan(active=False)
    project = db.session.get(Submission, plan.submission_id)
    lead = project.members[0].user
    html = text(dashboard_of(client, lead, project))
    assert fr("No report is scheduled yet.") in html
    assert fr("Finish setting up the follow-up") in html
    assert "/impact/reports/" not in html


# --- the innovation's public page ---------------------------------------------------------------------------

def _followed_record(*, published: bool = True):
    record = factories.innovation()
    project = db.session.get(Submission, record.submission_id)
    plan = factories.impact_plan(project=project, published=published)
    plan.indicators[1].published = False  # the processing time stays the team's
    db.session.commit()
    factories.impact_report(plan, 6, values=(120, 14, 60), evidence_level=EvidenceLevel.COMPARISON)
    factories.impact_report(plan, 12, values=(777, 3, 77), evidence_level=EvidenceLevel.CAUSAL, submitted=False)
    return record, plan


def _impact_box(client, record) -> str:
    html = text(client.get(f"/innovations/{record.slug}"))
    return re.search(r'<div class="innovation-impact" id="impact">.*?\n</div>', html, re.S).group(0)


def test_the_public_page_shows_the_published_indicators_latest_values_and_evidence_level(client):
    record, plan = _followed_record()
    box = _impact_box(client, record)
    assert "Personnes accompagnées dans l'année" in box and "Usagers satisfaits" in box
    assert "Délai de traitement" not in box  # not published by the team
    assert "777" not in box and "77 " not in box  # a draft's values
    with force_locale("fr"):
        assert str(EvidenceLevel.COMPARISON.label) in box
        assert str(EvidenceLevel.CAUSAL.label) not in box
    rows = re.findall(r"<tr>(.*?)</tr>", box.split("<tbody>")[1], re.S)
    with force_locale("fr"):
        at_six = ngettext("(%(num)d month)", "(%(num)d months)", 6)
    assert cells_of(rows[0]) == ["Personnes accompagnées dans l'année (personnes)", "0", f"120 {at_six}", "400",
                                 pct(0.3)]
    assert '<svg class="impact-bar"' in box and 'aria-hidden="true"' in box
    assert 'width="30.0"' in box  # the bar's filling


def test_the_public_page_keeps_the_records_own_impact_when_the_follow_up_is_not_published(client):
    record, plan = _followed_record(published=False)
    box = _impact_box(client, record)
    assert "Personnes accompagnées" not in box and "impact-public" not in box
    assert "320 aidants accompagnés la première année." in box  # the record's results
    with force_locale("fr"):
        assert str(EvidenceLevel.DATA.label) in box  # the record's own evidence level ("2")
        assert str(EvidenceLevel.COMPARISON.label) not in box
