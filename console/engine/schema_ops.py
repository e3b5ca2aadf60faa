"""Schema changes: clusters, classes, properties, indexes, truncation.

Mixed into :class:`console.engine.database.EmbeddedDatabase`. Every change
runs in one SQLite transaction (DDL included), bumps the schema version and
installs a fresh :class:`Schema` snapshot.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Iterable, Sequence

import orjson

from console.engine import indexing
from console.engine.document import Document
from console.engine.rid import MAX_CLUSTER_ID, POSITION_BITS, cluster_range
from console.engine.schema import Cluster, IndexDef, IndexField, Property, Schema, SchemaClass
from console.engine.security import CREATE, DELETE, UPDATE
from console.engine.types import OType
from console.engine.validation import Mismatch, convert, parse_datetime, short_value
from console.errors import SchemaError, UniqueViolation, UnknownProperty, ValidationError

if TYPE_CHECKING:
    from console.engine.database import EmbeddedDatabase

NAME_RE = re.compile(r"^[^\s\x00-\x1f:,;@=.#%`'\"()\[\]{}\\]+$")
INDEX_TYPES = (
    "UNIQUE", "NOTUNIQUE", "FULLTEXT", "DICTIONARY",
    "UNIQUE_HASH_INDEX", "NOTUNIQUE_HASH_INDEX", "FULLTEXT_HASH_INDEX", "DICTIONARY_HASH_INDEX",
)
CLUSTER_SELECTIONS = ("round-robin", "default", "balanced")


def load_schema(conn: sqlite3.Connection) -> Schema:
    """Read the schema tables into a snapshot."""
    row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    version = int(row[0]) if row else 0
    clusters = tuple(Cluster(i, n, bool(b)) for i, n, b in
                     conn.execute("SELECT id, name, blob FROM clusters ORDER BY id"))
    classes = tuple(SchemaClass.from_json(orjson.loads(d)) for (d,) in
                    conn.execute("SELECT def FROM classes ORDER BY name"))
    indexes = tuple(IndexDef.from_json(orjson.loads(d)) for (d,) in
                    conn.execute("SELECT def FROM indexes ORDER BY name"))
    return Schema(version, clusters, classes, indexes)


def check_name(kind: str, name: str) -> str:
    if not name or not NAME_RE.match(name):
        raise SchemaError(f"invalid {kind} name '{name}': use letters, digits, '_' or '$' (no spaces or punctuation)")
    return name


class SchemaOperations:
    """DDL on an embedded database."""

    # -- persistence helpers ---------------------------------------------------
    def _bump(self: "EmbeddedDatabase", conn: sqlite3.Connection) -> None:
        row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES('schema_version', ?)",
                     (int(row[0]) + 1 if row else 1,))
        self._set_schema(load_schema(conn))

    @staticmethod
    def _save_class(conn: sqlite3.Connection, cls: SchemaClass) -> None:
        conn.execute("INSERT OR REPLACE INTO classes(name, def) VALUES(?, ?)",
                     (cls.name, orjson.dumps(cls.to_json()).decode()))

    @staticmethod
    def _save_index(conn: sqlite3.Connection, ix: IndexDef) -> None:
        conn.execute("INSERT OR REPLACE INTO indexes(name, def) VALUES(?, ?)",
                     (ix.name, orjson.dumps(ix.to_json()).decode()))

    def _schema_check(self: "EmbeddedDatabase", op: int) -> None:
        self._check("database.schema", None, op)

    # -- clusters ----------------------------------------------------------------
    def create_cluster(self: "EmbeddedDatabase", name: str, cluster_id: int | None = None, *, blob: bool = False) -> int:
        """Create a cluster (at ``cluster_id`` when given) and return its id."""
        check_name("cluster", name)
        self._schema_check(CREATE)
        with self._write() as conn:
            return self._create_cluster(conn, name, cluster_id, blob)

    def _create_cluster(self: "EmbeddedDatabase", conn: sqlite3.Connection, name: str,
                        cluster_id: int | None, blob: bool = False, bump: bool = True) -> int:
        if self._schema.get_cluster(name) is not None or conn.execute(
                "SELECT 1 FROM clusters WHERE name = ?", (name,)).fetchone():
            raise SchemaError(f"cluster '{name}' already exists")
        if cluster_id is None:
            row = conn.execute("SELECT max(id) FROM clusters").fetchone()
            cluster_id = 0 if row[0] is None else row[0] + 1
        elif conn.execute("SELECT 1 FROM clusters WHERE id = ?", (cluster_id,)).fetchone():
            raise SchemaError(f"cluster id {cluster_id} is already in use")
        if not 0 <= cluster_id <= MAX_CLUSTER_ID:
            raise SchemaError(f"cluster id {cluster_id} is out of range 0..{MAX_CLUSTER_ID}")
        conn.execute("INSERT INTO clusters(id, name, next_pos, blob) VALUES(?, ?, 0, ?)",
                     (cluster_id, name.lower(), int(blob)))
        if bump:
            self._bump(conn)
        return cluster_id

    def drop_cluster(self: "EmbeddedDatabase", cluster: int | str) -> None:
        """Drop a cluster and its records; a class's last cluster cannot go."""
        self._schema_check(DELETE)
        with self._write() as conn:
            schema = self._schema
            c = schema.cluster(cluster)
            owner = schema.class_of_cluster(c.id)
            if owner is not None:
                cls = schema.cls(owner)
                if len(cls.cluster_ids) == 1:
                    raise SchemaError(f"cluster '{c.name}' is the only cluster of class {owner}; drop the class instead")
                ids = tuple(i for i in cls.cluster_ids if i != c.id)
                default = cls.default_cluster_id if cls.default_cluster_id in ids else ids[0]
                self._save_class(conn, replace(cls, cluster_ids=ids, default_cluster_id=default))
            self._clear_clusters(conn, [c.id], owner)
            conn.execute("DELETE FROM clusters WHERE id = ?", (c.id,))
            self._bump(conn)

    def _clear_clusters(self: "EmbeddedDatabase", conn: sqlite3.Connection, ids: Iterable[int],
                        class_name: str | None) -> int:
        n = 0
        schema = self._schema
        affected = [ix for ix in schema.indexes
                    if class_name and schema.has_class(class_name)
                    and any(schema.is_subclass(c, ix.class_name) for c in schema.descendants(class_name))]
        for cid in ids:
            lo, hi = cluster_range(cid)
            for ix in affected:
                conn.execute(f'DELETE FROM "{ix.table}" WHERE rid BETWEEN ? AND ?', (lo, hi))
            n += conn.execute("DELETE FROM records WHERE rid BETWEEN ? AND ?", (lo, hi)).rowcount
        return n

    # -- classes -----------------------------------------------------------------
    def create_class(
        self: "EmbeddedDatabase",
        name: str,
        superclasses: Sequence[str] = (),
        *,
        clusters: int | None = None,
        cluster_ids: Sequence[int] | None = None,
        abstract: bool = False,
        if_not_exists: bool = False,
    ) -> SchemaClass:
        """Create a class; a concrete class gets ``clusters`` new clusters (default 1)."""
        check_name("class", name)
        self._schema_check(CREATE)
        with self._write() as conn:
            schema = self._schema
            existing = schema.get_class(name)
            if existing is not None:
                if if_not_exists:
                    return existing
                raise SchemaError(f"class {existing.name} already exists")
            supers = tuple(schema.cls(s).name for s in superclasses)
            ids: list[int] = []
            if not abstract:
                if cluster_ids:
                    for cid in cluster_ids:
                        c = schema.cluster(cid)
                        owner = schema.class_of_cluster(c.id)
                        if owner is not None:
                            raise SchemaError(f"cluster '{c.name}' already belongs to class {owner}")
                        ids.append(c.id)
                else:
                    count = clusters if clusters is not None else int(self._storage.get_meta("minimum_clusters", 1))
                    if count < 1:
                        raise SchemaError("a concrete class needs at least one cluster")
                    for i in range(count):
                        ids.append(self._create_cluster(conn, self._free_cluster_name(conn, name.lower()), None, bump=False))
            cls = SchemaClass(
                name=name, superclasses=supers, cluster_ids=tuple(ids),
                default_cluster_id=ids[0] if ids else -1, abstract=abstract)
            self._save_class(conn, cls)
            self._bump(conn)
            return self._schema.cls(name)

    @staticmethod
    def _free_cluster_name(conn: sqlite3.Connection, base: str) -> str:
        taken = {n for (n,) in conn.execute("SELECT lower(name) FROM clusters")}
        if base not in taken:
            return base
        i = 1
        while f"{base}_{i}" in taken:
            i += 1
        return f"{base}_{i}"

    def alter_class(self: "EmbeddedDatabase", name: str, attribute: str, value: Any) -> SchemaClass:
        """Change one attribute of a class (NAME, SUPERCLASS, STRICTMODE, ...)."""
        self._schema_check(UPDATE)
        attr = attribute.strip().upper().replace("_", "")
        with self._write() as conn:
            schema = self._schema
            cls = schema.cls(name)
            text = None if value is None else str(value).strip()
            if attr == "NAME":
                new = check_name("class", _unquote(text))
                if schema.has_class(new) and new.lower() != cls.name.lower():
                    raise SchemaError(f"class {new} already exists")
                self._rename_class(conn, cls, new)
                self._bump(conn)
                return self._schema.cls(new)
            if attr in ("SUPERCLASS", "SUPERCLASSES"):
                updated = replace(cls, superclasses=self._new_supers(cls, attr, text or ""))
            elif attr == "STRICTMODE":
                updated = replace(cls, strict=_truthy(text))
            elif attr == "ABSTRACT":
                abstract = _truthy(text)
                if abstract and self.count_class(cls.name, polymorphic=False):
                    raise SchemaError(f"class {cls.name} has records: it cannot become abstract")
                ids = cls.cluster_ids
                if not abstract and not ids:
                    ids = (self._create_cluster(conn, self._free_cluster_name(conn, cls.name.lower()), None, bump=False),)
                updated = replace(cls, abstract=abstract, cluster_ids=() if abstract else ids,
                                  default_cluster_id=-1 if abstract else ids[0])
            elif attr == "CLUSTERSELECTION":
                sel = _unquote(text or "").lower()
                if sel not in CLUSTER_SELECTIONS:
                    raise SchemaError(f"unknown cluster selection '{sel}' (valid: {', '.join(CLUSTER_SELECTIONS)})")
                updated = replace(cls, cluster_selection=sel)
            elif attr == "ADDCLUSTER":
                c = schema.get_cluster(_unquote(text or ""))
                cid = c.id if c else self._create_cluster(conn, check_name("cluster", _unquote(text or "")), None, bump=False)
                owner = schema.class_of_cluster(cid)
                if owner and owner.lower() != cls.name.lower():
                    raise SchemaError(f"cluster {cid} already belongs to class {owner}")
                updated = replace(cls, cluster_ids=tuple(dict.fromkeys(cls.cluster_ids + (cid,))),
                                  default_cluster_id=cls.default_cluster_id if cls.cluster_ids else cid, abstract=False)
            elif attr == "REMOVECLUSTER":
                cid = schema.cluster(_unquote(text or "")).id
                if cid not in cls.cluster_ids:
                    raise SchemaError(f"cluster {cid} does not belong to class {cls.name}")
                ids = tuple(i for i in cls.cluster_ids if i != cid)
                if not ids and not cls.abstract:
                    raise SchemaError(f"cluster {cid} is the only cluster of class {cls.name}")
                updated = replace(cls, cluster_ids=ids,
                                  default_cluster_id=cls.default_cluster_id if cls.default_cluster_id in ids else (ids[0] if ids else -1))
            elif attr == "DEFAULTCLUSTER":
                cid = schema.cluster(_unquote(text or "")).id
                if cid not in cls.cluster_ids:
                    raise SchemaError(f"cluster {cid} does not belong to class {cls.name}")
                updated = replace(cls, default_cluster_id=cid)
            elif attr == "SHORTNAME":
                sn = _unquote(text or "") or None
                if sn and schema.has_class(sn) and schema.cls(sn).name != cls.name:
                    raise SchemaError(f"short name {sn} is already used by class {schema.cls(sn).name}")
                updated = replace(cls, short_name=sn if sn and sn.lower() != "null" else None)
            elif attr == "OVERSIZE":
                updated = replace(cls, oversize=float(text or 0))
            elif attr == "DESCRIPTION":
                updated = replace(cls, description=_unquote(text or "") or None)
            elif attr == "CUSTOM":
                key, _, val = (text or "").partition("=")
                custom = dict(cls.custom)
                val = _unquote(val.strip())
                if val.lower() in ("", "null"):
                    custom.pop(key.strip(), None)
                else:
                    custom[key.strip()] = val
                updated = replace(cls, custom=tuple(sorted(custom.items())))
            else:
                raise SchemaError(
                    f"unknown class attribute '{attribute}' (valid: NAME, SHORTNAME, SUPERCLASS, SUPERCLASSES, "
                    "STRICTMODE, ABSTRACT, CLUSTERSELECTION, ADDCLUSTER, REMOVECLUSTER, DEFAULTCLUSTER, "
                    "OVERSIZE, DESCRIPTION, CUSTOM)")
            self._save_class(conn, updated)
            self._bump(conn)
            return self._schema.cls(cls.name)

    def _new_supers(self: "EmbeddedDatabase", cls: SchemaClass, attr: str, text: str) -> tuple[str, ...]:
        schema = self._schema
        supers = list(cls.superclasses)
        if attr == "SUPERCLASSES":
            names = [s.strip() for s in text.split(",") if s.strip()]
            supers = [] if names in ([], ["null"], ["NULL"]) else [schema.cls(_unquote(s)).name for s in names]
        else:
            t = text.strip()
            if t.lower() == "null":
                supers = []
            elif t.startswith("-"):
                target = schema.cls(_unquote(t[1:])).name
                supers = [s for s in supers if s.lower() != target.lower()]
            else:
                target = schema.cls(_unquote(t.lstrip("+"))).name
                if t.startswith("+"):
                    if target not in supers:
                        supers.append(target)
                else:
                    supers = [target]
        for s in supers:
            if schema.is_subclass(s, cls.name):
                raise SchemaError(f"class {s} inherits from {cls.name}: that would make a cycle")
        return tuple(supers)

    def _rename_class(self: "EmbeddedDatabase", conn: sqlite3.Connection, cls: SchemaClass, new: str) -> None:
        old = cls.name
        conn.execute("DELETE FROM classes WHERE name = ?", (old,))
        self._save_class(conn, replace(cls, name=new))
        for other in self._schema.classes:
            if any(s.lower() == old.lower() for s in other.superclasses):
                supers = tuple(new if s.lower() == old.lower() else s for s in other.superclasses)
                self._save_class(conn, replace(other, superclasses=supers))
            changed = tuple(replace(p, linked_class=new) if p.linked_class and p.linked_class.lower() == old.lower()
                            else p for p in other.properties)
            if changed != other.properties and other.name != old:
                self._save_class(conn, replace(other, properties=changed))
        for ix in self._schema.indexes:
            if ix.class_name.lower() == old.lower():
                self._save_index(conn, replace(ix, class_name=new))
        conn.execute("UPDATE records SET cls = ? WHERE cls = ?", (new, old))

    def drop_class(self: "EmbeddedDatabase", name: str, *, if_exists: bool = False, unsafe: bool = False,
                   allow_system: bool = False) -> bool:
        """Drop a class, its clusters, records and indexes."""
        self._schema_check(DELETE)
        with self._write() as conn:
            schema = self._schema
            cls = schema.get_class(name)
            if cls is None:
                if if_exists:
                    return False
                schema.cls(name)
            assert cls is not None
            subs = schema.subclasses(cls.name)
            if subs:
                raise SchemaError(f"class {cls.name} has subclasses ({', '.join(subs)}): drop them first")
            if cls.name in ("V", "E", "OUser", "ORole", "OIdentity") and not allow_system:
                raise SchemaError(f"class {cls.name} is a system class and cannot be dropped")
            for other in schema.classes:
                for p in other.properties:
                    if p.linked_class and p.linked_class.lower() == cls.name.lower() and other.name != cls.name:
                        raise SchemaError(f"property {other.name}.{p.name} links to class {cls.name}: drop or alter it first")
            ids = [i for i in cls.cluster_ids if i >= 0]
            if not unsafe and (schema.is_vertex_class(cls.name) or schema.is_edge_class(cls.name)):
                if any(self.count_cluster(i) for i in ids):
                    kind = "vertices" if schema.is_vertex_class(cls.name) else "edges"
                    raise SchemaError(
                        f"class {cls.name} holds {kind}; delete them first or use DROP CLASS {cls.name} UNSAFE")
            self._clear_clusters(conn, ids, cls.name)
            for ix in schema.indexes:
                if ix.class_name.lower() == cls.name.lower():
                    indexing.drop_table(conn, ix)
                    conn.execute("DELETE FROM indexes WHERE name = ?", (ix.name,))
            for cid in ids:
                conn.execute("DELETE FROM clusters WHERE id = ?", (cid,))
            conn.execute("DELETE FROM classes WHERE name = ?", (cls.name,))
            self._bump(conn)
            self._rr.pop(cls.name, None)
            return True

    # -- properties -------------------------------------------------------------
    def create_property(
        self: "EmbeddedDatabase",
        class_name: str,
        name: str,
        otype: OType | str,
        *,
        linked_class: str | None = None,
        linked_type: OType | str | None = None,
        if_not_exists: bool = False,
        **constraints: Any,
    ) -> Property:
        """Declare a property; constraints: mandatory, not_null, readonly, min, max, regexp, default, collate."""
        check_name("property", name)
        self._schema_check(UPDATE)
        otype = OType.parse(otype) if isinstance(otype, str) else otype
        with self._write() as conn:
            schema = self._schema
            cls = schema.cls(class_name)
            existing = schema.properties(cls.name).get(name.lower())
            if existing is not None:
                if if_not_exists:
                    return existing
                raise SchemaError(f"property {cls.name}.{existing.name} already exists")
            lc, lt = self._linked(otype, linked_class, linked_type)
            prop = Property(name=name, type=otype, linked_class=lc, linked_type=lt)
            for key, value in constraints.items():
                prop = _set_constraint(prop, key, value, cls.name)
            self._save_class(conn, cls.with_property(prop))
            self._bump(conn)
            return self._schema.property(cls.name, name)

    def _linked(self: "EmbeddedDatabase", otype: OType, linked_class: str | None,
                linked_type: OType | str | None) -> tuple[str | None, OType | None]:
        lc = None
        lt = OType.parse(linked_type) if isinstance(linked_type, str) else linked_type
        if linked_class:
            try:
                lt_guess = OType.parse(linked_class)
            except Exception:
                lt_guess = None
            if lt_guess is not None and not self._schema.has_class(linked_class):
                lt = lt_guess
            else:
                lc = self._schema.cls(linked_class).name
        if lc and not (otype.is_link or otype in (OType.EMBEDDED, OType.EMBEDDEDLIST, OType.EMBEDDEDSET, OType.EMBEDDEDMAP)):
            raise SchemaError(f"a linked class makes no sense for type {otype.name}")
        if lt and otype not in (OType.EMBEDDEDLIST, OType.EMBEDDEDSET, OType.EMBEDDEDMAP):
            raise SchemaError(f"a linked type makes no sense for type {otype.name}")
        return lc, lt

    def alter_property(self: "EmbeddedDatabase", class_name: str, name: str, attribute: str, value: Any) -> Property:
        """Change one attribute of a property (MANDATORY, MIN, TYPE, NAME, ...)."""
        self._schema_check(UPDATE)
        with self._write() as conn:
            schema = self._schema
            cls = schema.cls(class_name)
            prop = cls.own_property(name)
            if prop is None:
                if name.lower() in schema.properties(cls.name):
                    raise SchemaError(f"property {name} is inherited: alter it on its own class")
                raise UnknownProperty(f"property '{cls.name}.{name}' does not exist")
            attr = attribute.strip().lower().replace("_", "")
            text = None if value is None else _unquote(str(value).strip())
            if attr == "name":
                new = check_name("property", text or "")
                updated = replace(prop, name=new)
                cls = cls.without_property(prop.name)
            elif attr == "type":
                updated = replace(prop, type=OType.parse(text or ""))
            elif attr == "linkedclass":
                updated = replace(prop, linked_class=None if (text or "").lower() == "null" else schema.cls(text or "").name)
            elif attr == "linkedtype":
                updated = replace(prop, linked_type=None if (text or "").lower() == "null" else OType.parse(text or ""))
            elif attr == "custom":
                key, _, val = (text or "").partition("=")
                custom = dict(prop.custom)
                val = _unquote(val.strip())
                if val.lower() in ("", "null"):
                    custom.pop(key.strip(), None)
                else:
                    custom[key.strip()] = val
                updated = replace(prop, custom=tuple(sorted(custom.items())))
            elif attr == "description":
                updated = replace(prop, description=text)
            else:
                updated = _set_constraint(prop, attr, text, cls.name)
            retyped = self._values_as(cls.name, prop, updated) if updated.type is not prop.type else []
            self._save_class(conn, cls.with_property(updated))
            self._bump(conn)
            if retyped:
                self._store_retyped(conn, cls.name, updated, retyped)
            return self._schema.property(cls.name, updated.name)

    def _values_as(self: "EmbeddedDatabase", class_name: str, old: Property, new: Property) -> list[Document]:
        """The records (of the class and its subclasses) whose value of the property must be
        stored again under the new type; a value the new type cannot hold refuses the change,
        as OrientDB refuses a cast it cannot make."""
        out = []
        for doc in self.browse_class(class_name):
            if not isinstance(doc, Document) or doc.fields.get(old.name) is None:
                continue
            value = doc.fields[old.name]
            try:
                converted = convert(value, new.type, new.linked_type)
            except Mismatch:
                raise SchemaError(
                    f"cannot change {class_name}.{old.name} from {old.type.name} to {new.type.name}: record "
                    f"{doc.rid} holds {short_value(value)}, which is not valid as {new.type.name}") from None
            doc.fields[old.name] = converted
            doc.types[old.name] = new.type
            out.append(doc)
        return out

    def _store_retyped(self: "EmbeddedDatabase", conn: sqlite3.Connection, class_name: str, prop: Property,
                       docs: list[Document]) -> None:
        """Write the converted values and rebuild the indexes over the property (a UNIQUE
        index refuses values that became equal, and the whole change is undone)."""
        try:
            for doc in docs:
                self._update(conn, doc, False)
            schema = self._schema
            for ix in schema.indexes:
                if schema.is_subclass(class_name, ix.class_name) or schema.is_subclass(ix.class_name, class_name):
                    if any(f.name.lower() == prop.name.lower() for f in ix.fields):
                        conn.execute(f'DELETE FROM "{ix.table}"')
                        self._fill_index(conn, ix)
        except UniqueViolation as exc:
            raise UniqueViolation(f"cannot change {class_name}.{prop.name} to {prop.type.name}: {exc}") from None

    def drop_property(self: "EmbeddedDatabase", class_name: str, name: str, *,
                      if_exists: bool = False, force: bool = False) -> bool:
        self._schema_check(UPDATE)
        with self._write() as conn:
            schema = self._schema
            cls = schema.cls(class_name)
            prop = cls.own_property(name)
            if prop is None:
                if if_exists:
                    return False
                raise UnknownProperty(f"property '{cls.name}.{name}' does not exist")
            using = [ix for ix in schema.indexes
                     if ix.class_name.lower() == cls.name.lower()
                     and any(f.name.lower() == name.lower() for f in ix.fields)]
            if using and not force:
                raise SchemaError(
                    f"property {cls.name}.{prop.name} is used by index {using[0].name}: drop the index first or use FORCE")
            for ix in using:
                indexing.drop_table(conn, ix)
                conn.execute("DELETE FROM indexes WHERE name = ?", (ix.name,))
            self._save_class(conn, cls.without_property(prop.name))
            self._bump(conn)
            return True

    # -- indexes -------------------------------------------------------------
    def create_index(
        self: "EmbeddedDatabase",
        name: str | None,
        class_name: str,
        fields: Sequence[str | tuple[str, str]],
        index_type: str = "NOTUNIQUE",
        *,
        metadata: dict[str, Any] | None = None,
        key_types: Sequence[str] = (),
        algorithm: str | None = None,
        if_not_exists: bool = False,
        require_properties: bool = True,
    ) -> IndexDef:
        """Create and build an index over a class and its subclasses."""
        self._schema_check(CREATE)
        itype = index_type.strip().upper()
        if itype not in INDEX_TYPES:
            raise SchemaError(f"unsupported index type '{index_type}' (valid: {', '.join(INDEX_TYPES)})")
        with self._write() as conn:
            schema = self._schema
            cls = schema.cls(class_name)
            if not fields:
                raise SchemaError("an index needs at least one property")
            parts: list[IndexField] = []
            props = schema.properties(cls.name)
            for f in fields:
                fname, collate = (f, None) if isinstance(f, str) else f
                by = None
                m = re.match(r"^\s*(\S+)\s+by\s+(key|value)\s*$", fname, re.I)
                if m:
                    fname, by = m.group(1), m.group(2).lower()
                prop = props.get(fname.lower()) or props.get(fname.split(".")[0].lower())
                if prop is None and require_properties:
                    raise SchemaError(
                        f"cannot index {cls.name}.{fname}: the property does not exist (create it first)")
                if collate is None:
                    collate = prop.collate if prop is not None else "default"
                parts.append(IndexField(prop.name if prop is not None and "." not in fname else fname, collate or "default", by))
            ix_name = name or f"{cls.name}.{parts[0].name}"
            if not NAME_RE.match(ix_name.replace(".", "")):
                raise SchemaError(f"invalid index name '{ix_name}'")
            existing = schema.get_index(ix_name)
            if existing is not None:
                if if_not_exists:
                    return existing
                raise SchemaError(f"index {existing.name} already exists")
            seq = int(self._storage.get_meta("index_seq", 0)) + 1
            self._storage.set_meta("index_seq", seq)
            meta = dict(metadata or {})
            ignore = meta.get("ignoreNullValues", True)
            ix = IndexDef(
                name=ix_name, type=itype, class_name=cls.name, fields=tuple(parts), table=f"ix_{seq}",
                key_types=tuple(key_types) or indexing.key_types_for(schema, cls.name, [p.name for p in parts]),
                ignore_nulls=bool(ignore) if not isinstance(ignore, str) else ignore.lower() != "false",
                algorithm=algorithm, metadata=tuple(meta.items()))
            indexing.create_table(conn, ix)
            self._save_index(conn, ix)
            self._fill_index(conn, ix)
            self._bump(conn)
            return self._schema.index(ix_name)

    def _fill_index(self: "EmbeddedDatabase", conn: sqlite3.Connection, ix: IndexDef) -> int:
        schema = self._schema
        if not schema.has_class(ix.class_name):
            return 0
        names = schema.descendants(ix.class_name)
        marks = ",".join("?" * len(names))
        rows: list[tuple[Any, ...]] = []
        n = 0
        from console.engine.codec import decode_body

        for cid in schema.polymorphic_cluster_ids(ix.class_name):
            lo, hi = cluster_range(cid)
            for key, cls, data in conn.execute(
                    f"SELECT rid, cls, data FROM records WHERE rid BETWEEN ? AND ? AND kind = 0 AND cls IN ({marks})",
                    (lo, hi, *names)):
                fields, _ = decode_body(data, self._prop_types(cls))
                rows.extend(k + (key,) for k in indexing.index_keys(ix, fields))
                if len(rows) >= 10000:
                    indexing.add_entries(conn, ix, rows)
                    n += len(rows)
                    rows = []
        indexing.add_entries(conn, ix, rows)
        return n + len(rows)

    def drop_index(self: "EmbeddedDatabase", name: str, *, if_exists: bool = False) -> bool:
        self._schema_check(DELETE)
        with self._write() as conn:
            ix = self._schema.get_index(name)
            if ix is None:
                if if_exists:
                    return False
                self._schema.index(name)
            assert ix is not None
            indexing.drop_table(conn, ix)
            conn.execute("DELETE FROM indexes WHERE name = ?", (ix.name,))
            self._bump(conn)
            return True

    def rebuild_index(self: "EmbeddedDatabase", name: str) -> int:
        """Rebuild one index (or every index for ``*``); returns entries written."""
        self._schema_check(UPDATE)
        with self._write() as conn:
            targets = list(self._schema.indexes) if name.strip() == "*" else [self._schema.index(name)]
            total = 0
            for ix in targets:
                conn.execute(f'DELETE FROM "{ix.table}"')
                total += self._fill_index(conn, ix)
            return total

    def index_size(self: "EmbeddedDatabase", name: str) -> int:
        return indexing.count_entries(self.conn, self.schema.index(name))

    def index_lookup(self: "EmbeddedDatabase", ix: IndexDef, op: str, values: tuple[Any, ...]) -> Iterable[int]:
        """Packed RIDs from an index (the query layer's entry point)."""
        return indexing.lookup(self.conn, ix, op, values)

    # -- truncation ----------------------------------------------------------
    def truncate_class(self: "EmbeddedDatabase", name: str, *, polymorphic: bool = False, unsafe: bool = False) -> int:
        """Delete every record of a class (and subclasses when polymorphic)."""
        with self._write() as conn:
            schema = self._schema
            cls = schema.cls(name)
            self._check("database.class", cls.name, DELETE)
            names = schema.descendants(cls.name) if polymorphic else [cls.name]
            if not polymorphic and len(schema.descendants(cls.name)) > 1:
                if any(self.count_class(n, polymorphic=False) for n in schema.descendants(cls.name)[1:]):
                    raise SchemaError(f"class {cls.name} has subclasses with records: use TRUNCATE CLASS {cls.name} POLYMORPHIC")
            if not unsafe and (schema.is_vertex_class(cls.name) or schema.is_edge_class(cls.name)):
                if self.count_class(cls.name, polymorphic=polymorphic):
                    raise SchemaError(
                        f"class {cls.name} is a graph class: truncating it leaves dangling edges; use UNSAFE to force")
            n = 0
            for cname in names:
                c = schema.cls(cname)
                n += self._clear_clusters(conn, [i for i in c.cluster_ids if i >= 0], cname)
            return n

    def truncate_cluster(self: "EmbeddedDatabase", cluster: int | str) -> int:
        with self._write() as conn:
            schema = self._schema
            c = schema.cluster(cluster)
            owner = schema.class_of_cluster(c.id)
            if owner:
                self._check("database.class", owner, DELETE)
            self._check("database.cluster", c.name, DELETE)
            return self._clear_clusters(conn, [c.id], owner)

    def set_minimum_clusters(self: "EmbeddedDatabase", n: int) -> None:
        """How many clusters CREATE CLASS gives a class by default."""
        self._schema_check(UPDATE)
        if n < 1:
            raise SchemaError("minimum clusters must be at least 1")
        with self._write():
            self._storage.set_meta("minimum_clusters", int(n))


