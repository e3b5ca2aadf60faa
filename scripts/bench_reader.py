#!/usr/bin/env python3
"""Benchmark the export reader against bare orjson on a generated export.

Generates (once, cached under --dir) a gzip level-1 export of N records shaped
like a real graph database: ~10 fields each, links and link bags with
@fieldTypes, some embedded-document lists, ``},,{`` between records as
OrientDB 3.0.34+ writes.  Then, each in a fresh process, times iterating every
RawRecord (best of --repeat) and reports peak RSS; the peer is orjson.loads
over the same records pre-split in memory (a floor no reader can beat).

    .venv-dev/bin/python scripts/bench_reader.py --records 200000 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import zlib

HEAD = (b'{"info":{"name":"bench","default-cluster-id":3,"exporter-version":12,'
        b'"engine-version":"3.0.34","storage-config-version":22,"schema-version":4,'
        b'"schemaRecordId":"#0:1","indexMgrRecordId":"#0:2"},'
        b'"clusters":[{"name":"person","id":17},{"name":"knows","id":20}],'
        b'"schema":{"version":4,"classes":[]},"records":[')
TAIL = (b'],"brokenRids":[],"indexes":[],'
        b'"manualIndexes":[{"name":"dictionary","content":[]}]}')


def record(i: int, n: int, rnd: random.Random) -> dict[str, object]:
    r: dict[str, object] = {
        "@type": "d", "@rid": f"#17:{i}", "@version": 1, "@class": "Person",
        "id": i, "name": f"name {i} \"q\"", "email": f"user{i}@example.com",
        "age": rnd.randint(0, 99), "score": rnd.random() * 100, "active": i % 2 == 0,
        "born": 1600000000000 + i, "friend": f"#17:{rnd.randint(0, n)}",
        "tags": ["a", "b", f"t{i % 7}"]}
    types = "born=t,friend=x"
    if i % 5 == 0:
        r["addresses"] = [{"@type": "d", "@version": 0, "street": f"{i} Main St",
                           "zip": str(10000 + i % 1000)},
                          {"@type": "d", "@version": 0, "street": "Second", "zip": "2"}]
    if i % 3 == 0:
        r["out_Knows"] = [f"#20:{i}", f"#20:{i + 1}"]
        types += ",out_Knows=g"
    r["@fieldTypes"] = types
    return r


def generate(path: str, n: int) -> None:
    import orjson
    rnd = random.Random(42)
    comp = zlib.compressobj(1, zlib.DEFLATED, 31)
    tmp = path + ".part"
    with open(tmp, "wb") as out:
        out.write(comp.compress(HEAD))
        batch: list[bytes] = []
        for i in range(n):
            batch.append(orjson.dumps(record(i, n, rnd)))
            if len(batch) == 10000 or i == n - 1:
                lead = b",," if i >= len(batch) else b""
                out.write(comp.compress(lead + b",,".join(batch)))
                batch = []
        out.write(comp.compress(TAIL))
        out.write(comp.flush())
    os.replace(tmp, path)


def measure(path: str, threaded: bool) -> dict[str, float]:
    from console.transfer.reader import ExportReader
    start = time.perf_counter()
    count = 0
    with ExportReader(path, threaded=threaded) as reader:
        for section in reader.sections():
            if section.name == "records":
                for _ in section.value:
                    count += 1
    elapsed = time.perf_counter() - start
    rss = peak_rss_mib()
    return {"records": count, "seconds": elapsed, "rate": count / elapsed, "rss_mib": rss}


def peak_rss_mib() -> float:
    """This process's peak resident set (VmHWM; ru_maxrss can carry the parent's)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peer(path: str) -> dict[str, float]:
    import gzip

    import orjson
    with gzip.open(path, "rb") as f:
        text = f.read()
    body = text[text.index(b'"records":[') + 11:text.rindex(b'],"brokenRids"')]
    records = body.split(b",,")  # exact for generated files only
    del text, body
    loads = orjson.loads
    start = time.perf_counter()
    for raw in records:
        loads(raw)
    elapsed = time.perf_counter() - start
    return {"records": len(records), "seconds": elapsed, "rate": len(records) / elapsed}


def child(args: list[str]) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, *args], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--records", type=int, nargs="+", default=[200_000, 1_000_000])
    ap.add_argument("--dir", default=os.path.join(tempfile.gettempdir(), "orient-bench"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        kind, path = args.child
        result = peer(path) if kind == "peer" else measure(path, kind == "threaded")
        print(json.dumps(result))
        return
    os.makedirs(args.dir, exist_ok=True)
    for n in args.records:
        path = os.path.join(args.dir, f"export-{n}.json.gz")
        if not os.path.exists(path):
            print(f"generating {path} ...", flush=True)
            generate(path, n)
        size = os.path.getsize(path) / 2**20
        print(f"{n:,} records, {size:.1f} MiB gzip")
        best: dict[str, dict[str, float]] = {}
        for _ in range(args.repeat):
            for kind in ("threaded", "unthreaded", "peer"):
                r = child([ "--child", kind, path])
                if kind not in best or r["rate"] > best[kind]["rate"]:
                    best[kind] = r
        floor = best["peer"]["rate"]
        for kind in ("threaded", "unthreaded"):
            r = best[kind]
            print(f"  reader {kind:10} {r['rate']:>10,.0f} records/s  {r['seconds']:6.2f} s  "
                  f"peak RSS {r['rss_mib']:6.1f} MiB  ({r['rate'] / floor:.2f} x bare orjson)")
        print(f"  bare orjson.loads    {floor:>10,.0f} records/s  (pre-split in memory)")


if __name__ == "__main__":
    main()
