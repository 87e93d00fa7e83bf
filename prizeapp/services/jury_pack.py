"""The jury pack: what the jury reads for its meeting, as one printable document — the ranking as the reader may
see it, then a page for each shortlisted project (its summary, its scores, the reviewers' comments to the jury).

A jury member recused from projects gets the pack without them, as every jury page shows them the call
(`ranking.view_without`): ranks among the others, and nothing of what only the whole call gives. The pack is
the jury's document whoever downloads it: it names the reviewers only when the call shows their names to the
jury and is not blind, else it gives them letters ("Reviewer A"), the same for one reader on every page.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..enums import BlindLevel
from ..models import CalibrationRun, Call, Submission
from . import deliberation, ranking, reviews

SHORTLIST_MAX = 200  # never more pages than a call has projects; this bounds what a request can ask


def default_shortlist(call: Call) -> int:
    """How many projects get a page unless the reader asks otherwise: twice the prize places, the projects the
    meeting is likely to discuss (ten when the call sets no number of prizes)."""
    return 2 * call.prize_count if call.prize_count else 10


def names_reviewers(call: Call) -> bool:
    """Whether the pack names the reviewers: when the call shows their names to the jury and is not blind."""
    return call.reviewers_named_to_jury and call.blind != BlindLevel.BLIND


@dataclass(frozen=True)
class PackReview:
    """One review of a shortlisted project, as the ranking used it, with its comment to the jury."""

    reviewer_id: int
    code: str
    name: str | None  # None when the pack does not name reviewers
    total: float
    corrected: float | None  # None when the reader's view leaves out the reviewers' leniency
    confidence: int | None
    comment: str


@dataclass(frozen=True)
class PackProject:
    submission: Submission
    entry: dict  # its row in the reader's view of the ranking
    reviews: list[PackReview]


@dataclass
class JuryPack:
    """The pack of `call` for one reader: the ranking (`result`, the reader's view of `run`) and the pages of the
    first `shortlist` projects."""

    call: Call
    run: CalibrationRun
    result: dict
    named: bool
    shortlist: int
    projects: list[PackProject]

    @property
    def restricted(self) -> bool:
        return bool(self.result.get("restricted"))

    @property
    def rows(self) -> list[dict]:
        return self.result["submissions"]

    def reviewer_codes(self) -> dict[int, tuple[str, str | None]]:
        """Reviewer id → (letters, name or None when the pack does not name reviewers), for those the reader
        sees."""
        return {r["id"]: (ranking.reviewer_code(i), r["name"] if self.named else None)
                for i, r in enumerate(self.result["reviewers"])}


def jury_pack(call: Call, *, hidden: frozenset[int], shortlist: int | None = None) -> JuryPack | None:
    """The pack of `call` for a reader recused from the projects `hidden`, with a page for each of the first
    `shortlist` projects of the ranking (`default_shortlist` when None); None while the call has no ranking."""
    run = ranking.latest(call)
    if run is None:
        return None
    result = ranking.view_without(run.result, hidden)
    size = min(max(1, shortlist if shortlist is not None else default_shortlist(call)), SHORTLIST_MAX)
    named = names_reviewers(call)
    chosen = result["submissions"][:size]
    chosen_ids = {p["id"] for p in chosen}
    submissions = {s.id: s for s in deliberation.projects(call) if s.id in chosen_ids}
    counted = {(r.submission_id, r.reviewer_id): r for r in reviews.counted_reviews(call)
               if r.submission_id in chosen_ids}
    positions = {r["id"]: i for i, r in enumerate(result["reviewers"])}
    names = {r["id"]: r["name"] for r in result["reviewers"]}
    by_project: dict[int, list[PackReview]] = {sid: [] for sid in chosen_ids}
    for r in result["reviews"]:
        if r["submission_id"] not in chosen_ids:
            continue
        review = counted.get((r["submission_id"], r["reviewer_id"]))
        by_project[r["submission_id"]].append(PackReview(
            reviewer_id=r["reviewer_id"], code=ranking.reviewer_code(positions.get(r["reviewer_id"], len(positions))),
            name=names.get(r["reviewer_id"]) if named else None, total=r["total"], corrected=r.get("corrected"),
            confidence=review.confidence if review is not None else None,
            comment=(review.comment_to_jury or "").strip() if review is not None else ""))
    pages = [PackProject(submission=submissions[p["id"]], entry=p,
                         reviews=sorted(by_project[p["id"]], key=lambda x: (positions.get(x.reviewer_id, 0))))
             for p in chosen if p["id"] in submissions]
    return JuryPack(call=call, run=run, result=result, named=named, shortlist=size, projects=pages)
