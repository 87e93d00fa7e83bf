"""A record's life: started from a project by its team, saved as versions, sent for checking, approved (then
public) or sent back with the changes asked, withdrawn from the catalogue.

Every save is a new version and no version is ever rewritten: the history is the list of versions. The
public sees the approved version only, even while the team writes the next one.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from flask import url_for

from ...core import economic_model, territories
from ...enums import (
    CallRoleKind,
    DecisionOutcome,
    EvidenceLevel,
    InnovationStatus,
    PublicDependency,
    Readiness,
    SubmissionStatus,
    TerritoryKind,
    Theme,
    VersionStatus,
)
from ...errors import RuleError
from ...extensions import db
from ...models import CallRole, Innovation, InnovationVersion, Submission, SubmissionMember, User
from ...models.decision import Decision
from ...models.types import utcnow
from .. import audit, locks
from ..calls import slugify
from ..outbox import queue_email
from . import content as fields
from . import search
from .content import stored_text


class InnovationError(RuleError):
    """A change the record's life does not allow."""


AWARDED = (DecisionOutcome.LAUREATE, DecisionOutcome.MENTION)


# --- which projects may become a record -------------------------------------------------------------------

def decision_of(submission: Submission) -> Decision | None:
    return db.session.scalar(db.select(Decision).where(Decision.submission_id == submission.id))


def record_of(submission: Submission) -> Innovation | None:
    return db.session.scalar(db.select(Innovation).where(Innovation.submission_id == submission.id))


def refusal_to_start(submission: Submission, *, team_agrees: bool) -> str | None:
    """Why this project cannot become a record now (a code), or None. Laureates and mentions may once the
    results are published; any other submitted project too, if its team says it agrees."""
    if submission.status != SubmissionStatus.SUBMITTED:
        return "not_submitted"
    if submission.call.results_published_at is None:
        return "results_not_published"
    if record_of(submission) is not None:
        return "already_started"
    decision = decision_of(submission)
    if (decision is None or decision.outcome not in AWARDED) and not team_agrees:
        return "team_must_agree"
    return None


def _unique_slug(title: str) -> str:
    base = slugify(title) if any(c.isalnum() for c in title) else "innovation"
    slug, n = base, 2
    while db.session.scalar(db.select(Innovation.id).where(Innovation.slug == slug)) is not None:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _first_content(submission: Submission, lead: User | None) -> dict:
    """What the project already says, so that the team does not type it again: its core fields, and its
    economic-model grid (stored flat in the record, under the same keys)."""
    organisation = ""
    if lead is not None and lead.unit is not None:
        organisation = lead.unit.lineage()[0].name
    grid = {name: value for name, value in (submission.economic_model or {}).items() if name in economic_model.KEYS}
    return {**grid, "title": submission.title, "summary": submission.summary, "solution": submission.description,
            "territory_name": submission.territory, "organisation": organisation}


def start(*, submission: Submission, actor: User, team_agrees: bool = False) -> Innovation:
    """Make the project's record, with a first draft version filled from the project."""
    locks.hold(f"innovation-start:{submission.id}")
    refusal = refusal_to_start(submission, team_agrees=team_agrees)
    if refusal == "already_started":
        raise InnovationError(refusal, slug=record_of(submission).slug)
    if refusal is not None:
        raise InnovationError(refusal)
    from ..results import lead_of

    decision = decision_of(submission)
    # The prize as the jury named it ("Premier prix"); a mention without a name is shown by its outcome.
    prize = decision.prize if decision is not None and decision.outcome in AWARDED else ""
    call = submission.call
    innovation = Innovation(slug=_unique_slug(submission.title), submission=submission, call=call, prize=prize,
                            created_by_id=actor.id, year=(call.results_published_at or utcnow()).year,
                            # A project of a call for replication adapts the innovation it took up.
                            based_on_id=submission.replicates_id)
    db.session.add(innovation)
    db.session.flush()
    version = InnovationVersion(innovation=innovation, number=1, author_id=actor.id,
                                content=clean(_first_content(submission, lead_of(submission))))
    db.session.add(version)
    db.session.flush()
    audit.record(action=audit.AuditAction.INNOVATION_STARTED, actor=actor, obj=innovation, call=call,
                 details={"submission_id": submission.id})
    return innovation


# --- content ---------------------------------------------------------------------------------------------

def _choice(value, vocabulary) -> str | None:
    return value if value in {member.value for member in vocabulary} else None


