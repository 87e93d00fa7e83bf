"""Simulated review panels with a known true quality per submission, for bench/calibration.py.

A panel: true qualities q ~ N(0, 1) (plus a mean per topic when the graph is topic-clustered); reviewers with
a leniency (bias), a scale (how much they stretch or compress differences), a noise level, a few near-random
reviewers (their scores ignore quality); a review graph where every submission gets k distinct reviewers,
either at random or mostly within the submission's topic; confidence levels that are only partly honest; scores
mapped to a bounded discrete scale (rounded and clipped), optionally as several weighted criteria whose total
is the grid's weighted score. Everything is drawn from numpy's generator seeded with `seed`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CRITERIA_WEIGHTS = (0.25, 0.25, 0.15, 0.20, 0.15)  # the typical grid of DOMAIN.md


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    n_submissions: int = 200
    n_reviewers: int = 60
    per_submission: int = 3
    bias_sd: float = 0.0  # reviewers' leniency, in units of the quality's standard deviation
    log_scale_sd: float = 0.0  # log of each reviewer's stretch factor
    noise_sd: float = 0.8  # typical noise, in quality units
    noise_log_sd: float = 0.0  # heterogeneity of the noise between reviewers
    random_fraction: float = 0.0  # near-random reviewers: their scores do not follow quality
    confidence_honesty: float | None = None  # None: no confidence given; else P(reported level = true level)
    topics: int = 0  # 0: random review graph; else topic-clustered with this many topics
    cross_topic: float = 0.1  # probability that a review goes to a reviewer outside the submission's topic
    topic_sd: float = 0.3  # sd of the topics' mean quality
    scale: tuple[int, int] = (0, 10)
    center: float = 6.0  # score of an average project by an average reviewer
    points_per_sd: float = 1.6  # score points per quality standard deviation
    criteria: bool = False  # five criteria on the scale, weighted as CRITERIA_WEIGHTS


SCENARIOS = (
    Scenario("same", "reviewers do not differ: no leniency, same scale and noise; random graph; 0-10"),
    Scenario("lenient", "leniency only (bias sd 0.7 quality sd); random graph; 0-10", bias_sd=0.7),
    Scenario("mixed", "leniency 0.7, scale sd 0.3 (log), noise heterogeneity 0.5 (log), 5 % near-random, "
             "confidence 60 % honest; random graph; 0-10", bias_sd=0.7, log_scale_sd=0.3, noise_log_sd=0.5,
             random_fraction=0.05, confidence_honesty=0.6),
    Scenario("topics", "as mixed, topic-clustered graph (8 topics, 10 % of reviews across topics, topic means "
             "sd 0.3)", bias_sd=0.7, log_scale_sd=0.3, noise_log_sd=0.5, random_fraction=0.05,
             confidence_honesty=0.6, topics=8),
    Scenario("coarse", "as mixed without confidence, on a 1-5 scale (0.8 point per quality sd, center 3.4)",
             bias_sd=0.7, log_scale_sd=0.3, noise_log_sd=0.5, random_fraction=0.05, scale=(1, 5), center=3.4,
             points_per_sd=0.8),
    Scenario("criteria", "as mixed, five criteria scored 1-5 and weighted 25/25/15/20/15; the total is "
             "calibrated", bias_sd=0.7, log_scale_sd=0.3, noise_log_sd=0.5, random_fraction=0.05,
             confidence_honesty=0.6, scale=(1, 5), center=3.4, points_per_sd=0.8, criteria=True),
)


@dataclass
class Panel:
    submissions: np.ndarray  # per review
    reviewers: np.ndarray
    scores: np.ndarray  # the (total) score of each review
    confidence: np.ndarray | None
    truth: np.ndarray  # true quality per submission index
    criterion_scores: np.ndarray | None = None  # reviews × criteria, when the scenario has criteria


def review_graph(n_sub: int, n_rev: int, k: int, rng, topics_of_sub=None, topics_of_rev=None, cross=0.1):
    """k distinct reviewers per submission, loads kept balanced (least loaded eligible reviewer first)."""
    load = np.zeros(n_rev)
    subs, revs = [], []
    members = None
    if topics_of_sub is not None:
        members = [np.flatnonzero(topics_of_rev == t) for t in range(int(topics_of_rev.max()) + 1)]
    for i in rng.permutation(n_sub):
        chosen: list[int] = []
        for _ in range(k):
            if members is not None and rng.random() >= cross and len(members[topics_of_sub[i]]) > len(chosen):
                pool = members[topics_of_sub[i]]
            else:
                pool = np.arange(n_rev)
            pool = pool[~np.isin(pool, chosen)]
            key = load[pool] + rng.random(len(pool))  # random among the least loaded
            j = int(pool[np.argmin(key)])
            chosen.append(j)
            load[j] += 1
        subs.extend([i] * k)
        revs.extend(chosen)
    return np.array(subs), np.array(revs)


def simulate(sc: Scenario, seed: int) -> Panel:
    rng = np.random.default_rng(seed)
    N, R, k = sc.n_submissions, sc.n_reviewers, sc.per_submission
    q = rng.standard_normal(N)
    topics_sub = topics_rev = None
    if sc.topics:
        topics_sub = rng.integers(0, sc.topics, N)
        topics_rev = np.arange(R) % sc.topics
        q = q + rng.normal(0, sc.topic_sd, sc.topics)[topics_sub]
    s, r = review_graph(N, R, k, rng, topics_sub, topics_rev, sc.cross_topic)
    bias = rng.normal(0, sc.bias_sd, R) if sc.bias_sd else np.zeros(R)
    stretch = np.exp(rng.normal(0, sc.log_scale_sd, R)) if sc.log_scale_sd else np.ones(R)
    noise = sc.noise_sd * np.exp(rng.normal(0, sc.noise_log_sd, R)) if sc.noise_log_sd else np.full(R, sc.noise_sd)
    n_random = int(round(sc.random_fraction * R))
    if n_random:
        rand = rng.choice(R, n_random, replace=False)
        stretch[rand] = 0.05
        noise[rand] = 1.2
    # per-review noise level: 0 large, 1 typical, 2 small; the reported confidence is honest with some probability
    level = rng.integers(0, 3, len(s))
    factor = np.array([1.6, 1.0, 0.6])[level]
    confidence = None
    if sc.confidence_honesty is not None:
        honest = rng.random(len(s)) < sc.confidence_honesty
        confidence = np.where(honest, level, rng.integers(0, 3, len(s))) + 1
    else:
        factor = np.ones(len(s))
    lo, hi = sc.scale

    def to_scale(latent):
        return np.clip(np.round(sc.center + sc.points_per_sd * latent), lo, hi)

    if not sc.criteria:
        latent = bias[r] + stretch[r] * q[s] + noise[r] * factor * rng.standard_normal(len(s))
        return Panel(s, r, to_scale(latent), confidence, q)
    weights = np.array(CRITERIA_WEIGHTS)
    C = len(weights)
    # each criterion's true quality shares most of the overall quality; reviewers' leniency is mostly shared
    qc = 0.8 * q[:, None] + 0.6 * rng.standard_normal((N, C))
    bc = bias[:, None] + 0.3 * sc.bias_sd * rng.standard_normal((R, C))
    latent = bc[r] + stretch[r, None] * qc[s] + (noise[r] * factor)[:, None] * rng.standard_normal((len(s), C))
    crit = to_scale(latent)
    total = crit @ weights
    return Panel(s, r, total, confidence, qc @ weights, criterion_scores=crit)


def large_call(n_sub: int, n_rev: int, k: int, seed: int = 0):
    """A large random panel for timing: k distinct reviewers per submission, equal loads (vectorised)."""
    rng = np.random.default_rng(seed)
    n = n_sub * k
    r = np.resize(np.arange(n_rev), n)
    r = rng.permutation(r).reshape(n_sub, k)
    for _ in range(100):  # repair submissions that drew a reviewer twice by swapping with random rows
        bad = np.flatnonzero((r[:, 0] == r[:, 1]) | (r[:, 0] == r[:, 2]) | (r[:, 1] == r[:, 2])) if k == 3 else \
            np.flatnonzero([len(set(row)) < k for row in r])
        if len(bad) == 0:
            break
        other = rng.integers(0, n_sub, len(bad))
        r[bad, 0], r[other, 0] = r[other, 0], r[bad, 0].copy()
    s = np.repeat(np.arange(n_sub), k)
    r = r.reshape(-1)
    q = rng.standard_normal(n_sub)
    bias = rng.normal(0, 0.7, n_rev)
    stretch = np.exp(rng.normal(0, 0.3, n_rev))
    noise = 0.8 * np.exp(rng.normal(0, 0.5, n_rev))
    y = np.clip(np.round(6 + 1.6 * (bias[r] + stretch[r] * q[s] + noise[r] * rng.standard_normal(n))), 0, 10)
    confidence = rng.integers(1, 4, n)
    keep = np.ones(n, dtype=bool)
    seen = set()
    for i, pair in enumerate(zip(s.tolist(), r.tolist(), strict=True)):  # drop any duplicate left
        if pair in seen:
            keep[i] = False
        seen.add(pair)
    return s[keep], r[keep], y[keep], confidence[keep], q
