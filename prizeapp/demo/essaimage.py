"""The demo's essaimage: the innovation records the 2025 edition's laureates and mentions published
(innovation_records.toml), their parrains, and the territories that take them up (essaimage_network.toml);
the call for projects « Territoires d'essaimage » becomes a call for replication.

Everything goes through the services the platform's pages call — services.innovations.records (start, save,
send_for_checking, approve, request_changes), .sponsors (save_profile, assign, comment_readiness) and
.replications (request, post_message, change_status, link_project) — so that the versions, the search index,
the audit log and the emails they queue are real. The services stamp the present: each step is then dated as
the data says, with its audit events and its emails, which the outbox keeps as delivered on that date
(clock.Clock). The one link no service makes, a record's `based_on` (publiccode.yml's isBasedOn), is set
directly; so is the note of the step at which a project of the call joins its replication
(replications.link_project takes none).

Idempotent: a record is found by its project, a parrain's profile by person, an assignment by its pair, an
opinion by record and parrain, a replication by record and requester; what exists is left as it is.
"""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from ..enums import InnovationStatus, ReadinessOpinion, ReplicationStatus, TerritoryKind, VersionStatus
from ..extensions import db
from ..models import (
    Call,
    Innovation,
    InnovationSponsor,
    InnovationVersion,
    ReadinessComment,
    Replication,
    ReplicationEvent,
    SponsorProfile,
    Submission,
    User,
)
from ..services.innovations import records, replications, sponsors
from ..services.results import lead_of
from .clock import Clock, paris_time
from .edition import SPEC
from .resources import load_typeset

RECORDS: list[dict[str, Any]] = load_typeset("innovation_records")["records"]
NETWORK = load_typeset("essaimage_network")


# --- records ---------------------------------------------------------------------------------------------

def _contents(spec: dict[str, Any], first: dict[str, Any], by_name: dict[str, User]) -> list[dict[str, Any]]:
    """The content of each version the record's data saves after the first, in order: the data's content over
    the first version's (what the project already said, its economic-model grid among it)."""
    content = {**first, **spec["content"]}
    if spec.get("contacts"):
        content["contact_ids"] = [by_name[name].id for name in spec["contacts"]]
    found = []
    for version in spec["versions"]:
        content = {**content, **version.get("changes", {})}
        found.append(content)
    return found


def _record(spec: dict[str, Any], submission: Submission, by_name: dict[str, User], checker: User,
            now: datetime, clock: Clock) -> Innovation:
    """One record's story: started by its lead, saved, sent, approved or sent back, as the data says."""
    lead = lead_of(submission)
    started = paris_time(spec["started"], now)
    innovation = records.start(submission=submission, actor=lead, team_agrees=spec.get("team_agrees", False))
    innovation.created_at = records.latest(innovation).created_at = started
    clock.date(started)
    for entry, content in zip(spec["versions"], _contents(spec, records.latest(innovation).content, by_name)):
        saved = paris_time(entry["saved"], now)
        version = records.save(innovation=innovation, actor=lead, content=content,
                               based_on=records.latest(innovation).number, change_note=entry.get("change_note", ""))
        version.created_at = saved
        clock.date(saved)
        for name in spec.get("contacts", []) if version.number == 2 else []:
            # Every other member who agreed to be a public contact says so themself.
            if by_name[name].id != lead.id:
                consent = records.save(innovation=innovation, actor=by_name[name], content=content,
                                       based_on=version.number, change_note="Contact public ajouté")
                consent.created_at = saved = saved + timedelta(minutes=10)
                version = consent
        if "sent" not in entry:
            continue
        records.send_for_checking(innovation=innovation, actor=lead)
        version.submitted_at = paris_time(entry["sent"], now)
        clock.date(version.submitted_at)
        if "approved" in entry:
            records.approve(innovation=innovation, number=version.number, actor=checker)
            version.checked_at = innovation.published_at = paris_time(entry["approved"], now)
            innovation.first_published_at = min(innovation.first_published_at or version.checked_at,
                                                version.checked_at)
        elif "changes_requested" in entry:
            records.request_changes(innovation=innovation, number=version.number, actor=checker,
                                    reason=entry["checker_note"])
            version.checked_at = paris_time(entry["changes_requested"], now)
        else:
            continue
        clock.date(version.checked_at)
    return innovation


