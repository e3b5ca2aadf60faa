"""INFO, INFO CLASS, CLASSES, CLUSTERS, INDEXES, BROWSE, DISPLAY and LOAD RECORD."""

from __future__ import annotations

from typing import Any, Iterable, Iterator

from console import ast
from console.commands import command
from console.engine.document import Blob, Document
from console.errors import OrientError, RecordNotFound
from console.session import Session


def show_rows(session: Session, rows: Iterable[Any], started: float | None = None) -> int:
    """Render query results and remember the shown ones for DISPLAY RECORD."""
    session.last_results = []
    keep = session.settings.limit if session.settings.limit >= 0 else 1000

    def tap(it: Iterable[Any]) -> Iterator[Any]:
        for r in it:
            if len(session.last_results) < keep:
                session.last_results.append(r)
            yield r

    return session.renderer.results(tap(rows), started=started)


def _records_of_class(db: Any, name: str) -> int:
    try:
        return db.count_class(name, polymorphic=False)
    except OrientError:
        return 0


@command(ast.Info, "INFO", "INFO", "Show the current database: clusters, classes and indexes.", "INFO")
def info(session: Session, stmt: ast.Info, text: str) -> None:
    db = session.require_db()
    r = session.renderer
    schema = db.schema
    r.table(["property", "value"], [
        ("name", db.name), ("url", db.url), ("user", db.user_name or ""),
        ("storage", db.kind), ("size", _size(db.size_bytes())),
        ("clusters", len(schema.clusters)), ("classes", len(schema.classes)), ("indexes", len(schema.indexes)),
    ], title="DATABASE")
    classes(session, ast.ListClasses(), text)
    clusters(session, ast.ListClusters(), text)
    indexes(session, ast.ListIndexes(), text)


def _size(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.2f} {unit}"
        size /= 1024
    return str(n)


@command(ast.InfoClass, "INFO CLASS", "INFO CLASS <name>",
         "Show one class: super-classes, clusters, properties and indexes.", "INFO CLASS Person")
def info_class(session: Session, stmt: ast.InfoClass, text: str) -> None:
    db = session.require_db()
    schema = db.schema
    cls = schema.cls(stmt.name)
    r = session.renderer
    subs = schema.subclasses(cls.name)
    r.table(["property", "value"], [
        ("class", cls.name),
        ("super-classes", ", ".join(cls.superclasses) or "-"),
        ("sub-classes", ", ".join(subs) or "-"),
        ("abstract", cls.abstract), ("strict mode", cls.strict),
        ("clusters", ", ".join(f"{schema.cluster(i).name}({i})" for i in cls.cluster_ids) or "-"),
        ("default cluster", cls.default_cluster_id),
        ("cluster selection", cls.cluster_selection),
        ("records", db.count_class(cls.name, polymorphic=False)),
        ("records (with sub-classes)", db.count_class(cls.name)),
    ], title=f"CLASS {cls.name}")
    props = list(schema.properties(cls.name).values())
    if props:
        rows = []
        for p in sorted(props, key=lambda p: p.name):
            owner = next((a for a in schema.ancestors(cls.name) if schema.cls(a).own_property(p.name)), cls.name)
            rows.append((p.name, p.type.name, p.linked_class or (p.linked_type.name if p.linked_type else ""),
                         p.mandatory, p.readonly, p.not_null, p.min or "", p.max or "", p.default or "",
                         p.collate, p.regexp or "", owner if owner != cls.name else ""))
        r.table(["name", "type", "linked", "mandatory", "readonly", "notnull", "min", "max", "default",
                 "collate", "regexp", "inherited from"], rows, title="PROPERTIES")
    ixs = schema.indexes_of(cls.name)
    if ixs:
        r.table(["name", "type", "properties"],
                [(ix.name, ix.type, ", ".join(f.name for f in ix.fields)) for ix in ixs], title="INDEXES")


@command(ast.ListClasses, "CLASSES", "CLASSES | LIST CLASSES",
         "List the classes with their clusters and record counts.", "CLASSES")
def classes(session: Session, stmt: ast.ListClasses, text: str) -> None:
    db = session.require_db()
    schema = db.schema
    rows = []
    total = 0
    for c in sorted(schema.classes, key=lambda c: c.name.lower()):
        n = _records_of_class(db, c.name)
        total += n
        rows.append((c.name, ", ".join(c.superclasses), ", ".join(str(i) for i in c.cluster_ids) or "-", n))
    session.renderer.table(["name", "super-classes", "clusters", "records"], rows, title="CLASSES",
                           footer=("TOTAL", None, None, total), justify=("left", "left", "left", "right"))


