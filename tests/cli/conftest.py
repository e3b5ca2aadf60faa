"""Helpers for running the installed ``orient-console`` command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

CONSOLE = str(Path(sys.executable).with_name("orient-console"))


def run_console(*args: str, input: str | None = None, cwd: Path | None = None, env: dict | None = None,
                timeout: float = 120) -> subprocess.CompletedProcess:
    e = dict(os.environ)
    e.pop("NO_COLOR", None)
    if env:
        e.update(env)
    return subprocess.run([CONSOLE, *args], input=input, capture_output=True, text=True, cwd=cwd, env=e,
                          timeout=timeout)


@pytest.fixture
def console(tmp_path: Path):
    """Run the installed console with its data directory in a temporary place."""
    env = {"XDG_DATA_HOME": str(tmp_path / "xdg"), "COLUMNS": "200"}

    def run(*args: str, input: str | None = None, extra_env: dict | None = None) -> subprocess.CompletedProcess:
        return run_console(*args, input=input, cwd=tmp_path, env={**env, **(extra_env or {})})
    return run
