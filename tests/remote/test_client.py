"""console.remote.client: the Database interface over pyorient, against the server."""

from __future__ import annotations

import socket
import struct

import pytest

from console.engine import registry
from console.engine.document import Blob, Document
from console.engine.interface import Database
from console.engine.rid import RID
from console.engine.types import OType
from console.errors import AuthenticationError, DatabaseNotFound, OrientError, TransactionError
from console.parser import parse
from console.remote.client import PAGE, connect_server, create_remote, drop_remote, open_remote
from console.remote.exceptions import RemoteConnectionError
from remote_server import ServerProcess, start_server


def _url(server: ServerProcess, name: str = "") -> registry.DatabaseURL:
    return registry.parse_url(f"{server.url}/{name}" if name else server.url)


def _sql(db, text: str):
    return db.execute(parse(text), None, text)


@pytest.fixture
def remote(server: ServerProcess, dbname: str):
    db = open_remote(_url(server, dbname), "admin", "admin")
    yield db
    db.close()


def test_it_is_a_database(remote) -> None:
    assert isinstance(remote, Database)
    assert remote.kind == "remote" and remote.user_name == "admin"
    assert remote.url.endswith(f"/{remote.name}") and remote.url.startswith("remote:127.0.0.1:")
    assert remote.schema.cls("OUser").cluster_ids == (6,)
    assert remote.size_bytes() > 0
    remote.check_permission("database", None, 31)  # the server decides
    with remote.snapshot() as same:
        assert same is remote


def test_paging_matches_the_engine(server: ServerProcess) -> None:
    name = server.new_database("plocal")
    local = registry.open(f"plocal:{server.directory / name}", "admin", "admin")
    local.create_class("Item")
    local.create_property("Item", "small", OType.SHORT)
    local.create_property("Item", "set", OType.LINKSET)
    local.insert_many("Item", ({"i": i, "small": i % 100, "set": [RID(6, 0)], "f": i / 3} for i in range(2 * PAGE + 7)))
    local.create_blob(b"\x00blob", local.create_cluster("bin", blob=True))
    db = open_remote(_url(server, name), "admin", "admin")
    try:
        cid = db.schema.cls("Item").cluster_ids[0]
        assert list(db.raw_cluster(cid)) == list(local.raw_cluster(cid))
        assert db.count_cluster(cid) == 2 * PAGE + 7 == db.count_class("Item")
        records = list(db.browse_class("Item"))
        assert [r["i"] for r in records] == list(range(2 * PAGE + 7))
        assert records[5].type_of("small") is OType.SHORT and records[5].type_of("set") is OType.LINKSET
        bin_id = db.schema.cluster("bin").id
        assert db.schema.cluster("bin").blob
        blob = db.load(RID(bin_id, 0))
        assert isinstance(blob, Blob) and blob.data == b"\x00blob"
        assert db.raw_record(RID(bin_id, 0)) == local.raw_record(RID(bin_id, 0))
        assert db.load(RID(cid, 10 ** 6)) is None and db.raw_record(RID(cid, 10 ** 6)) is None
    finally:
        db.close()
        local.close()


def test_schema_from_the_server(remote) -> None:
    _sql(remote, "CREATE CLASS Person EXTENDS V")
    _sql(remote, "CREATE PROPERTY Person.name STRING (MANDATORY true, MIN 1)")
    _sql(remote, "CREATE PROPERTY Person.friends LINKSET Person")
    _sql(remote, "CREATE INDEX Person.name UNIQUE")
    _sql(remote, "CREATE CLASS Base ABSTRACT")
    schema = remote.schema
    person = schema.cls("Person")
    assert person.superclasses == ("V",) and person.cluster_ids == (12,)
    name = schema.property("Person", "name")
    assert name.type is OType.STRING and name.mandatory and name.min == "1"
    assert schema.property("Person", "friends").linked_class == "Person"
    assert schema.cls("Base").abstract and schema.cls("Base").cluster_ids == ()
    ix = schema.index("Person.name")
    assert ix.unique and [f.name for f in ix.fields] == ["name"] and ix.key_types == ("STRING",)
    _sql(remote, "INSERT INTO Person SET name = 'Ann'")
    assert remote.index_size("Person.name") == 1
    assert remote.count_class("V") == 1 and remote.count_class("V", polymorphic=False) == 0


