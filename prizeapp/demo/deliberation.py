"""The demo's deliberation: the prize's jury has started voting on its best-ranked projects; nothing is decided.

So a newcomer can take the prize to its decisions in a few clicks. A jury member who has voted already is left
as they are.
"""
from __future__ import annotations

from datetime import datetime

from ..enums import VoteChoice
from ..extensions import db
from ..models import Call
from ..models.decision import JuryVote
from ..services import deliberation, ranking
from .resources import load

# Per jury member (by position in the jury, by name), their vote on the best-ranked projects in order.
VOTES = [
    [VoteChoice.LAUREATE, VoteChoice.LAUREATE, VoteChoice.MENTION, VoteChoice.LAUREATE, VoteChoice.NOT_SELECTED],
    [VoteChoice.LAUREATE, VoteChoice.MENTION, VoteChoice.LAUREATE, VoteChoice.NOT_SELECTED],
    [VoteChoice.LAUREATE, VoteChoice.LAUREATE, VoteChoice.LAUREATE],
]
# A comment with the vote on the project at this place among those each member votes on.
COMMENTS = {int(position): text for position, text in load("reviewing")["votes"]["comments"].items()}


def prize_votes(call: Call, now: datetime) -> None:
    """A few votes of the prize's jury on its best-ranked projects (those each member may see)."""
    run = ranking.latest(call)
    if run is None:
        return
    ranked = [s for s, entry in deliberation.in_ranking_order(call, run) if entry is not None]
    voted = set(db.session.scalars(db.select(JuryVote.jury_member_id).where(JuryVote.call_id == call.id)))
    for member, choices in zip(deliberation.jury_members(call), VOTES):
        if member.id in voted:
            continue
        hidden = deliberation.hidden_from(call, member, organiser=False)
        visible = [s for s in ranked if s.id not in hidden]
        for position, (submission, choice) in enumerate(zip(visible, choices)):
            vote = deliberation.record_vote(submission=submission, jury_member=member, choice=choice,
                                            comment=COMMENTS.get(position, ""))
            vote.updated_at = now
