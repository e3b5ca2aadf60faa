"""Shared helpers for transfer tests: a rich sample database and export readers."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from console import engine
from console.engine.types import OType
from console.transfer.export import export_database
from console.transfer.importer import import_database
from console.transfer.options import ExportOptions, ImportOptions

UTC = dt.timezone.utc


def build_sample(db: Any) -> None:
    """Every type, inheritance, multi-cluster classes, vertices and edges, indexes."""
    db.create_class("Thing", clusters=3)
    props = {"b": "BOOLEAN", "i": "INTEGER", "s": "SHORT", "l": "LONG", "f": "FLOAT", "d": "DOUBLE",
             "dec": "DECIMAL", "str": "STRING", "bin": "BINARY", "byte": "BYTE", "day": "DATE",
             "dt": "DATETIME", "emb": "EMBEDDED", "elist": "EMBEDDEDLIST", "eset": "EMBEDDEDSET",
             "emap": "EMBEDDEDMAP", "link": "LINK", "llist": "LINKLIST", "lset": "LINKSET",
             "lmap": "LINKMAP", "lbag": "LINKBAG"}
    for name, t in props.items():
        db.create_property("Thing", name, t)
    db.create_property("Thing", "code", "STRING", mandatory=True, regexp="[A-Za-z]+[0-9]*", collate="ci")
    db.create_index("Thing.code", "Thing", ["code"], "UNIQUE")
    db.create_index("ThingMulti", "Thing", ["i", "str"], "NOTUNIQUE")
    db.create_class("SubThing", ["Thing"])
    db.create_property("SubThing", "extra", "STRING", default="x")
    first = db.insert("Thing", {"code": "A0", "str": "first"})
    for n in range(12):
        cls = "SubThing" if n % 4 == 0 else "Thing"
        db.insert(cls, {
            "code": f"C{n}", "b": n % 2 == 0, "i": n * 1000, "s": n, "l": 2**40 + n, "f": 1.5 + n,
            "d": n / 7, "dec": Decimal(f"{n}.{n:03d}0"), "str": f"héllo \"{n}\" ✓", "bin": bytes([n, 255 - n]),
            "byte": n - 3, "day": dt.date(2000, 1, 1 + n), "dt": dt.datetime(2021, 5, 6, 7, 8, n, n * 1000, tzinfo=UTC),
            "emb": engine.Document("Thing", {"nested": [n, {"k": n}], "deep": engine.Document(None, {"x": n})}),
            "elist": [n, "two", None, [1, 2]], "eset": [f"s{n}"], "emap": {"a": n, "b": [n]},
            "link": first.rid, "llist": [first.rid], "lset": [first.rid], "lmap": {"f": first.rid},
            "lbag": [first.rid],
        })
    db.insert(None, {"free": "classless", "n": 5}, types={"n": OType.LONG})
    db.create_class("Person", ["V"])
    db.create_property("Person", "name", "STRING")
    db.create_index("Person.name", "Person", ["name"], "UNIQUE")
    db.create_class("Knows", ["E"])
    people = [db.create_vertex("Person", {"name": f"p{i}"}) for i in range(6)]
    for i in range(6):
        db.create_edge("Knows", people[i].rid, people[(i + 1) % 6].rid, {"w": i})
    db.create_edge("E", people[0].rid, people[3].rid)
    db.create_cluster("pics", blob=True)
    db.create_blob(b"\x00\x01binary\xff", "pics")


def export(db: Any, path: Path, **options: Any) -> Path:
    opts = ExportOptions()
    for k, v in options.items():
        setattr(opts, k, v)
    export_database(db, path, opts)
    return path


def import_(db: Any, path: Path, **options: Any):
    opts = ImportOptions()
    for k, v in options.items():
        setattr(opts, k, v)
    return import_database(db, path, opts)


def read_export(path: Path) -> dict[str, Any]:
    """Parse an export file (strict JSON after replacing OrientDB's double commas)."""
    raw = gzip.open(path).read() if path.read_bytes()[:2] == b"\x1f\x8b" else path.read_bytes()
    return json.loads(raw.replace(b"},,{", b"},{"))


def fresh(tmp_path: Path, name: str) -> Any:
    return engine.create(f"plocal:{tmp_path / name}", "admin", "admin")
