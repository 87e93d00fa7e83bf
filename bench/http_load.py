"""HTTP throughput and latency of a few pages, served by gunicorn on a fresh SQLite database.

What is measured
    The app is served as in production (gunicorn, 2 sync workers, PRIZEAPP_ENV=production) on a fresh
    SQLite database in a temporary instance folder, migrated and loaded with the demo
    (`flask --app wsgi db upgrade`, `flask --app wsgi demo --quiet`). wrk then loads each path in turn,
    on 127.0.0.1 only, for a bounded time:

        wrk -t2 -c16 -d10s --latency http://127.0.0.1:PORT/<path>

    /healthz   the reference: one trivial query (SELECT 1) and a tiny JSON body
    /          the home page: lists the calls (one query, a full Jinja page)
    /login     a form page: a CSRF token (and hence a session cookie) in every response

How to read it
    The machine is small (2 cores) and shared, and wrk runs on the same cores as gunicorn, so absolute
    figures move from run to run. Read the ratio column instead: each page's requests/s divided by the
    requests/s of /healthz measured in the same run, a minute apart, on the same server. A ratio of 0.5
    means the page costs about twice what the bare request/response cycle plus a query costs. /healthz is
    measured twice, first and last; the spread between the two runs shows how much the machine drifted
    during the benchmark, and the ratio uses their mean.

Usage
    .venv/bin/python bench/http_load.py [--duration 10] [--connections 16]

wrk is installed with `apt-get install -y wrk` when it is missing (needs root). The gunicorn server is
always stopped at the end, by its PID.
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from bench.common import describe_source, free_port  # noqa: E402

REFERENCE = "/healthz"
PAGES = ["/", "/login"]
WRK_THREADS = 2
DRIFT_WARNING = 0.20  # the two reference runs differ by more than this: say so


@dataclass
class WrkResult:
    path: str
    requests_per_second: float
    requests: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    non_2xx_3xx: int
    socket_errors: int


# --- setup -----------------------------------------------------------------------------------------------


def ensure_wrk() -> str:
    """Path to wrk, installing the Debian package when it is missing (apt-get update only if needed)."""
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is missing: apt-get install -y wrk", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "wrk"]
    if subprocess.run(install, env=env, stdout=subprocess.DEVNULL).returncode != 0:
        print("apt-get install failed: apt-get update, then again", flush=True)
        subprocess.run(["apt-get", "update", "-q"], env=env, stdout=subprocess.DEVNULL, check=True)
        subprocess.run(install, env=env, stdout=subprocess.DEVNULL, check=True)
    found = shutil.which("wrk")
    if not found:
        sys.exit("wrk could not be installed")
    return found


def run_flask(args: list[str], env: dict[str, str]) -> None:
    command = [sys.executable, "-m", "flask", "--app", "wsgi", *args]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"`flask --app wsgi {' '.join(args)}` failed ({result.returncode}):\n{result.stdout}{result.stderr}")


def get(url: str, timeout: float = 5.0) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (always 127.0.0.1)
        return response.status, response.read().decode("utf-8", "replace")


def wait_until_ready(base: str, server: subprocess.Popen, log: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if get(base + REFERENCE, timeout=2.0)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit(f"gunicorn did not answer {REFERENCE} within {timeout:.0f} s:\n{log.read_text()[-3000:]}")


def check_pages(base: str) -> None:
    """Each page must answer 200 with what it is meant to show, else the load figures mean nothing."""
    status, body = get(base + REFERENCE)
    assert status == 200 and '"ok"' in body, (REFERENCE, status, body[:200])
    status, body = get(base + "/")
    assert status == 200 and "<html" in body.lower(), ("/", status, body[:200])
    status, body = get(base + "/login")
    assert status == 200 and 'name="csrf_token"' in body, ("/login", status, body[:200])


def stop(server: subprocess.Popen) -> None:
    """Stop gunicorn by its PID: SIGTERM (graceful), then SIGKILL if it lingers."""
    if server.poll() is not None:
        return
    os.kill(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=10)



# --- wrk -------------------------------------------------------------------------------------------------

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS_MS[unit]


def parse_wrk(path: str, output: str) -> WrkResult:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    percentiles = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)\s*$", output, re.M))
    if not rps or not total or not {"50", "90", "99"} <= percentiles.keys():
        raise RuntimeError(f"could not parse wrk's output for {path}:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return WrkResult(
        path=path,
        requests_per_second=float(rps.group(1)),
        requests=int(total.group(1)),
        p50_ms=_ms(percentiles["50"]),
        p90_ms=_ms(percentiles["90"]),
        p99_ms=_ms(percentiles["99"]),
        non_2xx_3xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
    )


def run_wrk(wrk: str, base: str, path: str, *, duration: int, connections: int) -> WrkResult:
    command = [wrk, f"-t{WRK_THREADS}", f"-c{connections}", f"-d{duration}s", "--latency", base + path]
    result = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    return parse_wrk(path, result.stdout)


# --- report ----------------------------------------------------------------------------------------------

def print_table(results: list[WrkResult], reference_rps: float) -> None:
    print(f"{'path':<16}{'req/s':>10}{'requests':>10}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}"
          f"{'errors':>8}{'ratio':>8}")
    for r in results:
        errors = r.non_2xx_3xx + r.socket_errors
        label = r.path if r.path != REFERENCE else f"{r.path} (ref)"
        print(f"{label:<16}{r.requests_per_second:>10.1f}{r.requests:>10}{r.p50_ms:>9.2f}{r.p90_ms:>9.2f}"
              f"{r.p99_ms:>9.2f}{errors:>8}{r.requests_per_second / reference_rps:>8.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per path (default 10)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    args = parser.parse_args(argv)
    if not 1 <= args.duration <= 300:
        parser.error("--duration must be between 1 and 300 seconds")
    if not WRK_THREADS <= args.connections <= 1000:
        parser.error(f"--connections must be between {WRK_THREADS} and 1000")

    wrk = ensure_wrk()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="prizeapp-bench-") as tmp:
        instance = Path(tmp) / "instance"
        env = {k: v for k, v in os.environ.items() if not k.startswith("PRIZEAPP_")}
        env.update(PRIZEAPP_INSTANCE_PATH=str(instance), PYTHONDONTWRITEBYTECODE="1")
        # The demo refuses to load in production (shared passwords): set up in development, serve in production.
        run_flask(["db", "upgrade"], env)
        run_flask(["demo", "--quiet"], env)
        served_env = {**env, "PRIZEAPP_ENV": "production", "PRIZEAPP_SECRET_KEY": secrets.token_urlsafe(48)}
        log = Path(tmp) / "gunicorn.log"
        log_file = open(log, "w")
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=ROOT, env=served_env, stdout=log_file, stderr=subprocess.STDOUT,
        )
        try:
            print(f"gunicorn (PID {server.pid}) on {base}, SQLite in {instance}", flush=True)
            wait_until_ready(base, server, log)
            check_pages(base)
            print(f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
                  f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC", flush=True)
            print(f"code: {describe_source(ROOT)}", flush=True)
            print(f"each path: wrk -t{WRK_THREADS} -c{args.connections} -d{args.duration}s --latency", flush=True)
            results: list[WrkResult] = []
            for path in [REFERENCE, *PAGES, REFERENCE]:
                print(f"  loading {path} ...", flush=True)
                results.append(run_wrk(wrk, base, path, duration=args.duration, connections=args.connections))
        finally:
            stop(server)
            log_file.close()

    references = [r.requests_per_second for r in results if r.path == REFERENCE]
    reference_rps = sum(references) / len(references)
    print()
    print_table(results, reference_rps)
    drift = abs(references[0] - references[1]) / reference_rps
    print(f"\nratio = req/s of the path / mean req/s of {REFERENCE} ({reference_rps:.1f}); "
          f"the two {REFERENCE} runs differ by {drift:.0%} (machine drift during the run)")
    if drift > DRIFT_WARNING:
        print(f"NOTE: the machine's speed changed by more than {DRIFT_WARNING:.0%} during the run (other load?): "
              "take these ratios with care, or run again.")
    failed = [r.path for r in results if r.non_2xx_3xx or r.socket_errors]
    if failed:
        print(f"WARNING: errors or non-2xx/3xx responses on {', '.join(sorted(set(failed)))}: "
              "the figures of these paths are not page timings", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
