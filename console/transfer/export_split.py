"""EXPORT DATABASE on two cores: a helper process writes the second half of the records.

Splicing records in SQLite takes most of an export's time and holds one core;
a second thread gains nothing (the sqlite3 module and SQLite's allocator
serialise it), a second process does. For a large ``plocal`` database the
records (in export order) are cut in two halves: this process writes the first,
a helper (``python -m console.transfer.export_split``) reads and compresses the
second into an unnamed temporary file, appended as a gzip member of its own
(a gzip file may hold several members, read back as one stream).

Both read the same snapshot: writers are held off (the engine's
``hold_writers``) from before this process starts its read transaction until
the helper has started its own (it says so on a pipe of its own, watched by a
thread, so the gate opens at once). A helper whose parent dies is killed
with it; a crash leaves nothing on disk (the temporary file has no name), and
the copy into the export frees the temporary file's blocks as it goes.

``ORIENT_EXPORT_SPLIT_MIN`` sets how many records an export needs before it
splits (default 200,000; a negative value never splits).
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterator

from console.engine.export_rows import export_rows
from console.engine.rid import cluster_range
from console.engine.storage import snapshot_connection
from console.transfer import faults
from console.transfer.gzipio import compressor

SPLIT_MIN = 200_000
# Measured on the 1.2M-record benchmark: both processes export ~2.8 us/record (this one
# compresses in a thread, the helper inline); the helper starts ~0.1 s later.
MAIN_SHARE = 0.5


class HelperFailed(Exception):
    """The helper process stopped without finishing its half."""


def split_min() -> int:
    """Records an export needs before a helper is worth starting."""
    try:
        return int(os.environ.get("ORIENT_EXPORT_SPLIT_MIN", SPLIT_MIN))
    except ValueError:
        return SPLIT_MIN


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


class WritersGate:
    """Holds other writers off while the snapshots of this process and the helper are taken."""

    def __init__(self, lock: Any) -> None:
        self._lock = lock

    @property
    def held(self) -> bool:
        return self._lock is not None

    def release(self) -> None:
        """Let writers go on (from any thread; again is harmless)."""
        if self._lock is not None:
            self._lock.release()


def estimated_records(db: Any) -> int:
    """Records of the database judged by key spans (no snapshot, no scan)."""
    total = 0
    for c in db.schema.clusters:
        bounds = db.key_bounds(c.id)
        if bounds is not None:
            total += bounds[1] - bounds[0] + 1
    return total


@contextlib.contextmanager
def writers_gate(db: Any) -> Iterator[WritersGate]:
    """A held gate when ``db`` may be exported in two processes, an empty one otherwise
    (remote and memory databases, small ones, inside a transaction or a snapshot, a
    writer busy, one core)."""
    limit = split_min()
    if (limit < 0 or _cores() < 2 or not hasattr(db, "hold_writers")
            or not str(getattr(db, "url", "")).startswith("plocal:") or estimated_records(db) < limit):
        yield WritersGate(None)
        return
    with db.hold_writers() as lock:
        yield WritersGate(lock)


Segment = tuple[Any, int, int]  #: (cluster, lowest key, highest key)


def plan(clusters: list[Any], bounds: list[tuple[int, int] | None],
         share: float = MAIN_SHARE) -> tuple[list[Segment], list[Segment], int]:
    """Cut the clusters (in export order) in two at about ``share`` of the records; returns
    the halves and how many records the first should hold. Positions are dense, so the
    span of a cluster's keys (``bounds``: lowest and highest, None when empty) stands for
    its count without reading it."""
    whole = [(c, *cluster_range(c.id)) for c in clusters]
    sizes = [0 if b is None else b[1] - b[0] + 1 for b in bounds]
    cut = int(sum(sizes) * share)
    seen = 0
    for i, n in enumerate(sizes):
        if seen + n > cut:
            keep = cut - seen
            if keep == 0:
                return whole[:i], whole[i:], seen
            c, lo, hi = whole[i]
            key = bounds[i][0] + keep  # type: ignore[index]
            return whole[:i] + [(c, lo, key - 1)], [(c, key, hi)] + whole[i + 1:], cut
        seen += n
    return whole, [], seen


@dataclass
class Helper:
    """The running helper process and what it has reported."""

    proc: subprocess.Popen[bytes]
    output: BinaryIO
    errors: BinaryIO
    segments: list[Segment]
    watcher: threading.Thread | None = None
    ready: bool = False
    counts: dict[int, int] = field(default_factory=dict)
    exported: int = 0
    raw_bytes: int = 0
    done: bool = False
    _pending: bytes = b""

    def poll(self, advance: Callable[[int], None] | None, timeout: float = 0.0) -> None:
        """Read what the helper has said so far (waiting up to ``timeout`` seconds)."""
        if self.proc.stdout is None:
            return
        fd = self.proc.stdout.fileno()
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        if not poller.poll(int(timeout * 1000)):
            return
        data = os.read(fd, 65536)
        if not data:
            self._finish()
            return
        lines = (self._pending + data).split(b"\n")
        self._pending = lines.pop()
        for line in lines:
            kind, _, rest = line.partition(b" ")
            if kind == b"p":
                n = int(rest)
                self.exported += n
                if advance is not None:
                    advance(n)
            elif kind == b"c":
                cid, n = rest.split()
                self.counts[int(cid)] = int(n)
            elif kind == b"done":
                self.raw_bytes = int(rest)
                self.done = True

    def _finish(self) -> None:
        code = self.proc.wait()
        if self.watcher is not None:
            self.watcher.join()
        if code != 0 or not self.done or not self.ready:
            self.errors.seek(0)
            err = self.errors.read().decode(errors="replace").strip().splitlines()
            why = err[-1] if err else (f"killed by signal {-code}" if code < 0 else f"exit status {code}")
            raise HelperFailed(f"the export helper process failed: {why}")
        self.proc.stdout.close()  # type: ignore[union-attr]
        self.proc.stdout = None

    def wait(self, advance: Callable[[int], None] | None, cancelled: Callable[[], bool] | None) -> None:
        """Wait for the helper to finish, reporting progress; Ctrl-C or ``cancelled`` stops it."""
        while self.proc.stdout is not None:
            self.poll(advance, 0.1)
            if cancelled is not None and cancelled():
                raise KeyboardInterrupt

    def stop(self) -> None:
        """Kill the helper (on error or cancel); its temporary file goes with it."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        if self.watcher is not None:
            self.watcher.join()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self.errors.close()
        self.output.close()


