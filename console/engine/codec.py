"""The stored (and exported) JSON form of record bodies.

A document body is a JSON object holding the fields in their own order and,
last, ``@fieldTypes`` with one letter for each field whose JSON value does not
say its type by itself. This is exactly the body of a record in OrientDB's
JSON export, so an export splices stored bytes without decoding them.
"""

from __future__ import annotations

import base64
import datetime as _dt
import json
import math
import re
from decimal import Decimal
from typing import Any, Mapping

import orjson

from console.engine.document import Document
from console.engine.rid import RID
from console.engine.types import EPOCH, LETTER_TYPES, TYPE_LETTERS, OType, infer_type
from console.errors import DatabaseError

_MS = _dt.timedelta(milliseconds=1)
_timedelta = _dt.timedelta
_EPOCH_DATE = _dt.date(1970, 1, 1)
_DAY_MS = 86_400_000


# --- scalar conversions -----------------------------------------------------

def datetime_to_ms(value: _dt.datetime) -> int:
    """Epoch milliseconds of a datetime (naive values are taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=_dt.timezone.utc)
    return (value - EPOCH) // _MS


def ms_to_datetime(ms: int | float) -> _dt.datetime:
    return EPOCH + _timedelta(0, 0, 0, int(ms))


def date_to_ms(value: _dt.date) -> int:
    return (value - _EPOCH_DATE).days * _DAY_MS


def ms_to_date(ms: int | float) -> _dt.date:
    return _EPOCH_DATE + _dt.timedelta(days=int(ms) // _DAY_MS)


def decimal_text(value: Decimal) -> str:
    """A Decimal in plain notation, digits kept (``1.50`` stays ``1.50``)."""
    if not value.is_finite():
        raise DatabaseError(f"DECIMAL value {value} is not a finite number")
    return format(value, "f")


# --- encoding -------------------------------------------------------------

def encode_value(value: Any, otype: OType | None) -> Any:
    """The JSON-ready form of one value of type ``otype``."""
    if value is None:
        return None
    if otype is None or otype is _ANY:
        otype = infer_type(value)
    fn = _ENCODERS.get(otype)  # type: ignore[arg-type]
    return value if fn is None else fn(value)


def _enc_float(value: Any) -> Any:
    v = float(value)
    return v if math.isfinite(v) else None


def _enc_datetime(value: Any) -> int:
    if isinstance(value, _dt.datetime):
        return datetime_to_ms(value)
    if isinstance(value, _dt.date):
        return date_to_ms(value)
    return int(value)


def _enc_date(value: Any) -> int:
    if isinstance(value, _dt.datetime):
        return date_to_ms(value.date())
    if isinstance(value, _dt.date):
        return date_to_ms(value)
    return int(value)


def _enc_embedded(value: Any) -> Any:
    if isinstance(value, Document):
        return encode_embedded(value)
    return {k: encode_value(v, None) for k, v in value.items()}


_ANY = OType.ANY
_ENCODERS: dict[OType, Any] = {
    OType.DOUBLE: _enc_float,
    OType.FLOAT: _enc_float,
    OType.LINK: str,
    OType.DATETIME: _enc_datetime,
    OType.DATE: _enc_date,
    OType.DECIMAL: lambda v: orjson.Fragment(decimal_text(Decimal(v))),
    OType.BINARY: lambda v: base64.b64encode(bytes(v)).decode("ascii"),
    OType.EMBEDDED: _enc_embedded,
    OType.LINKLIST: lambda v: [str(x) for x in v],
    OType.LINKSET: lambda v: [str(x) for x in v],
    OType.LINKBAG: lambda v: [str(x) for x in v],
    OType.LINKMAP: lambda v: {str(k): str(x) for k, x in v.items()},
    OType.EMBEDDEDLIST: lambda v: [encode_value(x, None) for x in v],
    OType.EMBEDDEDSET: lambda v: [encode_value(x, None) for x in v],
    OType.EMBEDDEDMAP: lambda v: {str(k): encode_value(x, None) for k, x in v.items()},
    OType.CUSTOM: str,
}


_INT32_MIN, _INT32_MAX = -2147483648, 2147483647


def encode_fields(fields: Mapping[str, Any], types: Mapping[str, OType]) -> dict[str, Any]:
    """Fields plus ``@fieldTypes`` as an ordered JSON-ready dict."""
    out: dict[str, Any] = {}
    letters: list[str] | None = None
    for name, value in fields.items():
        otype = types.get(name) if types else None
        if otype is None:
            vt = type(value)
            if vt is str or vt is bool or value is None:
                out[name] = value
                continue
            if vt is int:
                out[name] = value
                if not _INT32_MIN <= value <= _INT32_MAX:
                    if letters is None:
                        letters = []
                    letters.append(f"{name}=l")
                continue
            if vt is float:
                out[name] = value if math.isfinite(value) else None
                continue
            otype = infer_type(value)
        out[name] = encode_value(value, otype)
        if value is not None:
            letter = TYPE_LETTERS.get(otype)  # type: ignore[arg-type]
            if letter:
                if letters is None:
                    letters = []
                letters.append(f"{name}={letter}")
    if letters:
        out["@fieldTypes"] = ",".join(letters)
    return out


def encode_embedded(doc: Document) -> dict[str, Any]:
    head: dict[str, Any] = {"@type": "d", "@version": 0}
    if doc.class_name:
        head["@class"] = doc.class_name
    head.update(encode_fields(doc.fields, doc.types))
    return head


def encode_body(fields: Mapping[str, Any], types: Mapping[str, OType]) -> bytes:
    """The stored body of a document: UTF-8 JSON of fields and @fieldTypes."""
    return orjson.dumps(encode_fields(fields, types))


# --- decoding -------------------------------------------------------------

def parse_field_types(text: str) -> dict[str, str]:
    """``"a=l,b=x"`` → ``{"a": "l", "b": "x"}``."""
    out: dict[str, str] = {}
    if not text:
        return out
    for part in text.split(","):
        name, sep, letter = part.rpartition("=")
        if sep and name:
            out[name] = letter
    return out


def loads(raw: bytes | str) -> Any:
    """Parse JSON, keeping DECIMAL digits when the text holds any."""
    data = raw.encode() if isinstance(raw, str) else raw
    if b"=c" in data or (b"\\u" in data and _escaped_decimal(data)):
        return _loads_decimals(data)
    return orjson.loads(data)


_FIELD_TYPES_ESCAPED = re.compile(rb'"@fieldTypes":"((?:[^"\\]|\\.)*\\u(?:[^"\\]|\\.)*)"')


def _escaped_decimal(data: bytes) -> bool:
    """Whether an ``@fieldTypes`` written with escapes (``"v=\\u0063"``) names a DECIMAL."""
    for m in _FIELD_TYPES_ESCAPED.finditer(data):
        try:
            spec = orjson.loads(b'"' + m.group(1) + b'"')
        except orjson.JSONDecodeError:
            continue
        if "c" in parse_field_types(spec).values():
            return True
    return False


NUMBER = rb"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?"
_NUMBER_AT = re.compile(NUMBER)


def number_after(data: bytes, key: bytes) -> bytes | None:
    """The JSON number written after ``key`` (``b'"amount":'``), or None unless the key
    occurs exactly once. A key cannot occur inside a JSON string (its quotes would be
    escaped), so in a body without nested objects the one occurrence is the field."""
    at = data.find(key)
    if at < 0 or data.find(key, at + 1) >= 0:
        return None
    m = _NUMBER_AT.match(data, at + len(key))
    return None if m is None else m.group()


def _loads_decimals(data: bytes) -> Any:
    """Parse a body whose DECIMAL fields must keep their digits.

    Fast path: top-level DECIMAL fields are re-read from the raw text when the
    body has no nested typed documents and each key occurs once; otherwise
    the whole text is parsed with Decimal floats.
    """
    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data, parse_float=Decimal)
    # One "@fieldTypes", the top level's: nested documents declare no DECIMAL of their own.
    if type(obj) is not dict or "@fieldTypes" not in obj or data.count(b'"@fieldTypes"') != 1:
        return json.loads(data, parse_float=Decimal)
    for part in (obj.get("@fieldTypes") or "").split(","):
        name, _, letter = part.rpartition("=")
        if letter != "c" or type(obj.get(name)) not in (int, float):
            continue
        text = number_after(data, orjson.dumps(name) + b":")
        if text is None:
            return json.loads(data, parse_float=Decimal)
        obj[name] = Decimal(text.decode())
    return obj


def decode_body(
    raw: bytes | str,
    schema_types: Mapping[str, OType] | None = None,
) -> tuple[dict[str, Any], dict[str, OType]]:
    """Fields and explicit types of a stored body."""
    obj = loads(raw)
    return decode_fields(obj, schema_types)


# Declared types whose JSON value needs no conversion when it has this Python type.
_NATIVE: dict[OType, type] = {
    OType.STRING: str, OType.INTEGER: int, OType.BOOLEAN: bool, OType.DOUBLE: float,
    OType.EMBEDDEDLIST: list, OType.EMBEDDEDMAP: dict,
}
_CONTAINERS = (dict, list)


def decode_fields(
    obj: dict[str, Any],
    schema_types: Mapping[str, OType] | None = None,
) -> tuple[dict[str, Any], dict[str, OType]]:
    """Decode a JSON object of fields in place (meta keys are dropped).

    Values with a type letter are converted by their letter; others by the
    declared schema type when it differs from what JSON gave; nested lists
    and maps are walked for embedded documents.
    """
    ft = obj.pop("@fieldTypes", None)
    types: dict[str, OType] = {}
    if ft:
        for part in ft.split(","):
            name, _, letter = part.rpartition("=")
            if name not in obj:
                continue
            otype = LETTER_TYPES.get(letter)
            if otype is None:
                continue
            value = obj[name]
            if otype is _BINARY and type(value) is not str:
                otype = _BYTE
            elif otype is _DATETIME and schema_types and schema_types.get(name) is _DATE:
                otype = _DATE
            if value is not None:
                obj[name] = decode_value(value, otype)
            types[name] = otype
    meta = None
    for name, value in obj.items():
        if name in types:
            continue
        if name[:1] == "@":
            if meta is None:
                meta = []
            meta.append(name)
            continue
        vt = type(value)
        if schema_types:
            declared = schema_types.get(name)
            if declared is not None and declared is not _ANY and _NATIVE.get(declared) is not vt \
                    and value is not None:
                v = decode_value(value, declared)
                obj[name] = v
                if declared is not infer_type(v):
                    types[name] = declared
                continue
        if vt is list:
            for x in value:
                if type(x) in _NESTED:
                    obj[name] = _decode_plain(value)
                    break
        elif vt is dict or vt is Decimal:
            obj[name] = _decode_plain(value)
    if meta:
        for name in meta:
            del obj[name]
    return obj, types


_NESTED = frozenset({dict, list, Decimal})
_BINARY, _BYTE, _DATETIME, _DATE = OType.BINARY, OType.BYTE, OType.DATETIME, OType.DATE


def decode_value(value: Any, otype: OType) -> Any:
    """A JSON value read back as ``otype``."""
    if value is None:
        return None
    fn = _DECODERS.get(otype)
    try:
        return _decode_plain(value) if fn is None else fn(value)
    except (ValueError, TypeError, AttributeError, ArithmeticError) as exc:
        raise DatabaseError(f"cannot read {value!r} as {otype.name}: {exc}") from None


def _dec_string(value: Any) -> Any:
    return value if type(value) is str else _decode_plain(value)


def _dec_int(value: Any) -> int:
    return value if type(value) is int else int(value)


def _dec_float(value: Any) -> float:
    return value if type(value) is float else float(value)


def _dec_decimal(value: Any) -> Decimal:
    return value if type(value) is Decimal else Decimal(str(value))


_DECODERS: dict[OType, Any] = {
    OType.STRING: _dec_string,
    OType.INTEGER: _dec_int,
    OType.LONG: _dec_int,
    OType.SHORT: _dec_int,
    OType.BYTE: _dec_int,
    OType.DOUBLE: _dec_float,
    OType.FLOAT: _dec_float,
    OType.BOOLEAN: bool,
    OType.DATETIME: ms_to_datetime,
    OType.DATE: ms_to_date,
    OType.LINK: lambda v: _link(v),
    OType.DECIMAL: _dec_decimal,
    OType.BINARY: base64.b64decode,
    OType.LINKLIST: lambda v: [_link(x) for x in v],
    OType.LINKSET: lambda v: [_link(x) for x in v],
    OType.LINKBAG: lambda v: [_link(x) for x in v],
    OType.LINKMAP: lambda v: {k: _link(x) for k, x in v.items()},
    OType.EMBEDDEDLIST: lambda v: [_decode_plain(x) for x in v],
    OType.EMBEDDEDSET: lambda v: [_decode_plain(x) for x in v],
    OType.EMBEDDEDMAP: lambda v: {k: _decode_plain(x) for k, x in v.items()},
}


def _link(value: Any) -> Any:
    if type(value) is str and value[:1] == "#":
        c, sep, p = value[1:].partition(":")
        try:
            return RID(int(c), int(p))
        except ValueError:
            pass
    return value


def _decode_plain(value: Any) -> Any:
    """A value without a type letter: nested documents, maps and lists."""
    if isinstance(value, dict):
        if "@type" in value:
            return decode_embedded(value)
        return {k: _decode_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode_plain(v) for v in value]
    if type(value) is Decimal:  # parsed with Decimal floats: no 'c' letter here
        return float(value)
    return value


def decode_embedded(obj: dict[str, Any]) -> Document:
    obj = dict(obj)
    class_name = obj.get("@class")
    fields, types = decode_fields(obj)
    return Document(class_name, fields, types)
