"""``orient-console serve`` driven by the unmodified pyorient 1.5.5: the calls of its README and tests.

Cluster ids differ from OrientDB 2.2's sample databases (our new databases
have OrientDB 3's layout: ``default`` is 3, ``v`` is 10, the first class
created gets 12), so the tests use the ids the server reports.
"""

from __future__ import annotations

import re

import pyorient
import pytest
from pyorient import OrientRecord, OrientRecordLink
from pyorient.messages.cluster import DataClusterDataRangeMessage
from pyorient.messages.connection import ConnectMessage
from pyorient.messages.database import DbCloseMessage, DbCreateMessage, DbDropMessage, DbOpenMessage
from pyorient.orient import OrientSocket

from remote_server import ServerProcess


# --- server operations -------------------------------------------------------------------------

def test_connect_returns_a_session(server: ServerProcess) -> None:
    c = server.client()
    sid = c.connect("root", server.root_password)
    assert isinstance(sid, int) and sid != -1
    assert c._connection.protocol == 36


def test_connect_needs_the_server_user(server: ServerProcess, dbname: str) -> None:
    with pytest.raises(pyorient.PyOrientSecurityAccessException):
        server.client().connect("root", "wrong")
    with pytest.raises(pyorient.PyOrientSecurityAccessException):
        server.client().connect("admin", "admin")  # a database user is not a server user


def test_database_life_cycle(server: ServerProcess) -> None:
    c = server.root()
    for storage in (pyorient.STORAGE_TYPE_MEMORY, pyorient.STORAGE_TYPE_PLOCAL):
        name = f"life_{storage}"
        assert c.db_exists(name, storage) is False
        c.db_create(name, pyorient.DB_TYPE_GRAPH, storage)
        assert c.db_exists(name, storage) is True
        assert c.db_exists(name) is True  # resolved by name whatever the storage argument
        listed = c.db_list().oRecordData["databases"]
        assert listed[name] == (f"memory:{name}" if storage == "memory" else f"plocal:{server.directory / name}")
        with pytest.raises(pyorient.PyOrientDatabaseException):
            c.db_create(name, pyorient.DB_TYPE_GRAPH, storage)
        c.db_drop(name)  # default storage argument "plocal", as pyorient's tests call it
        assert c.db_exists(name) is False
    if storage == "plocal":
        assert not (server.directory / "life_plocal").exists()


def test_drop_of_a_missing_database_is_a_plain_command_exception(server: ServerProcess) -> None:
    c = server.root()
    with pytest.raises(pyorient.PyOrientCommandException) as info:
        c.db_drop("no_such_database")
    assert type(info.value) is pyorient.PyOrientCommandException
    assert "OStorageException" in str(info.value) and "does not exist" in str(info.value)


def test_create_and_drop_need_connect(server: ServerProcess) -> None:
    connection = OrientSocket(server.host, server.port)
    with pytest.raises(pyorient.PyOrientException):
        DbCreateMessage(connection).prepare(("x_no_connect", "graph", "memory")).send().fetch_response()
    connection = OrientSocket(server.host, server.port)
    with pytest.raises(pyorient.PyOrientException):
        DbDropMessage(connection).prepare(["x_no_connect"]).send().fetch_response()


def test_db_create_leaves_the_database_attached(server: ServerProcess) -> None:
    """Commands and record creates straight after DB_CREATE, with no DB_OPEN (test_linkSet.testLinkList)."""
    c = server.root()
    c.db_create("attached", pyorient.DB_TYPE_GRAPH, pyorient.STORAGE_TYPE_MEMORY)
    try:
        for i in range(4):
            c.command(f"insert into V set key1 = 'row{i}'")
        links = [OrientRecordLink(f"10:{i}") for i in range(4)]
        rec = c.record_create(10, {"test": links, "key1": "row4"})
        assert rec._rid == "#10:4"
        loaded = c.record_load(rec._rid)
        assert [x.get_hash() for x in loaded.oRecordData["test"]] == [f"#10:{i}" for i in range(4)]
    finally:
        c.db_drop("attached")


def test_connect_then_open_then_connect_on_one_socket(server: ServerProcess, dbname: str) -> None:
    factory = pyorient.OrientDB(server.host, server.port)
    factory.get_message(pyorient.CONNECT).prepare(("root", server.root_password)).send().fetch_response()
    clusters = factory.get_message(pyorient.DB_OPEN).prepare((dbname, "admin", "admin", "graph", "")) \
        .send().fetch_response()
    assert clusters
    factory.get_message(pyorient.CONNECT).prepare(("root", server.root_password)).send().fetch_response()
    assert factory.get_message(pyorient.DB_EXIST).prepare([dbname, "memory"]).send().fetch_response() is True


