"""EXPORT DATABASE in two processes (console/transfer/export_split.py).

``ORIENT_EXPORT_SPLIT_MIN=0`` makes even a small database split, so every test
here starts a real helper process and compares its output with the
one-process export of the same database.
"""

from __future__ import annotations

import gzip
import os
import threading
import time
from pathlib import Path

import pytest
from helpers import build_sample, export, fresh, import_, read_export

from console.errors import Cancelled
from console.transfer.export import ExportError, export_database
from console.transfer.options import ExportOptions


def _helpers_alive() -> list[int]:
    """Export helper processes still running (children of this process or orphans)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes()
            state = (entry / "stat").read_text().split(") ")[1].split()[0]
        except OSError:
            continue
        if b"console.transfer.export_split" in cmd and state != "Z":
            found.append(int(entry.name))
    return found


def _export_both(db, tmp_path: Path, monkeypatch, **options) -> tuple[bytes, bytes, list[str], list[str]]:
    said: dict[str, list[str]] = {"one": [], "two": []}
    opts = ExportOptions()
    for k, v in options.items():
        setattr(opts, k, v)
    monkeypatch.setenv("ORIENT_EXPORT_SPLIT_MIN", "-1")
    export_database(db, tmp_path / "one.json.gz", opts, say=said["one"].append)
    monkeypatch.setenv("ORIENT_EXPORT_SPLIT_MIN", "0")
    export_database(db, tmp_path / "two.json.gz", opts, say=said["two"].append)
    return (gzip.open(tmp_path / "one.json.gz").read(), gzip.open(tmp_path / "two.json.gz").read(),
            said["one"], said["two"])


def _members(path: Path) -> int:
    """How many gzip members a file holds."""
    import zlib

    data, n = path.read_bytes(), 0
    while data:
        d = zlib.decompressobj(31)
        d.decompress(data)
        assert d.eof
        data, n = d.unused_data, n + 1
    return n


@pytest.fixture
def sample(db):
    build_sample(db)
    db.insert_many("Thing", ({"code": f"M{i}", "i": i, "str": "x" * (i % 50)} for i in range(3000)))
    return db


def test_two_process_export_is_byte_identical_once_inflated(sample, tmp_path, monkeypatch):
    one, two, said_one, said_two = _export_both(sample, tmp_path, monkeypatch)
    assert one == two
    clusters_one = [line for line in said_one if line.startswith("- Cluster")]
    assert clusters_one == [line for line in said_two if line.startswith("- Cluster")]  # counts summed
    assert _members(tmp_path / "one.json.gz") == 1
    assert _members(tmp_path / "two.json.gz") >= 2
    assert not _helpers_alive()


@pytest.mark.parametrize("options", [
    {"useLineFeedForRecords": True},
    {"includeClass": ["SubThing", "Person"]},
    {"excludeClass": ["Thing"]},
    {"compressionLevel": 0},
    {"compressionLevel": 6},
])
def test_options_give_the_same_records(sample, tmp_path, monkeypatch, options):
    one, two, _, _ = _export_both(sample, tmp_path, monkeypatch, **options)
    assert one == two


def test_the_split_file_imports_back(sample, tmp_path, monkeypatch):
    monkeypatch.setenv("ORIENT_EXPORT_SPLIT_MIN", "0")
    path = export(sample, tmp_path / "split.json.gz")
    doc = read_export(path)
    assert len(doc["records"]) == sum(sample.count_cluster(c.id) for c in sample.schema.clusters)
    target = fresh(tmp_path, "target")
    import_(target, path)
    assert target.count_class("Thing") == sample.count_class("Thing")
    assert target.count_class("Person") == 6


def test_both_halves_read_one_snapshot(db, tmp_path, monkeypatch):
    """A writer adding records all along: the helper's half shows none of them."""
    db.create_class("Early")
    db.insert_many("Early", ({"n": i} for i in range(4000)))
    db.create_class("Late")  # its cluster comes last: in the helper's half
    db.insert_many("Late", ({"n": i} for i in range(4000)))
    from console import engine

    stop = threading.Event()
    added = [0]

    def writer() -> None:
        other = engine.open(db.url, "admin", "admin")
        try:
            while not stop.is_set():
                other.insert("Late", {"n": -1})
                added[0] += 1
        finally:
            other.close()

    monkeypatch.setenv("ORIENT_EXPORT_SPLIT_MIN", "0")
    said: list[str] = []
    t = threading.Thread(target=writer)
    t.start()
    try:
        while added[0] < 20:
            time.sleep(0.01)
        summary = export_database(db, tmp_path / "live.json.gz", ExportOptions(), say=said.append)
        time.sleep(0.05)
    finally:
        stop.set()
        t.join()
    assert added[0] > 20
    late = [line for line in said if "Cluster 'late'" in line]
    assert len(late) == 1
    got, expected = late[0].split("records=")[1].rstrip(")").split("/")
    assert got == expected  # the helper's count equals the count of this process's snapshot
    records = read_export(tmp_path / "live.json.gz")["records"]
    assert len(records) == summary.records
    assert sum(1 for r in records if r.get("@class") == "Late") == int(expected)


