"""Assigning reviewers to a call's submissions: compute (as a run), adjust by hand, commit, repair.

The optimisation is `prizeapp.core.assignment`; this module feeds it the call's matrices (see
`review_pool`), stores what it proposes, explains infeasibility with references and names instead of
indices, and records everything in the audit log with the seed.
"""
from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..core import assignment as solver
from ..core import conflicts as conflicts_core
from ..core.conflicts import Reason
from ..enums import AssignmentRunStatus, AssignmentStatus, ReviewMode
from ..errors import RuleError
from ..extensions import db
from ..models import Assignment, AssignmentRun, Call, OutboxEmail, Submission, User
from ..models.types import utcnow
from . import audit, impartial, review_pool
from .outbox import queue_email

ACTIVE = (AssignmentStatus.PROPOSED, AssignmentStatus.COMMITTED)


class AssignmentError(RuleError):
    """A change the assignment's rules do not allow."""


class ConflictedPair(AssignmentError):
    """A manual addition refused: `reasons` says why the pair is conflicted (core Reason tuples)."""

    def __init__(self, reasons: list[Reason]) -> None:
        super().__init__("conflicted", reasons=reasons)
        self.reasons = reasons


class Infeasible(AssignmentError):
    """No assignment satisfies the constraints; `reasons` as `explain` gives them (code, params, English)."""

    def __init__(self, reasons: list[dict]) -> None:
        super().__init__("infeasible", reasons=reasons)
        self.reasons = reasons


def max_loads(inputs: review_pool.CallInputs) -> np.ndarray:
    """Each reviewer's maximum load: their own, else the call's, else ceil(k × submissions / reviewers) + 1."""
    call = inputs.call
    n, m = len(inputs.submissions), len(inputs.reviewers)
    default = call.reviewer_max_load
    if default is None:
        default = math.ceil(call.reviewers_per_submission * n / m) + 1 if m else 0
    loads = []
    for user in inputs.reviewers:
        member = inputs.members.get(user.id)
        loads.append(member.max_load if member is not None and member.max_load is not None else default)
    return np.array(loads, dtype=np.int64)


def balanced_min_loads(inputs: review_pool.CallInputs, loads: np.ndarray) -> np.ndarray:
    """Minimum loads that spread the reviews evenly: each reviewer takes at least the average, rounded
    down (or their own maximum, if lower)."""
    m = len(inputs.reviewers)
    average = inputs.call.reviewers_per_submission * len(inputs.submissions) // m if m else 0
    return np.minimum(loads, average)


def explain(messages: list, inputs: review_pool.CallInputs) -> list[dict]:
    """The solver's reasons and notes as plain data for the pages to say in their language: each has its
    `code`, its `params` with submission references and reviewer names in place of matrix indices, and an
    English `text` (kept in the run's error and the audit log)."""
    refs = [s.reference for s in inputs.submissions]
    names = [f"{u.full_name} <{u.email}>" for u in inputs.reviewers]

    def named(table: list[str], index: int) -> str:
        return table[index] if 0 <= index < len(table) else str(index)

    out = []
    for message in messages:
        code = getattr(message, "code", None)
        params = dict(getattr(message, "params", {}))
        for key, table in (("submission", refs), ("reviewer", names)):
            if key in params:
                params[key] = named(table, params[key])
            if key + "s" in params:
                params[key + "s"] = [named(table, i) for i in params[key + "s"]]
        out.append({"code": code, "params": params, "text": _english(str(message), refs, names)})
    return out


def _english(text: str, refs: list[str], names: list[str]) -> str:
    """The core's English sentence with references and names in place of indices."""
    def swap(numbers: str, table: list[str]) -> str:
        return re.sub(r"\d+", lambda m: table[int(m.group())] if int(m.group()) < len(table) else m.group(),
                      numbers)

    text = re.sub(r"fixed pair \((\d+), (\d+)\)",
                  lambda m: f"fixed pair ({swap(m.group(1), refs)}, {swap(m.group(2), names)})", text)
    text = re.sub(r"\b(submissions?) ((?:\d+, )*\d+)(?! in all)",
                  lambda m: f"{m.group(1)} {swap(m.group(2), refs)}", text)
    text = re.sub(r"\b(reviewers?) ((?:\d+, )*\d+)(?! in all)",
                  lambda m: f"{m.group(1)} {swap(m.group(2), names)}", text)
    return re.sub(r"without conflict \(((?:\d+, )*\d+)",
                  lambda m: f"without conflict ({swap(m.group(1), names)}", text)


