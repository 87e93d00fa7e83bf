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


# ------------------------------------------------------------------------------------- calibration benchmarks

CALIBRATION = Path(__file__).resolve().parent.parent / "bench" / "calibration.py"
CALIBRATION_REALDATA = Path(__file__).resolve().parent.parent / "bench" / "calibration_realdata.py"


def _load(monkeypatch, path: Path, name: str):
    monkeypatch.setattr(sys, "path", list(sys.path))
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    return module


def test_calibration_benchmark_runs_on_tiny_panels(monkeypatch):
    import dataclasses

    bench = _load(monkeypatch, CALIBRATION, "_bench_calibration")
    scenarios = [dataclasses.replace(sc, n_submissions=30, n_reviewers=10) for sc in bench.SCENARIOS[:3]]
    lines: list[str] = []
    table = bench.quality(scenarios, 2, list(bench.ORDER), jobs=1, n_draws=40, log=lines.append)
    bench.print_quality(table, scenarios, list(bench.ORDER), log=lines.append)
    assert any(line.startswith("| hierarchical |") for line in lines)
    assert set(table["same"]) == set(bench.ORDER)
    assert all(0 <= v <= 1 for v in table["mixed"]["hierarchical"]["coverage"])
    times = bench.speed(300, 90, 3, list(bench.ORDER), repeats=1, n_draws=40, log=lines.append)
    assert set(times) == set(bench.ORDER) and all(t[0] > 0 for t in times.values())


def test_calibration_realdata_benchmark_runs_on_two_splits(monkeypatch):
    bench = _load(monkeypatch, CALIBRATION_REALDATA, "_bench_calibration_realdata")
    assert (bench.DATA_DIR / "braun_data.csv").exists(), f"real ratings missing from {bench.DATA_DIR}"
    lines: list[str] = []
    failures = bench.run(2, 3, 1, datasets=["braun"], log=lines.append)
    assert isinstance(failures, list)
    assert any(line.startswith("| hierarchical |") for line in lines)


def test_the_ordinal_study_has_a_true_gradient_and_runs_on_one_split(monkeypatch):
    import numpy as np
    from scipy.optimize import approx_fprime

    bench = _load(monkeypatch, CALIBRATION.parent / "calibration_ordinal.py", "_bench_calibration_ordinal")
    rng = np.random.default_rng(1)
    s = np.repeat(np.arange(20), 3)
    r = rng.integers(0, 5, len(s))
    model = bench.Ordinal(s, r, rng.integers(0, 4, len(s)), 4, 5, shift_sd=0.5, noise_sd=0.3)
    x = rng.normal(0, 0.3, 3 + 2 * 5)
    free = np.ones(len(x), dtype=bool)
    numeric = approx_fprime(x, lambda v: model.objective(v, free)[0], 1e-6)
    assert np.max(np.abs(model.objective(x, free)[1] - numeric)) < 1e-3 * np.max(np.abs(numeric))

    matrix, scale = bench.load(bench.DATA_DIR)["braun"]
    oracle = bench.fit_oracle(matrix, scale[0], 0.5, 0.3)
    *_, out = bench.one_split(("braun", matrix, scale, 0, 3, 0.5, 0.3, oracle))
    assert set(out) == {*bench.VARIANTS, "hierarchical (default)", "oracle"}
    assert all(-2 <= v["spearman"] <= 2 for v in out.values())


# ------------------------------------------------------------------------------------- assignment benchmark


def test_assignment_benchmark_matches_the_full_model_on_a_small_call():
    import subprocess

    script = Path(__file__).resolve().parent.parent / "bench" / "assignment.py"

    proc = subprocess.run([sys.executable, str(script), "--sizes", "60x20", "--seeds", "0"], capture_output=True,
                          text=True, timeout=120, check=False)

    assert proc.returncode == 0, proc.stderr
    rows = {line.split()[2]: line.split() for line in proc.stdout.splitlines() if line.strip().startswith("60x20")}
    assert set(rows) == {"solver", "full"}
    assert all(row[7] == "0" for row in rows.values())  # no violated constraint
    assert float(rows["solver"][9]) == 0.0  # solver objective / full-model objective - 1


# ------------------------------------------------------------------------------------- catalogue benchmark

CATALOGUE = Path(__file__).resolve().parent.parent / "bench" / "catalogue.py"


def test_catalogue_benchmark_runs_on_a_few_records(monkeypatch, app):
    bench = _load(monkeypatch, CATALOGUE, "_bench_catalogue")
    lines: list[str] = []
    rows = bench.run(n=30, repeat=1, seed=0, database_url=None, log=lines.append)
    assert [row["case"] for row in rows] == [case[0] for case in bench.CASES]
    assert rows[0]["total"] == 30 and rows[0]["ratio"] == 1.0
    assert rows[-1]["total"] == 0  # the word found nowhere
    assert all(row["median"] > 0 for row in rows)
    assert any("30 records built" in line for line in lines)
