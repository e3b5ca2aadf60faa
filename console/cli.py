"""Command line: interactive prompt, scripts, ``-c`` commands, standard input, ``serve``.

Exit status: 0 when every command succeeded, 1 when one failed, 2 for a
usage error.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from console import __version__

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit status 2
        self.exit(EXIT_USAGE, f"orient-console: {message} (see orient-console --help)\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="orient-console",
        description="An interactive console for OrientDB-style multi-model databases. With no arguments on a "
                    "terminal it starts the interactive prompt; script files, -c commands and standard input "
                    "run in batch mode. 'orient-console serve --help' describes the server.",
    )
    p.add_argument("files", nargs="*", metavar="FILE", help="script files (.osql) to run in order")
    p.add_argument("-c", "--command", action="append", metavar="COMMANDS",
                   help="commands to run, separated by ';' (may be repeated)")
    p.add_argument("--format", choices=("table", "json", "csv"), help="output format (json: one object per line)")
    p.add_argument("--echo", action="store_true", help="print each command before running it")
    p.add_argument("--ignore-errors", action="store_true", help="keep going after a failing command")
    p.add_argument("--demo", action="store_true", help="open (creating on first use) the demo graph database")
    p.add_argument("--no-color", action="store_true", help="plain text output")
    p.add_argument("--version", action="version", version=f"orient-console {__version__}")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "serve":
        from console.remote.server import main as serve_main

        return serve_main(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except BrokenPipeError:
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        except OSError:
            pass
        return EXIT_FAILED


def _make_session(args: argparse.Namespace, interactive: bool):
    from console.render import Renderer
    from console.session import Session
    from console.settings import Settings

    settings = Settings()
    if args.format:
        settings.set("format", args.format)
    if args.echo:
        settings.set("echo", "true")
    if args.ignore_errors:
        settings.set("ignoreErrors", "true")
    renderer = Renderer(settings, color=False if args.no_color else None)
    return Session(renderer, settings, interactive=interactive)


def _run(args: argparse.Namespace) -> int:
    batch = bool(args.command or args.files)
    stdin_tty = sys.stdin.isatty()
    interactive = not batch and stdin_tty
    session = _make_session(args, interactive)
    from console.session import ExitRequested

    try:
        if args.demo:
            from console.demo import open_demo

            open_demo(session)
        if interactive:
            from console.repl.app import run_repl

            return run_repl(session)
        ok = True
        try:
            for text in args.command or []:
                ok = session.run_script(text, "-c") and ok
                if not ok and not session.settings.ignoreErrors:
                    return EXIT_FAILED
            for name in args.files:
                path = Path(name)
                try:
                    content = path.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError) as exc:
                    from console.script import read_error

                    session.renderer.error(f"orient-console: cannot read '{name}': {read_error(exc)}")
                    return EXIT_USAGE
                ok = session.run_script(content, name) and ok
                if not ok and not session.settings.ignoreErrors:
                    return EXIT_FAILED
            if not batch:
                data = sys.stdin.read()
                ok = session.run_script(data, "<stdin>") and ok
        except ExitRequested:
            pass
        return EXIT_OK if ok else EXIT_FAILED
    except ExitRequested:
        return EXIT_OK
    except KeyboardInterrupt:
        session.renderer.error("cancelled")
        return EXIT_FAILED
    finally:
        try:
            session.close_database()
        except Exception:
            pass
