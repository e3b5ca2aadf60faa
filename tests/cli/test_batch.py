"""End to end: the installed orient-console in batch mode."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import CONSOLE  # noqa: F401  (the console script next to this Python)


def _db(tmp_path: Path) -> str:
    return f"plocal:{tmp_path / 'db'}"


def test_version_and_help(console):
    r = console("--version")
    assert r.returncode == 0 and r.stdout.startswith("orient-console ")
    r = console("--help")
    assert r.returncode == 0 and "--format" in r.stdout


def test_usage_errors_exit_2(console):
    r = console("--format", "xml")
    assert r.returncode == 2 and "\n" == r.stderr[-1] and r.stderr.count("\n") == 1
    r = console("--bogus")
    assert r.returncode == 2
    r = console("no-such-file.osql")
    assert r.returncode == 2 and "no such file" in r.stderr and "Traceback" not in r.stderr


def test_commands_json_and_exit_codes(console, tmp_path):
    url = _db(tmp_path)
    r = console("--format", "json", "-c",
                f"create database {url}; create class P; insert into P set name = 'a', n = 1; "
                "insert into P set name = 'b', n = 2; select name, n from P order by n")
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]
    assert {"name": "a", "n": 1} in rows and {"name": "b", "n": 2} in rows
    records = [x for x in rows if "@rid" in x]
    assert all(x["@class"] == "P" and x["@version"] == 1 for x in records)
    r = console("-c", f"connect {url} admin admin; select from Nope; select 1")
    assert r.returncode == 1
    assert r.stderr.strip() == "-c:1: class 'Nope' does not exist"
    assert "Traceback" not in r.stderr


def test_script_file_errors_name_file_and_line(console, tmp_path):
    script = tmp_path / "s.osql"
    script.write_text(
        f"create database {_db(tmp_path)}\n"
        "-- a comment\n"
        "create class P\n"
        "\n"
        "insert into P content {\n"
        "  \"name\": \"x\"}\n"
        "selec from P\n"
        "select from P\n")
    r = console(str(script))
    assert r.returncode == 1
    line = r.stderr.strip().splitlines()[-1]
    assert line.startswith(f"{script}:7: syntax error")
    r = console("--ignore-errors", str(script).replace("s.osql", "s.osql"))
    assert r.returncode == 1  # still a failure, but the run went on


def test_ignore_errors_keeps_going(console, tmp_path):
    r = console("--ignore-errors", "--format", "json", "-c",
                f"create database {_db(tmp_path)}; select from Nope; select 42 as x")
    assert r.returncode == 1
    assert '{"x":42}' in r.stdout


def test_stdin_is_a_script(console, tmp_path):
    r = console(input=f"create database {_db(tmp_path)}\nselect 1 + 1 as two\n", extra_env={})
    assert r.returncode == 0, r.stderr
    assert "two" in r.stdout and "2" in r.stdout


def test_exit_stops_the_script(console, tmp_path):
    r = console("--format", "json", "-c", "create database memory:e; select 1 as a; exit; select 2 as b")
    assert r.returncode == 0
    assert '{"a":1}' in r.stdout and '"b"' not in r.stdout


def test_plain_output_has_no_ansi(console, tmp_path):
    r = console("-c", f"create database {_db(tmp_path)}; select 1 as one; select from Nope")
    assert "\x1b[" not in r.stdout and "\x1b[" not in r.stderr


def test_csv_format(console, tmp_path):
    r = console("--format", "csv", "-c", f"create database {_db(tmp_path)}; create class P; "
                "insert into P set a = 1, b = 'x,y'; select a, b from P")
    assert r.returncode == 0, r.stderr
    assert 'a,b\n1,"x,y"\n' in r.stdout


def test_echo(console, tmp_path):
    r = console("--echo", "-c", "create database memory:e; select 7 as seven")
    assert "orientdb {db=e}> select 7 as seven" in r.stdout + r.stderr


def test_connect_errors_are_one_line(console, tmp_path):
    url = _db(tmp_path)
    assert console("-c", f"create database {url}").returncode == 0
    for cmd, word in ((f"connect {url} admin wrong", "wrong user name or password"),
                      (f"connect plocal:{tmp_path / 'none'} admin admin", "does not exist"),
                      ("connect nonsense:x admin admin", "invalid database URL"),
                      (f"connect {url} admin", "password")):
        r = console("-c", cmd)
        assert r.returncode == 1, cmd
        assert word in r.stderr and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr, r.stderr


def test_demo_script_runs(console):
    demo = Path(__file__).resolve().parents[2] / "scripts" / "demo.osql"
    r = console(str(demo))
    assert r.returncode == 0, r.stderr
    assert "Movie" in r.stdout and "River Glass" in r.stdout


def test_demo_database(console, tmp_path):
    r = console("--demo", "--format", "json", "-c", "select count(*) as n from Person")
    assert r.returncode == 0, r.stderr
    assert '{"n":120}' in r.stdout
    assert (tmp_path / "xdg" / "orient-console" / "databases" / "demo").is_dir()
    r = console("--demo", "--format", "json", "-c", "select count(*) as n from Movie")
    assert '{"n":60}' in r.stdout


def test_help_for_every_command(console):
    r = console("-c", "help")
    assert r.returncode == 0
    for name in ("CONNECT", "EXPORT DATABASE", "SELECT", "MATCH", "BROWSE CLASS", "SET"):
        assert name in r.stdout
    r = console("-c", "help create index")
    assert "CREATE INDEX" in r.stdout and "example" in r.stdout
    r = console("-c", "help frobnicate")
    assert r.returncode == 1 and "no help" in r.stderr


def test_properties_set_get(console):
    r = console("-c", "set limit 5; get limit; set limit abc; set nope 1")
    assert "limit = 5 (was 20)" in r.stdout
    assert "invalid value 'abc' for limit" in r.stderr
    assert r.returncode == 1


def test_limit_note_and_display_record(console, tmp_path):
    r = console("-c", f"create database {_db(tmp_path)}; create class P; "
                + "; ".join(f"insert into P set i = {i}" for i in range(30))
                + "; set limit 10; select from P; display record 3; display record 99")
    assert "10 of 30 item(s) shown" in r.stdout
    assert "@rid: #12:3" in r.stdout
    assert "no record 99" in r.stderr


def test_transaction_prompt_and_rollback_on_exit(console, tmp_path):
    url = _db(tmp_path)
    r = console("--echo", "-c", f"create database {url}; create class P; begin; insert into P set a = 1; "
                "insert into P set a = 2; select count(*) from P")
    assert "tx=[2 entries]" in r.stdout + r.stderr
    r = console("--format", "json", "-c", f"connect {url} admin admin; select count(*) as n from P")
    assert '{"n":0}' in r.stdout  # the open transaction was rolled back at exit

