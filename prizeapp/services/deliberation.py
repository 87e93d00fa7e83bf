"""The jury's deliberation: recusals, votes, final decisions and the record of the meeting.

A jury member is set aside from a project (recused) when they say so, when an organiser says so (with a
reason), or automatically when they are in its team or conflicted with it by the reviewers' conflict rules
(`review_pool.conflict_matrix`; organisers are not set aside by those rules). `hidden_from` is the one rule:
the jury's pages, their exports, the per-project permission (`permissions.is_recused`) and the votes all
ask it. A recused person sees nothing of the project in the jury's pages and does not vote on it. Votes and
decisions can be changed until the results are published (`Call.results_published_at`); every change is
written to the audit log with what it was before and after.

The record of a meeting (`record`, shown on the screen and printed as the PDF to sign from the same template)
counts only the votes of the jury members present, each on the projects they are not recused from
(`meeting_tally`), and names the members whose votes it leaves out.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy.orm import selectinload

from ..core.conflicts import Reason
from ..enums import CalibrationStatus, CallRoleKind, DecisionOutcome, MemberRole, VoteChoice
from ..errors import RuleError
from ..extensions import db
from ..models import CalibrationRun, Call, CallRole, Submission, SubmissionMember, User
from ..models.decision import Decision, Deliberation, JuryVote, Recusal
from ..models.types import utcnow
from . import audit, review_pool


class DeliberationError(RuleError):
    """A change the deliberation's rules do not allow."""


def _still_open(call: Call) -> None:
    if call.results_published_at is not None:
        raise DeliberationError("results_published")


# --- who deliberates on what ---------------------------------------------------------------------------

def jury_members(call: Call) -> list[User]:
    """The call's jury, by name."""
    return list(db.session.scalars(
        db.select(User).join(CallRole, CallRole.user_id == User.id)
        .where(CallRole.call_id == call.id, CallRole.role == CallRoleKind.JURY)
        .distinct().order_by(User.last_name, User.first_name, User.id)))


def projects(call: Call) -> list[Submission]:
    """The projects the jury deliberates on: every project of `call` submitted at least once, by reference."""
    return list(db.session.scalars(
        db.select(Submission).where(Submission.call_id == call.id, Submission.submitted_at.is_not(None))
        .options(selectinload(Submission.members)).order_by(Submission.reference, Submission.id)))


def organises(call: Call, user: User) -> bool:
    """Whether `user` organises `call` (administrators organise every call): `permissions.is_organiser`."""
    if getattr(user, "is_admin", False):
        return True
    return db.session.scalar(db.select(CallRole.id).where(
        CallRole.call_id == call.id, CallRole.user_id == user.id,
        CallRole.role == CallRoleKind.ORGANISER).limit(1)) is not None


def automatic_recusals(call: Call, user: User, *, submissions: list[Submission] | None = None,
                       organiser: bool | None = None) -> dict[int, list[Reason]]:
    """Submission id → why `user` is set aside from it without anyone asking: in its team, always; conflicted
    with it by the conflict rules, unless they organise the call (they run it and see its projects whole in
    their own pages; rules such as "same organisation" would otherwise set them aside from most projects).

    For every project of the call at once, or only for `submissions` (projects of `call`): the answer for a
    project does not depend on which others are asked about. `organiser`: whether `user` organises the
    call, when the caller knows it already (looked up otherwise)."""
    if organiser is None:
        organiser = organises(call, user)
    if organiser and submissions is None:  # only their team's projects: one query, not every project
        return {sid: [_team_reason(user, role)] for sid, role in db.session.execute(
            db.select(SubmissionMember.submission_id, SubmissionMember.role)
            .join(Submission, Submission.id == SubmissionMember.submission_id)
            .where(Submission.call_id == call.id, Submission.submitted_at.is_not(None),
                   SubmissionMember.user_id == user.id))}
    items = projects(call) if submissions is None else list(submissions)
    if not items:
        return {}
    found = {} if organiser else _conflicts(call, user, items)
    for s in items:  # the team always, whatever the rules say
        if not found.get(s.id):
            member = next((m for m in s.members if m.user_id == user.id), None)
            if member is not None:
                found[s.id] = [_team_reason(user, member.role)]
    return {sid: reasons for sid, reasons in found.items() if reasons}


