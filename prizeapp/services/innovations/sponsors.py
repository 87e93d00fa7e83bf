"""Parrains and marraines: the agents who volunteer to sponsor innovations (their profiles and the public
directory), their assignment to records by the records' checkers, and their opinions of a record's readiness
to be taken up.

A parrain who stops (`SponsorProfile.active` false) keeps their assignments in the records' history, leaves
the directory and receives no more emails about them: `sponsors_of` is who is told of what happens to an
innovation.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import url_for
from sqlalchemy import String, cast
from sqlalchemy.orm import selectinload

from ...core import territories
from ...enums import InnovationStatus, ReadinessOpinion, Theme
from ...errors import RuleError
from ...extensions import db
from ...models import Innovation, InnovationSponsor, ReadinessComment, Replication, SponsorProfile, User
from ...models.types import utcnow
from .. import audit, locks
from ..outbox import queue_email
from . import records
from .content import stored_text

EXPERTISE_MAX = 2000
AVAILABILITY_MAX = 200
OPINION_MAX = 5000


class SponsorError(RuleError):
    """A change the parrains' rules do not allow."""


# --- profiles ------------------------------------------------------------------------------------------------

def profile_of(user: User) -> SponsorProfile | None:
    return db.session.scalar(db.select(SponsorProfile).where(SponsorProfile.user_id == user.id))


def save_profile(*, user: User, expertise: str, themes: list[str], region_code: str = "",
                 departement_code: str = "", availability: str = "", listed: bool = False) -> SponsorProfile:
    """Volunteer as parrain, or change what one's profile says; saving it again after stopping starts again.
    The territory is a région, a département of it, or both; a département alone brings its région."""
    expertise = stored_text(expertise, EXPERTISE_MAX)
    region_code, departement_code = stored_text(region_code, 3).upper(), stored_text(departement_code, 3).upper()
    problems = [] if expertise else ["expertise_required"]
    problems += territories.check(departement_code=departement_code, region_code=region_code)
    if problems:
        raise SponsorError(*problems)
    if departement_code and not region_code:
        region_code = territories.region_of(departement_code) or ""
    chosen = set(themes or [])
    profile = profile_of(user)
    if profile is None:
        profile = SponsorProfile(user_id=user.id)
        db.session.add(profile)
    profile.expertise = expertise
    profile.themes = [theme.value for theme in Theme if theme.value in chosen]
    profile.region_code, profile.departement_code = region_code, departement_code
    profile.availability = stored_text(availability, AVAILABILITY_MAX)
    profile.listed = bool(listed)
    profile.active = True
    profile.updated_at = utcnow()
    db.session.flush()
    return profile


def stop(*, user: User) -> SponsorProfile:
    """Stop being a parrain: out of the directory, no more emails; the assignments stay in the history."""
    profile = profile_of(user)
    if profile is None:
        raise SponsorError("not_a_volunteer")
    profile.active = False
    profile.updated_at = utcnow()
    db.session.flush()
    return profile


def organisation_of(user: User) -> str:
    """The organisation of the person's unit (the top of its lineage), or nothing."""
    return user.unit.lineage()[0].name if user.unit is not None else ""


# --- the directory -------------------------------------------------------------------------------------------

def directory(*, theme: str | None = None, region_code: str | None = None):
    """The select of the public directory: profiles listed and active (of active accounts), by name; with a
    theme, those who chose it; with a région, those of that région."""
    query = (db.select(SponsorProfile).join(User, User.id == SponsorProfile.user_id)
             .where(SponsorProfile.listed, SponsorProfile.active, User.active))
    if theme in {t.value for t in Theme}:
        # Themes are a JSON list of enum values (no quotes inside): its text holds the value in quotes.
        query = query.where(cast(SponsorProfile.themes, String).like(f'%"{theme}"%'))
    if region_code:
        query = query.where(SponsorProfile.region_code == region_code)
    return query.options(selectinload(SponsorProfile.user).selectinload(User.unit)).order_by(
        User.last_name, User.first_name, SponsorProfile.id)


def sponsored_public(user_ids: list[int]) -> dict[int, list[Innovation]]:
    """The published innovations each of these people sponsors, by title (one query for all)."""
    found: dict[int, list[Innovation]] = {user_id: [] for user_id in user_ids}
    if not user_ids:
        return found
    rows = db.session.execute(
        db.select(InnovationSponsor.user_id, Innovation)
        .join(Innovation, Innovation.id == InnovationSponsor.innovation_id)
        .where(InnovationSponsor.user_id.in_(user_ids), Innovation.status == InnovationStatus.PUBLISHED,
               Innovation.published_version_id.is_not(None))
        .order_by(Innovation.title, Innovation.id))
    for user_id, innovation in rows:
        found[user_id].append(innovation)
    return found


