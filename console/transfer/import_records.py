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
import re
import threading
from typing import TYPE_CHECKING, Any, Callable, Iterable

import orjson

from console.engine.codec import loads as exact_loads
from console.engine.codec import number_after
from console.engine.rid import MAX_CLUSTER_ID, POSITION_BITS, POSITION_MASK
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
            cid, pos = int(c), int(p)
            if cid <= MAX_CLUSTER_ID and pos <= POSITION_MASK:
                return (cid << POSITION_BITS) | pos
    return None


# The meta fields as OrientDB writes them first (a record's own values; see _slice).
_HEAD = re.compile(rb'\{"@type":"d","@rid":"(#\d+:\d+)","@version":(-?\d+)(,"@class":"[^"\\]*")?')


def key_text(key: int) -> str:
    return f"#{key >> POSITION_BITS}:{key & POSITION_MASK}"


def exact_numbers(raw: bytes, names: Iterable[str]) -> dict[str, bytes] | None:
    """The number text of each top-level field ``name`` of a record without embedded
    documents, or None when some key is not found exactly once."""
    out: dict[str, bytes] = {}
    for name in names:
        text = number_after(raw, orjson.dumps(name) + b":")
        if text is None:
            return None
        out[name] = text
    return out


def decimal_default(v: Any) -> Any:
    from decimal import Decimal

    from console.engine.codec import decimal_text

    if isinstance(v, Decimal):
        return orjson.Fragment(decimal_text(v))
    raise TypeError


