"""An applicant's journey in a real browser, in French: find the call, create a draft, fill it in, attach a
file, submit, and receive the receipt by email; then the same pages on a phone."""
from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from prizeapp.enums import QuestionKind, SubmissionStatus
from prizeapp.extensions import db
from prizeapp.models import Submission

from .. import factories
from .conftest import (
    axe_check,
    deliver_emails,
    fits_the_screen,
    fr,
    phone_page,
    sign_in,
)


def _call():
    call = factories.call(title="Prix de l'innovation publique 2027")
    call.summary = "Des projets d'agents qui simplifient la vie des usagers."
    call.description = "## Contexte\n\nLe prix récompense des projets **déjà expérimentés**."
    call.rules = "1. Un projet par équipe.\n2. Dépôt avant la date limite."
    call.categories = ["Santé", "Éducation", "Transition écologique"]
    db.session.commit()
    factories.question(call=call, kind=QuestionKind.SINGLE_CHOICE, label="Stade du projet", required=True,
                       choices=["Idée", "Expérimentation", "Déploiement"])
    factories.question(call=call, kind=QuestionKind.NUMBER, label="Nombre d'agents concernés", required=True)
    factories.question(call=call, kind=QuestionKind.FILE, label="Plan de financement", required=True,
                       help_text="Le budget sur trois ans.")
    return call


def test_create_a_draft_attach_a_file_submit_and_receive_the_receipt(app, page: Page, mailbox, tmp_path):
    call = _call()
    stage, agents, plan_key = (q.key for q in call.questions)
    user = factories.user(first_name="Inès", last_name="Martin", email="ines.martin@example.gouv.fr")
    sign_in(page, user.email, factories.PASSWORD)

    page.goto("/")
    page.click(f"a[href='/calls/{call.slug}']")
    page.wait_for_url(f"**/calls/{call.slug}")
    expect(page.locator("h1")).to_have_text(call.title)
    expect(page.locator(".countdown__value")).to_have_text(re.compile(r"^\d+\s\w+$"))
    axe_check(page)

    page.click(f"a[href='/calls/{call.slug}/apply']")
    expect(page.locator("h1")).to_have_text(fr(app, "Submit a project"))
    axe_check(page)
    page.fill("#title", "Guichet unique des démarches")
    page.click("form.form button[type=submit]")

    page.wait_for_url(re.compile(r"/submissions/\d+$"))
    submission_path = re.search(r"/submissions/\d+$", page.url).group(0)
    expect(page.locator(".notice--success").first).to_be_visible()
    expect(page.locator("#missing")).to_contain_text("Plan de financement")
    axe_check(page)

    page.fill("#summary", "Un seul guichet pour toutes les démarches de la mairie.")
    page.fill("#description", "Le problème, la solution, ce qui est nouveau, la mesure de l'impact.")
    page.check("#category-0")
    page.check(f"#{stage}-1")
    page.fill(f"#{agents}", "1 200")
    page.fill("#territory", "Lyon")
    page.click("button[name=action][value=save]")
    page.wait_for_url(f"**{submission_path}")
    expect(page.locator(".notice--success").first).to_have_text(fr(app, "Your project is saved."))
    expect(page.locator(f"#{agents}")).to_have_value(re.compile(r"1\s200"))

    plan = tmp_path / "plan de financement.pdf"
    plan.write_bytes(factories.PDF_BYTES)
    page.set_input_files(f"#file-{plan_key}", str(plan))
    page.click(f"button[form=upload-{plan_key}]")
    page.wait_for_url(re.compile(rf"{submission_path}#field-{plan_key}$"))
    expect(page.locator(".notice--success").first).to_have_text(
        fr(app, "“%(name)s” is attached.", name="plan de financement.pdf"))
    expect(page.locator(f"#field-{plan_key} .file-list")).to_contain_text("plan de financement.pdf")
    expect(page.locator("#missing")).to_have_text(
        fr(app, "Every required answer is there: the project can be submitted."))
    axe_check(page)

    page.click("button[name=action][value=submit]")
    page.wait_for_url(f"**{submission_path}")
    expect(page.locator(".notice--success").first).to_have_text(
        fr(app, "Your project is submitted. Each member of the team receives a receipt by email."))
    expect(page.locator(".badge--submitted")).to_be_visible()
    axe_check(page)

    submission = db.session.scalar(db.select(Submission))
    assert submission.status == SubmissionStatus.SUBMITTED
    assert len(deliver_emails(app)) == 1
    [receipt] = mailbox.to(user.email)
    assert receipt["Subject"] == fr(app, "Receipt: your project %(reference)s is submitted",
                                    reference=submission.reference)
    assert "plan de financement.pdf" in mailbox.text(receipt)
    page.goto(mailbox.link(receipt, "/submissions/"))
    expect(page.locator("h1")).to_have_text("Guichet unique des démarches")

    page.click(".site-nav a[href='/submissions']")
    expect(page.locator("h1")).to_have_text(fr(app, "My submissions"))
    expect(page.locator(".cards")).to_contain_text("Guichet unique des démarches")
    axe_check(page)


def test_the_applicant_pages_fit_a_phone(app, browser: Browser, base_url):
    call = _call()
    user = factories.user(first_name="Inès", last_name="Martin-Dupont-de-la-Haute-Vallée",
                          email="ines.martin-dupont@direction-de-l-innovation.example.gouv.fr")
    submission = factories.submission(call=call, lead=user, title="Guichet unique des démarches administratives "
                                                                  "pour les habitants des quartiers prioritaires")
    factories.file(submission=submission, name="plan_de_financement_previsionnel_2027-2029_version_finale.pdf",
                   question_key=call.questions[2].key)
    with phone_page(browser, base_url, user.email) as page:
        for path in ("/calls", f"/calls/{call.slug}", f"/calls/{call.slug}/apply", "/submissions",
                     f"/submissions/{submission.id}"):
            page.goto(path)
            fits_the_screen(page)
        # Touch targets: the form's buttons span the screen and are at least 44 px high.
        for button in page.locator("#submission-form .form-actions .button").all():
            box = button.bounding_box()
            assert box["height"] >= 44 and box["width"] >= 300, box
        for choice in page.locator("#submission-form .choice").all():
            assert choice.bounding_box()["height"] >= 44
