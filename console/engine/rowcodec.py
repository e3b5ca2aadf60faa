"""Per-class compiled codecs for the hot paths: bulk insert and browse.

The general path (``validation.prepare`` then ``codec.encode_body``, and
``codec.decode_body``) handles every case; these compiled forms handle the
common ones in a single pass and give exactly the same bytes and values.
A ``RowEncoder`` declines a row it cannot handle (returns None) and the
caller falls back to the general path, which also produces the errors.
Both are built once per class and schema version (memoised on the Schema).
"""

from __future__ import annotations

import base64
import datetime as _dt
import math
import re
from decimal import Decimal
from typing import Any, Callable, Mapping

import orjson

from console.engine import validation
from console.engine.codec import (
    _DECODERS, _NATIVE, _NESTED, NUMBER, _decode_plain, date_to_ms, datetime_to_ms, decimal_text,
    decode_body, decode_fields, number_after,
)
from console.engine.document import Document
from console.engine.rid import POSITION_BITS, POSITION_MASK, RID
from console.engine.schema import Schema
from console.engine.types import INTEGER_RANGES, LETTER_TYPES, TYPE_LETTERS, OType

_DECLINE = object()
_dumps = orjson.dumps
_fragment = orjson.Fragment
_NONE = type(None)
_PLAIN_ITEMS = frozenset({str, int, bool, _NONE})
_Handler = tuple["Callable[[Any], Any] | None", "str | None"]


# --- encoding ---------------------------------------------------------------

def _in_range(lo: int, hi: int) -> Callable[[Any], Any]:
    def check(v: int) -> Any:
        return v if lo <= v <= hi else _DECLINE
    return check


def _finite(v: float) -> Any:
    return v if math.isfinite(v) else _DECLINE


def _decimal(v: Decimal) -> Any:
    text = str(v)
    if "E" in text or not text[-1].isdigit():  # exponent notation, NaN or Infinity
        if not v.is_finite():
            return _DECLINE
        text = decimal_text(v)
    return _fragment(text)


def _plain_list(v: list) -> Any:
    return list(v) if _PLAIN_ITEMS.issuperset(map(type, v)) else _DECLINE


def _binary(v: bytes) -> str:
    return base64.b64encode(v).decode("ascii")


def _handlers(otype: OType, name: str) -> dict[type, _Handler]:
    """Python type → (encoder or None for as-is, @fieldTypes entry or None)."""
    letter = TYPE_LETTERS.get(otype)
    tag = f"{name}={letter}" if letter else None
    out: dict[type, _Handler] = {_NONE: (None, None)}
    if otype in INTEGER_RANGES:
        lo, hi = INTEGER_RANGES[otype]
        out[int] = (_in_range(lo, hi), tag)
    elif otype is OType.STRING or otype is OType.BOOLEAN:
        out[str if otype is OType.STRING else bool] = (None, None)
    elif otype is OType.DOUBLE:
        out[float] = (_finite, None)
    elif otype is OType.FLOAT:
        out[float] = (_finite, tag)
    elif otype is OType.DECIMAL:
        out[Decimal] = (_decimal, tag)
    elif otype is OType.DATETIME:
        out[_dt.datetime] = (datetime_to_ms, tag)
    elif otype is OType.DATE:
        out[_dt.date] = (date_to_ms, tag)
    elif otype is OType.LINK:
        out[RID] = (str, tag)
    elif otype is OType.BINARY:
        out[bytes] = (_binary, tag)
    elif otype is OType.EMBEDDEDLIST:
        out[list] = (_plain_list, None)
    else:
        return {}
    return out


# Undeclared fields of a non-strict class: values whose JSON form says their type.
_SCHEMALESS: dict[type, _Handler] = {
    _NONE: (None, None), str: (None, None), bool: (None, None),
    int: (_in_range(-2147483648, 2147483647), None), float: (_finite, None),
}


