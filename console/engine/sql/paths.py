"""Path functions: ``shortestPath()``, ``dijkstra()`` and ``astar()``, as in OrientDB.

``shortestPath`` is an unweighted bidirectional breadth-first search returning RIDs;
``dijkstra`` and ``astar`` are one weighted best-first search (``dijkstra`` is
``astar`` without a heuristic, as OrientDB implements it) returning vertex records.
Bag entries are walked in field order, so ties always resolve the same way.
"""

from __future__ import annotations

import heapq
import itertools
import math
from typing import Any, Callable, Iterator

from console.engine.document import Document
from console.engine.graph import directed_edges
from console.engine.rid import RID, is_rid_text
from console.engine.sql import values as V
from console.engine.sql.context import Context
from console.engine.validation import short_value
from console.errors import QueryError

_DIRECTIONS = ("out", "in", "both")
_REVERSE = {"out": "in", "in": "out", "both": "both"}


# --- arguments -----------------------------------------------------------------------

def _vertex(ctx: Context, value: Any, role: str, fname: str) -> Document:
    """A vertex record from a RID, a record, '#c:p' text or a one-element collection."""
    v = value
    if isinstance(v, (list, tuple, set, frozenset)) and not isinstance(v, RID):
        items = list(v)
        if len(items) > 1:
            raise QueryError(f"{fname}: only one {role} vertex is allowed, got {len(items)} records")
        v = items[0] if items else None
    if isinstance(v, Document) and v.rid is None and len(v.fields) == 1:
        v = next(iter(v.fields.values()))  # a projection row such as {@rid: #12:0}
    if isinstance(v, str) and is_rid_text(v.strip()):
        v = RID.parse(v)
    if isinstance(v, Document) and v.rid is not None:
        v = v.rid  # read it again: a record given as a parameter may be stale
    rec = ctx.deref(v)
    schema = ctx.db.schema
    if not (isinstance(rec, Document) and rec.rid is not None and rec.class_name
            and schema.is_vertex_class(rec.class_name)):
        raise QueryError(f"{fname}: the {role} must be a vertex record, got {short_value(value)}")
    return rec


def _direction(value: Any, default: str, fname: str) -> str:
    if value is None:
        return default
    d = value.strip().lower() if isinstance(value, str) else None
    if d not in _DIRECTIONS:
        raise QueryError(f"{fname}: direction must be OUT, IN or BOTH, got {short_value(value)}")
    return d


def _names(value: Any, what: str, fname: str) -> list[str]:
    """Names from 'a,b' text or a list of strings."""
    if value is None:
        return []
    if isinstance(value, str):
        return [n.strip() for n in value.split(",") if n.strip()]
    if isinstance(value, (list, tuple)) and not isinstance(value, RID) and all(isinstance(n, str) for n in value):
        return [n.strip() for n in value if n.strip()]
    raise QueryError(f"{fname}: {what} must be a name or a list of names, got {short_value(value)}")


def _edge_classes(ctx: Context, names: list[str], fname: str) -> list[str] | None:
    """Checked edge class names (None: every edge)."""
    schema = ctx.db.schema
    for n in names:
        if not schema.has_class(n):
            raise QueryError(f"{fname}: edge class '{n}' does not exist")
        if not schema.is_edge_class(n):
            raise QueryError(f"{fname}: class {schema.cls(n).name} is not an edge class")
    return [schema.cls(n).name for n in names] or None


def _options(value: Any, known: tuple[str, ...], fname: str) -> dict[str, Any]:
    """An options map keyed by the canonical option names (case-insensitive match)."""
    if value is None:
        return {}
    if isinstance(value, Document):
        value = value.fields
    if not isinstance(value, dict):
        raise QueryError(f"{fname}: options must be a map such as {{'maxDepth': 3}}, got {short_value(value)}")
    canon = {k.lower(): k for k in known}
    out: dict[str, Any] = {}
    for k, v in value.items():
        key = canon.get(str(k).lower())
        if key is None:
            raise QueryError(f"{fname}: unknown option '{k}' (known: {', '.join(known)})")
        out[key] = v
    return out


def _number(value: Any, what: str, fname: str, *, whole: bool = False) -> float | int | None:
    if value is None:
        return None
    n = V.as_number(value)
    if n is None or (whole and n != int(n)):
        kind = "a whole number" if whole else "a number"
        raise QueryError(f"{fname}: {what} must be {kind}, got {short_value(value)}")
    return int(n) if whole else float(n)


def _flag(value: Any, default: bool, what: str, fname: str) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise QueryError(f"{fname}: {what} must be true or false, got {short_value(value)}")


# --- adjacency -----------------------------------------------------------------------

