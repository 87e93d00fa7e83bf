import smtplib
from datetime import UTC, datetime, timedelta

import pytest

from prizeapp.core.retry import RetryPolicy, is_permanent, smtp_code

NOW = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)


def test_delay_doubles_from_base_and_is_capped():
    policy = RetryPolicy(base_seconds=60, cap_seconds=600, max_attempts=10)
    assert [policy.delay(n).total_seconds() for n in range(1, 7)] == [60, 120, 240, 480, 600, 600]


def test_next_attempt_is_none_once_attempts_are_exhausted():
    policy = RetryPolicy(base_seconds=60, max_attempts=3)
    assert policy.next_attempt(attempts=2, now=NOW) == NOW + timedelta(seconds=120)
    assert policy.next_attempt(attempts=3, now=NOW) is None


def test_delay_rejects_zero_attempts():
    with pytest.raises(ValueError):
        RetryPolicy().delay(0)


@pytest.mark.parametrize(
    ("error", "permanent"),
    [
        (smtplib.SMTPRecipientsRefused({"a@b.fr": (550, b"No such user")}), True),
        (smtplib.SMTPDataError(451, b"Try again later"), False),
        (smtplib.SMTPDataError(554, b"Rejected"), True),
        (smtplib.SMTPSenderRefused(421, b"Busy", "x@y.fr"), False),
        (ConnectionRefusedError(111, "Connection refused"), False),
        (TimeoutError("timed out"), False),
        (smtplib.SMTPServerDisconnected("gone"), False),
    ],
)
def test_only_5xx_replies_are_permanent(error, permanent):
    assert is_permanent(error) is permanent


def test_smtp_code_of_refused_recipients_is_the_worst_reply():
    error = smtplib.SMTPRecipientsRefused({"a@b.fr": (450, b"busy"), "c@d.fr": (550, b"unknown")})
    assert smtp_code(error) == 550
