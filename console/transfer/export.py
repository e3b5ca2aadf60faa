"""EXPORT DATABASE: OrientDB's JSON export format, cluster by cluster, from one snapshot.

Stored document bodies are already in the export's encoding, so a record is
written by splicing its meta fields in front of the stored bytes. Written
against the database interface (raw_cluster / schema / snapshot), so it
serves embedded and remote databases alike.
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import orjson

from console import __version__
from console.engine.interface import Database
from console.engine.export_rows import record_json
from console.engine.rid import POSITION_BITS, cluster_range
from console.engine.schema import IndexDef, Property, Schema, SchemaClass, sorted_classes
from console.engine.security import READ
from console.errors import Cancelled, OrientError
from console.transfer import export_split, faults
from console.transfer.gzipio import AtomicWriter
from console.transfer.options import ExportOptions

EXPORTER_VERSION = 12
STORAGE_CONFIG_VERSION = 23
SCHEMA_VERSION = 4
INDEX_PACKAGE = "com.orientechnologies.orient.core.index."

Say = Callable[[str], None]


class ExportError(OrientError):
    """EXPORT DATABASE failed (the target file is left untouched)."""


@dataclass
class ExportSummary:
    path: Path
    records: int
    clusters: int
    classes: int
    indexes: int
    bytes_written: int
    raw_bytes: int
    seconds: float


def export_file_name(name: str) -> Path:
    """OrientDB's rule: strip quotes, add ``.json`` when there is no dot, then ``.gz``."""
    text = name.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1]
    path = Path(os.path.expanduser(text))
    base = path.name
    if "." not in base:
        base += ".json"
    if not base.endswith(".gz"):
        base += ".gz"
    return path.with_name(base)


def _dump(obj: Any) -> bytes:
    return orjson.dumps(obj)


# --- sections --------------------------------------------------------------------------

def info_section(db: Database, schema: Schema) -> dict[str, Any]:
    default = schema.get_cluster("default")
    return {
        "name": db.name,
        "default-cluster-id": default.id if default else 3,
        "exporter-version": EXPORTER_VERSION,
        "engine-version": f"orient-console {__version__}",
        "storage-config-version": STORAGE_CONFIG_VERSION,
        "schema-version": SCHEMA_VERSION,
        "schemaRecordId": "#0:1",
        "indexMgrRecordId": "#0:2",
    }


def property_json(p: Property) -> dict[str, Any]:
    out: dict[str, Any] = {"name": p.name, "type": p.type.name}
    if p.mandatory:
        out["mandatory"] = True
    if p.readonly:
        out["readonly"] = True
    if p.not_null:
        out["not-null"] = True
    if p.linked_class:
        out["linked-class"] = p.linked_class
    if p.linked_type:
        out["linked-type"] = p.linked_type.name
    if p.min is not None:
        out["min"] = p.min
    if p.max is not None:
        out["max"] = p.max
    out["collate"] = p.collate or "default"
    if p.default is not None:
        out["default-value"] = p.default
    if p.regexp is not None:
        out["regexp"] = p.regexp
    if p.custom:
        out["customFields"] = dict(p.custom)
    return out


def class_json(c: SchemaClass, schema: Schema | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"name": c.name}
    if c.abstract or not c.cluster_ids:
        out["default-cluster-id"] = -1
        out["cluster-ids"] = [-1]
    else:
        out["default-cluster-id"] = c.default_cluster_id
        out["cluster-ids"] = list(c.cluster_ids)
    if c.oversize > 1:
        out["oversize"] = c.oversize
    if c.strict:
        out["strictMode"] = True
    if c.superclasses:
        out["super-classes"] = list(c.superclasses)
    if c.short_name:
        out["short-name"] = c.short_name
    if c.abstract:
        out["abstract"] = True
    out["cluster-selection"] = c.cluster_selection
    # OrientDB writes the key when the class has properties, inherited ones included,
    # but lists only its own.
    if c.properties or (schema is not None and schema.properties(c.name)):
        out["properties"] = [property_json(p) for p in sorted(c.properties, key=lambda p: p.name)]
    if c.custom:
        out["customFields"] = dict(c.custom)
    return out


