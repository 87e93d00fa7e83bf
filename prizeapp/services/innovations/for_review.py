"""What the reviewers of a project see of the catalogue beside the grid's essaimage criterion: the conditions
for replication of the project's own innovation record, or of the innovation it takes up (a project of a call
for replication), so that they judge its potential to spread on what the record says.

Which criteria: those whose name or description speak of essaimage, replication or reproduction
(`core.grid.is_about_replication`), such as the SGMAP grid's « Essaimage ». In a blind call, the project's
own record is shown by its replication fields only: never its name, organisation, contacts or link, which
would name the applicants.
"""
from __future__ import annotations

from dataclasses import dataclass

from ...core.grid import is_about_replication
from ...extensions import db
from ...models import Call, Innovation, InnovationVersion, Submission
from . import content, records

REPLICATION_FIELDS = ("fixed_core", "adaptable", *content.CONDITIONS)


@dataclass(frozen=True)
class ConditionsPanel:
    """One record's conditions for replication, as shown to a reviewer."""

    taken_up: bool  # the innovation the project takes up (else the project's own record)
    title: str | None  # None where it would name the applicants
    slug: str | None  # for a link to the public page: public records only, and never in a blind call
    checked: bool  # shown from an approved version (else from the team's latest draft)
    rows: tuple[tuple[str, object, str], ...]  # (field, label, text) of the filled replication fields


def replication_criteria(call: Call) -> set[int]:
    """Ids of the call's criteria that judge a project's essaimage."""
    return {c.id for c in call.criteria if is_about_replication(c.name, c.description or "")}


def _rows(version: InnovationVersion) -> tuple[tuple[str, object, str], ...]:
    values = version.content
    return tuple((name, content.LABELS[name], str(values[name])) for name in REPLICATION_FIELDS
                 if str(values.get(name) or "").strip())


def _panel(innovation: Innovation, *, taken_up: bool, may_name: bool) -> ConditionsPanel | None:
    version = innovation.published_version
    checked = version is not None
    if version is None and not taken_up:
        version = records.latest(innovation)  # the team's own words about the project under review
    if version is None:
        return None
    public = innovation.is_public
    title = (innovation.title or version.content.get("title") or None) if may_name else None
    return ConditionsPanel(taken_up=taken_up, title=title, slug=innovation.slug if may_name and public else None,
                           checked=checked, rows=_rows(version))


def conditions_for_review(submission: Submission, *, show_team: bool) -> list[ConditionsPanel]:
    """The panels of the project's essaimage criterion: the innovation it takes up, then its own record. With
    `show_team` false (a blind call), nothing names the team: the own record shows its fields only, and so
    does an innovation taken up whose team is the project's."""
    panels = []
    team = submission.member_ids()
    if submission.replicates_id is not None:
        taken = db.session.get(Innovation, submission.replicates_id)
        if taken is not None:
            theirs = {u.id for u in records.team_of(taken)}
            panel = _panel(taken, taken_up=True, may_name=show_team or not (theirs & team))
            if panel is not None:
                panels.append(panel)
    own = records.record_of(submission)
    if own is not None and own.id != submission.replicates_id:
        panel = _panel(own, taken_up=False, may_name=show_team)
        if panel is not None:
            panels.append(panel)
    return panels
