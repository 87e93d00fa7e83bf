"""The ranking explained in a real browser: a jury member reads one project's score step by step (its waterfall,
its tables), follows the link to compare it with another project, and reads why one is above the other and how
sure the ranking is of it; a reviewer's page. Checked with axe-core at 1280 px and on a 375 px phone, where
nothing scrolls sideways."""
from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from .. import factories
from ..views.test_ranking_explained import panel  # noqa: F401  (the fixture: a call ranked, one review missing)
from .conftest import axe_check, fits_the_screen, fr, no_horizontal_scroll, phone_page, sign_in


def test_a_jury_member_reads_a_projects_score_and_compares_it_with_another(app, page: Page, panel):  # noqa: F811
    call, projects, people, organiser, juror, run = panel
    order = [p["id"] for p in run.result["submissions"]]
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, juror.email, factories.PASSWORD)

    page.goto(f"/jury/calls/{call.id}/projects/{projects[1].id}")
    expect(page.locator("#how-title")).to_have_text(fr(app, "How its score was reached"))
    expect(page.locator(".waterfall__row:not(.waterfall__axis)")).to_have_count(7)  # the steps, totals included
    expect(page.locator("text=Karim Juste").first).to_be_visible()  # the review still expected
    no_horizontal_scroll(page)
    axe_check(page)

    page.click(f"a[href='/jury/calls/{call.id}/compare?a={projects[1].id}']")
    page.select_option("#project-b", str(projects[2].id))
    page.click("form.filters-form button[type=submit]")
    first, second = sorted((projects[1], projects[2]), key=lambda p: order.index(p.id))
    expect(page.locator("#pair-title")).to_have_text(
        fr(app, "%(first)s above %(second)s", first=first.reference, second=second.reference))
    expect(page.locator("svg.odds__bar")).to_be_attached()
    expect(page.locator("#gap-waterfall-title")).to_be_visible()
    no_horizontal_scroll(page)
    axe_check(page)

    page.goto(f"/jury/calls/{call.id}/reviewers/{people[0].id}")
    expect(page.locator("h1")).to_have_text("Émilie Lenoir")
    axe_check(page)


def test_the_explanation_and_the_comparison_fit_a_phone(app, browser: Browser, base_url, panel):  # noqa: F811
    call, projects, people, organiser, juror, run = panel
    with phone_page(browser, base_url, juror.email) as page:
        for path in (f"/jury/calls/{call.id}/projects/{projects[1].id}",
                     f"/jury/calls/{call.id}/compare?a={projects[1].id}&b={projects[2].id}",
                     f"/jury/calls/{call.id}/compare",
                     f"/jury/calls/{call.id}/reviewers/{people[1].id}"):
            page.goto(path)
            expect(page.locator("h1")).to_be_visible()
            fits_the_screen(page)
