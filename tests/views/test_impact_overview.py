"""The organisers' follow-up pages: a call's followed projects and its export, and outcomes against the
calibrated scores across editions."""
from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

import pytest
from flask_babel import force_locale

from prizeapp.core import impact as impact_core
from prizeapp.enums import CallRoleKind, EvidenceLevel
from prizeapp.extensions import db
from prizeapp.formatting import date_filter, number
from prizeapp.models import AuditEvent
from prizeapp.services.impact import outcomes

from .. import factories
from ..conftest import sign_in_as, text


def _in_french(client, format, value) -> str:
    with client.application.test_request_context(), force_locale("fr"):
        return format(value)

LEVELS = list(EvidenceLevel)


@pytest.fixture
def organised():
    """A call whose results came out 13 months ago: « Aidants » submitted its 6-month report, « Bus » none
    (late since 6 months); « Dépôt » is a laureate without a follow-up."""
    results_at = impact_core.add_months(datetime.now(UTC), -13)
    call = factories.results_call(results_at=results_at, title="Prix 2025")
    organiser = factories.user()
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    aidants = factories.laureate(call=call, title="Aidants")
    bus = factories.laureate(call=call, title="Bus")
    depot = factories.laureate(call=call, title="Dépôt")
    plan = factories.impact_plan(project=aidants)
    factories.impact_plan(project=bus)
    factories.impact_report(plan, 6, values=(100, 14, 60), evidence_level=EvidenceLevel.DATA)
    return call, organiser, {"aidants": aidants, "bus": bus, "depot": depot, "results_at": results_at}


def test_the_overview_lists_the_late_first_with_their_statuses(client, organised):
    call, organiser, p = organised
    sign_in_as(client, organiser)
    response = client.get(f"/manage/calls/{call.id}/impact")
    assert response.status_code == 200
    page = text(response)
    order = [page.index(f'id="project-{p[name].id}"') for name in ("bus", "aidants", "depot")]
    assert order == sorted(order)  # Bus (late since 6 months) before Aidants (late since 12) before Dépôt
    six = _in_french(client, date_filter, impact_core.add_months(p["results_at"], 6))
    assert f"en retard depuis le {six}" in page
    assert "Non mis en place" in page  # Dépôt
    assert "Usagers satisfaits" in page and "20\u00a0%" in page  # 60 from 55 towards 80
    assert 'class="chart__bar"' in page  # the evidence levels' chart
    summary = re.search(r'<ul class="stats">(.*?)</ul>', page, re.S).group(1)
    numbers = re.findall(r'<span class="stats__number">(\d+)</span>', summary)
    assert numbers == ["4", "1", "3", "1"]  # due (6 and 12 months × 2), submitted, late, not set up


def test_the_calls_page_links_to_the_follow_up_once_results_are_published(client, organised):
    call, organiser, _ = organised
    open_call = factories.call()
    factories.grant(organiser, open_call, CallRoleKind.ORGANISER)
    sign_in_as(client, organiser)
    assert f'href="/manage/calls/{call.id}/impact"' in client.get(f"/manage/calls/{call.id}").get_data(as_text=True)
    assert "/impact" not in client.get(f"/manage/calls/{open_call.id}").get_data(as_text=True)


def test_the_export_is_a_spreadsheet_csv_and_is_recorded(client, organised):
    call, organiser, p = organised
    sign_in_as(client, organiser)
    response = client.get(f"/manage/calls/{call.id}/impact.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith(f'attachment; filename="{call.slug}-suivi-impact-')
    body = response.get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff")), delimiter=";"))
    assert body.startswith("\ufeff") and len(rows) == 1 + 2 * 3 * 3
    assert {r[0] for r in rows[1:]} == {p["aidants"].reference, p["bus"].reference}
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "impact.exported"))
    assert event.details == {"rows": 18} and event.actor_id == organiser.id


