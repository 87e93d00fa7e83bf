"""Accounts: registration, email confirmation, login with rate limiting, password reset, profile."""
from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app, url_for
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.ratelimit import Decision, check_window
from ..enums import Locale
from ..extensions import db
from ..models import LoginAttempt, OrgUnit, User, UserSession
from ..models.types import utcnow
from . import audit, locks
from .outbox import queue_email
from .review_pool import resolve_pending_exclusions
from .tokens import TokenError, make_token, normalise_email, read_token

PASSWORD_METHOD = "scrypt"


@functools.cache
def _dummy_hash() -> str:
    """Checked when the email is unknown, so the response takes as long as for a known one. Made on the first
    login attempt, not at import: scrypt is slow on purpose, and every CLI run imports this module."""
    return generate_password_hash("not-a-real-password", method=PASSWORD_METHOD)


class RateLimited(Exception):
    def __init__(self, retry_after: timedelta) -> None:
        super().__init__(f"retry after {retry_after}")
        self.retry_after = retry_after


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=PASSWORD_METHOD)


# --- reset tokens ------------------------------------------------------------------------------------

def _password_fingerprint(user: User) -> str:
    # Part of reset tokens: once the password changes, every earlier reset link stops working.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


# --- registration and confirmation --------------------------------------------------------------------

def register(
    *,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    locale: str,
    unit: OrgUnit | None = None,
    next_url: str | None = None,
) -> User | None:
    """Create an unconfirmed account and email a confirmation link.

    If the address already has an account, nothing is created and its owner is told by email instead,
    so that the page shown is the same in both cases (no account enumeration). Returns the new user or None.
    `next_url` (a path of this site, e.g. an invitation the person came from) is where the confirmation
    link leads after signing in.
    """
    email = normalise_email(email)
    # Hashed whether or not the address has an account, so that both answers take the same time.
    password_hash = hash_password(password)
    existing = db.session.scalar(db.select(User).where(User.email == email))
    if existing is not None:
        queue_email(kind="account_exists", to=existing, context={"login_url": _external("auth.login",
                                                                                      next=next_url),
                                                                 "reset_url": _external("auth.reset_request")})
        return None
    user = User(
        email=email,
        password_hash=password_hash,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        locale=Locale(locale),
        unit=unit,
    )
    db.session.add(user)
    db.session.flush()
    send_confirmation(user=user, next_url=next_url)
    audit.record(action=audit.AuditAction.USER_REGISTERED, actor=user, obj=user)
    return user


def send_confirmation(*, user: User, next_url: str | None = None) -> None:
    payload = {"uid": user.id, "email": user.email}
    if next_url:
        payload["next"] = next_url
    token = make_token("confirm", payload)
    queue_email(
        kind="confirm_email",
        to=user,
        sensitive=True,
        context={"confirm_url": _external("auth.confirm", token=token),
                 "valid_for": current_app.config["TOKEN_MAX_AGE_SECONDS"]},
    )


def resend_confirmation(*, email: str) -> None:
    """Send a new link to an unconfirmed account; say nothing about other addresses."""
    user = db.session.scalar(db.select(User).where(User.email == normalise_email(email)))
    if user is not None and not user.email_confirmed:
        send_confirmation(user=user)


def confirm_email(*, token: str) -> User:
    payload = read_token("confirm", token, max_age=current_app.config["TOKEN_MAX_AGE_SECONDS"])
    user = db.session.get(User, payload.get("uid"))
    if user is None or user.email != payload.get("email"):
        raise TokenError("invalid")
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        audit.record(action=audit.AuditAction.USER_EMAIL_CONFIRMED, actor=user, obj=user)
        # The applicants' exclusions of this address made before it had an account.
        resolve_pending_exclusions(user=user)
    db.session.flush()
    return user


def confirmation_next(token: str) -> str | None:
    """Where a valid confirmation link leads after signing in (the page the person registered from)."""
    try:
        payload = read_token("confirm", token, max_age=current_app.config["TOKEN_MAX_AGE_SECONDS"])
    except TokenError:
        return None
    return payload.get("next")


# --- login --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LoginResult:
    user: User | None
    reason: str  # "ok", "bad_credentials", "unconfirmed", "inactive"


