from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..enums import MemberRole, SubmissionStatus
from ..extensions import db
from .call import Call
from .types import UTCDateTime, str_enum, utcnow
from .user import User


class Submission(db.Model):
    """A project submitted (or being written) for a call: candidature, dossier."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)  # shown to people: "AAP-2026-0007"
    status: Mapped[SubmissionStatus] = mapped_column(
        str_enum(SubmissionStatus, "submission_status"), default=SubmissionStatus.DRAFT, index=True
    )
    # Core fields, common to every call.
    title: Mapped[str] = mapped_column(String(300), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str | None] = mapped_column(String(200))
    territory: Mapped[str] = mapped_column(String(300), default="")
    budget_requested: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    # Answers to the organiser's questions, by question key ("q12"): text, number, ISO date, list.
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The economic-model grid (core.economic_model), when the call asks for it; None or {} before it is filled.
    economic_model: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # A key sent with the "create" form: a double click or a second tab creates nothing twice.
    creation_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # In a call for replication: the catalogue's innovation this project takes up.
    replicates_id: Mapped[int | None] = mapped_column(ForeignKey("innovations.id", ondelete="SET NULL",
                                                                 use_alter=True), index=True)
    # Optimistic concurrency: an edit based on an older version is refused instead of overwriting.
    version: Mapped[int] = mapped_column(Integer, default=1)

    call: Mapped[Call] = relationship()
    members: Mapped[list[SubmissionMember]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", order_by="SubmissionMember.id"
    )
    files: Mapped[list[SubmissionFile]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", order_by="SubmissionFile.id"
    )
    invitations: Mapped[list[TeamInvitation]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", order_by="TeamInvitation.id"
    )
    # The innovation it takes up (a call for replication). Not annotated: models/innovation.py imports this module.
    replicates = relationship("Innovation", foreign_keys=[replicates_id])

    __mapper_args__ = {"version_id_col": version}

    def member_ids(self) -> set[int]:
        return {m.user_id for m in self.members}

    def __repr__(self) -> str:
        return f"<Submission {self.reference} {self.status.value}>"


class SubmissionMember(db.Model):
    """A person of the submission's team: they all may edit it until the deadline."""

    __tablename__ = "submission_members"
    __table_args__ = (UniqueConstraint("submission_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[MemberRole] = mapped_column(str_enum(MemberRole, "member_role"), default=MemberRole.CO_APPLICANT)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class TeamInvitation(db.Model):
    """An invitation, by email, to join a submission's team."""

    __tablename__ = "team_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    submission: Mapped[Submission] = relationship(back_populates="invitations")


class SubmissionFile(db.Model):
    """An attached file, stored outside the web root under a generated name."""

    __tablename__ = "submission_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    question_key: Mapped[str | None] = mapped_column(String(20))  # None: a general attachment
    display_name: Mapped[str] = mapped_column(String(200))  # sanitised, with the real type's extension
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="files")
