"""Remote databases for the console: the :class:`~console.engine.interface.Database` interface over pyorient.

pyorient 1.5.5 does the talking (:mod:`console.remote.link`); record
contents are decoded by our own CSV reader (:mod:`console.remote.csv`),
which keeps what pyorient loses (LONG/SHORT/FLOAT types, sets, bytes,
embedded classes); the schema is rebuilt from metadata queries
(:mod:`console.remote.remote_schema`).

What a remote database cannot do like an embedded one:

* The CSV format writes link sets and link bags as lists; records read back
  get the types the schema declares for their properties, and the
  ``out_*`` / ``in_*`` fields of vertices are link bags (OrientDB's graph
  convention). Undeclared empty link collections read back as lists.
* ``snapshot()`` is a no-op: a remote export reads cluster after cluster
  in pages of 1000 records, so it is not one point in time when others
  write meanwhile.
* A transaction cannot stay open on the server between requests. BEGIN
  starts buffering: the statements up to COMMIT are queued and sent as one
  SQL script (``begin; ...; commit``), which the server runs in one
  transaction; queries are refused while statements are queued, and
  ROLLBACK discards the queue.
* Permissions are checked by the server; ``check_permission`` does nothing.
"""

from __future__ import annotations

import contextlib
from typing import Any, Iterator

from console import ast
from console.engine.document import Blob, Document, Record
from console.engine.registry import DatabaseURL
from console.engine.rid import RID
from console.engine.schema import Cluster, Schema
from console.engine.sql.result import Result
from console.errors import OrientError, TransactionError
from console.remote.csv import CSVError, decode_record
from console.remote.exceptions import RemoteError
from console.remote.link import CLIENT_ID, Link, Raw, message_classes
from console.remote.remote_schema import class_from, fix_types, index_from, raw_row

PAGE = 1000

_COUNT_STATEMENTS = (ast.Update, ast.Delete, ast.DeleteVertex, ast.DeleteEdge, ast.TruncateClass,
                     ast.TruncateCluster, ast.TruncateRecord)
_QUERIES = (ast.Select, ast.Traverse, ast.Match, ast.Explain, ast.Profile)
_STATEMENT_NAMES = {ast.Insert: "insert", ast.Update: "update", ast.Delete: "delete",
                    ast.CreateVertex: "create vertex", ast.CreateEdge: "create edge",
                    ast.DeleteVertex: "delete vertex", ast.DeleteEdge: "delete edge"}


# --- the server ----------------------------------------------------------------------------------

class RemoteServer:
    """A server login without a database: LIST DATABASES, CREATE/DROP DATABASE."""

    def __init__(self, link: Link, user: str) -> None:
        self._link = link
        self.user = user
        self.url = link.where

    def list_databases(self) -> list[tuple[str, str]]:
        with self._link.errors("list databases"):
            doc = self._link.client.db_list()
        found = doc.oRecordData.get("databases") or {}
        return [(_str(k), _str(v)) for k, v in sorted(found.items())]

    def close(self) -> None:
        self._link.close()