def login_allowed(*, email: str, ip: str) -> Decision:
    """Whether a new attempt on `email` from `ip` may be checked: under the failures limit per address, and
    under the limit per client unless the address's owner proved themselves lately (a sign-in or a password
    reset within the window): people behind one shared address (a ministry's proxy) must not all be kept out
    by someone guessing from the same address."""
    cfg = current_app.config
    now = utcnow()
    window = timedelta(seconds=cfg["LOGIN_WINDOW_SECONDS"])
    since = now - window
    failures = LoginAttempt.succeeded.is_(False) & (LoginAttempt.at > since)
    by_email = db.session.scalars(db.select(LoginAttempt.at).where(failures, LoginAttempt.email == email)).all()
    decisions = [check_window(by_email, now=now, limit=cfg["LOGIN_MAX_FAILURES_PER_EMAIL"], window=window)]
    owner_proven = db.session.scalar(db.select(LoginAttempt.id).where(
        LoginAttempt.email == email, LoginAttempt.succeeded.is_(True), LoginAttempt.at > since).limit(1))
    if owner_proven is None:
        by_ip = db.session.scalars(db.select(LoginAttempt.at).where(failures, LoginAttempt.ip == ip)).all()
        decisions.append(check_window(by_ip, now=now, limit=cfg["LOGIN_MAX_FAILURES_PER_IP"], window=window))
    refused = [d for d in decisions if not d.allowed]
    if refused:
        return max(refused, key=lambda d: d.retry_after)
    return decisions[0]


def reserve_login_attempt(*, email: str, ip: str) -> LoginAttempt:
    """Count the recent failures for this address and this client and, if under the limits, record the attempt
    as a failure before the password is checked. Raises RateLimited when over a limit.

    The count and the record are made under a lock per address and per client, and the caller commits before
    checking the password: however many attempts arrive at once, each sees all the earlier ones, so no more
    than the limit are ever evaluated.
    """
    email = normalise_email(email)
    locks.hold(f"login:email:{email}", f"login:ip:{ip}")
    decision = login_allowed(email=email, ip=ip)
    if not decision.allowed:
        raise RateLimited(decision.retry_after)
    attempt = LoginAttempt(email=email, ip=ip, succeeded=False)
    db.session.add(attempt)
    _forget_old_attempts()
    db.session.flush()
    return attempt


def authenticate(*, attempt: LoginAttempt, password: str) -> LoginResult:
    """Check the password of a reserved attempt (see reserve_login_attempt); a right one clears its failure."""
    user = db.session.scalar(db.select(User).where(User.email == attempt.email))
    valid = check_password_hash(user.password_hash if user else _dummy_hash(), password) and user is not None
    attempt.succeeded = valid
    db.session.flush()
    if not valid:
        return LoginResult(None, "bad_credentials")
    assert user is not None
    if not user.active:
        return LoginResult(None, "inactive")
    if not user.email_confirmed:
        return LoginResult(user, "unconfirmed")
    user.last_login_at = utcnow()
    audit.record(action=audit.AuditAction.USER_LOGGED_IN, actor=user, obj=user)
    return LoginResult(user, "ok")


def lift_lockout(*, email: str, ip: str) -> None:
    """The owner of an address proved who they are by email (a password reset): forget its failed attempts,
    and record the proof, which lets them in past the limit per client too (see login_allowed). Someone
    guessing, from elsewhere or from the same shared address, must not keep the owner out."""
    email = normalise_email(email)
    db.session.execute(db.delete(LoginAttempt).where(LoginAttempt.email == email,
                                                     LoginAttempt.succeeded.is_(False)))
    db.session.add(LoginAttempt(email=email, ip=ip, succeeded=True))


def _forget_old_attempts() -> None:
    horizon = utcnow() - timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"] * 4)
    db.session.execute(db.delete(LoginAttempt).where(LoginAttempt.at < horizon))


# --- sign-in sessions ------------------------------------------------------------------------------------

def open_session(*, user: User, remember: bool, user_agent: str = "") -> UserSession:
    """A new server-side session for `user`, whose token the cookies will carry. A remembered one lasts as long
    as the "remember me" cookie; another one a working day (SESSION_HOURS)."""
    cfg = current_app.config
    lifetime = (timedelta(seconds=cfg["REMEMBER_COOKIE_DURATION"]) if remember
                else timedelta(hours=cfg["SESSION_HOURS"]))
    opened = UserSession(user=user, remember=remember, user_agent=(user_agent or "")[:200],
                         expires_at=utcnow() + lifetime)
    db.session.add(opened)
    db.session.execute(db.delete(UserSession).where(UserSession.expires_at <= utcnow()))
    db.session.flush()
    user.signed_in_session = opened
    return opened