def _money(value) -> str | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    return str(amount.quantize(Decimal("0.01"))) if amount.is_finite() and amount >= 0 else None


def _iso_date(value) -> str | None:
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        return None


def _resources(value) -> list[dict]:
    """The grid's resources as stored: one entry per known kind, in the grid's order, with a whole share from 1
    to 100 and, when given, the ISO date it is secured until."""
    found: dict[str, dict] = {}
    for item in value if isinstance(value, list) else ():
        if not isinstance(item, dict) or item.get("kind") not in economic_model.RESOURCE_KINDS:
            continue
        share = item.get("share")
        if item["kind"] in found or not isinstance(share, int) or isinstance(share, bool) or not 0 < share <= 100:
            continue
        entry = {"kind": item["kind"], "share": share}
        until = _iso_date(item["secured_until"]) if item.get("secured_until") else None
        if until:
            entry["secured_until"] = until
        found[item["kind"]] = entry
    return [found[kind] for kind in economic_model.RESOURCE_KINDS if kind in found]


def clean(raw: dict) -> dict:
    """The content as stored: known fields only, each in its shape (texts trimmed, choices from their
    vocabulary, costs as exact decimal strings, dates in ISO form); what does not fit is left out. The forms
    say what is wrong before this; this keeps a version's JSON to the record's shape whatever the caller."""
    texts = {name: stored_text(raw.get(name), fields.TEXT_LIMIT) for name in fields.TEXT_FIELDS}
    out: dict = {name: value for name, value in texts.items() if value}
    for name, vocabulary in (("theme", Theme), ("territory_kind", TerritoryKind), ("readiness", Readiness),
                             ("evidence_level", EvidenceLevel)):
        if _choice(raw.get(name), vocabulary):
            out[name] = raw[name]
    from ...enums import Licence

    if _choice(raw.get("licence"), Licence):
        out["licence"] = raw["licence"]
    for name in ("commune_code", "departement_code", "region_code"):
        code = stored_text(raw.get(name), 5).upper()
        if code:
            out[name] = code
    for name in fields.MONEY_FIELDS:
        amount = _money(raw.get(name))
        if amount is not None:
            out[name] = amount
    count = raw.get("beneficiaries_count")
    if isinstance(count, int) and not isinstance(count, bool) and 0 <= count < 10**9:
        out["beneficiaries_count"] = count
    dates = {stage: _iso_date(day) for stage, day in (raw.get("phase_dates") or {}).items()
             if _choice(stage, Readiness)}
    if any(dates.values()):
        out["phase_dates"] = {stage: day for stage, day in dates.items() if day}
    links = [{"title": stored_text(link.get("title"), 200), "url": stored_text(link.get("url"), 500)}
             for link in (raw.get("links") or []) if isinstance(link, dict)]
    links = [link for link in links if link["url"].startswith(("https://", "http://"))]
    if links:
        out["links"] = links[:20]
    contact_ids = [i for i in (raw.get("contact_ids") or []) if isinstance(i, int) and not isinstance(i, bool)]
    if contact_ids:
        out["contact_ids"] = sorted(set(contact_ids))
    resources = _resources(raw.get("resources"))
    if resources:
        out["resources"] = resources
    return out


# --- versions ----------------------------------------------------------------------------------------------

def latest(innovation: Innovation) -> InnovationVersion:
    return db.session.scalar(db.select(InnovationVersion).where(InnovationVersion.innovation_id == innovation.id)
                             .order_by(InnovationVersion.number.desc()).limit(1))


def save(*, innovation: Innovation, actor: User, content: dict, based_on: int, change_note: str = ""
         ) -> InnovationVersion:
    """A new version with `content`. `based_on` is the number of the version the editor started from: if
    someone saved in between, nothing is saved (their work would be lost otherwise)."""
    locks.hold(f"innovation:{innovation.id}")
    current = latest(innovation)
    if current.number != based_on:
        raise InnovationError("stale", number=current.number)
    if current.status == VersionStatus.SUBMITTED:
        raise InnovationError("being_checked")
    team = {m.user_id for m in innovation.submission.members} if innovation.submission else {actor.id}
    stored = _with_territory(clean(content))
    # Each member says for themself whether their name and address are public: a save changes the author's
    # own choice only, and only the team's people can be contacts.
    chosen = set(stored.pop("contact_ids", []))
    kept = set(current.content.get("contact_ids") or []) - {actor.id}
    contacts = sorted((kept | (chosen & {actor.id})) & team)
    if contacts:
        stored["contact_ids"] = contacts
    change_note = stored_text(change_note, 2000)
    if stored == current.content and not change_note:
        return current  # nothing new: no version that would only clutter the history
    version = InnovationVersion(innovation=innovation, number=current.number + 1, content=stored,
                                author_id=actor.id, change_note=change_note)
    db.session.add(version)
    db.session.flush()
    audit.record(action=audit.AuditAction.INNOVATION_SAVED, actor=actor, obj=innovation, call=innovation.call,
                 details={"version": version.number})
    return version