def test_db_open_as_the_server_user(server: ServerProcess, dbname: str) -> None:
    c = server.client()
    c.db_open(dbname, "root", server.root_password)
    assert len(c.query("select from OUser")) == 3


def test_db_open_reports_clusters_and_version(server: ServerProcess, dbname: str) -> None:
    c = server.client()
    clusters = c.db_open(dbname, "admin", "admin")
    names = [(x.name, x.id) for x in clusters]
    assert names[:4] == [(b"internal", 0), (b"index", 1), (b"manindex", 2), (b"default", 3)]
    assert (b"v", 10) in names and (b"e", 11) in names
    assert (c.version.major, c.version.minor, c.version.build) == (2, 2, 37)
    assert c.db_reload() == clusters


def test_db_open_wrong_password_and_missing_database(server: ServerProcess, dbname: str) -> None:
    with pytest.raises(pyorient.PyOrientSecurityAccessException):
        server.client().db_open(dbname, "admin", "nope")
    with pytest.raises(pyorient.PyOrientCommandException) as info:
        server.client().db_open("missing_db", "admin", "admin")
    assert "does not exist" in str(info.value)


def test_size_count_and_close(server: ServerProcess, client) -> None:
    assert client.db_size() > 0
    before = client.db_count_records()
    assert before >= 6  # users and roles
    client.command("create vertex V set n = 1")
    assert client.db_count_records() == before + 1
    client.db_close()
    assert client._connection.connected is False


def test_db_close_has_no_response(server: ServerProcess, dbname: str) -> None:
    connection = OrientSocket(server.host, server.port)
    ConnectMessage(connection).prepare(("root", server.root_password)).send().fetch_response()
    assert DbCloseMessage(connection).prepare(None).send().fetch_response() == 0


# --- clusters ------------------------------------------------------------------------------------

def test_data_clusters(client) -> None:
    new_id = client.data_cluster_add("my_cluster_1234567", pyorient.CLUSTER_TYPE_PHYSICAL)
    assert new_id > 11
    reloaded = client.db_reload()
    assert (b"my_cluster_1234567", new_id) in [(x.name, x.id) for x in reloaded]
    assert client.data_cluster_count([new_id]) == 0
    rec = client.record_create(new_id, {"a": 1})
    assert rec._rid == f"#{new_id}:0"
    assert client.data_cluster_count([new_id, 3], True) == 1
    range_msg = client.get_message("DataClusterDataRangeMessage")
    assert range_msg.prepare(new_id).send().fetch_response() == [0, 0]
    for cluster in reloaded:  # pyorient's data_cluster_data_range() always asks for cluster 0
        assert client.data_cluster_data_range(cluster.id) == [-1, -1]
    assert client.data_cluster_drop(new_id) is True
    assert client.data_cluster_drop(new_id) is False
    assert new_id not in [x.id for x in client.db_reload()]


def test_bad_data_range(server: ServerProcess, dbname: str) -> None:
    connection = OrientSocket(server.host, server.port)
    DbOpenMessage(connection).prepare((dbname, "admin", "admin", "graph", "")).send().fetch_response()
    with pytest.raises(pyorient.PyOrientCommandException) as info:
        DataClusterDataRangeMessage(connection).prepare(32767).send().fetch_response()
    assert "IndexOutOfBoundsException" in str(info.value)


# --- records ---------------------------------------------------------------------------------------

def test_record_create_load_update_delete(client) -> None:
    cluster_id = client.command("create class my_class extends V")[0]
    assert cluster_id == 12  # the number of classes, which is also the new class's cluster
    rec = {"@my_class": {"accommodation": "house", "work": "office", "holiday": "sea"}}
    created = client.record_create(cluster_id, rec)
    assert created._rid == "#12:0" and created._version == 1
    loaded = client.record_load(created._rid)
    assert loaded._rid == "#12:0" and loaded._class == "my_class" and loaded._version == 1
    assert loaded.oRecordData == {"accommodation": "house", "work": "office", "holiday": "sea"}

    rec3 = {"@my_class": {"accommodation": "hotel", "work": "home", "holiday": "hills"}}
    updated = client.record_update(created._rid, created._rid, rec3, created._version)
    assert updated[0]._version == 2
    again = client.record_load(created._rid, "*:-1", lambda r: None)
    assert again.oRecordData == {"accommodation": "hotel", "work": "home", "holiday": "hills"}
    assert again._version == 2

    only = client.record_update(created._rid, created._rid, {"@my_class": {"x": 1}})
    assert only[0]._version == 3
    assert client.record_load(created._rid).oRecordData == {"x": 1}  # the content is replaced

    assert client.record_delete(cluster_id, created._rid) is True
    assert client.record_delete(cluster_id, created._rid) is False
    assert client.record_delete(1, 11111) is False
    assert client.record_load(created._rid)._rid is None
    assert client.query("select from my_class", 10, "*:0") == []