class _Graph:
    """Neighbours of vertices through their link bags; each edge record is read once."""

    def __init__(self, ctx: Context, labels: list[str] | None, weight: str | None = None,
                 fname: str = "") -> None:
        self.ctx = ctx
        self.schema = ctx.db.schema
        self.labels = labels
        self.weight = weight
        self.fname = fname
        self._edges: dict[RID, tuple[Any, Any, float] | None] = {}
        self._lightweight: dict[int, bool] = {}

    def _is_vertex_cluster(self, cluster: int) -> bool | None:
        """True when a cluster holds vertices (a bag entry there is a lightweight edge)."""
        known = self._lightweight.get(cluster)
        if known is None:
            cls = self.schema.class_of_cluster(cluster)
            if cls is None:
                return None
            known = self._lightweight[cluster] = self.schema.is_vertex_class(cls)
        return known

    def _edge(self, rid: RID) -> tuple[Any, Any, float] | None:
        """(out, in, weight) of an edge record, None when it is missing or not an edge."""
        if rid in self._edges:
            return self._edges[rid]
        rec = self.ctx.load(rid)
        ends = None
        if isinstance(rec, Document) and rec.class_name and self.schema.is_edge_class(rec.class_name):
            ends = (_rid_of(rec.fields.get("out")), _rid_of(rec.fields.get("in")), self._weight_of(rec))
        self._edges[rid] = ends
        return ends

    def _weight_of(self, edge: Document) -> float:
        if self.weight is None:
            return 0.0
        v = edge.fields.get(self.weight)
        if v is None:  # OrientDB: a missing weight counts as 0
            return 0.0
        if not V.is_number(v):
            raise QueryError(f"{self.fname}: weight '{self.weight}' of edge {edge.rid} is not a number: "
                             f"{short_value(v)}")
        return float(v)

    def steps(self, vertex: Document, direction: str) -> Iterator[tuple[RID, RID | None, float]]:
        """(neighbour, edge or None for a lightweight edge, weight) in bag order."""
        for d, entry in directed_edges(vertex, direction, self.labels, self.schema.is_subclass):
            light = self._is_vertex_cluster(entry.cluster)
            if light is None:  # a cluster without a class: look at the record
                rec = self.ctx.load(entry)
                light = isinstance(rec, Document) and bool(rec.class_name) \
                    and self.schema.is_vertex_class(rec.class_name)  # type: ignore[arg-type]
            if light:
                yield entry, None, 0.0
                continue
            ends = self._edge(entry)
            if ends is None:
                continue
            other = ends[1] if d == "out" else ends[0]
            if isinstance(other, RID):
                yield other, entry, ends[2]


def _rid_of(v: Any) -> Any:
    return v.rid if isinstance(v, Document) else v


# --- shortestPath -------------------------------------------------------------------

def shortest_path(ctx: Context, source: Any, destination: Any, direction: Any = None,
                  edge_classes: Any = None, options: Any = None) -> list[RID]:
    """``shortestPath(source, destination [, direction [, edgeClass(es) [, {maxDepth, edge}]]])``:
    the RIDs of a shortest path (edges interleaved with ``edge: true``), [] when there is none.

    ``maxDepth`` counts vertices as OrientDB does: a path of n edges needs maxDepth > n.
    """
    fname = "shortestPath()"
    src = _vertex(ctx, source, "source", fname)
    dst = _vertex(ctx, destination, "destination", fname)
    d = _direction(direction, "both", fname)
    labels = _edge_classes(ctx, _names(edge_classes, "the edge class", fname), fname)
    opts = _options(options, ("maxDepth", "edge"), fname)
    max_depth = _number(opts.get("maxDepth"), "maxDepth", fname, whole=True)
    with_edges = _flag(opts.get("edge"), False, "edge", fname)
    if src.rid == dst.rid:
        return [src.rid]  # type: ignore[list-item]
    return _bidirectional(_Graph(ctx, labels), src, dst, d, max_depth, with_edges)


Links = dict[RID, tuple[RID, "RID | None"]]  # vertex -> (previous vertex on its side, edge between)


