"""BACKUP / RESTORE DATABASE: consistent copies, verified before anything changes."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import stat
import zipfile
from pathlib import Path

import pytest
from helpers import build_sample, fresh

from console import engine
from console.errors import Cancelled, PermissionDenied
from console.render import Renderer
from console.session import Session
from console.settings import Settings
from console.transfer.backup import BackupError, RestoreError, backup_database, restore_database
from console.transfer.options import BackupOptions, RestoreOptions


def session_for(db) -> Session:
    s = Session(Renderer(Settings(), out=io.StringIO(), err=io.StringIO(), color=False), Settings())
    s.db = db
    return s


def state(db) -> list:
    return sorted((str(d.rid), d.version, sorted(d.fields)) for c in db.schema.clusters
                  for d in db.browse_cluster(c.id) if hasattr(d, "fields"))


def test_backup_and_restore_round_trip(db, tmp_path):
    build_sample(db)
    before = state(db)
    target = tmp_path / "b.zip"
    summary = backup_database(db, target, BackupOptions())
    assert summary.bytes_written == target.stat().st_size
    with zipfile.ZipFile(target) as zf:
        assert sorted(zf.namelist()) == ["database.sqlite", "manifest.json"]
        manifest = json.loads(zf.read("manifest.json"))
        data = zf.read("database.sqlite")
    assert manifest["format"] == 1 and manifest["database"] == db.name and "created" in manifest
    assert manifest["engine"].startswith("orient-console")
    entry = manifest["entries"][0]
    assert entry["size"] == len(data) and entry["sha256"] == hashlib.sha256(data).hexdigest()
    db.insert("Person", {"name": "after-backup"})
    db.truncate_class("Knows", unsafe=True)
    restore_database(session_for(db), target, RestoreOptions())
    assert state(db) == before
    assert db.count_class("Knows") == 6 and not [d for d in db.browse_class("Person") if d["name"] == "after-backup"]


def test_restore_as_a_new_database(db, tmp_path):
    build_sample(db)
    backup_database(db, tmp_path / "b.zip", BackupOptions())
    s = session_for(db)
    restore_database(s, tmp_path / "b.zip", RestoreOptions(name=f"plocal:{tmp_path / 'restored'}"))
    copy = engine.open(f"plocal:{tmp_path / 'restored'}", "admin", "admin")
    assert state(copy) == state(db)
    copy.close()
    with pytest.raises(RestoreError):
        restore_database(s, tmp_path / "b.zip", RestoreOptions(name=f"plocal:{tmp_path / 'restored'}"))


def _rewrite(src: Path, dst: Path, mutate) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        entries = {i.filename: zin.read(i.filename) for i in zin.infolist()}
        mutate(zout, entries)


@pytest.fixture
def backup(db, tmp_path):
    build_sample(db)
    path = tmp_path / "good.zip"
    backup_database(db, path, BackupOptions())
    return path


def _expect_refusal(db, path: Path, word: str) -> None:
    before = state(db)
    with pytest.raises(RestoreError) as err:
        restore_database(session_for(db), path, RestoreOptions())
    assert word in str(err.value) and "\n" not in str(err.value), str(err.value)
    assert state(db) == before


def test_damaged_and_hostile_archives_are_refused(db, backup, tmp_path):
    bad = tmp_path / "bad.zip"
    raw = bytearray(backup.read_bytes())
    raw[len(raw) // 3] ^= 0xFF
    bad.write_bytes(bytes(raw))
    with pytest.raises(RestoreError):
        restore_database(session_for(db), bad, RestoreOptions())

    def traversal(z, e):
        z.writestr("manifest.json", e["manifest.json"])
        z.writestr("../evil", b"x")
    _rewrite(backup, bad, traversal)
    _expect_refusal(db, bad, "unsafe")

    def absolute(z, e):
        z.writestr("manifest.json", e["manifest.json"])
        z.writestr("/etc/evil", b"x")
    _rewrite(backup, bad, absolute)
    _expect_refusal(db, bad, "unsafe")

    def link(z, e):
        z.writestr("manifest.json", e["manifest.json"])
        info = zipfile.ZipInfo("database.sqlite")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        z.writestr(info, "/etc/passwd")
    _rewrite(backup, bad, link)
    _expect_refusal(db, bad, "link")

    def checksum(z, e):
        m = json.loads(e["manifest.json"])
        m["entries"][0]["sha256"] = "0" * 64
        z.writestr("manifest.json", json.dumps(m))
        z.writestr("database.sqlite", e["database.sqlite"])
    _rewrite(backup, bad, checksum)
    _expect_refusal(db, bad, "checksum")

    def no_manifest(z, e):
        z.writestr("database.sqlite", e["database.sqlite"])
    _rewrite(backup, bad, no_manifest)
    _expect_refusal(db, bad, "manifest")

    def bomb(z, e):
        big = b"\0" * (40 << 20)
        m = json.loads(e["manifest.json"])
        m["entries"][0].update(size=len(big), sha256=hashlib.sha256(big).hexdigest())
        z.writestr("manifest.json", json.dumps(m))
        z.writestr("database.sqlite", big)
    _rewrite(backup, bad, bomb)
    _expect_refusal(db, bad, "zip bomb")

    def not_a_database(z, e):
        junk = b"not sqlite" * 100
        m = json.loads(e["manifest.json"])
        m["entries"][0].update(size=len(junk), sha256=hashlib.sha256(junk).hexdigest())
        z.writestr("manifest.json", json.dumps(m))
        z.writestr("database.sqlite", junk)
    _rewrite(backup, bad, not_a_database)
    _expect_refusal(db, bad, "valid database")

    bad.write_bytes(b"plain text, not a zip")
    _expect_refusal(db, bad, "not a valid backup")
    _expect_refusal(db, tmp_path / "missing.zip", "no such file")
    _expect_refusal(db, tmp_path, "directory")


def test_truncated_archives(db, backup, tmp_path):
    raw = backup.read_bytes()
    for cut in (20, len(raw) // 2, len(raw) - 30):
        bad = tmp_path / f"cut{cut}.zip"
        bad.write_bytes(raw[:cut])
        with pytest.raises(RestoreError):
            restore_database(session_for(db), bad, RestoreOptions())


def test_backup_errors_leave_no_file(db, tmp_path, monkeypatch):
    with pytest.raises(BackupError):
        backup_database(db, tmp_path / "nodir" / "b.zip", BackupOptions())
    with pytest.raises(BackupError):
        backup_database(db, tmp_path, BackupOptions())

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt  # Ctrl-C in the middle of writing the archive
    import console.transfer.backup as backup_module

    monkeypatch.setattr(backup_module.faults, "reached", interrupted)
    with pytest.raises(Cancelled):
        backup_database(db, tmp_path / "c.zip", BackupOptions())
    assert not (tmp_path / "c.zip").exists()
    assert [p.name for p in tmp_path.iterdir() if "c.zip" in p.name] == []


def test_reader_cannot_restore(db, db_url, backup):
    reader = engine.open(db_url, "reader", "reader")
    with pytest.raises(PermissionDenied):
        restore_database(session_for(reader), backup, RestoreOptions())
    reader.close()


def test_compression_levels(db, tmp_path):
    build_sample(db)
    backup_database(db, tmp_path / "fast.zip", BackupOptions(compressionLevel=0))
    backup_database(db, tmp_path / "small.zip", BackupOptions(compressionLevel=9))
    assert (tmp_path / "small.zip").stat().st_size < (tmp_path / "fast.zip").stat().st_size
    fresh(tmp_path, "unused").close()