def test_record_positions_are_not_reused(client) -> None:
    a = client.record_create(3, {"n": 1})
    client.record_delete(3, a._rid)
    b = client.record_create(3, {"n": 2})
    assert (a._rid, b._rid) == ("#3:0", "#3:1")


def test_record_without_class_goes_to_default_or_the_given_cluster(client) -> None:
    rec = client.record_create(3, {"a": 1, "b": 2, "c": 3})
    assert rec._rid == "#3:0" and rec.a == 1
    res = client.query("select from " + rec._rid)
    assert res[0]._rid == "#3:0" and res[0]._class is None and res[0].oRecordData == {"a": 1, "b": 2, "c": 3}
    other = client.record_create(1, {"alloggio": "casa"})  # a cluster of no class
    assert re.match(r"#1:\d+", other._rid)


def test_record_version_check(client) -> None:
    rec = client.record_create(3, {"v": 1})
    client.record_update(rec._rid, rec._rid, {"v": 2}, 1, "d", 1)  # version policy 1: checked
    with pytest.raises(pyorient.PyOrientCommandException) as info:
        client.record_update(rec._rid, rec._rid, {"v": 3}, 1, "d", 1)
    assert "OConcurrentModificationException" in str(info.value)
    client.record_update(rec._rid, rec._rid, {"v": 4})  # -1: no check
    assert client.record_load(rec._rid).v == 4
    with pytest.raises(pyorient.PyOrientCommandException) as info:
        client.record_delete(3, rec._rid, 1)
    assert "OConcurrentModificationException" in str(info.value)
    assert client.record_delete(3, rec._rid, 3) is True


# --- commands and queries -----------------------------------------------------------------------

def _vertices(client, n: int) -> None:
    client.batch(";".join(f"create vertex V set i = {i}" for i in range(n)))


def test_query_limits(client) -> None:
    _vertices(client, 60)
    assert len(client.query("select from V Limit 1")) == 1
    assert len(client.query("select from V Limit 51")) == 51
    assert len(client.query("select from V lIMit 51")) == 51
    assert len(client.query("select from V limit 1")) == 1
    assert len(client.query("select from V", 25)) == 25
    assert len(client.query("select from V limit 21", 10)) == 21
    assert len(client.query("select from V LIMIT 21", 10)) == 21
    assert len(client.query("select from V")) == 20
    assert len(client.query("select from V", -1)) == 60
    assert len(client.command("select from V")) == 60  # command() sends no limit


def test_query_async_with_callback(client) -> None:
    _vertices(client, 450)  # more than one batch of streamed records
    seen: list[OrientRecord] = []
    assert client.query_async("select from V", -1, "*:0", seen.append) is None
    assert len(seen) == 450 and all(isinstance(r, OrientRecord) for r in seen)
    assert sorted(r.i for r in seen) == list(range(450))
    seen.clear()
    assert client.query_async("select from V", 10, "*:0", seen.append) is None
    assert len(seen) == 10
    seen.clear()
    assert client.query_async("select from V where i = -5", 10, "*:0", seen.append) is None
    assert seen == []
    client.command("create vertex V set after = true")  # the stream ended cleanly


