"""Vertices and edges kept consistent with their link bags.

A vertex keeps ``out_<Edge>`` / ``in_<Edge>`` link bags (``out_`` / ``in_`` for
the base class E); an edge keeps ``out`` and ``in`` links. Creating or
deleting an edge updates both vertices; deleting a vertex deletes its edges.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping

from console.engine import indexing
from console.engine.codec import decode_body, encode_body
from console.engine.document import Document
from console.engine.rid import RID
from console.engine.security import UPDATE
from console.engine.types import OType
from console.engine.validation import short_value
from console.errors import RecordNotFound, ValidationError

if TYPE_CHECKING:
    from console.engine.database import EmbeddedDatabase
    from console.engine.schema import Schema

OUT, IN = "out", "in"


def edge_field(direction: str, edge_class: str) -> str:
    """The vertex field holding edges of a class in one direction."""
    return f"{direction}_" if edge_class.upper() == "E" else f"{direction}_{edge_class}"


def edge_class_of_field(name: str) -> tuple[str, str] | None:
    """``("out", "Knows")`` for ``out_Knows``; None for other fields."""
    for direction in (OUT, IN):
        prefix = direction + "_"
        if name.startswith(prefix):
            return direction, name[len(prefix):] or "E"
    return None


def vertex_edges(doc: Document, direction: str, classes: Iterable[str] | None,
                 is_subclass: Callable[[str, str], bool]) -> Iterator[RID]:
    """RIDs of a vertex's edges in a direction (out, in, both), optionally by class."""
    for _, rid in directed_edges(doc, direction, classes, is_subclass):
        yield rid


def directed_edges(doc: Document, direction: str, classes: Iterable[str] | None,
                   is_subclass: Callable[[str, str], bool]) -> Iterator[tuple[str, RID]]:
    """(``out`` or ``in``, RID) of each entry of a vertex's link bags in a direction
    (out, in, both), optionally only of edges of some classes (and their subclasses)."""
    wanted = [c for c in classes] if classes else None
    for name, value in doc.fields.items():
        parsed = edge_class_of_field(name)
        if parsed is None:
            continue
        d, cls = parsed
        if direction != "both" and d != direction:
            continue
        if wanted is not None and not any(is_subclass(cls, w) for w in wanted):
            continue
        if isinstance(value, RID):
            yield d, value
        elif isinstance(value, (list, tuple)):
            for v in value:
                if isinstance(v, RID):
                    yield d, v


def check_link_bags(schema: "Schema", cls: str, rid: RID | None, old: Mapping[str, Any],
                    new: Mapping[str, Any]) -> None:
    """Refuse a change to a vertex's link bags (``out_Knows``...) made by writing the field:
    only creating and deleting edges may change them, or the graph would point at edges
    that are not there (or miss ones that are). SQL writes call this; the engine API
    itself stores what it is given (an importer may write lightweight edges)."""
    if not schema.is_vertex_class(cls):
        return
    for name in set(old) | set(new):
        if old.get(name) != new.get(name) and is_link_bag(schema, name):
            what = f"vertex {rid}" if rid is not None else f"a new {cls} vertex"
            edge_class = edge_class_of_field(name)[1]  # type: ignore[index]
            raise ValidationError(f"{what}: '{name}' lists the vertex's {edge_class} edges and changes "
                                  f"only with CREATE EDGE and DELETE EDGE")


def is_link_bag(schema: "Schema", name: str) -> bool:
    """True when a vertex field called ``name`` is the link bag of an edge class
    (``out_Knows`` with Knows an edge class; ``in_stock`` is an ordinary field)."""
    parsed = edge_class_of_field(name)
    if parsed is None:
        return False
    edge_class = parsed[1]
    return edge_class == "E" or (schema.has_class(edge_class) and schema.is_edge_class(edge_class))


