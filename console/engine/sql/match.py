"""MATCH: graph patterns matched node by node, NOT patterns, WHILE traversals with
depth and path aliases, and the special returns ($matches, $paths, $elements...).

Each match is a map from alias to record; RETURN is projected on a context whose
record is that map, so ``a.name`` reads alias ``a``'s field.
"""

from __future__ import annotations

import collections
import itertools
from typing import Any, Iterable, Iterator

from console import ast
from console.engine.document import Document
from console.engine.sql.aggregates import find_aggregates
from console.engine.sql.context import Context
from console.engine.sql.evaluate import condition, evaluate
from console.engine.sql.functions import graph_step
from console.engine.sql.planner import plan_target
from console.engine.sql.query import (
    _aggregate,
    _check_aliases,
    _distinct,
    _expand,
    _expand_projection,
    _int_value,
    _order,
    project,
)
from console.errors import QueryError


def run_match(stmt: ast.Match, ctx: Context) -> Iterator[Any]:
    _check_aliases(stmt.returns)
    skip = _int_value(stmt.skip, ctx, "SKIP") or 0
    limit = _int_value(stmt.limit, ctx, "LIMIT")
    aliases = _assign_aliases(stmt.patterns + stmt.not_patterns)
    bindings = _match_patterns(stmt.patterns, aliases, 0, {}, ctx)
    if stmt.not_patterns:
        bindings = _without_negated(bindings, stmt, aliases, ctx)
    returns = stmt.returns
    special = _special_return(returns)
    if special is not None:
        rows: Iterable[tuple[Any, Any]] = _special_rows(bindings, special, aliases)
    else:
        aggregates = [a for p in returns for a in find_aggregates(p.expr)]
        # each match is read through a context whose record is the map of aliases
        contexts = (ctx.with_record(_public(b, aliases)) for b in bindings)
        if aggregates or stmt.group_by:
            sel = ast.Select(projections=returns, group_by=stmt.group_by)
            rows = ((r, r) for r in _aggregate(contexts, sel, aggregates, ctx))
        else:
            rows = ((c, project(returns, c)) for c in contexts)
        if _expand_projection(returns) is not None:
            rows = _expand(rows, ctx)
    if stmt.distinct:
        rows = _distinct(rows)
    if stmt.order_by:  # a key not returned is read from the match itself
        rows = _order(rows, stmt.order_by, ctx, skip + limit if limit is not None else None)
    out = (r for _, r in rows)
    if skip or limit is not None:
        out = itertools.islice(out, skip, None if limit is None else skip + limit)
    return out


def _without_negated(bindings: Iterator[dict[str, Any]], stmt: ast.Match, aliases: dict[int, str],
                     ctx: Context) -> Iterator[dict[str, Any]]:
    """The matches for which no NOT pattern matches too (its known aliases bound as they are)."""
    known = {aliases[id(n)] for p in stmt.patterns for n in (p.start, *(s.node for s in p.steps))}
    for p in stmt.not_patterns:
        if p.start.alias is None or p.start.alias not in known:
            raise QueryError("a NOT pattern must start from an alias of the patterns before it "
                             "(NOT {as: a}-Knows->{...})")
    for b in bindings:
        if not any(next(_match_patterns((p,), aliases, 0, b, ctx), None) is not None for p in stmt.not_patterns):
            yield b


def _assign_aliases(patterns: tuple[ast.MatchPattern, ...]) -> dict[int, str]:
    names: dict[int, str] = {}
    n = 0
    for p in patterns:
        for node in (p.start, *(s.node for s in p.steps)):
            if node.alias:
                names[id(node)] = node.alias
            else:
                names[id(node)] = f"$ORIENT_DEFAULT_ALIAS_{n}"
                n += 1
    return names


def _public(binding: dict[str, Any], aliases: dict[int, str]) -> dict[str, Any]:
    return {k: v for k, v in binding.items() if not k.startswith("$ORIENT_DEFAULT_ALIAS_")}


def _node_ok(node: ast.MatchFilter, rec: Any, binding: dict[str, Any], ctx: Context, depth: int = 0) -> bool:
    if rec is None:
        return False
    if node.class_name:
        if not isinstance(rec, Document) or not rec.class_name or \
                not ctx.db.schema.is_subclass(rec.class_name, node.class_name):
            return False
    if node.rid is not None and (not isinstance(rec, Document) or rec.rid != node.rid):
        return False
    if node.where is not None:
        c = ctx.child(rec)
        c.vars["matched"] = dict(binding)
        c.vars["currentmatch"] = rec
        c.vars["depth"] = depth
        if not condition(node.where, c):
            return False
    return True


def _match_patterns(patterns: tuple[ast.MatchPattern, ...], aliases: dict[int, str], i: int,
                    binding: dict[str, Any], ctx: Context) -> Iterator[dict[str, Any]]:
    if i == len(patterns):
        yield binding
        return
    p = patterns[i]
    for b in _start(p.start, aliases, binding, ctx):
        for b2 in _steps(p.steps, 0, b[aliases[id(p.start)]], aliases, b, ctx):
            yield from _match_patterns(patterns, aliases, i + 1, b2, ctx)


