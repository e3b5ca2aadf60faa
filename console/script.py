"""Splitting console script text into statements, with line numbers.

The rules are those of OrientDB's console:

* statements end at ``;`` or at a newline, unless the separator is inside a
  quoted string (``'...'``, ``"..."`` or a ```backtick``` name, all with
  backslash escapes) or inside ``{...}``, ``[...]`` or ``(...)`` (so
  multi-line JSON after ``CONTENT`` is one statement);
* ``#``, ``--`` or ``//`` at the start of a statement (the first non-blank
  characters of a line, or after a ``;``) comment out the rest of the line;
  ``#`` is only a comment there (``#12:3`` inside a statement is a RID);
* ``//`` as the first non-blank characters of a line inside an open
  bracket, and a ``--`` with a blank before it and a blank or the end of the
  line after it (a trailing ``-- comment``), also comment out the rest of
  the line (so ``CHECK DATABASE --skip-graph`` keeps its option);
* ``/* ... */`` outside quotes is removed anywhere and may span lines;
  an unterminated ``/*`` is kept as statement text (so the parser reports
  it instead of the rest of the script vanishing silently);
* blank statements are dropped, surrounding blanks and a trailing ``;`` too.

An unterminated quote, bracket or ``/*`` swallows the rest of the text into
one statement, which the parser then rejects; nothing here raises.

Removed comments keep their newlines (a block comment without one becomes a
space), so line ``k`` of ``Statement.text`` is script line
``Statement.line + k - 1``.  ``\\r\\n`` and lone ``\\r`` count as newlines.

The scanner is a single forward pass driven by one compiled regular
expression that jumps from one interesting character to the next, so it runs
in linear time on megabyte scripts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Statement", "ScanState", "split_statements", "is_complete", "scan_state", "read_error"]


@dataclass(frozen=True)
class Statement:
    """One statement: its text and the 1-based lines where it starts and ends."""

    text: str
    line: int
    end_line: int


@dataclass(frozen=True)
class ScanState:
    """Where a text leaves the scanner, for the REPL (see :func:`scan_state`).

    ``statement`` is the last, unfinished statement: comments removed,
    leading blanks stripped, trailing blanks kept.  ``open_quote`` is the
    quote character when the text ends inside a quoted string, and
    ``quote_text`` that string so far (the tail of ``statement``, opening
    quote included).  ``in_comment`` is true when the text ends inside a
    ``/*`` comment or a line comment; ``in_block_comment`` only for ``/*``.
    ``depth`` counts the unclosed ``{``, ``[`` and ``(``.
    """

    statement: str
    depth: int
    open_quote: str | None
    quote_text: str
    in_comment: bool
    in_block_comment: bool
    ends_with_semicolon: bool


# One match = a run of plain text (possessive, so it never backtracks)
# followed by exactly one token; every character that stops the run starts
# one of the token alternatives, so a match never fails.
_TOKEN = re.compile(
    r"""
    (?: [^'"`/\-\#{}\[\]();\n]++ | /(?![*/]) | -(?!-) )*+
    (?: (?P<str> '[^'\\]*+(?:\\.[^'\\]*+)*+'
             | "[^"\\]*+(?:\\.[^"\\]*+)*+"
             | `[^`\\]*+(?:\\.[^`\\]*+)*+` )
      | (?P<ustr> ['"`] .* )
      | (?P<cmt> /\* .*? \*/ )
      | (?P<ucmt> /\* .* )
      | (?P<lc> -- | // | \# )
      | (?P<open> [{\[(]+ )
      | (?P<close> [}\])]+ )
      | (?P<semi> ; )
      | (?P<nl> \n[ \t\n]* )
      | (?P<end> \Z ) )
    """,
    re.S | re.X,
)
_NON_BLANK = re.compile(r"\S")
_BLANKS = " \t\f\v\n"


class _Scanner:
    """The single pass behind :func:`split_statements`, :func:`scan_state`, :func:`is_complete`."""

    def __init__(self, text: str, collect: bool = True) -> None:
        self.text = text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
        self.collect = collect      # build Statement objects (split_statements only)
        self.statements: list[Statement] = []
        self.depth = 0
        self.line = 1
        self.pieces: list[str] = []
        self.keep_from = 0          # start of the raw text not yet moved to pieces
        self.has_content = False
        self.start_line = 1
        self.line_content = False   # the current line has content before the scan point
        self.semi_tail = False      # nothing but blanks/comments since the last ';'
        self.open_quote: str | None = None
        self.quote_text = ""
        self.line_comment = False   # the text ends inside a line comment
        self.block_comment = False  # the text ends inside an unterminated /*

    def _saw_content(self) -> None:
        if not self.has_content:
            self.has_content = True
            self.start_line = self.line
        self.line_content = True
        self.semi_tail = False

    def _body(self, end: int) -> str:
        raw = self.text[self.keep_from:end]
        return "".join(self.pieces) + raw if self.pieces else raw

    def _flush(self, end: int, resume: int) -> None:
        if self.has_content and self.collect:
            body = self._body(end).strip()
            if body:
                self.statements.append(
                    Statement(body, self.start_line, self.start_line + body.count("\n")))
        self.pieces = []
        self.keep_from = resume
        self.has_content = False

    def _cut(self, start: int, end: int, replacement: str) -> None:
        """Drop ``text[start:end]`` (a comment) from the statement being built."""
        self.pieces.append(self.text[self.keep_from:start])
        if replacement:
            self.pieces.append(replacement)
        self.keep_from = end

    def _is_line_comment(self, tok: str, start: int, end: int) -> bool:
        if not self.has_content:
            return True            # '#', '--' or '//' opening a statement
        if tok == "--":            # a trailing '-- comment'
            text = self.text
            return (start == 0 or text[start - 1] in _BLANKS) and (
                end == len(text) or text[end] in _BLANKS)
        if tok == "//":            # '//' first on a line inside brackets
            return not self.line_content
        return False               # '#' inside a statement: a RID, not a comment

    def run(self) -> "_Scanner":
        text = self.text
        match = _TOKEN.match
        non_blank = _NON_BLANK.search
        n = len(text)
        pos = 0
        while True:
            m = match(text, pos)
            kind = m.lastgroup
            start, end = m.span(kind)
            # plain text before the token: does it hold content?
            if start > pos and (not self.has_content or not self.line_content or self.semi_tail):
                if non_blank(text, pos, start):
                    self._saw_content()
            if kind == "end":
                break
            pos = end
            if kind == "nl":
                self.line += end - start if end - start == 1 else m.group(kind).count("\n")
                self.line_content = False
                if self.depth == 0:
                    self._flush(start, end)
            elif kind == "str":
                self._saw_content()
                if "\n" in m.group(kind):
                    self.line += m.group(kind).count("\n")
            elif kind == "lc":
                if self._is_line_comment(m.group(kind), start, end):
                    eol = text.find("\n", end)
                    pos = n if eol < 0 else eol
                    self.line_comment = pos == n
                    self._cut(start, pos, "")
                else:
                    self._saw_content()
            elif kind == "open":
                self._saw_content()
                self.depth += end - start
            elif kind == "close":
                self._saw_content()
                self.depth = max(0, self.depth - (end - start))
            elif kind == "semi":
                if self.depth == 0:
                    self._flush(start, end)
                else:
                    self._saw_content()
                self.semi_tail = True
            elif kind == "cmt":
                newlines = m.group(kind).count("\n")
                self._cut(start, end, "\n" * newlines if newlines else " ")
                if newlines:
                    self.line += newlines
                    self.line_content = False
            elif kind == "ustr":       # an unterminated quote runs to the end
                self._saw_content()
                self.open_quote = text[start]
                self.quote_text = m.group(kind)
                self.line += self.quote_text.count("\n")
            else:                      # ucmt: an unterminated /* runs to the end;
                self._saw_content()    # kept, so that the parser reports it
                self.block_comment = True
                self.line += m.group(kind).count("\n")
        return self


def split_statements(text: str) -> list[Statement]:
    """Split script ``text`` into statements (see the module docstring)."""
    scanner = _Scanner(text).run()
    scanner._flush(len(scanner.text), len(scanner.text))
    return scanner.statements


def scan_state(text: str) -> ScanState:
    """Describe how ``text`` ends: its unfinished statement, open quote or comment."""
    s = _Scanner(text, collect=False).run()
    return ScanState(
        statement=s._body(len(s.text)).lstrip() if s.has_content else "",
        depth=s.depth,
        open_quote=s.open_quote,
        quote_text=s.quote_text,
        in_comment=s.line_comment or s.block_comment,
        in_block_comment=s.block_comment,
        ends_with_semicolon=s.semi_tail,
    )


def is_complete(text: str) -> bool:
    """Whether the REPL should run ``text`` when Enter is pressed.

    False for blank text and while a quote or ``/*`` comment is open; True
    when the text ends with ``;`` (outside quotes and comments), which also
    forces out a statement with unbalanced brackets; otherwise True when
    every ``{``, ``[`` and ``(`` is closed.
    """
    if not text.strip():
        return False
    s = _Scanner(text, collect=False).run()
    if s.open_quote is not None or s.block_comment:
        return False
    return s.semi_tail or s.depth == 0


def read_error(exc: OSError | UnicodeDecodeError) -> str:
    """Why a script file could not be read, for a one-line message."""
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    if isinstance(exc, IsADirectoryError):
        return "it is a directory"
    return f"{getattr(exc, 'strerror', None) or exc}"
