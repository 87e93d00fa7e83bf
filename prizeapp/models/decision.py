"""The jury's deliberation and its outcome: recusals, votes, decisions, the deliberation record; and what
the results and reminders leave behind (editable email texts, digests, reminders already sent)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..enums import DecisionOutcome, VoteChoice
from ..extensions import db
from .call import Call
from .submission import Submission
from .types import UTCDateTime, str_enum, utcnow
from .user import User


class Recusal(db.Model):
    """A jury member set aside from one project (conflict of interest): they see nothing of it and do not
    vote on it. By themselves, or by an organiser with a reason."""

    __tablename__ = "recusals"
    __table_args__ = (UniqueConstraint("submission_id", "jury_member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    jury_member_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    recused_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    submission: Mapped[Submission] = relationship()
    jury_member: Mapped[User] = relationship(foreign_keys=[jury_member_id])


class JuryVote(db.Model):
    """One jury member's preference for one project, with a comment; the organiser sees the tally."""

    __tablename__ = "jury_votes"
    __table_args__ = (UniqueConstraint("submission_id", "jury_member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    jury_member_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    choice: Mapped[VoteChoice] = mapped_column(str_enum(VoteChoice, "vote_choice"))
    comment: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    submission: Mapped[Submission] = relationship()
    jury_member: Mapped[User] = relationship()


class Decision(db.Model):
    """The final decision on one project, with its reason; revisable until the results are published."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), unique=True)
    outcome: Mapped[DecisionOutcome] = mapped_column(str_enum(DecisionOutcome, "decision_outcome"))
    prize: Mapped[str] = mapped_column(String(200), default="")  # "Premier prix", "Prix du public"…
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))  # euros
    reason: Mapped[str] = mapped_column(Text, default="")  # to the applicants
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # when its email was queued

    submission: Mapped[Submission] = relationship()


class Deliberation(db.Model):
    """The record of a jury meeting: who was there, which ranking was used, the notes; printable."""

    __tablename__ = "deliberations"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    held_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    present_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # jury members present
    calibration_run_id: Mapped[int | None] = mapped_column(ForeignKey("calibration_runs.id",
                                                                      ondelete="SET NULL"))
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    call: Mapped[Call] = relationship()


class EmailTemplate(db.Model):
    """An organiser's own text for one kind of email of one call, in one language (placeholders such as
    {{ project }} are filled when sending); without one, the platform's default text is used."""

    __tablename__ = "email_templates"
    __table_args__ = (UniqueConstraint("call_id", "kind", "locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DigestItem(db.Model):
    """A non-essential notification held for someone who asked for a daily digest."""

    __tablename__ = "digest_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)


class SentReminder(db.Model):
    """A scheduled reminder already sent, by a key naming what and when ("draft:7:submission:12"), so that
    running the reminders twice sends nothing twice."""

    __tablename__ = "sent_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
