"""One client connection of the binary-protocol server, and its sessions.

A :class:`Connection` runs in its own thread: it sends the greeting, reads
requests with :func:`~console.remote.wire.read_request`, hands each to the
operation handlers in :mod:`console.remote.handlers` and writes their
answers. Every session it creates (CONNECT, DB_OPEN, DB_CREATE, a token
presented on a new socket) owns its own
:class:`~console.engine.database.EmbeddedDatabase`, opened in this thread
and closed with the connection; SQLite connections are never shared.

Tokens live in a server-wide :class:`TokenStore` so that a client can
present a saved token on a new socket (session id -1, no handshake).
"""

from __future__ import annotations

import itertools
import secrets
import select
import socket
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from console.engine.database import EmbeddedDatabase
from console.engine.security import User
from console.remote import exceptions as X
from console.remote import wire
from console.remote.exceptions import ServerError, java_exception
from console.remote.wire import ConnectionClosed, ProtocolError, Request, WireReader, WireWriter

if TYPE_CHECKING:
    from console.remote.server import ServerState

TOKEN_MAGIC = b"OCT1"
TOKEN_LENGTH = 32
TOKEN_TTL = 3600.0
MAX_TOKENS = 10_000
MAX_SESSIONS = 32  # per connection: the oldest is closed beyond this
_TOKEN_HEAD = TOKEN_LENGTH.to_bytes(4, "big") + TOKEN_MAGIC
_session_ids = itertools.count(1)


@dataclass
class TokenInfo:
    """What a token stands for: a server login or a database login."""

    user: str
    server_user: bool
    db_name: str | None
    engine_user: User | None
    client_id: str
    expires: float
    protocol: int = wire.PROTOCOL_VERSION


class TokenStore:
    """Server-wide tokens: random, opaque, expiring after an hour without use."""

    def __init__(self, ttl: float = TOKEN_TTL, limit: int = MAX_TOKENS) -> None:
        self._tokens: dict[bytes, TokenInfo] = {}
        self._lock = threading.Lock()
        self.ttl = ttl
        self.limit = limit

    def issue(self, info: TokenInfo) -> bytes:
        token = TOKEN_MAGIC + secrets.token_bytes(TOKEN_LENGTH - len(TOKEN_MAGIC))
        now = time.monotonic()
        info.expires = now + self.ttl
        with self._lock:
            if len(self._tokens) >= self.limit:
                for key in [k for k, v in self._tokens.items() if v.expires < now]:
                    del self._tokens[key]
                while len(self._tokens) >= self.limit:  # still full: forget the oldest
                    del self._tokens[next(iter(self._tokens))]
            self._tokens[token] = info
        return token

    def get(self, token: bytes) -> TokenInfo | None:
        now = time.monotonic()
        with self._lock:
            info = self._tokens.get(token)
            if info is None:
                return None
            if info.expires < now:
                del self._tokens[token]
                return None
            info.expires = now + self.ttl
            return info


@dataclass
class Session:
    """A login on one connection: a server user, a database, or both."""

    id: int
    user: str
    server_user: bool
    client_id: str = ""
    token: bytes | None = None
    engine_user: User | None = None
    db: EmbeddedDatabase | None = None
    db_name: str | None = None
    generation: int = 0
    protocol: int = wire.PROTOCOL_VERSION  # as the client announced it
    created: float = field(default_factory=time.monotonic)

    @property
    def orientdb_names(self) -> bool:
        """Whether projections get OrientDB 2.2 names (``rid`` for ``@rid``); our own client wants ``@rid``."""
        return self.client_id != "orient-console"

    def close_db(self) -> None:
        db, self.db = self.db, None
        if db is not None:
            try:
                if db.in_transaction:
                    db.rollback()
            except Exception:
                pass
            db.close()


class AbortConnection(Exception):
    """The stream is out of step (e.g. an error in the middle of an async result): close it."""


