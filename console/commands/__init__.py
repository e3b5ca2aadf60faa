"""The command registry: every console command, its help text and its handler.

Each family lives in its own module and registers its commands with
:func:`command`; any statement that is not a console command is SQL and goes
to the open database.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from console import ast

if TYPE_CHECKING:
    from console.session import Session

Handler = Callable[["Session", ast.Statement, str], None]


@dataclass(frozen=True)
class CommandInfo:
    """A command's name, help text and handler."""

    node: type[ast.Statement]
    name: str
    syntax: str
    purpose: str
    example: str
    handler: Handler
    group: str


REGISTRY: dict[type[ast.Statement], CommandInfo] = {}
_FAMILIES = ("connection", "info", "properties", "help", "transfer", "sql")
_loaded = False


def command(node: type[ast.Statement], name: str, syntax: str, purpose: str, example: str,
            group: str = "console") -> Callable[[Handler], Handler]:
    """Register ``handler`` for statements of type ``node``."""
    def register(handler: Handler) -> Handler:
        REGISTRY[node] = CommandInfo(node, name, syntax, purpose, example, handler, group)
        return handler
    return register


def load() -> dict[type[ast.Statement], CommandInfo]:
    """Import every command family (once)."""
    global _loaded
    if not _loaded:
        for family in _FAMILIES:
            importlib.import_module(f"console.commands.{family}")
        _loaded = True
    return REGISTRY


def dispatch(session: "Session", stmt: ast.Statement, text: str) -> None:
    """Run a parsed statement: a console command, or SQL on the open database."""
    registry = load()
    info = registry.get(type(stmt))
    if info is None:
        from console.commands.sql import run_sql

        run_sql(session, stmt, text)
        return
    info.handler(session, stmt, text)


def all_commands() -> list[CommandInfo]:
    return sorted(load().values(), key=lambda c: (c.group != "console", c.name))
