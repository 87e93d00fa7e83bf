"""Taking an innovation up, in a real browser: an agent finds it in the catalogue on a phone, asks to take it up
(a mistake first, nothing typed lost); the team reads the request on a desktop and answers; the agent moves
the replication forward, and the innovation's page then lists where it is taken up. Emails go through the
real SMTP server; every page is checked with axe-core at 375 and 1280 px."""
from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from prizeapp.enums import ReplicationStatus
from prizeapp.extensions import db
from prizeapp.models import Replication

from .. import factories
from .conftest import deliver_emails, fits_the_screen, fr, phone_page, sign_in


def test_an_agent_takes_an_innovation_up_and_the_team_answers(app, page: Page, browser: Browser, base_url,
                                                                mailbox):
    lead = factories.user(email="aicha.benali@ville-exemple.fr", first_name="Aïcha", last_name="Benali")
    record = factories.innovation(lead=lead, title="Conciergerie solidaire des aidants")
    factories.innovation(title="Cantine bio et locale", summary="Des repas locaux pour les écoles rurales.")
    agent = factories.user(email="marc.leroy@vitre-exemple.fr", first_name="Marc", last_name="Leroy")

    with phone_page(browser, base_url, agent.email) as phone:
        # Found by a word typed without its accent, among the catalogue's records.
        phone.goto("/innovations")
        phone.get_by_label(fr(app, "Search the innovations")).fill("conciergerie aidant")
        phone.get_by_role("button", name=fr(app, "Find")).click()
        phone.get_by_role("link", name="Conciergerie solidaire des aidants").click()
        phone.get_by_role("link", name=fr(app, "I want to take up this innovation")).first.click()
        expect(phone.locator("h1")).to_have_text(fr(app, "Take up this innovation"))
        fits_the_screen(phone)

        # A commune that is not in the département chosen: refused, and what was typed stays.
        phone.fill("#organisation", "Commune de Vitré")
        phone.fill("#territory_name", "Vitré")
        phone.fill("#commune_code", "69123")
        phone.select_option("#departement_code", "35")
        phone.fill("#motivation", "Nos aidants n'ont aucun relais le week-end.")
        phone.evaluate("() => document.querySelectorAll('form').forEach(f => f.noValidate = true)")
        phone.get_by_role("button", name=fr(app, "Send my request")).click()
        expect(phone.locator("#motivation")).to_have_value("Nos aidants n'ont aucun relais le week-end.")
        expect(phone.locator(".error-summary")).to_be_visible()
        fits_the_screen(phone)

        phone.fill("#commune_code", "35360")
        phone.get_by_role("button", name=fr(app, "Send my request")).click()
        expect(phone.locator("h1")).to_have_text(fr(app, "Taking up “%(title)s”", title=record.title))
        expect(phone.locator("[aria-current=step]")).to_contain_text(fr(app, "Interested"))
        fits_the_screen(phone)
        timeline_url = phone.url

    replication = db.session.scalar(db.select(Replication).where(Replication.innovation_id == record.id))
    assert (replication.organisation, replication.commune_code, replication.departement_code,
            replication.region_code) == ("Commune de Vitré", "35360", "35", "53")
    deliver_emails(app)
    request_email = mailbox.to(lead.email)[-1]  # the team learns of the request by email, with its link
    assert mailbox.link(request_email, "/replications/") == timeline_url.removeprefix(base_url)

    # The team answers on the platform, on a desktop.
    sign_in(page, lead.email, factories.PASSWORD)
    page.goto(timeline_url)
    expect(page.get_by_text("marc.leroy@vitre-exemple.fr")).to_be_visible()  # the team may contact them
    page.fill("#body", "Avec plaisir : notre guide de démarrage est en ligne, appelons-nous jeudi.")
    page.get_by_role("button", name=fr(app, "Post the message")).click()
    expect(page.get_by_text("notre guide de démarrage est en ligne")).to_be_visible()
    fits_the_screen(page)
    deliver_emails(app)
    assert "notre guide de démarrage" in mailbox.text(mailbox.to(agent.email)[-1])

    # The agent moves it forward: in preparation, then launched with what was adapted.
    with phone_page(browser, base_url, agent.email) as phone:
        phone.goto(timeline_url)
        phone.select_option("#status", ReplicationStatus.LAUNCHED.value)
        phone.fill("#variant", "Ouvert aussi le samedi matin, avec la maison de santé.")
        phone.get_by_role("button", name=fr(app, "Save")).click()
        expect(phone.locator("[aria-current=step]")).to_contain_text(fr(app, "Launched"))
        expect(phone.get_by_text("Ouvert aussi le samedi matin").first).to_be_visible()
        fits_the_screen(phone)

    db.session.expire_all()
    assert db.session.get(Replication, replication.id).status == ReplicationStatus.LAUNCHED
    # Answered by the team, the replication is now public on the innovation's page.
    page.goto(f"/innovations/{record.slug}")
    expect(page.get_by_text("Commune de Vitré")).to_be_visible()
    fits_the_screen(page)
