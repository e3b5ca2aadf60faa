"""Expressions written back as SQL text (projection names, EXPLAIN output)."""

from __future__ import annotations

from typing import Any

from console import ast

# Graph steps are both functions and methods.
_GRAPH_NAMES = {"oute": "outE", "ine": "inE", "bothe": "bothE", "outv": "outV", "inv": "inV", "bothv": "bothV"}
_METHOD_NAMES = {
    "touppercase": "toUpperCase", "tolowercase": "toLowerCase", "asstring": "asString",
    "asinteger": "asInteger", "aslong": "asLong", "asfloat": "asFloat", "asdouble": "asDouble",
    "asdecimal": "asDecimal", "asboolean": "asBoolean", "asdate": "asDate", "asdatetime": "asDateTime",
    "aslist": "asList", "asset": "asSet", "asmap": "asMap", "indexof": "indexOf", "charat": "charAt",
    **_GRAPH_NAMES, "tojson": "toJSON", "removeall": "removeAll", "javatype": "javaType",
    "lastindexof": "lastIndexOf", "substring": "subString",
}
_FUNCTION_NAMES = {**_GRAPH_NAMES, "unionall": "unionAll", "symmetricdifference": "symmetricDifference",
                   "shortestpath": "shortestPath", "traversedelement": "traversedElement",
                   "traversedvertex": "traversedVertex", "traversededge": "traversedEdge"}


def _lit(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return str(v)


def _name(n: str) -> str:
    return n if n.replace("_", "a").replace("$", "a").isalnum() else f"`{n}`"


def expr_text(e: Any) -> str:
    """A readable SQL rendering of an expression."""
    if isinstance(e, ast.Literal):
        return _lit(e.value)
    if isinstance(e, ast.RidLiteral):
        return str(e.rid)
    if isinstance(e, ast.Field):
        return ".".join(_name(p) for p in e.path)
    if isinstance(e, ast.FieldAccess):
        return expr_text(e.target) + "." + ".".join(e.path)
    if isinstance(e, ast.Attribute):
        return "@" + e.name
    if isinstance(e, ast.Variable):
        return "$" + e.name
    if isinstance(e, ast.Star):
        return "*"
    if isinstance(e, ast.Param):
        return f":{e.name}" if e.name else "?"
    if isinstance(e, ast.ListLiteral):
        return "[" + ", ".join(expr_text(i) for i in e.items) + "]"
    if isinstance(e, ast.MapLiteral):
        return "{" + ", ".join(f"{_lit(k)}: {expr_text(v)}" for k, v in e.entries) + "}"
    if isinstance(e, ast.FunctionCall):
        inner = "*" if e.star else ", ".join(expr_text(a) for a in e.args)
        return f"{_FUNCTION_NAMES.get(e.name, e.name)}({inner})"
    if isinstance(e, ast.MethodCall):
        return f"{expr_text(e.target)}.{_METHOD_NAMES.get(e.name, e.name)}({', '.join(expr_text(a) for a in e.args)})"
    if isinstance(e, ast.IndexAccess):
        return f"{expr_text(e.target)}[{expr_text(e.index)}]"
    if isinstance(e, ast.Slice):
        dots = "..." if e.inclusive else ".."
        return f"{expr_text(e.target)}[{expr_text(e.start)}{dots}{expr_text(e.end)}]"
    if isinstance(e, ast.Filter):
        return f"{expr_text(e.target)}[{expr_text(e.condition)}]"
    if isinstance(e, ast.Arithmetic):
        return f"{expr_text(e.left)} {e.op} {expr_text(e.right)}"
    if isinstance(e, ast.Negate):
        return f"-{expr_text(e.expr)}"
    if isinstance(e, ast.Subquery):
        return "(subquery)"
    if isinstance(e, ast.Comparison):
        return f"{expr_text(e.left)} {e.op} {expr_text(e.right)}"
    if isinstance(e, ast.ContainsCondition):
        return f"{expr_text(e.left)} {e.op} ({expr_text(e.condition)})"
    if isinstance(e, ast.Between):
        return f"{expr_text(e.expr)} BETWEEN {expr_text(e.low)} AND {expr_text(e.high)}"
    if isinstance(e, ast.IsNull):
        return f"{expr_text(e.expr)} IS {'NOT ' if e.negated else ''}NULL"
    if isinstance(e, ast.IsDefined):
        return f"{expr_text(e.expr)} IS {'NOT ' if e.negated else ''}DEFINED"
    if isinstance(e, ast.InstanceOf):
        return f"{expr_text(e.expr)} INSTANCEOF {e.class_name}"
    if isinstance(e, ast.And):
        return " AND ".join(_paren(i) for i in e.items)
    if isinstance(e, ast.Or):
        return " OR ".join(_paren(i) for i in e.items)
    if isinstance(e, ast.Not):
        return f"NOT {_paren(e.expr)}"
    return type(e).__name__


def _paren(e: Any) -> str:
    t = expr_text(e)
    return f"({t})" if isinstance(e, (ast.And, ast.Or)) else t