# --- helpers ------------------------------------------------------------------

def _unquote(text: str | None) -> str:
    if text is None:
        return ""
    t = text.strip()
    if len(t) >= 2 and t[0] == t[-1] and t[0] in "'\"`":
        return t[1:-1]
    return t


def _truthy(text: str | None) -> bool:
    t = _unquote(text).lower()
    if t in ("true", "1", "yes", "on", ""):
        return True
    if t in ("false", "0", "no", "off"):
        return False
    raise SchemaError(f"expected true or false, got '{text}'")


def _set_constraint(prop: Property, key: str, value: Any, class_name: str) -> Property:
    k = key.strip().lower().replace("_", "")
    text = None if value is None else _unquote(str(value) if not isinstance(value, bool) else str(value).lower())
    if k == "mandatory":
        return replace(prop, mandatory=_truthy(text))
    if k == "notnull":
        return replace(prop, not_null=_truthy(text))
    if k == "readonly":
        return replace(prop, readonly=_truthy(text))
    if k in ("min", "max"):
        if text is None or text.lower() == "null":
            return replace(prop, **{k: None})
        _check_bound(prop, text, class_name)
        return replace(prop, **{k: text})
    if k == "regexp":
        if text is None or text.lower() == "null":
            return replace(prop, regexp=None)
        try:
            re.compile(text)
        except re.error as exc:
            raise SchemaError(f"invalid regular expression '{text}' for {class_name}.{prop.name}: {exc}") from None
        return replace(prop, regexp=text)
    if k == "default":
        if text is None or text.lower() == "null":
            return replace(prop, default=None)
        if text.lower() not in ("sysdate()", "now()"):
            try:
                convert(text, prop.type, prop.linked_type)
            except Mismatch:
                raise SchemaError(f"default value '{text}' is not a valid {prop.type.name} for {class_name}.{prop.name}") from None
        return replace(prop, default=text)
    if k == "collate":
        c = (text or "default").lower()
        if c not in ("default", "ci"):
            raise SchemaError(f"unknown collate '{text}' (valid: default, ci)")
        return replace(prop, collate=c)
    raise SchemaError(
        f"unknown property attribute '{key}' (valid: MANDATORY, NOTNULL, READONLY, MIN, MAX, REGEXP, DEFAULT, "
        "COLLATE, NAME, TYPE, LINKEDCLASS, LINKEDTYPE, CUSTOM, DESCRIPTION)")


def _check_bound(prop: Property, text: str, class_name: str) -> None:
    try:
        if prop.type in (OType.STRING, OType.BINARY) or prop.type.is_collection:
            int(text)
        elif prop.type in (OType.DATE, OType.DATETIME):
            parse_datetime(text)
        elif prop.type.is_numeric:
            float(text)
    except (ValueError, Mismatch):
        raise SchemaError(f"'{text}' is not a valid bound for {class_name}.{prop.name} ({prop.type.name})") from None


__all__ = ["SchemaOperations", "load_schema", "Document", "POSITION_BITS", "ValidationError"]
