"""Protocol 36 framing against the real pyorient 1.5.5 message classes.

pyorient talks to one end of a ``socket.socketpair()``; the test reads what it
sent with :func:`read_request` and answers with bytes built by our writers.
Responses are written before the client reads them, so no thread is needed
except for the end-to-end test over TCP.
"""

from __future__ import annotations

import datetime as dt
import socket
import struct
import threading
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyorient import OrientDB
from pyorient.exceptions import (
    PyOrientCommandException, PyOrientDatabaseException, PyOrientSQLParsingException,
)
from pyorient.messages.cluster import (
    DataClusterAddMessage, DataClusterCountMessage, DataClusterDataRangeMessage, DataClusterDropMessage,
)
from pyorient.messages.commands import CommandMessage, TxCommitMessage
from pyorient.messages.connection import ConnectMessage, ShutdownMessage
from pyorient.messages.database import (
    DbCloseMessage, DbCountRecordsMessage, DbCreateMessage, DbDropMessage, DbExistsMessage, DbListMessage,
    DbOpenMessage, DbReloadMessage, DbSizeMessage,
)
from pyorient.messages.records import (
    RecordCreateMessage, RecordDeleteMessage, RecordLoadMessage, RecordUpdateMessage,
)
from pyorient.orient import OrientSocket
from pyorient.otypes import OrientRecordLink

from console.engine.document import Blob, Document
from console.engine.rid import RID
from console.engine.types import OType
from console.remote import wire
from console.remote.csv import decode_record
from console.remote.wire import (
    COMMAND_GREMLIN, COMMAND_SCRIPT, COMMAND_SQL, QUERY_ASYNC, QUERY_SYNC, CommandRequest,
    ConnectionClosed, ConnectRequest, DataClusterAddRequest, DataClusterCountRequest,
    DataClusterDataRangeRequest, DataClusterDropRequest, DbCloseRequest, DbCountRecordsRequest,
    DbCreateRequest, DbDropRequest, DbExistRequest, DbListRequest, DbOpenRequest, DbReloadRequest,
    DbSizeRequest, ProtocolError, RecordCreateRequest, RecordDeleteRequest, RecordLoadRequest,
    RecordUpdateRequest, ShutdownRequest, TxCommitRequest, TxEntry, WireReader, WireWriter,
    error_response, ok_header, read_request,
)


class Peer:
    """pyorient's socket on one end of a socket pair, our reader/writer on the other."""

    def __init__(self) -> None:
        a, b = socket.socketpair()
        a.settimeout(10)
        b.settimeout(10)
        self.osock = OrientSocket("localhost", 0)
        self.osock._socket.close()
        self.osock._socket = a
        self.osock.connected = True
        self.osock.protocol = 36
        self.osock.session_id = 77
        self.osock.db_opened = "demo"
        self.server = b
        self.reader = WireReader(b)

    def request(self, token_mode: bool = False):
        return read_request(self.reader, token_mode)

    def respond(self, data: bytes | WireWriter) -> None:
        self.server.sendall(data.getvalue() if isinstance(data, WireWriter) else data)

    def ok(self, token: bytes | None = None) -> WireWriter:
        return ok_header(WireWriter(), 77, token)

    def assert_drained(self) -> None:
        """Everything we sent was consumed by pyorient (it stayed in step)."""
        self.osock._socket.setblocking(False)
        with pytest.raises(BlockingIOError):
            self.osock._socket.recv(1)
        self.osock._socket.setblocking(True)

    def close(self) -> None:
        self.osock._socket.close()
        self.server.close()


@pytest.fixture
def peer():
    p = Peer()
    yield p
    p.close()


# --- primitives ----------------------------------------------------------

def test_reader_primitives_from_bytes():
    data = (b"\x07\x01" + struct.pack("!hiq", -2, -3, 2 ** 40) + struct.pack("!i", 3) + b"abc"
            + struct.pack("!i", -1) + struct.pack("!i", 0) + struct.pack("!i", 2) + b"\xc3\xa9")
    r = WireReader(data)
    assert r.read_byte() == 7 and r.read_bool() is True
    assert (r.read_short(), r.read_int(), r.read_long()) == (-2, -3, 2 ** 40)
    assert r.read_bytes() == b"abc" and r.read_string() is None and r.read_string() == ""
    assert r.read_string() == "é" and r.at_end()


