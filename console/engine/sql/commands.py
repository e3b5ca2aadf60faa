"""Statements that change data or schema: INSERT, UPDATE, DELETE, graph and DDL."""

from __future__ import annotations

import itertools
import time
from typing import Any, Callable, Iterable, Iterator

from console import ast
from console.engine.document import Blob, Document
from console.engine.graph import check_link_bags, is_link_bag
from console.engine.rid import RID
from console.engine.sql import fieldpath, sequences
from console.engine.sql import values as V
from console.engine.sql.context import Context
from console.engine.sql.evaluate import arithmetic, condition, evaluate
from console.engine.sql.planner import and_items, plan_target
from console.engine.sql.query import _int_value, project, run_query
from console.engine.sql.result import Result
from console.engine.sql.text import expr_text
from console.engine.types import LETTER_TYPES, OType
from console.engine.validation import short_value
from console.errors import QueryError, SchemaError, ValidationError


def execute_statement(stmt: ast.Statement, ctx: Context) -> Result:
    """Run one parsed SQL statement."""
    handler = _HANDLERS.get(type(stmt))
    if handler is None:
        raise QueryError(f"'{type(stmt).__name__}' is a console command, not SQL: run it in the console")
    return handler(stmt, ctx)


# --- values from expressions -----------------------------------------------------

def _plain(value: Any) -> Any:
    """Evaluated SQL values as engine values (JSON-like maps with @class, @type or
    @fieldTypes become documents)."""
    if isinstance(value, dict) and not isinstance(value, Document):
        if "@class" in value or "@type" in value or "@fieldTypes" in value:
            return Document(*_document_parts(value))
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (Document, Blob)) and value.rid is not None:
        return value.rid
    return value


def _typed(expr: ast.Expr) -> OType | None:
    """The type a literal spells (5L, 1.5f, 2.5c) when it differs from the default."""
    if isinstance(expr, ast.Literal) and expr.otype in (OType.LONG, OType.SHORT, OType.BYTE, OType.FLOAT,
                                                        OType.DECIMAL):
        return expr.otype
    return None


def _assignments(assignments: Iterable[ast.Assignment], ctx: Context) -> tuple[dict[str, Any], dict[str, OType]]:
    """Fields and explicit types of INSERT/CREATE ... SET a = 1, b.c = 2, tags[0] = 'x'."""
    doc = Document()
    _set(doc, assignments, ctx.with_record(doc))  # each item sees the ones before it
    return doc.fields, doc.types


def _set(doc: Document, assignments: Iterable[ast.Assignment], ctx: Context) -> None:
    for a in assignments:
        value = _plain(evaluate(a.value, ctx)) if a.value is not None else None
        if len(a.path) == 1:
            doc.set(a.path[0], value, _typed(a.value) if a.value is not None else None)
        else:
            _at(doc, a.path, ctx, lambda old: value)


def _at(doc: Document, path: tuple[Any, ...], ctx: Context, change: Any) -> None:
    """Apply ``change(old value)`` at a field path of ``doc`` (see ``fieldpath.update``)."""
    fieldpath.update(doc, fieldpath.resolve(path, ctx), change, fieldpath.text(path))


def _document_parts(value: dict[Any, Any]) -> tuple[str | None, dict[str, Any], dict[str, OType]]:
    """Class, fields and explicit types of a JSON-like document such as
    ``{"@class": "P", "n": 5, "@fieldTypes": "n=l"}`` (types as OrientDB's letters)."""
    fields = {k: _plain(v) for k, v in value.items() if not str(k).startswith("@")}
    return value.get("@class"), fields, _field_types(value.get("@fieldTypes"), fields)


