"""The demo platform that `flask demo` loads: load_demo() builds it with the services, from data/*.toml.

Two organisations, ~90 people in every role, two calls with the SGMAP grid and their submissions:

- « Territoires d'essaimage » (call for projects) is open: categories, rules, three organiser questions, a few
  submitted projects with their financing plan (a real PDF) and a few incomplete drafts.
- « Prix de l'innovation des agents publics 2026 » is past its deadline, in review, with 60 submitted projects
  whose texts are composed from themes with a seeded generator: the same on every run. Its reviewer pool has
  profiles, bids, declared conflicts, an applicants' exclusion and an organiser's waiver; its assignment is
  computed and committed, and reviewers of varied leniency have reviewed it, so that the jury's ranking shows
  calibration at work; the jury has started voting.
- The call for projects has a reviewer pool of its own, ready for an assignment to be computed.
- « Prix de l'innovation publique 2025 », the prize's past edition, was reviewed by a pool of its own, three
  reviews per project, and ranked before its jury deliberated (edition_review.py, with reviews.py's machinery);
  its results are published; its laureates and mentions have published records in the innovation catalogue,
  with parrains, and territories take them up at every stage; « Territoires d'essaimage » is a call for
  replication, some of its projects linked to the records they take up (edition.py, essaimage.py). Its teams
  follow their impact at every stage: reports at 6 and 12 months in, one late, one follow-up still being set up,
  a laureate without one (impact.py).
- The call for projects and the 2025 edition ask for the economic-model grid: each of their submitted projects
  has answered it, the drafts in part (grids.py).

Idempotent: people, units, calls, submissions, records, parrains, replications and follow-ups are found by
their natural keys (emails, slugs, the submissions' demo keys, a record's project…), a call's pool members,
reviews and ranking by person, pair and call, and created only when missing; a call's settings are
(re)written only while it has no submission, which also brings a database loaded by an older demo up to date.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from ..enums import SubmissionStatus
from ..extensions import db
from ..models import Call, Submission
from ..models.types import utcnow
from . import calls, deliberation, edition, essaimage, impact, people, plan, pools, reviews, submissions
from .people import DEMO_PASSWORD

__all__ = ["DEMO_PASSWORD", "DemoLogin", "DemoResult", "load_demo"]


@dataclass
class DemoLogin:
    email: str
    roles: str


@dataclass
class DemoResult:
    """What the demo holds, for printing: the named people's logins, the generated applicants' emails, a line
    per call (the past edition's impact follow-up under its own), and the innovation catalogue's lines."""

    logins: list[DemoLogin]
    generated: list[str]
    calls: list[str] = field(default_factory=list)
    catalogue: list[str] = field(default_factory=list)  # the innovation catalogue, and whom to sign in as
    others: int = 0  # people of territories across France, outside the org chart (the 2025 edition's)


def _call_line(call: Call) -> str:
    query = (db.select(Submission.status, db.func.count(Submission.id))
             .where(Submission.call_id == call.id).group_by(Submission.status))
    counts = {status: n for status, n in db.session.execute(query)}
    return (f"{call.title}: {call.phase.value}, deadline {calls.french(call.submission_deadline)}; "
            f"{counts.get(SubmissionStatus.SUBMITTED, 0)} submitted, {counts.get(SubmissionStatus.DRAFT, 0)} drafts")


def load_demo() -> DemoResult:
    """Create (or complete) the demo data; flushes, never commits. Returns what to print."""
    now = utcnow()
    r = random.Random(plan.SEED)
    generated = plan.generated_people(r)
    plans = plan.prize_plans(r, generated)
    units = people.org_chart()
    demo_calls = calls.ensure_calls(units["DITP"], now)
    users = people.accounts(people.NAMED + generated, units)
    people.call_roles(users, demo_calls)
    submissions.aap_submissions(demo_calls["aap"], users, now)
    submissions.prize_submissions(demo_calls["prix"], users, plans)
    pools.prize_pool(demo_calls["prix"], users, now)
    reviews.prize_reviews(demo_calls["prix"], users, now)
    deliberation.prize_votes(demo_calls["prix"], now)
    pools.aap_pool(demo_calls["aap"], users, now)
    past, projects, by_name = edition.past_edition(users=users, organiser_unit=units["DITP"], now=now)
    catalogue = essaimage.load(projects=projects, aap=demo_calls["aap"], by_name=by_name, now=now)
    followed = impact.load(call=past, projects=projects, by_name=by_name, now=now)
    logins = [DemoLogin(email=p.email, roles=", ".join(["admin"] * p.admin + list(p.roles)) or "applicant")
              for p in people.NAMED]
    return DemoResult(logins=logins, generated=[p.email for p in generated],
                      calls=[*(_call_line(c) for c in (demo_calls["aap"], demo_calls["prix"], past)), *followed],
                      catalogue=catalogue, others=len(edition.NEWCOMERS))
