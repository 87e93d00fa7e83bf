"""The demo's reviewing: a call assigned by the real solver, reviewed by a simulated panel, and ranked.

Each project has a true quality, each reviewer a leniency (one may score at random), each criterion some noise;
the ranking page then shows calibration correcting the lenient and the harsh. The prize in review has a few
reviews left undone, so that progress and reminders have something to show; the 2025 edition's past review
(edition_review.py) goes through the same steps, dated in 2025. Nothing is assigned, reviewed or ranked twice.
"""
from __future__ import annotations

import random
from collections.abc import Callable, Sequence
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

# What a panel's review is made of besides its scores, from the review's draws (uniform in [0, 1): four, and
# the panel's extra ones) and its weighted total: its two comments, and when it was started and submitted.
Words = Callable[[Sequence[float], float], tuple[str, str]]
Dates = Callable[[Sequence[float]], tuple[datetime, datetime]]


def pick(words: list[str], draw: float) -> str:
    """One of `words`, by a draw in [0, 1)."""
    return words[int(draw * len(words))]


def assign(call: Call, *, organiser: User, seed: int, at: datetime | None = None) -> list[Assignment]:
    """The call's committed assignment, computed by the real solver and committed (no email: the demo's
    reviewers are fictitious) when there is none; `at`, when given, dates the run and the pairs. Returns the
    committed pairs by project then reviewer; none when the pool cannot cover the projects (the call is then
    left unassigned rather than half-done)."""
    committed = db.session.scalar(db.select(Assignment.id).where(Assignment.call_id == call.id,
                                                                  Assignment.status == AssignmentStatus.COMMITTED))
    if committed is None:
        run = assignment_service.start_run(call=call, actor=organiser, seed=seed)
        assignment_service.run_assignment(run=run)
        if run.status != JobStatus.DONE:
            return []
        assignment_service.commit_assignment(call=call, actor=organiser, notify=False)
        if at is not None:
            run.created_at = run.started_at = run.finished_at = at
            for pair in db.session.scalars(db.select(Assignment).where(Assignment.run_id == run.id)):
                pair.created_at = pair.committed_at = at
    return list(db.session.scalars(db.select(Assignment).where(
        Assignment.call_id == call.id, Assignment.status == AssignmentStatus.COMMITTED)
        .order_by(Assignment.submission_id, Assignment.reviewer_id)))


def simulate(call: Call, assignments: list[Assignment], *, r: random.Random, quality: dict[int, float],
             leniency: dict[int, float | None], words: Words, dates: Dates,
             unfinished: dict[int, int] | None = None, extra_draws: int = 0) -> None:
    """Review the `assignments` not reviewed yet as a panel would: each criterion scored at the project's
    `quality` (by submission id) plus its reviewer's `leniency` (by user id; None: at random; missing: 0) plus
    some noise, rounded into the scale; a confidence; `words` and `dates` from the review's draws. The first
    `unfinished[reviewer id]` reviews of a reviewer are left undone.

    Every pair draws the same numbers whatever exists already (its criteria's noise, four uniforms and
    `extra_draws` more), so that the reviews stay the same on every run."""
    reviewed = {(s, rid) for s, rid in db.session.execute(
        db.select(Review.submission_id, Review.reviewer_id).where(Review.call_id == call.id))}
    left = dict(unfinished or {})
    criteria = list(call.criteria)
    for a in assignments:
        noise = [r.gauss(0, 0.45) for _ in criteria]
        draws = [r.random() for _ in range(4 + extra_draws)]
        if (a.submission_id, a.reviewer_id) in reviewed:
            continue
        if left.get(a.reviewer_id, 0) > 0:
            left[a.reviewer_id] -= 1
            continue
        lenient = leniency.get(a.reviewer_id, 0.0)
        scores = {}
        for c, shift in zip(criteria, noise):
            if lenient is None:
                value = r.uniform(c.scale_min, c.scale_max)
            else:
                value = quality[a.submission_id] + lenient + shift
            scores[c.id] = int(min(c.scale_max, max(c.scale_min, round(value))))
        total = weighted_total(call, scores)
        to_applicants, to_jury = words(draws, total)
        started, submitted = dates(draws)
        db.session.add(Review(call_id=call.id, submission_id=a.submission_id, reviewer_id=a.reviewer_id,
                              assignment_id=a.id, status=ReviewStatus.SUBMITTED, confidence=1 + int(draws[3] * 3),
                              comment_to_applicants=to_applicants, comment_to_jury=to_jury, total=total,
                              created_at=started, updated_at=submitted, submitted_at=submitted,
                              scores=[ReviewScore(criterion_id=cid, score=value) for cid, value in scores.items()]))
        a.started_at = a.started_at or started
    db.session.flush()


def rank(call: Call, *, organiser: User, at: datetime | None = None) -> None:
    """Calibrate the call's reviews into its ranking, unless a finished ranking exists; `at`, when given, dates
    the run."""
    if db.session.scalar(db.select(CalibrationRun.id).where(CalibrationRun.call_id == call.id,
                                                           CalibrationRun.status == JobStatus.DONE)) is not None:
        return
    run = ranking.run_calibration(run=ranking.start_calibration(call=call, actor=organiser))
    if at is not None:
        run.created_at = run.started_at = run.finished_at = at


def prize_reviews(call: Call, users: dict[str, User], now: datetime) -> None:
    """Assign the prize (the real solver, committed), review it with the simulated panel, and rank it."""
    logins_to_users = by_login(users)
    organiser = logins_to_users["sophie.martin"]
    if call.prize_count is None:
        call.prize_count = 3  # three laureates: the ranking shows each project's chance of being one
    assignments = assign(call, organiser=organiser, seed=SEED)
    if not assignments:
        return
    r = random.Random(SEED)
    quality = {a.submission_id: r.uniform(1.8, 4.6) for a in assignments}  # drawn whatever exists: stable

    def words(draws: Sequence[float], total: float) -> tuple[str, str]:
        comment = f"{pick(_COMMENTS['strengths'], draws[2])} {pick(_COMMENTS['weaknesses'], draws[1])}"
        return comment, pick(_COMMENTS["jury_notes"], draws[0])

    simulate(call, assignments, r=r, quality=quality, words=words, dates=lambda draws: (now, now),
             leniency={logins_to_users[login].id: value for login, value in LENIENCY.items()},
             unfinished={logins_to_users[login].id: n for login, n in UNFINISHED.items()})
    rank(call, organiser=organiser)
