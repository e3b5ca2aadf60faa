"""The schema model: clusters, classes, properties and index definitions.

Objects here are plain data. A :class:`Schema` is an immutable snapshot that
answers lookups (case-insensitive names, inheritance, polymorphic clusters);
the database builds a new one after every schema change.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Iterable

from console.engine.types import OType
from console.errors import UnknownClass, UnknownCluster, UnknownIndex, UnknownProperty


@dataclass(frozen=True, slots=True)
class Cluster:
    """A numbered container of records."""

    id: int
    name: str
    blob: bool = False


@dataclass(frozen=True, slots=True)
class Property:
    """A declared property of a class, with its constraints."""

    name: str
    type: OType
    linked_class: str | None = None
    linked_type: OType | None = None
    mandatory: bool = False
    readonly: bool = False
    not_null: bool = False
    min: str | None = None
    max: str | None = None
    regexp: str | None = None
    default: str | None = None
    collate: str = "default"
    description: str | None = None
    custom: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "type": self.type.name}
        for key in ("linked_class", "mandatory", "readonly", "not_null", "min", "max",
                    "regexp", "default", "collate", "description"):
            value = getattr(self, key)
            if value not in (None, False):
                out[key] = value
        if self.linked_type is not None:
            out["linked_type"] = self.linked_type.name
        if self.custom:
            out["custom"] = dict(self.custom)
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Property":
        return cls(
            name=d["name"],
            type=OType[d["type"]],
            linked_class=d.get("linked_class"),
            linked_type=OType[d["linked_type"]] if d.get("linked_type") else None,
            mandatory=bool(d.get("mandatory")),
            readonly=bool(d.get("readonly")),
            not_null=bool(d.get("not_null")),
            min=d.get("min"),
            max=d.get("max"),
            regexp=d.get("regexp"),
            default=d.get("default"),
            collate=d.get("collate") or "default",
            description=d.get("description"),
            custom=tuple(sorted((d.get("custom") or {}).items())),
        )


@dataclass(frozen=True, slots=True)
class SchemaClass:
    """A class: inheritance, owned clusters and its own (not inherited) properties."""

    name: str
    superclasses: tuple[str, ...] = ()
    cluster_ids: tuple[int, ...] = ()
    default_cluster_id: int = -1
    abstract: bool = False
    strict: bool = False
    cluster_selection: str = "round-robin"
    short_name: str | None = None
    oversize: float = 0.0
    description: str | None = None
    custom: tuple[tuple[str, str], ...] = ()
    properties: tuple[Property, ...] = ()

    def own_property(self, name: str) -> Property | None:
        low = name.lower()
        for p in self.properties:
            if p.name.lower() == low:
                return p
        return None

    def with_property(self, prop: Property) -> "SchemaClass":
        low = prop.name.lower()
        props = [p for p in self.properties if p.name.lower() != low]
        props.append(prop)
        return replace(self, properties=tuple(props))

    def without_property(self, name: str) -> "SchemaClass":
        low = name.lower()
        return replace(self, properties=tuple(p for p in self.properties if p.name.lower() != low))

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "superclasses": list(self.superclasses),
            "cluster_ids": list(self.cluster_ids),
            "default_cluster_id": self.default_cluster_id,
            "cluster_selection": self.cluster_selection,
            "properties": [p.to_json() for p in self.properties],
        }
        for key in ("abstract", "strict", "short_name", "description"):
            value = getattr(self, key)
            if value not in (None, False):
                out[key] = value
        if self.oversize:
            out["oversize"] = self.oversize
        if self.custom:
            out["custom"] = dict(self.custom)
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "SchemaClass":
        return cls(
            name=d["name"],
            superclasses=tuple(d.get("superclasses") or ()),
            cluster_ids=tuple(d.get("cluster_ids") or ()),
            default_cluster_id=d.get("default_cluster_id", -1),
            abstract=bool(d.get("abstract")),
            strict=bool(d.get("strict")),
            cluster_selection=d.get("cluster_selection") or "round-robin",
            short_name=d.get("short_name"),
            oversize=float(d.get("oversize") or 0.0),
            description=d.get("description"),
            custom=tuple(sorted((d.get("custom") or {}).items())),
            properties=tuple(Property.from_json(p) for p in d.get("properties") or ()),
        )


@dataclass(frozen=True, slots=True)
class IndexField:
    """One key part of an index: a property, optionally case-insensitive."""

    name: str
    collate: str = "default"
    by: str | None = None  # "key" or "value" for map properties


@dataclass(frozen=True, slots=True)
class IndexDef:
    """An index over one class (and its subclasses)."""

    name: str
    type: str  # UNIQUE, NOTUNIQUE, FULLTEXT, DICTIONARY, *_HASH_INDEX
    class_name: str
    fields: tuple[IndexField, ...]
    table: str
    key_types: tuple[str, ...] = ()
    ignore_nulls: bool = True
    algorithm: str | None = None
    metadata: tuple[tuple[str, Any], ...] = ()

    @property
    def kind(self) -> str:
        """UNIQUE, NOTUNIQUE, FULLTEXT or DICTIONARY (hash variants folded)."""
        t = self.type.upper()
        for k in ("NOTUNIQUE", "UNIQUE", "FULLTEXT", "DICTIONARY"):
            if t.startswith(k):
                return k
        return "NOTUNIQUE"

    @property
    def unique(self) -> bool:
        return self.kind == "UNIQUE"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "class_name": self.class_name,
            "fields": [[f.name, f.collate, f.by] for f in self.fields],
            "table": self.table,
            "key_types": list(self.key_types),
            "ignore_nulls": self.ignore_nulls,
            "algorithm": self.algorithm,
            "metadata": dict(self.metadata),
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "IndexDef":
        return cls(
            name=d["name"],
            type=d["type"],
            class_name=d["class_name"],
            fields=tuple(IndexField(*f) for f in d["fields"]),
            table=d["table"],
            key_types=tuple(d.get("key_types") or ()),
            ignore_nulls=bool(d.get("ignore_nulls", True)),
            algorithm=d.get("algorithm"),
            metadata=tuple((d.get("metadata") or {}).items()),
        )


@dataclass(frozen=True)
class Schema:
    """An immutable snapshot of clusters, classes and indexes with lookups."""

    version: int
    clusters: tuple[Cluster, ...]
    classes: tuple[SchemaClass, ...]
    indexes: tuple[IndexDef, ...]
    _by_class: dict[str, SchemaClass] = field(default_factory=dict, repr=False)
    _by_cluster_id: dict[int, Cluster] = field(default_factory=dict, repr=False)
    _by_cluster_name: dict[str, Cluster] = field(default_factory=dict, repr=False)
    _subclasses: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    _cluster_class: dict[int, str] = field(default_factory=dict, repr=False)
    _memo: dict[Any, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_class.update({c.name.lower(): c for c in self.classes})
        for c in self.classes:
            if c.short_name:
                self._by_class.setdefault(c.short_name.lower(), c)
        self._by_cluster_id.update({c.id: c for c in self.clusters})
        self._by_cluster_name.update({c.name.lower(): c for c in self.clusters})
        subs: dict[str, list[str]] = {}
        for c in self.classes:
            for s in c.superclasses:
                subs.setdefault(s.lower(), []).append(c.name)
            for cid in c.cluster_ids:
                if cid >= 0:
                    self._cluster_class[cid] = c.name
        self._subclasses.update({k: tuple(v) for k, v in subs.items()})

    # -- classes --------------------------------------------------------------
    def get_class(self, name: str) -> SchemaClass | None:
        return self._by_class.get(name.lower())

    def cls(self, name: str) -> SchemaClass:
        """The class called ``name``; raises UnknownClass."""
        c = self._by_class.get(name.lower())
        if c is None:
            raise UnknownClass(f"class '{name}' does not exist")
        return c

    def has_class(self, name: str) -> bool:
        return name.lower() in self._by_class

    def subclasses(self, name: str) -> tuple[str, ...]:
        """Direct subclasses."""
        return self._subclasses.get(name.lower(), ())

    def descendants(self, name: str) -> list[str]:
        """The class and every class inheriting from it, each once."""
        key = ("desc", name.lower())
        if key not in self._memo:
            seen: dict[str, None] = {}
            stack = [self.cls(name).name]
            while stack:
                n = stack.pop()
                if n.lower() in (s.lower() for s in seen):
                    continue
                seen[n] = None
                stack.extend(reversed(self.subclasses(n)))
            self._memo[key] = list(seen)
        return self._memo[key]

    def ancestors(self, name: str) -> list[str]:
        """The class and all its superclasses (nearest first), each once."""
        key = ("anc", name.lower())
        if key not in self._memo:
            out: list[str] = []
            stack = [self.cls(name).name]
            while stack:
                n = stack.pop(0)
                if any(o.lower() == n.lower() for o in out):
                    continue
                out.append(n)
                c = self.get_class(n)
                if c:
                    stack.extend(c.superclasses)
            self._memo[key] = out
        return self._memo[key]

    def is_subclass(self, name: str, of: str) -> bool:
        """True when ``name`` is ``of`` or inherits from it."""
        if not self.has_class(name):
            return name.lower() == of.lower()
        return any(a.lower() == of.lower() for a in self.ancestors(name))

    def properties(self, name: str) -> dict[str, Property]:
        """All properties of a class, inherited ones included, keyed by lower-case name."""
        key = ("props", name.lower())
        if key not in self._memo:
            out: dict[str, Property] = {}
            for anc in reversed(self.ancestors(name)):
                for p in self.cls(anc).properties:
                    out[p.name.lower()] = p
            self._memo[key] = out
        return self._memo[key]

    def property(self, class_name: str, prop: str) -> Property:
        p = self.properties(class_name).get(prop.lower())
        if p is None:
            raise UnknownProperty(f"property '{class_name}.{prop}' does not exist")
        return p

    def polymorphic_cluster_ids(self, name: str) -> list[int]:
        """Cluster ids of a class and its subclasses, ascending."""
        key = ("pcl", name.lower())
        if key not in self._memo:
            ids: set[int] = set()
            for n in self.descendants(name):
                ids.update(i for i in self.cls(n).cluster_ids if i >= 0)
            self._memo[key] = sorted(ids)
        return self._memo[key]

    def class_of_cluster(self, cluster_id: int) -> str | None:
        return self._cluster_class.get(cluster_id)

    def is_vertex_class(self, name: str) -> bool:
        return self.has_class("V") and self.is_subclass(name, "V")

    def is_edge_class(self, name: str) -> bool:
        return self.has_class("E") and self.is_subclass(name, "E")

    # -- clusters ----------------------------------------------------------------
    def cluster(self, key: int | str) -> Cluster:
        """A cluster by id or (case-insensitive) name; raises UnknownCluster."""
        if isinstance(key, int) or (isinstance(key, str) and key.lstrip("-").isdigit()):
            c = self._by_cluster_id.get(int(key))
        else:
            c = self._by_cluster_name.get(str(key).lower())
        if c is None:
            raise UnknownCluster(f"cluster '{key}' does not exist")
        return c

    def get_cluster(self, key: int | str) -> Cluster | None:
        try:
            return self.cluster(key)
        except UnknownCluster:
            return None

    # -- indexes -----------------------------------------------------------------
    def index(self, name: str) -> IndexDef:
        for ix in self.indexes:
            if ix.name.lower() == name.lower():
                return ix
        raise UnknownIndex(f"index '{name}' does not exist")

    def get_index(self, name: str) -> IndexDef | None:
        try:
            return self.index(name)
        except UnknownIndex:
            return None

    def indexes_of(self, class_name: str) -> list[IndexDef]:
        """Indexes that cover records of ``class_name`` (defined on it or an ancestor)."""
        key = ("ixof", class_name.lower())
        if key not in self._memo:
            if not self.has_class(class_name):
                self._memo[key] = []
            else:
                anc = {a.lower() for a in self.ancestors(class_name)}
                self._memo[key] = [ix for ix in self.indexes if ix.class_name.lower() in anc]
        return self._memo[key]

    def indexes_on(self, class_name: str) -> list[IndexDef]:
        """Indexes usable to query ``class_name`` polymorphically (defined on it or an ancestor)."""
        return self.indexes_of(class_name)


def sorted_classes(classes: Iterable[SchemaClass]) -> list[SchemaClass]:
    """Classes in OrientDB's export order (by name, case-sensitive)."""
    return sorted(classes, key=lambda c: c.name)
