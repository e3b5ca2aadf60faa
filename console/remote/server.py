"""``orient-console serve``: the embedded databases of a directory over binary protocol 36.

    orient-console serve [--host 127.0.0.1] [--port 2424] [--dir DATABASES]
                         [--root-password PW] [--max-length BYTES]

Every database in ``--dir`` (``plocal``) and every database a client creates
with storage ``memory`` (kept until the server stops) is served with the CSV
record serialization that pyorient 1.5.5 speaks. The server user is ``root``
with the password from ``--root-password`` or ``ORIENTDB_ROOT_PASSWORD``
(otherwise a random one, printed once to standard error). CONNECT needs the
server user; DB_OPEN accepts a database user or the server user.

One thread per connection, each with its own database objects. SIGTERM and
SIGINT stop accepting, close every connection and database, and exit 0.
Standard error gets one line per connection opened and closed (never a
password).
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import os
import re
import secrets
import signal
import socket
import socketserver
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from console.engine import registry
from console.engine.database import EmbeddedDatabase
from console.engine.security import User
from console.errors import AuthenticationError, DatabaseExists, DatabaseNotFound, InvalidURL
from console.remote import exceptions as X
from console.remote.exceptions import ServerError
from console.remote.session import Connection, TokenStore, log_to_stderr
from console.remote.wire import DEFAULT_MAX_LENGTH, DEFAULT_RELEASE

ROOT_USER = "root"
DEFAULT_DIR = "databases"
_NAME_RE = re.compile(r"[A-Za-z0-9_$][A-Za-z0-9_$.\-]{0,127}\Z")
_STORAGES = {"plocal": "plocal", "local": "plocal", "disk": "plocal", "memory": "memory"}


@dataclass
class ServerConfig:
    directory: Path
    root_password: str
    host: str = "127.0.0.1"
    port: int = 2424
    max_length: int = DEFAULT_MAX_LENGTH
    release: str = DEFAULT_RELEASE


class ServerState:
    """What every connection shares: configuration, server users, tokens, database names."""

    def __init__(self, config: ServerConfig, log: Any = log_to_stderr) -> None:
        self.config = config
        self.log = log
        self.tokens = TokenStore()
        self.stopping = threading.Event()
        self.lock = threading.RLock()  # database creation and removal
        self._generations: dict[str, int] = {}
        self._write_locks: dict[str, threading.Lock] = {}
        salt = secrets.token_bytes(16)
        self._server_users = {ROOT_USER: (salt, _digest(config.root_password, salt))}

    # -- users -----------------------------------------------------------------------------
    def is_server_user(self, user: str, password: str) -> bool:
        entry = self._server_users.get(user)
        return entry is not None and hmac.compare_digest(entry[1], _digest(password, entry[0]))

    def check_server_user(self, user: str, password: str) -> None:
        if not self.is_server_user(user, password):
            raise AuthenticationError(f"wrong server user name or password for user '{user}'")

    # -- database names ----------------------------------------------------------------------
    @staticmethod
    def check_name(name: str) -> str:
        if not _NAME_RE.match(name or ""):
            raise ServerError(X.DATABASE, f"invalid database name '{name}': use letters, digits, '_', '-', '.' or '$'")
        return name

    def _plocal(self, name: str) -> registry.DatabaseURL:
        return registry.DatabaseURL("plocal", name, path=self.config.directory / name)

    def url_of(self, name: str) -> registry.DatabaseURL:
        """The URL of an existing database (memory databases first); raises DatabaseNotFound."""
        self.check_name(name)
        mem = registry.DatabaseURL("memory", name)
        if registry.exists(mem):
            return mem
        local = self._plocal(name)
        if registry.exists(local):
            return local
        raise DatabaseNotFound(f"Database with name '{name}' does not exist")

    def exists(self, name: str) -> bool:
        try:
            self.url_of(name)
            return True
        except (DatabaseNotFound, ServerError):
            return False

    def databases(self) -> dict[str, str]:
        """Name → storage URL of every database served."""
        out: dict[str, str] = {}
        directory = self.config.directory
        if directory.is_dir():
            for name in registry.list_databases(directory):
                out[name] = f"plocal:{directory / name}"
        for name in registry.list_memory_databases():
            out[name] = f"memory:{name}"
        return dict(sorted(out.items()))

    def generation(self, name: str) -> int:
        """Bumped when a database is dropped, so that other connections stop using it."""
        return self._generations.get(name.lower(), 0)

    def write_lock(self, name: str) -> threading.Lock:
        """Serializes this server's writers of one database.

        SQLite would serialize them anyway, but its busy handler sleeps and
        polls, which gives long latency tails under many concurrent writers;
        a lock hands over at once. Readers never take it (WAL snapshots).
        """
        key = name.lower()
        lock = self._write_locks.get(key)
        if lock is None:
            with self.lock:
                lock = self._write_locks.setdefault(key, threading.Lock())
        return lock

    def create(self, name: str, storage: str) -> EmbeddedDatabase:
        """Create a database (users admin/admin, reader/reader, writer/writer) and return it open."""
        self.check_name(name)
        kind = _STORAGES.get((storage or "plocal").lower())
        if kind is None:
            raise ServerError(X.DATABASE, f"storage type '{storage}' is not supported (use plocal or memory)")
        with self.lock:
            if self.exists(name):
                raise DatabaseExists(f"Database named '{name}' already exists")
            url = registry.DatabaseURL("memory", name) if kind == "memory" else self._plocal(name)
            try:
                return registry.create(url, "admin", "admin")
            except InvalidURL as exc:
                raise ServerError(X.DATABASE, str(exc)) from None

    def drop(self, name: str) -> None:
        with self.lock:
            url = self.url_of(name)
            self._generations[name.lower()] = self.generation(name) + 1
            registry.drop(url)

    def open_for(self, name: str, user: User | None, server_user: bool) -> EmbeddedDatabase:
        """Open a database for an already authenticated user (token sessions)."""
        db = registry.open_system(self.url_of(name))
        db.user = None if server_user else user
        return db


def _digest(password: str, salt: bytes) -> bytes:
    return hashlib.sha256(salt + password.encode("utf-8")).digest()


class OrientServer(socketserver.TCPServer):
    """Accepts clients and runs each :class:`Connection` in its own thread."""

    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], state: ServerState) -> None:
        self.state = state
        self._numbers = iter(range(1, 1 << 62))
        self._lock = threading.Lock()
        self._active: dict[int, tuple[threading.Thread, Connection]] = {}
        super().__init__(address, None)  # type: ignore[arg-type]

    def process_request(self, request: socket.socket, client_address: Any) -> None:
        if self.state.stopping.is_set():
            self.shutdown_request(request)
            return
        request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._lock:
            number = next(self._numbers)
        conn = Connection(self.state, request, client_address, number)
        thread = threading.Thread(target=self._serve, args=(number, conn), name=f"orient-conn-{number}",
                                  daemon=True)
        with self._lock:
            self._active[number] = (thread, conn)
        thread.start()

    def _serve(self, number: int, conn: Connection) -> None:
        try:
            conn.run()
        finally:
            with self._lock:
                self._active.pop(number, None)

    def close_connections(self, timeout: float = 10.0) -> int:
        """Wake every connection thread, wait for it to close its databases; returns how many did not stop."""
        with self._lock:
            active = list(self._active.values())
        for _, conn in active:
            try:
                conn.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        left = 0
        for thread, _ in active:
            thread.join(timeout)
            if thread.is_alive():
                left += 1
                timeout = 0.1
        return left


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="orient-console serve",
        description="Serve the embedded databases of a directory over OrientDB's binary protocol 36 "
                    "(CSV serialization), for pyorient and other protocol-36 clients.")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=2424, help="TCP port (default 2424; 0 picks a free one)")
    p.add_argument("--dir", default=DEFAULT_DIR, metavar="DATABASES",
                   help="directory holding the plocal databases (default ./databases)")
    p.add_argument("--root-password", metavar="PW",
                   help="password of the server user root (default: $ORIENTDB_ROOT_PASSWORD, else random)")
    p.add_argument("--max-length", type=int, default=DEFAULT_MAX_LENGTH, metavar="BYTES",
                   help="largest string or record accepted in a request (default 64 MiB)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    password = args.root_password or os.environ.get("ORIENTDB_ROOT_PASSWORD")
    if not password:
        password = secrets.token_urlsafe(12)
        log_to_stderr(f"no root password given: generated '{password}' for user root "
                      "(set --root-password or ORIENTDB_ROOT_PASSWORD to choose one)")
    directory = Path(os.path.expanduser(args.dir)).resolve()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        log_to_stderr(f"cannot use database directory '{directory}': {exc.strerror or exc}")
        return 1
    if args.max_length < 1024:
        log_to_stderr("--max-length must be at least 1024 bytes")
        return 2
    config = ServerConfig(directory, password, args.host, args.port, args.max_length)
    state = ServerState(config)
    try:
        server = OrientServer((args.host, args.port), state)
    except OSError as exc:
        log_to_stderr(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}")
        return 1
    host, port = server.server_address[:2]
    log_to_stderr(f"listening on {host}:{port} (protocol 36, CSV serialization, databases in {directory})")

    def stop(signum: int, frame: Any) -> None:
        state.stopping.set()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    loop = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                            name="orient-accept", daemon=True)
    loop.start()
    try:
        while not state.stopping.wait(0.5):
            pass
    finally:
        server.shutdown()
        server.server_close()
        stuck = server.close_connections()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    log_to_stderr("stopped" + (f" ({stuck} connection(s) did not finish in time)" if stuck else ""))
    return 0
