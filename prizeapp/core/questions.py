"""The submission form engine: organiser-defined questions, and how answers are parsed and checked.

Two levels of checking: a draft may be saved with anything *well-formed* (a number must be a number), but
only a submission with every required answer can be submitted. Errors are codes with parameters; the web
layer turns them into sentences in the reader's language.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

KINDS = ("short_text", "long_text", "single_choice", "multiple_choice", "number", "date", "file")
SHORT_TEXT_MAX = 300
LONG_TEXT_MAX = 20_000


@dataclass(frozen=True)
class Question:
    key: str  # stable identifier of the question within its call, used as the form field name
    kind: str
    label: str
    required: bool = False
    help: str = ""
    choices: tuple[str, ...] = ()
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    max_length: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown question kind {self.kind!r}")
        if self.kind in ("single_choice", "multiple_choice") and not self.choices:
            raise ValueError("a choice question needs choices")

    @property
    def length_limit(self) -> int:
        default = SHORT_TEXT_MAX if self.kind == "short_text" else LONG_TEXT_MAX
        return min(self.max_length or default, default)


@dataclass(frozen=True)
class Problem:
    code: str  # e.g. "required", "not_a_number", "too_long"
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Parsed:
    values: dict[str, Any]
    problems: dict[str, Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


_SPACES = re.compile(r"[\s\u00a0\u202f]")  # French writes "50 000" with (narrow) no-break spaces
_FRENCH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_number(text: str) -> Decimal:
    """'12,5', '50 000', '1e3' is refused (not how people write amounts)."""
    cleaned = _SPACES.sub("", text).replace(",", ".")
    if not re.fullmatch(r"[-+]?\d+(\.\d+)?", cleaned):
        raise ValueError(text)
    try:
        return Decimal(cleaned)
    except InvalidOperation as error:  # pragma: no cover - the regex already guards
        raise ValueError(text) from error


_EURO_SIGN = re.compile(r"[\s\u00a0\u202f]*€$")


def parse_amount(text: str) -> Decimal:
    """An amount in euros as French agents type it: a number of parse_number ("9 000,50", with spaces,
    no-break or narrow no-break spaces between the thousands), maybe followed by the euro sign ("9 000 €").
    A point is the decimal separator ("9000.50"), never the thousands' one: at most two decimals, so "9.000"
    (nine thousand to a German or Italian eye, nine to an English one) is refused rather than guessed."""
    number = _EURO_SIGN.sub("", text.strip())
    value = parse_number(number)
    if value.as_tuple().exponent < -2:
        raise ValueError(text)
    return value


def parse_date(text: str) -> date:
    """ISO (what the browser's date input sends) or French day/month/year."""
    match = _FRENCH_DATE.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return date(year, month, day)
    return date.fromisoformat(text)


def _json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def parse_answer(question: Question, raw: Sequence[str]) -> tuple[Any, Problem | None]:
    """The stored value of one answer (None when empty) and the problem with its form, if any."""
    items = [r.strip() for r in raw if r is not None and r.strip() != ""]
    if question.kind == "file":
        return None, None  # files arrive through uploads, not through the form fields
    if question.kind == "multiple_choice":
        unknown = [i for i in items if i not in question.choices]
        if unknown:
            return items, Problem("unknown_choice")
        # Keep the organiser's order, drop repeats.
        return [c for c in question.choices if c in items] or None, None
    if not items:
        return None, None
    text = items[0]
    if question.kind in ("short_text", "long_text"):
        limit = question.length_limit
        if len(text) > limit:
            return text, Problem("too_long", {"max": limit, "length": len(text)})
        return text, None
    if question.kind == "single_choice":
        return (text, None) if text in question.choices else (text, Problem("unknown_choice"))
    if question.kind == "number":
        try:
            number = parse_number(text)
        except ValueError:
            return text, Problem("not_a_number")
        if question.minimum is not None and number < question.minimum:
            return text, Problem("below_min", {"min": _json_number(question.minimum)})
        if question.maximum is not None and number > question.maximum:
            return text, Problem("above_max", {"max": _json_number(question.maximum)})
        return _json_number(number), None
    if question.kind == "date":
        try:
            return parse_date(text).isoformat(), None
        except ValueError:
            return text, Problem("not_a_date")
    raise AssertionError(question.kind)  # pragma: no cover


def parse_answers(questions: Sequence[Question], raw: Mapping[str, Sequence[str]]) -> Parsed:
    """Parse every answer of a form post; problems are about form, not about missing answers."""
    values: dict[str, Any] = {}
    problems: dict[str, Problem] = {}
    for question in questions:
        if question.kind == "file":
            continue
        value, problem = parse_answer(question, raw.get(question.key, ()))
        if problem is not None:
            problems[question.key] = problem
        elif value is not None:
            values[question.key] = value
    return Parsed(values, problems)


def is_answered(question: Question, value: Any) -> bool:
    return value not in (None, "", [], ())


def missing(questions: Sequence[Question], values: Mapping[str, Any]) -> list[str]:
    """Keys of the required questions without an answer, in form order: what stops a submission."""
    return [q.key for q in questions if q.required and not is_answered(q, values.get(q.key))]
