"""Database URLs and the life cycle of embedded databases.

``plocal:<path>`` is a directory on disk; ``memory:<name>`` lives in a
process-private temporary directory (on /dev/shm when available) that is
removed when dropped or when the process exits.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from console.engine import storage as _storage
from console.engine.codec import decode_body
from console.engine.database import EmbeddedDatabase
from console.engine.rid import RID, cluster_range
from console.engine.security import User, check_password, role_from_fields
from console.errors import (
    AuthenticationError,
    DatabaseError,
    DatabaseExists,
    DatabaseNotFound,
    InvalidURL,
)

URL_KINDS = ("plocal", "memory", "remote", "embedded")
DEFAULT_PORT = 2424


@dataclass(frozen=True)
class DatabaseURL:
    """A parsed database URL."""

    kind: str  # plocal, memory, remote, embedded
    name: str  # database name (last path segment)
    path: Path | None = None  # plocal / embedded
    host: str | None = None  # remote
    port: int = DEFAULT_PORT

    def __str__(self) -> str:
        if self.kind == "remote":
            tail = f"/{self.name}" if self.name else ""
            return f"remote:{self.host}:{self.port}{tail}"
        if self.kind == "memory":
            return f"memory:{self.name}"
        return f"{self.kind}:{self.path}"


def parse_url(url: str) -> DatabaseURL:
    """Parse ``plocal:``, ``memory:``, ``remote:`` and ``embedded:`` URLs."""
    text = url.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1].strip()
    text = text.replace("\\", "/")
    kind, sep, rest = text.partition(":")
    kind = kind.lower()
    if not sep or kind not in URL_KINDS:
        raise InvalidURL(
            f"invalid database URL '{url}': expected plocal:<path>, memory:<name>, remote:<host>[:port]/<db> or embedded:<dir>")
    if len(rest) > 1:
        rest = rest.rstrip("/")
    if not rest:
        raise InvalidURL(f"invalid database URL '{url}': nothing after '{kind}:'")
    if kind == "memory":
        name = rest.strip("/")
        if not name or "/" in name:
            raise InvalidURL(f"invalid database URL '{url}': a memory database needs a plain name")
        return DatabaseURL("memory", name)
    if kind in ("plocal", "embedded"):
        path = Path(os.path.expanduser(rest))
        return DatabaseURL(kind, path.name, path=path)
    hostport, _, name = rest.partition("/")
    host, _, port = hostport.partition(":")
    if not host:
        raise InvalidURL(f"invalid database URL '{url}': no host")
    try:
        port_no = int(port) if port else DEFAULT_PORT
    except ValueError:
        raise InvalidURL(f"invalid database URL '{url}': port '{port}' is not a number") from None
    if not 0 < port_no < 65536:
        raise InvalidURL(f"invalid database URL '{url}': port {port_no} is out of range")
    return DatabaseURL("remote", name.strip("/"), host=host, port=port_no)


# --- memory databases ----------------------------------------------------------

_memory_lock = threading.Lock()
_memory_root: Path | None = None


def _memory_dir() -> Path:
    global _memory_root
    with _memory_lock:
        if _memory_root is None:
            base = Path("/dev/shm") if os.access("/dev/shm", os.W_OK) else Path(tempfile.gettempdir())
            _memory_root = Path(tempfile.mkdtemp(prefix=f"orient-console-{os.getpid()}-", dir=base))
            atexit.register(shutil.rmtree, _memory_root, True)
        return _memory_root


def storage_path(url: DatabaseURL) -> Path:
    """The directory holding an embedded database."""
    if url.kind == "memory":
        return _memory_dir() / url.name
    if url.kind == "plocal":
        assert url.path is not None
        return url.path
    raise InvalidURL(f"'{url}' is not an embedded database URL")


# --- life cycle -----------------------------------------------------------------

def exists(url: str | DatabaseURL) -> bool:
    u = parse_url(url) if isinstance(url, str) else url
    return (storage_path(u) / _storage.DB_FILE).exists()


def create(url: str | DatabaseURL, user: str = "admin", password: str = "admin") -> EmbeddedDatabase:
    """Create an embedded database; returns it open, logged in as ``user`` (role admin)."""
    from console.engine.bootstrap import initialize

    u = parse_url(url) if isinstance(url, str) else url
    path = storage_path(u)
    if (path / _storage.DB_FILE).exists():
        raise DatabaseExists(f"database '{u}' already exists")
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise DatabaseExists(f"'{path}' exists and is not an empty directory")
    if not user or not password:
        raise DatabaseError("a new database needs an admin user name and password")
    created_dir = not path.exists()
    try:
        path.mkdir(parents=True, exist_ok=True)
        conn = _storage.connect(path, create=True)
    except OSError as exc:
        raise DatabaseError(f"cannot create database at '{path}': {exc.strerror or exc}") from None
    db = EmbeddedDatabase(_storage.Storage(conn), name=u.name, url=str(u), path=path)
    try:
        initialize(db, user, password)
    except BaseException:
        db.close()
        _remove_files(path, remove_dir=created_dir)
        raise
    db.user = authenticate(db, user, password)
    return db


def open(url: str | DatabaseURL, user: str, password: str) -> EmbeddedDatabase:  # noqa: A001
    """Open an existing embedded database as ``user``."""
    u = parse_url(url) if isinstance(url, str) else url
    path = storage_path(u)
    if not (path / _storage.DB_FILE).exists():
        raise DatabaseNotFound(f"database '{u}' does not exist")
    db = EmbeddedDatabase(_storage.Storage(_storage.connect(path)), name=u.name, url=str(u), path=path)
    try:
        db.user = authenticate(db, user, password)
    except BaseException:
        db.close()
        raise
    return db


def open_system(url: str | DatabaseURL) -> EmbeddedDatabase:
    """Open without a user (full rights): for the server and maintenance tools."""
    u = parse_url(url) if isinstance(url, str) else url
    path = storage_path(u)
    if not (path / _storage.DB_FILE).exists():
        raise DatabaseNotFound(f"database '{u}' does not exist")
    return EmbeddedDatabase(_storage.Storage(_storage.connect(path)), name=u.name, url=str(u), path=path)


def drop(url: str | DatabaseURL) -> None:
    """Delete an embedded database and its directory."""
    u = parse_url(url) if isinstance(url, str) else url
    path = storage_path(u)
    if not (path / _storage.DB_FILE).exists():
        raise DatabaseNotFound(f"database '{u}' does not exist")
    _remove_files(path, remove_dir=True)


def _remove_files(path: Path, remove_dir: bool) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            (path / (_storage.DB_FILE + suffix)).unlink()
        except FileNotFoundError:
            pass
    if remove_dir:
        shutil.rmtree(path, ignore_errors=True)


def list_databases(directory: str | Path) -> list[str]:
    """Names of the embedded databases in a directory (``embedded:`` URL or path)."""
    if isinstance(directory, str) and ":" in directory.split("/")[0]:
        u = parse_url(directory)
        if u.kind == "memory":
            return sorted(p.name for p in _memory_dir().iterdir() if (p / _storage.DB_FILE).exists())
        directory = u.path or Path(".")
    d = Path(directory)
    if not d.is_dir():
        raise DatabaseNotFound(f"'{d}' is not a directory")
    return sorted(p.name for p in d.iterdir() if (p / _storage.DB_FILE).exists())


def list_memory_databases() -> list[str]:
    root = _memory_root
    if root is None or not root.exists():
        return []
    return sorted(p.name for p in root.iterdir() if (p / _storage.DB_FILE).exists())


# --- authentication ------------------------------------------------------------

def authenticate(db: EmbeddedDatabase, user: str, password: str | None) -> User:
    """Check credentials against the OUser records and load the user's roles."""
    fail = AuthenticationError(f"wrong user name or password for database '{db.name}'")
    if not user or password is None:
        raise fail
    schema = db.schema
    if not schema.has_class("OUser"):
        raise DatabaseError(f"database '{db.name}' has no OUser class: cannot log in")
    found = None
    conn = db.conn
    for cid in schema.polymorphic_cluster_ids("OUser"):
        lo, hi = cluster_range(cid)
        for key, cls, data in conn.execute(
                "SELECT rid, cls, data FROM records WHERE rid BETWEEN ? AND ? AND kind = 0", (lo, hi)):
            fields, _ = decode_body(data)
            if str(fields.get("name", "")).lower() == user.lower():
                found = fields
                break
        if found:
            break
    if found is None or not check_password(password, found.get("password")):
        raise fail
    if str(found.get("status", "ACTIVE")).upper() != "ACTIVE":
        raise AuthenticationError(f"user '{user}' is not active")
    roles = tuple(r for r in (_load_role(db, rid, 0) for rid in found.get("roles") or ()) if r is not None)
    return User(str(found.get("name")), roles)


def _load_role(db: EmbeddedDatabase, rid: object, depth: int):
    if not isinstance(rid, RID) or depth > 16:
        return None
    row = db.conn.execute("SELECT data FROM records WHERE rid = ?", (rid.key,)).fetchone()
    if row is None:
        return None
    fields, _ = decode_body(row[0])
    parent = _load_role(db, fields.get("inheritedRole"), depth + 1)
    return role_from_fields(fields, parent)