@command(ast.ListClusters, "CLUSTERS", "CLUSTERS | LIST CLUSTERS",
         "List the clusters with their ids, classes and record counts.", "CLUSTERS")
def clusters(session: Session, stmt: ast.ListClusters, text: str) -> None:
    db = session.require_db()
    schema = db.schema
    rows = []
    total = 0
    for c in schema.clusters:
        n = db.count_cluster(c.id)
        total += n
        rows.append((c.name, c.id, schema.class_of_cluster(c.id) or ("(blob)" if c.blob else ""), n))
    session.renderer.table(["name", "id", "class", "records"], rows, title="CLUSTERS",
                           footer=("TOTAL", None, None, total), justify=("left", "right", "left", "right"))


@command(ast.ListIndexes, "INDEXES", "INDEXES | LIST INDEXES",
         "List the indexes with their type, properties and sizes.", "INDEXES")
def indexes(session: Session, stmt: ast.ListIndexes, text: str) -> None:
    db = session.require_db()
    rows = []
    for ix in db.schema.indexes:
        rows.append((ix.name, ix.type, ix.class_name, ", ".join(f.name for f in ix.fields), db.index_size(ix.name)))
    session.renderer.table(["name", "type", "class", "properties", "entries"], rows, title="INDEXES",
                           justify=("left", "left", "left", "left", "right"))


@command(ast.BrowseClass, "BROWSE CLASS", "BROWSE CLASS <name>",
         "Show the records of a class and its sub-classes (up to the limit property).", "BROWSE CLASS Person")
def browse_class(session: Session, stmt: ast.BrowseClass, text: str) -> None:
    db = session.require_db()
    started = session.timed()
    name = db.schema.cls(stmt.name).name
    show_rows(session, db.browse_class(name), started)


@command(ast.BrowseCluster, "BROWSE CLUSTER", "BROWSE CLUSTER <name>",
         "Show the records of a cluster in position order (up to the limit property).", "BROWSE CLUSTER person")
def browse_cluster(session: Session, stmt: ast.BrowseCluster, text: str) -> None:
    db = session.require_db()
    started = session.timed()
    cluster = db.schema.cluster(stmt.name)
    show_rows(session, db.browse_cluster(cluster.id), started)


@command(ast.DisplayRecord, "DISPLAY RECORD", "DISPLAY RECORD <n>",
         "Show record number n of the last result in full, with field types.", "DISPLAY RECORD 0")
def display_record(session: Session, stmt: ast.DisplayRecord, text: str) -> None:
    if not session.last_results:
        raise OrientError("no result to display: run a query or BROWSE first")
    n = stmt.number
    if not 0 <= n < len(session.last_results):
        raise OrientError(f"no record {n}: the last result has records 0..{len(session.last_results) - 1}")
    rec = session.last_results[n]
    if isinstance(rec, (Document, Blob)) and rec.rid is not None and session.db is not None:
        fresh = session.db.load(rec.rid)
        rec = fresh if fresh is not None else rec
    session.renderer.record(rec)


@command(ast.DisplayRawRecord, "DISPLAY RAW RECORD", "DISPLAY RAW RECORD <rid>",
         "Show the stored form of one record (its JSON body, or a blob's bytes).", "DISPLAY RAW RECORD #12:0")
def display_raw_record(session: Session, stmt: ast.DisplayRawRecord, text: str) -> None:
    db = session.require_db()
    row = db.raw_record(stmt.rid)
    if row is None:
        raise RecordNotFound(f"record {stmt.rid} does not exist")
    _key, version, cls, kind, data = row
    r = session.renderer
    r.message(f"Raw record {stmt.rid} (version {version}{', class ' + cls if cls else ''}, {len(data)} bytes):",
              level=1)
    if kind == 1:
        import base64

        r.raw(base64.b64encode(data).decode())
    else:
        r.raw(data.decode("utf-8", "replace"))


@command(ast.LoadRecord, "LOAD RECORD", "LOAD RECORD <rid>", "Load one record and show it with field types.",
         "LOAD RECORD #12:0")
def load_record(session: Session, stmt: ast.LoadRecord, text: str) -> None:
    db = session.require_db()
    rec = db.load(stmt.rid)
    if rec is None:
        raise RecordNotFound(f"record {stmt.rid} does not exist")
    session.last_results = [rec]
    session.renderer.record(rec)
