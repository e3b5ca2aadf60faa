"""kill -9 during IMPORT, EXPORT and BACKUP: the database is as before, no partial file remains.

The process kills itself with SIGKILL at a chosen record count
(ORIENT_CRASH_AT, see console/transfer/faults.py): no cleanup code runs,
exactly as if the machine had lost the process.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest
from conftest import console, fingerprint

from console import engine

IMPORT_POINTS = [1, 5000, 10000, 15000, 20000, 25000, 30000, 35000, 40000, 45000, 50000]
EXPORT_POINTS = [1024 * k for k in (1, 2, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40)]
BACKUP_POINTS = [1, 2, 5, 10, 20, 40, 80, 120, 160, 200, 240]


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> tuple[Path, Path]:
    """A database of 52,000 records and its export."""
    tmp = tmp_path_factory.mktemp("big")
    db = engine.create(f"plocal:{tmp / 'src'}", "admin", "admin")
    db.create_class("Item", clusters=4)
    db.create_property("Item", "n", "INTEGER")
    db.create_index("Item.n", "Item", ["n"], "UNIQUE")
    db.insert_many("Item", ({"n": i, "text": f"item {i} " * 8} for i in range(52000)))
    db.close()
    r = console("-c", f"connect plocal:{tmp / 'src'} admin admin; export database {tmp / 'items.json.gz'}", cwd=tmp)
    assert r.returncode == 0, r.stderr
    return tmp / "src", tmp / "items.json.gz"


def _killed(r) -> bool:
    return r.returncode == -signal.SIGKILL


@pytest.mark.parametrize("point", IMPORT_POINTS)
def test_crash_during_import(big, tmp_path, point):
    _, export_file = big
    url = f"plocal:{tmp_path / 'target'}"
    db = engine.create(url, "admin", "admin")
    db.create_class("Before")
    db.insert("Before", {"here": True})
    db.close()
    before = fingerprint(tmp_path / "target")
    r = console("-c", f"connect {url} admin admin; import database {export_file}", cwd=tmp_path,
                env={"ORIENT_CRASH_AT": f"import:{point}"})
    assert _killed(r), (r.returncode, r.stderr)
    # "restart": a new process opens the database (SQLite recovers from its WAL)
    after_db = engine.open(url, "admin", "admin")
    after_db.close()
    assert fingerprint(tmp_path / "target") == before
    r = console("--format", "json", "-c", f"connect {url} admin admin; select count(*) as n from Before",
                cwd=tmp_path)
    assert '{"n":1}' in r.stdout


@pytest.mark.parametrize("point", EXPORT_POINTS)
def test_crash_during_export(big, tmp_path, point):
    src, _ = big
    target = tmp_path / "out.json.gz"
    r = console("-c", f"connect plocal:{src} admin admin; export database {target}", cwd=tmp_path,
                env={"ORIENT_CRASH_AT": f"export:{point}"})
    assert _killed(r), (r.returncode, r.stderr)
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir() if "out.json" in p.name] == []


@pytest.mark.parametrize("point", BACKUP_POINTS)
def test_crash_during_backup(big, tmp_path, point):
    src, _ = big
    target = tmp_path / "b.zip"
    r = console("-c", f"connect plocal:{src} admin admin; backup database {target} -bufferSize=16384",
                cwd=tmp_path, env={"ORIENT_CRASH_AT": f"backup:{point}"})
    assert _killed(r), (r.returncode, r.stderr)
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir() if "b.zip" in p.name] == []


def _export_helpers() -> list[str]:
    """Export helper processes still running."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and b"console.transfer.export_split" in (entry / "cmdline").read_bytes() \
                    and (entry / "stat").read_text().split(") ")[1][0] != "Z":
                found.append(entry.name)
        except OSError:
            continue
    return found


def _no_helper_left() -> bool:
    deadline = time.monotonic() + 10
    while _export_helpers():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _split_export(src: Path, tmp_path: Path, point: int):
    return console("-c", f"connect plocal:{src} admin admin; export database {tmp_path / 'out.json.gz'}",
                   cwd=tmp_path, env={"ORIENT_CRASH_AT": f"export:{point}", "ORIENT_EXPORT_SPLIT_MIN": "0"})


# A two-process export (ORIENT_EXPORT_SPLIT_MIN=0): of 52,006 records the helper writes those from 23,402 on.
@pytest.mark.parametrize("point", [1024, 12288, 20480])
def test_crash_of_the_console_during_a_two_process_export(big, tmp_path, point):
    r = _split_export(big[0], tmp_path, point)
    assert _killed(r), (r.returncode, r.stderr)
    assert _no_helper_left()  # the helper sees its parent gone and stops
    assert [p.name for p in tmp_path.iterdir() if "out.json" in p.name] == []


@pytest.mark.parametrize("point", [30000, 40000, 50000])
def test_crash_of_the_export_helper(big, tmp_path, point):
    r = _split_export(big[0], tmp_path, point)
    assert r.returncode == 1, (r.returncode, r.stderr)
    assert "export helper process failed" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert "Traceback" not in r.stderr
    assert _no_helper_left()
    assert [p.name for p in tmp_path.iterdir() if "out.json" in p.name] == []
