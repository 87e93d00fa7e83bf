"""Conflicts of interest between submissions and reviewers, each with every reason it exists.

`compute_conflicts` turns people, submissions and a per-call policy into a boolean mask (submissions ×
reviewers, True = forbidden) for the assignment solver, and keeps what it needs to list, for any pair, every
reason the pair is conflicted — as codes with parameters, for the interface to word in French or English:

=========================  =========================================================  ==============
code                       params                                                     waivable
=========================  =========================================================  ==============
author                     {"person_id"}                                              never
team_member                {"person_id"}                                              never
teammate (peer prize)      {"person_id", "submission_id"}: the reviewer and a         yes
                           member of this submission submitted `submission_id`
                           together
same_service               {"unit_id", "person_ids"}: members in the reviewer's unit  yes
same_direction             idem, only when the policy says so                         yes
same_organisation          idem, only when the policy says so                         yes
same_email_domain          {"domain", "person_ids"}, never for a shared domain        yes
declared_tie               {"person_id", "declared_by"}: a tie either side declared   yes
declared_by_reviewer       {}: the reviewer declared it from the list of titles       yes
declared_by_applicant      {"person_id"}: the applicants asked that this person not   yes
                           review them
set_by_organiser           {"reason"}                                                 yes
=========================  =========================================================  ==============

Every reason that holds is listed: a reviewer in the same service as a member is also in the same direction
and organisation, and when the policy counts those levels the three reasons appear (waiving one leaves the
others). An organiser's waiver lifts one code for one pair and keeps its reason text; the pair stays
conflicted while another reason remains. Nothing can make an author or team member review their own project.

Peer prizes (the applicants review each other) add `teammate` and the rule against reciprocal pairs, which
is about the assignment rather than a pair: see `reciprocal_pairs`, `reciprocity_forbidden` and
`avoid_reciprocity` at the end of this module.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np

LEVELS = ("organisation", "direction", "service")

# Webmails and consumer ISPs: thousands of unrelated people share them.
DEFAULT_SHARED_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "yahoo.fr", "yahoo.com", "orange.fr", "wanadoo.fr", "free.fr",
    "laposte.net", "hotmail.fr", "hotmail.com", "outlook.fr", "outlook.com", "live.fr", "msn.com",
    "sfr.fr", "neuf.fr", "bbox.fr", "icloud.com", "me.com", "protonmail.com", "proton.me", "gmx.fr",
})

UNWAIVABLE = frozenset({"author", "team_member"})
CODES = ("author", "team_member", "teammate", "same_service", "same_direction", "same_organisation",
         "same_email_domain", "declared_tie", "declared_by_reviewer", "declared_by_applicant",
         "set_by_organiser")


@dataclass(frozen=True)
class Unit:
    """One unit of the organisation chart and its level: "organisation", "direction" or "service"."""

    id: int
    level: str

    def __post_init__(self):
        if self.level not in LEVELS:
            raise ValueError(f"unknown unit level {self.level!r}")


@dataclass(frozen=True)
class Person:
    """A person as the conflict rules see them in one call.

    `units` is their lineage in the organisation chart, from organisation down to service (a level may be
    missing: someone attached to a direction has no service). `ties` are person ids they declared a tie with
    (family, thesis adviser, business partner…); a tie counts whichever side declared it.
    `declared_submission_ids` are the submissions they declared a conflict with, as a reviewer.
    """

    id: int
    email: str = ""
    units: tuple[Unit, ...] = ()
    ties: frozenset[int] = frozenset()
    declared_submission_ids: frozenset[int] = frozenset()

    def __post_init__(self):
        order = [LEVELS.index(unit.level) for unit in self.units]
        if order != sorted(set(order)):
            raise ValueError(f"person {self.id}: units must go organisation → direction → service, "
                             "one per level")
        object.__setattr__(self, "ties", frozenset(self.ties))
        object.__setattr__(self, "declared_submission_ids", frozenset(self.declared_submission_ids))

    def unit_at(self, level: str) -> int | None:
        """The id of their unit at `level`, if their lineage has one."""
        for unit in self.units:
            if unit.level == level:
                return unit.id
        return None

    @property
    def domain(self) -> str | None:
        return email_domain(self.email)


@dataclass(frozen=True)
class Submission:
    """A submission as the conflict rules see it: its author, the rest of its team, and the person ids its
    applicants declared must not review it."""

    id: int
    author_id: int
    member_ids: tuple[int, ...] = ()
    excluded_reviewer_ids: frozenset[int] = frozenset()

    def __post_init__(self):
        object.__setattr__(self, "member_ids", tuple(self.member_ids))
        object.__setattr__(self, "excluded_reviewer_ids", frozenset(self.excluded_reviewer_ids))

    @property
    def team_ids(self) -> tuple[int, ...]:
        """Author first, then the other members, each once."""
        return tuple(dict.fromkeys((self.author_id, *self.member_ids)))


@dataclass(frozen=True)
class OrganiserConflict:
    """A conflict an organiser set by hand, with the reason they gave."""

    submission_id: int
    reviewer_id: int
    reason: str


@dataclass(frozen=True)
class Waiver:
    """An organiser lifting one reason (`code`) for one pair, with the reason they gave (for the audit log)."""

    submission_id: int
    reviewer_id: int
    code: str
    reason: str

    def __post_init__(self):
        if self.code in UNWAIVABLE:
            raise ValueError(f"{self.code!r} cannot be waived: nobody reviews their own project")
        if self.code not in CODES:
            raise ValueError(f"unknown conflict code {self.code!r}")
        if not self.reason.strip():
            raise ValueError("a waiver needs a reason")


@dataclass(frozen=True)
class ConflictPolicy:
    """What counts as a conflict in one call.

    Same service always does. `shared_domains` (and their subdomains) never make a conflict; nor does a
    domain used by more than
    `institution_share` of the people in the call (a ministry's or a region's own domain), once at least
    `institution_min_people` people use it — so that in a call of six people, two colleagues from a small
    association still conflict. `peer_prize` adds the `teammate` rule.
    """

    same_direction: bool = False
    same_organisation: bool = False
    shared_domains: frozenset[str] = DEFAULT_SHARED_DOMAINS
    institution_share: float = 0.20
    institution_min_people: int = 5
    peer_prize: bool = False

    def __post_init__(self):
        object.__setattr__(self, "shared_domains",
                           frozenset(d.strip().lower().rstrip(".") for d in self.shared_domains))

    @property
    def levels(self) -> tuple[str, ...]:
        """Chart levels that make a conflict, deepest first (the order reasons are listed in)."""
        return (("service",) + (("direction",) if self.same_direction else ())
                + (("organisation",) if self.same_organisation else ()))


class Reason(NamedTuple):
    """Why a pair is conflicted: a code and its parameters, e.g. ("same_service", {"unit_id": 12, ...})."""

    code: str
    params: dict[str, Any]


class WaivedReason(NamedTuple):
    reason: Reason
    waiver: Waiver


def email_domain(email: str) -> str | None:
    """The lower-cased domain of an address, or None when there is none."""
    _, at, domain = (email or "").strip().rpartition("@")
    domain = domain.lower().rstrip(".")
    return domain if at and domain else None


def is_shared(domain: str | None, shared: frozenset[str]) -> bool:
    """Whether `domain` makes no conflict: it, or a domain it belongs to, is shared ("gouv.fr" covers
    "interieur.gouv.fr"). No domain at all is never a match either."""
    if not domain:
        return True
    parts = domain.split(".")
    return any(".".join(parts[i:]) in shared for i in range(len(parts)))


def shared_domains(people: Iterable[Person], policy: ConflictPolicy) -> frozenset[str]:
    """Domains that make no conflict in this call: the policy's list plus every institution-wide domain."""
    by_domain: dict[str, int] = defaultdict(int)
    total = 0
    for person in {p.id: p for p in people}.values():
        total += 1
        if person.domain:
            by_domain[person.domain] += 1
    return policy.shared_domains | wide_domains(by_domain, total=total, policy=policy)


