"""The records phase of IMPORT DATABASE: the hot loop.

Each record is parsed once (by the reader), its links are found through the
``@fieldTypes`` letters (and the schema), rewritten when their target moved,
and its body is stored as the file's own bytes minus the meta fields when
nothing changed. Which RIDs were loaded and which were linked to is kept in
one bit per position per cluster, so checking every link costs a bit test
and memory stays at a few hundred kilobytes per million records. SQLite
inserts run in a second thread (sqlite3 releases the GIL while it works).
"""

from __future__ import annotations

import base64
import queue
import threading
from typing import TYPE_CHECKING, Any, Callable, Iterable

import orjson

from console.engine.codec import loads as exact_loads
from console.engine.rid import POSITION_BITS, POSITION_MASK
from console.engine.schema_ops import NAME_RE
from console.transfer import faults, links
from console.transfer.reader import ImportFormatError, RawRecord
from console.transfer.scratch import DuplicateRID

if TYPE_CHECKING:
    from console.transfer.importer import Importer

BATCH = 5000
SKIPPED_CLUSTERS = ("internal", "index", "manindex")
INSERT = "INSERT INTO records(rid, ver, cls, kind, data) VALUES (?, ?, ?, ?, ?)"
_META = frozenset({"@type", "@rid", "@version", "@class", "@fieldTypes"})


def rid_key(text: Any) -> int | None:
    """``"#c:p"`` as a packed key (None for anything else, negative parts included)."""
    if type(text) is str and text[:1] == "#":
        c, sep, p = text[1:].partition(":")
        if sep and c.isdigit() and p.isdigit():
            return (int(c) << POSITION_BITS) | int(p)
    return None


_CLASS_BYTES: dict[str | None, bytes] = {}


def key_text(key: int) -> str:
    return f"#{key >> POSITION_BITS}:{key & POSITION_MASK}"


def decimal_default(v: Any) -> Any:
    from decimal import Decimal

    from console.engine.codec import decimal_text

    if isinstance(v, Decimal):
        return orjson.Fragment(decimal_text(v))
    raise TypeError


class Bits:
    """One bit per position, per cluster: which RIDs were seen."""

    __slots__ = ("maps",)

    def __init__(self) -> None:
        self.maps: dict[int, bytearray] = {}

    def add(self, key: int) -> bool:
        """Set the bit; True when it was already set."""
        c, p = key >> POSITION_BITS, key & POSITION_MASK
        m = self.maps.get(c)
        byte = p >> 3
        if m is None:
            m = self.maps[c] = bytearray(max(byte + 1, 1024))
        elif byte >= len(m):
            m.extend(bytes(max(byte + 1 - len(m), len(m))))
        bit = 1 << (p & 7)
        if m[byte] & bit:
            return True
        m[byte] |= bit
        return False

    def has(self, key: int) -> bool:
        m = self.maps.get(key >> POSITION_BITS)
        p = key & POSITION_MASK
        return m is not None and (p >> 3) < len(m) and bool(m[p >> 3] & (1 << (p & 7)))

    def keys(self) -> Iterable[int]:
        for c, m in self.maps.items():
            base = c << POSITION_BITS
            for byte, value in enumerate(m):
                if value:
                    for bit in range(8):
                        if value & (1 << bit):
                            yield base | (byte << 3 | bit)