def _bidirectional(graph: _Graph, src: Document, dst: Document, direction: str,
                   max_depth: int | None, with_edges: bool) -> list[RID]:
    """Breadth-first from both ends, one level at a time, the smaller frontier first."""
    load = graph.ctx.load
    prev: Links = {}  # towards the source
    nxt: Links = {}  # towards the destination
    seen_l: set[RID] = {src.rid}  # type: ignore[arg-type]
    seen_r: set[RID] = {dst.rid}  # type: ignore[arg-type]

    def walk(frontier: list[Any], d: str, seen: set[RID], other: set[RID],
             links: Links) -> tuple[list[Any], RID | None]:
        """Expand one level; returns the next level, or where the two searches met."""
        level: list[Any] = []
        for item in frontier:
            rec = item if isinstance(item, Document) else load(item)
            if not isinstance(rec, Document) or rec.rid is None:
                continue
            for nb, edge, _ in graph.steps(rec, d):
                if nb in other:
                    links[nb] = (rec.rid, edge)
                    return level, nb
                if nb not in seen:
                    links[nb] = (rec.rid, edge)
                    seen.add(nb)
                    level.append(nb)
        return level, None

    left: list[Any] = [src]
    right: list[Any] = [dst]
    back = _REVERSE[direction]
    depth = 1
    while max_depth is None or max_depth > depth:
        if not left or not right:
            break
        left_first = len(left) <= len(right)
        for i in range(2):
            if i == 1:
                depth += 1
                if (max_depth is not None and max_depth <= depth) or not (left if left_first else right):
                    return []
            if left_first == (i == 0):
                left, meet = walk(left, direction, seen_l, seen_r, prev)
            else:
                right, meet = walk(right, back, seen_r, seen_l, nxt)
            if meet is not None:
                return _join(meet, prev, nxt, with_edges)
        depth += 1
    return []


def _join(meet: RID, prev: Links, nxt: Links, with_edges: bool) -> list[RID]:
    """The path through ``meet``: back to the source, then on to the destination."""
    head = _walk(meet, prev, with_edges)
    head.reverse()
    return head + _walk(meet, nxt, with_edges)[1:]


def _walk(start: RID, links: Links, with_edges: bool) -> list[RID]:
    """``start`` and the vertices (and edges) reached by following ``links`` from it."""
    out: list[RID] = [start]
    cur = start
    while cur in links:
        cur, edge = links[cur]
        if with_edges and edge is not None:
            out.append(edge)
        out.append(cur)
    return out


# --- dijkstra / astar ---------------------------------------------------------------

_ASTAR_OPTIONS = ("direction", "edgeTypeNames", "vertexAxisNames", "parallel", "tieBreaker", "maxDepth",
                  "heuristicFormula", "customHeuristicFormula", "dFactor", "emptyIfMaxDepth")
_FORMULAS = ("MANHATAN", "MAXAXIS", "DIAGONAL", "EUCLIDEAN", "EUCLIDEANNOSQR")


def dijkstra(ctx: Context, source: Any, destination: Any, weight_field: Any, direction: Any = None) -> list[Document]:
    """``dijkstra(source, destination, weightField [, direction = OUT])``: the vertices of
    the least-weight path ([] when there is none); a missing weight counts as 0."""
    return _weighted(ctx, "dijkstra()", source, destination, weight_field,
                     {"direction": direction, "emptyIfMaxDepth": True})


def astar(ctx: Context, source: Any, destination: Any, weight_field: Any, options: Any = None) -> list[Document]:
    """``astar(source, destination, weightField [, options])``: A* over edge weights with a
    heuristic on the vertices' ``vertexAxisNames`` coordinates."""
    fname = "astar()"
    return _weighted(ctx, fname, source, destination, weight_field, _options(options, _ASTAR_OPTIONS, fname))


def _weighted(ctx: Context, fname: str, source: Any, destination: Any, weight_field: Any,
              opts: dict[str, Any]) -> list[Document]:
    src = _vertex(ctx, source, "source", fname)
    dst = _vertex(ctx, destination, "destination", fname)
    if not isinstance(weight_field, str) or not weight_field.strip("'\"` "):
        raise QueryError(f"{fname}: the weight must be an edge property name, got {short_value(weight_field)}")
    weight = weight_field.strip().strip("'\"`")
    direction = _direction(opts.get("direction"), "out", fname)
    labels = _edge_classes(ctx, _names(opts.get("edgeTypeNames"), "edgeTypeNames", fname), fname)
    axes = _names(opts.get("vertexAxisNames"), "vertexAxisNames", fname)
    _flag(opts.get("parallel"), False, "parallel", fname)  # accepted; OrientDB does not use it either
    tie_breaker = _flag(opts.get("tieBreaker"), True, "tieBreaker", fname)
    max_depth = _number(opts.get("maxDepth"), "maxDepth", fname, whole=True)
    empty_if_max = _flag(opts.get("emptyIfMaxDepth"), False, "emptyIfMaxDepth", fname)
    d_factor = _number(opts.get("dFactor"), "dFactor", fname)
    formula = opts.get("heuristicFormula")
    formula = "MANHATAN" if formula is None else str(formula).strip().upper()
    formula = "MANHATAN" if formula == "MANHATTAN" else formula
    if formula == "CUSTOM" or opts.get("customHeuristicFormula"):
        raise QueryError(f"{fname}: custom heuristic formulas are not supported")
    if formula not in _FORMULAS:
        raise QueryError(f"{fname}: heuristicFormula must be one of {', '.join(_FORMULAS)}, got "
                         f"{short_value(opts.get('heuristicFormula'))}")
    heuristic = _heuristic(axes, formula, 1.0 if d_factor is None else d_factor, tie_breaker, src, dst)
    graph = _Graph(ctx, labels, weight, fname)
    return _best_first(graph, src, dst, direction, axes, heuristic,
                       math.inf if max_depth is None else max_depth, empty_if_max)


