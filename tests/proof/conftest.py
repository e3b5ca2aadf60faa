"""Helpers for the robustness proofs: subprocesses, fingerprints, sample databases."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

CONSOLE = str(Path(sys.executable).with_name("orient-console"))
PYTHON = sys.executable


def console(*args: str, cwd: Path, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    e = dict(os.environ, XDG_DATA_HOME=str(cwd / "xdg"))
    if env:
        e.update(env)
    return subprocess.run([CONSOLE, *args], capture_output=True, text=True, cwd=cwd, env=e, timeout=timeout)


def fingerprint(db_dir: Path) -> str:
    """A hash of everything stored (records, clusters, schema, indexes, meta), read in a fresh connection."""
    conn = sqlite3.connect(f"file:{db_dir / 'database.sqlite'}?mode=ro", uri=True)
    try:
        h = hashlib.sha256()
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        for t in tables:
            h.update(t.encode())
            for row in conn.execute(f'SELECT * FROM "{t}" ORDER BY 1, 2'):
                h.update(repr(row).encode())
        return h.hexdigest()
    finally:
        conn.close()