def _field_types(spec: Any, fields: dict[str, Any]) -> dict[str, OType]:
    """The types an ``@fieldTypes`` string (``"n=l,at=t"``) gives to ``fields``."""
    if spec is None:
        return {}
    if not isinstance(spec, str):
        raise QueryError(f"@fieldTypes must be a string such as \"n=l,at=t\"")
    types: dict[str, OType] = {}
    for part in spec.split(","):
        name, _, letter = part.strip().rpartition("=")
        otype = LETTER_TYPES.get(letter)
        if not name or otype is None:
            raise QueryError(f"@fieldTypes: '{part.strip()}' is not <field>=<type letter> "
                             f"(letters: {', '.join(LETTER_TYPES)})")
        if name in fields:
            if otype is OType.BINARY and not isinstance(fields[name], (str, bytes)):
                otype = OType.BYTE  # 'b' is BYTE for a number, BINARY for base64 text
            types[name] = otype
    return types


def _content(expr: ast.Expr, ctx: Context) -> tuple[str | None, dict[str, Any], dict[str, OType]]:
    """Class, fields and explicit types of a CONTENT / MERGE document."""
    return _content_parts(evaluate(expr, ctx))


def _content_parts(value: Any) -> tuple[str | None, dict[str, Any], dict[str, OType]]:
    if isinstance(value, Document):
        return value.class_name, dict(value.fields), dict(value.types)
    if not isinstance(value, dict):
        raise QueryError(f"CONTENT needs a JSON object, not {short_value(value)}")
    return _document_parts(value)


def _target_rids(target: ast.Target | None, ctx: Context) -> list[RID]:
    """RIDs named by a FROM/TO target of CREATE EDGE and friends."""
    if target is None:
        return []
    if isinstance(target, ast.RidTarget):
        return list(target.rids)
    if isinstance(target, ast.ParamTarget):
        return _as_rids(ctx.param(target.param))
    if isinstance(target, ast.VariableTarget):
        return _as_rids(ctx.variable(target.name))
    return _as_rids(list(plan_target(target, None, ctx).rows()))


def _as_rids(value: Any) -> list[RID]:
    items = value if isinstance(value, (list, tuple)) and not isinstance(value, RID) else [value]
    out = []
    for item in items:
        if isinstance(item, Document) and item.rid is None and len(item.fields) == 1:
            item = next(iter(item.fields.values()))
        rid = V.as_rid(item)
        if rid is None:
            raise QueryError(f"{short_value(item)} is not a record")
        out.append(rid)
    return out


def _matching(target: ast.Target, where: ast.Expr | None, limit: ast.Expr | None, ctx: Context) -> list[Any]:
    """Records a write statement applies to, collected before anything changes."""
    n = _int_value(limit, ctx, "LIMIT")
    plan = plan_target(target, where, ctx)
    out = []
    for rec in plan.rows():
        if not isinstance(rec, (Document, Blob)) or rec.rid is None:
            continue
        if condition(where, ctx.with_record(rec)):
            out.append(rec)
            if n is not None and len(out) >= n:
                break
    return out


# --- queries --------------------------------------------------------------------

def _query(stmt: ast.Statement, ctx: Context) -> Result:
    return Result("rows", rows=run_query(stmt, ctx), statement=type(stmt).__name__.lower())


def _explain(stmt: ast.Explain, ctx: Context) -> Result:
    inner = stmt.statement
    steps: list[str]
    index = None
    if isinstance(inner, (ast.Select, ast.Update, ast.Delete)):
        target = inner.target
        plan = plan_target(target, inner.where, ctx, getattr(inner, "order_by", ()))
        steps = list(plan.steps)
        index = plan.index
        if inner.where is not None:
            steps.append(f"check WHERE {expr_text(inner.where)}")
        if isinstance(inner, ast.Select):
            if inner.group_by:
                steps.append("group and aggregate")
            if inner.order_by and not plan.ordered:
                steps.append("sort in memory")
            if inner.skip is not None or inner.limit is not None:
                steps.append("skip/limit")
    else:
        steps = [f"execute {type(inner).__name__}"]
    doc = Document(None, {"statement": type(inner).__name__.upper(), "index": index,
                          "plan": "\n".join(f"+ {s}" for s in steps)})
    return Result("rows", rows=[doc], statement="explain")


