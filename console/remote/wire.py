"""OrientDB binary protocol 36 framing, as pyorient 1.5.5 speaks it.

Integers are big-endian and signed; strings and byte arrays are an int length
then the data, length -1 meaning null. A request is
``(op:byte)(session:int)[(token:bytes)](body)`` with no length prefix, so
:func:`read_request` knows each operation's layout. A response is
``(status:byte)(session:int)[(token:bytes)](body)``, built in memory with
:class:`WireWriter` and sent with one ``sendall``.

Protocol facts pyorient depends on (see the response helpers):

- the greeting is the short 36, sent in one write;
- CONNECT and DB_OPEN never carry a token, in requests or OK responses;
  their token travels in the response body;
- an error response holds exactly one exception pair, then ``0`` and an empty
  serialized exception, and never a token;
- every synchronous command result ends with one ``0`` byte; collections are
  always kind ``l`` and scalars kind ``w``; records are always full entries.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

from console.engine.document import Blob, Document
from console.engine.rid import RID
from console.errors import OrientError
from console.remote.csv import encode_map_document, encode_record

PROTOCOL_VERSION = 36
DEFAULT_RELEASE = "2.2.37"
DEFAULT_MAX_LENGTH = 64 * 1024 * 1024
MAX_TX_ENTRIES = 1_000_000
_CHUNK = 65536

# operation codes
SHUTDOWN, CONNECT, DB_OPEN, DB_CREATE, DB_CLOSE, DB_EXIST, DB_DROP = 1, 2, 3, 4, 5, 6, 7
DB_SIZE, DB_COUNTRECORDS = 8, 9
DATACLUSTER_ADD, DATACLUSTER_DROP, DATACLUSTER_COUNT, DATACLUSTER_DATARANGE = 10, 11, 12, 13
RECORD_LOAD, RECORD_CREATE, RECORD_UPDATE, RECORD_DELETE = 30, 31, 32, 33
COMMAND, TX_COMMIT, DB_RELOAD, DB_LIST = 41, 60, 73, 74

# command class names pyorient sends, and OrientDB's short aliases
QUERY_SYNC = "com.orientechnologies.orient.core.sql.query.OSQLSynchQuery"
QUERY_ASYNC = "com.orientechnologies.orient.core.sql.query.OSQLAsynchQuery"
COMMAND_SQL = "com.orientechnologies.orient.core.sql.OCommandSQL"
COMMAND_SCRIPT = "com.orientechnologies.orient.core.command.script.OCommandScript"
COMMAND_GREMLIN = "com.orientechnologies.orient.graph.gremlin.OCommandGremlin"
COMMAND_KINDS = {
    QUERY_SYNC: "query", "q": "query",
    QUERY_ASYNC: "query",
    COMMAND_SQL: "command", "c": "command",
    COMMAND_SCRIPT: "script", "s": "script",
    COMMAND_GREMLIN: "gremlin",
}

# transaction entry operations
TX_UPDATE, TX_DELETE, TX_CREATE = 1, 2, 3

_H, _I, _Q = struct.Struct("!h"), struct.Struct("!i"), struct.Struct("!q")


class ProtocolError(OrientError):
    """A request is malformed, oversized, truncated or unknown.

    ``in_sync`` is True when the whole frame was consumed, so the server may
    answer with an error and go on reading; ``session_id`` is the request's
    session when it was read.
    """

    def __init__(self, message: str, *, in_sync: bool = False, session_id: int | None = None) -> None:
        super().__init__(message)
        self.in_sync = in_sync
        self.session_id = session_id


class ConnectionClosed(ProtocolError):
    """The peer closed the connection; ``mid_frame`` tells whether a request was cut."""

    def __init__(self, message: str = "connection closed by peer", *, mid_frame: bool = True) -> None:
        super().__init__(message)
        self.mid_frame = mid_frame


# --- reading -------------------------------------------------------------

class WireReader:
    """Reads protocol primitives from a socket-like object (``recv``) or a buffer.

    A socket is read in chunks into an internal buffer, so use one reader per
    connection. The end of a buffer mid-value raises ProtocolError; the end of
    a socket (or a reset) raises ConnectionClosed; a socket timeout propagates
    as ``TimeoutError``. Strings and byte arrays longer than ``max_length``
    raise ProtocolError before their data is read.
    """

    def __init__(self, source: Any, max_length: int = DEFAULT_MAX_LENGTH) -> None:
        self.max_length = max_length
        if isinstance(source, (bytes, bytearray, memoryview)):
            self._sock = None
            self._buf = bytearray(source)
        else:
            if not hasattr(source, "recv"):
                raise TypeError("WireReader needs bytes or an object with recv()")
            self._sock = source
            self._buf = bytearray()
        self._pos = 0

    @property
    def buffered(self) -> int:
        """Bytes received but not yet consumed."""
        return len(self._buf) - self._pos

    def _fill(self, n: int) -> None:
        """Make at least ``n`` unread bytes available."""
        while len(self._buf) - self._pos < n:
            if self._sock is None:
                raise ProtocolError(f"truncated request: needed {n} more bytes, {self.buffered} left")
            if self._pos:
                del self._buf[:self._pos]
                self._pos = 0
            try:
                chunk = self._sock.recv(max(_CHUNK, min(n - len(self._buf), 4 * _CHUNK)))
            except TimeoutError:
                raise
            except OSError as exc:
                raise ConnectionClosed(f"connection lost: {exc}") from None
            if not chunk:
                raise ConnectionClosed()
            self._buf += chunk

    def read_raw(self, n: int) -> bytes:
        self._fill(n)
        data = bytes(self._buf[self._pos:self._pos + n])
        self._pos += n
        return data

    def peek(self, n: int) -> bytes:
        """Up to ``n`` unread bytes, without consuming them (waits for them on a socket)."""
        try:
            self._fill(n)
        except ConnectionClosed:
            raise
        except ProtocolError:
            pass
        return bytes(self._buf[self._pos:self._pos + n])

    def at_end(self) -> bool:
        """For a buffer: True when every byte was consumed."""
        return self._sock is None and self._pos >= len(self._buf)

    def read_byte(self) -> int:
        self._fill(1)
        b = self._buf[self._pos]
        self._pos += 1
        return b

    def read_bool(self) -> bool:
        return self.read_byte() != 0

    def read_short(self) -> int:
        self._fill(2)
        (v,) = _H.unpack_from(self._buf, self._pos)
        self._pos += 2
        return v

    def read_int(self) -> int:
        self._fill(4)
        (v,) = _I.unpack_from(self._buf, self._pos)
        self._pos += 4
        return v

    def read_long(self) -> int:
        self._fill(8)
        (v,) = _Q.unpack_from(self._buf, self._pos)
        self._pos += 8
        return v

    def read_bytes(self) -> bytes | None:
        """A length-prefixed byte array; None for length -1."""
        n = self.read_int()
        if n == -1:
            return None
        if n < 0:
            raise ProtocolError(f"negative length {n}")
        if n > self.max_length:
            raise ProtocolError(f"length {n} exceeds the limit of {self.max_length} bytes")
        return self.read_raw(n)

    def read_string(self) -> str | None:
        """A length-prefixed UTF-8 string; None for length -1."""
        data = self.read_bytes()
        if data is None:
            return None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise ProtocolError("string is not valid UTF-8") from None

    def read_text(self) -> str:
        """A string where null is read as ''."""
        return self.read_string() or ""


# --- requests ------------------------------------------------------------

@dataclass
class Request:
    """Header shared by every request."""

    op: int
    session_id: int
    token: bytes | None


@dataclass
class ShutdownRequest(Request):
    user: str = ""
    password: str = ""


@dataclass
class HandshakeRequest(Request):
    """Fields CONNECT and DB_OPEN share; neither carries a token in its header."""

    driver_name: str = ""
    driver_version: str = ""
    protocol: int = 0
    client_id: str = ""
    serialization: str = "ORecordDocument2csv"
    token_session: bool = False
    support_push: bool = False
    collect_stats: bool = False
    user: str = ""
    password: str = ""


@dataclass
class ConnectRequest(HandshakeRequest):
    pass


@dataclass
class DbOpenRequest(HandshakeRequest):
    database: str = ""
    db_type: str | None = None  # sent only by clients of protocol 32 and older


@dataclass
class DbCreateRequest(Request):
    name: str = ""
    db_type: str = "document"
    storage: str = "plocal"
    backup_path: str | None = None


@dataclass
class DbCloseRequest(Request):
    pass


@dataclass
class DbExistRequest(Request):
    name: str = ""
    storage: str = "plocal"


@dataclass
class DbDropRequest(Request):
    name: str = ""
    storage: str = "plocal"


@dataclass
class DbSizeRequest(Request):
    pass


@dataclass
class DbCountRecordsRequest(Request):
    pass


@dataclass
class DataClusterAddRequest(Request):
    name: str = ""
    cluster_id: int = -1


@dataclass
class DataClusterDropRequest(Request):
    cluster_id: int = 0


@dataclass
class DataClusterCountRequest(Request):
    cluster_ids: tuple[int, ...] = ()
    tombstones: bool = False


@dataclass
class DataClusterDataRangeRequest(Request):
    cluster_id: int = 0


@dataclass
class RecordLoadRequest(Request):
    rid: RID = RID(0, 0)
    fetch_plan: str = "*:0"
    ignore_cache: int = 0   # pyorient sends ord('0') for both flags
    load_tombstones: int = 0


@dataclass
class RecordCreateRequest(Request):
    cluster_id: int = -1
    content: bytes = b""
    record_type: str = "d"
    mode: int = 0


@dataclass
class RecordUpdateRequest(Request):
    rid: RID = RID(0, 0)
    update_content: bool = True
    content: bytes = b""
    version: int = -1
    record_type: str = "d"
    mode: int = 0


@dataclass
class RecordDeleteRequest(Request):
    rid: RID = RID(0, 0)
    version: int = -1
    mode: int = 0


@dataclass
class CommandRequest(Request):
    mode: str = "s"             # 's' synchronous, 'a' asynchronous
    class_name: str = ""
    kind: str = "query"         # query, command, script or gremlin
    text: str = ""
    limit: int | None = None    # queries only; -1 = the text's own LIMIT
    fetch_plan: str | None = None
    language: str | None = None  # scripts only
    params: bytes | None = None  # serialized parameters, when any were sent

    @property
    def is_async(self) -> bool:
        return self.mode == "a"


@dataclass
class TxEntry:
    """One operation of a transaction; ``content`` is None for deletes."""

    op: int                     # TX_UPDATE, TX_DELETE or TX_CREATE
    rid: RID
    record_type: str = "d"
    version: int = -1
    content: bytes | None = None
    update_content: bool = True


@dataclass
class TxCommitRequest(Request):
    tx_id: int = 0
    using_log: bool = True
    entries: list[TxEntry] = field(default_factory=list)
    index_changes: bytes = b""


@dataclass
class DbReloadRequest(Request):
    pass


@dataclass
class DbListRequest(Request):
    pass


TokenMode = bool | Callable[[int, int, WireReader], bool]


def read_request(reader: WireReader, token_mode: TokenMode = False, protocol: int = PROTOCOL_VERSION) -> Request:
    """Read one request.

    ``token_mode`` says whether requests other than CONNECT and DB_OPEN carry
    a token after the session id; it may be a callable ``(op, session,
    reader) -> bool`` deciding per request (it may ``reader.peek``).
    ``protocol`` is the version the client announced at its handshake (only
    DB_CREATE depends on it: the backup path comes after protocol 35). A
    clean end of the connection before the op byte raises
    ``ConnectionClosed`` with ``mid_frame=False``.
    """
    try:
        op = reader.read_byte()
    except ConnectionClosed as exc:
        raise ConnectionClosed(str(exc), mid_frame=False) from None
    parser = _PARSERS.get(op)
    session = reader.read_int()
    if parser is None:
        raise ProtocolError(f"unknown operation code {op}", session_id=session)
    token = None
    if op not in (CONNECT, DB_OPEN):
        wants = token_mode(op, session, reader) if callable(token_mode) else token_mode
        if wants:
            token = reader.read_bytes() or b""
    try:
        if op == DB_CREATE:
            return _db_create(reader, op, session, token, protocol)
        return parser(reader, op, session, token)
    except ProtocolError as exc:
        if exc.session_id is None:
            exc.session_id = session
        raise


def _record_type(reader: WireReader) -> str:
    return chr(reader.read_byte())


def _handshake(reader: WireReader, push_from: int = 34) -> dict[str, Any]:
    """The driver fields; push/stats flags from protocol 34 on (OrientDB 2.2 reads them when the
    client's protocol is above 33; pyorient claims 36 and sends them)."""
    f: dict[str, Any] = {
        "driver_name": reader.read_text(),
        "driver_version": reader.read_text(),
        "protocol": reader.read_short(),
        "client_id": reader.read_text(),
    }
    proto = f["protocol"]
    if proto > 21:
        f["serialization"] = reader.read_text()
    if proto > 26:
        f["token_session"] = reader.read_bool()
    if proto >= push_from:
        f["support_push"] = reader.read_bool()
        f["collect_stats"] = reader.read_bool()
    return f


def _connect(reader: WireReader, op: int, session: int, token: bytes | None) -> Request:
    f = _handshake(reader)
    return ConnectRequest(op, session, None, user=reader.read_text(), password=reader.read_text(), **f)


def _db_open(reader: WireReader, op: int, session: int, token: bytes | None) -> Request:
    f = _handshake(reader)
    f["database"] = reader.read_text()
    if f["protocol"] < 33:
        f["db_type"] = reader.read_text()
    return DbOpenRequest(op, session, None, user=reader.read_text(), password=reader.read_text(), **f)


def _shutdown(reader, op, session, token):
    return ShutdownRequest(op, session, token, reader.read_text(), reader.read_text())


def _db_create(reader, op, session, token, protocol=PROTOCOL_VERSION):
    name, db_type, storage = reader.read_text(), reader.read_text(), reader.read_text()
    backup = reader.read_string() if protocol > 35 else None
    return DbCreateRequest(op, session, token, name, db_type, storage, backup)


def _db_exist(reader, op, session, token):
    return DbExistRequest(op, session, token, reader.read_text(), reader.read_text() or "plocal")


def _db_drop(reader, op, session, token):
    return DbDropRequest(op, session, token, reader.read_text(), reader.read_text() or "plocal")


def _empty(cls: type) -> Callable[..., Request]:
    return lambda reader, op, session, token: cls(op, session, token)


def _cluster_add(reader, op, session, token):
    return DataClusterAddRequest(op, session, token, reader.read_text(), reader.read_short())


def _cluster_drop(reader, op, session, token):
    return DataClusterDropRequest(op, session, token, reader.read_short())


def _cluster_count(reader, op, session, token):
    n = reader.read_short()
    if n < 0:
        raise ProtocolError(f"negative cluster count {n}")
    ids = tuple(reader.read_short() for _ in range(n))
    return DataClusterCountRequest(op, session, token, ids, reader.read_bool())


def _cluster_range(reader, op, session, token):
    return DataClusterDataRangeRequest(op, session, token, reader.read_short())


def _rid(reader: WireReader) -> RID:
    cluster = reader.read_short()
    return RID(cluster, reader.read_long())


def _record_load(reader, op, session, token):
    rid = _rid(reader)
    plan = reader.read_text()
    return RecordLoadRequest(op, session, token, rid, plan, reader.read_byte(), reader.read_byte())


def _record_create(reader, op, session, token):
    cluster = reader.read_short()
    content = reader.read_bytes() or b""
    return RecordCreateRequest(op, session, token, cluster, content, _record_type(reader), reader.read_byte())


def _record_update(reader, op, session, token):
    rid = _rid(reader)
    update_content = reader.read_bool()
    content = reader.read_bytes() or b""
    version = reader.read_int()
    return RecordUpdateRequest(op, session, token, rid, update_content, content, version,
                               _record_type(reader), reader.read_byte())


def _record_delete(reader, op, session, token):
    rid = _rid(reader)
    return RecordDeleteRequest(op, session, token, rid, reader.read_int(), reader.read_byte())


def _command(reader, op, session, token):
    mode = chr(reader.read_byte())
    if mode not in ("s", "a", "l"):
        raise ProtocolError(f"unknown command mode {mode!r}")
    payload = reader.read_bytes() or b""
    req = CommandRequest(op, session, token, mode)
    try:
        _command_payload(WireReader(payload, reader.max_length), req)
    except ProtocolError as exc:
        raise ProtocolError(f"malformed command payload: {exc}", in_sync=True, session_id=session) from None
    return req


def _command_payload(p: WireReader, req: CommandRequest) -> None:
    req.class_name = p.read_text()
    kind = COMMAND_KINDS.get(req.class_name)
    if kind is None:
        raise ProtocolError(f"unsupported command class '{req.class_name}'")
    req.kind = kind
    if kind == "script":
        req.language = p.read_text()
    req.text = p.read_text()
    if kind in ("query", "gremlin"):
        req.limit = p.read_int()
        req.fetch_plan = p.read_text()
        params = p.read_bytes()
        req.params = params or None
        return
    # OCommandRequestTextAbstract: (has-simple-params:B)[params:b](has-composite-params:B)[params:b];
    # pyorient sends an int 0 here, i.e. two false flags and two ignored bytes.
    chunks = []
    for _ in range(2):
        if p.at_end():
            break
        if p.read_bool():
            chunks.append(p.read_bytes() or b"")
    req.params = b"".join(chunks) or None


def _tx_commit(reader, op, session, token):
    tx_id = reader.read_int()
    using_log = reader.read_bool()
    entries: list[TxEntry] = []
    while True:
        marker = reader.read_byte()
        if marker == 0:
            break
        if marker != 1:
            raise ProtocolError(f"bad transaction entry marker {marker}")
        if len(entries) >= MAX_TX_ENTRIES:
            raise ProtocolError(f"more than {MAX_TX_ENTRIES} transaction entries")
        kind = reader.read_byte()
        rid = _rid(reader)
        rtype = _record_type(reader)
        if kind == TX_UPDATE:
            version = reader.read_int()
            content = reader.read_bytes() or b""
            entries.append(TxEntry(kind, rid, rtype, version, content, reader.read_bool()))
        elif kind == TX_DELETE:
            entries.append(TxEntry(kind, rid, rtype, reader.read_int()))
        elif kind == TX_CREATE:
            entries.append(TxEntry(kind, rid, rtype, -1, reader.read_bytes() or b""))
        else:
            raise ProtocolError(f"unknown transaction operation {kind}")
    return TxCommitRequest(op, session, token, tx_id, using_log, entries, reader.read_bytes() or b"")


_PARSERS: dict[int, Callable[[WireReader, int, int, bytes | None], Request]] = {
    SHUTDOWN: _shutdown,
    CONNECT: _connect,
    DB_OPEN: _db_open,
    DB_CREATE: _db_create,
    DB_CLOSE: _empty(DbCloseRequest),
    DB_EXIST: _db_exist,
    DB_DROP: _db_drop,
    DB_SIZE: _empty(DbSizeRequest),
    DB_COUNTRECORDS: _empty(DbCountRecordsRequest),
    DATACLUSTER_ADD: _cluster_add,
    DATACLUSTER_DROP: _cluster_drop,
    DATACLUSTER_COUNT: _cluster_count,
    DATACLUSTER_DATARANGE: _cluster_range,
    RECORD_LOAD: _record_load,
    RECORD_CREATE: _record_create,
    RECORD_UPDATE: _record_update,
    RECORD_DELETE: _record_delete,
    COMMAND: _command,
    TX_COMMIT: _tx_commit,
    DB_RELOAD: _empty(DbReloadRequest),
    DB_LIST: _empty(DbListRequest),
}


# --- writing -------------------------------------------------------------

class WireWriter:
    """Builds a response in memory; :meth:`flush` sends it with one ``sendall``."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def _pack(self, st: struct.Struct, value: int) -> "WireWriter":
        try:
            self._buf += st.pack(value)
        except struct.error as exc:
            raise ProtocolError(f"cannot write {value!r}: {exc}") from None
        return self

    def byte(self, value: int | str) -> "WireWriter":
        v = ord(value) if isinstance(value, str) else value
        if not 0 <= v <= 255 and not -128 <= v < 0:
            raise ProtocolError(f"cannot write {value!r} as a byte")
        self._buf.append(v & 0xFF)
        return self

    def bool(self, value: bool) -> "WireWriter":
        self._buf.append(1 if value else 0)
        return self

    def short(self, value: int) -> "WireWriter":
        return self._pack(_H, value)

    def int(self, value: int) -> "WireWriter":
        return self._pack(_I, value)

    def long(self, value: int) -> "WireWriter":
        return self._pack(_Q, value)

    def bytes(self, value: bytes | bytearray | memoryview | None) -> "WireWriter":
        if value is None:
            return self._pack(_I, -1)
        self._pack(_I, len(value))
        self._buf += value
        return self

    def string(self, value: str | None) -> "WireWriter":
        return self.bytes(None if value is None else value.encode("utf-8"))

    def raw(self, data: bytes) -> "WireWriter":
        self._buf += data
        return self

    def getvalue(self) -> bytes:
        return bytes(self._buf)

    def __len__(self) -> int:
        return len(self._buf)

    def flush(self, sock: Any) -> None:
        """Send everything written so far in one ``sendall`` and start afresh."""
        if self._buf:
            sock.sendall(bytes(self._buf))
            self._buf.clear()


def greeting() -> bytes:
    """The protocol number the server sends as soon as a client connects."""
    return _H.pack(PROTOCOL_VERSION)


def ok_header(w: WireWriter, session_id: int, token: bytes | None = None) -> WireWriter:
    """``(0)(session)`` plus the token field when not None (never for CONNECT/DB_OPEN)."""
    w.byte(0).int(session_id)
    if token is not None:
        w.bytes(token)
    return w


def error_response(session_id: int, exception_class: str, message: str) -> bytes:
    """A complete error response: one exception pair, end flag, empty serialized exception."""
    w = WireWriter()
    w.byte(1).int(session_id)
    w.byte(1).string(exception_class).string(message)
    w.byte(0).bytes(b"")
    return w.getvalue()


def write_connect(w: WireWriter, session_id: int, token: bytes | None) -> WireWriter:
    """CONNECT body: the new session id and token (empty when not in token mode)."""
    return w.int(session_id).bytes(token or b"")


def write_clusters(w: WireWriter, clusters: Iterable[tuple[str, int]]) -> WireWriter:
    """``(n:h)[(name:s)(id:h)]*`` — the DB_RELOAD body, and part of DB_OPEN's."""
    clusters = list(clusters)
    w.short(len(clusters))
    for name, cid in clusters:
        w.string(name).short(cid)
    return w


def write_db_open(w: WireWriter, session_id: int, token: bytes | None,
                  clusters: Iterable[tuple[str, int]], release: str = DEFAULT_RELEASE) -> WireWriter:
    """DB_OPEN body: session, token, clusters, null cluster config, release."""
    w.int(session_id).bytes(token or b"")
    write_clusters(w, clusters)
    return w.bytes(None).string(release)


def write_db_list(w: WireWriter, databases: dict[str, str]) -> WireWriter:
    """DB_LIST body: a document ``databases:{"name":"plocal:..."}``."""
    return w.bytes(encode_map_document({"databases": dict(databases)}))


# --- records -------------------------------------------------------------

def _content(record: Document | Blob) -> tuple[str, bytes]:
    if isinstance(record, Blob):
        return "b", record.data
    return "d", encode_record(record)


def write_record_entry(w: WireWriter, rid: RID, version: int, content: bytes,
                       record_type: str = "d") -> WireWriter:
    """A full record entry ``(0:h)(type:B)(cluster:h)(position:l)(version:i)(content:b)``."""
    return w.short(0).byte(record_type).short(rid.cluster).long(rid.position).int(version).bytes(content)


def write_record(w: WireWriter, record: Document | Blob, rid: RID | None = None) -> WireWriter:
    """A record entry for a Document or Blob; ``rid`` overrides the record's own."""
    rtype, content = _content(record)
    rid = rid or record.rid or RID(-1, -1)
    return write_record_entry(w, rid, record.version, content, rtype)


def _write_prefetched(w: WireWriter, records: Iterable[Document | Blob]) -> None:
    """``[(2)(entry)]*``: records a fetch plan adds to a result."""
    for extra in records:
        w.byte(2)
        write_record(w, extra)


def write_record_load(w: WireWriter, record: Document | Blob | None,
                      prefetched: Iterable[Document | Blob] = ()) -> WireWriter:
    """RECORD_LOAD body: ``(0)`` when missing, else ``(1)(type)(version)(content)``,
    then ``[(2)(entry)]* (0)``. Send prefetched records only when the client
    passed a callback."""
    if record is None:
        return w.byte(0)
    rtype, content = _content(record)
    w.byte(1).byte(rtype).int(record.version).bytes(content)
    _write_prefetched(w, prefetched)
    return w.byte(0)


def write_record_created(w: WireWriter, rid: RID, version: int) -> WireWriter:
    """RECORD_CREATE body, with no RidBag changes."""
    return w.short(rid.cluster).long(rid.position).int(version).int(0)


def write_record_updated(w: WireWriter, version: int) -> WireWriter:
    """RECORD_UPDATE body, with no RidBag changes."""
    return w.int(version).int(0)


# --- command results ---------------------------------------------------------

def write_result_null(w: WireWriter) -> WireWriter:
    """Kind ``n``: no result."""
    return w.byte("n").byte(0)


def write_result_record(w: WireWriter, record: Document | Blob) -> WireWriter:
    """Kind ``r``: one record."""
    w.byte("r")
    write_record(w, record)
    return w.byte(0)


def write_result_value(w: WireWriter, value: Any, rid: RID = RID(-1, -1)) -> WireWriter:
    """Kind ``w``: a scalar wrapped in a document ``result:<value>``."""
    w.byte("w")
    write_record_entry(w, rid, 0, encode_map_document({"result": value}))
    return w.byte(0)


def write_result_raw(w: WireWriter, data: bytes) -> WireWriter:
    """Kind ``a``: raw bytes, which pyorient returns undecoded."""
    return w.byte("a").bytes(data).byte(0)


def write_result_list(w: WireWriter, records: Sequence[Document | Blob],
                      prefetched: Iterable[Document | Blob] = ()) -> WireWriter:
    """Kind ``l``: ``(n:i)`` records, then ``[(2)(entry)]* (0)``."""
    w.byte("l").int(len(records))
    for record in records:
        write_record(w, record)
    _write_prefetched(w, prefetched)
    return w.byte(0)


def write_async_record(w: WireWriter, record: Document | Blob, prefetched: bool = False) -> WireWriter:
    """One item of an asynchronous result stream: ``(1|2)(entry)``."""
    w.byte(2 if prefetched else 1)
    return write_record(w, record)


def write_async_end(w: WireWriter) -> WireWriter:
    """The end of an asynchronous result stream."""
    return w.byte(0)


def write_async_results(w: WireWriter, records: Iterable[Document | Blob],
                        prefetched: Iterable[Document | Blob] = ()) -> WireWriter:
    """A whole asynchronous result stream: results, prefetched records, end."""
    for record in records:
        write_async_record(w, record)
    _write_prefetched(w, prefetched)
    return write_async_end(w)


# --- transactions ----------------------------------------------------------

def write_tx_commit(w: WireWriter, created: Iterable[tuple[RID, RID]],
                    updated: Iterable[tuple[RID, int]]) -> WireWriter:
    """TX_COMMIT body: ``(client rid → new rid)*``, ``(rid, new version)*``, no changes.

    pyorient looks created entries up by their client (temporary) position,
    so every create entry must be listed.
    """
    created, updated = list(created), list(updated)
    w.int(len(created))
    for temp, real in created:
        w.short(temp.cluster).long(temp.position).short(real.cluster).long(real.position)
    w.int(len(updated))
    for rid, version in updated:
        w.short(rid.cluster).long(rid.position).int(version)
    return w.int(0)
