"""The jury's ranking in a real browser: the organiser computes it (progress, then the ranking once the job
worker is done), a jury member reads it with its plots and opens one project's explanation; checked with
axe-core, and on a phone. The table keeps what the jury decides on in the window at 1280 px and on a phone,
its header in view, and takes every vote in one form."""
from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Browser, Page, expect

from prizeapp.enums import CallPhase, CallRoleKind, SubmissionStatus
from prizeapp.extensions import db
from prizeapp.models.types import utcnow

from .. import factories
from .conftest import axe_check, fits_the_screen, no_horizontal_scroll, phone_page, sign_in


def _reviewed_call():
    """Six projects reviewed by three reviewers, one of them harsh; an organiser and a jury member."""
    call = factories.call(title="Prix de l'innovation publique 2027", phase=CallPhase.REVIEW)
    call.submission_deadline = utcnow() - timedelta(days=1)
    call.prize_count = 2
    call.categories = ["Santé", "Éducation"]
    projects = [factories.submission(call=call, status=SubmissionStatus.SUBMITTED, title=f"Projet {name}",
                                     category=["Santé", "Éducation"][i % 2])
                for i, name in enumerate(["Alpha", "Bêta", "Gamma", "Delta", "Epsilon", "Zêta"])]
    quality = [4.6, 4.2, 3.8, 3.1, 2.6, 2.0]
    for j, (name, leniency) in enumerate([("Arnaud", 0.0), ("Bérénice", 0.3), ("Sévère", -1.2)]):
        reviewer = factories.user(email=f"expert{j}@labo{j}.fr", first_name="Expert", last_name=name)
        for i, project in enumerate(projects):
            if (i + j) % 3 != 2:  # each project read by two of the three
                factories.submitted_review(call=call, submission=project, reviewer=reviewer,
                                           total=max(1.0, min(5.0, quality[i] + leniency)))
    organiser = factories.user(email="sophie.martin@example.gouv.fr", first_name="Sophie", last_name="Martin")
    juror = factories.user(email="helene.dubois@example.gouv.fr", first_name="Hélène", last_name="Dubois")
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    factories.grant(juror, call, CallRoleKind.JURY)
    return call, projects, organiser, juror


def test_the_organiser_computes_the_ranking_and_the_jury_reads_it(page: Page, job_worker):
    call, projects, organiser, juror = _reviewed_call()

    sign_in(page, organiser.email, factories.PASSWORD)
    page.goto(f"/jury/calls/{call.id}/ranking")
    page.click("form[action$='/ranking/compute'] button[type=submit]")
    # The worker computes; app.js polls, then reloads the page with the ranking.
    expect(page.locator("#forest-title")).to_be_attached(timeout=30_000)
    axe_check(page)
    page.click("form.site-nav__logout button, form[action='/logout'] button")

    sign_in(page, juror.email, factories.PASSWORD)
    page.goto("/jury/")
    page.click(f"a[href='/jury/calls/{call.id}/ranking']")
    expect(page.locator("table.ranking tbody tr")).to_have_count(6)
    expect(page.locator("svg circle.chart__dot")).to_have_count(6 + 3)  # projects, then reviewers' leniency
    expect(page.locator("#reviewers-title")).to_be_visible()
    axe_check(page)

    page.select_option("#category", "Santé")
    page.click("form.filters-form button[type=submit]")
    expect(page.locator("table.ranking tbody tr")).to_have_count(3)

    page.click(f"a[href='/jury/calls/{call.id}/projects/{projects[0].id}']")
    expect(page.locator("h1")).to_have_text("Projet Alpha")
    expect(page.locator("svg circle.chart__marker")).to_have_count(2)  # its two reviews, before correction
    axe_check(page)


def test_the_ranking_fits_a_phone(app, browser: Browser, base_url):
    from prizeapp.services import ranking

    call, projects, organiser, juror = _reviewed_call()
    ranking.run_calibration(run=ranking.start_calibration(call=call, actor=organiser))
    db.session.commit()
    with phone_page(browser, base_url, juror.email) as page:
        page.goto(f"/jury/calls/{call.id}/ranking")
        expect(page.locator("#forest-title")).to_be_attached()
        fits_the_screen(page)


def _ranked_call():
    from prizeapp.services import ranking

    call, projects, organiser, juror = _reviewed_call()
    ranking.run_calibration(run=ranking.start_calibration(call=call, actor=organiser))
    db.session.commit()
    return call, projects, organiser, juror


def _essentials_in_view(page: Page) -> None:
    """Rank, title, score, chance, the member's vote and the tally of the first row inside the window."""
    width = page.evaluate("() => window.innerWidth")
    row = page.locator("table.ranking tbody tr").first
    for cell in ("td.ranking__rank", "a.ranking__title", "td.num >> nth=1", "select", "td.ranking__tally"):
        box = row.locator(cell).first.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (cell, box, width)


def test_the_jury_votes_from_the_ranking_table_at_1280_px_with_the_header_in_view(app, page: Page):
    from prizeapp.models.decision import JuryVote

    call, projects, organiser, juror = _ranked_call()
    sign_in(page, juror.email, factories.PASSWORD)
    page.goto(f"/jury/calls/{call.id}/ranking")

    no_horizontal_scroll(page)
    _essentials_in_view(page)
    expect(page.locator("table.ranking thead th")).to_have_count(6)  # rank … chance, vote, tally
    # the rest one click away
    details = page.locator("table.ranking tbody tr").first.locator("details")
    expect(details.locator("dl")).to_be_hidden()
    details.locator("summary").click()
    expect(details.locator("dl")).to_be_visible()
    axe_check(page)

    # Scrolled down to the last row, the header is still at the top of the window.
    page.locator("table.ranking tbody tr").last.scroll_into_view_if_needed()
    header = page.locator("table.ranking thead th").first.bounding_box()
    assert abs(header["y"]) < 2, header
    expect(page.locator(".ballot__actions button[type=submit]")).to_be_in_viewport()

    page.select_option(f"#choice-{projects[0].id}", "laureate")
    page.select_option(f"#choice-{projects[3].id}", "mention")
    page.click(".ballot__actions button[type=submit]")
    expect(page.locator(".flashes .notice--success")).to_be_visible()
    expect(page.locator(f"#choice-{projects[0].id}")).to_have_value("laureate")
    expect(page.locator(f"#project-{projects[3].id} .ranking__tally")).to_contain_text("1")
    with app.app_context():
        votes = {v.submission_id: v.choice.value for v in db.session.scalars(db.select(JuryVote))}
    assert votes == {projects[0].id: "laureate", projects[3].id: "mention"}


def test_the_ranking_and_its_votes_fit_a_phone(app, browser: Browser, base_url):
    from prizeapp.models.decision import JuryVote

    call, projects, organiser, juror = _ranked_call()
    with phone_page(browser, base_url, juror.email) as page:
        page.goto(f"/jury/calls/{call.id}/ranking")
        fits_the_screen(page)
        _essentials_in_view(page)
        label = page.locator("figure.forest .forest__label").first
        assert label.bounding_box()["width"] > 250  # a title across the width, above its interval
        page.select_option(f"#choice-{projects[1].id}", "not_selected")
        page.click(".ballot__actions button[type=submit]")
        expect(page.locator(".flashes .notice--success")).to_be_visible()
        fits_the_screen(page)
    with app.app_context():
        assert db.session.scalar(db.select(JuryVote.choice)).value == "not_selected"
