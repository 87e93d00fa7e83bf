"""The background job worker: computes the queued assignment runs, one at a time, oldest first.

Unlike the other services, the worker owns its transactions: it commits the claim, the progress at each step
(so that the organiser's page, polling from another process, sees it move) and the outcome. A run is claimed
with `claims.claim`, so two workers never compute the same one; a run left RUNNING by a worker that died is
taken up again once its lease (JOB_LEASE_SECONDS since it started) has expired. An unexpected error ends the
run FAILED with a readable message and a log line: no run stays RUNNING forever.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_

from ..enums import AssignmentRunStatus
from ..extensions import db
from ..models import AssignmentRun
from ..models.types import utcnow
from . import assignment, audit
from .claims import claim


def _due(now: datetime):
    lease = timedelta(seconds=current_app.config["JOB_LEASE_SECONDS"])
    return or_(AssignmentRun.status == AssignmentRunStatus.QUEUED,
               (AssignmentRun.status == AssignmentRunStatus.RUNNING) & (AssignmentRun.started_at < now - lease))


def claim_run(*, now: datetime | None = None) -> AssignmentRun | None:
    """Take the oldest due run (queued, or running past its lease) and mark it RUNNING; commits."""
    now = now or utcnow()
    ids = claim(AssignmentRun, due=_due(now), order_by=(AssignmentRun.created_at, AssignmentRun.id), limit=1,
                values={"status": AssignmentRunStatus.RUNNING, "started_at": now, "progress": 0})
    db.session.commit()
    return db.session.get(AssignmentRun, ids[0]) if ids else None


def _commit(percent: int) -> None:
    db.session.commit()


def work_one() -> AssignmentRun | None:
    """Claim one run and compute it; None when no run is due. Commits."""
    run = claim_run()
    if run is None:
        return None
    run_id = run.id
    session = db.session()
    # The progress commits must not expire the call's matrices' rows, which would be re-read one by one.
    session.expire_on_commit = False
    try:
        assignment.run_assignment(run=run, report=_commit)
        db.session.commit()
    except Exception as error:  # noqa: BLE001 — any bug must end the run, not leave it RUNNING
        db.session.rollback()
        current_app.logger.exception("assignment run %s failed unexpectedly", run_id)
        run = _fail_unexpectedly(run_id, error)
    finally:
        session.expire_on_commit = True
    return run


def _fail_unexpectedly(run_id: int, error: Exception) -> AssignmentRun:
    run = db.session.get(AssignmentRun, run_id)
    message = f"unexpected error: {type(error).__name__}: {error}"[:2000]
    run.status, run.finished_at, run.progress = AssignmentRunStatus.FAILED, utcnow(), 100
    run.error = message
    run.result = {"reasons": [message], "unexpected": True}
    audit.record(action="assignment.run_failed", obj=run, call=run.call,
                 details={"seed": run.seed, "reasons": [message]})
    db.session.commit()
    return run
