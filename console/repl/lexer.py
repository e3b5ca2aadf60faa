"""A pygments lexer for console commands and OrientDB SQL.

Registered as the pygments plugin ``orientdb`` (see setup.cfg), so
``pygmentize -l orientdb script.osql`` works once the package is installed;
the REPL uses it through prompt_toolkit's ``PygmentsLexer``.

Tokens: keywords (console commands and SQL, any case) as ``Keyword``,
word operators (AND, LIKE, IN...) as ``Operator.Word``, OrientDB types as
``Keyword.Type``, TRUE/FALSE/NULL as ``Keyword.Constant``, calls as
``Name.Function``, record ids (``#12:3``) as ``Name.Constant`` (:data:`RID`),
``?`` and ``:name`` parameters as ``Name.Variable``, ``$vars`` as
``Name.Variable.Magic``, ``@rid``-style attributes as ``Name.Attribute``,
database URLs as ``String.Other``, ``-name=value`` options of EXPORT /
IMPORT / BACKUP / RESTORE / CHECK / REPAIR DATABASE as ``Name.Label``, comments as
``Comment.Single`` / ``Comment.Multiline``.

Comments follow :mod:`console.script`: ``#``, ``--`` and ``//`` open a
comment as the first characters of a line outside brackets (inside brackets
``#12:3`` is a RID), a ``--`` after a blank is a trailing comment, and
``/* */`` is a comment anywhere.  Every rule set ends with a catch-all, so no
input ever yields an ``Error`` token.

Speed: identifiers are classified by one dictionary lookup rather than by a
long chain of regular expressions, and :meth:`OrientDBLexer.get_tokens_unprocessed`
joins each state's rules into one alternation (same first-match-wins
semantics as RegexLexer), so a megabyte of script lexes in well under a
second.
"""

from __future__ import annotations

import re
from typing import Iterator

from pygments.lexer import Lexer, RegexLexer, bygroups, default, include
from pygments.token import (
    Comment, Error, Keyword, Name, Number, Operator, Punctuation, String, Text, Whitespace,
    _TokenType,
)

__all__ = [
    "OrientDBLexer", "RID", "KEYWORDS", "OPERATOR_WORDS", "TYPES", "CONSTANTS",
    "FUNCTIONS", "METHODS", "ATTRIBUTES",
]

RID = Name.Constant
"""The token type of record ids such as ``#12:3``."""

COMMAND_WORDS = (
    "CONNECT", "DISCONNECT", "INFO", "CLASSES", "CLUSTERS", "INDEXES", "DATABASES",
    "LIST", "BROWSE", "DISPLAY", "RAW", "RECORD", "LOAD", "SCRIPT", "EXPORT", "IMPORT",
    "BACKUP", "RESTORE", "CHECK", "REPAIR", "BEGIN", "COMMIT", "ROLLBACK", "GET",
    "PROPERTIES", "SLEEP", "ECHO", "HELP", "EXIT", "QUIT", "BYE", "DATABASE", "SERVER",
    "PLOCAL", "MEMORY", "REMOTE", "EMBEDDED", "CONFIG", "DICTIONARY",
)
"""Words of the console's own commands."""

