"""The open-data page and the API's documentation in a browser: accessible at 1280 and 375 px, their column
tables stacking on a phone, and the links to the files answering with data."""
from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from prizeapp.enums import CallPhase, DecisionOutcome, SubmissionStatus
from prizeapp.extensions import db
from prizeapp.models.types import utcnow

from .. import factories
from .conftest import fits_the_screen, fr, no_horizontal_scroll, phone_page


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


def _values_lines(page: Page, parameter: str) -> tuple[int, int]:
    """(values, lines) of the allowed values of `parameter` in the first table of parameters."""
    return tuple(page.evaluate("""name => {
        const row = [...document.querySelectorAll('.api-params tbody tr')]
            .find(tr => tr.querySelector('th code').textContent === name);
        const codes = [...row.querySelectorAll('td code')];
        return [codes.length, new Set(codes.map(c => Math.round(c.getBoundingClientRect().top))).size];
    }""", parameter))


def _broken_names(page: Page) -> list[str]:
    """The parameter names drawn on more than one line."""
    return page.evaluate("""() => [...document.querySelectorAll('.api-params th code')]
                                  .filter(code => code.getClientRects().length > 1).map(code => code.textContent)""")


def test_the_api_parameters_flow_on_a_phone_and_their_names_never_break(page: Page, browser: Browser, base_url):
    _data()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/api/v1/docs")
    assert _broken_names(page) == []
    values, lines = _values_lines(page, "theme")
    assert values == 14 and lines <= values // 3
    fits_the_screen(page)
    with phone_page(browser, base_url) as phone:
        phone.goto("/api/v1/docs")
        no_horizontal_scroll(phone)
        assert _broken_names(phone) == []
        values, lines = _values_lines(phone, "theme")
        assert values == 14 and lines <= values // 2, "the themes' codes each on a line of their own"
        height = phone.evaluate("() => document.documentElement.scrollHeight")
        assert height < 6500, f"the documentation is {height} px tall on a phone"
        # The long list of départements is folded, and opens on demand.
        departements = phone.locator(".api-params details", has_text="2A").first
        expect(departements.locator("code", has_text="2A")).to_be_hidden()
        departements.locator("summary").click()
        expect(departements.locator("code", has_text="2A")).to_be_visible()
        no_horizontal_scroll(phone)
        fits_the_screen(phone)
