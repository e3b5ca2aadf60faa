"""The console's remote mode end to end: the installed ``orient-console`` in batch mode against the server.

The round trip: EXPORT DATABASE from a remote database, IMPORT DATABASE of
that file into a new embedded database, EXPORT DATABASE again. The two
exports must be the same JSON except for exactly:

* ``info.name``: the imported database has its own name;
* ``schema.version``: the schema change counter of the new database
  (creating it and importing bump it a different number of times).

The remote export must also be byte-identical to an export of the same
database made by the embedded engine directly from the server's files.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from console.engine import registry
from console.engine.document import Document
from console.engine.types import OType
from remote_server import CONSOLE, ServerProcess


def run(*commands: str, fmt: str | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    args = [CONSOLE, "--no-color"]
    if fmt:
        args += ["--format", fmt]
    for c in commands:
        args += ["-c", c]
    return subprocess.run(args, capture_output=True, text=True, timeout=120, env=env)


def json_lines(out: str) -> list[Any]:
    return [json.loads(line) for line in out.splitlines() if line.startswith(("{", "["))]


def _fill(path: Path) -> None:
    """A database with every property type, indexes, a graph, class-less documents and a blob."""
    db = registry.create(f"plocal:{path}", "admin", "admin")
    try:
        db.create_class("Person", ["V"])
        props = {"name": OType.STRING, "age": OType.INTEGER, "score": OType.DOUBLE, "ratio": OType.FLOAT,
                 "big": OType.LONG, "small": OType.SHORT, "tiny": OType.BYTE, "born": OType.DATE,
                 "seen": OType.DATETIME, "price": OType.DECIMAL, "photo": OType.BINARY, "flag": OType.BOOLEAN,
                 "tags": OType.EMBEDDEDSET, "notes": OType.EMBEDDEDLIST, "attrs": OType.EMBEDDEDMAP,
                 "address": OType.EMBEDDED}
        for name, otype in props.items():
            db.create_property("Person", name, otype)
        db.create_property("Person", "friends", OType.LINKSET, linked_class="Person")
        db.create_property("Person", "history", OType.LINKLIST)
        db.create_property("Person", "refs", OType.LINKMAP)
        db.create_property("Person", "best", OType.LINK, linked_class="Person")
        db.create_index(None, "Person", ["name"], "UNIQUE")
        db.create_index("Person.age_idx", "Person", ["age"], "NOTUNIQUE")
        db.create_class("Knows", ["E"])
        db.create_property("Knows", "since", OType.INTEGER)
        db.create_class("Thing", abstract=True)
        ann = db.create_vertex("Person", {
            "name": "Ann \"the\" 'first' \\ Ünïcödé 😀", "age": 31, "score": 0.1, "ratio": 1.5, "big": 2 ** 40,
            "small": 7, "tiny": -3, "born": dt.date(1990, 5, 17),
            "seen": dt.datetime(2021, 3, 4, 5, 6, 7, 123000, tzinfo=dt.timezone.utc), "price": Decimal("19.990"),
            "photo": b"\x00\x01binary\xff", "flag": True, "tags": ["a", "b"], "notes": [1, "two", None, [3.5]],
            "attrs": {"k": "v", "n": {"deep": [1, 2]}}, "address": Document("Address", {"city": "Rome", "zip": 100}),
            "undeclared": 1e300, "nothing": None})
        bob = db.create_vertex("Person", {"name": "Bob", "age": 40, "friends": [ann.rid], "history": [ann.rid],
                                          "refs": {"first": ann.rid}, "best": ann.rid, "tags": []})
        cid = db.create_vertex("Person", {"name": "Cid", "age": 40})
        db.create_edge("Knows", ann.rid, bob.rid, {"since": 2001})
        db.create_edge("Knows", bob.rid, cid.rid, {"since": 2002})
        db.create_edge("E", cid.rid, ann.rid)
        db.insert(None, {"free": "form", "n": 5, "when": dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc),
                         "list": [1, 2, 3], "map": {"a": 1}})
        db.create_cluster("pictures", blob=True)
        db.create_blob(b"\x89PNG fake image bytes", "pictures")
        gone = db.insert(None, {"deleted": True})
        db.delete(gone.rid)
    finally:
        db.close()


@pytest.fixture(scope="module")
def rich(server: ServerProcess) -> str:
    name = "richdb"
    _fill(server.directory / name)
    return name


def _export(path: Path) -> dict[str, Any]:
    with gzip.open(path) as f:
        return json.load(f)


def test_connect_and_inspect(server: ServerProcess, rich: str) -> None:
    url = f"{server.url}/{rich}"
    r = run(f"CONNECT {url} admin admin", "LIST DATABASES", "INFO", "BROWSE CLASS Person", "LOAD RECORD #12:1",
            "SELECT name, age FROM Person WHERE age = 40 ORDER BY name", fmt="json")
    assert r.returncode == 0, r.stderr
    rows = json_lines(r.stdout)
    assert {"name": rich, "url": f"plocal:{server.directory / rich}"} in rows
    info = {row["property"]: row["value"] for row in rows if "property" in row}
    assert info["name"] == rich and info["storage"] == "remote" and info["user"] == "admin"
    assert info["clusters"] == 15 and info["indexes"] == 5
    classes = {row["name"]: row for row in rows if "super-classes" in row}
    assert classes["Person"]["records"] == 3 and classes["Person"]["super-classes"] == "V"
    assert classes["Knows"]["records"] == 2 and classes["Thing"]["clusters"] == "-"
    clusters = {row["name"]: row for row in rows if "id" in row and "class" in row}
    assert clusters["pictures"]["class"] == "(blob)" and clusters["pictures"]["records"] == 1
    assert clusters["default"]["records"] == 1
    indexes = {row["name"]: row for row in rows if "entries" in row}
    assert indexes["Person.name"]["entries"] == 3 and indexes["Person.age_idx"]["entries"] == 3
    people = [row for row in rows if row.get("@class") == "Person"]
    assert [p["name"] for p in people[:3]] == ["Ann \"the\" 'first' \\ Ünïcödé 😀", "Bob", "Cid"]
    assert people[1]["friends"] == ["#12:0"] and "@fieldTypes" in people[1]
    assert people[3]["@rid"] == "#12:1"  # LOAD RECORD
    assert rows[-2:] == [{"name": "Bob", "age": 40}, {"name": "Cid", "age": 40}]


def test_sql_over_remote(server: ServerProcess) -> None:
    url = f"{server.url}/consolesql"
    r = run(f"CREATE DATABASE {url} root {server.root_password} memory graph",
            "CREATE CLASS City EXTENDS V", "CREATE PROPERTY City.name STRING", "CREATE INDEX City.name UNIQUE",
            "INSERT INTO City SET name = 'Rome', pop = 2800000", "CREATE VERTEX City SET name = 'Oslo'",
            "UPDATE City SET visited = true WHERE name = 'Rome'",
            "SELECT name, visited FROM City ORDER BY name", "DELETE VERTEX City WHERE name = 'Oslo'",
            "SELECT count(*) AS n FROM City", fmt="json")
    assert r.returncode == 0, r.stderr + r.stdout
    rows = json_lines(r.stdout)
    assert {"value": 12, "message": "Class created successfully. Total classes in database now: 12."} in rows
    assert {"count": 1} in rows
    assert {"name": "Oslo", "visited": None} in rows and {"name": "Rome", "visited": True} in rows
    assert rows[-1] == {"n": 1}
    bad = run(f"CONNECT {url} admin admin", "INSERT INTO City SET name = 'Rome'")
    assert bad.returncode == 1
    assert bad.stderr.strip().count("\n") == 0 and "Rome" in bad.stderr
    tx = run(f"CONNECT {url} admin admin", "BEGIN", "INSERT INTO City SET name = 'Pisa'",
             "INSERT INTO City SET name = 'Rome'", "COMMIT")
    assert tx.returncode == 1 and "transaction rolled back" in tx.stderr
    ok = run(f"CONNECT {url} admin admin", "BEGIN", "INSERT INTO City SET name = 'Pisa'",
             "INSERT INTO City SET name = 'Bari'", "COMMIT", "SELECT name FROM City ORDER BY name", fmt="json")
    assert ok.returncode == 0, ok.stderr
    assert json_lines(ok.stdout)[-3:] == [{"name": "Bari"}, {"name": "Pisa"}, {"name": "Rome"}]
    dropped = run(f"DROP DATABASE {url} root {server.root_password}", f"CONNECT {server.url} root "
                  f"{server.root_password}", "LIST DATABASES", fmt="json")
    assert dropped.returncode == 0, dropped.stderr
    assert "consolesql" not in {row.get("name") for row in json_lines(dropped.stdout)}


def test_export_import_export(server: ServerProcess, rich: str, tmp_path: Path) -> None:
    url = f"{server.url}/{rich}"
    remote_file = tmp_path / "remote.json.gz"
    r = run(f"CONNECT {url} admin admin", f"EXPORT DATABASE {remote_file}")
    assert r.returncode == 0, r.stderr
    local_file = tmp_path / "local.json.gz"
    r = run(f"CONNECT plocal:{server.directory / rich} admin admin", f"EXPORT DATABASE {local_file}")
    assert r.returncode == 0, r.stderr
    assert gzip.open(remote_file).read() == gzip.open(local_file).read()

    copy = tmp_path / "copy"
    again_file = tmp_path / "again.json.gz"
    r = run(f"CREATE DATABASE plocal:{copy} admin admin", f"IMPORT DATABASE {remote_file}",
            f"EXPORT DATABASE {again_file}")
    assert r.returncode == 0, r.stderr
    first, second = _export(remote_file), _export(again_file)
    assert first["info"]["name"] == rich and second["info"]["name"] == "copy"
    assert first["schema"]["version"] != second["schema"]["version"]
    for doc in (first, second):
        doc["info"]["name"] = doc["schema"]["version"] = None
    assert first == second
    assert len(first["records"]) == 14


def test_connection_errors_are_one_line(server: ServerProcess, rich: str) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free = s.getsockname()[1]
    cases = {
        f"CONNECT remote:127.0.0.1:{free}/{rich} admin admin": "connection refused",
        f"CONNECT {server.url}/{rich} admin wrong": "wrong user name or password",
        f"CONNECT {server.url}/nosuchdb admin admin": "does not exist",
        f"CONNECT {server.url} root wrong": "wrong server user name or password",
        f"CREATE DATABASE {server.url}/{rich} root {server.root_password}": "already exists",
        f"DROP DATABASE {server.url}/nosuchdb root {server.root_password}": "does not exist",
    }
    for command, expected in cases.items():
        r = run(command)
        assert r.returncode == 1, command
        err = r.stderr.strip()
        assert "\n" not in err and "Traceback" not in err, err
        assert expected in err, (command, err)


def test_silent_server_is_a_timeout(tmp_path: Path) -> None:
    import os
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    held: list[socket.socket] = []
    threading.Thread(target=lambda: held.append(listener.accept()[0]), daemon=True).start()
    r = run(f"CONNECT remote:127.0.0.1:{listener.getsockname()[1]}/db admin admin",
            env=dict(os.environ, ORIENT_CONSOLE_TIMEOUT="1"))
    listener.close()
    assert r.returncode == 1
    err = r.stderr.strip()
    assert "\n" not in err and "timed out" in err


def test_protocol_mismatch_is_one_line(tmp_path: Path) -> None:
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]

    def http_like() -> None:
        conn, _ = listener.accept()
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")
        conn.close()

    threading.Thread(target=http_like, daemon=True).start()
    r = run(f"CONNECT remote:127.0.0.1:{port}/db admin admin")
    listener.close()
    assert r.returncode == 1
    err = r.stderr.strip()
    assert "\n" not in err and "does not speak OrientDB binary protocol 36" in err
