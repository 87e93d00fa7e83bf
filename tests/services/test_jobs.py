"""The job worker: assignment runs claimed once, computed with their progress committed, never left running."""
from __future__ import annotations

import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from prizeapp.enums import AssignmentRunStatus, AssignmentStatus, SubmissionStatus
from prizeapp.extensions import db
from prizeapp.models import Assignment, AssignmentRun, AuditEvent
from prizeapp.models.types import utcnow
from prizeapp.services import assignment as assignment_service
from prizeapp.services import jobs

from .. import factories

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def call_with_pool():
    """3 submitted projects, 3 reviewers (k = 2), and the organiser."""
    call = factories.call(title="Prix des agents")
    call.reviewers_per_submission = 2
    for i in range(3):
        factories.submission(call=call, lead=factories.user(email=f"porteur{i}@equipe{i}.fr"),
                             status=SubmissionStatus.SUBMITTED)
    for j in range(3):
        factories.pool_member(call=call, user=factories.user(email=f"expert{j}@labo{j}.fr"))
    organiser = factories.user(email="orga@ville.fr")
    db.session.commit()
    return call, organiser


def queued(call, organiser, seed=0) -> AssignmentRun:
    run = assignment_service.start_run(call=call, actor=organiser, seed=seed)
    db.session.commit()
    return run


def test_worker_computes_a_queued_run_committing_its_progress(app, call_with_pool, monkeypatch):
    call, organiser = call_with_pool
    run = queued(call, organiser)
    seen: list[tuple[str, int]] = []
    # What another process (the organiser's page) reads at each step: a separate connection.
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    real_commit = jobs._commit

    def watching(percent: int) -> None:
        real_commit(percent)
        with Session(engine) as other:
            row = other.execute(select(AssignmentRun.status, AssignmentRun.progress)
                                .where(AssignmentRun.id == run.id)).one()
            seen.append((row.status.value, row.progress))

    monkeypatch.setattr(jobs, "_commit", watching)
    try:
        done = jobs.work_one()
    finally:
        engine.dispose()

    assert done.id == run.id and done.status == AssignmentRunStatus.DONE
    assert seen == [("running", 5), ("running", 30), ("running", 50), ("running", 90), ("done", 100)]
    db.session.expire_all()
    assert db.session.get(AssignmentRun, run.id).result["pairs"] == 6
    assert db.session.scalar(db.select(db.func.count(Assignment.id))
                             .where(Assignment.status == AssignmentStatus.PROPOSED)) == 6
    assert jobs.work_one() is None  # nothing left


def test_runs_are_taken_oldest_first_and_never_twice(call_with_pool):
    call, organiser = call_with_pool
    first, second = queued(call, organiser, seed=1), queued(call, organiser, seed=2)

    claims = [jobs.claim_run(), jobs.claim_run(), jobs.claim_run()]

    assert [c.id if c else None for c in claims] == [first.id, second.id, None]
    assert {c.status for c in claims[:2]} == {AssignmentRunStatus.RUNNING}


@pytest.mark.postgres
def test_concurrent_claims_on_postgres_never_take_the_same_run(call_with_pool):
    call, organiser = call_with_pool
    first, second = queued(call, organiser), queued(call, organiser)
    with db.engine.connect() as conn_a:
        session_a = Session(bind=conn_a)
        locked = session_a.execute(select(AssignmentRun.id).where(AssignmentRun.id == first.id)
                                   .with_for_update()).scalar_one()
        claimed = jobs.claim_run()  # while A holds its lock, the first run is skipped, not waited for
        session_a.rollback()
    assert locked == first.id and claimed.id == second.id


