"""Configuration: safe defaults, overridden by PRIZEAPP_* environment variables.

Every setting a deployment may change is read here and nowhere else, so that the environment is the single
source of secrets and addresses (twelve-factor style).
"""
from __future__ import annotations

import ipaddress
import os
import secrets
import zlib
from typing import Any
from urllib.parse import urlsplit

# Published in earlier versions as the default key: anyone could sign sessions and links with it.
DEV_SECRET_KEY = "dev-secret-key-change-me"
DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"
_LIST = lambda v: [item.strip() for item in str(v).split(",") if item.strip()]  # noqa: E731

# name -> (default, parser). The Flask key is the name without the PRIZEAPP_ prefix.
_BOOL = lambda v: str(v).strip().lower() in {"1", "true", "yes", "on"}  # noqa: E731

SETTINGS: dict[str, tuple[Any, Any]] = {
    "ENV": ("development", str),  # development | production
    "SECRET_KEY": ("", str),  # empty: outside production, a random key kept in the instance folder
    "DATABASE_URL": ("", str),  # empty: SQLite file in the instance folder
    # The site's canonical address: every absolute link (emails) is built from it, never from the request.
    "BASE_URL": ("", str),  # required in production; a loopback default in development
    "TRUSTED_HOSTS": ((), _LIST),  # Host headers accepted besides BASE_URL's (production accepts no other)
    "PREFERRED_URL_SCHEME": ("http", str),
    "BEHIND_PROXY": (False, _BOOL),  # trust X-Forwarded-* from one proxy
    "PROXY_ADDRESSES": ((), _LIST),  # the proxy's addresses or networks; empty: any peer (see the README)
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
    "SESSION_HOURS": (12, int),  # a session without "remember me" ends after a working day
    # The public API (/api/v1): requests per client address in each fixed window
    "API_RATE_LIMIT": (120, int),
    "API_RATE_WINDOW_SECONDS": (60, int),
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


MIN_SECRET_KEY_LENGTH = 32
# A random key does not compress (a hex key keeps about 90 % of its length); "changeme-changeme-…" halves.
MIN_SECRET_KEY_COMPRESSED = 0.8


def _instance_secret_key(instance_path: str) -> str:
    """The instance's own random key, made on the first start. Several workers may start at once: the key
    is written to a temporary file and linked into place, so every worker reads the same one."""
    path = os.path.join(instance_path, "secret_key")
    if not os.path.exists(path):
        os.makedirs(instance_path, exist_ok=True)
        temporary = f"{path}.{os.getpid()}.{secrets.token_hex(4)}"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(secrets.token_urlsafe(48))
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
    with open(path, encoding="ascii") as kept:
        return kept.read().strip()


def _repetitive(key: str) -> bool:
    """A key made of a repeated pattern, which compresses well where random bytes do not."""
    return len(zlib.compress(key.encode(), 9)) < MIN_SECRET_KEY_COMPRESSED * len(key)


def _secret_key(config: dict[str, Any], instance_path: str) -> str:
    production = config["ENV"] == "production"
    key = config["SECRET_KEY"]
    if key.strip() == DEV_SECRET_KEY and not config.get("TESTING"):
        raise ConfigError("PRIZEAPP_SECRET_KEY is the published development key: anyone could sign sessions and "
                          "links with it. Unset it (a random key is then kept in the instance folder) or set a "
                          "long random value.")
    if production and (len(key) < MIN_SECRET_KEY_LENGTH or _repetitive(key)):
        raise ConfigError(
            f"PRIZEAPP_SECRET_KEY must be set to a random value of at least {MIN_SECRET_KEY_LENGTH} characters in "
            "production (not a repeated pattern), the same for every server "
            "(python -c 'import secrets; print(secrets.token_urlsafe(48))')."
        )
    return key or _instance_secret_key(instance_path)


def _base_url(config: dict[str, Any]) -> str:
    base = config["BASE_URL"].rstrip("/")
    if not base:
        if config["ENV"] == "production":
            raise ConfigError("PRIZEAPP_BASE_URL must be set in production to the site's public address, e.g. "
                              "https://prix.example.gouv.fr: the links in emails are built from it.")
        return DEVELOPMENT_BASE_URL
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ConfigError(f"PRIZEAPP_BASE_URL must be an http(s) address such as https://prix.example.gouv.fr, "
                          f"not {base!r}.")
    return base


def _proxy_networks(addresses: list[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    try:
        return [ipaddress.ip_network(a, strict=False) for a in addresses]
    except ValueError as error:
        raise ConfigError(f"PRIZEAPP_PROXY_ADDRESSES: {error}") from error


def finalise(config: dict[str, Any], instance_path: str) -> None:
    """Derive Flask and extension settings from ours, and refuse unsafe production settings."""
    production = config["ENV"] == "production"
    config["SECRET_KEY"] = _secret_key(config, instance_path)
    config["BASE_URL"] = _base_url(config)
    trusted = list(config["TRUSTED_HOSTS"])
    if production:
        # Flask answers 400 to any other Host header: no page, link or redirect is built for a forged one.
        config["TRUSTED_HOSTS"] = [urlsplit(config["BASE_URL"]).hostname, *trusted]
    else:
        config["TRUSTED_HOSTS"] = trusted or None
    config["PROXY_NETWORKS"] = _proxy_networks(config["PROXY_ADDRESSES"])
    if not config["DATABASE_URL"]:
        config["DATABASE_URL"] = "sqlite:///" + os.path.join(instance_path, "prizeapp.sqlite")
    config["SQLALCHEMY_DATABASE_URI"] = config["DATABASE_URL"]
    engine_options: dict[str, Any] = {"pool_pre_ping": True}
    if config["DATABASE_URL"].startswith("sqlite"):
        # The web server and the outbox worker share the file: wait on locks instead of failing.
        engine_options = {"connect_args": {"timeout": 30}}
    config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options)
    # Secure cookies when the site is served over https: said by its address, or by the preferred scheme.
    https = "https" in (config["PREFERRED_URL_SCHEME"], urlsplit(config["BASE_URL"]).scheme)
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
