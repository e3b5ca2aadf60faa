"""EXPORT / IMPORT / BACKUP / RESTORE / CHECK / REPAIR DATABASE commands.

The work itself lives in :mod:`console.transfer`; these handlers parse the
options, show progress and the closing summary.
"""

from __future__ import annotations

from console import ast
from console.commands import command
from console.session import Session


@command(ast.ExportDatabase, "EXPORT DATABASE", "EXPORT DATABASE <file> [-option=value ...]",
         "Write the database in OrientDB's JSON export format (gzip).",
         "EXPORT DATABASE /tmp/demo.json.gz -includeSecurity=true")
def export_database(session: Session, stmt: ast.ExportDatabase, text: str) -> None:
    from console.transfer.commands import run_export

    run_export(session, stmt)


@command(ast.ImportDatabase, "IMPORT DATABASE", "IMPORT DATABASE <file> [-option=value ...]",
         "Load an OrientDB JSON export (gzip or plain) into the current database, all or nothing.",
         "IMPORT DATABASE /tmp/demo.json.gz -preserveClusterIDs=true")
def import_database(session: Session, stmt: ast.ImportDatabase, text: str) -> None:
    from console.transfer.commands import run_import

    run_import(session, stmt)


@command(ast.BackupDatabase, "BACKUP DATABASE", "BACKUP DATABASE <file.zip> [-compressionLevel=N] [-bufferSize=N]",
         "Write a consistent zip backup of the database without blocking readers.",
         "BACKUP DATABASE /tmp/demo.zip")
def backup_database(session: Session, stmt: ast.BackupDatabase, text: str) -> None:
    from console.transfer.commands import run_backup

    run_backup(session, stmt)


@command(ast.RestoreDatabase, "RESTORE DATABASE", "RESTORE DATABASE <file.zip> [-name=<new database>]",
         "Verify a backup and swap it in for the current database (or restore it as a new one).",
         "RESTORE DATABASE /tmp/demo.zip")
def restore_database(session: Session, stmt: ast.RestoreDatabase, text: str) -> None:
    from console.transfer.commands import run_restore

    run_restore(session, stmt)


@command(ast.CheckDatabase, "CHECK DATABASE", "CHECK DATABASE [-fix]",
         "Verify links, edges, indexes and clusters; -fix repairs what it can.", "CHECK DATABASE")
def check_database(session: Session, stmt: ast.CheckDatabase, text: str) -> None:
    from console.transfer.commands import run_check

    run_check(session, stmt.options, fix=False)


@command(ast.RepairDatabase, "REPAIR DATABASE", "REPAIR DATABASE",
         "Remove dangling links and rebuild indexes, in one transaction.", "REPAIR DATABASE")
def repair_database(session: Session, stmt: ast.RepairDatabase, text: str) -> None:
    from console.transfer.commands import run_check

    run_check(session, stmt.options, fix=True)
