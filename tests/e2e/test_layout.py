"""What every page shares: the app's own Content-Security-Policy holds, and the language switch."""
from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from .. import factories
from .conftest import axe_check, fr, phone_page, sign_in


def test_pages_run_under_the_apps_own_content_security_policy(browser: Browser, base_url):
    # The other tests bypass the CSP to inject axe-core; this one does not, so an inline script or style
    # slipping into a template shows up here as a violation.
    admin = factories.user(admin=True)
    context = browser.new_context(base_url=base_url, locale="fr-FR")
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        response = page.goto("/login")
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        # app.js ran: it marks the document and reveals the menu button.
        expect(page.locator("html")).to_have_class("js")
        sign_in(page, admin.email, factories.PASSWORD)
        for path in ("/", "/register", "/account/profile", "/admin/outbox", "/admin/audit"):
            page.goto(path)
        assert problems == []
    finally:
        context.close()


def test_the_language_switch_translates_the_page_and_stays_on_it(app, page: Page):
    page.goto("/login")
    expect(page.locator("h1")).to_have_text(fr(app, "Sign in"))
    page.click(".lang-switch button[value=en]")
    page.wait_for_url("**/login")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Sign in")
    expect(page.locator(".lang-switch button[value=en]")).to_be_disabled()
    axe_check(page)
    page.click(".lang-switch button[value=fr]")
    expect(page.locator("html")).to_have_attribute("lang", "fr")


def test_the_footer_links_are_targets_a_finger_can_hit(browser: Browser, base_url):
    # WCAG 2.2, target size (minimum): at least 24 × 24 CSS pixels, on a phone too.
    with phone_page(browser, base_url) as phone:
        phone.goto("/innovations")
        links = phone.locator(".site-footer a")
        assert links.count() >= 2
        for link in links.all():
            box = link.bounding_box()
            assert box["width"] >= 24 and box["height"] >= 24, f"{link.text_content()}: {box}"
