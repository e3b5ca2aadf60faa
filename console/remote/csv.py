"""The "ORecordDocument2csv" record format, as pyorient 1.5.5 writes and reads it.

A record is ``[Class@]name:value(,name:value)*``; an empty value is null.

Reading (:func:`decode_record`) accepts what pyorient *sends* and what
OrientDB would send, and is tolerant of pyorient's quirks:

- booleans written ``True`` / ``False`` (capitalised) as well as ``true`` / ``false``;
- strings that pyorient did not escape (plain dicts, nested strings): a ``"``
  inside a string ends it only when what follows is a valid continuation for
  the enclosing context (``,name:`` or the end at the top level, ``,`` or the
  closing bracket inside collections, ``:`` after a map key); otherwise it is
  kept as a literal quote. A string left unterminated because it ended with a
  raw backslash (``"C:\\dir\\"``) is closed at that backslash;
- floats written as an exact decimal expansion (``0.1000…5625d``), ``NaNd``
  and ``Infinityd``; exponents in either case;
- keys quoted or bare, spaces between tokens.

Malformed input raises :class:`CSVError` (one line, with the offset); nothing
else escapes and parsing is linear in the input size.

Writing (:func:`encode_record`) produces text pyorient decodes correctly:
strings escape only ``\\`` and ``"``; floats are formatted as Java does
(``1.5d``, ``6.022E23d``, upper-case ``E``, no ``+``), because pyorient's number
pattern ``-?\\d+(\\.\\d+)?(E-?\\d+)?`` silently drops the rest of a record on a
lower-case ``e`` or a ``+``; nulls inside collections are written ``null``
(pyorient loses an empty first element of a list).

What pyorient cannot represent, so a round trip through it is lossy:

- BINARY ``_base64_`` comes back as the base64 ``str``, not bytes;
- sets (``<..>``) come back as lists; link sets/bags are written as ``[..]``;
- DATETIME comes back as a naive datetime in the client's local time (the
  instant is kept, milliseconds too); DATE is written as the server's local
  midnight, which pyorient reads as a local date (the client and server are
  assumed to share a time zone; pyorient itself sends local midnight);
- SHORT, BYTE, LONG, FLOAT and DECIMAL-vs-DOUBLE distinctions are reduced to
  Python int / float / Decimal;
- NaN and ±infinity floats (and non-finite decimals) are written as null;
- embedded documents come back as dicts with the class under ``'o_class'``;
- link bags sent by OrientDB as ``%…;`` become opaque objects in pyorient; we
  never send that form.
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import math
import re
import struct
import time
from decimal import Decimal
from typing import Any, Mapping

from console.engine.codec import date_to_ms, datetime_to_ms, decimal_text, ms_to_datetime
from console.engine.document import Blob, Document
from console.engine.rid import RID
from console.engine.types import INTEGER_RANGES, OType, infer_type
from console.errors import OrientError

__all__ = [
    "CSVError", "decode_record", "decode_value", "encode_record", "encode_value",
    "encode_map_document", "format_double",
]

MAX_DEPTH = 100


class CSVError(OrientError):
    """Record content in the CSV format is malformed or cannot be written."""


# --- decoding ----------------------------------------------------------------

_WS = " \t\r\n"
_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_SPECIAL_FLOAT_RE = re.compile(r"(-?)(NaN|Infinity)")
_LINK_RE = re.compile(r"#(-?\d+):(-?\d+)")
_BARE_KEY_RE = re.compile(r"[^:,\"]+")
_CLASS_RE = re.compile(r"([^,:@\"\s()\[\]{}<>]+)@")
_KEY_AHEAD_RE = re.compile(r"[ \t\r\n]*(?:\"(?:[^\"\\]|\\.)*\"|[^:,\"]+)[ \t\r\n]*:", re.S)
_STR_SPECIAL_RE = re.compile(r"[\\\"]")
_B64_RE = re.compile(r"[A-Za-z0-9+/=\s]*")
_KEYWORDS = (("true", True), ("false", False), ("True", True), ("False", False), ("null", None))
_VALUE_START = set("\"-+0123456789.#[<{(%_tfnTFNI,") | set(_WS)

# contexts: where a value sits, which decides what may follow it
_TOP, _EMB, _LIST, _SET, _MAPVAL, _KEY = range(6)
_CLOSERS = {_EMB: ")", _LIST: "]", _SET: ">", _MAPVAL: "}"}

_LOCAL_EPOCH_DAY = _dt.date(1970, 1, 1)


class _Parser:
    """Recursive-descent reader over one record's text."""

    __slots__ = ("s", "n")

    def __init__(self, text: str) -> None:
        self.s = text
        self.n = len(text)

    # -- helpers -----------------------------------------------------------
    def fail(self, pos: int, what: str) -> CSVError:
        if pos >= self.n:
            found = "end of content"
        else:
            found = repr(self.s[pos:pos + 12])
        return CSVError(f"malformed record content at offset {pos}: {what}, found {found}")

    def ws(self, i: int) -> int:
        s, n = self.s, self.n
        while i < n and s[i] in _WS:
            i += 1
        return i

    def follows(self, i: int, ctx: int) -> bool:
        """Whether a value may end at ``i`` in context ``ctx`` (string tolerance)."""
        i = self.ws(i)
        if i >= self.n:
            return True
        c = self.s[i]
        if ctx == _KEY:
            return c == ":"
        if c == _CLOSERS.get(ctx):
            return True
        if c != ",":
            return False
        if ctx in (_TOP, _EMB, _MAPVAL):
            return _KEY_AHEAD_RE.match(self.s, i + 1) is not None
        j = self.ws(i + 1)
        return j >= self.n or self.s[j] in _VALUE_START or self.s[j] == _CLOSERS[ctx]

    # -- records -----------------------------------------------------------
    def record(self) -> Document:
        doc = Document()
        i = self.ws(0)
        m = _CLASS_RE.match(self.s, i)
        if m:
            doc.class_name = m.group(1)
            i = m.end()
        i = self.fields(doc, i, _TOP, 0)
        if i < self.n:
            raise self.fail(i, "expected ',' or end of record")
        return doc

    def fields(self, doc: Document, i: int, ctx: int, depth: int) -> int:
        """Read ``name:value`` pairs into ``doc``; stop before the closer or at the end."""
        closer = _CLOSERS.get(ctx)
        i = self.ws(i)
        if i >= self.n or self.s[i] == closer:
            return i
        while True:
            key, i = self.key(i, depth)
            value, otype, i = self.value(i, ctx, depth)
            doc.fields[key] = value
            doc.types.pop(key, None)
            if otype is not None and otype is not infer_type(value):
                doc.types[key] = otype
            i = self.ws(i)
            if i < self.n and self.s[i] == ",":
                i = self.ws(i + 1)
                if i >= self.n or self.s[i] == closer:  # tolerate a trailing comma
                    return i
                continue
            return i

    def key(self, i: int, depth: int) -> tuple[str, int]:
        """A field or map key, quoted or bare, and the offset after its ``:``."""
        i = self.ws(i)
        if i < self.n and self.s[i] == '"':
            key, i = self.string(i + 1, _KEY)
        else:
            m = _BARE_KEY_RE.match(self.s, i)
            if not m or not m.group().strip():
                raise self.fail(i, "expected a field name")
            key, i = m.group().strip(), m.end()
        i = self.ws(i)
        if i >= self.n or self.s[i] != ":":
            raise self.fail(i, "expected ':' after a field name")
        return key, i + 1

    # -- values ------------------------------------------------------------
    def value(self, i: int, ctx: int, depth: int) -> tuple[Any, OType | None, int]:
        """One value: ``(python value, explicit type or None, offset after it)``."""
        if depth > MAX_DEPTH:
            raise self.fail(i, f"nesting deeper than {MAX_DEPTH} levels")
        s = self.s
        i = self.ws(i)
        if i >= self.n:
            return None, None, i
        c = s[i]
        if c == "," or c == _CLOSERS.get(ctx):  # an empty value is null
            return None, None, i
        if c == '"':
            text, j = self.string(i + 1, ctx)
            return text, OType.STRING, j
        if c in "-+0123456789.":
            m = _SPECIAL_FLOAT_RE.match(s, i)
            if m:
                return self.special_float(m, ctx)
            return self.number(i, ctx)
        if c in "NI":
            m = _SPECIAL_FLOAT_RE.match(s, i)
            if m:
                return self.special_float(m, ctx)
        if c == "#":
            m = _LINK_RE.match(s, i)
            if not m:
                raise self.fail(i, "expected a link #cluster:position")
            self.check_end(m.end(), ctx)
            return RID(int(m.group(1)), int(m.group(2))), OType.LINK, m.end()
        if c == "[":
            items, j = self.items(i + 1, _LIST, depth)
            return items, _collection_type(items, OType.LINKLIST, OType.EMBEDDEDLIST), j
        if c == "<":
            items, j = self.items(i + 1, _SET, depth)
            return items, _collection_type(items, OType.LINKSET, OType.EMBEDDEDSET), j
        if c == "{":
            return self.map(i + 1, depth)
        if c == "(":
            return self.embedded(i + 1, depth)
        if c == "%":
            return self.ridbag(i + 1, ctx)
        if c == "_":
            return self.binary(i + 1, ctx)
        for word, val in _KEYWORDS:
            if s.startswith(word, i):
                j = i + len(word)
                self.check_end(j, ctx)
                return val, (None if val is None else OType.BOOLEAN), j
        raise self.fail(i, "expected a value")

    def check_end(self, i: int, ctx: int) -> None:
        """A scalar must be followed by a separator, its container's closer or the end."""
        j = self.ws(i)
        if j >= self.n:
            return
        c = self.s[j]
        if c == "," or c == _CLOSERS.get(ctx):
            return
        raise self.fail(j, "unexpected character after a value")

    def string(self, i: int, ctx: int) -> tuple[str, int]:
        """A string body starting after its opening quote; returns text and offset after it."""
        s = self.s
        parts: list[str] = []
        start = i
        fallback: tuple[int, int] | None = None  # (len(parts), offset of a '\' before '"')
        while True:
            m = _STR_SPECIAL_RE.search(s, i)
            if m is None:
                return self.unterminated(parts, fallback)
            j = m.start()
            if s[j] == "\\":
                if j + 1 >= self.n:
                    return self.unterminated(parts, fallback)
                parts.append(s[start:j])
                if fallback is None and s[j + 1] == '"' and self.follows(j + 2, ctx):
                    fallback = (len(parts), j)
                parts.append(s[j + 1])
                i = start = j + 2
                continue
            if self.follows(j + 1, ctx):
                parts.append(s[start:j])
                return "".join(parts), j + 1
            i = j + 1  # an unescaped quote inside the string: keep it

    def unterminated(self, parts: list[str], fallback: tuple[int, int] | None) -> tuple[str, int]:
        """A string with no closing quote: closed at the raw backslash ``fallback`` noted, if any."""
        if fallback is None:
            raise self.fail(self.n, "unterminated string")
        count, j = fallback
        return "".join(parts[:count]) + "\\", j + 2

    def number(self, i: int, ctx: int) -> tuple[Any, OType | None, int]:
        m = _NUMBER_RE.match(self.s, i)
        if not m:
            raise self.fail(i, "expected a number")
        text, j = m.group(), m.end()
        suffix = self.s[j] if j < self.n else ""
        if suffix and suffix in "bslfdcta":
            j += 1
        else:
            suffix = ""
        self.check_end(j, ctx)
        try:
            value, otype = _number(text, suffix)
        except (ValueError, ArithmeticError, OverflowError) as exc:
            raise CSVError(f"malformed record content at offset {i}: bad number {text + suffix!r} ({exc})") from None
        return value, otype, j

    def special_float(self, m: re.Match, ctx: int) -> tuple[Any, OType | None, int]:
        j = m.end()
        suffix = self.s[j] if j < self.n else ""
        otype = OType.FLOAT if suffix == "f" else OType.DOUBLE
        if suffix in ("f", "d"):
            j += 1
        self.check_end(j, ctx)
        return float(m.group(1) + ("nan" if m.group(2) == "NaN" else "inf")), otype, j

    def items(self, i: int, ctx: int, depth: int) -> tuple[list[Any], int]:
        """Elements of a list or set up to its closer; returns the offset after it."""
        closer = _CLOSERS[ctx]
        out: list[Any] = []
        i = self.ws(i)
        if i < self.n and self.s[i] == closer:
            return out, i + 1
        while True:
            value, _, i = self.value(i, ctx, depth + 1)
            out.append(value)
            i = self.ws(i)
            if i >= self.n:
                raise self.fail(i, f"expected ',' or '{closer}'")
            c = self.s[i]
            if c == closer:
                return out, i + 1
            if c != ",":
                raise self.fail(i, f"expected ',' or '{closer}'")
            i += 1

    def map(self, i: int, depth: int) -> tuple[dict[str, Any], OType, int]:
        out: dict[str, Any] = {}
        i = self.ws(i)
        if i < self.n and self.s[i] == "}":
            return out, OType.EMBEDDEDMAP, i + 1
        while True:
            key, i = self.key(i, depth)
            value, _, i = self.value(i, _MAPVAL, depth + 1)
            out[key] = value
            i = self.ws(i)
            if i >= self.n:
                raise self.fail(i, "expected ',' or '}'")
            c = self.s[i]
            if c == "}":
                break
            if c != ",":
                raise self.fail(i, "expected ',' or '}'")
            i += 1
        links = [v for v in out.values() if v is not None]
        if links and all(type(v) is RID for v in links):
            return out, OType.LINKMAP, i + 1
        return out, OType.EMBEDDEDMAP, i + 1

    def embedded(self, i: int, depth: int) -> tuple[Document, OType, int]:
        if depth >= MAX_DEPTH:
            raise self.fail(i, f"nesting deeper than {MAX_DEPTH} levels")
        doc = Document()
        i = self.ws(i)
        m = _CLASS_RE.match(self.s, i)
        if m:
            doc.class_name = m.group(1)
            i = m.end()
        i = self.fields(doc, i, _EMB, depth + 1)
        if i >= self.n or self.s[i] != ")":
            raise self.fail(i, "expected ',' or ')'")
        return doc, OType.EMBEDDED, i + 1

    def ridbag(self, i: int, ctx: int) -> tuple[list[RID], OType, int]:
        end = self.s.find(";", i)
        if end < 0:
            raise self.fail(i, "unterminated link bag (no ';')")
        self.check_end(end + 1, ctx)
        try:
            raw = base64.b64decode(self.s[i:end], validate=True)
        except (binascii.Error, ValueError):
            raise self.fail(i, "link bag is not valid base64") from None
        return _parse_ridbag(raw, i), OType.LINKBAG, end + 1

    def binary(self, i: int, ctx: int) -> tuple[bytes, OType, int]:
        m = _B64_RE.match(self.s, i)
        j = m.end() if m else i
        if j >= self.n or self.s[j] != "_":
            raise self.fail(j, "unterminated binary value (no closing '_')")
        self.check_end(j + 1, ctx)
        try:
            data = base64.b64decode("".join(self.s[i:j].split()), validate=True)
        except (binascii.Error, ValueError):
            raise self.fail(i, "binary value is not valid base64") from None
        return data, OType.BINARY, j + 1


