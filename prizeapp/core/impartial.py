"""Impartial selection for peer prizes: nobody can change their own chance of winning by the scores they give.

In a peer prize the applicants review each other's projects, so a plain ranking by mean score rewards marking
competitors down. The *partition mechanism* (Alon, Fischer, Procaccia and Tennenholtz, "Sum of us:
strategyproof selection from the selectors", 2011; Aziz, Lev, Mattei, Rosenschein and Walsh, "Strategyproof
peer selection: mechanisms, analyses, and experiments", 2016) removes that incentive:

1. `partition`: before any review, the projects are split at random (with a seed) into `groups` groups of
   nearly equal size. Projects that share a team member are kept in one group, so that every person belongs
   to exactly one group.
2. `cross_group_mask`: reviewers review only projects of OTHER groups (the mask forbids same-group pairs to
   the assignment solver); `cross_group_scores` ignores any same-group review that exists anyway.
3. `select`: each group receives a number of laureate slots proportional to its size (`quotas`: largest
   remainders, ties broken by the seed), and its slots go to its best projects according to the scores given
   by reviewers of the other groups. Ties between equal scores are broken by a seeded order of the projects.

Why nobody can change their own chance (impartiality). Let applicant i belong to group g (step 1; the
partition depends on the teams and the seed only). Whether i's project is selected depends on (a) the quota
of g and (b) the ranking of g's projects. (a) depends on the group sizes, k and the seed only — no score.
(b) depends on the scores g's projects received from reviewers outside g, and on a tie-break order drawn from
the seed. i is inside g, so i's scores never enter (b) (even a same-group review is ignored), and they enter
(a) not at all. Hence any change of every score i gives — to any value, or withdrawing a review — leaves
(a) and (b), and so i's selection, unchanged. Since the whole team of i's project is in g, the same holds
for the team acting together.

The price of impartiality: the laureates are spread across groups in proportion to their sizes, so a group
full of strong projects gets no more slots than a weaker group of the same size. Fewer, larger groups make
this cost smaller. ("Exact dollar partition", in the paper of Aziz et al., sizes the quotas by the share of
scores each group receives from the others — also impartial, at the cost of a harder explanation; we keep
proportional quotas.)

Everything here is deterministic for a given seed; ids only need to be sortable and hashable.
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "GroupSelection",
    "RankedProject",
    "Score",
    "Selection",
    "cross_group_mask",
    "cross_group_scores",
    "group_index",
    "independent_blocks",
    "partition",
    "quotas",
    "select",
]

# Separate random streams per use, so that e.g. the quota tie-break never depends on how many projects exist.
_PARTITION, _QUOTAS, _TIES = 1, 2, 3


def _rng(seed: int, stream: int) -> np.random.Generator:
    return np.random.default_rng([int(seed) & 0xFFFFFFFF, stream])


def _teams(teams: Mapping[Hashable, Iterable[Hashable]] | Iterable[Hashable]) -> dict[Hashable, frozenset]:
    """Submission → its team; a plain list of ids counts each as a team of its own (applicant = project)."""
    if isinstance(teams, Mapping):
        return {s: frozenset(members) for s, members in teams.items()}
    return {s: frozenset([s]) for s in teams}


def _blocks(teams: dict[Hashable, frozenset]) -> list[list]:
    """Submissions linked by a shared team member (transitively), each block sorted, blocks by first id."""
    parent = {s: s for s in teams}

    def find(s):
        while parent[s] != s:
            parent[s] = parent[parent[s]]
            s = parent[s]
        return s

    first_with: dict[Hashable, Hashable] = {}
    for s in sorted(teams):
        for person in teams[s]:
            if person in first_with:
                a, b = find(s), find(first_with[person])
                if a != b:
                    parent[max(a, b)] = min(a, b)
            else:
                first_with[person] = s
    blocks: dict[Hashable, list] = {}
    for s in sorted(teams):
        blocks.setdefault(find(s), []).append(s)
    return sorted(blocks.values(), key=lambda block: block[0])


def independent_blocks(teams: Mapping[Hashable, Iterable[Hashable]] | Iterable[Hashable]) -> list[list]:
    """The blocks `partition` never splits: submissions linked by shared team members (at most one group
    per block can be made)."""
    return _blocks(_teams(teams))


def partition(teams: Mapping[Hashable, Iterable[Hashable]] | Iterable[Hashable], groups: int,
              seed: int = 0) -> list[list]:
    """Split submissions at random into `groups` groups of nearly equal size, keeping every team together.

    `teams` maps each submission to its team members' ids (or is a list of applicant ids, each its own
    team). Submissions that share a member, even indirectly, form one block that is never split. The blocks
    are shuffled with `seed`, then placed largest first, each in the group with the fewest submissions so
    far (the lowest index on ties): group sizes differ by at most the largest block's size (by at most one
    when teams do not overlap). Returns the groups, each sorted; raises ValueError when there are fewer
    blocks than groups (some group would be empty).
    """
    teams = _teams(teams)
    if groups < 1:
        raise ValueError("at least one group is needed")
    blocks = _blocks(teams)
    if len(blocks) < groups:
        raise ValueError(f"{len(blocks)} independent projects cannot fill {groups} groups")
    order = _rng(seed, _PARTITION).permutation(len(blocks))
    shuffled = sorted((blocks[i] for i in order), key=len, reverse=True)  # stable: shuffled among equal sizes
    out: list[list] = [[] for _ in range(groups)]
    for block in shuffled:
        smallest = min(range(groups), key=lambda g: len(out[g]))
        out[smallest].extend(block)
    return [sorted(group) for group in out]


def group_index(groups: Sequence[Sequence[Hashable]],
                teams: Mapping[Hashable, Iterable[Hashable]]) -> tuple[dict, dict]:
    """(submission → its group's index, person → their group's index) for the people of the teams of the
    partition's submissions; people in no such team have no group."""
    by_submission = {s: g for g, group in enumerate(groups) for s in group}
    by_person: dict[Hashable, int] = {}
    for s, members in teams.items():
        if s in by_submission:
            for person in members:
                by_person.setdefault(person, by_submission[s])
    return by_submission, by_person


