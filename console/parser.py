"""Parse console commands and OrientDB SQL into :mod:`console.ast` nodes.

    parse(text) -> Statement          one statement; a trailing ';' is allowed
    parse_expression(text) -> Expr    one expression or condition
    ParseError                        the only exception either of them raises

The grammar (``console.lark`` + ``sql.lark``, package ``console.grammar``) is
compiled by lark into an LALR(1) parser with a contextual lexer. Compiling
takes about a second, so the compiled parser is pickled into the user's cache
directory (``$XDG_CACHE_HOME/orient-console``, else a private directory under
the system temp dir) together with a fingerprint of the grammar text and the
lark and Python versions, and loaded from there on the next start. Nothing is
built at import time: the parser is loaded on first use, once per process
(:func:`warm_up` does that, and more, from a background thread if wanted).
"""

from __future__ import annotations

import os
import pickle
import re
import sys
import threading
import types
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from console.errors import OrientError

if TYPE_CHECKING:                      # lark is imported on first use only
    from lark import Lark

    from console.ast import Expr, Statement

__all__ = ["ParseError", "parse", "parse_expression", "warm_up"]

GRAMMAR_FILES = ("console.lark", "sql.lark")
LARK_OPTIONS: dict[str, Any] = {
    "parser": "lalr",
    "lexer": "contextual",
    "start": ["start", "expression_start"],
    "propagate_positions": True,
    "maybe_placeholders": False,
}
MAX_EXPECTED_SHOWN = 12
MAX_DEPTH = 200            # nodes from the statement down to its deepest leaf
_TOO_DEEP = f"the statement is nested too deeply (more than {MAX_DEPTH} levels)"

# Readable names of the grammar's pattern terminals (keywords and punctuation
# are described by their text).
TERMINAL_NAMES = {
    "$END": "end of input",
    "NAME": "identifier",
    "QUOTED_NAME": "identifier",
    "STRING": "string",
    "NUMBER": "number",
    "RID": "record id",
    "VARIABLE": "$variable",
    "ATTRIBUTE": "@attribute",
    "NAMED_PARAM": ":parameter",
    "WORD": "word",
    "OPTION": "-option",
    "REST": "text",
    "_CLUSTER_PREFIX": "CLUSTER:",
    "_CLASS_PREFIX": "CLASS:",
    "_INDEX_PREFIX": "INDEX:",
    "_METADATA_PREFIX": "METADATA:",
}
_VALUE_ORDER = ["identifier", "string", "number", "word", "text", "-option", "record id", "$variable",
                ":parameter", "'?'", "@attribute", "TRUE", "FALSE", "NULL", "CLASS:", "CLUSTER:",
                "INDEX:", "METADATA:"]
