"""Record contents through pyorient and the server: every type pyorient can send, SQL results, unknown classes.

What pyorient cannot represent (see console/remote/csv.py) is left out:
bytes come back as base64 text, sets as lists, datetimes lose milliseconds
on the way in, and embedded records cannot be sent at all.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyorient
import pytest
from pyorient import OrientRecordLink
from pyorient.otypes import OrientBinaryObject

from console.engine import registry
from console.engine.rid import RID
from console.engine.types import OType
from remote_server import ServerProcess


def _engine_view(server: ServerProcess, name: str, rid: str):
    """The record as the engine stored it (the plocal files, opened beside the server)."""
    db = registry.open(f"plocal:{server.directory / name}", "admin", "admin")
    try:
        return db.load(rid)
    finally:
        db.close()


@pytest.fixture
def plocal(server: ServerProcess):
    name = server.new_database("plocal")
    c = server.open(name)
    yield name, c
    c.close()
    root = server.root()
    root.db_drop(name)


def test_every_pyorient_type_round_trips(server: ServerProcess, plocal) -> None:
    name, c = plocal
    c.command("create class Everything")
    when = dt.datetime(2021, 3, 4, 5, 6, 7)
    values = {
        "text": 'quote " apostrophe \' backslash \\ nul \x00 end',
        "unicode": "grüße, 日本語, emoji 😀",
        "empty": "",
        "yes": True, "no": False,
        "int": -42, "big": 2 ** 40, "huge_negative": -(2 ** 40),
        "float": 0.1, "exp": 6.022e23, "tiny": 6.022e-23, "one_e25": 1e25,
        "decimal": Decimal("1234.5600"),
        "when": when, "day": dt.date(2020, 2, 29),
        "list": [1, "two", 3.5, True], "nested": [[1, "abc"], {"k": [1, 2]}],
        "map": {"en": "english", "n": 2, "deep": {"x": [1]}},
        "link": OrientRecordLink("6:0"), "links": [OrientRecordLink("6:0"), OrientRecordLink("6:1")],
        "blob": OrientBinaryObject("AAEC/w=="),
        "nothing": None,
    }
    rec = c.record_create(12, {"@Everything": dict(values)})
    assert rec._rid == "#12:0"
    back = c.record_load(rec._rid)
    data = back.oRecordData
    assert back._class == "Everything" and back._version == 1
    for key in ("text", "unicode", "empty", "yes", "no", "int", "big", "huge_negative", "float", "exp", "tiny",
                "one_e25", "decimal", "when", "day", "list", "nested", "map", "nothing"):
        assert data[key] == values[key], key
        assert type(data[key]) is type(values[key]), key
    assert data["link"].get_hash() == "#6:0"
    assert [x.get_hash() for x in data["links"]] == ["#6:0", "#6:1"]
    assert data["blob"] == "AAEC/w=="  # pyorient hands binary back as its base64 text

    stored = _engine_view(server, name, "#12:0")
    assert stored.type_of("big") is OType.LONG and stored.type_of("int") is OType.INTEGER
    assert stored.type_of("decimal") is OType.DECIMAL and stored["decimal"] == Decimal("1234.5600")
    assert stored.type_of("when") is OType.DATETIME and stored.type_of("day") is OType.DATE
    assert stored["when"].timestamp() == when.timestamp()
    assert stored["day"] == dt.date(2020, 2, 29)
    assert stored.type_of("blob") is OType.BINARY and stored["blob"] == b"\x00\x01\x02\xff"
    assert stored.type_of("links") is OType.LINKLIST and stored["links"] == [RID(6, 0), RID(6, 1)]
    assert stored["text"] == values["text"] and stored["nothing"] is None


def test_strings_in_plain_dicts_are_sent_unescaped(client) -> None:
    """pyorient escapes only top-level strings of the '@Class' form; the server copes with stray quotes.

    A raw backslash in such a string cannot be told from an escape: ``\\s`` reads as ``s``.
    """
    rec = client.record_create(3, {"a": 'x"y', "b": ["q\"uote", "two", 'end"'], "c": {"k": 'in"side'}})
    back = client.record_load(rec._rid).oRecordData
    assert back == {"a": 'x"y', "b": ["q\"uote", "two", 'end"'], "c": {"k": 'in"side'}}


def test_typed_values_sent_by_the_server(client) -> None:
    client.command("create class T")
    client.command("create property T.s short")
    client.command("create property T.b byte")
    client.command("insert into T set l = 5L, f = 1.5f, s = 3, b = 4, c = 2.50c, d = 2.5, "
                   "dt = date('2015-01-02 03:04:05'), e = [1, 2], m = {'a': {'b': null}}")
    r = client.query("select from T")[0].oRecordData
    assert r["l"] == 5 and r["s"] == 3 and r["b"] == 4 and r["f"] == 1.5 and r["d"] == 2.5
    assert r["c"] == Decimal("2.50") and isinstance(r["c"], Decimal)
    assert isinstance(r["dt"], dt.datetime)
    assert r["e"] == [1, 2] and r["m"] == {"a": {"b": None}}


def test_content_json_and_numbers(client) -> None:
    rec = client.command('create vertex v content {"abcdef":false,"qwerty":TRUE}')
    assert rec[0].abcdef is False and rec[0].qwerty is True and rec[0]._rid == "#10:0"
    assert client.query("select from v")[0].qwerty is True
    for content, key, kind in (("{'longitude': 1.1}", "longitude", float), ("{'longitude': -1.1}", "longitude", float),
                               ("{'longNum': 5356336298435356336}", "longNum", int),
                               ("{'sciNum': 6.022E23}", "sciNum", float), ("{'sciNum': 6.022E-23}", "sciNum", float)):
        value = client.command(f"CREATE VERTEX V CONTENT {content}")[0].oRecordData[key]
        assert isinstance(value, kind), content
    assert client.command("CREATE VERTEX V CONTENT {'longNum': 5356336298435356336}")[0].longNum \
        == 5356336298435356336


def test_nested_contents(client) -> None:
    res = client.command('create vertex v content {"b":[[1,{"dx":[1,2]},"abc"]],"a":{},"d":[12],"c":["x"],"s":111}')
    data = res[0].oRecordData
    assert data["b"] == [[1, {"dx": [1, 2]}, "abc"]] and data["a"] == {} and data["d"] == [12]
    assert data["c"] == ["x"] and data["s"] == 111
    res = client.command('create vertex v content {"a":[[1,2],[3,4],[5,6],null]}')
    assert res[0].oRecordData["a"] == [[1, 2], [3, 4], [5, 6], None]
    res = client.command("CREATE VERTEX V SET mapInList = [ {'one': 2, 'three': 4 } ]")
    assert res[0].oRecordData["mapInList"] == [{"one": 2, "three": 4}]
    res = client.command("CREATE VERTEX V CONTENT {'a': [ { 'b': [], 'c': [] } ] }")
    assert res[0].oRecordData["a"] == [{"b": [], "c": []}]
    res = client.command('CREATE VERTEX V CONTENT {"scenario": "a \\"quote\\" follows"}')
    assert res[0].oRecordData["scenario"] == 'a "quote" follows'


def test_utf8_through_commands(client) -> None:
    client.command("create class Doc")
    client.command("insert into Doc set text = 'Ỳ ỳ Ỵ ỵ Ỷ ỷ Ỹ ỹ ... ℓ № ™ 😀'")
    assert client.query("select from Doc where text like 'Ỳ%'")[0].text == "Ỳ ỳ Ỵ ỵ Ỷ ỷ Ỹ ỹ ... ℓ № ™ 😀"


def test_sql_functions_and_maps(client) -> None:
    x = client.query("SELECT DATE('2015-01-02 03:04:05') AS DATE")[0].oRecordData
    assert isinstance(x["DATE"], dt.datetime)
    assert x["DATE"].timestamp() == dt.datetime(2015, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc).timestamp()
    client.command("create class test_embed extends V")
    client.command("create vertex test_embed set embMap = {'en': 'english','it':'italian', 'ru': 'russian'}")
    keys = client.query("SELECT embMap.keys() AS embMap FROM test_embed")[0].oRecordData["embMap"]
    assert sorted(keys) == ["en", "it", "ru"]
    users = client.query("select from oUser")
    assert len(users) == 3 and all(u.oRecordData["roles"][0].clusterID == "5" for u in users)
    assert client.command("select count(*) as n from OUser")[0].n == 3


def test_command_result_kinds(client) -> None:
    assert client.command("create class K") == [12]  # 'w': the number of classes
    assert client.command("create property K.name string") == [1]
    one = client.command("insert into K set name = 'a'")  # 'r'
    assert len(one) == 1 and one[0]._rid == "#12:0"
    many = client.command("insert into K (name) values ('b'), ('c')")  # 'l'
    assert [r.name for r in many] == ["b", "c"]
    assert client.command("update K set x = 1") == [3]  # 'w' count
    assert client.command("update K set x = 2 where name = 'none'") == [0]
    assert client.command("delete from K where name = 'c'") == [1]
    assert client.command("alter class K strictmode false") is None  # 'n'
    assert client.command("select from K where name = 'none'") == []


def test_unknown_class_takes_a_free_cluster(client) -> None:
    cid = client.data_cluster_add("packages", pyorient.CLUSTER_TYPE_PHYSICAL)
    x = client.record_create(cid, {"@Package": {"name": "foo", "version": "1.0.0", "rid": "this_is_fake"}})
    assert x._rid == f"#{cid}:0" and x._class == "Package" and x._version == 1
    assert (x.name, x.version, x.rid) == ("foo", "1.0.0", "this_is_fake")
    back = client.record_load(x._rid)
    assert back._class == "Package" and back.oRecordData == {"name": "foo", "version": "1.0.0", "rid": "this_is_fake"}
    assert [r._rid for r in client.query("select from Package")] == [x._rid]
    y = client.record_create(cid, {"@Package": {"name": "bar"}})  # the class exists now
    assert y._rid == f"#{cid}:1"


def test_unknown_class_in_a_taken_cluster_gets_its_own(client) -> None:
    x = client.record_create(10, {"@Thing": {"name": "foo"}})  # cluster 10 belongs to V
    cluster = int(x._rid[1:].split(":")[0])
    assert cluster not in (10, 3) and x._class == "Thing"
    assert client.record_load(x._rid)._class == "Thing"
    z = client.record_create(-1, {"@Other": {"n": 1}})
    assert client.record_load(z._rid)._class == "Other"
    d = client.record_create(3, {"@InDefault": {"n": 1}})  # system clusters are never taken
    assert not d._rid.startswith("#3:")
    assert [r.n for r in client.query("select from cluster:default")] == []


def test_unknown_class_needs_schema_rights(server: ServerProcess, dbname: str) -> None:
    writer = server.open(dbname, "writer", "writer")
    with pytest.raises(pyorient.PyOrientSecurityAccessException):
        writer.record_create(-1, {"@Forbidden": {"n": 1}})
    assert writer.record_create(3, {"n": 1})._rid == "#3:0"
    reader = server.open(dbname, "reader", "reader")
    with pytest.raises(pyorient.PyOrientSecurityAccessException):
        reader.record_create(3, {"n": 1})
    assert reader.record_load("#3:0").n == 1


def test_projection_names_for_orient_console_clients(server: ServerProcess, dbname: str) -> None:
    """A client that identifies as orient-console keeps OrientDB 3's '@rid' names."""
    c = server.client()
    c.db_open(dbname, "admin", "admin", "graph", "orient-console")
    c.command("create vertex V set a = 1")
    assert set(c.query("select @rid, a from V")[0].oRecordData) == {"@rid", "a"}
