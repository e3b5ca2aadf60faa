"""Building expressions and query targets, and the helpers of console.ast_builder.

:class:`ExpressionRules` holds the transformer methods for the expression and
target rules of grammar/sql.lark (mixed into :class:`console.ast_builder.AstBuilder`);
the functions turn tokens into values: strings with their escapes, typed
numbers, identifiers, options.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, NamedTuple

from lark import Token

from console import ast
from console.engine.codec import parse_field_types
from console.engine.rid import RID
from console.engine.types import INTEGER_RANGES, OType

ATTRIBUTES = ("class", "fields", "raw", "rid", "size", "this", "type", "version")
_INT_MIN, _INT_MAX = INTEGER_RANGES[OType.INTEGER]
_LONG_LIMIT = 2**63            # |value| of a LONG literal, before a leading '-' is folded
_FLOAT_MAX = 3.4028235677973366e38     # beyond the largest 32-bit float
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "0": "\0",
            '"': '"', "'": "'", "\\": "\\", "/": "/", "`": "`"}
_ESCAPE_RE = re.compile(r"\\(u[0-9a-fA-F]{4}|.)", re.S)


class Invalid(Exception):
    """A well-formed but meaningless piece of text; ``where`` (a Token or a
    rule's Meta) locates it."""

    def __init__(self, message: str, where: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where


class Part(NamedTuple):
    """An optional clause, gathered by the enclosing statement."""

    kind: str
    value: Any


STAR_ARGS = object()
_NUMERIC = (OType.INTEGER, OType.LONG, OType.FLOAT, OType.DOUBLE, OType.DECIMAL)


def unescape(body: str) -> str:
    """Resolve backslash escapes; unknown ones (``\\d``) are kept as typed."""
    if "\\" not in body:
        return body

    def repl(m: re.Match[str]) -> str:
        esc = m.group(1)
        if len(esc) == 5:
            return chr(int(esc[1:], 16))
        return _ESCAPES.get(esc, "\\" + esc)

    text = _ESCAPE_RE.sub(repl, body)
    if any("\ud800" <= c <= "\udfff" for c in text):   # join \\uD83D\\uDE00 pairs
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "surrogatepass")
    return text


def string_value(token: str) -> str:
    """The value of a quoted STRING token."""
    return unescape(token[1:-1])


def ident(token: str) -> str:
    """An identifier, without backticks."""
    if token.startswith("`"):
        return unescape(token[1:-1])
    return str(token)


def word(token: Token) -> str:
    """A WORD or a quoted STRING (URLs, users, file names)."""
    return string_value(token) if token.type == "STRING" else str(token)


def option(token: Token) -> tuple[str, str | None]:
    """``-name[=value]`` → (name, value or None); quotes around value removed."""
    name, eq, value = token[1:].partition("=")
    if not eq:
        return name, None
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = unescape(value[1:-1])
    return name, value


def integer_type(value: int) -> OType:
    return OType.INTEGER if _INT_MIN <= value <= _INT_MAX else OType.LONG


def number_literal(token: Token) -> ast.Literal:
    """A NUMBER token as a typed Literal (see the suffix rules in console.ast)."""
    text = str(token)
    suffix = text[-1].lower() if text[-1] in "lLfFdDcC" else ""
    body = text[:-1] if suffix else text
    integral = body.isdigit()
    try:
        if suffix == "c":
            return ast.Literal(Decimal(body), OType.DECIMAL)
        if integral and suffix in ("", "l"):
            value = int(body)
            if value > _LONG_LIMIT:
                raise Invalid(f"integer {short(text)} is out of range (at most 64 bits)", token)
            return ast.Literal(value, OType.LONG if suffix == "l" else integer_type(value))
        if suffix == "l":
            raise Invalid(f"a LONG literal must be an integer: {short(text)}", token)
        number = float(body)
    except (ValueError, InvalidOperation):
        raise Invalid(f"number {short(text)} is too long", token) from None
    limit = _FLOAT_MAX if suffix == "f" else float("inf")
    if abs(number) >= limit or number in (float("inf"), float("-inf")):
        raise Invalid(f"number {short(text)} is out of range", token)
    return ast.Literal(number, OType.FLOAT if suffix == "f" else OType.DOUBLE)


def whole_number(token: Token, what: str) -> int:
    """A NUMBER token that must be a plain non-negative integer."""
    if not token.isdigit():
        raise Invalid(f"{what} must be a whole number, not {short(token)}", token)
    try:
        return int(token)
    except ValueError:
        raise Invalid(f"{what} is too large", token) from None


def short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def bare_word(expr: ast.Expr) -> ast.Expr:
    """A lone identifier used as a value (``COLLATE ci``) becomes a string Literal."""
    if isinstance(expr, ast.Field) and len(expr.path) == 1:
        return ast.Literal(expr.path[0], OType.STRING)
    return expr


def with_path(target: ast.Expr, path: list[str]) -> ast.Expr:
    """``target.a.b``: a longer Field path, or a FieldAccess on a non-field."""
    if isinstance(target, ast.Field):
        return ast.Field(target.path + tuple(path))
    if isinstance(target, ast.FieldAccess):
        return ast.FieldAccess(target.target, target.path + tuple(path))
    return ast.FieldAccess(target, tuple(path))


Children = list[Any]
Method = Callable[[Any, Children], Any]


def parts(children: Children) -> dict[str, Any]:
    """The optional clauses among ``children``, by kind."""
    return {c.kind: c.value for c in children if isinstance(c, Part)}


def fixed(node_type: Callable[[], ast.Statement]) -> Method:
    """A method for a command without arguments."""
    def method(self: Any, c: Children) -> ast.Statement:
        return node_type()
    return method


def flag(kind: str) -> Method:
    """A method for an optional keyword: its presence means True."""
    def method(self: Any, c: Children) -> Part:
        return Part(kind, True)
    return method


def clause(kind: str, many: bool = False) -> Method:
    """A method for a clause holding one value (or a tuple of them)."""
    def method(self: Any, c: Children) -> Part:
        return Part(kind, tuple(c) if many else c[0])
    return method


class ExpressionRules:
    """Transformer methods for expressions, literals and targets.

    Mixed into AstBuilder, which provides ``positional`` (the next ``?``
    index), ``unsuffixed`` (ids of integer literals typed without L) and
    ``number_texts`` (DOUBLE literals with the text they were written as)."""

    positional: int
    unsuffixed: set[int]
    number_texts: dict[int, tuple[ast.Literal, str]]

    # ------------------------------------------------------------ numbers in clauses
    def int_literal(self, c: Children) -> ast.Literal:
        value = whole_number(c[0], "the value")
        return ast.Literal(value, integer_type(value))

    def neg_int_literal(self, c: Children) -> ast.Literal:
        value = -whole_number(c[0], "the value")
        return ast.Literal(value, integer_type(value))

    # ------------------------------------------------------------ targets
    def class_target(self, c: Children) -> ast.ClassTarget:
        return ast.ClassTarget(c[0])

    def cluster_target(self, c: Children) -> ast.ClusterTarget:
        return ast.ClusterTarget(tuple(
            whole_number(x, "a cluster id") if isinstance(x, Token) else x for x in c))

    def index_target(self, c: Children) -> ast.IndexTarget:
        return ast.IndexTarget(c[0])

    def metadata_target(self, c: Children) -> ast.MetadataTarget:
        return ast.MetadataTarget(str(c[0]).upper())

    def rid_target(self, c: Children) -> ast.RidTarget:
        return ast.RidTarget(tuple(RID.parse(t) for t in c))

    def subquery_target(self, c: Children) -> ast.SubqueryTarget:
        return ast.SubqueryTarget(c[0])

    def variable_target(self, c: Children) -> ast.VariableTarget:
        return ast.VariableTarget(str(c[0])[1:])

    def param_target(self, c: Children) -> ast.ParamTarget:
        return ast.ParamTarget(c[0])

    # ------------------------------------------------------------ expressions
    def or_expr(self, c: Children) -> ast.Or:
        return ast.Or(tuple(c))

    def and_expr(self, c: Children) -> ast.And:
        return ast.And(tuple(c))

    def not_op(self, c: Children) -> ast.Not:
        return ast.Not(c[0])

    def comparison(self, c: Children) -> ast.Comparison:
        return ast.Comparison(c[1], c[0], c[2])

    def comp_op(self, c: Children) -> str:
        op = c[0].upper()
        return {"==": "=", "<>": "!="}.get(op, op)

    def in_op(self, c: Children) -> ast.Comparison:
        return ast.Comparison("IN", c[0], c[1])

    def not_in_op(self, c: Children) -> ast.Comparison:
        return ast.Comparison("NOT IN", c[0], c[1])

    def contains(self, c: Children) -> ast.ContainsCondition:
        left, op, right = c
        if op in ("CONTAINS", "CONTAINSALL", "CONTAINSANY") and isinstance(right, ast.CONDITION_TYPES):
            return ast.ContainsCondition(left, right, op)
        return ast.Comparison(op, left, right)

    def contains_op(self, c: Children) -> str:
        return c[0].upper()

    def between(self, c: Children) -> ast.Between:
        return ast.Between(*c)

    def negation(self, c: Children) -> bool:
        return True

    def is_null(self, c: Children) -> ast.IsNull:
        return ast.IsNull(c[0], len(c) > 1)

    def is_defined(self, c: Children) -> ast.IsDefined:
        return ast.IsDefined(c[0], len(c) > 1)

    def instanceof(self, c: Children) -> ast.InstanceOf:
        x = c[1]
        name = string_value(x) if isinstance(x, Token) else x
        return ast.InstanceOf(c[0], name)

    def concat(self, c: Children) -> ast.Expr:
        result = c[0]
        for item in c[1:]:
            result = ast.Arithmetic("||", result, item)
        return result

    def sum(self, c: Children) -> ast.Expr:
        result = c[0]
        for i in range(1, len(c), 2):
            result = ast.Arithmetic(c[i], result, c[i + 1])
        return result

    product = sum

    def add_op(self, c: Children) -> str:
        return str(c[0])

    mul_op = add_op

    def neg(self, c: Children) -> ast.Literal:
        x = c[0]
        if isinstance(x, ast.Literal) and x.otype in _NUMERIC:
            value = -x.value
            # -2147483648 is an INTEGER although 2147483648 alone is a LONG
            otype = integer_type(value) if id(x) in self.unsuffixed else x.otype
            negated = ast.Literal(value, otype)
            text = self._number_text(x)
            if text is not None:
                self.number_texts[id(negated)] = (negated, "-" + text)
            return negated
        return ast.Negate(x)

    def _number_text(self, x: ast.Expr) -> str | None:
        """How a DOUBLE literal was written (``2.50``), when known."""
        hit = self.number_texts.get(id(x))
        return hit[1] if hit is not None and hit[0] is x else None

    def chain(self, c: Children) -> ast.Expr:
        """A primary followed by .field, .method(...) and [index] suffixes."""
        result, path = c[0], []
        for suffix in c[1:]:
            if isinstance(suffix, str):                 # .field: collect the path
                path.append(suffix)
                continue
            if path:
                result, path = with_path(result, path), []
            result = suffix(result)
        return with_path(result, path) if path else result

    def member(self, c: Children) -> str:
        return str(c[0])

    def method_call(self, c: Children) -> Callable[[ast.Expr], ast.Expr]:
        name, args = c[0], c[1] if len(c) > 1 else ()
        if args is STAR_ARGS:
            raise Invalid(f"'*' is not an argument of method {name}()", name)
        return lambda target: ast.MethodCall(target, name.lower(), args)

    def index_access(self, c: Children) -> Callable[[ast.Expr], ast.Expr]:
        index = c[0]
        if isinstance(index, ast.CONDITION_TYPES):
            return lambda target: ast.Filter(target, index)
        return lambda target: ast.IndexAccess(target, index)

    def multi_index_access(self, c: Children) -> Callable[[ast.Expr], ast.Expr]:
        return lambda target: ast.IndexAccess(target, ast.ListLiteral(tuple(c)))

    def range_access(self, c: Children) -> Callable[[ast.Expr], ast.Expr]:
        return lambda target: ast.Slice(target, c[0], c[1])

    def inclusive_range_access(self, c: Children) -> Callable[[ast.Expr], ast.Expr]:
        return lambda target: ast.Slice(target, c[0], c[1], True)

    def function_call(self, c: Children) -> ast.FunctionCall:
        name = c[0].lower()
        args = c[1] if len(c) > 1 else ()
        if args is STAR_ARGS:
            return ast.FunctionCall(name, (), True)
        return ast.FunctionCall(name, args)

    def args(self, c: Children) -> tuple[ast.Expr, ...]:
        return tuple(c)

    def star_args(self, c: Children) -> object:
        return STAR_ARGS

    def rid_literal(self, c: Children) -> ast.RidLiteral:
        return ast.RidLiteral(RID.parse(c[0]))

    def variable(self, c: Children) -> ast.Variable:
        return ast.Variable(str(c[0])[1:])

    def attribute(self, c: Children) -> ast.Attribute:
        name = c[0][1:].lower()
        if name not in ATTRIBUTES:
            valid = ", ".join("@" + a for a in ATTRIBUTES)
            raise Invalid(f"unknown record attribute '{c[0]}' (valid: {valid})", c[0])
        return ast.Attribute(name)

    def field(self, c: Children) -> ast.Field:
        return ast.Field((c[0],))

    def subquery(self, c: Children) -> ast.Subquery:
        return ast.Subquery(c[0])

    def list_literal(self, c: Children) -> ast.ListLiteral:
        return ast.ListLiteral(tuple(c))

    def map_literal(self, c: Children) -> ast.MapLiteral:
        return ast.MapLiteral(self._written_decimals(tuple(c)))

    def _written_decimals(self, entries: tuple[tuple[str, ast.Expr], ...]) -> tuple[tuple[str, ast.Expr], ...]:
        """Entries that the map's own ``"@fieldTypes"`` makes DECIMAL (``"v=c"``) keep the
        digits they were written with: ``{"v": 2.50, "@fieldTypes": "v=c"}`` is 2.50."""
        spec = next((v.value for k, v in entries if k == "@fieldTypes" and isinstance(v, ast.Literal)), None)
        if type(spec) is not str or "=c" not in spec:
            return entries
        decimals = {name.strip() for name, letter in parse_field_types(spec).items() if letter == "c"}
        out = []
        for key, value in entries:
            text = self._number_text(value) if key in decimals else None
            if text is not None:
                value = ast.Literal(Decimal(text.rstrip("dD")), OType.DECIMAL)
            out.append((key, value))
        return tuple(out)

    def map_entry(self, c: Children) -> tuple[str, ast.Expr]:
        key = c[0]
        if isinstance(key, Token):
            key = string_value(key)
        return (key, c[1])

    def string(self, c: Children) -> ast.Literal:
        return ast.Literal(string_value(c[0]), OType.STRING)

    def number(self, c: Children) -> ast.Literal:
        literal = number_literal(c[0])
        if literal.otype in (OType.INTEGER, OType.LONG) and c[0][-1].isdigit():
            self.unsuffixed.add(id(literal))
        elif literal.otype is OType.DOUBLE:
            self.number_texts[id(literal)] = (literal, str(c[0]))
        return literal

    def true(self, c: Children) -> ast.Literal:
        return ast.Literal(True, OType.BOOLEAN)

    def false(self, c: Children) -> ast.Literal:
        return ast.Literal(False, OType.BOOLEAN)

    def null(self, c: Children) -> ast.Literal:
        return ast.Literal(None, None)

    def positional_param(self, c: Children) -> ast.Param:
        index = self.positional
        self.positional += 1
        return ast.Param(None, index)

    def named_param(self, c: Children) -> ast.Param:
        return ast.Param(str(c[0])[1:], None)

    def qualified_name(self, c: Children) -> str:
        return ".".join(c)

    def name(self, c: Children) -> str:
        return ident(c[0])
