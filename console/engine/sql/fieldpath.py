"""Writing at a field path: ``a.b``, ``tags[0]``, ``m['key']`` in SET, INCREMENT, ADD,
REMOVE and PUT.

Containers on the way are copied, never changed in place: the record being
updated shares its nested lists and maps with the version read before (which
``RETURN BEFORE`` shows and the record cache holds).
"""

from __future__ import annotations

from typing import Any, Callable

from console.engine.document import Document
from console.engine.rid import RID
from console.engine.sql.context import Context
from console.engine.sql.evaluate import evaluate
from console.engine.validation import short_value
from console.errors import QueryError

MISSING: Any = object()
"""What a transform receives for a place that does not exist yet, and returns to delete one."""

_MAX_PAD = 100_000  # a list index may extend a list with nulls by at most this much


def resolve(path: tuple[Any, ...], ctx: Context) -> list[str | int]:
    """The steps of a path: names stay, index expressions are evaluated (a number is a
    list position, anything else a key)."""
    steps: list[str | int] = []
    for step in path:
        if isinstance(step, str):
            steps.append(step)
            continue
        value = evaluate(step, ctx)
        if isinstance(value, bool) or value is None or isinstance(value, (list, dict, Document)) \
                or isinstance(value, RID):
            raise QueryError(f"'{text(path)}': the index {short_value(value)} is not a position or a key")
        steps.append(value if isinstance(value, int) else str(value))
    return steps


def text(path: tuple[Any, ...]) -> str:
    """A path as it was written (for messages)."""
    from console.engine.sql.text import expr_text

    out = str(path[0])
    for step in path[1:]:
        out += f".{step}" if isinstance(step, str) else f"[{expr_text(step)}]"
    return out


def get(fields: dict[str, Any], steps: list[str | int]) -> Any:
    """The value at ``steps`` (MISSING when some step does not exist)."""
    value: Any = fields
    for step in steps:
        if isinstance(value, Document):
            value = value.fields
        if isinstance(value, dict) and not isinstance(step, int):
            value = value.get(step, MISSING)
        elif isinstance(value, dict):
            value = value.get(str(step), MISSING)
        elif isinstance(value, list) and isinstance(step, int) and -len(value) <= step < len(value):
            value = value[step]
        else:
            return MISSING
        if value is MISSING:
            return MISSING
    return value


def update(doc: Document, steps: list[str | int], change: Callable[[Any], Any], where: str) -> None:
    """Replace the value at ``steps`` of ``doc`` by ``change(old)`` (old is MISSING when
    absent; returning MISSING removes it). Missing maps and lists on the way are created."""
    new = _replaced(doc, steps, change, where, "")
    if new is not MISSING:
        doc.fields, doc.types = new.fields, new.types


def _replaced(container: Any, steps: list[str | int], change: Callable[[Any], Any], where: str,
              parent: str) -> Any:
    """A copy of ``container`` with the change made at ``steps`` (MISSING: nothing to do)."""
    step, rest = steps[0], steps[1:]
    if container is MISSING or container is None:
        container = [] if isinstance(step, int) else {}
    if isinstance(container, (Document, dict)):
        copy = container.copy() if isinstance(container, Document) else dict(container)
        fields = copy.fields if isinstance(copy, Document) else copy
        key = str(step)
        old = fields.get(key, MISSING)
        inner = _replaced(old, rest, change, where, key) if rest else change(old)
        if inner is MISSING:
            if rest or old is MISSING:
                return MISSING  # nothing to remove
            del fields[key]
            if isinstance(copy, Document):
                copy.types.pop(key, None)
        else:
            fields[key] = inner
        return copy
    if isinstance(container, list) and isinstance(step, int):
        copy_l = list(container)
        i = step + len(copy_l) if step < 0 else step
        if i < 0:
            raise QueryError(f"'{where}': position {step} is before the start of a list of {len(copy_l)}")
        present = i < len(copy_l)
        old = copy_l[i] if present else MISSING
        inner = _replaced(old, rest, change, where, str(step)) if rest else change(old)
        if inner is MISSING:
            if present and not rest:
                del copy_l[i]
            return copy_l if present else MISSING
        if not present:
            if i - len(copy_l) > _MAX_PAD:
                raise QueryError(f"'{where}': position {step} is far past the end of a list of {len(copy_l)}")
            copy_l.extend([None] * (i - len(copy_l) + 1))
        copy_l[i] = inner
        return copy_l
    raise QueryError(f"cannot set '{where}': '{parent}' is not an embedded document, map or list "
                     f"({short_value(container)})")