def test_writer_round_trip_and_single_sendall():
    w = WireWriter().byte(1).byte("d").bool(True).short(-5).int(-6).long(-(2 ** 62))
    w.string("hé").string(None).bytes(b"\x00\x01").bytes(None)
    r = WireReader(w.getvalue())
    assert [r.read_byte(), chr(r.read_byte()), r.read_bool(), r.read_short(), r.read_int(), r.read_long()] == \
        [1, "d", True, -5, -6, -(2 ** 62)]
    assert [r.read_string(), r.read_string(), r.read_bytes(), r.read_bytes()] == ["hé", None, b"\x00\x01", None]

    class Sock:
        calls: list[bytes] = []

        def sendall(self, data):
            self.calls.append(data)

    sock = Sock()
    data = w.getvalue()
    w.flush(sock)
    assert sock.calls == [data] and len(w) == 0


@pytest.mark.parametrize("call", [
    lambda w: w.short(40000), lambda w: w.int(2 ** 31), lambda w: w.long(2 ** 63), lambda w: w.byte(256),
])
def test_writer_rejects_out_of_range(call):
    with pytest.raises(ProtocolError):
        call(WireWriter())


def test_greeting():
    assert wire.greeting() == b"\x00\x24"


@pytest.mark.parametrize("data", [b"", b"\x01", b"\x00\x00\x00", b"\x00\x00\x00\x05ab", b"\x00\x00\x00\x01"])
def test_truncated_buffer_is_protocol_error(data):
    r = WireReader(data)
    with pytest.raises(ProtocolError, match="truncated"):
        r.read_bytes()


def test_oversized_and_negative_lengths():
    with pytest.raises(ProtocolError, match="exceeds"):
        WireReader(struct.pack("!i", 1001) + b"x" * 1001, max_length=1000).read_bytes()
    assert WireReader(struct.pack("!i", 1000) + b"x" * 1000, max_length=1000).read_bytes() == b"x" * 1000
    with pytest.raises(ProtocolError, match="exceeds"):
        WireReader(struct.pack("!i", 2 ** 31 - 1)).read_string()
    with pytest.raises(ProtocolError, match="negative"):
        WireReader(struct.pack("!i", -2)).read_bytes()
    with pytest.raises(ProtocolError, match="UTF-8"):
        WireReader(struct.pack("!i", 1) + b"\xff").read_string()


def test_oversized_length_from_socket_reads_nothing_more():
    a, b = socket.socketpair()
    try:
        a.sendall(bytes([wire.DB_EXIST]) + struct.pack("!ii", 1, 2 ** 30))
        with pytest.raises(ProtocolError, match="exceeds") as info:
            read_request(WireReader(b, max_length=1 << 20))
        assert not isinstance(info.value, ConnectionClosed) and info.value.session_id == 1
    finally:
        a.close()
        b.close()


def test_connection_closed_clean_and_mid_frame():
    a, b = socket.socketpair()
    a.close()
    with pytest.raises(ConnectionClosed) as info:
        read_request(WireReader(b))
    assert info.value.mid_frame is False
    b.close()

    a, b = socket.socketpair()
    a.sendall(bytes([wire.DB_EXIST]) + struct.pack("!ii", 1, 10) + b"abc")
    a.close()
    with pytest.raises(ConnectionClosed) as info:
        read_request(WireReader(b))
    assert info.value.mid_frame is True and isinstance(info.value, ProtocolError)
    b.close()


def test_unknown_op_code():
    with pytest.raises(ProtocolError, match="unknown operation code 99") as info:
        read_request(WireReader(b"\x63\x00\x00\x00\x05"))
    assert info.value.session_id == 5


def test_reader_over_socket_handles_split_and_pipelined_frames():
    a, b = socket.socketpair()
    try:
        frame = bytes([wire.DB_SIZE]) + struct.pack("!i", 4)
        a.sendall(frame + frame[:2])
        r = WireReader(b)
        assert isinstance(read_request(r), DbSizeRequest)
        a.sendall(frame[2:])
        req = read_request(r)
        assert isinstance(req, DbSizeRequest) and req.session_id == 4 and r.buffered == 0
    finally:
        a.close()
        b.close()


# --- requests pyorient builds ----------------------------------------------

def test_connect_request(peer):
    ConnectMessage(peer.osock).prepare(("root", "pw", "")).send()
    req = peer.request(token_mode=True)  # CONNECT never carries a token
    assert req == ConnectRequest(
        wire.CONNECT, 77, None, driver_name="OrientDB Python binary client (pyorient)", driver_version="1.5.5",
        protocol=36, client_id="", serialization="ORecordDocument2csv", token_session=False,
        support_push=True, collect_stats=True, user="root", password="pw")


