"""Helpers shared by the benchmarks."""
from __future__ import annotations

import contextlib
import logging
import socket
import subprocess
from pathlib import Path


def free_port() -> int:
    """A free TCP port on the loopback interface (servers given port 0 cannot always be asked theirs)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def describe_source(root: Path) -> str:
    """Which code is measured: the folder, and its git commit when it is a checkout (+ if it has changes)."""
    try:
        commit = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit, dirty = "", ""
    if not commit:
        return f"{root} (not a git checkout)"
    return f"{root} at {commit}" + (" with uncommitted changes" if dirty else "")


def map_tasks(fn, tasks: list, jobs: int) -> list:
    """`fn` over `tasks`, on `jobs` processes when more than one (results in the tasks' order)."""
    if jobs > 1:
        from multiprocessing import Pool

        with Pool(jobs) as pool:
            return pool.map(fn, tasks, chunksize=max(1, len(tasks) // (8 * jobs)))
    return [fn(task) for task in tasks]


def collect(rows) -> dict:
    """Rows of (name, seed, {model: {metric: value}}) → {name: {model: {metric: [values]}}}."""
    table: dict = {}
    for name, _seed, out in rows:
        for model, metrics in out.items():
            for metric, value in metrics.items():
                table.setdefault(name, {}).setdefault(model, {}).setdefault(metric, []).append(value)
    return table


@contextlib.contextmanager
def logging_preserved():
    """Alembic's env.py calls logging.config.fileConfig, which disables every existing logger and
    replaces the root handlers. Put the logging configuration back as it was afterwards, so that a
    benchmark can run inside another program (the smoke test) without changing its logging."""
    root = logging.getLogger()
    saved_root = (root.level, list(root.handlers))
    saved = {name: (lg.disabled, lg.level, list(lg.handlers), lg.propagate)
             for name, lg in logging.Logger.manager.loggerDict.items() if isinstance(lg, logging.Logger)}
    try:
        yield
    finally:
        root.setLevel(saved_root[0])
        root.handlers[:] = saved_root[1]
        for name, lg in logging.Logger.manager.loggerDict.items():
            if not isinstance(lg, logging.Logger):
                continue
            if name in saved:
                lg.disabled, level, handlers, lg.propagate = saved[name]
                lg.setLevel(level)
                lg.handlers[:] = handlers
            else:  # a logger the configuration created: keep it, without the handlers it was given
                lg.handlers[:] = []


# The calibration benchmarks' model names beyond calibrate()'s own: the default model with censor=True, and
# hierarchical_<variant> for one form of the default model forced (core.calibration.selection).
CENSORED = "hierarchical_censored"


def model_options(model: str) -> dict:
    """calibrate()'s options for a model name of the calibration benchmarks."""
    if model == CENSORED:
        return {"model": "hierarchical", "censor": True}
    if model.startswith("hierarchical_"):
        return {"model": "hierarchical", "variant": model.removeprefix("hierarchical_")}
    return {"model": model}