def _team_reason(user: User, role: MemberRole) -> Reason:
    return Reason("author" if role == MemberRole.LEAD else "team_member", {"person_id": user.id})


def _conflicts(call: Call, user: User, items: list[Submission]) -> dict[int, list[Reason]]:
    """The conflict rules' reasons between `user` and each of `items`: one matrix, one row per project."""
    asked = [s.id for s in items]
    inputs = review_pool.CallInputs(call=call, submissions=list(items), reviewers=[user],
                                    members=review_pool.pool_members(call))
    matrix = review_pool.conflict_matrix(call, inputs=inputs, partial=True)
    return {sid: matrix.reasons_for(sid, user.id) for sid in asked}


def recorded_recusals(call: Call) -> list[Recusal]:
    return list(db.session.scalars(db.select(Recusal).where(Recusal.call_id == call.id)
                                   .options(selectinload(Recusal.submission), selectinload(Recusal.jury_member))
                                   .order_by(Recusal.created_at, Recusal.id)))


def hidden_from(call: Call, user: User, *, submissions: list[Submission] | None = None,
                organiser: bool | None = None) -> set[int]:
    """Ids of the projects `user` is recused from: a recusal recorded for them (by themselves or by an
    organiser), or an automatic one (`automatic_recusals`: their team's projects, and for anyone who does not
    organise the call, the projects the conflict rules set them aside from). Among every project of `call`,
    or among `submissions` only (one project for a permission check: one row of the conflict matrix).
    `organiser`: whether `user` organises the call, when the caller knows it already."""
    query = db.select(Recusal.submission_id).where(Recusal.call_id == call.id, Recusal.jury_member_id == user.id)
    if submissions is not None:
        items = list(submissions)
        if not items:
            return set()
        query = query.where(Recusal.submission_id.in_([s.id for s in items]))
    recorded = set(db.session.scalars(query))
    return recorded | set(automatic_recusals(call, user, submissions=submissions, organiser=organiser))


@dataclass
class RecusalRow:
    """One jury member set aside from one project, for the organisers' pages and the record."""

    jury_member: User
    submission: Submission
    reason: str = ""
    codes: list[str] = field(default_factory=list)  # automatic: the conflict rules' codes
    recusal: Recusal | None = None  # recorded: by themselves or by an organiser
    recused_by: User | None = None

    @property
    def automatic(self) -> bool:
        return self.recusal is None


def all_recusals(call: Call) -> list[RecusalRow]:
    """Every recusal of the call's jury, recorded ones first in the order they were made, then the automatic
    ones by jury member and project (a recorded recusal hides the automatic one of the same pair)."""
    rows: list[RecusalRow] = []
    seen: set[tuple[int, int]] = set()
    people = {u.id: u for u in db.session.scalars(db.select(User).where(User.id.in_(
        db.select(Recusal.recused_by_id).where(Recusal.call_id == call.id))))}
    for r in recorded_recusals(call):
        rows.append(RecusalRow(jury_member=r.jury_member, submission=r.submission, reason=r.reason, recusal=r,
                               recused_by=people.get(r.recused_by_id)))
        seen.add((r.jury_member_id, r.submission_id))
    by_id = {s.id: s for s in projects(call)}
    for member in jury_members(call):
        for sid, reasons in sorted(automatic_recusals(call, member).items(),
                                   key=lambda item: by_id[item[0]].reference):
            if (member.id, sid) not in seen:
                rows.append(RecusalRow(jury_member=member, submission=by_id[sid],
                                       codes=list(dict.fromkeys(r.code for r in reasons))))
    return rows


