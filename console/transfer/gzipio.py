"""Compressed output written atomically: a temporary file renamed on success.

Compression runs in a second thread (zlib and ISA-L release the GIL), so
producing JSON and deflating it overlap. python-isal's fast deflate is used
for levels 1-3 when installed; zlib otherwise. Data compressed elsewhere can
be spliced in as a gzip member of its own (a gzip file may hold several,
read back as one stream).
"""

from __future__ import annotations

import os
import queue
import threading
import zlib
from pathlib import Path
from typing import Any, BinaryIO

from console.transfer.atomic import AtomicFile

try:  # optional: ISA-L is several times faster at low levels
    from isal import isal_zlib as _isal
except ImportError:  # pragma: no cover - depends on the environment
    _isal = None

CHUNK = 1 << 20
_DONE = object()


_fallocate: Any = None


def _free_blocks(fd: int, offset: int, length: int) -> None:
    """Punch a hole in a file (Linux ``fallocate``); silently nothing where unsupported."""
    global _fallocate
    if _fallocate is None:
        try:
            import ctypes

            fn = ctypes.CDLL(None, use_errno=True).fallocate
            fn.argtypes = (ctypes.c_int, ctypes.c_int, ctypes.c_int64, ctypes.c_int64)
            _fallocate = fn
        except (OSError, AttributeError):
            _fallocate = False
    if _fallocate:
        _fallocate(fd, 0x03, offset, length)  # FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE


class _Member:
    """Queue marker: end the current gzip member and copy ``source`` (already compressed) in."""

    def __init__(self, source: BinaryIO) -> None:
        self.source = source


def compressor(level: int) -> Any:
    """A gzip-format compress object for ``level`` (0 stores, 1-9 deflate)."""
    if _isal is not None and 1 <= level <= 3:
        return _isal.compressobj(level, _isal.DEFLATED, 31)
    return zlib.compressobj(level, zlib.DEFLATED, 31)


class AtomicWriter:
    """Write bytes to ``target`` through a temporary file; ``commit()`` renames it into place."""

    def __init__(self, target: Path, *, level: int | None = None, buffer: int = CHUNK) -> None:
        self.target = target
        self.level = level
        self._buf: list[bytes] = []
        self._size = 0
        self._limit = max(buffer, 4096)
        self.raw_bytes = 0
        self.written = 0
        self._error: BaseException | None = None
        self._atomic = AtomicFile(target)
        self._file = self._atomic.file
        self._queue: queue.Queue[Any] | None = None
        self._thread: threading.Thread | None = None
        if level is not None:
            self._queue = queue.Queue(maxsize=8)
            self._thread = threading.Thread(target=self._compress_loop, name="export-compress", daemon=True)
            self._thread.start()

    # -- producer side ---------------------------------------------------------------
    def write(self, data: bytes) -> None:
        self._buf.append(data)
        self._size += len(data)
        if self._size >= self._limit:
            self._flush_buffer()

    def _flush_buffer(self) -> None:
        if not self._buf:
            return
        chunk = b"".join(self._buf)
        self._buf.clear()
        self._size = 0
        self.raw_bytes += len(chunk)
        if self._error is not None:
            raise self._error
        if self._queue is None:
            self._file.write(chunk)
            self.written += len(chunk)
        else:
            self._queue.put(chunk)

    def append_member(self, source: BinaryIO, raw_bytes: int) -> None:
        """Close the current gzip member and append ``source`` (which this closes), compressed
        elsewhere with the same level (``raw_bytes`` before compression); later writes start
        a new member."""
        self._flush_buffer()
        self.raw_bytes += raw_bytes
        if self._error is not None:
            raise self._error
        if self._queue is None:
            self._copy(source)
        else:
            self._queue.put(_Member(source))

    def _copy(self, source: BinaryIO) -> None:
        """Copy ``source`` in, freeing its blocks as they are copied (where the file system
        can punch holes), so the export never needs much more room than its own size."""
        with source:
            fd = source.fileno()
            offset = 0
            while True:
                chunk = os.pread(fd, CHUNK, offset)
                if not chunk:
                    break
                self._file.write(chunk)
                _free_blocks(fd, offset, len(chunk))
                offset += len(chunk)
            self.written += offset

    # -- compressor thread -------------------------------------------------------------
    def _compress_loop(self) -> None:
        assert self._queue is not None and self.level is not None
        comp = compressor(self.level)
        try:
            while True:
                chunk = self._queue.get()
                if chunk is _DONE or isinstance(chunk, _Member):
                    tail = comp.flush()
                    self._file.write(tail)
                    self.written += len(tail)
                    if chunk is _DONE:
                        return
                    self._copy(chunk.source)
                    comp = compressor(self.level)
                    continue
                out = comp.compress(chunk)
                if out:
                    self._file.write(out)
                    self.written += len(out)
        except BaseException as exc:  # surfaced to the producer on its next write
            self._error = exc
            while True:  # drain so the producer never blocks forever
                try:
                    if self._queue.get_nowait() is _DONE:
                        return
                except queue.Empty:
                    return

    # -- finishing -----------------------------------------------------------------------
    def commit(self) -> int:
        """Finish, fsync and rename into place; returns the size on disk."""
        self._flush_buffer()
        if self._queue is not None and self._thread is not None:
            self._queue.put(_DONE)
            self._thread.join()
        if self._error is not None:
            err = self._error
            self.abort()
            raise err
        return self._atomic.commit()

    def abort(self) -> None:
        """Drop everything written so far; no partial file remains."""
        if self._queue is not None and self._thread is not None and self._thread.is_alive():
            try:
                self._queue.put_nowait(_DONE)
            except queue.Full:
                pass
            self._thread.join(timeout=5)
        self._atomic.abort()