def test_connect_request_bytes_match_probe(peer):
    peer.osock.session_id = -1
    ConnectMessage(peer.osock).prepare(("root", "pw")).send()
    head = peer.server.recv(4096)
    assert head.startswith(b"\x02\xff\xff\xff\xff\x00\x00\x00\x28OrientDB Python")
    req = read_request(WireReader(head))
    assert req.session_id == -1 and req.user == "root"


def test_connect_request_asking_for_a_token(peer):
    ConnectMessage(peer.osock).set_session_token(True).prepare(("root", "pw")).send()
    req = peer.request()
    assert isinstance(req, ConnectRequest) and req.token_session is True and req.token is None


def test_db_open_request(peer):
    DbOpenMessage(peer.osock).set_session_token(True).prepare(("demo", "admin", "secret")).send()
    req = peer.request(token_mode=True)  # DB_OPEN never carries a token either
    assert isinstance(req, DbOpenRequest) and not isinstance(req, ConnectRequest)
    assert (req.database, req.user, req.password, req.token_session, req.db_type, req.token) == \
        ("demo", "admin", "secret", True, None, None)
    assert req.support_push and req.collect_stats and req.protocol == 36


def test_shutdown_request(peer):
    ShutdownMessage(peer.osock).prepare(("root", "pw")).send()
    assert peer.request() == ShutdownRequest(wire.SHUTDOWN, 77, None, "root", "pw")


def test_db_create_request_with_null_backup_path(peer):
    DbCreateMessage(peer.osock).prepare(("newdb", "graph", "memory")).send()
    raw = peer.server.recv(4096)
    assert raw.endswith(b"\x00\x00\x00\x06memory\xff\xff\xff\xff")
    assert read_request(WireReader(raw)) == DbCreateRequest(wire.DB_CREATE, 77, None, "newdb", "graph", "memory",
                                                              None)


@pytest.mark.parametrize("msg, args, expected", [
    (DbExistsMessage, ("x",), DbExistRequest(wire.DB_EXIST, 77, None, "x", "plocal")),
    (DbExistsMessage, ("x", "memory"), DbExistRequest(wire.DB_EXIST, 77, None, "x", "memory")),
    (DbDropMessage, ("x",), DbDropRequest(wire.DB_DROP, 77, None, "x", "plocal")),
    (DbSizeMessage, (), DbSizeRequest(wire.DB_SIZE, 77, None)),
    (DbCountRecordsMessage, (), DbCountRecordsRequest(wire.DB_COUNTRECORDS, 77, None)),
    (DbReloadMessage, (), DbReloadRequest(wire.DB_RELOAD, 77, None)),
    (DbListMessage, (), DbListRequest(wire.DB_LIST, 77, None)),
    (DbCloseMessage, (), DbCloseRequest(wire.DB_CLOSE, 77, None)),
    (DataClusterAddMessage, ("mine", "PHYSICAL"), DataClusterAddRequest(wire.DATACLUSTER_ADD, 77, None, "mine", -1)),
    (DataClusterDropMessage, (12,), DataClusterDropRequest(wire.DATACLUSTER_DROP, 77, None, 12)),
    (DataClusterCountMessage, ((1, 2, 9), 1),
     DataClusterCountRequest(wire.DATACLUSTER_COUNT, 77, None, (1, 2, 9), True)),
    (DataClusterCountMessage, ((3,),), DataClusterCountRequest(wire.DATACLUSTER_COUNT, 77, None, (3,), False)),
    (DataClusterDataRangeMessage, 7, DataClusterDataRangeRequest(wire.DATACLUSTER_DATARANGE, 77, None, 7)),
    (DataClusterDataRangeMessage, (7,), DataClusterDataRangeRequest(wire.DATACLUSTER_DATARANGE, 77, None, 0)),
    (RecordDeleteMessage, ("#9:3", "#9:3"), RecordDeleteRequest(wire.RECORD_DELETE, 77, None, RID(9, 3), -1, 0)),
    (RecordDeleteMessage, (9, "9:3", 4), RecordDeleteRequest(wire.RECORD_DELETE, 77, None, RID(9, 3), 4, 0)),
])
def test_simple_requests(peer, msg, args, expected):
    msg(peer.osock).prepare(args).send()
    assert peer.request() == expected


def test_requests_in_token_mode(peer):
    peer.osock.auth_token = b"tok-123"
    DbSizeMessage(peer.osock).set_session_token(b"tok-123").prepare(()).send()
    req = peer.request(token_mode=True)
    assert isinstance(req, DbSizeRequest) and req.token == b"tok-123"
    RecordLoadMessage(peer.osock).set_session_token(True).prepare(("#1:2",)).send()
    req = peer.request(token_mode=lambda op, session, reader: op != wire.CONNECT)
    assert isinstance(req, RecordLoadRequest) and req.token == b"tok-123" and req.rid == RID(1, 2)


