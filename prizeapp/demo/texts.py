"""The prize projects' texts, composed from the themes and phrasings of data/ with a seeded generator.

Every run writes the same sixty projects.

A theme is one public-innovation idea (a problem, what a team did about it, the results it measured, what
another team could take up); the composer wraps it in varied openings, method, results, economic-model and
essaimage paragraphs, with figures drawn per project. Themes belong to a direction of the demo org chart, so
that a city's crèche staff write about crèches and a ministry's data team about data.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from .resources import load

CATEGORIES: dict[str, str] = load("calls")["categories"]  # by key: "usagers" → "Relation aux usagers"
PRIZE_MAX_AMOUNT: int = load("calls")["calls"]["prix"]["max_amount"]
PHRASINGS = load("prize_phrasings")


def number(n: float) -> str:
    """French thousands separator: 12500 → "12 500"."""
    return f"{n:,}".replace(",", " ")


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def de(name: str) -> str:
    """'de' before a name, elided before a vowel: "d'Auxerre"."""
    return ("d'" if name[:1].lower() in "aàâeéèêiîoôuûh" else "de ") + name


def que(clause: str) -> str:
    """'que' before a clause, elided before a vowel: "qu'à l'accueil…"."""
    return ("qu'" if clause[:1].lower() in "aàâeéèêiîoôuûh" else "que ") + clause


@dataclass(frozen=True)
class Theme:
    """One theme of prize_themes.toml (which says what each field holds)."""

    direction: str
    category: str
    titles: tuple[str, ...]
    problem: str
    context: str
    solution: str
    result: str
    reuse: str
    figures: tuple[tuple[str, int, int, int], ...] = ()  # (name, low, high, step), drawn in this order
    decrease: tuple[tuple[int, int], tuple[float, float]] | None = None  # 'avant', then 'apres' = avant × ratio
    increase: tuple[tuple[int, int], tuple[int, int]] | None = None  # 'avant' %, then 'apres' = avant + gain %
    cost: tuple[int, int] = (5_000, 40_000)
    funding: tuple[str, ...] = ()
    digital: bool = False
    internal: bool = False

    def draw_figures(self, r: random.Random) -> dict[str, str]:
        """The figures of one project, in French digits: 'avant' and 'apres' first, then the others."""
        values: dict[str, str] = {}
        if self.decrease is not None:
            before, ratio = self.decrease
            avant = r.randint(*before)
            values = {"avant": number(avant), "apres": number(max(1, round(avant * r.uniform(*ratio))))}
        elif self.increase is not None:
            before, gain = self.increase
            avant = r.randint(*before)
            values = {"avant": number(avant), "apres": number(min(98, avant + r.randint(*gain)))}
        values.update({name: number(r.randrange(low, high + 1, step)) for name, low, high, step in self.figures})
        return values


def _theme(entry: dict[str, Any]) -> Theme:
    decrease, increase = entry.get("decrease"), entry.get("increase")
    return Theme(
        direction=entry["direction"], category=CATEGORIES[entry["category"]], titles=tuple(entry["titles"]),
        problem=entry["problem"], context=entry["context"], solution=entry["solution"], result=entry["result"],
        reuse=entry["reuse"],
        figures=tuple((name, *bounds) for name, bounds in entry.get("figures", {}).items()),
        decrease=(tuple(decrease["before"]), tuple(decrease["ratio"])) if decrease else None,
        increase=(tuple(increase["before"]), tuple(increase["gain"])) if increase else None,
        cost=tuple(entry["cost"]), funding=tuple(entry.get("funding", ())),
        digital=entry.get("digital", False), internal=entry.get("internal", False))


THEMES: list[Theme] = [_theme(entry) for entry in load("prize_themes")["themes"]]

_PLACES = PHRASINGS["places"]
CITY_TERRITORIES: list[str] = _PLACES["city_territories"]
CITY_PILOTS: list[str] = _PLACES["city_pilots"]
NEIGHBOUR_CITIES: list[str] = _PLACES["neighbour_cities"]
# (name as a territory, phrase after "testée"): the ministry's pilots run in real départements; the first is
# national.
STATE_TERRITORIES = [(t["territory"], t["tested"]) for t in _PLACES["state_territories"]]
CITY_FUNDING = tuple(PHRASINGS["funders"]["city"])
STATE_FUNDING = tuple(PHRASINGS["funders"]["state"])


# --- the phrasings around a theme: the draws of each paragraph, then its sentence ---------------------------

def _opening(r: random.Random, problem: str, city: bool) -> str:
    words = PHRASINGS["opening"]
    where = words["where_city"] if city else words["where_state"]
    year = r.choice((2022, 2023, 2024))
    return r.choice(words["sentences"]).format(problem=problem, que_problem=que(problem), year=year, where=where)


def _solution(r: random.Random, solution: str) -> str:
    workshops = r.randint(3, 8)
    return r.choice(PHRASINGS["solution"]["sentences"]).format(solution=solution, workshops=workshops)


def _method(r: random.Random, pilot: str) -> str:
    weeks = r.choice((6, 8, 10, 12))
    return r.choice(PHRASINGS["method"]["sentences"]).format(pilot=pilot, weeks=weeks)


def _results(r: random.Random, result: str) -> str:
    months = r.choice((6, 9, 12, 18))
    return r.choice(PHRASINGS["results"]["sentences"]).format(months=months, result=result)


def _satisfaction(r: random.Random, internal: bool) -> str:
    words = PHRASINGS["satisfaction"]
    surveyed, satisfied, stay = r.randrange(120, 600, 10), r.randint(82, 95), r.randint(75, 92)
    who = words["who_agents"] if internal else words["who_public"]
    return r.choice(words["sentences"]).format(surveyed=surveyed, who=who, satisfied=satisfied, stay=stay)


def _economics(r: random.Random, theme: Theme, city: bool, amount: int) -> str:
    words = PHRASINGS["economics"]
    cost = r.randrange(theme.cost[0], theme.cost[1] + 1, 500)
    funders = theme.funding or (CITY_FUNDING if city else STATE_FUNDING)
    funder = r.choice(funders)
    share = r.randint(30, 70)
    first = r.choice(words["sentences"]).format(cost=number(cost), share=share, funder=funder)
    use = r.choice(words["uses"])
    return words["closing"].format(first=first, amount=number(amount), use=use)


def _essaimage(r: random.Random, theme: Theme, city: bool, territory: str) -> str:
    words = PHRASINGS["essaimage"]
    parts = [theme.reuse]
    if theme.digital and r.random() < 0.6:
        parts.append(words["open_source"])
    if city:
        a, b = r.sample(NEIGHBOUR_CITIES, 2)
        count = r.randint(3, 9)
        parts.append(r.choice(words["city"]).format(count=count, a=a, b=b, de_a=de(a)))
    else:
        (a, in_a), (b, in_b) = r.sample([t for t in STATE_TERRITORIES[1:] if t[0] != territory], 2)
        count = r.randint(4, 12)
        parts.append(r.choice(words["state"]).format(count=count, a=a, b=b, in_a=in_a, in_b=in_b))
    return " ".join(parts)


def _team(r: random.Random, unit_phrase: str, co_applicants: int) -> str:
    size = r.randint(3, 9) + co_applicants
    return r.choice(PHRASINGS["team"]["sentences"]).format(size=size, unit=unit_phrase)


@dataclass
class ProjectText:
    title: str
    summary: str
    description: str
    category: str
    territory: str
    budget_requested: int


def compose(r: random.Random, theme: Theme, use: int, *, city: bool, unit_phrase: str,
            co_applicants: int) -> ProjectText:
    """One project's texts: the theme's `use`-th title, the rest drawn from `r`."""
    figures = theme.draw_figures(r)
    problem = theme.problem.format(**figures)
    solution = theme.solution.format(**figures)
    result = theme.result.format(**figures)
    context = theme.context.format(**figures)
    if city:
        territory = r.choice(CITY_TERRITORIES)
        pilot = r.choice(CITY_PILOTS)
    else:
        territory, pilot = r.choice(STATE_TERRITORIES)
        if territory == STATE_TERRITORIES[0][0]:
            territory = _PLACES["national_territory"].format(territory=territory,
                                                             region=r.choice(_PLACES["pilot_regions"]))
    amount = r.randrange(3_000, PRIZE_MAX_AMOUNT + 1, 500)
    summary_words = PHRASINGS["summary"]
    summary = " ".join((
        cap(r.choice(summary_words["problem"]).format(problem=problem)),
        r.choice(summary_words["solution"]).format(solution=solution),
        cap(result) + ".",
    ))
    headings = PHRASINGS["headings"]
    chosen = (r.choice(headings["problem"]), r.choice(headings["solution"]), r.choice(headings["results"]))
    internal = theme.internal or theme.category == CATEGORIES["interne"]
    paragraphs = [
        f"### {chosen[0]}",
        f"{_opening(r, problem, city)} {context}",
        f"### {chosen[1]}",
        f"{_solution(r, solution)} {_method(r, pilot)}",
        f"### {chosen[2]}",
        f"{_results(r, result)} {_satisfaction(r, internal)}",
        f"### {headings['economics']}",
        _economics(r, theme, city, amount),
        f"### {headings['essaimage']}",
        _essaimage(r, theme, city, territory),
        f"### {headings['team']}",
        _team(r, unit_phrase, co_applicants),
    ]
    return ProjectText(title=theme.titles[use % len(theme.titles)], summary=summary,
                       description="\n\n".join(paragraphs), category=theme.category, territory=territory,
                       budget_requested=amount)


def unit_phrase(name: str) -> str:
    """'Service propreté' → 'du service propreté'; 'Direction …' → 'de la direction …'."""
    lowered = name[:1].lower() + name[1:]
    return f"de la {lowered}" if name.startswith("Direction") else f"du {lowered}"
