#!/usr/bin/env python3
"""Engine throughput against raw sqlite3 on the same rows, in the same run.

Inserts N documents of 10 mixed fields into a plocal database (class with a
declared schema, round-robin over its clusters, one transaction in batches)
and browses them back cluster by cluster; then does the same with raw
sqlite3 (one table, executemany of orjson-encoded rows, SELECT + orjson
decode), and with a plain 10-column table as a second reference.
Prints records/s for each and the ratios engine/raw (time ratio: lower is
better; the target is <= 2.0).

    python scripts/bench_engine.py [--n 1000000] [--dir /tmp/x]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import orjson

from console import engine

UTC = dt.timezone.utc
CITIES = ["Rome", "Oslo", "Lima", "Kyiv", "Pune", "Cork", "Nice", "Bonn"]


def make_rows(n: int, seed: int = 7) -> list[dict]:
    rnd = random.Random(seed)
    base = dt.datetime(2020, 1, 1, tzinfo=UTC)
    rows = []
    for i in range(n):
        rows.append({
            "name": f"person-{i}",
            "age": rnd.randint(0, 99),
            "score": rnd.random() * 100,
            "active": i % 3 == 0,
            "created": base + dt.timedelta(seconds=i * 37, milliseconds=i % 1000),
            "balance": Decimal(rnd.randint(0, 10**8)) / 100,
            "views": rnd.randint(0, 2**40),
            "tags": ["a", "b", str(i % 10)],
            "city": CITIES[i % len(CITIES)],
            "level": i % 7,
        })
    return rows


def bench_engine(rows: list[dict], root: Path) -> tuple[float, float]:
    db = engine.create(f"plocal:{root / 'engine'}", "admin", "admin")
    db.create_class("Person", clusters=4)
    for name, t in (("name", "STRING"), ("age", "INTEGER"), ("score", "DOUBLE"), ("active", "BOOLEAN"),
                    ("created", "DATETIME"), ("balance", "DECIMAL"), ("views", "LONG"),
                    ("tags", "EMBEDDEDLIST"), ("city", "STRING"), ("level", "SHORT")):
        db.create_property("Person", name, t)
    t0 = time.perf_counter()
    db.insert_many("Person", rows)
    t_insert = time.perf_counter() - t0
    t0 = time.perf_counter()
    n = 0
    with db.snapshot():
        for cid in db.schema.cls("Person").cluster_ids:
            for doc in db.browse_cluster(cid):
                n += 1
    t_browse = time.perf_counter() - t0
    assert n == len(rows), n
    db.close()
    return t_insert, t_browse


def _default(v):
    if isinstance(v, Decimal):
        return str(v)
    raise TypeError


def bench_raw_json(rows: list[dict], root: Path) -> tuple[float, float]:
    conn = sqlite3.connect(str(root / "raw.sqlite"), isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE docs(id INTEGER PRIMARY KEY, data BLOB)")
    t0 = time.perf_counter()
    conn.execute("BEGIN")
    batch = []
    for i, row in enumerate(rows):
        batch.append((i, orjson.dumps(row, default=_default)))
        if len(batch) >= 5000:
            conn.executemany("INSERT INTO docs VALUES (?, ?)", batch)
            batch.clear()
    conn.executemany("INSERT INTO docs VALUES (?, ?)", batch)
    conn.execute("COMMIT")
    t_insert = time.perf_counter() - t0
    t0 = time.perf_counter()
    n = 0
    loads = orjson.loads
    for (data,) in conn.execute("SELECT data FROM docs ORDER BY id"):
        loads(data)
        n += 1
    t_browse = time.perf_counter() - t0
    assert n == len(rows)
    conn.close()
    return t_insert, t_browse


def bench_raw_columns(rows: list[dict], root: Path) -> tuple[float, float]:
    conn = sqlite3.connect(str(root / "cols.sqlite"), isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE people(id INTEGER PRIMARY KEY, name, age, score, active, created, balance,"
                 " views, tags, city, level)")
    t0 = time.perf_counter()
    conn.execute("BEGIN")
    batch = []
    for i, r in enumerate(rows):
        batch.append((i, r["name"], r["age"], r["score"], r["active"], r["created"].timestamp(),
                      str(r["balance"]), r["views"], ",".join(r["tags"]), r["city"], r["level"]))
        if len(batch) >= 5000:
            conn.executemany("INSERT INTO people VALUES (?,?,?,?,?,?,?,?,?,?,?)", batch)
            batch.clear()
    conn.executemany("INSERT INTO people VALUES (?,?,?,?,?,?,?,?,?,?,?)", batch)
    conn.execute("COMMIT")
    t_insert = time.perf_counter() - t0
    t0 = time.perf_counter()
    n = sum(1 for _ in conn.execute("SELECT * FROM people ORDER BY id"))
    t_browse = time.perf_counter() - t0
    assert n == len(rows)
    conn.close()
    return t_insert, t_browse


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--dir", type=Path, default=None, help="scratch directory (default: a temp dir)")
    args = ap.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="bench-engine-", dir=args.dir))
    try:
        print(f"generating {args.n:,} rows of 10 mixed fields...", flush=True)
        rows = make_rows(args.n)
        results = {}
        for label, fn in (("engine", bench_engine), ("raw sqlite3 + orjson", bench_raw_json),
                          ("raw sqlite3, 10 columns", bench_raw_columns)):
            print(f"running {label}...", flush=True)
            results[label] = fn(rows, root)
        n = args.n
        print()
        print(f"{'':26}{'insert rec/s':>14}{'browse rec/s':>14}")
        for label, (ti, tb) in results.items():
            print(f"{label:26}{n / ti:>14,.0f}{n / tb:>14,.0f}")
        ei, eb = results["engine"]
        for label in ("raw sqlite3 + orjson", "raw sqlite3, 10 columns"):
            ri, rb = results[label]
            print(f"ratio engine/{label} (time): insert {ei / ri:.2f}x, browse {eb / rb:.2f}x")
        ri, rb = results["raw sqlite3 + orjson"]
        ok = ei / ri <= 2.0 and eb / rb <= 2.0
        print(f"target (engine within 2x of raw sqlite3 + orjson on both): {'met' if ok else 'NOT met'}")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
