"""How the details of an audit event read: each key an action records is a `Detail` (its meaning and a
`Reader` for its value: a person, a project, a label of a vocabulary…) or a `Change` (before → after)."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from ...enums import CallRoleKind, ConflictSource, DecisionOutcome, LabelledEnum, Locale, VoteChoice
from ...extensions import db
from ...formatting import datetime_filter, filesize
from ...labels import code_label, email_kind_label, model_label
from ...models import Submission, User


class Names:
    """Names of the people and projects that a page of events mentions, loaded in two queries."""

    def __init__(self) -> None:
        self.wanted: dict[str, set[int]] = {"users": set(), "submissions": set()}
        self.users: dict[int, str] = {}
        self.submissions: dict[int, str] = {}

    def want(self, table: str, ids: Iterable[Any]) -> None:
        self.wanted[table] |= {i for i in ids if isinstance(i, int)}

    def load(self) -> None:
        if self.wanted["users"]:
            self.users = {u.id: u.full_name for u in db.session.scalars(
                db.select(User).where(User.id.in_(self.wanted["users"])))}
        if self.wanted["submissions"]:
            self.submissions = dict(db.session.execute(db.select(Submission.id, Submission.reference)
                                                       .where(Submission.id.in_(self.wanted["submissions"]))).all())

    def person(self, user_id: Any) -> str:
        return self.users.get(user_id) or f"#{user_id}"

    def project(self, submission_id: Any) -> str:
        return self.submissions.get(submission_id) or f"#{submission_id}"


def plain(value: Any) -> str:
    """Any stored value in words, without Python's brackets and quotes."""
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, list | tuple):
        return ", ".join(plain(v) for v in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {plain(v)}" for k, v in value.items()) or "—"
    if value is None or value == "":
        return "—"
    return str(value)


class Reader:
    """How one kind of value reads: as it is (lists joined, dicts as "key: value")."""

    def refs(self, value: Any, names: Names) -> None:
        """Ask `names` for the people and projects the value mentions."""

    def show(self, value: Any, names: Names) -> str:
        return plain(value)


class Person(Reader):
    def refs(self, value, names):
        names.want("users", [value])

    def show(self, value, names):
        return names.person(value) if value is not None else "—"


class People(Reader):
    def refs(self, value, names):
        names.want("users", value or [])

    def show(self, value, names):
        return ", ".join(names.person(v) for v in value or []) or "—"


class Project(Reader):
    def refs(self, value, names):
        names.want("submissions", [value])

    def show(self, value, names):
        return names.project(value) if value is not None else "—"


class Pairs(Reader):
    """[[submission_id, reviewer_id], …] as "REF-1 – Name, …"."""

    def refs(self, value, names):
        names.want("submissions", [p[0] for p in value or []])
        names.want("users", [p[1] for p in value or []])

    def show(self, value, names):
        return ", ".join(f"{names.project(s)} – {names.person(r)}" for s, r in value or []) or "—"


class Choice(Reader):
    """A value of a labelled enum, by its label."""

    def __init__(self, enum: type[LabelledEnum]) -> None:
        self.enum = enum

    def show(self, value, names):
        if isinstance(value, list):
            return ", ".join(self.show(v, names) for v in value) or "—"
        try:
            return str(self.enum(value).label)
        except ValueError:
            return plain(value)


class Words(Reader):
    """A code of a vocabulary that is not an enum, by its label."""

    def __init__(self, label: Callable[[str], str]) -> None:
        self.label = label

    def show(self, value, names):
        if isinstance(value, list):
            return ", ".join(self.show(v, names) for v in value) or "—"
        return self.label(value) if value else "—"


class When(Reader):
    def show(self, value, names):
        try:
            return datetime_filter(datetime.fromisoformat(value), "short")
        except (TypeError, ValueError):
            return plain(value)


class Size(Reader):
    def show(self, value, names):
        return filesize(value) if isinstance(value, int) else plain(value)


class OrNone(Reader):
    """A value that may be None, which has its own meaning (no limit, turned off…)."""

    def __init__(self, none: Any, reader: Reader | None = None) -> None:
        self.none, self.reader = none, reader or Reader()

    def refs(self, value, names):
        if value is not None:
            self.reader.refs(value, names)

    def show(self, value, names):
        return str(self.none) if value is None else self.reader.show(value, names)


class State(Reader):
    """A dict of named values (a vote, a decision, a record) as "Label: value; …"."""

    def __init__(self, *parts: Detail, none: Any = "—") -> None:
        self.parts, self.none = parts, none

    def refs(self, value, names):
        for part in self.parts:
            if isinstance(value, dict) and value.get(part.key) is not None:
                part.reader.refs(value[part.key], names)

    def show(self, value, names):
        if not isinstance(value, dict):
            return str(self.none) if value is None else plain(value)
        shown = [f"{part.label}: {part.reader.show(value[part.key], names)}" for part in self.parts
                 if value.get(part.key) not in (None, "", [])]
        return "; ".join(shown) or "—"


class Milestone(Reader):
    """"D-3" as "3 days before the deadline"."""

    def show(self, value, names):
        days = str(value or "").removeprefix("D-")
        if not days.isdigit():
            return plain(value)
        return ngettext("%(num)d day before the deadline", "%(num)d days before the deadline", int(days))


TEXT, PERSON, PEOPLE, PROJECT, PAIRS, WHEN = Reader(), Person(), People(), Project(), Pairs(), When()


@dataclass(frozen=True)
class Detail:
    """One key of an action's details: what it means and how its value reads. The key may be a path into a
    nested dict ("after.reason"); a key without a label is known but says nothing worth showing."""

    key: str
    label: Any
    reader: Reader = TEXT

    @property
    def top(self) -> str:
        return self.key.split(".", 1)[0]

    def value(self, details: dict) -> Any:
        value: Any = details
        for part in self.key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return value


@dataclass(frozen=True)
class Change:
    """Two keys of an action's details that are a change: the value before and the value after."""

    before: str
    after: str
    reader: Reader = TEXT


Described = Detail | Change

# Keys shared by several actions.
SUBMISSION = Detail("submission_id", _l("Project"), PROJECT)
REVIEWER = Detail("reviewer_id", _l("Reviewer"), PERSON)
PERSON_ID = Detail("user_id", _l("Person"), PERSON)
JURY_MEMBER = Detail("jury_member_id", _l("Jury member"), PERSON)
EMAIL = Detail("email", _l("Email address"))
REASON = Detail("reason", _l("Reason"))
ROWS = Detail("rows", _l("Rows exported"))
SEED = Detail("seed", _l("Seed"))
MODEL = Detail("model", _l("Model"), Words(model_label))
QUESTION = Detail("label", _l("Question"))
ROLE = Detail("role", _l("Role"), Choice(CallRoleKind))
CONFLICT_SOURCE = Detail("source", _l("Source of the conflict"), Choice(ConflictSource))
CONFLICT_CODE = Detail("code", _l("Conflict"), Words(code_label))
FAILURE = Detail("reasons", _l("Why it failed"),
                 Words(lambda r: r.get("text", plain(r)) if isinstance(r, dict) else plain(r)))
TOP_K = Detail("top_k", _l("Number of prizes"))
OPTIONS = Detail("options", _l("Options"), State(Detail("fairness", _l("Fairness first")),
                                                  Detail("connected", _l("Connected review graph"))))
EMAIL_TEMPLATE = (Detail("kind", _l("Email"), Words(email_kind_label)),
                  Detail("locale", _l("Language"), Choice(Locale)))

# The names of what call.updated and user.profile_updated list as changed.
SETTINGS = {
    "kind": _l("Kind of call"), "title": _l("Title"), "summary": _l("Summary"), "description": _l("Description"),
    "rules": _l("Rules of the call"), "categories": _l("Categories or themes"),
    "eligible_unit_ids": _l("Eligible units"), "eligible_email_domains": _l("Eligible email domains"),
    "max_submissions_per_applicant": _l("Maximum number of submissions per applicant"),
    "review_mode": _l("How projects are reviewed"), "reviewers_per_submission": _l("Reviewers per submission"),
    "blind": _l("Applicants' identity"), "opens_at": _l("Opening of submissions"),
    "submission_deadline": _l("Submission deadline"), "review_deadline": _l("End of the review"),
    "deliberation_at": _l("Jury deliberation"), "results_at": _l("Publication of the results"),
    "first_name": _l("First name"), "last_name": _l("Last name"), "unit": _l("Unit"), "locale": _l("Language"),
}
CHANGED = Detail("changed", _l("Changed"), Words(lambda name: str(SETTINGS.get(name, name))))

VOTE = State(Detail("choice", _l("Vote"), Choice(VoteChoice)), Detail("comment", _l("Comment")),
              none=_l("no vote"))
DECISION = State(Detail("outcome", _l("Decision"), Choice(DecisionOutcome)), Detail("prize", _l("Prize")),
                  Detail("amount", _l("Amount in euros")), REASON, none=_l("no decision"))
RECORD = State(Detail("held_at", _l("Held on"), WHEN), Detail("present_ids", _l("Present"), PEOPLE),
                Detail("calibration_run_id", _l("Ranking computation")), Detail("notes", _l("Notes")),
                none=_l("no record"))