def _profile(stmt: ast.Profile, ctx: Context) -> Result:
    t0 = time.perf_counter()
    res = execute_statement(stmt.statement, ctx)
    rows = list(res.rows or [])
    elapsed = time.perf_counter() - t0
    doc = Document(None, {"statement": type(stmt.statement).__name__.upper(), "rows": len(rows),
                          "count": res.count, "elapsedMs": round(elapsed * 1000, 3)})
    return Result("rows", rows=[doc], statement="profile")


# --- INSERT / UPDATE / DELETE --------------------------------------------------------

def _content_rows(expr: ast.Expr, ctx: Context) -> list[tuple[str | None, dict[str, Any], dict[str, OType]]]:
    """The documents of INSERT ... CONTENT: one JSON object, or an array of them."""
    value = evaluate(expr, ctx)
    if not isinstance(value, list):
        return [_content_parts(value)]
    for i, item in enumerate(value):
        if not isinstance(item, (dict, Document)):
            raise QueryError(f"CONTENT array: item {i} is not a JSON object ({short_value(item)})")
    return [_content_parts(item) for item in value]


def _insert(stmt: ast.Insert, ctx: Context) -> Result:
    db = ctx.db
    schema = db.schema
    class_name: str | None = None
    cluster: str | int | None = stmt.cluster
    if isinstance(stmt.target, ast.ClassTarget):
        class_name = schema.cls(stmt.target.name).name
    elif isinstance(stmt.target, ast.ClusterTarget):
        cluster = stmt.target.clusters[0]
    else:
        raise QueryError("INSERT needs INTO <class> or INTO CLUSTER:<name>")
    if class_name and schema.is_edge_class(class_name):
        raise QueryError(f"{class_name} is an edge class: use CREATE EDGE {class_name} FROM ... TO ...")
    rows: list[tuple[str | None, dict[str, Any], dict[str, OType]]] = []
    if stmt.content is not None:
        rows.extend(_content_rows(stmt.content, ctx))
    elif stmt.rows:
        for values in stmt.rows:
            if len(values) != len(stmt.columns):
                raise QueryError(f"INSERT has {len(stmt.columns)} column(s) but a row of {len(values)} value(s)")
            fields = {c: _plain(evaluate(v, ctx)) for c, v in zip(stmt.columns, values)}
            types = {c: t for c, v in zip(stmt.columns, values) if (t := _typed(v)) is not None}
            rows.append((None, fields, types))
    elif stmt.query is not None:
        for rec in run_query(stmt.query, ctx.child()):
            if isinstance(rec, Document):
                rows.append((None, {k: _plain(v) for k, v in rec.fields.items()}, dict(rec.types)))
    else:
        fields, types = _assignments(stmt.assignments, ctx)
        rows.append((None, fields, types))
    created: list[Document] = []
    with db._write():
        for cls, fields, types in rows:
            name = class_name or cls
            if name and schema.is_edge_class(name):
                raise QueryError(f"{name} is an edge class: use CREATE EDGE")
            if name:
                check_link_bags(schema, name, None, {}, fields)
            created.append(db.insert(name, fields, types=types, cluster=cluster))
    if stmt.returning is not None:
        out = [project((ast.Projection(stmt.returning),), ctx.with_record(d)) for d in created]
        return Result("records", rows=out, count=len(created), statement="insert")
    return Result("records", rows=created, count=len(created), statement="insert")


