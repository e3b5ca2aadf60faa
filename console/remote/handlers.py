"""Server and database operations of the binary-protocol server, and the dispatch table.

Each handler takes the :class:`~console.remote.session.Connection` and the
parsed request, and returns the complete response bytes (or None when the
operation has no response). Errors are raised and become one error response
in the connection loop. Record operations live in
:mod:`console.remote.records`, COMMAND in :mod:`console.remote.commands`.

Which login each operation needs (as OrientDB 2.2 checks it):

* SHUTDOWN: server user credentials in the request itself;
* CONNECT: a server user; DB_OPEN: a database user or a server user;
* DB_CREATE, DB_DROP, DB_EXIST: a session made by CONNECT with a server user;
* DB_LIST: any session (OrientDB's default ``guest`` server user may list);
* everything else: a session with an open database.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from console.engine import registry
from console.errors import UnknownCluster
from console.remote import commands, records
from console.remote import exceptions as X
from console.remote import wire
from console.remote.exceptions import ServerError
from console.remote.wire import WireWriter

if TYPE_CHECKING:
    from console.remote.session import Connection

SERIALIZATION = "ORecordDocument2csv"
MIN_PROTOCOL = 28


def _check_client(req: wire.HandshakeRequest) -> None:
    if req.serialization and req.serialization != SERIALIZATION:
        raise ServerError(X.CONFIGURATION, f"record serialization '{req.serialization}' is not supported: "
                                           f"this server speaks {SERIALIZATION} only")
    if req.protocol and not MIN_PROTOCOL <= req.protocol <= wire.PROTOCOL_VERSION:
        raise ServerError(X.CONFIGURATION, f"protocol {req.protocol} is not supported: this server speaks "
                                           f"protocol {wire.PROTOCOL_VERSION}")


def _clusters(db: Any) -> list[tuple[str, int]]:
    return [(c.name, c.id) for c in db.schema.clusters]


def _handshake_writer(req: wire.Request) -> WireWriter:
    w = WireWriter()
    wire.ok_header(w, req.session_id)  # CONNECT and DB_OPEN never carry a token in the header
    return w


# --- server operations ------------------------------------------------------------------------

def op_shutdown(conn: "Connection", req: wire.ShutdownRequest) -> None:
    conn.state.check_server_user(req.user, req.password)
    conn.state.log(f"shutdown requested by user '{req.user}' on connection {conn.number}")
    conn._send(conn.ok(req).getvalue())
    conn.state.stopping.set()
    return None


def op_connect(conn: "Connection", req: wire.ConnectRequest) -> bytes:
    _check_client(req)
    conn.state.check_server_user(req.user, req.password)
    s = conn.new_session(req.user, True, req.client_id, req.token_session, protocol=req.protocol)
    token = conn.issue_token(s) if req.token_session else b""
    w = _handshake_writer(req)
    wire.write_connect(w, s.id, token)
    return w.getvalue()


def op_db_open(conn: "Connection", req: wire.DbOpenRequest) -> bytes:
    _check_client(req)
    state = conn.state
    url = state.url_of(req.database)
    if state.is_server_user(req.user, req.password):
        db = registry.open_system(url)
        engine_user, server_user = None, True
    else:
        db = registry.open(url, req.user, req.password)
        engine_user, server_user = db.user, False
    try:
        s = conn.new_session(req.user, server_user, req.client_id, req.token_session, engine_user, req.protocol)
        s.db, s.db_name, s.generation = db, url.name, state.generation(url.name)
        token = conn.issue_token(s) if req.token_session else b""
        w = _handshake_writer(req)
        wire.write_db_open(w, s.id, token, _clusters(db), state.config.release)
    except BaseException:
        db.close()
        raise
    return w.getvalue()


def op_db_create(conn: "Connection", req: wire.DbCreateRequest) -> bytes:
    s = conn.session(req, server=True)
    if req.backup_path:
        raise ServerError(X.DATABASE, "creating a database from a backup is not supported")
    db = conn.state.create(req.name, req.storage)
    s.close_db()
    s.db, s.db_name, s.generation = db, db.name, conn.state.generation(db.name)
    conn.update_token(s)
    conn.state.log(f"database '{db.name}' created ({req.storage}) on connection {conn.number}")
    return conn.ok(req).getvalue()


def op_db_exist(conn: "Connection", req: wire.DbExistRequest) -> bytes:
    conn.session(req, server=True)
    w = conn.ok(req)
    w.bool(conn.state.exists(req.name))
    return w.getvalue()


def op_db_drop(conn: "Connection", req: wire.DbDropRequest) -> bytes:
    conn.session(req, server=True)
    state = conn.state
    url = state.url_of(req.name)
    for s in conn.sessions_on(url.name):
        s.close_db()
    state.drop(url.name)
    state.log(f"database '{url.name}' dropped on connection {conn.number}")
    return conn.ok(req).getvalue()


def op_db_list(conn: "Connection", req: wire.DbListRequest) -> bytes:
    conn.session(req, any_login=True)
    w = conn.ok(req)
    wire.write_db_list(w, conn.state.databases())
    return w.getvalue()


def op_db_close(conn: "Connection", req: wire.DbCloseRequest) -> None:
    s = conn.sessions.get(req.session_id)
    if req.token:
        s = conn.token_sessions.get(req.token, s)
    if s is not None:
        conn.drop_session(s)
    return None  # no response: pyorient closes its socket


# --- database operations -------------------------------------------------------------------------

def op_db_size(conn: "Connection", req: wire.DbSizeRequest) -> bytes:
    s = conn.session(req, database=True)
    w = conn.ok(req)
    w.long(s.db.size_bytes())
    return w.getvalue()


def op_db_count_records(conn: "Connection", req: wire.DbCountRecordsRequest) -> bytes:
    s = conn.session(req, database=True)
    w = conn.ok(req)
    w.long(s.db.count_records())
    return w.getvalue()


def op_db_reload(conn: "Connection", req: wire.DbReloadRequest) -> bytes:
    s = conn.session(req, database=True)
    w = conn.ok(req)
    wire.write_clusters(w, _clusters(s.db))
    return w.getvalue()


def _cluster_or_fail(db: Any, cluster_id: int) -> Any:
    c = db.schema.get_cluster(cluster_id)
    if c is None:
        raise ServerError(X.OUT_OF_BOUNDS, f"cluster {cluster_id} does not exist (IndexOutOfBoundsException)")
    return c


def op_cluster_add(conn: "Connection", req: wire.DataClusterAddRequest) -> bytes:
    s = conn.session(req, database=True)
    with conn.state.write_lock(s.db_name):
        cid = s.db.create_cluster(req.name, None if req.cluster_id < 0 else req.cluster_id)
    w = conn.ok(req)
    w.short(cid)
    return w.getvalue()


def op_cluster_drop(conn: "Connection", req: wire.DataClusterDropRequest) -> bytes:
    s = conn.session(req, database=True)
    try:
        with conn.state.write_lock(s.db_name):
            s.db.drop_cluster(req.cluster_id)
        dropped = True
    except UnknownCluster:
        dropped = False
    w = conn.ok(req)
    w.bool(dropped)
    return w.getvalue()


def op_cluster_count(conn: "Connection", req: wire.DataClusterCountRequest) -> bytes:
    s = conn.session(req, database=True)
    total = 0
    for cid in req.cluster_ids:
        _cluster_or_fail(s.db, cid)
        total += s.db.count_cluster(cid)
    w = conn.ok(req)
    w.long(total)
    return w.getvalue()


def op_cluster_range(conn: "Connection", req: wire.DataClusterDataRangeRequest) -> bytes:
    s = conn.session(req, database=True)
    _cluster_or_fail(s.db, req.cluster_id)
    first, last = s.db.cluster_range(req.cluster_id)
    w = conn.ok(req)
    w.long(first).long(last)
    return w.getvalue()


HANDLERS: dict[int, Callable[["Connection", Any], "bytes | None"]] = {
    wire.SHUTDOWN: op_shutdown,
    wire.CONNECT: op_connect,
    wire.DB_OPEN: op_db_open,
    wire.DB_CREATE: op_db_create,
    wire.DB_CLOSE: op_db_close,
    wire.DB_EXIST: op_db_exist,
    wire.DB_DROP: op_db_drop,
    wire.DB_SIZE: op_db_size,
    wire.DB_COUNTRECORDS: op_db_count_records,
    wire.DATACLUSTER_ADD: op_cluster_add,
    wire.DATACLUSTER_DROP: op_cluster_drop,
    wire.DATACLUSTER_COUNT: op_cluster_count,
    wire.DATACLUSTER_DATARANGE: op_cluster_range,
    wire.RECORD_LOAD: records.op_record_load,
    wire.RECORD_CREATE: records.op_record_create,
    wire.RECORD_UPDATE: records.op_record_update,
    wire.RECORD_DELETE: records.op_record_delete,
    wire.COMMAND: commands.op_command,
    wire.TX_COMMIT: records.op_tx_commit,
    wire.DB_RELOAD: op_db_reload,
    wire.DB_LIST: op_db_list,
}