def wide_domains(people_by_domain: dict[str, int], *, total: int, policy: ConflictPolicy) -> frozenset[str]:
    """The institution-wide domains among those counted: used by enough people of a population of `total`,
    and by a large enough share of it, that sharing one says nothing of a tie."""
    return frozenset(domain for domain, count in people_by_domain.items()
                     if count >= policy.institution_min_people and count > policy.institution_share * total)


@dataclass
class _Context:
    """Everything `reasons` needs, indexed once."""

    submissions: tuple[Submission, ...]
    reviewers: tuple[Person, ...]
    persons: dict[int, Person]
    policy: ConflictPolicy
    shared: frozenset[str]
    submissions_of: dict[int, list[int]]  # person id → indices of the submissions they are in the team of
    organiser: dict[tuple[int, int], list[OrganiserConflict]]
    waivers: dict[tuple[int, int], list[Waiver]]


@dataclass
class ConflictMatrix:
    """The result of `compute_conflicts`.

    `mask[s, r]` is True when reviewer `r` (index in `reviewer_ids`) must not review submission `s` (index in
    `submission_ids`). `team[s, r]` is True when reviewer `r` is in the team of submission `s` (peer prizes
    use it against reciprocal pairs). `shared_domains` are the domains that made no conflict, the
    institution-wide ones included.
    """

    mask: np.ndarray
    team: np.ndarray
    submission_ids: tuple[int, ...]
    reviewer_ids: tuple[int, ...]
    shared_domains: frozenset[str]
    _context: _Context = field(repr=False)

    @cached_property
    def submission_index(self) -> dict[int, int]:
        """Submission id → row."""
        return {sid: i for i, sid in enumerate(self.submission_ids)}

    @cached_property
    def reviewer_index(self) -> dict[int, int]:
        """Reviewer id → column."""
        return {rid: i for i, rid in enumerate(self.reviewer_ids)}

    def reasons(self, s: int, r: int) -> list[Reason]:
        """Every reason, not waived, why reviewer index `r` may not review submission index `s` (empty when
        they may). `mask[s, r]` is exactly `bool(reasons(s, r))`."""
        return _pair_reasons(self._context, s, r)[0]

    def reasons_for(self, submission_id: int, reviewer_id: int) -> list[Reason]:
        """`reasons` by ids rather than indices (for a manual add refused with its reasons)."""
        return self.reasons(self.submission_index[submission_id], self.reviewer_index[reviewer_id])

    def waived(self, s: int, r: int) -> list[WaivedReason]:
        """The reasons an organiser waived for this pair, each with its waiver."""
        return _pair_reasons(self._context, s, r)[1]

    def conflicted_pairs(self) -> np.ndarray:
        """Conflicted (submission index, reviewer index) pairs, as an int array of shape (n, 2)."""
        return np.argwhere(self.mask)

    def code_counts(self) -> tuple[dict[str, int], dict[str, int]]:
        """For every code, how many pairs it keeps apart (not waived), and how many pairs have it waived:
        what counting the codes of every pair's `reasons` and `waived` gives, without listing them (the
        chart and domain rules are counted by broadcasting, the others from their sparse sources)."""
        return _code_counts(self._context, self.team)


