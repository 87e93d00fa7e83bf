"""Searching the catalogue in a browser, at 1280 and 375 px: a search, a filter, removing it, the sort; the
filters fold on a phone and open when asked; accessible everywhere, under the app's own CSP."""
from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import Browser, Page, expect

from prizeapp.enums import ReplicationStatus

from .. import factories
from .conftest import fits_the_screen, fr, phone_page


def _catalogue():
    ecole = factories.innovation(title="École du numérique pour tous", theme="digital", territory_kind="urban",
                                 organisation="Communauté d'agglomération du Grand Exempleville-sur-Mer")
    factories.innovation(title="Mobilité solidaire en zone rurale", theme="mobility", territory_kind="rural",
                         departement_code="23", region_code="75", solution="Des écoles de conduite solidaires.")
    factories.innovation(title="Cantine zéro déchet", theme="food", territory_kind="periurban")
    factories.replications_of(ecole, ReplicationStatus.LAUNCHED)


def test_searching_filtering_and_sorting_on_a_wide_screen(app, page: Page):
    _catalogue()
    page.goto("/")
    page.get_by_role("navigation", name=fr(app, "Main menu")).get_by_role("link", name="Innovations").click()
    expect(page.locator("h1")).to_have_text(fr(app, "Innovations to take up"))
    expect(page.locator("#catalogue-count")).to_have_text("3 innovations")
    fits_the_screen(page)

    page.get_by_label(fr(app, "Search the innovations")).fill("écoles")
    page.get_by_role("button", name=fr(app, "Find")).click()
    expect(page.locator("#catalogue-count")).to_have_text("2 innovations")
    assert urlsplit(page.url).query == "q=%C3%A9coles"  # a clean address to share: no empty filter in it
    expect(page.locator(".catalogue-active__list")).to_contain_text(fr(app, "%(label)s: %(value)s",
                                                                      label=fr(app, "Search"), value="écoles"))
    expect(page.locator(".catalogue-card h3").first).to_have_text("École du numérique pour tous")
    fits_the_screen(page)

    page.select_option("#territory", "rural")
    page.get_by_role("button", name=fr(app, "Apply the filters")).click()
    expect(page.locator("#catalogue-count")).to_have_text("1 innovation")
    expect(page.locator(".catalogue-card h3")).to_have_text("Mobilité solidaire en zone rurale")
    assert urlsplit(page.url).query == "q=%C3%A9coles&territory=rural"
    page.get_by_role("link", name=fr(app, "Remove the filter") + " " + fr(app, "%(label)s: %(value)s",
                                                                          label=fr(app, "Type of territory"),
                                                                          value=fr(app, "Rural"))).click()
    expect(page.locator("#catalogue-count")).to_have_text("2 innovations")

    page.get_by_role("link", name=fr(app, "Remove the filter"), exact=False).first.click()  # the search itself
    expect(page.locator("#catalogue-count")).to_have_text("3 innovations")
    page.select_option("#sort", "replications")
    page.get_by_role("button", name=fr(app, "Sort"), exact=True).click()
    expect(page.locator(".catalogue-card h3").first).to_have_text("École du numérique pour tous")
    assert "sort=replications" in page.url
    fits_the_screen(page)

    page.goto("/innovations?q=téléphérique")
    expect(page.get_by_text(fr(app, "No innovation matches your search."))).to_be_visible()
    fits_the_screen(page)


def test_on_a_phone_the_filters_fold_and_open_when_asked(app, browser: Browser, base_url):
    _catalogue()
    with phone_page(browser, base_url) as phone:
        phone.goto("/innovations")
        filters = phone.locator("details.catalogue-form__filters")
        expect(filters).not_to_have_attribute("open", "")
        expect(phone.locator("#theme")).to_be_hidden()
        fits_the_screen(phone)
        phone.get_by_text(fr(app, "Filters"), exact=True).click()
        expect(phone.locator("#theme")).to_be_visible()
        phone.select_option("#theme", "mobility")
        phone.get_by_role("button", name=fr(app, "Apply the filters")).click()
        expect(phone.locator("#catalogue-count")).to_have_text("1 innovation")
        fits_the_screen(phone)
        # A value that is not in the list: the message shows, with the filters open.
        phone.goto("/innovations?theme=nonsense")
        expect(phone.locator("#theme-error")).to_be_visible()
        fits_the_screen(phone)


def test_the_list_runs_under_the_apps_own_content_security_policy(browser: Browser, base_url):
    _catalogue()
    context = browser.new_context(base_url=base_url, locale="fr-FR", viewport={"width": 375, "height": 740})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        page.goto("/innovations")
        expect(page.locator("details.catalogue-form__filters")).not_to_have_attribute("open", "")  # catalogue.js
        assert page.evaluate("() => getComputedStyle(document.querySelector('.catalogue-chip, .catalogue-empty, "
                             ".catalogue-card__facts')).display") == "grid"  # catalogue.css is applied
        assert problems == []
    finally:
        context.close()
