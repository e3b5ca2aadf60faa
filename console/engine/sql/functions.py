"""SQL functions, methods and graph navigation (aggregates: ``aggregates``)."""

from __future__ import annotations

import datetime as _dt
import math
import uuid
from decimal import Decimal
from typing import Any, Callable, Iterable

from console import ast
from console.engine.codec import decimal_text
from console.engine.document import Blob, Document
from console.engine.graph import vertex_edges
from console.engine.rid import RID
from console.engine.sql import javatext
from console.engine.sql import values as V
from console.engine.sql.aggregates import AGGREGATES, COLLECTION_FUNCTIONS, apply_to_collection, is_aggregate
from console.engine.sql.context import Context
from console.engine.sql.evaluate import evaluate, get_field
from console.engine.sql import sequences
from console.engine.sql.paths import PATH_FUNCTIONS
from console.engine.validation import short_value
from console.errors import QueryError

GRAPH_FUNCTIONS = frozenset({"out", "in", "both", "oute", "ine", "bothe", "outv", "inv", "bothv"})


def as_string(v: Any) -> str:
    """A value as the console and string functions show it."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Decimal):
        return decimal_text(v)
    if isinstance(v, float):
        return repr(v) if not v.is_integer() or abs(v) >= 1e16 else f"{v:.1f}"
    if isinstance(v, _dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, _dt.date):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, (Document, Blob)) and v.rid is not None:
        return str(v.rid)
    if isinstance(v, Document):
        return "{" + ", ".join(f"{k}:{as_string(x)}" for k, x in v.fields.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(as_string(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}:{as_string(x)}" for k, x in v.items()) + "}"
    if isinstance(v, bytes):
        import base64

        return base64.b64encode(v).decode()
    return str(v)


# --- graph navigation -----------------------------------------------------------

def _labels(args: Iterable[Any]) -> list[str] | None:
    labels = [str(a) for a in args if a is not None]
    return labels or None


_EDGE_ENDS = {"outv": ("out",), "inv": ("in",), "bothv": ("out", "in")}
_DIRECTIONS = {"out": "out", "in": "in", "both": "both", "oute": "out", "ine": "in", "bothe": "both"}


def graph_step(ctx: Context, source: Any, name: str, labels: list[str] | None) -> list[Any]:
    """``out``/``in``/``both`` (vertices), ``outE``/``inE``/``bothE`` (edges), ``outV``/``inV``/``bothV``."""
    items = source if isinstance(source, (list, tuple)) and not isinstance(source, RID) else [source]
    schema = ctx.db.schema
    is_sub = schema.is_subclass
    out: list[Any] = []
    for item in items:
        rec = ctx.deref(item)
        if not isinstance(rec, Document):
            continue
        if name in _EDGE_ENDS:
            for d in _EDGE_ENDS[name]:
                v = ctx.deref(rec.fields.get(d))
                if isinstance(v, Document):
                    out.append(v)
            continue
        direction = _DIRECTIONS[name]
        want_edges = name.endswith("e")
        for erid in vertex_edges(rec, direction, labels, is_sub):
            edge = ctx.load(erid)
            if not isinstance(edge, Document):
                continue
            if edge.class_name and schema.has_class(edge.class_name) and schema.is_vertex_class(edge.class_name):
                if not want_edges:  # a lightweight edge: the bag holds the vertex itself
                    out.append(edge)
                continue
            if not (edge.class_name and schema.has_class(edge.class_name) and schema.is_edge_class(edge.class_name)):
                continue  # a field such as in_list holding other links is not a link bag
            if want_edges:
                out.append(edge)
                continue
            if direction == "both":
                for d in ("in", "out"):
                    other = edge.fields.get(d)
                    if isinstance(other, RID) and other != rec.rid:
                        v = ctx.load(other)
                        if v is not None:
                            out.append(v)
                    elif other == rec.rid and edge.fields.get("in") == edge.fields.get("out") and d == "in":
                        out.append(rec)
            else:
                other = edge.fields.get("in" if direction == "out" else "out")
                v = ctx.deref(other)
                if isinstance(v, Document):
                    out.append(v)
    return out


# --- functions ------------------------------------------------------------------

def call_function(e: ast.FunctionCall, ctx: Context) -> Any:
    name = e.name
    if name in GRAPH_FUNCTIONS:
        labels = _labels(evaluate(a, ctx) for a in e.args)
        return graph_step(ctx, ctx.record, name, labels)
    if is_aggregate(e):  # outside an aggregation (e.g. in WHERE): folds a collection argument
        return apply_to_collection(e, ctx)
    fn = FUNCTIONS.get(name)
    if fn is None:
        if name in AGGREGATES:
            raise QueryError(f"{name}(): wrong number of arguments ({len(e.args)})")
        raise QueryError(f"unknown function '{name}()'")
    args = [evaluate(a, ctx) for a in e.args]
    return _apply(f"{name}()", fn, ctx, args)


_FUNCTION = object()  # _apply's target when calling a function, not a method


def _apply(what: str, fn: Callable[..., Any], ctx: Context, args: list[Any], target: Any = _FUNCTION) -> Any:
    """Call a function (or a method on ``target``); a Python error from bad arguments
    becomes a one-line QueryError."""
    try:
        return fn(ctx, *args) if target is _FUNCTION else fn(ctx, target, *args)
    except (ValueError, TypeError, ArithmeticError, IndexError, KeyError, AttributeError, OverflowError):
        given = ", ".join(map(short_value, args)) or "no arguments"
        on = "" if target is _FUNCTION else f" on {short_value(target)}"
        raise QueryError(f"{what}: invalid arguments ({given}){on}") from None


def _format_date(what: str, d: _dt.date, fmt: Any, tz: Any) -> str:
    """``d`` in the Java (SimpleDateFormat) pattern ``fmt``, in time zone ``tz`` (default UTC)."""
    try:
        return javatext.format_date(d, str(fmt), None if tz is None else javatext.zone(tz))
    except ValueError as exc:
        raise QueryError(f"{what}: {exc}") from None


def _sysdate(ctx: Context, fmt: Any = None, tz: Any = None) -> Any:
    now = _dt.datetime.now(_dt.timezone.utc)
    now = now.replace(microsecond=(now.microsecond // 1000) * 1000)
    if fmt is None:
        return now
    return _format_date("sysdate()", now, fmt, tz)


def _date(ctx: Context, value: Any = None, fmt: Any = None, tz: Any = None) -> Any:
    if value is None:
        return _sysdate(ctx)
    if fmt is not None and isinstance(value, str):
        try:
            return javatext.parse_date(value, str(fmt), None if tz is None else javatext.zone(tz))
        except ValueError as exc:
            raise QueryError(f"date(): {exc}") from None
    d = V.as_datetime(value)
    if d is None:
        raise QueryError(f"date({short_value(value)}): not a date")
    return d


def _format(ctx: Context, fmt: Any = None, *args: Any) -> Any:
    """``String.format(fmt, args...)`` as in Java."""
    if fmt is None:
        if not args:
            raise QueryError("format() needs a format, as format('%s items', n)")
        return None
    try:
        return javatext.java_format(str(fmt), args)
    except ValueError as exc:
        raise QueryError(f"format(): {exc}") from None


def _format_method(ctx: Context, v: Any, fmt: Any, tz: Any = None) -> Any:
    """A date in a SimpleDateFormat pattern; anything else through ``String.format``."""
    if v is None:
        return None
    if isinstance(v, _dt.date):
        return _format_date(".format()", v, fmt, tz)
    try:
        return javatext.java_format(str(fmt), [v], as_string)
    except ValueError as exc:
        raise QueryError(f".format(): {exc}") from None


def _ifnull(ctx: Context, value: Any = None, default: Any = None, *rest: Any) -> Any:
    if value is None:
        return default
    return rest[0] if rest else value


def _ifempty(ctx: Context, value: Any = None, if_empty: Any = None, *rest: Any) -> Any:
    """``value`` unless it is an empty string or collection (then ``if_empty``)."""
    if isinstance(value, (str, list, dict, set)) and not value:
        return if_empty
    return rest[0] if rest else value


def _coalesce(ctx: Context, *args: Any) -> Any:
    return next((a for a in args if a is not None), None)


def _first(ctx: Context, v: Any = None) -> Any:
    items = V.as_collection(v)
    if items is None:
        return v
    return items[0] if items else None


def _last(ctx: Context, v: Any = None) -> Any:
    items = V.as_collection(v)
    if items is None:
        return v
    return items[-1] if items else None


def _distinct(ctx: Context, v: Any = None) -> Any:
    return v


def _expand(ctx: Context, v: Any = None) -> Any:
    return v


def _traversed(name: str, base_class: str | None) -> Callable[..., Any]:
    """``traversedElement(index [, items])`` (or Vertex, Edge: only records of that kind):
    records of the TRAVERSE path that reached the current record; 0 is the root, -1 the
    record itself, -2 the one before it; several items go on from there (away from the
    index's end), as OrientDB reads its traversal stack."""
    def fn(ctx: Context, begin: Any = None, items: Any = 1) -> Any:
        if not isinstance(begin, int) or isinstance(begin, bool) or not isinstance(items, int) \
                or isinstance(items, bool) or items < 1:
            raise QueryError(f"{name}() needs a position and a count of items: {name}(-1), {name}(0, 2)")
        path = ctx.variable("path")
        if path is None:
            raise QueryError(f"{name}() works on the records of a TRAVERSE: SELECT {name}(-1) FROM (TRAVERSE ...)")
        rids = [r if isinstance(r, RID) else RID.parse(str(r)) for r in path]
        if base_class is not None:
            schema = ctx.db.schema
            rids = [r for r in rids if isinstance(rec := ctx.load(r), Document) and rec.class_name
                    and schema.has_class(rec.class_name) and schema.is_subclass(rec.class_name, base_class)]
        seq, start = (rids[::-1], -begin - 1) if begin < 0 else (rids, begin)
        picked = seq[start:start + items]
        if not picked:
            return None
        return picked[0] if items == 1 else picked
    return fn


def _if(ctx: Context, cond: Any = None, a: Any = None, b: Any = None) -> Any:
    return a if V.truthy(cond) else b


def _abs(ctx: Context, v: Any = None) -> Any:
    n = V.as_number(v)
    return None if n is None else abs(n)


def _sqrt(ctx: Context, v: Any = None) -> Any:
    n = V.as_number(v)
    return None if n is None else math.sqrt(n)


def _eval(ctx: Context, text: Any = None) -> Any:
    """``eval('price * 1.2')``: an expression given as text, evaluated on the current record."""
    if not isinstance(text, str):
        raise QueryError(f"eval() needs the expression as text, not {short_value(text)}")
    from console.parser import ParseError, parse_expression

    try:
        expr = parse_expression(text)
    except ParseError as exc:
        raise QueryError(f"eval('{text}'): {exc}") from None
    return evaluate(expr, ctx)


def _sum_args(ctx: Context, *args: Any) -> Any:
    nums = [V.as_number(a) for a in args if a is not None]
    return sum(n for n in nums if n is not None)


def _min_args(ctx: Context, *args: Any) -> Any:
    if not args:
        raise QueryError("min() needs a value: min(field), or min(a, b, ...)")
    vals = [a for a in args if a is not None]
    return min(vals, key=V.sort_key) if vals else None


def _max_args(ctx: Context, *args: Any) -> Any:
    if not args:
        raise QueryError("max() needs a value: max(field), or max(a, b, ...)")
    vals = [a for a in args if a is not None]
    return max(vals, key=V.sort_key) if vals else None


def _list_args(ctx: Context, *args: Any) -> Any:
    out: list[Any] = []
    for a in args:
        out.extend(a if isinstance(a, list) else [a])
    return out


def _map_args(ctx: Context, *args: Any) -> Any:
    if len(args) % 2:
        raise QueryError("map() needs key, value pairs")
    return {str(args[i]): args[i + 1] for i in range(0, len(args), 2)}


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "sysdate": _sysdate,
    "date": _date,
    "format": _format,
    "ifnull": _ifnull,
    "ifempty": _ifempty,
    "decimal": lambda ctx, v: None if v is None else V.to_decimal(v),
    "coalesce": _coalesce,
    "first": _first,
    "last": _last,
    "distinct": _distinct,
    "expand": _expand,
    "unionall": _list_args,
    "if": _if,
    "abs": _abs,
    "sum": _sum_args,
    "min": _min_args,
    "max": _max_args,
    "list": _list_args,
    "set": lambda ctx, *a: list(dict.fromkeys(_list_args(ctx, *a))),
    "map": _map_args,
    "uuid": lambda ctx: str(uuid.uuid4()),
    "count": lambda ctx, *a: len(a),
    "avg": lambda ctx, *a: (sum(V.as_number(x) or 0 for x in a) / len(a)) if a else None,
    "sqrt": _sqrt,
    "eval": _eval,
    "traversedelement": _traversed("traversedElement", None),
    "traversedvertex": _traversed("traversedVertex", "V"),
    "traversededge": _traversed("traversedEdge", "E"),
}
FUNCTIONS.update(COLLECTION_FUNCTIONS)
FUNCTIONS.update(PATH_FUNCTIONS)
FUNCTIONS.update(sequences.FUNCTIONS)


