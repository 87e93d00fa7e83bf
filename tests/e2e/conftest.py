"""Browser tests: the real app served on loopback, driven by Playwright on Debian's Chromium.

Every test in this folder is marked `e2e` (run them alone with `pytest -m e2e`). The database is emptied
after each test by the autouse fixture of tests/conftest.py, so each test creates what it needs with
tests/factories.py.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from werkzeug.serving import make_server

from .. import factories

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 375, "height": 740}


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def live_server(app):
    """The app on a free loopback port, served from a thread; CSRF stays on as in production."""
    assert app.config.get("WTF_CSRF_ENABLED", True), "browser tests must keep CSRF protection on"
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()


@pytest.fixture(scope="session")
def base_url(live_server):
    """pytest-playwright resolves page.goto("/path") against this."""
    return live_server


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's Chromium; never `playwright install` (it downloads a browser and fails offline).
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, base_url):
    return {
        **browser_context_args,
        "base_url": base_url,
        "locale": "fr-FR",
        # The app's Content-Security-Policy (script-src 'self') rightly blocks inline scripts, and
        # page.add_script_tag injects axe-core as one. Only the test needs that exception: the app keeps its
        # CSP, which test_security_headers_keep_the_csp checks on a real response.
        "bypass_csp": True,
    }


def axe_check(page: Page) -> None:
    """No serious or critical accessibility violation on the current page (axe-core, WCAG 2.1 A/AA rules)."""
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async () => (await axe.run(document, {
              runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}
           })).violations"""
    )
    bad = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not bad, f"{page.url}: accessibility violations:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} → {[n['target'] for n in v['nodes']]}" for v in bad
    )


# --- helpers shared by the browser tests ---------------------------------------------------------------

def fr(app, msgid: str, **variables) -> str:
    """A message as the French pages show it, read from the same catalog the app uses."""
    from flask_babel import force_locale, gettext

    with app.test_request_context(), force_locale("fr"):
        return gettext(msgid, **variables)


def deliver_emails(app) -> list[int]:
    """Send the queued emails as the outbox worker does; return the ids sent."""
    from prizeapp.services import outbox

    with app.app_context():
        report = outbox.deliver_pending()
    assert not report.failed and not report.retried, report
    return report.sent


def sign_in(page: Page, email: str, password: str, *, remember: bool = False) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", password)
    if remember:
        page.check("#remember")
    page.click("form.form button[type=submit]")
    page.wait_for_url("**/account/")


def no_horizontal_scroll(page: Page) -> None:
    """Neither the page nor a table's scrolling box is wider than the window (tables stack on phones)."""
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url} scrolls horizontally: {width[0]} px wide in a {width[1]} px window"
    boxes = page.evaluate("""() => [...document.querySelectorAll('.table-wrap')]
                                   .map(box => [box.scrollWidth, box.clientWidth])""")
    assert all(inner <= outer for inner, outer in boxes), f"{page.url}: a table scrolls sideways: {boxes}"


def fits_the_screen(page: Page) -> None:
    """No sideways scrolling and no axe-core violation on the page shown."""
    no_horizontal_scroll(page)
    axe_check(page)


@contextmanager
def phone_page(browser: Browser, base_url: str, email: str | None = None) -> Iterator[Page]:
    """A phone-sized French page (signed in as `email` if given) in its own browser context, which is
    closed afterwards even when the test fails."""
    context = browser.new_context(base_url=base_url, viewport=PHONE, locale="fr-FR", bypass_csp=True)
    try:
        page = context.new_page()
        if email is not None:
            sign_in(page, email, factories.PASSWORD)
        yield page
    finally:
        context.close()


@pytest.fixture
def job_worker(app):
    """The job worker, as `flask jobs work --loop` runs it, in a thread for the length of the test."""
    from prizeapp.extensions import db
    from prizeapp.services import jobs

    stopping = threading.Event()

    def work() -> None:
        with app.app_context():
            while not stopping.is_set():
                if jobs.work_one() is None:
                    stopping.wait(0.3)
                db.session.remove()

    thread = threading.Thread(target=work, name="job-worker", daemon=True)
    thread.start()
    yield
    stopping.set()
    thread.join(timeout=30)
