"""An organiser invites reviewers, waives a conflict and reads an affinity in a real browser; each page is
checked with axe-core and at phone width."""
from __future__ import annotations

from playwright.sync_api import Page, expect

from prizeapp.enums import CallRoleKind, SubmissionStatus
from prizeapp.extensions import db

from .. import factories
from .conftest import PHONE, axe_check, no_horizontal_scroll, sign_in


def _call():
    units = factories.chart()
    organiser = factories.user(first_name="Sophie", last_name="Martin", email="sophie.martin@example.gouv.fr")
    call = factories.call(title="Prix de l'innovation publique 2027")
    call.categories = ["Mobilités", "Santé"]
    db.session.commit()
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    lead = factories.user(email="porteur@equipe.fr", unit=units["s1"])
    project = factories.submission(call=call, lead=lead, status=SubmissionStatus.SUBMITTED,
                                   title="Covoiturage entre agents des sites distants", category="Mobilités")
    colleague = factories.user(email="collegue@service.fr", unit=units["s1"], first_name="Léa", last_name="Durand")
    factories.pool_member(call=call, user=colleague, keywords=("covoiturage", "mobilité"), themes=("Mobilités",),
                          max_load=3)
    factories.pool_member(call=call, user=lead)
    return organiser, call, project, colleague


def test_invite_waive_and_explain(page: Page):
    organiser, call, project, colleague = _call()
    sign_in(page, organiser.email, factories.PASSWORD)

    page.goto(f"/manage/calls/{call.id}/pool")
    axe_check(page)
    page.fill("#emails", "marie.curie@labo.fr\npas-une-adresse")
    page.click("button:has-text('Envoyer les invitations')")
    expect(page.locator(".error-summary")).to_contain_text("pas-une-adresse")
    expect(page.locator("#emails")).to_have_value("marie.curie@labo.fr\npas-une-adresse")
    page.fill("#emails", "marie.curie@labo.fr")
    page.click("button:has-text('Envoyer les invitations')")
    expect(page.locator(".notice--success")).to_contain_text("marie.curie@labo.fr")
    axe_check(page)
    page.set_viewport_size(PHONE)
    no_horizontal_scroll(page)

    page.goto(f"/manage/calls/{call.id}/conflicts")
    axe_check(page)
    no_horizontal_scroll(page)
    row = page.locator(f"#pair-{project.id}-{colleague.id}")
    row.locator("summary").first.click()
    row.locator("textarea").first.fill("Services séparés depuis la réorganisation")
    row.locator("button:has-text('Accorder la dérogation')").first.click()
    expect(page.locator(".notice--success")).to_be_visible()
    expect(page.locator(f"#pair-{project.id}-{colleague.id}")).to_contain_text("Services séparés")
    axe_check(page)

    page.locator(f"#pair-{project.id}-{colleague.id} a:has-text('Affinité')").click()
    expect(page.locator("svg.chart")).to_be_visible()
    axe_check(page)
    no_horizontal_scroll(page)
    page.screenshot(path="/tmp/pool-affinity-phone.png", full_page=True)
