"""Calibration on real ratings: essays scored by every rater (bench/data/ratings-wind-hua/, CC0).

Split-rater evaluation. For each random split of the raters into two halves A and B, every essay gets 3
raters drawn at random from half A (a random sparse review design, like a call's); each model calibrates those
reviews, and its ranking is compared with the mean score of ALL raters of half B (a reference that shares no
rater and no review with the input):
    spearman   rank correlation with the half-B mean (a second raw-mean row breaks the raw mean's many ties at
               random: Spearman's average ranks reward ties, which no method that orders every essay gets)
    top10      share of the model's top 10 % of essays that are in half B's top 10 % (essays tied with the
               last one of half B's top 10 % count as in it)
Means ± standard errors over the splits, and the paired difference against the raw mean on the same splits.

Data sets
    style     style_ratings.csv: 372 essays × 21 raters, one "style" score 0-3
    writing   writing.csv: the same essays and raters, four criteria 0-3; each review's total is their equal-
              weight grid score (weighted_total), calibrated as one score on 0-3 (continuous)
    braun     braun_data.csv: 32 essays × 12 raters, scale 1-3

Usage
    .venv/bin/python bench/calibration_realdata.py            # 200 splits per data set
    .venv/bin/python bench/calibration_realdata.py --quick    # 30 splits
    options: --splits 200 --per-essay 3 --jobs 2 --data-dir bench/data/ratings-wind-hua
             --datasets style,braun --models raw_mean,hierarchical,hierarchical_censored
"""
from __future__ import annotations

import argparse
import csv
import math
import os
import sys
import time
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import collect, map_tasks  # noqa: E402

from prizeapp.core.calibration import calibrate, weighted_total  # noqa: E402

DATA_DIR = ROOT / "bench" / "data" / "ratings-wind-hua"  # CC0 ratings, kept with the benchmark (see its README)
ORDER = ("raw_mean", "zscore", "additive", "hierarchical")
CENSORED = "hierarchical_censored"  # --models ...,hierarchical_censored: the default model with censor=True


