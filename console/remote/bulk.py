"""Bulk record writes to a remote database: one TX_COMMIT request per batch.

pyorient's own transaction API sends every new record to cluster -1 (the
server picks one) and encodes content with its own lossy serializer. Here
a batch is written straight onto the wire instead (OrientDB's REQUEST_TX_COMMIT,
protocol 36): each entry names its target cluster and a temporary position,
its content is encoded by :func:`encode_document` (our CSV writer, keeping
link sets as ``<..>`` and link bags as OrientDB's embedded ``%..;`` bags so
their types survive), and links to other records of the same batch are
written as their temporary RIDs, which the server rewrites to the real ones.
The response maps every temporary RID to the real one.

:class:`RidMap` remembers where each record went (packed source RID →
packed remote RID) in two ``array('q')`` per source cluster, 16 bytes a
record, since records are sent cluster by cluster in position order.
"""

from __future__ import annotations

import base64
import struct
from array import array
from bisect import bisect_left
from typing import Any, Iterable, Mapping

from console.engine.document import Document
from console.engine.rid import POSITION_BITS, POSITION_MASK, RID
from console.engine.types import OType, infer_type
from console.remote.csv import CSVError, _key, _quote, encode_value
from console.remote.wire import TX_COMMIT, TX_CREATE, TX_DELETE, TX_UPDATE, WireReader

# --- content -------------------------------------------------------------------------------

def _ridbag(rids: Iterable[Any]) -> str:
    """An embedded link bag as OrientDB's CSV writes it: ``%`` base64 ``;``."""
    items = [r for r in rids if type(r) is RID]
    raw = bytearray(struct.pack("!bi", 1, len(items)))
    for r in items:
        raw += struct.pack("!hq", r.cluster, r.position)
    return "%" + base64.b64encode(bytes(raw)).decode("ascii") + ";"


_INT_MIN, _INT_MAX = -(1 << 31), (1 << 31) - 1
_STRING, _INTEGER, _LINK = OType.STRING, OType.INTEGER, OType.LINK


def _value(value: Any, otype: OType | None, nested: bool) -> str:
    if value is None:
        return "null" if nested else ""
    t = type(value)
    if otype is None or otype is OType.ANY:
        if t is str:
            return _quote(value)
        if t is RID:
            return str(value)
        if t is bool:
            return "true" if value else "false"
        if t is int and _INT_MIN <= value <= _INT_MAX:
            return str(value)
        otype = infer_type(value)
    elif (otype is _STRING and t is str):
        return _quote(value)
    elif (otype is _LINK and t is RID) or (otype is _INTEGER and t is int):
        return str(value)
    if otype is OType.LINKSET:
        return "<" + ",".join(str(v) for v in value if type(v) is RID) + ">"
    if otype is OType.LINKBAG:
        return _ridbag(value)
    if otype is OType.EMBEDDED and isinstance(value, Document):
        return "(" + _fields(value.class_name, value.fields, value.types) + ")"
    if otype in (OType.EMBEDDEDLIST, OType.EMBEDDEDSET) and isinstance(value, (list, tuple, set, frozenset)):
        open_, close = ("[", "]") if otype is OType.EMBEDDEDLIST else ("<", ">")
        return open_ + ",".join(_value(v, None, True) for v in value) + close
    if otype is OType.EMBEDDEDMAP and isinstance(value, Mapping):
        return "{" + ",".join(f"{_quote(str(k))}:{_value(v, None, True)}" for k, v in value.items()) + "}"
    return encode_value(value, otype, nested=nested)


_KEYS: dict[str, str] = {}


def _fkey(name: str) -> str:
    k = _KEYS.get(name)
    if k is None:
        k = _key(name)
        if len(_KEYS) < 10000:
            _KEYS[name] = k
    return k


def _fields(class_name: str | None, fields: Mapping[str, Any], types: Mapping[str, OType]) -> str:
    head = f"{class_name}@" if class_name else ""
    tget = types.get
    return head + ",".join([f"{_fkey(k)}:{_value(v, tget(k), False)}" for k, v in fields.items()])


