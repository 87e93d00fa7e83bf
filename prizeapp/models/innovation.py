"""Essaimage: innovation records of the public catalogue (versioned, checked before they go public), the
territories that take them up (replications and their timelines), and the parrains who sponsor them."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..enums import (
    CostBand,
    EvidenceLevel,
    InnovationStatus,
    PublicDependency,
    Readiness,
    ReadinessOpinion,
    ReplicationStatus,
    TerritoryKind,
    VersionStatus,
)
from ..extensions import db
from .call import Call
from .submission import Submission
from .types import UTCDateTime, str_enum, utcnow
from .user import User


class Innovation(db.Model):
    """A fiche innovation. Its content lives in its versions; the columns here copy what the catalogue
    filters and sorts on from the published version, so that the public list never reads a draft."""

    __tablename__ = "innovations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(140), unique=True)  # /innovations/<slug>; kept when the title changes
    status: Mapped[InnovationStatus] = mapped_column(
        str_enum(InnovationStatus, "innovation_status"), default=InnovationStatus.DRAFT, index=True)
    # Where it came from: a project of a call (a laureate, a mention, or another project whose team agreed).
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id", ondelete="SET NULL"),
                                                      unique=True)
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id", ondelete="SET NULL"), index=True)
    prize: Mapped[str] = mapped_column(String(200), default="")  # the decision's prize or "Mention", when awarded
    # publiccode.yml's isBasedOn: the innovation this one adapts, when it is itself a replication.
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("innovations.id", ondelete="SET NULL"), index=True)
    published_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("innovation_versions.id", ondelete="SET NULL", use_alter=True))
    # Copied from the published version (services.innovations.records.publish).
    title: Mapped[str] = mapped_column(String(300), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    theme: Mapped[str] = mapped_column(String(100), default="", index=True)
    organisation: Mapped[str] = mapped_column(String(200), default="", index=True)
    territory_kind: Mapped[TerritoryKind | None] = mapped_column(str_enum(TerritoryKind, "territory_kind"))
    region_code: Mapped[str] = mapped_column(String(3), default="", index=True)  # INSEE code of the région
    departement_code: Mapped[str] = mapped_column(String(3), default="", index=True)
    evidence_level: Mapped[EvidenceLevel | None] = mapped_column(str_enum(EvidenceLevel, "evidence_level"))
    readiness: Mapped[Readiness | None] = mapped_column(str_enum(Readiness, "readiness"))
    cost_band: Mapped[CostBand | None] = mapped_column(str_enum(CostBand, "cost_band"))
    year: Mapped[int | None] = mapped_column(Integer, index=True)  # of the call, or of first publication
    # From the economic-model grid of the published version: the percent of public money and its band.
    public_share: Mapped[int | None] = mapped_column(Integer)
    public_dependency: Mapped[PublicDependency | None] = mapped_column(str_enum(PublicDependency, "public_dependency"),
                                                                        index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    first_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)  # of the version shown
    withdrawn_reason: Mapped[str] = mapped_column(Text, default="")

    submission: Mapped[Submission | None] = relationship(foreign_keys=[submission_id])
    call: Mapped[Call | None] = relationship()
    based_on: Mapped[Innovation | None] = relationship(remote_side=[id])
    published_version: Mapped[InnovationVersion | None] = relationship(foreign_keys=[published_version_id],
                                                                      post_update=True)
    versions: Mapped[list[InnovationVersion]] = relationship(
        back_populates="innovation", foreign_keys="InnovationVersion.innovation_id",
        cascade="all, delete-orphan", order_by="InnovationVersion.number")
    documents: Mapped[list[InnovationDocument]] = relationship(
        back_populates="innovation", cascade="all, delete-orphan", order_by="InnovationDocument.id")
    sponsors: Mapped[list[InnovationSponsor]] = relationship(
        back_populates="innovation", cascade="all, delete-orphan", order_by="InnovationSponsor.id")

    @property
    def is_public(self) -> bool:
        return self.status == InnovationStatus.PUBLISHED and self.published_version_id is not None

    def __repr__(self) -> str:
        return f"<Innovation {self.id} {self.slug}>"


class InnovationVersion(db.Model):
    """One saved state of a record's content (services.innovations.content names its fields). Every save makes
    a new version, none is ever changed afterwards but for its checking status: the history is complete."""

    __tablename__ = "innovation_versions"
    __table_args__ = (UniqueConstraint("innovation_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    innovation_id: Mapped[int] = mapped_column(ForeignKey("innovations.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, 3… per record
    content: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[VersionStatus] = mapped_column(str_enum(VersionStatus, "version_status"),
                                                  default=VersionStatus.DRAFT)
    change_note: Mapped[str] = mapped_column(Text, default="")  # the team's "what changed"
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    checker_note: Mapped[str] = mapped_column(Text, default="")  # the organisers' reason, when changes are asked

    innovation: Mapped[Innovation] = relationship(back_populates="versions", foreign_keys=[innovation_id])
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])


class InnovationDocument(db.Model):
    """A document or tool to reuse (guide, template, specification), under the record's licence; stored
    outside the web root under a generated name, like the projects' files."""

    __tablename__ = "innovation_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    innovation_id: Mapped[int] = mapped_column(ForeignKey("innovations.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")  # what it is, in a few words
    display_name: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    innovation: Mapped[Innovation] = relationship(back_populates="documents")


