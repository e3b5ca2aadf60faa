"""Mutations of the real OrientDB export fed to IMPORT: success or a clean error, never a crash,
and after every failure the database is exactly as before.

The default suite runs a small sample; ``ORIENT_FUZZ_CASES=10000 pytest -m fuzz tests/proof``
runs the dedicated campaign.
"""

from __future__ import annotations

import gzip
import os
import random
import shutil
from pathlib import Path

import pytest
from conftest import fingerprint

from console import engine
from console.errors import OrientError
from console.transfer.importer import import_database
from console.transfer.options import ImportOptions

CASES = int(os.environ.get("ORIENT_FUZZ_CASES", "40"))


def mutate(data: bytes, rnd: random.Random) -> tuple[str, bytes, bool]:
    """One mutation: (what, bytes, gzip it?)."""
    kind = rnd.choice(["flip", "flips", "truncate", "splice", "duplicate", "delete", "insert", "gzip-flip",
                       "gzip-truncate", "swap-commas"])
    b = bytearray(data)
    if kind == "flip":
        i = rnd.randrange(len(b))
        b[i] ^= 1 << rnd.randrange(8)
    elif kind == "flips":
        for _ in range(rnd.randint(2, 20)):
            i = rnd.randrange(len(b))
            b[i] = rnd.randrange(256)
    elif kind == "truncate":
        b = b[: rnd.randrange(len(b))]
    elif kind in ("splice", "duplicate"):
        starts = [i for i in range(len(data)) if data.startswith(b'{"@type":"d","@rid"', i)] or [0]
        a = rnd.choice(starts)
        end = data.find(b"},", a)
        chunk = data[a:end + 1 if end > 0 else len(data)]
        at = rnd.choice(starts)
        if kind == "duplicate":
            b = bytearray(data[:at] + chunk + b"," + data[at:])
        else:
            b = bytearray(data[:at] + chunk[: rnd.randrange(1, max(2, len(chunk)))] + data[at:])
    elif kind == "delete":
        i = rnd.randrange(len(b))
        del b[i:i + rnd.randint(1, 200)]
    elif kind == "insert":
        i = rnd.randrange(len(b))
        b[i:i] = rnd.choice([b"{", b"}", b"[", b"]", b",", b'"', b"NaN", b"#1:1", b"\\", b'{"@type":"d"', b"\xff"])
    elif kind == "swap-commas":
        b = bytearray(data.replace(b"},,{", b"},{") if rnd.random() < 0.5 else data.replace(b"},{", b"},,{", 5))
    if kind.startswith("gzip"):
        packed = bytearray(gzip.compress(data, compresslevel=1))
        if kind == "gzip-flip":
            i = rnd.randrange(10, len(packed))
            packed[i] ^= 1 << rnd.randrange(8)
        else:
            packed = packed[: rnd.randrange(len(packed))]
        return kind, bytes(packed), False
    return kind, bytes(b), rnd.random() < 0.5


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fuzz")
    db = engine.create(f"plocal:{tmp / 'template'}", "admin", "admin")
    db.create_class("Keep")
    db.insert("Keep", {"k": 1})
    db.close()
    return tmp / "template"


def _run(cases: int, fixture_export: Path, template: Path, tmp_path: Path, seed: int) -> dict[str, int]:
    data = gzip.open(fixture_export).read()
    rnd = random.Random(seed)
    work = tmp_path / "work"
    shutil.copytree(template, work)
    baseline = fingerprint(work)
    db = engine.open(f"plocal:{work}", "admin", "admin")
    outcomes = {"ok": 0, "error": 0}
    try:
        for case in range(cases):
            kind, payload, pack = mutate(data, rnd)
            path = tmp_path / "case.json"
            path.write_bytes(gzip.compress(payload, compresslevel=1) if pack else payload)
            try:
                import_database(db, path, ImportOptions())
            except OrientError as exc:
                assert "\n" not in str(exc)
                outcomes["error"] += 1
                assert fingerprint(work) == baseline, f"case {case} ({kind}) changed the database: {exc}"
                continue
            outcomes["ok"] += 1
            db.close()
            shutil.rmtree(work)
            shutil.copytree(template, work)
            db = engine.open(f"plocal:{work}", "admin", "admin")
    finally:
        db.close()
    return outcomes


@pytest.mark.fuzz
def test_fuzz_import(fixture_export, template, tmp_path):
    """40 cases by default; ORIENT_FUZZ_CASES sets the campaign size, ORIENT_FUZZ_SEED its seed."""
    seed = int(os.environ.get("ORIENT_FUZZ_SEED", "2026"))
    outcomes = _run(CASES, fixture_export, template, tmp_path, seed=seed)
    assert outcomes["error"] > 0
    print(f"\nfuzz: {CASES} cases, {outcomes['ok']} imported, {outcomes['error']} clean errors")