def schema_section(schema: Schema) -> dict[str, Any]:
    out: dict[str, Any] = {"version": schema.version, "blob-clusters": [c.id for c in schema.clusters if c.blob]}
    classes = [class_json(c, schema) for c in sorted_classes(schema.classes)]
    if classes:
        out["classes"] = classes
    return out


def _single_definition(schema: Schema, ix: IndexDef, part: int) -> tuple[str, dict[str, Any]]:
    f = ix.fields[part]
    key_type = ix.key_types[part] if part < len(ix.key_types) else "STRING"
    stream: dict[str, Any] = {"@type": "d", "@version": 0, "collate": f.collate or "default", "field": f.name,
                              "nullValuesIgnored": ix.ignore_nulls, "className": ix.class_name,
                              "keyType": key_type}
    prop = schema.properties(ix.class_name).get(f.name.lower()) if schema.has_class(ix.class_name) else None
    def_class = "OPropertyIndexDefinition"
    if prop is not None and prop.type.is_collection:
        if prop.type.name in ("EMBEDDEDMAP", "LINKMAP"):
            def_class = "OPropertyMapIndexDefinition"
            stream["mapIndexBy"] = (f.by or "key").upper()
        elif prop.type.name == "LINKBAG":
            def_class = "OPropertyRidBagIndexDefinition"
        else:
            def_class = "OPropertyListIndexDefinition"
    return INDEX_PACKAGE + def_class, stream


def index_json(schema: Schema, ix: IndexDef) -> dict[str, Any]:
    out: dict[str, Any] = {"name": ix.name, "type": ix.type}
    out["algorithm"] = ix.algorithm or ("HASH_INDEX" if ix.type.upper().endswith("HASH_INDEX") else
                                        "CELL_BTREE" if ix.kind != "FULLTEXT" else "SBTREE")
    if schema.has_class(ix.class_name):
        names = [schema.cluster(i).name for i in schema.polymorphic_cluster_ids(ix.class_name)
                 if schema.get_cluster(i) is not None]
        if names:
            out["clustersToIndex"] = names
    if len(ix.fields) == 1:
        def_class, stream = _single_definition(schema, ix, 0)
    else:
        parts = [_single_definition(schema, ix, i) for i in range(len(ix.fields))]
        def_class = INDEX_PACKAGE + "OCompositeIndexDefinition"
        stream = {"@type": "d", "@version": 0, "indClasses": [p[0] for p in parts],
                  "indexDefinitions": [p[1] for p in parts], "nullValuesIgnored": ix.ignore_nulls,
                  "className": ix.class_name}
    out["definition"] = {"defClass": def_class, "stream": stream}
    meta = dict(ix.metadata)
    meta.setdefault("ignoreNullValues", ix.ignore_nulls)
    out["metadata"] = {"@type": "d", "@version": 0, **meta}
    return out


# --- the export ----------------------------------------------------------------------------

