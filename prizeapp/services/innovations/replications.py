"""Territories taking an innovation up (reprises): the request ("je veux reprendre cette innovation"), the
timeline the repreneur, the innovation's team and its parrains share, the status the repreneur moves forward,
and the projects of calls for replication, each linked to the replication of the innovation it takes up.

Before the team or a parrain first answers, a request is private to them, to the requester and to the
record's checkers; from then on it may be listed on the innovation's public page (organisation and
territory, never the person).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import and_, or_
from sqlalchemy.orm import selectinload

from ...core import territories
from ...core.collation import sort_key
from ...enums import ReplicationStatus, TerritoryKind
from ...errors import RuleError
from ...extensions import db
from ...models import Innovation, InnovationSponsor, Replication, ReplicationEvent, Submission, SubmissionMember, User
from ...models.types import utcnow
from .. import audit, locks
from ..outbox import queue_email
from . import records, sponsors
from .content import stored_text

TEXT_MAX = 5000
# The steps in their order; abandoned may come after any of them, and nothing comes after it.
STEPS = (ReplicationStatus.INTERESTED, ReplicationStatus.PREPARING, ReplicationStatus.LAUNCHED,
         ReplicationStatus.OPERATING)
# The statuses of a territory that takes the innovation up (see counts_as_taken_up).
TAKING_UP = (ReplicationStatus.PREPARING, ReplicationStatus.LAUNCHED, ReplicationStatus.OPERATING)
# The problems of a territory, by the field that has to change (territories.check names the codes' ones).
TERRITORY_FIELDS = {"territory_name_required": "territory_name", "departement_required": "departement_code",
                    "unknown_departement": "departement_code", "departement_not_in_region": "departement_code",
                    "unknown_region": "region_code", "bad_commune_code": "commune_code",
                    "commune_not_in_departement": "commune_code"}


class ReplicationError(RuleError):
    """A request, a message or a change of status that the replication rules refuse."""


# --- who is who ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Parties:
    """The people of a replication: the repreneur, the innovation's team, its parrains (by user id)."""

    requester_id: int | None
    team_ids: frozenset[int]
    sponsor_ids: frozenset[int]

    def role_of(self, user_id: int | None) -> str | None:
        """The person's part in it: requester, team or sponsor (a person is named by the first that fits), or
        None."""
        if user_id is not None and user_id == self.requester_id:
            return "requester"
        if user_id in self.team_ids:
            return "team"
        if user_id in self.sponsor_ids:
            return "sponsor"
        return None

    def answers(self, user_id: int) -> bool:
        """Whether this person speaks for the innovation: its team or one of its parrains."""
        return user_id in self.team_ids or user_id in self.sponsor_ids


def parties_of(replication: Replication) -> Parties:
    innovation = replication.innovation
    sponsor_ids = db.session.scalars(db.select(InnovationSponsor.user_id).where(
        InnovationSponsor.innovation_id == innovation.id))
    return Parties(replication.requester_id, frozenset(u.id for u in records.team_of(innovation)),
                   frozenset(sponsor_ids))


def _team_and_sponsors(innovation: Innovation) -> list[User]:
    """Who speaks for the innovation and is told of what happens to it: its team, its active parrains."""
    found: dict[int, User] = {}
    for person in [*records.team_of(innovation), *sponsors.sponsors_of(innovation)]:
        if person.active:
            found.setdefault(person.id, person)
    return list(found.values())


def _notify(replication: Replication, kind: str, recipients: list[User], *, actor: User | None,
            essential: bool = True, **context) -> int:
    """Queue `kind` to each recipient but the actor; returns how many were queued."""
    url = url_for("replications.timeline", replication_id=replication.id, _external=True)
    sent = 0
    for person in recipients:
        if actor is not None and person.id == actor.id:
            continue
        queue_email(kind=kind, to=person, call=replication.innovation.call, essential=essential,
                    context={"replication": replication, "innovation": replication.innovation, "url": url,
                             "place": place_of(replication), **context})
        sent += 1
    return sent


# --- the territory -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Territory:
    """Where the innovation would be taken up: a name, and the official codes (a commune's INSEE code is
    optional; a commune brings its département, a département its région)."""

    name: str
    departement_code: str = ""
    region_code: str = ""
    commune_code: str = ""
    kind: TerritoryKind | None = None