def _collection_type(items: list[Any], link_type: OType, plain_type: OType) -> OType:
    present = [v for v in items if v is not None]
    if present and all(type(v) is RID for v in present):
        return link_type
    return plain_type


def _int_in(value: int, otype: OType) -> tuple[int, OType]:
    lo, hi = INTEGER_RANGES[otype]
    if not lo <= value <= hi:
        raise ValueError(f"out of range for {otype.name}")
    return value, otype


def _number(text: str, suffix: str) -> tuple[Any, OType | None]:
    is_int = text.lstrip("+-").isdigit()
    if suffix == "l":
        return _int_in(int(text), OType.LONG)
    if suffix == "s":
        return _int_in(int(text), OType.SHORT)
    if suffix == "b":
        return _int_in(int(text), OType.BYTE)
    if suffix in ("f", "d"):
        value = float(text)
        if math.isinf(value):
            raise ValueError("out of range for a double")
        return value, OType.FLOAT if suffix == "f" else OType.DOUBLE
    if suffix == "c":
        return Decimal(text), OType.DECIMAL
    if suffix == "t":
        return ms_to_datetime(int(text) if is_int else int(Decimal(text))), OType.DATETIME
    if suffix == "a":
        return _local_date(int(text) if is_int else int(Decimal(text))), OType.DATE
    if is_int:
        value = int(text)
        if INTEGER_RANGES[OType.INTEGER][0] <= value <= INTEGER_RANGES[OType.INTEGER][1]:
            return value, OType.INTEGER
        if INTEGER_RANGES[OType.LONG][0] <= value <= INTEGER_RANGES[OType.LONG][1]:
            return value, OType.LONG
        return Decimal(text), OType.DECIMAL  # as OrientDB does for over-long numbers
    value = float(text)
    if math.isinf(value):
        raise ValueError("out of range for a double")
    return value, OType.DOUBLE


