"""Dating the demo's past: the data's dates in UTC, and what the services stamped with the present (`Clock`)."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ..enums import OutboxStatus
from ..extensions import db
from ..models import AuditEvent, OutboxEmail

PARIS = ZoneInfo("Europe/Paris")
UTC = ZoneInfo("UTC")


def paris_time(value: datetime | int | float, now: datetime) -> datetime:
    """A date of the data in UTC: a Paris date and hour, or a number of days before `now`."""
    if isinstance(value, int | float):
        return now - timedelta(days=value)
    return value.replace(tzinfo=PARIS).astimezone(UTC)


class Clock:
    """Dates what the services stamp with the present as the story says: the audit events each step recorded,
    and the emails it queued, which were delivered then (so `make run`'s mail catcher is not flooded with the
    story's past emails; the outbox keeps them, sent)."""

    def __init__(self) -> None:
        self.marks = self._last()

    @staticmethod
    def _last() -> tuple[int, int]:
        return (db.session.scalar(db.select(db.func.max(AuditEvent.id))) or 0,
                db.session.scalar(db.select(db.func.max(OutboxEmail.id))) or 0)

    def date(self, when: datetime) -> None:
        """What was recorded and queued since the last step happened at `when`."""
        db.session.flush()
        events, emails = self.marks
        db.session.execute(db.update(AuditEvent).where(AuditEvent.id > events).values(at=when))
        db.session.execute(db.update(OutboxEmail)
                           .where(OutboxEmail.id > emails, OutboxEmail.status == OutboxStatus.QUEUED)
                           .values(status=OutboxStatus.SENT, attempts=1, created_at=when, next_attempt_at=when,
                                   sent_at=when))
        self.marks = self._last()
