"""The 2025 edition's peer review (edition_2025.toml's [review]): its pool of reviewers, the assignment, three
reviews per project and the calibrated ranking the jury deliberated on — the prize's machinery (reviews.py),
dated in 2025.

The reviewers are agents of the demo's org chart who joined the pool before the deadline; the solver assigned
them after it, around the conflicts the platform computes; their reviews came in until the end of the review
(review_end), scored around what each project is worth (the data's `worth`: mostly in the order of the
jury's decisions, not quite), one reviewer lenient and one harsh; the ranking was computed before the
deliberation. No email: the assignment's is not sent (fictitious reviewers), and calibration sends none; the
audit events are dated as the story says (clock.Clock).

Idempotent: a reviewer's place in the pool by person, the assignment and the ranking once, a review by its pair.
"""
from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from ..enums import PoolStatus
from ..extensions import db
from ..models import Call, PoolMember, Submission, User
from . import reviews
from .clock import Clock, paris_time
from .resources import load_typeset
from .texts import CATEGORIES

DATA = load_typeset("edition_2025")
REVIEW: dict[str, Any] = DATA["review"]


def _pool(call: Call, by_name: dict[str, User], joined: datetime) -> None:
    """The reviewers, accepted with their profile and their declarations confirmed on `joined`."""
    members = set(db.session.scalars(db.select(PoolMember.user_id).where(PoolMember.call_id == call.id)))
    for profile in REVIEW["reviewers"]:
        user = by_name[profile["reviewer"]]
        if user.id not in members:
            db.session.add(PoolMember(call_id=call.id, user_id=user.id, status=PoolStatus.ACCEPTED,
                                      keywords=profile["keywords"],
                                      themes=[CATEGORIES[theme] for theme in profile["themes"]],
                                      created_at=joined, responded_at=joined, conflicts_declared_at=joined))
    db.session.flush()


def _words(draws: Sequence[float], total: float) -> tuple[str, str]:
    """A strength then a reserve to the applicants, and a note to the jury (often none), in the tone of the
    review's total."""
    tier = next(t for t in REVIEW["comments"] if total >= t["from"])
    return (f"{reviews.pick(tier['strengths'], draws[2])} {reviews.pick(tier['reserves'], draws[1])}",
            reviews.pick(tier["jury_notes"], draws[0]))


def review(*, call: Call, projects: dict[str, Submission], by_name: dict[str, User], now: datetime) -> None:
    """The edition's pool, assignment, reviews and ranking, made when missing; flushes, never commits."""
    organiser = by_name[DATA["edition"]["organisers"][0]]
    assigned, review_end = paris_time(REVIEW["assigned"], now), paris_time(DATA["edition"]["review_end"], now)
    clock = Clock()
    _pool(call, by_name, paris_time(REVIEW["joined"], now))
    assignments = reviews.assign(call, organiser=organiser, seed=REVIEW["seed"], at=assigned)
    clock.date(assigned)
    if not assignments:
        return
    window = review_end - assigned

    def dates(draws: Sequence[float]) -> tuple[datetime, datetime]:
        # Submitted between a day after the assignment and a few hours before the end; started up to 3 days before.
        submitted = assigned + timedelta(days=1) + draws[4] * (window - timedelta(days=1, hours=6))
        return max(assigned + timedelta(hours=2), submitted - draws[5] * timedelta(days=3)), submitted

    worth = {projects[key].id: value for key, value in REVIEW["worth"].items()}
    leniency = {by_name[p["reviewer"]].id: p.get("leniency", 0.0) for p in REVIEW["reviewers"]}
    reviews.simulate(call, assignments, r=random.Random(REVIEW["seed"]), quality=worth, leniency=leniency,
                     words=_words, dates=dates, extra_draws=2)
    calibrated = paris_time(REVIEW["calibrated"], now)
    reviews.rank(call, organiser=organiser, at=calibrated)
    clock.date(calibrated)
