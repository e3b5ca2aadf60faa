"""Streaming, tolerant reader of OrientDB JSON export files.

An export is one JSON object whose keys are sections, in this order when
present: ``info``, ``clusters``, ``schema``, ``records``, ``brokenRids``,
``indexes``, ``manualIndexes``::

    with ExportReader(path) as reader:          # gzip or plain, by content
        for section in reader.sections():
            if section.name == "records":
                for record in section.value:     # RawRecord, read lazily
                    ...
            else:
                ...                              # a dict or a list

The small sections are parsed whole; ``records`` is read from a bounded
buffer, so memory does not grow with the file.  Records are found without
scanning characters in Python: runs of records are split on the file's
separator (``,,{"`` as OrientDB 3.0.27+ writes, which cannot occur inside a
valid record) and parsed by orjson piece by piece; where that does not apply
each record is cut at the next ``{"@type":"d","@rid":"`` and the window grows
when a parse shows the cut fell inside a nested document.  Every piece must
parse on its own, so a wrong cut can never go unnoticed.

Real-file quirks accepted: ``},,{`` between records, bare RIDs in
``brokenRids``, ``NaN``/``Infinity``/``-Infinity`` (as floats), UTF-8 or
``\\uXXXX`` text, whitespace and newlines between records, unknown top-level
keys (skipped), legacy keys (passed through in the dicts).  Records with a
DECIMAL letter ``c`` in some ``@fieldTypes`` are parsed with
``parse_float=Decimal``, keeping their digits; elsewhere floats are floats.

Malformed input raises :class:`ImportFormatError`, a one-line message led by
the position: ``line 1, column 20133 (byte 20132), record 57: unexpected end
of file inside a record``.  Columns count bytes from 1, byte offsets count the
decompressed stream from 0, record numbers count from 0 like
:attr:`RawRecord.index`.
"""

from __future__ import annotations

import json
import os
import re
import zlib
from bisect import bisect_right
from decimal import Decimal
from itertools import accumulate, chain, count, islice, repeat
from types import TracebackType
from typing import Any, Iterable, Iterator, NamedTuple

import orjson

from console.transfer.stream import (CHUNK_SIZE, ImportFormatError, InputError, JsonStream,
                                     show_byte)

__all__ = ["ExportReader", "ImportFormatError", "RawRecord", "Section", "SECTION_ORDER"]


class Section(NamedTuple):
    """A top-level section: ``value`` is a dict or list, or for ``records`` an
    iterator of RawRecord to consume before asking for the next section."""

    name: str
    value: Any


class RawRecord(NamedTuple):
    """One record of the ``records`` array."""

    index: int               #: 0-based record number in the file
    offset: int              #: stream offset of its ``{`` (decompressed bytes)
    line: int                #: 1-based line of its ``{``
    column: int              #: 1-based column (in bytes) of its ``{``
    data: dict[str, Any]     #: the record, keys in file order
    raw: bytes               #: the record's exact bytes
    strict: bool             #: ``raw`` is strict JSON (no NaN, no number orjson refuses)


SECTION_ORDER = ("info", "clusters", "schema", "records", "brokenRids", "indexes",
                 "manualIndexes")
_RANK = {name: rank for rank, name in enumerate(SECTION_ORDER)}
_KINDS: dict[str, type] = {"info": dict, "clusters": list, "schema": dict,
                           "brokenRids": list, "indexes": list, "manualIndexes": list}

_TAG = b'{"@type":"'          # how a record begins (also embedded documents)
_RID_KEY = b',"@rid":"'       # top-level records go on '{"@type":"d","@rid":"'
_SEPS = b" \t\r\n,"
_BOM = b"\xef\xbb\xbf"
_BATCH = 1 << 16              # bytes of records split and parsed at once
_DECIMAL_MARK = re.compile(b"=c")
_FIELD_TYPES = re.compile(rb'"@fieldTypes"\s*:\s*"((?:[^"\\]|\\.)*)"')
_BARE_RID = re.compile(rb'(?<!["\w])(#-?\d+:-?\d+)(?![\w"])')
_DECIMAL_DECODER = json.JSONDecoder(parse_float=Decimal)
_STRAY = (ValueError, OSError, EOFError, RecursionError, zlib.error, InputError)