def catalogue_records(*, projects: dict[str, Submission], by_name: dict[str, User], now: datetime
                      ) -> dict[str, Innovation]:
    """The records of the edition's projects, by project key, made when missing."""
    checker = by_name[SPEC["organisers"][0]]
    made: dict[str, Innovation] = {}
    clock = Clock()
    for spec in RECORDS:
        submission = projects[spec["project"]]
        innovation = records.record_of(submission)
        if innovation is None:
            innovation = _record(spec, submission, by_name, checker, now, clock)
            if "based_on" in spec:
                innovation.based_on_id = made[spec["based_on"]].id
        made[spec["project"]] = innovation
    db.session.flush()
    return made


# --- parrains ----------------------------------------------------------------------------------------------

def parrains(*, innovations: dict[str, Innovation], by_name: dict[str, User], now: datetime) -> None:
    """The parrains' profiles, their assignments to records and their opinions of the records' readiness."""
    clock = Clock()
    for spec in NETWORK["parrains"]:
        user = by_name[spec["person"]]
        if sponsors.profile_of(user) is not None:
            continue
        profile = sponsors.save_profile(user=user, expertise=spec["expertise"], themes=spec["themes"],
                                        region_code=spec["region"], departement_code=spec.get("departement", ""),
                                        availability=spec["availability"], listed=spec["listed"])
        profile.created_at = profile.updated_at = paris_time(spec["since"], now)
    assigned = {(i, u) for i, u in db.session.execute(db.select(InnovationSponsor.innovation_id,
                                                                InnovationSponsor.user_id))}
    for spec in NETWORK["sponsorship"]["assignments"]:
        innovation, user = innovations[spec["record"]], by_name[spec["parrain"]]
        if (innovation.id, user.id) in assigned:
            continue
        link = sponsors.assign(innovation=innovation, sponsor=user, actor=by_name[spec["by"]])
        link.assigned_at = paris_time(spec["at"], now)
        clock.date(link.assigned_at)
    commented = {(i, a) for i, a in db.session.execute(db.select(ReadinessComment.innovation_id,
                                                                 ReadinessComment.author_id))}
    for spec in NETWORK["readiness_comments"]:
        innovation, user = innovations[spec["record"]], by_name[spec["parrain"]]
        if (innovation.id, user.id) in commented:
            continue
        comment = sponsors.comment_readiness(innovation=innovation, actor=user,
                                             opinion=ReadinessOpinion(spec["opinion"]).value, body=spec["body"])
        comment.created_at = paris_time(spec["at"], now)
        clock.date(comment.created_at)
    db.session.flush()


# --- the call for replication --------------------------------------------------------------------------------

def call_for_replication(*, call: Call, innovations: dict[str, Innovation]) -> dict[str, Submission]:
    """« Territoires d'essaimage » is a call for replication; the projects of the data name the record they
    take up. Returns them by demo key."""
    call.for_replication = True
    links: dict[str, str] = NETWORK["call_for_replication"]["projects"]
    keys = {f"demo-{key}": key for key in links}
    found = {}
    for submission in db.session.scalars(db.select(Submission).where(Submission.creation_key.in_(list(keys)))):
        key = keys[submission.creation_key]
        if submission.replicates_id is None:
            submission.replicates_id = innovations[links[key]].id
        found[key] = submission
    db.session.flush()
    return found


# --- replications --------------------------------------------------------------------------------------------

def _latest_event(replication: Replication) -> ReplicationEvent:
    return db.session.scalar(db.select(ReplicationEvent).where(ReplicationEvent.replication_id == replication.id)
                             .order_by(ReplicationEvent.id.desc()).limit(1))


def _request(spec: dict[str, Any], innovation: Innovation, requester: User) -> Replication:
    territory = replications.Territory(
        name=spec["territory"], departement_code=spec.get("departement", ""), region_code=spec.get("region", ""),
        commune_code=spec.get("commune", ""), kind=TerritoryKind(spec["kind"]))
    return replications.request(innovation=innovation, requester=requester, organisation=spec["organisation"],
                                territory=territory, motivation=spec["motivation"])