_BROAD_TERMINALS = {"WORD", "REST", "OPTION"}
_WORD = re.compile(r"[A-Za-z_0-9$]+|\S")
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`(?:[^`\\\n]|\\.)*`', re.S)
_OPERATOR_WORDS = {"AND", "OR", "NOT", "IN", "IS", "LIKE", "ILIKE", "MATCHES", "BETWEEN",
                   "INSTANCEOF", "CONTAINS", "CONTAINSALL", "CONTAINSANY", "CONTAINSKEY",
                   "CONTAINSVALUE", "CONTAINSTEXT"}
_SEPARATORS = {"','", "')'", "']'", "'}'", "';'"}
_IGNORED = {"WS", "LINE_COMMENT", "BLOCK_COMMENT"}


class ParseError(OrientError):
    """A statement that cannot be parsed; ``str(err)`` is one line.

    ``line`` and ``column`` are 1-based; ``token`` is the offending text ('' at
    the end of the input); ``expected`` the sorted descriptions of what could
    have come instead (empty when the text was well-formed but meaningless).
    """

    def __init__(self, reason: str, line: int = 1, column: int = 1,
                 token: str | None = None, expected: Iterable[str] = ()) -> None:
        self.reason = reason
        self.line = line
        self.column = column
        self.token = token
        self.expected = sorted(expected)
        super().__init__(f"syntax error at line {line}, column {column}: {reason}")


def parse(text: str) -> Statement:
    """Parse exactly one console command or SQL statement.

    Trees are immutable, so the last few hundred distinct texts are cached:
    a statement run again with new parameters is not parsed again.
    """
    if isinstance(text, str) and len(text) <= _CACHE_TEXT_LIMIT:
        cached = _cache.get(text)
        if cached is not None:
            return cached
        result = _parse(text, "start")
        if len(_cache) >= _CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
        _cache[text] = result
        return result
    return _parse(text, "start")


_CACHE_SIZE = 512
_CACHE_TEXT_LIMIT = 4096
_cache: dict[str, Statement] = {}


def parse_expression(text: str) -> Expr:
    """Parse one expression or condition (a WHERE clause body, for instance)."""
    return _parse(text, "expression_start")


# ---------------------------------------------------------------- parsing

def _parse(text: str, start: str) -> Any:
    if not isinstance(text, str):
        raise ParseError(f"expected text, got {type(text).__name__}")
    try:
        parser = get_parser()
        from lark.exceptions import UnexpectedInput, VisitError

        from console.ast_builder import AstBuilder, Invalid
    except Exception as exc:   # a broken installation; still reported as one line
        raise ParseError(f"the parser cannot be loaded: {exc}") from exc

    try:
        tree = parser.parse(text, start=start)
        result = AstBuilder(text).transform(tree)
    except UnexpectedInput as exc:
        try:
            error = _syntax_error(exc, text, parser)
        except Exception:           # never let the error reporting itself fail
            error = ParseError("unexpected input", getattr(exc, "line", 1), getattr(exc, "column", 1))
        raise error from None
    except VisitError as exc:
        cause = exc.orig_exc
        if isinstance(cause, Invalid):
            line, column = _position(cause.where)
            raise ParseError(cause.message, line, column, _text_of(cause.where)) from None
        if isinstance(cause, RecursionError):
            raise ParseError(_TOO_DEEP) from None
        raise ParseError(f"internal parser error: {type(cause).__name__}: {cause}") from cause
    except RecursionError:
        raise ParseError(_TOO_DEEP) from None
    except Exception as exc:
        raise ParseError(f"internal parser error: {type(exc).__name__}: {exc}") from exc
    if _too_deep(result):
        raise ParseError(_TOO_DEEP)
    return result


def _too_deep(root: Any) -> bool:
    """True when the tree is deeper than MAX_DEPTH nodes (``1+1+...`` chains,
    nested lists): users of the tree recurse over it, so refuse it here."""
    from console.ast import Node

    stack = [(root, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, Node):
            if depth > MAX_DEPTH:
                return True
            stack.extend((getattr(item, name), depth + 1) for name in item.__node_fields__)
        elif isinstance(item, tuple):
            stack.extend((x, depth) for x in item)
    return False


def _position(where: Any) -> tuple[int, int]:
    line = getattr(where, "line", None)
    column = getattr(where, "column", None)
    if isinstance(line, int) and isinstance(column, int):
        return line, column
    return 1, 1


def _text_of(where: Any) -> str | None:
    return str(where) if isinstance(where, str) else None


def _end_position(text: str) -> tuple[int, int]:
    return text.count("\n") + 1, len(text) - (text.rfind("\n") + 1) + 1


def _syntax_error(exc: Any, text: str, parser: Lark) -> ParseError:
    from lark.exceptions import UnexpectedCharacters, UnexpectedToken

    expected = _expected(exc, parser)
    if isinstance(exc, UnexpectedToken) and exc.token.type != "$END":
        line, column, pos = exc.line, exc.column, exc.token.start_pos
        token = str(exc.token)
        if exc.token.type in _BROAD_TERMINALS:       # matched by the fallback lexer only
            token = _natural_token(text, pos)
    elif isinstance(exc, UnexpectedCharacters):
        line, column, pos = exc.line, exc.column, exc.pos_in_stream
        token = _natural_token(text, pos)
    else:                                           # at the end of the input
        line, column = _end_position(text)
        return ParseError(_with_expected("unexpected end of input", expected, ""), line, column, "", expected)
    if token[:1] in ("'", '"', "`") and isinstance(pos, int) and _QUOTED.match(text, pos) is None:
        what = "quoted name" if token[0] == "`" else "string"
        snippet = text[pos:].split("\n", 1)[0]
        return ParseError(f"unterminated {what} {_quote(snippet)}", line, column, snippet, expected)
    return ParseError(_with_expected(f"unexpected {_quote(token)}", expected, token), line, column, token, expected)