def _parse_ridbag(raw: bytes, offset: int) -> list[RID]:
    """Links of an embedded RidBag (config byte, optional UUID, int size, (short, long)*)."""
    if not raw:
        raise CSVError(f"malformed record content at offset {offset}: empty link bag")
    config, pos = raw[0], 1
    if config & 2:
        pos += 16
    if not config & 1:
        raise CSVError(f"malformed record content at offset {offset}: tree-based link bags are not supported")
    if len(raw) < pos + 4:
        raise CSVError(f"malformed record content at offset {offset}: truncated link bag")
    (size,) = struct.unpack_from("!i", raw, pos)
    pos += 4
    if size < 0 or len(raw) < pos + 10 * size:
        raise CSVError(f"malformed record content at offset {offset}: truncated link bag")
    return [RID(*struct.unpack_from("!hq", raw, pos + 10 * k)) for k in range(size)]


def _local_date(ms: int) -> _dt.date:
    """The local calendar date of an epoch-ms instant (pyorient sends local midnight)."""
    try:
        return _dt.datetime.fromtimestamp(ms / 1000).date()
    except (OverflowError, OSError, ValueError):
        return _LOCAL_EPOCH_DAY + _dt.timedelta(days=ms // 86_400_000)


def _local_midnight_ms(value: _dt.date) -> int:
    try:
        return int(time.mktime(value.timetuple())) * 1000
    except (OverflowError, OSError, ValueError):
        return (value - _LOCAL_EPOCH_DAY).days * 86_400_000


def decode_record(content: bytes | bytearray | memoryview | str) -> Document:
    """Parse a CSV record as pyorient or OrientDB writes it; raises CSVError."""
    if isinstance(content, str):
        text = content
    else:
        try:
            text = bytes(content).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CSVError(f"record content is not valid UTF-8 (offset {exc.start})") from None
    try:
        return _Parser(text.strip(_WS)).record()
    except RecursionError:
        raise CSVError("record content is nested too deeply") from None


def decode_value(text: str) -> tuple[Any, OType | None]:
    """One CSV value on its own: ``(value, type)``; raises CSVError."""
    p = _Parser(text.strip(_WS))
    try:
        value, otype, i = p.value(0, _TOP, 0)
    except RecursionError:
        raise CSVError("value is nested too deeply") from None
    if p.ws(i) < p.n:
        raise p.fail(i, "expected end of value")
    return value, otype


# --- encoding ----------------------------------------------------------------

_BARE_KEY_OK = re.compile(r"[^\s:,@\"\\()\[\]{}<>#%']+")


def format_double(value: float) -> str:
    """A finite float as Java's ``Double.toString`` writes it (``1.5``, ``6.022E23``)."""
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    sign, digits, exp = Decimal(repr(value)).as_tuple()
    ds = "".join(map(str, digits)).rstrip("0") or "0"
    point = len(digits) + exp  # position of the decimal point from the left of the digits
    sci = point - 1
    head = "-" if sign else ""
    if -3 <= sci < 7:
        if point <= 0:
            return f"{head}0.{'0' * -point}{ds}"
        if point >= len(ds):
            return f"{head}{ds}{'0' * (point - len(ds))}.0"
        return f"{head}{ds[:point]}.{ds[point:]}"
    frac = ds[1:] or "0"
    return f"{head}{ds[0]}.{frac}E{sci}"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _key(name: str) -> str:
    name = str(name)
    return name if _BARE_KEY_OK.fullmatch(name) else _quote(name)


def encode_value(value: Any, otype: OType | None = None, *, nested: bool = False) -> str:
    """One value as CSV text; ``nested`` writes null as ``null`` instead of nothing."""
    if value is None:
        return "null" if nested else ""
    if otype is None or otype is OType.ANY or otype is OType.TRANSIENT:
        otype = infer_type(value)
        if otype is OType.ANY:
            raise CSVError(f"cannot write a value of type {type(value).__name__}")
    try:
        return _encode_typed(value, otype, nested)
    except CSVError:
        raise
    except (TypeError, ValueError, ArithmeticError, AttributeError, OverflowError) as exc:
        raise CSVError(f"cannot write {type(value).__name__} value as {otype.name}: {exc}") from None


def _encode_typed(value: Any, otype: OType, nested: bool) -> str:
    null = "null" if nested else ""
    if otype is OType.STRING or otype is OType.CUSTOM:
        return _quote(value if isinstance(value, str) else str(value))
    if otype is OType.BOOLEAN:
        return "true" if value else "false"
    if otype is OType.INTEGER:
        return str(int(value))
    if otype is OType.LONG:
        return f"{int(value)}l"
    if otype is OType.SHORT:
        return f"{int(value)}s"
    if otype is OType.BYTE:
        return f"{int(value)}b"
    if otype is OType.DOUBLE or otype is OType.FLOAT:
        v = float(value)
        if not math.isfinite(v):
            return null
        return format_double(v) + ("f" if otype is OType.FLOAT else "d")
    if otype is OType.DECIMAL:
        d = value if isinstance(value, Decimal) else Decimal(str(value))
        if not d.is_finite():
            return null
        if -50 <= d.adjusted() <= 50:
            return decimal_text(d) + "c"
        return str(d).replace("E+", "E") + "c"  # keep huge exponents short
    if otype is OType.DATETIME:
        if isinstance(value, _dt.datetime):
            return f"{datetime_to_ms(value)}t"
        if isinstance(value, _dt.date):
            return f"{date_to_ms(value)}t"
        return f"{int(value)}t"
    if otype is OType.DATE:
        if isinstance(value, _dt.datetime):
            value = value.date()
        if isinstance(value, _dt.date):
            return f"{_local_midnight_ms(value)}a"
        return f"{int(value)}a"
    if otype is OType.LINK:
        return str(_as_rid(value))
    if otype in (OType.LINKLIST, OType.LINKSET, OType.LINKBAG):
        return "[" + ",".join("null" if v is None else str(_as_rid(v)) for v in value) + "]"
    if otype is OType.LINKMAP:
        return "{" + ",".join(
            f"{_quote(str(k))}:{'null' if v is None else _as_rid(v)}" for k, v in value.items()
        ) + "}"
    if otype is OType.EMBEDDEDLIST:
        return "[" + ",".join(encode_value(v, nested=True) for v in value) + "]"
    if otype is OType.EMBEDDEDSET:
        return "<" + ",".join(encode_value(v, nested=True) for v in value) + ">"
    if otype is OType.EMBEDDEDMAP:
        return "{" + ",".join(
            f"{_quote(str(k))}:{encode_value(v, nested=True)}" for k, v in value.items()
        ) + "}"
    if otype is OType.EMBEDDED:
        if isinstance(value, Document):
            return "(" + _encode_fields(value.class_name, value.fields, value.types) + ")"
        if isinstance(value, Mapping):
            return "(" + _encode_fields(None, value, {}) + ")"
        raise CSVError(f"cannot write {type(value).__name__} value as EMBEDDED")
    if otype is OType.BINARY:
        data = value.data if isinstance(value, Blob) else bytes(value)
        return "_" + base64.b64encode(data).decode("ascii") + "_"
    raise CSVError(f"cannot write values of type {otype.name}")


def _as_rid(value: Any) -> RID:
    if type(value) is RID:
        return value
    if isinstance(value, tuple) and len(value) == 2:
        return RID(int(value[0]), int(value[1]))
    if isinstance(value, (Document, Blob)) and value.rid is not None:
        return value.rid
    if isinstance(value, str):
        try:
            return RID.parse(value)
        except OrientError:
            pass
    raise CSVError(f"cannot write {value!r} as a link")


def _encode_fields(class_name: str | None, fields: Mapping[str, Any], types: Mapping[str, OType]) -> str:
    head = f"{class_name}@" if class_name else ""
    parts = [f"{_key(k)}:{encode_value(v, types.get(k))}" for k, v in fields.items()]
    return head + ",".join(parts)


def encode_record(doc: Document) -> bytes:
    """A document as CSV bytes that pyorient decodes into the right Python values."""
    text = _encode_fields(doc.class_name, doc.fields, doc.types)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise CSVError(f"record holds text that is not valid Unicode (offset {exc.start})") from None


def encode_map_document(fields: Mapping[str, Any]) -> bytes:
    """A class-less document from a plain mapping, e.g. DB_LIST's ``databases:{...}``."""
    return encode_record(Document(None, fields))