# --- methods --------------------------------------------------------------------

def call_method(e: ast.MethodCall, ctx: Context) -> Any:
    name = e.name
    target = evaluate(e.target, ctx)
    if name in GRAPH_FUNCTIONS:
        labels = _labels(evaluate(a, ctx) for a in e.args)
        return graph_step(ctx, target, name, labels)
    args = [evaluate(a, ctx) for a in e.args]
    fn = METHODS.get(name)
    if fn is None:
        raise QueryError(f"unknown method '.{name}()'")
    if target is None and name not in ("size", "type", "asstring", "tojson", "ifnull"):
        return None
    if name == "type" and target is not None and isinstance(e.target, ast.Field):
        explicit = _explicit_type(e.target, ctx)
        if explicit is not None:
            return explicit
    return _apply(f".{name}()", fn, ctx, args, target)


def _explicit_type(e: ast.Field, ctx: Context) -> str | None:
    """The stored type of a field (LONG for a LONG field holding 5), when the
    document says it; None when only the value can tell."""
    owner: Any = ctx.record
    for name in e.path[:-1]:
        owner = get_field(owner, name, ctx) if owner is not None else None
    if isinstance(owner, RID):
        owner = ctx.load(owner)
    if isinstance(owner, Document):
        t = owner.types.get(e.path[-1])
        return t.name if t is not None else None
    return None