def encode_document(doc: Document) -> bytes:
    """A document's content in the CSV record format, link sets and bags typed."""
    text = _fields(doc.class_name, doc.fields, doc.types)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise CSVError(f"record {doc.rid or ''} holds text that is not valid Unicode (offset {exc.start})") from None


def rewrite_links(value: Any, fn: Any) -> tuple[Any, bool]:
    """``value`` with every link replaced by ``fn(rid)`` (None drops it); (new value, changed)."""
    t = type(value)
    if t is RID:
        new = fn(value)
        return new, new != value
    if t is list or t is tuple or t is set or t is frozenset:
        out = []
        changed = False
        for v in value:
            if type(v) is RID:
                nv = fn(v)
                if nv != v:
                    changed = True
                    if nv is None:
                        continue
                out.append(nv)
                continue
            nv, ch = rewrite_links(v, fn)
            if ch:
                changed = True
            out.append(nv)
        return (out if changed else value), changed
    if t is dict:
        out_d: dict[Any, Any] = {}
        changed = False
        for k, v in value.items():
            nv, ch = rewrite_links(v, fn)
            if ch:
                changed = True
                if nv is None and type(v) is RID:
                    continue
            out_d[k] = nv
        return (out_d if changed else value), changed
    if isinstance(value, Document):
        fields, changed = rewrite_links(value.fields, fn)
        if not changed:
            return value, False
        return Document(value.class_name, fields, value.types, value.rid, value.version), True
    return value, False


def rewrite_document(doc: Document, fn: Any) -> tuple[Document, bool]:
    """A copy of ``doc`` with its links rewritten (a LINK whose target is dropped becomes null)."""
    fields: dict[str, Any] = {}
    changed = False
    for name, value in doc.fields.items():
        t = type(value)
        if t is str or t is int or t is float or t is bool or value is None:
            fields[name] = value
            continue
        nv, ch = rewrite_links(value, fn)
        if ch:
            changed = True
        fields[name] = nv
    if not changed:
        return doc, False
    return Document(doc.class_name, fields, doc.types, doc.rid, doc.version), True


# --- the request ---------------------------------------------------------------------------

class TxBatch:
    """Entries of one TX_COMMIT, encoded as they are added."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.count = 0
        self._next_temp = -2

    def temp_position(self) -> int:
        pos = self._next_temp
        self._next_temp -= 1
        return pos

    def create(self, cluster: int, position: int, record_type: str, content: bytes) -> None:
        self._add(struct.pack("!bbhqb", 1, TX_CREATE, cluster, position, ord(record_type))
                  + struct.pack("!i", len(content)) + content)

    def update(self, rid: RID, record_type: str, content: bytes, version: int = -1) -> None:
        self._add(struct.pack("!bbhqbi", 1, TX_UPDATE, rid.cluster, rid.position, ord(record_type), version)
                  + struct.pack("!i", len(content)) + content + b"\x01")

    def delete(self, rid: RID, record_type: str = "d", version: int = -1) -> None:
        self._add(struct.pack("!bbhqbi", 1, TX_DELETE, rid.cluster, rid.position, ord(record_type), version))

    def _add(self, data: bytes) -> None:
        self.parts.append(data)
        self.size += len(data)
        self.count += 1

    def body(self, order: Iterable[int] | None = None) -> bytes:
        """The request body after the header: tx id, log flag, entries (in ``order``), end, empty string."""
        parts = self.parts if order is None else [self.parts[i] for i in order]
        return struct.pack("!ib", 1, 1) + b"".join(parts) + b"\x00" + struct.pack("!i", 0)


def _tx_message_class() -> type:
    from pyorient.constants import FIELD_BYTE
    from pyorient.messages.base import BaseMessage

    class RawTxCommit(BaseMessage):
        """REQUEST_TX_COMMIT with a pre-built body; returns (created, updated)."""

        def __init__(self, sock: Any) -> None:
            super().__init__(sock)
            self._append((FIELD_BYTE, chr(TX_COMMIT)))
            self._command = chr(TX_COMMIT)
            self._payload = b""

        def prepare(self, params: Any = None) -> Any:
            super().prepare()
            self._output_buffer += params
            return self

        def fetch_response(self) -> tuple[list[tuple[RID, RID]], list[tuple[RID, int]]]:
            self._decode_header()
            r = WireReader(self._orientSocket._socket, 1 << 30)
            created = []
            for _ in range(r.read_int()):
                temp = RID(r.read_short(), r.read_long())
                created.append((temp, RID(r.read_short(), r.read_long())))
            updated = []
            for _ in range(r.read_int()):
                updated.append((RID(r.read_short(), r.read_long()), r.read_int()))
            for _ in range(r.read_int()):  # link-bag changes: not used by embedded bags
                r.read_long(), r.read_long(), r.read_long(), r.read_long(), r.read_int()
            self._input_buffer = b""
            return created, updated

    return RawTxCommit


_TX_CLASS: type | None = None


def send_tx(db: Any, body: bytes, what: str) -> tuple[list[tuple[RID, RID]], list[tuple[RID, int]]]:
    """Send one TX_COMMIT over a RemoteDatabase's connection."""
    global _TX_CLASS
    if _TX_CLASS is None:
        _TX_CLASS = _tx_message_class()
    link = db._link
    with link.errors(what):
        msg = _TX_CLASS(link.client._connection).set_session_token(link.session_token())
        return msg.prepare(body).send().fetch_response()


