"""Concurrent pyorient clients against the server: no errors, no lost or duplicated writes.

The workload is scripts/bench_remote.py's (loaded from there, so the test
and the benchmark run the same code): 10 clients for 5 seconds, then the full
50 clients for 30 seconds (marked ``slow``: ``-m "not slow"`` leaves it out
while developing). Figures are printed (``-s`` shows them); timings are never
asserted.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from remote_server import ServerProcess, start_server

_SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "bench_remote.py"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_remote", _SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_remote"] = module
    spec.loader.exec_module(module)
    return module


def _check(report) -> None:
    print()
    for line in report.lines():
        print(line)
    assert report.errors == []
    assert report.mismatches == []
    assert report.duplicates == 0
    assert report.stored == report.expected
    assert report.checksum_stored == report.checksum_expected
    assert report.operations > 0


def test_load_short(server: ServerProcess) -> None:
    report = _bench().run_load(server.host, server.port, server.root_password, clients=10, seconds=5.0,
                               max_ops=2000)
    _check(report)


@pytest.mark.slow
def test_load_full(tmp_path: Path) -> None:
    srv = start_server(tmp_path / "load")
    try:
        report = _bench().run_load(srv.host, srv.port, srv.root_password, clients=50, seconds=30.0,
                                   max_ops=1_000_000)
        _check(report)
    finally:
        assert srv.stop() == 0
