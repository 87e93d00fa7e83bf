"""When to try delivering an email again, and which failures are worth retrying."""
from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential back-off: base, 2×base, 4×base … capped, for at most max_attempts attempts."""

    base_seconds: float = 60.0
    cap_seconds: float = 6 * 3600.0
    max_attempts: int = 8

    def delay(self, attempts: int) -> timedelta:
        """Delay before the next attempt, after `attempts` failed attempts (attempts ≥ 1)."""
        if attempts < 1:
            raise ValueError("attempts must be at least 1")
        seconds = min(self.cap_seconds, self.base_seconds * 2 ** (attempts - 1))
        return timedelta(seconds=seconds)

    def next_attempt(self, *, attempts: int, now: datetime) -> datetime | None:
        """When to try again, or None when the attempts are exhausted."""
        if attempts >= self.max_attempts:
            return None
        return now + self.delay(attempts)


def smtp_code(error: BaseException) -> int | None:
    """The SMTP reply code carried by an smtplib error, if any."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in error.recipients.values()]
        return max(codes) if codes else None
    code = getattr(error, "smtp_code", None)
    return code if isinstance(code, int) else None


def is_permanent(error: BaseException) -> bool:
    """A 5xx reply will not change by retrying; anything else (refused connection, timeout, 4xx) may."""
    code = smtp_code(error)
    return code is not None and 500 <= code < 600
