"""Calibration of reviewers' scores: quality of each model against a known truth, and speed on a large call.

Quality
    For each scenario of bench/calibration_sim.py (reviewers who do not differ, leniency only, leniency +
    scale + heterogeneous noise + near-random reviewers + partly honest confidence, the same on a topic-
    clustered graph, on a coarse 1-5 scale, and weighted criteria) and each seed, a panel is simulated and
    every model calibrates it (scale given, top_k = 10 %). Metrics against the true qualities:
        spearman, kendall   rank correlation of the calibrated qualities with the truth (the estimate's ties
                            left in: average ranks, scipy's τ-b)
        spearman_strict     the same Spearman on the order a jury needs: the estimate's ties broken at random
                            (20 tie-breaks per panel, the same random keys for every model), averaged
        top10               share of the true top 10 % found in the model's top 10 %
        coverage            share of submissions whose true rank lies in the model's 90 % rank interval
    Each is reported as mean ± standard error over the seeds, with the paired difference against the raw mean
    (same panels) ± its standard error, and for the strict Spearman against the additive model too. For the
    default model, how often each of its variants was chosen.

Speed
    A random call of 10,000 submissions × 3,000 reviewers × 30,000 reviews (0-10 scale, confidence levels):
    raw_mean (the reference, same process, same run) and every model, best and median of --repeats calls;
    ratio = model time / raw_mean time. The hierarchical model's own split of its time is printed too.

Usage
    .venv/bin/python bench/calibration.py                 # 6 scenarios × 50 seeds, then speed
    .venv/bin/python bench/calibration.py --quick         # 6 scenarios × 8 seeds, 2,000 × 600 speed
    options: --seeds 50 --scenarios same,mixed --jobs 2 --no-speed --speed-only --draws 200 --repeats 3
             --models raw_mean,hierarchical,hierarchical_censored (the default model with censor=True),
                      hierarchical_<variant> (a variant forced; hierarchical_tested: the default before 2026-12-04)
             --panel-size 40x8 (the simulated panels' submissions × reviewers, default 200x60)
"""
from __future__ import annotations

import argparse
import dataclasses
import math
import os
import sys
import time
from pathlib import Path

import numpy as np
from scipy.stats import kendalltau, spearmanr

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from calibration_sim import SCENARIOS, large_call, simulate  # noqa: E402
from common import CENSORED, collect, map_tasks, model_options  # noqa: E402

from prizeapp.core.calibration import MODELS, calibrate  # noqa: E402
from prizeapp.core.calibration.selection import VARIANTS  # noqa: E402

METRICS = ("spearman", "kendall", "top10", "coverage", "spearman_strict")
ORDER = ("raw_mean", "zscore", "additive", "hierarchical")
TIE_BREAKS = 20  # random tie-breaks of the estimate per panel (strict Spearman)
VARIANTS_KEY = "variants chosen"


def known_model(model: str) -> bool:
    return model in MODELS or model == CENSORED or model.removeprefix("hierarchical_") in VARIANTS


def true_ranks(truth: np.ndarray) -> np.ndarray:
    order = np.argsort(-truth, kind="stable")
    ranks = np.empty(len(truth), dtype=np.int64)
    ranks[order] = np.arange(1, len(truth) + 1)
    return ranks


def strict_spearman(est: np.ndarray, truth: np.ndarray, keys: np.ndarray) -> float:
    """Spearman of the estimate with its ties broken by each row of `keys`, averaged over the rows."""
    n = len(truth)
    order = np.lexsort((keys, np.broadcast_to(-est, keys.shape)), axis=1)
    ranks = np.empty(keys.shape)
    np.put_along_axis(ranks, order, np.arange(n, dtype=float)[None, :], axis=1)
    ref = -true_ranks(truth).astype(float)
    ref = (ref - ref.mean()) / ref.std()
    x = (ranks - ranks.mean(axis=1, keepdims=True)) / ranks.std(axis=1, keepdims=True)
    return -float(np.mean(x @ ref) / n)


