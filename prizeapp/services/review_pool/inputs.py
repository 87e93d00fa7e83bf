"""What the solver takes from a call: projects and reviewers (CallInputs), the conflict and affinity matrices."""
from __future__ import annotations

import dataclasses
import sys
from dataclasses import dataclass

from sqlalchemy.orm import selectinload

from ...core import affinity as affinity_core
from ...core import conflicts as conflicts_core
from ...enums import ConflictSource, MemberRole, ReviewMode, SubmissionStatus
from ...extensions import db
from ...models import (
    Bid,
    Call,
    ConflictDeclaration,
    ConflictWaiver,
    OrgUnit,
    PoolMember,
    Submission,
    SubmissionMember,
    User,
)
from .pool import reviewer_ids, reviewers, team_ids


def submissions_to_review(call: Call) -> list[Submission]:
    """The submitted projects of `call`, by id, with their teams loaded."""
    return list(db.session.scalars(
        db.select(Submission).where(Submission.call_id == call.id, Submission.status == SubmissionStatus.SUBMITTED)
        .options(selectinload(Submission.members)).order_by(Submission.id)))


@dataclass
class CallInputs:
    """What the matrices of one call are built from, loaded once (a few queries, whatever the call's size)."""

    call: Call
    submissions: list[Submission]
    reviewers: list[User]
    members: dict[int, PoolMember]  # user id → pool row (profile, max load), when there is one

    @property
    def submission_ids(self) -> list[int]:
        return [s.id for s in self.submissions]

    @property
    def reviewer_ids(self) -> list[int]:
        return [r.id for r in self.reviewers]


def pool_members(call: Call) -> dict[int, PoolMember]:
    return {m.user_id: m for m in db.session.scalars(db.select(PoolMember).where(PoolMember.call_id == call.id))}


def call_inputs(call: Call) -> CallInputs:
    return CallInputs(call=call, submissions=submissions_to_review(call), reviewers=reviewers(call),
                      members=pool_members(call))


def conflict_policy(call: Call) -> conflicts_core.ConflictPolicy:
    return conflicts_core.ConflictPolicy(
        same_direction=call.conflict_same_direction,
        same_organisation=call.conflict_same_organisation,
        shared_domains=conflicts_core.DEFAULT_SHARED_DOMAINS | frozenset(call.conflict_shared_domains or ()),
        peer_prize=call.review_mode == ReviewMode.PEER,
    )


def _lineages(unit_ids: set[int] | None = None) -> dict[int, tuple[conflicts_core.Unit, ...]]:
    """Unit id → its lineage as core Units, organisation first: of the whole chart in one query, or of the
    given units only, loading them and their ancestors a level at a time (a chart has three levels)."""
    if unit_ids is None:
        units = {u.id: u for u in db.session.scalars(db.select(OrgUnit))}
    else:
        units, wanted = {}, set(unit_ids)
        while wanted:
            found = list(db.session.scalars(db.select(OrgUnit).where(OrgUnit.id.in_(wanted))))
            units.update((u.id, u) for u in found)
            wanted = {u.parent_id for u in found if u.parent_id is not None} - set(units)
    lineages: dict[int, tuple[conflicts_core.Unit, ...]] = {}
    for unit_id in units:
        chain, seen, current = [], set(), units.get(unit_id)
        while current is not None and current.id not in seen:
            seen.add(current.id)
            chain.append(current)
            current = units.get(current.parent_id) if current.parent_id is not None else None
        levels, kept = set(), []
        for unit in reversed(chain):  # one unit per level, in chart order, whatever the data holds
            order = conflicts_core.LEVELS.index(unit.kind.value)
            if unit.kind.value not in levels and all(conflicts_core.LEVELS.index(u.level) < order for u in kept):
                kept.append(conflicts_core.Unit(unit.id, unit.kind.value))
                levels.add(unit.kind.value)
        lineages[unit_id] = tuple(kept)
    return lineages


def _population(call: Call):
    """The ids of the call's whole population, as a query: its reviewers and its teams."""
    return team_ids(call).union(reviewer_ids(call))


def _population_policy(call: Call, domains: set[str]) -> conflicts_core.ConflictPolicy:
    """The call's policy with the institution-wide domains among `domains` written out, for matrices built over
    a part of the call: a domain is wide or not in the call, not in the part. Counted by the database in one
    query (the population's size and its people per domain), whatever the call's size."""
    policy = conflict_policy(call)
    # A domain is shared when it or one it belongs to is (core.conflicts.is_shared): count those too.
    wanted = sorted({".".join(d.split(".")[i:]) for d in domains if d for i in range(len(d.split(".")) - 1)})
    population = _population(call).subquery()
    per_domain = [db.func.coalesce(db.func.sum(db.case((User.email.like(_ends_with_at(domain), escape="\\"), 1),
                                                       else_=0)), 0) for domain in wanted]
    total, *counts = db.session.execute(db.select(db.func.count(User.id), *per_domain)
                                        .where(User.id.in_(db.select(population)))).one()
    wide = conflicts_core.wide_domains(dict(zip(wanted, counts)), total=total, policy=policy)
    return dataclasses.replace(policy, shared_domains=policy.shared_domains | wide, institution_min_people=sys.maxsize)


