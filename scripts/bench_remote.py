#!/usr/bin/env python3
"""Load test of ``orient-console serve``: concurrent pyorient clients doing mixed reads and writes.

Each client owns its records (a worker number in every record), so it knows
exactly what the database must hold for it: after the run every record is
compared with what the clients wrote (no lost, duplicated or stale
writes: counts and a SHA-256 checksum). Operations per client are a fixed
random mix: INSERT commands, RECORD_CREATE, RECORD_UPDATE with version
check, TX_COMMIT with two creates and an update, RECORD_LOAD checks,
count queries, RECORD_DELETE. Bounded by time and by operations per client;
loopback only.

    .venv-dev/bin/python scripts/bench_remote.py --clients 50 --seconds 30

Prints operations per second and latency percentiles per operation kind.
``tests/remote/test_load.py`` runs the same code: 10 clients for 5 s, then
the full 50 x 30 s (marked ``slow``, still part of the default suite).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

KINDS = ("insert", "create", "update", "tx", "load", "count", "delete")
WEIGHTS = (20, 10, 15, 5, 30, 10, 10)


@dataclass
class LoadReport:
    clients: int
    seconds: float
    operations: int
    errors: list[str]
    latencies: dict[str, list[float]]
    expected: int = 0
    stored: int = 0
    checksum_expected: str = ""
    checksum_stored: str = ""
    duplicates: int = 0
    mismatches: list[str] = field(default_factory=list)

    @property
    def ops_per_second(self) -> float:
        return self.operations / self.seconds if self.seconds else 0.0

    def percentile(self, p: float, kind: str | None = None) -> float:
        values = sorted(v for k, vs in self.latencies.items() if kind in (None, k) for v in vs)
        if not values:
            return 0.0
        return values[min(len(values) - 1, int(p / 100.0 * len(values)))]

    @property
    def ok(self) -> bool:
        return not self.errors and not self.mismatches and self.duplicates == 0 \
            and self.expected == self.stored and self.checksum_expected == self.checksum_stored

    def lines(self) -> list[str]:
        out = [f"{self.clients} clients, {self.seconds:.1f} s: {self.operations} operations, "
               f"{self.ops_per_second:,.0f} ops/s, p50 {self.percentile(50) * 1000:.1f} ms, "
               f"p99 {self.percentile(99) * 1000:.1f} ms, max {self.percentile(100) * 1000:.1f} ms"]
        for kind in KINDS:
            n = len(self.latencies.get(kind, ()))
            if n:
                out.append(f"  {kind:7} {n:7} ops  p50 {self.percentile(50, kind) * 1000:7.1f} ms  "
                           f"p99 {self.percentile(99, kind) * 1000:7.1f} ms")
        out.append(f"records: expected {self.expected}, stored {self.stored}, duplicates {self.duplicates}, "
                   f"checksums {'match' if self.checksum_expected == self.checksum_stored else 'DIFFER'}, "
                   f"errors {len(self.errors)}, mismatches {len(self.mismatches)}")
        return out


def _checksum(rows: list[tuple[int, int, str]]) -> str:
    h = hashlib.sha256()
    for worker, seq, value in sorted(rows):
        h.update(f"{worker}\t{seq}\t{value}\n".encode())
    return h.hexdigest()


class Worker:
    """One pyorient client with its own view of what it stored."""

    def __init__(self, number: int, host: str, port: int, db: str, deadline: float, max_ops: int) -> None:
        self.number = number
        self.host, self.port, self.db = host, port, db
        self.deadline, self.max_ops = deadline, max_ops
        self.rng = random.Random(number)
        self.records: dict[str, tuple[int, str, int]] = {}  # rid -> (seq, value, version)
        self.seq = 0
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.mismatches: list[str] = []
        self.ops = 0

    def _value(self) -> str:
        return f"w{self.number}-{self.rng.getrandbits(48):012x} \"q\" ü"

    def run(self, cluster: int) -> None:
        import pyorient

        try:
            c = pyorient.OrientDB(self.host, self.port)
            c.db_open(self.db, "admin", "admin")
        except Exception as exc:
            self.errors.append(f"worker {self.number}: open failed: {exc}")
            return
        while self.ops < self.max_ops and time.monotonic() < self.deadline:
            kind = self.rng.choices(KINDS, WEIGHTS)[0]
            if kind in ("update", "load", "delete") and not self.records:
                kind = "insert"
            started = time.perf_counter()
            try:
                getattr(self, "op_" + kind)(c, cluster)
            except Exception as exc:
                self.errors.append(f"worker {self.number} {kind}: {type(exc).__name__}: {exc}")
                if len(self.errors) > 20:
                    break
            self.latencies[kind].append(time.perf_counter() - started)
            self.ops += 1
        try:
            c.db_close()
        except Exception:
            pass

    def _next(self) -> tuple[int, str]:
        self.seq += 1
        return self.seq, self._value()

    def op_insert(self, c: Any, cluster: int) -> None:
        seq, value = self._next()
        text = value.replace("\\", "\\\\").replace("'", "\\'")
        rec = c.command(f"insert into Item set worker = {self.number}, seq = {seq}, value = '{text}'")[0]
        self.records[rec._rid] = (seq, value, rec._version)

    def op_create(self, c: Any, cluster: int) -> None:
        seq, value = self._next()
        rec = c.record_create(cluster, {"@Item": {"worker": self.number, "seq": seq, "value": value}})
        self.records[rec._rid] = (seq, value, rec._version)

    def op_update(self, c: Any, cluster: int) -> None:
        rid = self.rng.choice(list(self.records))
        seq, _, version = self.records[rid]
        value = self._value()
        res = c.record_update(rid, rid, {"@Item": {"worker": self.number, "seq": seq, "value": value}}, version,
                              "d", version)
        self.records[rid] = (seq, value, res[0]._version)

    def op_tx(self, c: Any, cluster: int) -> None:
        tx = c.tx_commit()
        tx.begin()
        new = [self._next() for _ in range(2)]
        msgs = [c.record_create(cluster, {"@Item": {"worker": self.number, "seq": s, "value": v}}) for s, v in new]
        upd = None
        if self.records:
            rid = self.rng.choice(list(self.records))
            seq, _, version = self.records[rid]
            value = self._value()
            upd = (rid, seq, value)
            msgs.append(c.record_update(cluster, rid, {"@Item": {"worker": self.number, "seq": seq,
                                                                  "value": value}}, version))
        for m in msgs:
            tx.attach(m)
        res = tx.commit()
        values = dict(new)  # pyorient's own copies hold its escaped strings
        for rid, rec in res.items():
            if upd is not None and rid == upd[0]:
                self.records[rid] = (upd[1], upd[2], rec._version)
            else:
                seq = rec.oRecordData["seq"]
                self.records[rid] = (seq, values[seq], 1)

    def op_load(self, c: Any, cluster: int) -> None:
        rid = self.rng.choice(list(self.records))
        seq, value, version = self.records[rid]
        rec = c.record_load(rid)
        got = (rec.oRecordData.get("seq"), rec.oRecordData.get("value"), rec._version)
        if got != (seq, value, version):
            self.mismatches.append(f"worker {self.number} {rid}: expected {(seq, value, version)}, got {got}")

    def op_count(self, c: Any, cluster: int) -> None:
        n = c.query(f"select count(*) as n from Item where worker = {self.number}")[0].n
        if n != len(self.records):
            self.mismatches.append(f"worker {self.number}: {n} records stored, {len(self.records)} expected")

    def op_delete(self, c: Any, cluster: int) -> None:
        rid = self.rng.choice(list(self.records))
        _, _, version = self.records.pop(rid)
        if c.record_delete(cluster, rid, version) is not True:
            self.mismatches.append(f"worker {self.number}: delete of {rid} reported nothing deleted")


def run_load(host: str, port: int, root_password: str, *, clients: int = 10, seconds: float = 5.0,
             max_ops: int = 100_000, storage: str = "memory") -> LoadReport:
    """Create a database, run the workload, verify every record; returns the figures."""
    import pyorient

    db = f"load_{int(time.time() * 1000) % 10 ** 9}"
    admin = pyorient.OrientDB(host, port)
    admin.connect("root", root_password)
    admin.db_create(db, pyorient.DB_TYPE_GRAPH, storage)
    admin.command("create class Item")
    admin.command("create property Item.worker integer")
    admin.command("create property Item.seq integer")
    admin.command("create index Item.worker notunique")
    cluster = [x.id for x in admin.db_reload() if x.name == b"item"][0]
    deadline = time.monotonic() + seconds
    workers = [Worker(n, host, port, db, deadline, max_ops) for n in range(clients)]
    threads = [threading.Thread(target=w.run, args=(cluster,), daemon=True) for w in workers]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 120)
    elapsed = time.monotonic() - started
    latencies: dict[str, list[float]] = defaultdict(list)
    for w in workers:
        for k, v in w.latencies.items():
            latencies[k].extend(v)
    report = LoadReport(clients, elapsed, sum(w.ops for w in workers),
                        [e for w in workers for e in w.errors], dict(latencies))
    report.mismatches = [m for w in workers for m in w.mismatches]
    if any(t.is_alive() for t in threads):
        report.errors.append("some clients did not finish")
    expected = [(w.number, seq, value) for w in workers for seq, value, _ in w.records.values()]
    stored_rows = admin.query("select worker, seq, value from Item", -1)
    stored = [(r.worker, r.seq, r.value) for r in stored_rows]
    report.expected, report.stored = len(expected), len(stored)
    report.duplicates = len(stored) - len({(w, s) for w, s, _ in stored})
    report.checksum_expected, report.checksum_stored = _checksum(expected), _checksum(stored)
    admin.db_drop(db)
    admin.close()
    return report


def _start_server(directory: Path, password: str) -> tuple[subprocess.Popen, int]:
    console = str(Path(sys.executable).with_name("orient-console"))
    proc = subprocess.Popen([console, "serve", "--port", "0", "--dir", str(directory), "--root-password", password],
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    assert proc.stderr is not None
    line = proc.stderr.readline()
    m = re.search(r"listening on [\d.]+:(\d+) ", line)
    if not m:
        proc.kill()
        raise SystemExit(f"the server did not start: {line}")
    threading.Thread(target=lambda: [None for _ in proc.stderr], daemon=True).start()  # drain the log
    return proc, int(m.group(1))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--seconds", type=float, default=30.0)
    p.add_argument("--max-ops", type=int, default=1_000_000, help="operations per client at most")
    p.add_argument("--storage", choices=("memory", "plocal"), default="memory")
    p.add_argument("--port", type=int, help="use a running server on 127.0.0.1:PORT (with --root-password)")
    p.add_argument("--root-password", default="benchroot")
    args = p.parse_args()
    proc = None
    with tempfile.TemporaryDirectory(prefix="bench-remote-") as tmp:
        if args.port:
            port = args.port
        else:
            proc, port = _start_server(Path(tmp), args.root_password)
        try:
            report = run_load("127.0.0.1", port, args.root_password, clients=args.clients, seconds=args.seconds,
                              max_ops=args.max_ops, storage=args.storage)
        finally:
            if proc is not None:
                proc.terminate()
                proc.wait(30)
    for line in report.lines():
        print(line)
    for e in (report.errors + report.mismatches)[:10]:
        print("  !", e)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
