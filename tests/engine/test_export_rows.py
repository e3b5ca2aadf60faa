"""Export rows spliced and joined by SQLite: same bytes as splicing each row in Python."""

from __future__ import annotations

import sqlite3

import orjson
import pytest

from console.engine.export_rows import export_rows, record_json
from console.engine.rid import cluster_range
from console.engine.storage import DB_FILE


def _expected(conn: sqlite3.Connection, cid: int, sep: bytes, classes: set[str] | None = None) -> bytes:
    """The reference: every stored row of the cluster spliced in Python, in key order."""
    lo, hi = cluster_range(cid)
    rows = conn.execute("SELECT rid, ver, cls, kind, data FROM records WHERE rid BETWEEN ? AND ? ORDER BY rid",
                        (lo, hi)).fetchall()
    return sep.join(record_json(cid, *r) for r in rows if classes is None or (r[2] or "").lower() in classes)


def _exported(conn: sqlite3.Connection, cid: int, sep: bytes = b",", batch: int = 4096,
              **kw) -> tuple[bytes, list[int]]:
    lo, hi = cluster_range(cid)
    chunks = list(export_rows(conn, cid, lo, hi, batch=batch, sep=sep, **kw))
    return sep.join(c for c, _ in chunks), [n for _, n in chunks]


@pytest.fixture
def mixed(db):
    """A cluster of documents of two classes, class-less documents and varied bodies."""
    db.create_class("Person")
    db.create_class("Pet")
    cid = db.create_cluster("mixed")
    for i in range(23):
        db.insert(None, {"i": i, "text": "ünïcødé ✓ \"quoted\" " * (i % 3), "nested": {"a": [i, {"b": None}]}},
                  cluster=cid)
        if i % 4 == 0:
            db.insert(None, {}, cluster=cid)  # an empty document: '{}' has no body to splice
    db.insert_many("Person", ({"n": i, "name": f"p{i}"} for i in range(40)))
    db.insert_many("Pet", ({"n": i} for i in range(7)))
    return db, cid


@pytest.mark.parametrize("batch", [1, 3, 4096])
@pytest.mark.parametrize("sep", [b",", b",\n"])
def test_batches_join_to_the_rows_spliced_one_by_one(mixed, batch, sep):
    db, cid = mixed
    got, counts = _exported(db.conn, cid, sep, batch)
    assert got == _expected(db.conn, cid, sep)
    assert sum(counts) == db.count_cluster(cid) == 29
    assert all(0 < n <= batch for n in counts)
    # each record is valid JSON, in position order, meta fields first
    records = [orjson.loads(line) for line in got.split(b",\n")] if sep == b",\n" else orjson.loads(b"[" + got + b"]")
    positions = [int(r["@rid"].split(":")[1]) for r in records]
    assert positions == sorted(positions) and len(set(positions)) == 29
    assert list(records[0])[:3] == ["@type", "@rid", "@version"]


def test_class_clusters_and_filters(mixed):
    db, _ = mixed
    for cid in db.schema.cls("Person").cluster_ids:
        got, _ = _exported(db.conn, cid, batch=5)
        assert got == _expected(db.conn, cid, b",")
        got, counts = _exported(db.conn, cid, batch=5, include=None, exclude={"person"})
        assert got == b"" and counts == []
        got, _ = _exported(db.conn, cid, batch=5, include={"person"})
        assert got == _expected(db.conn, cid, b",", {"person"})


def test_batches_holding_blobs_are_served_row_by_row(db):
    cid = db.create_cluster("bin", blob=True)
    for i in range(10):
        db.create_blob(bytes(range(i * 7 % 256)) + b'"\x00\xff', cid)
    got, counts = _exported(db.conn, cid, batch=4)
    assert counts == [4, 4, 2]
    assert got == _expected(db.conn, cid, b",")
    assert orjson.loads(b"[" + got + b"]")[3]["@type"] == "b"


def test_a_batch_too_long_for_one_sqlite_string_falls_back_to_rows(mixed):
    db, cid = mixed
    conn = sqlite3.connect(str(db.path / DB_FILE))
    try:
        longest = max(len(r) for r in _expected(conn, cid, b"\x00").split(b"\x00"))
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, longest + 100)  # one record fits, a batch of them does not
        got, counts = _exported(conn, cid, batch=8)
        assert got == _expected(conn, cid, b",")
        assert sum(counts) == 29
    finally:
        conn.close()


def test_an_empty_range_yields_nothing(db):
    cid = db.create_cluster("empty")
    assert _exported(db.conn, cid) == (b"", [])


def test_batches_grow_from_small_to_the_batch_size_for_small_records(db):
    db.create_class("Dot")
    db.insert_many("Dot", ({"i": i} for i in range(6000)))
    cid = db.schema.cls("Dot").cluster_ids[0]
    got, counts = _exported(db.conn, cid)
    assert got == _expected(db.conn, cid, b",")
    assert counts[:5] == [16, 64, 256, 1024, 4096] and sum(counts) == db.count_cluster(cid)


def test_large_documents_come_in_batches_of_about_batch_bytes(db, monkeypatch):
    from console.engine import export_rows as module

    monkeypatch.setattr(module, "BATCH_BYTES", 64 << 10)
    db.create_class("Big")
    db.insert_many("Big", ({"i": i, "text": "x" * (5000 + 37 * i)} for i in range(120)))
    cid = db.schema.cls("Big").cluster_ids[0]
    lo, hi = cluster_range(cid)
    chunks = list(export_rows(db.conn, cid, lo, hi))
    assert b",".join(c for c, _ in chunks) == _expected(db.conn, cid, b",")
    assert len(chunks) > 5
    assert max(len(c) for c, _ in chunks) <= 2 * (64 << 10)
