"""The background job worker: computes the queued runs (assignments, then calibrations), one at a time, oldest
first within each kind.

Unlike the other services, the worker owns its transactions: it commits the claim, the progress at each step
(so that the organiser's page, polling from another process, sees it move) and the outcome. A run is claimed
with `claims.claim`, so two workers never compute the same one; a run left RUNNING by a worker that died is
taken up again once its lease (JOB_LEASE_SECONDS since it started) has expired. An unexpected error ends the
run FAILED with a readable message and a log line: no run stays RUNNING forever.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import or_

from ..enums import JobStatus
from ..extensions import db
from ..models import AssignmentRun, CalibrationRun
from ..models.types import utcnow
from . import assignment, audit, ranking
from .claims import claim


@dataclass(frozen=True)
class JobKind:
    """One kind of run the worker computes: its table, the service that computes one, its audit action."""

    name: str
    model: Any
    compute: Callable[..., Any]  # compute(run=..., report=...)
    failed_action: audit.AuditAction


ASSIGNMENT = JobKind("assignment", AssignmentRun, assignment.run_assignment, audit.AuditAction.ASSIGNMENT_RUN_FAILED)
CALIBRATION = JobKind("calibration", CalibrationRun, ranking.run_calibration, audit.AuditAction.CALIBRATION_FAILED)
KINDS = (ASSIGNMENT, CALIBRATION)


def _due(kind: JobKind, now: datetime):
    lease = timedelta(seconds=current_app.config["JOB_LEASE_SECONDS"])
    model = kind.model
    return or_(model.status == JobStatus.QUEUED,
               (model.status == JobStatus.RUNNING) & (model.started_at < now - lease))


def claim_run(*, kind: JobKind = ASSIGNMENT, now: datetime | None = None):
    """Take the oldest due run of `kind` (queued, or running past its lease) and mark it RUNNING; commits."""
    now = now or utcnow()
    model = kind.model
    ids = claim(model, due=_due(kind, now), order_by=(model.created_at, model.id), limit=1,
                values={"status": JobStatus.RUNNING, "started_at": now, "progress": 0})
    db.session.commit()
    return db.session.get(model, ids[0]) if ids else None


def _commit(percent: int) -> None:
    db.session.commit()


def work_one():
    """Claim one run (assignments first: organisers wait for them) and compute it; None when no run is due.
    Commits."""
    for kind in KINDS:
        run = claim_run(kind=kind)
        if run is not None:
            return _compute(kind, run)
    return None


def _compute(kind: JobKind, run):
    run_id = run.id
    session = db.session()
    # The progress commits must not expire the call's rows, which would then be re-read one by one.
    session.expire_on_commit = False
    try:
        kind.compute(run=run, report=_commit)
        db.session.commit()
    except Exception as error:  # noqa: BLE001 — any bug must end the run, not leave it RUNNING
        db.session.rollback()
        current_app.logger.exception("%s run %s failed unexpectedly", kind.name, run_id)
        run = _fail_unexpectedly(kind, run_id, error)
    finally:
        session.expire_on_commit = True
    return run


def _fail_unexpectedly(kind: JobKind, run_id: int, error: Exception):
    run = db.session.get(kind.model, run_id)
    message = f"unexpected error: {type(error).__name__}: {error}"[:2000]
    run.status, run.finished_at, run.progress = JobStatus.FAILED, utcnow(), 100
    run.error = message
    run.result = {"reasons": [{"code": "unexpected", "params": {}, "text": message}], "unexpected": True}
    details = {"seed": run.seed} if isinstance(run, AssignmentRun) else {"model": run.model, **run.params}
    audit.record(action=kind.failed_action, obj=run, call=run.call, details={**details, "reasons": [message]})
    db.session.commit()
    return run