def _start(node: ast.MatchFilter, aliases: dict[int, str], binding: dict[str, Any],
           ctx: Context) -> Iterator[dict[str, Any]]:
    alias = aliases[id(node)]
    if alias in binding:
        if _node_ok(node, binding[alias], binding, ctx):
            yield binding
        return
    if node.rid is not None:
        candidates: Iterable[Any] = [r for r in [ctx.load(node.rid)] if r is not None]
    elif node.class_name:
        target = ast.ClassTarget(node.class_name)
        candidates = plan_target(target, node.where, ctx.child()).rows()
    else:
        raise QueryError("the first node of a MATCH pattern needs a class or a rid")
    for rec in candidates:
        if _node_ok(node, rec, binding, ctx):
            yield {**binding, alias: rec}


def _steps(steps: tuple[ast.MatchStep, ...], i: int, current: Any, aliases: dict[int, str],
           binding: dict[str, Any], ctx: Context) -> Iterator[dict[str, Any]]:
    if i == len(steps):
        yield binding
        return
    step = steps[i]
    node = step.node
    alias = aliases[id(node)]
    labels = [str(evaluate(a, ctx)) for a in step.args] or None
    candidates = _step_targets(step.method.lower(), labels, current, node, binding, ctx)
    found = False
    for rec, depth, path in candidates:
        if alias in binding:
            bound = binding[alias]
            same = (bound is rec) or (isinstance(bound, Document) and isinstance(rec, Document) and bound.rid == rec.rid)
            if not same:
                continue
            found = True
            yield from _steps(steps, i + 1, rec, aliases, binding, ctx)
            continue
        found = True
        extra = {alias: rec}
        if node.depth_alias:
            extra[node.depth_alias] = depth
        if node.path_alias:
            extra[node.path_alias] = path
        yield from _steps(steps, i + 1, rec, aliases, {**binding, **extra}, ctx)
    if not found and node.optional:
        yield from _steps(steps, i + 1, None, aliases, {**binding, alias: None}, ctx)


def _step_targets(method: str, labels: list[str] | None, current: Any, node: ast.MatchFilter,
                  binding: dict[str, Any], ctx: Context) -> Iterator[tuple[Any, int, list[Any]]]:
    """(record, depth, path) of each node one step reaches, or (with WHILE or maxDepth)
    each node of the traversal from ``current`` (depth 0); the path lists the RIDs walked
    after the start, the record's own last, as OrientDB's pathAlias."""
    if current is None:
        return
    if node.while_ is None and node.max_depth is None:
        for rec in graph_step(ctx, current, method, labels):
            if _node_ok(node, rec, binding, ctx):
                yield rec, 1, [_rid_of(rec)]
        return
    seen: set[Any] = set()
    frontier: collections.deque[tuple[Any, int, list[Any]]] = collections.deque([(current, 0, [])])
    while frontier:
        rec, depth, path = frontier.popleft()
        key = rec.rid if isinstance(rec, Document) else id(rec)
        if key in seen:
            continue
        seen.add(key)
        # As OrientDB: every node reached is a candidate (its filter decides); WHILE and
        # maxDepth only decide whether the traversal goes on from it.
        if _node_ok(node, rec, binding, ctx, depth):
            yield rec, depth, path
        if node.max_depth is not None and depth >= node.max_depth:
            continue
        if node.while_ is not None:
            c = ctx.child(rec)
            c.vars["depth"] = depth
            c.vars["matched"] = dict(binding)
            if not condition(node.while_, c):
                continue
        for nxt in graph_step(ctx, rec, method, labels):
            frontier.append((nxt, depth + 1, path + [_rid_of(nxt)]))


_SPECIAL = ("matches", "patterns", "paths", "elements", "pathelements")


def _rid_of(rec: Any) -> Any:
    return rec.rid if isinstance(rec, Document) and rec.rid is not None else rec


def _special_return(returns: tuple[ast.Projection, ...]) -> str | None:
    if len(returns) > 1:
        for p in returns:
            if isinstance(p.expr, ast.Variable) and p.expr.name.lower() in _SPECIAL:
                raise QueryError(f"RETURN ${p.expr.name} must be the only item of RETURN")
    if len(returns) == 1 and isinstance(returns[0].expr, ast.Variable) and returns[0].alias is None:
        name = returns[0].expr.name.lower()
        if name in _SPECIAL:
            return "matches" if name == "patterns" else name  # $patterns: the user's aliases, as $matches
    return None


def _special_rows(bindings: Iterator[dict[str, Any]], kind: str,
                  aliases: dict[int, str]) -> Iterator[tuple[Any, Any]]:
    seen: set[Any] = set()
    for b in bindings:
        if kind == "matches":
            yield b, Document(None, _public(b, aliases))
        elif kind == "paths":
            yield b, Document(None, dict(b))
        else:
            source = _public(b, aliases) if kind == "elements" else b
            for v in source.values():
                if isinstance(v, Document) and v.rid is not None and v.rid not in seen:
                    seen.add(v.rid)
                    yield v, v