def test_execute_results(remote) -> None:
    r = _sql(remote, "CREATE CLASS City EXTENDS V")
    assert r.kind == "value" and r.value == 12 and "Class created" in r.message
    r = _sql(remote, "INSERT INTO City SET name = 'Rome', tags = ['a']")
    assert r.kind == "records" and r.statement == "insert"
    rome = r.rows[0]
    assert isinstance(rome, Document) and rome.rid == RID(12, 0) and rome.version == 1 and rome["tags"] == ["a"]
    r = _sql(remote, "UPDATE City SET pop = 5L")
    assert r.kind == "count" and r.count == 1
    r = _sql(remote, "SELECT name, pop, @rid FROM City")
    assert r.kind == "rows"
    row = r.rows[0]
    assert row.rid is None and row.fields == {"name": "Rome", "pop": 5, "@rid": RID(12, 0)}
    assert row.type_of("pop") is OType.LONG
    assert remote.load("#12:0")["pop"] == 5
    r = _sql(remote, "ALTER CLASS City STRICTMODE false")
    assert r.kind in ("value", "none")
    with pytest.raises(OrientError):
        _sql(remote, "SELECT FROM Nowhere")


def test_buffered_transaction(remote) -> None:
    _sql(remote, "CREATE CLASS T")
    _sql(remote, "CREATE PROPERTY T.k STRING")
    _sql(remote, "CREATE INDEX T.k UNIQUE")
    assert _sql(remote, "BEGIN").kind == "none" and remote.in_transaction
    _sql(remote, "INSERT INTO T SET k = 'a'")
    _sql(remote, "INSERT INTO T SET k = 'b'")
    assert remote.tx_entries == 2
    with pytest.raises(TransactionError):
        _sql(remote, "SELECT FROM T")
    with pytest.raises(TransactionError):
        _sql(remote, "BEGIN")
    _sql(remote, "COMMIT")
    assert not remote.in_transaction and remote.count_class("T") == 2
    _sql(remote, "BEGIN")
    _sql(remote, "INSERT INTO T SET k = 'c'")
    _sql(remote, "ROLLBACK")
    assert remote.count_class("T") == 2
    _sql(remote, "BEGIN")
    _sql(remote, "INSERT INTO T SET k = 'd'")
    _sql(remote, "INSERT INTO T SET k = 'a'")
    with pytest.raises(OrientError, match="transaction rolled back"):
        _sql(remote, "COMMIT")
    assert remote.count_class("T") == 2 and not remote.in_transaction
    with pytest.raises(TransactionError):
        remote.commit()
    with pytest.raises(OrientError, match="parameters"):
        remote.execute(parse("SELECT FROM T"), {"x": 1}, "SELECT FROM T")


def test_server_helpers(server: ServerProcess) -> None:
    url = _url(server, "helper_db")
    db = create_remote(url, "root", server.root_password, storage="memory", db_type="graph")
    try:
        assert db.user_name == "root" and db.schema.get_class("V") is not None
        assert ("helper_db", "memory:helper_db") in db.list_databases()
    finally:
        db.close()
    srv = connect_server(_url(server), "root", server.root_password)
    assert ("helper_db", "memory:helper_db") in srv.list_databases()
    srv.close()
    drop_remote(url, "root", server.root_password)
    with pytest.raises(DatabaseNotFound):
        drop_remote(url, "root", server.root_password)
    with pytest.raises(DatabaseNotFound):
        open_remote(url, "admin", "admin")
    with pytest.raises(AuthenticationError):
        connect_server(_url(server), "root", "nope")
    with pytest.raises(OrientError, match="names no database"):
        open_remote(_url(server), "admin", "admin")


def test_connection_failures(tmp_path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(RemoteConnectionError, match="connection refused"):
        open_remote(registry.parse_url(f"remote:127.0.0.1:{port}/x"), "admin", "admin")
    srv = start_server(tmp_path / "d")
    try:
        db = create_remote(registry.parse_url(f"{srv.url}/gone"), "root", srv.root_password, storage="memory")
        srv.proc.kill()
        srv.proc.wait(10)
        with pytest.raises(RemoteConnectionError) as info:
            _sql(db, "SELECT FROM V")
        assert "\n" not in str(info.value)
        db.close()
    finally:
        if srv.proc.poll() is None:
            srv.stop()


def test_protocol_too_old(tmp_path) -> None:
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def old_server() -> None:
        conn, _ = listener.accept()
        conn.sendall(struct.pack("!h", 19))
        conn.recv(100)
        conn.close()

    threading.Thread(target=old_server, daemon=True).start()
    url = registry.parse_url(f"remote:127.0.0.1:{listener.getsockname()[1]}/db")
    with pytest.raises(RemoteConnectionError, match="speaks protocol 19"):
        open_remote(url, "admin", "admin")
    listener.close()


def test_silent_server_times_out(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading
    import time

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    held: list[socket.socket] = []
    threading.Thread(target=lambda: held.append(listener.accept()[0]), daemon=True).start()
    monkeypatch.setenv("ORIENT_CONSOLE_TIMEOUT", "1")
    url = registry.parse_url(f"remote:127.0.0.1:{listener.getsockname()[1]}/db")
    started = time.monotonic()
    with pytest.raises(RemoteConnectionError, match="timed out"):
        open_remote(url, "admin", "admin")
    assert time.monotonic() - started < 10
    listener.close()
