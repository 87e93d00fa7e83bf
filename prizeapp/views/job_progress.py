"""What the pages say of a background run (an assignment, a calibration) while it waits or computes: the
same words, the same JSON for app.js to poll, the same warning when no worker takes it."""
from __future__ import annotations

from datetime import timedelta

from flask import jsonify
from flask_babel import format_percent
from flask_babel import gettext as _

from ..enums import JobStatus
from ..models.types import utcnow

STALLED_AFTER = timedelta(seconds=30)


def stalled(run) -> bool:
    """Queued for longer than a worker would leave it: probably no worker is running."""
    return run.status == JobStatus.QUEUED and utcnow() - run.created_at > STALLED_AFTER


def progress_text(run) -> str:
    if run.status == JobStatus.QUEUED:
        return _("Waiting for the job worker…")
    if run.status == JobStatus.RUNNING:
        return _("Computing: %(percent)s done", percent=format_percent(run.progress / 100))
    return _("Done") if run.status == JobStatus.DONE else _("Failed")


def status_json(run):
    """The answer app.js polls (see followRun there)."""
    return jsonify(status=run.status.value, progress=run.progress, text=progress_text(run),
                   finished=run.status in (JobStatus.DONE, JobStatus.FAILED), stalled=stalled(run))