# C901: one short step per rule, in the order the rules are documented; split, that order would be lost.
def compute_conflicts(*, submissions: Iterable[Submission], reviewers: Iterable[Person],  # noqa: C901
                      people: Iterable[Person] = (), policy: ConflictPolicy = ConflictPolicy(),
                      organiser_conflicts: Iterable[OrganiserConflict] = (),
                      waivers: Iterable[Waiver] = (), chunk_size: int = 1024) -> ConflictMatrix:
    """The conflict mask of a call (submissions × reviewers, in the order given) and its reasons.

    `people` must hold at least the team members (reviewers are included automatically); a team member
    missing from it only brings the rules that need no profile (author, team, ties the reviewer declared,
    exclusions). Chart levels and email domains are compared with numpy broadcasting, by chunks of
    `chunk_size` submissions so memory stays bounded; the sparse sources (teams, ties, declarations) are set
    pair by pair. Pairs with a waiver are then re-decided from their full list of reasons.
    """
    submissions = tuple(submissions)
    reviewers = tuple(reviewers)
    _check_unique("submission", [s.id for s in submissions])
    _check_unique("reviewer", [r.id for r in reviewers])
    persons = {p.id: p for p in people}
    persons.update({r.id: r for r in reviewers})
    shared = shared_domains(persons.values(), policy)

    sub_index = {s.id: i for i, s in enumerate(submissions)}
    rev_index = {r.id: j for j, r in enumerate(reviewers)}
    n_sub, n_rev = len(submissions), len(reviewers)
    submissions_of: dict[int, list[int]] = defaultdict(list)
    for i, sub in enumerate(submissions):
        for pid in sub.team_ids:
            submissions_of[pid].append(i)

    mask = np.zeros((n_sub, n_rev), dtype=bool)
    team = np.zeros((n_sub, n_rev), dtype=bool)
    _mask_chart_and_domains(mask, submissions, reviewers, persons, policy, shared, chunk_size)

    ties: dict[int, set[int]] = defaultdict(set)  # symmetric: a tie counts whichever side declared it
    for person in persons.values():
        for other in person.ties:
            ties[person.id].add(other)
            ties[other].add(person.id)
    for i, sub in enumerate(submissions):
        for pid in sub.team_ids:
            if pid in rev_index:
                team[i, rev_index[pid]] = True
            for other in ties.get(pid, ()):
                if other in rev_index:
                    mask[i, rev_index[other]] = True
            if policy.peer_prize:
                for k in submissions_of[pid]:
                    for mate in submissions[k].team_ids:
                        if mate in rev_index:
                            mask[i, rev_index[mate]] = True
        for pid in sub.excluded_reviewer_ids:
            if pid in rev_index:
                mask[i, rev_index[pid]] = True
    mask |= team
    for j, reviewer in enumerate(reviewers):
        for sid in reviewer.declared_submission_ids:
            if sid in sub_index:
                mask[sub_index[sid], j] = True

    organiser: dict[tuple[int, int], list[OrganiserConflict]] = defaultdict(list)
    for conflict in organiser_conflicts:
        if conflict.submission_id in sub_index and conflict.reviewer_id in rev_index:
            organiser[(conflict.submission_id, conflict.reviewer_id)].append(conflict)
            mask[sub_index[conflict.submission_id], rev_index[conflict.reviewer_id]] = True
    by_pair: dict[tuple[int, int], list[Waiver]] = defaultdict(list)
    for waiver in waivers:
        if waiver.submission_id in sub_index and waiver.reviewer_id in rev_index:
            by_pair[(waiver.submission_id, waiver.reviewer_id)].append(waiver)

    context = _Context(submissions, reviewers, persons, policy, shared, dict(submissions_of),
                       dict(organiser), dict(by_pair))
    # Waivers are few and hand-made: re-deciding those pairs from their reasons is exact and cheap.
    for sid, rid in by_pair:
        s, r = sub_index[sid], rev_index[rid]
        mask[s, r] = bool(_pair_reasons(context, s, r)[0])
    return ConflictMatrix(mask=mask, team=team, submission_ids=tuple(sub_index), reviewer_ids=tuple(rev_index),
                          shared_domains=shared, _context=context)