def test_select_record_attributes_and_projections(client) -> None:
    client.command("create class my_v_class extends V")
    one = client.record_create(12, {"@my_v_class": {"accommodation": "house", "holiday": "sea"}})
    two = client.record_create(12, {"@my_v_class": {"accommodation": "house", "holiday": "sea3"}})
    res = client.command("create edge from " + one._rid + " to " + two._rid)
    assert isinstance(res[0]._in, OrientRecordLink) and res[0]._in.get_hash() == two._rid
    assert res[0]._out.get_hash() == one._rid
    result = client.query("select @rid, @version, holiday from V")
    assert result[0].oRecordData["rid"].get() == "12:0"
    assert result[0].rid.get_hash() == one._rid and result[1].rid.get_hash() == two._rid
    assert result[0].holiday == "sea" and result[0].version == 2
    assert re.match(r"#-?\d+:\d+", result[0]._rid)
    x = client.command("insert into V ( rid, version, model, ciao ) values ('test_rid', 'V1', '1123', 1234)")
    assert x[0].ciao == 1234 and x[0]._rid == "#10:0"
    x = client.command("select rid, @rid, model, ciao from V where ciao = 1234")
    assert x[0].rid == "test_rid" and x[0].rid2.get_hash() == "#10:0"
    assert x[0].model == "1123" and x[0].ciao == 1234


def test_graph_example_from_the_readme(client) -> None:
    client.command("create class Animal extends V")
    client.command("insert into Animal set name = 'rat', specie = 'rodent'")
    assert [r.name for r in client.query("select * from Animal")] == ["rat"]
    client.command("create class Food extends V")
    client.command("insert into Food set name = 'pea', color = 'green'")
    client.command("create class Eat extends E")
    edges = client.command("create edge Eat from (select from Animal where name = 'rat') to "
                           "(select from Food where name = 'pea')")
    assert len(edges) == 1 and edges[0]._class == "Eat"
    eaters = client.command("select expand( in( Eat )) from Food where name = 'pea'")
    assert [(a.name, a.specie) for a in eaters] == [("rat", "rodent")]
    foods = client.command("select expand( out( Eat )) from Animal")
    assert [(f.name, f.color) for f in foods] == [("pea", "green")]
    animal = client.query("select name from ( select expand( in('Eat') ) from Food where name = 'pea' )")[0]
    assert animal.name == "rat"


def test_batch_script_returns_the_last_result(client) -> None:
    client.command("create vertex V set first = true")
    cmd = ("begin;"
           "let a = create vertex set script = true;"
           "let b = select from v limit 1;"
           "let e = create edge from $a to $b;"
           "commit retry 100;")
    edge = client.batch(cmd)
    assert isinstance(edge[0]._in, OrientRecordLink) and edge[0]._in.get_hash() == "#10:0"
    assert isinstance(edge[0]._out, OrientRecordLink) and edge[0]._out.get_hash() == "#10:1"
    client.command("create class fb extends V")
    client.command("create class response extends V")
    client.command("create class followed_by extends E")
    client.batch("begin;let a = create vertex fb set name = 'd1';let b = create vertex response set name = 'a1';"
                 "create edge followed_by from $a to $b;commit;")
    assert len(client.query("select from followed_by")) == 1
    with pytest.raises(pyorient.PyOrientCommandException):  # no target vertex: fails, as on OrientDB 2.1+
        client.batch("begin;let a = create vertex fb set name = 'd2';let c = select from fb limit 1;"
                     "let d = select from response where name = 'none';let e = create edge from $c to $d;commit;")
    assert [r.name for r in client.query("select from fb")] == ["d1"]  # the failed script left nothing
    assert client.batch("let x = select from fb;return $x")[0].name == "d1"
    assert client.batch("return 6 * 7") == [42]


def test_gremlin_is_refused(client) -> None:
    with pytest.raises(pyorient.PyOrientCommandException) as info:
        client.gremlin("g.V.outE('followed_by')[0]")
    assert type(info.value) is pyorient.PyOrientCommandException
    assert "OCommandExecutorNotFoundException" in str(info.value)


# --- transactions --------------------------------------------------------------------------------

def test_tx_commit_creates_updates_deletes(client) -> None:
    real1 = client.record_create(3, {"alloggio": "baita", "lavoro": "no", "vacanza": "lago"})
    real2 = client.record_create(3, {"alloggio": "baita", "lavoro": "no", "vacanza": "deserto"})
    tx = client.tx_commit()
    tx.begin()
    upd = client.record_update(3, real1._rid, {"alloggio": "albergo", "lavoro": "ufficio", "vacanza": "montagna"},
                               real1._version)
    c1 = client.record_create(-1, {"alloggio": "casa", "lavoro": "ufficio", "vacanza": "mare"})
    c2 = client.record_create(-1, {"alloggio": "baita", "lavoro": "no", "vacanza": "lago"})
    dele = client.record_delete(3, real2._rid)
    tx.attach(c1)
    tx.attach(c1)
    tx.attach(c2)
    tx.attach(upd)
    tx.attach(dele)
    res = tx.commit()
    assert set(res) == {"#3:0", "#3:2", "#3:3", "#3:4"}
    assert res["#3:0"].vacanza == "montagna"
    # created in reverse attach order, as OrientDB 2.2.9 and later do
    assert (res["#3:2"].vacanza, res["#3:3"].vacanza, res["#3:4"].vacanza) == ("lago", "mare", "mare")
    stored = {r._rid: (r.vacanza, r._version) for r in client.query("select from cluster:default")}
    assert stored == {"#3:0": ("montagna", 2), "#3:2": ("lago", 1), "#3:3": ("mare", 1), "#3:4": ("mare", 1)}


