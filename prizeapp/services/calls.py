"""Organisers' use cases on a call: create and edit it, its evaluation grid, its form, its phase."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import selectinload

from ..core import impact as impact_core
from ..core import phases
from ..enums import CallKind, CallPhase, CallRoleKind, QuestionKind
from ..errors import RuleError
from ..extensions import db
from ..models import Call, CallRole, Criterion, FormQuestion, OrgUnit, Submission, User
from ..models.types import utcnow
from . import audit, locks
from .impact import plans as impact_plans

# The SGMAP grid (see DOMAIN.md), offered as the default of every new call.
DEFAULT_LEVELS = {"1": "insuffisant", "2": "faible", "3": "correct", "4": "bon", "5": "excellent"}
SGMAP_GRID = [
    ("Innovation", "Ce qui est nouveau pour le service public : usage, organisation, technique.", 25),
    ("Impact", "Impact pour les usagers et les agents, et la manière dont il est mesuré.", 25),
    ("Modèle économique", "Coûts, financement, soutenabilité au-delà de la phase d'expérimentation.", 15),
    ("Essaimage", "Un autre territoire ou une autre administration pourrait-il le reprendre ?", 20),
    ("Faisabilité et équipe", "Calendrier, compétences réunies, risques identifiés.", 15),
]


class CallError(RuleError):
    """A change the call's rules do not allow."""


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:100] or "appel"


def _unique_slug(title: str) -> str:
    base = slugify(title)
    slug, n = base, 2
    while db.session.scalar(db.select(Call.id).where(Call.slug == slug)) is not None:
        slug, n = f"{base}-{n}", n + 1
    return slug


def default_grid() -> list[Criterion]:
    return [Criterion(position=i, name=name, description=description, weight=weight, scale_min=1, scale_max=5,
                      level_labels=dict(DEFAULT_LEVELS))
            for i, (name, description, weight) in enumerate(SGMAP_GRID, start=1)]


def create_call(*, actor: User, kind: CallKind, title: str) -> Call:
    """A new call, in draft, with the SGMAP grid and the economic-model section; its creator becomes its
    organiser."""
    call = Call(slug=_unique_slug(title), kind=kind, title=title.strip(), phase=CallPhase.DRAFT,
                created_by_id=actor.id, owner_unit_id=actor.unit_id, economic_model_section=True)
    call.criteria = default_grid()
    db.session.add(call)
    db.session.flush()
    db.session.add(CallRole(call_id=call.id, user_id=actor.id, role=CallRoleKind.ORGANISER))
    audit.record(action=audit.AuditAction.CALL_CREATED, actor=actor, obj=call, call=call, details={"title": call.title})
    db.session.flush()
    return call


EDITABLE = ("kind", "title", "summary", "description", "rules", "categories", "eligible_unit_ids",
            "eligible_email_domains", "max_submissions_per_applicant", "review_mode", "reviewers_per_submission",
            "blind", "opens_at", "submission_deadline", "review_deadline", "deliberation_at", "results_at",
            "for_replication", "economic_model_section", "impact_milestones")


def update_call(*, call: Call, actor: User, **values: Any) -> list[str]:
    """Change the call's settings; returns the names of what changed (recorded in the audit log). New
    follow-up milestones move the reports of the follow-ups under way (services.impact.plans.sync_call)."""
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    if values.get("impact_milestones") is not None:
        try:
            values["impact_milestones"] = impact_core.check_milestones(values["impact_milestones"])
        except (TypeError, ValueError) as error:
            raise CallError("milestones_invalid", max=impact_core.MAX_MONTHS) from error
    changed = [name for name, value in values.items() if getattr(call, name) != value]
    for name in changed:
        setattr(call, name, values[name])
    problems = [p for p in call.schedule.problems() if p != "opening_and_deadline_required"]
    if problems:
        raise CallError(*problems)
    if changed:
        audit.record(action=audit.AuditAction.CALL_UPDATED, actor=actor, obj=call, call=call,
                     details={"changed": sorted(changed)})
    db.session.flush()
    if "impact_milestones" in changed:
        impact_plans.sync_call(call)
    return changed


def current_phase(call: Call, now: datetime | None = None) -> CallPhase:
    """The phase in force now: the stored one moved forward by the dates (see core.phases)."""
    return CallPhase(phases.effective_phase(call.phase.value, call.schedule, now or utcnow()))


def accepts_submissions(call: Call, now: datetime | None = None) -> bool:
    return phases.accepts_submissions(call.phase.value, call.schedule, now or utcnow())


@dataclass
class Listing:
    """Published calls as the public sees them: open ones first (nearest deadline first), then the others."""

    open_calls: list[Call]
    other_calls: list[Call]
    phases: dict[int, CallPhase]


