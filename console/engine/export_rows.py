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


def export_rows(conn: sqlite3.Connection, cid: int, lo: int, hi: int, include: set[str] | None = None,
                exclude: set[str] | None = None, batch: int = 4096) -> Iterator[list[bytes]]:
    """Records with keys in ``lo..hi`` of cluster ``cid`` as export JSON, in key order, in batches.

    Ranges holding blobs are served row by row (base64 is done in Python).
    """
    extra, extra_args = class_filter(include, exclude)
    where = "rid BETWEEN ? AND ?" + extra
    args: list[Any] = [lo, hi, *extra_args]
    if conn.execute(f"SELECT 1 FROM records WHERE {where} AND kind = 1 LIMIT 1", args).fetchone():
        yield from _rows_with_blobs(conn, cid, where, args, batch)
        return
    sql = (f"""SELECT CAST('{{"@type":"d","@rid":"#{cid}:' || (rid & {POSITION_MASK}) || '","@version":' || ver
               || CASE WHEN cls IS NULL THEN '' ELSE ',"@class":"' || cls || '"' END
               || CASE WHEN length(data) > 2 THEN ',' || substr(CAST(data AS TEXT), 2) ELSE '}}' END AS BLOB)
               FROM records WHERE {where} ORDER BY rid""")
    rows = conn.execute(sql, args)
    while True:
        chunk = rows.fetchmany(batch)
        if not chunk:
            return
        yield [r[0] for r in chunk]


def record_json(cid: int, key: int, version: int, cls: str | None, kind: int, data: bytes) -> bytes:
    """One stored record as export JSON, the meta fields spliced in Python (blobs, remote rows)."""
    head = f'{{"@type":"{"b" if kind else "d"}","@rid":"#{cid}:{key & POSITION_MASK}","@version":{version}'
    if kind:
        return head.encode() + b',"value":"' + base64.b64encode(data) + b'"}'
    cj = f',"@class":{orjson.dumps(cls).decode()}' if cls else ""
    return (head + cj).encode() + (b"," + data[1:] if len(data) > 2 else b"}")


def _rows_with_blobs(conn: sqlite3.Connection, cid: int, where: str, args: list[Any],
                     batch: int) -> Iterator[list[bytes]]:
    rows = conn.execute(f"SELECT rid, ver, cls, kind, data FROM records WHERE {where} ORDER BY rid", args)
    while True:
        chunk = rows.fetchmany(batch)
        if not chunk:
            return
        yield [record_json(cid, key, ver, cls, kind, data) for key, ver, cls, kind, data in chunk]
