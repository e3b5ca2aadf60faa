"""Clusters, classes, inheritance, cluster selection, strict mode, constraints."""

from __future__ import annotations

import pytest

from console.engine import RID
from console.errors import (
    ConstraintViolation,
    SchemaError,
    UnknownClass,
    UnknownCluster,
    ValidationError,
)


def test_new_database_has_orientdb_31_system_schema(db):
    clusters = [(c.id, c.name) for c in db.schema.clusters]
    assert clusters == [(0, "internal"), (1, "index"), (2, "manindex"), (3, "default"),
                        (4, "osecuritypolicy"), (5, "orole"), (6, "ouser"), (7, "ofunction"),
                        (8, "osequence"), (9, "oschedule"), (10, "v"), (11, "e")]
    names = {c.name for c in db.schema.classes}
    assert {"V", "E", "OUser", "ORole", "OIdentity", "ORestricted", "OFunction", "OSequence",
            "OSchedule", "OTriggered"} <= names
    assert db.schema.cls("OIdentity").abstract
    assert db.schema.cls("OUser").superclasses == ("OIdentity",)
    assert db.count_class("OUser") == 3 and db.count_class("ORole") == 3


def test_cluster_ids_are_assigned_in_order_and_names_are_unique(db):
    a = db.create_cluster("alpha")
    b = db.create_cluster("beta")
    assert b == a + 1
    with pytest.raises(SchemaError):
        db.create_cluster("ALPHA")
    db.drop_cluster("alpha")
    c = db.create_cluster("gamma")
    assert c == b + 1  # dropped ids are not reused
    assert db.create_cluster("atid", 500) == 500
    with pytest.raises(SchemaError):
        db.create_cluster("dup", 500)
    with pytest.raises(UnknownCluster):
        db.drop_cluster("nope")


def test_clusters_n_gives_numbered_clusters_and_round_robin(db):
    cls = db.create_class("Person", clusters=3)
    names = [db.schema.cluster(i).name for i in cls.cluster_ids]
    assert names == ["person", "person_1", "person_2"]
    rids = [db.insert("Person", {"n": i}).rid for i in range(6)]
    assert [r.cluster for r in rids] == list(cls.cluster_ids) * 2
    assert [db.count_cluster(i) for i in cls.cluster_ids] == [2, 2, 2]


def test_default_cluster_selection(db):
    cls = db.create_class("D", clusters=3)
    db.alter_class("D", "CLUSTERSELECTION", "default")
    db.alter_class("D", "DEFAULTCLUSTER", cls.cluster_ids[1])
    assert {db.insert("D", {}).rid.cluster for _ in range(4)} == {cls.cluster_ids[1]}


def test_inheritance_and_polymorphic_browse(db):
    db.create_class("Animal", abstract=True)
    db.create_class("Pet")
    db.create_class("Dog", ["Animal", "Pet"])
    db.create_class("Puppy", ["Dog"])
    db.insert("Dog", {"name": "rex"})
    db.insert("Puppy", {"name": "bit"})
    db.insert("Pet", {"name": "fish"})
    assert sorted(d["name"] for d in db.browse_class("Animal")) == ["bit", "rex"]
    assert sorted(d["name"] for d in db.browse_class("Pet")) == ["bit", "fish", "rex"]
    assert [d["name"] for d in db.browse_class("Dog", polymorphic=False)] == ["rex"]
    assert db.count_class("Pet") == 3 and db.count_class("Pet", polymorphic=False) == 1
    assert db.schema.is_subclass("Puppy", "Animal")
    with pytest.raises(ValidationError):
        db.insert("Animal", {"name": "x"})


def test_inherited_properties_apply(db):
    db.create_class("Base")
    db.create_property("Base", "code", "INTEGER", mandatory=True)
    db.create_class("Child", ["Base"])
    with pytest.raises(ConstraintViolation) as err:
        db.insert("Child", {"x": 1})
    assert "Child.code" in str(err.value)
    assert db.insert("Child", {"code": "7"})["code"] == 7