def metrics(result, truth: np.ndarray, keys: np.ndarray) -> dict[str, float]:
    n = len(truth)
    est = np.array([result.submission(i).quality for i in range(n)])
    lo = np.array([result.submission(i).rank_low for i in range(n)])
    hi = np.array([result.submission(i).rank_high for i in range(n)])
    ranks = true_ranks(truth)
    k = max(1, n // 10)
    top_true = set(np.argsort(-truth, kind="stable")[:k].tolist())
    top_est = set(result.ranking()[:k])
    return {"spearman": float(spearmanr(est, truth)[0]), "kendall": float(kendalltau(est, truth)[0]),
            "top10": len(top_true & top_est) / k, "coverage": float(np.mean((lo <= ranks) & (ranks <= hi))),
            "spearman_strict": strict_spearman(est, truth, keys)}


def one_panel(task) -> tuple[str, int, dict[str, dict[str, float]]]:
    scenario, seed, models, n_draws = task
    panel = simulate(scenario, seed)
    k = max(1, scenario.n_submissions // 10)
    keys = np.random.default_rng([seed, 1]).random((TIE_BREAKS, scenario.n_submissions))  # same for all models
    out = {}
    for model in models:
        res = calibrate(panel.submissions, panel.reviewers, panel.scores, panel.confidence,
                        **model_options(model), scale=scenario.scale, top_k=k, seed=seed, n_draws=n_draws)
        out[model] = metrics(res, panel.truth, keys)
        if model == "hierarchical":
            how = res.parameters["variant_selection"]["method"].replace("_", " ")
            out[model]["variant"] = f"{res.parameters['variant']} ({how})"
    return scenario.name, seed, out


def mean_se(values) -> tuple[float, float]:
    v = np.asarray(values, dtype=float)
    if len(v) < 2:
        return float(v.mean()), float("nan")
    return float(v.mean()), float(v.std(ddof=1) / math.sqrt(len(v)))


def quality(scenarios, seeds: int, models, jobs: int, n_draws: int, log=print) -> dict:
    tasks = [(sc, seed, models, n_draws) for sc in scenarios for seed in range(seeds)]
    start = time.perf_counter()
    rows = map_tasks(one_panel, tasks, jobs)
    log(f"quality: {len(scenarios)} scenarios × {seeds} seeds × {len(models)} models in "
        f"{time.perf_counter() - start:.1f} s ({jobs} processes)")
    variants: dict[str, dict[str, int]] = {}
    for name, _, out in rows:
        if "hierarchical" in out:
            chosen = variants.setdefault(name, {})
            v = out["hierarchical"].pop("variant")
            chosen[v] = chosen.get(v, 0) + 1
    table = collect(rows)
    table[VARIANTS_KEY] = variants  # beside the scenarios: {scenario: {variant (how chosen): panels}}
    return table


def print_quality(table: dict, scenarios, models, log=print) -> list[str]:
    """Markdown tables; returns the list of failed targets (empty when all are met). The targets are read on
    the strict Spearman (the order a jury needs)."""
    failures = []
    for sc in scenarios:
        rows = table[sc.name]
        log(f"\n### {sc.name}: {sc.description} ({len(rows[models[0]]['spearman'])} seeds)\n")
        log("| model | Spearman | Δ vs raw mean | Kendall | Δ vs raw mean | top 10 % | Δ vs raw mean "
            "| 90 % rank coverage | Spearman, strict | Δ vs raw mean | Δ vs additive |")
        log("|---|---|---|---|---|---|---|---|---|---|---|")
        for model in models:
            log(f"| {model} | " + " | ".join(_quality_cells(rows, model)) + " |")
        if sc.name in table.get(VARIANTS_KEY, {}):
            counts = table[VARIANTS_KEY][sc.name]
            chosen = ", ".join(f"{v} {c}" for v, c in sorted(counts.items(), key=lambda x: -x[1]))
            log(f"\nvariant chosen by the default model: {chosen}")
        if "hierarchical" in models and "raw_mean" in rows:
            failures.extend(_missed_targets(sc, rows, models))
    return failures


def _quality_cells(rows: dict, model: str) -> list[str]:
    """One model's cells: each metric ± its standard error, then its paired differences."""
    cells = []
    for metric in METRICS:
        m, se = mean_se(rows[model][metric])
        cells.append(f"{m:.4f} ± {se:.4f}")
        if metric == "coverage":
            continue
        for ref in ("raw_mean", "additive") if metric == "spearman_strict" else ("raw_mean",):
            if ref in rows and model != ref:
                dm, dse = mean_se(np.subtract(rows[model][metric], rows[ref][metric]))
                cells.append(f"{dm:+.4f} ± {dse:.4f}")
            else:
                cells.append("–")
    return cells


def _missed_targets(sc, rows: dict, models) -> list[str]:
    failures = []
    h, base = rows["hierarchical"], rows["raw_mean"]
    dm, dse = mean_se(np.subtract(h["spearman_strict"], base["spearman_strict"]))
    if dm < -2 * dse or dm < -0.002:
        failures.append(f"{sc.name}: hierarchical worse than raw mean in strict Spearman ({dm:+.4f} ± {dse:.4f})")
    if sc.name != "same":
        for other in ("zscore", "additive"):
            if other in models:
                dm, dse = mean_se(np.subtract(h["spearman_strict"], rows[other]["spearman_strict"]))
                if dm <= 0:
                    failures.append(f"{sc.name}: hierarchical not better than {other} in strict Spearman "
                                    f"({dm:+.4f} ± {dse:.4f})")
        dm, _ = mean_se(np.subtract(h["spearman_strict"], base["spearman_strict"]))
        if dm <= 0:
            failures.append(f"{sc.name}: hierarchical not better than raw mean in strict Spearman")
    cov, _ = mean_se(h["coverage"])
    if cov < 0.88:
        failures.append(f"{sc.name}: 90 % rank intervals cover {cov:.3f} < 0.88")
    return failures


def speed(n_sub: int, n_rev: int, k: int, models, repeats: int, n_draws: int, log=print) -> dict:
    s, r, y, conf, _ = large_call(n_sub, n_rev, k, seed=0)
    log(f"\nspeed: {n_sub:,} submissions × {n_rev:,} reviewers × {len(s):,} reviews, {n_draws} draws, "
        f"best and median of {repeats}")
    calibrate(s[:300], r[:300], y[:300], conf[:300], scale=(0, 10), n_draws=n_draws)  # warm-up (imports, caches)
    times: dict[str, list[float]] = {m: [] for m in models}
    cpu: dict[str, list[float]] = {m: [] for m in models}
    detail = None
    for _ in range(repeats):
        for model in models:  # interleaved, so that a slower minute hits every model alike
            start, start_cpu = time.perf_counter(), time.process_time()
            res = calibrate(s, r, y, conf, **model_options(model), scale=(0, 10), top_k=n_sub // 10,
                            n_draws=n_draws)
            times[model].append(time.perf_counter() - start)
            cpu[model].append(time.process_time() - start_cpu)
            if model == "hierarchical":
                detail = (res.parameters, res.seconds)
    ref = min(times["raw_mean"]) if "raw_mean" in times else None
    ref_cpu = min(cpu["raw_mean"]) if "raw_mean" in cpu else None
    log("\n| model | wall best s | wall median s | ratio to raw_mean (wall best) | CPU best s | ratio (CPU) |")
    log("|---|---|---|---|---|---|")
    for model in models:
        best, med, best_cpu = min(times[model]), float(np.median(times[model])), min(cpu[model])
        ratio = f"{best / ref:.1f}" if ref else "–"
        ratio_cpu = f"{best_cpu / ref_cpu:.1f}" if ref_cpu else "–"
        log(f"| {model} | {best:.3f} | {med:.3f} | {ratio} | {best_cpu:.3f} | {ratio_cpu} |")
    if detail is not None:
        params, seconds = detail
        split = ", ".join(f"{k} {v:.3f} s" for k, v in seconds.items())
        log(f"\nhierarchical (last call): variant {params['variant']} ({params['variant_selection']['method']}), "
            f"{params['iterations']} rounds, converged {params['converged']}; time split: {split}")
    return times


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="8 seeds and a 2,000 × 600 speed test")
    parser.add_argument("--seeds", type=int, default=None, help="seeds per scenario (default 50, quick 8)")
    parser.add_argument("--scenarios", default=",".join(sc.name for sc in SCENARIOS))
    parser.add_argument("--models", default=",".join(ORDER))
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--draws", type=int, default=200, help="posterior draws (calibrate's default: 200)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--size", default=None, help="speed test size SUBMISSIONSxREVIEWERS (default 10000x3000)")
    parser.add_argument("--panel-size", default=None,
                        help="simulated panels' size SUBMISSIONSxREVIEWERS (default: the scenarios', 200x60)")
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument("--speed-only", action="store_true")
    args = parser.parse_args(argv)
    from common import describe_source

    models = [m for m in args.models.split(",") if m]
    for m in models:
        if not known_model(m):
            parser.error(f"unknown model {m}")
    wanted = args.scenarios.split(",")
    scenarios = [sc for sc in SCENARIOS if sc.name in wanted]
    if args.panel_size:
        n_sub, n_rev = (int(x) for x in args.panel_size.lower().split("x"))
        scenarios = [dataclasses.replace(sc, n_submissions=n_sub, n_reviewers=n_rev) for sc in scenarios]
    seeds = args.seeds or (8 if args.quick else 50)
    print(f"code: {describe_source(ROOT)}")
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, {os.cpu_count()} CPUs, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    failures: list[str] = []
    if not args.speed_only:
        table = quality(scenarios, seeds, models, args.jobs, args.draws)
        failures = print_quality(table, scenarios, models)
    if not args.no_speed:
        size = args.size or ("2000x600" if args.quick else "10000x3000")
        n_sub, n_rev = (int(x) for x in size.lower().split("x"))
        times = speed(n_sub, n_rev, 3, [m for m in models if m != CENSORED], args.repeats, args.draws)
        if "hierarchical" in times and (n_sub, n_rev) == (10000, 3000):
            best = min(times["hierarchical"])
            verdict = "met" if best <= 0.5 else f"MISSED by {best - 0.5:.3f} s ({best / 0.5:.2f} × the target)"
            print(f"target ≤ 0.5 s for 10,000 × 3,000 × 30,000: best {best:.3f} s: {verdict}")
    if failures:
        print("\ntargets not met:")
        for f in failures:
            print(f"  - {f}")
    elif not args.speed_only:
        print("\nquality targets met on every scenario")
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
