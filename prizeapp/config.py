"""Configuration: safe defaults, overridden by PRIZEAPP_* environment variables.

Every setting a deployment may change is read here and nowhere else, so that the environment is the single
source of secrets and addresses (twelve-factor style).
"""
from __future__ import annotations

import os
from typing import Any

DEV_SECRET_KEY = "dev-secret-key-change-me"

# name -> (default, parser). The Flask key is the name without the PRIZEAPP_ prefix.
_BOOL = lambda v: str(v).strip().lower() in {"1", "true", "yes", "on"}  # noqa: E731

SETTINGS: dict[str, tuple[Any, Any]] = {
    "ENV": ("development", str),  # development | production
    "SECRET_KEY": (DEV_SECRET_KEY, str),
    "DATABASE_URL": ("", str),  # empty: SQLite file in the instance folder
    "SERVER_NAME": (None, str),
    "PREFERRED_URL_SCHEME": ("http", str),
    "BEHIND_PROXY": (False, _BOOL),  # trust X-Forwarded-* from one proxy
    # Operator branding shown in the header and emails.
    "OPERATOR_NAME": ("prizeapp", str),
    "OPERATOR_LOGO": ("img/logo.svg", str),  # path under static/
    # Email
    "MAIL_SERVER": ("127.0.0.1", str),
    "MAIL_PORT": (8025, int),
    "MAIL_USE_TLS": (False, _BOOL),
    "MAIL_USE_SSL": (False, _BOOL),
    "MAIL_USERNAME": (None, str),
    "MAIL_PASSWORD": (None, str),
    "MAIL_DEFAULT_SENDER": ("prizeapp <no-reply@prizeapp.localhost>", str),
    "MAIL_TIMEOUT": (10.0, float),  # seconds; a silent SMTP server must not hang the worker
    "OUTBOX_MAX_ATTEMPTS": (8, int),
    "OUTBOX_BATCH_SIZE": (50, int),
    "OUTBOX_LEASE_SECONDS": (300, int),  # a row stuck in "sending" longer than this is retried
    "JOB_LEASE_SECONDS": (600, int),  # a job "running" for longer than this lost its worker: run it again
    # Accounts
    "TOKEN_MAX_AGE_SECONDS": (2 * 24 * 3600, int),
    "RESET_TOKEN_MAX_AGE_SECONDS": (3600, int),
    "LOGIN_MAX_FAILURES_PER_EMAIL": (5, int),
    "LOGIN_MAX_FAILURES_PER_IP": (30, int),
    "LOGIN_WINDOW_SECONDS": (15 * 60, int),
    # Submissions
    "UPLOAD_FOLDER": ("", str),  # empty: <instance>/uploads, outside the web root
    "MAX_UPLOAD_MB": (10, int),
    "INVITATION_MAX_AGE_SECONDS": (14 * 24 * 3600, int),
    # i18n
    "DEFAULT_LOCALE": ("fr", str),
    "TIMEZONE": ("Europe/Paris", str),
}


def from_environment(environ: os._Environ[str] | dict[str, str] | None = None) -> dict[str, Any]:
    """Read every setting from PRIZEAPP_<NAME>, falling back to its default."""
    environ = os.environ if environ is None else environ
    config: dict[str, Any] = {}
    for name, (default, parse) in SETTINGS.items():
        raw = environ.get(f"PRIZEAPP_{name}")
        config[name] = default if raw is None or raw == "" else parse(raw)
    return config


class ConfigError(RuntimeError):
    """The configuration cannot be used as it is (e.g. a development secret in production)."""


def finalise(config: dict[str, Any], instance_path: str) -> None:
    """Derive Flask and extension settings from ours, and refuse unsafe production settings."""
    production = config["ENV"] == "production"
    if production and config["SECRET_KEY"] == DEV_SECRET_KEY:
        raise ConfigError(
            "PRIZEAPP_SECRET_KEY must be set to a long random value in production "
            "(python -c 'import secrets; print(secrets.token_urlsafe(48))')."
        )
    if not config["DATABASE_URL"]:
        config["DATABASE_URL"] = "sqlite:///" + os.path.join(instance_path, "prizeapp.sqlite")
    config["SQLALCHEMY_DATABASE_URI"] = config["DATABASE_URL"]
    engine_options: dict[str, Any] = {"pool_pre_ping": True}
    if config["DATABASE_URL"].startswith("sqlite"):
        # The web server and the outbox worker share the file: wait on locks instead of failing.
        engine_options = {"connect_args": {"timeout": 30}}
    config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options)
    https = config["PREFERRED_URL_SCHEME"] == "https"
    config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    config.setdefault("SESSION_COOKIE_SECURE", https)
    config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
    config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    config.setdefault("REMEMBER_COOKIE_SECURE", https)
    config.setdefault("REMEMBER_COOKIE_DURATION", 30 * 24 * 3600)
    config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # tied to the session instead: long forms must not expire
    config.setdefault("BABEL_DEFAULT_LOCALE", config["DEFAULT_LOCALE"])
    config.setdefault("BABEL_DEFAULT_TIMEZONE", config["TIMEZONE"])
    config.setdefault("MAX_UPLOAD_BYTES", config["MAX_UPLOAD_MB"] * 1024 * 1024)
    # The whole request may carry one file plus the form around it.
    config.setdefault("MAX_CONTENT_LENGTH", config["MAX_UPLOAD_BYTES"] + 1024 * 1024)
