"""Shared fixtures: fresh embedded databases and the real OrientDB export."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

_EXPORT_NAME = "orientdb-3.0.34-export.json.gz"


def _find_fixture() -> Path:
    """The shared real OrientDB export: $ORIENT_FIXTURE_EXPORT, ../shared, or /work/shared."""
    env = os.environ.get("ORIENT_FIXTURE_EXPORT")
    if env:
        return Path(env)
    for base in (Path(__file__).resolve().parents[2] / "shared", Path("/work/shared")):
        candidate = base / "fixtures" / _EXPORT_NAME
        if candidate.exists():
            return candidate
    return Path("/work/shared/fixtures") / _EXPORT_NAME


FIXTURE_EXPORT = _find_fixture()

_names = itertools.count()


@pytest.fixture
def fixture_export() -> Path:
    if not FIXTURE_EXPORT.exists():
        pytest.fail(f"the shared OrientDB export is missing: {FIXTURE_EXPORT}")
    return FIXTURE_EXPORT


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"plocal:{tmp_path / 'db'}"


@pytest.fixture
def db(db_url: str):
    """A new plocal database, logged in as admin."""
    from console import engine

    database = engine.create(db_url, "admin", "admin")
    yield database
    database.close()


@pytest.fixture
def memdb():
    """A new memory database, logged in as admin."""
    from console import engine

    database = engine.create(f"memory:test{next(_names)}_{os.getpid()}", "admin", "admin")
    yield database
    database.close()
    engine.drop(database.url)