class Connection:
    """Serves one client socket until it closes, misbehaves or the server stops."""

    def __init__(self, state: "ServerState", sock: socket.socket, address: Any, number: int) -> None:
        self.state = state
        self.sock = sock
        self.address = address
        self.number = number
        self.sessions: dict[int, Session] = {}
        self.token_sessions: dict[bytes, Session] = {}
        self.requests = 0
        self.protocol = wire.PROTOCOL_VERSION  # announced at the last handshake on this socket
        self.reader = WireReader(sock, state.config.max_length)

    # -- logging -------------------------------------------------------------------------
    def log(self, text: str) -> None:
        host, port = (self.address[0], self.address[1]) if isinstance(self.address, tuple) else (self.address, "")
        self.state.log(f"connection {self.number} from {host}:{port} {text}")

    # -- the loop ------------------------------------------------------------------------
    def run(self) -> None:
        from console.remote.handlers import HANDLERS

        self.log("opened")
        reason = "closed by client"
        try:
            self.sock.sendall(wire.greeting())
            while not self.state.stopping.is_set():
                try:
                    req = wire.read_request(self.reader, self._carries_token, self.protocol)
                except ConnectionClosed as exc:
                    reason = "connection lost in the middle of a request" if exc.mid_frame else "closed by client"
                    break
                except ProtocolError as exc:
                    if exc.in_sync:
                        self._send(wire.error_response(_sid(exc.session_id), X.NETWORK, str(exc)))
                        continue
                    reason = f"protocol error: {exc}"
                    self._refuse(exc)
                    break
                self.requests += 1
                handler = HANDLERS[req.op]
                try:
                    response = handler(self, req)
                except AbortConnection as exc:
                    reason = f"aborted: {exc}"
                    break
                except Exception as exc:  # every failure becomes one error response
                    response = self._error(req, exc)
                if response is not None:
                    self._send(response)
                if req.op == wire.DB_CLOSE:
                    reason = "database closed by client"
                    break
        except OSError as exc:
            reason = f"socket error: {exc.strerror or exc}"
        finally:
            if self.state.stopping.is_set() and reason == "closed by client":
                reason = "server shutdown"
            self.close()
            self.log(f"closed after {self.requests} request(s) ({reason})")

    def _carries_token(self, op: int, session_id: int, reader: WireReader) -> bool:
        """Whether this request has a token after its session id (see wire.read_request)."""
        s = self.sessions.get(session_id)
        if s is not None:
            return s.token is not None
        return self._token_ahead(reader)

    def _token_ahead(self, reader: WireReader) -> bool:
        """A request on an unknown session carries a token when one of ours follows.

        pyorient writes a request in one piece, so the token is normally
        buffered already; otherwise wait briefly (a tokenless request may have
        an empty body, and then no more bytes come before our answer).
        """
        need = len(_TOKEN_HEAD)
        deadline = time.monotonic() + 0.5
        while reader.buffered < need:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            ready, _, _ = select.select([self.sock], [], [], left)
            if not ready:
                break
            reader.peek(reader.buffered + 1)
        return reader.peek(min(need, reader.buffered)) == _TOKEN_HEAD

    def _send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _error(self, req: Request, exc: BaseException) -> bytes | None:
        java, message = java_exception(exc)
        if java == X.INTERNAL:
            self.state.log(f"connection {self.number}: internal error in operation {req.op}:\n"
                           + "".join(traceback.format_exception(exc)).rstrip())
        if getattr(req, "mode", 0) == 2:  # "no response" record operations
            return None
        return wire.error_response(req.session_id, java, message)

    def _refuse(self, exc: ProtocolError) -> None:
        """Answer a malformed or oversized frame with an error, then close gracefully."""
        try:
            self._send(wire.error_response(_sid(exc.session_id), X.NETWORK, f"protocol error: {exc}"))
            self.sock.shutdown(socket.SHUT_WR)
            self.sock.settimeout(1.0)
            drained = 0
            while drained < 16 * 1024 * 1024:  # let the client read our answer before the reset
                chunk = self.sock.recv(65536)
                if not chunk:
                    break
                drained += len(chunk)
        except OSError:
            pass

    # -- sessions ------------------------------------------------------------------------
    def new_session(self, user: str, server_user: bool, client_id: str, token_mode: bool,
                    engine_user: User | None = None, protocol: int = 0) -> Session:
        s = Session(next(_session_ids), user, server_user, client_id, engine_user=engine_user)
        if protocol > 0:
            s.protocol = self.protocol = min(protocol, wire.PROTOCOL_VERSION)
        if len(self.sessions) >= MAX_SESSIONS:
            oldest = min(self.sessions.values(), key=lambda x: x.created)
            self.drop_session(oldest)
        self.sessions[s.id] = s
        if token_mode:
            s.token = b""  # the real token is issued once the session is complete
        return s

    def issue_token(self, s: Session) -> bytes:
        """Give a token-mode session its token (remembered server-wide)."""
        info = TokenInfo(s.user, s.server_user, s.db_name, s.engine_user, s.client_id, 0.0, s.protocol)
        token = self.state.tokens.issue(info)
        if s.token:
            self.token_sessions.pop(s.token, None)
        s.token = token
        self.token_sessions[token] = s
        return token

    def update_token(self, s: Session) -> None:
        """Point a session's token at the database now attached to it (DB_CREATE)."""
        info = self.state.tokens.get(s.token) if s.token else None
        if info is not None:
            info.db_name = s.db_name

    def drop_session(self, s: Session) -> None:
        s.close_db()
        self.sessions.pop(s.id, None)
        if s.token:
            self.token_sessions.pop(s.token, None)

    def session(self, req: Request, *, database: bool = False, server: bool = False,
                any_login: bool = False) -> Session:
        """The session a request belongs to, checked for what the operation needs."""
        s: Session | None = None
        if req.token:
            s = self.token_sessions.get(req.token) or self._session_from_token(req.token)
        else:
            s = self.sessions.get(req.session_id)
        if s is None:
            if req.token:
                raise ServerError(X.SECURITY, "the token is invalid or has expired: log in again")
            if server or any_login:
                raise ServerError(X.SECURITY, "server user not authenticated: send CONNECT first")
            raise ServerError(X.DATABASE, "no database is open in this session: send DB_OPEN first")
        if server and not s.server_user:
            raise ServerError(X.SECURITY, f"user '{s.user}' is not a server user: this operation needs "
                                          "CONNECT with a server user (root)")
        if database:
            if s.db_name is None:
                raise ServerError(X.DATABASE, "no database is open in this session: send DB_OPEN first")
            if self.state.generation(s.db_name) != s.generation:
                s.close_db()
                raise ServerError(X.DATABASE, f"database '{s.db_name}' was dropped")
            if s.db is None or s.db.closed:
                s.db = self.state.open_for(s.db_name, s.engine_user, s.server_user)
        return s

    def _session_from_token(self, token: bytes) -> Session | None:
        """A token issued on another connection: rebuild its session here (no password needed)."""
        info = self.state.tokens.get(token)
        if info is None:
            return None
        s = Session(next(_session_ids), info.user, info.server_user, info.client_id, token=token,
                    engine_user=info.engine_user, protocol=info.protocol)
        if info.db_name is not None:
            s.db_name = info.db_name
            s.generation = self.state.generation(info.db_name)
        self.token_sessions[token] = s
        self.sessions[s.id] = s
        return s

    def ok(self, req: Request) -> WireWriter:
        """A writer holding the OK header; token-mode requests get an (empty) token field back."""
        w = WireWriter()
        wire.ok_header(w, req.session_id, b"" if req.token is not None else None)
        return w

    def sessions_on(self, db_name: str) -> list[Session]:
        return [s for s in self.sessions.values() if s.db_name == db_name]

    def close(self) -> None:
        for s in list(self.sessions.values()):
            try:
                s.close_db()
            except Exception:
                pass
        self.sessions.clear()
        self.token_sessions.clear()
        try:
            self.sock.close()
        except OSError:
            pass


def _sid(session_id: int | None) -> int:
    return -1 if session_id is None else session_id


_log_lock = threading.Lock()


def log_to_stderr(line: str) -> None:
    """One whole line per call, even from many threads at once."""
    with _log_lock:
        try:
            sys.stderr.write(f"orient-console serve: {line}\n")
            sys.stderr.flush()
        except (OSError, ValueError):  # standard error closed: keep serving
            pass