def _active(call: Call) -> list[Assignment]:
    return list(db.session.scalars(db.select(Assignment).where(Assignment.call_id == call.id,
                                                               Assignment.status.in_(ACTIVE))
                                   .order_by(Assignment.id)))


# --- computing ------------------------------------------------------------------------------------------

def start_run(*, call: Call, actor: User, seed: int = 0, fairness: bool = False,
              connected: bool = False) -> AssignmentRun:
    """Queue a computation of the call's assignment (a worker then calls `run_assignment`)."""
    run = AssignmentRun(call_id=call.id, seed=seed, options={"fairness": fairness, "connected": connected},
                        status=AssignmentRunStatus.QUEUED, progress=0, created_by_id=actor.id)
    db.session.add(run)
    db.session.flush()
    audit.record(action=audit.AuditAction.ASSIGNMENT_RUN_QUEUED, actor=actor, obj=run, call=call,
                 details={"seed": seed, "options": run.options})
    return run


Report = Callable[[int], None]


def _flush(percent: int) -> None:
    db.session.flush()


def _progress(run: AssignmentRun, percent: int, report: Report) -> None:
    run.progress = percent
    report(percent)


def run_assignment(*, run: AssignmentRun, report: Report = _flush) -> AssignmentRun:
    """Compute the assignment of `run.call` and store it as proposed pairs (replacing earlier proposals).

    Only before anything is committed: afterwards, `reassign_after_changes` repairs the assignment instead.
    The run ends DONE with a summary in `run.result`, or FAILED with the reasons in `run.error` and
    `run.result["reasons"]`. `report(percent)` is called after each step with `run.progress` set: by default
    it flushes; the job worker passes one that commits, so that the organiser's page sees the progress.
    """
    call = run.call
    run.status, run.started_at, run.error = AssignmentRunStatus.RUNNING, utcnow(), None
    _progress(run, 5, report)
    inputs = review_pool.call_inputs(call)
    if any(a.status == AssignmentStatus.COMMITTED for a in _active(call)):
        return _fail(run, [solver.Explained("already_committed", "the assignment is already committed: re-assign "
                                            "after changes instead")], report, inputs)
    matrix = review_pool.conflict_matrix(call, inputs=inputs)
    # Peer prizes with an impartial selection: applicants review only projects of other groups.
    mask = _with_impartial_groups(call, inputs, matrix.mask)
    _progress(run, 30, report)
    affinity = review_pool.affinity_matrix(call, inputs=inputs)
    _progress(run, 50, report)
    k, loads = call.reviewers_per_submission, max_loads(inputs)
    options = {"fairness": bool(run.options.get("fairness")), "connected": bool(run.options.get("connected"))}
    results: list[solver.AssignmentResult] = []
    notes: list[solver.Explained] = []

    def attempt(min_load) -> None:
        def solve(mask: np.ndarray) -> np.ndarray:
            results.append(solver.assign(affinity.scores, mask, k, loads, min_load, seed=run.seed, **options))
            return results[-1].pairs

        if call.review_mode == ReviewMode.PEER:
            conflicts_core.avoid_reciprocity(solve, mask, matrix.team, affinity=affinity.scores)
        else:
            solve(mask)

    try:
        try:
            attempt(balanced_min_loads(inputs, loads))
        except solver.InfeasibleAssignment:
            # Conflicts can make even loads impossible; an uneven assignment is better than none.
            notes.append(solver.Explained("loads_unbalanced", "loads could not be balanced: some reviewers have "
                                          "fewer reviews than the average"))
            attempt(0)
    except solver.InfeasibleAssignment as error:
        return _fail(run, error.reasons, report, inputs)
    except RuntimeError as error:  # peer prizes: reciprocal pairs the loop could not remove
        return _fail(run, [solver.Explained("reciprocity", str(error))], report, inputs)
    result = results[-1]
    result.notes = notes + result.notes
    _progress(run, 90, report)
    for old in db.session.scalars(db.select(Assignment).where(Assignment.call_id == call.id,
                                                              Assignment.status == AssignmentStatus.PROPOSED)):
        db.session.delete(old)
    db.session.flush()
    for s, r in result.pairs.tolist():
        db.session.add(Assignment(call_id=call.id, submission_id=inputs.submissions[s].id,
                                  reviewer_id=inputs.reviewers[r].id, status=AssignmentStatus.PROPOSED,
                                  run_id=run.id, seed=run.seed))
    run.result = _summary(result, matrix, affinity.scores, inputs, loads, solves=len(results))
    run.status, run.finished_at = AssignmentRunStatus.DONE, utcnow()
    _progress(run, 100, report)
    audit.record(action=audit.AuditAction.ASSIGNMENT_RUN_DONE, obj=run, call=call,
                 details={"seed": run.seed, "options": options, "pairs": len(result.pairs),
                          "objective": result.objective})
    return run


