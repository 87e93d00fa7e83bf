"""Links in emails come from the configured address, never from the request's Host; production refuses
untrusted Host headers; forwarded headers count only from the proxy."""
from __future__ import annotations

import pytest
from flask import request, url_for

from prizeapp import create_app
from prizeapp.config import ConfigError
from prizeapp.services.outbox import deliver_pending

from .. import factories
from ..conftest import form_token

FORGED = "attacker.example"
PRODUCTION_KEY = "4f9c1b7e2a6d8e0c3b5a7f9e1d2c4b6a8e0f2d4c6b8a0e2f"


def post_with_host(client, path: str, data: dict, host: str):
    html = client.get(path, headers={"Host": host}).get_data(as_text=True)
    return client.post(path, data={"csrf_token": form_token(html), **data}, headers={"Host": host})


def links_of(mailbox, address: str) -> list[str]:
    deliver_pending()
    [message] = mailbox.to(address)
    text = mailbox.text(message)
    return [word for word in text.split() if word.startswith(("http://", "https://"))]


def test_reset_link_ignores_a_forged_host_header(app, client, mailbox):
    user = factories.user(email="agent@example.gouv.fr")

    response = post_with_host(client, "/reset", {"email": user.email}, FORGED)

    assert response.status_code == 200
    links = links_of(mailbox, user.email)
    assert links and all(link.startswith(app.config["BASE_URL"] + "/") for link in links)
    assert not any(FORGED in link for link in links)


def test_register_of_an_existing_address_emails_links_to_the_real_site_only(app, client, mailbox):
    user = factories.user(email="agent@example.gouv.fr")

    response = post_with_host(client, "/register", {
        "first_name": "A", "last_name": "B", "email": user.email, "password": "une phrase assez longue",
        "confirm": "une phrase assez longue", "locale": "fr", "unit": "0"}, FORGED)

    assert response.status_code == 302
    links = links_of(mailbox, user.email)
    assert len(links) >= 2  # the sign-in and the reset links
    assert all(link.startswith(app.config["BASE_URL"] + "/") for link in links)


def test_absolute_urls_come_from_the_base_url_inside_and_outside_a_request(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite", "BASE_URL": "https://prix.example.gouv.fr/aap"})
    with app.test_request_context("/calls", base_url=f"http://{FORGED}"):
        assert request.host == FORGED
        assert url_for("auth.reset_request", _external=True) == "https://prix.example.gouv.fr/aap/reset"
        assert url_for("auth.reset_request") == "/reset"  # relative links stay Flask's
    with app.app_context():
        assert url_for("public.index") == "https://prix.example.gouv.fr/aap/"


def production_app(tmp_path, **overrides):
    return create_app({"ENV": "production", "SECRET_KEY": PRODUCTION_KEY, "BASE_URL": "https://prix.example.gouv.fr",
                       "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite", **overrides})


def test_production_refuses_requests_for_an_untrusted_host(tmp_path):
    client = production_app(tmp_path).test_client()

    assert client.get("/healthz", headers={"Host": FORGED}).status_code == 400
    assert client.get("/healthz", headers={"Host": "prix.example.gouv.fr"}).status_code == 200


def test_production_accepts_the_extra_trusted_hosts(tmp_path):
    client = production_app(tmp_path, TRUSTED_HOSTS=["prix.interne.gouv.fr"]).test_client()

    assert client.get("/healthz", headers={"Host": "prix.interne.gouv.fr"}).status_code == 200
    assert client.get("/healthz", headers={"Host": FORGED}).status_code == 400


def test_production_needs_a_base_url(tmp_path):
    with pytest.raises(ConfigError, match="PRIZEAPP_BASE_URL"):
        create_app({"ENV": "production", "SECRET_KEY": PRODUCTION_KEY, "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite"})


@pytest.mark.parametrize("base", ["prix.example.gouv.fr", "ftp://prix.example.gouv.fr", "https://"])
def test_a_base_url_that_is_not_an_http_address_is_refused(tmp_path, base):
    with pytest.raises(ConfigError, match="PRIZEAPP_BASE_URL"):
        create_app({"BASE_URL": base, "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite"})


def _seen_client_address(app, peer: str, forwarded: str) -> str:
    seen = {}

    @app.get("/__peer")
    def peer_view():
        seen["remote"] = request.remote_addr
        seen["host"] = request.host
        return "ok"

    app.test_client().get("/__peer", environ_base={"REMOTE_ADDR": peer},
                          headers={"X-Forwarded-For": forwarded, "X-Forwarded-Host": "prix.example.gouv.fr"})
    return seen["remote"]


def test_forwarded_headers_count_only_from_the_named_proxy(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite", "BEHIND_PROXY": True,
                      "PROXY_ADDRESSES": ["10.0.0.0/24"]})

    assert _seen_client_address(app, "10.0.0.7", "203.0.113.9") == "203.0.113.9"


def test_forwarded_headers_from_a_direct_client_are_ignored(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite", "BEHIND_PROXY": True,
                      "PROXY_ADDRESSES": ["10.0.0.0/24"]})

    assert _seen_client_address(app, "198.51.100.4", "203.0.113.9") == "198.51.100.4"


def test_a_proxy_address_that_is_not_one_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="PRIZEAPP_PROXY_ADDRESSES"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite", "PROXY_ADDRESSES": ["not-an-ip"]})