def _update(stmt: ast.Update, ctx: Context) -> Result:
    db = ctx.db
    with db._write():
        targets = _matching(stmt.target, stmt.where, stmt.limit, ctx)
        before: list[Any] = []
        after: list[Any] = []
        if not targets and stmt.upsert:
            if not isinstance(stmt.target, ast.ClassTarget):
                raise QueryError("UPSERT needs a class as target")
            fields = _upsert_fields(stmt.where, ctx)
            doc = Document(db.schema.cls(stmt.target.name).name, fields)
            if db.schema.is_edge_class(doc.class_name):  # type: ignore[arg-type]
                raise QueryError(f"{doc.class_name} is an edge class: UPSERT cannot create an edge, "
                                 f"use CREATE EDGE")
            _apply_clauses(doc, stmt.clauses, ctx.with_record(doc))
            check_link_bags(db.schema, doc.class_name, None, {}, doc.fields)  # type: ignore[arg-type]
            created = db.insert(doc.class_name, doc.fields, types=doc.types)
            after.append(created)
            count = 1
        else:
            count = 0
            for rec in targets:
                if not isinstance(rec, Document):
                    continue
                current = db.load(rec.rid)
                if not isinstance(current, Document):
                    continue
                if stmt.edge and not (current.class_name and db.schema.is_edge_class(current.class_name)):
                    raise QueryError(f"UPDATE EDGE: {current.rid} is not an edge "
                                     f"({current.class_name or 'a document without class'})")
                before.append(current.copy())
                doc = Document(current.class_name, dict(current.fields), dict(current.types), current.rid, current.version)
                # the clauses read the record as they change it, each seeing the ones before
                _apply_clauses(doc, stmt.clauses, ctx.with_record(doc))
                if current.class_name and db.schema.is_edge_class(current.class_name):
                    db.repoint_edge(current, doc)  # a new in/out moves the edge between vertices
                elif current.class_name:
                    check_link_bags(db.schema, current.class_name, current.rid, current.fields, doc.fields)
                saved = db.update(doc)
                ctx.forget(saved.rid)  # type: ignore[arg-type]
                after.append(saved)
                count += 1
    mode = (stmt.return_mode or "").upper()
    if mode in ("BEFORE", "AFTER"):
        rows = before if mode == "BEFORE" else after
        if stmt.returns:
            rows = [project(stmt.returns, ctx.with_record(r)) for r in rows]
        return Result("records", rows=rows, count=count, statement="update")
    return Result("count", count=count, statement="update")


def _upsert_fields(where: ast.Expr | None, ctx: Context) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for item in and_items(where):
        if isinstance(item, ast.Comparison) and item.op == "=" and isinstance(item.left, ast.Field) \
                and len(item.left.path) == 1:
            fields[item.left.path[0]] = _plain(evaluate(item.right, ctx))
    return fields


def _apply_clauses(doc: Document, clauses: Iterable[ast.UpdateClause], ctx: Context) -> None:
    for clause in clauses:
        if isinstance(clause, ast.SetClause):
            _set(doc, clause.assignments, ctx)
        elif isinstance(clause, ast.IncrementClause):
            for a in clause.assignments:
                by = evaluate(a.value, ctx) if a.value is not None else 1
                _at(doc, a.path, ctx, lambda old, by=by, a=a: _incremented(old, by, a.path))
        elif isinstance(clause, ast.AddClause):
            for a in clause.assignments:
                value = _plain(evaluate(a.value, ctx)) if a.value is not None else None
                _at(doc, a.path, ctx, lambda old, value=value, a=a: _added(old, value, a.path))
        elif isinstance(clause, ast.RemoveClause):
            for a in clause.items:
                if a.value is None:
                    _at(doc, a.path, ctx, lambda old: fieldpath.MISSING)
                else:
                    value = _plain(evaluate(a.value, ctx))
                    _at(doc, a.path, ctx, lambda old, value=value: _without(old, value))
        elif isinstance(clause, ast.PutClause):
            for p in clause.items:
                key, value = str(evaluate(p.key, ctx)), _plain(evaluate(p.value, ctx))
                _at(doc, p.path, ctx, lambda old, key=key, value=value, p=p: _put(old, key, value, p.path))
        elif isinstance(clause, ast.MergeClause):
            _, fields, types = _content(clause.value, ctx)
            for k, v in fields.items():
                doc.set(k, v, types.get(k))
        elif isinstance(clause, ast.ContentClause):
            cls, fields, types = _content(clause.value, ctx)
            schema = ctx.db.schema
            edge = bool(doc.class_name) and schema.is_edge_class(doc.class_name)  # type: ignore[arg-type]
            keep = {k: v for k, v in doc.fields.items()
                    if (edge and k in ("in", "out")) or (not edge and is_link_bag(schema, k))}
            doc.fields.clear()
            doc.types = {k: t for k, t in doc.types.items() if k in keep}
            doc.types.update(types)
            doc.fields.update(keep)
            doc.fields.update(fields)
        else:
            raise QueryError(f"unsupported update clause {type(clause).__name__}")