def _size(ctx: Context, v: Any) -> int:
    if v is None:
        return 0
    if isinstance(v, (list, tuple, set, dict, str, bytes)) and not isinstance(v, RID):
        return len(v)
    if isinstance(v, Document):
        return len(v.fields)
    return 1


def _as_integer(ctx: Context, v: Any) -> Any:
    n = V.as_number(v)
    if n is None:
        return None
    try:
        return int(n)
    except (ValueError, OverflowError):
        return None


def _as_float(ctx: Context, v: Any) -> Any:
    n = V.as_number(v)
    return None if n is None else float(n)


def _as_boolean(ctx: Context, v: Any) -> Any:
    if isinstance(v, bool):
        return v
    if isinstance(v, str):
        return v.strip().lower() == "true"
    n = V.as_number(v)
    return None if n is None else n != 0


def _as_list(ctx: Context, v: Any) -> Any:
    items = V.as_collection(v)
    return [v] if items is None else items


def _as_date(ctx: Context, v: Any) -> Any:
    d = V.as_datetime(v)
    return d.date() if d else None


def _substring(ctx: Context, v: Any, start: Any = 0, end: Any = None) -> Any:
    s = as_string(v)
    return s[int(start):] if end is None else s[int(start):int(end)]


def _last_index_of(ctx: Context, v: Any, s: Any, start: Any = None) -> int:
    """Java's ``lastIndexOf``: the last match beginning at or before ``start``."""
    text, sub = as_string(v), as_string(s)
    if start is None:
        return text.rfind(sub)
    return -1 if int(start) < 0 else text.rfind(sub, 0, int(start) + len(sub))