def _check_unique(what: str, ids: list[int]) -> None:
    if len(set(ids)) != len(ids):
        raise ValueError(f"{what} ids must be unique")


def _mask_chart_and_domains(mask, submissions, reviewers, persons, policy, shared, chunk_size) -> None:
    """Set in `mask` the pairs where a team member shares a counted chart unit or a non-shared email domain
    with the reviewer."""
    for _code, start, hit in _chart_and_domain_hits(submissions, reviewers, persons, policy, shared, chunk_size):
        mask[start:start + len(hit)] |= hit


def _chart_and_domain_hits(submissions, reviewers, persons, policy, shared, chunk_size):
    """For each chart level the policy counts, then the email domain, and each chunk of `chunk_size`
    submissions: (code, start, hit), where hit[i, r] says that a team member of submission `start + i` (the
    reviewer included, when they are in it) shares that unit, or that non-shared domain, with reviewer `r`.
    One int code per person and rule, compared by broadcasting, member slot by slot."""
    if not submissions or not reviewers:
        return
    domain_codes: dict[str, int] = {}

    def codes_of(person: Person | None) -> list[int]:
        if person is None:
            return [-1] * (len(policy.levels) + 1)
        codes = [person.unit_at(level) for level in policy.levels]
        domain = person.domain
        codes.append(None if is_shared(domain, shared) else domain_codes.setdefault(domain, len(domain_codes)))
        return [-1 if code is None else code for code in codes]

    width = max(len(s.team_ids) for s in submissions)
    rule_codes = [f"same_{level}" for level in policy.levels] + ["same_email_domain"]
    n_rules = len(rule_codes)
    members = np.full((len(submissions), width, n_rules), -1, dtype=np.int64)
    for i, sub in enumerate(submissions):
        for slot, pid in enumerate(sub.team_ids):
            members[i, slot] = codes_of(persons.get(pid))
    rev = np.array([codes_of(r) for r in reviewers], dtype=np.int64).reshape(len(reviewers), n_rules)
    rev[rev < 0] = -2  # "no unit" on both sides must not match
    for rule in range(n_rules):
        column = np.ascontiguousarray(rev[:, rule])
        if (column < 0).all():
            continue
        for start in range(0, len(submissions), chunk_size):
            block = members[start:start + chunk_size, :, rule]
            hit = np.zeros((len(block), len(reviewers)), dtype=bool)
            for slot in range(width):
                values = block[:, slot]
                rows = np.flatnonzero(values >= 0)
                if rows.size == 0:
                    continue
                if rows.size == values.size:
                    hit |= values[:, None] == column[None, :]
                else:
                    hit[rows] |= values[rows, None] == column[None, :]
            yield rule_codes[rule], start, hit


