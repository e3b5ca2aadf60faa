"""The storage layer's cross-process pieces: the writer lock and snapshot connections."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from console.engine.rid import cluster_range
from console.engine.storage import DB_FILE, WriterLock, snapshot_connection


@pytest.fixture
def people(db):
    db.create_class("Person")
    db.insert_many("Person", ({"n": i} for i in range(10)))
    return db


def _try_write(path: Path) -> bool:
    conn = sqlite3.connect(str(path / DB_FILE), timeout=0.05, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        conn.close()


def test_the_writer_lock_keeps_writers_out_until_released(people):
    with people.hold_writers() as lock:
        assert lock is not None
        assert not _try_write(people.path)
        assert WriterLock.take(people.path, timeout=0.05) is None  # a second holder waits, then gives up
        lock.release()
        assert _try_write(people.path)
        lock.release()  # again: harmless
    assert _try_write(people.path)


def test_the_writer_lock_goes_with_the_block(people):
    with people.hold_writers() as lock:
        assert lock is not None
    assert _try_write(people.path)


def test_no_writer_lock_inside_a_transaction_or_a_snapshot(people):
    people.begin()
    try:
        with people.hold_writers() as lock:
            assert lock is None
    finally:
        people.rollback()
    with people.snapshot():
        with people.hold_writers() as lock:
            assert lock is None


def test_a_thread_writing_through_the_same_object_is_not_deadlocked(people):
    """Own lock first, then the write lock: the order every write takes them in."""
    import threading

    done = threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for i in range(50):
                people.insert("Person", {"n": 100 + i})
        except BaseException as exc:  # pragma: no cover - the failure being tested for
            errors.append(exc)
        finally:
            done.set()

    t = threading.Thread(target=writer)
    t.start()
    for _ in range(20):
        with people.hold_writers() as lock:
            with people.snapshot():
                pass
            if lock is not None:
                lock.release()
    t.join(20)
    assert done.is_set() and not errors  # a deadlock ends in "database is locked" after 30 s
    assert people.count_class("Person") == 60


def test_a_snapshot_connection_sees_nothing_committed_after_it_started(people):
    conn = snapshot_connection(people.path)
    try:
        people.insert("Person", {"n": 99})
        lo, hi = cluster_range(people.schema.cls("Person").cluster_ids[0])
        assert conn.execute("SELECT count(*) FROM records WHERE rid BETWEEN ? AND ?", (lo, hi)).fetchone()[0] == 10
        with pytest.raises(sqlite3.OperationalError):
            conn.execute("DELETE FROM records")  # query_only
    finally:
        conn.close()
    assert people.count_class("Person") == 11


def test_key_bounds_are_the_lowest_and_highest_stored_keys(people):
    cid = people.schema.cls("Person").cluster_ids[0]
    keys = [r.rid for r in people.browse_cluster(cid)]
    lo, hi = people.key_bounds(cid)
    assert (lo & ((1 << 40) - 1), hi & ((1 << 40) - 1)) == (keys[0].position, keys[-1].position)
    assert lo >> 40 == hi >> 40 == cid
    assert people.key_bounds(people.create_cluster("empty")) is None


def test_writer_lock_on_a_missing_database_is_an_error(tmp_path):
    with pytest.raises(sqlite3.Error):
        WriterLock.take(tmp_path / "nowhere")
