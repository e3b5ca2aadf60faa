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

:class:`console.repl.completer.OrientCompleter` turns suggestions into
prompt_toolkit completions; the kinds and word lists live in
:mod:`console.repl.vocabulary`.
"""

from __future__ import annotations

import re
from typing import Iterable, NamedTuple

from console.repl.vocabulary import (
    ALTER_WHAT, ASSIGN, BOOLEAN_ATTRS, BOOLEAN_CONSOLE_PROPERTIES, BOOLEAN_OPTIONS, CALLABLE_CLAUSES,
    CLASS_ATTRS, CLASS_OPTIONS, CLUSTER_ATTRS, CLUSTER_OPTIONS, CONDITION, CONSOLE_PROPERTIES,
    CONSTRAINTS, CREATE_WHAT, DATABASE_ATTRS, DROP_WHAT, EXPRESSION_START, FOLLOW, INDEX_TYPES,
    LINKED_TYPES, LISTS, LITERAL_WORDS, MATCH_KEYS, OPERATOR_WORDS, OPTIONS, PROPERTY_ATTRS,
    PROPERTY_VALUES, START_KEYWORDS, TARGET_CLAUSE, TARGET_PREFIXES, TRUE_FALSE, VALUE_OPERATOR_WORDS,
    Attribute, ClassName, ClusterName, CompletionContext, ConsoleProperty, DatabaseUrl, FilePath,
    Function, IndexName, Keyword, Method, Option, PropertyName, Suggestion, Type,
)
from console.script import scan_state

__all__ = [
    "Keyword", "ClassName", "PropertyName", "ClusterName", "IndexName", "Type", "Function",
    "Method", "Attribute", "ConsoleProperty", "Option", "FilePath", "DatabaseUrl",
    "Suggestion", "CompletionContext", "completion_context", "suggest",
    "START_KEYWORDS", "CONSOLE_PROPERTIES", "BOOLEAN_CONSOLE_PROPERTIES", "OPTIONS",
]


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
        if key in CLASS_OPTIONS:
            return CompletionContext(value, (ClassName(),))
        if key in CLUSTER_OPTIONS:
            return CompletionContext(value, (ClusterName(),))
        if key in BOOLEAN_OPTIONS:
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
        if name in PROPERTY_VALUES:
            return [Keyword(PROPERTY_VALUES[name])]
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
            return [Keyword(CONSTRAINTS)]
        if prev.up in BOOLEAN_ATTRS:
            return [TRUE_FALSE]
        return []
    if not rest:
        return [Type()]
    if len(rest) == 1 and rest[0].up in LINKED_TYPES:
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
            return [Keyword(INDEX_TYPES)]
    if prev.up in INDEX_TYPES:
        return [Keyword(("ENGINE", "METADATA"))]
    if len(toks) == 3:
        return [Keyword(("ON",) + INDEX_TYPES)]
    if len(toks) == 5 and toks[3].text == ".":
        return [Keyword(INDEX_TYPES)]
    return []


def _alter(head: str, toks: list[_Tok], word: str) -> list[Suggestion]:
    what = toks[1].up
    prev = toks[-1].up
    if what == "CLASS":
        if len(toks) == 2:
            return [ClassName()]
        if len(toks) == 3:
            return [Keyword(CLASS_ATTRS)]
        if prev in ("SUPERCLASS", "SUPERCLASSES") or (toks[-1].text == "," and len(toks) > 4):
            return [ClassName()]
        if prev in BOOLEAN_ATTRS:
            return [TRUE_FALSE]
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
            return [Keyword(PROPERTY_ATTRS)]
        if prev in ("TYPE", "LINKEDTYPE"):
            return [Type()]
        if prev == "LINKEDCLASS":
            return [ClassName()]
        if prev in BOOLEAN_ATTRS:
            return [TRUE_FALSE]
        return []
    if what == "CLUSTER":
        if len(toks) == 2:
            return [ClusterName()]
        return [Keyword(CLUSTER_ATTRS)] if len(toks) == 3 else []
    if what == "DATABASE":
        return [Keyword(DATABASE_ATTRS)] if len(toks) == 2 else []
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

    follow = FOLLOW[kind]
    target_clause = TARGET_CLAUSE[kind]
    clause, clause_at = _active_clause(toks, follow.keys() | {target_clause})
    cls = _target_class(toks, target_clause)
    classes = (cls,) if cls else ()
    if opens and clause == target_clause and toks[opens[-1]].text == "(":
        # INSERT INTO X (a, b, ...): the column list
        return [PropertyName(classes)] if kind == "INSERT" and prev.text in ("(", ",") else []

    if clause is None:  # before the target clause: SELECT/TRAVERSE projections
        return _projection(toks, kind)
    if clause == target_clause and clause_at == len(toks) - 1:
        prefixes = TARGET_PREFIXES if kind in ("SELECT", "TRAVERSE") else ("CLUSTER:",)
        if kind in ("CREATE VERTEX", "CREATE EDGE", "DELETE VERTEX", "DELETE EDGE"):
            return [ClassName()]
        return [ClassName(), Keyword(prefixes)]
    later = follow.get(clause, ())
    if clause == target_clause:
        return [Keyword(later)]
    if clause in CONDITION:
        return _condition(toks, clause_at, classes, later)
    if clause in ASSIGN:
        return _assignment(toks, clause_at, classes, later)
    if clause in LISTS:
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
        return [PropertyName(classes), *EXPRESSION_START] if prev.text == "=" else \
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
        if up in wanted and not (up in CALLABLE_CLAUSES and i + 1 < len(toks)
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
        return [PropertyName(), *EXPRESSION_START, *extra]
    return [Keyword(("FROM", "AS"))]


def _is_value_end(toks: list[_Tok]) -> bool:
    """Whether the last token ends a complete value (after which AND/OR... fit)."""
    prev = toks[-1]
    if prev.kind in ("str", "num", "rid", "param") or prev.up in LITERAL_WORDS:
        return True
    if prev.text in ("]", "}"):
        return True
    if prev.kind == "word" and len(toks) > 1:
        before = toks[-2]
        return before.kind == "op" or before.up in VALUE_OPERATOR_WORDS
    return False


def _condition(toks: list[_Tok], at: int, classes: tuple[str, ...],
               later: tuple[str, ...]) -> list[Suggestion]:
    prev = toks[-1]
    if (at == len(toks) - 1 or prev.up in ("AND", "OR", "NOT") or prev.text in ("(", ",")
            or prev.kind == "op"):
        return [PropertyName(classes), *EXPRESSION_START]
    if prev.up == "INSTANCEOF":
        return [ClassName()]
    if prev.up == "IS":
        return [Keyword(("NULL", "NOT NULL", "DEFINED", "NOT DEFINED"))]
    if prev.up in VALUE_OPERATOR_WORDS:
        return []
    if _is_value_end(toks):
        return [Keyword(("AND", "OR") + later)]
    if prev.text == ")":
        return [Keyword(("AND", "OR") + OPERATOR_WORDS + later)]
    return [Keyword(OPERATOR_WORDS + ("AND", "OR"))]


def _assignment(toks: list[_Tok], at: int, classes: tuple[str, ...],
                later: tuple[str, ...]) -> list[Suggestion]:
    prev = toks[-1]
    if at == len(toks) - 1 or prev.text == ",":
        return [PropertyName(classes)]
    if prev.kind == "op" or prev.text == "(":
        return [PropertyName(classes), *EXPRESSION_START]
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
        return [Keyword(MATCH_KEYS)]
    if prev.text == ":" and len(inner) >= 2 and inner[-2].up == "CLASS":
        return [ClassName()]
    return []


# what follows a command's first words, when that is all there is to it
_FIXED_FOLLOW: dict[tuple[str, ...], tuple[Suggestion, ...]] = {
    ("CREATE",): (Keyword(CREATE_WHAT),), ("ALTER",): (Keyword(ALTER_WHAT),),
    ("DROP",): (Keyword(DROP_WHAT),), ("DELETE",): (Keyword(("FROM", "VERTEX", "EDGE")),),
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
