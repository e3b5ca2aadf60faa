"""Evaluation of expressions and conditions against the current record."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Callable, Iterable

from console import ast
from console.engine.document import Blob, Document
from console.engine.rid import RID
from console.engine.sql import values as V
from console.engine.sql.context import Context, record_attribute
from console.engine.validation import short_value
from console.errors import QueryError


def evaluate(expr: ast.Expr, ctx: Context) -> Any:
    """The value of ``expr`` for ``ctx.record``."""
    fn = _EVAL.get(type(expr))
    if fn is None:
        raise QueryError(f"cannot evaluate {type(expr).__name__} here")
    return fn(expr, ctx)


def condition(expr: ast.Expr | None, ctx: Context) -> bool:
    """True when the condition holds (a missing condition always holds)."""
    if expr is None:
        return True
    return V.truthy(evaluate(expr, ctx))


# --- field access -------------------------------------------------------------

def get_field(value: Any, name: str, ctx: Context) -> Any:
    """``value.name``: a document field, a map key, a linked record's field, or each element's."""
    if isinstance(value, RID):
        value = ctx.load(value)
    if isinstance(value, Document):
        f = value.fields
        if name in f:
            return f[name]
        if name.startswith("@"):
            return record_attribute(value, name[1:].lower())
        return None
    if isinstance(value, dict):
        return value.get(name)
    if isinstance(value, (list, tuple, set)):
        out = []
        for v in value:
            r = get_field(v, name, ctx)
            if isinstance(r, list):
                out.extend(r)
            elif r is not None:
                out.append(r)
        return out
    if isinstance(value, Blob) and name.startswith("@"):
        return record_attribute(value, name[1:].lower())
    return None


def _field(e: ast.Field, ctx: Context) -> Any:
    path = e.path
    value = ctx.record
    first = path[0]
    if isinstance(value, Document):
        fields = value.fields
        value = fields[first] if first in fields else (
            record_attribute(value, first[1:].lower()) if first.startswith("@") else None)
    elif value is None:
        return None
    else:
        value = get_field(value, first, ctx)
    for name in path[1:]:
        if value is None:
            return None
        value = get_field(value, name, ctx)
    return value


def _field_access(e: ast.FieldAccess, ctx: Context) -> Any:
    path = e.path
    if isinstance(e.target, ast.Variable):
        # $parent.$current.name: $-steps walk contexts, then fields are read
        value = ctx.variable(e.target.name)
        while isinstance(value, Context) and path and path[0][:1] == "$":
            value = value.variable(path[0][1:])
            path = path[1:]
        if isinstance(value, Context):
            value = value.record
    else:
        value = evaluate(e.target, ctx)
    for name in path:
        if value is None:
            return None
        value = get_field(value, name, ctx)
    return value


def _attribute(e: ast.Attribute, ctx: Context) -> Any:
    rec = ctx.record
    if isinstance(rec, RID):
        rec = ctx.load(rec)
    return record_attribute(rec, e.name)


def _variable(e: ast.Variable, ctx: Context) -> Any:
    v = ctx.variable(e.name)
    if isinstance(v, Context):
        return v.record
    return v


# --- literals -----------------------------------------------------------------

def _literal(e: ast.Literal, ctx: Context) -> Any:
    return e.value


def _rid(e: ast.RidLiteral, ctx: Context) -> Any:
    return e.rid


def _list(e: ast.ListLiteral, ctx: Context) -> Any:
    return [evaluate(i, ctx) for i in e.items]


def _map(e: ast.MapLiteral, ctx: Context) -> Any:
    return {k: evaluate(v, ctx) for k, v in e.entries}


def _param(e: ast.Param, ctx: Context) -> Any:
    return ctx.param(e)


def _star(e: ast.Star, ctx: Context) -> Any:
    return ctx.record


def _subquery(e: ast.Subquery, ctx: Context) -> Any:
    from console.engine.sql.query import run_query

    return list(run_query(e.statement, ctx.child(ctx.record)))


# --- operators ------------------------------------------------------------------

def _arith(e: ast.Arithmetic, ctx: Context) -> Any:
    a = evaluate(e.left, ctx)
    b = evaluate(e.right, ctx)
    return arithmetic(e.op, a, b)


def _concat_items(v: Any) -> list[Any]:
    """What one side of ``||`` adds: the items of a collection, a single value, or nothing for null."""
    if v is None:
        return []
    items = V.as_collection(v)
    return [v] if items is None else items


def arithmetic(op: str, a: Any, b: Any) -> Any:
    if op == "||":  # OrientDB's array concatenation: [1, 2] || 3 is [1, 2, 3]
        return None if a is None and b is None else _concat_items(a) + _concat_items(b)
    if a is None or b is None:
        return None
    if op == "+" and (isinstance(a, str) or isinstance(b, str)):
        return _text(a) + _text(b)
    if op == "+" and isinstance(a, list):
        return a + (b if isinstance(b, list) else [b])
    na, nb = V.as_number(a), V.as_number(b)
    if na is None or nb is None:
        raise QueryError(f"cannot apply '{op}' to {short_value(a)} and {short_value(b)}")
    if isinstance(na, Decimal) or isinstance(nb, Decimal):
        na, nb = V.to_decimal(na), V.to_decimal(nb)
    try:
        if op == "+":
            return na + nb
        if op == "-":
            return na - nb
        if op == "*":
            return na * nb
        if op == "/":
            if isinstance(na, int) and isinstance(nb, int):
                if nb == 0:
                    raise QueryError("division by zero")
                q = abs(na) // abs(nb)
                return q if (na >= 0) == (nb >= 0) else -q
            return na / nb
        if op == "%":
            return na % nb
    except ZeroDivisionError:
        raise QueryError("division by zero") from None
    raise QueryError(f"unknown operator '{op}'")


def _text(v: Any) -> str:
    from console.engine.sql.functions import as_string

    return as_string(v)


def _negate(e: ast.Negate, ctx: Context) -> Any:
    v = evaluate(e.expr, ctx)
    if v is None:
        return None
    n = V.as_number(v)
    if n is None:
        raise QueryError(f"cannot negate {short_value(v)}")
    return -n


def _comparison(e: ast.Comparison, ctx: Context) -> Any:
    op = e.op
    left = evaluate(e.left, ctx)
    if op in ("IN", "NOT IN"):
        right = evaluate(e.right, ctx)
        right = _flatten_subquery(right)
        found = V.in_collection(left, right) if left is not None else False
        return found if op == "IN" else (not found if left is not None else False)
    right = evaluate(e.right, ctx)
    fn = _COMPARE.get(op)
    if fn is None:
        raise QueryError(f"unknown operator '{op}'")
    return fn(left, right, ctx)


def _flatten_subquery(v: Any) -> Any:
    """``x IN (select y from ...)``: compare with the single projected value of each row."""
    if isinstance(v, list) and v and all(isinstance(r, Document) and r.rid is None and len(r.fields) == 1 for r in v):
        return [next(iter(r.fields.values())) for r in v]
    return v


def _cmp(pred: Callable[[int], bool]) -> Callable[[Any, Any, Context], bool]:
    def fn(a: Any, b: Any, ctx: Context) -> bool:
        c = V.compare(a, b)
        return c is not None and pred(c)
    return fn


def _eq(a: Any, b: Any, ctx: Context) -> bool:
    return V.equals(a, b)


def _ne(a: Any, b: Any, ctx: Context) -> bool:
    if a is None or b is None:
        return False
    return not V.equals(a, b)


def _contains(a: Any, b: Any, ctx: Context) -> bool:
    items = V.as_collection(a)
    if items is None:
        return False
    return any(V.equals(x, b) for x in items)


def _contains_each(quantifier: Callable[[Iterable[bool]], bool]) -> Callable[[Any, Any, Context], bool]:
    """CONTAINSALL (``all``) / CONTAINSANY (``any``): the right operand's items found on the left."""
    def fn(a: Any, b: Any, ctx: Context) -> bool:
        items = V.as_collection(a)
        if items is None:
            return False
        wanted = V.as_collection(b)
        if wanted is None:
            wanted = [b]
        return quantifier(any(V.equals(x, w) for x in items) for w in wanted)
    return fn