def _code_counts(ctx: _Context, team: np.ndarray, chunk_size: int = 1024) -> tuple[dict[str, int], dict[str, int]]:
    """`ConflictMatrix.code_counts`. The pairs a count by rule would get wrong — the reviewer in the team
    (the chart and domain rules compare the other members only) and pairs with a waiver — are counted from
    their own reasons; the others by rule."""
    counts = dict.fromkeys(CODES, 0)
    waived_counts = dict.fromkeys(CODES, 0)
    sub_index = {s.id: i for i, s in enumerate(ctx.submissions)}
    rev_index = {p.id: j for j, p in enumerate(ctx.reviewers)}
    exact = {(int(s), int(r)) for s, r in np.argwhere(team)}
    exact |= {(sub_index[sid], rev_index[rid]) for sid, rid in ctx.waivers}
    for s, r in exact:
        active, waived = _pair_reasons(ctx, s, r)
        for code in {reason.code for reason in active}:
            counts[code] += 1
        for code in {w.reason.code for w in waived}:
            waived_counts[code] += 1

    exact_rows = defaultdict(list)  # submission index → reviewer indices of its exact pairs
    for s, r in exact:
        exact_rows[s].append(r)
    for code, start, hit in _chart_and_domain_hits(ctx.submissions, ctx.reviewers, ctx.persons, ctx.policy,
                                                   ctx.shared, chunk_size):
        counts[code] += int(hit.sum())
        for s, columns in exact_rows.items():
            if start <= s < start + len(hit):
                counts[code] -= int(hit[s - start, columns].sum())

    tied: dict[int, set[int]] = defaultdict(set)  # symmetric, as in compute_conflicts
    for person in ctx.persons.values():
        for other in person.ties:
            tied[person.id].add(other)
            tied[other].add(person.id)
    sparse: dict[str, set[tuple[int, int]]] = defaultdict(set)
    for i, sub in enumerate(ctx.submissions):
        for pid in sub.team_ids:
            sparse["declared_tie"].update((i, rev_index[o]) for o in tied.get(pid, ()) if o in rev_index)
            if ctx.policy.peer_prize:
                sparse["teammate"].update((i, rev_index[mate]) for k in ctx.submissions_of.get(pid, ()) if k != i
                                          for mate in ctx.submissions[k].team_ids if mate in rev_index)
        sparse["declared_by_applicant"].update((i, rev_index[p]) for p in sub.excluded_reviewer_ids if p in rev_index)
    for j, reviewer in enumerate(ctx.reviewers):
        sparse["declared_by_reviewer"].update((sub_index[sid], j) for sid in reviewer.declared_submission_ids
                                              if sid in sub_index)
    sparse["set_by_organiser"] = {(sub_index[sid], rev_index[rid]) for sid, rid in ctx.organiser}
    for code, pairs in sparse.items():
        counts[code] += len(pairs - exact)
    return counts, waived_counts