def recuse(*, submission: Submission, jury_member: User, actor: User, reason: str = "") -> Recusal:
    """Set `jury_member` aside from `submission`: by themselves (reason optional) or by an organiser (reason
    required: the caller checks who may). Recusing twice keeps the first record."""
    call = submission.call
    _still_open(call)
    reason = (reason or "").strip()
    if actor.id != jury_member.id and not reason:
        raise DeliberationError("reason_required")
    if not db.session.scalar(db.select(CallRole.id).where(CallRole.call_id == call.id,
                                                          CallRole.user_id == jury_member.id,
                                                          CallRole.role == CallRoleKind.JURY).limit(1)):
        raise DeliberationError("not_in_jury")
    existing = db.session.scalar(db.select(Recusal).where(Recusal.submission_id == submission.id,
                                                          Recusal.jury_member_id == jury_member.id))
    if existing is not None:
        raise DeliberationError("already_recused")
    recusal = Recusal(call_id=call.id, submission_id=submission.id, jury_member_id=jury_member.id, reason=reason,
                      recused_by_id=actor.id)
    db.session.add(recusal)
    # A recused member's vote on the project no longer counts.
    vote = db.session.scalar(db.select(JuryVote).where(JuryVote.submission_id == submission.id,
                                                       JuryVote.jury_member_id == jury_member.id))
    dropped = None
    if vote is not None:
        dropped = {"choice": vote.choice.value, "comment": vote.comment}
        db.session.delete(vote)
    db.session.flush()
    audit.record(action=audit.AuditAction.DELIBERATION_RECUSED, actor=actor, obj=recusal, call=call,
                 details={"submission_id": submission.id, "jury_member_id": jury_member.id,
                          "by_themselves": actor.id == jury_member.id,
                          "before": {"recused": False, "vote": dropped},
                          "after": {"recused": True, "reason": reason}})
    return recusal


def lift_recusal(*, recusal: Recusal, actor: User) -> None:
    """An organiser removes a recorded recusal (made by mistake); automatic ones cannot be lifted here."""
    call = db.session.get(Call, recusal.call_id)
    _still_open(call)
    audit.record(action=audit.AuditAction.DELIBERATION_RECUSAL_LIFTED, actor=actor, obj=recusal, call=call,
                 details={"submission_id": recusal.submission_id, "jury_member_id": recusal.jury_member_id,
                          "before": {"recused": True, "reason": recusal.reason}, "after": {"recused": False}})
    db.session.delete(recusal)
    db.session.flush()


# --- votes ----------------------------------------------------------------------------------------------

def record_vote(*, submission: Submission, jury_member: User, choice: VoteChoice, comment: str = "") -> JuryVote:
    """A jury member's preference for one project, recorded or changed until the results are published;
    never on a project they are recused from."""
    call = submission.call
    _still_open(call)
    if hidden_from(call, jury_member, submissions=[submission]):
        raise DeliberationError("recused")
    vote = db.session.scalar(db.select(JuryVote).where(JuryVote.submission_id == submission.id,
                                                       JuryVote.jury_member_id == jury_member.id))
    before = {"choice": vote.choice.value, "comment": vote.comment} if vote is not None else None
    if vote is None:
        vote = JuryVote(call_id=call.id, submission_id=submission.id, jury_member_id=jury_member.id)
        db.session.add(vote)
    vote.choice, vote.comment, vote.updated_at = VoteChoice(choice), (comment or "").strip(), utcnow()
    db.session.flush()
    audit.record(action=audit.AuditAction.DELIBERATION_VOTED, actor=jury_member, obj=vote, call=call,
                 details={"submission_id": submission.id, "before": before,
                          "after": {"choice": vote.choice.value, "comment": vote.comment}})
    return vote