def cross_group_mask(groups: Sequence[Sequence[Hashable]], teams: Mapping[Hashable, Iterable[Hashable]],
                     submission_ids: Sequence[Hashable], reviewer_ids: Sequence[Hashable]) -> np.ndarray:
    """A conflict mask for `prizeapp.core.assignment.assign` (submissions × reviewers, in the orders given):
    True exactly where the reviewer is a team member of a project in the same group as the row's project.
    Reviewers in no team (who cannot win) and projects outside the partition are never masked."""
    by_submission, by_person = group_index(groups, teams)
    rows = np.array([by_submission.get(s, -1) for s in submission_ids], dtype=np.int64)
    cols = np.array([by_person.get(r, -2) for r in reviewer_ids], dtype=np.int64)
    return (rows[:, None] == cols[None, :]) & (rows[:, None] >= 0)


@dataclass(frozen=True)
class Score:
    """A project's score from the other groups: mean of their reviews (None without any), and counts."""

    mean: float | None
    reviews: int
    ignored: int  # reviews by members of the project's own group, left out


def cross_group_scores(groups: Sequence[Sequence[Hashable]], teams: Mapping[Hashable, Iterable[Hashable]],
                       reviews: Iterable[tuple[Hashable, Hashable, float]]) -> dict[Hashable, Score]:
    """The score of every project of the partition from (submission, reviewer, score) rows: the mean of the
    reviews given by people outside its group. Reviews by its own group's members are ignored (the
    assignment avoids them; one made by hand would otherwise let a person help their own group)."""
    by_submission, by_person = group_index(groups, teams)
    sums: dict[Hashable, float] = {s: 0.0 for s in by_submission}
    counts = dict.fromkeys(by_submission, 0)
    ignored = dict.fromkeys(by_submission, 0)
    for s, r, value in reviews:
        if s not in by_submission:
            continue
        if by_person.get(r) == by_submission[s]:
            ignored[s] += 1
            continue
        sums[s] += float(value)
        counts[s] += 1
    return {s: Score(sums[s] / counts[s] if counts[s] else None, counts[s], ignored[s]) for s in by_submission}