# C901: the reference implementation reads as the rules' list, one test per rule.
def _pair_reasons(ctx: _Context, s: int, r: int) -> tuple[list[Reason], list[WaivedReason]]:  # noqa: C901
    """Reasons for one pair, computed directly from the rules (also the reference the tests compare the
    vectorised mask with)."""
    sub, reviewer = ctx.submissions[s], ctx.reviewers[r]
    rid = reviewer.id
    team = sub.team_ids
    others = [pid for pid in team if pid != rid]
    found: list[Reason] = []
    if rid == sub.author_id:
        found.append(Reason("author", {"person_id": rid}))
    elif rid in team:
        found.append(Reason("team_member", {"person_id": rid}))
    if ctx.policy.peer_prize:
        for pid in others:
            for k in ctx.submissions_of.get(pid, ()):
                if k != s and rid in ctx.submissions[k].team_ids:
                    found.append(Reason("teammate", {"person_id": pid,
                                                     "submission_id": ctx.submissions[k].id}))
    for level in ctx.policy.levels:
        unit_id = reviewer.unit_at(level)
        same = [pid for pid in others
                if unit_id is not None and pid in ctx.persons and ctx.persons[pid].unit_at(level) == unit_id]
        if same:
            found.append(Reason(f"same_{level}", {"unit_id": unit_id, "person_ids": tuple(same)}))
    domain = reviewer.domain
    if not is_shared(domain, ctx.shared):
        same = [pid for pid in others if pid in ctx.persons and ctx.persons[pid].domain == domain]
        if same:
            found.append(Reason("same_email_domain", {"domain": domain, "person_ids": tuple(same)}))
    for pid in others:
        declared_by = tuple(who for who, towards in ((rid, pid), (pid, rid))
                            if who in ctx.persons and towards in ctx.persons[who].ties)
        if declared_by:
            found.append(Reason("declared_tie", {"person_id": pid, "declared_by": declared_by}))
    if sub.id in reviewer.declared_submission_ids:
        found.append(Reason("declared_by_reviewer", {}))
    if rid in sub.excluded_reviewer_ids:
        found.append(Reason("declared_by_applicant", {"person_id": rid}))
    for conflict in ctx.organiser.get((sub.id, rid), ()):
        found.append(Reason("set_by_organiser", {"reason": conflict.reason}))

    waivers = {w.code: w for w in ctx.waivers.get((sub.id, rid), ())}
    active = [reason for reason in found if reason.code not in waivers]
    waived = [WaivedReason(reason, waivers[reason.code]) for reason in found if reason.code in waivers]
    return active, waived


# --- Peer prizes: no reciprocal pairs ------------------------------------------------------------------------
#
# "A reviews B's project while B reviews A's" depends on two pairs at once, so it cannot be a mask fixed
# before solving without forbidding far more than needed. Two tools cover it:
#
# * `reciprocity_forbidden(fixed, team)`: the pairs that would close a reciprocal couple with a pair that
#   must stay (a review already started). Add them to the mask before solving.
# * `avoid_reciprocity(solve, ...)`: solve; if the assignment has reciprocal couples, forbid one non-fixed
#   side of each (greedily few pairs: the one in most couples, then the one of lower affinity) and solve
#   again.
#
# Why the loop terminates: the solver never assigns a masked pair, so each side forbidden in a round was
# allowed in the mask of that round; every round that does not stop therefore adds at least one pair to the
# mask, which only grows and is a subset of the finite set submissions × reviewers. After at most S × R
# rounds the solver either returns an assignment without reciprocal couples or reports infeasibility. In
# practice it takes a few: with the real solver on 300 single-applicant projects in 10 topic clusters (k = 3),
# the first optimum had 39 couples, the loop needed 4 solves and 47 forbidden pairs, and lost 0.05 % of the
# total affinity. Ties make it slower: 12 applicants over 5 topics (many equal affinities) took 14 solves,
# for the same objective. The result is feasible and reciprocity-free, not necessarily optimal among
# reciprocity-free assignments (that would need a constraint x + x' ≤ 1 per potential couple, which breaks
# the flow structure the solver relies on).


