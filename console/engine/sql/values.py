"""How SQL compares and converts values (OrientDB's loose typing).

Comparisons convert the right operand towards the left one's type when they
differ (``'5' = 5`` is true, ``date > '2020-01-01'`` compares instants);
any comparison involving null is false.
"""

from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from console.engine.codec import datetime_to_ms, ms_to_datetime
from console.engine.document import Blob, Document
from console.engine.rid import RID, RID_RE
from console.engine.validation import Mismatch, parse_datetime

_NUMBERS = (int, float, Decimal)


def is_number(v: Any) -> bool:
    return isinstance(v, _NUMBERS) and not isinstance(v, bool)


def as_number(v: Any) -> int | float | Decimal | None:
    """A number from a number or numeric text; None when impossible."""
    if is_number(v):
        return v
    if isinstance(v, bool):
        return None
    if isinstance(v, str):
        t = v.strip()
        try:
            return int(t)
        except ValueError:
            try:
                return float(t)
            except ValueError:
                return None
    if isinstance(v, (_dt.datetime, _dt.date)):
        return datetime_to_ms(v if isinstance(v, _dt.datetime) else _dt.datetime(v.year, v.month, v.day))
    return None


def as_datetime(v: Any) -> _dt.datetime | None:
    if isinstance(v, _dt.datetime):
        return v if v.tzinfo else v.replace(tzinfo=_dt.timezone.utc)
    if isinstance(v, _dt.date):
        return _dt.datetime(v.year, v.month, v.day, tzinfo=_dt.timezone.utc)
    if isinstance(v, str):
        try:
            return parse_datetime(v)
        except Mismatch:
            return None
    if is_number(v):
        return ms_to_datetime(int(v))
    return None


def as_rid(v: Any) -> RID | None:
    if isinstance(v, RID):
        return v
    if isinstance(v, (Document, Blob)):
        return v.rid
    if isinstance(v, str) and RID_RE.match(v.strip()):
        return RID.parse(v)
    return None


def _num_cmp(a: Any, b: Any) -> int:
    if isinstance(a, Decimal) and isinstance(b, float):
        b = Decimal(repr(b))
    elif isinstance(b, Decimal) and isinstance(a, float):
        a = Decimal(repr(a))
    return (a > b) - (a < b)


def compare(a: Any, b: Any) -> int | None:
    """-1, 0 or 1; None when the values cannot be compared (or one is null)."""
    if a is None or b is None:
        return None
    if is_number(a):
        nb = b if is_number(b) else as_number(b)
        return None if nb is None else _num_cmp(a, nb)
    if isinstance(a, str):
        if isinstance(b, str):
            return (a > b) - (a < b)
        if is_number(b):
            na = as_number(a)
            return None if na is None else _num_cmp(na, b)
        if isinstance(b, RID):
            return compare(a, str(b))
        if isinstance(b, (_dt.datetime, _dt.date)):
            da = as_datetime(a)
            return None if da is None else compare(da, b)
        if isinstance(b, bool):
            return compare(a.lower(), "true" if b else "false")
        return None
    if isinstance(a, bool):
        if isinstance(b, bool):
            return (a > b) - (a < b)
        if isinstance(b, str) and b.lower() in ("true", "false"):
            return compare(a, b.lower() == "true")
        return None
    if isinstance(a, (_dt.datetime, _dt.date)):
        da, db_ = as_datetime(a), as_datetime(b)
        if da is None or db_ is None:
            return None
        return (da > db_) - (da < db_)
    if isinstance(a, RID):
        rb = as_rid(b)
        if rb is None:
            return None
        return (a > rb) - (a < rb)
    if isinstance(a, (Document, Blob)) and a.rid is not None:
        return compare(a.rid, b)
    if isinstance(a, bytes) and isinstance(b, bytes):
        return (a > b) - (a < b)
    try:
        if a == b:
            return 0
    except Exception:
        return None
    return None


def equals(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return False
    if isinstance(a, (list, dict)) or isinstance(b, (list, dict)):
        return _plain(a) == _plain(b)
    return compare(a, b) == 0


def _plain(v: Any) -> Any:
    if isinstance(v, (Document, Blob)):
        return v.rid if v.rid is not None else (v.fields if isinstance(v, Document) else v.data)
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    return v


@lru_cache(maxsize=256)
def like_regex(pattern: str, insensitive: bool) -> re.Pattern[str]:
    """OrientDB's LIKE (``%`` any run, ``?`` one character; ``_`` is itself) as a regex."""
    out = []
    for ch in pattern:
        if ch == "%":
            out.append(".*")
        elif ch == "?":
            out.append(".")
        else:
            out.append(re.escape(ch))
    return re.compile("".join(out), re.S | (re.I if insensitive else 0))


def like(value: Any, pattern: Any, insensitive: bool = False) -> bool:
    if value is None or pattern is None:
        return False
    return like_regex(str(pattern), insensitive).fullmatch(str(value)) is not None


def truthy(v: Any) -> bool:
    """A condition's value as a boolean (null and non-booleans are false)."""
    if v is True:
        return True
    if isinstance(v, str):
        return v.lower() == "true"
    return False


def as_collection(v: Any) -> list[Any] | None:
    if v is None:
        return None
    if isinstance(v, (list, tuple, set, frozenset)) and not isinstance(v, RID):
        return list(v)
    if isinstance(v, dict) and not isinstance(v, Document):
        return list(v.values())
    return None


def in_collection(value: Any, coll: Any) -> bool:
    items = as_collection(coll)
    if items is None:
        return equals(value, coll)
    if isinstance(value, (list, tuple)) and not isinstance(value, RID):
        return any(equals(value, x) for x in items) or all(in_collection(v, items) for v in value)
    return any(equals(value, x) for x in items)


def to_decimal(v: Any) -> Decimal | None:
    if isinstance(v, Decimal):
        return v
    try:
        return Decimal(str(v))
    except (InvalidOperation, ValueError):
        return None


def sort_key(v: Any) -> tuple[int, Any]:
    """A total order across types for ORDER BY (nulls first)."""
    if v is None:
        return (0, 0)
    if isinstance(v, bool):
        return (1, int(v))
    if is_number(v):
        return (2, float(v))
    if isinstance(v, _dt.datetime):
        return (3, v.timestamp())
    if isinstance(v, _dt.date):
        return (3, _dt.datetime(v.year, v.month, v.day, tzinfo=_dt.timezone.utc).timestamp())
    if isinstance(v, str):
        return (4, v)
    if isinstance(v, RID):
        return (5, (v.cluster, v.position))
    if isinstance(v, (Document, Blob)) and v.rid is not None:
        return (5, (v.rid.cluster, v.rid.position))
    return (6, repr(v))


def hashable(v: Any) -> Any:
    """A hashable key that is equal for equal values (GROUP BY, DISTINCT, set functions);
    a record and its RID give the same key."""
    if isinstance(v, RID):
        return ("rid", v)
    if isinstance(v, (Document, Blob)):
        if v.rid is not None:
            return ("rid", v.rid)
        if isinstance(v, Document):
            return ("doc", tuple((k, hashable(x)) for k, x in v.fields.items()))
        return ("blob", v.data)
    if isinstance(v, list):
        return tuple(hashable(x) for x in v)
    if isinstance(v, dict):
        return tuple(sorted((str(k), hashable(x)) for k, x in v.items()))
    try:
        hash(v)
    except TypeError:
        return repr(v)
    return v