def _with_territory(stored: dict) -> dict:
    """The territory's codes made whole where they can be deduced (the département of a commune, the région of
    a département), then checked: codes that do not exist or do not belong to one another are refused
    ("territory", with the problems of prizeapp.core.territories.check)."""
    commune, departement = stored.get("commune_code", ""), stored.get("departement_code", "")
    if commune and not departement and territories.departement_of_commune(commune):
        stored["departement_code"] = departement = territories.departement_of_commune(commune)
    if departement and not stored.get("region_code") and territories.region_of(departement):
        stored["region_code"] = territories.region_of(departement)
    problems = territories.check(commune_code=commune, departement_code=departement,
                                 region_code=stored.get("region_code", ""))
    if problems:
        raise InnovationError("territory", problems=problems, commune=commune, departement=departement,
                              region=stored.get("region_code", ""))
    return stored


def checkers_of(innovation: Innovation) -> list[User]:
    """Who checks the record: its call's organisers, or the administrators for a record without a call."""
    if innovation.call_id is not None:
        found = list(db.session.scalars(db.select(User).join(CallRole, CallRole.user_id == User.id).where(
            CallRole.call_id == innovation.call_id, CallRole.role == CallRoleKind.ORGANISER, User.active)
            .order_by(User.id)))
        if found:
            return found
    return list(db.session.scalars(db.select(User).where(User.is_admin, User.active).order_by(User.id)))


def team_of(innovation: Innovation) -> list[User]:
    if innovation.submission is not None:
        return [m.user for m in innovation.submission.members]
    creator = db.session.get(User, innovation.created_by_id) if innovation.created_by_id else None
    return [creator] if creator is not None else []


def send_for_checking(*, innovation: Innovation, actor: User, number: int | None = None) -> InnovationVersion:
    """The latest version goes to the checkers, complete (every needed field) or not at all. With `number`,
    only if it is still the latest (the one the team saw): a version saved meanwhile is not sent unseen."""
    locks.hold(f"innovation:{innovation.id}")
    version = latest(innovation)
    if number is not None and version.number != number:
        raise InnovationError("stale", number=version.number)
    if version.status == VersionStatus.SUBMITTED:
        raise InnovationError("already_sent")
    if version.status == VersionStatus.APPROVED:
        raise InnovationError("nothing_new")
    if version.status == VersionStatus.CHANGES_REQUESTED:
        raise InnovationError("save_changes_first")
    gaps = fields.missing(version.content)
    if gaps:
        raise InnovationError("incomplete", fields=gaps)
    version.status, version.submitted_at = VersionStatus.SUBMITTED, utcnow()
    if innovation.status == InnovationStatus.DRAFT:
        innovation.status = InnovationStatus.PENDING
    context = {"innovation": innovation, "version": version, "author": actor, "title": title_of(version),
               "url": url_for("innovation_checking.check", slug=innovation.slug, _external=True),
               "first": innovation.published_version_id is None}
    for checker in checkers_of(innovation):
        queue_email(kind="innovation_to_check", to=checker, call=innovation.call, context=context)
    audit.record(action=audit.AuditAction.INNOVATION_SENT_FOR_CHECKING, actor=actor, obj=innovation,
                 call=innovation.call, details={"version": version.number})
    return version


def apply_published(innovation: Innovation, version: InnovationVersion) -> None:
    """Make `version` the public one: the catalogue's columns are copied from it and the index rewritten."""
    content = version.content
    now = utcnow()
    innovation.published_version = version
    innovation.status = InnovationStatus.PUBLISHED
    innovation.title = content.get("title", "")
    innovation.summary = content.get("summary", "")
    innovation.theme = content.get("theme", "")
    innovation.organisation = content.get("organisation", "")
    innovation.territory_kind = content.get("territory_kind")
    innovation.region_code = content.get("region_code", "")
    innovation.departement_code = content.get("departement_code", "")
    innovation.evidence_level = content.get("evidence_level")
    innovation.readiness = content.get("readiness")
    innovation.cost_band = fields.cost_band(content)
    # The economic-model grid's public money, for the catalogue's filter (None unless its shares add up to 100).
    innovation.public_share = economic_model.public_share(content)
    band = economic_model.dependency(content)
    innovation.public_dependency = PublicDependency(band) if band else None
    innovation.first_published_at = innovation.first_published_at or now
    innovation.published_at = now
    innovation.withdrawn_reason = ""
    db.session.flush()
    search.index(innovation)


