"""CHECK DATABASE and REPAIR DATABASE (CHECK DATABASE -fix).

Checks that every link (at any depth) points to an existing record, that
edges and their vertices' link bags agree, that every index matches the
data and that each record sits in a cluster of its class. The bookkeeping
lives in a scratch SQLite file so memory does not grow with the database.
REPAIR removes dangling links, deletes edges without a vertex, mends link
bags and rebuilds every index, all in one transaction.
"""

from __future__ import annotations

import itertools
import re
import sqlite3
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

import orjson

from console.engine import indexing
from console.engine.codec import decode_body, loads
from console.engine.graph import edge_class_of_field, edge_field
from console.engine.rid import POSITION_BITS, POSITION_MASK, RID
from console.engine.security import READ, UPDATE
from console.errors import OrientError
from console.transfer import links as link_walk
from console.transfer.scratch import Scratch

Say = Callable[[str], None]


@dataclass
class Problem:
    kind: str  # dangling-link, edge, bag, index, cluster, sequence
    rid: str
    message: str

    def __str__(self) -> str:
        return f"{self.rid}: {self.message}"


@dataclass
class CheckReport:
    records: int = 0
    links: int = 0
    edges: int = 0
    indexes: int = 0
    problems: list[Problem] = field(default_factory=list)
    fixed: int = 0

    def count(self, kind: str) -> int:
        return sum(1 for p in self.problems if p.kind == kind)


def _text(key: int) -> str:
    return f"#{key >> POSITION_BITS}:{key & POSITION_MASK}"


_NEGATIVE_RID = re.compile(r"#-?\d+:-\d+\Z|#-\d+:-?\d+\Z")


def _key(text: Any) -> int | None:
    if isinstance(text, str) and text.startswith("#"):
        c, _, p = text[1:].partition(":")
        try:
            ci, pi = int(c), int(p)
        except ValueError:
            return None
        if ci >= 0 and pi >= 0:
            return (ci << POSITION_BITS) | pi
    return None