def _str(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _need_name(url: DatabaseURL) -> None:
    if not url.name:
        raise OrientError(f"remote URL '{url}' names no database: use remote:<host>[:port]/<db>")


def connect_server(url: DatabaseURL, user: str, password: str | None) -> RemoteServer:
    link = Link(url)
    try:
        link.connect(user, password or "")
    except BaseException:
        link.close()
        raise
    return RemoteServer(link, user)


def create_remote(url: DatabaseURL, user: str, password: str | None, *, storage: str = "plocal",
                  db_type: str = "graph") -> "RemoteDatabase":
    """Create a database with server credentials and open it as that server user."""
    _need_name(url)
    link = Link(url)
    try:
        link.connect(user, password or "")
        with link.errors(f"create database '{url.name}'"):
            link.client.db_create(url.name, (db_type or "graph").lower(), (storage or "plocal").lower())
        return RemoteDatabase._open(link, url, user, password or "")
    except BaseException:
        link.close()
        raise


def drop_remote(url: DatabaseURL, user: str, password: str | None) -> None:
    _need_name(url)
    link = Link(url)
    try:
        link.connect(user, password or "")
        with link.errors(f"drop database '{url.name}'"):
            link.client.db_drop(url.name)
    finally:
        link.close()


def open_remote(url: DatabaseURL, user: str, password: str | None) -> "RemoteDatabase":
    _need_name(url)
    link = Link(url)
    try:
        return RemoteDatabase._open(link, url, user, password or "")
    except BaseException:
        link.close()
        raise


# --- the database --------------------------------------------------------------------------------

class RemoteDatabase:
    """A database on an OrientDB-protocol server (see the module doc for the differences)."""

    kind = "remote"

    def __init__(self, link: Link, url: DatabaseURL, user: str) -> None:
        self._link = link
        self.name = url.name
        self.url = str(url)
        self._user = user
        self._schema: Schema | None = None
        self._queued: list[str] | None = None
        self._closed = False

    @classmethod
    def _open(cls, link: Link, url: DatabaseURL, user: str, password: str) -> "RemoteDatabase":
        link.handshake(f"open database '{url.name}'")
        with link.errors(f"open database '{url.name}'"):
            link.client.db_open(url.name, user, password, "graph", CLIENT_ID)
        return cls(link, url, user)

    # -- plumbing -------------------------------------------------------------------------------
    def _message(self, index: int) -> Any:
        link = self._link
        return message_classes()[index](link.client._connection).set_session_token(link.session_token())

    def _command(self, text: str, kind: str = "command") -> tuple[str, list[Any]]:
        """Send SQL (``kind`` command or script) and return the raw ``(kind, items)``."""
        from pyorient.constants import QUERY_CMD, QUERY_SCRIPT

        if self._closed:
            raise OrientError(f"database '{self.name}' is closed")
        with self._link.errors("run the statement"):
            msg = self._message(0)
            return msg.prepare((QUERY_SCRIPT if kind == "script" else QUERY_CMD, text)).send().fetch_response()

    def _script(self, statements: list[str]) -> None:
        """Run statements as one SQL script in one transaction on the server."""
        self._command("begin;\n" + ";\n".join(statements) + ";\ncommit", kind="script")

    def _records(self, text: str) -> list[Record]:
        kind, items = self._command(text)
        return [self._record(raw) for raw in items if raw is not None] if kind in ("l", "r") else []

    def _record(self, raw: Any) -> Record:
        if not isinstance(raw, Raw):
            raise RemoteError("the server sent a value where a record was expected")
        rid = raw.rid if raw.rid.is_persistent else None
        if raw.type == "x":
            return Document(None, {"rid": raw.rid})
        if raw.type == "b":
            return Blob(raw.content or b"", rid, raw.version)
        try:
            doc = decode_record(raw.content or b"")
        except CSVError as exc:
            raise RemoteError(f"record {raw.rid} from the server cannot be read: {exc}") from None
        doc.rid, doc.version = rid, raw.version
        if rid is not None:
            self._fix_types(doc)
        return doc

    def _fix_types(self, doc: Document) -> None:
        fix_types(doc, self.schema)

    def _value(self, text: str) -> Any:
        """The first field of the first row a query returns."""
        rows = self._records(text)
        if not rows or not isinstance(rows[0], Document) or not rows[0].fields:
            return None
        return next(iter(rows[0].fields.values()))

    # -- the interface: identity and life cycle ----------------------------------------------------
    @property
    def user_name(self) -> str | None:
        return self._user

    @property
    def in_transaction(self) -> bool:
        return self._queued is not None

    @property
    def tx_entries(self) -> int:
        return len(self._queued or ())

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._queued = None
        try:
            with self._link.errors("close the database"):
                self._link.client.db_close()
        except OrientError:
            pass
        self._link.close()

    def list_databases(self) -> list[tuple[str, str]]:
        return RemoteServer(self._link, self._user).list_databases()

    def check_permission(self, resource: str, name: str | None, op: int) -> None:
        """The server checks permissions itself."""

    @contextlib.contextmanager
    def snapshot(self) -> Iterator["RemoteDatabase"]:
        """Refreshes the schema; not one point in time (see the module doc)."""
        self._schema = None
        yield self

    # -- schema ------------------------------------------------------------------------------------
    @property
    def schema(self) -> Schema:
        if self._schema is None:
            self._schema = self._load_schema()
        return self._schema

    def _load_schema(self) -> Schema:
        with self._link.errors("reload the database"):
            clusters_raw = self._link.client.db_reload()
        info = self._records("select version, blobClusters from metadata:schema")
        head = info[0] if info and isinstance(info[0], Document) else Document()
        blobs = {int(i) for i in head.get("blobClusters") or () if i is not None}
        clusters = tuple(Cluster(int(c.id), _str(c.name), int(c.id) in blobs) for c in clusters_raw)
        classes = tuple(sorted((class_from(d) for d in self._records("select expand(classes) from metadata:schema")
                                if isinstance(d, Document) and d.get("name")), key=lambda c: c.name))
        indexes = tuple(sorted((index_from(d) for d in self._records("select expand(indexes) from metadata:indexmanager")
                                if isinstance(d, Document) and d.get("name")), key=lambda i: i.name))
        version = head.get("version")
        return Schema(int(version) if isinstance(version, int) else 0, clusters, classes, indexes)

    # -- records -----------------------------------------------------------------------------------
    def load(self, rid: RID | str) -> Record | None:
        rid = RID.parse(rid) if isinstance(rid, str) else rid
        if not rid.is_persistent:
            return None
        with self._link.errors(f"load record {rid}"):
            got = self._message(1).prepare((str(rid), "*:0")).send().fetch_response()
        if got is None:
            return None
        rtype, version, content = got
        return self._record(Raw(rtype, rid, version, content))

    def browse_cluster(self, cluster: int | str) -> Iterator[Record]:
        """Records of a cluster in position order, fetched in pages of 1000."""
        cid = self.schema.cluster(cluster).id
        last = -1
        while True:
            where = f" where @rid > #{cid}:{last}" if last >= 0 else ""
            page = self._records(f"select from cluster:{cid}{where} limit {PAGE}")
            yield from page
            if len(page) < PAGE:
                return
            tail = page[-1].rid
            if tail is None or tail.position <= last:
                raise RemoteError(f"paging through cluster {cid} did not advance")
            last = tail.position

    def browse_class(self, name: str, polymorphic: bool = True) -> Iterator[Document]:
        schema = self.schema
        cls = schema.cls(name)
        wanted = {n.lower() for n in (schema.descendants(cls.name) if polymorphic else [cls.name])}
        ids = schema.polymorphic_cluster_ids(cls.name) if polymorphic else sorted(i for i in cls.cluster_ids if i >= 0)
        for cid in ids:
            for rec in self.browse_cluster(cid):
                if isinstance(rec, Document) and (rec.class_name or "").lower() in wanted:
                    yield rec

    def count_class(self, name: str, polymorphic: bool = True) -> int:
        cls = self.schema.cls(name)
        where = "" if polymorphic else f" where @class = '{cls.name}'"
        return int(self._value(f"select count(*) as count from `{cls.name}`{where}") or 0)

    def count_cluster(self, cluster: int | str) -> int:
        cid = self.schema.cluster(cluster).id
        with self._link.errors(f"count cluster {cid}"):
            return int(self._link.client.data_cluster_count([cid]))

    def raw_cluster(self, cluster: int | str) -> Iterator[tuple[int, int, str | None, int, bytes]]:
        """Rows in the stored form (packed RID, version, class, kind, body) for EXPORT."""
        for rec in self.browse_cluster(cluster):
            row = raw_row(rec)
            if row is not None:
                yield row

    def raw_record(self, rid: RID) -> tuple[int, int, str | None, int, bytes] | None:
        rec = self.load(rid)
        return None if rec is None else raw_row(rec)

    def index_size(self, name: str) -> int:
        ix = self.schema.index(name)
        return int(self._value(f"select count(*) as count from index:`{ix.name}`") or 0)

    def size_bytes(self) -> int:
        with self._link.errors("read the database size"):
            return int(self._link.client.db_size())

    # -- SQL and transactions --------------------------------------------------------------------
    def execute(self, statement: Any, params: Any = None, text: str | None = None) -> Result:
        if params:
            raise OrientError("statement parameters are not supported on remote databases")
        if text is None or not text.strip():
            raise OrientError("a remote database needs the statement's SQL text")
        if isinstance(statement, ast.Begin):
            self.begin()
            return Result("none", message="Transaction started: statements are queued and sent at COMMIT.",
                          statement="begin")
        if isinstance(statement, ast.Commit):
            n = self.tx_entries
            self.commit()
            return Result("none", message=f"Transaction committed ({n} statement(s)).", statement="commit")
        if isinstance(statement, ast.Rollback):
            self.rollback()
            return Result("none", message="Transaction rolled back.", statement="rollback")
        if self._queued is not None:
            if isinstance(statement, _QUERIES):
                raise TransactionError("queries cannot run while a remote transaction is queued: "
                                       "COMMIT or ROLLBACK first")
            self._queued.append(text.strip().rstrip(";"))
            return Result("none", message=f"Queued for the transaction ({len(self._queued)} statement(s)).")
        if not isinstance(statement, _QUERIES):
            self._schema = None  # any command may change the schema
        kind, items = self._command(text)
        return self._result(statement, kind, items)

    def _result(self, statement: Any, kind: str, items: list[Any]) -> Result:
        name = _STATEMENT_NAMES.get(type(statement), type(statement).__name__.lower())
        if isinstance(statement, _QUERIES):
            rows = [self._record(r) for r in items if r is not None] if kind in ("l", "r") else []
            return Result("rows", rows=rows, statement=name)
        if kind in ("l", "r"):
            rows = [self._record(r) for r in items if r is not None]
            return Result("records", rows=rows, count=len(rows), statement=name)
        if kind == "w":
            doc = self._record(items[0]) if items and items[0] is not None else Document()
            value = doc.get("result") if isinstance(doc, Document) else None
            message = doc.get("message") if isinstance(doc, Document) else None
            if isinstance(statement, _COUNT_STATEMENTS) and isinstance(value, int):
                return Result("count", count=value, message=message, statement=name)
            return Result("value", value=value, message=message, statement=name)
        if kind == "a":
            return Result("value", value=_str(items[0]) if items else None, statement=name)
        return Result("none", statement=name)

    def begin(self) -> None:
        if self._queued is not None:
            raise TransactionError("a transaction is already active")
        self._queued = []

    def commit(self) -> None:
        if self._queued is None:
            raise TransactionError("no active transaction to commit")
        queued, self._queued = self._queued, None
        if not queued:
            return
        self._schema = None
        try:
            self._script(queued)
        except OrientError as exc:
            raise type(exc)(f"transaction rolled back: {exc}") from None

    def rollback(self) -> None:
        if self._queued is None:
            raise TransactionError("no active transaction to roll back")
        self._queued = None

    def __repr__(self) -> str:
        return f"<RemoteDatabase {self.url} user={self._user}>"