def test_tx_update_then_delete_is_not_reported(client) -> None:
    real = client.record_create(3, {"vacanza": "lago"})
    tx = client.tx_commit()
    tx.begin()
    upd = client.record_update(3, real._rid, {"vacanza": "montagna"}, real._version)
    c1 = client.record_create(-1, {"vacanza": "mare"})
    c2 = client.record_create(-1, {"vacanza": "lago"})
    dele = client.record_delete(3, real._rid)
    for m in (upd, c1, c1, c2, dele):
        tx.attach(m)
    res = tx.commit()
    assert len(res) == 3 and real._rid not in res
    assert client.record_load(real._rid)._rid is None


def test_tx_rolls_back_on_error(client) -> None:
    client.command("create class Person")
    client.command("create property Person.email string")
    client.command("create index Person.email unique")
    client.command("insert into Person set email = 'a@x'")
    keep = client.record_create(3, {"n": 1})
    tx = client.tx_commit()
    tx.begin()
    ok = client.record_create(-1, {"@Person": {"email": "b@x"}})
    dup = client.record_create(-1, {"@Person": {"email": "a@x"}})
    upd = client.record_update(3, keep._rid, {"n": 2}, keep._version)
    for m in (ok, upd, dup):
        tx.attach(m)
    with pytest.raises(pyorient.PyOrientORecordDuplicatedException):
        tx.commit()
    assert [r.email for r in client.query("select from Person")] == ["a@x"]
    assert client.record_load(keep._rid).n == 1
    tx = client.tx_commit()  # the session is usable afterwards
    tx.begin()
    tx.attach(client.record_create(-1, {"@Person": {"email": "c@x"}}))
    assert len(tx.commit()) == 1


def test_tx_rollback_on_the_client_sends_nothing(client) -> None:
    tx = client.tx_commit()
    tx.begin()
    tx.attach(client.record_create(-1, {"n": 1}))
    tx.rollback()
    assert client.query("select from cluster:default") == []


# --- token sessions ------------------------------------------------------------------------------

def test_token_session_and_reconnect(server: ServerProcess, dbname: str) -> None:
    c = server.client()
    c.set_session_token(True)
    c.db_open(dbname, "admin", "admin")
    c.command("create vertex V set name = 'tok'")
    assert isinstance(c.query("select from V limit 2")[0], OrientRecord)
    token = c.get_session_token()
    assert token not in (None, "", b"", True, False)

    again = server.client()  # a new socket: session -1 and the saved token, no handshake
    assert again.get_session_token() == b""
    again.set_session_token(token)
    assert again.query("select from V limit 2")[0].name == "tok"
    assert again.record_load("#10:0").name == "tok"

    with pytest.raises(pyorient.PyOrientException):  # a database token is no server login
        fresh = server.client()
        fresh.set_session_token(token)
        fresh.db_exists(dbname)

    root = server.client()
    root.set_session_token(token)
    root.connect("root", server.root_password)
    assert root.get_session_token() != token
    assert root.db_exists(dbname) is True

    renewed = server.client()
    renewed.set_session_token(True)
    renewed.db_open(dbname, "admin", "admin")
    assert renewed.get_session_token() not in (token, b"")


def test_invalid_token_is_refused(server: ServerProcess) -> None:
    c = server.client()
    c.set_session_token(b"OCT1" + b"x" * 28)
    with pytest.raises(pyorient.PyOrientSecurityAccessException):
        c.query("select from V")


def test_token_session_sees_a_dropped_database(server: ServerProcess) -> None:
    name = server.new_database()
    c = server.client()
    c.set_session_token(True)
    c.db_open(name, "admin", "admin")
    root = server.root()
    root.db_drop(name)
    with pytest.raises(pyorient.PyOrientDatabaseException) as info:
        c.query("select from V")
    assert "dropped" in str(info.value)