class Checker:
    """One CHECK DATABASE run over an embedded database."""

    def __init__(self, db: Any, say: Say = lambda s: None) -> None:
        self.db = db
        self.say = say
        self.report = CheckReport()
        self.temporary: dict[int, set[str]] = {}  # record -> temporary ids (#c:-n) it links to
        self.scratch = Scratch()
        c = self.scratch.conn
        c.executescript("""
            CREATE TABLE edges(edge INTEGER PRIMARY KEY, cls TEXT, out_v INTEGER, in_v INTEGER);
            CREATE TABLE bags(vertex INTEGER, dir TEXT, cls TEXT, edge INTEGER);
            CREATE TABLE classes(rid INTEGER PRIMARY KEY, cls TEXT);
        """)

    def close(self) -> None:
        self.scratch.close()

    # -- scanning -----------------------------------------------------------------------
    def scan(self) -> None:
        db = self.db
        schema = db.schema
        seen: list[tuple[int, int]] = []
        link_rows: list[tuple[int, int, int, int]] = []
        edges: list[tuple[int, str, int | None, int | None]] = []
        bags: list[tuple[int, str, str, int]] = []
        classes: list[tuple[int, str | None]] = []
        for c in schema.clusters:
            owner = schema.class_of_cluster(c.id)
            for key, version, cls, kind, data in db.raw_cluster(c.id):
                self.report.records += 1
                seen.append((key, 0))
                classes.append((key, cls))
                if cls is not None and not schema.has_class(cls):
                    self._problem("cluster", key, f"record of class {cls}, which is not in the schema")
                elif owner is not None and cls is not None and cls.lower() != owner.lower():
                    self._problem("cluster", key, f"record of class {cls} sits in cluster '{c.name}' of class {owner}")
                elif owner is not None and cls is None and kind == 0:
                    self._problem("cluster", key, f"record without a class sits in cluster '{c.name}' of class {owner}")
                if kind != 0:
                    continue
                obj = loads(data)
                for target in link_walk.collect(obj):
                    t = _key(target)
                    if t is not None:
                        link_rows.append((key, 0, t, t))
                        self.report.links += 1
                    elif _NEGATIVE_RID.match(str(target)):  # a temporary id saved by mistake
                        self.report.links += 1
                        self.temporary.setdefault(key, set()).add(str(target))
                        self._problem("dangling-link", key, f"links to {target}, a temporary id that "
                                      "names no stored record")
                if cls and schema.has_class(cls):
                    if schema.is_edge_class(cls):
                        edges.append((key, cls, _key(obj.get("out")), _key(obj.get("in"))))
                        self.report.edges += 1
                    elif schema.is_vertex_class(cls):
                        for name, value in obj.items():
                            parsed = edge_class_of_field(name)
                            if parsed and isinstance(value, list):
                                for v in value:
                                    k = _key(v)
                                    if k is not None:
                                        bags.append((key, parsed[0], parsed[1], k))
                if len(seen) >= 5000:
                    self._flush(seen, link_rows, edges, bags, classes)
        self._flush(seen, link_rows, edges, bags, classes)

    def _flush(self, seen: list[Any], link_rows: list[Any], edges: list[Any], bags: list[Any],
               classes: list[Any]) -> None:
        sc = self.scratch
        sc.add_seen(seen)
        sc.add_links(link_rows)
        c = sc.conn
        c.execute("BEGIN")
        c.executemany("INSERT INTO edges VALUES (?, ?, ?, ?)", edges)
        c.executemany("INSERT INTO bags VALUES (?, ?, ?, ?)", bags)
        c.executemany("INSERT INTO classes VALUES (?, ?)", classes)
        c.execute("COMMIT")
        for lst in (seen, link_rows, edges, bags, classes):
            lst.clear()

    def _problem(self, kind: str, key: int, message: str) -> None:
        p = Problem(kind, _text(key), message)
        self.report.problems.append(p)
        self.say(f"- {p}")

    # -- checks ----------------------------------------------------------------------------
    def check_sequences(self) -> None:
        """Two OSequence records of one name (case-insensitive): sequence('s') cannot choose."""
        if not self.db.schema.has_class("OSequence"):
            return
        by_name: dict[str, list[Any]] = {}
        for rec in self.db.browse_class("OSequence"):
            name = getattr(rec, "fields", {}).get("name")
            if isinstance(name, str):
                by_name.setdefault(name.lower(), []).append(rec)
        for recs in by_name.values():
            for rec in recs[1:]:
                self._problem("sequence", rec.rid.key, f"sequence '{rec.fields['name']}' is also defined by "
                              f"{recs[0].rid}: delete one of them from OSequence")

    def check_links(self) -> set[tuple[int, int]]:
        """Dangling links: (source, target) pairs."""
        out: set[tuple[int, int]] = set()
        for src, _idx, old in self.scratch.dangling():
            out.add((src, old))
            self._problem("dangling-link", src, f"links to {_text(old)}, which does not exist")
        return out

    def check_graph(self) -> tuple[list[int], list[tuple[int, str, str, int]], list[tuple[int, str, str, int]]]:
        """Edges without a vertex; bag entries to add; bag entries to remove."""
        c = self.scratch.conn
        broken_edges: list[int] = []
        missing: list[tuple[int, str, str, int]] = []
        stray: list[tuple[int, str, str, int]] = []
        for edge, cls, out_v, in_v in c.execute(
                "SELECT edge, cls, out_v, in_v FROM edges WHERE out_v IS NULL OR in_v IS NULL "
                "OR out_v NOT IN (SELECT new FROM seen) OR in_v NOT IN (SELECT new FROM seen)"):
            broken_edges.append(edge)
            self._problem("edge", edge, f"edge {cls} lacks its {'out' if out_v is None else 'in'} vertex "
                          "or points to a missing one")
        for edge, cls, out_v, in_v in c.execute(
                "SELECT e.edge, e.cls, e.out_v, e.in_v FROM edges e WHERE e.out_v IN (SELECT new FROM seen) "
                "AND e.in_v IN (SELECT new FROM seen)"):
            for direction, vertex in (("out", out_v), ("in", in_v)):
                found = c.execute("SELECT 1 FROM bags WHERE vertex = ? AND dir = ? AND edge = ? LIMIT 1",
                                  (vertex, direction, edge)).fetchone()
                if found is None:
                    missing.append((vertex, direction, cls, edge))
                    self._problem("bag", vertex, f"vertex lacks edge {_text(edge)} in {edge_field(direction, cls)}")
        for vertex, direction, cls, edge in c.execute(
                "SELECT b.vertex, b.dir, b.cls, b.edge FROM bags b LEFT JOIN edges e ON e.edge = b.edge "
                "WHERE (e.edge IS NULL AND b.edge NOT IN (SELECT rid FROM classes WHERE cls IS NOT NULL)) "
                "OR (e.edge IS NOT NULL AND ((b.dir = 'out' AND e.out_v != b.vertex) "
                "OR (b.dir = 'in' AND e.in_v != b.vertex)))"):
            stray.append((vertex, direction, cls, edge))
            self._problem("bag", vertex, f"{edge_field(direction, cls)} holds {_text(edge)}, "
                          "which is not an edge of this vertex")
        # An edge listed twice in one bag (out() would give its vertex twice): repaired by
        # taking every copy out (stray) and putting one back (missing).
        wrong = set(stray)
        for vertex, direction, cls, edge, n in c.execute(
                "SELECT vertex, dir, cls, edge, COUNT(*) FROM bags GROUP BY vertex, dir, cls, edge HAVING COUNT(*) > 1"):
            if (vertex, direction, cls, edge) in wrong:
                continue
            stray.append((vertex, direction, cls, edge))
            missing.append((vertex, direction, cls, edge))
            self._problem("bag", vertex, f"{edge_field(direction, cls)} holds {_text(edge)} {n} times")
        return broken_edges, missing, stray

    def check_indexes(self) -> list[str]:
        """Indexes whose entries differ from what the data implies."""
        db = self.db
        conn = db.conn
        schema = db.schema
        bad: list[str] = []
        for ix in schema.indexes:
            self.report.indexes += 1
            expected: list[tuple[Any, ...]] = []
            if schema.has_class(ix.class_name):
                names = schema.descendants(ix.class_name)
                marks = ",".join("?" * len(names))
                for cid in schema.polymorphic_cluster_ids(ix.class_name):
                    lo, hi = cid << POSITION_BITS, (cid << POSITION_BITS) | POSITION_MASK
                    for key, cls, data in conn.execute(
                            f"SELECT rid, cls, data FROM records WHERE rid BETWEEN ? AND ? AND kind = 0 "
                            f"AND cls IN ({marks})", (lo, hi, *names)):
                        fields, _ = decode_body(data, db._prop_types(cls))
                        expected.extend(k + (key,) for k in indexing.index_keys(ix, fields))
            cols = ", ".join(f"k{i}" for i in range(len(ix.fields)))
            actual = [tuple(r) for r in conn.execute(f'SELECT {cols}, rid FROM "{ix.table}"')]
            if ix.kind == "DICTIONARY":
                exp_keys = {e[:-1] for e in expected}
                ok = {a[:-1] for a in actual} == exp_keys and len(actual) == len(exp_keys)
            else:
                ok = sorted(map(_sortable, expected)) == sorted(map(_sortable, actual))
            if not ok:
                bad.append(ix.name)
                diff = len(set(map(_sortable, expected)) ^ set(map(_sortable, actual)))
                self.report.problems.append(Problem("index", ix.name, f"index {ix.name} differs from the data "
                                                    f"({diff} entr{'y' if diff == 1 else 'ies'} differ)"))
                self.say(f"- index {ix.name} differs from the data")
        return bad

    # -- repairs --------------------------------------------------------------------------------
    def repair(self, dangling: set[tuple[int, int]], broken_edges: list[int],
               missing: list[tuple[int, str, str, int]], stray: list[tuple[int, str, str, int]]) -> int:
        db = self.db
        conn = db.conn
        fixed = 0
        gone_edges = set(broken_edges)
        for edge in broken_edges:
            conn.execute("DELETE FROM records WHERE rid = ?", (edge,))
            fixed += 1
        dead_targets: dict[int, set[int]] = {}
        for src, target in dangling:
            dead_targets.setdefault(src, set()).add(target)
        for vertex, direction, cls, edge in stray:
            dead_targets.setdefault(vertex, set()).add(edge)
        # bags that still hold deleted edges
        for edge in gone_edges:
            for (vertex,) in self.scratch.conn.execute("SELECT vertex FROM bags WHERE edge = ?", (edge,)):
                dead_targets.setdefault(vertex, set()).add(edge)
        for src in self.temporary:
            dead_targets.setdefault(src, set())
        for src, dead in dead_targets.items():
            if src in gone_edges:
                continue
            row = conn.execute("SELECT data FROM records WHERE rid = ? AND kind = 0", (src,)).fetchone()
            if row is None:
                continue
            obj = loads(row[0])
            temporary = self.temporary.get(src, set())
            if link_walk.visit(obj, lambda t, dead=dead, tmp=temporary: None if _key(t) in dead or t in tmp else t):
                conn.execute("UPDATE records SET data = ?, ver = ver + 1 WHERE rid = ?",
                             (orjson.dumps(obj, default=_decimal), src))
                fixed += 1
        adds: dict[int, list[tuple[str, int]]] = {}
        for vertex, direction, cls, edge in missing:
            adds.setdefault(vertex, []).append((edge_field(direction, cls), edge))
        for vertex, entries in adds.items():
            row = conn.execute("SELECT data FROM records WHERE rid = ? AND kind = 0", (vertex,)).fetchone()
            if row is None:
                continue
            obj = loads(row[0])
            letters = dict(p.rpartition("=")[::2] for p in (obj.get("@fieldTypes") or "").split(",") if "=" in p)
            for fname, edge in entries:
                bag = obj.get(fname)
                if not isinstance(bag, list):
                    bag = []
                bag.append(_text(edge))
                obj[fname] = bag
                letters[fname] = "g"
                fixed += 1
            ft = ",".join(f"{k}={v}" for k, v in letters.items())
            obj.pop("@fieldTypes", None)
            if ft:
                obj["@fieldTypes"] = ft
            conn.execute("UPDATE records SET data = ?, ver = ver + 1 WHERE rid = ?",
                         (orjson.dumps(obj, default=_decimal), vertex))
        return fixed