SQL_WORDS = (
    "SELECT", "FROM", "WHERE", "INSERT", "INTO", "VALUES", "UPDATE", "SET", "DELETE",
    "CREATE", "ALTER", "DROP", "TRUNCATE", "REBUILD", "TRAVERSE", "MATCH", "EXPLAIN",
    "PROFILE", "CLASS", "PROPERTY", "INDEX", "CLUSTER", "VERTEX", "EDGE", "SEQUENCE",
    "FUNCTION", "USER", "ROLE", "IDENTIFIED", "BY", "EXTENDS", "ABSTRACT", "CLUSTERS",
    "ORDER", "GROUP", "ASC", "DESC", "LIMIT", "SKIP", "OFFSET", "LET", "UNWIND",
    "FETCHPLAN", "TIMEOUT", "PARALLEL", "NOCACHE", "LOCK", "AS", "DISTINCT", "TO",
    "CONTENT", "MERGE", "INCREMENT", "ADD", "REMOVE", "PUT", "UPSERT", "RETURN", "BEFORE",
    "AFTER", "UNSAFE", "POLYMORPHIC", "IF", "EXISTS", "MAXDEPTH", "WHILE", "STRATEGY",
    "DEPTH_FIRST", "BREADTH_FIRST", "ON", "UNIQUE", "NOTUNIQUE", "FULLTEXT",
    "UNIQUE_HASH_INDEX", "NOTUNIQUE_HASH_INDEX", "FULLTEXT_HASH_INDEX",
    "DICTIONARY_HASH_INDEX", "SPATIAL", "ENGINE", "METADATA", "COLLATE", "MANDATORY",
    "NOTNULL", "READONLY", "MIN", "MAX", "REGEXP", "DEFAULT", "LINKEDCLASS", "LINKEDTYPE",
    "SHORTNAME", "SUPERCLASS", "SUPERCLASSES", "OVERSIZE", "STRICTMODE",
    "ADDCLUSTER", "REMOVECLUSTER", "CUSTOM", "DESCRIPTION", "CLUSTERSELECTION",
    "ENCRYPTION", "RETRY", "WAIT", "BATCH", "GRANT", "REVOKE", "MOVE",
    "OPTIONAL", "OPTIMIZE", "WITH", "EXCEPT", "COUNT", "DEFINED", "NOWAIT", "FIND",
    "REFERENCES", "FIX", "STOP", "DEFINE", "GRAPH", "DOCUMENT", "SCHEMA",
)
"""OrientDB SQL keywords (COUNT is also a function; calls win).  Words that
are also common field names (NAME, TYPE, ID, KEY, STATUS...) are left out so
that ``WHERE name = ...`` does not light up as a keyword."""

KEYWORDS = COMMAND_WORDS + SQL_WORDS
"""Every word highlighted as a keyword."""

OPERATOR_WORDS = (
    "AND", "OR", "NOT", "IN", "IS", "LIKE", "ILIKE", "BETWEEN", "CONTAINS",
    "CONTAINSKEY", "CONTAINSVALUE", "CONTAINSTEXT", "CONTAINSALL", "CONTAINSANY",
    "MATCHES", "INSTANCEOF", "LUCENE", "NEAR", "WITHIN",
)
"""Word operators of conditions."""

TYPES = (
    "BOOLEAN", "INTEGER", "SHORT", "LONG", "FLOAT", "DOUBLE", "DATETIME", "STRING",
    "BINARY", "EMBEDDED", "EMBEDDEDLIST", "EMBEDDEDSET", "EMBEDDEDMAP", "LINK",
    "LINKLIST", "LINKSET", "LINKMAP", "BYTE", "DATE", "DECIMAL", "LINKBAG", "CUSTOM", "ANY",
)
"""OrientDB property types."""

CONSTANTS = ("TRUE", "FALSE", "NULL")

FUNCTIONS = (
    "count", "sum", "avg", "min", "max", "abs", "sqrt", "distinct", "first", "last", "list",
    "set", "map", "format", "sysdate", "date", "ifnull", "ifempty", "coalesce", "expand",
    "unionall", "out", "in", "both", "outE", "inE", "bothE", "outV", "inV", "bothV",
    "uuid", "decimal", "if", "median", "mode", "percentile", "variance", "stddev",
    "intersect", "difference", "symmetricDifference", "eval", "sequence",
    "traversedElement", "traversedVertex", "traversedEdge", "shortestPath", "dijkstra", "astar",
)
"""SQL and graph functions: the ones the engine has (completion offers no others)."""

METHODS = (
    "size", "length", "toUpperCase", "toLowerCase", "trim", "asString", "asInteger",
    "asLong", "asFloat", "asDouble", "asDecimal", "asBoolean", "asDate", "asDateTime",
    "asList", "asSet", "asMap", "keys", "values", "charAt", "indexOf", "left", "right",
    "subString", "lastIndexOf", "replace", "append", "prefix", "normalize", "format", "type",
    "javaType", "field", "hash", "include", "exclude", "remove", "removeAll", "split",
    "toJSON", "next", "current", "reset",
)
"""Methods applied with ``value.method()``."""

