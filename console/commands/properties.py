"""SET, GET, PROPERTIES, ECHO, SLEEP, LOAD SCRIPT and EXIT."""

from __future__ import annotations

import os
import time
from pathlib import Path

from console import ast
from console.commands import command
from console.errors import Cancelled, OrientError
from console.script import read_error
from console.session import AlreadyReported, ExitRequested, Session

MAX_SCRIPT_DEPTH = 16


@command(ast.SetProperty, "SET", "SET <property> <value>",
         "Change a console property; answers with the previous and the new value.", "SET limit 50")
def set_property(session: Session, stmt: ast.SetProperty, text: str) -> None:
    old, new = session.settings.set(stmt.name, stmt.value)
    name = session.settings.spec(stmt.name).name
    if name in ("format", "width"):
        session.renderer.reset()
    session.renderer.message(f"{name} = {_show(new)} (was {_show(old)})", level=1)


def _show(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


@command(ast.GetProperty, "GET", "GET <property>", "Show the value of a console property.", "GET limit")
def get_property(session: Session, stmt: ast.GetProperty, text: str) -> None:
    spec = session.settings.spec(stmt.name)
    session.renderer.table(["property", "value"], [(spec.name, _show(session.settings.get(spec.name)))])


@command(ast.ShowProperties, "PROPERTIES", "PROPERTIES", "List the console properties and their values.",
         "PROPERTIES")
def properties(session: Session, stmt: ast.ShowProperties, text: str) -> None:
    rows = [(name, _show(value), help_) for name, value, help_ in session.settings.items()]
    session.renderer.table(["property", "value", "meaning"], rows, title="CONSOLE PROPERTIES")


@command(ast.Echo, "ECHO", "ECHO <text>", "Print a line of text.", "ECHO 'loading data...'")
def echo(session: Session, stmt: ast.Echo, text: str) -> None:
    session.renderer.raw(stmt.text) if session.settings.format == "table" else session.renderer.message(stmt.text, level=0)


@command(ast.Sleep, "SLEEP", "SLEEP <milliseconds>", "Pause the script (Ctrl-C interrupts).", "SLEEP 500")
def sleep(session: Session, stmt: ast.Sleep, text: str) -> None:
    if stmt.millis < 0:
        raise OrientError("SLEEP needs a positive number of milliseconds")
    try:
        time.sleep(stmt.millis / 1000)
    except KeyboardInterrupt:
        raise Cancelled("sleep interrupted") from None


@command(ast.LoadScript, "LOAD SCRIPT", "LOAD SCRIPT <file>", "Run the commands of a script file.",
         "LOAD SCRIPT ./setup.osql")
def load_script(session: Session, stmt: ast.LoadScript, text: str) -> None:
    path = Path(os.path.expanduser(stmt.path.strip().strip("'\"")))
    if session.script_depth >= MAX_SCRIPT_DEPTH:
        raise OrientError(f"LOAD SCRIPT nested more than {MAX_SCRIPT_DEPTH} deep (does a script load itself?)")
    try:
        content = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise OrientError(f"cannot read script '{path}': {read_error(exc)}") from None
    session.script_depth += 1
    try:
        ok = session.run_script(content, str(path))
    finally:
        session.script_depth -= 1
    if not ok:
        raise AlreadyReported(f"script '{path}' stopped at an error")


@command(ast.Exit, "EXIT", "EXIT | QUIT | BYE", "Leave the console (an open transaction is rolled back).", "EXIT")
def exit_console(session: Session, stmt: ast.Exit, text: str) -> None:
    raise ExitRequested()
