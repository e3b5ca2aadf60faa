"""Fixtures for the remote tests: a real ``orient-console serve`` subprocess and pyorient clients."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from remote_server import ServerProcess, start_server


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One server for the whole test session."""
    srv = start_server(tmp_path_factory.mktemp("served"))
    yield srv
    srv.stop()


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[ServerProcess]:
    """A server of its own, for tests that stop it."""
    srv = start_server(tmp_path / "served")
    yield srv
    if srv.proc.poll() is None:
        srv.proc.kill()
        srv.proc.wait(10)


@pytest.fixture
def dbname(server: ServerProcess) -> Iterator[str]:
    """A fresh memory database on the shared server, dropped afterwards."""
    name = server.new_database("memory")
    yield name
    c = server.root()
    try:
        if c.db_exists(name):
            c.db_drop(name)
    finally:
        c.close()


@pytest.fixture
def client(server: ServerProcess, dbname: str) -> Iterator[Any]:
    """A pyorient client with the fresh database open as admin."""
    c = server.open(dbname)
    yield c
    try:
        c.close()
    except Exception:
        pass
