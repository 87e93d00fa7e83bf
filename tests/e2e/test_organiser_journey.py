"""An organiser's pages in a real browser: create a call, set its dates, edit the grid with the live total,
publish it; every page checked with axe-core, on a desktop and on a phone."""
from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from prizeapp.enums import CallPhase, CallRoleKind, QuestionKind, SubmissionStatus
from prizeapp.extensions import db
from prizeapp.models import Call

from .. import factories
from .conftest import axe_check, fits_the_screen, phone_page, sign_in


def _organiser_with_a_call():
    organiser = factories.user(first_name="Sophie", last_name="Martin", email="sophie.martin@example.gouv.fr")
    call = factories.call(title="Prix de l'innovation publique 2027")
    call.categories = ["Santé", "Éducation"]
    db.session.commit()
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    factories.question(call=call, kind=QuestionKind.NUMBER, label="Nombre d'agents concernés", required=True)
    factories.question(call=call, kind=QuestionKind.MULTIPLE_CHOICE, label="Publics", choices=["Jeunes", "Seniors"])
    submission = factories.submission(call=call, status=SubmissionStatus.SUBMITTED,
                                      title="Maison de santé mobile pour les territoires ruraux", category="Santé")
    return organiser, call, submission


def test_create_a_call_set_its_dates_grid_and_publish_it(page: Page):
    organiser, _call, _submission = _organiser_with_a_call()
    sign_in(page, organiser.email, factories.PASSWORD)

    page.click("a[href='/manage/']")
    axe_check(page)
    page.click("a[href='/manage/calls/new']")
    axe_check(page)
    page.check("#kind-2")
    page.fill("#title", "Prix des agents 2027")
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(r"/manage/calls/\d+/settings$"))
    call_id = int(re.search(r"/calls/(\d+)/", page.url).group(1))
    axe_check(page)

    # Dates in Paris time, the deadline after the change to summer time.
    page.fill("#opens_at", "2027-03-01T09:00")
    page.fill("#submission_deadline", "2027-03-29T12:00")
    page.click("form.form button[type=submit]")
    expect(page.locator(".notice--success")).to_be_visible()
    expect(page.locator("#submission_deadline")).to_have_value("2027-03-29T12:00")

    # The grid: the total follows the typing, before anything is sent.
    page.goto(f"/manage/calls/{call_id}/grid")
    axe_check(page)
    total = page.locator("[data-weight-total]")
    expect(total).to_have_text("100")
    page.fill("#criteria-0-weight", "30")
    expect(total).to_have_text("105")
    expect(page.locator(".weight-total")).to_have_class(re.compile("weight-total--off"))
    page.click("form.grid-editor button.button:not([name])")
    expect(page.locator(".error-summary")).to_be_visible()
    axe_check(page)
    page.fill("#criteria-1-weight", "20")
    expect(total).to_have_text("100")
    page.click("form.grid-editor button.button:not([name])")
    expect(page.locator(".notice--success")).to_be_visible()

    page.goto(f"/manage/calls/{call_id}/form")
    axe_check(page)
    page.click(f"a[href='/manage/calls/{call_id}/form/questions/new']")
    axe_check(page)

    page.goto(f"/manage/calls/{call_id}")
    axe_check(page)
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button[name=target][value=open]")
    expect(page.locator(".notice--success")).to_be_visible()
    db.session.expire_all()
    assert db.session.get(Call, call_id).phase == CallPhase.OPEN


def test_organiser_pages_on_a_phone(browser: Browser, base_url: str):
    organiser, call, submission = _organiser_with_a_call()
    with phone_page(browser, base_url, organiser.email) as page:
        for path in ("/manage/", f"/manage/calls/{call.id}", f"/manage/calls/{call.id}/settings",
                     f"/manage/calls/{call.id}/grid", f"/manage/calls/{call.id}/form",
                     f"/manage/calls/{call.id}/submissions/{submission.id}"):
            page.goto(path)
            fits_the_screen(page)