class SponsorProfile(db.Model):
    """A public agent who volunteers as parrain or marraine: what they know, where, how much time they have."""

    __tablename__ = "sponsor_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    expertise: Mapped[str] = mapped_column(Text, default="")
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    region_code: Mapped[str] = mapped_column(String(3), default="")
    departement_code: Mapped[str] = mapped_column(String(3), default="")
    availability: Mapped[str] = mapped_column(String(200), default="")  # "deux heures par mois"
    # Shown in the public directory (name, organisation, expertise; never the email) only when they say so.
    listed: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship()


class InnovationSponsor(db.Model):
    """A parrain assigned to an innovation, by its call's organisers or an administrator."""

    __tablename__ = "innovation_sponsors"
    __table_args__ = (UniqueConstraint("innovation_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    innovation_id: Mapped[int] = mapped_column(ForeignKey("innovations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    innovation: Mapped[Innovation] = relationship(back_populates="sponsors")
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class ReadinessComment(db.Model):
    """A parrain's opinion of the record's readiness to be taken up, with what is missing; shown on the page."""

    __tablename__ = "readiness_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    innovation_id: Mapped[int] = mapped_column(ForeignKey("innovations.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    opinion: Mapped[ReadinessOpinion] = mapped_column(str_enum(ReadinessOpinion, "readiness_opinion"))
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    author: Mapped[User | None] = relationship()


class Replication(db.Model):
    """A territory taking an innovation up (une reprise): from the request ("je veux reprendre cette
    innovation") to its operation or abandonment, with what it adapted and its own results."""

    __tablename__ = "replications"

    id: Mapped[int] = mapped_column(primary_key=True)
    innovation_id: Mapped[int] = mapped_column(ForeignKey("innovations.id", ondelete="CASCADE"), index=True)
    requester_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    status: Mapped[ReplicationStatus] = mapped_column(
        str_enum(ReplicationStatus, "replication_status"), default=ReplicationStatus.INTERESTED, index=True)
    # Who takes it up: an organisation and a territory, public once the team has answered.
    organisation: Mapped[str] = mapped_column(String(200))
    territory_name: Mapped[str] = mapped_column(String(200), default="")
    commune_code: Mapped[str] = mapped_column(String(5), default="")  # code officiel géographique (INSEE)
    departement_code: Mapped[str] = mapped_column(String(3), default="")
    region_code: Mapped[str] = mapped_column(String(3), default="")
    territory_kind: Mapped[TerritoryKind | None] = mapped_column(str_enum(TerritoryKind, "territory_kind"))
    motivation: Mapped[str] = mapped_column(Text, default="")  # why, in the requester's words; not public
    variant: Mapped[str] = mapped_column(Text, default="")  # what was adapted (publiccode.yml's isBasedOn)
    results: Mapped[str] = mapped_column(Text, default="")  # its own results, later
    abandon_reason: Mapped[str] = mapped_column(Text, default="")
    # A project of a call for replication that takes this innovation up.
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id", ondelete="SET NULL"),
                                                      unique=True)
    # When the team first answered: before it, the request is private to the requester, team and parrains.
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    innovation: Mapped[Innovation] = relationship()
    requester: Mapped[User | None] = relationship()
    submission: Mapped[Submission | None] = relationship()
    events: Mapped[list[ReplicationEvent]] = relationship(
        back_populates="replication", cascade="all, delete-orphan", order_by="ReplicationEvent.id")


class ReplicationEvent(db.Model):
    """One dated line of a replication's timeline: a change of status (with its note) or a message."""

    __tablename__ = "replication_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    replication_id: Mapped[int] = mapped_column(ForeignKey("replications.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[ReplicationStatus | None] = mapped_column(str_enum(ReplicationStatus, "replication_status"))
    body: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    replication: Mapped[Replication] = relationship(back_populates="events")
    author: Mapped[User | None] = relationship()



class ApiRequestCount(db.Model):
    """Requests to the public API by one client in one fixed window of time (its rate limit): counted in the
    database so that every worker and every server counts the same requests. The client is a keyed hash of
    its address, never the address itself; rows older than the previous window are deleted as new ones come."""

    __tablename__ = "api_request_counts"

    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)  # Unix seconds
    client: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