def public_listing(now: datetime | None = None) -> Listing:
    now = now or utcnow()
    published = db.session.scalars(
        db.select(Call).where(Call.phase != CallPhase.DRAFT)
        # The unit path of each card walks up to the organisation: load the chart with the calls.
        .options(selectinload(Call.owner_unit).selectinload(OrgUnit.parent).selectinload(OrgUnit.parent))
    ).all()
    phases_now = {call.id: current_phase(call, now) for call in published}
    far = datetime.max.replace(tzinfo=now.tzinfo)
    open_calls = sorted((c for c in published if phases_now[c.id] == CallPhase.OPEN),
                        key=lambda c: (c.submission_deadline or far, c.title))
    other_calls = sorted((c for c in published if phases_now[c.id] != CallPhase.OPEN),
                         key=lambda c: c.submission_deadline or far, reverse=True)
    return Listing(open_calls, other_calls, phases_now)


def readiness_to_open(call: Call) -> list[str]:
    """What stops a draft call from being published."""
    problems = list(call.schedule.problems())
    if sum(c.weight for c in call.criteria) != 100:
        problems.append("grid_weights_not_100")
    if not call.criteria:
        problems.append("grid_empty")
    return problems


def move_phase(*, call: Call, actor: User, target: CallPhase, now: datetime | None = None) -> None:
    """An organiser moves the call forward, or back one step; recorded in the audit log."""
    current = current_phase(call, now)
    if not phases.can_move(current.value, target.value):
        raise CallError("phase_move_not_allowed", current=current.value, target=target.value)
    if current == CallPhase.DRAFT:
        problems = readiness_to_open(call)
        if problems:
            raise CallError(*problems)
    # The dates move a call forward on their own: going back before a date that has passed would record a
    # move that changes nothing (the call would stay where the dates put it).
    by_dates = CallPhase(phases.effective_phase(target.value, call.schedule, now or utcnow()))
    if by_dates != target:
        raise CallError("phase_set_by_dates", current=current.value, target=target.value, phase=by_dates.value)
    call.phase = target
    audit.record(action=audit.AuditAction.CALL_PHASE_CHANGED, actor=actor, obj=call, call=call,
                 details={"from": current.value, "to": target.value})
    db.session.flush()


def grant_role(*, call: Call, actor: User, user: User, role: CallRoleKind) -> bool:
    """Give `user` a role in `call` (organiser, jury member); False when they already hold it."""
    exists = db.session.scalar(db.select(CallRole.id).where(
        CallRole.call_id == call.id, CallRole.user_id == user.id, CallRole.role == role))
    if exists:
        return False
    db.session.add(CallRole(call_id=call.id, user_id=user.id, role=role))
    audit.record(action=audit.AuditAction.CALL_ROLE_GRANTED, actor=actor, obj=call, call=call,
                 details={"user_id": user.id, "email": user.email, "role": role.value})
    db.session.flush()
    return True


def revoke_role(*, call: Call, actor: User, user: User, role: CallRoleKind) -> None:
    """Take a role back. A call always keeps at least one organiser (two organisers revoking each other at once
    are serialised: the second sees the first's change)."""
    locks.hold(f"call:{call.id}:roles")
    row = db.session.scalar(db.select(CallRole).where(
        CallRole.call_id == call.id, CallRole.user_id == user.id, CallRole.role == role))
    if row is None:
        return
    if role == CallRoleKind.ORGANISER and db.session.scalar(db.select(db.func.count(CallRole.id)).where(
            CallRole.call_id == call.id, CallRole.role == CallRoleKind.ORGANISER)) <= 1:
        raise CallError("last_organiser")
    db.session.delete(row)
    audit.record(action=audit.AuditAction.CALL_ROLE_REVOKED, actor=actor, obj=call, call=call,
                 details={"user_id": user.id, "email": user.email, "role": role.value})
    db.session.flush()


def people_with_role(call: Call, role: CallRoleKind) -> list[User]:
    return list(db.session.scalars(db.select(User).join(CallRole, CallRole.user_id == User.id).where(
        CallRole.call_id == call.id, CallRole.role == role).order_by(User.last_name, User.first_name, User.id)))


# --- the evaluation grid ------------------------------------------------------------------------------

@dataclass
class CriterionSpec:
    name: str
    description: str = ""
    weight: int = 0
    scale_min: int = 1
    scale_max: int = 5
    level_labels: dict[str, str] = field(default_factory=dict)


def grid_frozen(call: Call, now: datetime | None = None) -> bool:
    """Reviews exist only from the review phase on: from then the grid cannot change."""
    return phases.ORDER.index(current_phase(call, now).value) >= phases.ORDER.index("review")


def grid_problems(specs: list[CriterionSpec]) -> list[str]:
    problems = []
    if not specs:
        problems.append("grid_empty")
    if sum(s.weight for s in specs) != 100:
        problems.append("grid_weights_not_100")
    for spec in specs:
        if not spec.name.strip():
            problems.append("criterion_name_required")
        if spec.weight < 0:
            problems.append("criterion_weight_negative")
        if spec.scale_min >= spec.scale_max or spec.scale_max - spec.scale_min > 20:
            problems.append("criterion_scale_invalid")
        if any(not (spec.scale_min <= int(level) <= spec.scale_max) for level in spec.level_labels):
            problems.append("criterion_label_outside_scale")
    return sorted(set(problems), key=problems.index)


