"""SELECT and TRAVERSE: streaming pipelines over planned records (MATCH: ``match``)."""

from __future__ import annotations

import heapq
import itertools
import sys
from typing import Any, Iterable, Iterator

from console import ast
from console.engine.document import Blob, Document
from console.engine.rid import RID
from console.engine.sql import values as V
from console.engine.sql.aggregates import Accumulator, find_aggregates
from console.engine.sql.context import Context
from console.engine.sql.evaluate import condition, evaluate
from console.engine.sql.planner import plan_target
from console.engine.sql.text import expr_text
from console.engine.validation import short_value
from console.errors import QueryError


def run_query(stmt: ast.Statement, ctx: Context) -> Iterator[Any]:
    """Rows of a query statement (records or projection documents), streamed."""
    if isinstance(stmt, ast.Select):
        return run_select(stmt, ctx)
    if isinstance(stmt, ast.Traverse):
        return run_traverse(stmt, ctx)
    if isinstance(stmt, ast.Match):
        from console.engine.sql.match import run_match

        return run_match(stmt, ctx)
    from console.engine.sql.commands import execute_statement

    result = execute_statement(stmt, ctx)
    return iter(result.rows or [])


def _int_value(expr: ast.Expr | None, ctx: Context, what: str) -> int | None:
    if expr is None:
        return None
    v = evaluate(expr, ctx)
    if v is None:
        return None
    n = V.as_number(v)
    if not isinstance(n, int) or n < -1:
        raise QueryError(f"{what} must be a whole number, got {short_value(v)}")
    # beyond any possible row count: as good as no limit (and SKIP + LIMIT stays a valid index)
    return None if n == -1 else min(n, _ROWS_MAX)


_ROWS_MAX = sys.maxsize // 2


# --- SELECT --------------------------------------------------------------------------

def _check_aliases(projections: tuple[ast.Projection, ...]) -> None:
    """Two projections given the same name with AS would hide one of them."""
    seen: set[str] = set()
    for p in projections:
        if p.alias is not None:
            if p.alias in seen:
                raise QueryError(f"two projections are called '{p.alias}'")
            seen.add(p.alias)


def run_select(stmt: ast.Select, ctx: Context) -> Iterator[Any]:
    _check_aliases(stmt.projections)
    fast = _count_only(stmt, ctx)
    if fast is not None:
        return iter([fast])
    skip = _int_value(stmt.skip, ctx, "SKIP") or 0
    limit = _int_value(stmt.limit, ctx, "LIMIT")
    projections = stmt.projections
    star_only = not projections or (len(projections) == 1 and isinstance(projections[0].expr, ast.Star)
                                    and projections[0].alias is None)
    aggregates = [a for p in projections for a in find_aggregates(p.expr)]
    plan = plan_target(stmt.target, stmt.where, ctx, stmt.order_by if star_only and not stmt.let else ())
    # pairs: (where a row came from, the row); the source is the record's context (its LET
    # variables) wherever something is evaluated on it later
    pairs: Iterable[tuple[Any, Any]]
    if star_only and stmt.where is None and not stmt.let:
        pairs = ((r, r) for r in plan.rows())
    else:
        contexts = _filtered(plan.rows(), stmt, ctx)
        if aggregates or stmt.group_by:
            pairs = ((r, r) for r in _aggregate(contexts, stmt, aggregates, ctx))
        elif star_only:
            pairs = ((c, c.record) for c in contexts)
        else:
            pairs = ((c, project(projections, c)) for c in contexts)
    expand = _expand_projection(projections)
    if expand is not None:
        pairs = _expand(pairs, ctx)
    if stmt.unwind:
        pairs = _unwind(pairs, stmt.unwind)
    if stmt.distinct or _is_distinct_call(projections):
        pairs = _distinct(pairs)
    if stmt.order_by and not (plan.ordered and star_only and not stmt.group_by and not aggregates):
        pairs = _order(pairs, stmt.order_by, ctx, skip + limit if limit is not None else None)
    rows_out = (row for _, row in pairs)
    if skip or limit is not None:
        rows_out = itertools.islice(rows_out, skip, None if limit is None else skip + limit)
    return rows_out


