"""Where records come from: targets, index lookups and SQLite push-down.

A plan yields candidate records. Index lookups and pushed-down predicates
only ever narrow to a superset of the answer: the full WHERE is always
evaluated again in Python, so pushing down is an optimisation, never a
change of meaning.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Iterator

from console import ast
from console.engine.codec import date_to_ms, datetime_to_ms
from console.engine.document import Document, Record
from console.engine.indexing import query_key
from console.engine.rid import POSITION_BITS, RID, cluster_range
from console.engine.schema import IndexDef, Schema
from console.engine.security import READ
from console.engine.sql.context import Context
from console.engine.sql.evaluate import evaluate
from console.engine.sql.values import as_datetime, as_number
from console.engine.types import OType
from console.errors import QueryError, UnknownClass

ROW_SQL = "SELECT rid, ver, cls, kind, data FROM records"
_NUMERIC = frozenset({OType.INTEGER, OType.LONG, OType.SHORT, OType.BYTE, OType.FLOAT, OType.DOUBLE, OType.DECIMAL})


@dataclass
class Plan:
    """Candidate records for a statement plus a description for EXPLAIN."""

    rows: Callable[[], Iterator[Any]]
    steps: list[str] = field(default_factory=list)
    index: str | None = None
    ordered: bool = False  # rows already come in ORDER BY order


def and_items(where: ast.Expr | None) -> list[ast.Expr]:
    if where is None:
        return []
    if isinstance(where, ast.And):
        out: list[ast.Expr] = []
        for item in where.items:
            out.extend(and_items(item))
        return out
    return [where]


def _constant(expr: ast.Expr, ctx: Context) -> tuple[bool, Any]:
    """(True, value) when ``expr`` does not depend on the current record."""
    if isinstance(expr, (ast.Literal, ast.RidLiteral, ast.Param)):
        return True, evaluate(expr, ctx)
    if isinstance(expr, ast.ListLiteral) and all(_constant(i, ctx)[0] for i in expr.items):
        return True, evaluate(expr, ctx)
    if isinstance(expr, ast.Negate):
        ok, v = _constant(expr.expr, ctx)
        return (True, evaluate(expr, ctx)) if ok else (False, None)
    return False, None


def _simple_field(expr: ast.Expr) -> tuple[str, ...] | None:
    if isinstance(expr, ast.Field) and not any(p.startswith("@") for p in expr.path):
        return expr.path
    return None


# --- targets ------------------------------------------------------------------------

def plan_target(stmt_target: ast.Target | None, where: ast.Expr | None, ctx: Context,
                order_by: tuple[ast.OrderItem, ...] = ()) -> Plan:
    """The plan that produces the records of a target, narrowed by WHERE where possible."""
    db = ctx.db
    schema = db.schema
    t = stmt_target
    if t is None:
        return Plan(lambda: iter([None]), ["no target: one row"])
    if isinstance(t, ast.ClassTarget):
        cls = schema.get_class(t.name)
        if cls is None:
            if t.name.lower() in ("v", "e"):
                raise UnknownClass(f"class '{t.name}' does not exist (this is not a graph database)")
            raise UnknownClass(f"class '{t.name}' does not exist")
        return _plan_class(cls.name, where, ctx, order_by)
    if isinstance(t, ast.ClusterTarget):
        ids = [schema.cluster(c).id for c in t.clusters]
        return Plan(lambda: _scan_clusters(ctx, ids, None, where), [f"scan cluster(s) {', '.join(map(str, ids))}"])
    if isinstance(t, ast.RidTarget):
        rids = list(t.rids)
        return Plan(lambda: _load_rids(ctx, rids), [f"load {len(rids)} record(s) by RID"])
    if isinstance(t, ast.SubqueryTarget):
        from console.engine.sql.query import run_query

        return Plan(lambda: run_query(t.statement, ctx.child()), ["subquery"])
    if isinstance(t, ast.IndexTarget):
        return Plan(lambda: _index_entries(ctx, t.name), [f"entries of index {t.name}"])
    if isinstance(t, ast.MetadataTarget):
        return Plan(lambda: _metadata(ctx, t.name), [f"metadata:{t.name}"])
    if isinstance(t, ast.VariableTarget):
        return Plan(lambda: _values_as_rows(ctx, ctx.variable(t.name)), [f"variable ${t.name}"])
    if isinstance(t, ast.ParamTarget):
        return Plan(lambda: _values_as_rows(ctx, ctx.param(t.param)), ["parameter"])
    raise QueryError(f"unsupported target {type(t).__name__}")


def _values_as_rows(ctx: Context, value: Any) -> Iterator[Any]:
    if isinstance(value, Context):
        value = value.record
    items = value if isinstance(value, (list, tuple)) and not isinstance(value, RID) else (
        [] if value is None else [value])
    for item in items:
        if isinstance(item, RID):
            rec = ctx.load(item)
            if rec is not None:
                yield rec
        elif isinstance(item, str) and item.startswith("#"):
            try:
                rec = ctx.load(RID.parse(item))
            except Exception:
                rec = None
            if rec is not None:
                yield rec
        else:
            yield item


def _load_rids(ctx: Context, rids: list[RID]) -> Iterator[Record]:
    for rid in rids:
        rec = ctx.db.load(rid)
        if rec is not None:
            yield rec


def _rows(ctx: Context, cursor: Iterator[tuple[int, int, str | None, int, bytes]],
          wanted: set[str] | None) -> Iterator[Record]:
    db = ctx.db
    checked: set[str | None] = set()
    for key, ver, cls, kind, data in cursor:
        if wanted is not None and cls not in wanted:
            continue
        if cls not in checked:
            db._check_record(cls, key >> POSITION_BITS, READ)
            checked.add(cls)
        yield db.materialize(key, ver, cls, kind, data)


def _scan_clusters(ctx: Context, ids: list[int], wanted: set[str] | None, where: ast.Expr | None) -> Iterator[Record]:
    conn = ctx.db.conn
    for cid in ids:
        bounds = _rid_bounds(cid, where, ctx)
        if bounds is None:
            continue
        yield from _rows(ctx, conn.execute(f"{ROW_SQL} WHERE rid BETWEEN ? AND ? ORDER BY rid", bounds), wanted)


_FLIPPED = {">": "<", ">=": "<=", "<": ">", "<=": ">=", "=": "="}


def _rid_bounds(cid: int, where: ast.Expr | None, ctx: Context) -> tuple[int, int] | None:
    """The packed-key range of a cluster narrowed by ``@rid <op> #c:p`` conditions (None: nothing matches).

    Paging through a cluster with ``WHERE @rid > #c:p LIMIT n`` then reads n
    rows per page instead of every row before the page (WHERE still runs).
    """
    lo, hi = cluster_range(cid)
    first, last = 0, hi - lo
    for item in and_items(where):
        if not isinstance(item, ast.Comparison) or item.op not in _FLIPPED:
            continue
        left, right, op = item.left, item.right, item.op
        if isinstance(right, ast.Attribute) and right.name.lower() == "rid":
            left, right, op = right, left, _FLIPPED[op]
        if not (isinstance(left, ast.Attribute) and left.name.lower() == "rid"):
            continue
        ok, value = _constant(right, ctx)
        if not ok or not isinstance(value, RID):
            continue
        if value.cluster != cid:
            below = value.cluster < cid  # every record of this cluster is greater than the constant
            if (op in (">", ">=") and not below) or (op in ("<", "<=") and below) or op == "=":
                return None
            continue
        pos = value.position
        if op == ">":
            first = max(first, pos + 1)
        elif op == ">=":
            first = max(first, pos)
        elif op == "<":
            last = min(last, pos - 1)
        elif op == "<=":
            last = min(last, pos)
        else:
            first, last = max(first, pos), min(last, pos)
    if first > last or last < 0:
        return None
    return lo + max(first, 0), lo + last


def _plan_class(name: str, where: ast.Expr | None, ctx: Context, order_by: tuple[ast.OrderItem, ...]) -> Plan:
    db = ctx.db
    schema = db.schema
    names = schema.descendants(name)
    wanted = set(names)
    ids = schema.polymorphic_cluster_ids(name)
    items = and_items(where)
    choice = _choose_index(schema, name, items, ctx)
    if choice is not None:
        ix, op, values, note = choice
        return Plan(lambda: _index_rows(ctx, ix, op, values, wanted), [f"index {ix.name} ({note})"], index=ix.name)
    props = schema.properties(name)
    conds: list[str] = []
    args: list[Any] = []
    pushed: list[str] = []
    for item in items:
        frag = _pushdown(item, props, ctx)
        if frag is not None:
            conds.append(frag[0])
            args.extend(frag[1])
            pushed.append(frag[2])
    class_marks = ",".join("?" * len(names))
    ranges = " OR ".join("rid BETWEEN ? AND ?" for _ in ids) or "0"
    range_args: list[int] = []
    for cid in ids:
        range_args.extend(cluster_range(cid))
    steps = [f"scan class {name} (clusters {', '.join(map(str, ids)) or 'none'})"]
    if pushed:
        steps.append("filter in SQLite: " + " AND ".join(pushed))
    order_sql = _order_pushdown(order_by, props)
    if order_sql is not None:
        sql = (f"{ROW_SQL} WHERE ({ranges}) AND cls IN ({class_marks})"
               + "".join(f" AND ({c})" for c in conds) + f" ORDER BY {order_sql}, rid")
        all_args = [*range_args, *names, *args]
        steps.append("sorted by SQLite")
        return Plan(lambda: _rows(ctx, db.conn.execute(sql, all_args), None), steps, ordered=True)
    extra = "".join(f" AND ({c})" for c in conds)

    def scan() -> Iterator[Record]:
        conn = db.conn
        for cid in ids:
            lo, hi = cluster_range(cid)
            cur = conn.execute(f"{ROW_SQL} WHERE rid BETWEEN ? AND ?{extra} ORDER BY rid", (lo, hi, *args))
            yield from _rows(ctx, cur, wanted)

    return Plan(scan, steps)


# --- indexes ---------------------------------------------------------------------------

def _choose_index(schema: Schema, class_name: str, items: list[ast.Expr],
                  ctx: Context) -> tuple[IndexDef, str, tuple[Any, ...], str] | None:
    """The best index for the AND-ed conditions: unique equality > equality > IN > range."""
    indexes = schema.indexes_on(class_name)
    if not indexes:
        return None
    best: tuple[int, IndexDef, str, tuple[Any, ...], str] | None = None
    for item in items:
        cand = _index_candidate(item, indexes, ctx)
        if cand is None:
            continue
        rank = cand[0]
        if best is None or rank < best[0]:
            best = cand
    return None if best is None else best[1:]  # type: ignore[return-value]


def _index_candidate(item: ast.Expr, indexes: list[IndexDef], ctx: Context):
    if isinstance(item, ast.Comparison):
        path = _simple_field(item.left)
        if path is None:
            return None
        ok, value = _constant(item.right, ctx)
        if not ok or value is None:
            return None
        fname = ".".join(path)
        for ix in indexes:
            first = ix.fields[0]
            if first.name.lower() != fname.lower():
                continue
            kind = ix.kind
            if kind == "FULLTEXT":
                if item.op == "CONTAINSTEXT" and isinstance(value, str) and " " not in value.strip():
                    return (3, ix, "=", (query_key(ix, 0, value.strip()),), f"{fname} CONTAINSTEXT")
                continue
            if item.op == "=" and not isinstance(value, (list, dict)):
                return (0 if ix.unique and len(ix.fields) == 1 else 1, ix, "=", (_key(ix, value),), f"{fname} =")
            if item.op == "IN" and isinstance(value, list) and value:
                return (2, ix, "IN", tuple(_key(ix, v) for v in value), f"{fname} IN")
            if item.op == "CONTAINS" and not isinstance(value, (list, dict)):
                return (2, ix, "=", (_key(ix, value),), f"{fname} CONTAINS")
            if item.op in ("<", "<=", ">", ">=") and _rangeable(value):
                return (4, ix, item.op, (_key(ix, value),), f"{fname} {item.op}")
    if isinstance(item, ast.Between):
        path = _simple_field(item.expr)
        if path is None:
            return None
        ok1, lo = _constant(item.low, ctx)
        ok2, hi = _constant(item.high, ctx)
        if not (ok1 and ok2) or not _rangeable(lo) or not _rangeable(hi):
            return None
        fname = ".".join(path)
        for ix in indexes:
            if ix.fields[0].name.lower() == fname.lower() and ix.kind != "FULLTEXT":
                return (4, ix, "BETWEEN", (_key(ix, lo), _key(ix, hi)), f"{fname} BETWEEN")
    return None


def _rangeable(v: Any) -> bool:
    return isinstance(v, (int, float, Decimal, str, _dt.date)) and not isinstance(v, bool)


def _key(ix: IndexDef, value: Any) -> Any:
    """A query constant converted like the indexed property's values."""
    ktype = ix.key_types[0] if ix.key_types else None
    if ktype in ("DATETIME", "DATE") and isinstance(value, str):
        d = as_datetime(value)
        if d is not None:
            value = d.date() if ktype == "DATE" else d
    elif ktype in ("INTEGER", "LONG", "SHORT", "BYTE", "DOUBLE", "FLOAT", "DECIMAL") and isinstance(value, str):
        n = as_number(value)
        if n is not None:
            value = n
    elif ktype == "LINK" and isinstance(value, str):
        try:
            value = RID.parse(value)
        except Exception:
            pass
    elif ktype == "STRING" and isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    return query_key(ix, 0, value)


