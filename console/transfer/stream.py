"""The decompressed byte stream of an export file, with positions.

:class:`JsonStream` holds a bounded window (``_buf``) on the stream of an
export file, gzip or plain (detected by the magic bytes ``1f 8b``, never by
name), and knows the line, column and byte offset of every place in it.  It
parses one JSON value at a time, tolerantly: orjson first, the standard
library for what orjson refuses (``NaN``, ``Infinity``, out-of-range numbers),
and a precise :class:`ImportFormatError` for anything malformed.

Gzip input is inflated with python-isal when installed (several times faster
than zlib), in chunks of bounded size.  ``threaded=True`` inflates in a
background thread feeding a small bounded queue; isal releases the GIL, but on
the 2-core machine this was measured on the GIL hand-offs ate the gain
(inflating is under a tenth of the reader's time), so it is off by default.
"""

from __future__ import annotations

import json
import os
import queue
import threading
import zlib
from typing import Any, BinaryIO, Iterator, NoReturn

import orjson

from console.errors import OrientError

try:  # python-isal: the zlib API, a much faster inflate
    from isal import isal_zlib as _zlib
except ImportError:  # pragma: no cover - exercised where isal is absent
    _zlib = zlib  # type: ignore[assignment]

CHUNK_SIZE = 1 << 20          # decompressed bytes read at a time
GZIP_MAGIC = b"\x1f\x8b"
_INPUT_SIZE = 1 << 18         # compressed bytes read at a time
_QUEUE_DEPTH = 4              # chunks inflated ahead by the thread
_WS = b" \t\r\n"
_MARGIN = 16                  # an error this close to an arbitrary cut may be the cut's fault
_MIN_WINDOW = 1 << 14
_DECODER = json.JSONDecoder()
_NEED_MORE: Any = object()
_DONE = object()
_BAD_UTF8 = "invalid UTF-8 byte (the text must be UTF-8)"
_TRUNCATED = "truncated gzip stream (the compressed data ends early)"


class ImportFormatError(OrientError):
    """The export file is missing, unreadable or malformed; the message says where."""


class InputError(Exception):
    """The byte stream failed; the reader adds the position."""