def test_strict_mode(db):
    db.create_class("S")
    db.create_property("S", "a", "STRING")
    db.alter_class("S", "STRICTMODE", "true")
    db.insert("S", {"a": "ok"})
    with pytest.raises(ValidationError) as err:
        db.insert("S", {"a": "ok", "b": 1})
    assert "'b'" in str(err.value) and "strict" in str(err.value)


def test_constraints(db):
    db.create_class("P")
    db.create_property("P", "name", "STRING", mandatory=True, not_null=True, min="2", max="5",
                       regexp="[a-z]+")
    db.create_property("P", "age", "INTEGER", min="0", max="150")
    db.create_property("P", "code", "STRING", readonly=True)
    db.create_property("P", "status", "STRING", default="new")
    db.create_property("P", "tags", "EMBEDDEDLIST", max="2")
    cases = [
        ({"age": 1}, "mandatory"),
        ({"name": None}, "null"),
        ({"name": "a"}, "minimum"),
        ({"name": "abcdef"}, "maximum"),
        ({"name": "AB1"}, "pattern"),
        ({"name": "ann", "age": -1}, "minimum"),
        ({"name": "ann", "age": 151}, "maximum"),
        ({"name": "ann", "tags": [1, 2, 3]}, "maximum"),
    ]
    for fields, word in cases:
        with pytest.raises(ConstraintViolation) as err:
            db.insert("P", fields)
        assert word in str(err.value), (fields, str(err.value))
        assert "P." in str(err.value)
    doc = db.insert("P", {"name": "ann", "age": 3, "code": "X"})
    assert doc["status"] == "new"
    doc["code"] = "Y"
    with pytest.raises(ConstraintViolation) as err:
        db.update(doc)
    assert "READONLY" in str(err.value)
    assert db.count_class("P") == 1


def test_linked_class_is_checked(db):
    db.create_class("Owner")
    db.create_class("Car")
    db.create_class("Other")
    db.create_property("Car", "owner", "LINK", linked_class="Owner")
    owner = db.insert("Owner", {})
    other = db.insert("Other", {})
    db.insert("Car", {"owner": owner.rid})
    with pytest.raises(ConstraintViolation):
        db.insert("Car", {"owner": other.rid})
    with pytest.raises(ConstraintViolation):
        db.insert("Car", {"owner": RID(owner.rid.cluster, 999)})


def test_drop_class_rules(db):
    db.create_class("Parent")
    db.create_class("Kid", ["Parent"])
    with pytest.raises(SchemaError):
        db.drop_class("Parent")
    db.create_class("Knows", ["E"])
    db.create_class("Guy", ["V"])
    a, b = db.create_vertex("Guy"), db.create_vertex("Guy")
    db.create_edge("Knows", a.rid, b.rid)
    with pytest.raises(SchemaError):
        db.drop_class("Knows")
    db.drop_class("Knows", unsafe=True)
    assert not db.schema.has_class("Knows")
    with pytest.raises(UnknownClass):
        db.drop_class("Knows")
    assert db.drop_class("Knows", if_exists=True) is False


def test_alter_class_name_and_superclass(db):
    db.create_class("A")
    db.create_class("B")
    db.insert("A", {"x": 1})
    db.alter_class("A", "NAME", "Alpha")
    assert db.schema.has_class("Alpha") and not db.schema.has_class("A")
    assert [d.class_name for d in db.browse_class("Alpha")] == ["Alpha"]
    db.alter_class("Alpha", "SUPERCLASS", "B")
    assert db.count_class("B") == 1
    with pytest.raises(SchemaError):
        db.alter_class("B", "SUPERCLASS", "Alpha")  # cycle
    with pytest.raises(SchemaError):
        db.alter_class("B", "COLOUR", "red")


def test_invalid_names_are_refused(db):
    for bad in ("", "a b", "x:y", "a,b", "#1"):
        with pytest.raises(SchemaError):
            db.create_class(bad)


def test_truncate_class_and_cluster(db):
    db.create_class("T", clusters=2)
    for i in range(5):
        db.insert("T", {"i": i})
    assert db.truncate_cluster("t") == 3
    assert db.count_class("T") == 2
    assert db.truncate_class("T") == 2
    assert db.count_class("T") == 0
    assert db.insert("T", {"i": 9}).rid.position >= 2  # positions are not reused
