"""Calibration on real ratings: essays scored by every rater (bench/data/ratings-wind-hua/, CC0).

Split-rater evaluation. For each random split of the raters into a panel A and a reference B, every essay gets
3 raters drawn at random from A (a random sparse review design, like a call's); each model calibrates those
reviews, and its ranking is compared with the mean score of ALL raters of B (a reference that shares no rater
and no review with the input). Two designs, each with its own splits:
    full       every essay; A and B are halves of the raters (style: 372 essays × 10 raters, braun: 32 × 6)
    sub        a small panel like most prizes': 30-60 essays drawn at random (at most all of them) and 6-12
               raters for A (at most as many as leave 6 for B), so style and writing sub-panels have 6-12
               raters and a reference of 9-15, braun's 30-32 essays × 6 raters and a reference of 6
Two protocols, on the same estimates:
    ties kept  Spearman's correlation with the estimate's ties left in (average ranks), top 10 % with ties
               in the essays' order: how the figures were read before 2026-12-04. The mean of 3 scores on a
               3- or 4-level scale has many ties, and average ranks credit a tie more than any order of the
               tied essays that is not better than chance, so this protocol favours coarse estimates
    strict     the order a jury needs: the estimate's ties broken at random (20 tie-breaks per split, the same
               random keys for every model, so the comparison stays paired), Spearman and top 10 % averaged
               over them
Metrics: spearman (rank correlation with the reference), top10 (share of the model's top 10 % of essays that
are in the reference's top 10 %, essays tied with the reference's last one counting as in it). Means ±
standard errors over the splits, and paired differences against the raw mean and the additive model on the
same splits and tie-breaks. For the default model, how often each variant was chosen (its `variant`).

Data sets
    style     style_ratings.csv: 372 essays × 21 raters, one "style" score 0-3
    writing   writing.csv: the same essays and raters, four criteria 0-3; each review's total is their equal-
              weight grid score (weighted_total), calibrated as one score on 0-3 (continuous)
    braun     braun_data.csv: 32 essays × 12 raters, scale 1-3

Models: raw_mean, zscore, additive, hierarchical (the default: its variant chosen from the reviews); also
hierarchical_<variant> for a variant forced (hierarchical_tested is the default before 2026-12-04) and
hierarchical_censored (the default with censor=True).

Usage
    .venv/bin/python bench/calibration_realdata.py            # 200 splits per data set and design
    .venv/bin/python bench/calibration_realdata.py --quick    # 30 splits
    options: --splits 200 --per-essay 3 --jobs 2 --data-dir bench/data/ratings-wind-hua
             --datasets style,braun --designs full,sub --models raw_mean,additive,hierarchical,hierarchical_tested
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
from scipy.stats import rankdata, spearmanr

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import CENSORED, collect, map_tasks, model_options  # noqa: E402

from prizeapp.core.calibration import calibrate, weighted_total  # noqa: E402

DATA_DIR = ROOT / "bench" / "data" / "ratings-wind-hua"  # CC0 ratings, kept with the benchmark (see its README)
ORDER = ("raw_mean", "zscore", "additive", "hierarchical")
SUB_ESSAYS, SUB_RATERS = (30, 60), (6, 12)  # the sub-panels' sizes (lowest, highest)
MIN_REFERENCE = 6  # raters left for a sub-panel's reference, at least
TIE_BREAKS = 20  # random tie-breaks per split (strict protocol)
NOTICEABLE = 0.001  # a loss of Spearman smaller than this is not counted against the target, however certain


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


def subpanel_design(matrix: np.ndarray, split: int, per_essay: int, essays=SUB_ESSAYS, raters=SUB_RATERS):
    """One split of a small panel: `essays` (lowest, highest) essays drawn at random (at most all), a panel of
    `raters` raters (at most as many as leave `MIN_REFERENCE` for the reference), `per_essay` of them per essay;
    the reference is each essay's mean over every rater not in the panel. Same split, same design."""
    rng = np.random.default_rng([split, 2])
    n_essays, n_raters = matrix.shape
    n_items = int(rng.integers(min(essays[0], n_essays), min(essays[1], n_essays) + 1))
    top = min(raters[1], n_raters - MIN_REFERENCE)
    n_panel = int(rng.integers(min(raters[0], top), top + 1))
    perm = rng.permutation(n_raters)
    panel, rest = perm[:n_panel], perm[n_panel:]
    items = np.sort(rng.choice(n_essays, n_items, replace=False))
    chosen = np.array([rng.choice(panel, per_essay, replace=False) for _ in range(n_items)])
    sub = matrix[items]
    s = np.repeat(np.arange(n_items), per_essay)
    r = chosen.reshape(-1)
    return s, r, sub[s, r], sub[:, rest].mean(axis=1)


