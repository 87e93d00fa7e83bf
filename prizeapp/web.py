"""HTTP plumbing shared by every blueprint: absolute links, security headers, safe redirects, language choice."""
from __future__ import annotations

import ipaddress
import re
from functools import cached_property
from typing import Any
from urllib.parse import quote, urlsplit

from flask import Flask, Response, abort, current_app, has_request_context, request, session
from flask.globals import request_ctx
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import BuildError, IntegerConverter, MapAdapter

SUPPORTED_LOCALES = ("fr", "en")


class PrizeApp(Flask):
    """Flask, with every absolute URL built from the configured BASE_URL.

    An absolute link goes into emails (confirmation, password reset, invitations): built from the request's
    Host header, a forged Host would send a valid reset link to another site. So `url_for(..., _external=True)`
    and any URL built outside a request use the canonical address only; relative links are Flask's.
    """

    @cached_property
    def canonical_url_adapter(self) -> MapAdapter:
        base = urlsplit(self.config["BASE_URL"])
        return self.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)

    def url_for(self, /, endpoint: str, *, _anchor: str | None = None, _method: str | None = None,
                _scheme: str | None = None, _external: bool | None = None, **values: Any) -> str:
        external = not (has_request_context() and not _external and _scheme is None)
        if not external and request_ctx.url_adapter is not None:
            return super().url_for(endpoint, _anchor=_anchor, _method=_method, _external=False, **values)
        # An absolute link, or a page for a request whose Host was refused (it has no URL adapter of its own).
        if endpoint[:1] == "." and has_request_context():
            endpoint = f"{request.blueprint}{endpoint}" if request.blueprint else endpoint[1:]
        self.inject_url_defaults(endpoint, values)
        try:
            url = self.canonical_url_adapter.build(endpoint, values, method=_method, force_external=external)
        except BuildError as error:
            values.update(_anchor=_anchor, _method=_method, _scheme=_scheme, _external=True)
            return self.handle_url_build_error(error, endpoint, values)
        if _anchor is not None:
            url += "#" + quote(_anchor, safe="%!#$&'()*+,/:;=?@")
        return url

# Ids are PostgreSQL `integer`s (SQLite's are 64-bit): a number past this is no row, and must not reach the
# database, which would fail on it instead of finding nothing.
MAX_ID = 2**31 - 1
_INTEGER = re.compile(r"-?[0-9]+")


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: a non-negative integer no larger than MAX_ID, else 404."""

    def __init__(self, url_map, *args, max: int = MAX_ID, **kwargs) -> None:  # noqa: A002 (werkzeug's name)
        super().__init__(url_map, *args, max=max, **kwargs)


def parse_int(raw: str | None, *, minimum: int = 1, maximum: int = MAX_ID) -> int | None:
    """An integer typed in a form or a query string, or None when it is not one within [minimum, maximum]."""
    text = (raw or "").strip()
    # ASCII digits only (int() also reads other scripts' digits), and no more of them than the bound has.
    if not _INTEGER.fullmatch(text) or len(text) > len(str(maximum)) + 1:
        return None
    value = int(text)
    return value if minimum <= value <= maximum else None


def int_arg(name: str, default: int | None = None, *, minimum: int = 1, maximum: int = MAX_ID) -> int | None:
    """A query-string integer (an id, a page number): `default` when absent, 400 when it is not an integer
    within [minimum, maximum]. Every view reads its numbers through this, never with `type=int`."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    value = parse_int(raw, minimum=minimum, maximum=maximum)
    if value is None:
        abort(400)
    return value


class TrustedProxy:
    """Take the client's address, scheme and host from one reverse proxy's X-Forwarded-* headers, but only for
    requests that come from the proxy's own addresses: a client reaching the app directly could forge them
    (to escape the login limits per address, or to pose as another host). With no address configured, every
    peer is taken for the proxy: that is only safe when the app listens where nothing but the proxy reaches."""

    def __init__(self, wsgi_app, networks) -> None:
        self.direct = wsgi_app
        self.proxied = ProxyFix(wsgi_app, x_for=1, x_proto=1, x_host=1)
        self.networks = list(networks)

    def _from_proxy(self, peer: str | None) -> bool:
        if not self.networks:
            return True
        try:
            address = ipaddress.ip_address(peer or "")
        except ValueError:
            return False
        return any(address in network for network in self.networks)

    def __call__(self, environ, start_response):
        if self._from_proxy(environ.get("REMOTE_ADDR")):
            return self.proxied(environ, start_response)
        for name in [key for key in environ if key.startswith("HTTP_X_FORWARDED_")]:
            del environ[name]  # nothing downstream may read what a direct client claims
        return self.direct(environ, start_response)


CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def set_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if current_user and getattr(current_user, "is_authenticated", False):
        # Pages of a logged-in person may hold personal data: keep them out of shared caches.
        headers.setdefault("Cache-Control", "private, no-store")
    return response


def is_safe_redirect(target: str | None, host_url: str) -> bool:
    """Only relative paths on this site, or absolute URLs to this very host over http(s)."""
    if not target or "\\" in target or any(ord(c) < 32 for c in target):
        return False
    parts = urlsplit(target)
    if not parts.scheme and not parts.netloc:
        return target.startswith("/") and not target.startswith("//")
    here = urlsplit(host_url)
    return parts.scheme in ("http", "https") and parts.netloc == here.netloc


def safe_next(default: str) -> str:
    target = request.values.get("next")
    return target if is_safe_redirect(target, request.host_url) else default


def select_locale() -> str:
    """The user's saved language, else the one chosen this session, else French.

    The browser's language is deliberately not consulted: the platform speaks French first, and English
    is a choice the person makes with the language switch.
    """
    if getattr(current_user, "is_authenticated", False):
        return current_user.locale.value
    chosen = session.get("locale")
    if chosen in SUPPORTED_LOCALES:
        return chosen
    return current_app.config["DEFAULT_LOCALE"]


def refuse_null_characters() -> None:
    """No text of ours contains a NUL character, and PostgreSQL refuses one in any string it is given: a request
    carrying one in its path, query or form is a bad request, not a server error."""
    if "\x00" in request.path or any("\x00" in value for value in request.args.values()):
        abort(400)
    if request.method == "POST" and any("\x00" in value for value in request.form.values()):
        abort(400)


def install(app: Flask) -> None:
    app.before_request(refuse_null_characters)
    app.after_request(set_security_headers)
