"""A person's account journey in a real browser, in French: register, confirm by email, sign in and out,
mistakes, password reset, and the same pages on a phone."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from prizeapp.enums import OutboxStatus, UnitKind
from prizeapp.extensions import db
from prizeapp.models import User
from prizeapp.services import audit

from .. import factories
from .conftest import (
    PHONE,
    axe_check,
    deliver_emails,
    fits_the_screen,
    fr,
    no_horizontal_scroll,
    sign_in,
)

NEW_PASSWORD = "une phrase de passe assez longue"


def test_register_confirm_sign_in_with_remember_me_and_sign_out(app, page: Page, mailbox):
    city = factories.unit(name="Ville de Lyon")
    direction = factories.unit(name="Direction de l'innovation", kind=UnitKind.DIRECTION, parent=city)

    page.goto("/register")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    axe_check(page)
    page.fill("#first_name", "Inès")
    page.fill("#last_name", "Martin")
    page.fill("#email", "Ines.Martin@Lyon.fr")
    page.select_option("#unit", value=str(direction.id))
    page.fill("#password", NEW_PASSWORD)
    page.fill("#confirm", NEW_PASSWORD)
    page.click("form.form button[type=submit]")

    page.wait_for_url("**/register/check-email?**")
    expect(page.locator("h1")).to_have_text(fr(app, "Check your email"))
    expect(page.locator("main")).to_contain_text("ines.martin@lyon.fr")
    axe_check(page)

    assert len(deliver_emails(app)) == 1
    [message] = mailbox.to("ines.martin@lyon.fr")
    assert message["Subject"] == fr(app, "Confirm your email address")
    page.goto(mailbox.link(message, "/confirm/"))

    page.wait_for_url(re.compile(r"/login\?email="))
    expect(page.locator(".notice--success")).to_have_text(fr(app, "Your email address is confirmed. You can sign in."))
    expect(page.locator("#email")).to_have_value("ines.martin@lyon.fr")
    axe_check(page)
    page.fill("#password", NEW_PASSWORD)
    page.check("#remember")
    page.click("form.form button[type=submit]")

    page.wait_for_url("**/account/")
    expect(page.locator("h1")).to_have_text(fr(app, "My space"))
    expect(page.locator(".lead")).to_contain_text("Ville de Lyon › Direction de l'innovation")
    expect(page.locator(".site-nav")).to_contain_text("Inès Martin")
    assert "remember_token" in {c["name"] for c in page.context.cookies()}
    axe_check(page)
    user = db.session.scalar(db.select(User).where(User.email == "ines.martin@lyon.fr"))
    assert user.unit_id == direction.id and user.locale.value == "fr"

    page.click(".site-nav form button[type=submit]")
    page.wait_for_url(lambda url: url.endswith("/"))
    expect(page.locator(".notice--success")).to_have_text(fr(app, "You are signed out."))
    expect(page.locator(".site-nav")).to_contain_text(fr(app, "Sign in"))
    assert "remember_token" not in {c["name"] for c in page.context.cookies()}
    axe_check(page)
    page.goto("/account/")
    page.wait_for_url(re.compile(r"/login\?next="))


def test_wrong_password_shows_the_error_and_keeps_the_email(app, page: Page):
    user = factories.user(email="camille.durand@example.gouv.fr")

    page.goto("/login")
    page.fill("#email", user.email)
    page.fill("#password", "pas le bon mot de passe")
    page.click("form.form button[type=submit]")

    summary = page.locator(".error-summary")
    expect(summary).to_contain_text(fr(app, "Wrong email address or password."))
    expect(summary).to_be_focused()
    expect(page.locator("#email")).to_have_value(user.email)
    expect(page.locator("#password")).to_have_value("")
    axe_check(page)


def test_register_with_errors_lists_them_and_keeps_what_was_typed(app, page: Page):
    page.goto("/register")
    # The forms carry novalidate: the server's messages, not the browser's, are what people see.
    assert page.eval_on_selector("form.form", "form => form.noValidate")
    page.fill("#first_name", "Inès")
    page.fill("#email", "pas-une-adresse")
    page.select_option("#unit", value="0")  # outside the administrations listed
    page.fill("#password", "court")
    page.fill("#confirm", "autre")
    page.select_option("#locale", value="en")
    page.click("form.form button[type=submit]")

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.locator("h2")).to_have_text(fr(app, "There is a problem"))
    for message in ("Enter your last name.",
                    "Enter an email address such as prenom.nom@example.gouv.fr.",
                    "The two passwords differ."):
        expect(summary).to_contain_text(fr(app, message))
    expect(summary).to_contain_text(fr(app, "The password must have at least %(min)d characters.", min=10))
    # French typography: a non-breaking space before the colon.
    assert summary.locator("a[href='#last_name']").text_content() == (
        fr(app, "Last name") + "\u00a0: " + fr(app, "Enter your last name."))
    expect(page.locator("#last_name")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#first_name")).to_have_value("Inès")
    expect(page.locator("#email")).to_have_value("pas-une-adresse")
    expect(page.locator("#unit")).to_have_value("0")
    expect(page.locator("#locale")).to_have_value("en")
    expect(page.locator("#password")).to_have_value("")
    expect(page.locator("#confirm")).to_have_value("")
    axe_check(page)

    summary.locator("a[href='#last_name']").click()
    expect(page.locator("#last_name")).to_be_focused()
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def test_password_reset_by_the_emailed_link(app, page: Page, mailbox):
    user = factories.user(email="sacha.petit@example.gouv.fr")

    page.goto("/login")
    page.click("a[href='/reset']")
    page.wait_for_url("**/reset")
    axe_check(page)
    page.fill("#email", user.email)
    page.click("form.form button[type=submit]")
    expect(page.locator("h1")).to_have_text(fr(app, "Check your email"))
    axe_check(page)

    assert len(deliver_emails(app)) == 1
    [message] = mailbox.to(user.email)
    page.goto(mailbox.link(message, "/reset/"))
    expect(page.locator("h1")).to_have_text(fr(app, "Choose a new password"))
    axe_check(page)
    page.fill("#password", NEW_PASSWORD)
    page.fill("#confirm", NEW_PASSWORD)
    page.click("form.form button[type=submit]")

    page.wait_for_url(re.compile(r"/login\?email="))
    changed = fr(app, "Your password is changed. Sign in with the new one.")
    expect(page.locator(".notice--success")).to_have_text(changed)
    sign_in(page, user.email, NEW_PASSWORD)
    expect(page.locator("h1")).to_have_text(fr(app, "My space"))

    # The link works once.
    page.goto(mailbox.link(message, "/reset/"))
    expect(page.locator("h1")).to_have_text(fr(app, "This link cannot be used"))
    axe_check(page)


def test_on_a_phone_the_menu_folds_and_no_page_scrolls_sideways(app, page: Page):
    admin = factories.user(admin=True, first_name="Marie-Adélaïde", last_name="de La Tour-Montgolfier")
    long_address = "une.adresse.vraiment.tres.longue.pour.un.telephone@services.beaulieu-sur-loire.fr"
    failed = factories.email(recipient=long_address, subject="Vous avez déjà un compte sur la plateforme",
                             status=OutboxStatus.FAILED, attempts=5,
                             last_error="SMTPRecipientsRefused: {'" + long_address + "': (550, b'5.1.1 User unknown')}")
    audit.record(action=audit.AuditAction.OUTBOX_RESENT, actor=admin, obj=failed, details={"recipient": long_address})
    db.session.commit()
    page.set_viewport_size(PHONE)

    page.goto("/")
    toggle = page.locator(".site-nav__toggle")
    menu = page.locator("#site-nav-list")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(menu).to_be_visible()
    expect(menu.get_by_role("link", name=fr(app, "Sign in"))).to_be_visible()
    toggle.click()
    expect(menu).to_be_hidden()
    fits_the_screen(page)

    for path in ("/register", "/login", "/page-qui-n-existe-pas"):
        page.goto(path)
        fits_the_screen(page)
    page.goto("/register")
    page.click("form.form button[type=submit]")
    expect(page.locator(".error-summary")).to_be_visible()
    no_horizontal_scroll(page)

    sign_in(page, admin.email, factories.PASSWORD)
    for path in ("/account/", "/account/profile", "/admin/outbox",
                 f"/admin/outbox/{failed.id}", "/admin/audit"):
        page.goto(path)
        expect(menu).to_be_hidden()
        fits_the_screen(page)
    toggle.click()
    expect(menu.get_by_role("button", name=fr(app, "Sign out"))).to_be_visible()
