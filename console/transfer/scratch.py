"""On-disk bookkeeping of an import: the old→new RID map, imported RIDs, links.

Kept in a private SQLite file (no journal, no fsync) so that memory does not
grow with the number of records; deleted when the import ends.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path
from typing import Iterable, Iterator

from console.errors import OrientError


class DuplicateRID(OrientError):
    """The same RID occurs twice in a file."""

    def __init__(self, index: int) -> None:
        super().__init__(f"duplicate record {index}")
        self.index = index


class Scratch:
    """Tables: ridmap(old→new), seen(new), links(src, idx, old, new), fixup(src)."""

    def __init__(self, directory: Path | None = None) -> None:
        fd, name = tempfile.mkstemp(prefix="orient-import-", suffix=".sqlite", dir=directory)
        os.close(fd)
        self.path = Path(name)
        self.conn = sqlite3.connect(name, isolation_level=None)
        c = self.conn
        c.execute("PRAGMA journal_mode=OFF")
        c.execute("PRAGMA synchronous=OFF")
        c.execute("PRAGMA cache_size=-32768")
        c.execute("PRAGMA temp_store=FILE")
        c.executescript("""
            CREATE TABLE ridmap(old INTEGER PRIMARY KEY, new INTEGER NOT NULL);
            CREATE TABLE seen(new INTEGER PRIMARY KEY, idx INTEGER NOT NULL);
            CREATE TABLE links(src INTEGER NOT NULL, idx INTEGER NOT NULL, old INTEGER NOT NULL, new INTEGER);
            CREATE TABLE fixup(src INTEGER PRIMARY KEY);
        """)

    def close(self) -> None:
        try:
            self.conn.close()
        finally:
            for suffix in ("", "-journal", "-wal", "-shm"):
                try:
                    os.unlink(str(self.path) + suffix)
                except FileNotFoundError:
                    pass

    # -- batches ------------------------------------------------------------------
    def add_seen(self, rows: list[tuple[int, int]]) -> None:
        """Record imported RIDs ``(new key, record index)``; DuplicateRID names the first repeat."""
        self._insert_checked("INSERT INTO seen(new, idx) VALUES (?, ?)", rows, lambda r: r[1])

    def add_map(self, rows: list[tuple[int, int, int]]) -> None:
        """Record ``(old key, new key, record index)`` mappings."""
        self._insert_checked("INSERT INTO ridmap(old, new) VALUES (?, ?)", rows, lambda r: r[2], width=2)

    def _insert_checked(self, sql: str, rows: list[tuple[int, ...]], index_of, width: int | None = None) -> None:
        if not rows:
            return
        c = self.conn
        data = rows if width is None else [r[:width] for r in rows]
        c.execute("BEGIN")
        try:
            c.executemany(sql, data)
            c.execute("COMMIT")
            return
        except sqlite3.IntegrityError:
            c.execute("ROLLBACK")
        c.execute("BEGIN")
        try:
            for row, d in zip(rows, data):
                try:
                    c.execute(sql, d)
                except sqlite3.IntegrityError:
                    raise DuplicateRID(index_of(row)) from None
        finally:
            c.execute("ROLLBACK")
        raise DuplicateRID(index_of(rows[0]))

    def add_links(self, rows: list[tuple[int, int, int, int | None]]) -> None:
        if rows:
            c = self.conn
            c.execute("BEGIN")
            c.executemany("INSERT INTO links(src, idx, old, new) VALUES (?, ?, ?, ?)", rows)
            c.execute("COMMIT")

    def add_fixups(self, srcs: Iterable[int]) -> None:
        c = self.conn
        c.execute("BEGIN")
        c.executemany("INSERT OR IGNORE INTO fixup(src) VALUES (?)", ((s,) for s in srcs))
        c.execute("COMMIT")

    def lookup(self, old: int) -> int | None:
        row = self.conn.execute("SELECT new FROM ridmap WHERE old = ?", (old,)).fetchone()
        return None if row is None else row[0]

    def resolve_pending(self) -> None:
        """Links to records mapped later in the file: fill their new RIDs, mark their sources."""
        c = self.conn
        c.execute("BEGIN")
        c.execute("INSERT OR IGNORE INTO fixup(src) SELECT src FROM links WHERE new IS NULL")
        c.execute("UPDATE links SET new = (SELECT new FROM ridmap WHERE ridmap.old = links.old) WHERE new IS NULL")
        c.execute("COMMIT")

    def unresolved(self) -> Iterator[tuple[int, int, int]]:
        """``(src, src index, old target)`` of links to moved records that never appeared."""
        yield from self.conn.execute("SELECT src, idx, old FROM links WHERE new IS NULL ORDER BY idx")

    def dangling(self) -> Iterator[tuple[int, int, int]]:
        """``(src new key, src index, old target key)`` of links to records that were not imported."""
        yield from self.conn.execute(
            "SELECT src, idx, old FROM links WHERE new IS NULL OR new NOT IN (SELECT new FROM seen) "
            "ORDER BY idx")

    def fixups(self) -> Iterator[int]:
        yield from (r[0] for r in self.conn.execute("SELECT src FROM fixup ORDER BY src"))

    def mappings(self) -> Iterator[tuple[int, int]]:
        yield from self.conn.execute("SELECT old, new FROM ridmap WHERE old != new ORDER BY old")

    def count_links(self) -> int:
        return self.conn.execute("SELECT count(*) FROM links").fetchone()[0]