def record_votes(*, call: Call, jury_member: User,
                 choices: dict[int, tuple[VoteChoice | str, str | None]]) -> list[JuryVote]:
    """A jury member's votes on several projects of `call` at once (submission id → choice and comment; a
    comment of None keeps the one recorded): all or nothing, by the rules of `record_vote` — until the results
    are published, never on a project they are recused from, only on the call's projects. Returns the votes
    that changed; an unchanged one is neither written again nor audited."""
    _still_open(call)
    if not choices:
        return []
    items = list(db.session.scalars(db.select(Submission).where(
        Submission.call_id == call.id, Submission.submitted_at.is_not(None), Submission.id.in_(list(choices)))))
    if len(items) != len(choices):
        raise DeliberationError("not_in_call")
    if hidden_from(call, jury_member, submissions=items):
        raise DeliberationError("recused")
    existing = {v.submission_id: v for v in db.session.scalars(db.select(JuryVote).where(
        JuryVote.call_id == call.id, JuryVote.jury_member_id == jury_member.id,
        JuryVote.submission_id.in_(list(choices))))}
    changed = []
    for submission in sorted(items, key=lambda s: s.id):
        choice, comment = choices[submission.id]
        vote = existing.get(submission.id)
        comment = (vote.comment if vote is not None else "") if comment is None else comment.strip()
        if vote is not None and vote.choice == VoteChoice(choice) and vote.comment == comment:
            continue
        before = {"choice": vote.choice.value, "comment": vote.comment} if vote is not None else None
        if vote is None:
            vote = JuryVote(call_id=call.id, submission_id=submission.id, jury_member_id=jury_member.id)
            db.session.add(vote)
        vote.choice, vote.comment, vote.updated_at = VoteChoice(choice), comment, utcnow()
        db.session.flush()
        audit.record(action=audit.AuditAction.DELIBERATION_VOTED, actor=jury_member, obj=vote, call=call,
                     details={"submission_id": submission.id, "before": before,
                              "after": {"choice": vote.choice.value, "comment": vote.comment}})
        changed.append(vote)
    return changed


def votes_of(call: Call, user: User) -> dict[int, JuryVote]:
    """Submission id → `user`'s vote."""
    return {v.submission_id: v for v in db.session.scalars(db.select(JuryVote).where(
        JuryVote.call_id == call.id, JuryVote.jury_member_id == user.id))}


@dataclass
class Tally:
    """The jury's votes on one project: counts per choice and the votes counted (with their authors), by
    name; `not_counted`, the votes a record leaves out (members absent from the meeting, or recused)."""

    counts: dict[VoteChoice, int]
    votes: list[JuryVote]
    not_counted: list[JuryVote] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.votes)


def tally(call: Call, *, counted: Callable[[JuryVote], bool] | None = None) -> dict[int, Tally]:
    """Submission id → its tally; every project of the call has one, possibly empty. With `counted`, only the
    votes it accepts are counted, the others kept in `not_counted`."""
    votes = list(db.session.scalars(db.select(JuryVote).where(JuryVote.call_id == call.id)
                                    .options(selectinload(JuryVote.jury_member))
                                    .order_by(JuryVote.submission_id, JuryVote.id)))
    result = {s.id: Tally(counts={c: 0 for c in VoteChoice}, votes=[]) for s in projects(call)}
    for vote in votes:
        entry = result.setdefault(vote.submission_id, Tally(counts={c: 0 for c in VoteChoice}, votes=[]))
        (entry.votes if counted is None or counted(vote) else entry.not_counted).append(vote)
    for entry in result.values():
        entry.counts.update(Counter(v.choice for v in entry.votes))
        for listed in (entry.votes, entry.not_counted):
            listed.sort(key=lambda v: (v.jury_member.last_name, v.jury_member.first_name))
    return result


def meeting_tally(call: Call, deliberation: Deliberation, *, members: list[User] | None = None) -> dict[int, Tally]:
    """The tally the record of `deliberation` gives: only the votes of the jury members present at the meeting
    count, each on the projects they are not recused from (recorded or automatic: `hidden_from`); the votes of
    absent members are kept aside, in `not_counted`. `members`: the call's jury, when the caller has it."""
    members = jury_members(call) if members is None else members
    present = set(deliberation.present_ids or [])
    return _tally_of(call, [m for m in members if m.id in present])