# --- where records went ------------------------------------------------------------------------

class RidMap:
    """Packed source RID → packed remote RID, compact when added in position order per cluster."""

    def __init__(self) -> None:
        self._pos: dict[int, array] = {}
        self._new: dict[int, array] = {}
        self._extra: dict[int, int] = {}
        self.size = 0

    def add(self, old: int, new: int) -> None:
        c, p = old >> POSITION_BITS, old & POSITION_MASK
        pos = self._pos.get(c)
        if pos is None:
            pos = self._pos[c] = array("q")
            self._new[c] = array("q")
        if pos and p <= pos[-1]:
            self._extra[old] = new
        else:
            pos.append(p)
            self._new[c].append(new)
        self.size += 1

    def get(self, old: int) -> int | None:
        if self._extra:
            hit = self._extra.get(old)
            if hit is not None:
                return hit
        pos = self._pos.get(old >> POSITION_BITS)
        if pos is None:
            return None
        p = old & POSITION_MASK
        i = bisect_left(pos, p)
        if i < len(pos) and pos[i] == p:
            return self._new[old >> POSITION_BITS][i]
        return None

    def values(self) -> Iterable[int]:
        for arr in self._new.values():
            yield from arr
        yield from self._extra.values()


__all__ = ["TxBatch", "send_tx", "Pipeline", "RidMap", "encode_document", "rewrite_document", "rewrite_links",
           "TX_CREATE", "TX_UPDATE", "TX_DELETE"]


class Pipeline:
    """One TX_COMMIT in flight on a second thread while the caller encodes the next batch.

    ``submit`` first waits for the previous request and runs its ``done``
    callback (in the caller's thread), then starts the new one; ``wait``
    finishes the last. A failed request raises from the next ``submit`` or
    ``wait``; ``settle`` waits without raising, for clean-up after a failure.
    """

    def __init__(self, db: Any) -> None:
        self.db = db
        self._thread: Any = None
        self._result: Any = None
        self._error: BaseException | None = None
        self._done: Any = None

    def submit(self, body: bytes, what: str, done: Any = None) -> None:
        import threading

        self.wait()

        def work() -> None:
            try:
                self._result = send_tx(self.db, body, what)
            except BaseException as exc:  # handed to the caller's thread
                self._error = exc

        self._result, self._error, self._done = None, None, done
        self._thread = threading.Thread(target=work, name="remote-import-tx", daemon=True)
        self._thread.start()

    def wait(self) -> None:
        if self._thread is None:
            return
        self._thread.join()
        self._thread = None
        err, done, result = self._error, self._done, self._result
        self._error = self._done = self._result = None
        if err is not None:
            raise err
        if done is not None:
            done(result)

    def settle(self) -> None:
        try:
            self.wait()
        except BaseException:
            pass