def _incremented(old: Any, by: Any, path: tuple[Any, ...]) -> Any:
    """INCREMENT: a number plus ``by`` (a missing or null value counts as 0)."""
    if not V.is_number(by):
        raise QueryError(f"INCREMENT {fieldpath.text(path)}: {short_value(by)} is not a number")
    if old is None or old is fieldpath.MISSING:
        return by
    if not V.is_number(old):
        raise QueryError(f"INCREMENT {fieldpath.text(path)}: its value {short_value(old)} is not a number")
    return arithmetic("+", old, by)


def _added(old: Any, value: Any, path: tuple[Any, ...]) -> list[Any]:
    """ADD: the collection with the value (or the values of a list) appended."""
    if old is None or old is fieldpath.MISSING:
        items = []
    elif isinstance(old, list):
        items = list(old)
    else:
        raise QueryError(f"ADD {fieldpath.text(path)}: its value {short_value(old)} is not a list or set")
    items.extend(value if isinstance(value, list) else [value])
    return items


def _without(old: Any, value: Any) -> Any:
    """REMOVE path = value: a list without those items, a map without those keys."""
    gone = value if isinstance(value, list) else [value]
    if isinstance(old, list):
        return [x for x in old if not any(V.equals(x, g) for g in gone)]
    if isinstance(old, dict):
        keys = {str(g) for g in gone}
        return {k: v for k, v in old.items() if k not in keys}
    return old


def _put(old: Any, key: str, value: Any, path: tuple[Any, ...]) -> dict[str, Any]:
    if old in (None, fieldpath.MISSING):
        return {key: value}
    if not isinstance(old, dict):
        raise QueryError(f"PUT needs a map, but '{fieldpath.text(path)}' is not one")
    return {**old, key: value}


def _delete(stmt: ast.Delete, ctx: Context) -> Result:
    db = ctx.db
    with db._write():
        targets = _matching(stmt.target, stmt.where, stmt.limit, ctx)
        if not stmt.unsafe:
            _refuse_graph_records(targets, db.schema)
        deleted = []
        for rec in targets:
            if db.delete(rec.rid):
                deleted.append(rec)
                ctx.forget(rec.rid)
    if stmt.return_before:
        return Result("records", rows=deleted, count=len(deleted), statement="delete")
    return Result("count", count=len(deleted), statement="delete")


def _refuse_graph_records(records: list[Any], schema: Any) -> None:
    """DELETE FROM leaves vertices and edges to DELETE VERTEX / DELETE EDGE (or UNSAFE), as OrientDB does."""
    for rec in records:
        cls = getattr(rec, "class_name", None)
        kind = cls and ("vertex" if schema.is_vertex_class(cls) else "edge" if schema.is_edge_class(cls) else None)
        if kind:
            raise QueryError(f"cannot safely delete {kind} {rec.rid} ({cls}) with DELETE FROM: "
                             f"use DELETE {kind.upper()}, or add UNSAFE")


# --- graph -------------------------------------------------------------------------------

def _create_vertex(stmt: ast.CreateVertex, ctx: Context) -> Result:
    db = ctx.db
    class_name = stmt.class_name or "V"
    if stmt.content is not None:
        _, fields, types = _content(stmt.content, ctx)
    else:
        fields, types = _assignments(stmt.assignments, ctx)
    if db.schema.has_class(class_name):
        check_link_bags(db.schema, db.schema.cls(class_name).name, None, {}, fields)
    doc = db.create_vertex(class_name, fields, types=types, cluster=stmt.cluster)
    return Result("records", rows=[doc], count=1, statement="create vertex")


