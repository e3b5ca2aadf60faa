"""IMPORT DATABASE: load an OrientDB JSON export, all or nothing.

Everything happens in one transaction of the target database: on any error,
or Ctrl-C, the database is exactly as before. Records keep their RIDs where
they can; otherwise they move (a whole cluster to a new id, or single records
to new positions) and every link is rewritten, at any depth. The old→new map
and the link bookkeeping live in a scratch SQLite file, not in memory.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

import orjson

from console.engine.document import Document
from console.engine.rid import POSITION_BITS, POSITION_MASK, RID, RID_RE
from console.engine.schema import IndexField, Property, SchemaClass
from console.engine.schema_ops import NAME_RE
from console.engine.security import CREATE, UPDATE
from console.engine.types import OType
from console.errors import Cancelled, OrientError, SchemaError
from console.transfer import links
from console.transfer.import_records import SKIPPED_CLUSTERS, RecordLoader, decimal_default, key_text, rid_key
from console.transfer.options import ImportOptions
from console.transfer.reader import ExportReader, ImportFormatError
from console.transfer.scratch import Scratch

Say = Callable[[str], None]
SECURITY_CLASSES = ("OUser", "ORole", "OIdentity", "OSecurityPolicy")
_SECURITY_NAMES = frozenset(c.lower() for c in SECURITY_CLASSES)
RID_MAP_CLASS = "___exportImportRIDMap"
_LINK_LETTER = {OType.LINK: "x", OType.LINKLIST: "z", OType.LINKSET: "n", OType.LINKBAG: "g", OType.LINKMAP: "m"}


@dataclass
class ImportSummary:
    records: int = 0
    skipped: int = 0
    links_rewritten: int = 0
    links_removed: int = 0
    clusters: int = 0
    classes: int = 0
    indexes: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)


class Importer:
    """One IMPORT DATABASE run into an embedded database."""

    def __init__(self, db: Any, path: Path, options: ImportOptions, *, say: Say = lambda s: None,
                 progress: Any = None) -> None:
        self.db = db
        self.path = Path(path)
        self.o = options
        self.say = say
        self.progress = progress
        self.summary = ImportSummary()
        self.cluster_map: dict[int, int] = {}      # file cluster id -> target id (positions kept)
        self.record_mapped: set[int] = set()        # file cluster ids whose records get new positions
        self.file_clusters: dict[int, str] = {}     # file cluster id -> name
        self.excluded_clusters: set[int] = set()
        self.broken: set[int] = set()
        self.exporter_version = 12
        self.security_names: dict[tuple[str, str], int] = {}
        self.truncated: set[int] = set()
        self.to_empty: set[int] = set()
        self.imported_classes: set[str] = set()
        self.recreated: set[str] = set()
        self._link_props: dict[str, dict[str, str]] = {}
        self.loader: RecordLoader | None = None
        self.scratch: Scratch | None = None

    # -- entry point ---------------------------------------------------------------------
    def run(self) -> ImportSummary:
        started = time.perf_counter()
        db = self.db
        db.check_permission("database.schema", None, UPDATE)
        db.check_permission("database.class", None, CREATE)
        reader = ExportReader(self.path, exact_decimals=False)
        self.scratch = Scratch()
        try:
            self.say(f"Importing database {self.path}...")
            with db._write(), db.cache_limit():
                self._run(reader)
        except KeyboardInterrupt:
            raise Cancelled("import cancelled; the database is unchanged") from None
        finally:
            reader.close()
            self.scratch.close()
            db._refresh_schema(force=True)
        self.summary.seconds = time.perf_counter() - started
        self.say(f"Database import completed in {int(self.summary.seconds * 1000)} ms")
        return self.summary

    def _run(self, reader: ExportReader) -> None:
        seen_sections: list[str] = []
        for section in reader.sections():
            name = section.name
            seen_sections.append(name)
            if name == "info":
                self._info(section.value)
            elif name == "clusters":
                self._clusters(section.value)
            elif name == "schema":
                if "clusters" not in seen_sections:
                    self._ensure_cleared()
                self._schema(section.value)
            elif name == "records":
                if "schema" not in seen_sections and "clusters" not in seen_sections:
                    self._ensure_cleared()
                self._records(section.value)
            elif name == "brokenRids":
                self._broken(section.value)
            elif name == "indexes":
                self._finish_records()
                self._indexes(section.value)
            elif name == "manualIndexes":
                self._manual(section.value)
        if "indexes" not in seen_sections:
            self._finish_records()
        if not seen_sections:
            raise ImportFormatError(f"'{self.path}' holds no export sections")
        if not self.o.deleteRIDMapping:
            self._keep_rid_map()
        if self.o.rebuildIndexes:
            self._rebuild_stale_indexes()

    # -- info and clearing the target -------------------------------------------------------
    def _info(self, info: dict[str, Any]) -> None:
        v = info.get("exporter-version", 12)
        if not isinstance(v, int) or not 1 <= v <= 13:
            raise ImportFormatError(f"unsupported exporter-version {v!r} (this console reads versions 9 to 13)")
        if v < 9:
            self.summary.warnings.append(f"exporter-version {v} is older than 9; reading it as best as possible")
        self.exporter_version = v
        self.say(f"Importing database info...OK (exporter version {v}, source '{info.get('name', '?')}')")
        self._ensure_cleared()

    _cleared = False

    def _ensure_cleared(self) -> None:
        """Without -merge, drop the target's non-security classes first (as OrientDB does)."""
        if self._cleared:
            return
        self._cleared = True
        if self.o.merge:
            return
        db = self.db
        schema = db.schema
        doomed = [c.name for c in schema.classes if c.name.lower() not in _SECURITY_NAMES]
        # drop subclasses before their superclasses
        order: list[str] = []
        remaining = set(doomed)
        while remaining:
            progressed = False
            for name in sorted(remaining):
                subs = [s for s in db.schema.subclasses(name) if s in remaining]
                if not subs:
                    order.append(name)
                    remaining.discard(name)
                    progressed = True
            if not progressed:
                order.extend(sorted(remaining))
                break
        for name in order:
            cls = db.schema.get_class(name)
            if cls is None:
                continue
            self._unlink_properties_to(name)
            db.drop_class(name, unsafe=True, allow_system=True)
        if order:
            self.say(f"Removed {len(order)} class(es) of the target database before importing")

    def _unlink_properties_to(self, name: str) -> None:
        db = self.db
        for other in db.schema.classes:
            for p in other.properties:
                if p.linked_class and p.linked_class.lower() == name.lower() and other.name.lower() != name.lower():
                    with db._write() as conn:
                        db._save_class(conn, other.with_property(replace(p, linked_class=None)))
                        db._bump(conn)

    # -- clusters -------------------------------------------------------------------------------
    def _clusters(self, clusters: list[Any]) -> None:
        self.say("Importing clusters...")
        self._ensure_cleared()
        inc = {n.lower() for n in self.o.includeCluster} if self.o.includeCluster else None
        exc = {n.lower() for n in self.o.excludeCluster} if self.o.excludeCluster else set()
        wanted: list[tuple[int, str, bool]] = []
        for i, entry in enumerate(clusters):
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) \
                    or not isinstance(entry.get("id"), int):
                raise ImportFormatError(f"clusters section, entry {i}: expected {{\"name\": text, \"id\": number}}")
            name, cid = entry["name"], entry["id"]
            if cid < 0:
                continue
            if cid in self.file_clusters:
                raise ImportFormatError(f"clusters section: cluster id {cid} appears twice")
            self.file_clusters[cid] = name
            low = name.lower()
            if low in SKIPPED_CLUSTERS:
                continue
            if (inc is not None and low not in inc) or low in exc:
                self.excluded_clusters.add(cid)
                continue
            wanted.append((cid, name, bool(entry.get("blob"))))
        # Reused clusters first, then those whose id is free, then the rest at new ids:
        # one collision must not shift every later cluster.
        schema = self.db.schema
        reused = [w for w in wanted if schema.get_cluster(w[1]) is not None]
        fresh = [w for w in wanted if schema.get_cluster(w[1]) is None]
        for cid, name, blob in reused:
            self._map_cluster(cid, name, blob)
        taken = {c.id for c in self.db.schema.clusters}
        keep = [w for w in fresh if self.o.preserveClusterIDs and w[0] not in taken]
        moved = [w for w in fresh if not (self.o.preserveClusterIDs and w[0] not in taken)]
        self._create_clusters(keep, preserve=True)
        self._create_clusters(moved, preserve=False)
        self.summary.clusters = len(self.cluster_map)
        self.say(f"Done. Imported {self.summary.clusters} clusters")

    def _create_clusters(self, items: list[tuple[int, str, bool]], preserve: bool) -> None:
        """Create many clusters in one schema change."""
        if not items:
            return
        db = self.db
        with db._write() as conn:
            for cid, name, blob in items:
                if not NAME_RE.match(name):
                    raise ImportFormatError(f"clusters section: invalid cluster name '{name}'")
                new_id = db._create_cluster(conn, name, cid if preserve else None, blob, bump=False)
                self.cluster_map[cid] = new_id
                self.say(f"- Creating cluster '{name}'...OK, assigned id={new_id}, was {cid}")
            db._bump(conn)

    def _map_cluster(self, cid: int, name: str, blob: bool = False) -> int:
        """Where the records of file cluster ``cid`` go.

        A cluster of the same name is reused: without -merge it is emptied before
        the first of the file's records goes in (OrientDB truncates the clusters
        it imports into); with -merge its records stay and the imported ones get
        new positions. Otherwise a cluster is
        created, at the file's id when asked and free.
        """
        db = self.db
        schema = db.schema
        if not NAME_RE.match(name):
            raise ImportFormatError(f"clusters section: invalid cluster name '{name}'")
        existing = schema.get_cluster(name)
        if existing is not None:
            self.cluster_map[cid] = existing.id
            if db.count_cluster(existing.id):
                if self.o.merge:
                    self.record_mapped.add(cid)
                    self.say(f"- Cluster '{name}' holds records: imported ones get new positions "
                             f"(id={existing.id}, was {cid})")
                    return existing.id
                # emptied when the file brings records for it (a file without users
                # must not lock everyone out by wiping OUser)
                self.to_empty.add(existing.id)
            if existing.id != cid:
                self.say(f"- Reusing cluster '{name}'...OK, assigned id={existing.id}, was {cid}")
            return existing.id
        want = cid if self.o.preserveClusterIDs and schema.get_cluster(cid) is None else None
        new_id = db.create_cluster(name, want, blob=blob)
        self.cluster_map[cid] = new_id
        self.say(f"- Creating cluster '{name}'...OK, assigned id={new_id}, was {cid}")
        return new_id

    def _cluster_for(self, cid: int) -> int | None:
        """Target cluster of a file cluster seen only in records (no clusters section)."""
        if cid in self.cluster_map:
            return self.cluster_map[cid]
        if cid in self.excluded_clusters:
            return None
        name = self.file_clusters.get(cid)
        if name is None:
            existing = self.db.schema.get_cluster(cid)
            name = existing.name if existing is not None else f"cluster_{cid}"
            self.file_clusters[cid] = name
        if name.lower() in SKIPPED_CLUSTERS:
            return None
        return self._map_cluster(cid, name)

    # -- schema -----------------------------------------------------------------------------------
    def _schema(self, schema_doc: dict[str, Any]) -> None:
        self.say("Importing database schema...")
        classes = schema_doc.get("classes") or []
        if not isinstance(classes, list):
            raise ImportFormatError("schema section: 'classes' must be a list")
        blob_ids = [self.cluster_map[c] for c in schema_doc.get("blob-clusters") or []
                    if isinstance(c, int) and c in self.cluster_map]
        if blob_ids:
            with self.db._write() as conn:
                conn.executemany("UPDATE clusters SET blob = 1 WHERE id = ?", [(c,) for c in blob_ids])
                self.db._bump(conn)
        db = self.db
        defs: dict[str, dict[str, Any]] = {}
        for i, c in enumerate(classes):
            if not isinstance(c, dict) or not isinstance(c.get("name"), str):
                raise ImportFormatError(f"schema section, class {i}: no name")
            if not NAME_RE.match(c["name"]):
                raise ImportFormatError(f"schema section: invalid class name '{c['name']}'")
            defs[c["name"]] = c
        created: list[SchemaClass] = []
        done: set[str] = set()

        def supers_of(c: dict[str, Any]) -> list[str]:
            s = c.get("super-classes")
            if s is None and c.get("super-class"):
                s = [c["super-class"]]
            if s is None:
                return []
            if not isinstance(s, list) or not all(isinstance(x, str) for x in s):
                raise ImportFormatError(f"schema section, class {c['name']}: super-classes must be a list of names")
            return s

        def visit(name: str, stack: tuple[str, ...]) -> None:
            if name in done:
                return
            if name in stack:
                raise ImportFormatError(f"schema section: class {name} inherits from itself")
            c = defs[name]
            for s in supers_of(c):
                if s in defs:
                    visit(s, stack + (name,))
                elif not db.schema.has_class(s):
                    raise ImportFormatError(f"schema section: class {name} extends unknown class {s}")
            done.add(name)
            created.append(self._class_def(c, supers_of(c)))

        for name in defs:
            visit(name, ())
        new_classes = [c for c in created if not db.schema.has_class(c.name)]
        with db._write() as conn:
            for c in new_classes:
                db._save_class(conn, replace(c, properties=()))
            db._bump(conn)
        with db._write() as conn:
            for c in created:
                current = db.schema.get_class(c.name)
                if current is None:
                    continue
                merged = current if current.name.lower() in _SECURITY_NAMES else \
                    replace(current, properties=c.properties) if c in new_classes else current
                if not (c in new_classes) and self.o.merge:
                    for p in c.properties:
                        if current.own_property(p.name) is None:
                            merged = merged.with_property(p)
                for p in merged.properties:
                    if p.linked_class and not db.schema.has_class(p.linked_class) and \
                            p.linked_class not in defs:
                        raise ImportFormatError(
                            f"schema section: property {c.name}.{p.name} links to unknown class {p.linked_class}")
                db._save_class(conn, merged)
            db._bump(conn)
        self.summary.classes = len(new_classes)
        self.say(f"OK ({len(created)} classes, {len(new_classes)} created)")

    def _class_def(self, c: dict[str, Any], supers: list[str]) -> SchemaClass:
        name = c["name"]
        raw_ids = c.get("cluster-ids") or []
        if not isinstance(raw_ids, list):
            raise ImportFormatError(f"schema section, class {name}: cluster-ids must be a list")
        abstract = bool(c.get("abstract")) or raw_ids in ([-1], [])
        ids: list[int] = []
        if not abstract:
            for cid in raw_ids:
                if not isinstance(cid, int):
                    raise ImportFormatError(f"schema section, class {name}: cluster id {cid!r} is not a number")
                if cid < 0:
                    continue
                target = self._cluster_for(cid)
                if target is not None:
                    ids.append(target)
        default = c.get("default-cluster-id", ids[0] if ids else -1)
        default_t = self.cluster_map.get(default, ids[0] if ids else -1) if isinstance(default, int) else -1
        props = []
        for p in c.get("properties") or []:
            props.append(self._property(name, p))
        selection = c.get("cluster-selection") or "round-robin"
        if selection not in ("round-robin", "default", "balanced"):
            selection = "round-robin"
        custom = c.get("customFields") or {}
        return SchemaClass(
            name=name, superclasses=tuple(supers), cluster_ids=tuple(ids),
            default_cluster_id=default_t if default_t in ids else (ids[0] if ids else -1),
            abstract=abstract and not ids, strict=bool(c.get("strictMode")), cluster_selection=selection,
            short_name=c.get("short-name") if isinstance(c.get("short-name"), str) else None,
            oversize=float(c.get("oversize") or 0), custom=tuple(sorted((str(k), str(v)) for k, v in custom.items()
                                                                         if v is not None)),
            properties=tuple(props))

    def _property(self, cls: str, p: Any) -> Property:
        if not isinstance(p, dict) or not isinstance(p.get("name"), str):
            raise ImportFormatError(f"schema section, class {cls}: a property has no name")
        tname = p.get("type")
        try:
            otype = OType[str(tname).upper()] if not isinstance(tname, int) else OType(tname)
        except (KeyError, ValueError):
            raise ImportFormatError(f"schema section: property {cls}.{p['name']} has unknown type {tname!r}") from None
        linked_type = None
        if p.get("linked-type"):
            try:
                linked_type = OType[str(p["linked-type"]).upper()]
            except KeyError:
                raise ImportFormatError(
                    f"schema section: property {cls}.{p['name']} has unknown linked type {p['linked-type']!r}") from None
        custom = p.get("customFields") or {}
        return Property(
            name=p["name"], type=otype, linked_class=p.get("linked-class"), linked_type=linked_type,
            mandatory=bool(p.get("mandatory")), readonly=bool(p.get("readonly")), not_null=bool(p.get("not-null")),
            min=None if p.get("min") is None else str(p["min"]), max=None if p.get("max") is None else str(p["max"]),
            regexp=p.get("regexp"), default=None if p.get("default-value") is None else str(p["default-value"]),
            collate=str(p.get("collate") or "default").lower() if str(p.get("collate") or "default").lower() in
            ("default", "ci") else "default",
            custom=tuple(sorted((str(k), str(v)) for k, v in custom.items() if v is not None)))

    # -- records -----------------------------------------------------------------------------------
    def _records(self, records: Any) -> None:
        self.say("Importing records...")
        self._ensure_cleared()
        self.loader = RecordLoader(self)
        self.loader.load(records)
        self.summary.records = self.loader.loaded
        self.say(f"Done. Imported {self.summary.records} records ({self.summary.skipped} skipped)")

    def cluster_for(self, cid: int) -> int | None:
        """Target cluster of a file cluster (mapped on first use when the file had no clusters section)."""
        return self._cluster_for(cid)

    def empty_cluster(self, target: int) -> None:
        """Empty a reused cluster just before the file's first record for it goes in."""
        n_gone = self.db.truncate_cluster(target)
        self.to_empty.discard(target)
        self.truncated.add(target)
        self.say(f"- Emptied cluster '{self.db.schema.cluster(target).name}' ({n_gone} records) before importing into it")

    def existing_security(self, cls: str, name: Any) -> int | None:
        """The RID of a target user or role of the same name (with -merge they are kept)."""
        if not isinstance(name, str):
            return None
        key = (cls.lower(), name.lower())
        if key not in self.security_names:
            found = None
            for doc in self.db.browse_class(cls):
                if str(doc.get("name", "")).lower() == name.lower():
                    found = doc.rid.key  # type: ignore[union-attr]
                    break
            self.security_names[key] = found  # type: ignore[assignment]
        return self.security_names[key]

    def declared_links(self, cls: str | None) -> dict[str, str] | None:
        """Letters of the link properties of a class (for fields written without one)."""
        if not cls:
            return None
        cached = self._link_props.get(cls)
        if cached is None:
            schema = self.db.schema
            cached = {}
            if schema.has_class(cls):
                for p in schema.properties(cls).values():
                    letter = _LINK_LETTER.get(p.type)
                    if letter:
                        cached[p.name] = letter
            self._link_props[cls] = cached
        return cached or None

    def _broken(self, values: list[Any]) -> None:
        for v in values:
            key = rid_key(v if isinstance(v, str) else str(v))
            if key is not None:
                self.broken.add(key)

    _finished = False

    def _finish_records(self) -> None:
        """Check every link, fix forward references, drop links to broken records."""
        if self._finished:
            return
        self._finished = True
        scratch = self.scratch
        loader = self.loader
        assert scratch is not None
        scratch.resolve_pending()
        drop: set[int] = set()
        fix: set[int] = set(scratch.fixups())
        for src, idx, old in scratch.unresolved():
            if old in self.broken or (old >> POSITION_BITS) in self.excluded_clusters:
                drop.add(old)
                fix.add(src)
                continue
            raise ImportFormatError(f"record {idx} (now {key_text(src)}) links to {key_text(old)}, which is not in "
                                    "the file (nor listed in brokenRids)")
        if loader is not None:
            for old in loader.missing_targets():
                cid = old >> POSITION_BITS
                if old in self.broken or cid in self.excluded_clusters or cid not in self.cluster_map:
                    if old in self.broken or cid in self.excluded_clusters:
                        drop.add(old)
                        target = self.cluster_map.get(cid, cid)
                        fix.update(loader.sources_of(f"#{target}:{old & POSITION_MASK}"))
                        continue
                raise ImportFormatError(f"{loader.find_source(old)} links to {key_text(old)}, which is not in the "
                                        "file (nor listed in brokenRids)")
        for src in sorted(fix):
            self._fix_record(src, drop)
        if fix:
            self.say(f"Rewrote links of {len(fix)} record(s) after loading")

    def _fix_record(self, key: int, drop: set[int]) -> None:
        db = self.db
        row = db.conn.execute("SELECT data FROM records WHERE rid = ?", (key,)).fetchone()
        if row is None:
            return
        from console.engine.codec import loads

        obj = loads(row[0])
        mapped = self.record_mapped
        scratch = self.scratch
        assert scratch is not None
        summary = self.summary
        back = {(self.cluster_map.get(c, c) << POSITION_BITS) | 0: c for c in self.cluster_map}

        def rewrite(text: str) -> str | None:
            key = rid_key(text)
            if key is None:
                return text
            # stored links are already rewritten: map back to the file's RID to compare
            cid = key >> POSITION_BITS
            old_cid = back.get(cid << POSITION_BITS, cid)
            old = (old_cid << POSITION_BITS) | (key & POSITION_MASK)
            if old in drop or key in drop:
                summary.links_removed += 1
                return None
            if old_cid in mapped:
                new = scratch.lookup(key)
                return text if new is None else key_text(new)
            return text

        cls_row = db.conn.execute("SELECT cls FROM records WHERE rid = ?", (key,)).fetchone()
        declared = self.declared_links(cls_row[0] if cls_row else None)
        if links.visit(obj, rewrite, declared):
            db.conn.execute("UPDATE records SET data = ? WHERE rid = ?",
                            (orjson.dumps(obj, default=decimal_default), key))

    # -- indexes ---------------------------------------------------------------------------------------
    def _indexes(self, entries: list[Any]) -> None:
        self.say("Importing indexes ...")
        db = self.db
        n = 0
        for i, e in enumerate(entries):
            if not isinstance(e, dict) or not isinstance(e.get("name"), str):
                raise ImportFormatError(f"indexes section, entry {i}: an index needs a name")
            name = e["name"]
            if name.startswith("___"):
                continue
            definition = e.get("definition") or {}
            stream = definition.get("stream") if isinstance(definition, dict) else None
            if not isinstance(stream, dict):
                self.summary.warnings.append(f"index {name}: no definition, skipped")
                continue
            parts = stream.get("indexDefinitions") if "indexDefinitions" in stream else [stream]
            if not isinstance(parts, list) or not parts:
                raise ImportFormatError(f"indexes section: index {name} has an empty definition")
            cls = stream.get("className") or (parts[0].get("className") if isinstance(parts[0], dict) else None)
            if not isinstance(cls, str) or not db.schema.has_class(cls):
                self.summary.warnings.append(f"index {name}: class {cls!r} is not in the schema, skipped")
                continue
            fields: list[Any] = []
            key_types: list[str] = []
            for p in parts:
                if not isinstance(p, dict) or not isinstance(p.get("field"), str):
                    raise ImportFormatError(f"indexes section: index {name} has a malformed definition")
                fname = p["field"]
                if p.get("mapIndexBy"):
                    fname = f"{fname} by {str(p['mapIndexBy']).lower()}"
                fields.append((fname, str(p.get("collate") or "default").lower()))
                key_types.append(str(p.get("keyType") or "STRING"))
            meta = {k: v for k, v in (e.get("metadata") or {}).items() if not str(k).startswith("@")} \
                if isinstance(e.get("metadata"), dict) else {}
            if "ignoreNullValues" not in meta:
                meta["ignoreNullValues"] = bool(stream.get("nullValuesIgnored", False))
            itype = str(e.get("type") or "NOTUNIQUE").upper()
            if db.schema.get_index(name) is not None:
                db.drop_index(name)
            try:
                db.create_index(name, cls, fields, itype, metadata=meta, key_types=key_types,
                                algorithm=e.get("algorithm"), require_properties=False)
            except SchemaError as exc:
                if "unsupported index type" in str(exc):
                    self.summary.warnings.append(f"index {name}: {exc}; skipped")
                    continue
                raise ImportFormatError(f"indexes section: index {name}: {exc}") from None
            self.say(f"- Index '{name}'...OK")
            self.recreated.add(name.lower())
            n += 1
        self.summary.indexes = n
        self.say(f"Done. Created {n} indexes.")

    def _rebuild_stale_indexes(self) -> None:
        """Indexes not re-created from the file but covering imported records are rebuilt."""
        db = self.db
        schema = db.schema
        stale = []
        for ix in schema.indexes:
            if ix.name.lower() in self.recreated:
                continue
            if not schema.has_class(ix.class_name):
                continue
            covered = set(schema.polymorphic_cluster_ids(ix.class_name))
            touched = any(schema.has_class(c) and schema.is_subclass(c, ix.class_name) for c in self.imported_classes)
            if touched or covered & self.truncated:
                stale.append(ix.name)
        if stale:
            self.say("Rebuild of stale indexes...")
            for name in stale:
                db.rebuild_index(name)
            self.say(f"Stale indexes were rebuilt ({len(stale)})")

    def _manual(self, entries: list[Any]) -> None:
        for e in entries or []:
            if isinstance(e, dict) and e.get("content"):
                self.summary.warnings.append(
                    f"manual index '{e.get('name')}' with {len(e['content'])} entries was not imported "
                    "(manual indexes are not supported)")

    def _keep_rid_map(self) -> None:
        """-deleteRIDMapping=false: keep the old→new map as records of ___exportImportRIDMap."""
        db = self.db
        scratch = self.scratch
        assert scratch is not None
        if not db.schema.has_class(RID_MAP_CLASS):
            db.create_class(RID_MAP_CLASS)
            db.create_property(RID_MAP_CLASS, "key", "STRING")
            db.create_property(RID_MAP_CLASS, "value", "LINK")
            db.create_index(f"{RID_MAP_CLASS}.key", RID_MAP_CLASS, ["key"], "UNIQUE")
        rows = ({"key": key_text(old), "value": RID.from_key(new)} for old, new in scratch.mappings())
        db.insert_many(RID_MAP_CLASS, rows)


def import_database(db: Any, path: Path, options: ImportOptions, *, say: Say = lambda s: None,
                    progress: Any = None) -> ImportSummary:
    """Import an export file into ``db``; all or nothing."""
    return Importer(db, check_import_path(path), options, say=say, progress=progress).run()


def check_import_path(path: Path | str) -> Path:
    """``path`` as a Path; a one-line error unless it names an existing file."""
    path = Path(path)
    if not path.exists():
        raise ImportFormatError(f"cannot read '{path}': no such file")
    if path.is_dir():
        raise ImportFormatError(f"cannot read '{path}': it is a directory")
    return path


__all__ = ["import_database", "check_import_path", "Importer", "ImportSummary", "RID_RE", "Document", "IndexField", "OrientError"]
