"""The organisers' follow-up pages in a real browser, on a desktop and on a phone, checked with axe-core: a
call's followed projects (one late, one without a follow-up), and outcomes against the calibrated scores."""
from __future__ import annotations

from datetime import UTC, datetime

from playwright.sync_api import Browser, Page, expect

from prizeapp.core import impact as impact_core
from prizeapp.enums import CallRoleKind, EvidenceLevel, ReplicationReadiness

from .. import factories
from .conftest import fits_the_screen, phone_page, sign_in

LEVELS = list(EvidenceLevel)


def _organised():
    organiser = factories.user(email="sophie.martin@example.gouv.fr", first_name="Sophie", last_name="Martin")
    call = factories.results_call(results_at=impact_core.add_months(datetime.now(UTC), -13),
                                  title="Prix de l'innovation publique 2025")
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    scores = {}
    for i, (title, level) in enumerate((("Conciergerie solidaire des aidants", 2), ("Bus à la demande", 1),
                                        ("Cantine zéro déchet", 3), ("Guichet unique", 4), ("Fablab", None))):
        project = factories.laureate(call=call, title=title)
        scores[project] = 2.0 + i
        if level is None:
            continue  # a laureate without a follow-up
        plan = factories.impact_plan(project=project)
        if i != 1:  # the bus is late
            factories.impact_report(plan, 6, values=(100 + 50 * i, 14, 60 + i), evidence_level=LEVELS[level - 1],
                                    readiness=ReplicationReadiness.EARLY, users_reached=300)
    factories.calibration_run(call, scores)
    earlier = factories.results_call(results_at=datetime(2024, 6, 1, 10, 0, tzinfo=UTC),
                                     title="Prix de l'innovation publique 2024")
    factories.grant(organiser, earlier, CallRoleKind.ORGANISER)
    scores = {}
    for i, level in enumerate((1, 3, 2, 5)):
        project = factories.laureate(call=earlier, title=f"Projet 2024 n° {i + 1}")
        plan = factories.impact_plan(project=project)
        factories.impact_report(plan, 6, values=(40 * i, 20 - i, 55 + 5 * i), evidence_level=LEVELS[level - 1])
        scores[project] = 3.0 + i / 2
    factories.calibration_run(earlier, scores)
    return call, organiser


def test_the_call_follow_up_and_the_outcomes_on_a_desktop(page: Page):
    call, organiser = _organised()
    sign_in(page, organiser.email, factories.PASSWORD)
    page.goto(f"/manage/calls/{call.id}")
    page.get_by_role("link", name="Suivi d'impact").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Suivi d'impact")
    expect(page.locator("tbody tr").first).to_contain_text("Bus à la demande")  # late first
    fits_the_screen(page)
    page.screenshot(path="/tmp/impact_f/overview-desktop.png", full_page=True)
    page.get_by_role("link", name="Résultats au regard des notes harmonisées, d'une édition à l'autre").click()
    expect(page.locator(".outcomes__rho")).to_contain_text("n = 7 projets")
    expect(page.locator("#no-conclusion")).to_be_visible()
    expect(page.locator(".chart--scatter circle.chart__dot")).to_have_count(7)
    page.select_option("#outcome", "targets_reached")
    page.get_by_role("button", name="Afficher").click()
    expect(page).to_have_url(f"{page.url.split('?')[0]}?outcome=targets_reached")
    fits_the_screen(page)
    page.screenshot(path="/tmp/impact_f/outcomes-desktop.png", full_page=True)


def test_the_pages_on_a_phone(app, browser: Browser, base_url):
    call, organiser = _organised()
    with phone_page(browser, base_url, organiser.email) as page:
        page.goto(f"/manage/calls/{call.id}/impact")
        fits_the_screen(page)
        page.screenshot(path="/tmp/impact_f/overview-phone.png", full_page=True)
        page.goto("/manage/impact/outcomes")
        fits_the_screen(page)
        page.screenshot(path="/tmp/impact_f/outcomes-phone.png", full_page=True)