ATTRIBUTES = ("@rid", "@class", "@version", "@type", "@size", "@this", "@fieldTypes", "@raw")
"""Record attributes."""

_WORDS: dict[str, object] = {}
for _w in COMMAND_WORDS + SQL_WORDS:
    _WORDS[_w.lower()] = Keyword
for _w in TYPES:
    _WORDS[_w.lower()] = Keyword.Type
for _w in OPERATOR_WORDS:
    _WORDS[_w.lower()] = Operator.Word
for _w in CONSTANTS:
    _WORDS[_w.lower()] = Keyword.Constant
_FUNCTION_NAMES = frozenset(f.lower() for f in FUNCTIONS)


def _classify(word: str, text: str, after: int) -> object:
    """The token type of identifier ``word`` ending at offset ``after`` of ``text``."""
    key = word.lower()
    kind = _WORDS.get(key, Name)
    if after < len(text) and text[after] == "(" and (kind is Name or key in _FUNCTION_NAMES):
        return Name.Function  # a call: count(, out(, myFunction(
    return kind


def _word(lexer: Lexer, match: re.Match[str]) -> Iterator[tuple[int, object, str]]:
    """An identifier (a call, keyword, type or name), then any blanks after it."""
    text = match.group()
    word = text.rstrip()
    start = match.start()
    yield start, _classify(word, match.string, start + len(word)), word
    if len(word) < len(text):
        yield start + len(word), Whitespace, text[len(word):]


class _Blanks:
    """Rule action: ``token`` for the match, except its trailing blanks.

    Folding the blanks after a word or comma into the same rule halves the
    number of regex steps on typical scripts; the tokens are the same as
    with a separate blank rule.
    """

    def __init__(self, token: object) -> None:
        self.token = token

    def __call__(self, lexer: Lexer, match: re.Match[str]) -> Iterator[tuple[int, object, str]]:
        text = match.group()
        body = text.rstrip()
        yield match.start(), self.token, body
        if len(body) < len(text):
            yield match.start() + len(body), Whitespace, text[len(body):]


_IDENT = r"[^\W\d][\w$]*"  # a Unicode letter or '_', then letters, digits, '_', '$'

_URL = r"(?i:plocal|memory|remote|embedded|local):[^\s;'\"]*"
_PREFIXED = r"(?i:(cluster|index|indexvalues|indexvaluesasc|indexvaluesdesc|metadata)(:)([\w$.\-]*))"
_TRANSFER = r"(?i:(export|import|backup|restore|check|repair)(\s+)(database)\b)"


_PLAIN, _WORD, _BLANKS, _CALLBACK, _SILENT = range(5)


def _fast_states(cls: type, tokendefs: dict[str, list[tuple]]) -> dict[str, tuple]:
    """Per state: (one regex alternating all its rules, group number -> rule).

    A rule becomes ``(kind, token type or callback, its own match function,
    new state)``; the table is a list indexed by ``Match.lastindex`` (each
    rule is wrapped in a group, so the last group to close is the rule's).
    """
    cached = cls.__dict__.get("_fast")
    if cached is None:
        cached = {}
        for state, rules in tokendefs.items():
            regex = re.compile("|".join(f"(?P<_r{i}>{rex.__self__.pattern})"
                                        for i, (rex, _, _) in enumerate(rules)), cls.flags)
            table: list[tuple | None] = [None] * (regex.groups + 1)
            for i, (rex, action, new_state) in enumerate(rules):
                kind = (_SILENT if action is None else _WORD if action is _word
                        else _PLAIN if type(action) is _TokenType
                        else _BLANKS if isinstance(action, _Blanks) else _CALLBACK)
                if kind is _BLANKS:
                    action = action.token
                table[regex.groupindex[f"_r{i}"]] = (kind, action, rex, new_state)
            cached[state] = (regex, table)
        setattr(cls, "_fast", cached)
    return cached