def _submitted_version(innovation: Innovation, number: int) -> InnovationVersion:
    version = db.session.scalar(db.select(InnovationVersion).where(
        InnovationVersion.innovation_id == innovation.id, InnovationVersion.number == number))
    if version is None or version.status != VersionStatus.SUBMITTED:
        raise InnovationError("not_waiting")
    return version


def approve(*, innovation: Innovation, number: int, actor: User) -> InnovationVersion:
    """The checkers publish version `number` (the one sent to them)."""
    locks.hold(f"innovation:{innovation.id}")
    version = _submitted_version(innovation, number)
    version.status, version.checked_at, version.checked_by_id = VersionStatus.APPROVED, utcnow(), actor.id
    apply_published(innovation, version)
    context = {"innovation": innovation, "version": version, "title": innovation.title,
               "url": url_for("catalogue.page", slug=innovation.slug, _external=True),
               "edit_url": url_for("innovation_editor.edit", slug=innovation.slug, _external=True)}
    for member in team_of(innovation):
        queue_email(kind="innovation_approved", to=member, call=innovation.call, context=context)
    audit.record(action=audit.AuditAction.INNOVATION_APPROVED, actor=actor, obj=innovation, call=innovation.call,
                 details={"version": version.number})
    return version


def request_changes(*, innovation: Innovation, number: int, actor: User, reason: str) -> InnovationVersion:
    """The checkers send version `number` back with what must change; the public version, if any, stays."""
    reason = stored_text(reason, 5000)
    if not reason:
        raise InnovationError("reason_required")
    locks.hold(f"innovation:{innovation.id}")
    version = _submitted_version(innovation, number)
    version.status, version.checked_at, version.checked_by_id = VersionStatus.CHANGES_REQUESTED, utcnow(), actor.id
    version.checker_note = reason
    if innovation.status == InnovationStatus.PENDING:
        innovation.status = InnovationStatus.DRAFT
    context = {"innovation": innovation, "version": version, "reason": reason, "title": title_of(version),
               "still_public": innovation.is_public,
               "url": url_for("innovation_editor.edit", slug=innovation.slug, _external=True)}
    for member in team_of(innovation):
        queue_email(kind="innovation_changes_requested", to=member, call=innovation.call, context=context)
    audit.record(action=audit.AuditAction.INNOVATION_CHANGES_REQUESTED, actor=actor, obj=innovation,
                 call=innovation.call, details={"version": version.number, "reason": reason})
    return version


def withdraw(*, innovation: Innovation, actor: User, reason: str) -> None:
    """Out of the catalogue (its page answers 410 Gone with the reason); its history is kept."""
    reason = stored_text(reason, 5000)
    if not reason:
        raise InnovationError("reason_required")
    locks.hold(f"innovation:{innovation.id}")
    if innovation.status != InnovationStatus.PUBLISHED:
        raise InnovationError("not_published")
    innovation.status, innovation.withdrawn_reason = InnovationStatus.WITHDRAWN, reason
    search.remove(innovation.id)
    context = {"innovation": innovation, "reason": reason, "title": innovation.title,
               "url": url_for("innovation_editor.edit", slug=innovation.slug, _external=True)}
    for member in team_of(innovation):
        queue_email(kind="innovation_withdrawn", to=member, call=innovation.call, context=context)
    audit.record(action=audit.AuditAction.INNOVATION_WITHDRAWN, actor=actor, obj=innovation, call=innovation.call,
                 details={"reason": reason})


def history(innovation: Innovation, *, public: bool) -> list[tuple[InnovationVersion, list[str]]]:
    """The versions, newest first, each with the fields it changed from the one before it. The public
    history lists the approved versions only, compared with the approved version before them; the first of
    them is the first publication, which changed nothing the public had seen (no fields)."""
    versions = list(innovation.versions)
    if public:
        versions = [v for v in versions if v.status == VersionStatus.APPROVED]
    out, previous = [], None
    for version in versions:
        if previous is None and public:
            changed = []
        else:
            changed = fields.changed_fields(previous or {}, version.content)
        out.append((version, changed))
        previous = version.content
    return list(reversed(out))


