"""Evaluation context: the database, parameters, variables and the current record."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from console import ast
from console.engine.document import Blob, Document, Record
from console.engine.rid import RID
from console.errors import QueryError

if TYPE_CHECKING:
    from console.engine.database import EmbeddedDatabase

_MISSING = object()


class Context:
    """What an expression can see while it is evaluated."""

    __slots__ = ("db", "params", "vars", "parent", "record", "_cache", "aggregates")

    def __init__(self, db: "EmbeddedDatabase", params: Any = None, parent: "Context | None" = None) -> None:
        self.db = db
        self.params = params
        self.vars: dict[str, Any] = {}
        self.parent = parent
        self.record: Any = None
        self._cache: dict[RID, Record | None] = parent._cache if parent is not None else {}
        self.aggregates: dict[int, Any] | None = None

    def child(self, record: Any = None) -> "Context":
        """A nested context (subqueries, LET): sees the parent's variables."""
        c = Context(self.db, self.params, self)
        c.record = record
        return c

    def with_record(self, record: Any) -> "Context":
        """The same context looking at another record (variables shared)."""
        c = Context.__new__(Context)
        c.db, c.params, c.vars, c.parent = self.db, self.params, self.vars, self.parent
        c._cache, c.aggregates = self._cache, self.aggregates
        c.record = record
        return c

    def load(self, rid: RID) -> Record | None:
        """Load a record once per statement (links are followed often)."""
        rec = self._cache.get(rid, _MISSING)
        if rec is _MISSING:
            rec = self.db.load(rid) if rid.is_persistent else None
            if len(self._cache) > 10000:
                self._cache.clear()
            self._cache[rid] = rec
        return rec  # type: ignore[return-value]

    def forget(self, rid: RID) -> None:
        self._cache.pop(rid, None)

    def param(self, p: ast.Param) -> Any:
        params = self.params
        if p.name is not None:
            if isinstance(params, dict) and p.name in params:
                return params[p.name]
            raise QueryError(f"no value given for parameter :{p.name}")
        if isinstance(params, dict):
            key = p.index if p.index in params else str(p.index)
            if key in params:
                return params[key]
        elif isinstance(params, (list, tuple)) and p.index is not None and p.index < len(params):
            return params[p.index]
        raise QueryError(f"no value given for parameter #{(p.index or 0) + 1} (?)")

    def variable(self, name: str) -> Any:
        low = name.lower()
        if low in ("depth", "path") and low not in self.vars:
            rec = self.record
            if hasattr(rec, "depth") and getattr(rec, "path", None) is not None:
                return rec.depth if low == "depth" else [str(r) for r in rec.path]
        ctx: Context | None = self
        while ctx is not None:
            if low in ctx.vars:
                return ctx.vars[low]
            if low == "current":
                return ctx.record
            if low == "parent":
                return ctx.parent
            ctx = ctx.parent
        if low in ("current", "this"):
            return self.record
        return None

    def deref(self, value: Any) -> Any:
        """A RID as its record (other values unchanged)."""
        if isinstance(value, RID):
            return self.load(value)
        return value


def record_attribute(record: Any, name: str) -> Any:
    """``@rid``, ``@class``, ``@version``, ``@type``, ``@size``, ``@this``, ``@fields``."""
    if name == "this":
        return record
    if isinstance(record, Document):
        if name == "rid":
            return record.rid
        if name == "class":
            return record.class_name
        if name == "version":
            return record.version
        if name == "type":
            return "d"
        if name == "size":
            return len(record.fields)
        if name == "fields":
            return list(record.fields)
        if name == "raw":
            from console.engine.codec import encode_body

            return encode_body(record.fields, record.types).decode()
    if isinstance(record, Blob):
        return {"rid": record.rid, "version": record.version, "type": "b", "size": len(record.data),
                "class": None}.get(name)
    if isinstance(record, dict):
        return record.get("@" + name)
    return None
