"""Type conversion and property constraints applied when a record is written."""

from __future__ import annotations

import base64
import datetime as _dt
import itertools
import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Mapping

from console.engine.codec import ms_to_date, ms_to_datetime
from console.engine.document import Blob, Document
from console.engine.rid import RID, RID_RE
from console.engine.schema import Property, Schema
from console.engine.types import INTEGER_RANGES, LINK_COLLECTIONS, OType, infer_type
from console.errors import ConstraintViolation, TypeMismatch, ValidationError

ClassOf = Callable[[RID], "str | None | bool"]

_DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
)


def short_value(value: Any) -> str:
    """A value as a message shows it: SQL-like (``#12:0``, ``[1, 'a']``), at most 60 characters."""
    text = _as_sql(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _as_sql(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return f"'{value[:64]}'"
    if type(value) is RID or isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (Document, Blob)):  # a stored record by its RID, an embedded one by its fields
        if value.rid is not None:
            return str(value.rid)
        if isinstance(value, Document):
            return _as_sql(value.fields)
        return f"<{len(value.data)} bytes>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple, set, frozenset)):
        items = list(itertools.islice(value, 12))
        return "[" + ", ".join(map(_as_sql, items)) + (", ..." if len(items) < len(value) else "") + "]"
    if isinstance(value, dict):
        pairs = list(itertools.islice(value.items(), 12))
        return "{" + ", ".join(f"{_as_sql(k)}: {_as_sql(v)}" for k, v in pairs) + "}"
    if isinstance(value, _dt.datetime):
        return value.isoformat(sep=" ", timespec="milliseconds")
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return f"<{len(value)} bytes>"
    return repr(value)


class Mismatch(Exception):
    """Internal: a value cannot be converted (the caller adds context)."""


def parse_datetime(text: str) -> _dt.datetime:
    """Parse OrientDB's default formats (and ISO 8601) as UTC."""
    s = text.strip()
    for fmt in _DATETIME_FORMATS:
        try:
            return _dt.datetime.strptime(s, fmt).replace(tzinfo=_dt.timezone.utc)
        except ValueError:
            continue
    try:
        v = _dt.datetime.fromisoformat(s)
    except ValueError:
        raise Mismatch from None
    return v if v.tzinfo else v.replace(tzinfo=_dt.timezone.utc)


def _to_int(value: Any, otype: OType) -> int:
    if type(value) is int:
        v = value
    elif isinstance(value, bool):
        v = int(value)
    elif isinstance(value, float):
        if not math.isfinite(value) or value != int(value):
            raise Mismatch
        v = int(value)
    elif isinstance(value, Decimal):
        if value != value.to_integral_value():
            raise Mismatch
        v = int(value)
    elif isinstance(value, str):
        try:
            v = int(value.strip())
        except ValueError:
            raise Mismatch from None
    else:
        raise Mismatch
    lo, hi = INTEGER_RANGES[otype]
    if not lo <= v <= hi:
        raise Mismatch
    return v


def _to_link(value: Any) -> RID:
    if type(value) is RID:
        return value
    if isinstance(value, str) and RID_RE.match(value.strip()):
        return RID.parse(value)
    if isinstance(value, (Document, Blob)) and value.rid is not None:
        return value.rid
    if isinstance(value, tuple) and len(value) == 2 and all(type(x) is int for x in value):
        return RID(*value)
    if isinstance(value, list) and len(value) == 1:  # the one record of a subquery
        return _to_link(value[0])
    raise Mismatch


def convert(value: Any, otype: OType, linked_type: OType | None = None) -> Any:
    """``value`` as ``otype``; raises Mismatch when it cannot be converted."""
    if value is None:
        return None
    t = type(value)
    if otype is OType.STRING:
        if t is str:
            return value
        if isinstance(value, (int, float, Decimal, RID)) and t is not bool:
            return str(value)
        if t is bool:
            return "true" if value else "false"
        raise Mismatch
    if otype in INTEGER_RANGES:
        return _to_int(value, otype)
    if otype is OType.DOUBLE or otype is OType.FLOAT:
        if t is float:
            return value
        if t is bool:
            raise Mismatch
        try:
            return float(value)
        except (TypeError, ValueError):
            raise Mismatch from None
    if otype is OType.BOOLEAN:
        if t is bool:
            return value
        if t is str and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        if t is int and value in (0, 1):
            return bool(value)
        raise Mismatch
    if otype is OType.DECIMAL:
        if t is Decimal:
            return value
        if t is bool:
            raise Mismatch
        try:
            d = Decimal(str(value).strip()) if t is not float else Decimal(repr(value))
        except (InvalidOperation, ValueError):
            raise Mismatch from None
        if not d.is_finite():
            raise Mismatch
        return d
    if otype is OType.DATETIME:
        if t is _dt.datetime:
            return value if value.tzinfo else value.replace(tzinfo=_dt.timezone.utc)
        if t is _dt.date:
            return _dt.datetime(value.year, value.month, value.day, tzinfo=_dt.timezone.utc)
        if t is int:
            return ms_to_datetime(value)
        if t is str:
            return parse_datetime(value)
        raise Mismatch
    if otype is OType.DATE:
        if t is _dt.date:
            return value
        if t is _dt.datetime:
            return value.date()
        if t is int:
            return ms_to_date(value)
        if t is str:
            return parse_datetime(value).date()
        raise Mismatch
    if otype is OType.BINARY:
        if t is bytes:
            return value
        if t is bytearray:
            return bytes(value)
        if t is str:
            try:
                return base64.b64decode(value, validate=True)
            except ValueError:
                raise Mismatch from None
        raise Mismatch
    if otype is OType.LINK:
        return _to_link(value)
    if otype in LINK_COLLECTIONS:
        if isinstance(value, (list, tuple, set, frozenset)) and not isinstance(value, RID):
            items = [_to_link(v) for v in value]
        else:
            items = [_to_link(value)]
        if otype is OType.LINKSET:
            items = list(dict.fromkeys(items))
        return items
    if otype is OType.LINKMAP:
        if not isinstance(value, dict):
            raise Mismatch
        return {str(k): _to_link(v) for k, v in value.items()}
    if otype is OType.EMBEDDED:
        if isinstance(value, Document):
            return value
        if isinstance(value, dict):
            return _map_document(value)
        raise Mismatch
    if otype is OType.EMBEDDEDLIST or otype is OType.EMBEDDEDSET:
        if isinstance(value, (list, tuple, set, frozenset)) and not isinstance(value, RID):
            items = list(value)
        else:
            items = [value]
        if linked_type is not None and linked_type is not OType.ANY:
            items = [convert(v, linked_type) for v in items]
        if otype is OType.EMBEDDEDSET:
            items = _dedupe(items)
        return items
    if otype is OType.EMBEDDEDMAP:
        if not isinstance(value, dict):
            raise Mismatch
        if linked_type is not None and linked_type is not OType.ANY:
            return {str(k): convert(v, linked_type) for k, v in value.items()}
        return {str(k): v for k, v in value.items()}
    return value


def _map_document(value: dict[Any, Any]) -> Document:
    """A JSON-like map as an embedded document (its ``@class``; other ``@`` keys dropped)."""
    return Document(value.get("@class"), {k: v for k, v in value.items() if not str(k).startswith("@")})


def _dedupe(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    seen: set[Any] = set()
    for v in items:
        try:
            if v in seen:
                continue
            seen.add(v)
        except TypeError:
            if v in out:
                continue
        out.append(v)
    return out


def convert_for(prop: Property, value: Any, where: str) -> Any:
    """Convert with a one-line TypeMismatch naming class, property and value."""
    try:
        return convert(value, prop.type, prop.linked_type)
    except Mismatch:
        raise TypeMismatch(
            f"{where}.{prop.name}: value {short_value(value)} is not a valid {prop.type.name}"
        ) from None


# --- constraints ---------------------------------------------------------------

def _size(value: Any, otype: OType) -> Any:
    if otype is OType.STRING or otype is OType.BINARY or otype.is_collection:
        return len(value)
    return value


def _bound(prop: Property, text: str) -> Any:
    """A min/max bound as a comparable value for the property's type."""
    otype = prop.type
    if otype is OType.STRING or otype is OType.BINARY or otype.is_collection:
        return int(text)
    if otype is OType.DATETIME or otype is OType.DATE:
        v = parse_datetime(text)
        return v.date() if otype is OType.DATE else v
    if otype is OType.DECIMAL:
        return Decimal(text)
    if otype in INTEGER_RANGES:
        return int(Decimal(text))
    return float(text)


def check_constraints(prop: Property, value: Any, where: str) -> None:
    """Raise ConstraintViolation when ``value`` breaks a constraint of ``prop``."""
    if value is None:
        if prop.not_null:
            raise ConstraintViolation(f"{where}.{prop.name}: value cannot be null (NOTNULL)")
        return
    try:
        if prop.min is not None and _size(value, prop.type) < _bound(prop, prop.min):
            what = "size" if prop.type.is_collection or prop.type in (OType.STRING, OType.BINARY) else "value"
            raise ConstraintViolation(
                f"{where}.{prop.name}: {what} of {short_value(value)} is below the minimum {prop.min}")
        if prop.max is not None and _size(value, prop.type) > _bound(prop, prop.max):
            what = "size" if prop.type.is_collection or prop.type in (OType.STRING, OType.BINARY) else "value"
            raise ConstraintViolation(
                f"{where}.{prop.name}: {what} of {short_value(value)} is above the maximum {prop.max}")
    except (ValueError, Mismatch, ArithmeticError):
        raise ConstraintViolation(f"{where}.{prop.name}: constraint bounds are not valid for {prop.type.name}") from None
    if prop.regexp is not None and isinstance(value, str):
        if re.fullmatch(prop.regexp, value) is None:
            raise ConstraintViolation(
                f"{where}.{prop.name}: value {short_value(value)} does not match the pattern {prop.regexp}")


def default_value(prop: Property) -> Any:
    """The property's DEFAULT evaluated now (``sysdate()`` gives the current time)."""
    text = prop.default
    if text is None:
        return None
    low = text.strip().lower()
    if low in ("sysdate()", "now()"):
        return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=(_dt.datetime.now().microsecond // 1000) * 1000)
    if low == "null":
        return None
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1]
    try:
        return convert(text, prop.type, prop.linked_type)
    except Mismatch:
        raise TypeMismatch(f"default value '{prop.default}' of property {prop.name} is not a valid {prop.type.name}") from None


# --- the whole document --------------------------------------------------------

# Types whose Python value already says the type (no explicit type needed).
_SELF_TYPED = frozenset({
    OType.STRING, OType.BOOLEAN, OType.DOUBLE, OType.DECIMAL, OType.DATETIME, OType.DATE,
    OType.BINARY, OType.LINK, OType.EMBEDDED, OType.INTEGER,
})
# Types that accept a value of this exact Python type unchanged.
_FAST_PY: dict[OType, type] = {
    OType.STRING: str, OType.BOOLEAN: bool, OType.DOUBLE: float, OType.FLOAT: float,
    OType.DECIMAL: Decimal, OType.BINARY: bytes, OType.LINK: RID,
}


_ANY = OType.ANY


class _PropPlan:
    """How one property checks a value, precomputed once per schema version."""

    __slots__ = ("prop", "fast", "lo", "hi", "explicit", "checks")

    def __init__(self, prop: Property) -> None:
        self.prop = prop
        self.fast = _FAST_PY.get(prop.type)
        self.lo, self.hi = INTEGER_RANGES.get(prop.type, (None, None))
        if self.lo is not None:
            self.fast = int
        self.explicit = prop.type not in _SELF_TYPED
        self.checks = bool(prop.min is not None or prop.max is not None or prop.regexp is not None
                           or prop.not_null or prop.readonly or prop.linked_class)


class _ClassPlan:
    __slots__ = ("cls", "exact", "lower", "mandatory", "defaults", "readonly")

    def __init__(self, schema: Schema, class_name: str) -> None:
        self.cls = schema.cls(class_name)
        props = schema.properties(class_name)
        self.exact = {p.name: _PropPlan(p) for p in props.values()}
        self.lower = {k: self.exact[p.name] for k, p in props.items()}
        self.mandatory = [p for p in props.values() if p.mandatory]
        self.defaults = [p for p in props.values() if p.default is not None]
        self.readonly = [p for p in props.values() if p.readonly]


def _plan(schema: Schema, class_name: str) -> _ClassPlan:
    key = ("validation-plan", class_name)
    plan = schema._memo.get(key)
    if plan is None:
        plan = schema._memo[key] = _ClassPlan(schema, class_name)
    return plan


def prepare(
    schema: Schema,
    class_name: str | None,
    fields: Mapping[str, Any],
    types: Mapping[str, OType],
    old: Document | None,
    class_of: ClassOf | None = None,
    embedded: bool = False,
) -> tuple[dict[str, Any], dict[str, OType]]:
    """Convert and check a document's fields against its class.

    Returns the fields to store and their explicit types. ``old`` is the stored
    version when updating (for READONLY); ``class_of`` looks up the class of a
    linked record (for LINKED CLASS checks). ``embedded``: the document is embedded in
    another (its class may be abstract).
    """
    for name in fields:
        if type(name) is not str or not name or name[0] == "@":
            raise ValidationError(f"invalid field name {name!r}: names must be non-empty and not start with '@'")
    if class_name is None:
        return _apply_types(fields, types)
    plan = _plan(schema, class_name)
    cls = plan.cls
    where = cls.name
    if cls.abstract and not embedded:  # an embedded document may be of an abstract class
        raise ValidationError(f"class {cls.name} is abstract: it cannot hold records")
    if not plan.exact:
        if cls.strict and fields:
            name = next(iter(fields))
            raise ValidationError(f"{where}: field '{name}' is not declared and the class is in strict mode")
        return _apply_types(fields, types)
    out_fields: dict[str, Any] = {}
    out_types: dict[str, OType] = {}
    exact, lower = plan.exact, plan.lower
    for name, value in fields.items():
        pp = exact.get(name) or lower.get(name.lower())
        if pp is None:
            if cls.strict:
                raise ValidationError(f"{where}: field '{name}' is not declared and the class is in strict mode")
            t = types.get(name) if types else None
            out_fields[name] = value if t is None else _typed_value(name, value, t)
            if t is not None:
                out_types[name] = t
            continue
        prop = pp.prop
        if prop.type is _ANY:
            t = types.get(name) if types else None
            v = value if t is None else _typed_value(name, value, t)
            if t is not None:
                out_types[name] = t
        else:
            if type(value) is pp.fast and (pp.lo is None or pp.lo <= value <= pp.hi):
                v = value
            else:
                v = convert_for(prop, value, where)
            if v is not None and (pp.explicit or infer_type(v) is not prop.type):
                out_types[name] = prop.type
        if pp.checks:
            check_constraints(prop, v, where)
            if prop.readonly and old is not None and name in old.fields and old.fields[name] != v:
                raise ConstraintViolation(f"{where}.{prop.name}: property is READONLY and cannot change")
            if prop.linked_class and class_of is not None and v is not None and prop.type.is_link:
                _check_linked_class(schema, prop, v, class_of, where)
            elif prop.linked_class and v is not None and prop.type in _EMBEDDED_TYPES:
                v = _embed_linked(schema, prop, v, class_of, where)
        out_fields[name] = v
    if old is not None:  # REMOVE or CONTENT cannot take a READONLY value away either
        for prop in plan.readonly:
            if prop.name in old.fields and prop.name not in out_fields and old.fields[prop.name] is not None:
                raise ConstraintViolation(f"{where}.{prop.name}: property is READONLY and cannot change")
    if plan.mandatory or (old is None and plan.defaults):
        _fill_missing(plan, out_fields, out_types, old, where)
    return out_fields, out_types


def _fill_missing(plan: _ClassPlan, out_fields: dict[str, Any], out_types: dict[str, OType],
                  old: Document | None, where: str) -> None:
    """Apply DEFAULT values on insert and check MANDATORY properties."""
    present = {k.lower() for k in out_fields}
    if old is None:
        for prop in plan.defaults:
            if prop.name.lower() in present:
                continue
            v = default_value(prop)
            check_constraints(prop, v, where)
            out_fields[prop.name] = v
            present.add(prop.name.lower())
            if v is not None and infer_type(v) is not prop.type:
                out_types[prop.name] = prop.type
    for prop in plan.mandatory:
        if prop.name.lower() not in present:
            raise ConstraintViolation(f"{where}.{prop.name}: mandatory property is missing")


def _apply_types(
    fields: Mapping[str, Any], types: Mapping[str, OType]
) -> tuple[dict[str, Any], dict[str, OType]]:
    """Fields of a schema-less document converted to their explicit types."""
    if not types:
        return dict(fields), {}
    out_fields = dict(fields)
    out_types: dict[str, OType] = {}
    for name, t in types.items():
        if name not in out_fields:
            continue
        out_fields[name] = _typed_value(name, out_fields[name], t)
        out_types[name] = t
    return out_fields, out_types


def _typed_value(name: str, value: Any, t: OType) -> Any:
    """A field's value converted to the explicit type it was given."""
    if value is None or t is OType.ANY:
        return value
    try:
        return convert(value, t)
    except Mismatch:
        raise TypeMismatch(f"field '{name}': value {short_value(value)} is not a valid {t.name}") from None


_EMBEDDED_TYPES = frozenset({OType.EMBEDDED, OType.EMBEDDEDLIST, OType.EMBEDDEDSET, OType.EMBEDDEDMAP})


def _embed_linked(schema: Schema, prop: Property, value: Any, class_of: ClassOf | None, where: str) -> Any:
    """The embedded documents of a property with a linked class, as documents of that
    class (a map or a class-less document takes it), each checked against its class."""
    linked = prop.linked_class or ""

    def one(item: Any) -> Any:
        if item is None:
            return None
        if isinstance(item, dict):
            item = _map_document(item)
        if not isinstance(item, Document) or item.rid is not None:
            raise TypeMismatch(f"{where}.{prop.name}: value {short_value(item)} is not an embedded document "
                               f"of class {linked}")
        cls = item.class_name or linked
        if not schema.has_class(cls) or not schema.is_subclass(cls, linked):
            raise ValidationError(f"{where}.{prop.name}: embedded document of class {cls} is not of class {linked} or a subclass")
        fields, types = prepare(schema, cls, item.fields, item.types, None, class_of, embedded=True)
        return Document(schema.cls(cls).name, fields, types)

    if prop.type is OType.EMBEDDED:
        return one(value)
    if prop.type is OType.EMBEDDEDMAP:
        return {k: one(x) for k, x in value.items()}
    return [one(x) for x in value]


def _check_linked_class(schema: Schema, prop: Property, value: Any, class_of: ClassOf, where: str) -> None:
    rids: list[RID]
    if prop.type is OType.LINK:
        rids = [value]
    elif prop.type is OType.LINKMAP:
        rids = list(value.values())
    else:
        rids = list(value)
    for rid in rids:
        target = class_of(rid)
        if target is False:
            raise ConstraintViolation(f"{where}.{prop.name}: linked record {rid} does not exist")
        if not isinstance(target, str) or not schema.is_subclass(target, prop.linked_class or ""):
            raise ConstraintViolation(
                f"{where}.{prop.name}: linked record {rid} is not of class {prop.linked_class}")
