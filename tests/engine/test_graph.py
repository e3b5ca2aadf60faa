"""Vertices and edges: link bags follow edge creation and deletion."""

from __future__ import annotations

import pytest

from console.engine import OType
from console.errors import RecordNotFound, ValidationError


@pytest.fixture
def graph(db):
    db.create_class("Person", ["V"])
    db.create_class("Knows", ["E"])
    return db


def test_edge_updates_both_vertices(graph):
    db = graph
    a = db.create_vertex("Person", {"name": "a"})
    b = db.create_vertex("Person", {"name": "b"})
    e = db.create_edge("Knows", a.rid, b.rid, {"since": 2020})
    assert e["out"] == a.rid and e["in"] == b.rid and e["since"] == 2020
    a2, b2 = db.load(a.rid), db.load(b.rid)
    assert a2["out_Knows"] == [e.rid] and a2.type_of("out_Knows") is OType.LINKBAG
    assert b2["in_Knows"] == [e.rid]
    assert a2.version == 2 and b2.version == 2


def test_base_edge_class_uses_plain_prefix(graph):
    db = graph
    a = db.create_vertex("Person")
    b = db.create_vertex("Person")
    e = db.create_edge("E", a.rid, b.rid)
    assert db.load(a.rid)["out_"] == [e.rid]
    assert db.load(b.rid)["in_"] == [e.rid]


def test_delete_edge_removes_it_from_vertices(graph):
    db = graph
    a, b = db.create_vertex("Person"), db.create_vertex("Person")
    e1 = db.create_edge("Knows", a.rid, b.rid)
    e2 = db.create_edge("Knows", a.rid, b.rid)
    db.delete_edge(e1.rid)
    assert db.load(a.rid)["out_Knows"] == [e2.rid]
    assert db.load(b.rid)["in_Knows"] == [e2.rid]


def test_delete_vertex_deletes_its_edges(graph):
    db = graph
    a, b, c = (db.create_vertex("Person", {"n": i}) for i in range(3))
    e1 = db.create_edge("Knows", a.rid, b.rid)
    e2 = db.create_edge("Knows", c.rid, a.rid)
    e3 = db.create_edge("Knows", b.rid, c.rid)
    db.delete_vertex(a.rid)
    assert db.load(e1.rid) is None and db.load(e2.rid) is None
    assert db.load(b.rid)["in_Knows"] == []
    assert db.load(c.rid)["out_Knows"] == []
    assert db.load(e3.rid) is not None


def test_self_loop(graph):
    db = graph
    a = db.create_vertex("Person")
    e = db.create_edge("Knows", a.rid, a.rid)
    v = db.load(a.rid)
    assert v["out_Knows"] == [e.rid] and v["in_Knows"] == [e.rid]
    db.delete_edge(e.rid)
    v = db.load(a.rid)
    assert v["out_Knows"] == [] and v["in_Knows"] == []


def test_edge_errors(graph):
    db = graph
    a = db.create_vertex("Person")
    doc = db.insert("OFunction", {"name": "f"})
    with pytest.raises(ValidationError):
        db.create_edge("Person", a.rid, a.rid)
    with pytest.raises(ValidationError):
        db.create_edge("Knows", a.rid, doc.rid)
    with pytest.raises(RecordNotFound):
        db.create_edge("Knows", a.rid, a.rid._replace(position=99))
    with pytest.raises(ValidationError):
        db.create_vertex("Knows")
    assert db.count_class("Knows") == 0


def test_updating_an_edge_end_moves_it_between_vertices(graph):
    db = graph
    a, b, c = (db.create_vertex("Person", {"name": n}) for n in "abc")
    e = db.create_edge("Knows", a.rid, b.rid)
    edge = db.load(e.rid)
    edge["in"] = c.rid
    db.repoint_edge(db.load(e.rid), edge)
    db.update(edge)
    assert db.load(b.rid).get("in_Knows") == []
    assert db.load(c.rid)["in_Knows"] == [e.rid]
    assert db.load(a.rid)["out_Knows"] == [e.rid]
    edge = db.load(e.rid)
    edge["out"] = [c.rid]  # a one-record list (a subquery's result) stands for the record
    db.repoint_edge(db.load(e.rid), edge)
    db.update(edge)
    assert db.load(e.rid)["out"] == c.rid
    assert db.load(a.rid).get("out_Knows") == [] and db.load(c.rid)["out_Knows"] == [e.rid]


@pytest.mark.parametrize("value, error", [
    (None, ValidationError), ("#1:1", ValidationError), ("missing", RecordNotFound), ("edge", ValidationError)])
def test_an_edge_end_must_be_an_existing_vertex(graph, value, error):
    db = graph
    a, b = db.create_vertex("Person"), db.create_vertex("Person")
    e = db.create_edge("Knows", a.rid, b.rid)
    target = {"missing": type(a.rid)(a.rid.cluster, 99), "edge": e.rid}.get(value, value)
    edge = db.load(e.rid)
    edge["in"] = target
    with pytest.raises(error):
        with db._write():  # one atomic block, as SQL UPDATE runs it
            db.repoint_edge(db.load(e.rid), edge)
            db.update(edge)
    assert db.load(b.rid)["in_Knows"] == [e.rid] and db.load(e.rid)["in"] == b.rid
