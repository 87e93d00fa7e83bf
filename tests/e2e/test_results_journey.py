"""Publishing results in a real browser: the organiser checks what will be sent and publishes (decisions
created directly, as the jury's decisions page would), an applicant reads the decision, and anyone browses
the laureate projects, on a desktop and on a phone; checked with axe-core."""
from __future__ import annotations

from decimal import Decimal

from playwright.sync_api import Browser, Page, expect

from prizeapp.enums import CallPhase, CallRoleKind, DecisionOutcome, SubmissionStatus
from prizeapp.extensions import db
from prizeapp.models.decision import Decision

from .. import factories
from .conftest import axe_check, fits_the_screen, phone_page, sign_in


def _decided_call():
    call = factories.call(title="Prix de l'innovation publique 2027", phase=CallPhase.DELIBERATION)
    call.categories = ["Alimentation", "Accueil"]
    organiser = factories.user(email="sophie.martin@example.gouv.fr", first_name="Sophie", last_name="Martin")
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    lead = factories.user(email="aicha.benali@ville-exemple.fr", first_name="Aïcha", last_name="Benali")
    winner = factories.submission(call=call, status=SubmissionStatus.SUBMITTED, lead=lead,
                                  title="Cantine zéro déchet", category="Alimentation",
                                  territory="Métropole de Lyon")
    other = factories.submission(call=call, status=SubmissionStatus.SUBMITTED, title="Guichet unique",
                                 category="Accueil")
    reviewer = factories.user(email="expert@labo.fr", first_name="Expert", last_name="Relecteur")
    factories.submitted_review(call=call, submission=winner, reviewer=reviewer, total=4.5,
                               comment="Très bon ancrage local.", jury_comment="Confidentiel.")
    db.session.add_all([
        Decision(call_id=call.id, submission_id=winner.id, outcome=DecisionOutcome.LAUREATE, prize="Premier prix",
                 amount=Decimal("15000"), reason="Un projet reproductible ailleurs."),
        Decision(call_id=call.id, submission_id=other.id, outcome=DecisionOutcome.MENTION)])
    db.session.commit()
    return call, organiser, lead, winner


def test_the_organiser_publishes_and_the_applicant_reads_the_decision(page: Page):
    call, organiser, lead, winner = _decided_call()
    sign_in(page, organiser.email, factories.PASSWORD)
    page.goto(f"/manage/calls/{call.id}")
    page.click(f"nav.tabs a[href='/manage/calls/{call.id}/results']")
    expect(page.locator("table.data tbody tr")).to_have_count(4)
    axe_check(page)
    page.click("form.form button[type=submit]")  # without ticking the box: refused, nothing lost
    expect(page.locator(".error-summary")).to_be_visible()
    page.check("#confirm")
    page.click("form.form button[type=submit]")
    expect(page.locator(".flashes")).to_contain_text("2")
    expect(page.locator(".notice--success").first).to_be_visible()
    axe_check(page)
    page.click("form.site-nav__logout button, form[action='/logout'] button")

    sign_in(page, lead.email, factories.PASSWORD)
    page.goto("/submissions")
    page.click(f"a[href='/submissions/{winner.id}/decision']")
    expect(page.locator("#decision-title")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Un projet reproductible ailleurs.")
    expect(page.locator("main")).to_contain_text("Très bon ancrage local.")
    expect(page.locator("main")).not_to_contain_text("Confidentiel.")
    axe_check(page)


def test_the_laureates_page_on_a_phone(app, browser: Browser, base_url):
    from flask import current_app

    from prizeapp.services import results

    call, organiser, lead, winner = _decided_call()
    with current_app.test_request_context():
        results.publish(call=call, actor=organiser)
        db.session.commit()
    with phone_page(browser, base_url) as page:
        page.goto("/")
        page.click("a[href='/laureates']")
        expect(page.locator("ul.cards li.card")).to_have_count(2)
        fits_the_screen(page)
        page.fill("#q", "cantine")
        page.click("form.filters-form button[type=submit]")
        expect(page.locator("ul.cards li.card")).to_have_count(1)
        page.click(f"a[href='/laureates/{winner.reference}']")
        expect(page.locator("h1")).to_have_text("Cantine zéro déchet")
        expect(page.locator("main")).to_contain_text("Aïcha Benali")
        expect(page.locator("main")).to_contain_text("Métropole de Lyon")
        fits_the_screen(page)
