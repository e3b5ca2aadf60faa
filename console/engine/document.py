"""Records: documents (ordered fields, optional class) and blobs (bytes)."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from console.engine.rid import RID
from console.engine.types import OType, infer_type


class Document:
    """A document: ordered fields, explicit types where a value alone is ambiguous.

    ``types`` maps a field name to its OType when the Python value does not
    say it by itself (a LONG held in an int, a LINKSET held in a list, ...).
    Embedded documents have no ``rid`` and version 0.
    """

    __slots__ = ("class_name", "fields", "types", "rid", "version")

    def __init__(
        self,
        class_name: str | None = None,
        fields: Mapping[str, Any] | None = None,
        types: Mapping[str, OType] | None = None,
        rid: RID | None = None,
        version: int = 0,
    ) -> None:
        self.class_name = class_name
        self.fields: dict[str, Any] = dict(fields) if fields else {}
        self.types: dict[str, OType] = dict(types) if types else {}
        self.rid = rid
        self.version = version

    # -- mapping-like access ------------------------------------------------
    def __getitem__(self, name: str) -> Any:
        return self.fields[name]

    def __setitem__(self, name: str, value: Any) -> None:
        self.fields[name] = value
        self.types.pop(name, None)

    def __delitem__(self, name: str) -> None:
        del self.fields[name]
        self.types.pop(name, None)

    def __contains__(self, name: object) -> bool:
        return name in self.fields

    def __iter__(self) -> Iterator[str]:
        return iter(self.fields)

    def __len__(self) -> int:
        return len(self.fields)

    def get(self, name: str, default: Any = None) -> Any:
        return self.fields.get(name, default)

    def keys(self):
        return self.fields.keys()

    def items(self):
        return self.fields.items()

    def set(self, name: str, value: Any, otype: OType | None = None) -> None:
        """Set a field, optionally with an explicit type."""
        self.fields[name] = value
        if otype is None:
            self.types.pop(name, None)
        else:
            self.types[name] = otype

    def type_of(self, name: str) -> OType | None:
        """The field's type: explicit when known, else inferred from its value."""
        t = self.types.get(name)
        return t if t is not None else infer_type(self.fields.get(name))

    def copy(self) -> "Document":
        return Document(self.class_name, self.fields, self.types, self.rid, self.version)

    # -- comparison and display ---------------------------------------------
    def _effective_types(self) -> dict[str, OType | None]:
        return {k: self.type_of(k) for k in self.fields}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Document):
            return NotImplemented
        return (
            self.class_name == other.class_name
            and self.fields == other.fields
            and list(self.fields) == list(other.fields)
            and self._effective_types() == other._effective_types()
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        head = f"{self.class_name or ''}{self.rid or ''}v{self.version}"
        return f"Document({head} {self.fields!r})"


class Blob:
    """A binary record."""

    __slots__ = ("data", "rid", "version")

    def __init__(self, data: bytes, rid: RID | None = None, version: int = 0) -> None:
        self.data = bytes(data)
        self.rid = rid
        self.version = version

    class_name = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Blob) and self.data == other.data

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Blob({self.rid} v{self.version} {len(self.data)} bytes)"


Record = Document | Blob