def checked_territory(territory: Territory) -> Territory:
    """The territory with its codes completed from one another, or ReplicationError naming every problem
    (codes of TERRITORY_FIELDS)."""
    name = stored_text(territory.name, 200)
    commune = stored_text(territory.commune_code, 5).upper()
    departement = stored_text(territory.departement_code, 3).upper()
    region = stored_text(territory.region_code, 3).upper()
    if commune and not departement:
        departement = territories.departement_of_commune(commune) or ""
    problems = [] if name else ["territory_name_required"]
    if not departement and not commune:
        problems.append("departement_required")
    problems += territories.check(commune_code=commune, departement_code=departement, region_code=region)
    if problems:
        raise ReplicationError(*problems)
    if departement and not region:
        region = territories.region_of(departement) or ""
    return Territory(name=name, departement_code=departement, region_code=region, commune_code=commune,
                     kind=territory.kind)


def place_of(replication: Replication) -> str:
    """The territory in words: "Vitré (Ille-et-Vilaine (35), Bretagne)"; what the name says already is not said
    again: "Beaulieu-sur-Loire (Loiret), Centre-Val de Loire"."""
    name = replication.territory_name or ""
    codes = territories.unsaid_codes(name, departement_code=replication.departement_code or "",
                                     region_code=replication.region_code or "")
    if not name:
        return ", ".join(codes)
    return name + territories.beside_name(name, codes)


def _place(replication: Replication, territory: Territory) -> None:
    replication.territory_name = territory.name
    replication.commune_code = territory.commune_code
    replication.departement_code = territory.departement_code
    replication.region_code = territory.region_code
    replication.territory_kind = territory.kind


# --- asking to take an innovation up -------------------------------------------------------------------------

def open_request_of(innovation: Innovation, user: User) -> Replication | None:
    """The person's replication of this innovation that is still going (not abandoned), if any."""
    return db.session.scalar(db.select(Replication).where(
        Replication.innovation_id == innovation.id, Replication.requester_id == user.id,
        Replication.status != ReplicationStatus.ABANDONED).order_by(Replication.id).limit(1))


def request(*, innovation: Innovation, requester: User, organisation: str, territory: Territory,
            motivation: str) -> Replication:
    """A signed-in agent asks to take a published innovation up: a replication, interested, with the first
    line of its timeline; the innovation's team and parrains are emailed. One open request per person and
    innovation: asking again refuses with the first one's id ("already_requested")."""
    locks.hold(f"replication-request:{innovation.id}:{requester.id}")
    if not innovation.is_public:
        raise ReplicationError("not_public")
    if requester.id in {member.id for member in records.team_of(innovation)}:
        raise ReplicationError("own_team")
    existing = open_request_of(innovation, requester)
    if existing is not None:
        raise ReplicationError("already_requested", replication_id=existing.id)
    organisation, motivation = stored_text(organisation, 200), stored_text(motivation, TEXT_MAX)
    problems = ([] if organisation else ["organisation_required"]) + ([] if motivation else ["motivation_required"])
    try:
        territory = checked_territory(territory)
    except ReplicationError as error:
        problems += error.codes
    if problems:
        raise ReplicationError(*problems)
    now = utcnow()
    replication = Replication(innovation=innovation, requester=requester, status=ReplicationStatus.INTERESTED,
                              organisation=organisation, motivation=motivation, created_at=now, updated_at=now)
    _place(replication, territory)
    replication.events.append(ReplicationEvent(author_id=requester.id, status=ReplicationStatus.INTERESTED, at=now))
    db.session.add(replication)
    db.session.flush()
    audit.record(action=audit.AuditAction.REPLICATION_REQUESTED, actor=requester, obj=replication,
                 call=innovation.call, details={"organisation": organisation})
    _notify(replication, "replication_requested", _team_and_sponsors(innovation), actor=requester,
            requester=requester, submission=None)
    return replication


# --- the timeline --------------------------------------------------------------------------------------------

def timeline(replication: Replication) -> list[ReplicationEvent]:
    """Its dated lines, oldest first, with their authors."""
    return list(db.session.scalars(db.select(ReplicationEvent).where(ReplicationEvent.replication_id == replication.id)
                                   .options(selectinload(ReplicationEvent.author))
                                   .order_by(ReplicationEvent.at, ReplicationEvent.id)))


