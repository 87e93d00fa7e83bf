"""Email outbox throughput: queue_email and deliver_pending against plain smtplib, in one process.

What is measured
    The app is created in-process with create_app() on a fresh database (a temporary SQLite file, and with
    --postgres also PostgreSQL), upgraded with the migrations. A local aiosmtpd server on 127.0.0.1 counts
    the messages it receives. Then, for N emails (default 500) of kind "account_exists" to one user:

    1. queue_email      render the text and HTML templates and INSERT the row (flushed), N times; then one
                        commit. Reported per email.
    2. reference        the same N messages (same subjects, bodies, recipients, Message-IDs), each built
                        as multipart/alternative with the standard library and sent with smtplib over
                        one SMTP connection; the contents are read from the rows beforehand, so no
                        database in the timed part. Measured before and after step 3.
    3. deliver_pending  deliver_pending(limit=N), called until every row is sent: claim the rows, then for
                        each one load it, build the Flask-Mail message, send it over one SMTP connection
                        and commit its new status.

    After each of 2 and 3 the server must have received exactly N messages, and the outbox must report N
    sent with no retry or failure; otherwise the benchmark fails.

How to read it
    The ratio is deliver_pending's emails/s divided by the reference's emails/s (the mean of its two runs,
    which bracket deliver_pending in time). 1.0 would mean the outbox costs nothing beyond SMTP itself;
    0.5 means the outbox's bookkeeping (claim, one commit per email, Flask-Mail) doubles the cost of
    sending. The SMTP server runs in a thread of this same process and shares the CPU and the GIL with the
    client, so absolute emails/s understate what a separate mail server would take: compare ratios.

    The CPU ratio is the same comparison with this process's CPU time (time.process_time, client and
    SMTP server threads together) instead of wall-clock time. Other programs on a shared machine disturb
    it much less than the wall-clock ratio; what it leaves out is waiting, mainly for the database (its
    server process, and the disk flush of each commit). A wall-clock ratio well below the CPU ratio
    means the outbox spends its time waiting rather than computing.

Usage
    .venv/bin/python bench/outbox_throughput.py [-n 500] [--postgres URL]

    --postgres URL also runs the benchmark on that PostgreSQL database, after SQLite. Its public schema is
    DROPPED and recreated: give it a database of its own, for example
        pg_ctlcluster 15 main start
        su postgres -c "createdb -O prizeapp prizeapp_bench"
        --postgres postgresql+psycopg://prizeapp:prizeapp@127.0.0.1:5432/prizeapp_bench
"""
from __future__ import annotations

import argparse
import contextlib
import os
import platform
import smtplib
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

import flask_migrate  # noqa: E402
from aiosmtpd.controller import Controller  # noqa: E402
from sqlalchemy import text  # noqa: E402

import prizeapp  # noqa: E402
from bench.common import describe_source, free_port, logging_preserved  # noqa: E402
from prizeapp import create_app  # noqa: E402
from prizeapp.extensions import db  # noqa: E402
from prizeapp.models import OutboxEmail, User  # noqa: E402
from prizeapp.services.outbox import deliver_pending, queue_email  # noqa: E402

KIND = "account_exists"  # templates/email/account_exists.{txt,html}
CONTEXT = {"login_url": "http://127.0.0.1/login", "reset_url": "http://127.0.0.1/password/reset"}



# --- the SMTP server -------------------------------------------------------------------------------------

class CountingHandler:
    """aiosmtpd handler that only counts what it accepts (cheap, so the client side dominates)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
        return "250 Message accepted for delivery"

    def take(self) -> int:
        """The number received since the last call, and start counting again."""
        with self.lock:
            count, self.count = self.count, 0
        return count



@contextlib.contextmanager
def smtp_server():
    """An aiosmtpd Controller on 127.0.0.1 and a free port (port=0 does not work with aiosmtpd)."""
    controller = Controller(CountingHandler(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


# --- results ---------------------------------------------------------------------------------------------

@dataclass
class Result:
    database: str
    n: int
    queue_seconds: float  # N x queue_email (render + INSERT), without the commit
    commit_seconds: float  # the one commit after queueing
    reference_seconds: list[float]  # smtplib, before and after deliver_pending (wall clock)
    reference_cpu_seconds: list[float]  # the same runs, this process's CPU time
    deliver_seconds: float
    deliver_cpu_seconds: float
    deliver_calls: int
    delivered: int  # rows deliver_pending reported sent
    received: int  # messages the server received during deliver_pending

    @property
    def queue_ms_per_email(self) -> float:
        return 1000 * self.queue_seconds / self.n

    @property
    def reference_rate(self) -> float:
        return self.n / (sum(self.reference_seconds) / len(self.reference_seconds))

    @property
    def deliver_rate(self) -> float:
        return self.n / self.deliver_seconds

    @property
    def ratio(self) -> float:
        return self.deliver_rate / self.reference_rate

    @property
    def cpu_ratio(self) -> float:
        """Reference CPU time per email / outbox CPU time per email (same direction as `ratio`)."""
        reference = sum(self.reference_cpu_seconds) / len(self.reference_cpu_seconds)
        return reference / self.deliver_cpu_seconds


class BenchmarkError(RuntimeError):
    pass


# --- the steps -------------------------------------------------------------------------------------------

def _migrate(database_url: str) -> None:
    if database_url.startswith("postgresql"):
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    with logging_preserved():
        flask_migrate.upgrade()


@dataclass(frozen=True)
class Content:
    """What the reference sends for one queued email: the row's own subject, bodies and headers."""
    sender: str
    recipient: str
    subject: str
    body_text: str
    body_html: str
    message_id: str
    locale: str


