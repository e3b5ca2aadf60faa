#!/usr/bin/env python3
"""SQL on a 1,000,000-record class: indexed lookups, and a filtered scan against raw SQLite.

1. Indexed point lookup: ``SELECT FROM Person WHERE id = ?`` through the whole
   stack (parse, plan, index, decode); prints the median and p99 latency
   (target: median <= 1 ms).
2. Unindexed filtered scan: ``SELECT FROM Person WHERE age = 42 AND city = 'Rome'``
   through the engine, against a hand-written sqlite3 query with json_extract over
   the same rows of the same file, alternating, several times; prints the median
   of each and the ratio engine/raw (target <= 1.5).

    python scripts/bench_sql.py [--n 1000000] [--dir DIR] [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from console import engine

CITIES = ["Rome", "Oslo", "Lima", "Kyiv", "Pune", "Cork", "Nice", "Bonn", "Kobe", "Riga"]


def build(path: Path, n: int) -> None:
    db = engine.create(f"plocal:{path}", "admin", "admin")
    db.create_class("Person", clusters=4)
    for name, t in (("id", "INTEGER"), ("name", "STRING"), ("age", "INTEGER"), ("city", "STRING"),
                    ("score", "DOUBLE")):
        db.create_property("Person", name, t)
    rnd = random.Random(3)
    rows = ({"id": i, "name": f"person-{i}", "age": rnd.randint(0, 99), "city": CITIES[rnd.randrange(10)],
             "score": rnd.random() * 100, "note": "x" * 40} for i in range(n))
    t0 = time.perf_counter()
    db.insert_many("Person", rows)
    db.create_index("Person.id", "Person", ["id"], "UNIQUE")
    print(f"built {n:,} records in {time.perf_counter() - t0:.1f}s", flush=True)
    db.close()


def lookups(db, n: int, count: int) -> list[float]:
    rnd = random.Random(5)
    times = []
    for _ in range(count):
        key = rnd.randrange(n)
        t0 = time.perf_counter()
        rows = list(db.query("SELECT FROM Person WHERE id = ?", [key]))
        times.append(time.perf_counter() - t0)
        assert len(rows) == 1 and rows[0]["id"] == key
    return times


SCAN = "SELECT FROM Person WHERE age = 42 AND city = 'Rome'"
RAW = ("SELECT rid, data FROM records WHERE rid BETWEEN ? AND ? AND cls = 'Person' "
       "AND json_extract(CAST(data AS TEXT), '$.age') = 42 AND json_extract(CAST(data AS TEXT), '$.city') = 'Rome'")


def scan_engine(db) -> tuple[float, int]:
    t0 = time.perf_counter()
    n = sum(1 for _ in db.query(SCAN))
    return time.perf_counter() - t0, n


def scan_raw(path: Path, cluster_ids: list[int]) -> tuple[float, int]:
    import orjson

    from console.engine.rid import cluster_range

    conn = sqlite3.connect(str(path / "database.sqlite"))
    t0 = time.perf_counter()
    n = 0
    for cid in cluster_ids:
        lo, hi = cluster_range(cid)
        for _rid, data in conn.execute(RAW, (lo, hi)):
            orjson.loads(data)
            n += 1
    elapsed = time.perf_counter() - t0
    conn.close()
    return elapsed, n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--dir", type=Path, help="keep (and reuse) the database in this directory")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--lookups", type=int, default=2000)
    args = ap.parse_args(argv)
    tmp = None
    if args.dir:
        path = args.dir / f"bench-sql-{args.n}"
    else:
        tmp = Path(tempfile.mkdtemp(prefix="bench-sql-"))
        path = tmp / "db"
    try:
        if not engine.exists(f"plocal:{path}"):
            build(path, args.n)
        db = engine.open(f"plocal:{path}", "admin", "admin")
        lookups(db, args.n, 50)  # warm up caches and the parser
        lat = sorted(lookups(db, args.n, args.lookups))
        med = statistics.median(lat) * 1000
        p99 = lat[int(len(lat) * 0.99) - 1] * 1000
        ids = db.schema.cls("Person").cluster_ids
        eng, raw = [], []
        for _ in range(args.repeat):
            te, ne = scan_engine(db)
            tr, nr = scan_raw(path, list(ids))
            assert ne == nr, (ne, nr)
            eng.append(te)
            raw.append(tr)
        me, mr = statistics.median(eng), statistics.median(raw)
        print(f"\nrecords: {args.n:,}")
        print(f"indexed point lookup: median {med:.3f} ms, p99 {p99:.3f} ms over {args.lookups} lookups "
              f"(target median <= 1 ms: {'met' if med <= 1 else 'NOT met'})")
        print(f"filtered scan ({ne} matches): engine median {me * 1000:.0f} ms, raw sqlite3 json_extract "
              f"median {mr * 1000:.0f} ms, ratio {me / mr:.2f}x (target <= 1.5x: {'met' if me / mr <= 1.5 else 'NOT met'})")
        print(f"scan rate: engine {args.n / me:,.0f} records/s, raw {args.n / mr:,.0f} records/s")
        db.close()
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