def _natural_token(text: str, pos: Any) -> str:
    """The word or the single character at ``pos`` (what a reader calls a token)."""
    if not isinstance(pos, int) or not 0 <= pos < len(text):
        return ""
    match = _WORD.match(text, pos)
    return match.group() if match else text[pos]


def _with_expected(reason: str, expected: set[str], token: str) -> str:
    if not expected:
        return reason
    ranked = _rank(expected, token)
    more = ", ..." if len(ranked) > MAX_EXPECTED_SHOWN else ""
    listed = ", ".join(ranked[:MAX_EXPECTED_SHOWN]) + more
    return reason + (f"; expected {listed}" if len(ranked) == 1 else f"; expected one of: {listed}")


def _quote(token: str, limit: int = 40) -> str:
    """``token`` quoted for a one-line message, shortened, control characters escaped."""
    shown = token if len(token) <= limit else token[:limit] + "..."
    shown = shown.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    quote = '"' if "'" in shown and '"' not in shown else "'"
    return f"{quote}{shown}{quote}"


def _expected(exc: Any, parser: Lark) -> set[str]:
    """Descriptions of the terminals the parser could have accepted."""
    names: set[str] = set()
    interactive = getattr(exc, "interactive_parser", None)
    if interactive is not None:
        try:
            names = set(interactive.accepts())
        except Exception:
            names = set()
    if not names:
        names = set(getattr(exc, "expected", None) or getattr(exc, "allowed", None) or ())
    return {_describe(n, parser) for n in names if n not in _IGNORED}


def _describe(name: str, parser: Lark) -> str:
    if name in TERMINAL_NAMES:
        return TERMINAL_NAMES[name]
    try:
        pattern = parser.get_terminal(name).pattern
    except KeyError:
        return name.lower()
    if pattern.type == "str":
        value = pattern.value
        return value.upper() if value.replace("_", "").isalpha() else f"'{value}'"
    return name.lower()


def _rank(expected: set[str], token: str) -> list[str]:
    """Most useful first: near misses of the token, clause keywords, kinds of
    values, separators, the end, operators."""
    def key(item: str) -> tuple[int, int, str]:
        if item in _VALUE_ORDER:
            return (2, _VALUE_ORDER.index(item), item)
        if item.isupper() and item not in _OPERATOR_WORDS and item.replace("_", "").isalpha():
            return (1, 0, item)
        if item in _SEPARATORS:
            return (3, 0, item)
        if item == "end of input":
            return (4, 0, item)
        if item in _OPERATOR_WORDS:
            return (5, 0, item)
        return (6, 0, item)

    import difflib

    words = [e for e in expected if e.replace("_", "").isalpha() and e.isupper()]
    close = difflib.get_close_matches(token.upper(), words, n=3, cutoff=0.7) if token else []
    return close + sorted((e for e in expected if e not in close), key=key)


# ---------------------------------------------------------------- building and caching

_lock = threading.Lock()
_parser: Lark | None = None


def get_parser() -> Lark:
    """The process-wide lark parser, loaded from the cache or compiled once."""
    global _parser
    if _parser is None:
        with _lock:
            if _parser is None:
                _parser = _load_or_build()
    return _parser


def warm_up() -> None:
    """Load the parser and build the lexer states common statements use.

    Meant for a background thread at start-up, so that the first command the
    user types is parsed without the one-off cost (tens of milliseconds)."""
    for text in ("select a, b.c(), count(*) from V where a = 1 and b in [1, 'x'] order by a limit 1",
                 "insert into V set a = 1", "update V set a = #1:2 where b is null", "info"):
        try:
            parse(text)
        except ParseError:
            pass


def grammar_text() -> str:
    """The full grammar, read from the installed ``console.grammar`` package."""
    from importlib.resources import files

    package = files("console.grammar")
    return "\n".join(package.joinpath(name).read_text(encoding="utf-8") for name in GRAMMAR_FILES)