def standing_tally(call: Call) -> dict[int, Tally]:
    """The tally the ranking shows the jury: the votes of the call's jury members, each on the projects they
    are not recused from (a vote cast before a recusal no longer counts; a former member's neither)."""
    return _tally_of(call, jury_members(call))


def _tally_of(call: Call, members: list[User]) -> dict[int, Tally]:
    hidden = {m.id: hidden_from(call, m) for m in members}
    return tally(call, counted=lambda v: v.jury_member_id in hidden and v.submission_id not in hidden[v.jury_member_id])


# --- decisions ------------------------------------------------------------------------------------------

def _decision_state(decision: Decision | None) -> dict | None:
    if decision is None:
        return None
    return {"outcome": decision.outcome.value, "prize": decision.prize,
            "amount": str(decision.amount) if decision.amount is not None else None, "reason": decision.reason}


def record_decision(*, submission: Submission, actor: User, outcome: DecisionOutcome, reason: str,
                    prize: str = "", amount: Decimal | None = None) -> Decision:
    """The final decision on one project, with its reason to the applicants (required); a prize label
    and/or an amount in euros for laureates only. Revisable until the results are published."""
    call = submission.call
    _still_open(call)
    outcome = DecisionOutcome(outcome)
    reason, prize = (reason or "").strip(), (prize or "").strip()
    codes = []
    if not reason:
        codes.append("reason_required")
    if amount is not None and amount < 0:
        codes.append("negative_amount")
    if codes:
        raise DeliberationError(*codes)
    if outcome != DecisionOutcome.LAUREATE:
        prize, amount = "", None  # only laureates receive a prize
    decision = db.session.scalar(db.select(Decision).where(Decision.submission_id == submission.id))
    before = _decision_state(decision)
    now = utcnow()
    if decision is None:
        decision = Decision(call_id=call.id, submission_id=submission.id, decided_at=now)
        db.session.add(decision)
    decision.outcome, decision.reason, decision.prize, decision.amount = outcome, reason, prize, amount
    decision.decided_by_id, decision.updated_at = actor.id, now
    after = _decision_state(decision)
    db.session.flush()
    if before != after:
        audit.record(action=audit.AuditAction.DELIBERATION_DECIDED if before is None else
                     audit.AuditAction.DELIBERATION_DECISION_REVISED,
                     actor=actor, obj=decision, call=call,
                     details={"submission_id": submission.id, "before": before, "after": after})
    return decision


def draft_from_ranking(*, call: Call, actor: User, laureates: int, mentions: int, reasons: dict[DecisionOutcome, str],
                       run: CalibrationRun | None) -> int:
    """Decide, in one step, every project still without a decision from the ranking `run`, so that there are
    `laureates` laureates and `mentions` honourable mentions in all: the best-ranked undecided projects fill
    the places the recorded decisions leave, the others are not selected; each gets the reason given for its
    outcome. Decisions already recorded are kept. A starting point the organisers then revise project by
    project. Returns how many decisions were recorded."""
    _still_open(call)
    if laureates < 0 or mentions < 0:
        raise DeliberationError("negative_count")
    if any(not (reasons.get(outcome) or "").strip() for outcome in DecisionOutcome):
        raise DeliberationError("reason_required")
    existing = decisions(call)
    places = {DecisionOutcome.LAUREATE: laureates, DecisionOutcome.MENTION: mentions}
    for decision in existing.values():
        if decision.outcome in places:
            places[decision.outcome] = max(0, places[decision.outcome] - 1)
    recorded = 0
    for submission, entry in in_ranking_order(call, run):
        if submission.id in existing or entry is None:
            continue  # decided already, or not in the ranking (no review): left to the organisers
        outcome = next((o for o in (DecisionOutcome.LAUREATE, DecisionOutcome.MENTION) if places[o] > 0),
                       DecisionOutcome.NOT_SELECTED)
        if outcome in places:
            places[outcome] -= 1
        record_decision(submission=submission, actor=actor, outcome=outcome, reason=reasons[outcome])
        recorded += 1
    audit.record(action=audit.AuditAction.DELIBERATION_DRAFTED_FROM_RANKING, actor=actor, obj=call, call=call,
                 details={"laureates": laureates, "mentions": mentions, "recorded": recorded,
                          "calibration_run_id": run.id if run is not None else None})
    return recorded


