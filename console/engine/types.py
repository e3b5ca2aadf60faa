"""OrientDB's property types, their numeric ids and their export letters."""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from enum import Enum
from typing import Any

from console.errors import TypeMismatch


class OType(Enum):
    """An OrientDB type; ``value`` is OrientDB's numeric id."""

    BOOLEAN = 0
    INTEGER = 1
    SHORT = 2
    LONG = 3
    FLOAT = 4
    DOUBLE = 5
    DATETIME = 6
    STRING = 7
    BINARY = 8
    EMBEDDED = 9
    EMBEDDEDLIST = 10
    EMBEDDEDSET = 11
    EMBEDDEDMAP = 12
    LINK = 13
    LINKLIST = 14
    LINKSET = 15
    LINKMAP = 16
    BYTE = 17
    TRANSIENT = 18
    DATE = 19
    CUSTOM = 20
    DECIMAL = 21
    LINKBAG = 22
    ANY = 23

    # Members are singletons: hash by identity (Enum's default hashes the name
    # in Python code, which shows up in every per-field hot path).
    __hash__ = object.__hash__

    @classmethod
    def parse(cls, name: str) -> "OType":
        """The type called ``name`` (any case); raises TypeMismatch otherwise."""
        try:
            return cls[name.strip().upper()]
        except KeyError:
            valid = ", ".join(t.name for t in cls if t is not OType.TRANSIENT)
            raise TypeMismatch(f"unknown type '{name}' (valid types: {valid})") from None

    @property
    def is_link(self) -> bool:
        return self in LINK_TYPES

    @property
    def is_collection(self) -> bool:
        return self in COLLECTION_TYPES

    @property
    def is_numeric(self) -> bool:
        return self in NUMERIC_TYPES


LINK_TYPES = frozenset({OType.LINK, OType.LINKLIST, OType.LINKSET, OType.LINKMAP, OType.LINKBAG})
LINK_COLLECTIONS = frozenset({OType.LINKLIST, OType.LINKSET, OType.LINKBAG})
COLLECTION_TYPES = frozenset({
    OType.EMBEDDEDLIST, OType.EMBEDDEDSET, OType.EMBEDDEDMAP,
    OType.LINKLIST, OType.LINKSET, OType.LINKMAP, OType.LINKBAG,
})
INTEGER_TYPES = frozenset({OType.BYTE, OType.SHORT, OType.INTEGER, OType.LONG})
NUMERIC_TYPES = INTEGER_TYPES | {OType.FLOAT, OType.DOUBLE, OType.DECIMAL}

INTEGER_RANGES = {
    OType.BYTE: (-(2**7), 2**7 - 1),
    OType.SHORT: (-(2**15), 2**15 - 1),
    OType.INTEGER: (-(2**31), 2**31 - 1),
    OType.LONG: (-(2**63), 2**63 - 1),
}

# Letters of @fieldTypes. OrientDB writes DATE as "t" (and reads "a" as DATE);
# we write "a" so that a DATE without a schema property stays a DATE.
TYPE_LETTERS: dict[OType, str] = {
    OType.LONG: "l",
    OType.LINK: "x",
    OType.FLOAT: "f",
    OType.SHORT: "s",
    OType.DOUBLE: "d",
    OType.DATETIME: "t",
    OType.DATE: "a",
    OType.BYTE: "b",
    OType.BINARY: "b",
    OType.DECIMAL: "c",
    OType.LINKSET: "n",
    OType.EMBEDDEDSET: "e",
    OType.LINKBAG: "g",
    OType.LINKLIST: "z",
    OType.LINKMAP: "m",
    OType.CUSTOM: "u",
}

LETTER_TYPES: dict[str, OType] = {
    "l": OType.LONG,
    "x": OType.LINK,
    "f": OType.FLOAT,
    "s": OType.SHORT,
    "d": OType.DOUBLE,
    "t": OType.DATETIME,
    "a": OType.DATE,
    "b": OType.BINARY,  # BYTE when the value is a number
    "c": OType.DECIMAL,
    "n": OType.LINKSET,
    "e": OType.EMBEDDEDSET,
    "g": OType.LINKBAG,
    "z": OType.LINKLIST,
    "m": OType.LINKMAP,
    "u": OType.CUSTOM,
}

EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)


def infer_type(value: Any) -> OType | None:
    """The type OrientDB would give a schema-less Python value (None for null)."""
    t = _INFER.get(type(value))
    if t is not None:
        if t is _INTEGER and not -2147483648 <= value <= 2147483647:
            return _LONG
        return t
    if value is None:
        return None
    return _infer_other(value)


def _infer_other(value: Any) -> OType:
    from console.engine.document import Document  # document imports this module
    from console.engine.rid import RID

    if isinstance(value, Document):
        return OType.EMBEDDED
    if isinstance(value, (set, frozenset)):
        if value and all(type(v) is RID for v in value):
            return OType.LINKSET
        return OType.EMBEDDEDSET
    if isinstance(value, (list, tuple)):
        if value and all(type(v) is RID for v in value):
            return OType.LINKLIST
        return OType.EMBEDDEDLIST
    if isinstance(value, dict):
        if value and all(type(v) is RID for v in value.values()):
            return OType.LINKMAP
        return OType.EMBEDDEDMAP
    if isinstance(value, bool):
        return OType.BOOLEAN
    if isinstance(value, int):
        return OType.INTEGER if -2147483648 <= value <= 2147483647 else OType.LONG
    if isinstance(value, float):
        return OType.DOUBLE
    if isinstance(value, str):
        return OType.STRING
    if isinstance(value, _dt.datetime):
        return OType.DATETIME
    if isinstance(value, _dt.date):
        return OType.DATE
    return OType.ANY


# Enum member access through the class costs ~200 ns on Python 3.11; hot
# paths use these module-level aliases instead.
_INTEGER = OType.INTEGER
_LONG = OType.LONG

_INFER: dict[type, OType] = {
    str: OType.STRING,
    bool: OType.BOOLEAN,
    int: OType.INTEGER,
    float: OType.DOUBLE,
    Decimal: OType.DECIMAL,
    _dt.datetime: OType.DATETIME,
    _dt.date: OType.DATE,
    bytes: OType.BINARY,
    bytearray: OType.BINARY,
}


def _register_rid() -> None:
    from console.engine.rid import RID

    _INFER[RID] = OType.LINK


_register_rid()
