"""Conflict mask and affinity matrix for a large call, against the rules applied pair by pair.

What is measured
    A reproducible synthetic call (seeded): S submissions (default 10,000) with teams of 1–4 people, R
    reviewers (default 3,000), an organisation chart of 6 organisations × 8 directions × 10 services,
    email domains as in an administration (a third of the people on one ministry domain, which the share
    rule makes institution-wide; a fifth on webmails; the rest on 400 small domains), 0–2 declared ties and
    0–2 declared conflicts per reviewer, applicants' exclusions on 5 % of the submissions, 50 organiser
    conflicts and 50 waivers. 5 % of the reviewers are also applicants. Policy: same service and same
    direction count (and same organisation with --same-organisation).

    1. vectorised   compute_conflicts() on the whole S × R call (what the solver is given).
    2. naive        a Python double loop over a sample of 300 submissions × 100 reviewers of the same call,
                    deciding each pair from its full list of reasons (ConflictMatrix.reasons, the rules
                    written pair by pair); its mask must equal the vectorised one on the sample.
    3. affinity     compute_affinity() on the same S × R with synthetic French-like texts (title, summary,
                    ~120-word description, category; 5–10 keywords and 1–2 themes per reviewer) and bids
                    on 1 % of the pairs.

How to read it
    Compare the time per pair: naive µs/pair ÷ vectorised µs/pair is how many times faster the vectorised
    mask is on this machine, measured in the same run. "peak RSS" is the process's maximum resident memory
    so far (it includes the interpreter, numpy and the generated data).

Usage
    .venv/bin/python bench/conflicts.py [--submissions 10000] [--reviewers 3000] [--seed 0] [--no-affinity]
                                        [--same-organisation]
"""
from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import describe_source

from prizeapp.core.affinity import ReviewerProfile, SubmissionText, compute_affinity
from prizeapp.core.conflicts import (
    ConflictPolicy,
    OrganiserConflict,
    Person,
    Submission,
    Unit,
    Waiver,
    compute_conflicts,
)

