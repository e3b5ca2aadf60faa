#!/usr/bin/env python3
"""EXPORT / IMPORT against pg_dump / pg_restore on the same rows, in the same run.

Builds a plocal database of N Person vertices (10 fields: STRING, INTEGER,
LONG, DATETIME, DECIMAL, EMBEDDEDLIST, LINK, DOUBLE, BOOLEAN, STRING) with
Knows edges between 20% of them, and loads the same records into a
throwaway PostgreSQL 15 (initdb + pg_ctl in a temporary directory, loopback
only, one jsonb column). Then, alternating, --repeat times each, it times:

- our EXPORT DATABASE           vs  pg_dump -Fc -Z1
- our IMPORT DATABASE (default) vs  pg_restore into an empty database
- our IMPORT -preserveClusterIDs=false into a database with three extra
  clusters, so that every class gets other cluster ids and every link is
  rewritten
- the floor: reading every stored record body from SQLite and compressing
  it with the fastest gzip available (python-isal when installed)

and prints medians, records/s, ratios, and the peak RSS of each child
process. Export and import are also measured at N/5 to show whether memory
stays flat. Our commands run as `orient-console -c ...` child processes, like
pg_dump and pg_restore. No background work overlaps a timed run: dirty pages
are synced before each one, and PostgreSQL runs without autovacuum, its table
vacuumed and checkpointed after loading and after each restore.

    python scripts/bench_transfer.py [--n 1000000] [--quick] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gzip
import os
import pwd
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

CONSOLE = str(Path(sys.executable).with_name("orient-console"))
CITIES = ["Rome", "Oslo", "Lima", "Kyiv", "Pune", "Cork", "Nice", "Bonn"]
PERSON_CLUSTERS = [12, 13, 14, 15]
KNOWS_CLUSTER = 16
EPOCH_2020 = 1577836800000


# --- data ---------------------------------------------------------------------------------

def person_rid(i: int) -> str:
    return f"#{PERSON_CLUSTERS[i % 4]}:{i // 4}"


def generate_export(path: Path, n: int) -> int:
    """Write an OrientDB export of the benchmark data; returns the number of records."""
    edges = n // 5
    out_of: dict[int, list[int]] = {}
    in_of: dict[int, list[int]] = {}
    for e in range(edges):
        a, b = (e * 5) % n, (e * 5 + 7) % n
        out_of.setdefault(a, []).append(e)
        in_of.setdefault(b, []).append(e)
    schema = {"version": 1, "blob-clusters": [], "classes": [
        {"name": "E", "default-cluster-id": 11, "cluster-ids": [11], "cluster-selection": "round-robin"},
        {"name": "Knows", "default-cluster-id": KNOWS_CLUSTER, "cluster-ids": [KNOWS_CLUSTER],
         "super-classes": ["E"], "cluster-selection": "round-robin"},
        {"name": "Person", "default-cluster-id": 12, "cluster-ids": PERSON_CLUSTERS, "super-classes": ["V"],
         "cluster-selection": "round-robin", "properties": [
             {"name": "age", "type": "INTEGER", "collate": "default"},
             {"name": "balance", "type": "DECIMAL", "collate": "default"},
             {"name": "big", "type": "LONG", "collate": "default"},
             {"name": "born", "type": "DATETIME", "collate": "default"},
             {"name": "friend", "type": "LINK", "collate": "default"},
             {"name": "name", "type": "STRING", "collate": "default"}]},
        {"name": "V", "default-cluster-id": 10, "cluster-ids": [10], "cluster-selection": "round-robin"}]}
    clusters = [{"name": nm, "id": i} for i, nm in enumerate(
        ["internal", "index", "manindex", "default", "osecuritypolicy", "orole", "ouser", "ofunction", "osequence",
         "oschedule", "v", "e", "person", "person_1", "person_2", "person_3", "knows"])]
    info = {"name": "bench", "default-cluster-id": 3, "exporter-version": 12, "engine-version": "bench",
            "storage-config-version": 23, "schema-version": 4, "schemaRecordId": "#0:1",
            "indexMgrRecordId": "#0:2"}
    with gzip.open(path, "wb", compresslevel=1) as f:
        f.write(b'{"info":' + orjson.dumps(info) + b',"clusters":' + orjson.dumps(clusters) +
                b',"schema":' + orjson.dumps(schema) + b',"records":[')
        first = True
        buf = []
        # records in cluster order: each person cluster in position order, then the edges
        for c in range(4):
            for i in range(c, n, 4):
                rec = (b'{"@type":"d","@rid":"' + person_rid(i).encode() + b'","@version":1,"@class":"Person",'
                       + person_body(i, n, out_of.get(i), in_of.get(i))[1:])
                buf.append(rec if first else b"," + rec)
                first = False
                if len(buf) >= 5000:
                    f.write(b"".join(buf))
                    buf.clear()
        for e in range(edges):
            a, b = (e * 5) % n, (e * 5 + 7) % n
            rec = (f'{{"@type":"d","@rid":"#{KNOWS_CLUSTER}:{e}","@version":1,"@class":"Knows",'
                   f'"out":"{person_rid(a)}","in":"{person_rid(b)}","since":{1990 + e % 30},'
                   f'"@fieldTypes":"out=x,in=x"}}').encode()
            buf.append(b"," + rec)
            if len(buf) >= 5000:
                f.write(b"".join(buf))
                buf.clear()
        f.write(b"".join(buf))
        f.write(b'],"brokenRids":[],"indexes":[]}')
    return n + edges


def person_body(i: int, n: int, outs: list[int] | None, ins: list[int] | None) -> bytes:
    fields: dict[str, Any] = {
        "name": f"person-{i}", "age": i % 100, "big": 10_000_000_000 + i,
        "born": EPOCH_2020 + i * 37_000, "balance": orjson.Fragment(f"{i % 100000}.{i % 100:02d}".encode()),
        "tags": ["a", "b", str(i % 10)], "friend": person_rid((i + 1) % n),
        "score": (i % 1000) / 7, "active": i % 3 == 0, "city": CITIES[i % 8],
    }
    letters = "big=l,born=t,balance=c,friend=x"
    if outs:
        fields["out_Knows"] = [f"#{KNOWS_CLUSTER}:{e}" for e in outs]
        letters += ",out_Knows=g"
    if ins:
        fields["in_Knows"] = [f"#{KNOWS_CLUSTER}:{e}" for e in ins]
        letters += ",in_Knows=g"
    fields["@fieldTypes"] = letters
    return orjson.dumps(fields)


# --- processes ----------------------------------------------------------------------------

# A child's peak RSS counts what it held before exec, and a child forked (or vforked) by
# this process starts out holding this process's pages: the peaks of our commands would
# all read as this process's size. So each command runs under a small wrapper that
# spawns it, waits for it and reports its time and peak RSS on stderr.
_WRAPPER = r"""
import os, pwd, subprocess, sys, time
user = os.environ.pop("BENCH_RUN_AS", None)
kw = {}
if user:
    pw = pwd.getpwnam(user)
    kw = {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": []}
t0 = time.perf_counter()
p = subprocess.Popen(sys.argv[1:], **kw)
_, status, usage = os.wait4(p.pid, 0)
code = os.waitstatus_to_exitcode(status)
sys.stderr.write(f"\n@@bench {time.perf_counter() - t0} {usage.ru_maxrss}\n")
sys.exit(code)
"""


def run(cmd: list[str], env: dict[str, str] | None = None, user: str | None = None) -> tuple[float, int, str]:
    """Run a command (as ``user`` when we are root); returns (seconds, its peak RSS in KiB,
    its standard output)."""
    env = dict(os.environ if env is None else env)
    if user is not None and os.geteuid() == 0:
        env["BENCH_RUN_AS"] = user
    os.sync()  # the previous run's dirty pages are written back now, not during this one
    p = subprocess.run([sys.executable, "-c", _WRAPPER, *cmd], capture_output=True, env=env, check=False)
    out, err = p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])} failed ({p.returncode}): {err[-400:]} {out[-200:]}")
    marker = err.rsplit("@@bench ", 1)[1].split()
    return float(marker[0]), int(marker[1]), out


class Postgres:
    """A throwaway PostgreSQL cluster on a free loopback port."""

    def __init__(self, root: Path) -> None:
        self.bin = self._bindir()
        self.root = root
        self.data = root / "pgdata"
        self.user = "postgres" if os.geteuid() == 0 else None
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.env = dict(os.environ, PGHOST="127.0.0.1", PGPORT=str(self.port), PGUSER="postgres")

    @staticmethod
    def _bindir() -> Path | None:
        for cand in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
            if (cand / "pg_ctl").exists():
                return cand
        found = shutil.which("pg_ctl")
        return Path(found).parent if found else None

    def tool(self, name: str) -> str:
        assert self.bin is not None
        return str(self.bin / name)

    def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if self.user:
            pw = pwd.getpwnam(self.user)
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
        run([self.tool("initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync"],
            env=self.env, user=self.user)
        run([self.tool("pg_ctl"), "-D", str(self.data), "-w", "-l", str(self.root / "log"), "-o",
             f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c fsync=on"
             # no background vacuum competing with the timed runs (ours or pg's) for the 2 cores
             " -c autovacuum=off", "start"],
            env=self.env, user=self.user)

    def stop(self) -> None:
        try:
            run([self.tool("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"], env=self.env, user=self.user)
        except Exception:
            pass

    def psql(self, db: str, sql: str) -> None:
        run([self.tool("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db, "-c", sql], env=self.env, user=self.user)


def load_postgres(pg: Postgres, export_file: Path, work: Path) -> None:
    """The same records, as (rid, class, jsonb) rows."""
    pg.psql("postgres", "CREATE DATABASE bench")
    pg.psql("bench", "CREATE TABLE records (rid text PRIMARY KEY, cls text, data jsonb NOT NULL)")
    from console.transfer.reader import ExportReader

    tsv = work / "rows.tsv"
    with ExportReader(export_file) as reader, open(tsv, "w") as f:
        for section in reader.sections():
            if section.name != "records":
                continue
            for rec in section.value:
                body = {k: v for k, v in rec.data.items() if not k.startswith("@")}
                line = orjson.dumps(body, default=str).decode().replace("\\", "\\\\")
                f.write(f"{rec.data['@rid']}\t{rec.data.get('@class', '')}\t{line}\n")
    if pg.user:
        pw = pwd.getpwnam(pg.user)
        os.chown(tsv, pw.pw_uid, pw.pw_gid)
    pg.psql("bench", f"\\copy records FROM '{tsv}'")
    pg.psql("bench", "VACUUM (FREEZE, ANALYZE) records")
    pg.psql("bench", "CHECKPOINT")  # nothing left to flush while the runs are timed
    tsv.unlink()


# --- our side -------------------------------------------------------------------------------

def ours(env: dict[str, str], command: str) -> tuple[float, int, str]:
    return run([CONSOLE, "-c", command], env=env)


def new_db(path: Path, pad: int = 0) -> str:
    """A new empty database; ``pad`` extra clusters shift the ids the next clusters get."""
    from console import engine

    if path.exists():
        shutil.rmtree(path)
    db = engine.create(f"plocal:{path}", "admin", "admin")
    for i in range(pad):
        db.create_cluster(f"pad_{i}")
    db.close()
    return f"plocal:{path}"


def rewritten(output: str) -> int:
    """How many records the import says it rewrote links of."""
    m = re.search(r"([\d,]+) records with links rewritten", output)
    return int(m.group(1).replace(",", "")) if m else 0


def floor(db_dir: Path) -> float:
    """Read every stored record body and compress it with the fastest gzip."""
    try:
        from isal import isal_zlib as z

        comp = z.compressobj(1, z.DEFLATED, 31)
    except ImportError:
        import zlib

        comp = zlib.compressobj(1, zlib.DEFLATED, 31)
    conn = sqlite3.connect(str(db_dir / "database.sqlite"))
    os.sync()
    t0 = time.perf_counter()
    buf: list[bytes] = []
    size = 0
    with open(os.devnull, "wb") as sink:
        for (data,) in conn.execute("SELECT data FROM records ORDER BY rid"):
            buf.append(data)
            size += len(data)
            if size > 1 << 20:
                sink.write(comp.compress(b"".join(buf)))
                buf.clear()
                size = 0
        sink.write(comp.compress(b"".join(buf)))
        sink.write(comp.flush())
    elapsed = time.perf_counter() - t0
    conn.close()
    return elapsed


def median_of(runs: list[tuple[float, int, str]]) -> tuple[float, int]:
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--quick", action="store_true", help="N = 100,000")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--dir", type=Path, default=None, help="scratch directory (default: a temp dir)")
    args = ap.parse_args(argv)
    n = 100_000 if args.quick else args.n
    root = Path(tempfile.mkdtemp(prefix="bench-transfer-", dir=args.dir))
    if os.geteuid() == 0:
        os.chmod(root, 0o777)  # PostgreSQL's tools run as the postgres user and write here
    env = dict(os.environ, XDG_DATA_HOME=str(root / "xdg"))
    pg: Postgres | None = None
    try:
        results: dict[str, Any] = {}
        for size in (n, n // 5):
            tag = "N" if size == n else "N/5"
            src_file = root / f"source-{size}.json.gz"
            t0 = time.perf_counter()
            total = generate_export(src_file, size)
            src_db = root / f"src-{size}"
            url = new_db(src_db)
            ours(env, f"connect {url} admin admin; import database {src_file}")
            print(f"[{tag}] built {total:,} records ({size:,} vertices, {size // 5:,} edges) "
                  f"in {time.perf_counter() - t0:.1f}s", flush=True)
            exp_file = root / f"ours-{size}.json.gz"
            exports, imports, moved, floors = [], [], [], []
            for _ in range(args.repeat):
                exports.append(ours(env, f"connect {url} admin admin; export database {exp_file}"))
                target = new_db(root / "target")
                imports.append(ours(env, f"connect {target} admin admin; import database {exp_file}"))
                target = new_db(root / "target", pad=3)  # new cluster ids: every link is rewritten
                moved.append(ours(env, f"connect {target} admin admin; import database {exp_file} "
                                       "-preserveClusterIDs=false"))
                floors.append((floor(src_db), 0, ""))
            results[tag] = {"records": total, "export": median_of(exports), "import": median_of(imports),
                            "moved": median_of(moved), "floor": median_of(floors), "export_size": exp_file.stat().st_size,
                            "rewritten": rewritten(moved[-1][2])}
            if size != n:
                continue
            pg = Postgres(root / "pg")
            if pg.bin is None:
                print("PostgreSQL is not installed here: only our own figures are printed.")
                pg = None
                continue
            pg.start()
            load_postgres(pg, src_file, root)
            dumps, restores = [], []
            dump_file = root / "pg.dump"
            for _ in range(args.repeat):
                if dump_file.exists():
                    dump_file.unlink()
                dumps.append(run([pg.tool("pg_dump"), "-Fc", "-Z1", "-d", "bench", "-f", str(dump_file)],
                                 env=pg.env, user=pg.user))
                pg.psql("postgres", "DROP DATABASE IF EXISTS restored")
                pg.psql("postgres", "CREATE DATABASE restored")
                restores.append(run([pg.tool("pg_restore"), "-d", "restored", str(dump_file)], env=pg.env,
                                    user=pg.user))
                pg.psql("postgres", "CHECKPOINT")  # the restore's dirty buffers, flushed untimed
            results["pg"] = {"dump": median_of(dumps), "restore": median_of(restores),
                             "dump_size": dump_file.stat().st_size}
        report(results, args.repeat)
    finally:
        if pg is not None:
            pg.stop()
        shutil.rmtree(root, ignore_errors=True)
    return 0


def report(r: dict[str, Any], repeat: int) -> None:
    big, small = r["N"], r["N/5"]
    recs = big["records"]

    def line(label: str, t: float, rss: int, records: int) -> str:
        mem = f"{rss / 1024:7.1f} MiB" if rss else "      -    "
        return f"  {label:<38}{t:8.2f} s {records / t:>12,.0f} rec/s  peak RSS {mem}"

    print(f"\nmedian of {repeat} runs each, alternating; {recs:,} records "
          f"({big['export_size'] / 1e6:.1f} MB exported)")
    print(line("our EXPORT", *big["export"], recs))
    if "pg" in r:
        print(line("pg_dump -Fc -Z1", *r["pg"]["dump"], recs))
    print(line("floor (read bodies + fastest gzip)", *big["floor"], recs))
    print(line("our IMPORT (default options)", *big["import"], recs))
    if "pg" in r:
        print(line("pg_restore", *r["pg"]["restore"], recs))
    print(line("our IMPORT -preserveClusterIDs=false", *big["moved"], recs)
          + f"  ({big['rewritten']:,} records with links rewritten)")
    print("\nratios (time, lower is better):")
    ex, fl = big["export"][0], big["floor"][0]
    if "pg" in r:
        pd, pr = r["pg"]["dump"][0], r["pg"]["restore"][0]
        print(f"  EXPORT / pg_dump      {ex / pd:5.2f}x  (target <= 1.0: {'met' if ex <= pd else 'NOT met'})")
        print(f"  IMPORT / pg_restore   {big['import'][0] / pr:5.2f}x  (target <= 1.0: "
              f"{'met' if big['import'][0] <= pr else 'NOT met'})")
        print(f"  IMPORT moved / pg_restore {big['moved'][0] / pr:5.2f}x  (target <= 1.5: "
              f"{'met' if big['moved'][0] <= 1.5 * pr else 'NOT met'})")
    print(f"  EXPORT / floor        {ex / fl:5.2f}x  (target <= 1.5: {'met' if ex <= 1.5 * fl else 'NOT met'})")
    print("  (from 200,000 records our EXPORT runs in two processes, its peak RSS the larger of the two;\n"
          "   pg_dump's server backend and the floor are not counted, the floor runs in one process)")
    print("\nmemory (peak RSS at N vs N/5; target within 10%):")
    for key, label in (("export", "EXPORT"), ("import", "IMPORT"), ("moved", "IMPORT moved")):
        a, b = big[key][1], small[key][1]
        print(f"  {label:<13} {a / 1024:7.1f} MiB at N, {b / 1024:7.1f} MiB at N/5: {a / b:4.2f}x "
              f"({'flat' if a <= b * 1.10 else 'NOT flat'})")


if __name__ == "__main__":
    sys.exit(main())