def test_record_load_request(peer):
    RecordLoadMessage(peer.osock).prepare(("#9:5", "*:2")).send()
    raw = peer.server.recv(4096)
    assert raw.endswith(b"\x00\x00\x00\x03*:2" + b"00")  # the two flags are ASCII '0'
    assert read_request(WireReader(raw)) == RecordLoadRequest(wire.RECORD_LOAD, 77, None, RID(9, 5), "*:2",
                                                               0x30, 0x30)


def test_record_create_request(peer):
    RecordCreateMessage(peer.osock).prepare((9, {"@V": {"name": 'x"y', "b": True}})).send()
    req = peer.request()
    assert req == RecordCreateRequest(wire.RECORD_CREATE, 77, None, 9, b'V@name:"x\\"y",b:True', "d", 0)
    assert decode_record(req.content) == Document("V", {"name": 'x"y', "b": True})


def test_record_update_request(peer):
    RecordUpdateMessage(peer.osock).prepare((9, "#9:5", {"a": 1}, 3)).send()
    req = peer.request()
    assert req == RecordUpdateRequest(wire.RECORD_UPDATE, 77, None, RID(9, 5), True, b"a:1", -1, "d", 0)
    RecordUpdateMessage(peer.osock).prepare((9, "#9:5", {"a": 2}, 3, "d", 4, 0, False)).send()
    req = peer.request()
    assert (req.version, req.update_content, req.content) == (4, False, b"a:2")


@pytest.mark.parametrize("kind, args, expected", [
    (QUERY_SYNC, ("select from V",), dict(kind="query", text="select from V", limit=20, fetch_plan="*:0")),
    (QUERY_SYNC, ("select from V", 25, "*:1"), dict(kind="query", limit=25, fetch_plan="*:1")),
    (QUERY_SYNC, ("select from V limit 21", 10), dict(kind="query", limit=-1)),
    (COMMAND_SQL, ("create class X",), dict(kind="command", text="create class X", limit=None,
                                            fetch_plan=None, params=None)),
    (COMMAND_SCRIPT, ("begin;\nlet a = 1;\ncommit",), dict(kind="script", language="sql",
                                                          text="begin;\nlet a = 1;\ncommit")),
    (COMMAND_GREMLIN, ("g.V limit 3",), dict(kind="gremlin", text="g.V limit 3", limit=20)),
    (QUERY_ASYNC, ("select from V", 5, "*:0", print), dict(kind="query", mode="a", limit=5)),
])
def test_command_requests(peer, kind, args, expected):
    CommandMessage(peer.osock).prepare((kind,) + args).send()
    req = peer.request()
    assert isinstance(req, CommandRequest) and req.class_name == kind
    assert req.mode == expected.pop("mode", "s")
    for name, value in expected.items():
        assert getattr(req, name) == value, name
    assert req.params is None


def test_command_short_aliases_and_params():
    payload = (WireWriter().string("c").string("update V set x = :x").bool(True).bytes(b"params:{}")
               .bool(False).getvalue())
    frame = WireWriter().byte(wire.COMMAND).int(3).byte("s").bytes(payload).getvalue()
    req = read_request(WireReader(frame))
    assert (req.kind, req.text, req.params) == ("command", "update V set x = :x", b"params:{}")
    payload = WireWriter().string("q").string("select 1").int(-1).string("").int(0).getvalue()
    req = read_request(WireReader(WireWriter().byte(41).int(3).byte("s").bytes(payload).getvalue()))
    assert (req.kind, req.limit, req.fetch_plan) == ("query", -1, "")


def test_unknown_command_class_keeps_the_stream_in_sync():
    payload = WireWriter().string("com.example.Nope").string("x").getvalue()
    frame = WireWriter().byte(41).int(8).byte("s").bytes(payload).byte(wire.DB_SIZE).int(8).getvalue()
    r = WireReader(frame)
    with pytest.raises(ProtocolError, match="com.example.Nope") as info:
        read_request(r)
    assert info.value.in_sync and info.value.session_id == 8
    assert isinstance(read_request(r), DbSizeRequest)