def _keys(ctx: Context, v: Any) -> Any:
    if isinstance(v, Document):
        return list(v.fields)
    if isinstance(v, dict):
        return list(v)
    return None


def _values(ctx: Context, v: Any) -> Any:
    if isinstance(v, Document):
        return list(v.fields.values())
    if isinstance(v, dict):
        return list(v.values())
    return None


def _type_name(ctx: Context, v: Any) -> Any:
    from console.engine.types import infer_type

    t = infer_type(v)
    return t.name if t else "NULL"


def _include(ctx: Context, v: Any, *names: Any) -> Any:
    if isinstance(v, RID):
        v = ctx.load(v)
    if isinstance(v, Document):
        return Document(v.class_name, {k: x for k, x in v.fields.items() if k in names}, rid=v.rid, version=v.version)
    return v


def _exclude(ctx: Context, v: Any, *names: Any) -> Any:
    if isinstance(v, RID):
        v = ctx.load(v)
    if isinstance(v, Document):
        return Document(v.class_name, {k: x for k, x in v.fields.items() if k not in names}, rid=v.rid, version=v.version)
    return v


def _field_method(ctx: Context, v: Any, name: Any = None) -> Any:
    return get_field(v, str(name), ctx)


def _remove(ctx: Context, v: Any, *items: Any) -> Any:
    if isinstance(v, list):
        return [x for x in v if not any(V.equals(x, i) for i in items)]
    return v


