"""The economic-model grid in a browser, in French, at 1280 and 375 px: on an innovation's page (its stacked bar
drawn by the server, its table) and beside the economic criterion of a review form; accessible and without
sideways scrolling."""
from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Browser, Page, expect

from prizeapp.enums import AssignmentStatus, CallPhase, SubmissionStatus
from prizeapp.extensions import db
from prizeapp.models import Assignment, Criterion
from prizeapp.models.types import utcnow

from .. import factories
from .conftest import fits_the_screen, fr, phone_page, sign_in


def test_the_innovation_page_shows_the_grid_on_a_wide_screen_and_on_a_phone(app, page: Page, browser: Browser,
                                                                           base_url):
    record = factories.economic_record()

    page.goto(f"/innovations/{record.slug}")
    bar = page.locator("#economic-model-bar-title")
    expect(bar).to_have_text(fr(app, "Resources by kind"))
    expect(page.locator(".economic-resources tbody tr")).to_have_count(4)
    widths = page.evaluate("""() => [...document.querySelectorAll('#economic-model svg rect.chart__segment')]
                               .slice(0, 4).map(r => r.getBoundingClientRect().width)""")
    assert widths[0] == max(widths) and abs(widths[0] / widths[1] - 6) < 0.05  # 60 % beside 10 %
    fits_the_screen(page)
    with phone_page(browser, base_url) as phone:
        phone.goto(f"/innovations/{record.slug}")
        expect(phone.locator(".economic-canvas__side")).to_have_count(2)
        fits_the_screen(phone)


def test_the_review_form_shows_the_grid_beside_the_economic_criterion(app, page: Page, browser: Browser,
                                                                       base_url):
    call = factories.call(phase=CallPhase.REVIEW)
    call.submission_deadline = utcnow() - timedelta(days=1)
    call.economic_model_section = True
    call.criteria.append(Criterion(position=2, name="Modèle économique", weight=0))
    project = factories.submission(call=call, status=SubmissionStatus.SUBMITTED,
                                   economic_model=factories.economic_grid())
    reviewer = factories.user(email="camille.expert@labo-exemple.fr")
    factories.pool_member(call=call, user=reviewer)
    assignment = Assignment(call_id=call.id, submission_id=project.id, reviewer_id=reviewer.id,
                            status=AssignmentStatus.COMMITTED)
    db.session.add(assignment)
    db.session.commit()
    criterion = call.criteria[1].id

    sign_in(page, reviewer.email, factories.PASSWORD)
    page.goto(f"/reviewing/assignments/{assignment.id}/review")
    panel = page.locator(f"#criterion-{criterion} .economic-panel")
    expect(panel).to_be_visible()
    expect(panel.get_by_text("La ville et la CAF.")).to_be_visible()
    fits_the_screen(page)
    with phone_page(browser, base_url, reviewer.email) as phone:
        phone.goto(f"/reviewing/assignments/{assignment.id}/review")
        expect(phone.locator(f"#criterion-{criterion} .economic-panel")).to_be_visible()
        fits_the_screen(phone)