def _contains_key(a: Any, b: Any, ctx: Context) -> bool:
    if isinstance(a, Document):
        return b in a.fields
    return isinstance(a, dict) and b in a


def _contains_value(a: Any, b: Any, ctx: Context) -> bool:
    if isinstance(a, Document):
        vals = list(a.fields.values())
    elif isinstance(a, dict):
        vals = list(a.values())
    else:
        return False
    return any(V.equals(v, b) for v in vals)


def _contains_text(a: Any, b: Any, ctx: Context) -> bool:
    if a is None or b is None:
        return False
    return str(b).lower() in str(a).lower() if isinstance(a, str) else False


def _matches(a: Any, b: Any, ctx: Context) -> bool:
    if a is None or b is None:
        return False
    try:
        return re.fullmatch(str(b), str(a)) is not None
    except re.error as exc:
        raise QueryError(f"invalid regular expression '{b}': {exc}") from None


def _instance_of_value(a: Any, name: str, ctx: Context) -> bool:
    if isinstance(a, RID):
        a = ctx.load(a)
    if not isinstance(a, Document) or not a.class_name:
        return False
    return ctx.db.schema.is_subclass(a.class_name, name)


_COMPARE: dict[str, Callable[[Any, Any, Context], bool]] = {
    "=": _eq,
    "!=": _ne,
    "<": _cmp(lambda c: c < 0),
    "<=": _cmp(lambda c: c <= 0),
    ">": _cmp(lambda c: c > 0),
    ">=": _cmp(lambda c: c >= 0),
    "LIKE": lambda a, b, ctx: V.like(a, b, False),
    "ILIKE": lambda a, b, ctx: V.like(a, b, True),
    "MATCHES": _matches,
    "CONTAINS": _contains,
    "CONTAINSALL": _contains_each(all),
    "CONTAINSANY": _contains_each(any),
    "CONTAINSKEY": _contains_key,
    "CONTAINSVALUE": _contains_value,
    "CONTAINSTEXT": _contains_text,
}


