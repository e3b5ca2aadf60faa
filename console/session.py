"""A console session: the open database, properties, and running statements.

The same :class:`Session` serves the interactive prompt, script files,
``-c`` commands and standard input; only how errors stop a run differs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from console import ast
from console.errors import Cancelled, OrientError
from console.render import Renderer
from console.settings import Settings


class ExitRequested(Exception):
    """EXIT / QUIT / BYE."""


class AlreadyReported(OrientError):
    """A failure whose message was already printed (e.g. inside LOAD SCRIPT)."""


@dataclass
class StatementError:
    """Where a failing statement was."""

    source: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.message}"


def default_data_dir() -> Path:
    """``$XDG_DATA_HOME/orient-console`` (``~/.local/share/orient-console``).

    A relative ``XDG_DATA_HOME`` is ignored, as the XDG spec asks.
    """
    import os

    base = os.environ.get("XDG_DATA_HOME", "")
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".local" / "share"
    return root / "orient-console"


class Session:
    """State shared by every command of one console run."""

    def __init__(self, renderer: Renderer | None = None, settings: Settings | None = None, *,
                 interactive: bool = False, data_dir: Path | None = None) -> None:
        self.settings = settings or Settings()
        self.renderer = renderer or Renderer(self.settings)
        self.interactive = interactive
        self.data_dir = data_dir or default_data_dir()
        self.db: Any = None
        self.server: Any = None  # a remote server connection without a database
        self.last_results: list[Any] = []
        self.password_prompt: Callable[[str], str] | None = None
        self.schema_changed: list[Callable[["Session"], None]] = []
        self.script_depth = 0

    # -- state ---------------------------------------------------------------------------
    @property
    def databases_dir(self) -> Path:
        """Where embedded databases named without a path live."""
        return self.data_dir / "databases"

    def require_db(self) -> Any:
        if self.db is None:
            raise OrientError("not connected to a database: use CONNECT <url> <user> <password> first")
        return self.db

    def set_database(self, db: Any) -> None:
        if self.db is not None and self.db is not db:
            self.close_database()
        self.db = db
        self.last_results = []
        self.notify_schema_changed()

    def close_database(self) -> None:
        db, self.db = self.db, None
        self.last_results = []
        if db is not None:
            try:
                if db.in_transaction:
                    db.rollback()
                    self.renderer.warning("the open transaction was rolled back")
            except OrientError:
                pass
            db.close()
        self.notify_schema_changed()

    def notify_schema_changed(self) -> None:
        for fn in self.schema_changed:
            try:
                fn(self)
            except Exception:  # a completion cache must never break a command
                pass

    def prompt(self) -> str:
        """``orientdb> ``, ``orientdb {db=x}> ``, ``orientdb {db=x tx=[n entries]}> ``."""
        db = self.db
        if db is None:
            if self.server is not None:
                return f"orientdb {{server={self.server.url}}}> "
            return "orientdb> "
        if db.in_transaction:
            return f"orientdb {{db={db.name} tx=[{db.tx_entries} entries]}}> "
        return f"orientdb {{db={db.name}}}> "

    # -- running -----------------------------------------------------------------------
    def execute(self, text: str) -> None:
        """Parse and run one statement; raises OrientError (or Cancelled) on failure."""
        from console.commands import dispatch
        from console.parser import parse

        if self.settings.echo:
            from console.repl.history import mask_secrets

            self.renderer.message(f"{self.prompt()}{mask_secrets(text)}", level=0)
        stmt = parse(text)
        dispatch(self, stmt, text)

    def run_script(self, text: str, source: str) -> bool:
        """Run every statement of a script; False when one failed (and errors stop the run)."""
        from console.script import split_statements

        ok = True
        for st in split_statements(text):
            try:
                self.execute(st.text)
            except ExitRequested:
                raise
            except Cancelled as exc:
                self.renderer.error(f"{source}:{st.line}: {exc}")
                return False
            except OrientError as exc:
                ok = False
                if not isinstance(exc, AlreadyReported):
                    from console.parser import ParseError

                    message = str(exc)
                    if isinstance(exc, ParseError) and st.end_line - st.line >= 2:
                        # an unclosed quote or bracket makes one statement of the lines after it
                        message += (f" (this statement runs from line {st.line} to line {st.end_line}: "
                                    "look for an unclosed quote or bracket)")
                    self.renderer.error(str(StatementError(source, st.line, message)))
                if not self.settings.ignoreErrors:
                    return False
            except KeyboardInterrupt:
                self.renderer.error(f"{source}:{st.line}: cancelled")
                return False
            except Exception as exc:  # a bug: one line; the statement's changes were undone
                ok = False
                self.report_unexpected(exc, f"{source}:{st.line}")
                if not self.settings.ignoreErrors:
                    return False
        return ok

    def report_unexpected(self, exc: BaseException, where: str = "") -> None:
        """A bug reached the top: one line, and a traceback only with SET debug true."""
        prefix = f"{where}: " if where else ""
        self.renderer.error(f"{prefix}internal error: {type(exc).__name__}: {exc}")
        if self.settings.debug:
            import traceback

            self.renderer.err.write("".join(traceback.format_exception(exc)))

    def timed(self) -> float:
        return time.perf_counter()


__all__ = ["Session", "ExitRequested", "AlreadyReported", "StatementError", "default_data_dir", "ast"]
