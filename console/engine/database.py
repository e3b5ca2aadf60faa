"""The embedded database: records, transactions and snapshots on SQLite.

Schema changes live in :mod:`console.engine.schema_ops` and graph operations in
:mod:`console.engine.graph`; both are mixed into :class:`EmbeddedDatabase`.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

import orjson

from console.engine import indexing
from console.engine.codec import encode_body
from console.engine.document import Blob, Document, Record
from console.engine.export_rows import export_rows
from console.engine.graph import GraphOperations
from console.engine.rid import POSITION_BITS, POSITION_MASK, RID, cluster_range
from console.engine.schema import Cluster, IndexDef, Schema, SchemaClass
from console.engine.rowcodec import decoder_for, encoder_for
from console.engine.schema_ops import SchemaOperations, load_schema
from console.engine.security import CREATE, DELETE, READ, UPDATE, User, hash_password, is_hashed
from console.engine.storage import KIND_BLOB, KIND_DOCUMENT, Storage, WriterLock
from console.engine.types import OType
from console.engine.validation import prepare
from console.errors import (
    DatabaseError,
    RecordNotFound,
    StaleVersion,
    UnknownCluster,
    ValidationError,
)

DEFAULT_CLUSTER = "default"
BATCH_SIZE = 5000

RawRow = tuple[int, int, "str | None", int, bytes]  # packed rid, version, class, kind, data


class EmbeddedDatabase(SchemaOperations, GraphOperations):
    """An open embedded database (``plocal:`` or ``memory:``)."""

    kind = "embedded"

    def __init__(self, storage: Storage, *, name: str, url: str, path: Path) -> None:
        self._storage = storage
        self.name = name
        self.url = url
        self.path = path
        self.user: User | None = None
        self._rr: dict[str, int] = {}
        self._dv = storage.data_version()
        self._schema: Schema = load_schema(storage.conn)
        self._closed = False

    # -- lifecycle -----------------------------------------------------------
    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._storage.close()

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> "EmbeddedDatabase":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def conn(self) -> sqlite3.Connection:
        if self._closed:
            raise DatabaseError(f"database '{self.name}' is closed")
        return self._storage.conn

    @property
    def user_name(self) -> str | None:
        return self.user.name if self.user else None

    # -- schema cache --------------------------------------------------------
    @property
    def schema(self) -> Schema:
        """The current schema (reloaded when another connection changed it)."""
        if not self._storage.busy:
            self._refresh_schema()
        return self._schema

    def _refresh_schema(self, force: bool = False) -> None:
        dv = self._storage.data_version()
        if dv == self._dv and not force:
            return
        self._dv = dv
        version = int(self._storage.get_meta("schema_version", 0))
        if force or version != self._schema.version:
            self._set_schema(load_schema(self.conn))

    def _set_schema(self, schema: Schema) -> None:
        self._schema = schema

    @contextlib.contextmanager
    def _write(self, entries: int = 1) -> Iterator[sqlite3.Connection]:
        """An atomic write block with a schema that is current inside it."""
        outermost = not self._storage.busy
        schema = None
        try:
            with self._storage.write(entries) as conn:
                if outermost:
                    self._refresh_schema()
                schema = self._schema
                yield conn
        except BaseException:
            # the block failed (and was undone, or will be with its transaction): a schema
            # changed inside it is read again, or the change would still be believed
            if schema is not None and self._schema is not schema:
                self._refresh_schema(force=True)
            raise

    @contextlib.contextmanager
    def snapshot(self) -> Iterator["EmbeddedDatabase"]:
        """Read everything inside the block from one point in time."""
        outermost = not self._storage.busy
        with self._storage.snapshot():
            if outermost:
                self._refresh_schema()
            yield self

    # -- transactions --------------------------------------------------------
    @contextlib.contextmanager
    def cache_limit(self, kib: int = 8192) -> Iterator[None]:
        """Hold SQLite's page cache to ``kib`` KiB meanwhile: whole-database reads and
        loads (export, import) gain nothing from more, and memory then stays flat."""
        conn = self.conn
        old = conn.execute("PRAGMA cache_size").fetchone()[0]
        conn.execute(f"PRAGMA cache_size=-{int(kib)}")
        try:
            yield
        finally:
            conn.execute(f"PRAGMA cache_size={int(old)}")

    def begin(self) -> None:
        self._storage.begin()
        self._refresh_schema()

    def commit(self) -> None:
        self._storage.commit()

    def rollback(self) -> None:
        self._storage.rollback()
        self._rr.clear()
        self._refresh_schema(force=True)

    @property
    def in_transaction(self) -> bool:
        return self._storage.in_user_transaction

    @contextlib.contextmanager
    def hold_writers(self, timeout: float = 0.5) -> Iterator[WriterLock | None]:
        """For the block, hold this database's own lock and, until the yielded lock's
        ``release()``, the write lock: read transactions started meanwhile, here and in other
        processes, then share one snapshot. Yields None inside a transaction or a snapshot,
        or when a writer is busy beyond ``timeout``. (Own lock first, write lock second:
        the order every write of this object takes them in.)"""
        with self._storage.lock:
            lock = None if self._storage.busy else WriterLock.take(self.path, timeout)
            try:
                yield lock
            finally:
                if lock is not None:
                    lock.release()

    @property
    def tx_entries(self) -> int:
        return self._storage.tx_entries

    # -- permissions ---------------------------------------------------------
    def _check(self, resource: str, name: str | None, op: int) -> None:
        if self.user is not None:
            self.user.check(resource, name, op)

    def _check_record(self, class_name: str | None, cluster_id: int, op: int) -> None:
        if self.user is None:
            return
        if class_name:
            self.user.check("database.class", class_name, op)
        else:
            c = self._schema.get_cluster(cluster_id)
            self.user.check("database.cluster", c.name if c else str(cluster_id), op)

    def check_permission(self, resource: str, name: str | None, op: int) -> None:
        """Raise PermissionDenied unless the current user may do ``op``."""
        self._check(resource, name, op)

    def _readable_cluster(self, cluster: int | str) -> int:
        """The id of a cluster the current user may read (raises otherwise)."""
        c = self._schema.cluster(cluster)
        self._check("database.cluster", c.name, READ)
        return c.id

    # -- helpers -------------------------------------------------------------
    def _prop_types(self, class_name: str | None) -> dict[str, OType] | None:
        """Declared property types of a class (None without a class or properties)."""
        return decoder_for(self._schema, class_name).schema_types or None

    def materialize(self, key: int, version: int, class_name: str | None, kind: int, data: bytes) -> Record:
        """A record object from a stored row."""
        if kind == KIND_BLOB:
            return Blob(data, RID.from_key(key), version)
        return decoder_for(self._schema, class_name).document(key, version, data)

    def _row(self, key: int) -> tuple[int, str | None, int, bytes] | None:
        return self.conn.execute(
            "SELECT ver, cls, kind, data FROM records WHERE rid = ?", (key,)).fetchone()

    def _class_of(self, rid: RID) -> str | None | bool:
        """Class of a stored record, None when it has none, False when missing."""
        if not rid.is_persistent:
            return False
        row = self.conn.execute("SELECT cls FROM records WHERE rid = ?", (rid.key,)).fetchone()
        return False if row is None else row[0]

    def _cluster_id(self, cluster: int | str) -> int:
        return self._schema.cluster(cluster).id

    def _pick_cluster(self, cls: SchemaClass | None, cluster: int | str | None) -> int:
        schema = self._schema
        if cluster is not None:
            c = schema.cluster(cluster)
            if cls is not None and c.id not in cls.cluster_ids:
                raise ValidationError(f"cluster '{c.name}' does not belong to class {cls.name}")
            if cls is None:
                owner = schema.class_of_cluster(c.id)
                if owner is not None:
                    cls_obj = schema.cls(owner)
                    if cls_obj.abstract:
                        raise ValidationError(f"class {owner} is abstract")
            return c.id
        if cls is None:
            return schema.cluster(DEFAULT_CLUSTER).id
        if cls.abstract or not cls.cluster_ids:
            raise ValidationError(f"class {cls.name} is abstract: it cannot hold records")
        ids = cls.cluster_ids
        if len(ids) == 1 or cls.cluster_selection == "default":
            return cls.default_cluster_id if cls.default_cluster_id in ids else ids[0]
        if cls.cluster_selection == "balanced":
            return min(ids, key=self.count_cluster)
        n = self._rr.get(cls.name, 0)
        self._rr[cls.name] = n + 1
        return ids[n % len(ids)]

    def _before_write(self, class_name: str | None, fields: dict[str, Any]) -> None:
        """Hash a clear-text password given to an OUser record."""
        if class_name and self._schema.has_class("OUser") and self._schema.is_subclass(class_name, "OUser"):
            pw = fields.get("password")
            if isinstance(pw, str) and not is_hashed(pw):
                fields["password"] = hash_password(pw)

    def _allocate(self, conn: sqlite3.Connection, cluster_id: int, n: int = 1) -> int:
        """Reserve ``n`` positions in a cluster; returns the first."""
        row = conn.execute(
            "UPDATE clusters SET next_pos = next_pos + ? WHERE id = ? RETURNING next_pos",
            (n, cluster_id)).fetchone()
        if row is None:
            raise UnknownCluster(f"cluster {cluster_id} does not exist")
        return row[0] - n

    def _indexes(self, class_name: str | None) -> list[IndexDef]:
        return self._schema.indexes_of(class_name) if class_name else []

    # -- reading ---------------------------------------------------------------
    def load(self, rid: RID | str) -> Record | None:
        """The record at ``rid``, or None."""
        rid = RID.parse(rid) if isinstance(rid, str) else rid
        if not rid.is_persistent:
            return None
        self.schema  # refresh when another process changed it
        row = self._row(rid.key)
        if row is None:
            return None
        ver, cls, kind, data = row
        self._check_record(cls, rid.cluster, READ)
        return self.materialize(rid.key, ver, cls, kind, data)

    def exists(self, rid: RID) -> bool:
        return rid.is_persistent and self._row(rid.key) is not None

    def raw_record(self, rid: RID) -> RawRow | None:
        """The stored row of one record: (key, version, class, kind, bytes)."""
        row = self._row(rid.key) if rid.is_persistent else None
        if row is None:
            return None
        self._check_record(row[1], rid.cluster, READ)
        return (rid.key, row[0], row[1], row[2], row[3])

    def raw_cluster(self, cluster: int | str) -> Iterator[RawRow]:
        """Stored rows of a cluster in position order (use inside ``snapshot()``)."""
        lo, hi = cluster_range(self._readable_cluster(cluster))
        cur = self.conn.execute(
            "SELECT rid, ver, cls, kind, data FROM records WHERE rid BETWEEN ? AND ? ORDER BY rid", (lo, hi))
        yield from cur

    def export_records(self, cluster: int | str, include: set[str] | None = None,
                       exclude: set[str] | None = None, batch: int = 4096,
                       span: tuple[int, int] | None = None, sep: bytes = b",") -> Iterator[tuple[bytes, int]]:
        """A cluster's records as export JSON (meta fields spliced before the stored body by
        SQLite itself), in position order, as ``(chunk, count)``: ``count`` records joined
        by ``sep``; class names filtered case-insensitively.

        ``span`` limits the output to packed keys ``lo..hi`` of the cluster.
        Use inside ``snapshot()``.
        """
        cid = self._readable_cluster(cluster)
        lo, hi = span if span is not None else cluster_range(cid)
        return export_rows(self.conn, cid, lo, hi, include, exclude, batch, sep)

    def browse_cluster(self, cluster: int | str) -> Iterator[Record]:
        """Every record of a cluster in position order, from one snapshot."""
        with self.snapshot():
            yield from self._browse_range(self._readable_cluster(cluster), None)

    def browse_class(self, name: str, polymorphic: bool = True) -> Iterator[Document]:
        """Records of a class (and its subclasses), cluster by cluster, from one snapshot."""
        with self.snapshot():
            schema = self._schema
            cls = schema.cls(name)
            names = schema.descendants(cls.name) if polymorphic else [cls.name]
            for n in names:
                self._check("database.class", n, READ)
            wanted = set(names)
            ids = schema.polymorphic_cluster_ids(cls.name) if polymorphic else sorted(cls.cluster_ids)
            for cid in ids:
                if cid >= 0:
                    yield from self._browse_range(cid, wanted)  # type: ignore[misc]

    def _browse_range(self, cid: int, wanted: set[str] | None) -> Iterator[Record]:
        """Records of one cluster, optionally only those of the ``wanted`` classes."""
        lo, hi = cluster_range(cid)
        schema = self._schema
        decoders: dict[str | None, Any] = {}
        for key, ver, cls, kind, data in self.conn.execute(
                "SELECT rid, ver, cls, kind, data FROM records WHERE rid BETWEEN ? AND ? ORDER BY rid", (lo, hi)):
            dec = decoders.get(cls)
            if dec is None:
                if wanted is not None and cls not in wanted:
                    decoders[cls] = False
                    continue
                if wanted is None:
                    self._check_record(cls, cid, READ)
                dec = decoders[cls] = decoder_for(schema, cls)
            elif dec is False:
                continue
            if kind == KIND_BLOB:
                yield Blob(data, RID.from_key(key), ver)
            else:
                yield dec.document(key, ver, data)

    def key_bounds(self, cluster: int | str) -> tuple[int, int] | None:
        """Lowest and highest packed keys stored in a cluster (None when it is empty)."""
        lo, hi = cluster_range(self._cluster_id(cluster))
        first = self.conn.execute("SELECT rid FROM records WHERE rid BETWEEN ? AND ? ORDER BY rid LIMIT 1",
                                  (lo, hi)).fetchone()
        if first is None:
            return None
        last = self.conn.execute("SELECT rid FROM records WHERE rid BETWEEN ? AND ? ORDER BY rid DESC LIMIT 1",
                                 (lo, hi)).fetchone()
        return first[0], last[0]

    def count_cluster(self, cluster: int | str) -> int:
        cid = self._cluster_id(cluster)
        lo, hi = cluster_range(cid)
        return self.conn.execute("SELECT count(*) FROM records WHERE rid BETWEEN ? AND ?", (lo, hi)).fetchone()[0]

    def count_class(self, name: str, polymorphic: bool = True) -> int:
        schema = self.schema
        cls = schema.cls(name)
        names = schema.descendants(cls.name) if polymorphic else [cls.name]
        ids = schema.polymorphic_cluster_ids(cls.name) if polymorphic else [i for i in cls.cluster_ids if i >= 0]
        total = 0
        marks = ",".join("?" * len(names))
        for cid in ids:
            lo, hi = cluster_range(cid)
            total += self.conn.execute(
                f"SELECT count(*) FROM records WHERE rid BETWEEN ? AND ? AND cls IN ({marks})",
                (lo, hi, *names)).fetchone()[0]
        return total

    def count_records(self) -> int:
        return self.conn.execute("SELECT count(*) FROM records").fetchone()[0]

    def cluster_range(self, cluster: int | str) -> tuple[int, int]:
        """First and last position of a cluster ((-1, -1) when empty)."""
        bounds = self.key_bounds(cluster)
        if bounds is None:
            return (-1, -1)
        return (bounds[0] & POSITION_MASK, bounds[1] & POSITION_MASK)

    def size_bytes(self) -> int:
        """Size of the database file in bytes."""
        page = self.conn.execute("PRAGMA page_size").fetchone()[0]
        count = self.conn.execute("PRAGMA page_count").fetchone()[0]
        return page * count

    # -- writing ---------------------------------------------------------------
    def insert(
        self,
        class_name: str | None,
        fields: Mapping[str, Any] | None = None,
        *,
        types: Mapping[str, OType] | None = None,
        cluster: int | str | None = None,
    ) -> Document:
        """Create a document and return it with its RID and version 1."""
        with self._write() as conn:
            return self._insert(conn, class_name, dict(fields or {}), dict(types or {}), cluster)

    def _insert(
        self,
        conn: sqlite3.Connection,
        class_name: str | None,
        fields: dict[str, Any],
        types: dict[str, OType],
        cluster: int | str | None,
    ) -> Document:
        schema = self._schema
        cls = schema.cls(class_name) if class_name else None
        if cls is None and cluster is not None:
            owner = schema.class_of_cluster(schema.cluster(cluster).id)
            cls = schema.cls(owner) if owner else None
        name = cls.name if cls else None
        cid = self._pick_cluster(cls, cluster)
        self._check_record(name, cid, CREATE)
        fields, types = prepare(schema, name, fields, types, None, self._class_of)
        self._before_write(name, fields)
        if schema.cluster(cid).blob:
            raise ValidationError(f"cluster '{schema.cluster(cid).name}' holds blobs, not documents")
        pos = self._allocate(conn, cid)
        key = (cid << POSITION_BITS) | pos
        conn.execute("INSERT INTO records(rid, ver, cls, kind, data) VALUES (?, 1, ?, 0, ?)",
                     (key, name, encode_body(fields, types)))
        for ix in self._indexes(name):
            indexing.add_entries(conn, ix, [k + (key,) for k in indexing.index_keys(ix, fields)])
        return Document(name, fields, types, RID(cid, pos), 1)

    def insert_many(
        self,
        class_name: str | None,
        rows: Iterable[Mapping[str, Any]],
        *,
        types: Mapping[str, OType] | None = None,
        cluster: int | str | None = None,
        batch_size: int = BATCH_SIZE,
    ) -> int:
        """Create many documents in one transaction; returns how many."""
        total = 0
        types = dict(types or {})
        with self._write() as conn:
            schema = self._schema
            cls = schema.cls(class_name) if class_name else None
            name = cls.name if cls else None
            indexes = self._indexes(name)
            class_of = self._class_of
            is_user = bool(name) and schema.is_subclass(name, "OUser")
            encoder = encoder_for(schema, name) if name and not types else None
            batch: list[tuple[int, str | None, bytes]] = []
            ix_rows: dict[str, list[tuple[Any, ...]]] = {ix.name: [] for ix in indexes}
            nxt: dict[int, int] = {}     # cluster id -> its next free position
            # Round-robin over the class's clusters is done here (the usual case); any
            # other selection asks _pick_cluster for every row.
            rr_ids = cls.cluster_ids if (cls is not None and cluster is None and not cls.abstract
                                         and len(cls.cluster_ids) > 1
                                         and cls.cluster_selection == "round-robin") else ()
            rr = self._rr.get(name, 0) if rr_ids else 0
            n_ids = len(rr_ids)
            try:
                for row in rows:
                    if n_ids:
                        cid = rr_ids[rr % n_ids]
                        rr += 1
                    else:
                        cid = self._pick_cluster(cls, cluster)
                    pos = nxt.get(cid)
                    if pos is None:
                        self._check_record(name, cid, CREATE)
                        if schema.cluster(cid).blob:
                            raise ValidationError(f"cluster '{schema.cluster(cid).name}' holds blobs, not documents")
                        pos = conn.execute("SELECT next_pos FROM clusters WHERE id = ?", (cid,)).fetchone()[0]
                    nxt[cid] = pos + 1
                    body = encoder.encode(row) if encoder is not None else None
                    if body is None:
                        f, t = prepare(schema, name, row, types, None, class_of)
                        if is_user:
                            self._before_write(name, f)
                        body = encode_body(f, t)
                    else:
                        f = row
                    key = (cid << POSITION_BITS) | pos
                    batch.append((key, name, body))
                    for ix in indexes:
                        ix_rows[ix.name].extend(k + (key,) for k in indexing.index_keys(ix, f))
                    if len(batch) >= batch_size:
                        total += self._flush(conn, batch, indexes, ix_rows)
            finally:
                if rr_ids:
                    self._rr[name] = rr  # type: ignore[index]
            total += self._flush(conn, batch, indexes, ix_rows)
            for cid, pos in nxt.items():
                conn.execute("UPDATE clusters SET next_pos = ? WHERE id = ?", (pos, cid))
        return total

    @staticmethod
    def _flush(conn: sqlite3.Connection, batch: list[tuple[int, str | None, bytes]],
               indexes: list[IndexDef], ix_rows: dict[str, list[tuple[Any, ...]]]) -> int:
        n = len(batch)
        if batch:
            conn.executemany("INSERT INTO records(rid, ver, cls, kind, data) VALUES (?, 1, ?, 0, ?)", batch)
            batch.clear()
        for ix in indexes:
            rows = ix_rows[ix.name]
            if rows:
                indexing.add_entries(conn, ix, rows)
                rows.clear()
        return n

    def create_blob(self, data: bytes, cluster: int | str | None = None) -> Blob:
        """Store a binary record in a blob cluster (or the given cluster)."""
        with self._write() as conn:
            schema = self._schema
            if cluster is None:
                blobs = [c for c in schema.clusters if c.blob]
                if not blobs:
                    raise UnknownCluster("no blob cluster: create one with CREATE BLOB CLUSTER <name>")
                cid = blobs[0].id
            else:
                cid = schema.cluster(cluster).id
                if schema.class_of_cluster(cid):
                    raise ValidationError(f"cluster '{schema.cluster(cid).name}' belongs to a class; blobs need their own cluster")
            self._check_record(None, cid, CREATE)
            pos = self._allocate(conn, cid)
            key = (cid << POSITION_BITS) | pos
            conn.execute("INSERT INTO records(rid, ver, cls, kind, data) VALUES (?, 1, NULL, 1, ?)", (key, bytes(data)))
            return Blob(data, RID(cid, pos), 1)

    def save(self, record: Record) -> Record:
        """Insert a new document (no RID) or update a stored one."""
        if isinstance(record, Blob):
            if record.rid is None:
                return self.create_blob(record.data)
            return self.update_blob(record)
        if record.rid is None or not record.rid.is_persistent:
            return self.insert(record.class_name, record.fields, types=record.types)
        return self.update(record)

    def update(self, doc: Document, *, check_version: bool = True) -> Document:
        """Write a changed document back; its version must match the stored one."""
        if doc.rid is None:
            raise RecordNotFound("cannot update a document that was never saved")
        with self._write() as conn:
            return self._update(conn, doc, check_version)

    def _update(self, conn: sqlite3.Connection, doc: Document, check_version: bool) -> Document:
        rid = doc.rid
        assert rid is not None
        row = self._row(rid.key) if rid.is_persistent else None
        if row is None:
            raise RecordNotFound(f"record {rid} does not exist")
        ver, cls, kind, data = row
        if kind == KIND_BLOB:
            raise ValidationError(f"record {rid} is a blob, not a document")
        if check_version and doc.version not in (None, -1) and doc.version != ver:
            raise StaleVersion(
                f"record {rid} was changed by someone else: your version is {doc.version}, stored version is {ver}")
        if doc.class_name and cls and doc.class_name.lower() != cls.lower():
            raise ValidationError(f"record {rid} is of class {cls}, not {doc.class_name}")
        self._check_record(cls, rid.cluster, UPDATE)
        old = self.materialize(rid.key, ver, cls, kind, data)
        assert isinstance(old, Document)
        fields, types = prepare(self._schema, cls, doc.fields, doc.types, old, self._class_of)
        self._before_write(cls, fields)
        conn.execute("UPDATE records SET ver = ?, data = ? WHERE rid = ?", (ver + 1, encode_body(fields, types), rid.key))
        indexing.update_entries(conn, self._indexes(cls), rid.key, old.fields, fields)
        return Document(cls, fields, types, rid, ver + 1)

    def update_blob(self, blob: Blob, *, check_version: bool = True) -> Blob:
        assert blob.rid is not None
        with self._write() as conn:
            row = self._row(blob.rid.key)
            if row is None or row[2] != KIND_BLOB:
                raise RecordNotFound(f"blob {blob.rid} does not exist")
            if check_version and blob.version not in (None, -1) and blob.version != row[0]:
                raise StaleVersion(f"record {blob.rid} was changed by someone else: your version is {blob.version}, stored version is {row[0]}")
            self._check_record(None, blob.rid.cluster, UPDATE)
            conn.execute("UPDATE records SET ver = ?, data = ? WHERE rid = ?", (row[0] + 1, blob.data, blob.rid.key))
            return Blob(blob.data, blob.rid, row[0] + 1)

    def delete(self, rid: RID | str, version: int | None = None) -> bool:
        """Delete a record (a vertex takes its edges along); False when absent."""
        rid = RID.parse(rid) if isinstance(rid, str) else rid
        with self._write() as conn:
            return self._delete(conn, rid, version)

    def _delete(self, conn: sqlite3.Connection, rid: RID, version: int | None) -> bool:
        row = self._row(rid.key) if rid.is_persistent else None
        if row is None:
            return False
        ver, cls, kind, data = row
        if version not in (None, -1) and version != ver:
            raise StaleVersion(f"record {rid} was changed by someone else: your version is {version}, stored version is {ver}")
        self._check_record(cls, rid.cluster, DELETE)
        if kind == KIND_DOCUMENT:
            old = self.materialize(rid.key, ver, cls, kind, data)
            assert isinstance(old, Document)
            schema = self._schema
            if cls and schema.is_vertex_class(cls):
                self._detach_vertex(conn, old)
            elif cls and schema.is_edge_class(cls):
                self._detach_edge(conn, old)
            indexing.update_entries(conn, self._indexes(cls), rid.key, old.fields, None)
        conn.execute("DELETE FROM records WHERE rid = ?", (rid.key,))
        return True

    # -- loading with explicit RIDs (import) -----------------------------------
    def put_raw(self, rows: Iterable[RawRow], *, check: bool = True) -> int:
        """Store rows at explicit RIDs (bodies in stored form); the importer's path.

        Positions of touched clusters advance past the highest one written.
        Index tables are not maintained: rebuild indexes afterwards.
        """
        n = 0
        high: dict[int, int] = {}
        mask = (1 << POSITION_BITS) - 1
        with self._write() as conn:
            batch: list[RawRow] = []
            for row in rows:
                batch.append(row)
                cid = row[0] >> POSITION_BITS
                pos = row[0] & mask
                if high.get(cid, -1) < pos:
                    high[cid] = pos
                if len(batch) >= BATCH_SIZE:
                    conn.executemany("INSERT INTO records(rid, ver, cls, kind, data) VALUES (?, ?, ?, ?, ?)", batch)
                    n += len(batch)
                    batch.clear()
            if batch:
                conn.executemany("INSERT INTO records(rid, ver, cls, kind, data) VALUES (?, ?, ?, ?, ?)", batch)
                n += len(batch)
            for cid, pos in high.items():
                conn.execute("UPDATE clusters SET next_pos = max(next_pos, ?) WHERE id = ?", (pos + 1, cid))
        return n

    # -- SQL ---------------------------------------------------------------------
    def execute(self, statement: Any, params: Any = None, text: str | None = None) -> Any:
        """Run a parsed SQL statement (``text`` is ignored here; remote databases use it)."""
        from console.engine.sql import execute

        return execute(self, statement, params)

    def query(self, text: str, params: Any = None) -> Iterator[Any]:
        """Run a SELECT / TRAVERSE / MATCH statement; results stream."""
        from console.engine.sql import execute_text

        return execute_text(self, text, params, query_only=True)

    def command(self, text: str, params: Any = None) -> Any:
        """Run any SQL statement and return its result."""
        from console.engine.sql import execute_text

        return execute_text(self, text, params, query_only=False)

    def __repr__(self) -> str:
        return f"<EmbeddedDatabase {self.url} user={self.user_name}>"


def dumps(obj: Any) -> str:
    return orjson.dumps(obj).decode()


__all__ = ["EmbeddedDatabase", "Cluster"]
