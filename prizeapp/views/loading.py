"""Loading what a request names, scoped to its call: 404 for what does not exist or belongs to another call,
then the access rule. Every view loads through these, so no handler compares `call_id`s by hand."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user

from ..extensions import db
from ..models import Call, Submission
from ..permissions import require

T = TypeVar("T")


def call_or_404(call_id: int, rule: Callable[[Any, Call], bool]) -> Call:
    """The call, if it exists (else 404) and the signed-in person passes `rule` on it (else 403)."""
    call = db.get_or_404(Call, call_id)
    require(rule(current_user, call))
    return call


def of_call_or_404(model: type[T], object_id: int | None, call: Call) -> T:
    """The `model` row `object_id` of `call`: 404 if it does not exist or belongs to another call (ids of one
    call must not reach another's, whoever asks). `model` has a `call_id`, or a `submission` of the call."""
    found = db.session.get(model, object_id) if object_id is not None else None
    if found is None or _call_id_of(found) != call.id:
        abort(404)
    return found


def submitted_of_call_or_404(submission_id: int, call: Call) -> Submission:
    """A project of `call` that was submitted (drafts do not exist for reviewers, the jury or decisions)."""
    submission = of_call_or_404(Submission, submission_id, call)
    if submission.submitted_at is None:
        abort(404)
    return submission


def _call_id_of(obj: Any) -> int | None:
    if hasattr(obj, "call_id"):
        return obj.call_id
    submission = getattr(obj, "submission", None)
    return submission.call_id if submission is not None else None
