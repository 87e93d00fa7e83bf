"""The page of an innovation in a browser: accessible at 1280 and 375 px, under the app's own CSP (its JSON-LD
is data, not a script), and its history and version pages too."""
from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from prizeapp.enums import ReplicationStatus
from prizeapp.extensions import db
from prizeapp.models import Replication
from prizeapp.models.types import utcnow

from .. import factories
from .conftest import fits_the_screen, fr, phone_page


def _record():
    lead = factories.user(first_name="Aïcha", last_name="Benali")
    record = factories.innovation(lead=lead, contact_ids=[lead.id])
    db.session.add(Replication(innovation_id=record.id, organisation="Commune de Quimper", territory_name="Quimper",
                               departement_code="29", region_code="53", status=ReplicationStatus.LAUNCHED,
                               answered_at=utcnow()))
    db.session.commit()
    factories.innovation_document(record, title="Kit de démarrage", name="kit.pdf")
    return record


def test_the_page_reads_well_on_a_wide_screen_and_on_a_phone(app, page: Page, browser: Browser, base_url):
    record = _record()
    slug = record.slug
    page.goto(f"/innovations/{slug}")
    expect(page.locator("h1")).to_have_text("Conciergerie solidaire des aidants")
    expect(page.locator("#taking-up-title")).to_have_text(fr(app, "Taking it up elsewhere"))
    expect(page.get_by_text("Commune de Quimper")).to_be_visible()
    fits_the_screen(page)
    page.goto(f"/innovations/{slug}/history")
    fits_the_screen(page)
    page.goto(f"/innovations/{slug}/versions/2")
    fits_the_screen(page)
    with phone_page(browser, base_url) as phone:
        phone.goto(f"/innovations/{slug}")
        expect(phone.get_by_role("link", name=fr(app, "I want to take up this innovation")).first).to_be_visible()
        fits_the_screen(phone)


def test_the_page_runs_under_the_apps_own_content_security_policy(browser: Browser, base_url):
    record = _record()
    context = browser.new_context(base_url=base_url, locale="fr-FR")
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        page.goto(f"/innovations/{record.slug}")
        expect(page.locator("html")).to_have_class("js")
        assert page.evaluate("() => getComputedStyle(document.querySelector('.innovation-takeup')).borderLeftStyle") \
            == "solid"  # innovation.css is served and applied
        assert problems == []
    finally:
        context.close()
