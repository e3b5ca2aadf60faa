"""Aggregate functions (count, sum, ..., median, percentile, variance) and the
collection functions that aggregate when given one argument (intersect,
symmetricDifference), with their in-line forms.

An aggregate call is one whose value folds many records into one: ``count(*)``,
``sum(x)``, ``map(k, v)``, ``percentile(x, 0.9)``. Each group of a SELECT gets
one :class:`Accumulator` per aggregate call.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any, Callable

from console import ast
from console.engine.sql import values as V
from console.engine.sql.context import Context
from console.engine.sql.evaluate import evaluate
from console.engine.validation import short_value
from console.errors import QueryError

# Aggregates of one argument (count also takes *).
_SINGLE = frozenset({"count", "sum", "avg", "min", "max", "list", "set", "median", "mode", "variance",
                     "stddev", "intersect", "symmetricdifference"})
AGGREGATES = _SINGLE | {"map", "percentile"}


def is_aggregate(e: ast.FunctionCall) -> bool:
    """count(*), sum(x), list(x), ... with one argument; map(key, value) with two and
    percentile(x, quantile, ...) with two or more, as in OrientDB."""
    name = e.name
    if name in _SINGLE:
        return e.star or len(e.args) == 1
    if name == "map":
        return len(e.args) == 2
    return name == "percentile" and len(e.args) >= 2


def find_aggregates(expr: ast.Node | None) -> list[ast.FunctionCall]:
    """Aggregate calls inside an expression (not inside subqueries)."""
    out: list[ast.FunctionCall] = []

    def walk(node: Any) -> None:
        if isinstance(node, ast.FunctionCall) and is_aggregate(node):
            out.append(node)
            return
        if isinstance(node, (ast.Subquery, ast.Statement)):
            return
        if isinstance(node, ast.Node):
            for name in node.__node_fields__:  # type: ignore[attr-defined]
                walk(getattr(node, name))
        elif isinstance(node, tuple):
            for x in node:
                walk(x)

    walk(expr)
    return out


def _number(v: Any) -> int | float | Decimal | None:
    """A value the statistical aggregates count (numbers only, as OrientDB's Number check)."""
    return v if V.is_number(v) else None


class _Fold:
    """The running state of one aggregate; ``add`` gets one record's value."""

    def add(self, v: Any) -> None:
        raise NotImplementedError

    def result(self) -> Any:
        raise NotImplementedError


class _Count(_Fold):
    def __init__(self) -> None:
        self.n = 0

    def add(self, v: Any) -> None:
        if v is not None:
            self.n += 1

    def result(self) -> Any:
        return self.n


class _Sum(_Fold):
    def __init__(self, average: bool) -> None:
        self.average = average
        self.total: Any = None
        self.n = 0

    def add(self, v: Any) -> None:
        num = V.as_number(v) if v is not None else None
        if num is None:
            return
        if self.total is None:
            self.total = num
        elif isinstance(num, Decimal) or isinstance(self.total, Decimal):
            self.total = V.to_decimal(self.total) + V.to_decimal(num)  # type: ignore[operator]
        else:
            self.total += num
        self.n += 1

    def result(self) -> Any:
        if self.average:
            return self.total / self.n if self.n else None
        return self.total


class _Extreme(_Fold):
    def __init__(self, sign: int) -> None:
        self.sign = sign
        self.value: Any = None

    def add(self, v: Any) -> None:
        if v is not None and (self.value is None or (V.compare(v, self.value) or 0) * self.sign > 0):
            self.value = v

    def result(self) -> Any:
        return self.value


class _Collect(_Fold):
    """list(x) keeps every non-null item; set(x) keeps each distinct one once."""

    def __init__(self, distinct: bool) -> None:
        self.items: list[Any] = []
        self.keys: set[Any] | None = set() if distinct else None

    def add(self, v: Any) -> None:
        for x in (v if isinstance(v, list) else [v]):
            if x is None:
                continue
            if self.keys is not None:
                k = V.hashable(x)
                if k in self.keys:
                    continue
                self.keys.add(k)
            self.items.append(x)

    def result(self) -> Any:
        return self.items


class _Map(_Fold):
    def __init__(self) -> None:
        self.items: dict[str, Any] = {}

    def add(self, v: Any) -> None:
        if isinstance(v, dict):
            self.items.update(v)

    def result(self) -> Any:
        return self.items


class _Percentile(_Fold):
    """OrientDB's percentile: position q·(n+1) in the sorted values, interpolated
    linearly between neighbours; below the first or past the last, the end value."""

    def __init__(self, quantiles: list[float], single: bool) -> None:
        self.quantiles = quantiles
        self.single = single
        self.values: list[Any] = []

    def add(self, v: Any) -> None:
        for x in (v if isinstance(v, list) else [v]):
            if _number(x) is not None:
                self.values.append(x)

    def result(self) -> Any:
        if not self.values:
            return None
        ordered = sorted(self.values, key=float)
        found = [percentile_of(ordered, q) for q in self.quantiles]
        return found[0] if self.single else found


def percentile_of(ordered: list[Any], q: float) -> Any:
    """The q-quantile of sorted numbers, as OrientDB computes it."""
    n = len(ordered)
    pos = q * (n + 1)
    if pos < 1:
        return ordered[0]
    if pos >= n:
        return ordered[n - 1]
    i = int(math.floor(pos))
    lower, upper = float(ordered[i - 1]), float(ordered[i])
    return lower + (pos - i) * (upper - lower)


def _items(v: Any) -> list[Any]:
    """The values one record gives a statistical aggregate: a list's items, a map's values."""
    if isinstance(v, list):
        return v
    if isinstance(v, dict):
        return list(v.values())
    return [v]


class _Mode(_Fold):
    """The most frequent values, in the order they reached the top count."""

    def __init__(self) -> None:
        self.counts: dict[Any, int] = {}
        self.top = 0
        self.leaders: list[Any] = []

    def add(self, v: Any) -> None:
        for x in _items(v):
            if x is None:
                continue
            k = V.hashable(x)
            n = self.counts[k] = self.counts.get(k, 0) + 1
            if n > self.top:
                self.top = n
                self.leaders = [x]
            elif n == self.top:
                self.leaders.append(x)

    def result(self) -> Any:
        return self.leaders or None


class _Variance(_Fold):
    """Population variance (Welford's running form), null below two values; stddev is its root."""

    def __init__(self, root: bool) -> None:
        self.root = root
        self.n = 0
        self.mean = 0.0
        self.m2 = 0.0

    def add(self, v: Any) -> None:
        for x in (v if isinstance(v, list) else [v]):
            if _number(x) is None:
                continue
            x = float(x)
            self.n += 1
            step = x - self.mean
            self.mean += step / self.n
            self.m2 += step * (x - self.mean)

    def result(self) -> Any:
        if self.n < 2:
            return None
        var = self.m2 / self.n
        return math.sqrt(var) if self.root else var


class _Intersect(_Fold):
    """The items present in every record's value (nulls skipped)."""

    def __init__(self) -> None:
        self.items: dict[Any, Any] | None = None

    def add(self, v: Any) -> None:
        if v is None:
            return
        mine = _keyed(v)
        if self.items is None:
            self.items = mine
        else:
            self.items = {k: x for k, x in self.items.items() if k in mine}

    def result(self) -> Any:
        return list(self.items.values()) if self.items else []


class _SymmetricDifference(_Fold):
    """The items found in exactly one record's value (nulls skipped)."""

    def __init__(self) -> None:
        self.accepted: dict[Any, Any] = {}
        self.rejected: set[Any] = set()

    def add(self, v: Any) -> None:
        if v is None:
            return
        for k, x in _keyed(v).items():
            if k in self.rejected:
                continue
            if k in self.accepted:
                del self.accepted[k]
                self.rejected.add(k)
            else:
                self.accepted[k] = x

    def result(self) -> Any:
        return list(self.accepted.values())


def _keyed(v: Any) -> dict[Any, Any]:
    """The distinct items of a value (a scalar is a one-item collection), by key, in order."""
    items = V.as_collection(v)
    return {V.hashable(x): x for x in (items if items is not None else [v])}


_FOLDS: dict[str, Callable[[], _Fold]] = {
    "count": _Count,
    "sum": lambda: _Sum(False),
    "avg": lambda: _Sum(True),
    "min": lambda: _Extreme(-1),
    "max": lambda: _Extreme(1),
    "list": lambda: _Collect(False),
    "set": lambda: _Collect(True),
    "map": _Map,
    "median": lambda: _Percentile([0.5], True),
    "mode": _Mode,
    "variance": lambda: _Variance(False),
    "stddev": lambda: _Variance(True),
    "intersect": _Intersect,
    "symmetricdifference": _SymmetricDifference,
}


class Accumulator:
    """Running state of one aggregate call over the records of one group."""

    __slots__ = ("call", "fold")

    def __init__(self, call: ast.FunctionCall, ctx: Context) -> None:
        self.call = call
        if call.name == "percentile":
            self.fold: _Fold = _Percentile(_quantiles(call, ctx), len(call.args) == 2)
        else:
            self.fold = _FOLDS[call.name]()

    def feed(self, ctx: Context) -> None:
        """Add the record of ``ctx``."""
        call = self.call
        if call.star:
            self.fold.add(True)
        elif call.name == "map":
            key, value = evaluate(call.args[0], ctx), evaluate(call.args[1], ctx)
            if key is not None and value is not None:
                self.fold.add({str(key): value})
        else:
            self.fold.add(evaluate(call.args[0], ctx))

    def add(self, v: Any) -> None:
        """Add one value (an aggregate applied to a collection outside a GROUP)."""
        self.fold.add(v)

    def result(self) -> Any:
        return self.fold.result()


def _quantiles(call: ast.FunctionCall, ctx: Context) -> list[float]:
    out = []
    for a in call.args[1:]:
        q = evaluate(a, ctx)
        if not V.is_number(q) or not 0 <= q <= 1:
            raise QueryError(f"percentile(): a quantile must be a number from 0 to 1, not {short_value(q)}")
        out.append(float(q))
    return out


def apply_to_collection(call: ast.FunctionCall, ctx: Context) -> Any:
    """An aggregate call outside an aggregation (in WHERE, say): folds the items of its
    argument (``sum([1, 2])`` is 3)."""
    if call.star:
        return 1 if call.name == "count" else None
    acc = Accumulator(call, ctx)
    if call.name == "map":
        acc.feed(ctx)
        return acc.result()
    v = evaluate(call.args[0], ctx)
    if call.name in ("intersect", "symmetricdifference"):
        acc.add(v)
    else:
        for x in (v if isinstance(v, list) else [v]):
            acc.add(x)
    return acc.result()


# --- in-line collection functions ------------------------------------------------------

def _intersect(ctx: Context, *args: Any) -> Any:
    fold = _Intersect()
    for a in args:
        fold.add(a if a is not None else [])
    return fold.result()


def _difference(ctx: Context, first: Any = None, *others: Any) -> Any:
    if not others:
        raise QueryError("difference() needs two or more collections")
    if first is None:
        return None
    out = _keyed(first)
    for o in others:
        if o is not None:
            for k in _keyed(o):
                out.pop(k, None)
    return list(out.values())


def _symmetric_difference(ctx: Context, *args: Any) -> Any:
    if args and args[0] is None:
        return None
    fold = _SymmetricDifference()
    for a in args:
        fold.add(a)
    return fold.result()


COLLECTION_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "intersect": _intersect,
    "difference": _difference,
    "symmetricdifference": _symmetric_difference,
}
"""In-line forms (two or more arguments) of the set functions."""
