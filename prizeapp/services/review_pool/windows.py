"""The pool's error, and when its changes are open: the reviewers' answers, invitations, the applicants' exclusions."""
from __future__ import annotations

import enum

from ...enums import CallPhase
from ...errors import RuleError
from ...models import Call
from ..calls import current_phase


class PoolError(RuleError):
    """A change the pool's rules do not allow."""


# A reviewer answers for a call (profile, declarations from the titles, bids) while projects come in and
# while they are reviewed; afterwards the assignment and the reviews rest on what they said.
REVIEWERS_OPEN = (CallPhase.OPEN, CallPhase.REVIEW)


def reviewers_open(call: Call) -> bool:
    """Whether the reviewers of `call` may change their profile, declarations and bids now."""
    return current_phase(call) in REVIEWERS_OPEN


def require_reviewers_open(call: Call) -> None:
    """Refuse ("review_over") a reviewer's change to `call` once its review is over."""
    if not reviewers_open(call):
        raise PoolError("review_over")


def invitations_open(call: Call) -> bool:
    """Whether an invitation to review for `call` may still be answered: until its results are published."""
    return current_phase(call) not in (CallPhase.PUBLISHED, CallPhase.ARCHIVED)


# Before the submission deadline the team names people who must not review its project and that is final:
# nobody is assigned yet. Afterwards the pool, the assignments and the jury are known, and an exclusion in
# force at once would let any team set aside any reviewer or jury member it dislikes: it becomes a request
# that an organiser accepts or declines. Once the results are published nothing changes any more.

class ExclusionWindow(enum.StrEnum):
    DIRECT = "direct"  # before the submission deadline: in force at once
    REQUEST = "request"  # review and deliberation: an organiser decides
    CLOSED = "closed"  # results published, or the call archived


def exclusion_window(call: Call) -> ExclusionWindow:
    """How an exclusion the applicants make now is treated. Deliberation still takes requests: a tie with a
    jury member may only come to light once the jury is named, and an organiser decides each one."""
    phase = current_phase(call)
    if call.results_published_at is not None or phase in (CallPhase.PUBLISHED, CallPhase.ARCHIVED):
        return ExclusionWindow.CLOSED
    if phase in (CallPhase.DRAFT, CallPhase.OPEN):
        return ExclusionWindow.DIRECT
    return ExclusionWindow.REQUEST
