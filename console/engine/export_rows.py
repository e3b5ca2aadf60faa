"""Stored records as OrientDB export JSON, straight from SQLite.

The meta fields (``@type``, ``@rid``, ``@version``, ``@class``) are spliced in
front of the stored JSON body by SQLite itself, so a document is never decoded.
Used by :meth:`EmbeddedDatabase.export_records` and by the export helper
process (``console.transfer.export_split``), which is why it needs nothing but
a connection.
"""

from __future__ import annotations

import base64
import sqlite3
from typing import Any, Iterator

import orjson

from console.engine.rid import POSITION_MASK
from console.engine.storage import KIND_BLOB


def class_filter(include: set[str] | None, exclude: set[str] | None) -> tuple[str, list[Any]]:
    """SQL condition (and its arguments) keeping the classes asked for, case-insensitively."""
    where = ""
    args: list[Any] = []
    if include is not None:
        where += f" AND lower(cls) IN ({','.join('?' * len(include))})"
        args.extend(sorted(include))
    if exclude:
        where += f" AND (cls IS NULL OR lower(cls) NOT IN ({','.join('?' * len(exclude))}))"
        args.extend(sorted(exclude))
    return where, args


BATCH_BYTES = 4 << 20  #: about this much export JSON per batch, whatever the record sizes


def export_rows(conn: sqlite3.Connection, cid: int, lo: int, hi: int, include: set[str] | None = None,
                exclude: set[str] | None = None, batch: int = 4096, sep: bytes = b",") -> Iterator[tuple[bytes, int]]:
    """Records with keys in ``lo..hi`` of cluster ``cid`` as export JSON, in key order.

    Yields ``(chunk, count)``: ``count`` records (at most ``batch``) joined by ``sep``.
    SQLite splices and joins each batch of documents in one statement (one row per
    batch for Python to handle); a batch holding a blob, or too long for one SQLite
    string, is served row by row instead. Batches start small and are sized from the
    records seen so far to about BATCH_BYTES, so large documents do not pile up in memory.
    """
    extra, extra_args = class_filter(include, exclude)
    where = "rid > ? AND rid <= ?" + extra
    head = (f"""'{{"@type":"d","@rid":"#{cid}:' || (rid & {POSITION_MASK}) || '","@version":' || ver"""
            """ || CASE WHEN cls IS NULL THEN '' ELSE ',"@class":"' || cls || '"' END""")
    body = "CASE WHEN length(data) > 2 THEN x'2c' || substr(data, 2) ELSE x'7d' END"
    # A subquery with ORDER BY and LIMIT is never flattened: its rows reach the aggregate
    # in key order, which group_concat keeps (tests compare with the row-by-row output).
    sql = (f"SELECT CAST(group_concat(j, ?) AS BLOB), max(rid), count(*), max(kind) FROM"
           f" (SELECT rid, kind, {head} || {body} AS j FROM records WHERE {where} ORDER BY rid LIMIT ?)")
    last = lo - 1
    limit = min(batch, 16)
    while last < hi:
        args = [last, hi, *extra_args]
        try:
            chunk, top, count, kind = conn.execute(sql, [sep, *args, limit]).fetchone()
            row_by_row = kind == KIND_BLOB
        except sqlite3.DataError:  # "string or blob too big"
            row_by_row = True
        if row_by_row:
            rows = conn.execute(f"SELECT rid, ver, cls, kind, data FROM records WHERE {where}"
                                f" ORDER BY rid LIMIT ?", [*args, limit]).fetchall()
            if not rows:
                return
            top, count = rows[-1][0], len(rows)
            chunk = sep.join([record_json(cid, *row) for row in rows])
        elif not count:
            return
        yield chunk, count
        last = top
        limit = max(1, min(batch, limit * 4, BATCH_BYTES * count // max(len(chunk), 1)))


def record_json(cid: int, key: int, version: int, cls: str | None, kind: int, data: bytes) -> bytes:
    """One stored record as export JSON, the meta fields spliced in Python (blobs, remote rows)."""
    head = f'{{"@type":"{"b" if kind else "d"}","@rid":"#{cid}:{key & POSITION_MASK}","@version":{version}'
    if kind:
        return head.encode() + b',"value":"' + base64.b64encode(data) + b'"}'
    cj = f',"@class":{orjson.dumps(cls).decode()}' if cls else ""
    return (head + cj).encode() + (b"," + data[1:] if len(data) > 2 else b"}")
