"""The demo's reviewing: the prize assigned by the real solver, reviewed by a simulated panel, and ranked.

Each project has a true quality, each reviewer a leniency (one scores at random), each criterion some noise;
the ranking page then shows calibration correcting the lenient and the harsh. A few reviews are left undone so
that progress and reminders have something to show. Nothing is assigned, reviewed or ranked twice.
"""
from __future__ import annotations

import random
from datetime import datetime

from ..enums import AssignmentStatus, JobStatus, ReviewStatus
from ..extensions import db
from ..models import Assignment, CalibrationRun, Call, Review, ReviewScore, User
from ..services import assignment as assignment_service
from ..services import ranking
from ..services.reviews import weighted_total
from .people import by_login
from .resources import load

SEED = 2027

# Leniency of the prize's reviewers, in points of the 1–5 grid (None: scores at random).
LENIENCY = {
    "thomas.fournier": 0.6, "camille.lambert": -0.8, "julien.bonnet": 0.0, "emilie.francois": 0.9,
    "nicolas.mercier": -0.4, "aurelie.blanc": 0.2, "laure.robin": -1.0, "manon.morin": 0.3,
    "mathieu.guerin": 0.0, "sandrine.boyer": 0.5, "olivier.garnier": -0.2, "celine.chevalier": None,
}
UNFINISHED = {"olivier.garnier": 3, "manon.morin": 2}  # reviews these two have not submitted yet

_COMMENTS = load("reviewing")["reviews"]


def _pick(words: list[str], draw: float) -> str:
    return words[int(draw * len(words))]


def prize_reviews(call: Call, users: dict[str, User], now: datetime) -> None:
    """Assign the prize (the real solver, committed), review it with the simulated panel, and rank it."""
    logins_to_users = by_login(users)
    organiser = logins_to_users["sophie.martin"]
    if call.prize_count is None:
        call.prize_count = 3  # three laureates: the ranking shows each project's chance of being one
    committed = db.session.scalar(db.select(Assignment.id).where(Assignment.call_id == call.id,
                                                                  Assignment.status == AssignmentStatus.COMMITTED))
    if committed is None:
        run = assignment_service.start_run(call=call, actor=organiser, seed=SEED)
        assignment_service.run_assignment(run=run)
        if run.status != JobStatus.DONE:
            return  # the pool cannot cover the projects: leave the prize unassigned rather than half-done
        assignment_service.commit_assignment(call=call, actor=organiser, notify=False)
    assignments = list(db.session.scalars(db.select(Assignment).where(
        Assignment.call_id == call.id, Assignment.status == AssignmentStatus.COMMITTED)
        .order_by(Assignment.submission_id, Assignment.reviewer_id)))
    reviewed = {(s, r) for s, r in db.session.execute(db.select(Review.submission_id, Review.reviewer_id)
                                                      .where(Review.call_id == call.id))}
    logins = {user.id: login for login, user in logins_to_users.items()}
    r = random.Random(SEED)
    quality = {a.submission_id: r.uniform(1.8, 4.6) for a in assignments}  # drawn whatever exists: stable
    left = dict(UNFINISHED)
    criteria = list(call.criteria)
    for a in assignments:
        login = logins.get(a.reviewer_id, "")
        draws = [r.gauss(0, 0.45) for _ in criteria] + [r.random() for _ in range(4)]
        if (a.submission_id, a.reviewer_id) in reviewed:
            continue
        if left.get(login, 0) > 0:
            left[login] -= 1
            continue
        lenient = LENIENCY.get(login, 0.0)
        scores = {}
        for c, noise in zip(criteria, draws):
            if lenient is None:
                value = r.uniform(c.scale_min, c.scale_max)
            else:
                value = quality[a.submission_id] + lenient + noise
            scores[c.id] = int(min(c.scale_max, max(c.scale_min, round(value))))
        confidence = 1 + int(draws[-1] * 3)
        comment = f"{_pick(_COMMENTS['strengths'], draws[-2])} {_pick(_COMMENTS['weaknesses'], draws[-3])}"
        review = Review(call_id=call.id, submission_id=a.submission_id, reviewer_id=a.reviewer_id,
                        assignment_id=a.id, status=ReviewStatus.SUBMITTED, confidence=confidence,
                        comment_to_applicants=comment, comment_to_jury=_pick(_COMMENTS["jury_notes"], draws[-4]),
                        total=weighted_total(call, scores), created_at=now, updated_at=now, submitted_at=now,
                        scores=[ReviewScore(criterion_id=cid, score=value) for cid, value in scores.items()])
        a.started_at = a.started_at or now
        db.session.add(review)
    db.session.flush()
    if db.session.scalar(db.select(CalibrationRun.id).where(CalibrationRun.call_id == call.id,
                                                           CalibrationRun.status == JobStatus.DONE)) is None:
        ranking.run_calibration(run=ranking.start_calibration(call=call, actor=organiser))
