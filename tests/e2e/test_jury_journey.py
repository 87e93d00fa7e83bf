"""The jury's ranking in a real browser: the organiser computes it (progress, then the ranking once the job
worker is done), a jury member reads it with its plots and opens one project's explanation; checked with
axe-core, and on a phone."""
from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Browser, Page, expect

from prizeapp.enums import CallPhase, CallRoleKind, SubmissionStatus
from prizeapp.extensions import db
from prizeapp.models.types import utcnow

from .. import factories
from .conftest import axe_check, fits_the_screen, phone_page, sign_in


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
