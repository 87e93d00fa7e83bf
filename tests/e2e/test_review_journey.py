"""A reviewer's journey in a real browser, in French: open an assigned project, score it on the grid, save
a draft, then submit; the same page on a phone."""
from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Browser, Page, expect

from prizeapp.enums import AssignmentStatus, CallPhase, ReviewStatus, SubmissionStatus
from prizeapp.extensions import db
from prizeapp.models import Assignment, Criterion, Review
from prizeapp.models.types import utcnow

from .. import factories
from .conftest import axe_check, fits_the_screen, fr, phone_page, sign_in


def _assignment():
    call = factories.call(title="Prix de l'innovation publique 2027", phase=CallPhase.REVIEW)
    call.submission_deadline = utcnow() - timedelta(days=1)
    call.criteria[0].weight = 60
    call.criteria[0].level_labels = {"1": "Insuffisant", "3": "Correct", "5": "Remarquable"}
    call.criteria.append(Criterion(position=2, name="Essaimage", weight=40, scale_min=1, scale_max=5,
                                   description="Le projet peut-il être repris ailleurs ?"))
    lead = factories.user(email="ines.lambert@mairie-exemple.fr", first_name="Inès", last_name="Lambert")
    project = factories.submission(call=call, lead=lead, status=SubmissionStatus.SUBMITTED,
                                   title="Guichet numérique des aidants",
                                   summary="Un guichet unique pour les aidants familiaux.")
    factories.file(submission=project)
    reviewer = factories.user(email="camille.expert@labo-exemple.fr", first_name="Camille", last_name="Expert")
    factories.pool_member(call=call, user=reviewer)
    assignment = Assignment(call_id=call.id, submission_id=project.id, reviewer_id=reviewer.id,
                            status=AssignmentStatus.COMMITTED)
    db.session.add(assignment)
    db.session.commit()
    return call, reviewer, assignment


def test_score_save_a_draft_then_submit(app, page: Page):
    call, reviewer, assignment = _assignment()
    first, second = (c.id for c in call.criteria)
    sign_in(page, reviewer.email, factories.PASSWORD)

    page.goto(f"/reviewing/assignments/{assignment.id}/review")
    expect(page.locator("h1")).to_have_text("Guichet numérique des aidants")
    expect(page.locator(f"label[for=c{first}-5]")).to_contain_text("Remarquable")
    axe_check(page)

    page.check(f"#c{first}-4")
    page.click("button[value=save]")
    expect(page.locator(".notice--success").first).to_contain_text(
        fr(app, "Your draft is saved. Submit it when it is complete."))
    expect(page.locator(f"#c{first}-4")).to_be_checked()

    page.click("button[value=submit]")  # incomplete: the server says what is missing, nothing is lost
    expect(page.locator("#problems")).to_contain_text("Essaimage")
    expect(page.locator(f"#c{first}-4")).to_be_checked()
    axe_check(page)

    page.check(f"#c{second}-3")
    page.check("#confidence-3")
    page.fill("#comment_to_applicants", "Un projet utile, à documenter davantage pour être repris ailleurs.")
    page.fill("#comment_to_jury", "Budget à vérifier.")
    page.click("button[value=submit]")
    expect(page.locator(".notice--success").first).to_contain_text(
        fr(app, "Your review is submitted. You can still edit it until the review deadline."))

    with app.app_context():
        review = db.session.scalar(db.select(Review))
        assert (review.status, review.confidence, round(review.total, 2)) == (ReviewStatus.SUBMITTED, 3, 3.6)


def test_the_review_page_fits_a_phone(app, browser: Browser, base_url):
    call, reviewer, assignment = _assignment()
    with phone_page(browser, base_url, reviewer.email) as page:
        page.goto(f"/reviewing/assignments/{assignment.id}/review")
        expect(page.locator("h1")).to_be_visible()
        fits_the_screen(page)