def set_grid(*, call: Call, actor: User, specs: list[CriterionSpec]) -> None:
    """Replace the call's grid as a whole (weights must sum to 100 %)."""
    if grid_frozen(call):
        raise CallError("grid_frozen")
    problems = grid_problems(specs)
    if problems:
        raise CallError(*problems)
    call.criteria.clear()
    db.session.flush()  # the old rows go first: (call_id, position) is unique
    call.criteria.extend(
        Criterion(position=i, name=s.name.strip(), description=s.description.strip(), weight=s.weight,
                  scale_min=s.scale_min, scale_max=s.scale_max,
                  level_labels={k: v.strip() for k, v in s.level_labels.items() if v.strip()})
        for i, s in enumerate(specs, start=1))
    audit.record(action=audit.AuditAction.CALL_GRID_CHANGED, actor=actor, obj=call, call=call,
                 details={"criteria": [f"{s.name} {s.weight}%" for s in specs]})
    db.session.flush()


# --- the submission form ------------------------------------------------------------------------------

@dataclass
class QuestionSpec:
    kind: QuestionKind
    label: str
    help_text: str = ""
    required: bool = False
    choices: list[str] = field(default_factory=list)
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    max_length: int | None = None


def question_problems(spec: QuestionSpec) -> list[str]:
    problems = []
    if not spec.label.strip():
        problems.append("question_label_required")
    if spec.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE) and len(spec.choices) < 2:
        problems.append("question_needs_two_choices")
    if spec.minimum is not None and spec.maximum is not None and spec.minimum > spec.maximum:
        problems.append("question_min_above_max")
    return problems


def form_locked(call: Call) -> bool:
    """Once someone has submitted, questions may be reworded but not added, removed or change kind: that
    would change what they answered."""
    return db.session.scalar(db.select(Submission.id).where(
        Submission.call_id == call.id, Submission.submitted_at.is_not(None)).limit(1)) is not None


def add_question(*, call: Call, actor: User, spec: QuestionSpec) -> FormQuestion:
    problems = question_problems(spec)
    if problems:
        raise CallError(*problems)
    if form_locked(call):
        raise CallError("form_locked")
    position = max((q.position for q in call.questions), default=0) + 1
    question = FormQuestion(call=call, position=position, **_question_values(spec))
    db.session.add(question)
    db.session.flush()
    audit.record(action=audit.AuditAction.CALL_QUESTION_ADDED, actor=actor, obj=call, call=call,
                 details={"label": spec.label})
    return question


def update_question(*, question: FormQuestion, actor: User, spec: QuestionSpec) -> None:
    problems = question_problems(spec)
    if problems:
        raise CallError(*problems)
    if form_locked(question.call) and spec.kind != question.kind:
        raise CallError("form_locked")
    for name, value in _question_values(spec).items():
        setattr(question, name, value)
    audit.record(action=audit.AuditAction.CALL_QUESTION_CHANGED, actor=actor, obj=question.call, call=question.call,
                 details={"label": spec.label})
    db.session.flush()


def delete_question(*, question: FormQuestion, actor: User) -> None:
    call = question.call
    if form_locked(call):
        raise CallError("form_locked")
    call.questions.remove(question)
    db.session.flush()
    for position, remaining in enumerate(call.questions, start=1):
        remaining.position = -position  # two steps: (call_id, position) is unique
    db.session.flush()
    for remaining in call.questions:
        remaining.position = -remaining.position
    audit.record(action=audit.AuditAction.CALL_QUESTION_DELETED, actor=actor, obj=call, call=call,
                 details={"label": question.label})
    db.session.flush()


def move_question(*, question: FormQuestion, actor: User, offset: int) -> None:
    """Move a question up (-1) or down (+1) in the form."""
    questions = list(question.call.questions)
    index = questions.index(question)
    other_index = index + offset
    if not 0 <= other_index < len(questions):
        return
    other = questions[other_index]
    mine, theirs = question.position, other.position
    question.position, other.position = -mine, -theirs  # two steps: (call_id, position) is unique
    db.session.flush()
    question.position, other.position = theirs, mine
    db.session.flush()


def _question_values(spec: QuestionSpec) -> dict[str, Any]:
    choices = [c.strip() for c in spec.choices if c.strip()]
    return {"kind": spec.kind, "label": spec.label.strip(), "help_text": spec.help_text.strip(),
            "required": spec.required, "choices": list(dict.fromkeys(choices)), "minimum": spec.minimum,
            "maximum": spec.maximum, "max_length": spec.max_length}
