"""Indexes: uniqueness (also across subclasses and in transactions), lookups, kinds."""

from __future__ import annotations

import pytest

from console.engine.rid import RID
from console.errors import SchemaError, UniqueViolation


def _lookup(db, name, op, *values):
    ix = db.schema.index(name)
    return sorted(RID.from_key(k) for k in db.index_lookup(ix, op, values))


def test_unique_index_enforced_and_lookup(db):
    db.create_class("P")
    db.create_property("P", "email", "STRING")
    db.create_index("P.email", "P", ["email"], "UNIQUE")
    a = db.insert("P", {"email": "a@x"})
    with pytest.raises(UniqueViolation) as err:
        db.insert("P", {"email": "a@x"})
    assert "P.email" in str(err.value) and str(a.rid) in str(err.value)
    assert db.count_class("P") == 1
    assert _lookup(db, "P.email", "=", "a@x") == [a.rid]
    a["email"] = "b@x"
    db.update(a)
    assert _lookup(db, "P.email", "=", "a@x") == []
    db.insert("P", {"email": "a@x"})
    db.delete(a.rid)
    assert _lookup(db, "P.email", "=", "b@x") == []


def test_unique_across_subclasses(db):
    db.create_class("Base")
    db.create_property("Base", "code", "STRING")
    db.create_index("Base.code", "Base", ["code"], "UNIQUE")
    db.create_class("Sub", ["Base"])
    db.insert("Base", {"code": "x"})
    with pytest.raises(UniqueViolation):
        db.insert("Sub", {"code": "x"})


def test_unique_inside_transaction(db):
    db.create_class("T")
    db.create_property("T", "k", "INTEGER")
    db.create_index("T.k", "T", ["k"], "UNIQUE")
    db.begin()
    db.insert("T", {"k": 1})
    with pytest.raises(UniqueViolation):
        db.insert("T", {"k": 1})
    db.rollback()
    assert db.count_class("T") == 0


def test_creating_unique_index_over_duplicates_fails_cleanly(db):
    db.create_class("D")
    db.create_property("D", "k", "INTEGER")
    db.insert("D", {"k": 1})
    db.insert("D", {"k": 1})
    with pytest.raises(UniqueViolation):
        db.create_index("D.k", "D", ["k"], "UNIQUE")
    assert db.schema.get_index("D.k") is None


def test_notunique_composite_and_range(db):
    db.create_class("C")
    db.create_property("C", "a", "STRING")
    db.create_property("C", "b", "INTEGER")
    db.create_index("C_ab", "C", ["a", "b"], "NOTUNIQUE")
    db.create_index("C.b", "C", ["b"], "NOTUNIQUE")
    r = [db.insert("C", {"a": "x", "b": i}).rid for i in range(5)]
    db.insert("C", {"a": "y", "b": 1})
    assert _lookup(db, "C_ab", "=", "x", 1) == [r[1]]
    assert _lookup(db, "C.b", ">=", 3) == [r[3], r[4]]
    assert _lookup(db, "C.b", "BETWEEN", 1, 2)[:2] == [r[1], r[2]]
    assert len(_lookup(db, "C.b", "IN", 0, 4)) == 2
    assert db.index_size("C_ab") == 6


def test_collate_ci_and_collection_and_fulltext(db):
    db.create_class("W")
    db.create_property("W", "name", "STRING", collate="ci")
    db.create_property("W", "tags", "EMBEDDEDLIST", linked_type="STRING")
    db.create_property("W", "text", "STRING")
    db.create_index("W.name", "W", ["name"], "UNIQUE")
    db.create_index("W.tags", "W", ["tags"], "NOTUNIQUE")
    db.create_index("W.text", "W", ["text"], "FULLTEXT")
    a = db.insert("W", {"name": "Alice", "tags": ["red", "blue"], "text": "The quick brown fox"})
    with pytest.raises(UniqueViolation):
        db.insert("W", {"name": "ALICE"})
    assert _lookup(db, "W.name", "=", "alice") == [a.rid]
    assert _lookup(db, "W.tags", "=", "blue") == [a.rid]
    assert _lookup(db, "W.text", "=", "quick") == [a.rid]
    assert _lookup(db, "W.text", "=", "the") == []  # stop word


def test_dictionary_index_keeps_last_writer(db):
    db.create_class("Dict")
    db.create_property("Dict", "k", "STRING")
    db.create_index("Dict.k", "Dict", ["k"], "DICTIONARY")
    db.insert("Dict", {"k": "a"})
    b = db.insert("Dict", {"k": "a"})
    assert _lookup(db, "Dict.k", "=", "a") == [b.rid]


def test_index_needs_property_and_known_type(db):
    db.create_class("N")
    with pytest.raises(SchemaError):
        db.create_index("N.x", "N", ["x"], "UNIQUE")
    db.create_property("N", "x", "STRING")
    with pytest.raises(SchemaError):
        db.create_index("N.x", "N", ["x"], "SPATIAL")
    db.create_index("N.x", "N", ["x"], "UNIQUE")
    with pytest.raises(SchemaError):
        db.create_index("N.x", "N", ["x"], "UNIQUE")
    with pytest.raises(SchemaError):
        db.drop_property("N", "x")
    db.drop_property("N", "x", force=True)
    assert db.schema.get_index("N.x") is None


def test_rebuild_index(db):
    db.create_class("R")
    db.create_property("R", "v", "INTEGER")
    db.insert_many("R", [{"v": i % 7} for i in range(100)])
    db.create_index("R.v", "R", ["v"], "NOTUNIQUE")
    assert db.index_size("R.v") == 100
    db.conn.execute(f'DELETE FROM "{db.schema.index("R.v").table}"')
    assert db.rebuild_index("R.v") == 100
    assert db.index_size("R.v") == 100


def test_links_are_one_key_each(db):
    """A LINK is one key (not its cluster id and position), so edges between the same
    vertices in opposite directions and links to records of one cluster do not collide."""
    db.create_class("P", ["V"])
    db.create_class("K", ["E"])
    db.create_property("K", "out", "LINK")
    db.create_property("K", "in", "LINK")
    db.create_index("K.out_in", "K", ["out", "in"], "UNIQUE")
    a, b = db.create_vertex("P", {"n": 1}), db.create_vertex("P", {"n": 2})
    ab = db.create_edge("K", a.rid, b.rid)
    ba = db.create_edge("K", b.rid, a.rid)
    with pytest.raises(UniqueViolation):
        db.create_edge("K", a.rid, b.rid)
    key = str  # a link's stored key: its text
    assert _lookup(db, "K.out_in", "=", key(a.rid), key(b.rid)) == [ab.rid]
    assert _lookup(db, "K.out_in", "=", key(b.rid), key(a.rid)) == [ba.rid]
    db.create_class("D")
    db.create_property("D", "ref", "LINK")
    db.create_index("D.ref", "D", ["ref"], "NOTUNIQUE")
    d = db.insert("D", {"ref": a.rid})
    db.insert("D", {"ref": b.rid})
    assert _lookup(db, "D.ref", "=", key(a.rid)) == [d.rid]
    assert db.conn.execute(f'SELECT count(*) FROM "{db.schema.index("D.ref").table}"').fetchone()[0] == 2
