"""The organisers' overview of a call's conflicts: the pairs counted by reason, and one page of pairs with theirs."""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from ...core.conflicts import UNWAIVABLE, Reason
from ...enums import ConflictSource
from ...extensions import db
from ...models import Call, ConflictDeclaration, ConflictWaiver, Submission, User
from ..paging import PageNumbers
from .inputs import call_inputs, conflict_matrix


@dataclass
class Page(PageNumbers):
    """A page of a list held in memory, shaped like Flask-SQLAlchemy's for the `pagination` macro."""

    items: list
    page: int
    per_page: int
    total: int

    @classmethod
    def of(cls, items, page: int, per_page: int) -> Page:
        """Page `page` of `items` (any sequence), moved within the pages there are."""
        pages = max(1, math.ceil(len(items) / per_page))
        page = min(max(1, page), pages)
        return cls(items[(page - 1) * per_page:page * per_page], page, per_page, len(items))


@dataclass(frozen=True)
class ConflictLine:
    """One reason of a pair, with the waiver that lifts it or the organisers' declaration behind it."""

    reason: Reason
    waivable: bool
    waiver: ConflictWaiver | None = None  # set when this reason is waived
    declaration: ConflictDeclaration | None = None  # the organisers' declaration behind "set_by_organiser"

    @property
    def code(self) -> str:
        return self.reason.code


@dataclass(frozen=True)
class ConflictPair:
    """A (project, reviewer) pair with its reasons in force and its waived ones."""

    submission: Submission
    reviewer: User
    reasons: list[ConflictLine]
    waived: list[ConflictLine]


@dataclass(frozen=True)
class ConflictsOverview:
    """The conflicts of a call as its organisers review them."""

    submissions: list[Submission]  # the submitted projects and the reviewers, for the filters
    reviewers: list[User]
    counts: dict[str, int]  # code → how many pairs it keeps apart
    waived_counts: dict[str, int]  # code → how many pairs have it waived
    total_pairs: int  # conflicted pairs
    page: Page  # of ConflictPair: the pairs the filters keep, conflicted or with a waiver, by project then reviewer
    waiver_authors: dict[int, User]  # who waived the reasons on the page
    filtered: bool


def conflicts_overview(call: Call, *, submission_id: int | None = None, reviewer_id: int | None = None,
                       page: int = 1, per_page: int = 50) -> ConflictsOverview:
    """Every code of `call`'s conflicts counted over its pairs, and page `page` of the pairs that are
    conflicted or have a waiver, of one project or reviewer when `submission_id` or `reviewer_id` names one
    of the call (another id filters nothing). Only the pairs of the page get their reasons listed."""
    inputs = call_inputs(call)
    matrix = conflict_matrix(call, inputs=inputs)
    counts, waived_counts = matrix.code_counts()
    waivers = {(w.submission_id, w.reviewer_id, w.code): w for w in db.session.scalars(
        db.select(ConflictWaiver).where(ConflictWaiver.submission_id.in_(inputs.submission_ids)))}
    listed = matrix.mask.copy()
    # Pairs whose every reason is waived are no longer conflicted, yet their waivers must stay in sight.
    for sid, rid, _code in waivers:
        if sid in matrix.submission_index and rid in matrix.reviewer_index:
            listed[matrix.submission_index[sid], matrix.reviewer_index[rid]] = True
    wanted_s = matrix.submission_index.get(submission_id)
    wanted_r = matrix.reviewer_index.get(reviewer_id)
    if wanted_s is not None:
        listed[:wanted_s] = listed[wanted_s + 1:] = False
    if wanted_r is not None:
        listed[:, :wanted_r] = listed[:, wanted_r + 1:] = False
    shown = Page.of(np.argwhere(listed), page, per_page)  # by project, then reviewer
    on_page = [(s, r) for s, r in shown.items.tolist()]

    submissions = {s.id: s for s in inputs.submissions}
    people = {u.id: u for u in inputs.reviewers}
    keys = [(matrix.submission_ids[s], matrix.reviewer_ids[r]) for s, r in on_page]
    declarations = {(d.submission_id, d.reviewer_id): d for d in db.session.scalars(
        db.select(ConflictDeclaration).where(ConflictDeclaration.source == ConflictSource.ORGANISER,
                                             ConflictDeclaration.submission_id.in_({sid for sid, _ in keys})))}
    pairs = []
    for (s, r), (sid, rid) in zip(on_page, keys, strict=True):
        pairs.append(ConflictPair(
            submission=submissions[sid], reviewer=people[rid],
            reasons=[ConflictLine(reason, reason.code not in UNWAIVABLE,
                                  declaration=declarations.get((sid, rid)) if reason.code == "set_by_organiser"
                                  else None) for reason in matrix.reasons(s, r)],
            waived=[ConflictLine(w.reason, True, waiver=waivers.get((sid, rid, w.reason.code)))
                    for w in matrix.waived(s, r)]))
    authors = {line.waiver.waived_by_id for pair in pairs for line in pair.waived
               if line.waiver is not None and line.waiver.waived_by_id}
    waiver_authors = {u.id: u for u in db.session.scalars(db.select(User).where(User.id.in_(authors)))} \
        if authors else {}
    return ConflictsOverview(submissions=inputs.submissions, reviewers=inputs.reviewers, counts=counts,
                             waived_counts=waived_counts, total_pairs=int(matrix.mask.sum()),
                             page=dataclasses.replace(shown, items=pairs), waiver_authors=waiver_authors,
                             filtered=wanted_s is not None or wanted_r is not None)