def post_message(*, replication: Replication, author: User, body: str) -> ReplicationEvent:
    """A message on the timeline, emailed to the other parties. The first one by the innovation's team or a
    parrain is the answer: from then on the replication may be listed publicly."""
    body = stored_text(body, TEXT_MAX)
    if not body:
        raise ReplicationError("message_required")
    locks.hold(f"replication:{replication.id}")
    now = utcnow()
    event = ReplicationEvent(replication=replication, author_id=author.id, body=body, at=now)
    db.session.add(event)
    parties = parties_of(replication)
    if replication.answered_at is None and parties.answers(author.id):
        replication.answered_at = now
    replication.updated_at = now
    db.session.flush()
    recipients = _team_and_sponsors(replication.innovation)
    if replication.requester is not None and replication.requester.active:
        recipients.insert(0, replication.requester)
    _notify(replication, "replication_message", recipients, actor=author, essential=False, author=author,
            body=body)
    return event


def allowed_statuses(replication: Replication) -> list[ReplicationStatus]:
    """What the repreneur may choose: the current step (to tell what was adapted and the results), every
    later step, and abandoned; nothing once abandoned."""
    if replication.status == ReplicationStatus.ABANDONED:
        return []
    return [*STEPS[STEPS.index(replication.status):], ReplicationStatus.ABANDONED]


def _check_move(current: ReplicationStatus, target: ReplicationStatus, note: str) -> None:
    if current == ReplicationStatus.ABANDONED:
        raise ReplicationError("already_abandoned")
    if target == ReplicationStatus.ABANDONED:
        if not note:
            raise ReplicationError("reason_required")
    elif STEPS.index(target) < STEPS.index(current):
        raise ReplicationError("backward", status=current.value)


def change_status(*, replication: Replication, actor: User, status: ReplicationStatus, note: str = "",
                  variant: str | None = None, results: str | None = None) -> bool:
    """The repreneur moves the replication forward (one step or more) or abandons it (with its reason, the
    `note`), and tells what was adapted (`variant`) and its own results; None leaves them as they are. The
    team and the parrains are emailed of a new status. Returns whether the status changed."""
    locks.hold(f"replication:{replication.id}")
    note = stored_text(note, TEXT_MAX)
    _check_move(replication.status, status, note)
    changed = False
    for name, value in (("variant", variant), ("results", results)):
        if value is not None and stored_text(value, TEXT_MAX) != getattr(replication, name):
            setattr(replication, name, stored_text(value, TEXT_MAX))
            changed = True
    moving = status != replication.status
    if not (moving or changed or note):
        raise ReplicationError("nothing_changed")
    now = utcnow()
    replication.updated_at = now
    if not moving:
        db.session.flush()
        if note:  # a word at the same step is a message of the repreneur's
            post_message(replication=replication, author=actor, body=note)
        return False
    before = replication.status
    replication.status = status
    if status == ReplicationStatus.ABANDONED:
        replication.abandon_reason = note
    db.session.add(ReplicationEvent(replication=replication, author_id=actor.id, status=status, body=note, at=now))
    db.session.flush()
    details = {"from": before.value, "to": status.value}
    if status == ReplicationStatus.ABANDONED:
        details["reason"] = note
    audit.record(action=audit.AuditAction.REPLICATION_STATUS_CHANGED, actor=actor, obj=replication,
                 call=replication.innovation.call, details=details)
    _notify(replication, "replication_status_changed", _team_and_sponsors(replication.innovation), actor=actor,
            essential=False, author=actor, before=before, note=note)
    return True


# --- lists ---------------------------------------------------------------------------------------------------

def _listing(query) -> list[Replication]:
    return list(db.session.scalars(query.options(selectinload(Replication.innovation),
                                                 selectinload(Replication.requester))
                                   .order_by(Replication.updated_at.desc(), Replication.id.desc())))


