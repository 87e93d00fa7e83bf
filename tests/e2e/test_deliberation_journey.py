"""The jury's deliberation in a real browser: a jury member votes on a phone, the organiser records the
decisions beside the jury's tally and the meeting, then reads the record at 1280 and 375 px and downloads its PDF
to sign; checked with axe-core."""
from __future__ import annotations

import io

from playwright.sync_api import Browser, expect
from pypdf import PdfReader

from prizeapp.enums import CallRoleKind, DecisionOutcome
from prizeapp.extensions import db
from prizeapp.models.decision import Decision

from .. import factories
from .conftest import axe_check, fits_the_screen, fr, phone_page, sign_in


def _ranked_call():
    from prizeapp.services import ranking

    call, projects = factories.reviewed_call(title="Prix de l'innovation publique 2027", reviewers=2, spread=0.2)
    organiser = factories.user(email="sophie.martin@ville-exemple.fr", first_name="Sophie", last_name="Martin")
    juror = factories.user(email="helene.dubois@region-exemple.fr", first_name="Hélène", last_name="Dubois")
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    factories.grant(juror, call, CallRoleKind.JURY)
    ranking.run_calibration(run=ranking.start_calibration(call=call, actor=organiser))
    db.session.commit()
    return call, projects, organiser, juror


def test_a_juror_votes_and_the_organiser_decides_and_prints_the_record(app, browser: Browser, base_url):
    call, projects, organiser, juror = _ranked_call()
    with phone_page(browser, base_url, juror.email) as page:
        page.goto(f"/jury/calls/{call.id}/votes")
        expect(page.locator("article.vote-card")).to_have_count(3)
        fits_the_screen(page)
        card = page.locator(f"#project-{projects[0].id}")
        card.locator(f"#choice-{projects[0].id}-laureate").check()
        card.locator(f"#comment-{projects[0].id}").fill("Le plus abouti")
        page.locator("form.ballot button[type=submit]").click()
        expect(page.locator(f"#project-{projects[0].id}")).to_contain_text("Le plus abouti".split()[0])
        expect(page.locator(".flash, [role=status], .notice--success").first).to_be_visible()

    page = browser.new_context(base_url=base_url, locale="fr-FR", bypass_csp=True).new_page()
    sign_in(page, organiser.email, factories.PASSWORD)
    page.goto(f"/manage/calls/{call.id}/decisions")
    card = page.locator(f"#project-{projects[0].id}")
    expect(card).to_contain_text("Hélène Dubois")
    axe_check(page)
    card.locator(f"#outcome-{projects[0].id}-laureate").check()
    card.locator(f"#prize-{projects[0].id}").fill("Premier prix")
    card.locator(f"#amount-{projects[0].id}").fill("10 000")
    card.locator(f"#reason-{projects[0].id}").fill("Un impact mesuré et déjà repris ailleurs.")
    card.locator("button[type=submit]").click()
    expect(page.locator(f"#project-{projects[0].id}")).to_contain_text("Premier prix")
    decision = db.session.scalar(db.select(Decision).where(Decision.submission_id == projects[0].id))
    assert decision.outcome == DecisionOutcome.LAUREATE and decision.amount == 10000

    page.goto(f"/manage/calls/{call.id}/deliberation")
    page.fill("#held_at", "2027-06-12T14:30")
    page.fill("#notes", "Séance en mairie.")
    axe_check(page)
    page.click("form.form button[type=submit]")
    expect(page.locator("h1")).to_have_text(fr(app, "Deliberation record"))
    expect(page.locator(".record")).to_contain_text("Hélène Dubois")
    expect(page.locator(".record")).to_contain_text("Un impact mesuré et déjà repris ailleurs.")
    expect(page.locator(".record")).to_contain_text("Séance en mairie.")
    expect(page.locator(".record__signature")).to_have_count(1)
    fits_the_screen(page)  # 1280 px wide
    page.set_viewport_size({"width": 375, "height": 740})
    expect(page.locator(".record__table tbody tr")).to_have_count(3)
    fits_the_screen(page)  # on a phone: the table stacks, nothing scrolls sideways

    # The PDF to sign, from the record's own link, as the signed-in organiser's browser gets it.
    link = page.locator(".record__actions a.button")
    expect(link).to_have_text(fr(app, "Download the record to sign (PDF)"))
    response = page.request.get(link.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))
    text = " ".join(p.extract_text() for p in reader.pages)
    assert len(reader.pages) <= 2 and "Hélène Dubois" in text and "Un impact mesuré" in text

    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".record__actions")).to_be_hidden()
    page.context.close()
