"""An organiser computes a call's assignment in a real browser: progress while the job worker runs, the
preview with its charts, a pair removed, the commit; checked with axe-core and at phone width."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from prizeapp.enums import CallRoleKind, SubmissionStatus
from prizeapp.extensions import db
from prizeapp.models import Assignment

from .. import factories
from .conftest import PHONE, axe_check, no_horizontal_scroll, sign_in


def _call_with_pool():
    organiser = factories.user(first_name="Sophie", last_name="Martin", email="sophie.martin@example.gouv.fr")
    call = factories.call(title="Prix de l'innovation publique 2027")
    call.reviewers_per_submission = 2
    db.session.commit()
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    for i in range(6):
        factories.submission(call=call, lead=factories.user(email=f"porteur{i}@equipe{i}.fr"),
                             status=SubmissionStatus.SUBMITTED, title=f"Projet numéro {i + 1} pour les usagers")
    for j in range(4):
        factories.pool_member(call=call, user=factories.user(email=f"expert{j}@labo{j}.fr"),
                              keywords=("usagers", "numérique"))
    return organiser, call


def test_compute_preview_adjust_and_commit_an_assignment(page: Page, job_worker):
    organiser, call = _call_with_pool()
    sign_in(page, organiser.email, factories.PASSWORD)

    page.goto(f"/manage/calls/{call.id}/assignment")
    axe_check(page)
    page.fill("#seed", "7")
    page.check("#connected")
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(rf"/manage/calls/{call.id}/assignment/runs/\d+$"))

    # The progress, then (the polling script reloads the page) the preview with its two charts.
    expect(page.locator("#pairs-title")).to_be_visible(timeout=30_000)
    expect(page.locator("svg.chart__svg")).to_have_count(2)
    expect(page.locator("progress")).to_have_count(0)
    axe_check(page)
    expect(page.locator(".pair")).to_have_count(12)

    page.locator(".pair button.button--danger").first.click()
    expect(page.locator(".notice--success")).to_be_visible()
    expect(page.locator(".pair")).to_have_count(11)

    page.set_viewport_size(PHONE)
    no_horizontal_scroll(page)
    page.set_viewport_size({"width": 1280, "height": 800})

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#commit-title ~ form button[type=submit]")
    page.wait_for_url(re.compile(rf"/manage/calls/{call.id}/assignment$"))
    expect(page.locator("form[action$='/assignment/reassign']")).to_be_visible()
    expect(page.locator("#compute-title")).to_have_count(0)
    axe_check(page)
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Assignment.id))) == 11


def test_progress_is_shown_while_no_worker_runs(page: Page):
    organiser, call = _call_with_pool()
    sign_in(page, organiser.email, factories.PASSWORD)
    page.goto(f"/manage/calls/{call.id}/assignment")
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(r"/runs/\d+$"))

    expect(page.locator("progress#run-progress")).to_be_visible()
    expect(page.locator("[data-run-text]")).to_have_attribute("aria-live", "polite")
    axe_check(page)
    page.set_viewport_size(PHONE)
    no_horizontal_scroll(page)