def decisions(call: Call) -> dict[int, Decision]:
    """Submission id → its decision."""
    return {d.submission_id: d for d in db.session.scalars(db.select(Decision).where(Decision.call_id == call.id))}


def laureate_count(call: Call) -> int:
    return db.session.scalar(db.select(db.func.count(Decision.id)).where(
        Decision.call_id == call.id, Decision.outcome == DecisionOutcome.LAUREATE)) or 0


def in_ranking_order(call: Call, run: CalibrationRun | None) -> list[tuple[Submission, dict | None]]:
    """The call's projects with their entry in the ranking `run` (usually `ranking.latest(call)`): ranked
    ones in calibrated-rank order, then the others by reference."""
    entries = {p["id"]: p for p in run.result["submissions"]} if run is not None else {}
    items = projects(call)
    return sorted(((s, entries.get(s.id)) for s in items),
                  key=lambda item: (item[1] is None, item[1]["rank"] if item[1] else 0, item[0].reference))


# --- the record of the meeting --------------------------------------------------------------------------

def done_runs(call: Call) -> list[CalibrationRun]:
    """The call's finished rankings, newest first (the record's choices)."""
    return list(db.session.scalars(db.select(CalibrationRun).where(
        CalibrationRun.call_id == call.id, CalibrationRun.status == CalibrationStatus.DONE)
        .order_by(CalibrationRun.id.desc())))


def record_deliberation(*, call: Call, actor: User, held_at: datetime, present_ids: list[int],
                        calibration_run: CalibrationRun | None, notes: str = "",
                        deliberation: Deliberation | None = None) -> Deliberation:
    """Record (or correct) the jury's meeting: when (UTC), which jury members were there, which ranking was
    used, notes."""
    members = {u.id for u in jury_members(call)}
    codes = []
    if not present_ids:
        codes.append("nobody_present")
    if set(present_ids) - members:
        codes.append("not_in_jury")
    if calibration_run is not None and (calibration_run.call_id != call.id
                                        or calibration_run.status != CalibrationStatus.DONE):
        codes.append("unknown_run")
    if codes:
        raise DeliberationError(*codes)
    before = None
    if deliberation is None:
        deliberation = Deliberation(call_id=call.id, recorded_by_id=actor.id)
        db.session.add(deliberation)
    else:
        before = _deliberation_state(deliberation)
    deliberation.held_at, deliberation.present_ids = held_at, sorted(set(present_ids))
    deliberation.calibration_run_id = calibration_run.id if calibration_run is not None else None
    deliberation.notes = (notes or "").strip()
    db.session.flush()
    audit.record(action=audit.AuditAction.DELIBERATION_RECORDED if before is None else
                 audit.AuditAction.DELIBERATION_RECORD_REVISED,
                 actor=actor, obj=deliberation, call=call,
                 details={"before": before, "after": _deliberation_state(deliberation)})
    return deliberation


def _deliberation_state(d: Deliberation) -> dict:
    return {"held_at": d.held_at.isoformat() if d.held_at else None, "present_ids": list(d.present_ids or []),
            "calibration_run_id": d.calibration_run_id, "notes": d.notes}


def latest_deliberation(call: Call) -> Deliberation | None:
    return db.session.scalar(db.select(Deliberation).where(Deliberation.call_id == call.id)
                             .order_by(Deliberation.held_at.desc(), Deliberation.id.desc()).limit(1))