def test_tx_commit_request(peer):
    client = OrientDB(peer.osock)
    tx = client.tx_commit()
    tx.begin()
    create1 = client.record_create(-1, {"@C": {"a": 1}})
    create2 = client.record_create(3, {"b": "x"})
    update = client.record_update("#9:5", "#9:5", {"@C": {"a": 2}}, 4)
    delete = client.record_delete(9, "#9:6")
    for op in (create1, create2, update, delete, create1):
        tx.attach(op)
    peer.osock.in_transaction = False  # what commit() does before sending
    tx._transaction.prepare().send()
    req = peer.request()
    assert isinstance(req, TxCommitRequest) and req.using_log is True and 0 <= req.tx_id < 2 ** 31
    assert req.entries == [
        TxEntry(wire.TX_CREATE, RID(-1, -2), "d", -1, b"C@a:1"),
        TxEntry(wire.TX_CREATE, RID(-1, -3), "d", -1, b'b:"x"'),
        TxEntry(wire.TX_UPDATE, RID(9, 5), "d", 4, b"C@a:2", True),
        TxEntry(wire.TX_DELETE, RID(9, 6), "d", -1, None),
        TxEntry(wire.TX_CREATE, RID(-1, -4), "d", -1, b"C@a:1"),
    ]
    assert req.index_changes == b""


# --- responses pyorient reads ---------------------------------------------------

def test_connect_response(peer):
    peer.respond(wire.write_connect(peer.ok(), 12, b"the-token"))
    msg = ConnectMessage(peer.osock).set_session_token(True).prepare(("root", "pw"))
    assert msg.send().fetch_response() == 12
    assert peer.osock.session_id == 12 and peer.osock.auth_token == b"the-token"
    peer.assert_drained()


def test_db_open_response(peer):
    clusters = [("internal", 0), ("index", 1), ("default", 3), ("v", 9)]
    peer.respond(wire.write_db_open(peer.ok(), 21, b"", clusters))
    info, got, nodes = DbOpenMessage(peer.osock).prepare(("demo", "admin", "admin")).send().fetch_response()
    assert (info.major, info.minor, info.build) == (2, 2, 37) and nodes == []
    assert [(c.name, c.id) for c in got] == [(b"internal", 0), (b"index", 1), (b"default", 3), (b"v", 9)]
    assert peer.osock.session_id == 21
    peer.assert_drained()

    peer.respond(wire.write_clusters(peer.ok(), clusters))
    assert DbReloadMessage(peer.osock).prepare([]).send().fetch_response() == got
    peer.assert_drained()


def test_client_db_open_and_token_renewal(peer):
    client = OrientDB(peer.osock)
    client.set_session_token(True)
    peer.respond(wire.write_db_open(peer.ok(), 30, b"tok-1", [("default", 3)], "2.2.37"))
    assert [c.id for c in client.db_open("demo", "admin", "admin")] == [3]
    assert client.version.build == 37 and client.get_session_token() == b"tok-1"
    assert isinstance(peer.request(), DbOpenRequest)

    peer.respond(peer.ok(b"tok-2").long(1234))
    assert client.db_size() == 1234
    assert peer.request(token_mode=True).token == b"tok-1"
    peer.respond(peer.ok(b"").long(5))  # an empty token keeps the old one
    assert client.db_count_records() == 5
    assert peer.request(token_mode=True).token == b"tok-2"
    assert client.get_session_token() == b"tok-2"
    peer.assert_drained()


def test_error_response_then_stream_stays_in_step(peer):
    peer.respond(error_response(77, "com.orientechnologies.orient.core.exception.OStorageException",
                                "Database with name 'x' does not exist"))
    peer.respond(peer.ok().long(99))
    with pytest.raises(PyOrientCommandException) as info:
        DbDropMessage(peer.osock).prepare(("x",)).send().fetch_response()
    assert type(info.value) is PyOrientCommandException
    assert str(info.value) == ("com.orientechnologies.orient.core.exception.OStorageException - "
                               "Database with name 'x' does not exist")
    assert DbSizeMessage(peer.osock).prepare(()).send().fetch_response() == 99
    peer.assert_drained()


@pytest.mark.parametrize("cls, expected", [
    ("com.orientechnologies.orient.core.exception.ODatabaseException", PyOrientDatabaseException),
    ("com.orientechnologies.orient.core.sql.OCommandSQLParsingException", PyOrientSQLParsingException),
])
def test_error_classes(peer, cls, expected):
    peer.respond(error_response(77, cls, "Error on parsing command"))
    with pytest.raises(expected, match="parsing"):
        CommandMessage(peer.osock).prepare((COMMAND_SQL, "bad")).send().fetch_response()
    peer.assert_drained()


def test_error_response_layout():
    data = error_response(5, "A", "b")
    assert data == b"\x01\x00\x00\x00\x05\x01\x00\x00\x00\x01A\x00\x00\x00\x01b\x00\x00\x00\x00\x00"