def export_database(db: Database, target: Path, options: ExportOptions, *, say: Say = lambda s: None,
                    progress: Any = None, cancelled: Callable[[], bool] | None = None) -> ExportSummary:
    """Write the whole database to ``target`` (already named by :func:`export_file_name`)."""
    started = time.perf_counter()
    target = Path(target)
    if target.exists() and target.is_dir():
        raise ExportError(f"cannot export to '{target}': it is a directory")
    if not target.parent.exists():
        raise ExportError(f"cannot export to '{target}': directory '{target.parent}' does not exist")
    check = getattr(db, "check_permission", None)
    if check is not None:
        check("database", None, READ)
    try:
        writer = AtomicWriter(target, level=options.compressionLevel, buffer=max(options.compressionBuffer, 1 << 16))
    except OSError as exc:
        raise ExportError(f"cannot write '{target}': {exc.strerror or exc}") from None
    records = 0
    limit = getattr(db, "cache_limit", None)
    try:
        with export_split.writers_gate(db) as gate, db.snapshot(), \
                (limit() if limit is not None else contextlib.nullcontext()):
            if not options.includeRecords:
                gate.release()
            schema = db.schema
            say(f"Started export of database '{db.name}' to {target}...")
            w = writer.write
            first = True

            def section(name: str, payload: bytes) -> None:
                nonlocal first
                w(b"{" if first else b",")
                first = False
                w(b'"' + name.encode() + b'":' + payload)

            if options.includeInfo:
                say("Exporting database info...OK")
                section("info", _dump(info_section(db, schema)))
            clusters = _selected_clusters(schema, options)
            if options.includeClusterDefinitions:
                section("clusters", _dump([{"name": c.name, "id": c.id} for c in clusters]))
                say(f"Exporting clusters...OK ({len(clusters)} clusters)")
            if options.includeSchema:
                section("schema", _dump(schema_section(schema)))
                say(f"Exporting schema...OK ({len(schema.classes)} classes)")
            if options.includeRecords:
                say("Exporting records...")
                w(b"{" if first else b",")
                first = False
                w(b'"records":[')
                records = _write_records(db, clusters, options, writer, say, progress, cancelled, gate)
                w(b'],"brokenRids":[]')
                say(f"Done. Exported {records} of total {records} records. 0 records were detected as broken")
            n_indexes = 0
            if options.includeIndexDefinitions:
                say("Exporting index info...")
                entries = []
                for ix in sorted(schema.indexes, key=lambda i: i.name):
                    if ix.name.startswith("___"):
                        continue
                    entries.append(index_json(schema, ix))
                    say(f"- Index {ix.name}...OK")
                n_indexes = len(entries)
                section("indexes", _dump(entries))
                say(f"OK ({n_indexes} indexes)")
            w(b"{}" if first else b"}")
        size = writer.commit()
    except BaseException as exc:
        writer.abort()
        if isinstance(exc, KeyboardInterrupt):
            raise Cancelled("export cancelled; no file was written") from None
        if isinstance(exc, export_split.HelperFailed):
            raise ExportError(str(exc)) from None
        if isinstance(exc, OSError):
            raise ExportError(f"cannot write '{target}': {exc.strerror or exc}") from None
        raise
    seconds = time.perf_counter() - started
    say(f"Database export completed in {int(seconds * 1000)}ms")
    return ExportSummary(target, records, len(clusters) if options.includeClusterDefinitions else 0,
                         len(schema.classes), n_indexes, size, writer.raw_bytes, seconds)


def _selected_clusters(schema: Schema, options: ExportOptions) -> list[Any]:
    inc = {n.lower() for n in options.includeCluster} if options.includeCluster else None
    exc = {n.lower() for n in options.excludeCluster} if options.excludeCluster else set()
    out = []
    for c in schema.clusters:
        if inc is not None and c.name.lower() not in inc:
            continue
        if c.name.lower() in exc:
            continue
        out.append(c)
    return out


def _write_records(db: Database, clusters: list[Any], options: ExportOptions, writer: AtomicWriter,
                   say: Say, progress: Any, cancelled: Callable[[], bool] | None,
                   gate: export_split.WritersGate) -> int:
    include = {n.lower() for n in options.includeClass} if options.includeClass else None
    exclude = {n.lower() for n in options.excludeClass} if options.excludeClass else set()
    # -includeSecurity is accepted for compatibility: OrientDB 3 reads it but exports every
    # cluster (OUser and ORole records included) whatever its value.
    sep = b",\n" if options.useLineFeedForRecords else b","
    lead = b"\n" if options.useLineFeedForRecords else b""
    if getattr(db, "export_records", None) is not None:
        return _write_spliced(db, clusters, include, exclude, (sep, lead), writer, say, progress, cancelled, gate)
    gate.release()
    return _write_decoded(db, clusters, include, exclude, (sep, lead), writer.write, say, progress, cancelled)