def _contains_condition(e: ast.ContainsCondition, ctx: Context) -> Any:
    items = V.as_collection(evaluate(e.left, ctx))
    if not items:
        return False
    op = e.op.upper()
    results = (condition(e.condition, ctx.with_record(ctx.deref(x))) for x in items)
    if op == "CONTAINSALL":
        return all(results)
    return any(results)


def _between(e: ast.Between, ctx: Context) -> Any:
    v = evaluate(e.expr, ctx)
    lo, hi = evaluate(e.low, ctx), evaluate(e.high, ctx)
    a, b = V.compare(v, lo), V.compare(v, hi)
    return a is not None and b is not None and a >= 0 and b <= 0


def _is_null(e: ast.IsNull, ctx: Context) -> Any:
    v = evaluate(e.expr, ctx)
    return (v is not None) if e.negated else (v is None)


def _is_defined(e: ast.IsDefined, ctx: Context) -> Any:
    defined = _defined(e.expr, ctx)
    return not defined if e.negated else defined


def _defined(expr: ast.Expr, ctx: Context) -> bool:
    if isinstance(expr, ast.Field):
        value: Any = ctx.record
        for name in expr.path:
            if isinstance(value, RID):
                value = ctx.load(value)
            if isinstance(value, Document):
                if name not in value.fields:
                    return False
                value = value.fields[name]
            elif isinstance(value, dict):
                if name not in value:
                    return False
                value = value[name]
            else:
                return False
        return True
    return evaluate(expr, ctx) is not None


