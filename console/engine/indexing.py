"""Index keys and index tables.

Each index is a small side table ``(k0, k1, ..., rid)`` kept in the same
transaction as the records, so unique keys are enforced by SQLite itself
(also across subclasses, since one table serves the class and all its
subclasses), collection properties index every element and FULLTEXT indexes
every word.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import re
import sqlite3
from decimal import Decimal
from typing import Any, Iterable, Iterator, Mapping

from console.engine.codec import date_to_ms, datetime_to_ms
from console.engine.document import Document
from console.engine.rid import RID, is_rid_text
from console.engine.schema import IndexDef, Schema
from console.engine.types import OType
from console.engine.validation import short_value
from console.errors import UniqueViolation

FULLTEXT_SEPARATORS = re.compile(r"[\s:;,.|+*/\\=!?\[\](){}\"'<>&^%$#@~`-]+")
FULLTEXT_MIN_WORD = 3
FULLTEXT_STOP_WORDS = frozenset(
    "the in a at as and or for his her him this that what which while up with be was were is".split())


def scalar_key(value: Any, collate: str = "default") -> Any:
    """The comparable SQLite value a single index key part is stored as."""
    t = type(value)
    if t is str:
        return value.lower() if collate == "ci" else value
    if t is int or t is float or value is None:
        return value
    if t is bool:
        return int(value)
    if t is RID:
        return str(value)
    if t is _dt.datetime:
        return datetime_to_ms(value)
    if t is _dt.date:
        return date_to_ms(value)
    if t is Decimal:
        return float(value)
    if t is bytes:
        return value
    if isinstance(value, Document):
        return repr(sorted(value.fields.items(), key=lambda kv: kv[0]))
    return str(value)


def _part_keys(ix_kind: str, value: Any, collate: str, by: str | None) -> list[Any]:
    """All keys one field contributes (collections give one per element)."""
    if type(value) is RID:  # a tuple, but one key
        return [scalar_key(value, collate)]
    if ix_kind == "FULLTEXT":
        if value is None:
            return []
        texts = value if isinstance(value, (list, tuple, set)) else [value]
        words: list[str] = []
        for text in texts:
            for w in FULLTEXT_SEPARATORS.split(str(text).lower()):
                if len(w) >= FULLTEXT_MIN_WORD and w not in FULLTEXT_STOP_WORDS:
                    words.append(w)
        return list(dict.fromkeys(words))
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(dict.fromkeys(scalar_key(v, collate) for v in value)) if value else []
    if isinstance(value, dict) and not isinstance(value, Document):
        items = value.values() if by == "value" else value.keys()
        return list(dict.fromkeys(scalar_key(v, collate) for v in items))
    return [scalar_key(value, collate)]


def _field_value(fields: Mapping[str, Any], name: str) -> Any:
    if name in fields:
        return fields[name]
    if "." in name:
        head, _, rest = name.partition(".")
        inner = fields.get(head)
        if isinstance(inner, (Document, dict)):
            return _field_value(inner.fields if isinstance(inner, Document) else inner, rest)
        return None
    low = name.lower()
    for k, v in fields.items():
        if k.lower() == low:
            return v
    return None


def index_keys(ix: IndexDef, fields: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """The keys a document contributes to an index (possibly none)."""
    kind = ix.kind
    parts: list[list[Any]] = []
    for f in ix.fields:
        keys = _part_keys(kind, _field_value(fields, f.name), f.collate, f.by)
        if not keys:
            if ix.ignore_nulls or kind == "FULLTEXT":
                return []
            keys = [None]
        elif None in keys and ix.ignore_nulls:
            keys = [k for k in keys if k is not None]
            if not keys:
                return []
        parts.append(keys)
    if len(parts) == 1:
        return [(k,) for k in parts[0]]
    return list(itertools.product(*parts))


def query_key(ix: IndexDef, part: int, value: Any) -> Any:
    """A query value as stored in key part ``part`` of the index."""
    f = ix.fields[part]
    if ix.kind == "FULLTEXT" and isinstance(value, str):
        return value.lower()
    return scalar_key(value, f.collate)


# --- tables --------------------------------------------------------------------

def _cols(n: int) -> list[str]:
    return [f"k{i}" for i in range(n)]


def create_table(conn: sqlite3.Connection, ix: IndexDef) -> None:
    cols = _cols(len(ix.fields))
    conn.execute(f'CREATE TABLE "{ix.table}" ({", ".join(cols)}, rid INTEGER NOT NULL)')
    if ix.kind in ("UNIQUE", "DICTIONARY"):
        conn.execute(f'CREATE UNIQUE INDEX "{ix.table}_key" ON "{ix.table}" ({", ".join(cols)})')
    else:
        conn.execute(f'CREATE INDEX "{ix.table}_key" ON "{ix.table}" ({", ".join(cols)}, rid)')
    conn.execute(f'CREATE INDEX "{ix.table}_rid" ON "{ix.table}" (rid)')


def drop_table(conn: sqlite3.Connection, ix: IndexDef) -> None:
    conn.execute(f'DROP TABLE IF EXISTS "{ix.table}"')


def _insert_sql(ix: IndexDef) -> str:
    n = len(ix.fields)
    verb = "INSERT OR REPLACE" if ix.kind == "DICTIONARY" else "INSERT"
    return f'{verb} INTO "{ix.table}" ({", ".join(_cols(n))}, rid) VALUES ({", ".join("?" * (n + 1))})'


def add_entries(conn: sqlite3.Connection, ix: IndexDef, rows: Iterable[tuple[Any, ...]]) -> None:
    """Insert ``(key..., rid_key)`` rows; raise UniqueViolation on a duplicate key."""
    rows = list(rows) if not isinstance(rows, list) else rows
    if not rows:
        return
    try:
        conn.executemany(_insert_sql(ix), rows)
    except sqlite3.IntegrityError:
        for row in rows:
            holder = find_holder(conn, ix, row[:-1])
            if holder is not None and holder != row[-1]:
                raise UniqueViolation(
                    f"duplicate key {_show_key(row[:-1])} in index '{ix.name}': "
                    f"already held by {RID.from_key(holder)}"
                ) from None
        raise UniqueViolation(f"duplicate key in index '{ix.name}'") from None


def _show_key(key: tuple[Any, ...]) -> str:
    """An index key as SQL shows it: 'Rex', #12:0, 5, or [#12:0, #12:1] for a composite key."""
    parts = [k if isinstance(k, str) and is_rid_text(k) else short_value(k) for k in key]
    return parts[0] if len(parts) == 1 else "[" + ", ".join(parts) + "]"


