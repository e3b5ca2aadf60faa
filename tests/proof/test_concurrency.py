"""One process writes continuously while others export and back up: each file is one point in time."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

from conftest import PYTHON, console

from console import engine

WRITER = textwrap.dedent("""
    import sys, time, json
    from pathlib import Path
    from console import engine
    url, stop = sys.argv[1], Path(sys.argv[2])
    db = engine.open(url, "admin", "admin")
    counter = next(db.browse_class("Counter"))
    n = counter["n"]
    worst = 0.0
    while not stop.exists():
        t0 = time.perf_counter()
        db.begin()
        n += 1
        db.insert("Event", {"seq": n, "pad": "x" * 200})
        counter = db.load(counter.rid)
        counter["n"] = n
        db.update(counter)
        db.commit()
        worst = max(worst, time.perf_counter() - t0)
    print(json.dumps({"writes": n, "worst": worst}))
""")


def _consistent(events: list[int], counter: int) -> None:
    assert counter == len(events) == (max(events) if events else 0), (counter, len(events))
    assert sorted(events) == list(range(1, counter + 1))


def test_export_and_backup_are_single_points_in_time(tmp_path):
    url = f"plocal:{tmp_path / 'live'}"
    db = engine.create(url, "admin", "admin")
    db.create_class("Counter")
    db.create_class("Event")
    db.insert_many("Event", ({"seq": i, "pad": "x" * 200} for i in range(1, 30001)))
    db.insert("Counter", {"n": 30000})
    db.close()
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    stop = tmp_path / "stop"
    writer = subprocess.Popen([PYTHON, str(script), url, str(stop)], stdout=subprocess.PIPE, text=True)
    try:
        time.sleep(1.0)
        exporter = subprocess.Popen([str(Path(PYTHON).with_name("orient-console")), "-c",
                                     f"connect {url} admin admin; export database {tmp_path / 'snap.json.gz'}"],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        backup = console("-c", f"connect {url} admin admin; backup database {tmp_path / 'snap.zip'}", cwd=tmp_path)
        out, err = exporter.communicate(timeout=300)
        assert exporter.returncode == 0, err
        assert backup.returncode == 0, backup.stderr
        time.sleep(0.5)
    finally:
        stop.touch()
        stats_text, _ = writer.communicate(timeout=60)
    stats = json.loads(stats_text)
    assert stats["writes"] > 30000  # the writer kept going during both
    assert stats["worst"] < 5.0, f"a writer transaction waited {stats['worst']:.2f}s"

    data = json.loads(gzip.open(tmp_path / "snap.json.gz").read())
    events = [r["seq"] for r in data["records"] if r.get("@class") == "Event"]
    counter = next(r["n"] for r in data["records"] if r.get("@class") == "Counter")
    _consistent(events, counter)

    with zipfile.ZipFile(tmp_path / "snap.zip") as zf:
        (tmp_path / "restored").mkdir()
        (tmp_path / "restored" / "database.sqlite").write_bytes(zf.read("database.sqlite"))
    copy = engine.open(f"plocal:{tmp_path / 'restored'}", "admin", "admin")
    _consistent([d["seq"] for d in copy.browse_class("Event")], next(copy.browse_class("Counter"))["n"])
    copy.close()