def _with_impartial_groups(call: Call, inputs: review_pool.CallInputs, mask: np.ndarray) -> np.ndarray:
    """The conflict mask, plus every same-group pair when the call uses the impartial selection (see
    services.impartial; the conflicts summary still counts the call's own conflicts only)."""
    extra = impartial.extra_conflicts(call, inputs)
    return mask if extra is None else mask | extra


def _fail(run: AssignmentRun, messages: list, report: Report, inputs: review_pool.CallInputs) -> AssignmentRun:
    reasons = explain(messages, inputs)
    run.status, run.finished_at = AssignmentRunStatus.FAILED, utcnow()
    run.error = "; ".join(reason["text"] for reason in reasons)
    run.result = {"reasons": reasons}
    _progress(run, 100, report)
    audit.record(action=audit.AuditAction.ASSIGNMENT_RUN_FAILED, obj=run, call=run.call, details={"seed": run.seed,
                                                                                "reasons": reasons})
    return run


def _summary(result: solver.AssignmentResult, matrix: conflicts_core.ConflictMatrix, scores: np.ndarray,
             inputs: review_pool.CallInputs, loads: np.ndarray, *, solves: int) -> dict:
    """What the preview shows: loads, affinity distribution, worst-off submissions, conflicts avoided,
    connectivity of the review graph."""
    values = scores[result.pairs[:, 0], result.pairs[:, 1]] if len(result.pairs) else np.zeros(0)
    histogram = np.histogram(values, bins=10, range=(0.0, 1.0))[0].tolist()
    order = np.argsort(result.submission_totals, kind="stable")[:5]
    return {
        "objective": result.objective,
        "optimal": result.optimal,
        "pairs": len(result.pairs),
        "solves": solves,
        "loads": [{"reviewer_id": u.id, "name": u.full_name, "load": int(result.loads[j]),
                   "max_load": int(loads[j])} for j, u in enumerate(inputs.reviewers)],
        "affinity": {
            "min": float(values.min()) if values.size else 0.0,
            "median": float(np.median(values)) if values.size else 0.0,
            "mean": float(values.mean()) if values.size else 0.0,
            "max": float(values.max()) if values.size else 0.0,
            "histogram": histogram,  # 10 bins over [0, 1]
        },
        "worst_off": [{"submission_id": inputs.submissions[i].id, "reference": inputs.submissions[i].reference,
                       "total": float(result.submission_totals[i])} for i in order.tolist()],
        "conflicts_avoided": {"pairs": int(matrix.mask.sum()),
                              "by_reason": dict(sorted(conflicts_core.reasons_by_code(
                                  matrix, matrix.conflicted_pairs().tolist()).items()))},
        "components": result.components,
        "component_sizes": result.component_sizes,
        "idle_reviewers": result.idle_reviewers,
        "fairness_status": explain([result.fairness_status], inputs)[0],
        "notes": explain(result.notes, inputs),
    }