class RowEncoder:
    """Validates and encodes plain rows of one class in one pass.

    Rows are grouped by shape (field names and value types): each shape is
    compiled once into the conversions it needs and its ``@fieldTypes``.
    """

    __slots__ = ("specs", "mandatory", "undeclared", "declared_lower", "shapes")

    def __init__(self, schema: Schema, class_name: str) -> None:
        plan = validation._plan(schema, class_name)
        self.specs: dict[str, dict[type, _Handler]] = {}
        for name, pp in plan.exact.items():
            if not pp.checks and (pp.prop.linked_type in (None, OType.ANY)):
                handlers = _handlers(pp.prop.type, name)
                if handlers:
                    self.specs[name] = handlers
        self.mandatory = frozenset(p.name for p in plan.mandatory)
        # A field whose name differs from a declared one only by case takes the general path.
        self.declared_lower = frozenset(n.lower() for n in plan.exact)
        self.undeclared: dict[type, _Handler] | None = None if plan.cls.strict else _SCHEMALESS
        self.shapes: dict[tuple[tuple[Any, ...], tuple[type, ...]], Any] = {}

    def encode(self, row: Mapping[str, Any]) -> bytes | None:
        """The stored body of ``row``, or None when the general path must handle it."""
        if type(row) is not dict:
            return None
        shape = (tuple(row), tuple(map(type, row.values())))
        plan = self.shapes.get(shape)
        if plan is None:
            if len(self.shapes) >= 4096:
                self.shapes.clear()
            plan = self.shapes[shape] = self._compile(*shape)
        if plan is _DECLINE:
            return None
        convert, ft = plan
        if convert or ft:
            row = row.copy()
            for name, fn in convert:
                value = fn(row[name])
                if value is _DECLINE:
                    return None
                row[name] = value
            if ft:
                row["@fieldTypes"] = ft
        return _dumps(row)

    def _compile(self, names: tuple[Any, ...], vtypes: tuple[type, ...]) -> Any:
        """The conversions and ``@fieldTypes`` of one shape, or _DECLINE."""
        convert: list[tuple[str, Callable[[Any], Any]]] = []
        letters: list[str] = []
        for name, vt in zip(names, vtypes):
            spec = self.specs.get(name) or self._undeclared(name)
            h = spec.get(vt) if spec else None
            if h is None:
                return _DECLINE
            fn, tag = h
            if fn is not None:
                convert.append((name, fn))
            if tag is not None and vt is not _NONE:
                letters.append(tag)
        if not self.mandatory <= set(names):
            return _DECLINE
        return convert, ",".join(letters)

    def _undeclared(self, name: Any) -> dict[type, _Handler] | None:
        if self.undeclared is None or type(name) is not str or not name or name[0] == "@" \
                or name.lower() in self.declared_lower:
            return None
        return self.undeclared


def encoder_for(schema: Schema, class_name: str) -> RowEncoder | None:
    """The compiled encoder of a class, or None when only the general path applies."""
    key = ("row-encoder", class_name.lower())
    enc = schema._memo.get(key, _DECLINE)
    if enc is _DECLINE:
        plan = validation._plan(schema, class_name)
        ok = not plan.cls.abstract and not plan.defaults and not schema.is_subclass(class_name, "OUser")
        enc = schema._memo[key] = RowEncoder(schema, class_name) if ok else None
    return enc  # type: ignore[return-value]


# --- decoding ---------------------------------------------------------------

_GENERIC = object()  # a body shape decoded field by field
_BINARY, _DATETIME, _DATE, _ANY = OType.BINARY, OType.DATETIME, OType.DATE, OType.ANY
# Letters whose JSON value needs no conversion when it has this Python type.
_KEEP: dict[OType, type] = {
    OType.LONG: int, OType.SHORT: int, OType.DOUBLE: float, OType.FLOAT: float, OType.DECIMAL: Decimal,
}
_loads = orjson.loads


def _decoder(otype: OType) -> Callable[[Any], Any]:
    return _DECODERS.get(otype) or _decode_plain


class _Layout:
    """What one ``@fieldTypes`` string means for a class, computed once."""

    __slots__ = ("types", "decimals", "shapes")

    def __init__(self, ft: str | None, schema_types: Mapping[str, OType]) -> None:
        self.types: dict[str, OType] = {}
        for part in (ft or "").split(","):
            name, _, letter = part.rpartition("=")
            otype = LETTER_TYPES.get(letter)
            if not name or otype is None:
                continue
            if otype is _DATETIME and schema_types.get(name) is _DATE:
                otype = _DATE
            self.types[name] = otype
        self.decimals: list[tuple[str, bytes, re.Pattern[bytes]]] = []
        for n, t in self.types.items():
            if t is OType.DECIMAL:
                key = orjson.dumps(n) + b":"
                self.decimals.append((n, key, re.compile(re.escape(key) + b"(" + NUMBER + b")")))
        self.shapes: dict[tuple[tuple[str, ...], tuple[type, ...]], Any] = {}


