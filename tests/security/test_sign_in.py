"""Signing in: the failure limit holds under parallel attempts, the owner can lift a lockout, registration takes
the same time whatever the address, and a session ends on the server when its person signs out."""
from __future__ import annotations

import hashlib

import pytest

from prizeapp.extensions import db
from prizeapp.models import LoginAttempt, UserSession
from prizeapp.services.outbox import deliver_pending

from .. import factories
from ..conftest import form_token, login, post_form
from .parallel import in_parallel


def parallel_logins(app, email: str, passwords: list[str]) -> list[int]:
    """Send one login per password at the same instant, each from its own browser; their statuses."""
    prepared = []
    for password in passwords:
        client = app.test_client()
        token = form_token(client.get("/login").get_data(as_text=True))
        prepared.append((client, "/login", {"csrf_token": token, "email": email, "password": password}))
    return in_parallel(app, prepared)


def reset_by_email(client, mailbox, email: str, password: str) -> None:
    """Ask for a reset link, follow the emailed link and choose `password`, as the address's owner would."""
    post_form(client, "/reset", {"email": email})
    deliver_pending()
    link = mailbox.link(mailbox.to(email)[0], "/reset/")
    assert post_form(client, link, {"password": password, "confirm": password}).status_code == 302


def test_parallel_guesses_evaluate_no_more_passwords_than_the_limit(app):
    user = factories.user(email="cible@example.gouv.fr")
    limit = app.config["LOGIN_MAX_FAILURES_PER_EMAIL"]

    statuses = parallel_logins(app, user.email, [f"mauvais mot de passe {i}" for i in range(24)])

    evaluated = db.session.scalar(db.select(db.func.count()).select_from(LoginAttempt)
                                  .where(LoginAttempt.email == user.email))
    assert evaluated == limit
    assert sorted(statuses) == [401] * limit + [429] * (24 - limit)


def test_the_right_password_sent_among_parallel_guesses_past_the_limit_is_not_evaluated(app):
    user = factories.user(email="cible@example.gouv.fr")
    limit = app.config["LOGIN_MAX_FAILURES_PER_EMAIL"]
    guesses = [f"mauvais mot de passe {i}" for i in range(limit)]
    for _ in parallel_logins(app, user.email, guesses):
        pass

    statuses = parallel_logins(app, user.email, [factories.PASSWORD] + guesses)

    assert statuses == [429] * (limit + 1)
    assert db.session.scalar(db.select(db.func.count()).select_from(UserSession)) == 0


def test_a_password_reset_lets_the_locked_out_owner_in(app, client, mailbox):
    user = factories.user(email="cible@example.gouv.fr")
    for i in range(app.config["LOGIN_MAX_FAILURES_PER_EMAIL"]):
        post_form(app.test_client(), "/login", {"email": user.email, "password": f"essai {i}"})
    locked = post_form(client, "/login", {"email": user.email, "password": factories.PASSWORD})
    assert locked.status_code == 429
    assert 'href="/reset"' in locked.get_data(as_text=True)  # the way out, a click away

    reset_by_email(client, mailbox, user.email, "une nouvelle phrase")

    login(client, user.email, "une nouvelle phrase")


def test_registration_hashes_a_password_whether_or_not_the_address_has_an_account(client, monkeypatch):
    """The slow hash is what made an existing address answer ten times faster than a new one."""
    hashed = []
    real_scrypt = hashlib.scrypt
    monkeypatch.setattr(hashlib, "scrypt", lambda *a, **k: hashed.append(1) or real_scrypt(*a, **k))
    existing = factories.user(email="deja@example.gouv.fr")
    form = {"first_name": "A", "last_name": "B", "password": "une phrase assez longue",
            "confirm": "une phrase assez longue", "locale": "fr", "unit": "0"}

    hashed.clear()
    post_form(client, "/register", {**form, "email": existing.email})
    for_existing = len(hashed)
    hashed.clear()
    post_form(client, "/register", {**form, "email": "nouvelle@example.gouv.fr"})
    for_new = len(hashed)

    assert for_existing == for_new == 1


# --- sessions end on the server ----------------------------------------------------------------------