def _index_rows(ctx: Context, ix: IndexDef, op: str, values: tuple[Any, ...], wanted: set[str]) -> Iterator[Record]:
    db = ctx.db
    keys = sorted(set(db.index_lookup(ix, op, values)))
    conn = db.conn
    for i in range(0, len(keys), 500):
        chunk = keys[i:i + 500]
        marks = ",".join("?" * len(chunk))
        yield from _rows(ctx, conn.execute(f"{ROW_SQL} WHERE rid IN ({marks}) ORDER BY rid", chunk), wanted)


def _index_entries(ctx: Context, name: str) -> Iterator[Document]:
    db = ctx.db
    ix = db.schema.index(name)
    db.check_permission("database.class", ix.class_name, READ)
    cols = ", ".join(f"k{i}" for i in range(len(ix.fields)))
    for row in db.conn.execute(f'SELECT {cols}, rid FROM "{ix.table}" ORDER BY {cols}, rid'):
        key = row[0] if len(ix.fields) == 1 else list(row[:-1])
        yield Document(None, {"key": key, "rid": RID.from_key(row[-1])})


def _metadata(ctx: Context, name: str) -> Iterator[Document]:
    """``metadata:schema`` / ``indexmanager`` / ``database``, with OrientDB's field names.

    Complete enough to rebuild the schema from a query (remote clients do).
    """
    schema = ctx.db.schema
    low = name.lower()
    if low == "schema":
        yield Document(None, {"version": schema.version,
                              "blobClusters": [c.id for c in schema.clusters if c.blob],
                              "classes": [_class_document(c) for c in schema.classes]})
        return
    if low == "indexmanager":
        yield Document(None, {"indexes": [_index_document(ix) for ix in schema.indexes]})
        return
    if low == "database":
        yield Document(None, {"name": ctx.db.name, "clusters": len(schema.clusters)})
        return
    raise QueryError(f"unknown metadata target '{name}' (valid: schema, indexmanager, database)")


