"""Records: versions, optimistic concurrency, explicit RIDs, browsing, transactions."""

from __future__ import annotations

import pytest

from console.engine import RID, Document
from console.errors import RecordNotFound, StaleVersion, TransactionError, UniqueViolation


def test_versions_grow_and_stale_updates_are_refused(db):
    db.create_class("V1")
    doc = db.insert("V1", {"n": 1})
    assert doc.version == 1
    doc["n"] = 2
    doc2 = db.update(doc)
    assert doc2.version == 2
    stale = doc  # still version 1
    stale["n"] = 3
    with pytest.raises(StaleVersion) as err:
        db.update(stale)
    assert "version" in str(err.value) and str(doc.rid) in str(err.value)
    assert db.load(doc.rid)["n"] == 2
    forced = db.update(stale, check_version=False)
    assert forced.version == 3


def test_delete_and_missing_records(db):
    db.create_class("D")
    doc = db.insert("D", {"n": 1})
    assert db.delete(doc.rid, version=1) is True
    assert db.load(doc.rid) is None
    assert db.delete(doc.rid) is False
    with pytest.raises(RecordNotFound):
        db.update(Document("D", {"n": 1}, rid=doc.rid, version=1))
    other = db.insert("D", {"n": 2})
    with pytest.raises(StaleVersion):
        db.delete(other.rid, version=7)


def test_field_order_is_preserved(db):
    fields = {"z": 1, "a": 2, "m": 3, "b": 4}
    db.create_class("O")
    assert list(db.load(db.insert("O", fields).rid).fields) == ["z", "a", "m", "b"]


def test_put_raw_keeps_rids_and_advances_positions(db):
    from console.engine.codec import encode_body

    cid = db.create_cluster("imported")
    db.put_raw([(RID(cid, 5).key, 7, None, 0, encode_body({"x": 1}, {}))])
    loaded = db.load(RID(cid, 5))
    assert loaded["x"] == 1 and loaded.version == 7
    assert db.insert(None, {"y": 1}, cluster="imported").rid == RID(cid, 6)


def test_browse_cluster_in_position_order(db):
    db.create_class("B")
    rids = [db.insert("B", {"i": i}).rid for i in range(10)]
    db.delete(rids[3])
    cid = rids[0].cluster
    assert [d.rid for d in db.browse_cluster(cid)] == [r for r in rids if r != rids[3]]
    assert db.cluster_range(cid) == (0, 9)
    assert db.count_cluster(cid) == 9


def test_transaction_commit_and_rollback(db):
    db.create_class("X")
    db.begin()
    db.insert("X", {"n": 1})
    db.insert("X", {"n": 2})
    assert db.in_transaction and db.tx_entries == 2
    db.rollback()
    assert db.count_class("X") == 0
    db.begin()
    db.insert("X", {"n": 3})
    db.commit()
    assert db.count_class("X") == 1
    with pytest.raises(TransactionError):
        db.commit()
    with pytest.raises(TransactionError):
        db.rollback()


def test_failed_statement_in_transaction_undoes_only_itself(db):
    db.create_class("U")
    db.create_property("U", "k", "STRING")
    db.create_index("U.k", "U", ["k"], "UNIQUE")
    db.begin()
    db.insert("U", {"k": "a"})
    with pytest.raises(UniqueViolation):
        db.insert("U", {"k": "a"})
    db.insert("U", {"k": "b"})
    db.commit()
    assert sorted(d["k"] for d in db.browse_class("U")) == ["a", "b"]


def test_schema_change_rolls_back_with_transaction(db):
    db.begin()
    db.create_class("Temp")
    assert db.schema.has_class("Temp")
    db.rollback()
    assert not db.schema.has_class("Temp")


def test_insert_many_is_atomic(db):
    db.create_class("M")
    db.create_property("M", "n", "INTEGER")
    assert db.insert_many("M", ({"n": i} for i in range(12000))) == 12000
    assert db.count_class("M") == 12000
    with pytest.raises(Exception):
        db.insert_many("M", [{"n": 1}, {"n": "bad"}])
    assert db.count_class("M") == 12000


def test_insert_many_positions_continue(db):
    db.create_class("Q", clusters=2)
    db.insert_many("Q", [{"i": i} for i in range(4)])
    rid = db.insert("Q", {"i": 99}).rid
    assert rid.position == 2


def test_ouser_passwords_are_hashed(db):
    rows = [d for d in db.browse_class("OUser")]
    assert all(d["password"].startswith("{PBKDF2WithHmacSHA256}") for d in rows)
    assert not any(d["password"] in ("admin", "reader", "writer") for d in rows)