Coords = tuple[float, ...]


def _coords(rec: Any, axes: list[str]) -> Coords:
    fields = rec.fields if isinstance(rec, Document) else {}
    out = []
    for a in axes:
        n = V.as_number(fields.get(a))
        out.append(0.0 if n is None else float(n))
    return tuple(out)


def _heuristic(axes: list[str], formula: str, k: float, tie_breaker: bool, src: Document,
               dst: Document) -> Callable[[Coords, Coords], float] | None:
    """h(node, parent) from OrientDB's formulas (None without axes: plain Dijkstra)."""
    if not axes:
        return None
    s, g = _coords(src, axes), _coords(dst, axes)

    def h(node: Coords, parent: Coords) -> float:
        deltas = [abs(n - t) for n, t in zip(node, g)]
        if len(deltas) == 1:
            return k * deltas[0]
        if formula == "MANHATAN":
            cost = k * sum(deltas)
        elif formula == "MAXAXIS":
            cost = k * max(deltas)
        elif formula == "DIAGONAL":
            diag = min(deltas)
            cost = 2 * k * diag + k * (sum(deltas) - 2 * diag)
        elif formula == "EUCLIDEAN":
            cost = k * math.sqrt(sum(x * x for x in deltas))
        else:  # EUCLIDEANNOSQR
            cost = k * sum(x * x for x in deltas)
        if tie_breaker:
            if len(deltas) == 2:  # the cross product of (parent - goal) and (source - goal)
                cross = abs((parent[0] - g[0]) * (s[1] - g[1]) - (s[0] - g[0]) * (parent[1] - g[1]))
            else:
                cross = sum(deltas)
            cost += cross * 0.0001
        return cost

    return h


def _best_first(graph: _Graph, src: Document, dst: Document, direction: str, axes: list[str],
                heuristic: Callable[[Coords, Coords], float] | None, max_depth: float,
                empty_if_max: bool) -> list[Document]:
    """A* (Dijkstra without a heuristic). As in OrientDB, ``maxDepth`` counts expanded
    vertices; reaching it returns the path to the vertex at hand (or [])."""
    ctx = graph.ctx
    coords_of: dict[RID, Coords] = {}

    def h(node: RID, parent: RID) -> float:
        if heuristic is None:
            return 0.0
        for rid in (node, parent):
            if rid not in coords_of:
                coords_of[rid] = _coords(ctx.load(rid), axes)
        return heuristic(coords_of[node], coords_of[parent])

    start: RID = src.rid  # type: ignore[assignment]
    goal: RID = dst.rid  # type: ignore[assignment]
    tick = itertools.count()
    g_score: dict[RID, float] = {start: 0.0}
    came_from: dict[RID, RID] = {}
    entry: dict[RID, int] = {start: next(tick)}  # open vertex -> its live heap entry
    heap: list[tuple[float, int, RID]] = [(h(start, start), entry[start], start)]
    closed: set[RID] = set()
    depth = 0
    while heap:
        _, tid, current = heapq.heappop(heap)
        if entry.get(current) != tid:
            continue  # superseded by a cheaper entry
        del entry[current]
        if empty_if_max and depth >= max_depth:
            return []
        if current == goal or depth >= max_depth:
            path = [current]
            while path[-1] in came_from:
                path.append(came_from[path[-1]])
            return [r for r in (ctx.load(x) for x in reversed(path)) if isinstance(r, Document)]
        closed.add(current)
        rec = src if current == start else ctx.load(current)
        if isinstance(rec, Document):
            for nb, _edge, w in graph.steps(rec, direction):
                if nb in closed:
                    continue
                tentative = g_score[current] + w
                if nb not in entry or tentative < g_score[nb]:
                    g_score[nb] = tentative
                    came_from[nb] = current
                    entry[nb] = next(tick)
                    heapq.heappush(heap, (tentative + h(nb, current), entry[nb], nb))
        depth += 1
    return []


def _arity(fn: Callable[..., Any], name: str, lo: int, hi: int) -> Callable[..., Any]:
    """``fn`` with a one-line error for a wrong number of arguments."""
    def call(ctx: Context, *args: Any) -> Any:
        if not lo <= len(args) <= hi:
            raise QueryError(f"{name}() takes {lo} to {hi} arguments, got {len(args)}")
        return fn(ctx, *args)

    call.__doc__ = fn.__doc__
    return call


PATH_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "shortestpath": _arity(shortest_path, "shortestPath", 2, 5),
    "dijkstra": _arity(dijkstra, "dijkstra", 3, 4),
    "astar": _arity(astar, "astar", 3, 4),
}