class JsonStream:
    """A bounded buffer on a file's decompressed bytes, with positions.

    Buffer indices are relative to ``_base`` (the stream offset of
    ``_buf[0]``); every method that may read more input returns indices
    already adjusted for the bytes it dropped.
    """

    def __init__(self, path: str | os.PathLike[str], chunk_size: int = CHUNK_SIZE,
                 threaded: bool = False) -> None:
        self.path = os.fspath(path)
        try:
            self._source = _ByteSource(self.path, chunk_size, threaded)
        except InputError as exc:
            raise ImportFormatError(f"cannot read '{self.path}': {exc}") from None
        self.compressed: bool = self._source.compressed  #: the input was gzip
        self._buf = b""
        self._base = 0
        self._eof = False
        self._line = 1            # line of stream offset _nl_from
        self._line_start = 0      # stream offset where that line starts
        self._nl_from = 0
        self._nl_next = 0         # no newline in [_nl_from, _nl_next)
        self._record: int | None = None   # record number, for error messages
        self._mark = 0            # stream offset of the value being read
        self._error: ImportFormatError | None = None

    def close(self) -> None:
        """Release the file and the inflating thread (idempotent)."""
        self._source.close()

    # --- buffer -------------------------------------------------------------

    def _more(self, keep: int, want: int = 0) -> int | None:
        """Drop ``_buf[:keep]`` and append input (at least one chunk, and until
        the buffer holds ``want`` bytes); the shift, or None at the end."""
        if self._eof:
            return None
        self._locate(keep)
        rest = self._buf[keep:]
        parts = [rest]
        size = len(rest)
        while True:
            try:
                chunk = self._source.read()
            except InputError as exc:
                self._buf = b"".join(parts)  # the error is at the end of what was read
                self._base += keep
                self._fail(len(self._buf), str(exc))
            if not chunk:
                self._eof = True
                break
            parts.append(chunk)
            size += len(chunk)
            if size >= want:
                break
        if len(parts) == 1:
            return None
        self._buf = b"".join(parts)
        self._base += keep
        return keep

    def _at(self, i: int) -> tuple[int, int]:
        """(i, the byte at i), reading as needed; the byte is -1 at the end."""
        while i >= len(self._buf):
            shift = self._more(i)
            if shift is None:
                return i, -1
            i -= shift
        return i, self._buf[i]

    def _skip_ws(self, i: int) -> tuple[int, int]:
        """Skip whitespace: (i, the next byte or -1)."""
        while True:
            buf = self._buf
            n = len(buf)
            while i < n and buf[i] in _WS:
                i += 1
            if i < n:
                return i, buf[i]
            shift = self._more(i)
            if shift is None:
                return i, -1
            i -= shift

    def _skip_seps(self, i: int) -> tuple[int, int, int]:
        """Skip whitespace and commas: (i, the next byte or -1, commas seen)."""
        commas = 0
        while True:
            buf = self._buf
            n = len(buf)
            while i < n:
                b = buf[i]
                if b == 0x2C:
                    commas += 1
                elif b not in _WS:
                    return i, b, commas
                i += 1
            shift = self._more(i)
            if shift is None:
                return i, -1, commas
            i -= shift

    # --- positions and errors -----------------------------------------------

    def _locate(self, i: int) -> tuple[int, int]:
        """(line, column) of ``_buf[i]``, counting newlines incrementally."""
        buf, base = self._buf, self._base
        a = base + i
        f = self._nl_from - base
        if i >= f:
            if a >= self._nl_next:
                n = buf.count(b"\n", f, i)
                if n:
                    self._line += n
                    self._line_start = base + buf.rfind(b"\n", f, i) + 1
                nx = buf.find(b"\n", i)
                self._nl_next = base + (nx if nx >= 0 else len(buf))
        else:  # backwards: only for an error before the last place located
            n = buf.count(b"\n", i, f)
            if n:
                self._line -= n
                self._line_start = base + buf.rfind(b"\n", 0, i) + 1
            self._nl_next = a
        self._nl_from = a
        return self._line, a - self._line_start + 1

    def _fail(self, i: int, what: str) -> NoReturn:
        """Raise ImportFormatError for ``_buf[i]`` (i may be the buffer's end)."""
        i = max(0, min(i, len(self._buf)))
        line, column = self._locate(i)
        record = f", record {self._record}" if self._record is not None else ""
        self._error = ImportFormatError(
            f"line {line}, column {column} (byte {self._base + i}){record}: {what}")
        self.close()
        raise self._error

    # --- one JSON value -------------------------------------------------------

    def _value(self, i: int, what: str, anchor: bytes | None = None) -> tuple[Any, int, int]:
        """Parse the JSON value at ``_buf[i]``: (value, start, end) as buffer indices.

        Parses windows of growing size (so the cost stays linear) until one
        holds the whole value; orjson's "unexpected content after document"
        marks its end.  With ``anchor``, windows end just before an occurrence
        of it (a clean place to cut), else anywhere.  ``what`` names the value
        in errors ("a record").
        """
        self._mark = self._base + i
        span = 1
        while True:
            i, cut, final = self._window(i, span, anchor)
            result = self._attempt(i, cut, final, what)
            if result is not _NEED_MORE:
                return result
            span = 2 * (cut - i)

    def _window(self, i: int, span: int, anchor: bytes | None) -> tuple[int, int, bool]:
        """(i, cut, final): a cut past ``i + span``, reading input as needed."""
        while True:
            buf = self._buf
            n = len(buf)
            lo = i + span
            if anchor is not None and lo < n:
                k = buf.find(anchor, lo)
                if k >= 0:
                    while buf[k - 1] in b" \t\r\n,":
                        k -= 1
                    return i, max(k, i + 1), False
            want = i + max(2 * span, _MIN_WINDOW)
            if n >= want or self._eof:
                cut = min(n, want)
                return i, cut, self._eof and cut == n
            shift = self._more(i, want - i)
            if shift is not None:
                i -= shift

    def _attempt(self, i: int, cut: int, final: bool, what: str, bad_utf8: int = -1) -> Any:
        """Parse ``_buf[i:cut]``: (value, start, end), _NEED_MORE, or raise."""
        buf = self._buf
        chunk = buf[i:cut]
        try:
            value = orjson.loads(chunk)
        except orjson.JSONDecodeError as exc:
            msg, p = exc.msg, exc.pos  # p counts characters, not bytes
            if not chunk.isascii():
                p = _byte_pos(chunk.decode("utf-8", "surrogateescape"), p)
        else:  # a number could go on past an arbitrary cut
            if final or not isinstance(value, (int, float)):
                return value, i, cut
            return _NEED_MORE
        if msg.startswith("unexpected content after"):
            end = i + p
            while buf[end - 1] in _WS:
                end -= 1
            return self._attempt(i, end, True, what)
        if "UTF-8" in msg:
            try:
                chunk.decode("utf-8")
            except UnicodeDecodeError as err:
                # parse up to the bad byte: a cut inside a character, or bad input
                cut_short = err.reason == "unexpected end of data" and not final
                return self._attempt(i, i + err.start, not cut_short, what,
                                     -1 if cut_short else i + err.start)
        if msg.startswith("unexpected end of data"):
            if bad_utf8 >= 0:
                self._fail(bad_utf8, _BAD_UTF8)
            if not final:
                return _NEED_MORE
            self._eof_error(i, cut, what)
        if not final and p >= len(chunk) - _MARGIN:
            return _NEED_MORE
        # orjson refuses NaN, Infinity and numbers out of range: the standard library
        text = chunk.decode("utf-8")
        try:
            value, end = _DECODER.raw_decode(text)
        except json.JSONDecodeError as err:
            near_cut = (err.msg.startswith("Unterminated string")
                        or err.pos >= len(text) - _MARGIN)
            if near_cut and not final:
                return _NEED_MORE
            if near_cut and bad_utf8 >= 0:
                self._fail(bad_utf8, _BAD_UTF8)
            at = i + _byte_pos(text, err.pos)
            if err.msg.startswith("Unterminated string"):
                self._fail(at, "unterminated string")
            reason = err.msg.removesuffix(" at")
            self._fail(at, f"{reason[0].lower()}{reason[1:]}, found "
                       + show_byte(buf[at] if at < len(buf) else -1))
        except RecursionError:
            self._fail(i, "values nested too deeply")
        return value, i, i + _byte_pos(text, end)

    def _eof_error(self, i: int, cut: int, what: str) -> NoReturn:
        try:  # name an unterminated string by where it starts
            text = self._buf[i:cut].decode("utf-8")
            _DECODER.raw_decode(text)
        except json.JSONDecodeError as err:
            if err.msg.startswith("Unterminated string"):
                self._fail(i + _byte_pos(text, err.pos),
                           "unterminated string (the file ends inside it)")
        except (UnicodeDecodeError, RecursionError):
            pass
        self._fail(cut, f"unexpected end of file inside {what}")