WEBMAILS = ["gmail.com", "orange.fr", "free.fr", "laposte.net", "yahoo.fr", "hotmail.fr", "outlook.fr"]
CODES = ["same_service", "same_direction", "same_email_domain", "declared_tie", "declared_by_reviewer"]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_call(n_sub: int, n_rev: int, seed: int):
    rng = random.Random(seed)

    def lineage():
        org = rng.randrange(6)
        direction = org * 10 + rng.randrange(8)
        service = direction * 100 + rng.randrange(10)
        depth = rng.choices([1, 2, 3], weights=[5, 15, 80])[0]
        return tuple(Unit(uid + offset, level) for (uid, level), offset in
                     zip(((org, "organisation"), (direction, "direction"), (service, "service")),
                         (1, 1_000, 100_000)))[:depth]

    def email(pid):
        roll = rng.random()
        if roll < 0.33:
            domain = "ministere.gouv.fr"
        elif roll < 0.53:
            domain = rng.choice(WEBMAILS)
        else:
            domain = f"structure{rng.randrange(400)}.fr"
        return f"p{pid}@{domain}"

    n_people = n_rev + int(n_sub * 2.5)
    people_ids = list(range(1, n_people + 1))
    reviewer_ids = people_ids[:n_rev]
    applicant_pool = people_ids[n_rev:] + rng.sample(reviewer_ids, n_rev // 20)
    submissions = []
    for sid in range(1, n_sub + 1):
        team = rng.sample(applicant_pool, rng.choices([1, 2, 3, 4], weights=[40, 30, 20, 10])[0])
        excluded = frozenset(rng.sample(reviewer_ids, 1)) if rng.random() < 0.05 else frozenset()
        submissions.append(Submission(sid, team[0], tuple(team[1:]), excluded))
    people = []
    for pid in people_ids:
        is_reviewer = pid <= n_rev
        ties = frozenset(rng.sample(people_ids, rng.randrange(3))) if is_reviewer else frozenset()
        declared = frozenset(rng.sample(range(1, n_sub + 1), rng.randrange(3))) if is_reviewer else frozenset()
        people.append(Person(pid, email(pid), lineage(), ties, declared))
    reviewers = people[:n_rev]
    organiser = [OrganiserConflict(rng.randrange(1, n_sub + 1), rng.choice(reviewer_ids), "bench")
                 for _ in range(50)]
    waivers = [Waiver(rng.randrange(1, n_sub + 1), rng.choice(reviewer_ids), rng.choice(CODES), "bench")
               for _ in range(50)]
    return {"submissions": submissions, "reviewers": reviewers, "people": people,
            "policy": ConflictPolicy(same_direction=True), "organiser_conflicts": organiser, "waivers": waivers}


def make_texts(n_sub: int, n_rev: int, seed: int):
    rng = random.Random(seed + 1)
    common = ("projet agents usagers service public innovation territoire habitants collectivité "  # noqa: SIM905
              "accompagnement démarches numérique qualité évaluation impact partenaires").split()
    topics = [[f"thème{t}mot{k}" + rng.choice(["", "s", "é", "aux"]) for k in range(60)] for t in range(40)]
    categories = [f"Catégorie {c}" for c in range(12)]

    def text(topic, n):
        return " ".join(rng.choice(topics[topic]) if rng.random() < 0.6 else rng.choice(common)
                        for _ in range(n))

    submissions = []
    for sid in range(1, n_sub + 1):
        topic = rng.randrange(40)
        submissions.append(SubmissionText(sid, text(topic, 8), text(topic, 30), text(topic, 120),
                                          categories[topic % 12]))
    reviewers = []
    for rid in range(1, n_rev + 1):
        topic = rng.randrange(40)
        reviewers.append(ReviewerProfile(rid, tuple(rng.choice(topics[topic]) for _ in range(rng.randint(5, 10))),
                                         tuple(rng.sample(categories, rng.randint(1, 2)))))
    bids = {(rng.randrange(1, n_sub + 1), rng.randrange(1, n_rev + 1)):
            rng.choice(["eager", "willing", "not_interested"]) for _ in range(n_sub * n_rev // 100)}
    return submissions, reviewers, bids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--submissions", type=int, default=10_000)
    parser.add_argument("--reviewers", type=int, default=3_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--same-organisation", action="store_true",
                        help="also count the same organisation (about a sixth of all pairs conflict)")
    parser.add_argument("--no-affinity", action="store_true")
    args = parser.parse_args()
    print(f"code: {describe_source(ROOT)}")
    print(f"S = {args.submissions}, R = {args.reviewers}, seed = {args.seed}")

    started = time.perf_counter()
    call = make_call(args.submissions, args.reviewers, args.seed)
    if args.same_organisation:
        call["policy"] = ConflictPolicy(same_direction=True, same_organisation=True)
    print(f"generated the call in {time.perf_counter() - started:.2f} s; peak RSS {peak_rss_mb():.0f} MB")

    started = time.perf_counter()
    matrix = compute_conflicts(**call)
    vector_s = time.perf_counter() - started
    pairs = matrix.mask.size
    print(f"vectorised: {vector_s:.3f} s for {pairs:,} pairs = {vector_s / pairs * 1e6:.4f} µs/pair; "
          f"{matrix.mask.mean():.2%} conflicted; shared domains include the institution-wide "
          f"{sorted(matrix.shared_domains - call['policy'].shared_domains)}; peak RSS {peak_rss_mb():.0f} MB")

    rng = np.random.default_rng(args.seed)
    rows = np.sort(rng.choice(args.submissions, size=min(300, args.submissions), replace=False))
    cols = np.sort(rng.choice(args.reviewers, size=min(100, args.reviewers), replace=False))
    started = time.perf_counter()
    naive = np.array([[bool(matrix.reasons(s, r)) for r in cols] for s in rows])
    naive_s = time.perf_counter() - started
    sample_pairs = naive.size
    same = np.array_equal(naive, matrix.mask[np.ix_(rows, cols)])
    print(f"naive: {naive_s:.3f} s for {sample_pairs:,} pairs = {naive_s / sample_pairs * 1e6:.2f} µs/pair; "
          f"{naive.mean():.2%} conflicted; equal to the vectorised mask on the sample: {same}")
    print(f"ratio (naive µs/pair ÷ vectorised µs/pair): {(naive_s / sample_pairs) / (vector_s / pairs):.0f}")
    if not same:
        raise SystemExit("the vectorised mask differs from the pair-by-pair rules")

    if not args.no_affinity:
        del matrix, call
        submissions, reviewers, bids = make_texts(args.submissions, args.reviewers, args.seed)
        started = time.perf_counter()
        affinity = compute_affinity(submissions=submissions, reviewers=reviewers, bids=bids)
        affinity_s = time.perf_counter() - started
        print(f"affinity: {affinity_s:.3f} s for {affinity.scores.size:,} pairs "
              f"({len(bids):,} bids, vocabulary {len(affinity.vocabulary):,} terms); "
              f"scores mean {affinity.scores.mean():.3f}, max {affinity.scores.max():.3f}; "
              f"peak RSS {peak_rss_mb():.0f} MB")
        started = time.perf_counter()
        for s, r in zip(rows[:100], cols[:100]):
            affinity.explain(int(s), int(r))
        print(f"explain: {(time.perf_counter() - started) / 100 * 1e3:.2f} ms per pair")


if __name__ == "__main__":
    main()
