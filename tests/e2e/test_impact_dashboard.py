"""A project's follow-up dashboard and the innovation's public impact box in a browser: accessible at 1280 and
375 px, the charts drawn and styled."""
from __future__ import annotations

import os
from datetime import timedelta
from decimal import Decimal

from playwright.sync_api import Browser, Page, expect

from prizeapp.enums import EvidenceLevel, ReplicationReadiness
from prizeapp.extensions import db
from prizeapp.models import Submission
from prizeapp.models.types import utcnow

from .. import factories
from .conftest import fits_the_screen, fr, phone_page, sign_in

SHOTS = os.environ.get("PRIZEAPP_SCREENSHOTS")  # a folder to keep screenshots in, when looking at the pages


def _followed():
    """A published record whose project is 13 months into its follow-up: reported at 6 months, late at 12."""
    lead = factories.user(email="aidants.suivi@exempleville.fr")
    record = factories.innovation(call=factories.results_call(results_at=utcnow() - timedelta(days=400)), lead=lead)
    project = db.session.get(Submission, record.submission_id)
    plan = factories.impact_plan(project=project)
    factories.impact_report(plan, 6, values=(160, 12, 62), evidence_level=EvidenceLevel.DATA,
                            readiness=ReplicationReadiness.EARLY, users_reached=170, cost_to_date=Decimal("9500"),
                            worked="Les bénévoles sont restés.", did_not_work="Les permanences du soir.")
    factories.impact_report(plan, 12, values=(420,), submitted=False)
    return record, project, lead


def _shot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_the_dashboard_reads_well_on_a_wide_screen_and_on_a_phone(app, page: Page, browser: Browser, base_url):
    record, project, lead = _followed()
    sign_in(page, lead.email, factories.PASSWORD)
    page.goto(f"/submissions/{project.id}/impact")
    expect(page.locator("h2#indicators-title")).to_have_text(fr(app, "Indicators over time"))
    expect(page.locator("svg.chart__svg")).to_have_count(3)
    assert page.evaluate("() => getComputedStyle(document.querySelector('.chart__target')).strokeDasharray") \
        == "6px, 4px"  # impact.css is served and applied: the target is dashed
    fits_the_screen(page)
    _shot(page, "dashboard-1280")
    with phone_page(browser, base_url, lead.email) as phone:
        phone.goto(f"/submissions/{project.id}/impact")
        fits_the_screen(phone)
        _shot(phone, "dashboard-375")


def test_the_public_impact_box_reads_well_on_a_phone(app, browser: Browser, base_url):
    record, _, _ = _followed()
    with phone_page(browser, base_url) as phone:
        phone.goto(f"/innovations/{record.slug}")
        expect(phone.locator(".impact-public__table")).to_be_visible()
        fits_the_screen(phone)
        phone.locator("#impact").screenshot(path=os.path.join(SHOTS, "public-375.png")) if SHOTS else None
