from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..enums import Locale, NotificationMode
from ..extensions import db
from .org import OrgUnit
from .types import UTCDateTime, str_enum, utcnow


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-cased
    password_hash: Mapped[str] = mapped_column(String(255))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    locale: Mapped[Locale] = mapped_column(str_enum(Locale, "locale"), default=Locale.FR)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="SET NULL"), index=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Rotated on password change and logout-everywhere: sessions and "remember me" cookies carry it,
    # so rotating it ends them all.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    notification_mode: Mapped[NotificationMode] = mapped_column(
        str_enum(NotificationMode, "notification_mode"), default=NotificationMode.IMMEDIATE,
        server_default=NotificationMode.IMMEDIATE.value)

    unit: Mapped[OrgUnit | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login: inactive users cannot log in
        return self.active

    def get_id(self) -> str:
        return self.session_token

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class LoginAttempt(db.Model):
    """One login attempt, kept for a short while to rate-limit guessing across all workers."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_at", "email", "at"),
        Index("ix_login_attempts_ip_at", "ip", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    email: Mapped[str] = mapped_column(String(254))
    ip: Mapped[str] = mapped_column(String(64))
    succeeded: Mapped[bool] = mapped_column(Boolean, default=False)