def _to_json(ctx: Context, v: Any) -> Any:
    import orjson

    from console.engine.codec import encode_embedded, encode_value

    if isinstance(v, Document):
        body = encode_embedded(v)
        if v.rid is not None:  # a stored record: with its @rid and @version, as OrientDB's toJSON()
            head = {"@type": "d", "@rid": str(v.rid), "@version": v.version}
            body = {**head, **{k: x for k, x in body.items() if k not in head}}
        return orjson.dumps(body).decode()
    return orjson.dumps(encode_value(v, None)).decode()


def _str_method(fn: Callable[[str], Any]) -> Callable[..., Any]:
    return lambda ctx, v, *a: fn(as_string(v))


METHODS: dict[str, Callable[..., Any]] = {
    "size": _size,
    "length": lambda ctx, v: len(as_string(v)) if not isinstance(v, (list, dict)) else len(v),
    "touppercase": _str_method(str.upper),
    "tolowercase": _str_method(str.lower),
    "trim": _str_method(str.strip),
    "asstring": lambda ctx, v: None if v is None else as_string(v),
    "asinteger": _as_integer,
    "aslong": _as_integer,
    "asfloat": _as_float,
    "asdouble": _as_float,
    "asdecimal": lambda ctx, v: V.to_decimal(v),
    "asboolean": _as_boolean,
    "asdate": _as_date,
    "asdatetime": lambda ctx, v: V.as_datetime(v),
    "aslist": _as_list,
    "asset": lambda ctx, v: list(dict.fromkeys(V.as_collection(v) or [v])),
    "asmap": lambda ctx, v: v if isinstance(v, dict) else None,
    "substring": _substring,
    "left": lambda ctx, v, n: as_string(v)[: int(n)],
    "right": lambda ctx, v, n: as_string(v)[-int(n):] if int(n) else "",
    "charat": lambda ctx, v, i: as_string(v)[int(i)] if int(i) < len(as_string(v)) else None,
    "indexof": lambda ctx, v, s, start=0: as_string(v).find(as_string(s), int(start)),
    "lastindexof": _last_index_of,
    "append": lambda ctx, v, s: as_string(v) + as_string(s),
    "prefix": lambda ctx, v, s: as_string(s) + as_string(v),
    "replace": lambda ctx, v, a, b: as_string(v).replace(as_string(a), as_string(b)),
    "split": lambda ctx, v, sep: as_string(v).split(as_string(sep)),
    "keys": _keys,
    "values": _values,
    "type": _type_name,
    "format": _format_method,
    "include": _include,
    "exclude": _exclude,
    "field": _field_method,
    "remove": _remove,
    "removeall": _remove,
    "tojson": _to_json,
    "hash": lambda ctx, v, algo="SHA-256": __import__("hashlib").new(str(algo).replace("-", "").lower(), as_string(v).encode()).hexdigest(),
    "normalize": _str_method(lambda s: __import__("unicodedata").normalize("NFC", s)),
    "ifnull": lambda ctx, v, d=None: d if v is None else v,
    "javatype": lambda ctx, v: type(v).__name__,
}
METHODS.update(sequences.METHODS)