def test_simple_responses(peer):
    client = OrientDB(peer.osock)
    peer.respond(peer.ok().bool(True))
    assert client.db_exists("demo") is True
    peer.respond(peer.ok().bool(False))
    assert client.db_exists("nope") is False
    peer.respond(peer.ok())
    assert client.db_drop("demo") is None
    peer.respond(peer.ok())
    assert client.db_create("fresh", "graph", "memory") is None and peer.osock.db_opened == "fresh"
    peer.respond(peer.ok().short(12))
    assert client.data_cluster_add("mine", "PHYSICAL") == 12
    peer.respond(peer.ok().bool(True))
    assert client.data_cluster_drop(12) is True
    peer.respond(peer.ok().long(42))
    assert client.data_cluster_count([1, 2]) == 42
    peer.respond(peer.ok().long(0).long(17))
    assert client.data_cluster_data_range(3) == [0, 17]
    peer.respond(peer.ok().bool(True))
    assert client.record_delete(9, "#9:1") is True
    peer.respond(peer.ok().bool(False))
    assert client.record_delete(9, "#9:1") is False
    peer.respond(peer.ok())
    assert client.shutdown("root", "pw") == []
    peer.assert_drained()


def test_db_list_response(peer):
    peer.respond(wire.write_db_list(peer.ok(), {"demo": "plocal:/data/demo", "m": "memory:m"}))
    record = OrientDB(peer.osock).db_list()
    assert record.oRecordData["databases"] == {"demo": "plocal:/data/demo", "m": "memory:m"}
    peer.assert_drained()


def test_db_close_has_no_response(peer):
    client = OrientDB(peer.osock)
    assert client.db_close() == 0
    assert isinstance(peer.request(), DbCloseRequest)
    assert peer.osock.db_opened is None


def test_record_create_and_update_responses(peer):
    client = OrientDB(peer.osock)
    peer.respond(wire.write_record_created(peer.ok(), RID(9, 4), 1))
    rec = client.record_create(9, {"@V": {"a": 1}})
    assert (rec._rid, rec._version, rec._class) == ("#9:4", 1, "V")
    peer.respond(wire.write_record_updated(peer.ok(), 2))
    rec, count, changes = client.record_update("#9:4", "#9:4", {"a": 2})
    assert (rec._version, count, changes) == (2, 0, [])
    peer.assert_drained()


def _doc(rid=RID(9, 1), version=3) -> Document:
    return Document("Person", {"name": 'O"Neil', "age": 40, "tags": ["a", "b"], "best": RID(9, 2),
                               "score": 6.022e23, "when": dt.datetime(2015, 1, 2, tzinfo=dt.timezone.utc),
                               "cost": Decimal("1.50"), "ok": True, "nothing": None},
                    {"age": OType.LONG}, rid, version)


def _check_person(rec, rid="#9:1", version=3):
    assert rec._rid == rid and rec._version == version and rec._class == "Person"
    data = rec.oRecordData
    assert data["name"] == 'O"Neil' and data["age"] == 40 and data["tags"] == ["a", "b"]
    assert isinstance(data["best"], OrientRecordLink) and data["best"].get_hash() == "#9:2"
    assert data["score"] == 6.022e23 and data["cost"] == Decimal("1.50") and data["ok"] is True
    assert data["nothing"] is None
    assert data["when"] == dt.datetime.fromtimestamp(1420156800)


def test_record_load_found(peer):
    peer.respond(wire.write_record_load(peer.ok(), _doc()))
    rec = OrientDB(peer.osock).record_load("#9:1")
    _check_person(rec)
    peer.assert_drained()


def test_record_load_missing(peer):
    peer.respond(wire.write_record_load(peer.ok(), None))
    rec = OrientDB(peer.osock).record_load("#9:99")
    assert rec._rid is None and rec.oRecordData == {}
    peer.assert_drained()


def test_record_load_with_prefetched_records(peer):
    extra = Document("Person", {"name": "friend"}, rid=RID(9, 2), version=1)
    peer.respond(wire.write_record_load(peer.ok(), _doc(), [extra]))
    seen = []
    rec = OrientDB(peer.osock).record_load("#9:1", "*:2", seen.append)
    _check_person(rec)
    assert [(r._rid, r.oRecordData) for r in seen] == [("#9:2", {"name": "friend"})]
    peer.assert_drained()


def test_record_load_blob(peer):
    peer.respond(wire.write_record_load(peer.ok(), Blob(b"", RID(5, 0), 1)))
    assert OrientDB(peer.osock).record_load("#5:0")._rid == "#5:0"
    peer.assert_drained()


def test_command_result_null(peer):
    peer.respond(wire.write_result_null(peer.ok()))
    assert OrientDB(peer.osock).command("delete vertex V where 1 = 0") is None
    peer.assert_drained()