def test_cancel_stops_the_helper_and_leaves_no_file(sample, tmp_path, monkeypatch):
    monkeypatch.setenv("ORIENT_EXPORT_SPLIT_MIN", "0")
    target = tmp_path / "cancelled.json.gz"
    with pytest.raises(Cancelled):
        export_database(sample, target, ExportOptions(), cancelled=lambda: True)
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir() if "cancelled" in p.name] == []
    assert not _helpers_alive()


def test_a_failing_helper_is_one_error_and_no_file(sample, tmp_path, monkeypatch):
    monkeypatch.setenv("ORIENT_EXPORT_SPLIT_MIN", "0")
    last = sum(sample.count_cluster(c.id) for c in sample.schema.clusters)
    monkeypatch.setenv("ORIENT_CRASH_AT", f"export:{last}")  # read by the helper process only
    target = tmp_path / "failed.json.gz"
    with pytest.raises(ExportError, match="export helper process failed"):
        export_database(sample, target, ExportOptions())
    assert not target.exists()
    assert not _helpers_alive()


def test_no_split_inside_a_transaction_or_below_the_threshold(sample, tmp_path, monkeypatch):
    monkeypatch.setenv("ORIENT_EXPORT_SPLIT_MIN", "0")
    sample.begin()
    try:
        export(sample, tmp_path / "tx.json.gz")
    finally:
        sample.rollback()
    assert _members(tmp_path / "tx.json.gz") == 1
    monkeypatch.setenv("ORIENT_EXPORT_SPLIT_MIN", str(10**9))
    export(sample, tmp_path / "small.json.gz")
    assert _members(tmp_path / "small.json.gz") == 1


def test_memory_databases_export_in_one_process(memdb, tmp_path, monkeypatch):
    monkeypatch.setenv("ORIENT_EXPORT_SPLIT_MIN", "0")
    build_sample(memdb)
    export(memdb, tmp_path / "mem.json.gz")
    assert _members(tmp_path / "mem.json.gz") == 1
    assert os.path.getsize(tmp_path / "mem.json.gz") > 0


def test_nothing_is_imported_from_the_working_directory(sample, tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    for name in ("json", "select", "gzip", "console"):
        (work / f"{name}.py").write_text("raise SystemExit('imported from the working directory')\n")
    monkeypatch.chdir(work)
    monkeypatch.setenv("ORIENT_EXPORT_SPLIT_MIN", "0")
    export(sample, tmp_path / "cwd.json.gz")
    assert _members(tmp_path / "cwd.json.gz") >= 2


def test_many_open_descriptors(sample, tmp_path, monkeypatch):
    """poll(), not select(): descriptors above 1023 are fine."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 1200
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
    fds = []
    try:
        while len(fds) < 1100:
            fds.append(os.open(os.devnull, os.O_RDONLY))
        monkeypatch.setenv("ORIENT_EXPORT_SPLIT_MIN", "0")
        export(sample, tmp_path / "fds.json.gz")
    finally:
        for fd in fds:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    assert _members(tmp_path / "fds.json.gz") >= 2


def test_inside_an_open_snapshot_the_export_stays_in_one_process(sample, tmp_path, monkeypatch):
    monkeypatch.setenv("ORIENT_EXPORT_SPLIT_MIN", "0")
    with sample.snapshot():
        export(sample, tmp_path / "nested.json.gz")
    assert _members(tmp_path / "nested.json.gz") == 1


def test_a_thread_writing_through_the_same_database_object(sample, tmp_path, monkeypatch):
    """Lock order: the export waits for the thread's write, never the other way round for 30 s."""
    monkeypatch.setenv("ORIENT_EXPORT_SPLIT_MIN", "0")
    stop = threading.Event()
    errors: list[BaseException] = []
    written = [0]

    def writer() -> None:
        try:
            while not stop.is_set():
                sample.insert("Person", {"name": f"w{written[0]}"})
                written[0] += 1
        except BaseException as exc:  # pragma: no cover - the failure being tested for
            errors.append(exc)

    t = threading.Thread(target=writer)
    t.start()
    try:
        for i in range(5):
            export(sample, tmp_path / f"busy{i}.json.gz")
    finally:
        stop.set()
        t.join(60)
    assert not errors and written[0] > 0


def test_the_copy_frees_the_helpers_temporary_blocks(tmp_path):
    """Where the file system punches holes, the helper's file shrinks as it is copied."""
    import tempfile

    from console.transfer.gzipio import AtomicWriter, _free_blocks

    probe = tempfile.TemporaryFile(dir=tmp_path)
    probe.write(os.urandom(1 << 20))
    probe.flush()
    before = os.fstat(probe.fileno()).st_blocks
    _free_blocks(probe.fileno(), 0, 1 << 20)
    punches = os.fstat(probe.fileno()).st_blocks < before
    probe.close()

    part = gzip.compress(b"x" * 5_000_000 + os.urandom(3_000_000))
    source = tempfile.TemporaryFile(dir=tmp_path)
    source.write(part)
    source.flush()
    writer = AtomicWriter(tmp_path / "joined.gz", level=1)
    writer.write(b"head ")
    writer.append_member(open(os.dup(source.fileno()), "rb"), 8_000_000)
    writer.write(b" tail")
    writer.commit()
    assert gzip.open(tmp_path / "joined.gz").read()[:5] == b"head "
    assert len(gzip.open(tmp_path / "joined.gz").read()) == 8_000_010
    if punches:
        assert os.fstat(source.fileno()).st_blocks <= 8  # a partial last block may stay
    source.close()
