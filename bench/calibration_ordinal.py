"""Would an ordinal model rank the real essays better? A study on the real ratings, not a model of prizeapp.

On the braun ratings (32 essays, 1-3 scale) the default model trails the raw mean by a few thousandths of
Spearman (docs/PERFORMANCE.md, section 5). A 3-level scale is ordinal: a rater's "3" may mean "a little above
my 2" or "far above", and raters differ in how they cut the scale. This study fits an ordinal (graded probit)
model in the same split-rater evaluation as bench/calibration_realdata.py (same splits, paired):

    rating of essay e by rater r = level k   when   θ_(k-1) < q_e + shift_r + σ_r ε ≤ θ_k,   ε ~ N(0, 1)

q_e ~ N(0, 1) is integrated out on a grid; the thresholds θ are estimated; each rater's shift (leniency) has a
N(0, shift_sd²) prior and their log σ_r a N(0, noise_sd²) prior (penalised maximum likelihood: the raters'
effects at their posterior mode, the qualities marginalised). An essay's estimate is its posterior mean quality.

Variants
    common         thresholds only: no rater effects (the scale's own nonlinearity)
    noise          + each rater's noise σ_r (reliability)
    shift          + each rater's shift
    shift+noise    both
    oracle         shift+noise with every parameter fitted on ALL raters and essays, half B included: not a
                   usable method, it shows what knowing the raters would be worth

Usage
    .venv/bin/python bench/calibration_ordinal.py                        # braun, 200 splits
    options: --datasets braun,style --splits 200 --shift-sd 0.5 --noise-sd 0.3 --jobs 2
"""
from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from scipy.special import ndtr
from scipy.stats import spearmanr

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from calibration_realdata import DATA_DIR, load, mean_se, split_design  # noqa: E402
from common import map_tasks  # noqa: E402

from prizeapp.core.calibration import calibrate  # noqa: E402

GRID = np.linspace(-4.0, 4.0, 81)
LOG_PRIOR = -0.5 * GRID**2 - np.log(np.exp(-0.5 * GRID**2).sum())
VARIANTS = ("common", "noise", "shift", "shift+noise")
_END = 30.0  # stands for ±∞ at the ends of the scale (Φ(±30) is 0 or 1 to double precision)


def _phi(x):
    return np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)


class Ordinal:
    """Graded probit with qualities on GRID; parameters x = [θ_1, log gaps θ_k − θ_(k−1), shifts, log σ]."""

    def __init__(self, s, r, level, n_levels, n_raters, shift_sd, noise_sd):
        self.s, self.r, self.level = s, r, level
        self.K, self.R, self.E = n_levels, n_raters, int(s.max()) + 1
        self.shift_sd, self.noise_sd = shift_sd, noise_sd

    def unpack(self, x):
        K, R = self.K, self.R
        theta = x[0] + np.concatenate([[0.0], np.cumsum(np.exp(x[1:K - 1]))])
        return theta, x[K - 1:K - 1 + R], x[K - 1 + R:]

    def _terms(self, x):
        theta, shift, log_sd = self.unpack(x)
        cut = np.concatenate([[-_END], theta, [_END]])
        sd = np.exp(log_sd)[self.r][:, None]
        centre = GRID[None, :] + shift[self.r][:, None]
        upper = np.clip((cut[self.level + 1][:, None] - centre) / sd, -_END, _END)
        lower = np.clip((cut[self.level][:, None] - centre) / sd, -_END, _END)
        p = np.maximum(ndtr(upper) - ndtr(lower), 1e-300)
        log_post = np.zeros((self.E, len(GRID)))
        np.add.at(log_post, self.s, np.log(p))
        log_post += LOG_PRIOR
        top = log_post.max(axis=1, keepdims=True)
        post = np.exp(log_post - top)
        norm = post.sum(axis=1, keepdims=True)
        return theta, shift, log_sd, sd, upper, lower, p, post / norm, float(np.sum(top[:, 0] + np.log(norm[:, 0])))

    def objective(self, x, free):
        """Negative penalised log likelihood and its gradient (over the free parameters)."""
        _, shift, log_sd, sd, upper, lower, p, post, loglik = self._terms(x)
        K, R = self.K, self.R
        value = (-loglik + 0.5 * float(shift @ shift) / self.shift_sd**2
                 + 0.5 * float(log_sd @ log_sd) / self.noise_sd**2)
        g = post[self.s] / p  # d loglik / d p, per review and grid point
        du, dl = g * _phi(upper), g * _phi(lower)
        inv_sd = 1.0 / sd[:, 0]
        d_cut_up = (du.sum(axis=1)) * inv_sd  # d loglik / d (upper cut of the review's level)
        d_cut_lo = -(dl.sum(axis=1)) * inv_sd
        d_theta = np.bincount(self.level, d_cut_up, K + 1)[:K - 1] + np.bincount(self.level, d_cut_lo, K + 1)[1:K]
        # θ_k = x0 + Σ_(j<k) e^(x_j): chain rule
        grad = np.zeros_like(x)
        grad[0] = d_theta.sum()
        tail = np.cumsum(d_theta[::-1])[::-1]  # Σ over k ≥ j
        grad[1:K - 1] = np.exp(x[1:K - 1]) * tail[1:]
        grad[K - 1:K - 1 + R] = np.bincount(self.r, -(du.sum(axis=1) - dl.sum(axis=1)) * inv_sd, R)
        grad[K - 1 + R:] = np.bincount(self.r, -(du * upper).sum(axis=1) + (dl * lower).sum(axis=1), R)
        grad = -grad
        grad[K - 1:K - 1 + R] += shift / self.shift_sd**2
        grad[K - 1 + R:] += log_sd / self.noise_sd**2
        return value, grad[free]

    def fit(self, variant: str) -> np.ndarray:
        K, R = self.K, self.R
        x0 = np.concatenate([[-1.0], np.full(K - 2, math.log(2.0 / max(K - 2, 1))), np.zeros(2 * R)])
        free = np.ones(len(x0), dtype=bool)
        free[K - 1:K - 1 + R] = "shift" in variant
        free[K - 1 + R:] = "noise" in variant

        def fun(v):
            x = x0.copy()
            x[free] = v
            return self.objective(x, free)

        res = minimize(fun, x0[free], jac=True, method="L-BFGS-B")
        x = x0.copy()
        x[free] = res.x
        return x

    def posterior_mean(self, x) -> np.ndarray:
        post = self._terms(x)[7]
        return post @ GRID