def _count_only(stmt: ast.Select, ctx: Context) -> Document | None:
    """``SELECT count(*) FROM <class>`` without conditions: counted by SQLite, nothing decoded."""
    if (len(stmt.projections) != 1 or stmt.where is not None or stmt.group_by or stmt.let or stmt.skip
            or stmt.limit is not None or stmt.unwind or not isinstance(stmt.target, ast.ClassTarget)):
        return None
    p = stmt.projections[0]
    if not (isinstance(p.expr, ast.FunctionCall) and p.expr.name == "count" and p.expr.star):
        return None
    db = ctx.db
    cls = db.schema.get_class(stmt.target.name)
    if cls is None:
        return None
    for name in db.schema.descendants(cls.name):
        db.check_permission("database.class", name, 2)
    return Document(None, {p.alias or "count(*)": db.count_class(cls.name)})


def _filtered(records: Iterator[Any], stmt: ast.Select, ctx: Context) -> Iterator[Context]:
    """The context of each record that passes WHERE, holding the record's LET variables
    for the projections, GROUP BY and ORDER BY that follow."""
    where = stmt.where
    let = stmt.let
    for rec in records:
        if let:
            c = ctx.child(rec)
            for item in let:
                c.vars[item.name.lower()] = evaluate(item.value, c)
        else:
            c = ctx.with_record(rec)
        if where is None or condition(where, c):
            yield c


def project(projections: tuple[ast.Projection, ...], ctx: Context) -> Document:
    """One projection row for the current record."""
    rec = ctx.record
    out: dict[str, Any] = {}
    types: dict[str, Any] = {}
    for p in projections:
        expr = p.expr
        if isinstance(expr, ast.Star):
            if isinstance(rec, Document):
                out.update(rec.fields)
                types.update(rec.types)
            continue
        value = evaluate(expr, ctx)
        name = p.alias or projection_name(expr)
        if name in out and not p.alias:
            i = 2
            while f"{name}{i}" in out:
                i += 1
            name = f"{name}{i}"
        out[name] = value
        # a plain field keeps its declared type (a LONG stays a LONG in the row)
        if isinstance(expr, ast.Field) and len(expr.path) == 1 and isinstance(rec, Document):
            t = rec.types.get(expr.path[0])
            if t is not None:
                types[name] = t
    return Document(None, out, types)


def projection_name(expr: ast.Expr) -> str:
    if isinstance(expr, ast.Field):
        return ".".join(expr.path)
    if isinstance(expr, ast.Attribute):
        return "@" + expr.name
    if isinstance(expr, ast.FunctionCall) and expr.name in ("expand", "distinct") and expr.args:
        return projection_name(expr.args[0])
    return expr_text(expr)


def _expand_projection(projections: tuple[ast.Projection, ...]) -> ast.FunctionCall | None:
    if len(projections) == 1 and isinstance(projections[0].expr, ast.FunctionCall) \
            and projections[0].expr.name == "expand":
        return projections[0].expr
    if any(isinstance(p.expr, ast.FunctionCall) and p.expr.name == "expand" for p in projections):
        raise QueryError("expand() must be the only projection")
    return None


def _expand(pairs: Iterable[tuple[Any, Any]], ctx: Context) -> Iterator[tuple[Any, Any]]:
    for rec, row in pairs:
        value = next(iter(row.fields.values())) if isinstance(row, Document) and row.rid is None and row.fields else None
        items = value if isinstance(value, list) else ([] if value is None else [value])
        for item in items:
            item = ctx.deref(item)
            if item is not None:
                if not isinstance(item, (Document, Blob)):  # a plain value becomes a row {value: ...}
                    item = Document(None, {"value": item})
                yield item, item


def _is_distinct_call(projections: tuple[ast.Projection, ...]) -> bool:
    return len(projections) == 1 and isinstance(projections[0].expr, ast.FunctionCall) \
        and projections[0].expr.name == "distinct"


