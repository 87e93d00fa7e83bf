"""A laureate's team sets up its impact follow-up and fills its 6-month report in a browser, as a new user would:
from « Mes candidatures », indicators picked from the library (the page's script fills them in), a value typed
the French way refused with what was typed kept, the draft saved in the background, then submitted. Each page
is checked with axe-core at 1280 px and on a 375 px phone."""
from __future__ import annotations

import os
from datetime import timedelta

from playwright.sync_api import Browser, Page, expect

from prizeapp.enums import ImpactReportStatus
from prizeapp.extensions import db
from prizeapp.models import ImpactPlan
from prizeapp.models.types import utcnow

from .. import factories
from .conftest import fits_the_screen, fr, phone_page, sign_in

SHOTS = os.environ.get("PRIZEAPP_SCREENSHOTS")

TEXTS = {
    "problem": "Les aidants familiaux s'épuisent faute de relais.",
    "baseline": "Aucun lieu de répit dans le département ; 40 demandes par an sans réponse.",
    "activities": "Une conciergerie tenue par des bénévoles, deux après-midi par semaine.",
    "outputs": "Des permanences tenues, des aidants accompagnés.",
    "results": "Les aidants prennent du temps pour eux.",
    "impacts": "Moins d'épuisement et d'hospitalisations évitables.",
}
LIBRARY = ("users_per_year", "satisfaction", "agent_hours_saved")


def _shot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def _laureate():
    lead = factories.user(email="aidants.laureats@exempleville.fr")
    call = factories.results_call(title="Prix de l'innovation 2026", results_at=utcnow() - timedelta(days=20))
    project = factories.laureate(call=call, lead=lead, title="Conciergerie des aidants")
    return lead, project


def test_a_team_sets_up_its_follow_up_and_files_its_six_month_report(app, page: Page, browser: Browser, base_url):
    lead, project = _laureate()
    sign_in(page, lead.email, factories.PASSWORD)
    page.goto("/submissions")
    page.get_by_role("link", name=fr(app, "Set up the impact follow-up")).click()
    page.get_by_role("button", name=fr(app, "Set up the follow-up")).click()
    expect(page.locator(".flashes .notice--success").first).to_be_visible()
    fits_the_screen(page)

    # Launching too early lists what is missing, and keeps what was typed.
    page.fill("#problem", TEXTS["problem"])
    page.get_by_role("button", name=fr(app, "Launch the follow-up")).click()
    expect(page.locator("#problems")).to_be_visible()
    expect(page.locator("#problem")).to_have_value(TEXTS["problem"])
    fits_the_screen(page)

    for name, text in TEXTS.items():
        page.fill(f"#{name}", text)
    for row, key in enumerate(LIBRARY):
        page.select_option(f"#indicators-{row}-library_key", key)
        # The script copies the library's name and unit into the row.
        expect(page.locator(f"#indicators-{row}-name")).not_to_have_value("")
        expect(page.locator(f"#indicators-{row}-unit")).not_to_have_value("")
        page.fill(f"#indicators-{row}-baseline", "0")
        page.fill(f"#indicators-{row}-target", "1 200" if row == 0 else "80,5")
    page.get_by_role("button", name=fr(app, "Launch the follow-up")).click()
    expect(page.locator("#status.notice--success")).to_be_visible()
    plan = db.session.scalar(db.select(ImpactPlan).filter_by(submission_id=project.id))
    db.session.refresh(plan)
    assert [i.library_key for i in plan.indicators] == list(LIBRARY)
    assert str(plan.indicators[0].target) in ("1200", "1200.0000", "1200.00")
    fits_the_screen(page)
    _shot(page, "setup-1280")
    with phone_page(browser, base_url, lead.email) as phone:
        phone.goto(f"/submissions/{project.id}/impact/setup")
        fits_the_screen(phone)
        _shot(phone, "setup-375")

    # The 6-month report: a value that is not a number is refused beside its field, the rest kept.
    page.locator("#reports").get_by_role("link").first.click()
    first, second, third = (f"#value_{i.id}" for i in plan.indicators)
    page.fill(first, "douze")
    page.fill(second, "72,5")
    page.fill("#worked", "Les bénévoles sont restés.")
    page.get_by_role("button", name=fr(app, "Save the draft")).click()
    expect(page.locator("#problems")).to_be_visible()
    expect(page.locator(f"{first}[aria-invalid=true]")).to_have_value("douze")
    expect(page.locator("#worked")).to_have_value("Les bénévoles sont restés.")
    fits_the_screen(page)

    # Typed as the team goes, saved in the background when the page is left.
    page.fill(first, "310")
    page.fill(third, "120")
    page.fill("#users_reached", "340")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.evaluate("() => window.dispatchEvent(new Event('pagehide'))")
    assert answer.value.status == 200
    expect(page.locator("[data-autosave-status]")).to_contain_text(fr(app, "Draft saved at %(time)s", time="")
                                                                  .strip())
    page.goto(f"/submissions/{project.id}/impact/reports/6")  # not reload(): that would post the form again
    expect(page.locator(first)).to_have_value("310")
    expect(page.locator("#users_reached")).to_have_value("340")

    page.locator("input[name=evidence_level]").first.check()
    page.locator("input[name=readiness]").first.check()
    page.fill("#cost_to_date", "9 500")
    page.fill("#did_not_work", "Les permanences du soir.")
    page.fill("#unexpected", "Des aidants devenus bénévoles.")
    page.get_by_role("button", name=fr(app, "Submit the report")).click()
    expect(page.locator(".flashes .notice--success").first).to_be_visible()
    report = next(r for r in plan.reports if r.months == 6)
    db.session.refresh(report)
    assert report.status == ImpactReportStatus.SUBMITTED
    fits_the_screen(page)
    _shot(page, "report-1280")
    with phone_page(browser, base_url, lead.email) as phone:
        phone.goto(f"/submissions/{project.id}/impact/reports/12")
        fits_the_screen(phone)
        _shot(phone, "report-375")
