"""The reviewer pool of a call and what reviewers and applicants declare: conflicts, waivers, bids."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..enums import BidLevel, ConflictSource, ExclusionRequestStatus, PoolStatus
from ..extensions import db
from .call import Call
from .submission import Submission
from .types import UTCDateTime, str_enum, utcnow
from .user import User


class PoolMember(db.Model):
    """A person reviewing for a call (invited in panel mode; an applicant in peer mode), with their profile."""

    __tablename__ = "pool_members"
    __table_args__ = (UniqueConstraint("call_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[PoolStatus] = mapped_column(str_enum(PoolStatus, "pool_status"), default=PoolStatus.INVITED)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)  # free expertise keywords
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)  # among the call's categories
    max_load: Mapped[int | None] = mapped_column(Integer)  # None: the call's default
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when the reviewer has declared their conflicts from the list of titles; summaries come after.
    conflicts_declared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    call: Mapped[Call] = relationship()
    user: Mapped[User] = relationship()


class ReviewerInvitation(db.Model):
    """An invitation, by email, to join a call's reviewer pool; the link carries a token signed over its id
    and email. The person may have no account yet: `user_id` is set when they accept or decline."""

    __tablename__ = "reviewer_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    call: Mapped[Call] = relationship()


class ConflictDeclaration(db.Model):
    """A conflict between a submission and a person, declared by the reviewer, by the applicants or set by an
    organiser; `reason` is the declarer's text (required from organisers)."""

    __tablename__ = "conflict_declarations"
    __table_args__ = (UniqueConstraint("submission_id", "reviewer_id", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    source: Mapped[ConflictSource] = mapped_column(str_enum(ConflictSource, "conflict_source"))
    reason: Mapped[str] = mapped_column(Text, default="")
    declared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    submission: Mapped[Submission] = relationship()
    reviewer: Mapped[User] = relationship(foreign_keys=[reviewer_id])


class ConflictWaiver(db.Model):
    """An organiser lifting one conflict reason (a code of prizeapp.core.conflicts) for one pair."""

    __tablename__ = "conflict_waivers"
    __table_args__ = (UniqueConstraint("submission_id", "reviewer_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)
    waived_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    waived_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    submission: Mapped[Submission] = relationship()


class Bid(db.Model):
    """A reviewer's interest in one submission, from its title and summary."""

    __tablename__ = "bids"
    __table_args__ = (UniqueConstraint("submission_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    level: Mapped[BidLevel] = mapped_column(str_enum(BidLevel, "bid_level"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PendingExclusion(db.Model):
    """An address the applicants asked not to review their project, kept until a person with that address
    has an account: it then becomes a ConflictDeclaration from the applicants (and this row goes)."""

    __tablename__ = "pending_exclusions"
    __table_args__ = (UniqueConstraint("submission_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    declared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    submission: Mapped[Submission] = relationship()


class ExclusionRequest(db.Model):
    """A person the applicants asked, after the submission deadline, not to review their project. Once the
    pool and the jury are known, an exclusion could remove any reviewer or jury member at will, so it only
    takes effect when an organiser accepts it; who decided, when and why is kept either way."""

    __tablename__ = "exclusion_requests"
    __table_args__ = (UniqueConstraint("submission_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    reason: Mapped[str] = mapped_column(Text, default="")  # the applicants' reason
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status: Mapped[ExclusionRequestStatus] = mapped_column(
        str_enum(ExclusionRequestStatus, "exclusion_request_status"), default=ExclusionRequestStatus.PENDING)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_reason: Mapped[str] = mapped_column(Text, default="")  # the organiser's reason

    submission: Mapped[Submission] = relationship()
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