@dataclass(frozen=True)
class RankingUsed:
    """The ranking a meeting deliberated from, as the record describes it in words."""

    run: CalibrationRun
    seed: int  # the random draws are fixed by it: computing again gives the same ranking
    places: int | None  # each project's chance of being among this many laureates was estimated
    projects: int
    reviews: int
    reviewers_left_out: int

    @classmethod
    def of(cls, run: CalibrationRun) -> RankingUsed:
        result, params = run.result or {}, run.params or {}
        return cls(run=run, seed=int(result.get("seed", params.get("seed", 0)) or 0),
                   places=result.get("top_k", params.get("top_k")), projects=len(result.get("submissions", [])),
                   reviews=len(result.get("reviews", [])),
                   reviewers_left_out=len(result.get("excluded_reviewer_ids", [])))


class RecordRow(NamedTuple):
    """One project in the record: its entry in the ranking used, the meeting's tally, its decision."""

    submission: Submission
    entry: dict | None
    tally: Tally
    decision: Decision | None


@dataclass(frozen=True)
class NotCounted:
    """A jury member whose votes the record leaves out, and how many: absent from the meeting, or recused."""

    member: User
    votes: int
    absent: bool


@dataclass
class Record:
    """Everything the record of a deliberation shows, on the screen and in its PDF, read from the data."""

    call: Call
    deliberation: Deliberation
    present: list[User]
    absent: list[User]
    run: CalibrationRun | None
    ranking: RankingUsed | None
    recusals: list[RecusalRow]
    rows: list[RecordRow]
    not_counted: list[NotCounted]
    recorder: User | None
    generated_at: datetime

    @property
    def outcomes(self) -> dict[DecisionOutcome, int]:
        """How many projects got each outcome."""
        found = Counter(row.decision.outcome for row in self.rows if row.decision is not None)
        return {outcome: found[outcome] for outcome in DecisionOutcome}

    @property
    def undecided(self) -> int:
        return sum(1 for row in self.rows if row.decision is None)

    @property
    def laureates(self) -> list[RecordRow]:
        """The laureates, in the order of the ranking used."""
        return [row for row in self.rows if row.decision is not None
                and row.decision.outcome == DecisionOutcome.LAUREATE]

    @property
    def votes_counted(self) -> int:
        return sum(row.tally.total for row in self.rows)


def record(call: Call, deliberation: Deliberation) -> Record:
    """The content of the record of `deliberation`: the jury present and absent, the recusals, the ranking used,
    every project in its order with the meeting's tally (`meeting_tally`: the members present only) and its
    decision, and whose votes were left out."""
    members = jury_members(call)
    present_ids = set(deliberation.present_ids or [])
    run = db.session.get(CalibrationRun, deliberation.calibration_run_id) if deliberation.calibration_run_id \
        else None
    votes, decided = meeting_tally(call, deliberation, members=members), decisions(call)
    rows = [RecordRow(s, entry, votes[s.id], decided.get(s.id)) for s, entry in in_ranking_order(call, run)]
    left_out = Counter(v.jury_member_id for row in rows for v in row.tally.not_counted)
    people = {m.id: m for m in members} | {v.jury_member_id: v.jury_member for row in rows
                                           for v in row.tally.not_counted}
    not_counted = sorted((NotCounted(member=people[mid], votes=n, absent=mid not in present_ids)
                          for mid, n in left_out.items()),
                         key=lambda x: (x.member.last_name, x.member.first_name, x.member.id))
    recorder = db.session.get(User, deliberation.recorded_by_id) if deliberation.recorded_by_id else None
    return Record(call=call, deliberation=deliberation, present=[m for m in members if m.id in present_ids],
                  absent=[m for m in members if m.id not in present_ids], run=run,
                  ranking=RankingUsed.of(run) if run is not None else None, recusals=all_recusals(call),
                  rows=rows, not_counted=not_counted, recorder=recorder, generated_at=utcnow())
