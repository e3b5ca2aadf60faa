"""HELP and HELP <command>."""

from __future__ import annotations

from console import ast
from console.commands import CommandInfo, all_commands, command
from console.errors import OrientError
from console.session import Session


def find_topic(words: tuple[str, ...]) -> list[CommandInfo]:
    """Commands whose name is, or starts with, the words asked about."""
    wanted = " ".join(w.upper() for w in words)
    if wanted == "?":
        return []
    cmds = all_commands()
    exact = [c for c in cmds if c.name == wanted or c.syntax.split("|")[0].strip() == wanted]
    if exact:
        return exact
    aliases = {"QUIT": "EXIT", "BYE": "EXIT", "LIST CLASSES": "CLASSES", "LIST CLUSTERS": "CLUSTERS",
               "LIST INDEXES": "INDEXES", "UPDATE EDGE": "UPDATE"}
    if wanted in aliases:
        return [c for c in cmds if c.name == aliases[wanted]]
    return [c for c in cmds if c.name.startswith(wanted)]


@command(ast.Help, "HELP", "HELP [<command>] | ?",
         "List the commands, or explain one: syntax, purpose and an example.", "HELP CREATE INDEX")
def help_command(session: Session, stmt: ast.Help, text: str) -> None:
    r = session.renderer
    if not stmt.topic or stmt.topic == ("?",):
        for group, title in (("console", "CONSOLE COMMANDS"), ("sql", "SQL STATEMENTS")):
            rows = [(c.name, c.purpose) for c in all_commands() if c.group == group]
            r.table(["command", "purpose"], rows, title=title)
        r.message("Type HELP <command> for its syntax and an example; anything else is sent to the database as SQL.")
        return
    found = find_topic(stmt.topic)
    if not found:
        raise OrientError(f"no help for '{' '.join(stmt.topic)}': type HELP for the list of commands")
    for c in found:
        r.table(["", c.name], [("syntax", c.syntax), ("purpose", c.purpose), ("example", c.example)], wrap=True)
