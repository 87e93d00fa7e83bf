from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..enums import BlindLevel, CallKind, CallPhase, CallRoleKind, QuestionKind, ReviewMode
from ..extensions import db
from .org import OrgUnit
from .types import UTCDateTime, str_enum, utcnow
from .user import User


class Call(db.Model):
    """A call for projects, a call for expressions of interest or an innovation prize."""

    __tablename__ = "calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[CallKind] = mapped_column(str_enum(CallKind, "call_kind"))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")  # Markdown, sanitised when rendered
    rules: Mapped[str] = mapped_column(Text, default="")  # règlement de l'appel, Markdown
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Eligibility: empty lists mean everyone with a confirmed account may apply.
    eligible_unit_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # a unit and all below it
    eligible_email_domains: Mapped[list[str]] = mapped_column(JSON, default=list)
    max_submissions_per_applicant: Mapped[int | None] = mapped_column(Integer, default=3)
    review_mode: Mapped[ReviewMode] = mapped_column(str_enum(ReviewMode, "review_mode"), default=ReviewMode.PANEL)
    reviewers_per_submission: Mapped[int] = mapped_column(Integer, default=3)
    blind: Mapped[BlindLevel] = mapped_column(str_enum(BlindLevel, "blind_level"), default=BlindLevel.OPEN)
    phase: Mapped[CallPhase] = mapped_column(str_enum(CallPhase, "call_phase"), default=CallPhase.DRAFT)
    # Phase dates, stored in UTC; entered and shown in Europe/Paris.
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submission_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    review_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deliberation_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    results_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    owner_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="SET NULL"))
    # Conflict policy (see prizeapp.core.conflicts): the same service always conflicts; these add levels, and
    # domains that make no conflict on top of the webmails (a ministry's own domain, say).
    conflict_same_direction: Mapped[bool] = mapped_column(Boolean, default=False)
    conflict_same_organisation: Mapped[bool] = mapped_column(Boolean, default=False)
    conflict_shared_domains: Mapped[list[str]] = mapped_column(JSON, default=list)
    reviewer_max_load: Mapped[int | None] = mapped_column(Integer)  # None: ceil(k × submissions / reviewers) + 1
    # The jury's ranking: the calibration model (see prizeapp.core.calibration.MODELS), how many laureates the
    # jury will choose (for each project's probability of being among them), and whether the jury sees the
    # reviewers' names.
    calibration_model: Mapped[str] = mapped_column(String(32), default="hierarchical", server_default="hierarchical")
    prize_count: Mapped[int | None] = mapped_column(Integer)
    reviewers_named_to_jury: Mapped[bool] = mapped_column(Boolean, default=True, server_default=db.true())
    # Results: when they were published (decisions are final from then on), and whether each applicant's
    # decision email gives their calibrated score and rank band.
    results_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    scores_shown_to_applicants: Mapped[bool] = mapped_column(Boolean, default=False, server_default=db.false())
    # Peer prizes: the impartial selection (see prizeapp.core.impartial), in this many groups; None: the jury
    # decides from the calibrated ranking.
    impartial_groups: Mapped[int | None] = mapped_column(Integer)
    # A call for replication (appel à projets d'essaimage): each applicant names the catalogue's innovation
    # their project takes up, which links the project, the innovation and a replication record.
    for_replication: Mapped[bool] = mapped_column(Boolean, default=False, server_default=db.false())
    # The economic-model grid (core.economic_model) as a section of the submission form; new calls have it, as
    # the SGMAP template asks.
    economic_model_section: Mapped[bool] = mapped_column(Boolean, default=False, server_default=db.false())
    # Months after the results at which followed projects report on their impact; None: core.impact's defaults.
    impact_milestones: Mapped[list[int] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    owner_unit: Mapped[OrgUnit | None] = relationship()
    roles: Mapped[list[CallRole]] = relationship(back_populates="call", cascade="all, delete-orphan")
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="call", cascade="all, delete-orphan", order_by="Criterion.position"
    )
    questions: Mapped[list[FormQuestion]] = relationship(
        back_populates="call", cascade="all, delete-orphan", order_by="FormQuestion.position"
    )

    @property
    def schedule(self):
        from ..core.phases import Schedule

        return Schedule(self.opens_at, self.submission_deadline, self.review_deadline, self.deliberation_at,
                        self.results_at)

    def __repr__(self) -> str:
        return f"<Call {self.id} {self.slug}>"


class CallRole(db.Model):
    """A role a person holds in one call (organiser, reviewer, jury member)."""

    __tablename__ = "call_roles"
    __table_args__ = (UniqueConstraint("call_id", "user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[CallRoleKind] = mapped_column(str_enum(CallRoleKind, "call_role_kind"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    call: Mapped[Call] = relationship(back_populates="roles")
    user: Mapped[User] = relationship()


class Criterion(db.Model):
    """One line of a call's evaluation grid."""

    __tablename__ = "criteria"
    __table_args__ = (
        CheckConstraint("weight >= 0 AND weight <= 100", name="weight_percent"),
        CheckConstraint("scale_min < scale_max", name="scale_order"),
        UniqueConstraint("call_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[int] = mapped_column(Integer)  # percent; a grid's weights sum to 100
    scale_min: Mapped[int] = mapped_column(Integer, default=1)
    scale_max: Mapped[int] = mapped_column(Integer, default=5)
    level_labels: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {"1": "insuffisant", ...}

    call: Mapped[Call] = relationship(back_populates="criteria")

    @property
    def labels_in_order(self) -> list[tuple[int, str]]:
        """(score, label) from the lowest score up; JSON keys are strings, so "10" must not sort before "2"."""
        return sorted((int(level), text) for level, text in self.level_labels.items())


class FormQuestion(db.Model):
    """An organiser-defined question of a call's submission form (beside the fixed core fields)."""

    __tablename__ = "form_questions"
    __table_args__ = (UniqueConstraint("call_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[QuestionKind] = mapped_column(str_enum(QuestionKind, "question_kind"))
    label: Mapped[str] = mapped_column(String(300))
    help_text: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(default=False)
    choices: Mapped[list[str]] = mapped_column(JSON, default=list)
    minimum: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    maximum: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    max_length: Mapped[int | None] = mapped_column(Integer)

    call: Mapped[Call] = relationship(back_populates="questions")

    @property
    def key(self) -> str:
        """The answer's key in Submission.answers and the form field's name; stable while the question lives."""
        return f"q{self.id}"
