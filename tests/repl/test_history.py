"""History that never keeps a password in clear."""

from __future__ import annotations

import os
import stat

import pytest

from console.repl.history import MASK, MaskedFileHistory, default_history_path, mask_secrets


@pytest.mark.parametrize("line, masked", [
    ("connect plocal:/tmp/db admin secret", "connect plocal:/tmp/db admin *****"),
    ("CONNECT remote:localhost/demo root hunter2", "CONNECT remote:localhost/demo root *****"),
    ("Connect memory:x admin 'my pass'", "Connect memory:x admin '*****'"),
    ('connect "plocal:/my dbs/x" "ad min" "p w"', 'connect "plocal:/my dbs/x" "ad min" "*****"'),
    ("connect plocal:/db admin 'pa;ss'", "connect plocal:/db admin '*****'"),
    ("connect plocal:/db admin 'it\\'s'", "connect plocal:/db admin '*****'"),
    ("connect plocal:/db admin 'unterminated", "connect plocal:/db admin '*****"),
    ("   connect\tplocal:/db\tadmin\tpw  ", "   connect\tplocal:/db\tadmin\t*****  "),
    ("create database plocal:/x admin adminpw plocal", "create database plocal:/x admin ***** plocal"),
    ("CREATE DATABASE memory:demo root 'r00t' memory", "CREATE DATABASE memory:demo root '*****' memory"),
    ("DROP DATABASE remote:h/db root \"pw;x\"", "DROP DATABASE remote:h/db root \"*****\""),
    ("CREATE USER bob IDENTIFIED BY 'hunter2' ROLE admin",
     "CREATE USER bob IDENTIFIED BY '*****' ROLE admin"),
    ("alter user bob identified by hunter2", "alter user bob identified by *****"),
    ("UPDATE OUser SET password = 'x', status = 'ACTIVE' WHERE name = 'bob'",
     "UPDATE OUser SET password = '*****', status = 'ACTIVE' WHERE name = 'bob'"),
    ("INSERT INTO OUser SET name='u', password='p', status='ACTIVE'",
     "INSERT INTO OUser SET name='u', password='*****', status='ACTIVE'"),
    ("update ouser set PASSWORD=secret where name='x'", "update ouser set PASSWORD=***** where name='x'"),
    ('INSERT INTO OUser CONTENT {"name": "u", "password": "p"}',
     'INSERT INTO OUser CONTENT {"name": "u", "password": "*****"}'),
    ("UPDATE X SET creds.password = 'x'", "UPDATE X SET creds.password = '*****'"),
    ("set server user root pw *", "set server user root ***** *"),
])
def test_masks_passwords(line, masked):
    assert mask_secrets(line) == masked


def test_several_statements_on_one_line():
    assert mask_secrets("connect plocal:/a admin pw1; select from V; connect plocal:/b u pw2;") == \
        "connect plocal:/a admin *****; select from V; connect plocal:/b u *****;"
    assert mask_secrets("select 1;connect plocal:/a admin pw") == "select 1;connect plocal:/a admin *****"


def test_multi_line_entries():
    text = "CREATE USER bob\nIDENTIFIED BY\n 'pw'\nROLE reader"
    assert "pw'" not in mask_secrets(text) and MASK in mask_secrets(text)
    # a newline ends CONNECT's arguments: the next line is not its password
    assert mask_secrets("connect plocal:/x admin\nselect 1") == "connect plocal:/x admin\nselect 1"


@pytest.mark.parametrize("line", [
    "select from V", "connect plocal:/db admin", "connect", "CREATE DATABASE memory:x",
    "DROP DATABASE", "select password from OUser", "select from OUser where password_hash = 1",
    "select from V where reconnect = 1", "", "info class OUser",
])
def test_leaves_other_lines_alone(line):
    assert mask_secrets(line) == line


def test_masking_is_idempotent():
    for line in ["connect plocal:/db admin secret", "CREATE USER x IDENTIFIED BY 'y'",
                 "UPDATE OUser SET password = 'x'"]:
        once = mask_secrets(line)
        assert mask_secrets(once) == once


def test_no_catastrophic_backtracking():
    mask_secrets("connect " + "a" * 100_000)
    mask_secrets("connect " + "'a" * 50_000)
    mask_secrets("connect a b " + "'\\" * 50_000)
    mask_secrets("password = " + "x" * 100_000)


# --- the history file ----------------------------------------------------------------------

def test_history_file_gets_masked_lines_only(tmp_path):
    path = tmp_path / "history"
    history = MaskedFileHistory(str(path))
    history.append_string("connect plocal:/db admin topsecret")
    history.append_string("select from V")
    history.store_string("CREATE USER x IDENTIFIED BY topsecret")
    content = path.read_text()
    assert "topsecret" not in content
    assert "connect plocal:/db admin *****" in content and "select from V" in content
    assert "topsecret" not in " ".join(history.get_strings())
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_history_masks_old_clear_entries_on_load(tmp_path):
    path = tmp_path / "history"
    path.write_text("\n# 2024-01-01\n+connect plocal:/db admin oldsecret\n")
    history = MaskedFileHistory(str(path))
    assert list(history.load_history_strings()) == ["connect plocal:/db admin *****"]


def test_history_round_trip_multi_line(tmp_path):
    path = tmp_path / "history"
    MaskedFileHistory(str(path)).append_string("insert into X content {\n\"password\": \"p\"\n}")
    (entry,) = MaskedFileHistory(str(path)).load_history_strings()
    assert entry == "insert into X content {\n\"password\": \"*****\"\n}"


# --- where the history lives ------------------------------------------------------------------

def test_default_history_path_uses_xdg_data_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    path = default_history_path()
    assert path == tmp_path / "data" / "orient-console" / "history"
    assert path.parent.is_dir()
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    assert not path.exists()


def test_default_history_path_falls_back_to_home(tmp_path, monkeypatch):
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_history_path() == tmp_path / ".local" / "share" / "orient-console" / "history"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/dir")  # ignored, as XDG asks
    assert default_history_path() == tmp_path / ".local" / "share" / "orient-console" / "history"


def test_default_history_path_keeps_an_existing_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    (tmp_path / "orient-console").mkdir(mode=0o755)
    os.chmod(tmp_path / "orient-console", 0o755)
    default_history_path()
    assert stat.S_IMODE(os.stat(tmp_path / "orient-console").st_mode) == 0o755


@pytest.mark.parametrize("xdg", ["relative/dir", "", None, "/abs"])
def test_history_lives_in_the_sessions_data_directory(tmp_path, monkeypatch, xdg):
    from console.session import default_data_dir

    monkeypatch.setenv("HOME", str(tmp_path))
    if xdg is None:
        monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path) + xdg if xdg.startswith("/") else xdg)
    assert default_history_path().parent == default_data_dir()
    expected = tmp_path / "abs" if xdg == "/abs" else tmp_path / ".local" / "share"
    assert default_data_dir() == expected / "orient-console"
