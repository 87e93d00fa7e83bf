"""CSRF, security headers and cookies."""
from __future__ import annotations

import pytest

from prizeapp import create_app
from prizeapp.extensions import db
from prizeapp.models import User
from prizeapp.web import is_safe_redirect

from .. import factories
from ..conftest import post_form, sign_in_as


@pytest.mark.parametrize("path, data", [
    ("/login", {"email": "a@example.gouv.fr", "password": "x" * 12}),
    ("/register", {"first_name": "A", "last_name": "B", "email": "a@example.gouv.fr", "password": "x1y2z3w4v5u6",
                   "confirm": "x1y2z3w4v5u6", "locale": "fr", "unit": "0"}),
    ("/reset", {"email": "a@example.gouv.fr"}),
    ("/account/language", {"locale": "en"}),
])
def test_post_without_csrf_token_is_refused(client, path, data):
    response = client.post(path, data=data)
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def test_post_with_a_token_from_another_session_is_refused(app, client):
    other = app.test_client()
    html = other.get("/reset").get_data(as_text=True)
    from ..conftest import form_token

    response = client.post("/reset", data={"csrf_token": form_token(html), "email": "a@example.gouv.fr"})
    assert response.status_code == 400


def test_logout_needs_the_csrf_token(client):
    user = factories.user()
    sign_in_as(client, user)
    assert client.post("/logout").status_code == 400
    assert client.get("/account/").status_code == 200  # still signed in
    assert post_form(client, "/logout", {}, page="/account/").status_code == 302
    assert client.get("/account/").status_code == 302


def test_security_headers_on_every_page(client):
    for path in ("/", "/login", "/nope"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_pages_contain_no_inline_script(client):
    html = client.get("/login").get_data(as_text=True)
    assert "<script>" not in html and "onclick=" not in html and "style=" not in html


def test_signed_in_pages_are_not_cached(client):
    sign_in_as(client, factories.user())
    assert client.get("/account/").headers["Cache-Control"] == "private, no-store"


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    assert "Strict-Transport-Security" in client.get("/", base_url="https://localhost").headers


def test_cookies_are_secure_when_the_base_url_is_https(tmp_path):
    app = create_app({"BASE_URL": "https://prix.example.gouv.fr", "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def test_cookies_are_secure_when_served_over_https(tmp_path):
    app = create_app({"PREFERRED_URL_SCHEME": "https", "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


@pytest.mark.parametrize("target, safe", [
    ("/account/", True),
    ("/admin/outbox?status=failed", True),
    ("http://localhost/account/", True),
    ("https://evil.example.com/", False),
    ("//evil.example.com/", False),
    ("/\\evil.example.com", False),
    ("javascript:alert(1)", False),
    ("account", False),
    ("/\tevil", False),
    ("", False),
    (None, False),
])
def test_is_safe_redirect(target, safe):
    assert is_safe_redirect(target, "http://localhost/") is safe


def test_oversized_request_is_refused(client, app):
    response = client.post("/login", data={"email": "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)})
    assert response.status_code == 413