def _class_document(c: Any) -> Document:
    return Document(None, {
        "name": c.name, "shortName": c.short_name, "description": c.description,
        "superClass": c.superclasses[0] if c.superclasses else None, "superClasses": list(c.superclasses),
        "clusterIds": list(c.cluster_ids), "defaultClusterId": c.default_cluster_id,
        "clusterSelection": c.cluster_selection, "abstract": c.abstract, "strictMode": c.strict,
        "overSize": c.oversize, "customFields": dict(c.custom) or None,
        "properties": [Document(None, {
            "name": p.name, "type": p.type.name, "linkedClass": p.linked_class,
            "linkedType": p.linked_type.name if p.linked_type else None, "mandatory": p.mandatory,
            "readonly": p.readonly, "notNull": p.not_null, "min": p.min, "max": p.max, "regexp": p.regexp,
            "defaultValue": p.default, "collate": p.collate, "description": p.description,
            "customFields": dict(p.custom) or None}) for p in c.properties],
    })


def _index_document(ix: IndexDef) -> Document:
    return Document(None, {
        "name": ix.name, "type": ix.type, "className": ix.class_name, "fields": [f.name for f in ix.fields],
        "collates": [f.collate for f in ix.fields], "mapIndexBy": [f.by for f in ix.fields],
        "keyTypes": list(ix.key_types), "nullValuesIgnored": ix.ignore_nulls, "algorithm": ix.algorithm,
        "metadata": dict(ix.metadata) or None,
    })