# --- who sponsors an innovation ------------------------------------------------------------------------------

def sponsors_of(innovation: Innovation) -> list[User]:
    """The innovation's parrains who still are (active profile, active account): who is emailed about it,
    for instance of a request to take it up."""
    return list(db.session.scalars(
        db.select(User).join(InnovationSponsor, InnovationSponsor.user_id == User.id)
        .join(SponsorProfile, SponsorProfile.user_id == User.id)
        .where(InnovationSponsor.innovation_id == innovation.id, SponsorProfile.active, User.active)
        .order_by(InnovationSponsor.id)))


@dataclass(frozen=True)
class Assigned:
    """A parrain of a record, as its checkers see it: still active or not, since when, by whom."""

    link: InnovationSponsor
    user: User
    profile: SponsorProfile | None

    @property
    def active(self) -> bool:
        return self.profile is not None and self.profile.active and self.user.active


def assigned(innovation: Innovation) -> list[Assigned]:
    """Every parrain assigned to the record, those who stopped included (the history), in assignment order."""
    rows = db.session.execute(
        db.select(InnovationSponsor, User, SponsorProfile).join(User, User.id == InnovationSponsor.user_id)
        .outerjoin(SponsorProfile, SponsorProfile.user_id == User.id)
        .where(InnovationSponsor.innovation_id == innovation.id).order_by(InnovationSponsor.id))
    return [Assigned(link, user, profile) for link, user, profile in rows]


def public_sponsors(innovation: Innovation) -> list[tuple[User, SponsorProfile]]:
    """The parrains the innovation's public page names (listed in the directory or not, as their profile page
    tells them): those who still are, not those who stopped."""
    return [(a.user, a.profile) for a in assigned(innovation) if a.active]


@dataclass(frozen=True)
class Candidate:
    """A parrain who could be assigned, and what they share with the record (suggested first)."""

    profile: SponsorProfile
    user: User
    same_theme: bool
    same_region: bool

    @property
    def suggested(self) -> bool:
        return self.same_theme or self.same_region

    @property
    def shared(self) -> int:
        """How much they share with the record: its theme and its région (2), one of them (1), neither (0)."""
        return int(self.same_theme) + int(self.same_region)


def _theme_and_region(innovation: Innovation) -> tuple[str, str]:
    if innovation.published_version_id is not None:
        return innovation.theme, innovation.region_code
    content = records.latest(innovation).content
    return content.get("theme", ""), content.get("region_code", "")


def candidates(innovation: Innovation) -> list[Candidate]:
    """Active parrains not yet assigned to the record nor in its team: those who share both its theme and its
    région first, then those who share one of them, then the others, each group by name."""
    theme, region = _theme_and_region(innovation)
    taken = {a.user.id for a in assigned(innovation)} | {u.id for u in records.team_of(innovation)}
    rows = db.session.execute(
        db.select(SponsorProfile, User).join(User, User.id == SponsorProfile.user_id)
        .where(SponsorProfile.active, User.active).order_by(User.last_name, User.first_name, User.id))
    found = [Candidate(profile, user, bool(theme) and theme in (profile.themes or []),
                       bool(region) and region == profile.region_code)
             for profile, user in rows if user.id not in taken]
    return sorted(found, key=lambda c: -c.shared)  # stable: by name within each group


def title_of(innovation: Innovation) -> str:
    """The record's name: the published one, else the latest draft's."""
    if innovation.title:
        return innovation.title
    return records.title_of(records.latest(innovation))


# --- assigning -----------------------------------------------------------------------------------------------

def _link(innovation: Innovation, user: User) -> InnovationSponsor | None:
    return db.session.scalar(db.select(InnovationSponsor).where(
        InnovationSponsor.innovation_id == innovation.id, InnovationSponsor.user_id == user.id))


