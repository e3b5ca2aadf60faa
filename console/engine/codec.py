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
from decimal import Decimal
from typing import Any, Mapping

import orjson

from console.engine.document import Document
from console.engine.rid import RID, RID_RE
from console.engine.types import EPOCH, LETTER_TYPES, TYPE_LETTERS, OType, infer_type
from console.errors import DatabaseError

_MS = _dt.timedelta(milliseconds=1)
_EPOCH_DATE = _dt.date(1970, 1, 1)
_DAY_MS = 86_400_000


# --- scalar conversions -----------------------------------------------------

def datetime_to_ms(value: _dt.datetime) -> int:
    """Epoch milliseconds of a datetime (naive values are taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=_dt.timezone.utc)
    return (value - EPOCH) // _MS


def ms_to_datetime(ms: int | float) -> _dt.datetime:
    return EPOCH + _dt.timedelta(milliseconds=int(ms))


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
    if otype is None or otype is OType.ANY:
        otype = infer_type(value)
    if otype is OType.STRING or otype is OType.BOOLEAN or otype in _PLAIN_INTS:
        return value
    if otype is OType.DOUBLE or otype is OType.FLOAT:
        v = float(value)
        return v if math.isfinite(v) else None
    if otype is OType.LINK:
        return str(value)
    if otype is OType.DATETIME:
        if isinstance(value, _dt.datetime):
            return datetime_to_ms(value)
        if isinstance(value, _dt.date):
            return date_to_ms(value)
        return int(value)
    if otype is OType.DATE:
        if isinstance(value, _dt.datetime):
            return date_to_ms(value.date())
        if isinstance(value, _dt.date):
            return date_to_ms(value)
        return int(value)
    if otype is OType.DECIMAL:
        return orjson.Fragment(decimal_text(Decimal(value)))
    if otype is OType.BINARY:
        return base64.b64encode(bytes(value)).decode("ascii")
    if otype is OType.EMBEDDED:
        if isinstance(value, Document):
            return encode_embedded(value)
        return {k: encode_value(v, None) for k, v in value.items()}
    if otype in _LINK_SEQS:
        return [str(v) for v in value]
    if otype is OType.LINKMAP:
        return {str(k): str(v) for k, v in value.items()}
    if otype is OType.EMBEDDEDLIST or otype is OType.EMBEDDEDSET:
        return [encode_value(v, None) for v in value]
    if otype is OType.EMBEDDEDMAP:
        return {str(k): encode_value(v, None) for k, v in value.items()}
    if otype is OType.CUSTOM:
        return str(value)
    return value


_PLAIN_INTS = frozenset({OType.INTEGER, OType.LONG, OType.SHORT, OType.BYTE})
_LINK_SEQS = frozenset({OType.LINKLIST, OType.LINKSET, OType.LINKBAG})


def encode_fields(fields: Mapping[str, Any], types: Mapping[str, OType]) -> dict[str, Any]:
    """Fields plus ``@fieldTypes`` as an ordered JSON-ready dict."""
    out: dict[str, Any] = {}
    letters: list[str] = []
    for name, value in fields.items():
        otype = types.get(name)
        if otype is None:
            otype = infer_type(value)
        out[name] = encode_value(value, otype)
        if value is not None and otype is not None:
            letter = TYPE_LETTERS.get(otype)
            if letter:
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
    if b"=c" in data:
        return json.loads(data, parse_float=Decimal)
    return orjson.loads(data)


def decode_body(
    raw: bytes | str,
    schema_types: Mapping[str, OType] | None = None,
) -> tuple[dict[str, Any], dict[str, OType]]:
    """Fields and explicit types of a stored body."""
    obj = loads(raw)
    return decode_fields(obj, schema_types)


def decode_fields(
    obj: dict[str, Any],
    schema_types: Mapping[str, OType] | None = None,
) -> tuple[dict[str, Any], dict[str, OType]]:
    """Decode a JSON object of fields (meta keys are dropped)."""
    ft = obj.pop("@fieldTypes", None)
    letters = parse_field_types(ft) if ft else {}
    fields: dict[str, Any] = {}
    types: dict[str, OType] = {}
    for name, value in obj.items():
        if name[:1] == "@":
            continue
        letter = letters.get(name)
        declared = schema_types.get(name) if schema_types else None
        if letter is not None:
            otype = LETTER_TYPES.get(letter)
            if otype is None:
                fields[name] = _decode_plain(value)
                continue
            if otype is OType.BINARY and not isinstance(value, str):
                otype = OType.BYTE
            elif otype is OType.DATETIME and declared is OType.DATE:
                otype = OType.DATE
            fields[name] = decode_value(value, otype)
            types[name] = otype
        elif declared is not None and declared is not OType.ANY:
            fields[name] = decode_value(value, declared)
            if declared is not infer_type(fields[name]):
                types[name] = declared
        else:
            fields[name] = _decode_plain(value)
    return fields, types


def decode_value(value: Any, otype: OType) -> Any:
    """A JSON value read back as ``otype``."""
    if value is None:
        return None
    try:
        if otype is OType.STRING:
            return value if isinstance(value, str) else _decode_plain(value)
        if otype in _PLAIN_INTS:
            return int(value)
        if otype is OType.DOUBLE or otype is OType.FLOAT:
            return float(value)
        if otype is OType.BOOLEAN:
            return bool(value)
        if otype is OType.LINK:
            return RID.parse(value) if isinstance(value, str) else value
        if otype is OType.DATETIME:
            return ms_to_datetime(value)
        if otype is OType.DATE:
            return ms_to_date(value)
        if otype is OType.DECIMAL:
            return value if type(value) is Decimal else Decimal(str(value))
        if otype is OType.BINARY:
            return base64.b64decode(value)
        if otype in _LINK_SEQS:
            return [_link(v) for v in value]
        if otype is OType.LINKMAP:
            return {k: _link(v) for k, v in value.items()}
        if otype is OType.EMBEDDED:
            return _decode_plain(value)
        if otype is OType.EMBEDDEDLIST or otype is OType.EMBEDDEDSET:
            return [_decode_plain(v) for v in value]
        if otype is OType.EMBEDDEDMAP:
            return {k: _decode_plain(v) for k, v in value.items()}
    except (ValueError, TypeError, AttributeError) as exc:
        raise DatabaseError(f"cannot read {value!r} as {otype.name}: {exc}") from None
    return _decode_plain(value)


def _link(value: Any) -> Any:
    if isinstance(value, str) and RID_RE.match(value):
        return RID.parse(value)
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
