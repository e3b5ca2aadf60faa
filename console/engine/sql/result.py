"""What executing a statement gives back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable


@dataclass
class Result:
    """The outcome of one statement.

    ``kind`` is ``rows`` (a query: ``rows`` streams records or projection
    documents), ``records`` (records created or returned by a command, in
    ``rows``), ``count`` (records affected), ``value`` (a scalar such as the
    number of classes after CREATE CLASS) or ``none``.
    """

    kind: str
    rows: Iterable[Any] | None = None
    count: int | None = None
    value: Any = None
    message: str | None = None
    statement: str = ""

    def __iter__(self):
        return iter(self.rows or ())
