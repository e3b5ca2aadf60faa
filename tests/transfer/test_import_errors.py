"""Bad input to IMPORT DATABASE: one-line errors, exit status 1, the database unchanged."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import build_sample, export, fresh, import_

from console.errors import OrientError
from console.transfer.options import OptionError

CONSOLE = str(Path(sys.executable).with_name("orient-console"))


@pytest.fixture(scope="module")
def good_export(tmp_path_factory) -> bytes:
    tmp = tmp_path_factory.mktemp("good")
    db = fresh(tmp, "src")
    build_sample(db)
    path = export(db, tmp / "good.json.gz")
    db.close()
    return gzip.open(path).read()


@pytest.fixture
def target(tmp_path):
    db = fresh(tmp_path, "target")
    db.create_class("Existing")
    db.insert("Existing", {"keep": "me"})
    yield db
    db.close()


def snapshot(db, tmp_path: Path, name: str) -> bytes:
    path = export(db, tmp_path / name)
    data = json.loads(gzip.open(path).read())
    data["info"].pop("name")
    return json.dumps(data, sort_keys=True).encode()


def assert_fails_cleanly(db, tmp_path: Path, payload: bytes | Path, word: str | None = None, **options) -> str:
    before = snapshot(db, tmp_path, "before.json.gz")
    if isinstance(payload, Path):
        path = payload
    else:
        path = tmp_path / "bad.json"
        path.write_bytes(payload)
    with pytest.raises(OrientError) as err:
        import_(db, path, **options)
    msg = str(err.value)
    assert "\n" not in msg
    if word:
        assert word in msg, msg
    assert snapshot(db, tmp_path, "after.json.gz") == before
    return msg


def test_truncated_json_at_many_cut_points(target, tmp_path, good_export):
    n = len(good_export)
    cuts = [n * k // 23 for k in range(1, 23)]  # 22 cut points across every section
    for cut in cuts:
        msg = assert_fails_cleanly(target, tmp_path, good_export[:cut])
        assert "line" in msg or "byte" in msg or "no export sections" in msg, msg


def test_truncated_gzip(target, tmp_path, good_export):
    packed = gzip.compress(good_export)
    for cut in (10, len(packed) // 2, len(packed) - 4):
        assert_fails_cleanly(target, tmp_path, packed[:cut])


def test_malformed_record_names_its_position(target, tmp_path, good_export):
    text = good_export.replace(b'"code":"C3"', b'"code":"C3" "oops"', 1)
    msg = assert_fails_cleanly(target, tmp_path, text)
    assert "record" in msg and "line" in msg


def test_duplicate_rid(target, tmp_path, good_export):
    data = json.loads(good_export)
    data["records"].append(dict(data["records"][-1]))
    msg = assert_fails_cleanly(target, tmp_path, json.dumps(data).encode(), "twice")
    assert "record" in msg


def test_link_to_a_missing_record(target, tmp_path, good_export):
    data = json.loads(good_export)
    rec = next(r for r in data["records"] if r.get("code") == "C2")
    rec["link"] = "#12:999"
    assert_fails_cleanly(target, tmp_path, json.dumps(data).encode(), "not in the file")


def test_link_to_a_broken_rid_is_removed(target, tmp_path, good_export):
    data = json.loads(good_export)
    rec = next(r for r in data["records"] if r.get("code") == "C2")
    rec["link"] = "#12:999"
    data["brokenRids"] = ["#12:999"]
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data))
    summary = import_(target, path)
    assert summary.links_removed == 1
    c2 = next(d for d in target.browse_class("Thing") if d["code"] == "C2")
    assert c2["link"] is None


def test_sections_out_of_order(target, tmp_path, good_export):
    data = json.loads(good_export)
    reordered = {"records": data["records"], "info": data["info"], "clusters": data["clusters"]}
    assert_fails_cleanly(target, tmp_path, json.dumps(reordered).encode())


def test_missing_file_and_directory(target, tmp_path):
    assert_fails_cleanly(target, tmp_path, tmp_path / "nope.json.gz", "no such file")
    (tmp_path / "adir").mkdir()
    assert_fails_cleanly(target, tmp_path, tmp_path / "adir", "directory")


def test_not_an_export(target, tmp_path):
    assert_fails_cleanly(target, tmp_path, b"[1, 2, 3]")
    assert_fails_cleanly(target, tmp_path, b"\x00\x01garbage")
    assert_fails_cleanly(target, tmp_path, b"")


def test_bad_schema_and_unknown_class_in_records(target, tmp_path, good_export):
    data = json.loads(good_export)
    data["schema"]["classes"][0]["super-classes"] = ["NoSuchClass"]
    assert_fails_cleanly(target, tmp_path, json.dumps(data).encode(), "unknown class")


def test_ctrl_c_leaves_the_database_unchanged(target, tmp_path, good_export, monkeypatch):
    path = tmp_path / "good.json"
    path.write_bytes(good_export)
    before = snapshot(target, tmp_path, "before.json.gz")
    import console.transfer.import_records as loader

    real_flush = loader.RecordLoader._flush

    def interrupting_flush(self, *args, **kwargs):
        real_flush(self, *args, **kwargs)
        raise KeyboardInterrupt  # Ctrl-C after the first batch went in
    monkeypatch.setattr(loader.RecordLoader, "_flush", interrupting_flush)
    with pytest.raises(OrientError) as err:
        import_(target, path)
    assert "cancelled" in str(err.value)
    monkeypatch.undo()
    assert snapshot(target, tmp_path, "after.json.gz") == before


def _console(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, XDG_DATA_HOME=str(cwd / "xdg"))
    return subprocess.run([CONSOLE, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


def test_batch_mode_exit_status_and_one_line(tmp_path, good_export):
    url = f"plocal:{tmp_path / 'cdb'}"
    assert _console("-c", f"create database {url}; create class Keep; insert into Keep set a = 1",
                    cwd=tmp_path).returncode == 0
    bad = tmp_path / "bad.json"
    bad.write_bytes(good_export[: len(good_export) // 2])
    for cmd in (f"import database {bad}", f"import database {tmp_path / 'missing.gz'}",
                f"import database {bad} -bogus=true", f"import database {bad} -merge=perhaps"):
        r = _console("-c", f"connect {url} admin admin; {cmd}", cwd=tmp_path)
        assert r.returncode == 1, cmd
        assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr, r.stderr
    r = _console("--format", "json", "-c", f"connect {url} admin admin; select count(*) as n from Keep",
                 cwd=tmp_path)
    assert '{"n":1}' in r.stdout


def test_unknown_import_option():
    from console.transfer.options import ImportOptions, parse_options

    with pytest.raises(OptionError) as err:
        parse_options(ImportOptions, [("bogus", "1")], "IMPORT DATABASE")
    assert "-preserveClusterIDs" in str(err.value)