def session_user(token: str) -> User | None:
    """The active user of a session that has not ended nor expired, or None."""
    found = db.session.execute(
        db.select(UserSession, User).join(User, User.id == UserSession.user_id)
        .where(UserSession.token == token, UserSession.expires_at > utcnow(), User.active)
    ).first()
    if found is None:
        return None
    opened, user = found
    user.signed_in_session = opened
    return user


def sessions_of(user: User) -> list[UserSession]:
    """The user's open sessions, newest first."""
    return list(db.session.scalars(db.select(UserSession).where(
        UserSession.user_id == user.id, UserSession.expires_at > utcnow())
        .order_by(UserSession.created_at.desc(), UserSession.id.desc())))


def end_session(*, user: User) -> None:
    """Sign out: the session's row goes, so neither a copy of the session cookie nor of the remember-me cookie
    opens it again."""
    if user.signed_in_session is not None:
        db.session.execute(db.delete(UserSession).where(UserSession.id == user.signed_in_session.id))
        user.signed_in_session = None
    db.session.flush()


def sign_out_everywhere(*, user: User) -> None:
    """The person ends every session of theirs (a lost phone, a shared computer): recorded in the audit log."""
    end_all_sessions(user=user)
    audit.record(action=audit.AuditAction.USER_SIGNED_OUT_EVERYWHERE, actor=user, obj=user)


def end_all_sessions(*, user: User) -> None:
    """Sign out everywhere: every session of the user ends, this one included."""
    db.session.execute(db.delete(UserSession).where(UserSession.user_id == user.id))
    user.signed_in_session = None
    db.session.flush()


# --- password reset -----------------------------------------------------------------------------------

def request_password_reset(*, email: str) -> None:
    """Email a reset link if the address has an account; do nothing visible otherwise."""
    user = db.session.scalar(db.select(User).where(User.email == normalise_email(email)))
    if user is None or not user.active:
        return
    token = make_token("reset", {"uid": user.id, "fp": _password_fingerprint(user)})
    queue_email(
        kind="reset_password",
        to=user,
        sensitive=True,
        context={"reset_url": _external("auth.reset", token=token),
                 "valid_for": current_app.config["RESET_TOKEN_MAX_AGE_SECONDS"]},
    )
    audit.record(action=audit.AuditAction.USER_RESET_REQUESTED, actor=None, obj=user)


def user_for_reset_token(token: str) -> User:
    payload = read_token("reset", token, max_age=current_app.config["RESET_TOKEN_MAX_AGE_SECONDS"])
    user = db.session.get(User, payload.get("uid"))
    if user is None or payload.get("fp") != _password_fingerprint(user):
        raise TokenError("invalid")
    return user


def reset_password(*, token: str, password: str, ip: str) -> User:
    user = user_for_reset_token(token)
    set_password(user=user, password=password)
    lift_lockout(email=user.email, ip=ip)
    # Following the emailed link proves the address, too.
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    audit.record(action=audit.AuditAction.USER_PASSWORD_RESET, actor=user, obj=user)
    return user


def set_password(*, user: User, password: str) -> None:
    """Change the password and end every session of this user (whoever knew the old one is signed out)."""
    user.password_hash = hash_password(password)
    end_all_sessions(user=user)
    db.session.flush()


def change_password(*, user: User, current: str, new: str) -> bool:
    if not check_password_hash(user.password_hash, current):
        return False
    set_password(user=user, password=new)
    audit.record(action=audit.AuditAction.USER_PASSWORD_CHANGED, actor=user, obj=user)
    return True


# --- profile ------------------------------------------------------------------------------------------

def update_profile(*, user: User, first_name: str, last_name: str, unit: OrgUnit | None, locale: str) -> None:
    wanted = {"first_name": first_name.strip(), "last_name": last_name.strip(), "unit": unit,
              "locale": Locale(locale)}
    changed = sorted(name for name, value in wanted.items() if getattr(user, name) != value)
    for name in changed:
        setattr(user, name, wanted[name])
    if changed:
        audit.record(action=audit.AuditAction.USER_PROFILE_UPDATED, actor=user, obj=user, details={"changed": changed})
    db.session.flush()


def set_locale(*, user: User, locale: str) -> None:
    user.locale = Locale(locale)
    db.session.flush()


def _external(endpoint: str, **values: Any) -> str:
    return url_for(endpoint, _external=True, **values)