def _unwind(pairs: Iterable[tuple[Any, Any]], fields: tuple[str, ...]) -> Iterator[tuple[Any, Any]]:
    for rec, row in pairs:
        rows = [row]
        for f in fields:
            nxt = []
            for r in rows:
                v = r.fields.get(f) if isinstance(r, Document) else None
                if isinstance(v, list) and v:
                    for x in v:
                        d = Document(r.class_name if r.rid is None else None, dict(r.fields))
                        d.fields[f] = x
                        nxt.append(d)
                else:
                    nxt.append(r)
            rows = nxt
        for r in rows:
            yield rec, r


def _distinct(pairs: Iterable[tuple[Any, Any]]) -> Iterator[tuple[Any, Any]]:
    seen: set[Any] = set()
    for rec, row in pairs:
        key = V.hashable(row if not (isinstance(row, Document) and row.rid is None) else row.fields)
        if key in seen:
            continue
        seen.add(key)
        yield rec, row


def _order(pairs: Iterable[tuple[Any, Any]], order_by: tuple[ast.OrderItem, ...], ctx: Context,
           keep: int | None) -> Iterator[tuple[Any, Any]]:
    # A plain field name is read straight from a stored record (what evaluate would do).
    names = [e.path[0] if isinstance(e, ast.Field) and len(e.path) == 1 and not e.path[0].startswith("@")
             else None for e in (item.expr for item in order_by)]
    items = list(zip(order_by, names))
    sort_key = V.sort_key

    def key_of(pair: tuple[Any, Any]) -> list[Any]:
        rec, row = pair
        source = rec.record if isinstance(rec, Context) else rec
        stored = type(source) is Document and source.rid is not None and source is row
        keys = []
        for item, name in items:
            if name is not None and stored:
                v = source.fields.get(name)
            else:
                v = _order_value(item.expr, rec, row, ctx)
            keys.append(sort_key(v))
        return keys

    descending = [item.descending for item in order_by]
    first = lambda t: t[0]  # noqa: E731 - compare the keys only, never the rows
    if keep is not None and (all(descending) or not any(descending)):
        # like sorted(...)[:keep], equal keys in arrival order, without sorting everything
        pick = heapq.nlargest if descending[0] else heapq.nsmallest
        for _, p in pick(keep, ((key_of(p), p) for p in pairs), key=first):
            yield p
        return
    rows = [(key_of(p), p) for p in pairs]
    # One stable sort per key, the last key first, each in its own direction.
    for i in range(len(order_by) - 1, -1, -1):
        rows.sort(key=lambda t, i=i: t[0][i], reverse=descending[i])
    for _, p in rows[:keep] if keep is not None else rows:
        yield p


def _order_value(expr: ast.Expr, rec: Any, row: Any, ctx: Context) -> Any:
    if isinstance(row, Document) and row.rid is None and isinstance(expr, ast.Field) \
            and ".".join(expr.path) in row.fields:
        return row.fields[".".join(expr.path)]
    if row is not rec and isinstance(row, Document) and row.rid is None:
        name = expr_text(expr)
        if name in row.fields:
            return row.fields[name]
    if isinstance(rec, Context):  # the record's own context, LET variables included
        return evaluate(expr, rec)
    return evaluate(expr, ctx.with_record(rec if rec is not None else row))