def _create_edge(stmt: ast.CreateEdge, ctx: Context) -> Result:
    db = ctx.db
    class_name = stmt.class_name or "E"
    sources = _target_rids(stmt.from_, ctx)
    targets = _target_rids(stmt.to, ctx)
    if not sources or not targets:
        raise QueryError("CREATE EDGE: " + ("no source vertex found" if not sources else "no target vertex found"))
    if stmt.content is not None:
        _, fields, types = _content(stmt.content, ctx)
    else:
        fields, types = _assignments(stmt.assignments, ctx)
    edges = []
    with db._write():
        for s, t in itertools.product(sources, targets):
            edges.append(db.create_edge(class_name, s, t, dict(fields), types=types, cluster=stmt.cluster))
            ctx.forget(s)
            ctx.forget(t)
    return Result("records", rows=edges, count=len(edges), statement="create edge")


def _delete_vertex(stmt: ast.DeleteVertex, ctx: Context) -> Result:
    db = ctx.db
    target = stmt.target or ast.ClassTarget("V")
    with db._write():
        recs = _matching(target, stmt.where, stmt.limit, ctx)
        n = 0
        for rec in recs:
            if not isinstance(rec, Document) or not rec.class_name or not db.schema.is_vertex_class(rec.class_name):
                raise ValidationError(f"record {rec.rid} is not a vertex")
            if db.delete(rec.rid):
                n += 1
    return Result("count", count=n, statement="delete vertex")


def _delete_edge(stmt: ast.DeleteEdge, ctx: Context) -> Result:
    db = ctx.db
    with db._write():
        if stmt.rids:
            candidates: list[Any] = [r for r in (db.load(rid) for rid in stmt.rids) if r is not None]
        else:
            candidates = list(plan_target(ast.ClassTarget(stmt.class_name or "E"), stmt.where, ctx).rows())
        sources = set(_target_rids(stmt.from_, ctx)) if stmt.from_ is not None else None
        targets = set(_target_rids(stmt.to, ctx)) if stmt.to is not None else None
        limit = _int_value(stmt.limit, ctx, "LIMIT")
        n = 0
        for rec in candidates:
            if not isinstance(rec, Document) or not rec.class_name or not db.schema.is_edge_class(rec.class_name):
                raise ValidationError(f"record {rec.rid} is not an edge")
            if stmt.class_name and not db.schema.is_subclass(rec.class_name, stmt.class_name):
                continue
            if sources is not None and rec.fields.get("out") not in sources:
                continue
            if targets is not None and rec.fields.get("in") not in targets:
                continue
            if not condition(stmt.where, ctx.with_record(rec)):
                continue
            if db.delete(rec.rid):
                n += 1
            if limit is not None and n >= limit:
                break
    return Result("count", count=n, statement="delete edge")


# --- schema --------------------------------------------------------------------------------

def _word(expr: ast.Expr | None, ctx: Context) -> Any:
    if expr is None:
        return None
    if isinstance(expr, ast.Field):
        return ".".join(expr.path)
    return evaluate(expr, ctx)


def _create_class(stmt: ast.CreateClass, ctx: Context) -> Result:
    db = ctx.db
    existed = db.schema.has_class(stmt.name)
    db.create_class(stmt.name, stmt.superclasses, clusters=stmt.clusters,
                    cluster_ids=stmt.cluster_ids or None, abstract=stmt.abstract, if_not_exists=stmt.if_not_exists)
    n = len(db.schema.classes)
    msg = (f"Class {stmt.name} already exists." if existed
           else f"Class created successfully. Total classes in database now: {n}.")
    return Result("value", value=n, message=msg, statement="create class")


def _alter_class(stmt: ast.AlterClass, ctx: Context) -> Result:
    raw = stmt.raw
    if stmt.key is not None:
        raw = f"{stmt.key}={raw}"
    ctx.db.alter_class(stmt.name, stmt.attribute, raw)
    return Result("value", value=None, message="Class updated successfully.", statement="alter class")


