"""The innovation catalogue's search at national scale: one page of results with its facet counts.

What is measured
    A fresh database (a temporary SQLite file, or the PostgreSQL URL given, which must be empty) upgraded with
    the migrations, then N public records (default 2,000) made as the app makes them: each a version whose
    content is generated French text (each record draws 12 words of a 70-word vocabulary and writes ~60 words
    per searched field from them, so a word is found in about a sixth of the records), themes, territories
    with official codes, stages, evidence levels, costs, published with records.apply_published(), which writes
    the search index. About one record in three has 1–4 replications answered by its team.

    For each case, catalogue.search() — the service behind /innovations and /api/v1/innovations: the total,
    one page of 20 cards and every facet's counts — is timed R times (median and worst). The reference, timed
    the same way in the same process, is the plainest page the catalogue can show: the same search() with no
    query and no filter (newest first). The ratio says what a query or a filter adds, independently of the
    machine's speed.

Usage
    .venv/bin/python bench/catalogue.py [--records 2000] [--repeat 15] [--seed 0]
                                        [--database-url postgresql+psycopg://…/db]
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import describe_source, logging_preserved  # noqa: E402

from prizeapp import create_app  # noqa: E402
from prizeapp.core import territories  # noqa: E402
from prizeapp.enums import (  # noqa: E402
    EvidenceLevel,
    Readiness,
    ReplicationStatus,
    TerritoryKind,
    Theme,
)
from prizeapp.extensions import db  # noqa: E402
from prizeapp.models import Innovation, InnovationVersion, Replication  # noqa: E402
from prizeapp.models.types import utcnow  # noqa: E402
from prizeapp.services.innovations import catalogue, records  # noqa: E402

WORDS = ("aidants école écoles rurale rurales mobilité mobilités partagé transport cantine repas local "
         "santé soins maison numérique données accueil guichet usagers jeunes emploi insertion logement "
         "énergie rénovation quartier habitants bénévoles association commune département région agents "
         "formation médiation accès droits démarches simplification service public territoire réseau "
         "coopération solidarité alimentation circuit court déchets tri vélo covoiturage navette "
         "personnes âgées isolement culture bibliothèque sport participation budget citoyens").split()
CASES = (
    ("reference: newest first, no query", None, {}, None),
    ("one word: « école »", "école", {}, None),
    ("two words: « mobilités rurales »", "mobilités rurales", {}, None),
    ("query + région + type of territory", "aidants", {"region_code": "53", "territory_kind": TerritoryKind.RURAL},
     None),
    ("filters only: theme + evidence ≥ 3", None, {"theme": Theme.MOBILITY, "evidence_level": EvidenceLevel.COMPARISON},
     None),
    ("sorted by replications", None, {}, catalogue.REPLICATIONS),
    ("a word found nowhere", "zythogala", {}, None),
)


def _text(r: random.Random, n: int, words=WORDS) -> str:
    return " ".join(r.choice(words) for _ in range(n)).capitalize() + "."


def _content(r: random.Random, i: int) -> dict:
    departement = r.choice(list(territories.DEPARTEMENTS))
    topic = r.sample(WORDS, 12)  # each record speaks of its own few things, as real ones do
    content = {name: _text(r, 60, topic) for name in ("problem", "solution", "results", "fixed_core", "adaptable",
                                               "conditions_skills", "economic_model")}
    content.update({
        "title": f"{_text(r, 4, topic)[:-1]} {i}", "summary": _text(r, 20, topic), "theme": r.choice(list(Theme)).value,
        "organisation": f"Collectivité {i % 300}", "affected": _text(r, 10, topic),
        "beneficiaries": _text(r, 10, topic),
        "territory_name": territories.DEPARTEMENTS[departement][0], "departement_code": departement,
        "region_code": territories.region_of(departement), "territory_kind": r.choice(list(TerritoryKind)).value,
        "readiness": r.choice(list(Readiness)).value, "evidence_level": r.choice(list(EvidenceLevel)[:4]).value,
        "cost_setup": f"{r.randrange(0, 150_000)}.00", "cost_recurring": f"{r.randrange(0, 90_000)}.00",
        "licence": "etalab-2.0",
    })
    return content


def build(n: int, seed: int) -> float:
    """N published records (and their replications); returns the seconds it took."""
    r = random.Random(seed)
    start = time.perf_counter()
    now = utcnow()
    for i in range(n):
        innovation = Innovation(slug=f"innovation-{i}", year=2020 + i % 7)
        version = InnovationVersion(innovation=innovation, number=1, content=records.clean(_content(r, i)))
        db.session.add_all([innovation, version])
        db.session.flush()
        records.apply_published(innovation, version)
        if r.random() < 1 / 3:
            for _ in range(r.randint(1, 4)):
                db.session.add(Replication(innovation_id=innovation.id, organisation="Commune",
                                           status=r.choice(list(ReplicationStatus)[1:4]), answered_at=now))
        if i % 200 == 199:
            db.session.commit()
    db.session.commit()
    return time.perf_counter() - start


def timed(q, filters: dict, sort, repeat: int) -> tuple[list[float], int]:
    seconds, total = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        found = catalogue.search(q=q, filters=catalogue.Filters(**filters), sort=sort, page=1, per_page=20)
        seconds.append(time.perf_counter() - start)
        total = found.total
        db.session.rollback()  # each search alone, as a request would run it
    return seconds, total


def run(*, n: int, repeat: int, seed: int, database_url: str | None, log=print) -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="prizeapp-catalogue-bench-") as tmp:
        url = database_url or f"sqlite:///{tmp}/bench.sqlite"
        app = create_app({"ENV": "development", "TESTING": False, "SECRET_KEY": "catalogue-benchmark-key-" * 2,
                          "DATABASE_URL": url, "SERVER_NAME": None})
        with app.app_context(), app.test_request_context():
            import flask_migrate

            with logging_preserved():
                flask_migrate.upgrade()
            database = db.engine.dialect.name
            log(f"[{database}] {n} records built in {build(n, seed):.1f} s")
            rows = []
            for name, q, filters, sort in CASES:
                timed(q, filters, sort, 2)  # warm the caches and the query plans
                seconds, total = timed(q, filters, sort, repeat)
                rows.append({"case": name, "median": statistics.median(seconds), "worst": max(seconds),
                             "total": total})
            reference = rows[0]["median"]
            for row in rows:
                row["ratio"] = row["median"] / reference
            if database_url is None:
                db.session.remove()
            return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    print(f"code: {describe_source(ROOT)}")
    rows = run(n=args.records, repeat=args.repeat, seed=args.seed, database_url=args.database_url)
    print(f"\n{'case':<40} {'found':>6} {'median ms':>10} {'worst ms':>9} {'× reference':>12}")
    for row in rows:
        print(f"{row['case']:<40} {row['total']:>6} {1000 * row['median']:>10.1f} {1000 * row['worst']:>9.1f} "
              f"{row['ratio']:>12.2f}")


if __name__ == "__main__":
    main()
