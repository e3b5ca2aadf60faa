"""BACKUP and RESTORE DATABASE: consistent zip copies of an embedded database.

BACKUP copies the SQLite file with SQLite's online backup from a separate
read connection (one snapshot; readers and writers keep going) and zips it
with a manifest of sizes and SHA-256 sums. RESTORE checks the archive first
(entry names, links, sizes, checksums, the database itself) and only then
copies it into the live database in one SQLite transaction.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import shutil
import sqlite3
import stat
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from console import __version__
from console.engine import registry
from console.engine.security import READ, UPDATE
from console.engine.storage import DB_FILE, FORMAT_VERSION
from console.errors import Cancelled, OrientError
from console.transfer import faults
from console.transfer.atomic import AtomicFile
from console.transfer.options import BackupOptions, RestoreOptions

MANIFEST = "manifest.json"
DATABASE_ENTRY = "database.sqlite"
BACKUP_FORMAT = 1
MAX_ENTRY_BYTES = int(os.environ.get("ORIENT_RESTORE_MAX_BYTES", str(64 << 30)))
MAX_RATIO = 1000
Say = Callable[[str], None]


class BackupError(OrientError):
    """BACKUP DATABASE failed; no file was written."""


class RestoreError(OrientError):
    """The backup cannot be restored; nothing was changed."""


@dataclass
class BackupSummary:
    path: Path
    bytes_written: int
    database_bytes: int
    seconds: float


def _sha256_file(path: Path, buffer: int) -> tuple[int, str]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while True:
            chunk = f.read(buffer)
            if not chunk:
                break
            h.update(chunk)
            size += len(chunk)
    return size, h.hexdigest()


def backup_database(db: Any, target: Path, options: BackupOptions, *, say: Say = lambda s: None) -> BackupSummary:
    """Write a consistent zip backup of ``db`` to ``target``."""
    started = time.perf_counter()
    if getattr(db, "kind", "") != "embedded":
        raise BackupError("BACKUP DATABASE works on embedded databases; use EXPORT DATABASE for a remote one")
    db.check_permission("database", None, READ)
    target = Path(target)
    if target.is_dir():
        raise BackupError(f"cannot back up to '{target}': it is a directory")
    if not target.parent.is_dir():
        raise BackupError(f"cannot back up to '{target}': directory '{target.parent}' does not exist")
    work = Path(tempfile.mkdtemp(prefix="orient-backup-"))
    copy = work / DB_FILE
    out: AtomicFile | None = None
    try:
        say(f"Backing up database '{db.name}' to {target}...")
        src = sqlite3.connect(str(Path(db.path) / DB_FILE), isolation_level=None, timeout=30)
        try:
            dst = sqlite3.connect(str(copy), isolation_level=None)
            try:
                src.backup(dst)  # one step: a single consistent snapshot of the source
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        size, digest = _sha256_file(copy, options.bufferSize)
        manifest = {
            "format": BACKUP_FORMAT,
            "engine": f"orient-console {__version__}",
            "storageFormat": FORMAT_VERSION,
            "database": db.name,
            "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "entries": [{"name": DATABASE_ENTRY, "size": size, "sha256": digest}],
        }
        try:
            out = AtomicFile(target)
        except OSError as exc:
            raise BackupError(f"cannot write '{target}': {exc.strerror or exc}") from None
        level = options.compressionLevel
        method = zipfile.ZIP_STORED if level == 0 else zipfile.ZIP_DEFLATED
        with zipfile.ZipFile(out.file, "w", compression=method, compresslevel=level if level else None,
                             allowZip64=True) as zf:
            info = zipfile.ZipInfo(DATABASE_ENTRY, date_time=time.localtime()[:6])
            info.compress_type = method
            with zf.open(info, "w", force_zip64=True) as entry, open(copy, "rb") as f:
                chunks = 0
                while True:
                    chunk = f.read(options.bufferSize)
                    if not chunk:
                        break
                    entry.write(chunk)
                    chunks += 1
                    faults.reached("backup", chunks)
            zf.writestr(MANIFEST, json.dumps(manifest, indent=2))
        written = out.commit()
        out = None
    except KeyboardInterrupt:
        raise Cancelled("backup cancelled; no file was written") from None
    except OSError as exc:
        raise BackupError(f"backup failed: {exc.strerror or exc}") from None
    finally:
        if out is not None:
            out.abort()
        shutil.rmtree(work, ignore_errors=True)
    seconds = time.perf_counter() - started
    say(f"Backup of {size} bytes written to {target} ({written} bytes) in {seconds:.2f}s")
    return BackupSummary(target, written, size, seconds)


# --- restore -----------------------------------------------------------------------------------

def _safe_name(name: str) -> bool:
    return bool(name) and "/" not in name and "\\" not in name and name not in (".", "..") \
        and ":" not in name and not name.startswith(".")


def verify_backup(source: Path, work: Path) -> tuple[dict[str, Any], Path]:
    """Check a backup archive completely; returns its manifest and the extracted database file."""
    if not source.exists():
        raise RestoreError(f"cannot restore '{source}': no such file")
    if source.is_dir():
        raise RestoreError(f"cannot restore '{source}': it is a directory")
    try:
        zf = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise RestoreError(f"'{source}' is not a valid backup: {exc}") from None
    with zf:
        infos = zf.infolist()
        names = [i.filename for i in infos]
        for info in infos:
            name = info.filename
            if name.startswith("/") or ".." in name.replace("\\", "/").split("/") or not _safe_name(name):
                raise RestoreError(f"'{source}' holds an unsafe entry name '{name}'; refusing to restore")
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise RestoreError(f"'{source}' holds a symbolic link '{name}'; refusing to restore")
            if info.file_size > MAX_ENTRY_BYTES:
                raise RestoreError(f"entry '{name}' would unpack to {info.file_size} bytes, over the limit of "
                                   f"{MAX_ENTRY_BYTES}; refusing to restore")
            if info.file_size > (1 << 20) and info.file_size > max(info.compress_size, 1) * MAX_RATIO:
                raise RestoreError(f"entry '{name}' compresses more than {MAX_RATIO}:1 (a zip bomb?); refusing")
        if len(set(names)) != len(names):
            raise RestoreError(f"'{source}' holds duplicate entries; refusing to restore")
        if MANIFEST not in names:
            raise RestoreError(f"'{source}' is not an orient-console backup: no {MANIFEST}")
        manifest = _read_manifest(zf, source)
        listed = {e["name"]: e for e in manifest["entries"]}
        extra = set(names) - set(listed) - {MANIFEST}
        if extra:
            raise RestoreError(f"'{source}' holds entries missing from its manifest: {', '.join(sorted(extra))}")
        if DATABASE_ENTRY not in listed:
            raise RestoreError(f"'{source}' has no {DATABASE_ENTRY} in its manifest")
        for name, e in listed.items():
            if name not in names:
                raise RestoreError(f"'{source}' lacks the entry '{name}' listed in its manifest")
            if zf.getinfo(name).file_size != e["size"]:
                raise RestoreError(f"entry '{name}' has size {zf.getinfo(name).file_size}, the manifest says {e['size']}")
        out = work / DB_FILE
        entry = listed[DATABASE_ENTRY]
        h = hashlib.sha256()
        total = 0
        try:
            with zf.open(DATABASE_ENTRY) as src, open(out, "wb") as dst:
                while True:
                    chunk = src.read(1 << 20)
                    if not chunk:
                        break
                    total += len(chunk)
                    if total > entry["size"]:
                        raise RestoreError(f"entry '{DATABASE_ENTRY}' unpacks to more than its declared size")
                    h.update(chunk)
                    dst.write(chunk)
        except (zipfile.BadZipFile, EOFError, zlib_error(), OSError) as exc:
            raise RestoreError(f"'{source}' is damaged: {exc}") from None
        if total != entry["size"] or h.hexdigest() != entry["sha256"]:
            raise RestoreError(f"'{source}' is damaged: the checksum of '{DATABASE_ENTRY}' does not match its manifest")
    _check_database_file(out, source)
    return manifest, out


def zlib_error() -> type[BaseException]:
    import zlib

    return zlib.error


def _read_manifest(zf: zipfile.ZipFile, source: Path) -> dict[str, Any]:
    try:
        if zf.getinfo(MANIFEST).file_size > 1 << 20:
            raise RestoreError(f"'{source}' has an oversized manifest")
        manifest = json.loads(zf.read(MANIFEST).decode("utf-8"))
    except (ValueError, UnicodeDecodeError, zipfile.BadZipFile, OSError) as exc:
        raise RestoreError(f"'{source}' has an unreadable manifest: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != BACKUP_FORMAT:
        raise RestoreError(f"'{source}' has an unsupported backup format {manifest.get('format') if isinstance(manifest, dict) else '?'}")
    entries = manifest.get("entries")
    if not isinstance(entries, list) or not all(
            isinstance(e, dict) and isinstance(e.get("name"), str) and isinstance(e.get("size"), int)
            and isinstance(e.get("sha256"), str) for e in entries):
        raise RestoreError(f"'{source}' has a malformed manifest")
    return manifest


def _check_database_file(path: Path, source: Path) -> None:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = conn.execute("PRAGMA quick_check").fetchone()[0]
            fmt = conn.execute("SELECT value FROM meta WHERE key='format'").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise RestoreError(f"'{source}' does not hold a valid database: {exc}") from None
    if ok != "ok":
        raise RestoreError(f"'{source}' holds a corrupt database: {ok}")
    if fmt is None or int(fmt[0]) > FORMAT_VERSION:
        raise RestoreError(f"'{source}' holds a database of an unsupported format")


def restore_database(session: Any, source: Path, options: RestoreOptions, *, say: Say = lambda s: None) -> None:
    """Verify ``source`` and swap it in for the open database, or restore it as a new one."""
    work = Path(tempfile.mkdtemp(prefix="orient-restore-"))
    try:
        if options.name is None:
            db = session.require_db()
            if getattr(db, "kind", "") != "embedded":
                raise RestoreError("RESTORE DATABASE works on embedded databases")
            db.check_permission("database", None, UPDATE)
            if db.in_transaction:
                raise RestoreError("RESTORE DATABASE cannot run inside a transaction: COMMIT or ROLLBACK first")
        manifest, extracted = verify_backup(Path(source), work)
        say(f"Backup of database '{manifest.get('database')}' taken {manifest.get('created')} verified")
        if options.name is not None:
            _restore_as_new(session, extracted, options.name, say)
            return
        db = session.db
        src = sqlite3.connect(str(extracted), isolation_level=None)
        try:
            with db._storage.lock:
                src.backup(db._storage.conn)  # one transaction on the live database
        except KeyboardInterrupt:
            raise Cancelled("restore cancelled; the database is unchanged") from None
        except sqlite3.Error as exc:
            raise RestoreError(f"restore failed, the database is unchanged: {exc}") from None
        finally:
            src.close()
        db._rr.clear()
        db._refresh_schema(force=True)
        session.last_results = []
        session.notify_schema_changed()
        session.renderer.success(f"Database '{db.name}' restored from {source}.")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _restore_as_new(session: Any, extracted: Path, name: str, say: Say) -> None:
    from console.commands.connection import resolve_url

    url = resolve_url(session, name)
    if url.kind != "plocal":
        raise RestoreError("RESTORE DATABASE -name= takes a plocal URL or a plain database name")
    if registry.exists(url):
        raise RestoreError(f"database '{url}' already exists; drop it first or restore into it after CONNECT")
    assert url.path is not None
    staging = url.path.with_name(f".{url.path.name}.restoring-{os.getpid()}")
    staging.mkdir(parents=True, exist_ok=False)
    try:
        shutil.copyfile(extracted, staging / DB_FILE)
        os.replace(staging, url.path)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise RestoreError(f"cannot create '{url.path}': {exc.strerror or exc}") from None
    session.renderer.success(f"Backup restored as new database {url}.")
