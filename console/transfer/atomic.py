"""Files that appear whole or not at all.

On Linux the data goes to an unnamed file (``O_TMPFILE``) in the target's
directory, linked into place only once complete, so a crash, a kill -9 or an
error leaves nothing behind. Where that is not possible (other systems,
filesystems without O_TMPFILE) a hidden temporary file is renamed instead.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from pathlib import Path
from typing import BinaryIO, Callable

_O_TMPFILE = getattr(os, "O_TMPFILE", 0)
_AT_FDCWD = -100
_AT_EMPTY_PATH = 0x1000

LinkFn = Callable[[int, Path], None]


def _link_proc(fd: int, target: Path) -> None:
    os.link(f"/proc/self/fd/{fd}", target, follow_symlinks=True)


def _link_empty_path(fd: int, target: Path) -> None:
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    if libc.linkat(fd, b"", _AT_FDCWD, os.fsencode(target), _AT_EMPTY_PATH) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err), str(target))


_methods: dict[str, LinkFn | None] = {}


def _link_method(directory: Path) -> LinkFn | None:
    """How an unnamed file can be linked into ``directory`` (probed once per directory)."""
    key = str(directory)
    if key not in _methods:
        _methods[key] = None
        if _O_TMPFILE:
            for method in (_link_proc, _link_empty_path):
                probe = directory / f".atomic-probe-{os.getpid()}"
                try:
                    fd = os.open(directory, os.O_RDWR | _O_TMPFILE, 0o600)
                except OSError:
                    break
                try:
                    method(fd, probe)
                    _methods[key] = method
                except (OSError, AttributeError):
                    continue
                finally:
                    os.close(fd)
                    try:
                        os.unlink(probe)
                    except FileNotFoundError:
                        pass
                if _methods[key] is not None:
                    break
    return _methods[key]


class AtomicFile:
    """A writable binary file that becomes ``target`` on :meth:`commit`."""

    def __init__(self, target: Path) -> None:
        self.target = Path(target)
        self._named: Path | None = None
        self._link = _link_method(self.target.parent)
        fd = -1
        if self._link is not None:
            try:
                fd = os.open(self.target.parent, os.O_RDWR | _O_TMPFILE, 0o644)
            except OSError:
                fd = -1
        if fd < 0:
            self._link = None
            self._named = self.target.with_name(f".{self.target.name}.tmp-{os.getpid()}")
            fd = os.open(self._named, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
        self.file: BinaryIO = os.fdopen(fd, "w+b")

    @property
    def unnamed(self) -> bool:
        """True when nothing is visible on disk until commit."""
        return self._named is None

    def commit(self) -> int:
        """Flush, fsync and put the file in place; returns its size."""
        f = self.file
        f.flush()
        os.fsync(f.fileno())
        size = os.fstat(f.fileno()).st_size
        if self._named is None:
            assert self._link is not None
            try:
                self._link(f.fileno(), self.target)
            except FileExistsError:
                staged = self.target.with_name(f".{self.target.name}.new-{os.getpid()}")
                try:
                    os.unlink(staged)
                except FileNotFoundError:
                    pass
                self._link(f.fileno(), staged)
                os.replace(staged, self.target)
            f.close()
        else:
            f.close()
            os.replace(self._named, self.target)
            self._named = None
        _fsync_dir(self.target.parent)
        return size

    def abort(self) -> None:
        """Forget everything written; nothing remains on disk."""
        try:
            self.file.close()
        except OSError:
            pass
        if self._named is not None:
            try:
                self._named.unlink()
            except FileNotFoundError:
                pass


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
