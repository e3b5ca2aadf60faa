"""URLs, create/open/drop/exists/list, and two processes on one database."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from console import engine
from console.engine import parse_url
from console.errors import DatabaseExists, DatabaseNotFound, InvalidURL


def test_parse_urls():
    u = parse_url("plocal:/tmp/x/db/")
    assert u.kind == "plocal" and u.name == "db" and u.path == Path("/tmp/x/db")
    assert parse_url('"memory:demo"').name == "demo"
    r = parse_url("remote:localhost:2425/demo")
    assert (r.host, r.port, r.name) == ("localhost", 2425, "demo")
    assert parse_url("remote:h/db").port == 2424
    assert parse_url("plocal:C:\\dbs\\x").path == Path("C:/dbs/x")
    for bad in ("nope", "ftp:x", "plocal:", "remote::12/x", "remote:h:99999/x", "remote:h:ab/x", "memory:a/b"):
        with pytest.raises(InvalidURL):
            parse_url(bad)


def test_create_open_drop_list(tmp_path):
    url = f"plocal:{tmp_path / 'one'}"
    assert not engine.exists(url)
    db = engine.create(url, "admin", "pw")
    db.close()
    assert engine.exists(url)
    with pytest.raises(DatabaseExists):
        engine.create(url, "admin", "pw")
    engine.create(f"plocal:{tmp_path / 'two'}", "admin", "pw").close()
    (tmp_path / "not-a-db").mkdir()
    assert engine.list_databases(tmp_path) == ["one", "two"]
    assert engine.list_databases(f"embedded:{tmp_path}") == ["one", "two"]
    engine.open(url, "admin", "pw").close()
    engine.drop(url)
    assert not engine.exists(url) and not (tmp_path / "one").exists()
    with pytest.raises(DatabaseNotFound):
        engine.open(url, "admin", "pw")
    with pytest.raises(DatabaseNotFound):
        engine.drop(url)


def test_memory_databases_are_process_private():
    db = engine.create("memory:mem_t1", "admin", "admin")
    db.create_class("X")
    db.insert("X", {"a": 1})
    other = engine.open("memory:mem_t1", "admin", "admin")
    assert other.count_class("X") == 1
    db.close()
    other.close()
    engine.drop("memory:mem_t1")
    assert not engine.exists("memory:mem_t1")


def test_not_a_database_file(tmp_path):
    d = tmp_path / "junk"
    d.mkdir()
    (d / "database.sqlite").write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(Exception) as err:
        engine.open(f"plocal:{d}", "admin", "admin")
    assert "\n" not in str(err.value)


_WRITER = textwrap.dedent("""
    import sys, time
    from console import engine
    db = engine.open(sys.argv[1], "admin", "admin")
    for i in range(int(sys.argv[2])):
        db.begin()
        db.insert("Counter", {"side": "a", "i": i})
        db.insert("Counter", {"side": "b", "i": i})
        db.commit()
    print("done")
""")


def test_two_processes_reader_sees_consistent_snapshots(db, db_url, tmp_path):
    db.create_class("Counter")
    script = tmp_path / "writer.py"
    script.write_text(_WRITER)
    proc = subprocess.Popen([sys.executable, str(script), db_url, "400"], stdout=subprocess.PIPE, text=True)
    reader = engine.open(db_url, "reader", "reader")
    checks = 0
    try:
        while proc.poll() is None or checks < 3:
            with reader.snapshot():
                docs = list(reader.browse_class("Counter"))
            a = sum(1 for d in docs if d["side"] == "a")
            b = sum(1 for d in docs if d["side"] == "b")
            assert a == b, "a reader saw half of a transaction"
            checks += 1
            if proc.poll() is not None and checks >= 3:
                break
    finally:
        out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0 and "done" in out
    assert reader.count_class("Counter") == 800
    integrity = db.conn.execute("PRAGMA integrity_check").fetchone()[0]
    assert integrity == "ok"