def one_split(task):
    name, matrix, (lo, _hi), split, per_essay, shift_sd, noise_sd, oracle = task
    s, r, y, reference = split_design(matrix, split, per_essay)
    raters, r_local = np.unique(r, return_inverse=True)
    n_levels = int(round(matrix.max() - lo)) + 1
    model = Ordinal(s, r_local, (y - lo).astype(int), n_levels, len(raters), shift_sd, noise_sd)
    raw = spearmanr(np.bincount(s, y) / np.bincount(s), reference)[0]
    out = {}
    for variant in VARIANTS:
        out[variant] = spearmanr(model.posterior_mean(model.fit(variant)), reference)[0] - raw
    default = calibrate(s, r, y, scale=(lo, _hi), seed=split, n_draws=100)
    est = np.array([default.submission(i).quality for i in range(matrix.shape[0])])
    out["hierarchical (default)"] = spearmanr(est, reference)[0] - raw
    if oracle is not None:
        # the parameters fitted on every rater, applied to this split's reviews
        x = np.concatenate([oracle[:n_levels - 1], oracle[n_levels - 1:][raters],
                            oracle[n_levels - 1 + matrix.shape[1]:][raters]])
        out["oracle"] = spearmanr(model.posterior_mean(x), reference)[0] - raw
    return name, split, {k: {"spearman": v} for k, v in out.items()}


def fit_oracle(matrix, lo, shift_sd, noise_sd) -> np.ndarray:
    n_essays, n_raters = matrix.shape
    s = np.repeat(np.arange(n_essays), n_raters)
    r = np.tile(np.arange(n_raters), n_essays)
    level = (matrix.reshape(-1) - lo).astype(int)
    return Ordinal(s, r, level, int(round(matrix.max() - lo)) + 1, n_raters, shift_sd, noise_sd).fit("shift+noise")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", default="braun",
                        help="comma-separated, among those on a level scale: braun,style")
    parser.add_argument("--splits", type=int, default=200)
    parser.add_argument("--per-essay", type=int, default=3)
    parser.add_argument("--shift-sd", type=float, default=0.5, help="prior sd of a rater's shift (quality sd = 1)")
    parser.add_argument("--noise-sd", type=float, default=0.3, help="prior sd of a rater's log noise sd")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    from common import describe_source

    print(f"code: {describe_source(ROOT)}")
    data = load(DATA_DIR)
    for name in args.datasets.split(","):
        matrix, (lo, hi) = data[name]
        if not np.array_equal(matrix, np.round(matrix)):
            raise SystemExit(f"{name}: not on a scale of levels")
        start = time.perf_counter()
        oracle = fit_oracle(matrix, lo, args.shift_sd, args.noise_sd)
        tasks = [(name, matrix, (lo, hi), split, args.per_essay, args.shift_sd, args.noise_sd, oracle)
                 for split in range(args.splits)]
        rows = map_tasks(one_split, tasks, args.jobs)
        print(f"\n### {name}: {matrix.shape[0]} essays × {matrix.shape[1]} raters, levels {lo:g}-{hi:g}, "
              f"{args.splits} splits, shift sd {args.shift_sd}, noise sd {args.noise_sd} "
              f"({time.perf_counter() - start:.0f} s)\n")
        print("| model | Δ Spearman vs raw mean |")
        print("|---|---|")
        for key in [*VARIANTS, "hierarchical (default)", "oracle"]:
            mu, se = mean_se([row[2][key]["spearman"] for row in rows])
            print(f"| {key} | {mu:+.4f} ± {se:.4f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