def _decimal(v: Any) -> Any:
    from decimal import Decimal

    from console.engine.codec import decimal_text

    if isinstance(v, Decimal):
        return orjson.Fragment(decimal_text(v))
    raise TypeError


def _sortable(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple((type(v).__name__, v if v is not None else "") for v in row)


def check_database(db: Any, *, fix: bool = False, say: Say = lambda s: None) -> CheckReport:
    """Check (and with ``fix`` repair) an embedded database."""
    if getattr(db, "kind", "") != "embedded":
        raise OrientError("CHECK DATABASE works on embedded databases")
    db.check_permission("database", None, UPDATE if fix else READ)
    if fix and db.in_transaction:
        raise OrientError("REPAIR DATABASE cannot run inside a transaction: COMMIT or ROLLBACK first")
    checker = Checker(db, say)
    try:
        context = db._write() if fix else db.snapshot()
        with context:
            say("Checking records, links and clusters...")
            checker.scan()
            dangling = checker.check_links()
            checker.check_sequences()
            say("Checking edges and link bags...")
            broken, missing, stray = checker.check_graph()
            say("Checking indexes...")
            bad_indexes = checker.check_indexes()
            if fix and (dangling or broken or missing or stray or bad_indexes or checker.temporary):
                say("Repairing...")
                checker.report.fixed = checker.repair(dangling, broken, missing, stray)
                db.rebuild_index("*")
                checker.report.fixed += len(bad_indexes)
        return checker.report
    finally:
        checker.close()


def run_check_command(session: Any, options: Any, fix: bool) -> None:
    """Console glue for CHECK DATABASE [-fix] and REPAIR DATABASE."""
    for name, value in options:
        low = name.lstrip("-").lower()
        if low == "fix" and (value is None or str(value).lower() == "true"):
            fix = True
        elif low == "fix" and str(value).lower() == "false":
            pass
        else:
            raise OrientError(f"unknown option '-{name.lstrip('-')}' for CHECK DATABASE (valid options: -fix)")
    db = session.require_db()
    remote = getattr(db, "kind", "embedded") != "embedded"
    if remote:
        from console.remote.check import REPAIR_REFUSED, check_remote

        if fix:
            raise OrientError(REPAIR_REFUSED)
    r = session.renderer
    verbose = session.settings.verbose

    def say(text: str) -> None:
        if verbose >= 2 or text.startswith("- "):
            r.message(text, level=1 if text.startswith("- ") else 2)

    report = check_remote(db, say=say) if remote else check_database(db, fix=fix, say=say)
    kinds = {"dangling-link": "dangling links", "edge": "broken edges", "bag": "link-bag mismatches",
             "index": "stale indexes", "cluster": "records in a wrong cluster"}
    totals = ", ".join(f"{report.count(k)} {label}" for k, label in kinds.items())
    if report.count("sequence"):
        totals += f", {report.count('sequence')} duplicate sequences"
    r.message(f"Checked {report.records} records, {report.links} links, {report.edges} edges, "
              f"{report.indexes} indexes: {len(report.problems)} problem(s) ({totals}).", level=1)
    if remote:
        r.message("Remote database: indexes were checked by entry count only, not entry by entry; "
                  "REPAIR is not available remotely.", level=1)
        if report.problems:
            raise OrientError(f"CHECK DATABASE found {len(report.problems)} problem(s); "
                              "REPAIR DATABASE is not available on remote databases")
        return
    if fix:
        session.notify_schema_changed()
        after = check_database(db, fix=False)
        r.message(f"Repaired {report.fixed} problem(s); {len(after.problems)} remain.", level=1)
        if after.problems:
            raise OrientError(f"REPAIR DATABASE left {len(after.problems)} problem(s) it cannot fix "
                              "(records in a wrong cluster need a manual move)")
        return
    if report.problems:
        raise OrientError(f"CHECK DATABASE found {len(report.problems)} problem(s); "
                          "run REPAIR DATABASE to fix what can be fixed")


__all__ = ["check_database", "run_check_command", "CheckReport", "Problem", "RID", "itertools", "sqlite3",
           "Iterator"]
