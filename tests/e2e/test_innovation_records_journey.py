"""Publishing a record from a laureate in a real browser: the team starts it from its decision, fills in the long
form (an error first, nothing typed lost), sends it for checking; the organiser reads it and publishes it. On a
desktop and on a phone, checked with axe-core."""
from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from prizeapp.enums import CallPhase, CallRoleKind, DecisionOutcome, SubmissionStatus
from prizeapp.extensions import db
from prizeapp.models.types import utcnow

from .. import factories
from .conftest import axe_check, deliver_emails, fits_the_screen, fr, phone_page, sign_in


def _laureate():
    call = factories.call(title="Prix de l'innovation territoriale 2027", phase=CallPhase.PUBLISHED)
    call.results_published_at = utcnow()
    organiser = factories.user(email="sophie.martin@example.gouv.fr", first_name="Sophie", last_name="Martin")
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    lead = factories.user(email="aicha.benali@ville-exemple.fr", first_name="Aïcha", last_name="Benali")
    project = factories.submission(call=call, status=SubmissionStatus.SUBMITTED, lead=lead,
                                   title="Conciergerie solidaire des aidants", summary="Un guichet de répit.",
                                   description="Des bénévoles formés relaient les aidants.")
    factories.decision(project, DecisionOutcome.LAUREATE, prize="Premier prix")
    db.session.commit()
    return call, organiser, lead, project


def _fill_the_record(page: Page) -> None:
    page.fill("#summary", "Un guichet unique qui soulage les aidants familiaux.")
    page.select_option("#theme", "social")
    page.fill("#organisation", "Ville d'Exempleville")
    page.fill("#problem", "Les aidants familiaux s'épuisent faute de relais.")
    page.fill("#affected", "Les aidants familiaux.")
    page.fill("#beneficiaries", "Aidants et aidés.")
    page.fill("#territory_name", "Rennes et sa métropole")
    page.fill("#commune_code", "35238")
    page.check("#territory_kind-0")
    page.check("#readiness-2")
    page.fill("#phase_experiment", "2024-09-01")
    page.fill("#results", "320 aidants accompagnés la première année.")
    page.check("#evidence_level-1")
    page.fill("#fixed_core", "Le guichet unique et la formation des bénévoles.")
    page.fill("#adaptable", "Les horaires, les lieux.")
    page.fill("#conditions_skills", "Un coordinateur à mi-temps.")
    page.check("#licence-0")
    page.fill("#links-0-title", "Guide de mise en place")
    page.fill("#links-0-url", "https://exemple.fr/guide")


def test_a_laureate_publishes_its_record_and_the_organiser_approves_it(app, page: Page, browser: Browser, base_url):
    call, organiser, lead, project = _laureate()
    sign_in(page, lead.email, factories.PASSWORD)
    page.goto(f"/submissions/{project.id}/decision")
    page.click("#innovation-record a.button")
    expect(page.locator("h1")).to_contain_text("Conciergerie solidaire des aidants")
    axe_check(page)
    page.click("form.form button[type=submit]")
    page.wait_for_url("**/edit")
    expect(page.locator("#completeness li").first).to_be_visible()
    axe_check(page)

    _fill_the_record(page)
    page.fill("#cost_setup", "quinze mille")  # refused; nothing typed is lost
    page.click("#record-form button[type=submit]")
    expect(page.locator("#problems")).to_contain_text(fr(app, "Enter an amount in euros, for example 15 000 or "
                                                             "12,50."))
    expect(page.locator("#problems")).not_to_contain_text(fr(app, "Enter a positive amount."))
    expect(page.locator("#problem")).to_have_value("Les aidants familiaux s'épuisent faute de relais.")
    axe_check(page)
    page.fill("#cost_setup", "15 000 €")  # as a French agent types it
    page.click("#record-form button[type=submit]")
    expect(page.locator(".flashes")).to_contain_text(fr(app, "Version %(number)d is saved.", number=2))
    expect(page.locator("#completeness")).to_contain_text(
        fr(app, "Every needed field is filled in: the record can be sent for checking."))
    with phone_page(browser, base_url, lead.email) as phone:
        phone.goto(page.url)
        fits_the_screen(phone)
    page.click("#completeness button[type=submit]")
    expect(page.locator("#record-form fieldset[disabled]")).to_have_count(1)
    assert deliver_emails(app)
    page.click("form[action='/logout'] button")

    sign_in(page, organiser.email, factories.PASSWORD)
    page.goto("/manage/")
    page.click("a[href='/manage/innovations']")
    page.click("table.data a")
    expect(page.locator("main")).to_contain_text("Le guichet unique et la formation des bénévoles.")
    expect(page.locator("main")).to_contain_text("Ille-et-Vilaine (35)")
    axe_check(page)
    with phone_page(browser, base_url, organiser.email) as phone:
        phone.goto(page.url)
        fits_the_screen(phone)
        phone.goto("/manage/innovations")
        fits_the_screen(phone)
    page.click("#approve-title ~ form button[type=submit]")
    page.wait_for_url("**/manage/innovations")
    expect(page.locator(".flashes")).to_contain_text("Conciergerie solidaire des aidants")
    axe_check(page)


def test_withdrawing_asks_for_the_reason_before_the_confirmation(app, page: Page):
    call, organiser, lead, _project = _laureate()
    record = factories.innovation(call=call, lead=lead, title="Navette des hameaux")
    dialogs: list[str] = []

    def answer(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    sign_in(page, organiser.email, factories.PASSWORD)
    page.goto(f"/manage/innovations/{record.slug}")
    expect(page.locator("#status a[href$='/parrains']")).to_have_text(fr(app, "Assign or remove its parrains"))
    button = page.get_by_role("button", name=fr(app, "Withdraw from the catalogue"))
    button.click()
    # The browser says the reason is missing; nothing is confirmed, nothing is sent.
    reason = page.locator("#withdraw-reason")
    assert reason.evaluate("element => !element.validity.valid && element.validationMessage !== ''")
    assert dialogs == [] and page.url.endswith(f"/manage/innovations/{record.slug}")
    reason.fill("Le service a fermé.")
    button.click()
    page.wait_for_url("**/manage/innovations")
    assert dialogs == [fr(app, "Withdraw this record from the catalogue?")]
    expect(page.locator(".flashes")).to_contain_text("Navette des hameaux")
