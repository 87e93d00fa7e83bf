"""The open-data page and the API's documentation in a browser: accessible at 1280 and 375 px, their column
tables stacking on a phone, and the links to the files answering with data."""
from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from prizeapp.enums import CallPhase, DecisionOutcome, SubmissionStatus
from prizeapp.extensions import db
from prizeapp.models.types import utcnow

from .. import factories
from .conftest import fits_the_screen, fr, phone_page


def _data() -> None:
    record = factories.innovation()
    factories.replication(record, answered=True)
    call = factories.call(title="Prix de l'innovation publique 2025", phase=CallPhase.PUBLISHED)
    call.results_published_at = utcnow()
    db.session.commit()
    laureate = factories.submission(call=call, status=SubmissionStatus.SUBMITTED)
    factories.decision(laureate, DecisionOutcome.LAUREATE, amount=1000)


def test_the_open_data_page_reads_well_and_its_columns_open(app, page: Page, browser: Browser, base_url):
    _data()
    page.goto("/open-data")
    expect(page.locator("h1")).to_have_text(fr(app, "Open data"))
    fits_the_screen(page)
    page.locator("#innovations-columns summary").click()
    expect(page.locator("#innovations-columns code", has_text="theme_label")).to_be_visible()
    page.locator("#grants-columns summary").click()
    fits_the_screen(page)
    response = page.request.get("/open-data/innovations.csv")
    assert response.ok and response.text().startswith("slug,url,")
    with phone_page(browser, base_url) as phone:
        phone.goto("/open-data")
        phone.locator("#innovations-columns summary").click()
        phone.locator("#replications-columns summary").click()
        phone.locator("#grants-columns summary").click()
        fits_the_screen(phone)


def test_the_api_documentation_reads_well(app, page: Page, browser: Browser, base_url):
    _data()
    page.goto("/api/v1")
    expect(page.locator("h1")).to_have_text(fr(app, "API of the catalogue"))
    expect(page.locator("#op-listInnovations")).to_be_visible()
    fits_the_screen(page)
    with phone_page(browser, base_url) as phone:
        phone.goto("/api/v1/docs")
        fits_the_screen(phone)