@dataclass
class Followed:
    """A person's replications: those they asked for, those of their teams' innovations (the lineage the
    original team sees), those of the innovations they sponsor."""

    asked: list[Replication] = field(default_factory=list)
    of_my_innovations: list[Replication] = field(default_factory=list)
    sponsored: list[Replication] = field(default_factory=list)
    since: dict[int, datetime] = field(default_factory=dict)  # when each reached its status (statuses_since)

    @property
    def empty(self) -> bool:
        return not (self.asked or self.of_my_innovations or self.sponsored)


def followed_by(user: User) -> Followed:
    """What "my replications" lists for `user` (four queries)."""
    my_projects = db.select(SubmissionMember.submission_id).where(SubmissionMember.user_id == user.id)
    mine = db.select(Innovation.id).where(or_(
        Innovation.submission_id.in_(my_projects),
        and_(Innovation.submission_id.is_(None), Innovation.created_by_id == user.id)))
    sponsored = db.select(InnovationSponsor.innovation_id).where(InnovationSponsor.user_id == user.id)
    asked = _listing(db.select(Replication).where(Replication.requester_id == user.id))
    of_mine = _listing(db.select(Replication).where(Replication.innovation_id.in_(mine)))
    of_sponsored = _listing(db.select(Replication).where(Replication.innovation_id.in_(sponsored),
                                                         Replication.innovation_id.not_in(mine)))
    return Followed(asked, of_mine, of_sponsored, statuses_since([*asked, *of_mine, *of_sponsored]))


def listed_publicly(innovation: Innovation) -> list[Replication]:
    """The replications the innovation's public page may show (those its team or a parrain answered), by
    région, département and territory: organisation and territory only, never the person."""
    return list(db.session.scalars(db.select(Replication).where(
        Replication.innovation_id == innovation.id, Replication.answered_at.is_not(None))
        .order_by(Replication.region_code, Replication.departement_code, Replication.territory_name,
                  Replication.id)))


# --- what counts, and since when ---------------------------------------------------------------------------

def counts_as_taken_up(replication: Replication) -> bool:
    """The one rule of what counts as a territory taking the innovation up, wherever a number of replications
    is given (the catalogue's cards and its sort, the innovation's page and sheet, the open data and the API):
    the innovation's team or a parrain has answered it (so it is public), and it is preparing, launched or
    operating (TAKING_UP). An answered request still at "interested" is an interest shown, not a replication;
    an abandoned one no longer counts; neither does a request nobody has answered yet."""
    return replication.answered_at is not None and replication.status in TAKING_UP


def taken_up_condition():
    """counts_as_taken_up as an SQL condition on Replication, for queries that count."""
    return and_(Replication.answered_at.is_not(None), Replication.status.in_(TAKING_UP))


def statuses_since(found: Iterable[Replication]) -> dict[int, datetime]:
    """When each replication reached its current status, by id: the time of the latest line of its timeline
    that set that status (what the timeline shows), or its request's time when no line did. One query, for
    every list that says "since" (the innovation's page, the parrain's and the repreneur's lists, the open
    data's status_since)."""
    found = list(found)
    if not found:
        return {}
    reached = dict(db.session.execute(
        db.select(ReplicationEvent.replication_id, db.func.max(ReplicationEvent.at))
        .join(Replication, Replication.id == ReplicationEvent.replication_id)
        .where(ReplicationEvent.replication_id.in_([r.id for r in found]),
               ReplicationEvent.status == Replication.status)
        .group_by(ReplicationEvent.replication_id)).all())
    out = {}
    for replication in found:
        moment = reached.get(replication.id) or replication.created_at
        if moment is not None and moment.tzinfo is None:  # an aggregate comes back naive from SQLite
            moment = moment.replace(tzinfo=UTC)
        out[replication.id] = moment
    return out


# --- calls for replication -----------------------------------------------------------------------------------

def innovations_to_take_up() -> list[Innovation]:
    """The innovations a project of a call for replication may take up: the catalogue's, in the dictionary
    order of their titles (« Épicerie » with the E's, which neither the databases' order nor Python's gives)."""
    found = db.session.scalars(db.select(Innovation).where(Innovation.published_version_id.is_not(None)))
    return sorted((innovation for innovation in found if innovation.is_public),
                  key=lambda innovation: (sort_key(innovation.title or ""), innovation.id))


def may_be_taken_up(innovation_id: int | None) -> bool:
    innovation = db.session.get(Innovation, innovation_id) if innovation_id is not None else None
    return innovation is not None and innovation.is_public