def reciprocal_pairs(pairs: np.ndarray, team: np.ndarray) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Reciprocal couples in an assignment: ((s, r), (s2, r2)) with r in the team of s2 and r2 in the team of
    s — each reviews the other's project. `pairs` is (n, 2) (submission index, reviewer index); `team` the
    membership matrix of `ConflictMatrix.team`. Each couple is listed once, its smaller pair first, sorted."""
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    assigned: dict[int, set[int]] = defaultdict(set)  # submission → reviewers
    for s, r in pairs.tolist():
        assigned[s].add(r)
    teams_of = _teams_of(team)
    couples = set()
    for s, r in pairs.tolist():
        for s2 in teams_of[1].get(r, ()):  # projects the reviewer r is in the team of
            if s2 == s:
                continue
            for r2 in assigned.get(s2, ()):
                if team[s, r2]:
                    couples.add(tuple(sorted(((s, r), (s2, r2)))))
    return sorted(couples)


def reciprocity_forbidden(fixed: np.ndarray, team: np.ndarray) -> np.ndarray:
    """Pairs that would form a reciprocal couple with a fixed pair, as a sorted (n, 2) int array.

    For a fixed (s, r): every (s2, r2) where r is in the team of s2 and r2 in the team of s."""
    fixed = np.asarray(fixed)
    if fixed.dtype == bool:
        fixed = np.argwhere(fixed)
    members, teams_of_reviewer = _teams_of(team)
    out = set()
    for s, r in fixed.reshape(-1, 2).tolist():
        for s2 in teams_of_reviewer.get(r, ()):
            if s2 != s:
                out.update((s2, r2) for r2 in members.get(s, ()))
    return np.array(sorted(out), dtype=np.int64).reshape(-1, 2)


def avoid_reciprocity(solve: Callable[[np.ndarray], np.ndarray], conflicts: np.ndarray, team: np.ndarray, *,
                      affinity: np.ndarray | None = None, fixed: np.ndarray | None = None,
                      max_rounds: int = 50) -> tuple[np.ndarray, np.ndarray, int]:
    """Solve, then forbid one side of each reciprocal couple and solve again, until there is none.

    `solve(mask)` returns the assigned (submission, reviewer) index pairs and must never assign a masked pair
    (it may raise when the mask makes the problem infeasible: that propagates). Returns (pairs, final mask,
    number of solves). Raises RuntimeError after `max_rounds` solves, ValueError when two fixed pairs are
    reciprocal."""
    mask = np.array(conflicts, dtype=bool, copy=True)
    fixed_mask = np.zeros_like(mask) if fixed is None else np.asarray(fixed, dtype=bool)
    forbidden = reciprocity_forbidden(fixed_mask, team)
    if forbidden.size:
        if fixed_mask[forbidden[:, 0], forbidden[:, 1]].any():
            raise ValueError("two fixed pairs are reciprocal")
        mask[forbidden[:, 0], forbidden[:, 1]] = True
    for round_ in range(1, max_rounds + 1):
        pairs = np.asarray(solve(mask), dtype=np.int64).reshape(-1, 2)
        if mask[pairs[:, 0], pairs[:, 1]].any():
            raise RuntimeError("the solver assigned a forbidden pair")
        couples = reciprocal_pairs(pairs, team)
        if not couples:
            return pairs, mask, round_
        for side in _sides_to_forbid(couples, affinity, fixed_mask):
            mask[side] = True
    raise RuntimeError(f"reciprocal pairs remain after {max_rounds} solves")


def _sides_to_forbid(couples, affinity, fixed_mask) -> list[tuple[int, int]]:
    """One non-fixed side of every couple, few of them: greedily the pair in the most remaining couples,
    then the one of lower affinity, then the larger pair (deterministic)."""
    remaining = list(couples)
    chosen = []
    while remaining:
        counts: dict[tuple[int, int], int] = defaultdict(int)
        for couple in remaining:
            for side in couple:
                if not fixed_mask[side]:
                    counts[side] += 1
        if not counts:
            raise ValueError("two fixed pairs are reciprocal")
        best = max(counts, key=lambda side: (counts[side],
                                             0.0 if affinity is None else -float(affinity[side]), side))
        chosen.append(best)
        remaining = [couple for couple in remaining if best not in couple]
    return chosen


def _teams_of(team: np.ndarray) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """(submission → member reviewer indices, reviewer → submissions they are in the team of)."""
    members: dict[int, list[int]] = defaultdict(list)
    projects: dict[int, list[int]] = defaultdict(list)
    for s, r in np.argwhere(np.asarray(team, dtype=bool)).tolist():
        members[s].append(r)
        projects[r].append(s)
    return members, projects


def reasons_by_code(matrix: ConflictMatrix, pairs: Iterable[tuple[int, int]]) -> Mapping[str, int]:
    """How many of `pairs` each code applies to (for a preview's "conflicts avoided" summary)."""
    counts: dict[str, int] = defaultdict(int)
    for s, r in pairs:
        for code in {reason.code for reason in matrix.reasons(s, r)}:
            counts[code] += 1
    return dict(counts)