def _drop_class(stmt: ast.DropClass, ctx: Context) -> Result:
    dropped = ctx.db.drop_class(stmt.name, if_exists=stmt.if_exists, unsafe=stmt.unsafe)
    return Result("value", value=dropped, message="Class dropped successfully." if dropped
                  else f"Class {stmt.name} does not exist.", statement="drop class")


def _create_property(stmt: ast.CreateProperty, ctx: Context) -> Result:
    db = ctx.db
    constraints: dict[str, Any] = {}
    for key, expr in stmt.constraints:
        k = key.lower().replace("_", "")
        value = True if expr is None else _word(expr, ctx)
        constraints[{"notnull": "not_null"}.get(k, k)] = value
    linked_class = linked_type = None
    if stmt.linked:
        try:
            linked_type = OType.parse(stmt.linked) if not db.schema.has_class(stmt.linked) else None
        except Exception:
            linked_type = None
        if linked_type is None:
            linked_class = stmt.linked
    otype = OType.parse(stmt.type)
    if linked_type is not None and otype.is_link:
        raise SchemaError(f"a linked type makes no sense for type {otype.name}; name a class instead")
    prop = db.create_property(stmt.class_name, stmt.name, otype, linked_class=linked_class,
                              linked_type=linked_type, if_not_exists=stmt.if_not_exists, **constraints)
    n = len(db.schema.properties(stmt.class_name))
    return Result("value", value=n, message=f"Property {stmt.class_name}.{prop.name} created successfully.",
                  statement="create property")


def _alter_property(stmt: ast.AlterProperty, ctx: Context) -> Result:
    raw = stmt.raw if stmt.key is None else f"{stmt.key}={stmt.raw}"
    ctx.db.alter_property(stmt.class_name, stmt.name, stmt.attribute, raw)
    return Result("value", value=None, message="Property updated successfully.", statement="alter property")


def _drop_property(stmt: ast.DropProperty, ctx: Context) -> Result:
    done = ctx.db.drop_property(stmt.class_name, stmt.name, if_exists=stmt.if_exists, force=stmt.force)
    return Result("value", value=done, message="Property dropped successfully." if done
                  else "Property does not exist.", statement="drop property")


def _create_index(stmt: ast.CreateIndex, ctx: Context) -> Result:
    db = ctx.db
    name = stmt.name
    class_name = stmt.class_name
    fields: list[Any]
    if class_name is None:
        if "." not in name:
            raise QueryError(f"CREATE INDEX {name}: give ON <Class> (<properties>) or name it <Class>.<property>")
        class_name, _, prop = name.partition(".")
        fields = [prop]
    else:
        fields = []
        for f in stmt.fields:
            fname = f.name if not f.by else f"{f.name} by {f.by.lower()}"
            fields.append((fname, f.collate.lower()) if f.collate else fname)
    metadata = None
    if stmt.metadata is not None:
        metadata = evaluate(stmt.metadata, ctx)
    ix = db.create_index(name, class_name, fields, stmt.type, metadata=metadata, key_types=stmt.key_types,
                         algorithm=stmt.engine)
    n = db.index_size(ix.name)
    return Result("value", value=n, message=f"Index {ix.name} created successfully with {n} entries.",
                  statement="create index")


def _drop_index(stmt: ast.DropIndex, ctx: Context) -> Result:
    done = ctx.db.drop_index(stmt.name, if_exists=stmt.if_exists)
    return Result("value", value=done, message="Index dropped successfully." if done else "Index does not exist.",
                  statement="drop index")


def _rebuild_index(stmt: ast.RebuildIndex, ctx: Context) -> Result:
    n = ctx.db.rebuild_index(stmt.name)
    return Result("value", value=n, message=f"Index rebuilt successfully with {n} entries.", statement="rebuild index")


def _create_cluster(stmt: ast.CreateCluster, ctx: Context) -> Result:
    cid = ctx.db.create_cluster(stmt.name, stmt.id, blob=stmt.blob)
    return Result("value", value=cid, message=f"Cluster created correctly with id #{cid}", statement="create cluster")


def _drop_cluster(stmt: ast.DropCluster, ctx: Context) -> Result:
    ctx.db.drop_cluster(stmt.name)
    return Result("value", value=True, message="Cluster dropped successfully.", statement="drop cluster")


