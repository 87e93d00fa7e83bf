"""Signed, expiring tokens for the links the platform emails (confirmation, reset, invitations)."""
from __future__ import annotations

from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..errors import RuleError


class TokenError(RuleError):
    """A link that is forged, expired, or already used: its code is "expired" or "invalid"."""


def normalise_email(email: str) -> str:
    """Addresses are compared and stored lower-cased, without surrounding spaces."""
    return email.strip().lower()


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"prizeapp.{purpose}")


def make_token(purpose: str, payload: dict[str, Any]) -> str:
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, *, max_age: int) -> dict[str, Any]:
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise TokenError("expired") from error
    except BadSignature as error:
        raise TokenError("invalid") from error
    if not isinstance(payload, dict):
        raise TokenError("invalid")
    return payload
