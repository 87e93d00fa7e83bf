"""Accounts end to end through HTTP, with the emails delivered to a real SMTP server."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from itsdangerous import URLSafeTimedSerializer
from werkzeug.security import check_password_hash

from prizeapp.enums import CallPhase, CallRoleKind
from prizeapp.extensions import db
from prizeapp.models import AuditEvent, LoginAttempt, OutboxEmail, User, UserSession
from prizeapp.models.types import utcnow
from prizeapp.services.outbox import deliver_pending

from .. import factories
from ..conftest import fr, login, post_form, sign_in_as, text


def without_csrf(html: str) -> str:
    return re.sub(r'name="csrf_token" (type="hidden" )?value="[^"]+"', "CSRF", html)


NEW = {"first_name": "Inès", "last_name": "Masson", "email": "Ines.Masson@Beaulieu.example.fr",
       "password": "une phrase de passe", "confirm": "une phrase de passe", "locale": "fr", "unit": "0"}


def deliver_and_get(mailbox, address):
    deliver_pending()
    messages = mailbox.to(address)
    assert len(messages) == 1, [m["Subject"] for m in mailbox.messages]
    return messages[0]


def test_register_confirm_login_logout(client, mailbox):
    service = factories.unit(name="Service petite enfance")

    response = post_form(client, "/register", {**NEW, "unit": str(service.id)})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/register/check-email")

    user = db.session.scalar(db.select(User).where(User.email == "ines.masson@beaulieu.example.fr"))
    assert user is not None and not user.email_confirmed and user.unit_id == service.id
    assert user.password_hash.startswith("scrypt:")

    # Not confirmed yet: the right password leads to the "confirm first" page, not into the account.
    response = post_form(client, "/login", {"email": NEW["email"], "password": NEW["password"]})
    assert response.headers["Location"].startswith("/login/unconfirmed")

    message = deliver_and_get(mailbox, "ines.masson@beaulieu.example.fr")
    assert message["Subject"]
    response = client.get(mailbox.link(message, "/confirm/"))
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.email_confirmed

    response = login(client, NEW["email"], NEW["password"])
    assert response.headers["Location"] == "/account/"
    assert client.get("/account/").status_code == 200

    response = post_form(client, "/logout", {}, page="/account/")
    assert response.status_code == 302
    assert client.get("/account/").status_code == 302  # back to the login page


def test_register_keeps_what_was_typed_and_explains_errors(client):
    response = post_form(client, "/register", {**NEW, "first_name": "", "confirm": "autre chose"})

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'value="Ines.Masson@Beaulieu.example.fr"' in html  # the email is kept
    assert 'value="Masson"' in html
    assert 'aria-invalid="true"' in html
    assert 'class="error-summary"' in html
    assert "une phrase de passe" not in html  # passwords are never sent back
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def test_register_with_an_existing_address_looks_the_same_and_tells_the_owner(client, mailbox):
    owner = factories.user(email="deja@example.gouv.fr")

    response = post_form(client, "/register", {**NEW, "email": "DEJA@example.gouv.fr"})

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/register/check-email")
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 1
    message = deliver_and_get(mailbox, owner.email)
    assert "/login" in mailbox.text(message) and "/reset" in mailbox.text(message)


@pytest.mark.parametrize("problem", ["expired", "forged", "other_email"])
def test_bad_confirmation_links_are_refused(app, client, problem):
    user = factories.user(confirmed=False)
    serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="prizeapp.confirm")
    if problem == "forged":
        token = URLSafeTimedSerializer("another-key", salt="prizeapp.confirm").dumps({"uid": user.id,
                                                                                       "email": user.email})
    elif problem == "other_email":
        token = serializer.dumps({"uid": user.id, "email": "someone.else@example.org"})
    else:
        token = serializer.dumps({"uid": user.id, "email": user.email})
        app.config["TOKEN_MAX_AGE_SECONDS"], saved = -1, app.config["TOKEN_MAX_AGE_SECONDS"]

    try:
        response = client.get(f"/confirm/{token}")
    finally:
        if problem == "expired":
            app.config["TOKEN_MAX_AGE_SECONDS"] = saved

    assert response.status_code == 400
    db.session.refresh(user)
    assert not user.email_confirmed


def test_password_reset_by_the_emailed_link(client, mailbox):
    user = factories.user(email="agent@example.gouv.fr")
    elsewhere = factories.login_session(user).id

    response = post_form(client, "/reset", {"email": "Agent@example.gouv.fr"})
    assert response.status_code == 200
    message = deliver_and_get(mailbox, user.email)
    link = mailbox.link(message, "/reset/")

    response = post_form(client, link, {"password": "nouvelle phrase secrète", "confirm": "nouvelle phrase secrète"})
    assert response.status_code == 302
    assert db.session.get(UserSession, elsewhere) is None  # every other session is ended
    login(client, "agent@example.gouv.fr", "nouvelle phrase secrète")

    # The link works once: the password it was made for has changed.
    assert client.get(link).status_code == 400


def test_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client, mailbox):
    factories.user(email="present@example.gouv.fr")
    known = post_form(client, "/reset", {"email": "present@example.gouv.fr"}).get_data(as_text=True)
    unknown = post_form(client, "/reset", {"email": "absent@example.gouv.fr"}).get_data(as_text=True)

    deliver_pending()
    assert [m["To"] for m in mailbox.messages] == ["present@example.gouv.fr"]
    strip = lambda html: without_csrf(html).replace("present@", "X@").replace("absent@", "X@")  # noqa: E731
    assert strip(known) == strip(unknown)


def test_expired_reset_link_is_refused(app, client, monkeypatch):
    user = factories.user()
    with app.test_request_context():
        from prizeapp.services.accounts import _password_fingerprint, make_token

        token = make_token("reset", {"uid": user.id, "fp": _password_fingerprint(user)})
    monkeypatch.setitem(app.config, "RESET_TOKEN_MAX_AGE_SECONDS", -1)
    assert client.get(f"/reset/{token}").status_code == 400


def test_login_error_does_not_reveal_whether_the_account_exists(client):
    factories.user(email="existe@example.gouv.fr")
    wrong_password = post_form(client, "/login", {"email": "existe@example.gouv.fr", "password": "mauvais mot"})
    unknown = post_form(client, "/login", {"email": "absent@example.gouv.fr", "password": "mauvais mot"})

    assert wrong_password.status_code == unknown.status_code == 401
    strip = lambda r: without_csrf(r.get_data(as_text=True)).replace("existe@", "X@").replace("absent@", "X@")  # noqa: E731
    assert strip(wrong_password) == strip(unknown)
    assert 'value="existe@example.gouv.fr"' in wrong_password.get_data(as_text=True)


def test_login_is_rate_limited_per_address(app, client):
    user = factories.user(email="cible@example.gouv.fr")
    limit = app.config["LOGIN_MAX_FAILURES_PER_EMAIL"]
    for _ in range(limit):
        assert post_form(client, "/login", {"email": user.email, "password": "essai au hasard"}).status_code == 401

    # Even the right password is refused while the limit holds: guessing must not be confirmed.
    response = post_form(client, "/login", {"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 429
    assert client.get("/account/").status_code == 302

    # Once the failures are old enough, the person can sign in.
    for attempt in db.session.scalars(db.select(LoginAttempt)):
        attempt.at = utcnow() - timedelta(seconds=app.config["LOGIN_WINDOW_SECONDS"] + 1)
    db.session.commit()
    assert login(client, user.email).headers["Location"] == "/account/"


def test_login_is_rate_limited_per_ip_across_addresses(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES_PER_IP", 3)
    for n in range(3):
        post_form(client, "/login", {"email": f"essai{n}@example.gouv.fr", "password": "essai au hasard"})
    response = post_form(client, "/login", {"email": "autre@example.gouv.fr", "password": "essai au hasard"})
    assert response.status_code == 429


@pytest.mark.parametrize("target, expected", [
    ("/admin/outbox", "/admin/outbox"),
    ("https://evil.example.com/phish", "/account/"),
    ("//evil.example.com/phish", "/account/"),
    ("/\\evil.example.com", "/account/"),
    ("javascript:alert(1)", "/account/"),
])
def test_login_follows_only_safe_next_urls(client, target, expected):
    user = factories.user(admin=True)
    html = client.get("/login").get_data(as_text=True)
    from ..conftest import form_token

    response = client.post("/login", query_string={"next": target},
                           data={"csrf_token": form_token(html), "email": user.email,
                                 "password": factories.PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_remember_me_sets_a_lasting_http_only_cookie(client):
    user = factories.user()
    response = post_form(client, "/login", {"email": user.email, "password": factories.PASSWORD,
                                            "remember": "y"})
    cookies = response.headers.getlist("Set-Cookie")
    remember = [c for c in cookies if c.startswith("remember_token=")]
    assert remember and "HttpOnly" in remember[0] and "Expires=" in remember[0]
    session_cookie = [c for c in cookies if c.startswith("session=")]
    assert session_cookie and "HttpOnly" in session_cookie[0] and "SameSite=Lax" in session_cookie[0]


def test_profile_update_keeps_values_and_records_an_audit_event(client):
    service = factories.unit(name="Service des mobilités")
    user = factories.user(first_name="Zoé")
    login(client, user.email)

    response = post_form(client, "/account/profile", {"first_name": "Zoé", "last_name": "Dumont",
                                                     "unit": str(service.id), "locale": "en"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.last_name, user.unit_id, user.locale.value) == ("Dumont", service.id, "en")
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "user.profile_updated"))
    assert event.details == {"changed": ["last_name", "locale", "unit"]}


def test_change_password_ends_the_current_session(client):
    user = factories.user()
    login(client, user.email)

    response = post_form(client, "/account/password", {"current": factories.PASSWORD,
                                                      "password": "encore une autre phrase",
                                                      "confirm": "encore une autre phrase"})
    assert response.status_code == 302
    assert client.get("/account/").status_code == 302
    login(client, user.email, "encore une autre phrase")


def test_change_password_with_a_wrong_current_password_is_refused(client):
    user = factories.user()
    login(client, user.email)
    response = post_form(client, "/account/password", {"current": "pas le bon", "password": "encore une autre phrase",
                                                      "confirm": "encore une autre phrase"})
    assert response.status_code == 400
    assert "This is not your current password." in response.get_data(as_text=True) or \
        "mot de passe actuel" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert check_password_hash(user.password_hash, factories.PASSWORD)  # unchanged
    assert client.get("/account/").status_code == 200  # still signed in


def test_confirmation_and_reset_emails_are_marked_sensitive(client):
    post_form(client, "/register", NEW)
    kinds = dict(db.session.execute(db.select(OutboxEmail.kind, OutboxEmail.sensitive)).all())
    assert kinds == {"confirm_email": True}


def test_registering_from_an_invitation_leads_back_to_it_after_confirming(client, mailbox):
    invitation = "/reviewing/invitations/un-jeton"

    post_form(client, f"/register?next={invitation}", NEW, page=f"/register?next={invitation}")
    message = deliver_and_get(mailbox, "ines.masson@beaulieu.example.fr")
    response = client.get(mailbox.link(message, "/confirm/"))

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?")
    assert "next=/reviewing/invitations/un-jeton" in response.headers["Location"]
    response = post_form(client, response.headers["Location"], {"email": NEW["email"], "password": NEW["password"]})
    assert response.headers["Location"] == invitation


def test_a_registration_never_leads_to_another_site(client, mailbox):
    post_form(client, "/register?next=https://evil.example/", NEW, page="/register")
    message = deliver_and_get(mailbox, "ines.masson@beaulieu.example.fr")

    response = client.get(mailbox.link(message, "/confirm/"))

    assert "evil" not in response.headers["Location"]


# --- my space: my innovation records, and those waiting for my checking ---------------------------------------

def test_my_space_lists_my_team_records_with_their_status_and_links(client):
    call = factories.call(title="Prix de l'innovation territoriale", phase=CallPhase.PUBLISHED)
    lead, member, stranger = factories.user(), factories.user(), factories.user()
    draft = factories.record_of_team(call=call, lead=lead, members=(member,), title="Conciergerie des aidants")
    public = factories.record_of_team(call=call, lead=factories.user(), members=(member,), published=True,
                                      title="Navette des hameaux")
    organiser = factories.user()
    factories.grant(organiser, call, CallRoleKind.ORGANISER)

    sign_in_as(client, member)
    page = text(client.get("/account/"))
    records_part = page.split(f">{fr('My innovation records')}</h2>")[1].split("</ul>")[0]
    assert "Conciergerie des aidants" in records_part and "Navette des hameaux" in records_part
    assert f'href="/innovations/{draft.slug}/edit"' in records_part
    assert f'href="/innovations/{public.slug}/edit"' in records_part
    assert f'href="/innovations/{public.slug}"' in records_part and f'href="/innovations/{draft.slug}"' in records_part
    assert fr("Published") in records_part and fr("Draft") in records_part
    # The panel for people with nothing yet is not for a team member.
    assert fr("See the open calls") not in page

    sign_in_as(client, stranger)
    assert fr("My innovation records") not in text(client.get("/account/"))


def test_a_checker_finds_in_my_space_the_records_waiting_for_them(client):
    call = factories.call(title="Prix de l'innovation territoriale", phase=CallPhase.PUBLISHED)
    organiser = factories.user()
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    waiting = factories.record_of_team(call=call, lead=factories.user(), waiting=True, title="Répit des aidants")
    elsewhere = factories.record_of_team(call=factories.call(), lead=factories.user(), waiting=True,
                                         title="Navette ailleurs")

    sign_in_as(client, organiser)
    page = text(client.get("/account/"))
    checking = page.split(f">{fr('Innovation records to check')}</h2>")[1].split("</ul>")[0]
    assert f'href="/manage/innovations/{waiting.slug}"' in checking and "Répit des aidants" in checking
    assert elsewhere.slug not in checking
    assert 'href="/manage/innovations"' in page.split(f">{fr('Innovation records to check')}</h2>")[1]

    sign_in_as(client, factories.user())
    assert fr("Innovation records to check") not in text(client.get("/account/"))
