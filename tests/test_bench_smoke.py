"""The benchmarks under bench/ are not tests, but they must not rot: run the outbox one on 5 emails.

The benchmark builds its own app on a temporary SQLite file and its own SMTP server, in an app context of
its own pushed over the test's; sys.modules, sys.path and the logging configuration are put back afterwards,
so the shared test app and database are left alone.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench" / "outbox_throughput.py"


def _load_benchmark(monkeypatch):
    monkeypatch.setattr(sys, "path", list(sys.path))  # the script may add the project root
    spec = importlib.util.spec_from_file_location("_bench_outbox_throughput", BENCH)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look the module up while executing it
    spec.loader.exec_module(module)
    return module


def test_outbox_benchmark_runs_and_delivers_every_email(monkeypatch, capsys):
    bench = _load_benchmark(monkeypatch)
    lines: list[str] = []

    result = bench.run(5, log=lines.append)

    assert result.database == "SQLite"
    assert result.delivered == 5
    assert result.received == 5
    assert result.deliver_calls == 1
    assert result.deliver_rate > 0 and result.reference_rate > 0 and result.ratio > 0
    assert len(result.reference_seconds) == 2
    assert any("deliver_pending" in line for line in lines)
    bench.print_table([result])
    assert "SQLite" in capsys.readouterr().out