def _load_or_build() -> Lark:
    """Unpickle the compiled parser from the cache, or compile and cache it.

    The cache file holds two pickles: the fingerprint (grammar text, lark and
    Python versions, options), then the Lark object itself. Pickling the object
    directly loads several times faster than lark's own ``Lark.save``/``load``
    format; a file that fails to load in any way is simply rebuilt.
    """
    import lark

    text = grammar_text()
    fingerprint = "\0".join((text, lark.__version__, sys.version, repr(sorted(LARK_OPTIONS.items()))))
    directory = cache_directory()
    path = None
    if directory is not None:
        path = directory / f"grammar-{zlib.crc32(fingerprint.encode('utf-8')):08x}.pickle"
        try:
            with open(path, "rb") as f:
                if pickle.load(f) == fingerprint:
                    parser = _Unpickler(f).load()
                    if isinstance(parser, lark.Lark):
                        return parser
        except Exception:            # missing, stale, truncated, incompatible: rebuild
            pass
    parser = lark.Lark(text, **LARK_OPTIONS)
    if path is not None:
        _save(parser, fingerprint, path)
    return parser


def _save(parser: Lark, fingerprint: str, path: Path) -> None:
    """Write the cache file atomically (several consoles may start at once)."""
    import copy
    import tempfile

    slim = copy.copy(parser)
    for attribute in ("grammar", "source_grammar"):      # not needed for parsing
        if hasattr(slim, attribute):
            setattr(slim, attribute, None)
    _share_actions(parser)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".grammar-", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            pickle.dump(fingerprint, f, protocol=pickle.HIGHEST_PROTOCOL)
            _Pickler(f, protocol=pickle.HIGHEST_PROTOCOL).dump(slim)
        os.replace(tmp, path)
        tmp = None
        for old in path.parent.glob("grammar-*.pickle"):     # left by older grammars
            if old != path:
                old.unlink(missing_ok=True)
    except Exception:
        pass
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _share_actions(parser: Lark) -> None:
    """Make equal (action, argument) pairs of the parse table one object, so
    that the pickle holds ~1,700 of them instead of ~11,000 (loads 2x faster)."""
    try:
        states = parser.parser.parser._parse_table.states
    except AttributeError:
        return
    shared: dict[tuple[str, int], Any] = {}
    for actions in states.values():
        for terminal, pair in actions.items():
            action, argument = pair
            key = (str(action), argument if isinstance(argument, int) else id(argument))
            actions[terminal] = shared.setdefault(key, pair)


class _Pickler(pickle.Pickler):
    """Pickles a Lark object: modules and lark's Shift/Reduce singletons by name."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from lark.parsers.lalr_analysis import Action

        super().__init__(*args, **kwargs)
        self.action_type = Action

    def persistent_id(self, obj: Any) -> Any:
        if isinstance(obj, types.ModuleType):
            return ("module", obj.__name__)
        if isinstance(obj, self.action_type):
            return ("action", obj.name)
        return None


class _Unpickler(pickle.Unpickler):
    def persistent_load(self, pid: Any) -> Any:
        import importlib

        from lark.parsers import lalr_analysis

        kind, name = pid
        if kind == "module":
            if name not in ("re", "regex"):
                raise pickle.UnpicklingError(f"unexpected module {name!r}")
            return importlib.import_module(name)
        if kind == "action" and name in ("Shift", "Reduce"):
            return getattr(lalr_analysis, name)
        raise pickle.UnpicklingError(f"unexpected persistent id {pid!r}")


def cache_directory() -> Path | None:
    """A directory private to this user for the compiled grammar, or None."""
    uid = os.getuid() if hasattr(os, "getuid") else None

    def candidates():
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        if os.path.isabs(base):
            yield Path(base) / "orient-console"
        import tempfile

        yield Path(tempfile.gettempdir()) / f"orient-console-{uid if uid is not None else 'user'}"

    for directory in candidates():
        try:
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            st = directory.stat()
            if uid is not None and (st.st_uid != uid or st.st_mode & 0o022):
                continue        # someone else's, or writable by others: never unpickle from it
            if os.access(directory, os.R_OK | os.W_OK | os.X_OK):
                return directory
        except OSError:
            continue
    return None
