"""Sequences: CREATE/ALTER/DROP SEQUENCE and ``sequence('name').next()``.

A sequence is a record of the system class OSequence (``name``, ``type``,
``value``, ``start``, ``incr``, ``cache``), as OrientDB stores it, so sequences
travel through EXPORT and IMPORT like any record. Names are case-insensitive.
Each ``next()`` updates the record inside the statement's transaction, so two
sessions never get the same value, and a value taken in a transaction that rolls
back is given again (no holes); like any write, it waits for another session's
open transaction. A CACHED sequence gives the same values as an ORDERED one here
(there is no cache to lose on a crash).
"""

from __future__ import annotations

from typing import Any, Callable

from console import ast
from console.engine.document import Document
from console.engine.sql.context import Context
from console.engine.sql.evaluate import evaluate
from console.engine.sql.result import Result
from console.engine.types import OType
from console.engine.validation import short_value
from console.errors import QueryError, SchemaError

CLASS = "OSequence"
_TYPES = {"value": OType.LONG, "start": OType.LONG, "incr": OType.INTEGER, "cache": OType.INTEGER}


class SequenceRef(str):
    """What ``sequence('name')`` gives: the sequence its methods act on (shown as its name)."""

    @property
    def name(self) -> str:
        return str(self)


def find(ctx: Context, name: str) -> Document | None:
    """The OSequence record of ``name`` (any case), or None; two records of one name
    (an IMPORT -merge=true, or an INSERT INTO OSequence) are an error, not a guess."""
    wanted = name.lower()
    found = [rec for rec in ctx.db.browse_class(CLASS)
             if isinstance(rec, Document) and str(rec.fields.get("name", "")).lower() == wanted]
    if len(found) > 1:
        raise QueryError(f"sequence '{name}' is defined {len(found)} times "
                         f"({', '.join(str(r.rid) for r in found)}): delete all but one from OSequence")
    return found[0] if found else None


def _number(expr: ast.Expr | None, ctx: Context, what: str, default: int | None, positive: bool = False) -> int | None:
    if expr is None:
        return default
    v = evaluate(expr, ctx)
    if isinstance(v, bool) or not isinstance(v, int):
        raise QueryError(f"sequence {what} must be a whole number, not {short_value(v)}")
    if positive and v <= 0:
        raise QueryError(f"sequence {what} must be above 0, not {v}")
    if not -(2 ** 63) <= v < 2 ** 63:
        raise QueryError(f"sequence {what} is out of range for a LONG: {v}")
    return v


def create(stmt: ast.CreateSequence, ctx: Context) -> Result:
    db = ctx.db
    with db._write():
        if find(ctx, stmt.name) is not None:
            if stmt.if_not_exists:
                return _done(False, f"Sequence {stmt.name} already exists.", "create")
            raise SchemaError(f"sequence '{stmt.name}' already exists")
        start = _number(stmt.start, ctx, "START", 0)
        fields = {"name": stmt.name, "type": stmt.type or "CACHED", "value": start, "start": start,
                  "incr": _number(stmt.increment, ctx, "INCREMENT", 1, positive=True),
                  "cache": _number(stmt.cache, ctx, "CACHE", 20, positive=True)}
        db.insert(CLASS, fields, types=_TYPES)
    return _done(True, f"Sequence {stmt.name} created successfully.", "create")


def alter(stmt: ast.AlterSequence, ctx: Context) -> Result:
    db = ctx.db
    with db._write():
        if stmt.start is None and stmt.increment is None and stmt.cache is None:
            raise QueryError("ALTER SEQUENCE needs START, INCREMENT or CACHE")
        rec = _existing(ctx, stmt.name)
        doc = rec.copy()
        if stmt.start is not None:  # as OrientDB: the value stays; reset() goes back to START
            doc.set("start", _number(stmt.start, ctx, "START", None), OType.LONG)
        if stmt.increment is not None:
            doc.set("incr", _number(stmt.increment, ctx, "INCREMENT", None, positive=True), OType.INTEGER)
        if stmt.cache is not None:
            doc.set("cache", _number(stmt.cache, ctx, "CACHE", None, positive=True), OType.INTEGER)
        db.update(doc)
    return _done(True, f"Sequence {stmt.name} altered successfully.", "alter")


def drop(stmt: ast.DropSequence, ctx: Context) -> Result:
    db = ctx.db
    with db._write():
        rec = find(ctx, stmt.name)
        if rec is None:
            if stmt.if_exists:
                return _done(False, f"Sequence {stmt.name} does not exist.", "drop")
            raise SchemaError(f"sequence '{stmt.name}' does not exist")
        assert rec.rid is not None
        db.delete(rec.rid)
    return _done(True, f"Sequence {stmt.name} dropped successfully.", "drop")


def _done(value: bool, message: str, verb: str) -> Result:
    return Result("value", value=value, message=message, statement=f"{verb} sequence")


def _existing(ctx: Context, name: str) -> Document:
    rec = find(ctx, name)
    if rec is None:
        raise QueryError(f"sequence '{name}' does not exist (CREATE SEQUENCE {name} first)")
    return rec


def _sequence(ctx: Context, name: Any = None) -> SequenceRef:
    if not isinstance(name, str):
        raise QueryError(f"sequence() needs the sequence's name, not {short_value(name)}")
    return SequenceRef(_existing(ctx, name).fields["name"])


def _step(ctx: Context, target: Any, what: str, change: Callable[[Document], int]) -> int:
    """Run ``change`` on the sequence record and store it; the new value."""
    if not isinstance(target, SequenceRef):
        raise QueryError(f".{what}() works on sequence('name'), not on {short_value(target)}")
    db = ctx.db
    with db._write():
        doc = _existing(ctx, target.name).copy()
        value = change(doc)
        if not -(2 ** 63) <= value < 2 ** 63:
            raise QueryError(f"sequence '{target.name}' is exhausted: {value} is beyond a LONG")
        doc.set("value", value, OType.LONG)
        db.update(doc)
        ctx.forget(doc.rid)  # type: ignore[arg-type]
    return value


def _next(ctx: Context, target: Any) -> int:
    return _step(ctx, target, "next", lambda d: int(d.fields.get("value") or 0) + int(d.fields.get("incr") or 1))


def _current(ctx: Context, target: Any) -> int:
    if not isinstance(target, SequenceRef):
        raise QueryError(f".current() works on sequence('name'), not on {short_value(target)}")
    return int(_existing(ctx, target.name).fields.get("value") or 0)


def _reset(ctx: Context, target: Any) -> int:
    return _step(ctx, target, "reset", lambda d: int(d.fields.get("start") or 0))


FUNCTIONS: dict[str, Callable[..., Any]] = {"sequence": _sequence}
METHODS: dict[str, Callable[..., Any]] = {"next": _next, "current": _current, "reset": _reset}
HANDLERS: dict[type, Callable[[Any, Context], Result]] = {
    ast.CreateSequence: create, ast.AlterSequence: alter, ast.DropSequence: drop,
}