def _alter_cluster(stmt: ast.AlterCluster, ctx: Context) -> Result:
    raise SchemaError(f"ALTER CLUSTER {stmt.attribute} is not supported by the embedded engine")


def _alter_database(stmt: ast.AlterDatabase, ctx: Context) -> Result:
    attr = stmt.attribute.upper()
    if attr == "MINIMUMCLUSTERS":
        n = V.as_number(_word(stmt.value, ctx))
        if not isinstance(n, int):
            raise SchemaError("MINIMUMCLUSTERS needs a whole number")
        ctx.db.set_minimum_clusters(n)
        return Result("value", value=n, message=f"Database updated: minimum clusters {n}.", statement="alter database")
    raise SchemaError(f"ALTER DATABASE {stmt.attribute} is not supported (supported: MINIMUMCLUSTERS)")


def _truncate_class(stmt: ast.TruncateClass, ctx: Context) -> Result:
    n = ctx.db.truncate_class(stmt.name, polymorphic=stmt.polymorphic, unsafe=stmt.unsafe)
    return Result("count", count=n, message=f"Truncated {n} record(s) of class {stmt.name}.", statement="truncate class")


def _truncate_cluster(stmt: ast.TruncateCluster, ctx: Context) -> Result:
    n = ctx.db.truncate_cluster(stmt.name)
    return Result("count", count=n, message=f"Truncated {n} record(s) of cluster {stmt.name}.", statement="truncate cluster")


def _truncate_record(stmt: ast.TruncateRecord, ctx: Context) -> Result:
    db = ctx.db
    n = 0
    with db._write():
        for rid in stmt.rids:
            if db.delete(rid):
                n += 1
    return Result("count", count=n, statement="truncate record")


def _begin(stmt: ast.Begin, ctx: Context) -> Result:
    ctx.db.begin()
    return Result("none", message="Transaction started.", statement="begin")


def _commit(stmt: ast.Commit, ctx: Context) -> Result:
    ctx.db.commit()
    return Result("none", message="Transaction committed.", statement="commit")


def _rollback(stmt: ast.Rollback, ctx: Context) -> Result:
    ctx.db.rollback()
    return Result("none", message="Transaction rolled back.", statement="rollback")


_HANDLERS: dict[type, Callable[[Any, Context], Result]] = {
    ast.Select: _query,
    ast.Traverse: _query,
    ast.Match: _query,
    ast.Explain: _explain,
    ast.Profile: _profile,
    ast.Insert: _insert,
    ast.Update: _update,
    ast.Delete: _delete,
    ast.CreateVertex: _create_vertex,
    ast.CreateEdge: _create_edge,
    ast.DeleteVertex: _delete_vertex,
    ast.DeleteEdge: _delete_edge,
    ast.CreateClass: _create_class,
    ast.AlterClass: _alter_class,
    ast.DropClass: _drop_class,
    ast.CreateProperty: _create_property,
    ast.AlterProperty: _alter_property,
    ast.DropProperty: _drop_property,
    ast.CreateIndex: _create_index,
    ast.DropIndex: _drop_index,
    ast.RebuildIndex: _rebuild_index,
    ast.CreateCluster: _create_cluster,
    ast.DropCluster: _drop_cluster,
    ast.AlterCluster: _alter_cluster,
    ast.AlterDatabase: _alter_database,
    ast.TruncateClass: _truncate_class,
    ast.TruncateCluster: _truncate_cluster,
    ast.TruncateRecord: _truncate_record,
    ast.Begin: _begin,
    ast.Commit: _commit,
    ast.Rollback: _rollback,
}
_HANDLERS.update(sequences.HANDLERS)

QUERY_TYPES = (ast.Select, ast.Traverse, ast.Match, ast.Explain)


def is_query(stmt: ast.Statement) -> bool:
    return isinstance(stmt, QUERY_TYPES)


__all__ = ["execute_statement", "is_query", "Result", "Iterator"]