def _queued_contents(app, ids: list[int]) -> list[Content]:
    sender = app.config["MAIL_DEFAULT_SENDER"]
    rows = db.session.scalars(db.select(OutboxEmail).where(OutboxEmail.id.in_(ids)).order_by(OutboxEmail.id))
    return [Content(sender, row.recipient, row.subject, row.body_text, row.body_html, row.message_id, row.locale)
            for row in rows]


def _build(content: Content) -> EmailMessage:
    """multipart/alternative (text, HTML) with the headers the outbox sends, with the standard library."""
    msg = EmailMessage()
    msg["Subject"] = content.subject
    msg["From"] = content.sender
    msg["To"] = content.recipient
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = content.message_id
    msg.set_content(content.body_text)
    msg.add_alternative(content.body_html, subtype="html")
    msg["Content-Language"] = content.locale  # after: making it multipart moves Content-* into the part
    return msg


def _send_reference(host: str, port: int, contents: list[Content]) -> tuple[float, float]:
    """Build and send every message over one SMTP connection; return (wall, CPU) seconds.

    Building the MIME message is part of the timed work, as it is for the outbox (Flask-Mail builds it at
    send time); what the reference leaves out is the database. send_message serialises with CRLF line
    ends (smtplib.sendmail would pass bytes with bare LFs through, which the server refuses)."""
    start, cpu = time.perf_counter(), time.process_time()
    with smtplib.SMTP(host, port, timeout=10) as smtp:
        for content in contents:
            smtp.send_message(_build(content), from_addr=content.sender, to_addrs=[content.recipient])
    return time.perf_counter() - start, time.process_time() - cpu


def _expect(handler: CountingHandler, n: int, what: str) -> int:
    # aiosmtpd answers 250 after handle_DATA has run, so the count is complete once the client is done.
    received = handler.take()
    if received != n:
        raise BenchmarkError(f"{what}: the SMTP server received {received} messages, expected {n}")
    return received


def _say(message: str) -> None:
    print(message, flush=True)