# --- committing -----------------------------------------------------------------------------------------

def commit_assignment(*, call: Call, actor: User, notify: bool = True) -> list[OutboxEmail]:
    """Commit every proposed pair; each reviewer with new assignments gets ONE email listing all of theirs
    (unless `notify` is False: the demo's fictitious reviewers get none)."""
    proposed = [a for a in _active(call) if a.status == AssignmentStatus.PROPOSED]
    if not proposed:
        raise AssignmentError("nothing_to_commit")
    now = utcnow()
    for a in proposed:
        a.status, a.committed_at = AssignmentStatus.COMMITTED, now
    db.session.flush()
    notified = sorted({a.reviewer_id for a in proposed})
    by_reviewer: dict[int, list[Submission]] = defaultdict(list)
    for a in _active(call):  # the email lists all their assignments, earlier committed ones included
        by_reviewer[a.reviewer_id].append(a.submission)
    emails = []
    for reviewer_id in notified if notify else ():
        reviewer = db.session.get(User, reviewer_id)
        submissions = sorted(by_reviewer[reviewer_id], key=lambda s: s.reference)
        emails.append(queue_email(kind="assignments", to=reviewer, call=call,
                                  context={"call": call, "submissions": submissions}))
    audit.record(action=audit.AuditAction.ASSIGNMENT_COMMITTED, actor=actor, obj=call, call=call,
                 details={"pairs": len(proposed), "reviewers": len(notified),
                          "seeds": sorted({a.seed for a in proposed if a.seed is not None})})
    return emails


# --- by hand --------------------------------------------------------------------------------------------

def add_pair(*, call: Call, submission: Submission, reviewer: User, actor: User) -> Assignment:
    """Add a pair by hand, as proposed. A conflicted pair is refused with its reasons (ConflictedPair)."""
    inputs = review_pool.call_inputs(call)
    if submission.id not in inputs.submission_ids:
        raise AssignmentError("not_submitted")
    if reviewer.id not in inputs.reviewer_ids:
        raise AssignmentError("not_a_reviewer")
    reasons = review_pool.conflict_matrix(call, inputs=inputs).reasons_for(submission.id, reviewer.id)
    if reasons:
        raise ConflictedPair(reasons)
    existing = db.session.scalar(db.select(Assignment).where(Assignment.submission_id == submission.id,
                                                             Assignment.reviewer_id == reviewer.id))
    if existing is not None:
        raise AssignmentError("declined" if existing.status == AssignmentStatus.DECLINED else "already_assigned")
    assignment = Assignment(call_id=call.id, submission_id=submission.id, reviewer_id=reviewer.id,
                            status=AssignmentStatus.PROPOSED)
    db.session.add(assignment)
    db.session.flush()
    audit.record(action=audit.AuditAction.ASSIGNMENT_ADDED, actor=actor, obj=assignment, call=call,
                 details={"submission_id": submission.id, "reviewer_id": reviewer.id})
    return assignment


def remove_pair(*, assignment: Assignment, actor: User) -> None:
    """Remove a pair by hand; a started review stays."""
    if assignment.started_at is not None:
        raise AssignmentError("review_started")
    audit.record(action=audit.AuditAction.ASSIGNMENT_REMOVED, actor=actor, obj=assignment,
                 call=assignment.submission.call,
                 details={"submission_id": assignment.submission_id, "reviewer_id": assignment.reviewer_id,
                          "status": assignment.status.value})
    db.session.delete(assignment)
    db.session.flush()