def cookies_of(client) -> dict[str, str]:
    return {cookie.key: cookie.value for cookie in client._cookies.values()}


def browser_with(app, cookies: dict[str, str]):
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value)
    return other


@pytest.mark.parametrize("kept", [("session",), ("remember_token",), ("session", "remember_token")])
def test_cookies_copied_before_logout_do_not_open_the_account_afterwards(app, client, kept):
    user = factories.user()
    response = post_form(client, "/login", {"email": user.email, "password": factories.PASSWORD, "remember": "y"})
    assert response.status_code == 302
    copied = {name: value for name, value in cookies_of(client).items() if name in kept}
    assert browser_with(app, copied).get("/account/").status_code == 200  # the copy works while signed in

    post_form(client, "/logout", {}, page="/account/")

    assert browser_with(app, copied).get("/account/").status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(UserSession)) == 0


def test_signing_out_everywhere_ends_every_session_of_the_person_only(app, client):
    user, other_person = factories.user(), factories.user()
    login(client, user.email)
    phone = app.test_client()
    login(phone, user.email)
    someone_else = app.test_client()
    login(someone_else, other_person.email)

    response = post_form(client, "/account/sessions/end", {}, page="/account/profile")

    assert response.status_code == 302
    assert client.get("/account/").status_code == 302
    assert phone.get("/account/").status_code == 302
    assert someone_else.get("/account/").status_code == 200


def test_the_profile_lists_where_the_person_is_signed_in(app, client):
    user = factories.user()
    login(client, user.email)
    post_form(app.test_client(), "/login", {"email": user.email, "password": factories.PASSWORD},
              headers={"User-Agent": "Mozilla/5.0 (Linux; Android 14) Chrome/130.0 Mobile"})

    html = client.get("/account/profile").get_data(as_text=True)

    assert "Chrome sur Android" in html
    assert "(cet appareil)" in html


def test_cookies_copied_before_a_password_change_do_not_open_the_account_afterwards(app, client):
    user = factories.user()
    login(client, user.email)
    copied = cookies_of(client)

    post_form(client, "/account/password", {"current": factories.PASSWORD, "password": "une nouvelle phrase",
                                            "confirm": "une nouvelle phrase"})

    assert browser_with(app, copied).get("/account/").status_code == 302


def test_a_session_without_remember_me_ends_after_its_hours(app, client):
    user = factories.user()
    login(client, user.email)
    opened = db.session.scalars(db.select(UserSession)).one()
    assert not opened.remember
    hours = (opened.expires_at - opened.created_at).total_seconds() / 3600
    assert hours == pytest.approx(app.config["SESSION_HOURS"], abs=0.01)

    opened.expires_at = opened.created_at
    db.session.commit()

    assert client.get("/account/").status_code == 302


def test_a_reset_link_works_once_and_not_after_the_password_changed_otherwise(app, client, mailbox):
    user = factories.user()
    post_form(client, "/reset", {"email": user.email})
    post_form(client, "/reset", {"email": user.email})
    deliver_pending()
    first, second = (mailbox.link(m, "/reset/") for m in mailbox.to(user.email))
    new = {"password": "une nouvelle phrase", "confirm": "une nouvelle phrase"}

    assert post_form(client, first, new).status_code == 302

    assert client.get(first).status_code == 400  # used
    assert client.get(second).status_code == 400  # made for the old password


def test_a_password_reset_lets_its_owner_in_past_the_limit_of_a_shared_address(app, client, mailbox, monkeypatch):
    """Agents of one administration share an outgoing address: guesses on other accounts from it must not keep
    out the person who just proved by email who they are."""
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES_PER_IP", 3)
    owner = factories.user(email="agente@ministere.gouv.fr")
    for i in range(3):
        post_form(app.test_client(), "/login", {"email": f"autre{i}@ministere.gouv.fr", "password": "essai"})
    assert post_form(client, "/login", {"email": owner.email, "password": factories.PASSWORD}).status_code == 429

    reset_by_email(client, mailbox, owner.email, "une nouvelle phrase")

    login(client, owner.email, "une nouvelle phrase")
    other = app.test_client()
    assert post_form(other, "/login", {"email": "autre9@ministere.gouv.fr", "password": "essai"}).status_code == 429