def run(n: int = 500, *, database_url: str | None = None, log=_say) -> Result:
    """Run the benchmark once on database_url (default: a temporary SQLite file) and return its figures.

    Raises BenchmarkError unless the server received exactly n messages from each sender.
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    with tempfile.TemporaryDirectory(prefix="prizeapp-outbox-bench-") as tmp, smtp_server() as server:
        url = database_url or f"sqlite:///{tmp}/bench.sqlite"
        database = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
        app = create_app({
            "ENV": "development",
            "TESTING": False,
            "SECRET_KEY": "outbox-benchmark",
            "DATABASE_URL": url,
            "SERVER_NAME": None,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": server.port,
            "MAIL_USE_TLS": False,
            "MAIL_USE_SSL": False,
            "MAIL_USERNAME": None,
            "MAIL_PASSWORD": None,
            "MAIL_SUPPRESS_SEND": False,
            "MAIL_TIMEOUT": 10.0,
        })
        handler: CountingHandler = server.handler
        try:
            with app.app_context():
                _migrate(url)
                # No real password hash: scrypt would only slow the setup down, and nobody logs in.
                user = User(email="bench.recipient@example.org", password_hash="!", first_name="Camille",
                            last_name="Bench", email_confirmed_at=None)
                db.session.add(user)
                db.session.commit()

                # 1. queue_email: render + INSERT, N times, then one commit.
                start = time.perf_counter()
                ids = [queue_email(kind=KIND, to=user, context=CONTEXT).id for _ in range(n)]
                queued = time.perf_counter()
                db.session.commit()
                commit_seconds = time.perf_counter() - queued
                queue_seconds = queued - start
                log(f"[{database}] queue_email: {n} in {queue_seconds:.3f} s "
                    f"({1000 * queue_seconds / n:.2f} ms/email), commit {commit_seconds:.3f} s")

                # 2. reference, before.
                contents = _queued_contents(app, ids)
                db.session.commit()  # end the read transaction before the outbox claims the rows
                reference = [_send_reference("127.0.0.1", server.port, contents)]
                _expect(handler, n, "smtplib reference (1st run)")
                log(f"[{database}] smtplib reference (1st run): {reference[0][0]:.3f} s, CPU {reference[0][1]:.3f} s")

                # 3. deliver_pending until every row is sent.
                delivered, calls = 0, 0
                start, cpu = time.perf_counter(), time.process_time()
                while delivered < n:
                    report = deliver_pending(worker="bench", limit=n)
                    calls += 1
                    if report.retried or report.failed:
                        email = db.session.get(OutboxEmail, (report.retried + report.failed)[0])
                        raise BenchmarkError(f"deliver_pending: {len(report.retried)} to retry, "
                                             f"{len(report.failed)} failed, e.g. {email.last_error!r}")
                    if not report.sent:
                        raise BenchmarkError(f"deliver_pending stopped making progress at {delivered}/{n}")
                    delivered += len(report.sent)
                deliver_seconds = time.perf_counter() - start
                deliver_cpu_seconds = time.process_time() - cpu
                received = _expect(handler, n, "deliver_pending")
                if delivered != n:
                    raise BenchmarkError(f"deliver_pending reported {delivered} sent, expected {n}")
                log(f"[{database}] deliver_pending: {deliver_seconds:.3f} s, CPU {deliver_cpu_seconds:.3f} s, "
                    f"in {calls} call(s)")

                # 2'. reference, after.
                reference.append(_send_reference("127.0.0.1", server.port, contents))
                _expect(handler, n, "smtplib reference (2nd run)")
                log(f"[{database}] smtplib reference (2nd run): {reference[1][0]:.3f} s, CPU {reference[1][1]:.3f} s")
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
    return Result(database=database, n=n, queue_seconds=queue_seconds, commit_seconds=commit_seconds,
                  reference_seconds=[wall for wall, _ in reference],
                  reference_cpu_seconds=[cpu for _, cpu in reference],
                  deliver_seconds=deliver_seconds, deliver_cpu_seconds=deliver_cpu_seconds, deliver_calls=calls,
                  delivered=delivered, received=received)


DRIFT_WARNING = 0.20  # the two reference runs differ by more than this: say so


def print_table(results: list[Result]) -> None:
    print(f"{'database':<11}{'N':>6}{'queue ms/email':>16}{'smtplib/s (1st, 2nd)':>22}"
          f"{'outbox/s':>10}{'ratio':>8}{'CPU ms/email ref, outbox':>26}{'CPU ratio':>11}")
    for r in results:
        refs = ", ".join(f"{r.n / s:.0f}" for s in r.reference_seconds)
        ref_cpu = 1000 * sum(r.reference_cpu_seconds) / len(r.reference_cpu_seconds) / r.n
        cpus = f"{ref_cpu:.2f}, {1000 * r.deliver_cpu_seconds / r.n:.2f}"
        print(f"{r.database:<11}{r.n:>6}{r.queue_ms_per_email:>16.2f}{refs:>22}"
              f"{r.deliver_rate:>10.0f}{r.ratio:>8.2f}{cpus:>26}{r.cpu_ratio:>11.2f}")
    print("\nratio = deliver_pending emails/s / mean smtplib emails/s (same messages, same server, same run); "
          "1.0 = no outbox overhead.\nCPU ratio = the same with this process's CPU time instead of wall-clock "
          "time (less disturbed by other programs; leaves out waiting for the database).")
    for r in results:
        first, second = r.reference_seconds
        drift = abs(first - second) / ((first + second) / 2)
        if drift > DRIFT_WARNING:
            print(f"NOTE ({r.database}): the two smtplib reference runs differ by {drift:.0%} (other load?): "
                  "the wall-clock ratio is unreliable in this run; prefer the CPU ratio, or run again.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=500, help="number of emails (default 500)")
    parser.add_argument("--postgres", metavar="URL",
                        help="also run on this PostgreSQL database (its public schema is dropped and recreated)")
    args = parser.parse_args(argv)
    if not 1 <= args.n <= 100_000:
        parser.error("-n must be between 1 and 100000")
    if args.postgres and not args.postgres.startswith("postgresql"):
        parser.error("--postgres expects a postgresql+psycopg:// URL")

    print(f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; N={args.n}", flush=True)
    print(f"code: {describe_source(Path(prizeapp.__file__).resolve().parent.parent)}", flush=True)
    results = [run(args.n)]
    if args.postgres:
        results.append(run(args.n, database_url=args.postgres))
    print()
    print_table(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
