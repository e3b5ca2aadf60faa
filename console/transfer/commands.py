"""Console glue for EXPORT / IMPORT / BACKUP / RESTORE / CHECK DATABASE.

Parses options, shows OrientDB-style phase lines, a progress bar on a
terminal and a closing summary. The work is done by the modules beside it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from console import ast
from console.session import Session
from console.transfer.options import BackupOptions, ExportOptions, ImportOptions, RestoreOptions, parse_options


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


def _say(session: Session):
    r = session.renderer
    verbose = session.settings.verbose

    def say(text: str) -> None:
        if verbose >= 2:
            r.message(text, level=2)
    return say


def run_export(session: Session, stmt: ast.ExportDatabase) -> None:
    from console.transfer.export import export_database, export_file_name

    db = session.require_db()
    options = parse_options(ExportOptions, stmt.options, "EXPORT DATABASE")
    target = export_file_name(stmt.path)
    r = session.renderer
    r.message(f"Exporting current database to: database {target} in GZipped JSON format ...", level=2)
    def total() -> int | None:  # counting reads every page: only done when a bar is shown
        try:
            return sum(db.count_cluster(c.id) for c in db.schema.clusters)
        except Exception:  # a count is only for the bar: never fail the export over it
            return None

    with r.progress("Exporting", total) as bar:
        summary = export_database(db, target, options, say=_say(session), progress=bar)
    rate = summary.records / summary.seconds if summary.seconds > 0 else 0
    r.success(f"Export completed: {summary.records} records, {summary.clusters} clusters, {summary.classes} classes, "
              f"{summary.indexes} indexes -> {target} ({_size(summary.bytes_written)}, "
              f"{_size(summary.raw_bytes)} uncompressed) in {summary.seconds:.2f}s ({rate:,.0f} records/s).")


def run_import(session: Session, stmt: ast.ImportDatabase) -> None:
    from console.errors import OrientError

    db = session.require_db()
    if db.in_transaction:
        raise OrientError("IMPORT DATABASE cannot run inside a transaction: COMMIT or ROLLBACK first")
    if getattr(db, "kind", "embedded") == "embedded":
        from console.transfer.importer import import_database as run
    else:
        from console.remote.transfer import import_into_remote as run
    options = parse_options(ImportOptions, stmt.options, "IMPORT DATABASE")
    path = Path(stmt.path.strip().strip("'\"")).expanduser()
    r = session.renderer
    try:
        with r.progress("Importing", None) as bar:
            summary = run(db, path, options, say=_say(session), progress=bar)
    finally:
        session.notify_schema_changed()
    for w in summary.warnings:
        r.warning(f"warning: {w}")
    rate = summary.records / summary.seconds if summary.seconds > 0 else 0
    r.success(f"Import completed: {summary.records} records ({summary.skipped} skipped), "
              f"{summary.links_rewritten} records with links rewritten, {summary.links_removed} broken links removed, "
              f"{summary.classes} classes, {summary.clusters} clusters, {summary.indexes} indexes "
              f"in {summary.seconds:.2f}s ({rate:,.0f} records/s).")


def run_backup(session: Session, stmt: ast.BackupDatabase) -> None:
    from console.transfer.backup import backup_database

    db = session.require_db()
    options = parse_options(BackupOptions, stmt.options, "BACKUP DATABASE")
    given = {n.lstrip("-").lower() for n, _ in stmt.options}
    if "compressionlevel" not in given:
        options.compressionLevel = session.settings.backupCompressionLevel
    if "buffersize" not in given:
        options.bufferSize = session.settings.backupBufferSize
    target = Path(stmt.path.strip().strip("'\"")).expanduser()
    summary = backup_database(db, target, options, say=_say(session))
    session.renderer.success(f"Backup completed: {target} ({_size(summary.bytes_written)}) in {summary.seconds:.2f}s.")


def run_restore(session: Session, stmt: ast.RestoreDatabase) -> None:
    from console.transfer.backup import restore_database

    options = parse_options(RestoreOptions, stmt.options, "RESTORE DATABASE")
    source = Path(stmt.path.strip().strip("'\"")).expanduser()
    restore_database(session, source, options, say=_say(session))


def run_check(session: Session, options: Any, fix: bool) -> None:
    from console.transfer.check import run_check_command

    run_check_command(session, options, fix)