def replication_of(submission: Submission) -> Replication | None:
    """The replication a project of a call for replication is linked to, once submitted."""
    return db.session.scalar(db.select(Replication).where(Replication.submission_id == submission.id))


def _leave(replication: Replication, submission: Submission, actor: User, *, withdrawn: bool = False) -> None:
    """The project now takes another innovation up, or was withdrawn: its replication ends, with a reason in
    the platform's language (it is stored text, read by everyone who follows it)."""
    replication.submission_id = None
    if replication.status == ReplicationStatus.ABANDONED:
        return
    with force_locale(current_app.config["DEFAULT_LOCALE"]):
        if withdrawn:
            reason = _("The project “%(title)s” (%(reference)s) was withdrawn from the call.",
                       title=submission.title, reference=submission.reference)
        else:
            reason = _("The project “%(title)s” (%(reference)s) now takes up another innovation.",
                       title=submission.title, reference=submission.reference)
    before, replication.status, replication.abandon_reason = replication.status, ReplicationStatus.ABANDONED, reason
    replication.updated_at = utcnow()
    db.session.add(ReplicationEvent(replication=replication, author_id=actor.id, status=replication.status,
                                    body=reason))
    db.session.flush()
    audit.record(action=audit.AuditAction.REPLICATION_STATUS_CHANGED, actor=actor, obj=replication,
                 call=replication.innovation.call, details={"from": before.value, "to": "abandoned",
                                                            "reason": reason})


def project_withdrawn(*, submission: Submission, actor: User) -> None:
    """A withdrawn project of a call for replication no longer takes its innovation up: its replication ends
    (submitted again, the project starts a new one)."""
    replication = replication_of(submission)
    if replication is not None:
        _leave(replication, submission, actor, withdrawn=True)


def link_project(*, submission: Submission, actor: User) -> Replication | None:
    """When a project of a call for replication is submitted: the replication of the innovation it takes up,
    made (or the lead's own open request, linked), or brought up to date on a later submission. It is in
    preparation, its organisation and territory those of the project and its lead; the innovation's team
    and parrains are emailed when the project first joins it. None outside a call for replication."""
    if not submission.call.for_replication or submission.replicates_id is None:
        return None
    from ..results import lead_of

    locks.hold(f"replication-project:{submission.id}")
    innovation = db.session.get(Innovation, submission.replicates_id)
    lead = lead_of(submission) or actor
    replication = replication_of(submission)
    if replication is not None and replication.innovation_id != innovation.id:
        _leave(replication, submission, actor)
        replication = None
    joined = replication is None
    if replication is None:
        replication = open_request_of(innovation, lead)
        if replication is not None and replication.submission_id is not None:
            replication = None  # the lead's request belongs to another project of theirs
    now = utcnow()
    if replication is None:
        replication = Replication(innovation=innovation, requester_id=lead.id, status=ReplicationStatus.PREPARING,
                                  organisation="", motivation=stored_text(submission.summary, TEXT_MAX),
                                  created_at=now)
        replication.events.append(ReplicationEvent(author_id=actor.id, status=ReplicationStatus.PREPARING, at=now))
        db.session.add(replication)
        db.session.flush()
        audit.record(action=audit.AuditAction.REPLICATION_REQUESTED, actor=actor, obj=replication,
                     call=innovation.call, details={"organisation": sponsors.organisation_of(lead)[:200]})
    elif replication.status == ReplicationStatus.INTERESTED:
        replication.status = ReplicationStatus.PREPARING
        db.session.add(ReplicationEvent(replication=replication, author_id=actor.id,
                                        status=ReplicationStatus.PREPARING, at=now))
        audit.record(action=audit.AuditAction.REPLICATION_STATUS_CHANGED, actor=actor, obj=replication,
                     call=innovation.call, details={"from": "interested", "to": "preparing"})
    replication.submission_id = submission.id
    replication.organisation = sponsors.organisation_of(lead)[:200] or replication.organisation
    replication.territory_name = stored_text(submission.territory, 200) or replication.territory_name
    replication.updated_at = now
    db.session.flush()
    if joined:
        _notify(replication, "replication_requested", _team_and_sponsors(innovation), actor=actor,
                requester=lead, submission=submission)
    return replication
