"""REQUEST_COMMAND: SQL queries, commands and scripts, and how their results go on the wire.

* ``OSQLSynchQuery`` runs a SELECT / TRAVERSE / MATCH / EXPLAIN and caps the
  rows at the request's limit when it is positive (pyorient sends 20 by
  default and -1 when the text has its own `` LIMIT ``);
* ``OSQLAsynchQuery`` does the same and streams the records;
* ``OCommandSQL`` runs any SQL statement except BEGIN / COMMIT / ROLLBACK
  (a transaction cannot stay open between requests: use a script or
  TX_COMMIT);
* ``OCommandScript`` with language ``sql`` runs statements separated by
  ``;`` or newlines in one transaction (BEGIN and COMMIT inside are
  accepted; ROLLBACK undoes what ran so far), with ``LET name = <statement>``
  and ``RETURN <expression>``; its result is the RETURN value or the result
  of the last statement that gave one.

Results use the kinds pyorient reads: ``l`` for every collection (records,
projections with temporary RIDs ``#-2:n``), ``r`` for the one record an
INSERT or CREATE VERTEX returns, ``w`` for scalars (counts, CREATE CLASS's
class count) and ``n`` for nothing. Projection fields named ``@rid``,
``@version``... are sent as ``rid``, ``version`` (``rid2`` when taken), as
OrientDB 2.2 names them, except to clients that identify as orient-console.
"""

from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal
from itertools import islice
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from console import ast
from console.engine.document import Blob, Document
from console.engine.rid import RID
from console.engine.sql.result import Result
from console.remote import exceptions as X
from console.remote import wire
from console.remote.csv import CSVError, decode_record, encode_map_document, encode_value
from console.remote.exceptions import ServerError
from console.remote.session import AbortConnection, Session
from console.remote.wire import CommandRequest, WireWriter

if TYPE_CHECKING:
    from console.remote.session import Connection

_LET_RE = re.compile(r"let\s+\$?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.+)\Z", re.I | re.S)
_RETURN_RE = re.compile(r"return(?:\s+(.*))?\Z", re.I | re.S)
_SINGLE_RECORD = ("insert", "create vertex")
_ASYNC_BATCH = 200
_NOTHING = object()


# --- running -----------------------------------------------------------------------------

def _engine() -> tuple[Any, Any, Any]:
    from console.engine.sql.commands import execute_statement, is_query
    from console.engine.sql.context import Context

    return execute_statement, is_query, Context


def _params(req: CommandRequest) -> Any:
    """Parameters a client serialized as a document ``params:{...}`` (pyorient never sends any)."""
    if not req.params:
        return None
    try:
        doc = decode_record(req.params)
    except CSVError:
        return None
    params = doc.fields.get("params")
    return params if isinstance(params, dict) else None


def run_statement(s: Session, text: str, params: Any, *, query_only: bool, lock: Any = None) -> Result:
    """One SQL statement in its own (engine) transaction; ``lock`` is held while a non-query runs."""
    from console.parser import parse

    execute_statement, is_query, Context = _engine()
    stmt = parse(text)
    if isinstance(stmt, (ast.Begin, ast.Commit, ast.Rollback)):
        raise ServerError(X.TRANSACTION, "a transaction cannot stay open between requests: send BEGIN ... COMMIT "
                                         "as one script (batch) or use TX_COMMIT")
    if is_query(stmt):
        return execute_statement(stmt, Context(s.db, params))
    if query_only:
        raise ServerError(X.EXECUTION, "Cannot execute non idempotent command as a query: use a command")
    if lock is None:
        return execute_statement(stmt, Context(s.db, params))
    with lock:
        result = execute_statement(stmt, Context(s.db, params))
        if result.rows is not None and not isinstance(result.rows, list):
            result.rows = list(result.rows)  # finish the work while holding the lock
        return result


def run_script(s: Session, text: str, params: Any) -> Any:
    """A SQL script in one transaction; returns its value (see the module doc)."""
    from console.engine.sql.evaluate import evaluate
    from console.parser import parse, parse_expression
    from console.script import split_statements

    execute_statement, _, Context = _engine()
    db = s.db
    variables: dict[str, Any] = {}

    def context() -> Any:
        ctx = Context(db, params)
        ctx.vars = variables  # shared by every statement; the record cache is not
        return ctx

    last: Any = None
    if db.in_transaction:
        raise ServerError(X.TRANSACTION, "a transaction is already active in this session")
    db.begin()
    try:
        for st in split_statements(text):
            body = st.text.strip()
            m = _RETURN_RE.match(body)
            if m:
                expr = (m.group(1) or "").strip()
                last = evaluate(parse_expression(expr), context()) if expr else None
                break
            m = _LET_RE.match(body)
            name = None
            if m:
                name, body = m.group(1).lower(), m.group(2)
            stmt = parse(body)
            if isinstance(stmt, ast.Begin):
                continue
            if isinstance(stmt, ast.Commit):
                continue  # the whole script commits at its end
            if isinstance(stmt, ast.Rollback):
                db.rollback()
                db.begin()
                continue
            value = _value(execute_statement(stmt, context()))
            if name is not None:
                variables[name] = value
            if value is not _NOTHING:
                last = value
        db.commit()
    except BaseException:
        if db.in_transaction:
            db.rollback()
        raise
    return last


def _value(result: Result) -> Any:
    """A statement's result as a script value (rows materialized)."""
    if result.kind in ("rows", "records"):
        return list(result.rows or ())
    if result.kind == "count":
        return result.count
    if result.kind == "value":
        return result.value
    return _NOTHING


# --- the operation -------------------------------------------------------------------------

