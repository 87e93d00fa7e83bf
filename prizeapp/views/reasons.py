"""Why a pair is conflicted, in words: the core's Reason tuples with names of units, people and projects.

Shown to organisers (conflicts page, assignment preview, a manual addition refused). Names are loaded in a
few queries whatever the number of reasons.
"""
from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _

from ..core.conflicts import Reason
from ..extensions import db
from ..labels import code_label
from ..models import OrgUnit, Submission, User


class _Names:
    """Names of the units, people and projects the reasons mention, loaded at once."""

    def __init__(self, reasons: Iterable[Reason]) -> None:
        units, people, submissions = set(), set(), set()
        for reason in reasons:
            p = reason.params
            if "unit_id" in p:
                units.add(p["unit_id"])
            people.update(p.get("person_ids", ()))
            if "person_id" in p:
                people.add(p["person_id"])
            if "submission_id" in p:
                submissions.add(p["submission_id"])
        self.units = {u.id: u.name for u in db.session.scalars(db.select(OrgUnit).where(OrgUnit.id.in_(units)))} \
            if units else {}
        self.people = {u.id: u.full_name for u in db.session.scalars(db.select(User).where(User.id.in_(people)))} \
            if people else {}
        self.submissions = {s.id: s.reference for s in db.session.scalars(
            db.select(Submission).where(Submission.id.in_(submissions)))} if submissions else {}

    def person(self, pid: int) -> str:
        return self.people.get(pid, f"#{pid}")

    def persons(self, pids: Iterable[int]) -> str:
        return ", ".join(self.person(pid) for pid in pids)


def _sentence(reason: Reason, names: _Names) -> str:
    p = reason.params
    code = reason.code
    if code in ("same_service", "same_direction", "same_organisation"):
        return _("%(label)s: %(unit)s (%(people)s)", label=code_label(code),
                 unit=names.units.get(p.get("unit_id"), "?"), people=names.persons(p.get("person_ids", ())))
    if code == "same_email_domain":
        return _("%(label)s: %(domain)s (%(people)s)", label=code_label(code), domain=p.get("domain", "?"),
                 people=names.persons(p.get("person_ids", ())))
    if code == "teammate":
        return _("%(label)s: %(person)s, together in %(reference)s", label=code_label(code),
                 person=names.person(p.get("person_id", 0)),
                 reference=names.submissions.get(p.get("submission_id"), "?"))
    if code == "declared_tie":
        return _("%(label)s: %(person)s", label=code_label(code), person=names.person(p.get("person_id", 0)))
    if code == "set_by_organiser" and p.get("reason"):
        return _("%(label)s: %(reason)s", label=code_label(code), reason=p["reason"])
    return code_label(code)


def describe(reasons: Iterable[Reason]) -> list[str]:
    """One sentence per reason, for organisers."""
    reasons = list(reasons)
    names = _Names(reasons)
    return [_sentence(reason, names) for reason in reasons]


def describe_many(by_key: dict) -> dict:
    """`describe` for many pairs at once: {key: [Reason, ...]} → {key: [sentence, ...]}, names loaded once."""
    names = _Names(r for reasons in by_key.values() for r in reasons)
    return {key: [_sentence(r, names) for r in reasons] for key, reasons in by_key.items()}
