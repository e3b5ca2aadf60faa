"""The database interface the console and the transfer code are written against.

Both the embedded engine (:class:`console.engine.database.EmbeddedDatabase`)
and the remote adapter (:mod:`console.remote`) provide it.
"""

from __future__ import annotations

import contextlib
from typing import Any, Iterator, Protocol, runtime_checkable

from console.engine.document import Document, Record
from console.engine.rid import RID
from console.engine.schema import Schema

RawRow = tuple[int, int, "str | None", int, bytes]  # packed rid, version, class, kind, stored body


@runtime_checkable
class Database(Protocol):
    """An open database, embedded or remote."""

    kind: str  # "embedded" or "remote"
    name: str
    url: str

    @property
    def user_name(self) -> str | None: ...

    @property
    def schema(self) -> Schema: ...

    @property
    def in_transaction(self) -> bool: ...

    @property
    def tx_entries(self) -> int: ...

    def close(self) -> None: ...

    # records
    def load(self, rid: RID | str) -> Record | None: ...

    def browse_class(self, name: str, polymorphic: bool = True) -> Iterator[Document]: ...

    def browse_cluster(self, cluster: int | str) -> Iterator[Record]: ...

    def count_class(self, name: str, polymorphic: bool = True) -> int: ...

    def count_cluster(self, cluster: int | str) -> int: ...

    def raw_cluster(self, cluster: int | str) -> Iterator[RawRow]: ...

    def raw_record(self, rid: RID) -> RawRow | None: ...

    def snapshot(self) -> contextlib.AbstractContextManager[Any]: ...

    def index_size(self, name: str) -> int: ...

    def size_bytes(self) -> int: ...

    # SQL and transactions
    def execute(self, statement: Any, params: Any = None, text: str | None = None) -> Any: ...

    def begin(self) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...
