"""Roles are enforced for every command; passwords never appear in echo output."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import console, fingerprint


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("sec")
    r = console("-c", f"create database plocal:{tmp / 'db'} admin Adm1nPW; create class P extends V; "
                "create vertex P set name = 'a'; create class Q; insert into Q set x = 1; "
                f"export database {tmp / 'dump'}; backup database {tmp / 'b.zip'}", cwd=tmp)
    assert r.returncode == 0, r.stderr
    return tmp


READER_DENIED = [
    "insert into Q set x = 2", "update Q set x = 3", "delete from Q", "create class R",
    "alter class Q strictmode true", "create property Q.y string", "drop class Q", "truncate class Q",
    "truncate cluster q", "create index Q.x unique", "import database {tmp}/dump.json.gz",
    "restore database {tmp}/b.zip", "repair database", "drop database", "create vertex P set name = 'r'",
    "select from OUser", "create cluster c1",
]
WRITER_DENIED = [
    "create class R", "alter class Q strictmode true", "create property Q.y string", "drop class Q",
    "create index Q.x unique", "import database {tmp}/dump.json.gz", "restore database {tmp}/b.zip",
    "drop database", "select from OUser", "insert into OUser set name = 'x', password = 'y', status = 'ACTIVE'",
]


@pytest.mark.parametrize("cmd", READER_DENIED)
def test_reader_is_refused(db, cmd):
    before = fingerprint(db / "db")
    r = console("-c", f"connect plocal:{db / 'db'} reader reader; " + cmd.format(tmp=db), cwd=db)
    assert r.returncode == 1 and "not allowed" in r.stderr, (cmd, r.stderr)
    assert fingerprint(db / "db") == before


@pytest.mark.parametrize("cmd", WRITER_DENIED)
def test_writer_is_refused(db, cmd):
    before = fingerprint(db / "db")
    r = console("-c", f"connect plocal:{db / 'db'} writer writer; " + cmd.format(tmp=db), cwd=db)
    assert r.returncode == 1 and "not allowed" in r.stderr, (cmd, r.stderr)
    assert fingerprint(db / "db") == before


def test_reader_can_read_and_writer_can_write(db):
    r = console("--format", "json", "-c", f"connect plocal:{db / 'db'} reader reader; select x from Q", cwd=db)
    assert r.returncode == 0 and '{"x":1}' in r.stdout
    r = console("-c", f"connect plocal:{db / 'db'} writer writer; insert into Q set x = 5; delete from Q where x = 5",
                cwd=db)
    assert r.returncode == 0, r.stderr


def test_echo_never_shows_passwords(db):
    r = console("--echo", "-c", f"connect plocal:{db / 'db'} admin Adm1nPW; "
                "update OUser set password = 'S3cret!' where name = 'reader'; "
                f"create database plocal:{db / 'other'} admin An0therPW", cwd=db)
    assert r.returncode == 0, r.stderr
    text = r.stdout + r.stderr
    for secret in ("Adm1nPW", "S3cret!", "An0therPW"):
        assert secret not in text
    assert "*****" in text
