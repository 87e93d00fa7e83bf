"""flask commands: demo data, administrators, the outbox worker, the job worker, the scheduled reminders."""
from __future__ import annotations

import signal
import threading
from collections.abc import Callable

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .extensions import db


def register(app: Flask) -> None:
    app.cli.add_command(demo)
    app.cli.add_command(create_admin)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(innovations_cli)


@click.command("demo")
@click.option("--quiet", is_flag=True, help="Do not print the demo logins.")
def demo(quiet: bool) -> None:
    """Load the demo organisations, people and calls (safe to run again)."""
    from .demo import DEMO_PASSWORD, load_demo

    if current_app.config["ENV"] == "production":
        raise click.ClickException("The demo has shared passwords: it is not loaded in production.")
    demo_data = load_demo()
    db.session.commit()
    if not quiet:
        generated = demo_data.generated
        click.echo(f"Demo loaded: {len(demo_data.logins) + len(generated) + demo_data.others} people. "
                   f"Every demo password is: {DEMO_PASSWORD}")
        for login in demo_data.logins:
            click.echo(f"  {login.email:<55} {login.roles}")
        if generated:
            click.echo(f"  + {len(generated)} generated applicants (prize projects and their teams), "
                       f"e.g. {', '.join(generated[:2])}")
        for line in demo_data.calls + demo_data.catalogue:
            click.echo(f"  {line}")


@click.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--first-name", prompt=True)
@click.option("--last-name", prompt=True)
@click.password_option()
def create_admin(email: str, first_name: str, last_name: str, password: str) -> None:
    """Create a platform administrator, or make an existing account one."""
    from .models import User
    from .models.types import utcnow
    from .services import accounts, audit

    email = accounts.normalise_email(email)
    user = db.session.scalar(db.select(User).where(User.email == email))
    if user is None:
        user = User(email=email, first_name=first_name, last_name=last_name,
                    password_hash=accounts.hash_password(password), email_confirmed_at=utcnow())
        db.session.add(user)
        db.session.flush()
    else:
        accounts.set_password(user=user, password=password)
    user.is_admin = True
    audit.record(action=audit.AuditAction.USER_MADE_ADMIN, obj=user, details={"via": "cli"})
    db.session.commit()
    click.echo(f"{email} is an administrator.")


outbox_cli = AppGroup("outbox", help="The email outbox.")


@outbox_cli.command("send")
@click.option("--loop", is_flag=True, help="Keep running, polling the queue (the worker mode).")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between polls in --loop mode.")
@click.option("--limit", type=int, default=None, help="Rows claimed per batch.")
def outbox_send(loop: bool, interval: float, limit: int | None) -> None:
    """Deliver the emails that are due."""
    from .services.outbox import deliver_pending

    def step() -> bool:
        report = deliver_pending(limit=limit)
        if report.attempted or not loop:
            click.echo(f"outbox: {len(report.sent)} sent, {len(report.retried)} to retry, "
                       f"{len(report.failed)} failed")
        return bool(report.attempted)

    _work(step, loop=loop, interval=interval)


def _work(step: Callable[[], bool], *, loop: bool, interval: float, drain: bool = False) -> None:
    """Run a worker's `step` (which says whether it found work): once; with `drain`, until it finds none;
    with `loop`, until SIGTERM or SIGINT, waiting `interval` seconds whenever it found none. A service manager
    stops workers with SIGTERM: the step in hand is finished, then the worker leaves."""
    stopping = threading.Event()
    if loop:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stopping.set())
    while not stopping.is_set():
        busy = step()
        db.session.remove()
        if not loop and not (drain and busy):
            return
        if not busy:
            stopping.wait(interval)


jobs_cli = AppGroup("jobs", help="Background jobs: computing reviewer assignments and calibrated rankings.")


@jobs_cli.command("work")
@click.option("--loop", is_flag=True, help="Keep running, polling for queued jobs (the worker mode).")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between polls in --loop mode.")
def jobs_work(loop: bool, interval: float) -> None:
    """Run the queued jobs (without --loop: those queued now, then stop)."""
    from .models import CalibrationRun
    from .services.jobs import work_one

    done = []

    def step() -> bool:
        run = work_one()
        if run is not None:
            done.append(run.id)
            kind = "calibration" if isinstance(run, CalibrationRun) else "assignment"
            click.echo(f"jobs: {kind} run {run.id} of call {run.call_id}: {run.status.value}")
        elif not loop and not done:
            click.echo("jobs: nothing to do")
        return run is not None

    _work(step, loop=loop, interval=interval, drain=True)


reminders_cli = AppGroup("reminders", help="Scheduled reminders and daily digests (run from cron).")


@reminders_cli.command("run")
@click.option("--now", "now_text", default=None, metavar="ISO-DATETIME",
              help="Act as if it were this instant (tests, catching up); without an offset, Paris time.")
def reminders_run(now_text: str | None) -> None:
    """Queue the reminders and digests due now; running it again sends nothing twice."""
    from datetime import UTC, datetime

    from .core.localtime import LocalTimeError, to_utc
    from .services import reminders

    now = None
    if now_text:
        try:
            parsed = datetime.fromisoformat(now_text)
            now = to_utc(parsed) if parsed.tzinfo is None else parsed.astimezone(UTC)
        except (ValueError, LocalTimeError) as error:
            raise click.BadParameter(str(error), param_hint="--now") from error
    # The links in the emails are built from PRIZEAPP_BASE_URL, as in a request.
    report = reminders.run(now=now)
    db.session.commit()
    click.echo(str(report))


innovations_cli = AppGroup("innovations", help="The catalogue of innovations.")


@innovations_cli.command("reindex")
def innovations_reindex() -> None:
    """Rebuild the catalogue's full-text index from the published versions (after a restore, or a change of
    the indexed fields)."""
    from .services.innovations import search

    count = search.rebuild()
    db.session.commit()
    click.echo(f"innovations: {count} public records indexed")
