"""Record operations of the server: RECORD_LOAD / CREATE / UPDATE / DELETE and TX_COMMIT.

Record content arrives in the CSV format (:mod:`console.remote.csv`).

Classes the schema does not have. pyorient (like OrientDB's own clients)
may send a record whose ``Class@`` prefix names a class that does not exist;
OrientDB stored such records with a schema-less class name, which our
engine cannot represent. The server therefore creates the class on the fly,
with the rights of the logged-in user (so a reader or writer gets
OSecurityAccessException):

* when the request names a cluster that exists, belongs to no class, holds
  documents and is not one of the system clusters, the new class takes that
  cluster, so the record lands exactly where it was asked for;
* otherwise (cluster -1, a cluster of another class, a system cluster) the
  new class gets a cluster of its own and the record goes there; the
  response carries the real RID.

Transactions (TX_COMMIT) run every entry in one engine transaction: creates
first, in reverse attach order (OrientDB 2.2.9 and later give the most
negative temporary position the lowest real position, which pyorient's
tests expect), then updates and deletes in the order sent. Links to
temporary RIDs inside the records are rewritten to the real RIDs. Any
failure rolls the whole transaction back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from console.engine.database import EmbeddedDatabase
from console.engine.document import Blob, Document
from console.engine.rid import RID
from console.errors import RecordNotFound, UnknownCluster
from console.remote import exceptions as X
from console.remote import wire
from console.remote.csv import decode_record
from console.remote.exceptions import ServerError
from console.remote.metadata import virtual_record
from console.remote.wire import (
    RecordCreateRequest, RecordDeleteRequest, RecordLoadRequest, RecordUpdateRequest, TxCommitRequest,
)

if TYPE_CHECKING:
    from console.remote.session import Connection

SYSTEM_CLUSTERS = frozenset({"internal", "index", "manindex", "default"})


# --- content -------------------------------------------------------------------------------

def resolve_class(db: EmbeddedDatabase, class_name: str | None, cluster: int | None) -> tuple[str | None, int | None]:
    """The class and cluster a new document goes to, creating an unknown class (see the module doc)."""
    schema = db.schema
    if cluster is not None and cluster < 0:
        cluster = None
    if cluster is not None and schema.get_cluster(cluster) is None:
        raise UnknownCluster(f"cluster {cluster} does not exist")
    if not class_name:
        return None, cluster
    existing = schema.get_class(class_name)
    if existing is not None:
        return existing.name, cluster
    if cluster is not None:
        c = schema.cluster(cluster)
        if schema.class_of_cluster(c.id) is None and not c.blob and c.name.lower() not in SYSTEM_CLUSTERS:
            db.create_class(class_name, cluster_ids=[c.id])
            return class_name, c.id
    db.create_class(class_name)
    return class_name, None


def rewrite_links(value: Any, mapping: dict[RID, RID]) -> Any:
    """``value`` with temporary RIDs replaced by their real ones (only when any occur)."""
    if not mapping:
        return value
    t = type(value)
    if t is RID:
        return mapping.get(value, value)
    if t is list:
        return [rewrite_links(v, mapping) for v in value]
    if t is dict:
        return {k: rewrite_links(v, mapping) for k, v in value.items()}
    if isinstance(value, Document):
        return Document(value.class_name, {k: rewrite_links(v, mapping) for k, v in value.fields.items()},
                        value.types, value.rid, value.version)
    return value


def _has_temporary(value: Any) -> bool:
    t = type(value)
    if t is RID:
        return not value.is_persistent
    if t is list:
        return any(_has_temporary(v) for v in value)
    if t is dict:
        return any(_has_temporary(v) for v in value.values())
    if isinstance(value, Document):
        return any(_has_temporary(v) for v in value.fields.values())
    return False


def create(db: EmbeddedDatabase, cluster: int, content: bytes, record_type: str,
           mapping: dict[RID, RID] | None = None) -> Document | Blob:
    """Store a new record from the wire; returns it with its RID and version."""
    if record_type == "b":
        return db.create_blob(content, cluster if cluster >= 0 else None)
    if record_type != "d":
        raise ServerError(X.SERIALIZATION, f"record type '{record_type}' is not supported (use 'd' or 'b')")
    doc = decode_record(content)
    class_name, target = resolve_class(db, doc.class_name, cluster)
    fields = rewrite_links(doc.fields, mapping or {})
    return db.insert(class_name, fields, types=doc.types, cluster=target)


def update(db: EmbeddedDatabase, rid: RID, content: bytes, record_type: str, version: int,
           update_content: bool = True, mapping: dict[RID, RID] | None = None) -> int:
    """Replace a record's content; returns its new version."""
    if not rid.is_persistent:
        raise RecordNotFound(f"record {rid} does not exist")
    if not update_content:  # only link bags changed on the client: nothing to store
        current = db.load(rid)
        if current is None:
            raise RecordNotFound(f"record {rid} does not exist")
        return current.version
    check = version not in (-1, -2)
    if record_type == "b":
        return db.update_blob(Blob(content, rid, version), check_version=check).version
    doc = decode_record(content)
    doc.fields = rewrite_links(doc.fields, mapping or {})
    doc.rid = rid
    doc.version = version
    return db.update(doc, check_version=check).version