def test_command_result_record(peer):
    peer.respond(wire.write_result_record(peer.ok(), _doc()))
    (rec,) = OrientDB(peer.osock).command("insert into Person set name = 'x'")
    _check_person(rec)
    peer.assert_drained()


@pytest.mark.parametrize("value", [11, 2 ** 40, "text", 1.5, True, None, [1, 2], {"k": "v"}, RID(3, 4)])
def test_command_result_value(peer, value):
    peer.respond(wire.write_result_value(peer.ok(), value))
    (got,) = OrientDB(peer.osock).command("create class X")
    if isinstance(value, RID):
        assert got.get_hash() == "#3:4"
    else:
        assert got == value
    peer.assert_drained()


def test_command_result_raw(peer):
    peer.respond(wire.write_result_raw(peer.ok(), b"raw bytes"))
    assert OrientDB(peer.osock).command("something") == [b"raw bytes"]
    peer.assert_drained()


def test_command_result_list(peer):
    rows = [_doc(RID(9, k), k + 1) for k in range(3)] + [Document(None, {"rid": RID(9, 0), "version": 1},
                                                                  rid=RID(-2, 0))]
    peer.respond(wire.write_result_list(peer.ok(), rows))
    got = OrientDB(peer.osock).query("select from Person")
    assert len(got) == 4
    for k in range(3):
        _check_person(got[k], f"#9:{k}", k + 1)
    assert got[3]._rid == "#-2:0" and got[3].oRecordData["rid"].get_hash() == "#9:0"
    peer.assert_drained()

    peer.respond(wire.write_result_list(peer.ok(), []))
    assert OrientDB(peer.osock).query("select from Nothing") == []
    peer.assert_drained()


def test_command_result_list_with_prefetched(peer):
    seen = []
    peer.respond(wire.write_result_list(peer.ok(), [_doc()], [_doc(RID(9, 2), 1)]))
    msg = CommandMessage(peer.osock).prepare((QUERY_SYNC, "select from Person", 20, "*:1", seen.append))
    (rec,) = msg.send().fetch_response()
    _check_person(rec)
    assert [r._rid for r in seen] == ["#9:2"]
    peer.assert_drained()


def test_async_results(peer):
    seen = []
    w = peer.ok()
    wire.write_async_results(w, [_doc(RID(9, 0)), _doc(RID(9, 1))], [_doc(RID(9, 5))])
    peer.respond(w)
    assert OrientDB(peer.osock).query_async("select from Person", 10, "*:0", seen.append) is None
    assert [r._rid for r in seen] == ["#9:0", "#9:1", "#9:5"]
    _check_person(seen[1])
    peer.assert_drained()
    req = peer.request()
    assert req.is_async and req.limit == 10


def test_tx_commit_response(peer):
    client = OrientDB(peer.osock)
    tx = client.tx_commit()
    tx.begin()
    tx.attach(client.record_create(-1, {"@C": {"a": 1}}))
    tx.attach(client.record_create(-1, {"@C": {"a": 2}}))
    tx.attach(client.record_update("#9:5", "#9:5", {"@C": {"a": 3}}, 4))
    tx.attach(client.record_delete(9, "#9:6"))
    w = peer.ok()
    # OrientDB 2.2.9+ order: the most negative temporary position gets the lowest real one
    wire.write_tx_commit(w, [(RID(-1, -3), RID(3, 0)), (RID(-1, -2), RID(3, 1))], [(RID(9, 5), 5)])
    peer.respond(w)
    result = tx.commit()
    assert set(result) == {"#3:0", "#3:1", "#9:5"}
    assert result["#3:0"].oRecordData == {"a": 2} and result["#3:0"]._version == 1
    assert result["#3:1"].oRecordData == {"a": 1}
    assert result["#9:5"]._version == 5 and result["#9:5"].oRecordData == {"a": 3}
    peer.assert_drained()
    assert len(peer.request().entries) == 4


# --- end to end over TCP ---------------------------------------------------