def start(db: Any, segments: list[Segment], include: set[str] | None, exclude: set[str] | None,
          level: int | None, sep: bytes, directory: Path, before: int = 0,
          on_ready: Callable[[], None] | None = None) -> Helper:
    """Start the helper on ``segments`` (``before`` records precede them). ``on_ready`` is
    called, from a thread of its own, once the helper holds its snapshot (or has died)."""
    output = tempfile.TemporaryFile(dir=directory)
    errors = tempfile.TemporaryFile()
    ready_r, ready_w = os.pipe()
    spec = {"db": str(db.path), "fd": output.fileno(), "ready": ready_w, "level": level, "sep": sep.decode(),
            "before": before,
            "include": sorted(include) if include is not None else None, "exclude": sorted(exclude or ()),
            "segments": [[c.id, lo, hi] for c, lo, hi in segments]}
    try:
        # -P: nothing is imported from the working directory
        proc = subprocess.Popen([sys.executable, "-P", "-m", "console.transfer.export_split"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors,
                                pass_fds=(output.fileno(), ready_w))
    except BaseException:
        for f in (output, errors):
            f.close()
        os.close(ready_r)
        raise
    finally:
        os.close(ready_w)
    helper = Helper(proc, output, errors, segments)

    def await_ready() -> None:
        try:
            helper.ready = os.read(ready_r, 1) == b"r"
        finally:
            os.close(ready_r)
            if on_ready is not None:
                on_ready()

    helper.watcher = threading.Thread(target=await_ready, name="export-helper-ready", daemon=True)
    helper.watcher.start()
    try:
        assert proc.stdin is not None
        proc.stdin.write(json.dumps(spec).encode() + b"\n")
        proc.stdin.close()
    except BaseException:
        helper.stop()
        raise
    return helper


# -- the helper process ---------------------------------------------------------------------
def _die_with_parent() -> None:
    """Linux: have the kernel kill this process when the parent goes (checked per batch too)."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _serve(spec: dict[str, Any]) -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent cancels; Ctrl-C reaches both
    parent = os.getppid()
    _die_with_parent()
    if os.getppid() != parent:
        return 3
    out = os.fdopen(spec["fd"], "wb", buffering=1 << 20)
    conn = snapshot_connection(Path(spec["db"]))
    os.write(spec["ready"], b"r")
    os.close(spec["ready"])
    say = sys.stdout.buffer
    comp = compressor(spec["level"]) if spec["level"] is not None else None
    sep = spec["sep"].encode()
    include = set(spec["include"]) if spec["include"] is not None else None
    exclude = set(spec["exclude"])
    raw = done = 0
    for cid, lo, hi in spec["segments"]:
        n = 0
        for chunk, count in export_rows(conn, cid, lo, hi, include, exclude, sep=sep):
            data = (sep if raw else b"") + chunk
            raw += len(data)
            out.write(comp.compress(data) if comp is not None else data)
            n += count
            done += count
            faults.reached("export", spec["before"] + done, start=spec["before"])
            say.write(b"p %d\n" % count)
            say.flush()
            if os.getppid() != parent:
                return 3
        say.write(b"c %d %d\n" % (cid, n))
    if comp is not None:
        out.write(comp.flush())
    out.flush()
    say.write(b"done %d\n" % raw)
    say.flush()
    return 0


def main() -> int:
    """Entry point of the helper: a JSON spec on standard input."""
    try:
        return _serve(json.loads(sys.stdin.readline()))
    except Exception as exc:  # reported by the parent as one line
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