def show_byte(c: int) -> str:
    """A byte as an error message shows it: 'x', byte 0xff, or the end of the file."""
    if c == -1:
        return "the end of the file"
    return repr(chr(c)) if 0x20 <= c < 0x7F else f"byte 0x{c:02x}"


def _byte_pos(text: str, pos: int) -> int:
    """The byte offset of character ``pos`` of ``text`` in UTF-8."""
    return pos if text.isascii() else len(text[:pos].encode("utf-8", "surrogateescape"))


# --- the byte source ----------------------------------------------------------

class _ByteSource:
    """Decompressed chunks of one file (gzip inflated, in a thread if asked)."""

    def __init__(self, path: str, chunk_size: int, threaded: bool) -> None:
        try:
            self._file: BinaryIO = open(path, "rb")
        except FileNotFoundError:
            raise InputError("no such file") from None
        except IsADirectoryError:
            raise InputError("is a directory") from None
        except PermissionError:
            raise InputError("permission denied") from None
        except (OSError, ValueError) as exc:
            raise InputError(getattr(exc, "strerror", None) or str(exc)) from None
        try:
            self.compressed = self._file.read(2) == GZIP_MAGIC
            self._file.seek(0)
        except OSError as exc:
            self._file.close()
            raise InputError(exc.strerror or str(exc)) from None
        if self.compressed:
            self._chunks = _gunzip_chunks(self._file, chunk_size)
        else:
            self._chunks = _plain_chunks(self._file, chunk_size)
            threaded = False
        self._done = False
        self._stop = threading.Event()
        self._queue: queue.Queue[object] | None = None
        self._thread: threading.Thread | None = None
        if threaded:
            self._queue = queue.Queue(maxsize=_QUEUE_DEPTH)
            self._thread = threading.Thread(target=self._produce, daemon=True,
                                            name="export-inflate")
            self._thread.start()

    def read(self) -> bytes:
        """The next chunk (never empty), ``b""`` at the end; raises InputError."""
        if self._done:
            return b""
        item = self._queue.get() if self._queue is not None else _next_chunk(self._chunks)
        if isinstance(item, bytes):
            return item
        self._done = True
        if isinstance(item, InputError):
            raise item
        return b""

    def close(self) -> None:
        self._done = True
        self._stop.set()
        if self._thread is not None:
            assert self._queue is not None
            while self._thread.is_alive():
                try:  # unblock a producer waiting on a full queue
                    self._queue.get(timeout=0.05)
                except queue.Empty:
                    pass
            self._thread = None
        self._chunks.close()
        self._file.close()

    def _produce(self) -> None:
        assert self._queue is not None
        while not self._stop.is_set():
            item = _next_chunk(self._chunks)
            while not self._stop.is_set():
                try:
                    self._queue.put(item, timeout=0.1)
                    break
                except queue.Full:
                    pass
            if not isinstance(item, bytes):
                return