def _aggregate(contexts: Iterator[Context], stmt: ast.Select, aggregates: list[ast.FunctionCall],
               ctx: Context) -> Iterator[Document]:
    groups: dict[Any, tuple[Any, list[Accumulator]]] = {}
    order: list[Any] = []
    # GROUP BY may name a projection by its alias
    aliases = {p.alias: p.expr for p in stmt.projections if p.alias}
    group_by = [aliases.get(g.path[0], g) if isinstance(g, ast.Field) and len(g.path) == 1 else g
                for g in stmt.group_by]
    for c in contexts:
        key = tuple(V.hashable(evaluate(g, c)) for g in group_by) if group_by else ()
        entry = groups.get(key)
        if entry is None:
            entry = (c, [Accumulator(a, c) for a in aggregates])
            groups[key] = entry
            order.append(key)
        for acc in entry[1]:
            acc.feed(c)
    if not groups and not stmt.group_by:
        empty = ctx.with_record(None)
        groups[()] = (empty, [Accumulator(a, empty) for a in aggregates])
        order.append(())
    for key in order:
        first, accs = groups[key]  # the context of the group's first record
        c = first.with_record(first.record)
        c.aggregates = {id(call): acc.result() for call, acc in zip(aggregates, accs)}
        yield project(stmt.projections, c) if stmt.projections else Document(None, {})


# --- TRAVERSE -------------------------------------------------------------------------

class TraversedDocument(Document):
    """A record found by TRAVERSE, remembering its ``$depth`` and ``$path``."""

    __slots__ = ("depth", "path")

    @classmethod
    def of(cls, doc: Document, depth: int, path: list[RID]) -> "TraversedDocument":
        t = cls(doc.class_name, doc.fields, doc.types, doc.rid, doc.version)
        t.depth = depth
        t.path = path
        return t


def run_traverse(stmt: ast.Traverse, ctx: Context) -> Iterator[Any]:
    limit = _int_value(stmt.limit, ctx, "LIMIT")
    roots = list(plan_target(stmt.target, None, ctx).rows())
    fields = stmt.projections or (ast.Star(),)
    breadth = (stmt.strategy or "").upper() == "BREADTH_FIRST"
    visited: set[RID] = set()
    out = _traverse(roots, fields, stmt, ctx, visited, breadth)
    return itertools.islice(out, limit) if limit is not None else out


def _traverse(roots: list[Any], fields: tuple[ast.Expr, ...], stmt: ast.Traverse, ctx: Context,
              visited: set[RID], breadth: bool) -> Iterator[Any]:
    frontier: list[tuple[Any, int, tuple[RID, ...]]] = [(r, 0, ()) for r in roots]
    if not breadth:
        frontier.reverse()
    while frontier:
        rec, depth, path = frontier.pop(0) if breadth else frontier.pop()
        rec = ctx.deref(rec)
        if not isinstance(rec, (Document, Blob)) or rec.rid is None or rec.rid in visited:
            continue
        here = path + (rec.rid,)
        c = ctx.child(rec)
        c.vars["depth"] = depth
        c.vars["path"] = list(here)
        if stmt.while_ is not None and not condition(stmt.while_, c):
            continue
        visited.add(rec.rid)
        yield TraversedDocument.of(rec, depth, list(here)) if isinstance(rec, Document) else rec
        if stmt.max_depth is not None and depth >= stmt.max_depth:
            continue
        children = _children(rec, fields, c)
        items = [(ch, depth + 1, here) for ch in children]
        if breadth:
            frontier.extend(items)
        else:
            frontier.extend(reversed(items))


def _children(rec: Any, fields: tuple[ast.Expr, ...], ctx: Context) -> list[Any]:
    out: list[Any] = []
    if not isinstance(rec, Document):
        return out
    for f in fields:
        if isinstance(f, ast.Star) or (isinstance(f, ast.FunctionCall) and f.name in ("any", "all")) \
                or (isinstance(f, ast.Field) and len(f.path) == 1 and f.path[0] == "*"):
            for v in rec.fields.values():
                out.extend(_links(v))
            continue
        out.extend(_links(evaluate(f, ctx)))
    return out


def _links(v: Any) -> list[Any]:
    if isinstance(v, RID):
        return [v]
    if isinstance(v, Document) and v.rid is not None:
        return [v]
    if isinstance(v, (list, tuple)):
        return [x for x in v if isinstance(x, RID) or (isinstance(x, Document) and x.rid is not None)]
    if isinstance(v, dict):
        return [x for x in v.values() if isinstance(x, RID)]
    return []
