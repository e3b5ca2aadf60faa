"""Context-aware completion: a pure analysis plus a prompt_toolkit completer.

:func:`suggest` (after pgcli's ``suggest_type``) maps the text before the
cursor to *suggestion kinds*, without a terminal or a database:

==================  =========================================================
kind                offered where
==================  =========================================================
``Keyword``         the start of a statement, after a keyword (``CREATE`` ->
                    CLASS, PROPERTY...; ``SELECT ... FROM X`` -> WHERE, ORDER
                    BY...), operators after a field, TRUE/FALSE values
``ClassName``       after FROM, INTO, UPDATE, CLASS, EXTENDS, VERTEX, EDGE,
                    INSTANCEOF, ON, ``INFO/BROWSE/TRUNCATE CLASS``...
``PropertyName``    after ``Class.``; in WHERE / SET / ORDER BY / GROUP BY /
                    projections of a statement whose class is known (an empty
                    ``class_names`` means "of every class")
``ClusterName``     after ``CLUSTER:``, ``BROWSE/TRUNCATE/ALTER/DROP CLUSTER``
``IndexName``       after ``INDEX:``, ``DROP/REBUILD INDEX`` (dots included)
``Type``            after ``CREATE PROPERTY X.y``, ``ALTER PROPERTY ... TYPE``
``Function``        SQL and graph functions where an expression may start
``Method``          after ``expr.`` (``.size()``, ``.toUpperCase()``...)
``Attribute``       ``@rid``, ``@class``... where an expression may start
``ConsoleProperty`` after the console's ``SET`` / ``GET``
``Option``          ``-name=`` options of EXPORT/IMPORT/BACKUP/RESTORE DATABASE
                    and CHECK/REPAIR DATABASE, minus those already typed
                    (``used``); option values: classes, clusters, true/false
``FilePath``        the file of EXPORT/IMPORT/BACKUP/RESTORE DATABASE and
                    LOAD SCRIPT (also inside an opened quote)
``DatabaseUrl``     the URL of CONNECT, CREATE DATABASE, DROP DATABASE
==================  =========================================================

Nothing is suggested inside a string literal or a comment.
:func:`completion_context` also returns the word being completed
(``word_before_cursor``): the identifier before the cursor, or, for options,
files and URLs, the whole argument.

:class:`OrientCompleter` turns suggestions into prompt_toolkit completions
from a :class:`SchemaCache` (filled by the console after connecting and after
DDL -- completion never queries a database), matching case-insensitively:
prefix matches first, then substring matches, then fuzzy (subsequence) ones.
Candidate lists are sorted once per schema update; prefix matching is a
binary search and substring/fuzzy matching one C-level scan of a joined
string, so a keystroke costs little even with 40,000 property names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Mapping, NamedTuple, Union

from prompt_toolkit.completion import CompleteEvent, Completer, Completion, PathCompleter
from prompt_toolkit.document import Document

from console.repl.lexer import ATTRIBUTES, FUNCTIONS, METHODS, TYPES
from console.repl.schema_cache import Candidates, SchemaCache
from console.script import scan_state

__all__ = [
    "Keyword", "ClassName", "PropertyName", "ClusterName", "IndexName", "Type", "Function",
    "Method", "Attribute", "ConsoleProperty", "Option", "FilePath", "DatabaseUrl",
    "Suggestion", "CompletionContext", "completion_context", "suggest", "SchemaCache",
    "OrientCompleter", "START_KEYWORDS", "CONSOLE_PROPERTIES", "BOOLEAN_CONSOLE_PROPERTIES",
    "OPTIONS",
]


# --- suggestion kinds --------------------------------------------------------

@dataclass(frozen=True)
class Keyword:
    """Keywords (or fixed words such as TRUE/FALSE) that fit here."""

    candidates: tuple[str, ...]


@dataclass(frozen=True)
class ClassName:
    """A class name."""


@dataclass(frozen=True)
class PropertyName:
    """A property of the named classes (inherited ones included); () = of any class."""

    class_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClusterName:
    """A cluster name."""


@dataclass(frozen=True)
class IndexName:
    """An index name."""


@dataclass(frozen=True)
class Type:
    """An OrientDB type name (STRING, LINKSET...)."""


@dataclass(frozen=True)
class Function:
    """An SQL or graph function (count, out, expand...)."""


@dataclass(frozen=True)
class Method:
    """A method applied after a dot (size, toUpperCase...)."""


@dataclass(frozen=True)
class Attribute:
    """A record attribute (@rid, @class...)."""


@dataclass(frozen=True)
class ConsoleProperty:
    """A console property name (limit, echo...)."""


@dataclass(frozen=True)
class Option:
    """An option of ``command``; ``used`` are the (lower-case) names already typed."""

    command: str
    used: tuple[str, ...] = ()


@dataclass(frozen=True)
class FilePath:
    """A file system path."""


@dataclass(frozen=True)
class DatabaseUrl:
    """A database URL (``plocal:``, ``memory:``, ``remote:``...)."""


Suggestion = Union[Keyword, ClassName, PropertyName, ClusterName, IndexName, Type, Function,
                   Method, Attribute, ConsoleProperty, Option, FilePath, DatabaseUrl]


@dataclass(frozen=True)
class CompletionContext:
    """What to complete: the text being replaced and the kinds that fit there."""

    word_before_cursor: str
    suggestions: tuple[Suggestion, ...] = ()


# --- vocabulary ---------------------------------------------------------------

START_KEYWORDS = (
    "SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "ALTER", "DROP", "TRAVERSE", "MATCH",
    "TRUNCATE", "REBUILD", "EXPLAIN", "PROFILE", "GRANT", "REVOKE", "MOVE", "CONNECT",
    "DISCONNECT", "INFO", "CLASSES", "CLUSTERS", "INDEXES", "LIST", "BROWSE", "DISPLAY",
    "LOAD", "EXPORT", "IMPORT", "BACKUP", "RESTORE", "CHECK", "REPAIR", "BEGIN", "COMMIT",
    "ROLLBACK", "SET", "GET", "PROPERTIES", "SLEEP", "ECHO", "HELP", "EXIT", "QUIT", "BYE",
)
"""Commands and SQL statements a statement can start with."""

CONSOLE_PROPERTIES = (
    "limit", "echo", "ignoreErrors", "verbose", "collectionMaxItems", "maxBinaryDisplay",
    "maxColumnWidth", "debug", "format", "width", "backupCompressionLevel", "backupBufferSize",
    "dateFormat", "dateTimeFormat", "progress",
)
"""Default console property names (OrientCompleter takes the real list)."""
BOOLEAN_CONSOLE_PROPERTIES = frozenset({"echo", "ignoreerrors", "debug", "progress"})
_PROPERTY_VALUES = {"format": ("table", "json", "csv")}

_EXPORT_BOOLEANS = ("-includeInfo=", "-includeClusterDefinitions=", "-includeSchema=",
                    "-includeRecords=", "-includeIndexDefinitions=", "-includeManualIndexes=",
                    "-includeSecurity=", "-useLineFeedForRecords=")
OPTIONS: dict[str, tuple[str, ...]] = {
    "export": ("-excludeAll", "-includeClass=", "-excludeClass=", "-includeCluster=",
               "-excludeCluster=", *_EXPORT_BOOLEANS, "-compressionLevel=",
               "-compressionBuffer="),
    "import": ("-preserveClusterIDs=", "-merge=", "-deleteRIDMapping=", "-migrateLinks=",
               "-rebuildIndexes=", "-includeCluster=", "-excludeCluster=", "-excludeClass="),
    "backup": ("-compressionLevel=", "-bufferSize="),
    "restore": ("-name=",),
    "check": ("-fix",),
    "repair": (),
}
"""Options per command, as inserted (a trailing ``=`` when a value follows)."""

_BOOLEAN_OPTIONS = frozenset(o[1:-1].lower() for o in _EXPORT_BOOLEANS) | {
    "preserveclusterids", "merge", "deleteridmapping", "migratelinks", "rebuildindexes"}
_CLASS_OPTIONS = frozenset({"includeclass", "excludeclass"})
_CLUSTER_OPTIONS = frozenset({"includecluster", "excludecluster"})

_TRUE_FALSE = Keyword(("TRUE", "FALSE"))
_CREATE_WHAT = ("CLASS", "PROPERTY", "INDEX", "VERTEX", "EDGE", "CLUSTER", "DATABASE",
                "FUNCTION", "SEQUENCE", "USER", "BLOB CLUSTER")
_ALTER_WHAT = ("CLASS", "PROPERTY", "CLUSTER", "DATABASE", "SEQUENCE")
_DROP_WHAT = ("CLASS", "PROPERTY", "INDEX", "CLUSTER", "DATABASE", "SEQUENCE", "USER")
_INDEX_TYPES = ("UNIQUE", "NOTUNIQUE", "FULLTEXT", "DICTIONARY", "UNIQUE_HASH_INDEX",
                "NOTUNIQUE_HASH_INDEX", "FULLTEXT_HASH_INDEX", "DICTIONARY_HASH_INDEX",
                "SPATIAL")
_CLASS_ATTRS = ("NAME", "SHORTNAME", "SUPERCLASS", "SUPERCLASSES", "OVERSIZE", "STRICTMODE",
                "ADDCLUSTER", "REMOVECLUSTER", "CUSTOM", "ABSTRACT", "CLUSTERSELECTION",
                "DESCRIPTION", "ENCRYPTION")
_PROPERTY_ATTRS = ("LINKEDCLASS", "LINKEDTYPE", "MIN", "MAX", "MANDATORY", "NAME", "NOTNULL",
                   "REGEXP", "TYPE", "COLLATE", "READONLY", "CUSTOM", "DEFAULT", "DESCRIPTION")
_CONSTRAINTS = ("MANDATORY", "NOTNULL", "READONLY", "MIN", "MAX", "REGEXP", "DEFAULT",
                "COLLATE")
_BOOLEAN_ATTRS = frozenset({"MANDATORY", "NOTNULL", "READONLY", "STRICTMODE", "ABSTRACT"})
_LINKED_TYPES = frozenset({"LINK", "LINKLIST", "LINKSET", "LINKMAP", "EMBEDDED",
                           "EMBEDDEDLIST", "EMBEDDEDSET", "EMBEDDEDMAP"})
_CLUSTER_ATTRS = ("NAME", "STATUS", "COMPRESSION", "CONFLICTSTRATEGY", "ENCRYPTION")
_DATABASE_ATTRS = ("CLUSTERSELECTION", "CONFLICTSTRATEGY", "CUSTOM", "DATEFORMAT",
                   "DATETIMEFORMAT", "LOCALECOUNTRY", "LOCALELANGUAGE", "MINIMUMCLUSTERS",
                   "TIMEZONE", "VALIDATION")
_TARGET_PREFIXES = ("CLUSTER:", "INDEX:", "INDEXVALUES:", "METADATA:")
_MATCH_KEYS = ("class:", "as:", "where:", "while:", "maxDepth:", "optional:", "rid:",
               "depthAlias:", "pathAlias:")
_OPERATOR_WORDS = ("LIKE", "ILIKE", "IN", "NOT IN", "IS NULL", "IS NOT NULL", "IS DEFINED",
                   "IS NOT DEFINED", "BETWEEN", "CONTAINS", "CONTAINSKEY", "CONTAINSVALUE",
                   "CONTAINSTEXT", "CONTAINSALL", "CONTAINSANY", "MATCHES", "INSTANCEOF")
_VALUE_OPERATOR_WORDS = frozenset({"LIKE", "ILIKE", "IN", "BETWEEN", "CONTAINS", "CONTAINSKEY",
                                   "CONTAINSVALUE", "CONTAINSTEXT", "CONTAINSALL",
                                   "CONTAINSANY", "MATCHES"})
_LITERAL_WORDS = frozenset({"TRUE", "FALSE", "NULL", "DEFINED"})

# clause -> keywords that may follow once the clause is complete, per statement
_SELECT_TAIL = ("LET", "WHERE", "GROUP BY", "ORDER BY", "UNWIND", "SKIP", "LIMIT",
                "FETCHPLAN", "TIMEOUT")
_FOLLOW: dict[str, dict[str, tuple[str, ...]]] = {
    "SELECT": {
        "FROM": _SELECT_TAIL + ("LOCK", "PARALLEL", "NOCACHE"),
        "LET": _SELECT_TAIL[1:], "WHERE": _SELECT_TAIL[2:], "GROUP BY": _SELECT_TAIL[3:],
        "ORDER BY": _SELECT_TAIL[4:], "UNWIND": _SELECT_TAIL[5:],
        "SKIP": ("LIMIT", "FETCHPLAN", "TIMEOUT"), "LIMIT": ("SKIP", "FETCHPLAN", "TIMEOUT"),
        "FETCHPLAN": ("TIMEOUT",), "TIMEOUT": (),
    },
    "TRAVERSE": {
        "FROM": ("MAXDEPTH", "WHILE", "LIMIT", "STRATEGY"), "MAXDEPTH": ("LIMIT", "STRATEGY"),
        "WHILE": ("LIMIT", "STRATEGY"), "LIMIT": ("STRATEGY",), "STRATEGY": (),
    },
    "UPDATE": {
        "UPDATE": ("SET", "INCREMENT", "ADD", "REMOVE", "PUT", "MERGE", "CONTENT", "UPSERT",
                   "RETURN", "WHERE", "LIMIT", "TIMEOUT"),
        **{c: ("UPSERT", "RETURN", "WHERE", "LIMIT", "TIMEOUT")
           for c in ("SET", "INCREMENT", "ADD", "REMOVE", "PUT", "MERGE", "CONTENT")},
        "UPSERT": ("RETURN", "WHERE", "LIMIT", "TIMEOUT"), "RETURN": ("WHERE", "LIMIT", "TIMEOUT"),
        "WHERE": ("LIMIT", "TIMEOUT"), "LIMIT": ("TIMEOUT",), "TIMEOUT": (),
    },
    "INSERT": {
        "INTO": ("SET", "CONTENT", "VALUES", "FROM", "RETURN"), "SET": ("RETURN",),
        "CONTENT": ("RETURN",), "VALUES": ("RETURN",), "FROM": ("RETURN",), "RETURN": (),
    },
    "DELETE FROM": {
        "FROM": ("RETURN BEFORE", "WHERE", "LIMIT", "UNSAFE"), "RETURN": ("WHERE", "LIMIT", "UNSAFE"),
        "WHERE": ("LIMIT", "UNSAFE"), "LIMIT": ("UNSAFE",), "UNSAFE": (),
    },
    "DELETE VERTEX": {
        "VERTEX": ("WHERE", "LIMIT", "BATCH"), "WHERE": ("LIMIT", "BATCH"), "LIMIT": ("BATCH",),
        "BATCH": (),
    },
    "DELETE EDGE": {
        "EDGE": ("FROM", "TO", "WHERE", "LIMIT", "BATCH"), "FROM": ("TO", "WHERE", "LIMIT", "BATCH"),
        "TO": ("WHERE", "LIMIT", "BATCH"), "WHERE": ("LIMIT", "BATCH"), "LIMIT": ("BATCH",),
        "BATCH": (),
    },
    "CREATE VERTEX": {"VERTEX": ("SET", "CONTENT", "CLUSTER"), "SET": (), "CONTENT": ()},
    "CREATE EDGE": {
        "EDGE": ("FROM", "UPSERT"), "UPSERT": ("FROM",), "FROM": ("TO",),
        "TO": ("SET", "CONTENT", "RETRY", "WAIT", "BATCH"), "SET": ("RETRY", "WAIT", "BATCH"),
        "CONTENT": ("RETRY", "WAIT", "BATCH"), "RETRY": ("WAIT", "BATCH"), "WAIT": ("BATCH",),
        "BATCH": (),
    },
}
# which clause introduces the target class of each statement
_TARGET_CLAUSE = {"SELECT": "FROM", "TRAVERSE": "FROM", "UPDATE": "UPDATE", "INSERT": "INTO",
                  "DELETE FROM": "FROM", "DELETE VERTEX": "VERTEX", "DELETE EDGE": "EDGE",
                  "CREATE VERTEX": "VERTEX", "CREATE EDGE": "EDGE"}
_CONDITION = frozenset({"WHERE", "WHILE"})
_ASSIGN = frozenset({"SET", "INCREMENT", "ADD", "REMOVE", "PUT"})
_LISTS = frozenset({"ORDER BY", "GROUP BY", "UNWIND"})
_EXPRESSION_START = (Attribute(), Function())
# clause words that are also functions: 'set(' is a call, not a SET clause
_CALLABLE_CLAUSES = frozenset(f.upper() for f in FUNCTIONS) & frozenset(
    c for follow in _FOLLOW.values() for c in follow)


# --- tokens ---------------------------------------------------------------------

class _Tok(NamedTuple):
    kind: str   # word, str, rid, num, param, op, punct
    text: str
    up: str     # upper-cased text of words, the text itself otherwise


_TOKEN = re.compile(
    r"""
      (?P<ws>\s+)
    | (?P<str>'(?:[^'\\]|\\.)*'?|"(?:[^"\\]|\\.)*"?|`(?:[^`\\]|\\.)*`?)
    | (?P<rid>\#-?\d+:-?\d+)
    | (?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?[A-Za-z]?)
    | (?P<word>[@$]?[^\W\d][\w$]*)
    | (?P<param>\?|:(?=[^\W\d])(?<![\w)\]}]:))
    | (?P<op><=|>=|<>|!=|==|->|<-|&&|\|\||[=<>+\-*/%!&|^~])
    | (?P<punct>.)
    """,
    re.S | re.X,
)
_WORD_AT_END = re.compile(r"[@$]?[\w$]*\Z")
_INDEX_AT_END = re.compile(
    r"(?:\A(?:drop|rebuild)\s+index\s+|\bindex(?:values(?:asc|desc)?)?:)([\w$.]*)\Z", re.I)
_ARG_AT_END = re.compile(r"\S*\Z")
_ARG = re.compile(r"""(?:[^\s'"]+|'(?:[^'\\]|\\.)*'?|"(?:[^"\\]|\\.)*"?)+""")


def _tokenize(text: str) -> list[_Tok]:
    toks = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "ws":
            continue
        value = m.group()
        toks.append(_Tok(kind, value, value.upper() if kind == "word" else value))
    return toks


def _args(text: str) -> list[str]:
    """Blank-separated arguments of a console command (quotes kept)."""
    return _ARG.findall(text)


# --- the analysis -------------------------------------------------------------

def suggest(text_before_cursor: str) -> list[Suggestion]:
    """The kinds of completion that fit at the end of ``text_before_cursor``."""
    return list(completion_context(text_before_cursor).suggestions)


def completion_context(text_before_cursor: str) -> CompletionContext:
    """The suggestions and the word they would replace (see the module docstring)."""
    state = scan_state(text_before_cursor)
    if state.in_comment:
        return CompletionContext("")
    stmt = state.statement
    if state.open_quote is not None:
        if state.open_quote == "`":
            return CompletionContext("")
        # a quoted file name or URL: complete inside the quote, nothing else
        ctx = _analyze(stmt[: len(stmt) - len(state.quote_text)])
        inside = state.quote_text[1:]
        kinds = tuple(s for s in ctx.suggestions if isinstance(s, (FilePath, DatabaseUrl)))
        return CompletionContext(inside, kinds) if kinds and ctx.word_before_cursor == "" \
            else CompletionContext(inside)
    return _analyze(stmt)


def _analyze(stmt: str) -> CompletionContext:
    dotted = _INDEX_AT_END.search(stmt)
    if dotted:  # index names contain dots: 'Person.name'
        return CompletionContext(dotted.group(1), (IndexName(),))
    word = _WORD_AT_END.search(stmt).group()
    head = stmt[: len(stmt) - len(word)]
    toks = _tokenize(head)
    if toks and toks[-1].kind in ("str", "rid", "num") and not head[-1:].isspace():
        return CompletionContext(word)  # glued to a literal: '#12:3abc', 'x'abc
    if toks and toks[-1].text == "#":
        return CompletionContext(word)  # a RID being typed
    while toks and toks[0].up in ("EXPLAIN", "PROFILE"):
        toks = toks[1:]
    if not toks:
        return CompletionContext(word, (Keyword(START_KEYWORDS),))
    if len(toks) <= 2:
        fixed = _FIXED_FOLLOW.get(tuple(t.up for t in toks))
        if fixed is not None:
            return CompletionContext(word, fixed)
    handler = _COMMANDS.get(toks[0].up)
    if handler is not None:
        result = handler(head, toks, word)
        if isinstance(result, CompletionContext):
            return result
        return CompletionContext(word, tuple(result))
    return CompletionContext(word)


def _current_arg(stmt_head: str, word: str) -> tuple[list[str], str]:
    """(complete arguments before the cursor, the argument being typed)."""
    text = stmt_head + word
    if not text or text[-1].isspace():
        return _args(text), ""
    args = _args(text)
    return args[:-1], args[-1] if args else ""


# console commands ---------------------------------------------------------------

def _connect(head: str, toks: list[_Tok], word: str) -> CompletionContext | list[Suggestion]:
    args, arg = _current_arg(head, word)
    if len(args) == 1:
        return CompletionContext(arg, (DatabaseUrl(),))
    return []


def _database_url_command(head: str, toks: list[_Tok], word: str
                          ) -> CompletionContext | list[Suggestion]:
    """CREATE DATABASE <url> [<user> <password>] [plocal|memory] [document|graph];
    DROP DATABASE [<url> <user> <password>]."""
    args, arg = _current_arg(head, word)
    if len(args) == 2:
        return CompletionContext(arg, (DatabaseUrl(),))
    if args[0].upper() == "CREATE" and len(args) >= 5:
        if len(args) == 5:
            return CompletionContext(arg, (Keyword(("PLOCAL", "MEMORY", "DOCUMENT", "GRAPH")),))
        if len(args) == 6 and args[-1].upper() in ("PLOCAL", "MEMORY"):
            return CompletionContext(arg, (Keyword(("DOCUMENT", "GRAPH")),))
    return []


def _transfer(head: str, toks: list[_Tok], word: str) -> CompletionContext | list[Suggestion]:
    """EXPORT/IMPORT/BACKUP/RESTORE DATABASE <file> [-options]; CHECK/REPAIR DATABASE [-options]."""
    command = toks[0].up.lower()
    args, arg = _current_arg(head, word)
    if len(args) == 1:
        return [Keyword(("DATABASE",))]
    if args[1].upper() != "DATABASE":
        return []
    if len(args) == 2 and command not in ("check", "repair") and not arg.startswith("-"):
        return CompletionContext(arg, (FilePath(),))
    if not arg.startswith("-") and arg:
        return []
    name, eq, value = arg.partition("=")
    if eq:
        key = name.lstrip("-").lower()
        if key in _CLASS_OPTIONS:
            return CompletionContext(value, (ClassName(),))
        if key in _CLUSTER_OPTIONS:
            return CompletionContext(value, (ClusterName(),))
        if key in _BOOLEAN_OPTIONS:
            return CompletionContext(value, (Keyword(("true", "false")),))
        return CompletionContext(value)
    used = tuple(a.partition("=")[0].lower() for a in args[2:] if a.startswith("-"))
    return CompletionContext(arg, (Option(command, used),))


def _load(head: str, toks: list[_Tok], word: str) -> CompletionContext | list[Suggestion]:
    if toks[1].up == "SCRIPT":
        args, arg = _current_arg(head, word)
        if len(args) == 2:
            return CompletionContext(arg, (FilePath(),))
    return []


def _set_value(head: str, toks: list[_Tok], word: str) -> list[Suggestion]:
    """SET <property> <value>: TRUE/FALSE and other fixed choices."""
    if len(toks) == 2:
        name = toks[1].text.lower()
        if name in BOOLEAN_CONSOLE_PROPERTIES:
            return [Keyword(("true", "false"))]
        if name in _PROPERTY_VALUES:
            return [Keyword(_PROPERTY_VALUES[name])]
    return []


def _truncate(head: str, toks: list[_Tok], word: str) -> list[Suggestion]:
    if toks[1].up == "CLASS" and len(toks) == 3:
        return [Keyword(("POLYMORPHIC", "UNSAFE"))]
    if toks[1].up == "CLASS" and len(toks) == 4 and toks[3].up == "POLYMORPHIC":
        return [Keyword(("UNSAFE",))]
    return []


def _dotted(toks: list[_Tok], at: int) -> str | None:
    """The class in ``Class.`` when toks[at:] is exactly ``Class .``."""
    rest = toks[at:]
    if len(rest) == 2 and rest[0].kind == "word" and rest[1].text == ".":
        return rest[0].text
    return None


def _create(head: str, toks: list[_Tok], word: str) -> CompletionContext | list[Suggestion]:
    what = toks[1].up
    if what in ("VERTEX", "EDGE"):
        return _sql("CREATE " + what, toks)
    if what == "DATABASE":
        return _database_url_command(head, toks, word)
    if what == "CLASS":
        return _create_class(toks)
    if what == "PROPERTY":
        return _create_property(toks)
    if what == "INDEX":
        return _create_index(toks)
    if what == "USER" and len(toks) >= 3:
        prev = toks[-1].up
        if len(toks) == 3:
            return [Keyword(("IDENTIFIED BY",))]
        if prev == "IDENTIFIED":
            return [Keyword(("BY",))]
        if toks[-2].up == "BY":
            return [Keyword(("ROLE",))]
    return []


def _create_class(toks: list[_Tok]) -> list[Suggestion]:
    if len(toks) == 2:
        return []  # a new name
    prev = toks[-1]
    if prev.up == "EXTENDS" or (prev.text == "," and any(t.up == "EXTENDS" for t in toks)):
        return [ClassName()]
    if prev.up in ("CLUSTER", "CLUSTERS"):
        return []
    if prev.up == "IF":
        return [Keyword(("NOT EXISTS",))]
    if prev.up == "NOT":
        return [Keyword(("EXISTS",))]
    return [Keyword(("EXTENDS", "CLUSTER", "CLUSTERS", "ABSTRACT", "IF NOT EXISTS"))]


def _create_property(toks: list[_Tok]) -> list[Suggestion]:
    if len(toks) == 2:
        return [ClassName()]
    cls = _dotted(toks, 2)
    if cls is not None:
        return [PropertyName((cls,))]
    if len(toks) == 5 and toks[3].text == ".":
        return [Type()]
    return _property_tail(toks[5:])


def _property_tail(rest: list[_Tok]) -> list[Suggestion]:
    """After ``CREATE PROPERTY X.y``: the type, then a linked class/type, then constraints."""
    depth = sum(1 if t.text == "(" else -1 if t.text == ")" else 0 for t in rest)
    if depth > 0:
        prev = rest[-1]
        if prev.text in ("(", ","):
            return [Keyword(_CONSTRAINTS)]
        if prev.up in _BOOLEAN_ATTRS:
            return [_TRUE_FALSE]
        return []
    if not rest:
        return [Type()]
    if len(rest) == 1 and rest[0].up in _LINKED_TYPES:
        return [ClassName(), Type(), Keyword(("UNSAFE",))]
    return [Keyword(("UNSAFE",))]


def _create_index(toks: list[_Tok]) -> list[Suggestion]:
    if len(toks) == 2:
        return [ClassName()]  # CREATE INDEX Class.property ...
    cls = _dotted(toks, 2)
    if cls is not None:
        return [PropertyName((cls,))]
    prev = toks[-1]
    on = next((i for i, t in enumerate(toks) if t.up == "ON"), None)
    if on is not None:
        if prev.up == "ON":
            return [ClassName()]
        target = toks[on + 1].text if len(toks) > on + 1 else ""
        depth = sum(1 if t.text == "(" else -1 if t.text == ")" else 0 for t in toks[on:])
        if depth > 0:
            return [PropertyName((target,))] if prev.text in ("(", ",") else []
        if prev.text == ")":
            return [Keyword(_INDEX_TYPES)]
    if prev.up in _INDEX_TYPES:
        return [Keyword(("ENGINE", "METADATA"))]
    if len(toks) == 3:
        return [Keyword(("ON",) + _INDEX_TYPES)]
    if len(toks) == 5 and toks[3].text == ".":
        return [Keyword(_INDEX_TYPES)]
    return []


def _alter(head: str, toks: list[_Tok], word: str) -> list[Suggestion]:
    what = toks[1].up
    prev = toks[-1].up
    if what == "CLASS":
        if len(toks) == 2:
            return [ClassName()]
        if len(toks) == 3:
            return [Keyword(_CLASS_ATTRS)]
        if prev in ("SUPERCLASS", "SUPERCLASSES") or (toks[-1].text == "," and len(toks) > 4):
            return [ClassName()]
        if prev in _BOOLEAN_ATTRS:
            return [_TRUE_FALSE]
        if prev in ("ADDCLUSTER", "REMOVECLUSTER"):
            return [ClusterName()]
        return []
    if what == "PROPERTY":
        if len(toks) == 2:
            return [ClassName()]
        cls = _dotted(toks, 2)
        if cls is not None:
            return [PropertyName((cls,))]
        if len(toks) == 5 and toks[3].text == ".":
            return [Keyword(_PROPERTY_ATTRS)]
        if prev in ("TYPE", "LINKEDTYPE"):
            return [Type()]
        if prev == "LINKEDCLASS":
            return [ClassName()]
        if prev in _BOOLEAN_ATTRS:
            return [_TRUE_FALSE]
        return []
    if what == "CLUSTER":
        if len(toks) == 2:
            return [ClusterName()]
        return [Keyword(_CLUSTER_ATTRS)] if len(toks) == 3 else []
    if what == "DATABASE":
        return [Keyword(_DATABASE_ATTRS)] if len(toks) == 2 else []
    return []


def _drop(head: str, toks: list[_Tok], word: str) -> CompletionContext | list[Suggestion]:
    what = toks[1].up
    if what == "DATABASE":
        return _database_url_command(head, toks, word)
    if what == "CLASS":
        if len(toks) == 2:
            return [ClassName()]
        return [Keyword(("IF EXISTS", "UNSAFE"))] if len(toks) == 3 else []
    if what == "PROPERTY":
        if len(toks) == 2:
            return [ClassName()]
        cls = _dotted(toks, 2)
        if cls is not None:
            return [PropertyName((cls,))]
        return [Keyword(("FORCE", "IF EXISTS"))] if len(toks) == 5 else []
    if what == "INDEX":
        return [IndexName()] if len(toks) == 2 else []
    if what == "CLUSTER":
        return [ClusterName()] if len(toks) == 2 else []
    return []


# SQL statements ---------------------------------------------------------------------

def _statement_kind(toks: list[_Tok]) -> str | None:
    first = toks[0].up
    if first in ("SELECT", "TRAVERSE", "UPDATE", "INSERT", "MATCH"):
        return first
    if len(toks) > 1 and first in ("DELETE", "CREATE") and toks[1].up in ("FROM", "VERTEX", "EDGE"):
        return f"{first} {toks[1].up}"
    return None


def _dml(head: str, toks: list[_Tok], word: str) -> list[Suggestion]:
    kind = _statement_kind(toks)
    return _sql(kind, toks) if kind else []


def _sql(kind: str, toks: list[_Tok]) -> list[Suggestion]:
    """Suggestions inside an SQL statement of ``kind`` (tokens before the word)."""
    # find the innermost open bracket; a parenthesised sub-query is analysed alone
    opens: list[int] = []
    for i, t in enumerate(toks):
        if t.text in "([{" and t.kind == "punct":
            opens.append(i)
        elif t.text in ")]}" and t.kind == "punct" and opens:
            opens.pop()
    for j in reversed(opens):  # innermost first
        if toks[j].text == "(":
            sub = _statement_kind(toks[j + 1:]) if j + 1 < len(toks) else None
            if sub is not None:
                return _sql(sub, toks[j + 1:])
        elif toks[j].text == "{" and kind == "MATCH":
            return _match_block(toks, j)
        else:
            return []  # JSON content, collection literals, RID lists
    if kind == "MATCH":
        return _match(toks)
    prev = toks[-1]
    # Class.<prop>, value.<method>()
    if prev.text == "." and len(toks) > 1:
        before = toks[-2]
        if before.kind == "word" and not before.text.startswith(("@", "$")):
            return [PropertyName((before.text,)), Method()]
        return [Method()]
    if prev.text == ":" and len(toks) > 1:
        before = toks[-2].up
        if before == "CLUSTER":
            return [ClusterName()]
        if before.startswith("INDEX"):
            return [IndexName()]
        if before == "METADATA":
            return [Keyword(("SCHEMA", "INDEXMANAGER"))]
        return []

    follow = _FOLLOW[kind]
    target_clause = _TARGET_CLAUSE[kind]
    clause, clause_at = _active_clause(toks, follow.keys() | {target_clause})
    cls = _target_class(toks, target_clause)
    classes = (cls,) if cls else ()
    if opens and clause == target_clause and toks[opens[-1]].text == "(":
        # INSERT INTO X (a, b, ...): the column list
        return [PropertyName(classes)] if kind == "INSERT" and prev.text in ("(", ",") else []

    if clause is None:  # before the target clause: SELECT/TRAVERSE projections
        return _projection(toks, kind)
    if clause == target_clause and clause_at == len(toks) - 1:
        prefixes = _TARGET_PREFIXES if kind in ("SELECT", "TRAVERSE") else ("CLUSTER:",)
        if kind in ("CREATE VERTEX", "CREATE EDGE", "DELETE VERTEX", "DELETE EDGE"):
            return [ClassName()]
        return [ClassName(), Keyword(prefixes)]
    later = follow.get(clause, ())
    if clause == target_clause:
        return [Keyword(later)]
    if clause in _CONDITION:
        return _condition(toks, clause_at, classes, later)
    if clause in _ASSIGN:
        return _assignment(toks, clause_at, classes, later)
    if clause in _LISTS:
        return _list(toks, clause, clause_at, classes, later)
    if clause_at == len(toks) - 1:  # right after a clause keyword
        return {
            "RETURN": [Keyword(("BEFORE", "AFTER", "COUNT"))] if kind == "UPDATE" else
            [Attribute()],
            "STRATEGY": [Keyword(("DEPTH_FIRST", "BREADTH_FIRST"))],
            "UPSERT": [Keyword(later)],
            "UNSAFE": [],
        }.get(clause, [])
    if clause == "VALUES" and prev.text != ")":
        return []
    if clause == "LET":
        return [PropertyName(classes), *_EXPRESSION_START] if prev.text == "=" else \
            ([] if prev.text == "," else [Keyword(later)])
    if clause == "RETURN" and prev.up not in ("BEFORE", "AFTER", "COUNT") and kind == "UPDATE":
        return []
    return [Keyword(later)]


def _active_clause(toks: list[_Tok], clauses: Iterable[str]) -> tuple[str | None, int]:
    """The last clause keyword not inside a closed bracket, and its index."""
    wanted = set(clauses)
    levels: list[list[tuple[str, int]]] = [[]]
    for i, t in enumerate(toks):
        if t.kind == "punct" and t.text in "([{":
            levels.append([])
            continue
        if t.kind == "punct" and t.text in ")]}":
            if len(levels) > 1:
                levels.pop()
            continue
        if t.kind != "word":
            continue
        up = t.up
        if up == "BY" and i and toks[i - 1].up in ("ORDER", "GROUP"):
            up = toks[i - 1].up + " BY"
        if up in wanted and not (up in _CALLABLE_CLAUSES and i + 1 < len(toks)
                                 and toks[i + 1].text == "("):
            levels[-1].append((up, i))
    for level in reversed(levels):
        if level:
            return level[-1]
    return None, -1


def _target_class(toks: list[_Tok], clause: str) -> str | None:
    """The class named right after the statement's target clause, if any."""
    depth = 0
    for i, t in enumerate(toks):
        if t.text in "([{" and t.kind == "punct":
            depth += 1
        elif t.text in ")]}" and t.kind == "punct":
            depth -= 1
        elif depth == 0 and t.up == clause:
            if i + 1 < len(toks):
                nxt = toks[i + 1]
                after = toks[i + 2].text if i + 2 < len(toks) else ""
                if nxt.kind == "word" and after != ":" and not nxt.text.startswith(("@", "$")):
                    return nxt.text
            return None
    return None


def _projection(toks: list[_Tok], kind: str) -> list[Suggestion]:
    prev = toks[-1]
    if prev.up == "AS":
        return []
    if prev.up in ("SELECT", "TRAVERSE", "DISTINCT") or prev.text in ("(", ",") or prev.kind == "op":
        extra = [Keyword(("FROM",))] if prev.up in ("SELECT", "TRAVERSE") else []
        return [PropertyName(), *_EXPRESSION_START, *extra]
    return [Keyword(("FROM", "AS"))]


def _is_value_end(toks: list[_Tok]) -> bool:
    """Whether the last token ends a complete value (after which AND/OR... fit)."""
    prev = toks[-1]
    if prev.kind in ("str", "num", "rid", "param") or prev.up in _LITERAL_WORDS:
        return True
    if prev.text in ("]", "}"):
        return True
    if prev.kind == "word" and len(toks) > 1:
        before = toks[-2]
        return before.kind == "op" or before.up in _VALUE_OPERATOR_WORDS
    return False


def _condition(toks: list[_Tok], at: int, classes: tuple[str, ...],
               later: tuple[str, ...]) -> list[Suggestion]:
    prev = toks[-1]
    if (at == len(toks) - 1 or prev.up in ("AND", "OR", "NOT") or prev.text in ("(", ",")
            or prev.kind == "op"):
        return [PropertyName(classes), *_EXPRESSION_START]
    if prev.up == "INSTANCEOF":
        return [ClassName()]
    if prev.up == "IS":
        return [Keyword(("NULL", "NOT NULL", "DEFINED", "NOT DEFINED"))]
    if prev.up in _VALUE_OPERATOR_WORDS:
        return []
    if _is_value_end(toks):
        return [Keyword(("AND", "OR") + later)]
    if prev.text == ")":
        return [Keyword(("AND", "OR") + _OPERATOR_WORDS + later)]
    return [Keyword(_OPERATOR_WORDS + ("AND", "OR"))]


def _assignment(toks: list[_Tok], at: int, classes: tuple[str, ...],
                later: tuple[str, ...]) -> list[Suggestion]:
    prev = toks[-1]
    if at == len(toks) - 1 or prev.text == ",":
        return [PropertyName(classes)]
    if prev.kind == "op" or prev.text == "(":
        return [PropertyName(classes), *_EXPRESSION_START]
    if _is_value_end(toks) or prev.text == ")":
        return [Keyword(later)]
    return []  # after the field name: '=' comes next


def _list(toks: list[_Tok], clause: str, at: int, classes: tuple[str, ...],
          later: tuple[str, ...]) -> list[Suggestion]:
    prev = toks[-1]
    if at == len(toks) - 1 or prev.text == ",":
        return [PropertyName(classes), Attribute()]
    if clause == "ORDER BY" and prev.up not in ("ASC", "DESC"):
        return [Keyword(("ASC", "DESC") + later)]
    return [Keyword(later)]


def _match(toks: list[_Tok]) -> list[Suggestion]:
    prev = toks[-1]
    if prev.text == "}" or (prev.text == ")" and len(toks) > 2):
        return [Keyword(("RETURN",))]
    return []


def _match_block(toks: list[_Tok], brace: int) -> list[Suggestion]:
    """Inside ``{class: X, as: a, where: (...)}`` of a MATCH."""
    inner = toks[brace + 1:]
    cls = None
    for i in range(len(inner) - 2):
        if inner[i].up == "CLASS" and inner[i + 1].text == ":" and inner[i + 2].kind == "word":
            cls = inner[i + 2].text
    opens: list[int] = []
    for i, t in enumerate(inner):
        if t.text == "(":
            opens.append(i)
        elif t.text == ")" and opens:
            opens.pop()
    if opens:  # inside where: (...) / while: (...)
        return _condition(inner, opens[0], (cls,) if cls else (), ())
    prev = inner[-1] if inner else toks[brace]
    if prev.text in ("{", ","):
        return [Keyword(_MATCH_KEYS)]
    if prev.text == ":" and len(inner) >= 2 and inner[-2].up == "CLASS":
        return [ClassName()]
    return []


# what follows a command's first words, when that is all there is to it
_FIXED_FOLLOW: dict[tuple[str, ...], tuple[Suggestion, ...]] = {
    ("CREATE",): (Keyword(_CREATE_WHAT),), ("ALTER",): (Keyword(_ALTER_WHAT),),
    ("DROP",): (Keyword(_DROP_WHAT),), ("DELETE",): (Keyword(("FROM", "VERTEX", "EDGE")),),
    ("INSERT",): (Keyword(("INTO",)),), ("INFO",): (Keyword(("CLASS",)),),
    ("INFO", "CLASS"): (ClassName(),), ("BROWSE",): (Keyword(("CLASS", "CLUSTER")),),
    ("BROWSE", "CLASS"): (ClassName(),), ("BROWSE", "CLUSTER"): (ClusterName(),),
    ("TRUNCATE",): (Keyword(("CLASS", "CLUSTER", "RECORD")),),
    ("TRUNCATE", "CLASS"): (ClassName(),), ("TRUNCATE", "CLUSTER"): (ClusterName(),),
    ("LIST",): (Keyword(("CLASSES", "CLUSTERS", "INDEXES", "DATABASES")),),
    ("DISPLAY",): (Keyword(("RECORD", "RAW RECORD")),), ("DISPLAY", "RAW"): (Keyword(("RECORD",)),),
    ("LOAD",): (Keyword(("SCRIPT", "RECORD")),), ("REBUILD",): (Keyword(("INDEX",)),),
    ("REBUILD", "INDEX"): (IndexName(),), ("HELP",): (Keyword(START_KEYWORDS),),
    ("SET",): (ConsoleProperty(),), ("GET",): (ConsoleProperty(),),
}

_COMMANDS = {
    "CONNECT": _connect,
    "EXPORT": _transfer, "IMPORT": _transfer, "BACKUP": _transfer, "RESTORE": _transfer,
    "CHECK": _transfer, "REPAIR": _transfer,
    "LOAD": _load, "SET": _set_value, "TRUNCATE": _truncate,
    "CREATE": _create, "ALTER": _alter, "DROP": _drop,
    "SELECT": _dml, "TRAVERSE": _dml, "UPDATE": _dml, "INSERT": _dml, "DELETE": _dml,
    "MATCH": _dml,
}


# --- the prompt_toolkit completer -------------------------------------------------------

_FIXED = {
    Type: (Candidates(TYPES), "type"),
    Function: (Candidates(FUNCTIONS), "function"),
    Method: (Candidates(METHODS), "method"),
    Attribute: (Candidates(ATTRIBUTES), "attribute"),
}
_URL_SCHEMES = Candidates(("plocal:", "memory:", "remote:localhost/", "embedded:"))
_keyword_cache: dict[tuple[str, ...], Candidates] = {}


def _keywords(candidates: tuple[str, ...]) -> Candidates:
    found = _keyword_cache.get(candidates)
    if found is None:
        found = _keyword_cache[candidates] = Candidates(candidates)
    return found


class OrientCompleter(Completer):
    """prompt_toolkit completer over :func:`completion_context` and a SchemaCache.

    Matches ignore case: prefix matches come first, then names containing
    the word, then fuzzy (subsequence) matches; at most ``max_completions``
    are offered.  ``console_properties`` and ``options`` (command -> option
    names as inserted) default to this module's lists; the console may pass
    its own.  Keywords follow the case of what was typed (``sel`` ->
    ``select``).  Files and ``plocal:``/``embedded:`` paths are completed by
    prompt_toolkit's PathCompleter.
    """

    def __init__(self, schema: SchemaCache, *, console_properties: Iterable[str] = CONSOLE_PROPERTIES,
                 options: Mapping[str, Iterable[str]] = OPTIONS,
                 max_completions: int = 1000) -> None:
        self.schema = schema
        self.options = {command: tuple(names) for command, names in options.items()}
        self.max_completions = max_completions
        self._console_properties = Candidates(console_properties)
        self._paths = PathCompleter(expanduser=True)

    def get_completions(self, document: Document, complete_event: CompleteEvent
                        ) -> Iterator[Completion]:
        ctx = completion_context(document.text_before_cursor)
        word = ctx.word_before_cursor
        start = -len(word)
        tiers: tuple[list[tuple[str, str, str]], ...] = ([], [], [])
        for suggestion in ctx.suggestions:
            if isinstance(suggestion, FilePath):
                yield from self._files(word, complete_event)
                continue
            if isinstance(suggestion, DatabaseUrl):
                scheme, colon, rest = word.partition(":")
                if colon and scheme.lower() in ("plocal", "embedded"):
                    yield from self._files(rest, complete_event)
                    continue
            found = self._candidates(suggestion)
            if found is None:
                continue
            candidates, meta = found
            text_case = _keyword_case(word) if isinstance(suggestion, (Keyword, Type)) else None
            for tier, names in zip(tiers, candidates.match(word, self.max_completions)):
                for name in names:
                    text = text_case(name) if text_case else name
                    tier.append((text, meta, name + "()" if meta in ("function", "method") else text))
        seen: set[str] = set()
        count = 0
        for tier in tiers:
            for text, meta, display in tier:
                if text in seen:
                    continue
                seen.add(text)
                yield Completion(text, start, display=display, display_meta=meta)
                count += 1
                if count >= self.max_completions:
                    return

    def _candidates(self, s: Suggestion) -> tuple[Candidates, str] | None:
        snap = self.schema.snapshot
        if isinstance(s, Keyword):
            return _keywords(s.candidates), "keyword"
        if isinstance(s, ClassName):
            return snap.classes, "class"
        if isinstance(s, PropertyName):
            return snap.properties_of(s.class_names), "property"
        if isinstance(s, ClusterName):
            return snap.clusters, "cluster"
        if isinstance(s, IndexName):
            return snap.indexes, "index"
        if isinstance(s, ConsoleProperty):
            return self._console_properties, "console property"
        if isinstance(s, Option):
            used = set(s.used)
            return Candidates(o for o in self.options.get(s.command, ())
                               if o.partition("=")[0].lower() not in used), f"{s.command} option"
        if isinstance(s, DatabaseUrl):
            return _URL_SCHEMES, "database URL"
        return _FIXED.get(type(s))

    def _files(self, path: str, event: CompleteEvent) -> Iterator[Completion]:
        yield from self._paths.get_completions(Document(path, len(path)), event)


def _keyword_case(word: str) -> Callable[[str], str] | None:
    """Keywords and types are offered in lower case when the user types in lower case."""
    if word and word.islower():
        return str.lower
    return None