# --- the operations --------------------------------------------------------------------------

def op_record_load(conn: "Connection", req: RecordLoadRequest) -> bytes:
    s = conn.session(req, database=True)
    record = s.db.load(req.rid) if req.rid.is_persistent else None
    if record is None and req.rid.cluster == 0:
        record = virtual_record(s.db, req.rid)  # OrientDB's schema and index manager records
    w = conn.ok(req)
    wire.write_record_load(w, record)
    return w.getvalue()


def op_record_create(conn: "Connection", req: RecordCreateRequest) -> bytes | None:
    s = conn.session(req, database=True)
    with conn.state.write_lock(s.db_name):
        record = create(s.db, req.cluster_id, req.content, req.record_type)
    if req.mode == 2:
        return None
    w = conn.ok(req)
    assert record.rid is not None
    wire.write_record_created(w, record.rid, record.version)
    return w.getvalue()


def op_record_update(conn: "Connection", req: RecordUpdateRequest) -> bytes | None:
    s = conn.session(req, database=True)
    with conn.state.write_lock(s.db_name):
        version = update(s.db, req.rid, req.content, req.record_type, req.version, req.update_content)
    if req.mode == 2:
        return None
    w = conn.ok(req)
    wire.write_record_updated(w, version)
    return w.getvalue()


def op_record_delete(conn: "Connection", req: RecordDeleteRequest) -> bytes | None:
    s = conn.session(req, database=True)
    with conn.state.write_lock(s.db_name):
        deleted = req.rid.is_persistent and s.db.delete(req.rid, req.version if req.version >= 0 else None)
    if req.mode == 2:
        return None
    w = conn.ok(req)
    w.bool(bool(deleted))
    return w.getvalue()


def op_tx_commit(conn: "Connection", req: TxCommitRequest) -> bytes:
    s = conn.session(req, database=True)
    db = s.db
    if db.in_transaction:
        raise ServerError(X.TRANSACTION, "a transaction is already active in this session")
    created: list[tuple[RID, RID]] = []
    updated: dict[RID, int] = {}
    with conn.state.write_lock(s.db_name):
        _commit(db, req, created, updated)
    w = conn.ok(req)
    wire.write_tx_commit(w, created, updated.items())
    return w.getvalue()


def _commit(db: EmbeddedDatabase, req: TxCommitRequest, created: list[tuple[RID, RID]],
            updated: dict[RID, int]) -> None:
    db.begin()
    try:
        mapping: dict[RID, RID] = {}
        pending: list[RID] = []  # created records still holding temporary links
        for entry in reversed([e for e in req.entries if e.op == wire.TX_CREATE]):
            cluster = entry.rid.cluster if entry.rid.cluster >= 0 else -1
            record = create(db, cluster, entry.content or b"", entry.record_type, mapping)
            assert record.rid is not None
            mapping[entry.rid] = record.rid
            created.append((entry.rid, record.rid))
            if isinstance(record, Document) and _has_temporary(record.fields):
                pending.append(record.rid)
        for rid in pending:
            doc = db.load(rid)
            if isinstance(doc, Document):
                doc.fields = rewrite_links(doc.fields, mapping)
                db.update(doc, check_version=False)
        for entry in req.entries:
            rid = mapping.get(entry.rid, entry.rid)
            if entry.op == wire.TX_UPDATE:
                updated[rid] = update(db, rid, entry.content or b"", entry.record_type, entry.version,
                                      entry.update_content, mapping)
            elif entry.op == wire.TX_DELETE:
                if not db.delete(rid, entry.version if entry.version >= 0 else None):
                    raise RecordNotFound(f"cannot delete record {rid}: it does not exist")
                updated.pop(rid, None)
        db.commit()
    except BaseException:
        if db.in_transaction:
            db.rollback()
        raise