DESIGNS = {"full": split_design, "sub": subpanel_design}


def strict_ranks(estimate: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Ranks (0 = best) of the estimate with its ties broken by `keys` (tie-breaks × essays): one row each."""
    order = np.lexsort((keys, np.broadcast_to(-estimate, keys.shape)), axis=1)
    ranks = np.empty(keys.shape)
    np.put_along_axis(ranks, order, np.arange(keys.shape[1], dtype=float)[None, :], axis=1)
    return ranks


def strict_metrics(estimate: np.ndarray, reference: np.ndarray, keys: np.ndarray, k: int) -> dict[str, float]:
    """Spearman and top 10 % of the estimate made strict, averaged over the tie-breaks in `keys`."""
    ranks = strict_ranks(estimate, keys)
    ref = -rankdata(reference)  # average ranks: the reference's own ties are part of the truth measured
    ref = (ref - ref.mean()) / ref.std()
    x = (ranks - ranks.mean(axis=1, keepdims=True)) / ranks.std(axis=1, keepdims=True)
    threshold = np.sort(reference)[::-1][k - 1]
    top = [float(np.mean(reference[np.argsort(row)[:k]] >= threshold)) for row in ranks]
    return {"spearman": float(np.mean(x @ ref) / len(reference)), "top10": float(np.mean(top))}


def one_split(task) -> tuple[str, int, dict[str, dict[str, float]]]:
    name, design, matrix, scale, split, per_essay, models = task
    s, r, y, reference = DESIGNS[design](matrix, split, per_essay)
    n_essays = len(reference)
    k = max(1, round(n_essays / 10))
    keys = np.random.default_rng([split, 1]).random((TIE_BREAKS, n_essays))  # the same for every model
    out = {}
    for model in models:
        res = calibrate(s, r, y, **model_options(model), scale=scale, seed=split, n_draws=100)
        est = np.array([res.submission(i).quality for i in range(n_essays)])
        strict = strict_metrics(est, reference, keys, k)
        out[model] = {"spearman": float(spearmanr(est, reference)[0]), "top10": top_precision(est, reference, k),
                      "spearman_strict": strict["spearman"], "top10_strict": strict["top10"]}
        if model == "hierarchical":
            how = res.parameters["variant_selection"]["method"].replace("_", " ")
            out[model]["variant"] = f"{res.parameters['variant']} ({how})"
    return f"{name}/{design}", split, out


def mean_se(values) -> tuple[float, float]:
    v = np.asarray(values, dtype=float)
    return float(v.mean()), float(v.std(ddof=1) / math.sqrt(len(v))) if len(v) > 1 else float("nan")


def _cell(values, base=None) -> str:
    if base is None:
        mu, se = mean_se(values)
        return f"{mu:.4f} ± {se:.4f}"
    mu, se = mean_se(np.subtract(values, base))
    return f"{mu:+.4f} ± {se:.4f}"


def run(splits: int, per_essay: int, jobs: int, data_dir: Path = DATA_DIR, datasets=None, models=ORDER,
        designs=tuple(DESIGNS), log=print) -> list[str]:
    """Both designs and both protocols as Markdown tables; returns the targets missed (empty when all met)."""
    data = load(data_dir)
    names = [n for n in data if datasets is None or n in datasets]
    tasks = [(n, design, data[n][0], data[n][1], split, per_essay, models)
             for design in designs for n in names for split in range(splits)]
    start = time.perf_counter()
    rows = map_tasks(one_split, tasks, jobs)
    log(f"{len(names)} data sets × {len(designs)} designs × {splits} splits × {len(models)} models, {per_essay} "
        f"raters per essay from the panel, in {time.perf_counter() - start:.1f} s ({jobs} processes)")
    variants: dict[str, dict[str, int]] = {}
    for key, _, out in rows:
        if "hierarchical" in out:
            chosen = variants.setdefault(key, {})
            chosen[out["hierarchical"]["variant"]] = chosen.get(out["hierarchical"]["variant"], 0) + 1
            del out["hierarchical"]["variant"]
    table = collect(rows)
    refs = [m for m in ("raw_mean", "additive") if m in models]
    failures = []
    for design in designs:
        for name in names:
            key = f"{name}/{design}"
            m = data[name][0]
            log(f"\n### {name}, {design}: from {m.shape[0]} essays × {m.shape[1]} raters, scale {data[name][1]}"
                f"{'' if design == 'full' else ', sub-panels of 30-60 essays × 6-12 raters'} ({splits} splits)\n")
            header = ["model", "Spearman, ties kept", "Δ vs raw mean", "Spearman, strict",
                      *(f"Δ vs {ref}" for ref in refs), "top 10 %, strict", *(f"Δ vs {ref}" for ref in refs)]
            log("| " + " | ".join(header) + " |")
            log("|" + "---|" * len(header))
            for model in models:
                t = table[key][model]
                cells = [_cell(t["spearman"])]
                cells.append("–" if model == "raw_mean" or "raw_mean" not in models else
                             _cell(t["spearman"], table[key]["raw_mean"]["spearman"]))
                for metric in ("spearman_strict", "top10_strict"):
                    cells.append(_cell(t[metric]))
                    cells.extend("–" if model == ref else _cell(t[metric], table[key][ref][metric]) for ref in refs)
                log(f"| {model} | " + " | ".join(cells) + " |")
            if "hierarchical" in models:
                chosen = ", ".join(f"{v} {c}" for v, c in sorted(variants[key].items(), key=lambda x: -x[1]))
                log(f"\nvariant chosen by the default model: {chosen}")
                for ref in refs:
                    dm, dse = mean_se(np.subtract(table[key]["hierarchical"]["spearman_strict"],
                                                  table[key][ref]["spearman_strict"]))
                    if dm < -2 * dse and dm < -NOTICEABLE:
                        failures.append(f"{key}: hierarchical behind {ref} in strict Spearman ({dm:+.4f} ± {dse:.4f})")
    return failures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="30 splits")
    parser.add_argument("--splits", type=int, default=None)
    parser.add_argument("--per-essay", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--datasets", default=None, help="comma-separated: style,writing,braun")
    parser.add_argument("--designs", default=",".join(DESIGNS), help="comma-separated: full,sub")
    parser.add_argument("--models", default=",".join(ORDER),
                        help=f"raw_mean and additive first (the references); also {CENSORED}, hierarchical_<variant>")
    args = parser.parse_args(argv)
    from common import describe_source

    print(f"code: {describe_source(ROOT)}")
    print(f"data: {args.data_dir}")
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    splits = args.splits or (30 if args.quick else 200)
    failures = run(splits, args.per_essay, args.jobs, args.data_dir,
                   args.datasets.split(",") if args.datasets else None, models=tuple(args.models.split(",")),
                   designs=tuple(args.designs.split(",")))
    if failures:
        print(f"\ntarget not met (under the strict protocol, the default model must never be behind the raw mean "
              f"or the additive model by more than 2 standard errors and {NOTICEABLE}):")
        for f in failures:
            print(f"  - {f}")
    else:
        print(f"\nunder the strict protocol the default model is nowhere behind the raw mean or the additive model "
              f"(by more than 2 standard errors and {NOTICEABLE})")
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
