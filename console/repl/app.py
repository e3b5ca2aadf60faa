"""The interactive prompt: a prompt_toolkit session around a console Session.

Enter runs the statement when it is complete (balanced quotes, brackets and
braces, or a trailing ``;``) and otherwise starts a new line; Ctrl-C clears
the line, or cancels a running command; Ctrl-D, EXIT, QUIT or BYE leave.
History is kept (with passwords masked) under the user's data directory.
"""

from __future__ import annotations

from typing import Any

from console import __version__
from console.errors import OrientError
from console.session import AlreadyReported, ExitRequested, Session

BANNER = (f"orient-console {__version__} — an OrientDB-style console (embedded engine, nothing to install).\n"
          "Type HELP for the commands, CONNECT or CREATE DATABASE to start, EXIT to leave.")


def refresh_schema_cache(cache: Any, session: Session) -> None:
    """Fill the completion cache from the open database's schema (never per keystroke)."""
    db = session.db
    if db is None:
        cache.clear()
        return
    schema = db.schema
    cache.update(
        classes={c.name: [p.name for p in c.properties] for c in schema.classes},
        superclasses={c.name: list(c.superclasses) for c in schema.classes},
        clusters=[c.name for c in schema.clusters],
        indexes=[ix.name for ix in schema.indexes],
    )


def toolbar_text(session: Session) -> str:
    db = session.db
    if db is None:
        where = f"server {session.server.url}" if session.server is not None else "not connected"
        return f" {where} | HELP for commands | Ctrl-D to leave "
    tx = f"tx: {db.tx_entries} entries" if db.in_transaction else "no transaction"
    return f" {db.url} | user {db.user_name} | {tx} | limit {session.settings.limit} "


def build_prompt_session(session: Session, *, input: Any = None, output: Any = None, history: Any = None):
    """The prompt_toolkit PromptSession wired to a console session."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
    from prompt_toolkit.key_binding import KeyBindings
    from prompt_toolkit.lexers import PygmentsLexer
    from prompt_toolkit.styles import Style

    from console.repl.completer import OrientCompleter, SchemaCache
    from console.repl.history import MaskedFileHistory, default_history_path
    from console.repl.lexer import OrientDBLexer
    from console.script import is_complete
    from console.transfer.options import BackupOptions, ExportOptions, ImportOptions, RestoreOptions, option_names

    cache = SchemaCache()
    session.schema_changed.append(lambda s: refresh_schema_cache(cache, s))
    refresh_schema_cache(cache, session)
    options = {
        "export": [n + "=" for n in option_names(ExportOptions)],
        "import": [n + "=" for n in option_names(ImportOptions)],
        "backup": [n + "=" for n in option_names(BackupOptions)],
        "restore": [n + "=" for n in option_names(RestoreOptions)],
        "check": ["-fix"],
    }
    completer = OrientCompleter(cache, options=options)
    if history is None:
        try:
            history = MaskedFileHistory(str(default_history_path()))
        except OSError:
            from prompt_toolkit.history import InMemoryHistory

            history = InMemoryHistory()

    kb = KeyBindings()

    @kb.add("enter")
    def _enter(event: Any) -> None:
        buf = event.current_buffer
        state = buf.complete_state
        if state is not None and state.current_completion is not None:
            buf.apply_completion(state.current_completion)
            return
        if not buf.text.strip() or is_complete(buf.text):
            buf.validate_and_handle()
        else:
            buf.insert_text("\n")

    @kb.add("escape", "enter")
    def _force(event: Any) -> None:  # Alt-Enter runs whatever is there
        event.current_buffer.validate_and_handle()

    style = Style.from_dict({"bottom-toolbar": "noreverse bg:#222222 #aaaaaa", "prompt": "bold"})
    return PromptSession(
        message=lambda: [("class:prompt", session.prompt())],
        lexer=PygmentsLexer(OrientDBLexer),
        completer=completer,
        complete_while_typing=True,
        auto_suggest=AutoSuggestFromHistory(),
        history=history,
        multiline=True,
        key_bindings=kb,
        bottom_toolbar=lambda: toolbar_text(session),
        prompt_continuation=lambda width, line_no, soft: "." * (width - 1) + " ",
        style=style,
        input=input,
        output=output,
        include_default_pygments_style=True,
    )


def run_statements(session: Session, text: str) -> bool:
    """Run what was typed; errors are shown, never raised. False after EXIT."""
    from console.script import split_statements

    for st in split_statements(text):
        try:
            session.execute(st.text)
        except ExitRequested:
            return False
        except AlreadyReported:
            pass
        except OrientError as exc:
            session.renderer.error(f"!ERROR: {exc}")
        except KeyboardInterrupt:
            session.renderer.error("cancelled: the command was interrupted and its changes undone")
        except Exception as exc:  # a bug: one line, traceback only with SET debug true
            session.report_unexpected(exc)
    return True


def run_repl(session: Session, *, input: Any = None, output: Any = None, history: Any = None) -> int:
    """The read-eval-print loop; returns the exit status."""
    ps = build_prompt_session(session, input=input, output=output, history=history)

    def ask_password(message: str) -> str:
        # A throw-away prompt with no history: the password is never stored anywhere.
        from prompt_toolkit import PromptSession
        from prompt_toolkit.history import DummyHistory

        return PromptSession(history=DummyHistory(), input=input, output=output).prompt(message, is_password=True)

    session.password_prompt = ask_password
    if session.settings.verbose >= 1:
        session.renderer.raw(BANNER)
    while True:
        try:
            text = ps.prompt()
        except KeyboardInterrupt:
            continue
        except EOFError:
            break
        if not text.strip():
            continue
        if not run_statements(session, text):
            break
    session.close_database()
    return 0