def _write_spliced(db: Any, clusters: list[Any], include: set[str] | None, exclude: set[str],
                   seps: tuple[bytes, bytes], writer: AtomicWriter, say: Say, progress: Any,
                   cancelled: Callable[[], bool] | None, gate: export_split.WritersGate) -> int:
    """Records spliced by SQLite; the second half by a helper process when the gate allows."""
    sep, lead = seps
    w = writer.write
    # Read from one snapshot, a cluster's count is what it exports unless classes are filtered.
    counts = {c.id: db.count_cluster(c.id) for c in clusters} if include is not None or exclude else None
    mine: list[export_split.Segment] = [(c, *cluster_range(c.id)) for c in clusters]
    helper: export_split.Helper | None = None
    advance = progress.advance if progress is not None else None
    try:
        if gate.held:
            bounds = [db.key_bounds(c.id) for c in clusters]
            if sum(b[1] - b[0] + 1 for b in bounds if b) >= export_split.split_min():
                mine, theirs, before = export_split.plan(clusters, bounds)
                for c, _, _ in theirs:
                    db.check_permission("database.cluster", c.name, READ)
                if theirs:
                    helper = export_split.start(db, theirs, include, exclude, writer.level, sep,
                                                writer.target.parent, before, on_ready=gate.release)
        if helper is None:
            gate.release()
        split = helper.segments[0][0].id if helper and mine and mine[-1][0].id == helper.segments[0][0].id else None
        total = 0
        done: dict[int, int] = {}
        for c, lo, hi in mine:
            n_cluster = 0
            for chunk, count in db.export_records(c.id, include, exclude, span=(lo, hi), sep=sep):
                w((sep if total else lead) + chunk)
                total += count
                n_cluster += count
                faults.reached("export", total)
                if advance is not None:
                    advance(count)
                if helper is not None:
                    helper.poll(advance)
                if cancelled is not None and cancelled():
                    raise KeyboardInterrupt
            done[c.id] = n_cluster
            if c.id != split:
                say(_cluster_line(c, n_cluster, counts[c.id] if counts else n_cluster))
        if helper is None:
            return total
        helper.wait(advance, cancelled)
        if helper.exported:
            w(sep if total else lead)
            writer.append_member(open(os.dup(helper.output.fileno()), "rb"), helper.raw_bytes)
        for c, _, _ in helper.segments:
            n_cluster = helper.counts.get(c.id, 0) + done.get(c.id, 0)
            say(_cluster_line(c, n_cluster, counts[c.id] if counts else n_cluster))
        return total + helper.exported
    finally:
        gate.release()
        if helper is not None:
            helper.stop()


def _write_decoded(db: Database, clusters: list[Any], include: set[str] | None, exclude: set[str],
                   seps: tuple[bytes, bytes], w: Callable[[bytes], None], say: Say, progress: Any,
                   cancelled: Callable[[], bool] | None) -> int:
    """Records read through ``raw_cluster`` (remote databases), meta fields spliced in Python."""
    sep, lead = seps
    total = reported = 0
    for c in clusters:
        n_cluster = 0
        expected = db.count_cluster(c.id)
        for key, version, cls, kind, data in db.raw_cluster(c.id):
            if include is not None and (cls or "").lower() not in include:
                continue
            if cls and cls.lower() in exclude:
                continue
            body = data if isinstance(data, bytes) else bytes(data)
            w((sep if total else lead) + record_json(c.id, key, version, cls, kind, body))
            total += 1
            n_cluster += 1
            if not total & 1023:
                faults.reached("export", total)
                if progress is not None:
                    progress.advance(total - reported)
                    reported = total
                if cancelled is not None and cancelled():
                    raise KeyboardInterrupt
        if progress is not None and total > reported:
            progress.advance(total - reported)
            reported = total
        say(_cluster_line(c, n_cluster, expected))
    return total


def _cluster_line(c: Any, exported: int, expected: int) -> str:
    """OrientDB's line for a finished cluster."""
    return f"- Cluster '{c.name}' (id={c.id})...OK (records={exported}/{expected})"


__all__ = ["export_database", "export_file_name", "ExportSummary", "ExportError", "POSITION_BITS"]