class OrientDBLexer(RegexLexer):
    """Console commands and OrientDB SQL (``.osql`` scripts, the REPL)."""

    name = "OrientDB"
    aliases = ["orientdb", "osql"]
    filenames = ["*.osql"]
    mimetypes = ["text/x-orientdb-sql"]
    url = "https://orientdb.dev/docs/3.2.x/console/"
    flags = re.MULTILINE | re.UNICODE  # case-insensitive parts use (?i:...)

    def __init__(self, **options: object) -> None:
        # keep leading/trailing newlines so offsets match the input
        options.setdefault("stripnl", False)
        super().__init__(**options)

    tokens = {
        # The fast path tries a state's rules in order inside one regex (first
        # match wins), so rules are ordered by how often they fire, with
        # cheap guards keeping the rare, more specific ones correct: a word
        # followed by ':' (URL, CLUSTER:x) or by ' DATABASE' (EXPORT DATABASE)
        # skips the common word rule and reaches the specific rules below it.
        "root": [
            (r"^[^\S\n]*(?:#|--|//).*", Comment.Single),
            (r"[^\S\n]+", Whitespace),
            (_IDENT + r"(?![\w$:])(?![^\S\n]+(?i:database)\b)[^\S\n]*", _word),
            (r",[^\S\n]*", _Blanks(Punctuation)),
            (r"[{\[(]", Punctuation, "nested"),
            (r"[}\])][^\S\n]*", _Blanks(Punctuation)),
            include("common"),
            (r"(;)([^\S\n]*)((?:#|--|//).*)", bygroups(Punctuation, Whitespace, Comment.Single)),
            (_TRANSFER, bygroups(Keyword, Whitespace, Keyword), "transfer"),
            include("rare"),
        ],
        "nested": [
            (r"^[^\S\n]*(?://|--).*", Comment.Single),
            (r"[^\S\n]+", Whitespace),
            (_IDENT + r"(?![\w$:])[^\S\n]*", _word),
            (r",[^\S\n]*", _Blanks(Punctuation)),
            (r"[{\[(]", Punctuation, "#push"),
            (r"[}\])][^\S\n]*", _Blanks(Punctuation), "#pop"),
            include("common"),
            include("rare"),
        ],
        "common": [
            (r"'[^'\\]*'[^\S\n]*", _Blanks(String.Single)),   # no escapes: one token
            (r'"[^"\\]*"[^\S\n]*', _Blanks(String.Double)),
            (r"'", String.Single, "sq"),
            (r'"', String.Double, "dq"),
            (r"\n", Whitespace),
            (r"(?<=\s)--(?=\s|$).*", Comment.Single),
            (r"/\*", Comment.Multiline, "comment"),
            (r"(?:=|<>|!=|==|<=|>=|->|<-|&&|\|\||[<>+\-*/%!&|^~])[^\S\n]*", _Blanks(Operator)),
            (r"#-?\d+:-?\d+[^\S\n]*", _Blanks(RID)),
            (r"(\.)(" + _IDENT + r")(?=[ \t]*\()", bygroups(Punctuation, Name.Function)),
            (r"(\.)(" + _IDENT + r")", bygroups(Punctuation, Name)),
            (r"\d+(?![\d.eE])(?:[lLfFdDcC]\b)?[^\S\n]*", _Blanks(Number.Integer)),
            (r"(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?(?:[fFdDcC]\b)?", Number.Float),
            (r"\d+[eE][+-]?\d+(?:[fFdDcC]\b)?", Number.Float),
            (r"\d+", Number.Integer),
        ],
        "rare": [
            (r";", Punctuation),
            (r"@" + _IDENT, Name.Attribute),
            (r"\$[\w$]*", Name.Variable.Magic),
            (r"\?", Name.Variable),
            (r"(?<![\w\])}'\"`])(:)(" + _IDENT + r")", bygroups(Punctuation, Name.Variable)),
            (_URL, String.Other),
            (_PREFIXED, bygroups(Keyword, Punctuation, Name)),
            (_IDENT, _word),
            (r"`[^`\\\n]*(?:\\.[^`\\\n]*)*`?", Name),
            (r"[.:]", Punctuation),
            (r"[^\n]", Text),
        ],
        "transfer": [
            # the arguments of EXPORT/IMPORT/BACKUP/RESTORE/CHECK/REPAIR DATABASE, to the
            # end of the line or the next ';'
            (r"[^\S\n]+", Whitespace),
            (r"(?<=\s)--(?=\s|$).*", Comment.Single),
            (r"(-{1,2}[A-Za-z][\w\-]*)(=?)", bygroups(Name.Label, Operator)),
            (r"'[^'\\\n]*(?:\\.[^'\\\n]*)*'?", String.Single),
            (r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"?', String.Double),
            (r"[^\s;'\"]+", Text),
            default("#pop"),
        ],
        "comment": [
            (r"[^*]+", Comment.Multiline),
            (r"\*/", Comment.Multiline, "#pop"),
            (r"\*", Comment.Multiline),
        ],
        "sq": [
            (r"[^'\\]+", String.Single),
            (r"\\[\s\S]", String.Escape),
            (r"\\", String.Single),
            (r"'", String.Single, "#pop"),
        ],
        "dq": [
            (r'[^"\\]+', String.Double),
            (r"\\[\s\S]", String.Escape),
            (r"\\", String.Double),
            (r'"', String.Double, "#pop"),
        ],
    }

    def get_tokens_unprocessed(self, text: str, stack: tuple[str, ...] = ("root",)
                               ) -> Iterator[tuple[int, object, str]]:
        """Lex ``text`` with the rules above, exactly as RegexLexer would.

        Same rules and semantics (first matching rule wins, same state
        changes, same fallbacks), but each state's rules are joined into one
        alternation and scanned with ``Pattern.scanner``, so a token costs one
        regular-expression step instead of one call per rule tried, and
        identifiers are classified inline.
        """
        states = _fast_states(type(self), self._tokens)
        statestack = list(stack)
        words, functions, name, call, blank = _WORDS, _FUNCTION_NAMES, Name, Name.Function, Whitespace
        plain, word_rule, blanks, callback = _PLAIN, _WORD, _BLANKS, _CALLBACK
        end = len(text)
        pos = 0
        while True:
            regex, table = states[statestack[-1]]
            new_state = None
            m = None
            for m in iter(regex.scanner(text, pos).match, None):
                kind, action, rex, new_state = table[m.lastindex]
                if kind is plain:
                    yield m.start(), action, m.group()
                elif kind is word_rule:
                    found = m.group()
                    word = found.rstrip()
                    start = m.start()
                    after = start + len(word)
                    key = word.lower()
                    tok = words.get(key, name)
                    if after < end and text[after] == "(" and (tok is name or key in functions):
                        tok = call  # a call: count(, out(, myFunction(
                    yield start, tok, word
                    if len(word) < len(found):
                        yield after, blank, found[len(word):]
                elif kind is blanks:
                    found = m.group()
                    body = found.rstrip()
                    start = m.start()
                    yield start, action, body
                    if len(body) < len(found):
                        yield start + len(body), blank, found[len(body):]
                elif kind is callback:
                    yield from action(self, rex(text, m.start()))
                if new_state is not None:
                    break
            if m is not None:
                pos = m.end()
            if new_state is not None:
                if isinstance(new_state, tuple):
                    for state in new_state:
                        if state == "#pop":
                            if len(statestack) > 1:
                                statestack.pop()
                        elif state == "#push":
                            statestack.append(statestack[-1])
                        else:
                            statestack.append(state)
                elif isinstance(new_state, int):
                    if abs(new_state) >= len(statestack):
                        del statestack[1:]
                    else:
                        del statestack[new_state:]
                else:  # "#push"
                    statestack.append(statestack[-1])
                continue
            if pos >= end:
                return
            # no rule matched (unreachable with the catch-alls): as RegexLexer
            if text[pos] == "\n":
                statestack = ["root"]
                yield pos, Whitespace, "\n"
            else:
                yield pos, Error, text[pos]
            pos += 1

    def analyse_text(text: str) -> float:  # type: ignore[override]  # pygments calls it unbound
        """Recognise console scripts by their typical first commands."""
        head = text.lstrip()[:64].lower()
        if head.startswith(("connect ", "create database ", "connect remote:", "connect plocal:")):
            return 0.3
        return 0.0