class Bits:
    """One bit per position, per cluster: which RIDs were seen.

    Bitmaps grow to the highest position seen in their cluster, within a budget
    of ``budget`` bytes for all clusters (32 MiB: a quarter of a billion
    positions; the importer keeps two); a position beyond it (a file with a few
    huge positions, legitimate or not) goes to a set instead, so memory never
    follows a position's size.
    """

    __slots__ = ("maps", "sparse", "dense_bytes", "budget")

    DENSE_BUDGET = 32 << 20

    def __init__(self, budget: int = DENSE_BUDGET) -> None:
        self.maps: dict[int, bytearray] = {}
        self.sparse: set[int] = set()
        self.dense_bytes = 0
        self.budget = budget

    def _grow(self, cid: int, byte: int) -> bytearray | None:
        """The bitmap of ``cid`` grown to hold ``byte``; None when the budget does not allow it."""
        m = self.maps.get(cid)
        have = 0 if m is None else len(m)
        want = max(byte + 1, 2 * have, 1024)
        left = self.budget - self.dense_bytes + have
        if byte + 1 > left:
            return None
        want = min(want, left)
        if m is None:
            m = self.maps[cid] = bytearray(want)
        else:
            m.extend(bytes(want - have))
        self.dense_bytes += want - have
        return m

    def add(self, key: int) -> bool:
        """Set the bit; True when it was already set."""
        c, p = key >> POSITION_BITS, key & POSITION_MASK
        m = self.maps.get(c)
        byte = p >> 3
        if m is None or byte >= len(m):
            m = self._grow(c, byte)
            if m is None:
                if key in self.sparse:
                    return True
                self.sparse.add(key)
                return False
        bit = 1 << (p & 7)
        if m[byte] & bit:
            return True
        m[byte] |= bit
        return False

    def add_many(self, keys: Iterable[int]) -> None:
        """Set the bits of many keys."""
        maps = self.maps
        for key in keys:
            p = key & POSITION_MASK
            m = maps.get(key >> POSITION_BITS)
            if m is not None and (p >> 3) < len(m):
                m[p >> 3] |= 1 << (p & 7)
            else:
                self.add(key)

    def add_texts(self, texts: Iterable[Any]) -> None:
        """Set the bits of the RIDs among ``texts`` (``"#c:p"``; anything else is skipped):
        :func:`rid_key` and :meth:`add_many` in one loop, the import's hottest."""
        maps = self.maps
        for text in texts:
            if type(text) is not str or text[:1] != "#":
                continue
            c, sep, p = text[1:].partition(":")
            if not (sep and c.isdigit() and p.isdigit()):
                continue
            cid, pos = int(c), int(p)
            if cid > MAX_CLUSTER_ID or pos > POSITION_MASK:
                continue
            m = maps.get(cid)
            if m is not None and (pos >> 3) < len(m):
                m[pos >> 3] |= 1 << (pos & 7)
            else:
                self.add((cid << POSITION_BITS) | pos)

    def has(self, key: int) -> bool:
        m = self.maps.get(key >> POSITION_BITS)
        p = key & POSITION_MASK
        if m is not None and (p >> 3) < len(m) and m[p >> 3] & (1 << (p & 7)):
            return True
        return key in self.sparse

    def missing_from(self, seen: "Bits") -> list[int]:
        """Keys set here and not in ``seen``, in key order per cluster."""
        out = []
        step = 4096  # bytes compared at once: small ints, so each missing bit costs little
        for c, linked in self.maps.items():
            have = seen.maps.get(c, b"")
            base = c << POSITION_BITS
            for start in range(0, len(linked), step):
                part = linked[start:start + step]
                if not part.strip(b"\0"):
                    continue
                mine = have[start:start + len(part)]
                missing = int.from_bytes(part, "little") & ~int.from_bytes(mine.ljust(len(part), b"\0"), "little")
                while missing:
                    low = missing & -missing
                    key = base | (start * 8 + low.bit_length() - 1)
                    if key not in seen.sparse:
                        out.append(key)
                    missing ^= low
        out.extend(sorted(k for k in self.sparse if not seen.has(k)))
        return out


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
        self._source = [0, 0]                 # packed key and index of the record being visited
        self._linked_keys: list[int] = []     # link targets not yet marked in ``linked``
        self._rewrite: Callable[[str], str | None] = lambda text: text
        self._link_plans: dict[tuple[Any, Any], tuple[tuple[str, str], ...]] = {}
        self._fast_clusters: dict[int, int] = {}   # file cluster id -> target, for the fast lane
        self._identity = False                     # no link can change (see _update_identity)
        self._link_texts: list[Any] = []           # links of records loaded as they are, to check
        self._fast_classes: set[str | None] = set()

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
        self._rewrite = self._make_rewriter(pending)
        self.writer = _Writer(db.conn)
        fast: dict[int, int] = self._fast_clusters
        fast_classes = self._fast_classes
        body_of = self._body
        try:
            for rec in records:
                data = rec[4]
                # The usual record: a document of a known class in a cluster whose records
                # keep their positions and need nothing more (set up by the general path below).
                if type(data) is dict:
                    rid_text = data.get("@rid")
                    if type(rid_text) is str and rid_text[:1] == "#":
                        c, sep, p = rid_text[1:].partition(":")
                        if sep and c.isdigit() and p.isdigit() and int(c) in fast:
                            cls = data.get("@class")
                            version = data.get("@version", 1)
                            if cls in fast_classes and type(version) is int and data.get("@type", "d") == "d":
                                cid, pos = int(c), int(p)
                                if pos > POSITION_MASK:
                                    self._bad(rec, f"invalid or missing @rid {rid_text!r}")
                                old_key = (cid << POSITION_BITS) | pos
                                if seen_add(old_key):
                                    self._drain(batch, maps, pending)
                                    self._bad(rec, f"its RID {rid_text} appears twice in the file")
                                new_key = (fast[cid] << POSITION_BITS) | pos
                                batch.append((new_key, version, cls, 0, body_of(rec, cls, new_key)))
                                if len(batch) >= BATCH:
                                    self._flush(batch, maps, pending)
                                    if progress is not None:
                                        progress.advance(BATCH)
                                continue
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
                    self._update_identity()
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
                    self._bad(rec, f"its RID {rid_text} appears twice in the file")
                if rtype == "b":
                    value = data.get("value", "")
                    try:
                        body = base64.b64decode(value, validate=True) if type(value) is str else b""
                    except ValueError:
                        self._bad(rec, "a blob's value is not valid base64")
                    batch.append((new_key, version, None, 1, body))
                else:
                    batch.append((new_key, version, cls, 0, self._body(rec, cls, new_key)))
                    if cls is not None and cls not in imp.imported_classes:
                        imp.imported_classes.add(cls)
                    if cid not in imp.record_mapped and target not in imp.to_empty:
                        fast[cid] = target          # the next records of this cluster take the fast lane
                        if not (o.merge and cls is not None and cls.lower() in ("ouser", "orole")):
                            fast_classes.add(cls)
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

    def _update_identity(self) -> None:
        """Whether links keep their text: no record moves and every mapped cluster keeps its id
        (links to clusters mapped later are not rewritten either way)."""
        imp = self.imp
        self._identity = not imp.record_mapped and (
            not imp.o.migrateLinks or all(k == v for k, v in imp.cluster_map.items()))

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
        if self._linked_keys:
            self.linked.add_many(self._linked_keys)
            self._linked_keys.clear()
        if self._link_texts:
            self.linked.add_texts(self._link_texts)
            self._link_texts.clear()
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
    def _body(self, rec: RawRecord, cls: str | None, new_key: int) -> bytes:
        """The stored body: the file's bytes minus the meta fields, unless links moved."""
        data = rec.data
        raw = rec.raw
        ft = data.get("@fieldTypes")
        # The usual record has only its own meta keys: "@type", "@rid", "@version" and
        # maybe "@class" and "@fieldTypes"; one count settles it (see _slice).
        plain = raw.count(b'"@') == 3 + ("@class" in data) + (ft is not None)
        nested = not plain and raw.count(b'"@type"') > 1
        changed = False
        if nested:
            self._source[0], self._source[1] = new_key, rec.index
            changed = links.visit(data, self._rewrite, self.imp.declared_links(cls), True)
        else:
            plan = self._link_plans.get((cls, ft))
            if plan is None:
                plan = self._link_plans[(cls, ft)] = links.link_fields(ft, self.imp.declared_links(cls))
            if plan:
                if self._identity:  # links stay as they are: only note them for the final check
                    links.gather_fields(data, plan, self._link_texts)
                else:
                    self._source[0], self._source[1] = new_key, rec.index
                    before = [data.get(name) for name, _ in plan]
                    changed = links.rewrite_fields(data, plan, self._rewrite)
                    if changed:  # usually the new link texts can be put in the file's bytes
                        body = self._slice(rec, plain)
                        if body is not None:
                            body = links.patch_fields(body, plan, before, data)
                            if body is not None:
                                self.rewritten += 1
                                return body
        if not changed:
            body = self._slice(rec, plain)
            if body is not None:
                return body
        else:
            self.rewritten += 1
        if b"=c" in raw:  # DECIMAL digits: take them from the text
            data = self._exact_decimals(data, raw, nested, cls)
        fields = {k: v for k, v in data.items() if k[:1] != "@" or k == "@fieldTypes"}
        try:
            return orjson.dumps(fields, default=decimal_default)
        except (TypeError, orjson.JSONEncodeError) as exc:
            self._bad(rec, f"cannot store this record: {exc}")
            raise

    def _exact_decimals(self, data: dict[str, Any], raw: bytes, nested: bool, cls: str | None) -> dict[str, Any]:
        """``data`` (links already rewritten) with DECIMAL values exactly as the file wrote them."""
        if not nested:
            names = [n for n, letter in links.letters(data).items() if letter == "c"]
            found = exact_numbers(raw, names)
            if found is not None:
                for name, text in found.items():
                    if type(data.get(name)) in (int, float):
                        data[name] = orjson.Fragment(text)
                return data
        exact = exact_loads(raw)  # nested documents: parse it all again with exact decimals
        links.visit(exact, self._replay, self.imp.declared_links(cls), nested)
        return exact

    @staticmethod
    def _slice(rec: RawRecord, plain: bool) -> bytes | None:
        """The record's own bytes minus its leading meta fields (the usual layout).

        ``plain``: the record holds as many ``"@`` as it has meta keys of its own.
        """
        raw = rec.raw
        if not rec.strict:
            return None  # NaN, Infinity or huge numbers: re-encoded by the general path
        m = _HEAD.match(raw)
        if m is None:
            return None
        data = rec.data
        # The head holds the first of each key and the data the last: any other "@" key,
        # a repeated one or a nested document shows in that count.
        if not plain:
            # Embedded documents, an "@" key of its own, or a key given twice (the data
            # holds the last value, the head the first): compare what matters.
            for k in data:
                if k[:1] == "@" and k not in _META:
                    return None
            if m.group(1).decode() != data.get("@rid") or int(m.group(2)) != data.get("@version"):
                return None
        if m.group(3) is None and "@class" in data:
            return None
        end = m.end()
        nxt = raw[end:end + 1]
        if nxt == b"}":
            return b"{}"
        if nxt != b",":
            return None
        return b"{" + raw[end + 1:]

    def _make_rewriter(self, pending: list[Any]) -> Callable[[str], str | None]:
        """The link rewriter for the whole load; ``self._source`` names the record being visited."""
        imp = self.imp
        cmap = imp.cluster_map
        mapped = imp.record_mapped
        migrate = imp.o.migrateLinks
        linked = self._linked_keys
        scratch = imp.scratch
        source = self._source

        def rewrite(text: str) -> str | None:
            old = rid_key(text)
            if old is None:
                return text
            cid = old >> POSITION_BITS
            if cid in mapped:
                new = scratch.lookup(old) if scratch is not None else None
                pending.append((source[0], source[1], old, new))
                return text if new is None or not migrate else key_text(new)
            linked.append(old)
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
        return self.linked.missing_from(self.seen)

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
