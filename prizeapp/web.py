"""HTTP plumbing shared by every blueprint: security headers, safe redirects, language choice."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request, session
from flask_login import current_user

SUPPORTED_LOCALES = ("fr", "en")

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


def install(app: Flask) -> None:
    app.after_request(set_security_headers)
