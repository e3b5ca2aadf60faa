"""IMPORT DATABASE into a remote database.

The file is first imported into a scratch embedded database (a temporary
plocal directory, removed afterwards) by the embedded importer itself, so
that every bit of parsing, validation, tolerant reading of real OrientDB
files and link bookkeeping happens once, and any error in the file is
reported -- with the embedded import's own one-line messages -- before
anything is sent to the server. Then the scratch database is copied:

1. ``structure`` (one SQL script, one transaction on the server): without
   ``-merge`` the target's classes are replaced as OrientDB's import does
   (every class but the security ones is dropped; V and E, which SQL cannot
   drop, are emptied and redefined; reused clusters of no class that the
   file fills are emptied); with ``-merge`` missing classes, properties and
   clusters are added. Clusters are created at the file's ids when
   ``-preserveClusterIDs`` is on and the id is free (``CREATE CLUSTER .. ID``,
   or ``CREATE CLASS .. CLUSTERS n`` where the server would pick exactly
   those ids and names itself). Properties get their types only: linked
   classes and constraints would refuse the half-linked records of step 2.
2. ``records``, :data:`BATCH` per TX_COMMIT, cluster by cluster in position
   order (so a file without holes keeps its RIDs). Links to records already
   on the server are written as their new RIDs, links within the batch as
   temporary RIDs the server rewrites; a record linking further ahead is
   sent as a placeholder (its class only). While the server stores one
   batch the next is encoded.
3. ``links``: the placeholders get their whole content (TX_COMMIT updates).
4. ``indexes`` (one script).
5. ``security``: the file's OUser / ORole records (one TX_COMMIT), matched
   to the target's by name -- replaced in place, or kept with ``-merge`` --
   new ones created, and without ``-merge`` the target's others deleted;
   records linking to users or roles are completed in the same request.
   This comes late so that a failure never leaves the database without users.
6. ``-deleteRIDMapping=false``: the file's RID -> the server's RID of every
   record that moved, as records of ``___exportImportRIDMap``.
7. ``constraints`` (one script): linked classes, MANDATORY, NOTNULL,
   READONLY, MIN, MAX, REGEXP, DEFAULT, STRICTMODE.

The server cannot hold a transaction open across requests, so the import is
not one transaction. When a step after the first fails the import undoes
what it did: the records it created in clusters that existed before are
deleted and the schema is set back as it was (dropped classes and their
clusters are recreated, at the same ids, empty). What cannot come back:
records the import had removed on purpose (without ``-merge``, those of the
target's dropped classes and emptied clusters; the error says how many),
and users / roles once step 5 is done. Record versions start again at 1 on
the server and positions are the server's (holes in the file close up), so
RIDs may differ from the file's; links are rewritten accordingly.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
import time
from array import array
from pathlib import Path
from typing import Any, Callable

from console.engine.document import Blob, Document
from console.engine.rid import POSITION_BITS, POSITION_MASK, RID
from console.engine.schema import Cluster, IndexDef, Schema, SchemaClass
from console.errors import Cancelled, OrientError
from console.remote import schema_sql as S
from console.remote.bulk import (
    Pipeline,
    RidMap,
    TxBatch,
    encode_document,
    rewrite_document,
    send_tx,
)
from console.transfer.importer import RID_MAP_CLASS, SECURITY_CLASSES, ImportSummary
from console.transfer.options import ImportOptions

Say = Callable[[str], None]
BATCH = 500                 # records per TX_COMMIT
BATCH_BYTES = 4 << 20       # ... or this much content
_SYSTEM_CLUSTERS = ("internal", "index", "manindex")
_UNRESOLVED = object()


class RemoteImportError(OrientError):
    """A failure after the server was changed (the message says what was undone)."""


def import_into_remote(db: Any, path: Path, options: ImportOptions, *, say: Say = lambda s: None,
                       progress: Any = None) -> ImportSummary:
    """Import an export file into a remote database (see the module doc)."""
    from console.transfer.importer import check_import_path

    return RemoteImport(db, check_import_path(path), options, say=say, progress=progress).run()


def _is_security(schema: Schema, name: str | None) -> bool:
    if not name or not schema.has_class(name):
        return bool(name) and name.lower() in {c.lower() for c in SECURITY_CLASSES}
    return any(schema.has_class(s) and schema.is_subclass(name, s) for s in SECURITY_CLASSES)


class RemoteImport:
    """One IMPORT DATABASE run into a remote database."""

    def __init__(self, db: Any, path: Path, options: ImportOptions, *, say: Say = lambda s: None,
                 progress: Any = None) -> None:
        self.db = db
        self.path = path
        self.o = options
        self.say = say
        self.progress = progress
        self.summary = ImportSummary()
        self.scratch: Any = None
        self.tmpdir: str | None = None
        self.stage = "reading the file"
        self.changed = False             # the server was changed (a script or TX went through)
        self.security_done = False
        self.map = RidMap()
        self.pending = array("q")        # scratch keys of records sent without some links
        self.pending_sec = array("q")    # ... whose missing links point at users / roles
        self.deferred: list[int] = []    # scratch keys of users / roles (sent in the security step)
        self.created_in_existing = array("q")  # remote keys created in clusters that existed before
        self.cmap: dict[int, int] = {}   # scratch cluster id -> remote cluster id
        self.file_of: dict[int, int] = {}  # scratch cluster id -> file cluster id
        self.copy_clusters: list[int] = []
        self.pre: dict[int, set[int]] = {}
        self.truncated: set[int] = set()
        self.undo_statements: tuple[list[str], list[str]] = ([], [])
        self.applied: set[str] = set()
        self.planned: dict[str, set[int]] = {}  # class -> cluster ids it must have on the server
        self.lost = 0
        self.final: S.Statements = S.Statements()
        self.preexisting: set[int] = set()
        self.security_names: set[str] = set()
        self.pipe = Pipeline(db)

    # -- the whole run -----------------------------------------------------------------------------
    def run(self) -> ImportSummary:
        started = time.perf_counter()
        try:
            self._read()
            try:
                self._plan()
                self._apply("creating the schema", self.final.structure)
                self._verify_structure()
                self._send_records()
                self._send_links()
                self._apply("creating indexes", self.final.indexes)
                self._send_security()
                if not self.o.deleteRIDMapping:
                    self._send_rid_map()
                self._apply("adding constraints", self.final.constraints)
            except KeyboardInterrupt:
                raise self._failed(Cancelled("import cancelled")) from None
            except OrientError as exc:
                raise self._failed(exc) from None
            except Exception as exc:  # a bug must not leave half an import behind either
                raise self._failed(OrientError(f"internal error ({type(exc).__name__}: {exc})")) from exc
        finally:
            self._close_scratch()
            self.db._schema = None
        self.summary.seconds = time.perf_counter() - started
        self.say(f"Database import completed in {int(self.summary.seconds * 1000)} ms")
        return self.summary

    # -- 0. the file into a scratch database ------------------------------------------------------------
    def _read(self) -> None:
        from console.engine import registry
        from console.transfer.importer import Importer

        self.say(f"Importing database {self.path} into {self.db.url}...")
        self.say("Reading and checking the file in a scratch database...")
        self.tmpdir = tempfile.mkdtemp(prefix="orient-remote-import-")
        scratch = self.scratch = registry.create(f"plocal:{Path(self.tmpdir) / 'scratch'}", "admin", "admin")
        with scratch.snapshot():
            for c in scratch.schema.clusters:
                keys = {row[0] for row in scratch.raw_cluster(c.id)}
                if keys:
                    self.pre[c.id] = keys
        imp = Importer(scratch, self.path, dataclasses.replace(self.o, merge=False))
        s = imp.run()
        self.imp = imp
        self.summary.skipped = s.skipped
        self.summary.links_removed = s.links_removed
        self.summary.warnings.extend(s.warnings)
        self.file_of = {sid: fid for fid, sid in imp.cluster_map.items()}
        self.say(f"OK: {s.records} records, {s.classes} classes, {s.clusters} clusters, {s.indexes} indexes "
                 f"read in {s.seconds:.2f}s")

    def _close_scratch(self) -> None:
        if self.scratch is not None:
            try:
                self.scratch.close()
            except Exception:
                pass
            self.scratch = None
        if self.tmpdir:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            self.tmpdir = None

    def _copied(self, sid: int, key: int) -> bool:
        """Whether a scratch record came from the file (not one the fresh scratch database had)."""
        pre = self.pre.get(sid)
        return pre is None or sid in self.imp.truncated or key not in pre

    # -- 1. the plan -------------------------------------------------------------------------------------
    def _plan(self) -> None:
        self.stage = "planning"
        db = self.db
        db._schema = None
        cur: Schema = db.schema
        self.before = cur
        ss: Schema = self.scratch.schema
        keep = {c.name.lower() for c in cur.classes if _is_security(cur, c.name)} | \
            {c.lower() for c in SECURITY_CLASSES}
        self.keep = keep
        self.security_names = keep | {c.name.lower() for c in ss.classes if _is_security(ss, c.name)}
        file_classes = [c for c in ss.classes if c.name.lower() not in self.security_names]
        # scratch clusters worth copying: the file's, those of its classes, those holding its records
        wanted: set[int] = set(self.imp.cluster_map.values())
        for c in file_classes:
            wanted.update(i for i in c.cluster_ids if i >= 0)
        with self.scratch.snapshot():
            for c in ss.clusters:
                if c.id not in wanted and self.scratch.count_cluster(c.id) and self._has_records(c.id):
                    wanted.add(c.id)
        wanted = {i for i in wanted if ss.get_cluster(i) is not None
                  and ss.cluster(i).name.lower() not in _SYSTEM_CLUSTERS}
        self.copy_clusters = sorted(wanted)
        merge = self.o.merge
        blank = {c.name.lower() for c in file_classes if c.name.lower() in S.UNDROPPABLE and cur.has_class(c.name)}
        if merge:
            survivors = list(cur.clusters)
        else:
            gone = {i for c in cur.classes if c.name.lower() not in keep
                    and (c.name.lower() not in S.UNDROPPABLE or c.name.lower() in blank) for i in c.cluster_ids}
            survivors = [c for c in cur.clusters if c.id not in gone]
            self.lost = self._count(sorted(gone))
        self._map_clusters(cur, ss, survivors)
        self.summary.clusters = len([sid for sid in self.copy_clusters if sid in self.file_of]) or len(self.cmap)
        want_classes = [self._translate(c) for c in file_classes]
        # the file's indexes; on users and roles only those the file itself defines (they replace the target's)
        want_indexes = [ix for ix in ss.indexes if ix.class_name.lower() not in self.security_names
                        or ix.name.lower() in {n.lower() for n in self.imp.recreated}]
        self._check_indexes(want_indexes, ss)
        want_indexes = [ix for ix in want_indexes if ix.name not in self.skipped_indexes]
        if merge:
            self.final, self.undo_statements = self._extend(cur, want_classes, want_indexes)
        else:
            survivor_ids = {c.id for c in survivors}
            classless = [c for c in survivors if cur.class_of_cluster(c.id) is None]
            want_clusters = classless + [self.new_clusters[i] for i in sorted(self.new_clusters)]
            truncate = sorted(rid for rid in self.truncated if rid in survivor_ids)
            self.lost += self._count(truncate)
            self.final = S.replace_classes(cur, want_classes, want_clusters, want_indexes, keep,
                                           truncate=truncate, reshape_all=True)
            self.planned = {c.name.lower(): set(c.cluster_ids) for c in want_classes
                            if c.name.lower() not in keep}
            self.summary.classes = len([c for c in want_classes if c.name.lower() not in keep])
        self.summary.indexes = len(want_indexes)
        self.preexisting = {c.id for c in survivors}
        self.say(f"Planned {len(self.final)} schema statement(s) for {len(want_classes)} class(es), "
                 f"{len(self.new_clusters)} new cluster(s), {len(want_indexes)} index(es)")

    def _count(self, ids: list[int]) -> int:
        if not ids:
            return 0
        with self.db._link.errors("count records"):
            return int(self.db._link.client.data_cluster_count(ids))

    def _map_clusters(self, cur: Schema, ss: Schema, survivors: list[Cluster]) -> None:
        """Scratch cluster -> remote cluster: reused by name, else created (at the file's id when free)."""
        by_name = {c.name.lower(): c for c in survivors}
        taken = {c.id for c in cur.clusters} if self.o.merge else {c.id for c in survivors}
        names = {c.name.lower() for c in cur.clusters} if self.o.merge else set(by_name)
        fresh: list[int] = []
        self.new_clusters: dict[int, Cluster] = {}
        for sid in self.copy_clusters:
            sc = ss.cluster(sid)
            existing = by_name.get(sc.name.lower())
            owner_s = ss.class_of_cluster(sid)
            if existing is not None:
                owner_r = cur.class_of_cluster(existing.id)
                if owner_r is None or (owner_s is not None and owner_r.lower() == owner_s.lower()):
                    self.cmap[sid] = existing.id
                    if owner_r is None and not self.o.merge and self._has_records(sid) and \
                            self.db.count_cluster(existing.id):
                        self.truncated.add(existing.id)
                    if existing.id != sid:
                        self.say(f"- Reusing cluster '{existing.name}'...OK, assigned id={existing.id}, "
                                 f"was {self.file_of.get(sid, sid)}")
                    continue
            fresh.append(sid)
        keep_ids = [sid for sid in fresh if self.o.preserveClusterIDs and self.file_of.get(sid, sid) not in taken]
        for sid in keep_ids:
            fid = self.file_of.get(sid, sid)
            if fid in taken:
                continue
            self._new_cluster(sid, fid, ss, names, taken)
        nxt = max(taken | {-1}) + 1
        for sid in fresh:
            if sid in self.cmap:
                continue
            while nxt in taken:
                nxt += 1
            self._new_cluster(sid, nxt, ss, names, taken)

    def _new_cluster(self, sid: int, rid: int, ss: Schema, names: set[str], taken: set[int]) -> None:
        sc = ss.cluster(sid)
        name = sc.name.lower()
        if name in names:
            n = 1
            while f"{name}_{n}" in names:
                n += 1
            name = f"{name}_{n}"
        names.add(name)
        taken.add(rid)
        self.cmap[sid] = rid
        self.new_clusters[rid] = Cluster(rid, name, sc.blob)
        self.say(f"- Creating cluster '{name}'...OK, assigned id={rid}, was {self.file_of.get(sid, sid)}")

    def _has_records(self, sid: int) -> bool:
        with self.scratch.snapshot():
            return any(self._copied(sid, row[0]) for row in self.scratch.raw_cluster(sid))

    def _translate(self, c: SchemaClass) -> SchemaClass:
        ids = tuple(self.cmap[i] for i in c.cluster_ids if i in self.cmap)
        default = self.cmap.get(c.default_cluster_id, ids[0] if ids else -1)
        return dataclasses.replace(c, cluster_ids=ids, default_cluster_id=default if default in ids else
                                   (ids[0] if ids else -1), abstract=c.abstract or not ids)

    def _check_indexes(self, indexes: list[IndexDef], ss: Schema) -> None:
        """Indexes over undeclared fields cannot be created with SQL: skip them, with a warning."""
        self.skipped_indexes: set[str] = set()
        for ix in indexes:
            props = ss.properties(ix.class_name) if ss.has_class(ix.class_name) else {}
            missing = [f.name for f in ix.fields if f.name.lower() not in props
                       and f.name.split(".")[0].lower() not in props]
            if missing:
                self.skipped_indexes.add(ix.name)
                self.summary.warnings.append(
                    f"index {ix.name}: field(s) {', '.join(missing)} of class {ix.class_name} are not declared "
                    "properties, which a remote database needs to create an index; skipped")

    def _extend(self, cur: Schema, want: list[SchemaClass],
                indexes: list[IndexDef]) -> tuple[S.Statements, tuple[list[str], list[str]]]:
        """-merge: add what is missing; returns the statements and those that undo (indexes, structure)."""
        st = S.Statements()
        undo_ix: list[str] = []
        undo_props: list[str] = []
        undo_clusters_of: list[str] = []
        created: list[SchemaClass] = []
        all_clusters = {c.id: c for c in cur.clusters}
        all_clusters.update(self.new_clusters)
        new_classes = [c for c in want if not cur.has_class(c.name)]
        st.structure += S.build_classes(new_classes, {}, all_clusters, set(self.new_clusters),
                                        {c.id for c in cur.clusters}, {c.name.lower() for c in cur.clusters})
        for c in S.supers_first(new_classes):
            created.append(c)
            for p in c.properties:
                st.structure += S.create_property(c.name, p)
            st.constraints += S.class_constraints(c)
            self.planned[c.name.lower()] = set(c.cluster_ids)
        for c in want:
            existing = cur.get_class(c.name)
            if existing is None:
                continue
            self.planned[existing.name.lower()] = set(existing.cluster_ids) | set(c.cluster_ids)
            for cid in c.cluster_ids:
                if cid not in existing.cluster_ids:
                    st.structure.append(f"ALTER CLASS {S.q(existing.name)} ADDCLUSTER {S.q(all_clusters[cid].name)}")
                    undo_clusters_of.append(f"ALTER CLASS {S.q(existing.name)} REMOVECLUSTER "
                                            f"{S.q(all_clusters[cid].name)}")
            have = cur.properties(existing.name)
            for p in c.properties:
                if p.name.lower() in have:
                    continue
                st.structure += S.create_property(existing.name, p)
                st.constraints += S.property_constraints(existing.name, p)
                undo_props.append(f"DROP PROPERTY {S.q(existing.name)}.{S.q(p.name)} FORCE")
        for ix in indexes:
            old = cur.get_index(ix.name)
            if old is not None and S.same_index(old, ix):
                continue
            if old is not None:
                st.indexes.append(f"DROP INDEX {S.q(old.name)}")
                undo_ix.append(S.create_index(old))
            st.indexes.append(S.create_index(ix))
            undo_ix.insert(0, f"DROP INDEX {S.q(ix.name)} IF EXISTS")
        self.summary.classes = len(created)
        undo = undo_props + undo_clusters_of
        gone = {c.name.lower() for c in created}
        for c in cur.classes:  # links from existing classes to classes about to be dropped
            for p in c.properties:
                if p.linked_class and p.linked_class.lower() in gone:
                    undo.append(f"ALTER PROPERTY {S.q(c.name)}.{S.q(p.name)} LINKEDCLASS null")
        for c in created:
            for p in c.properties:
                if p.linked_class and p.linked_class.lower() in gone and p.linked_class.lower() != c.name.lower():
                    undo.append(f"ALTER PROPERTY {S.q(c.name)}.{S.q(p.name)} LINKEDCLASS null")
        undo += [f"DROP CLASS {S.q(c.name)} UNSAFE" for c in reversed(S.supers_first(created))]
        undo += [f"DROP CLUSTER {rid}" for rid in sorted(self.new_clusters)
                 if not any(rid in c.cluster_ids for c in created)]
        return st, (undo_ix, undo)

    # -- running scripts -------------------------------------------------------------------------------
    def _apply(self, what: str, statements: list[str]) -> None:
        self.stage = what
        if not statements:
            return
        self.say(f"{what[0].upper()}{what[1:]} ({len(statements)} statement(s))...")
        self._script(statements)
        self.changed = True
        self.applied.add(what)
        self.db._schema = None

    def _verify_structure(self) -> None:
        """Every class has the clusters planned for it (records are sent to them by id)."""
        schema = self.db.schema
        for name, ids in self.planned.items():
            cls = schema.get_class(name)
            got = set(cls.cluster_ids) if cls is not None else set()
            if got != ids:
                raise OrientError(f"class {name} got clusters {sorted(got)} on the server instead of {sorted(ids)}")

    def _script(self, statements: list[str]) -> None:
        self.db._script(statements)

    # -- 2. records --------------------------------------------------------------------------------------
    def _remote_class_clusters(self) -> dict[str, tuple[int, ...]]:
        self.db._schema = None
        return {c.name.lower(): c.cluster_ids for c in self.db.schema.classes}

    def _source(self) -> Any:
        """(scratch cluster id, record, stored size) of every record to copy, in cluster and position order."""
        scratch = self.scratch
        for sid in self.copy_clusters:
            for key, ver, cls, kind, data in scratch.raw_cluster(sid):
                if cls != RID_MAP_CLASS and self._copied(sid, key):  # the RID map is rebuilt for the server
                    yield sid, scratch.materialize(key, ver, cls, kind, data), len(data)

    def _send_records(self) -> None:
        self.stage = "sending records"
        self.say("Sending records...")
        ss = self.scratch.schema
        owned = self._remote_class_clusters()
        total = sum(self.scratch.count_cluster(sid) for sid in self.copy_clusters)
        if self.progress is not None:
            self.progress.update(total=total)
        chunk: list[tuple[int, Any]] = []
        size = 0
        for sid, rec, nbytes in self._source():
            cls = rec.class_name if isinstance(rec, Document) else None
            if (cls is not None and cls.lower() in self.security_names) or _is_security(ss, cls):
                self.deferred.append(rec.rid.key)
                continue
            chunk.append((sid, rec))
            size += nbytes
            if len(chunk) >= BATCH or size >= BATCH_BYTES:
                self._send_chunk(chunk, owned)
                chunk, size = [], 0
        if chunk:
            self._send_chunk(chunk, owned)
        self.pipe.wait()
        self.say(f"Done. Sent {self.summary.records} records ({len(self.pending) + len(self.pending_sec)} "
                 "to be completed with links to later ones)")

    def _send_chunk(self, chunk: list[tuple[int, Any]], owned: dict[str, tuple[int, ...]]) -> None:
        """One TX_COMMIT: every record of the chunk gets a temporary RID first, so links between
        them (either way) go as temporary RIDs the server rewrites."""
        batch = TxBatch()
        temp: dict[int, RID] = {}
        entries = []
        for sid, rec in chunk:
            cls = rec.class_name if isinstance(rec, Document) else None
            target = self._target(sid, cls, owned)
            pos = batch.temp_position()
            temp[rec.rid.key] = RID(target, pos)
            entries.append((rec, cls, target, pos))
        order: list[int] = []
        checks: list[list[int]] = []
        for rec, cls, target, pos in entries:
            key = rec.rid.key
            rtype, content, missing, batch_targets = self._content(rec, temp)
            if missing:
                # a placeholder now, the whole record once every link can be resolved
                content = encode_document(Document(cls))
                (self.pending_sec if missing == "security" else self.pending).append(key)
            elif batch_targets:
                checks.append(batch_targets)
            batch.create(target, pos, rtype, content)
            order.append(key)
        self._commit_creates(batch, order, temp, checks)

    def _target(self, sid: int, cls: str | None, owned: dict[str, tuple[int, ...]]) -> int:
        """The cluster to ask for; -1 (the server picks) when the class cannot take the mapped one:
        the class does not own it, or the file's records name a class its schema does not define
        (the server then makes that class, with a cluster of its own)."""
        target = self.cmap.get(sid, -1)
        if cls is not None:
            ids = owned.get(cls.lower())
            if ids is None or target not in ids:
                return -1
        return target

    def _content(self, rec: Document | Blob, temp: dict[int, RID]) -> tuple[str, bytes, Any, list[int]]:
        """(record type, content, missing, same-batch targets); missing is False, True or "security".

        Records with links left out are counted in "links rewritten" when they are completed;
        the others here, or once their batch is in (``same-batch targets``).
        """
        if isinstance(rec, Blob):
            return "b", bytes(rec.data), False, []
        if not self.o.migrateLinks:
            return "d", encode_document(rec), False, []
        state: dict[str, Any] = {"missing": False, "moved": False}
        batch_targets: list[int] = []
        mapped = self.map
        security = self._security_keys()

        def resolve(rid: RID) -> RID | None:
            if not rid.is_persistent:
                return rid
            key = rid.key
            new = mapped.get(key)
            if new is not None:
                if not state["moved"] and self._moved(key, new):
                    state["moved"] = True
                return RID.from_key(new)
            t = temp.get(key)
            if t is not None:
                batch_targets.append(key)
                return t
            if key in security:
                state["missing"] = "security"
            elif state["missing"] is False:
                state["missing"] = True
            return None

        doc, _ = rewrite_document(rec, resolve)
        if state["missing"] is False and state["moved"]:
            self.summary.links_rewritten += 1
            batch_targets = []
        return "d", encode_document(doc), state["missing"], batch_targets

    _sec_keys: set[int] | None = None

    def _security_keys(self) -> set[int]:
        if self._sec_keys is None or len(self._sec_keys) != len(self.deferred):
            self._sec_keys = set(self.deferred)
        return self._sec_keys

    def _commit_creates(self, batch: TxBatch, order: list[int], temp: dict[int, RID],
                        checks: list[list[int]]) -> None:
        # the server creates the last entry first: send them backwards to keep the file's order
        self.changed = True
        self.pipe.submit(batch.body(reversed(range(batch.count))), "send records",
                         lambda result: self._created(result, order, temp, checks))

    def _created(self, result: Any, order: list[int], temp: dict[int, RID], checks: list[list[int]]) -> None:
        created, _ = result
        real = {t: r for t, r in created}
        preexisting = self.preexisting
        for key in order:
            r = real.get(temp[key])
            if r is None:
                raise OrientError(f"the server did not report where record {RID.from_key(key)} of the file went")
            self.map.add(key, r.key)
            if r.cluster in preexisting:
                self.created_in_existing.append(r.key)
        for targets in checks:
            if any(self._moved(t, self.map.get(t)) for t in targets):
                self.summary.links_rewritten += 1
        self.summary.records += len(order)
        if self.progress is not None:
            self.progress.advance(len(order))

    def _moved(self, key: int, new: int) -> bool:
        sid = key >> POSITION_BITS
        fid = self.file_of.get(sid, sid)
        return ((fid << POSITION_BITS) | (key & POSITION_MASK)) != new

    # -- 3. links to later records ------------------------------------------------------------------------
    def _send_links(self) -> None:
        self.stage = "completing links"
        if self.pending:
            self.say(f"Completing the links of {len(self.pending)} record(s)...")
        batch = TxBatch()
        for key in self.pending:
            rec = self.scratch.load(RID.from_key(key))
            if not isinstance(rec, Document):
                continue
            rtype, content, missing = self._final_content(rec)
            if missing == "security":
                self.pending_sec.append(key)
                continue
            batch.update(RID.from_key(self.map.get(key)), rtype, content)
            if batch.count >= BATCH or batch.size >= BATCH_BYTES:
                self.pipe.submit(batch.body(), "complete links")
                batch = TxBatch()
        if batch.count:
            self.pipe.submit(batch.body(), "complete links")
        self.pipe.wait()

    def _final_content(self, rec: Document, temp: dict[int, RID] | None = None) -> tuple[str, bytes, Any]:
        """Content with every link resolved; links to records that never went are dropped."""
        security = self._security_keys()
        state: dict[str, Any] = {"missing": False, "moved": False, "removed": 0}

        def resolve(rid: RID) -> RID | None:
            if not rid.is_persistent:
                return rid
            new = self.map.get(rid.key)
            if new is not None:
                if self._moved(rid.key, new):
                    state["moved"] = True
                return RID.from_key(new)
            if temp is not None and rid.key in temp:
                return temp[rid.key]
            if rid.key in security:
                state["missing"] = "security"
                return rid
            state["removed"] += 1
            return None

        doc, _ = rewrite_document(rec, resolve)
        if state["missing"] is False:
            self.summary.links_removed += state["removed"]
            if state["moved"]:
                self.summary.links_rewritten += 1
        return "d", encode_document(doc), state["missing"]

    # -- 5. users and roles ------------------------------------------------------------------------------------
    def _send_security(self) -> None:
        self.stage = "importing users and roles"
        if not self.deferred and not self.pending_sec:
            return
        db = self.db
        owned = self._remote_class_clusters()
        records = [self.scratch.load(RID.from_key(k)) for k in self.deferred]
        classes = sorted({r.class_name for r in records if isinstance(r, Document) and r.class_name})
        existing: dict[str, dict[str, RID]] = {}
        others: dict[str, list[RID]] = {}
        for cls in classes:
            found: dict[str, RID] = {}
            rest: list[RID] = []
            if db.schema.has_class(cls):
                for doc in db.browse_class(cls, polymorphic=False):
                    name = doc.get("name")
                    if isinstance(name, str) and name.lower() not in found:
                        found[name.lower()] = doc.rid
                    else:
                        rest.append(doc.rid)
            existing[cls.lower()] = found
            others[cls.lower()] = rest
        creates: list[tuple[int, Document, int, int]] = []  # (priority, record, cluster, temp pos)
        updates: list[tuple[RID, Document]] = []
        matched: dict[str, set[str]] = {}
        batch = TxBatch()
        temp: dict[int, RID] = {}
        for rec in records:
            if not isinstance(rec, Document) or rec.rid is None:
                continue
            cls = (rec.class_name or "").lower()
            name = rec.get("name")
            hit = existing.get(cls, {}).get(name.lower()) if isinstance(name, str) else None
            if hit is not None:
                matched.setdefault(cls, set()).add(name.lower())
                self.map.add(rec.rid.key, hit.key)
                if self.o.merge:
                    self.summary.skipped += 1
                else:
                    updates.append((hit, rec))
                continue
            target = self._target(rec.rid.cluster, rec.class_name, owned) if rec.rid.cluster in self.cmap else -1
            pos = batch.temp_position()
            temp[rec.rid.key] = RID(target, pos)
            priority = 0 if db.schema.has_class(rec.class_name or "") and \
                db.schema.is_subclass(rec.class_name, "ORole") else 1
            creates.append((priority, rec, target, pos))
        # creation order on the server is the reverse of the entries: roles (priority 0) first
        for _, rec, target, pos in sorted(creates, key=lambda x: -x[0]):
            rtype, content, _ = self._final_content(rec, temp)
            batch.create(target, pos, rtype, content)
        for rid, rec in updates:
            rtype, content, _ = self._final_content(rec, temp)
            batch.update(rid, rtype, content)
        for key in self.pending_sec:
            rec = self.scratch.load(RID.from_key(key))
            if isinstance(rec, Document):
                rtype, content, _ = self._final_content(rec, temp)
                batch.update(RID.from_key(self.map.get(key)), rtype, content)
        if not self.o.merge:
            for cls, found in existing.items():
                for name, rid in found.items():
                    if name not in matched.get(cls, set()):
                        batch.delete(rid)
                for rid in others.get(cls, []):
                    batch.delete(rid)
        if not batch.count:
            return
        sent = len(creates) + len(updates)
        self.say(f"Importing {sent} user(s) and role(s)...")
        created, _ = send_tx(db, batch.body(), "import users and roles")
        self.security_done = True
        self.changed = True
        real = {t: r for t, r in created}
        for key, t in temp.items():
            r = real.get(t)
            if r is not None:
                self.map.add(key, r.key)
        self.summary.records += sent
        if self.progress is not None:
            self.progress.advance(sent)

    # -- -deleteRIDMapping=false ---------------------------------------------------------------------------
    def _send_rid_map(self) -> None:
        """The file's RID -> the server's RID, for every record that moved, as records of the map class."""
        self.stage = "writing the RID map"
        if not self.db.schema.has_class(RID_MAP_CLASS):
            return
        batch = TxBatch()
        n = 0
        for sid in self.copy_clusters:
            for key, _v, cls, _k, _d in self.scratch.raw_cluster(sid):
                new = self.map.get(key)
                if new is None or cls == RID_MAP_CLASS or not self._moved(key, new):
                    continue
                fid = self.file_of.get(sid, sid)
                doc = Document(RID_MAP_CLASS, {"key": f"#{fid}:{key & POSITION_MASK}", "value": RID.from_key(new)})
                batch.create(-1, batch.temp_position(), "d", encode_document(doc))
                n += 1
                if batch.count >= BATCH:
                    self._send_created_only(batch)
                    batch = TxBatch()
        if batch.count:
            self._send_created_only(batch)
        self.say(f"Kept the RID map: {n} moved record(s) in {RID_MAP_CLASS}")

    def _send_created_only(self, batch: TxBatch) -> None:
        self.changed = True
        created, _ = send_tx(self.db, batch.body(reversed(range(batch.count))), "write the RID map")
        for _t, r in created:
            if r.cluster in self.preexisting:
                self.created_in_existing.append(r.key)

    # -- failures ------------------------------------------------------------------------------------------------
    def _failed(self, exc: BaseException) -> OrientError:
        """Undo what can be undone; the one-line error to raise."""
        reason = str(exc) or type(exc).__name__
        self.pipe.settle()  # a request still in flight: let it finish (what it created is undone too)
        if not self.changed:
            if self.stage in ("reading the file", "planning"):
                return exc if isinstance(exc, OrientError) else OrientError(reason)
            return RemoteImportError(f"IMPORT DATABASE failed while {self.stage}: {reason}; "
                                     "the remote database is unchanged")
        try:
            self._undo()
        except (OrientError, OSError) as undo_exc:
            return RemoteImportError(f"IMPORT DATABASE failed while {self.stage}: {reason}; undoing it failed too "
                                     f"({undo_exc}): the remote database holds part of the import")
        what = "the import was undone"
        notes = []
        if self.lost:
            notes.append(f"the {self.lost} record(s) it had removed from the target's classes and emptied "
                         "clusters are gone")
        if self.security_done:
            notes.append("users and roles stay as in the file")
        tail = f"{what} ({'; '.join(notes)})" if notes else f"{what} and the remote database is as before"
        return RemoteImportError(f"IMPORT DATABASE failed while {self.stage}: {reason}; {tail}")

    def _undo(self) -> None:
        db = self.db
        self.say("Undoing the import...")
        # records created in clusters that existed before (users and roles stay once swapped)
        keys = self.created_in_existing
        for i in range(0, len(keys), BATCH):
            batch = TxBatch()
            for key in keys[i:i + BATCH]:
                batch.delete(RID.from_key(key))
            try:
                send_tx(db, batch.body(), "undo the import")
            except OrientError:
                for key in keys[i:i + BATCH]:  # one by one: some may be gone already
                    one = TxBatch()
                    one.delete(RID.from_key(key))
                    try:
                        send_tx(db, one.body(), "undo the import")
                    except OrientError:
                        pass
        db._schema = None
        now: Schema = db.schema
        if self.o.merge:
            undo_ix, undo_structure = self.undo_statements
            statements = list(undo_ix) if "creating indexes" in self.applied else []
            statements += [s for s in undo_structure if self._still_applies(s, now)]
        else:
            before = self.before
            keep = self.keep
            classes = [c for c in before.classes if c.name.lower() not in keep]
            clusters = [c for c in before.clusters if before.class_of_cluster(c.id) is None
                        or before.class_of_cluster(c.id).lower() not in keep]
            indexes = [ix for ix in before.indexes if ix.class_name.lower() not in keep]
            statements = S.replace_classes(now, classes, clusters, indexes, keep, reshape_all=False).all()
        if statements:
            self._script(statements)
        db._schema = None

    @staticmethod
    def _still_applies(statement: str, now: Schema) -> bool:
        """Skip undo statements for things the failed step never created."""
        if statement.startswith("DROP CLASS "):
            return now.has_class(statement.split("`")[1])
        if statement.startswith("DROP CLUSTER "):
            return now.get_cluster(int(statement.split()[2])) is not None
        if statement.startswith("DROP PROPERTY "):
            parts = statement.split("`")
            return now.has_class(parts[1]) and parts[3].lower() in {p.name.lower() for p in
                                                                    now.cls(parts[1]).properties}
        if statement.startswith("ALTER CLASS ") and " REMOVECLUSTER " in statement:
            parts = statement.split("`")
            c = now.get_cluster(parts[3])
            return now.has_class(parts[1]) and c is not None and c.id in now.cls(parts[1]).cluster_ids
        if statement.startswith("ALTER PROPERTY "):
            return now.has_class(statement.split("`")[1])
        return True


__all__ = ["import_into_remote", "RemoteImport", "RemoteImportError", "BATCH"]
