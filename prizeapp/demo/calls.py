"""The demo's two calls (calls.toml): settings, rules and questions, (re)written while a call has no submission."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from ..enums import CallKind, CallPhase, QuestionKind
from ..extensions import db
from ..models import Call, FormQuestion, OrgUnit, Submission
from ..services.calls import SGMAP_GRID, default_grid, slugify
from .resources import load
from .texts import CATEGORIES, PRIZE_MAX_AMOUNT, number

PARIS = ZoneInfo("Europe/Paris")
UTC = ZoneInfo("UTC")

_DATA = load("calls")
CALL_SPECS: dict[str, dict[str, Any]] = _DATA["calls"]  # by key: "prix", "aap"
# The call for projects' questions by name ("territory", "agents", "financing"), as the call's form holds them.
QUESTIONS: dict[str, dict[str, Any]] = {q["name"]: q for q in CALL_SPECS["aap"]["questions"]}


def paris(now: datetime, days_from_now: int, hour: int) -> datetime:
    """A working day about `days_from_now` days away (a weekend moves to the Monday), at `hour` Paris time."""
    day = (now + timedelta(days=days_from_now)).astimezone(PARIS).date()
    day += timedelta(days=max(0, 7 - day.weekday()) if day.weekday() >= 5 else 0)
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=PARIS).astimezone(UTC)


def french(when: datetime, with_time: bool = True) -> str:
    """"jeudi 14 mai 2026 à 12 h", "vendredi 1er janvier 2027"."""
    pattern = "EEEE d MMMM y 'à' H 'h'" if with_time else "EEEE d MMMM y"
    text = format_datetime(when, pattern, tzinfo=PARIS, locale="fr")
    return re.sub(r"^(\w+) 1 ", r"\1 1er ", text)


def _grid_text() -> str:
    return "\n".join(_DATA["grid_line"].format(name=name, weight=weight,
                                               description=description[:1].lower() + description[1:])
                     for name, description, weight in SGMAP_GRID)


def _rules(template: str, call: Call) -> str:
    """A call's rules: its template with the call's dates, limits, grid and categories filled in."""
    return template.format(
        max_per_applicant=call.max_submissions_per_applicant, opens=french(call.opens_at, False),
        deadline=french(call.submission_deadline), review_end=french(call.review_deadline, False),
        deliberation=french(call.deliberation_at, False), results=french(call.results_at, False),
        grid=_grid_text(), max_amount=number(PRIZE_MAX_AMOUNT), **CATEGORIES)


def _question(position: int, spec: dict[str, Any]) -> FormQuestion:
    values = {key: value for key, value in spec.items() if key != "name"}
    values["kind"] = QuestionKind(values["kind"])
    for bound in ("minimum", "maximum"):
        if bound in values:
            values[bound] = Decimal(values[bound])
    return FormQuestion(position=position, **values)


def _has_submissions(call: Call) -> bool:
    return db.session.scalar(db.select(Submission.id).where(Submission.call_id == call.id).limit(1)) is not None


def ensure_calls(organiser_unit: OrgUnit, now: datetime) -> dict[str, Call]:
    """The demo's calls by key, created when missing; their settings (re)written while they have no submission,
    which also brings a database loaded by an older demo up to date."""
    calls: dict[str, Call] = {}
    for key, spec in CALL_SPECS.items():
        slug = slugify(spec["title"])
        call = db.session.scalar(db.select(Call).where(Call.slug == slug))
        if call is None:
            call = Call(slug=slug, kind=CallKind(spec["kind"]), title=spec["title"], owner_unit=organiser_unit)
            call.criteria = default_grid()
            db.session.add(call)
        elif _has_submissions(call):
            calls[key] = call  # its submissions were written against these settings: leave them be
            continue
        opens, deadline, review_end, deliberation, results = (
            paris(now, d, 12 if i == 1 else 9) for i, d in enumerate(spec["days"]))
        call.summary, call.description = spec["summary"], spec["description"]
        call.phase, call.categories = CallPhase(spec["phase"]), [CATEGORIES[c] for c in spec["categories"]]
        call.opens_at, call.submission_deadline, call.review_deadline = opens, deadline, review_end
        call.deliberation_at, call.results_at = deliberation, results
        call.eligible_unit_ids, call.eligible_email_domains = [], []  # open to every confirmed account
        call.max_submissions_per_applicant = spec["max_per_applicant"]
        call.economic_model_section = spec["economic_model_section"]
        call.rules = _rules(spec["rules"], call)
        if not call.questions:
            for position, question in enumerate(spec.get("questions", []), start=1):
                call.questions.append(_question(position, question))
        db.session.flush()
        calls[key] = call
    return calls