def op_command(conn: "Connection", req: CommandRequest) -> bytes | None:
    s = conn.session(req, database=True)
    params = _params(req)
    if req.kind == "gremlin":
        raise ServerError(X.EXECUTOR_NOT_FOUND, "Gremlin is not supported by this server: use SQL")
    message = None
    if req.kind == "script":
        if (req.language or "").lower() != "sql":
            raise ServerError(X.EXECUTOR_NOT_FOUND,
                              f"script language '{req.language}' is not supported: only sql")
        with conn.state.write_lock(s.db_name):
            kind, payload = _from_value(run_script(s, req.text, params))
    else:
        result = run_statement(s, req.text, params, query_only=req.kind == "query",
                               lock=conn.state.write_lock(s.db_name))
        kind, payload = _from_result(result)
        message = result.message
    if req.kind == "query" and req.limit is not None and req.limit > 0 and kind == "l":
        payload = islice(payload, req.limit)
    if req.is_async:
        rows = payload if kind == "l" else ([payload] if kind == "r" else [])
        _stream(conn, req, s, rows)
        return None
    w = conn.ok(req)
    if message and not s.orientdb_names and kind in ("w", "n"):
        # our own client also gets the engine's message (pyorient reads only ``result``)
        w.byte("w")
        wire.write_record_entry(w, RID(-1, -1), 0, encode_map_document({"result": wire_value(payload),
                                                                         "message": message}))
        w.byte(0)
    elif kind == "w" and s.protocol < 35:
        # before protocol 35 OrientDB sent scalars as kind 'a': the value in CSV notation
        wire.write_result_raw(w, encode_value(wire_value(payload)).encode("utf-8"))
    else:
        write_outcome(w, kind, payload, s.orientdb_names)
    return w.getvalue()


def _from_result(result: Result) -> tuple[str, Any]:
    if result.kind == "rows":
        return "l", result.rows or ()
    if result.kind == "records":
        rows = list(result.rows or ())
        if result.statement in _SINGLE_RECORD and len(rows) == 1 and isinstance(rows[0], (Document, Blob)) \
                and rows[0].rid is not None:
            return "r", rows[0]
        return "l", rows
    if result.kind == "count":
        return "w", result.count
    if result.kind == "value" and result.value is not None:
        return "w", result.value
    return "n", None


def _from_value(value: Any) -> tuple[str, Any]:
    if value is None or value is _NOTHING:
        return "n", None
    if isinstance(value, (Document, Blob)):
        return ("r", value) if value.rid is not None else ("l", [value])
    if isinstance(value, (list, tuple, set)):
        return "l", list(value)
    return "w", value


def write_outcome(w: WireWriter, kind: str, payload: Any, orientdb_names: bool) -> None:
    if kind == "n":
        wire.write_result_null(w)
    elif kind == "r":
        wire.write_result_record(w, wire_record(payload, 0, orientdb_names))
    elif kind == "w":
        wire.write_result_value(w, wire_value(payload))
    else:
        wire.write_result_list(w, [wire_record(r, i, orientdb_names) for i, r in enumerate(payload)])


def _stream(conn: "Connection", req: CommandRequest, s: Session, rows: Iterable[Any]) -> None:
    """An asynchronous result: the OK header with the first batch, ``(1)(record)`` each, then ``0``."""
    w = conn.ok(req)
    sent = False
    it: Iterator[Any] = iter(rows)
    i = 0
    try:
        for row in it:
            wire.write_async_record(w, wire_record(row, i, s.orientdb_names))
            i += 1
            if i % _ASYNC_BATCH == 0:
                w.flush(conn.sock)
                sent = True
        wire.write_async_end(w)
        w.flush(conn.sock)
    except OSError:
        raise
    except Exception as exc:
        if not sent:
            raise  # nothing went out yet: an ordinary error response
        raise AbortConnection(f"error in the middle of an asynchronous result: {exc}") from exc


# --- values for the wire ----------------------------------------------------------------------

def wire_record(row: Any, index: int, orientdb_names: bool) -> Document | Blob:
    """A result row as a record entry: projections get temporary RID ``#-2:index``."""
    if isinstance(row, Blob):
        return row if row.rid is not None else Blob(row.data, RID(-2, index), 0)
    if isinstance(row, Document):
        if row.rid is not None and row.rid.is_persistent:
            return row
        fields: dict[str, Any] = {}
        types = {}
        for key, value in row.fields.items():
            name = key
            if orientdb_names and key.startswith("@") and len(key) > 1:
                name = key[1:]
            if name in fields:
                n = 2
                while f"{name}{n}" in fields:
                    n += 1
                name = f"{name}{n}"
            fields[name] = wire_value(value)
            if key in row.types and fields[name] is value:
                types[name] = row.types[key]
        return Document(row.class_name, fields, types, RID(-2, index), 0)
    if isinstance(row, RID):
        return Document(None, {"rid": row}, None, RID(-2, index), 0)
    return Document(None, {"value": wire_value(row)}, None, RID(-2, index), 0)


def wire_value(value: Any) -> Any:
    """A value the CSV writer can send: stored records become links, odd types text."""
    if value is None or isinstance(value, (str, bool, int, float, Decimal, RID, bytes, _dt.date)):
        return value
    if isinstance(value, (Document, Blob)):
        if value.rid is not None and value.rid.is_persistent:
            return value.rid
        if isinstance(value, Blob):
            return value.data
        return Document(value.class_name, {k: wire_value(v) for k, v in value.fields.items()}, value.types)
    if isinstance(value, dict):
        return {str(k): wire_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [wire_value(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return {wire_value(v) for v in value} if all(isinstance(v, (str, int, float)) for v in value) \
            else [wire_value(v) for v in value]
    return str(value)