def test_end_to_end_over_tcp():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    seen: list = []
    errors: list = []

    def serve():
        try:
            conn, _ = listener.accept()
            conn.settimeout(10)
            with conn:
                conn.sendall(wire.greeting())
                reader = WireReader(conn)
                while True:
                    try:
                        req = read_request(reader, token_mode=False)
                    except ConnectionClosed as exc:
                        seen.append(("closed", exc.mid_frame))
                        return
                    seen.append(type(req).__name__)
                    w = WireWriter()
                    if isinstance(req, ConnectRequest):
                        wire.write_connect(ok_header(w, req.session_id, None), 1, b"")
                    elif isinstance(req, DbOpenRequest):
                        wire.write_db_open(ok_header(w, req.session_id, None), 2, b"", [("default", 3)])
                    elif isinstance(req, CommandRequest) and req.kind == "query":
                        docs = [Document("V", {"n": k}, rid=RID(9, k), version=1) for k in range(req.limit)]
                        wire.write_result_list(ok_header(w, req.session_id), docs)
                    elif isinstance(req, CommandRequest):
                        conn.sendall(error_response(req.session_id, "com.orientechnologies.orient.core.sql."
                                                    "OCommandSQLParsingException", "Error parsing " + req.text))
                        continue
                    elif isinstance(req, DbCloseRequest):
                        continue
                    w.flush(conn)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        client = OrientDB("127.0.0.1", port)
        assert client.connect("root", "root") == 1
        assert [c.name for c in client.db_open("demo", "admin", "admin")] == [b"default"]
        rows = client.query("select from V", 4)
        assert [r.oRecordData["n"] for r in rows] == [0, 1, 2, 3]
        with pytest.raises(PyOrientSQLParsingException, match="Error parsing"):
            client.command("crete class")
        client.db_close()
    finally:
        thread.join(10)
        listener.close()
    assert not errors
    assert seen == ["ConnectRequest", "DbOpenRequest", "CommandRequest", "CommandRequest", "DbCloseRequest",
                    ("closed", False)]


# --- malformed input ---------------------------------------------------------

def _valid_frames() -> list[bytes]:
    """Requests as pyorient would send them, one per operation family."""
    peer = Peer()
    try:
        msgs = [
            (ConnectMessage, ("root", "pw")), (DbOpenMessage, ("demo", "a", "b")), (ShutdownMessage, ("r", "p")),
            (DbCreateMessage, ("n", "graph", "memory")), (DbExistsMessage, ("n",)), (DbDropMessage, ("n",)),
            (DataClusterAddMessage, ("c", "PHYSICAL")), (DataClusterCountMessage, ((1, 2), 1)),
            (DataClusterDataRangeMessage, 4), (DataClusterDropMessage, (4,)),
            (RecordLoadMessage, ("#1:2",)), (RecordCreateMessage, (9, {"a": "b"})),
            (RecordUpdateMessage, (9, "#9:1", {"a": 1})), (RecordDeleteMessage, (9, "#9:1")),
            (CommandMessage, (QUERY_SYNC, "select 1")), (CommandMessage, (COMMAND_SCRIPT, "x")),
        ]
        frames = []
        for cls, args in msgs:
            cls(peer.osock).prepare(args).send()
            frames.append(peer.server.recv(65536))
        client = OrientDB(peer.osock)
        tx = client.tx_commit()
        tx.begin()
        tx.attach(client.record_create(-1, {"a": 1}))
        tx.attach(client.record_update(9, "#9:1", {"a": 2}, 1))
        tx.attach(client.record_delete(9, "#9:1"))
        peer.osock.in_transaction = False
        tx._transaction.prepare().send()
        frames.append(peer.server.recv(65536))
        return frames
    finally:
        peer.close()


VALID_FRAMES = _valid_frames()


def test_valid_frames_parse_exactly():
    for frame in VALID_FRAMES:
        r = WireReader(frame)
        read_request(r)
        assert r.at_end()


@pytest.mark.parametrize("index", range(len(VALID_FRAMES)))
def test_every_truncation_is_a_protocol_error(index):
    frame = VALID_FRAMES[index]
    for cut in range(len(frame)):
        with pytest.raises(ProtocolError):
            read_request(WireReader(frame[:cut]))


def test_truncation_over_a_socket_is_connection_closed():
    frame = VALID_FRAMES[-1]
    for cut in (1, 5, len(frame) // 2, len(frame) - 1):
        a, b = socket.socketpair()
        a.sendall(frame[:cut])
        a.close()
        with pytest.raises(ConnectionClosed) as info:
            read_request(WireReader(b))
        assert info.value.mid_frame
        b.close()


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=300), st.booleans())
def test_fuzz_garbage_only_protocol_errors(data, token_mode):
    try:
        read_request(WireReader(data, max_length=1 << 16), token_mode)
    except ProtocolError:
        pass


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(VALID_FRAMES), st.integers(0, 10_000), st.binary(min_size=1, max_size=4))
def test_fuzz_corrupted_frames(frame, where, junk):
    pos = where % len(frame)
    data = frame[:pos] + junk + frame[pos + len(junk):]
    try:
        read_request(WireReader(data, max_length=1 << 16))
    except ProtocolError:
        pass