def test_another_calls_organiser_reaches_neither_page(client, organised):
    call, _, _ = organised
    stranger = factories.user()
    factories.grant(stranger, factories.results_call(), CallRoleKind.ORGANISER)
    sign_in_as(client, stranger)
    assert client.get(f"/manage/calls/{call.id}/impact").status_code == 403
    assert client.get(f"/manage/calls/{call.id}/impact.csv").status_code == 403


# --- across editions ------------------------------------------------------------------------------------------

def _edition(organiser, year: int, levels: list[int], *, calibrated: bool = True):
    call = factories.results_call(results_at=datetime(year, 6, 1, 10, 0, tzinfo=UTC), title=f"Prix {year}")
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    scores = {}
    for i, level in enumerate(levels):
        project = factories.laureate(call=call, title=f"Projet {year}-{i}")
        plan = factories.impact_plan(project=project)
        factories.impact_report(plan, 6, values=(100, 14, 60), evidence_level=LEVELS[level - 1])
        scores[project] = 2.0 + i
    if calibrated:
        factories.calibration_run(call, scores)
    return call, list(scores)


def test_the_outcomes_page_shows_rho_its_interval_the_figure_and_the_caveats(client):
    organiser = factories.user()
    first, _ = _edition(organiser, 2024, [1, 2, 2, 4])
    second, _ = _edition(organiser, 2025, [2, 3, 5])
    sign_in_as(client, organiser)
    response = client.get("/manage/impact/outcomes")
    assert response.status_code == 200
    page = text(response)
    agreement = outcomes.compare(calls=[second, first], outcome=outcomes.EVIDENCE_LEVEL).agreement
    rho, low, high = (_in_french(client, number, round(v, 2)) for v in (agreement.rho, agreement.low, agreement.high))
    assert f"ρ de Spearman = {rho}, intervalle à 90\u00a0% de {low} à {high}, n = 7 projets." in page
    assert 'id="no-conclusion"' in page  # 7 < 10
    svg = re.search(r'<svg class="chart__svg"[^>]*>.*?</svg>', page, re.S).group(0)
    assert len(re.findall(r'<circle class="chart__dot"', svg)) == 7  # no two projects at the same values
    assert "<title id=\"outcomes-chart-title\">" in svg
    assert "L'éventail des places est restreint" in page
    assert "Aucune corrélation n'est montrée en dessous de 4 projets" in page


def test_under_four_projects_the_page_says_why_no_correlation_is_shown(client):
    organiser = factories.user()
    _edition(organiser, 2024, [1, 3, 5])
    sign_in_as(client, organiser)
    page = text(client.get("/manage/impact/outcomes"))
    assert 'id="too-few"' in page and "ρ =" not in page


def test_an_organiser_compares_only_the_calls_they_organise(client):
    organiser, other = factories.user(), factories.user()
    mine, _ = _edition(organiser, 2024, [1, 2, 3, 4])
    theirs, _ = _edition(other, 2025, [1, 2, 3, 4])
    sign_in_as(client, organiser)
    page = text(client.get("/manage/impact/outcomes"))
    assert "Prix 2024" in page and "Prix 2025" not in page
    sign_in_as(client, factories.user(admin=True))
    page = text(client.get("/manage/impact/outcomes"))
    assert "Prix 2024" in page and "Prix 2025" in page


def test_projects_without_a_calibrated_score_are_listed_apart(client):
    organiser = factories.user()
    _edition(organiser, 2024, [1, 2, 3, 4])
    _, unranked = _edition(organiser, 2025, [5], calibrated=False)
    sign_in_as(client, organiser)
    page = text(client.get("/manage/impact/outcomes"))
    apart = page[page.index('id="without-score-title"'):]
    assert unranked[0].reference in apart


def test_an_unknown_outcome_is_refused_with_a_message(client):
    organiser = factories.user()
    _edition(organiser, 2024, [1, 2, 3, 4])
    sign_in_as(client, organiser)
    response = client.get("/manage/impact/outcomes?outcome=nonsense")
    assert response.status_code == 400
    assert 'id="outcome-error"' in response.get_data(as_text=True)
    assert client.get("/manage/impact/outcomes?outcome=targets_reached").status_code == 200