class RowDecoder:
    """Decodes stored bodies of one class into Documents."""

    __slots__ = ("class_name", "schema_types", "layouts")

    def __init__(self, class_name: str | None, schema_types: Mapping[str, OType] | None) -> None:
        self.class_name = class_name
        self.schema_types = dict(schema_types or {})
        self.layouts: dict[str | None, _Layout] = {}

    def fields(self, data: bytes) -> tuple[dict[str, Any], dict[str, OType]]:
        """Fields and explicit types of a stored body."""
        try:
            obj = _loads(data)
        except orjson.JSONDecodeError:
            return decode_body(data, self.schema_types)  # raises the one-line error
        if type(obj) is not dict:
            return decode_body(data, self.schema_types)
        ft = obj.pop("@fieldTypes", None)
        layout = self.layouts.get(ft)
        if layout is None:
            if len(self.layouts) > 256:
                self.layouts.clear()
            layout = self.layouts[ft] = _Layout(ft if type(ft) is str else None, self.schema_types)
        if layout.decimals:
            if not _exact_decimals(obj, data, layout.decimals):
                return decode_body(data, self.schema_types)
        elif data.find(b"{", 1) >= 0 and b"=c" in data:  # DECIMALs of embedded documents
            return decode_body(data, self.schema_types)
        shape = (tuple(obj), tuple(map(type, obj.values())))
        plan = layout.shapes.get(shape)
        if plan is None:
            if len(layout.shapes) > 1024:
                layout.shapes.clear()
            plan = layout.shapes[shape] = self._compile(layout, *shape)
        if plan is _GENERIC:
            return self._generic(obj, ft)
        convert, lists, meta, types = plan
        try:
            for name, fn in convert:
                obj[name] = fn(obj[name])
        except (ValueError, TypeError, AttributeError, ArithmeticError, OverflowError):
            return decode_body(data, self.schema_types)
        for name in lists:
            value = obj[name]
            if not _NESTED.isdisjoint(map(type, value)):
                obj[name] = _decode_plain(value)
        for name in meta:
            del obj[name]
        return obj, types.copy()

    def _compile(self, layout: _Layout, names: tuple[str, ...], vtypes: tuple[type, ...]) -> Any:
        """What bodies of one shape need (conversions, lists to walk, meta keys), or _GENERIC
        when some value needs per-value decisions."""
        convert: list[tuple[str, Callable[[Any], Any]]] = []
        lists: list[str] = []
        meta: list[str] = []
        types = {n: t for n, t in layout.types.items() if n in names}
        for name, vt in zip(names, vtypes):
            otype = types.get(name)
            if otype is not None:
                if vt is _NONE or _KEEP.get(otype) is vt:
                    continue
                if otype is _BINARY and vt is not str:
                    return _GENERIC
                convert.append((name, _decoder(otype)))
            elif name[:1] == "@":
                meta.append(name)
            elif vt is not _NONE:
                declared = self.schema_types.get(name)
                if declared is not None and declared is not _ANY and _NATIVE.get(declared) is not vt:
                    return _GENERIC
                if vt is list:
                    lists.append(name)
                elif vt is dict or vt is Decimal:
                    return _GENERIC
        return convert, lists, meta, types

    def _generic(self, obj: dict[str, Any], ft: Any) -> tuple[dict[str, Any], dict[str, OType]]:
        """The general reading (values whose handling depends on the value itself)."""
        if ft is not None:
            obj["@fieldTypes"] = ft
        return decode_fields(obj, self.schema_types)

    def document(self, key: int, version: int, data: bytes) -> Document:
        """The Document stored under packed ``key``."""
        fields, types = self.fields(data)
        doc = _new_document(Document)
        doc.class_name = self.class_name
        doc.fields = fields
        doc.types = types
        doc.rid = _new_tuple(RID, (key >> POSITION_BITS, key & POSITION_MASK))
        doc.version = version
        return doc


def _exact_decimals(obj: dict[str, Any], data: bytes, decimals: list[tuple[str, bytes, re.Pattern[bytes]]]) -> bool:
    """Re-read top-level DECIMAL fields from the text so that no digit is lost.

    A key such as ``"amount":`` cannot occur inside a JSON string (its quotes
    would be escaped), so in a body without nested objects its one occurrence
    is the field. With nested objects the key must be unique, and nested typed
    documents need the general (slower) reading: then this returns False.
    """
    flat = data.find(b"{", 1) < 0
    if not flat and data.count(b'"@fieldTypes"') != 1:
        return False
    for name, key, pattern in decimals:
        value = obj.get(name)
        if type(value) is not int and type(value) is not float:
            continue
        if flat:
            m = pattern.search(data)
            text = None if m is None else m.group(1)
        else:
            text = number_after(data, key)
        if text is None:
            return False
        obj[name] = Decimal(text.decode())
    return True


_new_document = object.__new__
_new_tuple = tuple.__new__


def decoder_for(schema: Schema, class_name: str | None) -> RowDecoder:
    """The decoder of a class's records (or of records without a class)."""
    key = ("row-decoder", class_name)
    dec = schema._memo.get(key)
    if dec is None:
        types = None
        if class_name and schema.has_class(class_name):
            types = {p.name: p.type for p in schema.properties(class_name).values()}
        dec = schema._memo[key] = RowDecoder(class_name, types)
    return dec


__all__ = ["RowDecoder", "RowEncoder", "decoder_for", "encoder_for"]
