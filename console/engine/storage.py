"""The SQLite file behind an embedded database: tables, pragmas, transactions.

One database is one directory holding ``database.sqlite`` in WAL mode.
Records live in one table keyed by a packed RID (cluster in the high bits, so
key order is RID order); each document's body is its export-ready JSON.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from pathlib import Path
from typing import Any, Iterator

from console.errors import DatabaseError, TransactionError

DB_FILE = "database.sqlite"
FORMAT_VERSION = 1

TABLES = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS clusters(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    next_pos INTEGER NOT NULL DEFAULT 0,
    blob INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS classes(name TEXT PRIMARY KEY COLLATE NOCASE, def TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS indexes(name TEXT PRIMARY KEY COLLATE NOCASE, def TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records(
    rid INTEGER PRIMARY KEY,
    ver INTEGER NOT NULL,
    cls TEXT,
    kind INTEGER NOT NULL DEFAULT 0,
    data
);
"""

KIND_DOCUMENT = 0
KIND_BLOB = 1


def connect(path: Path, *, create: bool = False, timeout: float = 30.0) -> sqlite3.Connection:
    """Open (or create) the SQLite file of a database directory."""
    file = path / DB_FILE
    if not create and not file.exists():
        raise DatabaseError(f"no database at '{path}'")
    try:
        conn = sqlite3.connect(
            str(file),
            isolation_level=None,
            check_same_thread=False,
            timeout=timeout,
            cached_statements=256,
        )
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute("PRAGMA cache_size=-65536")
        conn.execute("PRAGMA temp_store=MEMORY")
        conn.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
        if create:
            conn.executescript(TABLES)
        else:
            check_format(conn, path)
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"cannot open database at '{path}': {exc}") from None
    return conn


def check_format(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse files that are not ours or come from a newer format."""
    try:
        row = conn.execute("SELECT value FROM meta WHERE key='format'").fetchone()
    except sqlite3.DatabaseError:
        row = None
    if row is None:
        raise DatabaseError(f"'{path}' is not an orient-console database")
    if int(row[0]) > FORMAT_VERSION:
        raise DatabaseError(f"database at '{path}' has format {row[0]}; this version reads up to {FORMAT_VERSION}")


class WriterLock:
    """The database's write lock held by a connection of its own: writers in every process
    wait (up to their busy timeout) until :meth:`release`, which any thread may call."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn: sqlite3.Connection | None = conn
        self._mutex = threading.Lock()

    @classmethod
    def take(cls, path: Path, timeout: float = 0.5) -> "WriterLock | None":
        """The lock of the database in ``path``, or None when a writer holds it beyond ``timeout``."""
        conn = sqlite3.connect(str(path / DB_FILE), timeout=timeout, isolation_level=None,
                               check_same_thread=False)
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error:
            conn.close()
            return None
        return cls(conn)

    def release(self) -> None:
        with self._mutex:
            if self._conn is not None:
                conn, self._conn = self._conn, None
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                conn.close()


def snapshot_connection(path: Path, cache_kib: int = 8192) -> sqlite3.Connection:
    """A read-only connection to the database in ``path`` whose read transaction (and so its
    snapshot) has started: it sees what was committed now and nothing later."""
    conn = connect(path)
    conn.execute("PRAGMA query_only=1")
    conn.execute(f"PRAGMA cache_size=-{int(cache_kib)}")
    conn.execute("BEGIN DEFERRED")
    conn.execute("SELECT value FROM meta WHERE key='format'").fetchone()  # the first read fixes the snapshot
    return conn


class Storage:
    """A connection with explicit transaction control.

    Outside a user transaction every write runs in its own ``BEGIN IMMEDIATE``
    transaction; inside one, each operation runs in a savepoint so that a
    failing statement undoes only itself.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.lock = threading.RLock()
        self._user_tx = False
        self._depth = 0
        self._savepoint = 0
        self.tx_entries = 0

    # -- transactions ---------------------------------------------------------
    @property
    def in_user_transaction(self) -> bool:
        return self._user_tx

    def begin(self) -> None:
        with self.lock:
            if self._user_tx:
                raise TransactionError("a transaction is already active")
            if self._depth:
                raise TransactionError("cannot begin a transaction inside an operation")
            self.conn.execute("BEGIN IMMEDIATE")
            self._user_tx = True
            self.tx_entries = 0

    def commit(self) -> None:
        with self.lock:
            if not self._user_tx:
                raise TransactionError("no active transaction to commit")
            self.conn.execute("COMMIT")
            self._user_tx = False
            self.tx_entries = 0

    def rollback(self) -> None:
        with self.lock:
            if not self._user_tx:
                raise TransactionError("no active transaction to roll back")
            self.conn.execute("ROLLBACK")
            self._user_tx = False
            self.tx_entries = 0

    @contextlib.contextmanager
    def write(self, entries: int = 1) -> Iterator[sqlite3.Connection]:
        """Run a block atomically: its own transaction, or a savepoint in one."""
        with self.lock:
            conn = self.conn
            if self._depth == 0 and not self._user_tx:
                conn.execute("BEGIN IMMEDIATE")
                self._depth += 1
                try:
                    yield conn
                except BaseException:
                    self._depth -= 1
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                    raise
                self._depth -= 1
                try:
                    conn.execute("COMMIT")
                except BaseException:
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                    raise
            else:
                self._savepoint += 1
                name = f"sp{self._savepoint}"
                conn.execute(f"SAVEPOINT {name}")
                self._depth += 1
                try:
                    yield conn
                except BaseException:
                    self._depth -= 1
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute(f"ROLLBACK TO {name}")
                        conn.execute(f"RELEASE {name}")
                    raise
                self._depth -= 1
                conn.execute(f"RELEASE {name}")
                if self._user_tx and self._depth == 0:
                    self.tx_entries += entries

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """Read from one consistent point in time for the whole block."""
        with self.lock:
            if self._user_tx or self._depth:
                yield self.conn
                return
            self.conn.execute("BEGIN DEFERRED")
            self._depth += 1
            try:
                # The first read fixes the WAL snapshot.
                self.conn.execute("SELECT value FROM meta WHERE key='format'").fetchone()
                yield self.conn
            finally:
                self._depth -= 1
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("COMMIT")

    @property
    def busy(self) -> bool:
        """True inside a transaction, a snapshot or an operation."""
        return self._user_tx or self._depth > 0

    # -- meta ----------------------------------------------------------------
    def get_meta(self, key: str, default: Any = None) -> Any:
        row = self.conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return default if row is None else row[0]

    def set_meta(self, key: str, value: Any) -> None:
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
            (key, value),
        )

    def data_version(self) -> int:
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def close(self) -> None:
        with self.lock:
            if self._user_tx:
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
                self._user_tx = False
            self.conn.close()
