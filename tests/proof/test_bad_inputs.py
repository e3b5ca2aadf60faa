"""Bad input across the console: one line on stderr, a non-zero exit status, nothing changed."""

from __future__ import annotations

import gzip
import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from conftest import console, fingerprint


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("bad")
    url = f"plocal:{tmp / 'db'}"
    r = console("-c", f"create database {url}; create class P; create property P.name string (mandatory true); "
                "create index P.name unique; insert into P set name = 'a'; create class Sub extends P; "
                f"export database {tmp / 'good.json.gz'}; backup database {tmp / 'good.zip'}", cwd=tmp)
    assert r.returncode == 0, r.stderr
    (tmp / "truncated.json.gz").write_bytes((tmp / "good.json.gz").read_bytes()[:300])
    (tmp / "malformed.json").write_text('{"info":{"name":"x"},"records":[{"@type":"d","@rid":"#9:0",,,}]}')
    (tmp / "notzip.zip").write_text("hello")
    with zipfile.ZipFile(tmp / "good.zip") as zin, zipfile.ZipFile(tmp / "evil.zip", "w") as zout:
        zout.writestr("manifest.json", zin.read("manifest.json"))
        zout.writestr("../../evil.sqlite", zin.read("database.sqlite"))
    with zipfile.ZipFile(tmp / "good.zip") as zin, zipfile.ZipFile(tmp / "badsum.zip", "w") as zout:
        m = json.loads(zin.read("manifest.json"))
        m["entries"][0]["sha256"] = hashlib.sha256(b"other").hexdigest()
        zout.writestr("manifest.json", json.dumps(m))
        zout.writestr("database.sqlite", zin.read("database.sqlite"))
    (tmp / "adir").mkdir()
    return tmp


ADMIN = "connect plocal:{db} admin admin; "
READER = "connect plocal:{db} reader reader; "

# (name, argv, expected exit status, a word the one-line message must contain)
CASES = [
    ("missing script file", ["nope.osql"], 2, "no such file"),
    ("script is a directory", ["adir"], 2, "directory"),
    ("unknown flag", ["--frobnicate"], 2, "unrecognized"),
    ("bad --format", ["--format", "xml", "-c", "select 1"], 2, "invalid choice"),
    ("SQL syntax error", ["-c", ADMIN + "selec from P"], 1, "syntax error"),
    ("unknown class", ["-c", ADMIN + "select from Nope"], 1, "does not exist"),
    ("type mismatch", ["-c", ADMIN + "create property P.n integer; insert into P set name = 'z', n = 'x'"], 1,
     "not a valid INTEGER"),
    ("mandatory missing", ["-c", ADMIN + "insert into P set other = 1"], 1, "mandatory"),
    ("unique violation", ["-c", ADMIN + "insert into P set name = 'a'"], 1, "duplicate key"),
    ("bad ALTER attribute", ["-c", ADMIN + "alter property P.name colour red"], 1, "unknown property attribute"),
    ("drop class with subclasses", ["-c", ADMIN + "drop class P"], 1, "subclasses"),
    ("unknown URL scheme", ["-c", "connect ftp:/x admin admin"], 1, "invalid database URL"),
    ("missing database", ["-c", "connect plocal:{tmp}/none admin admin"], 1, "does not exist"),
    ("wrong password", ["-c", "connect plocal:{db} admin wrong"], 1, "wrong user name or password"),
    ("unknown user", ["-c", "connect plocal:{db} mallory x"], 1, "wrong user name or password"),
    ("database exists", ["-c", "create database plocal:{db}"], 1, "already exists"),
    ("export unknown option", ["-c", ADMIN + "export database {tmp}/e1 -bogus=1"], 1, "unknown option"),
    ("export bad value", ["-c", ADMIN + "export database {tmp}/e2 -compressionLevel=high"], 1, "whole number"),
    ("export to missing directory", ["-c", ADMIN + "export database {tmp}/no/such/dir/e3"], 1, "does not exist"),
    ("import missing file", ["-c", ADMIN + "import database {tmp}/missing.json.gz"], 1, "no such file"),
    ("import truncated gzip", ["-c", ADMIN + "import database {tmp}/truncated.json.gz"], 1, "line"),
    ("import a directory", ["-c", ADMIN + "import database {tmp}/adir"], 1, "directory"),
    ("import malformed JSON", ["-c", ADMIN + "import database {tmp}/malformed.json"], 1, "line 1"),
    ("import unknown option", ["-c", ADMIN + "import database {tmp}/good.json.gz -preserveIDs=true"], 1,
     "unknown option"),
    ("restore non-zip", ["-c", ADMIN + "restore database {tmp}/notzip.zip"], 1, "not a valid backup"),
    ("restore path traversal", ["-c", ADMIN + "restore database {tmp}/evil.zip"], 1, "unsafe"),
    ("restore bad checksum", ["-c", ADMIN + "restore database {tmp}/badsum.zip"], 1, "checksum"),
    ("unknown console property", ["-c", "set colour red"], 1, "unknown property"),
    ("bad property value", ["-c", "set limit many"], 1, "invalid value"),
    ("malformed RID", ["-c", ADMIN + "load record #x:1"], 1, "syntax error"),
    ("missing record", ["-c", ADMIN + "load record #99:99"], 1, "does not exist"),
    ("reader writes", ["-c", READER + "insert into P set name = 'r'"], 1, "not allowed"),
    ("reader imports", ["-c", READER + "import database {tmp}/good.json.gz"], 1, "not allowed"),
    ("reader restores", ["-c", READER + "restore database {tmp}/good.zip"], 1, "not allowed"),
    ("commit without begin", ["-c", ADMIN + "commit"], 1, "no active transaction"),
    ("missing LOAD SCRIPT", ["-c", ADMIN + "load script {tmp}/none.osql"], 1, "no such file"),
]


@pytest.mark.parametrize("name,argv,status,word", CASES, ids=[c[0] for c in CASES])
def test_bad_input(world, name, argv, status, word):
    tmp = world
    before = fingerprint(tmp / "db")
    args = [a.format(db=tmp / "db", tmp=tmp) for a in argv]
    r = console(*args, cwd=tmp)
    assert r.returncode == status, (r.returncode, r.stderr)
    lines = [x for x in r.stderr.splitlines() if x.strip()]
    assert len(lines) == 1, r.stderr
    assert "Traceback" not in r.stderr and word.lower() in lines[0].lower(), lines[0]
    if name != "type mismatch":  # that case adds a property on purpose before failing
        assert fingerprint(tmp / "db") == before


def test_there_are_at_least_twenty_kinds():
    assert len(CASES) >= 20
