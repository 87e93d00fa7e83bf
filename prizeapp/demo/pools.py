"""The demo's reviewer pools (reviewing.toml): profiles, bids, conflicts, an exclusion and a waiver.

The prize's pool has them all; the call for projects' is ready for an assignment to be computed. Each row is
created only when missing.
"""
from __future__ import annotations

import random
from datetime import datetime

from ..enums import BidLevel, ConflictSource, MemberRole, PoolStatus
from ..extensions import db
from ..models import Bid, Call, ConflictDeclaration, ConflictWaiver, PoolMember, Submission, User
from .people import by_login
from .plan import SEED
from .resources import load
from .texts import CATEGORIES

_DATA = load("reviewing")


def prize_pool(call: Call, users: dict[str, User], now: datetime) -> None:
    """The prize's reviewers, accepted, with their profiles and conflict declarations confirmed; bids from a
    seeded generator; two conflicts declared by reviewers, one applicants' exclusion and one organiser's waiver."""
    logins = by_login(users)
    members = {m.user_id: m for m in db.session.scalars(db.select(PoolMember).where(PoolMember.call_id == call.id))}
    reviewers = []
    for profile in _DATA["prize_pool"]:
        user = logins[profile["reviewer"]]
        reviewers.append(user)
        if user.id not in members:
            db.session.add(PoolMember(call_id=call.id, user_id=user.id, status=PoolStatus.ACCEPTED,
                                      keywords=profile["keywords"],
                                      themes=[CATEGORIES[theme] for theme in profile["themes"]],
                                      max_load=profile.get("max_load"), created_at=now, responded_at=now,
                                      conflicts_declared_at=now))
    projects = list(db.session.scalars(db.select(Submission).where(Submission.call_id == call.id,
                                                                   Submission.creation_key.is_not(None))
                                       .order_by(Submission.creation_key)))
    if not projects:
        return
    r = random.Random(SEED + 1)
    existing_bids = {tuple(row) for row in db.session.execute(
        db.select(Bid.submission_id, Bid.reviewer_id).join(Submission, Submission.id == Bid.submission_id)
        .where(Submission.call_id == call.id))}
    levels = (BidLevel.EAGER, BidLevel.WILLING, BidLevel.NOT_INTERESTED)
    for reviewer in reviewers:
        for project in r.sample(projects, 6):  # drawn whatever exists, so that the draws stay the same
            level = r.choices(levels, weights=(3, 4, 2))[0]
            if (project.id, reviewer.id) not in existing_bids:
                db.session.add(Bid(submission_id=project.id, reviewer_id=reviewer.id, level=level, updated_at=now))
    for conflict in _DATA["conflicts"]:
        project, reviewer = projects[conflict["project"]], logins[conflict["reviewer"]]
        source = ConflictSource(conflict["source"])
        if db.session.scalar(db.select(ConflictDeclaration.id).where(
                ConflictDeclaration.submission_id == project.id, ConflictDeclaration.reviewer_id == reviewer.id,
                ConflictDeclaration.source == source)) is None:
            lead = next(m.user_id for m in project.members if m.role == MemberRole.LEAD)
            # A reviewer declares their own conflict; an exclusion is asked by the project's lead.
            declared_by = reviewer.id if source == ConflictSource.REVIEWER else lead
            db.session.add(ConflictDeclaration(submission_id=project.id, reviewer_id=reviewer.id, source=source,
                                               reason=conflict["reason"], declared_by_id=declared_by,
                                               declared_at=now))
    # The organiser lifts "same direction" for one reviewer and a project of another service of their direction.
    organiser = logins["sophie.martin"]
    waiver = _DATA["waiver"]
    reviewer = logins[waiver["reviewer"]]
    same_direction = next((p for p in projects if any(
        m.role == MemberRole.LEAD and m.user.unit is not None and m.user.unit.parent_id == reviewer.unit.parent_id
        and m.user.unit_id != reviewer.unit_id for m in p.members)), None)
    if same_direction is not None and db.session.scalar(db.select(ConflictWaiver.id).where(
            ConflictWaiver.submission_id == same_direction.id, ConflictWaiver.reviewer_id == reviewer.id)) is None:
        db.session.add(ConflictWaiver(submission_id=same_direction.id, reviewer_id=reviewer.id,
                                      code="same_direction", reason=waiver["reason"], waived_by_id=organiser.id,
                                      waived_at=now))
    db.session.flush()


def aap_pool(call: Call, users: dict[str, User], now: datetime) -> None:
    """The call for projects' reviewers, accepted, with their expertise: an assignment can be computed."""
    logins = by_login(users)
    members = set(db.session.scalars(db.select(PoolMember.user_id).where(PoolMember.call_id == call.id)))
    for profile in _DATA["aap_pool"]:
        user = logins[profile["reviewer"]]
        if user.id not in members:
            db.session.add(PoolMember(call_id=call.id, user_id=user.id, status=PoolStatus.ACCEPTED,
                                      keywords=profile["keywords"], themes=[], created_at=now, responded_at=now,
                                      conflicts_declared_at=now))
    db.session.flush()