def _instance_of(e: ast.InstanceOf, ctx: Context) -> Any:
    return _instance_of_value(evaluate(e.expr, ctx), e.class_name, ctx)


def _and(e: ast.And, ctx: Context) -> Any:
    for item in e.items:
        if not V.truthy(evaluate(item, ctx)):
            return False
    return True


def _or(e: ast.Or, ctx: Context) -> Any:
    for item in e.items:
        if V.truthy(evaluate(item, ctx)):
            return True
    return False


def _not(e: ast.Not, ctx: Context) -> Any:
    return not V.truthy(evaluate(e.expr, ctx))


def _function(e: ast.FunctionCall, ctx: Context) -> Any:
    from console.engine.sql.functions import call_function

    if ctx.aggregates is not None and id(e) in ctx.aggregates:
        return ctx.aggregates[id(e)]
    return call_function(e, ctx)


def _method(e: ast.MethodCall, ctx: Context) -> Any:
    from console.engine.sql.functions import call_method

    return call_method(e, ctx)


def _index(e: ast.IndexAccess, ctx: Context) -> Any:
    target = evaluate(e.target, ctx)
    idx = evaluate(e.index, ctx)
    if target is None or idx is None:
        return None
    if isinstance(target, RID):
        target = ctx.load(target)
    if isinstance(target, Document):
        return target.fields.get(str(idx))
    if isinstance(target, dict):
        if isinstance(idx, list):  # m['a', 'b']: the values of those keys
            return [target[str(k)] for k in idx if str(k) in target]
        return target.get(idx if idx in target else str(idx))
    if isinstance(target, (list, tuple, str)) and not isinstance(target, RID):
        if isinstance(idx, list):
            return [target[i] for i in idx if isinstance(i, int) and -len(target) <= i < len(target)]
        n = V.as_number(idx)
        if isinstance(n, int) and -len(target) <= n < len(target):
            return target[n]
        return None
    return None


def _slice(e: ast.Slice, ctx: Context) -> Any:
    """Items (or characters) from ``start`` up to ``end``, which is excluded unless inclusive
    (null when the range is inverted)."""
    target = evaluate(e.target, ctx)
    start, end = V.as_number(evaluate(e.start, ctx)), V.as_number(evaluate(e.end, ctx))
    if target is None or not isinstance(start, int) or not isinstance(end, int) or isinstance(target, RID):
        return None
    if not isinstance(target, (list, str)):
        items = V.as_collection(target)
        if items is None:
            return None
        target = items
    stop = end + 1 if e.inclusive else end
    if start > stop:  # as OrientDB: an inverted range is null
        return None
    return target[max(start, 0):max(stop, 0)]


def _filter(e: ast.Filter, ctx: Context) -> Any:
    target = evaluate(e.target, ctx)
    items = V.as_collection(target)
    if items is None:
        items = [] if target is None else [target]
    out = []
    for x in items:
        rec = ctx.deref(x)
        if condition(e.condition, ctx.with_record(rec)):
            out.append(x)
    return out


_EVAL: dict[type, Callable[[Any, Context], Any]] = {
    ast.Literal: _literal,
    ast.RidLiteral: _rid,
    ast.ListLiteral: _list,
    ast.MapLiteral: _map,
    ast.Param: _param,
    ast.Field: _field,
    ast.FieldAccess: _field_access,
    ast.Attribute: _attribute,
    ast.Variable: _variable,
    ast.Star: _star,
    ast.FunctionCall: _function,
    ast.MethodCall: _method,
    ast.IndexAccess: _index,
    ast.Slice: _slice,
    ast.Filter: _filter,
    ast.Arithmetic: _arith,
    ast.Negate: _negate,
    ast.Subquery: _subquery,
    ast.Comparison: _comparison,
    ast.ContainsCondition: _contains_condition,
    ast.Between: _between,
    ast.IsNull: _is_null,
    ast.IsDefined: _is_defined,
    ast.InstanceOf: _instance_of,
    ast.And: _and,
    ast.Or: _or,
    ast.Not: _not,
}
