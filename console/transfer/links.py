"""Links inside export records: find them and rewrite them, at any depth.

A record body (as parsed from an export) holds links in fields typed by
``@fieldTypes`` letters: ``x`` (LINK), ``z`` (LINKLIST), ``n`` (LINKSET),
``g`` (LINKBAG) and ``m`` (LINKMAP). Embedded documents (objects with
``@type``) carry their own ``@fieldTypes`` and may sit inside fields, lists
and maps.
"""

from __future__ import annotations

from typing import Any, Callable

import orjson

LINK_LETTERS = frozenset("xzngm")
_MARKERS = ("=x", "=z", "=n", "=g", "=m")

# Maps an old "#c:p" to its new text, or None to drop the link.
Rewrite = Callable[[str], "str | None"]


def may_hold_links(obj: dict[str, Any], raw: bytes | None = None,
                   declared: dict[str, str] | None = None) -> bool:
    """Cheap test: False when the record certainly has no links."""
    if declared and any(name in obj for name in declared):
        return True
    ft = obj.get("@fieldTypes")
    if isinstance(ft, str) and any(m in ft for m in _MARKERS):
        return True
    if raw is not None:
        return raw.count(b'"@type"') > 1
    return any(isinstance(v, (dict, list)) for v in obj.values())


_LETTERS_CACHE: dict[str, dict[str, str]] = {}
_NO_LETTERS: dict[str, str] = {}


def letters(obj: dict[str, Any]) -> dict[str, str]:
    """Field -> letter of a document's @fieldTypes (cached parses: do not modify)."""
    ft = obj.get("@fieldTypes")
    if type(ft) is not str or not ft:
        return _NO_LETTERS
    parsed = _LETTERS_CACHE.get(ft)
    if parsed is None:
        parsed = {}
        for part in ft.split(","):
            name, _, letter = part.rpartition("=")
            if name:
                parsed[name] = letter
        if len(_LETTERS_CACHE) > 4096:
            _LETTERS_CACHE.clear()
        _LETTERS_CACHE[ft] = parsed
    return parsed


def visit(obj: dict[str, Any], fn: Rewrite, declared: dict[str, str] | None = None,
          nested: bool = True) -> bool:
    """Rewrite every link of a document in place; True when something changed.

    ``declared`` gives letters for fields the schema types as links when the
    record itself has no letter for them (OrientDB writes no letter for a
    non-empty LINKMAP). ``nested=False`` skips the walk into embedded
    documents (the caller knows there are none).
    """
    found = letters(obj)
    if declared:
        found = {**declared, **found}
    changed = rewrite_fields(obj, tuple((n, letter) for n, letter in found.items() if letter in LINK_LETTERS), fn)
    if nested:
        for name, value in obj.items():
            if name[:1] == "@" or found.get(name) in LINK_LETTERS:
                continue
            if isinstance(value, (dict, list)) and _visit_nested(value, fn):
                changed = True
    return changed


def link_fields(field_types: Any, declared: dict[str, str] | None = None) -> tuple[tuple[str, str], ...]:
    """The (field, letter) pairs holding links in a document with this ``@fieldTypes``
    and no embedded documents (``declared``: letters the schema gives link properties)."""
    found = letters({"@fieldTypes": field_types})
    if declared:
        found = {**declared, **found}
    return tuple((name, letter) for name, letter in found.items() if letter in LINK_LETTERS)


def rewrite_fields(obj: dict[str, Any], fields: tuple[tuple[str, str], ...], fn: Rewrite) -> bool:
    """Rewrite the links of the given top-level fields in place; True when something changed."""
    changed = False
    for name, letter in fields:
        value = obj.get(name)
        if value is not None:
            new, ch = _rewrite_value(value, letter, fn)
            if ch:
                obj[name] = new
                changed = True
    return changed


def patch_fields(body: bytes, fields: tuple[tuple[str, str], ...], before: list[Any],
                 obj: dict[str, Any]) -> bytes | None:
    """``body`` (a document's JSON without embedded documents) with the values of
    ``fields`` that changed from ``before`` replaced by those of ``obj``: only the
    link values are touched, every other byte stays as written. None when a value
    is not where and as expected (the caller then encodes the whole document)."""
    for (name, _), old in zip(fields, before):
        new = obj.get(name)
        if new is old:
            continue
        key = orjson.dumps(name) + b":"
        at = body.find(key)
        if at < 0 or body.find(key, at + 1) >= 0:
            return None
        start = at + len(key)
        old_text = orjson.dumps(old)
        if not body.startswith(old_text, start):
            return None
        body = body[:start] + orjson.dumps(new) + body[start + len(old_text):]
    return body


def gather_fields(obj: dict[str, Any], fields: tuple[tuple[str, str], ...], out: list[Any]) -> None:
    """Append the link values of the given top-level fields to ``out`` (non-strings included)."""
    for name, letter in fields:
        value = obj.get(name)
        if value is None:
            continue
        if letter == "x":
            out.append(value)
        elif letter == "m":
            if type(value) is dict:
                out.extend(value.values())
        elif type(value) is list:
            out.extend(value)


def _rewrite_value(value: Any, letter: str, fn: Rewrite) -> tuple[Any, bool]:
    if letter == "x":
        if isinstance(value, str):
            new = fn(value)
            return new, new != value
        return value, False
    if letter == "m":
        if not isinstance(value, dict):
            return value, False
        out: dict[str, Any] = {}
        ch = False
        for k, v in value.items():
            if isinstance(v, str):
                nv = fn(v)
                if nv != v:
                    ch = True
                if nv is not None:
                    out[k] = nv
            else:
                out[k] = v
        return out, ch
    if not isinstance(value, list):
        return value, False
    items: list[Any] = []
    ch = False
    for v in value:
        if isinstance(v, str):
            nv = fn(v)
            if nv != v:
                ch = True
            if nv is not None:
                items.append(nv)
        else:
            items.append(v)
    return items, ch


def _visit_nested(value: Any, fn: Rewrite) -> bool:
    if isinstance(value, dict):
        if "@type" in value:
            return visit(value, fn)
        changed = False
        for v in value.values():
            if isinstance(v, (dict, list)) and _visit_nested(v, fn):
                changed = True
        return changed
    changed = False
    for v in value:
        if isinstance(v, (dict, list)) and _visit_nested(v, fn):
            changed = True
    return changed


def collect(obj: dict[str, Any]) -> list[str]:
    """Every link target of a document (as written, "#c:p")."""
    found: list[str] = []

    def note(v: str) -> str:
        found.append(v)
        return v

    visit(obj, note)
    return found
