"""The demo's draws from its seed, before any database work: the generated applicants and the prize projects.

Drawn first, so that the draws never depend on what the database already holds.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from . import texts
from .people import (
    CITY_DIRECTIONS,
    FIRST_NAMES,
    LAST_NAMES,
    NAMED,
    NAMED_APPLICANTS,
    ORG_OF_DIRECTION,
    SERVICES_OF,
    Person,
)

SEED = 2026
PRIZE_PROJECTS = 60
GENERATED_CO_APPLICANTS_ONLY = 7  # generated people who only join other people's teams


@dataclass
class PrizePlan:
    """One prize project, decided before touching the database."""

    key: str
    lead: Person
    co_applicants: list[Person]
    text: texts.ProjectText
    hours_before_deadline: float  # when it was submitted
    writing_days: float  # how long before that it was started


def generated_people(r: random.Random) -> list[Person]:
    """Enough applicants for every direction to carry PRIZE_PROJECTS / 6 prize projects, plus a few who only
    join teams; placed in the services of the org chart (sometimes in the direction itself, at the ministry)."""
    taken = {p.email for p in NAMED}
    names = [(first, last) for first in FIRST_NAMES for last in LAST_NAMES]
    r.shuffle(names)
    directions = list(SERVICES_OF)
    per_direction = PRIZE_PROJECTS // len(directions)
    needed = {d: per_direction - sum(p.direction == d for p in NAMED_APPLICANTS) for d in directions}
    for _ in range(GENERATED_CO_APPLICANTS_ONLY):
        needed[r.choice(directions)] += 1
    people: list[Person] = []
    for direction in directions:
        for _ in range(needed[direction]):
            first, last = names.pop()
            unit = direction if direction not in CITY_DIRECTIONS and r.random() < 0.15 else \
                r.choice(SERVICES_OF[direction])
            person = Person(first, last, ORG_OF_DIRECTION[direction], unit, generated=True)
            while person.email in taken:  # two people of the same name would share an address
                first, last = names.pop()
                person = Person(first, last, ORG_OF_DIRECTION[direction], unit, generated=True)
            taken.add(person.email)
            people.append(person)
    return people


def prize_plans(r: random.Random, generated: list[Person]) -> list[PrizePlan]:
    """The prize's projects: a lead (every named applicant leads one), a team from the lead's direction, a
    theme of that direction (the least used first), texts composed from it, and when it was written."""
    applicants = NAMED_APPLICANTS + generated
    by_direction: dict[str, list[Person]] = {}
    for person in applicants:
        by_direction.setdefault(person.direction, []).append(person)
    # Every named applicant leads one project; the generated ones fill each direction up to its share.
    per_direction = PRIZE_PROJECTS // len(by_direction)
    leads = []
    for people in by_direction.values():
        named = [p for p in people if not p.generated]
        leads += named + [p for p in people if p.generated][: per_direction - len(named)]
    r.shuffle(leads)
    theme_uses = {i: 0 for i in range(len(texts.THEMES))}
    co_counts = {p.email: 0 for p in applicants}
    plans = []
    for n, lead in enumerate(leads, start=1):
        candidates = [i for i, t in enumerate(texts.THEMES) if t.direction == lead.direction]
        fewest = min(theme_uses[i] for i in candidates)
        theme_index = r.choice([i for i in candidates if theme_uses[i] == fewest])
        use = theme_uses[theme_index]
        theme_uses[theme_index] += 1
        team_size = r.choices((0, 1, 2), weights=(60, 30, 10))[0]
        pool = [p for p in by_direction[lead.direction] if p != lead and co_counts[p.email] < 2]
        co_applicants = r.sample(pool, min(team_size, len(pool)))
        for person in co_applicants:
            co_counts[person.email] += 1
        text = texts.compose(r, texts.THEMES[theme_index], use, city=lead.direction in CITY_DIRECTIONS,
                             unit_phrase=texts.unit_phrase(lead.unit_label),
                             co_applicants=len(co_applicants))
        # Many projects arrive in the last two days; two of them a few minutes before the deadline.
        if n in (7, 31):
            hours = r.uniform(0.05, 0.3)
        elif r.random() < 0.45:
            hours = r.uniform(0.5, 48)
        else:
            hours = r.uniform(48, 40 * 24)
        plans.append(PrizePlan(key=f"demo-prix-{n:02d}", lead=lead, co_applicants=co_applicants, text=text,
                               hours_before_deadline=hours, writing_days=r.uniform(1, 30)))
    return plans