def quotas(sizes: Sequence[int], k: int, seed: int = 0) -> tuple[list[int], list[float]]:
    """Laureate slots per group, proportional to its size: the largest-remainder (Hamilton) method.

    Each group gets the integer part of k × size / total, and the slots left go to the largest fractional
    parts, equal parts in a seeded random order. k is capped at the total. Returns (quotas, exact shares).
    Depends on the sizes, k and the seed only: never on a score.
    """
    sizes = [int(n) for n in sizes]
    total = sum(sizes)
    k = max(0, min(int(k), total))
    if not total:
        return [0] * len(sizes), [0.0] * len(sizes)
    # Integer arithmetic for the remainders: k × size = q × total + remainder, exactly.
    whole = [k * n // total for n in sizes]
    remainders = [k * n - w * total for n, w in zip(sizes, whole)]
    tie_break = _rng(seed, _QUOTAS).permutation(len(sizes))
    rank_of = {int(g): i for i, g in enumerate(tie_break)}
    left = k - sum(whole)
    for g in sorted(range(len(sizes)), key=lambda g: (-remainders[g], rank_of[g]))[:left]:
        whole[g] += 1
    return whole, [k * n / total for n in sizes]


@dataclass(frozen=True)
class RankedProject:
    submission: Hashable
    position: int  # 1 = best of its group
    score: float | None  # mean of the other groups' reviews; None: no review from another group
    reviews: int
    ignored: int
    chosen: bool


@dataclass
class GroupSelection:
    """One group's part of the selection."""

    index: int
    members: list  # submissions of the group
    quota: int
    exact_share: float  # k × size / total, before rounding
    ranking: list[RankedProject]
    chosen: list
    explanation: str  # English, for logs and people reading the core alone

    @property
    def unfilled(self) -> int:
        """Slots left empty because too few projects of the group were reviewed by other groups."""
        return self.quota - len(self.chosen)


@dataclass
class Selection:
    k: int
    seed: int
    groups: list[GroupSelection]
    chosen: list = field(default_factory=list)  # every group's, by group then position

    @property
    def total(self) -> int:
        """How many projects the selection was made among."""
        return sum(len(group.members) for group in self.groups)

    def is_selected(self, submission: Hashable) -> bool:
        return submission in set(self.chosen)


def select(groups: Sequence[Sequence[Hashable]], scores: Mapping[Hashable, Score | float | None], k: int,
           seed: int = 0) -> Selection:
    """The impartial selection of k projects (see the module docstring for why it is impartial).

    `groups` is a partition of the eligible projects (from `partition`); `scores` gives each project's score
    from reviewers of OTHER groups only (`cross_group_scores`; a plain number or None is accepted too). Each
    group's quota comes from `quotas`; its projects are ranked by score, best first, equal scores in a
    seeded order that ignores the scores; a project without any score from another group is ranked last
    and never chosen (its slot stays empty, for the jury to fill).
    """
    groups = [sorted(group) for group in groups]
    quota, shares = quotas([len(group) for group in groups], k, seed)
    everyone = sorted(s for group in groups for s in group)
    tie = {s: int(i) for s, i in zip(everyone, _rng(seed, _TIES).permutation(len(everyone)))}
    k = sum(quota)  # capped at the number of projects
    result = Selection(k=k, seed=seed, groups=[])
    for g, members in enumerate(groups):
        def read(s):
            value = scores.get(s)
            if isinstance(value, Score):
                return value
            return Score(None if value is None else float(value), 0 if value is None else 1, 0)

        known = {s: read(s) for s in members}
        order = sorted(members, key=lambda s: (known[s].mean is None, -(known[s].mean or 0.0), tie[s]))
        chosen = [s for s in order if known[s].mean is not None][:quota[g]]
        ranking = [RankedProject(s, i + 1, known[s].mean, known[s].reviews, known[s].ignored, s in chosen)
                   for i, s in enumerate(order)]
        text = (f"group {g + 1}: {len(members)} of {len(everyone)} projects, so {k} x {len(members)} / "
                f"{len(everyone)} = {shares[g]:.2f} laureate(s), rounded to {quota[g]}; its best {quota[g]} "
                f"by the scores of the other groups' reviewers")
        if len(chosen) < quota[g]:
            text += f"; {quota[g] - len(chosen)} slot(s) left empty: too few projects reviewed by other groups"
        result.groups.append(GroupSelection(g, members, quota[g], shares[g], ranking, chosen, text))
        result.chosen.extend(chosen)
    return result