def _replication(spec: dict[str, Any], innovation: Innovation, project: Submission | None,
                 by_name: dict[str, User], now: datetime, clock: Clock) -> Replication:
    """One replication's timeline, event by event, through the services."""
    requester = by_name[spec["requester"]]
    replication: Replication | None = None
    final = ReplicationStatus(spec["status"])
    for event in spec["events"]:
        author = by_name[event["by"]]
        status = ReplicationStatus(event["status"]) if "status" in event else None
        when = project.submitted_at if event.get("on_submission") else paris_time(
            event.get("at", event.get("days_ago")), now)
        if event.get("on_submission"):
            replication = replications.link_project(submission=project, actor=author)
            _latest_event(replication).body = event.get("body", "")
        elif status == ReplicationStatus.INTERESTED:
            replication = _request(spec, innovation, requester)
        elif status is not None:
            replications.change_status(replication=replication, actor=author, status=status,
                                       note=event.get("body", ""))
        else:
            answered = replication.answered_at
            replications.post_message(replication=replication, author=author, body=event["body"])
            if answered is None and replication.answered_at is not None:
                replication.answered_at = when
        _latest_event(replication).at = when
        replication.created_at = min(replication.created_at, when)
        replication.updated_at = when
        clock.date(when)
    if replication.status != final:
        raise ValueError(f"the timeline of {spec['requester']}'s replication ends {replication.status.value}, "
                         f"not {final.value}")
    if spec.get("variant") or spec.get("results"):  # what the repreneur tells of it, at its current step
        replications.change_status(replication=replication, actor=requester, status=replication.status,
                                   variant=spec.get("variant"), results=spec.get("results"))
        replication.updated_at = when
    return replication


def replications_of_records(*, innovations: dict[str, Innovation], projects: dict[str, Submission],
                            by_name: dict[str, User], now: datetime) -> None:
    """The territories taking the records up, each with its timeline, made when missing."""
    existing = {(i, r) for i, r in db.session.execute(db.select(Replication.innovation_id,
                                                                Replication.requester_id))}
    clock = Clock()
    for spec in NETWORK["replications"]:
        innovation, requester = innovations[spec["record"]], by_name[spec["requester"]]
        if (innovation.id, requester.id) in existing:
            continue
        _replication(spec, innovation, projects.get(spec.get("project", "")), by_name, now, clock)
    db.session.flush()


# --- what `flask demo` prints ------------------------------------------------------------------------------

def summary(by_name: dict[str, User]) -> list[str]:
    """The catalogue in a few lines, and the demo accounts that show each side of it."""
    statuses = Counter(db.session.scalars(db.select(Innovation.status)))
    waiting = db.session.scalar(db.select(db.func.count(InnovationVersion.id)).where(
        InnovationVersion.status == VersionStatus.SUBMITTED))
    steps = Counter(db.session.scalars(db.select(Replication.status)))
    parrains_count = db.session.scalar(db.select(db.func.count(SponsorProfile.id)).where(SponsorProfile.active))
    who = {role: by_name[name].email for role, name in NETWORK["showcase"].items()}
    return [
        f"Innovation catalogue: {statuses[InnovationStatus.PUBLISHED]} public records ({sum(statuses.values())} in "
        f"all), {waiting} versions waiting for checking; {sum(steps.values())} replications ("
        + ", ".join(f"{steps[s]} {s.value}" for s in ReplicationStatus if steps[s]) + f"); {parrains_count} parrains",
        f"  a team editing its record: {who['team']}; an organiser checking records: {who['checker']}",
        f"  a parrain: {who['parrain']}; a repreneur following a replication: {who['repreneur']}",
    ]


def load(*, projects: dict[str, Submission], aap: Call, by_name: dict[str, User], now: datetime) -> list[str]:
    """The catalogue's records, parrains and replications, and the call for replication; flushes, never
    commits. Returns the lines to print."""
    innovations = catalogue_records(projects=projects, by_name=by_name, now=now)
    parrains(innovations=innovations, by_name=by_name, now=now)
    aap_projects = call_for_replication(call=aap, innovations=innovations)
    replications_of_records(innovations=innovations, projects=aap_projects, by_name=by_name, now=now)
    return summary(by_name)