class _Split(NamedTuple):
    sep: bytes      # between two records (a wrong split leaves a piece that fails)
    prefix: bytes   # the part of sep that begins the next record
    gap: int        # bytes from the end of one record to the next one


_SPLITS = {b",,": _Split(b',,{"', b'{"', 2),                # OrientDB 3.0.27+
           b",": _Split(b',{"@type":"d","@rid":"', b'{"@type":"d","@rid":"', 1),
           b",\n": _Split(b',\n{"', b'{"', 2)}              # -useLineFeedForRecords


class ExportReader(JsonStream):
    """Read an OrientDB JSON export, gzip or plain (detected by content).

    A missing or unreadable file raises ImportFormatError here.  ``threaded``
    inflates gzip input in a background thread (see console.transfer.stream);
    ``chunk_size`` is how many decompressed bytes are read at a time.  Use it
    as a context manager, or call :meth:`close`; reaching the end of the file
    or an error closes it too.
    """

    def __init__(self, path: str | os.PathLike[str], *, chunk_size: int = CHUNK_SIZE,
                 threaded: bool = False, exact_decimals: bool = True) -> None:
        super().__init__(path, chunk_size, threaded)
        #: False: records are parsed with orjson only (DECIMAL values as floats);
        #: a caller keeping ``raw`` re-reads the few records it must re-encode.
        self.exact_decimals = exact_decimals
        self._dec_at = -1 if exact_decimals else 1 << 62  # next '=c' in the stream
        self._after_records = 0
        self._started = False

    def __enter__(self) -> "ExportReader":
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def sections(self) -> Iterator[Section]:
        """The sections in file order (once per reader).

        Unknown top-level keys are read and skipped.  Asking for the next
        section before exhausting ``records`` reads and drops the rest.
        """
        if self._started:
            raise ImportFormatError(f"'{self.path}': sections() can be iterated only once")
        self._started = True
        return self._guard(self._sections())

    # --- top level ------------------------------------------------------------

    def _sections(self) -> Iterator[Section]:
        i, c = self._at(0)
        if c == -1:
            self._fail(0, "the file is empty")
        if self._buf.startswith(_BOM):
            i = 3
        i, c = self._skip_ws(i)
        if c != 0x7B:
            self._fail(i, "not an OrientDB JSON export: expected '{' at the start, found "
                       + show_byte(c))
        i, c = self._skip_ws(i + 1)
        last = -1
        seen: set[str] = set()
        while c != 0x7D:
            if c != 0x22:
                self._fail(i, "expected a section name (a quoted key), found " + show_byte(c))
            name, start, i = self._value(i, "a section name")
            rank = _RANK.get(name)
            if rank is not None:
                if name in seen:
                    self._fail(start, f"section '{name}' appears twice")
                if rank < last:
                    self._fail(start, f"section '{name}' is out of order: it must come "
                               f"before '{SECTION_ORDER[last]}'")
                last = rank
                seen.add(name)
            i, c = self._skip_ws(i)
            if c != 0x3A:
                self._fail(i, f"expected ':' after section name '{name}', found {show_byte(c)}")
            i, c = self._skip_ws(i + 1)
            if name == "records":
                if c != 0x5B:
                    self._fail(i, "section 'records' must be an array, found " + show_byte(c))
                records = chain.from_iterable(self._record_runs(i + 1))
                yield Section(name, records)
                for _ in records:  # the caller left some records unread
                    pass
                if self._error is not None:
                    raise self._error
                i = self._after_records
            else:
                if name == "brokenRids":
                    value, start, i = self._broken_rids(i)
                else:
                    value, start, i = self._value(i, f"section '{name}'")
                kind = _KINDS.get(name)
                if kind is not None and not isinstance(value, kind):
                    self._fail(start, f"section '{name}' must be "
                               + ("an object" if kind is dict else "an array"))
                if rank is not None:
                    yield Section(name, value)
            i, c = self._skip_ws(i)
            if c == 0x2C:
                i, c = self._skip_ws(i + 1)
            elif c == -1:
                self._fail(i, "unexpected end of file: the export object is not closed")
            elif c != 0x7D:
                self._fail(i, f"expected ',' or '}}' after section '{name}', "
                           f"found {show_byte(c)}")
        i, c = self._skip_ws(i + 1)  # reads to the end: a bad gzip trailer shows here
        if c != -1:
            self._fail(i, "unexpected data after the end of the export object: "
                       + show_byte(c))
        self.close()

    def _broken_rids(self, i: int) -> tuple[Any, int, int]:
        """``brokenRids``: a list of RIDs, which OrientDB writes without quotes."""
        i, c = self._at(i)
        if c == 0x5B:
            while (j := self._buf.find(b"]", i)) < 0:
                shift = self._more(i)
                if shift is None:
                    break
                i -= shift
            if j >= 0:
                text = self._buf[i:j + 1]
                for candidate in (text, _BARE_RID.sub(rb'"\1"', text)):
                    try:
                        return orjson.loads(candidate), i, j + 1
                    except orjson.JSONDecodeError:
                        pass
        return self._value(i, "section 'brokenRids'")

    def _guard(self, gen: Iterator[Any]) -> Iterator[Any]:
        """Report any stray low-level failure as an ImportFormatError."""
        try:
            yield from gen
        except ImportFormatError:
            raise
        except _STRAY as exc:
            self._fail(self._mark - self._base, f"cannot read the export ({exc})")

    # --- records --------------------------------------------------------------

    def _record_runs(self, i: int) -> Iterator[Iterable[RawRecord]]:
        """Runs of consecutive records, from just after the records' '['.

        Yielding runs lets ``chain`` iterate them in C.  A run is a whole
        batch (:meth:`_batch`) when the separator is known, else the records
        the per-record loop below managed, else one record read slowly.
        """
        loads = orjson.loads
        decode_error = orjson.JSONDecodeError
        new = tuple.__new__
        index = 0
        split: _Split | None = None   # the file's record separator, once seen
        hold = 0                      # no batch before this stream offset
        try:
            i, c, _ = self._skip_seps(i)
            while True:
                if split is not None and c == 0x7B and self._base + i >= hold:
                    run, n, j = self._batch(i, index, split)
                    if run is not None:
                        yield run
                        index += n
                        i = j
                        continue
                    hold = self._base + j
                # Record by record: parse up to the next '{"@type":"d","@rid":"'
                # (the next record, or else the parse fails and the slow path
                # below takes over).  State lives in locals; calls reload it.
                out: list[RawRecord] = []
                buf, base = self._buf, self._base
                dec_rel = self._dec_at - base       # next '=c' (buffer index)
                nl_rel = self._nl_next - base       # next newline (buffer index)
                line, ls_rel = self._line, self._line_start - base - 1
                while c == 0x7B:
                    nxt = buf.find(_RID_KEY, i + 13) - 12
                    if nxt <= i or buf[nxt] != 0x7B:
                        break
                    w = nxt - 1
                    if buf[w] == 0x2C and buf[w - 1] == 0x2C:
                        w -= 1
                    if buf[w] != 0x2C or buf[w - 1] != 0x7D:  # whitespace, or junk
                        w = nxt - 1
                        while buf[w] in _SEPS:
                            w -= 1
                        w += 1
                        if b"," not in buf[w:nxt]:
                            break
                    raw = buf[i:w]
                    try:
                        data = loads(raw)
                    except decode_error:
                        break
                    if w - 1 > dec_rel and self.exact_decimals:
                        if self._decimal_hint(i, w):
                            data = _decimal_loads(raw, data)
                        dec_rel = self._dec_at - base
                    if i >= nl_rel:
                        line, column = self._locate(i)
                        nl_rel, ls_rel = self._nl_next - base, self._line_start - base - 1
                    else:
                        column = i - ls_rel
                    out.append(new(RawRecord, (index, base + i, line, column, data, raw, True)))
                    index += 1
                    i = nxt
                    if base + i >= hold:
                        split = _SPLITS.get(buf[w:nxt])
                        if split is not None:
                            break
                        hold = base + i + _BATCH
                if out:
                    yield out
                if split is not None and c == 0x7B and base + i >= hold:
                    continue
                # Slow path: one record, or the end of the array, reading as needed.
                self._record = index
                if c != 0x7B:
                    if c == 0x5D and index == 0:
                        break
                    if c == -1:
                        self._fail(i, "unexpected end of file inside the records array")
                    self._fail(i, "expected a record (a JSON object), found " + show_byte(c))
                data, pos, end = self._value(i, "a record", _TAG)
                raw = self._buf[pos:end]
                strict = _strict(raw)
                if self.exact_decimals and b"=c" in raw and _has_decimal(raw):
                    data = _decimal_loads(raw, data)
                line, column = self._locate(pos)
                yield (new(RawRecord, (index, self._base + pos, line, column, data, raw, strict)),)
                index += 1
                i, c, commas = self._skip_seps(end)
                if c == 0x5D:
                    break
                if c == 0x7B and not commas:
                    self._record = index
                    self._fail(i, "missing ',' between records")
        except ImportFormatError:
            raise
        except _STRAY as exc:
            self._fail(self._mark - self._base, f"cannot read the export ({exc})")
        self._record = None
        self._after_records = i + 1

    def _batch(self, i: int, index: int, split: _Split) -> tuple[Any, int, int]:
        """The whole records in ``_buf[i:i + _BATCH]``, split on ``split.sep``.

        Returns (records, how many, index of the next record), or (None, 0,
        index up to which records must go one by one) when the run cannot be
        split: a piece that fails to parse, a newline, no separator in reach.
        """
        sep, prefix, gap = split
        buf = self._buf
        end = min(len(buf), i + _BATCH)
        j = buf.rfind(sep, i + 1, end)
        if j < 0:
            return None, 0, end
        region = buf[i:j]
        pieces = region.split(sep)
        newlines = region.count(b"\n") if b"\n" in region else 0
        if newlines and (gap != 2 or newlines != len(pieces) - 1 or sep[1] != 0x0A):
            return None, 0, j  # only the separators may hold newlines
        raws = [pieces[0]]
        raws += map(prefix.__add__, islice(pieces, 1, None))
        try:
            datas = list(map(orjson.loads, raws))
        except orjson.JSONDecodeError:
            return None, 0, j
        start = self._base + i
        offsets = list(accumulate(map(gap.__add__, map(len, raws)), initial=start))
        if self.exact_decimals and _DECIMAL_MARK.search(region) is not None:
            for m in _DECIMAL_MARK.finditer(region):
                k = bisect_right(offsets, start + m.start()) - 1
                if _has_decimal(raws[k]):
                    datas[k] = _decimal_loads(raws[k], datas[k])
        line, column = self._locate(i)
        if newlines:  # one record a line
            lines: Iterator[int] = count(line)
            columns: Iterator[int] = chain((column,), repeat(1))
        else:
            lines = repeat(line)
            columns = map((column - start).__add__, offsets)
        run = map(tuple.__new__, repeat(RawRecord),
                  zip(count(index), offsets, lines, columns, datas, raws, repeat(True)))
        return run, len(raws), j + gap

    def _decimal_hint(self, pos: int, w: int) -> bool:
        """Whether ``_buf[pos:w]`` gives some field the DECIMAL letter.

        ``_dec_at`` keeps the next ``=c`` of the buffer (or where the search
        stopped), so most records cost a comparison rather than a scan.
        """
        buf, base = self._buf, self._base
        q = self._dec_at - base
        if q < pos:
            q = buf.find(b"=c", pos)
            if q < 0:
                self._dec_at = base + len(buf) - 1
                return False
            self._dec_at = base + q
        return q < w - 1 and _has_decimal(buf[pos:w])


def _strict(raw: bytes) -> bool:
    """Whether orjson reads ``raw`` (the reader also accepts NaN, Infinity, huge numbers)."""
    try:
        orjson.loads(raw)
    except orjson.JSONDecodeError:
        return False
    return True


def _has_decimal(raw: bytes) -> bool:
    """Whether some ``@fieldTypes`` in ``raw`` gives a field the letter ``c``."""
    for match in _FIELD_TYPES.finditer(raw):
        for item in match.group(1).split(b","):
            if item.rpartition(b"=")[2] == b"c":
                return True
    return False


def _decimal_loads(raw: bytes, parsed: Any) -> Any:
    """``raw`` parsed again with floats as Decimal (exact digits)."""
    try:
        return _DECIMAL_DECODER.decode(raw.decode("utf-8"))
    except (ValueError, RecursionError):  # pragma: no cover - orjson accepted it
        return parsed