def test_a_crashing_run_ends_failed_with_a_readable_error(call_with_pool, monkeypatch, caplog):
    call, organiser = call_with_pool
    run = queued(call, organiser)

    def broken(inputs, loads):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(assignment_service, "balanced_min_loads", broken)
    failed = jobs.work_one()

    db.session.expire_all()
    failed = db.session.get(AssignmentRun, run.id)
    assert failed.status == AssignmentRunStatus.FAILED and failed.progress == 100
    assert failed.error == "unexpected error: ZeroDivisionError: division by zero"
    assert failed.result["reasons"] == [{"code": "unexpected", "params": {}, "text": failed.error}]
    assert f"assignment run {run.id} failed unexpectedly" in caplog.text
    assert db.session.scalar(db.select(AuditEvent.details).where(AuditEvent.action == "assignment.run_failed")) \
        == {"seed": 0, "reasons": [failed.error]}
    assert db.session.scalar(db.select(db.func.count(Assignment.id))) == 0


def test_a_run_abandoned_by_a_dead_worker_is_taken_up_after_the_lease(app, call_with_pool):
    call, organiser = call_with_pool
    stale, fresh = queued(call, organiser, seed=1), queued(call, organiser, seed=2)
    lease = app.config["JOB_LEASE_SECONDS"]
    stale.status, stale.started_at = AssignmentRunStatus.RUNNING, utcnow() - timedelta(seconds=lease + 60)
    fresh.status, fresh.started_at = AssignmentRunStatus.RUNNING, utcnow() - timedelta(seconds=30)
    db.session.commit()

    taken = jobs.work_one()

    assert taken.id == stale.id and taken.status == AssignmentRunStatus.DONE
    assert jobs.work_one() is None  # the fresh one still belongs to its (live) worker
    db.session.refresh(fresh)
    assert fresh.status == AssignmentRunStatus.RUNNING


def test_jobs_work_command_runs_what_is_queued(app, call_with_pool):
    call, organiser = call_with_pool
    run_ids, call_id = [queued(call, organiser, seed=s).id for s in (1, 2)], call.id

    result = app.test_cli_runner().invoke(args=["jobs", "work"])

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [f"jobs: assignment run {i} of call {call_id}: done" for i in run_ids]
    assert app.test_cli_runner().invoke(args=["jobs", "work"]).output == "jobs: nothing to do\n"


def test_job_worker_loop_stops_cleanly_on_sigterm(app, call_with_pool, tmp_path):
    call, organiser = call_with_pool
    run = queued(call, organiser)
    env = {"PRIZEAPP_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "PRIZEAPP_INSTANCE_PATH": str(tmp_path), "PATH": "/usr/bin:/bin"}
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "work", "--loop",
                               "--interval", "0.2"], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            db.session.expire_all()
            if db.session.get(AssignmentRun, run.id).status == AssignmentRunStatus.DONE:
                break
            db.session.rollback()
            time.sleep(0.2)
    finally:
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=30)
    assert worker.returncode == 0
    assert f"jobs: assignment run {run.id} of call {call.id}: done" in output


def test_worker_computes_a_queued_calibration_after_the_assignment_runs(call_with_pool):
    from prizeapp.enums import CalibrationStatus
    from prizeapp.models import CalibrationRun
    from prizeapp.services import ranking

    call, organiser = call_with_pool
    reviewers = [factories.user(email=f"jure{j}@labo-j{j}.fr") for j in range(2)]
    from prizeapp.models import Submission
    for i, project in enumerate(db.session.scalars(db.select(Submission).where(Submission.call_id == call.id))):
        for j, reviewer in enumerate(reviewers):
            factories.submitted_review(call=call, submission=project, reviewer=reviewer, total=2.0 + i + j)
    calibration_run = ranking.start_calibration(call=call, actor=organiser)
    assignment_run = queued(call, organiser)
    db.session.commit()

    first, second = jobs.work_one(), jobs.work_one()

    assert (type(first), first.id) == (AssignmentRun, assignment_run.id)
    assert (type(second), second.id) == (CalibrationRun, calibration_run.id)
    assert second.status == CalibrationStatus.DONE and len(second.result["submissions"]) == 3
    assert jobs.work_one() is None
