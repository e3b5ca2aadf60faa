"""CHECK DATABASE on a remote database; REPAIR DATABASE is refused there.

The embedded checker (:class:`console.transfer.check.Checker`) reads every
record through the ``Database`` interface, so the same scan, link, edge and
link-bag checks run over the protocol (records come page by page). What
differs is the index check: a remote index cannot be compared with the
data entry by entry, so its entry count (``select count(*) from
index:<name>``) is compared with the count the records imply. Records are
read a second time for that, only those of indexed classes.
"""

from __future__ import annotations

from typing import Any, Callable

from console.engine import indexing
from console.engine.document import Document
from console.errors import OrientError
from console.transfer.check import Checker, CheckReport, Problem

Say = Callable[[str], None]
REPAIR_REFUSED = ("REPAIR DATABASE (CHECK DATABASE -fix) is not supported on remote databases: it needs the "
                  "storage itself; run it on the server's embedded database, or fix the records with SQL")


def check_remote(db: Any, *, say: Say = lambda s: None) -> CheckReport:
    """Run every check that can run over the protocol."""
    if db.in_transaction:
        raise OrientError("CHECK DATABASE cannot run while a remote transaction is queued: COMMIT or ROLLBACK first")
    checker = Checker(db, say)
    try:
        with db.snapshot():
            say("Checking records, links and clusters...")
            checker.scan()
            checker.check_links()
            checker.check_sequences()
            say("Checking edges and link bags...")
            checker.check_graph()
            say("Checking index entry counts...")
            _check_index_counts(db, checker.report, say)
        return checker.report
    finally:
        checker.close()


def _check_index_counts(db: Any, report: CheckReport, say: Say) -> None:
    schema = db.schema
    by_class: dict[str, list[Any]] = {}
    for ix in schema.indexes:
        report.indexes += 1
        if schema.has_class(ix.class_name):
            by_class.setdefault(schema.cls(ix.class_name).name, []).append(ix)
    expected: dict[str, int] = {ix.name: 0 for ix in schema.indexes}
    keys_seen: dict[str, set[Any]] = {ix.name: set() for ix in schema.indexes if ix.kind == "DICTIONARY"}
    for cls, indexes in by_class.items():
        for doc in db.browse_class(cls):
            if not isinstance(doc, Document):
                continue
            for ix in indexes:
                keys = indexing.index_keys(ix, doc.fields)
                if ix.name in keys_seen:
                    keys_seen[ix.name].update(_hashable(k) for k in keys)
                else:
                    expected[ix.name] += len(keys)
    for name, seen in keys_seen.items():
        expected[name] = len(seen)
    for ix in schema.indexes:
        actual = db.index_size(ix.name)
        if actual != expected[ix.name]:
            report.problems.append(Problem("index", ix.name, f"index {ix.name} has {actual} entries, the data "
                                           f"implies {expected[ix.name]}"))
            say(f"- index {ix.name} has {actual} entries, the data implies {expected[ix.name]}")


def _hashable(key: Any) -> Any:
    if isinstance(key, (list, tuple)):
        return tuple(_hashable(k) for k in key)
    if isinstance(key, dict):
        return tuple(sorted((str(k), _hashable(v)) for k, v in key.items()))
    return key


__all__ = ["check_remote", "REPAIR_REFUSED"]
