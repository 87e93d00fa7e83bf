"""Parrains in a real browser: an agent volunteers, appears in the directory, the call's organiser assigns
them to a record, they give their opinion of its readiness; and a reviewer reads the conditions for
replication beside the essaimage criterion; on a desktop and on a phone, checked with axe-core."""
from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Browser, Page, expect

from prizeapp.enums import AssignmentStatus, CallPhase, CallRoleKind, SubmissionStatus
from prizeapp.extensions import db
from prizeapp.models import Assignment, Criterion
from prizeapp.models.types import utcnow

from .. import factories
from .conftest import axe_check, deliver_emails, fits_the_screen, phone_page, sign_in


def _edition():
    call = factories.call(title="Prix de l'innovation publique 2026", phase=CallPhase.PUBLISHED)
    call.results_published_at = utcnow()
    organiser = factories.user(email="sophie.martin@example.gouv.fr", first_name="Sophie", last_name="Martin")
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    record = factories.innovation(call=call)
    ville = factories.unit(name="Ville de Rennes")
    agent = factories.user(email="yann.legoff@rennes.example.fr", first_name="Yann", last_name="Le Goff", unit=ville)
    return call, organiser, record, agent


def test_an_agent_volunteers_is_assigned_and_gives_an_opinion(app, page: Page, browser: Browser, base_url):
    call, organiser, record, agent = _edition()

    sign_in(page, agent.email, factories.PASSWORD)
    page.click("a[href='/account/parrain']")
    axe_check(page)
    page.fill("#expertise", "Conciergeries de répit, bénévolat, partenariats avec la CAF.")
    page.check("input[name=themes][value=social]")
    page.select_option("#region_code", "53")
    page.select_option("#departement_code", "35")
    page.fill("#availability", "Deux heures par mois")
    page.click("form.form button[type=submit]")
    expect(page.locator(".notice--success").first).to_be_visible()
    axe_check(page)

    with phone_page(browser, base_url) as phone:
        phone.goto("/parrains")
        expect(phone.locator("li.sponsor-card")).to_have_count(1)
        expect(phone.locator("main")).to_contain_text("Ville de Rennes")
        expect(phone.locator("main")).not_to_contain_text(agent.email)
        fits_the_screen(phone)

    with phone_page(browser, base_url, organiser.email) as phone:
        phone.goto(f"/innovations/{record.slug}/parrains")
        fits_the_screen(phone)
        phone.select_option("#sponsor", str(agent.id))
        phone.click("form.form button[type=submit]")
        expect(phone.locator(".flashes")).to_contain_text("Yann Le Goff")
        fits_the_screen(phone)
    assert len(deliver_emails(app)) == 1

    page.goto("/account/parrain/innovations")
    page.click(f"a[href='/innovations/{record.slug}/readiness']")
    axe_check(page)
    page.check("input[name=opinion][value=needs_work]")
    page.click("form.form button[type=submit]")  # without saying what is missing: refused
    expect(page.locator(".error-summary")).to_be_visible()
    page.fill("#body", "Il manque le coût par usager et un modèle de convention.")
    page.click("form.form button[type=submit]")
    expect(page.locator(".readiness-list")).to_contain_text("Il manque le coût par usager")
    axe_check(page)


def test_a_reviewer_reads_the_conditions_beside_the_essaimage_criterion(browser: Browser, base_url, page: Page):
    taken = factories.innovation(title="Cantine zéro déchet")
    call = factories.call(phase=CallPhase.REVIEW)
    call.submission_deadline = utcnow() - timedelta(days=1)
    call.criteria[0].weight = 60
    call.criteria.append(Criterion(position=2, name="Potentiel d'essaimage", weight=40))
    project = factories.submission(call=call, status=SubmissionStatus.SUBMITTED, title="Cantine du Val",
                                   replicates_id=taken.id)
    reviewer = factories.user(email="expert@labo.fr")
    factories.pool_member(call=call, user=reviewer)
    assignment = Assignment(call_id=call.id, submission_id=project.id, reviewer_id=reviewer.id,
                            status=AssignmentStatus.COMMITTED)
    db.session.add(assignment)
    db.session.commit()

    sign_in(page, reviewer.email, factories.PASSWORD)
    page.goto(f"/reviewing/assignments/{assignment.id}/review")
    panel = page.locator(f"#criterion-{call.criteria[1].id} details.replication-panel")
    expect(panel).to_contain_text("Le guichet unique et la formation des bénévoles.")
    expect(page.locator(f"#criterion-{call.criteria[0].id} details.replication-panel")).to_have_count(0)
    axe_check(page)
    with phone_page(browser, base_url, reviewer.email) as phone:
        phone.goto(f"/reviewing/assignments/{assignment.id}/review")
        expect(phone.locator("details.replication-panel")).to_be_visible()
        fits_the_screen(phone)