def _next_chunk(chunks: Iterator[bytes]) -> object:
    """The next chunk, _DONE at the end, or an InputError saying what failed."""
    try:
        return next(chunks)
    except StopIteration:
        return _DONE
    except InputError as exc:
        return exc
    except EOFError:
        return InputError(_TRUNCATED)
    except Exception as exc:  # zlib.error, IsalError, OSError, MemoryError...
        text = str(exc)
        if "check" in text.lower():
            return InputError(f"corrupt gzip stream: checksum mismatch ({text})")
        if isinstance(exc, OSError) and exc.strerror:
            return InputError(f"read error: {exc.strerror}")
        return InputError(f"corrupt gzip stream ({text})")


def _plain_chunks(f: BinaryIO, size: int) -> Iterator[bytes]:
    while data := f.read(size):
        yield data


def _gunzip_chunks(f: BinaryIO, size: int) -> Iterator[bytes]:
    """Inflate every gzip member of ``f``; trailing zero padding is allowed."""
    d = _zlib.decompressobj(31)
    pending = b""
    while True:
        if not pending:
            pending = f.read(_INPUT_SIZE)
            if not pending:
                break
        if d.eof:  # between members: another member, padding, or garbage
            stripped = pending.lstrip(b"\0")
            if len(stripped) < 2:
                more = f.read(_INPUT_SIZE)
                if more:
                    pending = stripped + more
                    continue
                if not stripped:
                    break
            if not stripped.startswith(GZIP_MAGIC):
                raise InputError("garbage after the end of the gzip stream")
            pending = stripped
            d = _zlib.decompressobj(31)
        out = d.decompress(pending, size)
        pending = d.unused_data if d.eof else d.unconsumed_tail
        if out:
            yield out
    while not d.eof:
        out = d.decompress(b"", size)
        if not out:
            raise InputError(_TRUNCATED)
        yield out
