"""The prize's past edition (edition_2025.toml): the call, with its results published in 2025; the people of
territories across France who took part, its projects, their peer review and ranking (edition_review.py), and
the jury's decisions on them.

The projects are written as the other demo projects are (see submissions.py: the services enforce the
submission period), with their answers to the economic-model grid (impact.toml, read by grids.py). The
decisions go through services.deliberation.record_decision; the results are then marked published without
services.results.publish, which would queue today, to each of the teams' members, a decision email about 2025
(and to the laureates and mentions an invitation to set up their impact follow-up). The services stamp the
present: each step is then dated as the data says, with the audit events it recorded and the emails it queued
(see clock.Clock).

Idempotent: the edition by its slug, people by email, projects by their demo keys, a decision by its project.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from ..enums import CallKind, CallPhase, CallRoleKind, DecisionOutcome, Locale, SubmissionStatus
from ..extensions import db
from ..models import Call, CallRole, OrgUnit, Submission, User
from ..models.decision import Decision
from ..models.types import utcnow
from ..services import deliberation
from ..services.calls import default_grid, slugify
from . import edition_review, grids
from .clock import Clock, paris_time
from .people import NAMED
from .resources import load_typeset
from .submissions import _new_submission
from .texts import CATEGORIES

DATA = load_typeset("edition_2025")
SPEC: dict[str, Any] = DATA["edition"]
PROJECTS: list[dict[str, Any]] = DATA["projects"]


@dataclass(frozen=True)
class Newcomer:
    """A person of edition_2025.toml, from an organisation outside the demo's org chart."""

    first: str
    last: str
    organisation: str  # a key of [organisations]

    @property
    def full_name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def email(self) -> str:
        domain = DATA["organisations"][self.organisation]["domain"]
        return f"{slugify(self.first)}.{slugify(self.last)}@{domain}"


NEWCOMERS = [Newcomer(p["first"], p["last"], p["organisation"]) for p in DATA["agents"]["people"]]


def people(users: dict[str, User]) -> dict[str, User]:
    """Every demo person by full name: the org chart's named people (`users` by email) and the newcomers,
    created when missing."""
    by_name = {p.full_name: users[p.email] for p in NAMED}
    emails = [p.email for p in NEWCOMERS]
    existing = {u.email: u for u in db.session.scalars(db.select(User).where(User.email.in_(emails)))}
    password_hash = users[NAMED[0].email].password_hash  # every demo account has the same password
    for person in NEWCOMERS:
        user = existing.get(person.email)
        if user is None:
            user = User(email=person.email, password_hash=password_hash, first_name=person.first,
                        last_name=person.last, locale=Locale.FR, email_confirmed_at=utcnow())
            db.session.add(user)
        by_name[person.full_name] = user
    db.session.flush()
    return by_name


def _call(organiser_unit: OrgUnit, now: datetime) -> Call:
    slug = slugify(SPEC["title"])
    call = db.session.scalar(db.select(Call).where(Call.slug == slug))
    if call is not None:
        return call
    call = Call(slug=slug, kind=CallKind(SPEC["kind"]), title=SPEC["title"], owner_unit=organiser_unit,
                summary=SPEC["summary"], description=SPEC["description"], rules=SPEC["rules"],
                categories=[CATEGORIES[key] for key in SPEC["categories"]], eligible_unit_ids=[],
                eligible_email_domains=[], max_submissions_per_applicant=SPEC["max_per_applicant"],
                prize_count=sum(1 for p in PROJECTS if p["decision"] == "laureate"),
                economic_model_section=SPEC["economic_model_section"],
                phase=CallPhase.DELIBERATION, created_at=paris_time(SPEC["opens"], now) - timedelta(days=30))
    call.opens_at, call.submission_deadline = paris_time(SPEC["opens"], now), paris_time(SPEC["deadline"], now)
    call.review_deadline = paris_time(SPEC["review_end"], now)
    call.deliberation_at, call.results_at = paris_time(SPEC["deliberation"], now), paris_time(SPEC["results"], now)
    call.criteria = default_grid()
    db.session.add(call)
    db.session.flush()
    return call


def _roles(call: Call, by_name: dict[str, User]) -> None:
    wanted = [(name, CallRoleKind.ORGANISER) for name in SPEC["organisers"]]
    wanted += [(name, CallRoleKind.JURY) for name in SPEC["jury"]]
    existing = {(user_id, role) for user_id, role in db.session.execute(
        db.select(CallRole.user_id, CallRole.role).where(CallRole.call_id == call.id))}
    for name, role in wanted:
        user = by_name[name]
        if (user.id, role) not in existing:
            db.session.add(CallRole(call=call, user=user, role=role, granted_at=call.created_at))
    db.session.flush()


def _projects(call: Call, by_name: dict[str, User], now: datetime) -> dict[str, Submission]:
    keys = [p["key"] for p in PROJECTS]
    found = {s.creation_key: s for s in db.session.scalars(db.select(Submission).where(
        Submission.creation_key.in_(keys)))}
    for spec in PROJECTS:
        if spec["key"] in found:
            continue
        started, submitted = paris_time(spec["started"], now), paris_time(spec["submitted"], now)
        found[spec["key"]] = _new_submission(
            call, spec["key"], by_name[spec["lead"]], [by_name[name] for name in spec.get("co_applicants", ())],
            status=SubmissionStatus.SUBMITTED, title=spec["title"], summary=spec["summary"],
            description=spec["description"], category=CATEGORIES[spec["category"]], territory=spec["territory"],
            budget_requested=Decimal(spec["budget"]), answers={},
            economic_model=grids.answer(spec["key"], grids.EDITION.get(spec["key"]), submitted=submitted),
            created_at=started, updated_at=submitted, submitted_at=submitted)
    return found


def _decisions(call: Call, projects: dict[str, Submission], by_name: dict[str, User], now: datetime) -> None:
    """The jury's decisions, recorded by the organiser on the day of the deliberation; then the results
    published on their date."""
    if call.results_published_at is not None:
        return
    decided = {d.submission_id for d in db.session.scalars(db.select(Decision).where(Decision.call_id == call.id))}
    decided_at = paris_time(SPEC["decided_at"], now)
    published_at = paris_time(SPEC["results"], now)
    actor = by_name[SPEC["decided_by"]]
    clock = Clock()
    for position, spec in enumerate(PROJECTS):
        submission = projects[spec["key"]]
        if submission.id in decided:
            continue
        outcome = DecisionOutcome(spec["decision"])
        amount = Decimal(spec["amount"]) if "amount" in spec else None
        decision = deliberation.record_decision(submission=submission, actor=actor, outcome=outcome,
                                                reason=DATA["reasons"][outcome.value], prize=spec.get("prize", ""),
                                                amount=amount)
        decision.decided_at = decision.updated_at = decided_at + timedelta(minutes=2 * position)
        decision.notified_at = published_at
        clock.date(decision.decided_at)
    call.phase, call.results_published_at = CallPhase.PUBLISHED, published_at
    db.session.flush()


def past_edition(*, users: dict[str, User], organiser_unit: OrgUnit, now: datetime
                 ) -> tuple[Call, dict[str, Submission], dict[str, User]]:
    """The edition with its projects, their peer review (edition_review.py) and the decisions, results
    published; returns it, its projects by demo key, and every demo person by full name."""
    by_name = people(users)
    call = _call(organiser_unit, now)
    _roles(call, by_name)
    projects = _projects(call, by_name, now)
    edition_review.review(call=call, projects=projects, by_name=by_name, now=now)
    _decisions(call, projects, by_name, now)
    return call, projects, by_name
