"""SQL statements that build or tear down schema on a remote database.

A remote database's schema can only be changed with SQL, so the import
writes its schema changes as statement lists that run as SQL scripts (one
transaction each on the server). Three stages, because constraints must
not get in the way of loading records whose links are written in two
passes:

* ``structure``: clusters, classes (superclasses, abstract, cluster
  selection, short name, ...) and properties with their types, linked
  types, collation, descriptions and custom fields;
* ``indexes``;
* ``constraints``: linked classes, MANDATORY, NOTNULL, READONLY, MIN, MAX,
  REGEXP, DEFAULT and STRICTMODE, added once every record is in place.

V and E cannot be dropped with SQL; where a class must be replaced but
cannot be dropped it is *blanked* instead (records truncated, made
abstract to let go of its clusters, properties and indexes dropped) and
configured again like a new class.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Iterable

import orjson

from console.engine.schema import Cluster, IndexDef, Property, Schema, SchemaClass

UNDROPPABLE = frozenset({"v", "e"})


def q(name: str) -> str:
    """A name in backticks (schema names never hold backticks or backslashes)."""
    return f"`{name}`"


def lit(text: str) -> str:
    """A single-quoted literal (ALTER keeps the raw text between the quotes)."""
    return "'" + str(text).replace("'", "\\'") + "'"


@dataclass
class Statements:
    """The three stages of a schema change."""

    structure: list[str] = field(default_factory=list)
    indexes: list[str] = field(default_factory=list)
    constraints: list[str] = field(default_factory=list)

    def all(self) -> list[str]:
        return self.structure + self.indexes + self.constraints

    def __len__(self) -> int:
        return len(self.structure) + len(self.indexes) + len(self.constraints)


# --- single objects ----------------------------------------------------------------------------

def create_cluster(c: Cluster) -> str:
    return f"CREATE {'BLOB ' if c.blob else ''}CLUSTER {q(c.name)} ID {c.id}"


def create_class(c: SchemaClass, clusters: dict[int, Cluster], *, auto: bool = False) -> list[str]:
    """CREATE CLASS and the attributes it cannot say itself (no STRICTMODE: see constraints).

    ``auto``: the server creates the class's clusters itself (see :func:`build_classes`).
    """
    head = f"CREATE CLASS {q(c.name)}"
    if c.superclasses:
        head += " EXTENDS " + ", ".join(q(s) for s in c.superclasses)
    ids = [i for i in c.cluster_ids if i >= 0]
    if ids and auto:
        head += f" CLUSTERS {len(ids)}"
    elif ids:
        head += " CLUSTER " + ", ".join(str(i) for i in ids)
    else:
        head += " ABSTRACT"  # a class without clusters holds nothing: never let the server invent one
    out = [head]
    blank = SchemaClass(name=c.name, superclasses=c.superclasses, cluster_ids=tuple(ids),
                        default_cluster_id=ids[0] if ids else -1, abstract=not ids)
    out += class_attributes(blank, c, clusters)
    return out


def class_attributes(cur: SchemaClass, want: SchemaClass, clusters: dict[int, Cluster]) -> list[str]:
    """ALTER CLASS statements turning ``cur``'s attributes into ``want``'s (clusters included)."""
    name = q(want.name)
    out: list[str] = []
    if tuple(s.lower() for s in cur.superclasses) != tuple(s.lower() for s in want.superclasses):
        supers = ", ".join(q(s) for s in want.superclasses) if want.superclasses else "null"
        out.append(f"ALTER CLASS {name} SUPERCLASSES {supers}")
    for cid in want.cluster_ids:
        if cid >= 0 and cid not in cur.cluster_ids:
            out.append(f"ALTER CLASS {name} ADDCLUSTER {q(clusters[cid].name)}")
    if want.cluster_ids and want.default_cluster_id >= 0 and want.default_cluster_id != (
            cur.default_cluster_id if cur.cluster_ids else (want.cluster_ids[0] if want.cluster_ids else -1)):
        out.append(f"ALTER CLASS {name} DEFAULTCLUSTER {q(clusters[want.default_cluster_id].name)}")
    if (want.cluster_selection or "round-robin") != (cur.cluster_selection or "round-robin"):
        out.append(f"ALTER CLASS {name} CLUSTERSELECTION {want.cluster_selection}")
    if (want.short_name or None) != (cur.short_name or None):
        out.append(f"ALTER CLASS {name} SHORTNAME {q(want.short_name) if want.short_name else 'null'}")
    if float(want.oversize or 0) != float(cur.oversize or 0):
        out.append(f"ALTER CLASS {name} OVERSIZE {float(want.oversize or 0)}")
    if (want.description or None) != (cur.description or None):
        out.append(f"ALTER CLASS {name} DESCRIPTION {lit(want.description) if want.description else 'null'}")
    have, wanted = dict(cur.custom), dict(want.custom)
    for k in have:
        if k not in wanted:
            out.append(f"ALTER CLASS {name} CUSTOM {k}=null")
    for k, v in wanted.items():
        if have.get(k) != v:
            out.append(f"ALTER CLASS {name} CUSTOM {k}={lit(v)}")
    return out


def create_property(cls: str, p: Property) -> list[str]:
    """CREATE PROPERTY with its type and linked type, then collation, description and custom fields."""
    head = f"CREATE PROPERTY {q(cls)}.{q(p.name)} {p.type.name}"
    if p.linked_type is not None:
        head += f" {p.linked_type.name}"
    out = [head]
    target = f"{q(cls)}.{q(p.name)}"
    if p.collate and p.collate.lower() != "default":
        out.append(f"ALTER PROPERTY {target} COLLATE {p.collate}")
    if p.description:
        out.append(f"ALTER PROPERTY {target} DESCRIPTION {lit(p.description)}")
    for k, v in p.custom:
        out.append(f"ALTER PROPERTY {target} CUSTOM {k}={lit(v)}")
    return out


def property_constraints(cls: str, p: Property) -> list[str]:
    target = f"ALTER PROPERTY {q(cls)}.{q(p.name)}"
    out = []
    if p.linked_class:
        out.append(f"{target} LINKEDCLASS {q(p.linked_class)}")
    if p.mandatory:
        out.append(f"{target} MANDATORY true")
    if p.not_null:
        out.append(f"{target} NOTNULL true")
    if p.readonly:
        out.append(f"{target} READONLY true")
    for attr, value in (("MIN", p.min), ("MAX", p.max), ("REGEXP", p.regexp), ("DEFAULT", p.default)):
        if value is not None:
            out.append(f"{target} {attr} {lit(value)}")
    return out


def class_constraints(c: SchemaClass) -> list[str]:
    """Constraints of a class's own properties, and STRICTMODE.

    Altering a property moves it to the end of its class's list, so from the
    first constrained property on every property is altered, in order (those
    without constraints by setting their collation again): the order stays.
    """
    out: list[str] = []
    touched = False
    for p in c.properties:
        cons = property_constraints(c.name, p)
        if cons:
            touched = True
            out += cons
        elif touched:
            out.append(f"ALTER PROPERTY {q(c.name)}.{q(p.name)} COLLATE {p.collate or 'default'}")
    if c.strict:
        out.append(f"ALTER CLASS {q(c.name)} STRICTMODE true")
    return out


def create_index(ix: IndexDef) -> str:
    parts = []
    for f in ix.fields:
        text = q(f.name)
        if f.by:
            text += f" BY {f.by.upper()}"
        if f.collate and f.collate.lower() != "default":
            text += f" COLLATE {f.collate}"
        parts.append(text)
    out = f"CREATE INDEX {q(ix.name)} ON {q(ix.class_name)} ({', '.join(parts)}) {ix.type}"
    if ix.key_types:
        out += " " + ", ".join(ix.key_types)
    if ix.algorithm and ix.algorithm.replace("_", "").isalnum():
        out += f" ENGINE {ix.algorithm}"
    meta = dict(ix.metadata)
    if meta.get("ignoreNullValues", True) != bool(ix.ignore_nulls):
        meta["ignoreNullValues"] = bool(ix.ignore_nulls)
    if meta:
        try:
            out += " METADATA " + orjson.dumps(meta).decode()
        except TypeError:
            out += " METADATA " + orjson.dumps({"ignoreNullValues": bool(ix.ignore_nulls)}).decode()
    return out


def same_index(a: IndexDef, b: IndexDef) -> bool:
    """Whether two index definitions agree (table names aside)."""
    def meta(ix: IndexDef) -> dict:
        return {k: v for k, v in ix.metadata if k != "ignoreNullValues"}

    return replace(a, table="", metadata=()) == replace(b, table="", metadata=()) and meta(a) == meta(b)


# --- orders ----------------------------------------------------------------------------------

def supers_first(classes: Iterable[SchemaClass]) -> list[SchemaClass]:
    """Classes ordered so that superclasses (of the same list) come before their subclasses."""
    by = {c.name.lower(): c for c in classes}
    done: set[str] = set()
    out: list[SchemaClass] = []

    def visit(c: SchemaClass, stack: tuple[str, ...]) -> None:
        low = c.name.lower()
        if low in done or low in stack:
            return
        for s in c.superclasses:
            sup = by.get(s.lower())
            if sup is not None:
                visit(sup, stack + (low,))
        done.add(low)
        out.append(c)

    for c in sorted(by.values(), key=lambda c: c.name.lower()):
        visit(c, ())
    return out


def creation_order(classes: Iterable[SchemaClass]) -> list[SchemaClass]:
    """Superclasses first; otherwise by lowest cluster id (classes without clusters first)."""
    import heapq

    items = {c.name.lower(): c for c in classes}
    waiting = {n: {s.lower() for s in c.superclasses if s.lower() in items} for n, c in items.items()}
    heap = [(min(c.cluster_ids, default=-1), n) for n, c in items.items() if not waiting[n]]
    heapq.heapify(heap)
    out: list[SchemaClass] = []
    done: set[str] = set()
    while heap:
        _, n = heapq.heappop(heap)
        if n in done:
            continue
        done.add(n)
        out.append(items[n])
        for m, sups in waiting.items():
            if n in sups:
                sups.discard(n)
                if not sups and m not in done:
                    heapq.heappush(heap, (min(items[m].cluster_ids, default=-1), m))
    out += [c for n, c in sorted(items.items()) if n not in done]  # cycles: left to the server to refuse
    return out


def _auto_clusters(c: SchemaClass, clusters: dict[int, Cluster], pending: set[int], ids: set[int],
                   names: set[str]) -> bool:
    """Whether ``CREATE CLASS .. CLUSTERS n`` makes exactly the planned clusters.

    The server names a class's new clusters ``<class>``, ``<class>_1``, ...
    (the first free names) and numbers them from the highest id in use.
    """
    wanted = list(c.cluster_ids)
    if not wanted or any(i not in pending or clusters[i].blob for i in wanted):
        return False
    nxt = max(ids, default=-1) + 1
    if wanted != list(range(nxt, nxt + len(wanted))) or c.default_cluster_id != wanted[0]:
        return False
    taken = set(names)
    base = c.name.lower()
    for i in wanted:
        name = base
        k = 0
        while name in taken:
            k += 1
            name = f"{base}_{k}"
        if clusters[i].name.lower() != name:
            return False
        taken.add(name)
    return True


def build_classes(classes: list[SchemaClass], blanked: dict[str, SchemaClass], clusters: dict[int, Cluster],
                  pending: set[int], ids: set[int], names: set[str]) -> list[str]:
    """CREATE CLASS (and CREATE CLUSTER) statements; ``pending`` clusters are created on the way.

    A class whose new clusters are exactly those the server would make
    itself gets them with ``CLUSTERS n`` (one schema change instead of n+1);
    other clusters are created with explicit ids just before the first
    class that needs them, and the remaining ones at the end.
    """
    out: list[str] = []

    def made(cid: int) -> None:
        pending.discard(cid)
        ids.add(cid)
        names.add(clusters[cid].name.lower())

    def make(cid: int) -> None:
        out.append(create_cluster(clusters[cid]))
        made(cid)

    for c in creation_order(classes):
        low = c.name.lower()
        if low in blanked:
            for cid in c.cluster_ids:
                if cid in pending:
                    make(cid)
            state = blanked[low]
            out += class_attributes(state, c, clusters)
            if not c.cluster_ids and not state.abstract:
                out.append(f"ALTER CLASS {q(c.name)} ABSTRACT true")
            continue
        if _auto_clusters(c, clusters, pending, ids, names):
            out += create_class(c, clusters, auto=True)
            for cid in c.cluster_ids:
                made(cid)
            continue
        for cid in c.cluster_ids:
            if cid in pending:
                make(cid)
        out += create_class(c, clusters)
    for cid in sorted(pending):
        make(cid)
    return out


# --- whole changes ------------------------------------------------------------------------------

def replace_classes(cur: Schema, want_classes: list[SchemaClass], want_clusters: list[Cluster],
                    want_indexes: list[IndexDef], keep: set[str], *, truncate: Iterable[int] = (),
                    reshape_all: bool = True) -> Statements:
    """Drop every class of ``cur`` outside ``keep`` and build ``want_classes`` instead.

    ``keep`` holds lower-case names of classes left alone (security classes);
    their indexes are only touched when ``want_indexes`` names them.
    ``want_clusters`` are the clusters the result must have besides those of
    kept classes; class-less clusters of ``cur`` not among them are dropped.
    ``truncate`` lists clusters to empty. V and E are blanked and configured
    instead of dropped (only when they differ, unless ``reshape_all``).
    """
    st = Statements()
    want_by = {c.name.lower(): c for c in want_classes}
    doomed = [c for c in cur.classes if c.name.lower() not in keep]
    blanked = [c for c in doomed if c.name.lower() in UNDROPPABLE and c.name.lower() in want_by
               and (reshape_all or c != want_by[c.name.lower()])]
    untouched = {c.name.lower() for c in doomed if c.name.lower() in UNDROPPABLE and c not in blanked}
    dropped = [c for c in doomed if c.name.lower() not in UNDROPPABLE]
    gone = {c.name.lower() for c in dropped}
    # 1. no link from a surviving or later-dropped class may point at a class being dropped
    for c in cur.classes:
        for p in c.properties:
            if p.linked_class and p.linked_class.lower() in gone and p.linked_class.lower() != c.name.lower() \
                    and (c.name.lower() in gone or c.name.lower() in keep or c.name.lower() in untouched):
                st.structure.append(f"ALTER PROPERTY {q(c.name)}.{q(p.name)} LINKEDCLASS null")
    # 2. blank the classes that cannot be dropped
    blank_state: dict[str, SchemaClass] = {}
    for c in blanked:
        for ix in cur.indexes:
            if ix.class_name.lower() == c.name.lower():
                st.structure.append(f"DROP INDEX {q(ix.name)}")
        for p in c.properties:
            st.structure.append(f"DROP PROPERTY {q(c.name)}.{q(p.name)} FORCE")
        ids = [i for i in c.cluster_ids if i >= 0]
        for cid in ids:
            st.structure.append(f"TRUNCATE CLUSTER {q(cur.cluster(cid).name)}")
        if ids:
            st.structure.append(f"ALTER CLASS {q(c.name)} ABSTRACT true")
        for cid in ids:
            st.structure.append(f"DROP CLUSTER {cid}")
        blank_state[c.name.lower()] = replace(c, cluster_ids=(), default_cluster_id=-1, abstract=True,
                                              properties=(), strict=False)
    # 3. drop classes, subclasses first
    for c in reversed(supers_first(dropped)):
        st.structure.append(f"DROP CLASS {q(c.name)} UNSAFE")
    # 4. clusters: what is left of cur, minus class-less ones not wanted, plus the wanted ones
    owned_gone = {i for c in dropped + blanked for i in c.cluster_ids}
    kept_ids = {i for c in cur.classes if c.name.lower() in keep or c.name.lower() in untouched
                for i in c.cluster_ids}
    wanted_ids = {c.id: c for c in want_clusters}
    for c in cur.clusters:
        if c.id in owned_gone or c.id in kept_ids:
            continue
        w = wanted_ids.get(c.id)
        if w is None or w.name.lower() != c.name.lower() or w.blob != c.blob:
            st.structure.append(f"DROP CLUSTER {c.id}")
            owned_gone.add(c.id)
    for cid in truncate:
        st.structure.append(f"TRUNCATE CLUSTER {q(cur.cluster(cid).name)}")
    existing = {c.id for c in cur.clusters if c.id not in owned_gone}
    all_clusters = {c.id: c for c in cur.clusters}
    all_clusters.update({c.id: c for c in want_clusters})
    pending = {c.id for c in want_clusters if c.id not in existing}
    names = {c.name.lower() for c in cur.clusters if c.id in existing}
    # 5. classes (with their new clusters) and properties
    todo = [c for c in want_classes if c.name.lower() not in keep and c.name.lower() not in untouched]
    st.structure += build_classes(todo, blank_state, all_clusters, pending, existing, names)
    for c in supers_first(todo):
        for p in c.properties:
            st.structure += create_property(c.name, p)
        st.constraints += class_constraints(c)
    # 6. indexes: of kept classes only when named in want_indexes
    want_ix = {ix.name.lower(): ix for ix in want_indexes}
    for ix in cur.indexes:
        low_cls = ix.class_name.lower()
        if low_cls not in keep and low_cls not in untouched:
            continue  # gone with its class
        w = want_ix.get(ix.name.lower())
        if w is not None and not same_index(ix, w):
            st.indexes.append(f"DROP INDEX {q(ix.name)}")
        elif w is not None:
            want_ix.pop(ix.name.lower())
    for ix in want_indexes:
        if ix.name.lower() in want_ix:
            st.indexes.append(create_index(ix))
    return st


__all__ = ["Statements", "replace_classes", "create_class", "create_property", "property_constraints",
           "create_index", "create_cluster", "class_constraints", "build_classes", "creation_order", "class_attributes", "supers_first", "same_index", "q", "lit",
           "UNDROPPABLE"]