def load(data_dir: Path) -> dict[str, tuple[np.ndarray, tuple[int, int]]]:
    """Each data set as an essays × raters matrix of (total) scores, with its scale."""
    out = {}
    with open(data_dir / "style_ratings.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    raters = [k for k in rows[0] if k.startswith("rater_")]
    out["style"] = (np.array([[float(row[k]) for k in raters] for row in rows]), (0, 3))
    with open(data_dir / "writing.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    students = sorted({int(row["student"]) for row in rows})
    rater_ids = sorted({int(row["rater"]) for row in rows})
    si = {s: i for i, s in enumerate(students)}
    ri = {r: j for j, r in enumerate(rater_ids)}
    criteria = ("style", "org", "conv", "sent_form")
    totals = weighted_total({c: [float(row[c]) for row in rows] for c in criteria}, dict.fromkeys(criteria, 1.0))
    matrix = np.full((len(students), len(rater_ids)), np.nan)
    for row, total in zip(rows, totals, strict=True):
        matrix[si[int(row["student"])], ri[int(row["rater"])]] = total
    out["writing"] = (matrix, (0, 3))
    with open(data_dir / "braun_data.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    raters = [k for k in rows[0] if k.startswith("rater_")]
    out["braun"] = (np.array([[float(row[k]) for k in raters] for row in rows]), (1, 3))
    for name, (m, _) in out.items():
        if np.isnan(m).any():
            raise SystemExit(f"{name}: the design is not fully crossed")
    return out


def top_precision(estimate: np.ndarray, reference: np.ndarray, k: int) -> float:
    chosen = np.argsort(-estimate, kind="stable")[:k]
    threshold = np.sort(reference)[::-1][k - 1]
    return float(np.mean(reference[chosen] >= threshold))


def split_design(matrix: np.ndarray, split: int, per_essay: int):
    """One split: the reviews shown to a model (essay, rater, score: `per_essay` raters of half A per essay) and
    the reference (each essay's mean over all of half B). The same split number gives the same design."""
    rng = np.random.default_rng(split)
    n_essays, n_raters = matrix.shape
    perm = rng.permutation(n_raters)
    half_a, half_b = perm[: n_raters // 2], perm[n_raters // 2:]
    chosen = np.array([rng.choice(half_a, per_essay, replace=False) for _ in range(n_essays)])
    s = np.repeat(np.arange(n_essays), per_essay)
    r = chosen.reshape(-1)
    return s, r, matrix[s, r], matrix[:, half_b].mean(axis=1)


def one_split(task) -> tuple[str, int, dict[str, dict[str, float]]]:
    name, matrix, scale, split, per_essay, models = task
    n_essays = matrix.shape[0]
    s, r, y, reference = split_design(matrix, split, per_essay)
    k = max(1, round(n_essays / 10))
    out = {}
    for model in models:
        options = {"model": "hierarchical", "censor": True} if model == CENSORED else {"model": model}
        res = calibrate(s, r, y, **options, scale=scale, seed=split, n_draws=100)
        est = np.array([res.submission(i).quality for i in range(n_essays)])
        out[model] = {"spearman": float(spearmanr(est, reference)[0]), "top10": top_precision(est, reference, k)}
        if model == "raw_mean":
            # the raw mean of 3 scores on a 4- or 3-level scale has many ties, and Spearman's average ranks
            # favour ties over any order; the same raw mean with its ties broken at random (mean of 20 draws)
            # shows how much of the raw mean's figure comes from that
            tie_rng = np.random.default_rng([split, 1])
            broken = [spearmanr(est + 1e-9 * tie_rng.random(n_essays), reference)[0] for _ in range(20)]
            out["raw_mean, ties broken at random"] = {"spearman": float(np.mean(broken)),
                                                      "top10": out[model]["top10"]}
    return name, split, out


def mean_se(values) -> tuple[float, float]:
    v = np.asarray(values, dtype=float)
    return float(v.mean()), float(v.std(ddof=1) / math.sqrt(len(v))) if len(v) > 1 else float("nan")


def run(splits: int, per_essay: int, jobs: int, data_dir: Path = DATA_DIR, datasets=None, models=ORDER,
        log=print) -> list[str]:
    data = load(data_dir)
    names = [n for n in data if datasets is None or n in datasets]
    tasks = [(n, data[n][0], data[n][1], split, per_essay, models) for n in names for split in range(splits)]
    start = time.perf_counter()
    rows = map_tasks(one_split, tasks, jobs)
    log(f"{len(names)} data sets × {splits} splits × {len(models)} models, {per_essay} raters per essay from "
        f"half A, in {time.perf_counter() - start:.1f} s")
    table = collect(rows)
    failures = []
    for name in names:
        m, _ = data[name]
        log(f"\n### {name}: {m.shape[0]} essays × {m.shape[1]} raters, scale {data[name][1]}\n")
        log("| model | Spearman vs half B | Δ vs raw mean | top 10 % | Δ vs raw mean |")
        log("|---|---|---|---|---|")
        base = table[name]["raw_mean"]
        for model in [*models[:1], "raw_mean, ties broken at random", *models[1:]]:
            t = table[name][model]
            cells = []
            for metric in ("spearman", "top10"):
                mu, se = mean_se(t[metric])
                cells.append(f"{mu:.4f} ± {se:.4f}")
                if model == "raw_mean" or (model.startswith("raw_mean") and metric == "top10"):
                    cells.append("–")
                else:
                    dm, dse = mean_se(np.subtract(t[metric], base[metric]))
                    cells.append(f"{dm:+.4f} ± {dse:.4f}")
                    if model == "hierarchical" and dm < -2 * dse:
                        failures.append(f"{name}: hierarchical worse than raw mean in {metric} "
                                        f"({dm:+.4f} ± {dse:.4f})")
            log(f"| {model} | " + " | ".join(cells) + " |")
    return failures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="30 splits")
    parser.add_argument("--splits", type=int, default=None)
    parser.add_argument("--per-essay", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--datasets", default=None, help="comma-separated: style,writing,braun")
    parser.add_argument("--models", default=",".join(ORDER), help=f"raw_mean first; also {CENSORED}")
    args = parser.parse_args(argv)
    from common import describe_source

    print(f"code: {describe_source(ROOT)}")
    print(f"data: {args.data_dir}")
    splits = args.splits or (30 if args.quick else 200)
    failures = run(splits, args.per_essay, args.jobs, args.data_dir,
                   args.datasets.split(",") if args.datasets else None, models=tuple(args.models.split(",")))
    if failures:
        print("\ntarget not met (hierarchical must never do worse than the raw mean):")
        for f in failures:
            print(f"  - {f}")
    else:
        print("\nthe hierarchical model is nowhere worse than the raw mean (beyond 2 standard errors)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
