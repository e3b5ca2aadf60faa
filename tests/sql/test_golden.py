"""Golden tests: each ``tests/sql/*.osql`` script runs in a console session
(JSON output, errors kept going) and its transcript must equal ``*.out``.

Regenerate after an intended change with ``ORIENT_GOLDEN_UPDATE=1`` and
review the diff: the expected files are the specification.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from console.engine import registry
from console.errors import OrientError
from console.render import Renderer
from console.script import split_statements
from console.session import Session
from console.settings import Settings

HERE = Path(__file__).parent
SCRIPTS = sorted(HERE.glob("*.osql"))


def transcript(path: Path) -> str:
    settings = Settings()
    settings.set("format", "json")
    settings.set("verbose", "0")
    buf = io.StringIO()
    session = Session(Renderer(settings, out=buf, err=buf, color=False), settings)
    try:
        for st in split_statements(path.read_text(encoding="utf-8")):
            buf.write(f"> {st.text}\n")
            try:
                session.execute(st.text)
            except OrientError as exc:
                buf.write(f"! {exc}\n")
    finally:
        db = session.db
        url = db.url if db is not None else None
        session.close_database()
        if url and url.startswith("memory:") and registry.exists(url):
            registry.drop(url)
    return buf.getvalue()


def statement_count() -> int:
    return sum(len(split_statements(p.read_text(encoding="utf-8"))) for p in SCRIPTS)


def test_golden_scripts_cover_enough_statements():
    assert statement_count() >= 150


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_golden(script: Path) -> None:
    expected_path = script.with_suffix(".out")
    got = transcript(script)
    if os.environ.get("ORIENT_GOLDEN_UPDATE"):
        expected_path.write_text(got, encoding="utf-8")
    assert expected_path.exists(), f"missing {expected_path.name}: run with ORIENT_GOLDEN_UPDATE=1 and review it"
    assert got == expected_path.read_text(encoding="utf-8")
