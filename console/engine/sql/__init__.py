"""OrientDB SQL on the embedded engine.

``execute(db, statement, params)`` runs a parsed statement (see
:mod:`console.ast`); ``execute_text`` parses first. Queries stream their rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator

from console.engine.sql.result import Result

if TYPE_CHECKING:
    from console import ast
    from console.engine.database import EmbeddedDatabase


def execute(db: "EmbeddedDatabase", stmt: "ast.Statement", params: Any = None) -> Result:
    """Run one parsed SQL statement against an embedded database."""
    from console.engine.sql.commands import execute_statement
    from console.engine.sql.context import Context

    return execute_statement(stmt, Context(db, params))


def execute_text(db: "EmbeddedDatabase", text: str, params: Any = None, *,
                 query_only: bool = False) -> Any:
    """Parse and run SQL text; a query gives an iterator of rows, a command a Result."""
    from console.engine.sql.commands import is_query
    from console.errors import QueryError
    from console.parser import parse

    stmt = parse(text)
    if query_only:
        if not is_query(stmt):
            raise QueryError("query() runs SELECT, TRAVERSE and MATCH only; use command() for other statements")
        return iter(execute(db, stmt, params).rows or ())
    return execute(db, stmt, params)


__all__ = ["Result", "execute", "execute_text", "Iterator"]