def decline(*, assignment: Assignment, reviewer: User, reason: str = "") -> None:
    """The reviewer declines one of their committed assignments, before starting it (the optional reason
    goes to the audit log, for the organisers)."""
    if assignment.reviewer_id != reviewer.id:
        raise AssignmentError("not_your_assignment")
    if assignment.status != AssignmentStatus.COMMITTED:
        raise AssignmentError("not_committed")
    if assignment.started_at is not None:
        raise AssignmentError("review_started")
    assignment.status, assignment.declined_at = AssignmentStatus.DECLINED, utcnow()
    db.session.flush()
    audit.record(action=audit.AuditAction.ASSIGNMENT_DECLINED, actor=reviewer, obj=assignment,
                 call=assignment.submission.call,
                 details={"submission_id": assignment.submission_id, "reason": reason.strip()})


# --- repairing ------------------------------------------------------------------------------------------

@dataclass
class Reassignment:
    added: list[Assignment] = field(default_factory=list)  # new pairs, proposed
    removed: list[tuple[int, int]] = field(default_factory=list)  # (submission id, reviewer id)


def reassign_after_changes(*, call: Call, actor: User, seed: int = 0) -> Reassignment:
    """Repair the assignment after declines, new conflicts, withdrawn projects or reviewers who left:
    started reviews stay, as many other pairs as possible stay, and the new pairs are proposed (commit them
    to notify their reviewers). Raises Infeasible with readable reasons."""
    inputs = review_pool.call_inputs(call)
    matrix = review_pool.conflict_matrix(call, inputs=inputs)
    affinity = review_pool.affinity_matrix(call, inputs=inputs)
    mask = _with_impartial_groups(call, inputs, matrix.mask.copy())
    s_index, r_index = matrix.submission_index, matrix.reviewer_index
    declined = db.session.scalars(db.select(Assignment).where(Assignment.call_id == call.id,
                                                              Assignment.status == AssignmentStatus.DECLINED))
    for a in declined:
        if a.submission_id in s_index and a.reviewer_id in r_index:
            mask[s_index[a.submission_id], r_index[a.reviewer_id]] = True
    active = _active(call)
    in_matrix = [a for a in active if a.submission_id in s_index and a.reviewer_id in r_index]
    outside = [a for a in active if a not in in_matrix and a.started_at is None]
    previous = np.array([(s_index[a.submission_id], r_index[a.reviewer_id]) for a in in_matrix],
                        dtype=np.int64).reshape(-1, 2)
    keep = np.array([(s_index[a.submission_id], r_index[a.reviewer_id]) for a in in_matrix
                     if a.started_at is not None], dtype=np.int64).reshape(-1, 2)
    if call.review_mode == ReviewMode.PEER and len(keep):
        forbidden = conflicts_core.reciprocity_forbidden(keep, matrix.team)
        if len(forbidden):
            mask[forbidden[:, 0], forbidden[:, 1]] = True
    try:
        result = solver.reassign(previous, affinity.scores, mask, call.reviewers_per_submission,
                                 max_loads(inputs), keep=keep if len(keep) else None, seed=seed)
    except solver.InfeasibleAssignment as error:
        raise Infeasible(explain(error.reasons, inputs)) from error
    by_pair = {(a.submission_id, a.reviewer_id): a for a in in_matrix}
    change = Reassignment()
    for a in outside:
        change.removed.append((a.submission_id, a.reviewer_id))
        db.session.delete(a)
    for s, r in result.dropped_pairs.tolist():
        a = by_pair[(inputs.submissions[s].id, inputs.reviewers[r].id)]
        change.removed.append((a.submission_id, a.reviewer_id))
        db.session.delete(a)
    db.session.flush()
    for s, r in result.added_pairs.tolist():
        a = Assignment(call_id=call.id, submission_id=inputs.submissions[s].id, reviewer_id=inputs.reviewers[r].id,
                       status=AssignmentStatus.PROPOSED, seed=seed)
        db.session.add(a)
        change.added.append(a)
    db.session.flush()
    audit.record(action=audit.AuditAction.ASSIGNMENT_REASSIGNED, actor=actor, obj=call, call=call,
                 details={"seed": seed, "removed": [list(p) for p in change.removed],
                          "added": [[a.submission_id, a.reviewer_id] for a in change.added]})
    return change