def assign(*, innovation: Innovation, sponsor: User, actor: User) -> InnovationSponsor:
    """Make `sponsor` (an active parrain, not of the record's team) a parrain of the record; they are told
    by email."""
    locks.hold(f"innovation-sponsors:{innovation.id}")
    if innovation.status == InnovationStatus.WITHDRAWN:
        raise SponsorError("withdrawn")
    profile = profile_of(sponsor)
    if profile is None or not profile.active or not sponsor.active:
        raise SponsorError("not_a_volunteer")
    if sponsor.id in {u.id for u in records.team_of(innovation)}:
        raise SponsorError("own_team")
    if _link(innovation, sponsor) is not None:
        raise SponsorError("already_assigned")
    link = InnovationSponsor(innovation_id=innovation.id, user_id=sponsor.id, assigned_by_id=actor.id)
    db.session.add(link)
    db.session.flush()
    queue_email(kind="sponsor_assigned", to=sponsor, call=innovation.call,
                context={"innovation": innovation, "title": title_of(innovation), "assigned_by": actor,
                         "url": url_for("catalogue.page", slug=innovation.slug, _external=True),
                         "readiness_url": url_for("parrains.readiness", slug=innovation.slug, _external=True),
                         "mine_url": url_for("parrains.mine", _external=True)})
    audit.record(action=audit.AuditAction.SPONSOR_ASSIGNED, actor=actor, obj=innovation, call=innovation.call,
                 details={"user_id": sponsor.id})
    return link


def remove(*, innovation: Innovation, sponsor: User, actor: User) -> None:
    """`sponsor` is no longer a parrain of the record (the audit log keeps that they were)."""
    locks.hold(f"innovation-sponsors:{innovation.id}")
    link = _link(innovation, sponsor)
    if link is None:
        raise SponsorError("not_assigned")
    db.session.delete(link)
    db.session.flush()
    audit.record(action=audit.AuditAction.SPONSOR_REMOVED, actor=actor, obj=innovation, call=innovation.call,
                 details={"user_id": sponsor.id})


# --- opinions of readiness -----------------------------------------------------------------------------------

def comment_readiness(*, innovation: Innovation, actor: User, opinion: str, body: str) -> ReadinessComment:
    """A parrain's opinion of whether the record lets another territory start, with what is missing (needed
    unless it is ready). The team is told by email; the record's page shows it."""
    if opinion not in {o.value for o in ReadinessOpinion}:
        raise SponsorError("opinion_required")
    chosen = ReadinessOpinion(opinion)
    body = stored_text(body, OPINION_MAX)
    if chosen != ReadinessOpinion.READY and not body:
        raise SponsorError("missing_required")
    if _link(innovation, actor) is None:
        raise SponsorError("not_assigned")
    profile = profile_of(actor)
    if profile is not None and not profile.active:
        raise SponsorError("not_active")
    comment = ReadinessComment(innovation_id=innovation.id, author_id=actor.id, opinion=chosen, body=body)
    db.session.add(comment)
    db.session.flush()
    for member in records.team_of(innovation):
        queue_email(kind="readiness_commented", to=member, call=innovation.call,
                    context={"innovation": innovation, "title": title_of(innovation), "comment": comment,
                             "author": actor, "url": url_for("catalogue.page", slug=innovation.slug, _external=True)})
    audit.record(action=audit.AuditAction.SPONSOR_READINESS_COMMENTED, actor=actor, obj=innovation,
                 call=innovation.call, details={"opinion": chosen.value})
    return comment


def readiness_comments(innovation: Innovation) -> list[ReadinessComment]:
    """The parrains' opinions of the record, newest first."""
    return list(db.session.scalars(db.select(ReadinessComment).where(
        ReadinessComment.innovation_id == innovation.id)
        .order_by(ReadinessComment.created_at.desc(), ReadinessComment.id.desc())))


# --- a parrain's own page ------------------------------------------------------------------------------------

@dataclass
class Sponsorship:
    """An innovation a person sponsors, with the requests to take it up."""

    innovation: Innovation
    title: str
    replications: list[Replication] = field(default_factory=list)


def sponsorships_of(user: User) -> list[Sponsorship]:
    """The innovations `user` sponsors (withdrawn ones included: they are in the history), each with its
    replications, newest first."""
    innovations = list(db.session.scalars(
        db.select(Innovation).join(InnovationSponsor, InnovationSponsor.innovation_id == Innovation.id)
        .where(InnovationSponsor.user_id == user.id).order_by(InnovationSponsor.assigned_at.desc(),
                                                              InnovationSponsor.id.desc())))
    found = {innovation.id: Sponsorship(innovation, title_of(innovation)) for innovation in innovations}
    if found:
        for replication in db.session.scalars(db.select(Replication).where(
                Replication.innovation_id.in_(list(found))).order_by(Replication.created_at.desc(),
                                                                     Replication.id.desc())):
            found[replication.innovation_id].replications.append(replication)
    return list(found.values())