def find_holder(conn: sqlite3.Connection, ix: IndexDef, key: tuple[Any, ...]) -> int | None:
    cond = " AND ".join(f"k{i} IS ?" for i in range(len(key)))
    row = conn.execute(f'SELECT rid FROM "{ix.table}" WHERE {cond} LIMIT 1', key).fetchone()
    return None if row is None else row[0]


def remove_entries(conn: sqlite3.Connection, ix: IndexDef, rows: Iterable[tuple[Any, ...]]) -> None:
    cond = " AND ".join(f"k{i} IS ?" for i in range(len(ix.fields)))
    conn.executemany(f'DELETE FROM "{ix.table}" WHERE {cond} AND rid = ?', rows)


def remove_rid(conn: sqlite3.Connection, ix: IndexDef, rid_key: int) -> None:
    conn.execute(f'DELETE FROM "{ix.table}" WHERE rid = ?', (rid_key,))


def update_entries(
    conn: sqlite3.Connection,
    indexes: list[IndexDef],
    rid_key: int,
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
) -> None:
    """Bring the index tables from a record's old fields to its new ones."""
    for ix in indexes:
        old_keys = set(index_keys(ix, old)) if old is not None else set()
        new_keys = index_keys(ix, new) if new is not None else []
        gone = [k + (rid_key,) for k in old_keys if k not in new_keys]
        added = [k + (rid_key,) for k in dict.fromkeys(new_keys) if k not in old_keys]
        if gone:
            remove_entries(conn, ix, gone)
        if added:
            add_entries(conn, ix, added)


# --- lookups -------------------------------------------------------------------

def lookup(conn: sqlite3.Connection, ix: IndexDef, op: str, values: tuple[Any, ...]) -> Iterator[int]:
    """Packed RIDs whose first key part satisfies ``op`` (=, IN, <, <=, >, >=, BETWEEN)."""
    t = ix.table
    if op == "=":
        cond = " AND ".join(f"k{i} = ?" for i in range(len(values)))
        sql = f'SELECT DISTINCT rid FROM "{t}" WHERE {cond}'
        args: tuple[Any, ...] = values
    elif op == "IN":
        marks = ", ".join("?" * len(values))
        sql = f'SELECT DISTINCT rid FROM "{t}" WHERE k0 IN ({marks})'
        args = values
    elif op == "BETWEEN":
        sql = f'SELECT DISTINCT rid FROM "{t}" WHERE k0 BETWEEN ? AND ?'
        args = values
    elif op in ("<", "<=", ">", ">="):
        sql = f'SELECT DISTINCT rid FROM "{t}" WHERE k0 {op} ?'
        args = values
    else:
        raise ValueError(op)
    for (rid,) in conn.execute(sql, args):
        yield rid


def count_entries(conn: sqlite3.Connection, ix: IndexDef) -> int:
    return conn.execute(f'SELECT count(*) FROM "{ix.table}"').fetchone()[0]


def key_types_for(schema: Schema, class_name: str, field_names: Iterable[str]) -> tuple[str, ...]:
    out = []
    props = schema.properties(class_name)
    for name in field_names:
        p = props.get(name.lower())
        if p is None:
            out.append("STRING")
        elif p.type.is_collection and p.linked_type is not None:
            out.append(p.linked_type.name)
        elif p.type in (OType.LINKLIST, OType.LINKSET, OType.LINKBAG):
            out.append("LINK")
        else:
            out.append(p.type.name)
    return tuple(out)