def _ends_with_at(domain: str) -> str:
    """A LIKE pattern for the addresses of exactly `domain` (its wildcards escaped)."""
    return "%@" + domain.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _with_the_reviewers_projects(call: Call, inputs: CallInputs) -> CallInputs:
    """In a peer prize "teammate" pairs a reviewer with the members of the other projects they submitted: a
    matrix over part of the call needs those projects too, to answer as the whole call's matrix does."""
    known = set(inputs.submission_ids)
    of_reviewers = db.select(SubmissionMember.submission_id).where(SubmissionMember.user_id.in_(inputs.reviewer_ids))
    theirs = [s for s in db.session.scalars(
        db.select(Submission).where(Submission.call_id == call.id, Submission.status == SubmissionStatus.SUBMITTED,
                                    Submission.id.in_(of_reviewers))
        .options(selectinload(Submission.members)).order_by(Submission.id))
        if s.id not in known]
    if not theirs:
        return inputs
    return dataclasses.replace(inputs, submissions=[*inputs.submissions, *theirs])


def conflict_matrix(call: Call, *, inputs: CallInputs | None = None,
                    partial: bool = False) -> conflicts_core.ConflictMatrix:
    """The conflict mask of `call` (submitted projects × reviewers, by id) with every reason, from the chart,
    email domains, teams, declarations of reviewers and applicants, organisers' conflicts and waivers.
    `partial`: `inputs` hold only part of the call (which domains are shared is then judged on all of it)."""
    inputs = inputs or call_inputs(call)
    if partial and call.review_mode == ReviewMode.PEER:
        inputs = _with_the_reviewers_projects(call, inputs)
    submission_ids = inputs.submission_ids
    declarations = list(db.session.scalars(db.select(ConflictDeclaration)
                                           .where(ConflictDeclaration.submission_id.in_(submission_ids))))
    waivers = list(db.session.scalars(db.select(ConflictWaiver)
                                      .where(ConflictWaiver.submission_id.in_(submission_ids))))
    team_ids = {m.user_id for s in inputs.submissions for m in s.members}
    people = {u.id: u for u in inputs.reviewers}
    missing = team_ids - set(people)
    if missing:
        people.update((u.id, u) for u in db.session.scalars(db.select(User).where(User.id.in_(missing))))
    # A part of the call needs the lineages and domains of its own people only.
    lineages = _lineages({u.unit_id for u in people.values() if u.unit_id} if partial else None)
    declared_by_reviewer: dict[int, set[int]] = {}
    excluded: dict[int, set[int]] = {}
    organiser = []
    for d in declarations:
        if d.source == ConflictSource.REVIEWER:
            declared_by_reviewer.setdefault(d.reviewer_id, set()).add(d.submission_id)
        elif d.source == ConflictSource.APPLICANT:
            excluded.setdefault(d.submission_id, set()).add(d.reviewer_id)
        else:
            organiser.append(conflicts_core.OrganiserConflict(d.submission_id, d.reviewer_id, d.reason))

    def person(user: User) -> conflicts_core.Person:
        return conflicts_core.Person(id=user.id, email=user.email,
                                     units=lineages.get(user.unit_id, ()) if user.unit_id else (),
                                     declared_submission_ids=frozenset(declared_by_reviewer.get(user.id, ())))

    core_submissions = []
    for s in inputs.submissions:
        lead = next((m.user_id for m in s.members if m.role == MemberRole.LEAD), None)
        author = lead if lead is not None else (s.members[0].user_id if s.members else 0)
        core_submissions.append(conflicts_core.Submission(
            id=s.id, author_id=author, member_ids=tuple(m.user_id for m in s.members if m.user_id != author),
            excluded_reviewer_ids=frozenset(excluded.get(s.id, ()))))
    return conflicts_core.compute_conflicts(
        submissions=core_submissions,
        reviewers=[person(u) for u in inputs.reviewers],
        people=[person(u) for u in people.values()],
        policy=(_population_policy(call, {conflicts_core.email_domain(u.email) for u in people.values()})
                if partial else conflict_policy(call)),
        organiser_conflicts=organiser,
        waivers=[conflicts_core.Waiver(w.submission_id, w.reviewer_id, w.code, w.reason) for w in waivers],
    )


def affinity_matrix(call: Call, *, inputs: CallInputs | None = None) -> affinity_core.Affinity:
    """The affinity of every (submitted project, reviewer) pair of `call`, from the projects' texts and
    category, the reviewers' keywords and themes for this call, and their bids."""
    inputs = inputs or call_inputs(call)
    bids = {(b.submission_id, b.reviewer_id): b.level.value for b in db.session.scalars(
        db.select(Bid).where(Bid.submission_id.in_(inputs.submission_ids)))}
    texts = [affinity_core.SubmissionText(id=s.id, title=s.title, summary=s.summary, description=s.description,
                                          category=s.category) for s in inputs.submissions]
    profiles = []
    for user in inputs.reviewers:
        member = inputs.members.get(user.id)
        profiles.append(affinity_core.ReviewerProfile(
            id=user.id, keywords=tuple(member.keywords) if member else (),
            themes=tuple(member.themes) if member else ()))
    return affinity_core.compute_affinity(submissions=texts, reviewers=profiles, bids=bids)


def conflicts_of_reviewer(call: Call, user: User) -> dict[int, list[conflicts_core.Reason]]:
    """Submission id → why `user` may not review it, for every submitted project of `call` that `user` is
    conflicted with (whether or not they are in the pool: the rules are the same)."""
    inputs = call_inputs(call)
    inputs.reviewers = [user]
    matrix = conflict_matrix(call, inputs=inputs, partial=True)
    return {sid: matrix.reasons_for(sid, user.id) for sid in matrix.submission_ids
            if matrix.reasons_for(sid, user.id)}


def conflict_reasons(submission: Submission, user: User) -> list[conflicts_core.Reason]:
    """Why `user` may not review `submission` (empty: no conflict). Drafts and withdrawn projects are
    judged as if submitted, so that a project's status never opens it to a conflicted person."""
    inputs = CallInputs(call=submission.call, submissions=[submission], reviewers=[user], members={})
    return conflict_matrix(submission.call, inputs=inputs, partial=True).reasons_for(submission.id, user.id)