def title_of(version: InnovationVersion) -> str:
    """The record's name in this version (the catalogue's column holds the published one only). A draft saved
    without a title keeps a name people know: the last title the record had, else its project's; the slug only
    for a record that never had either."""
    if version.content.get("title"):
        return version.content["title"]
    innovation = version.innovation
    earlier = db.session.scalars(db.select(InnovationVersion.content).where(
        InnovationVersion.innovation_id == innovation.id, InnovationVersion.number < version.number)
        .order_by(InnovationVersion.number.desc()))
    for content in earlier:
        if (content or {}).get("title"):
            return content["title"]
    project = innovation.submission.title if innovation.submission is not None else ""
    return innovation.title or project or innovation.slug


def submitted_version(innovation: Innovation) -> InnovationVersion | None:
    """The version waiting for the checkers, if one is."""
    version = latest(innovation)
    return version if version.status == VersionStatus.SUBMITTED else None


# --- the checkers' list -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Queue:
    """What the checkers see: the versions waiting, oldest first, and the records lately published or
    withdrawn."""

    waiting: list[tuple[Innovation, InnovationVersion]]
    published: list[Innovation]
    withdrawn: list[Innovation]


def calls_checked_by(user: User) -> set[int] | None:
    """The calls whose records `user` checks: those they organise; None for an administrator (every record)."""
    if user.is_admin:
        return None
    return set(db.session.scalars(db.select(CallRole.call_id).where(CallRole.user_id == user.id,
                                                                    CallRole.role == CallRoleKind.ORGANISER)))


def queue(*, call_ids: set[int] | None, recent: int = 20) -> Queue:
    """The checkers' list for the records of `call_ids` (None: every record, for administrators)."""
    def scoped(query):
        return _of_calls(query, call_ids)

    published = db.session.scalars(scoped(db.select(Innovation).where(
        Innovation.status == InnovationStatus.PUBLISHED).order_by(Innovation.published_at.desc(),
                                                                  Innovation.id.desc()).limit(recent))).all()
    withdrawn = db.session.scalars(scoped(db.select(Innovation).where(
        Innovation.status == InnovationStatus.WITHDRAWN).order_by(Innovation.published_at.desc(),
                                                                  Innovation.id.desc()).limit(recent))).all()
    return Queue(waiting(call_ids=call_ids), list(published), list(withdrawn))


def _of_calls(query, call_ids: set[int] | None):
    return query if call_ids is None else query.where(Innovation.call_id.in_(call_ids or {-1}))


def waiting(*, call_ids: set[int] | None) -> list[tuple[Innovation, InnovationVersion]]:
    """The versions waiting for the checkers of `call_ids` (None: every record), oldest first."""
    rows = db.session.execute(_of_calls(
        db.select(Innovation, InnovationVersion).join(InnovationVersion, InnovationVersion.innovation_id
                                                      == Innovation.id)
        .where(InnovationVersion.status == VersionStatus.SUBMITTED)
        .order_by(InnovationVersion.submitted_at, InnovationVersion.id), call_ids)).all()
    return [(innovation, version) for innovation, version in rows]


# --- a team's records ---------------------------------------------------------------------------------------

def records_of_team(user: User) -> list[tuple[Innovation, InnovationVersion]]:
    """The records whose team `user` is in (of their projects, or started by them without a project), each with
    its latest version, the last changed first."""
    projects = db.select(SubmissionMember.submission_id).where(SubmissionMember.user_id == user.id)
    numbers = (db.select(InnovationVersion.innovation_id, db.func.max(InnovationVersion.number).label("number"))
               .group_by(InnovationVersion.innovation_id).subquery())
    rows = db.session.execute(
        db.select(Innovation, InnovationVersion)
        .join(numbers, numbers.c.innovation_id == Innovation.id)
        .join(InnovationVersion, db.and_(InnovationVersion.innovation_id == Innovation.id,
                                         InnovationVersion.number == numbers.c.number))
        .where(db.or_(Innovation.submission_id.in_(projects),
                      db.and_(Innovation.submission_id.is_(None), Innovation.created_by_id == user.id)))
        .order_by(InnovationVersion.created_at.desc(), Innovation.id.desc())).all()
    return [(innovation, version) for innovation, version in rows]