# --- push-down ----------------------------------------------------------------------------

def json_path(path: tuple[str, ...]) -> str:
    parts = []
    for p in path:
        parts.append('"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return "$." + ".".join(parts)


def _sql_literal_path(path: tuple[str, ...]) -> str:
    return "'" + json_path(path).replace("'", "''") + "'"


def _stored(value: Any, ptype: OType | None) -> tuple[Any, str] | None:
    """A constant as stored JSON holds it, with the json_type it must have."""
    if isinstance(value, bool):
        return None
    if ptype in (OType.DATETIME, OType.DATE):
        d = as_datetime(value)
        if d is None:
            return None
        return (date_to_ms(d.date()) if ptype is OType.DATE else datetime_to_ms(d)), "num"
    if isinstance(value, (_dt.datetime, _dt.date)):
        return None
    if isinstance(value, RID):
        return (str(value), "text") if ptype is OType.LINK else None
    if isinstance(value, (int, float)) and (ptype is None or ptype in _NUMERIC):
        return value, "num"
    if isinstance(value, Decimal) and (ptype is None or ptype in _NUMERIC):
        return float(value), "num"
    if isinstance(value, str) and (ptype is None or ptype is OType.STRING):
        return value, "text"
    if isinstance(value, str) and ptype in _NUMERIC:
        n = as_number(value)
        return None if n is None else (float(n) if isinstance(n, Decimal) else n, "num")
    return None


_JSON_TYPES = {"num": "('integer','real')", "text": "('text')"}


def _through(path: tuple[str, ...]) -> str:
    """For ``a.b.c``: rows whose ``a`` or ``a.b`` is not an embedded object are kept too,
    since the path then goes through a link or a list, which SQLite cannot follow."""
    return "".join(f" OR json_type(CAST(data AS TEXT), {_sql_literal_path(path[:i])}) IS NOT 'object'"
                   for i in range(1, len(path)))


def _pushdown(item: ast.Expr, props: dict, ctx: Context) -> tuple[str, list[Any], str] | None:
    """A SQLite condition keeping every record for which ``item`` may hold."""
    if isinstance(item, ast.Comparison):
        path = _simple_field(item.left)
        if path is None or item.op not in ("=", "<", "<=", ">", ">=", "IN", "LIKE"):
            return None
        prop = props.get(path[0].lower()) if len(path) == 1 else None
        if prop is not None and prop.collate == "ci":
            return None
        ptype = prop.type if prop is not None else None
        ok, value = _constant(item.right, ctx)
        if not ok or value is None:
            return None
        jp = _sql_literal_path(path)
        extract = f"json_extract(CAST(data AS TEXT), {jp})"
        jtype = f"json_type(CAST(data AS TEXT), {jp})"
        through = _through(path)
        if item.op == "IN":
            if not isinstance(value, list) or not value or len(value) > 500:
                return None
            conv = [_stored(v, ptype) for v in value]
            if any(c is None for c in conv) or len({c[1] for c in conv}) != 1:  # type: ignore[index]
                return None
            kind = conv[0][1]  # type: ignore[index]
            marks = ",".join("?" * len(conv))
            return (f"{extract} IN ({marks}) OR {jtype} NOT IN {_JSON_TYPES[kind]}{through}",
                    [c[0] for c in conv], f"{'.'.join(path)} IN (...)")  # type: ignore[index]
        conv1 = _stored(value, ptype)
        if conv1 is None:
            return None
        stored, kind = conv1
        if item.op == "LIKE":
            if kind != "text":
                return None
            return (f"{extract} GLOB ? OR {jtype} NOT IN {_JSON_TYPES[kind]}{through}", [_like_to_glob(stored)],
                    f"{'.'.join(path)} LIKE {stored!r}")
        return (f"{extract} {item.op} ? OR {jtype} NOT IN {_JSON_TYPES[kind]}{through}", [stored],
                f"{'.'.join(path)} {item.op} {stored!r}")
    if isinstance(item, ast.IsNull):
        path = _simple_field(item.expr)
        if path is None:
            return None
        jp = _sql_literal_path(path)
        if item.negated:
            return (f"json_extract(CAST(data AS TEXT), {jp}) IS NOT NULL{_through(path)}", [],
                    f"{'.'.join(path)} IS NOT NULL")
        return (f"json_extract(CAST(data AS TEXT), {jp}) IS NULL", [], f"{'.'.join(path)} IS NULL")
    if isinstance(item, ast.Between):
        lo = _pushdown(ast.Comparison(">=", item.expr, item.low), props, ctx)
        hi = _pushdown(ast.Comparison("<=", item.expr, item.high), props, ctx)
        if lo is None or hi is None:
            return None
        return (f"({lo[0]}) AND ({hi[0]})", lo[1] + hi[1], f"{lo[2]} AND {hi[2]}")
    if isinstance(item, ast.Or):
        parts = [_pushdown(i, props, ctx) for i in item.items]
        if any(p is None for p in parts):
            return None
        return (" OR ".join(f"({p[0]})" for p in parts),  # type: ignore[index]
                [a for p in parts for a in p[1]], " OR ".join(p[2] for p in parts))  # type: ignore[index]
    if isinstance(item, ast.And):
        parts = [_pushdown(i, props, ctx) for i in item.items]
        kept = [p for p in parts if p is not None]
        if not kept:
            return None
        return (" AND ".join(f"({p[0]})" for p in kept), [a for p in kept for a in p[1]],
                " AND ".join(p[2] for p in kept))
    return None


def _like_to_glob(pattern: str) -> str:
    out = []
    for ch in pattern:
        if ch == "%":
            out.append("*")
        elif ch == "?":
            out.append("?")
        elif ch in "*[]":
            out.append(f"[{ch}]")
        else:
            out.append(ch)
    return "".join(out)


def _order_pushdown(order_by: tuple[ast.OrderItem, ...], props: dict) -> str | None:
    """ORDER BY of plain declared scalar properties, done by SQLite."""
    if not order_by:
        return None
    parts = []
    for item in order_by:
        path = _simple_field(item.expr)
        if path is None or len(path) != 1:
            return None
        prop = props.get(path[0].lower())
        if prop is None or prop.collate == "ci" or prop.type not in (_NUMERIC | {OType.STRING, OType.DATETIME, OType.DATE}):
            return None
        parts.append(f"json_extract(CAST(data AS TEXT), {_sql_literal_path(path)}) {'DESC' if item.descending else 'ASC'}")
    return ", ".join(parts)