class GraphOperations:
    """Graph operations of an embedded database."""

    def create_vertex(
        self: "EmbeddedDatabase",
        class_name: str = "V",
        fields: Mapping[str, Any] | None = None,
        *,
        types: Mapping[str, OType] | None = None,
        cluster: int | str | None = None,
    ) -> Document:
        """Create a vertex of ``class_name`` (a subclass of V)."""
        schema = self.schema
        cls = schema.cls(class_name)
        if not schema.is_vertex_class(cls.name):
            raise ValidationError(f"class {cls.name} is not a vertex class (it does not extend V)")
        return self.insert(cls.name, fields, types=types, cluster=cluster)

    def create_edge(
        self: "EmbeddedDatabase",
        class_name: str,
        source: RID,
        target: RID,
        fields: Mapping[str, Any] | None = None,
        *,
        types: Mapping[str, OType] | None = None,
        cluster: int | str | None = None,
    ) -> Document:
        """Create an edge from ``source`` to ``target`` and link it from both vertices."""
        with self._write() as conn:
            schema = self._schema
            cls = schema.cls(class_name or "E")
            if not schema.is_edge_class(cls.name):
                raise ValidationError(f"class {cls.name} is not an edge class (it does not extend E)")
            for rid, role in ((source, "source"), (target, "target")):
                self._require_vertex(rid, role)
            body: dict[str, Any] = {"out": source, "in": target}
            body.update({k: v for k, v in (fields or {}).items() if k not in ("out", "in")})
            edge_types = {"out": OType.LINK, "in": OType.LINK, **dict(types or {})}
            edge = self._insert(conn, cls.name, body, edge_types, cluster)
            assert edge.rid is not None
            self._link(conn, source, edge_field(OUT, cls.name), edge.rid, add=True)
            self._link(conn, target, edge_field(IN, cls.name), edge.rid, add=True)
            return edge

    def _require_vertex(self: "EmbeddedDatabase", rid: RID, role: str) -> None:
        """Raise unless ``rid`` is an existing vertex (``role`` starts the message)."""
        kind = self._class_of(rid)
        if kind is False:
            raise RecordNotFound(f"{role} vertex {rid} does not exist")
        if not isinstance(kind, str) or not self._schema.is_vertex_class(kind):
            raise ValidationError(f"{role} {rid} is not a vertex")

    def _link(self: "EmbeddedDatabase", conn: sqlite3.Connection, vertex: RID, field: str,
              edge: RID, *, add: bool) -> None:
        """Add ``edge`` to (or remove it from) a vertex's link bag."""
        row = self._row(vertex.key)
        if row is None:
            return
        ver, cls, kind, data = row
        if add:
            self._check_record(cls, vertex.cluster, UPDATE)
        fields, types = decode_body(data, self._prop_types(cls))
        old = dict(fields)
        bag = list(fields.get(field) or [])
        if add:
            bag.append(edge)
        elif edge in bag:
            bag.remove(edge)
        else:
            return
        fields[field] = bag
        types[field] = OType.LINKBAG
        conn.execute("UPDATE records SET ver = ?, data = ? WHERE rid = ?", (ver + 1, encode_body(fields, types), vertex.key))
        indexing.update_entries(conn, self._indexes(cls), vertex.key, old, fields)

    def repoint_edge(self: "EmbeddedDatabase", old: Document, new: Document) -> None:
        """Before ``new`` is written over edge ``old``: check its new ``out``/``in`` vertices
        and move the edge between the vertices' link bags (a one-record list in ``new``
        stands for its record). ``update`` alone stores what it is given, as an
        importer that writes both ends itself needs; SQL UPDATE calls this first."""
        assert old.rid is not None and old.class_name
        with self._write() as conn:
            self._repoint_edge(conn, old.class_name, old.rid, old.fields, new.fields, new.types)

    def _repoint_edge(self: "EmbeddedDatabase", conn: sqlite3.Connection, cls: str, rid: RID,
                      old: Mapping[str, Any], new: dict[str, Any], types: dict[str, OType]) -> None:
        """An update moved an edge's ``out`` or ``in``: check the new vertex and move the
        edge from the old vertex's link bag to the new one's. A one-record list (a
        subquery's result) stands for its record."""
        for direction in (OUT, IN):
            before, after = old.get(direction), new.get(direction)
            if isinstance(after, list) and len(after) == 1 and isinstance(after[0], RID):
                after = new[direction] = after[0]
                types[direction] = OType.LINK
            if before == after:
                continue
            if not isinstance(after, RID):
                raise ValidationError(f"edge {rid} ({cls}) needs a vertex as '{direction}', not {short_value(after)}")
            self._require_vertex(after, f"edge {rid} ({cls}):")
            field = edge_field(direction, cls)
            if isinstance(before, RID):
                self._link(conn, before, field, rid, add=False)
            self._link(conn, after, field, rid, add=True)

    def _detach_edge(self: "EmbeddedDatabase", conn: sqlite3.Connection, edge: Document) -> None:
        cls = edge.class_name or "E"
        assert edge.rid is not None
        for direction in (OUT, IN):
            v = edge.fields.get(direction)
            if isinstance(v, RID):
                self._link(conn, v, edge_field(direction, cls), edge.rid, add=False)

    def _detach_vertex(self: "EmbeddedDatabase", conn: sqlite3.Connection, vertex: Document) -> None:
        schema = self._schema
        for rid in list(vertex_edges(vertex, "both", None, schema.is_subclass)):
            row = self._row(rid.key)
            if row is None:
                continue
            ver, cls, kind, data = row
            if not cls or not schema.is_edge_class(cls):
                continue
            edge = self.materialize(rid.key, ver, cls, kind, data)
            assert isinstance(edge, Document)
            for direction in (OUT, IN):
                other = edge.fields.get(direction)
                if isinstance(other, RID) and other != vertex.rid:
                    self._link(conn, other, edge_field(direction, cls), rid, add=False)
            indexing.update_entries(conn, self._indexes(cls), rid.key, edge.fields, None)
            conn.execute("DELETE FROM records WHERE rid = ?", (rid.key,))

    def delete_vertex(self: "EmbeddedDatabase", rid: RID) -> bool:
        """Delete a vertex and every edge touching it."""
        kind = self._class_of(rid)
        if kind is False:
            return False
        if not isinstance(kind, str) or not self.schema.is_vertex_class(kind):
            raise ValidationError(f"record {rid} is not a vertex")
        return self.delete(rid)

    def delete_edge(self: "EmbeddedDatabase", rid: RID) -> bool:
        """Delete an edge and remove it from both vertices."""
        kind = self._class_of(rid)
        if kind is False:
            return False
        if not isinstance(kind, str) or not self.schema.is_edge_class(kind):
            raise ValidationError(f"record {rid} is not an edge")
        return self.delete(rid)