class _Writer:
    """Runs executemany batches in a second thread on the importer's connection."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.q: queue.Queue[Any] = queue.Queue(maxsize=4)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="import-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            item = self.q.get()
            if item is None:
                self.q.task_done()
                return
            try:
                if self.error is None:
                    self.conn.executemany(INSERT, item)
            except BaseException as exc:  # surfaced on the next put / drain
                self.error = exc
            finally:
                self.q.task_done()

    def put(self, rows: list[Any]) -> None:
        if self.error is not None:
            raise self.error
        self.q.put(rows)

    def drain(self) -> None:
        """Wait until every batch is in the database (the connection is free again)."""
        self.q.join()
        if self.error is not None:
            err, self.error = self.error, None
            raise err

    def close(self) -> None:
        self.q.put(None)
        self.thread.join()


class RecordLoader:
    """Loads the records section into the target database."""

    def __init__(self, imp: "Importer") -> None:
        self.imp = imp
        self.db = imp.db
        self.seen = Bits()
        self.linked = Bits()
        self.writer: _Writer | None = None
        self.loaded = 0
        self.rewritten = 0

    # -- the loop ----------------------------------------------------------------
    def load(self, records: Iterable[RawRecord]) -> None:
        imp = self.imp
        db = self.db
        o = imp.o
        exclude_classes = {c.lower() for c in o.excludeClass} if o.excludeClass else set()
        batch: list[tuple[int, int, str | None, int, bytes]] = []
        maps: list[tuple[int, int, int]] = []
        pending: list[tuple[int, int, int, int | None]] = []
        mapped_next: dict[int, int] = {}
        target_of: dict[int, int | None] = {}
        skip_cluster: dict[int, bool] = {}
        progress = imp.progress
        seen_add = self.seen.add
        self.writer = _Writer(db.conn)
        try:
            for rec in records:
                data = rec.data
                rid_text = data.get("@rid") if type(data) is dict else None
                old_key = rid_key(rid_text)
                if old_key is None:
                    self._bad(rec, f"invalid or missing @rid {rid_text!r}")
                rtype = data.get("@type", "d")
                version = data.get("@version", 1)
                if (rtype != "d" and rtype != "b") or type(version) is not int:
                    self._bad(rec, f"unsupported record type {rtype!r} or version {version!r}")
                cls = data.get("@class")
                if cls is not None and (type(cls) is not str or not NAME_RE.match(cls)):
                    self._bad(rec, f"invalid @class {cls!r}")
                cid = old_key >> POSITION_BITS
                skip = skip_cluster.get(cid)
                if skip is None:
                    skip = skip_cluster[cid] = self._skipped(cid)
                if skip or (cls is not None and exclude_classes and cls.lower() in exclude_classes):
                    imp.summary.skipped += 1
                    if not skip:
                        imp.broken.add(old_key)  # links to excluded records are dropped
                    continue
                if cid in target_of:
                    target = target_of[cid]
                else:
                    self._drain(batch, maps, pending)
                    target = target_of[cid] = imp.cluster_for(cid)
                if target is None:
                    imp.summary.skipped += 1
                    continue
                if target in imp.to_empty:
                    self._drain(batch, maps, pending)
                    imp.empty_cluster(target)
                if o.merge and cls is not None and cid in imp.record_mapped and cls.lower() in ("ouser", "orole"):
                    self._drain(batch, maps, pending)
                    existing = imp.existing_security(cls, data.get("name"))
                    if existing is not None:
                        maps.append((old_key, existing, rec.index))
                        seen_add(old_key)
                        imp.summary.skipped += 1
                        continue
                if cid in imp.record_mapped:
                    if target not in mapped_next:
                        self._drain(batch, maps, pending)
                        mapped_next[target] = db._allocate(db.conn, target, 0)
                    pos = mapped_next[target]
                    mapped_next[target] = pos + 1
                    new_key = (target << POSITION_BITS) | pos
                    maps.append((old_key, new_key, rec.index))
                else:
                    new_key = (target << POSITION_BITS) | (old_key & POSITION_MASK)
                if seen_add(old_key):
                    self._drain(batch, maps, pending)
                    raise ImportFormatError(
                        f"line {rec.line}, column {rec.column} (byte {rec.offset}), record {rec.index}: "
                        f"its RID {rid_text} appears twice in the file")
                if rtype == "b":
                    value = data.get("value", "")
                    try:
                        body = base64.b64decode(value, validate=True) if type(value) is str else b""
                    except ValueError:
                        self._bad(rec, "a blob's value is not valid base64")
                    batch.append((new_key, version, None, 1, body))
                else:
                    batch.append((new_key, version, cls, 0, self._body(rec, cls, new_key, pending)))
                    if cls is not None and cls not in imp.imported_classes:
                        imp.imported_classes.add(cls)
                if len(batch) >= BATCH:
                    self._flush(batch, maps, pending)
                    if progress is not None:
                        progress.advance(BATCH)
            n_last = len(batch)
            self._drain(batch, maps, pending)
            if progress is not None:
                progress.advance(n_last)
        finally:
            writer, self.writer = self.writer, None
            try:
                writer.drain()
            finally:
                writer.close()
        for target, nxt in mapped_next.items():
            db.conn.execute("UPDATE clusters SET next_pos = max(next_pos, ?) WHERE id = ?", (nxt, target))
        for target in {t for t in target_of.values() if t is not None}:
            lo = target << POSITION_BITS
            row = db.conn.execute("SELECT max(rid) FROM records WHERE rid BETWEEN ? AND ?",
                                  (lo, lo | POSITION_MASK)).fetchone()
            if row[0] is not None:  # new records go after the highest loaded position
                db.conn.execute("UPDATE clusters SET next_pos = max(next_pos, ?) WHERE id = ?",
                                ((row[0] & POSITION_MASK) + 1, target))
        imp.summary.links_rewritten = self.rewritten

    def _skipped(self, cid: int) -> bool:
        imp = self.imp
        if cid in imp.excluded_clusters:
            return True
        name = imp.file_clusters.get(cid)
        if name is None:
            c = self.db.schema.get_cluster(cid)
            name = imp.file_clusters[cid] = c.name if c is not None else f"cluster_{cid}"
        return name.lower() in SKIPPED_CLUSTERS

    def _flush(self, batch: list[Any], maps: list[tuple[int, int, int]],
               pending: list[tuple[int, int, int, int | None]]) -> None:
        scratch = self.imp.scratch
        assert scratch is not None and self.writer is not None
        if maps:
            try:
                scratch.add_map(maps)
            except DuplicateRID as dup:
                raise ImportFormatError(f"record {dup.index}: its RID appears twice in the file") from None
            maps.clear()
        if pending:
            scratch.add_links(pending)
            pending.clear()
        if batch:
            self.writer.put(list(batch))
            self.loaded += len(batch)
            batch.clear()
            faults.reached("import", self.loaded)

    def _drain(self, batch: list[Any], maps: list[Any], pending: list[Any]) -> None:
        """Flush and wait: the main thread is about to use the connection itself."""
        self._flush(batch, maps, pending)
        if self.writer is not None:
            self.writer.drain()

    def _bad(self, rec: RawRecord, what: str) -> Any:
        raise ImportFormatError(f"line {rec.line}, column {rec.column} (byte {rec.offset}), record {rec.index}: {what}")

    # -- bodies and links -----------------------------------------------------------
    def _body(self, rec: RawRecord, cls: str | None, new_key: int, pending: list[Any]) -> bytes:
        """The stored body: the file's bytes minus the meta fields, unless links moved."""
        data = rec.data
        raw = rec.raw
        declared = self.imp.declared_links(cls)
        nested = raw.count(b'"@type"') > 1
        ft = data.get("@fieldTypes")
        changed = False
        if nested or declared or (type(ft) is str and ("=x" in ft or "=z" in ft or "=n" in ft or "=g" in ft
                                                       or "=m" in ft)):
            changed = links.visit(data, self._rewriter(new_key, rec.index, pending), declared, nested)
        if not changed:
            body = self._slice(rec)
            if body is not None:
                return body
        elif b"=c" in raw:  # DECIMAL digits: re-read exactly, rewrite the same way
            exact = exact_loads(raw)
            links.visit(exact, self._replay, declared, nested)
            data = exact
        if changed:
            self.rewritten += 1
        fields = {k: v for k, v in data.items() if k[:1] != "@" or k == "@fieldTypes"}
        try:
            return orjson.dumps(fields, default=decimal_default)
        except (TypeError, orjson.JSONEncodeError) as exc:
            self._bad(rec, f"cannot store this record: {exc}")
            raise

    @staticmethod
    def _slice(rec: RawRecord) -> bytes | None:
        """The record's own bytes minus its leading meta fields (the usual layout)."""
        raw = rec.raw
        data = rec.data
        if not raw.startswith(b'{"@type":"'):
            return None
        cls = data.get("@class")
        cls_bytes = _CLASS_BYTES.get(cls)
        if cls_bytes is None:
            cls_bytes = _CLASS_BYTES[cls] = (b',"@class":' + orjson.dumps(cls)) if "@class" in data else b""
        head = b'{"@type":"' + data["@type"].encode() + b'","@rid":"' + data["@rid"].encode() + \
            b'","@version":' + str(data.get("@version")).encode() + cls_bytes
        if not raw.startswith(head):
            return None
        for k in data:
            if k[:1] == "@" and k not in _META:
                return None
        rest = raw[len(head):]
        if rest[:1] == b"}":
            return b"{}"
        if rest[:1] != b"," or b"NaN" in rest or b"Infinity" in rest:
            return None
        return b"{" + rest[1:]

    def _rewriter(self, src: int, index: int, pending: list[Any]) -> Callable[[str], str | None]:
        imp = self.imp
        cmap = imp.cluster_map
        mapped = imp.record_mapped
        migrate = imp.o.migrateLinks
        linked_add = self.linked.add
        scratch = imp.scratch

        def rewrite(text: str) -> str | None:
            old = rid_key(text)
            if old is None:
                return text
            cid = old >> POSITION_BITS
            if cid in mapped:
                new = scratch.lookup(old) if scratch is not None else None
                pending.append((src, index, old, new))
                return text if new is None or not migrate else key_text(new)
            linked_add(old)
            target = cmap.get(cid)
            if target is None or target == cid or not migrate:
                return text
            return f"#{target}:{old & POSITION_MASK}"
        return rewrite

    def _replay(self, text: str) -> str | None:
        """The same mapping as :meth:`_rewriter`, without bookkeeping."""
        imp = self.imp
        old = rid_key(text)
        if old is None or not imp.o.migrateLinks:
            return text
        cid = old >> POSITION_BITS
        if cid in imp.record_mapped:
            new = imp.scratch.lookup(old) if imp.scratch is not None else None
            return text if new is None else key_text(new)
        target = imp.cluster_map.get(cid)
        return text if target is None or target == cid else f"#{target}:{old & POSITION_MASK}"

    # -- after the records -------------------------------------------------------------
    def missing_targets(self) -> list[int]:
        """Linked RIDs (of position-keeping clusters) that were not in the file."""
        out = []
        seen = self.seen
        for key in self.linked.keys():
            if not seen.has(key):
                out.append(key)
        return out

    def find_source(self, target: int) -> str:
        """The RID of some loaded record that links to ``target`` (for error messages)."""
        imp = self.imp
        new_target = target
        cid = target >> POSITION_BITS
        if cid in imp.cluster_map and cid not in imp.record_mapped:
            new_target = (imp.cluster_map[cid] << POSITION_BITS) | (target & POSITION_MASK)
        needle = orjson.dumps(key_text(new_target))
        row = self.db.conn.execute("SELECT rid FROM records WHERE instr(data, ?) > 0 LIMIT 1", (needle,)).fetchone()
        return key_text(row[0]) if row else "a record"

    def sources_of(self, target_new_text: str) -> list[int]:
        needle = orjson.dumps(target_new_text)
        return [r[0] for r in self.db.conn.execute("SELECT rid FROM records WHERE instr(data, ?) > 0", (needle,))]
