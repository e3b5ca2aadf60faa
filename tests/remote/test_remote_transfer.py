"""IMPORT DATABASE and CHECK DATABASE on remote databases, end to end.

The installed ``orient-console`` runs in batch mode against a real
``orient-console serve``. An import into a remote database is compared with
an import of the same file into an embedded database by exporting both:

* the real OrientDB export: the two exports are the same JSON apart from
  record versions (the server numbers them again) and the database name and
  schema version; even the RIDs agree (clusters are created at the file's ids
  and the file has no holes);
* a generated export with holes in its clusters: RIDs differ, so records are
  compared with every link replaced by the linked record's place (cluster
  name, ordinal) -- which proves that every link, at any depth, points at the
  right record.

Failures are checked to leave the remote database as it was: bad input never
reaches the server, and a failure on the server half way is undone.
"""

from __future__ import annotations

import gzip
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from remote_server import CONSOLE, ServerProcess

from console.engine import registry
from console.engine.document import Document
from console.engine.registry import parse_url
from console.engine.types import OType

RID_TEXT = re.compile(r"^#\d+:\d+$")
SUMMARY = re.compile(r"Import completed: (\d+) records \((\d+) skipped\), (\d+) records with links rewritten, "
                     r"(\d+) broken links removed, (\d+) classes, (\d+) clusters, (\d+) indexes in")


def run(*commands: str) -> subprocess.CompletedProcess:
    args = [CONSOLE, "--no-color"]
    for c in commands:
        args += ["-c", c]
    return subprocess.run(args, capture_output=True, text=True, timeout=180, check=False)


def one_line_error(r: subprocess.CompletedProcess) -> str:
    assert r.returncode == 1, r.stdout + r.stderr
    err = r.stderr.strip()
    assert err and "\n" not in err and "Traceback" not in err, err
    return err


def load_export(path: Path) -> dict[str, Any]:
    with gzip.open(path) as f:
        return json.load(f)


def canonical(export: dict[str, Any]) -> dict[str, Any]:
    """Records keyed by (cluster name, ordinal in the cluster), links replaced the same way, versions dropped."""
    names = {c["id"]: c["name"] for c in export["clusters"]}
    by_cluster: dict[int, list[tuple[int, dict[str, Any]]]] = {}
    for r in export["records"]:
        c, p = r["@rid"][1:].split(":")
        by_cluster.setdefault(int(c), []).append((int(p), r))
    place = {}
    for c, items in by_cluster.items():
        for i, (_, r) in enumerate(sorted(items, key=lambda x: x[0])):
            place[r["@rid"]] = f"{names[c]}/{i}"

    def fix(v: Any) -> Any:
        if isinstance(v, str) and RID_TEXT.match(v):
            return place.get(v, f"dangling {v}")
        if isinstance(v, list):
            return [fix(x) for x in v]
        if isinstance(v, dict):
            return {k: fix(x) for k, x in v.items() if k not in ("@rid", "@version")}
        return v

    return {place[r["@rid"]]: fix(r) for r in export["records"]}


def schema_of(export: dict[str, Any]) -> dict[str, Any]:
    classes = {c["name"]: {k: v for k, v in c.items() if k not in ("cluster-ids", "default-cluster-id")}
               for c in export["schema"]["classes"]}
    indexes = {ix["name"]: ix for ix in export["indexes"]}
    return {"classes": classes, "indexes": indexes, "clusters": sorted(c["name"] for c in export["clusters"])}


def snapshot(server: ServerProcess, name: str) -> Any:
    """Everything an import could change: clusters with their record counts, classes, indexes."""
    from console.remote.client import open_remote

    db = open_remote(parse_url(f"{server.url}/{name}"), "admin", "admin")
    try:
        s = db.schema
        clusters = [(c.id, c.name, c.blob, db.count_cluster(c.id)) for c in s.clusters]
        indexes = [(ix.name, ix.type, ix.class_name, ix.fields, ix.ignore_nulls, db.index_size(ix.name))
                   for ix in s.indexes]
        return clusters, s.classes, indexes
    finally:
        db.close()


def new_db(server: ServerProcess, *sql: str) -> str:
    name = server.new_database("memory")
    if sql:
        r = run(f"CONNECT {server.url}/{name} admin admin", *sql)
        assert r.returncode == 0, r.stderr
    return name


def import_summary(out: str) -> tuple[int, ...]:
    m = SUMMARY.search(out)
    assert m, out
    return tuple(int(x) for x in m.groups())


# --- a generated export ----------------------------------------------------------------------------

def _generate(path: Path, out: Path, people: int = 150, items: int = 300) -> None:
    """Links forward and backward, link lists / sets / maps, links in embedded documents, a graph,
    an undeclared link set, a self link, a class-less document, a blob, and holes in the clusters."""
    from console.transfer.export import export_database
    from console.transfer.options import ExportOptions

    db = registry.create(f"plocal:{path}", "admin", "admin")
    try:
        db.create_class("Person", ["V"])
        db.create_property("Person", "name", OType.STRING)
        db.create_property("Person", "best", OType.LINK, linked_class="Person")
        db.create_index(None, "Person", ["name"], "UNIQUE")
        db.create_class("Knows", ["E"])
        db.create_property("Knows", "since", OType.INTEGER)
        db.create_class("Item")
        db.create_property("Item", "seq", OType.LONG, mandatory=True)
        db.create_property("Item", "owner", OType.LINK, linked_class="Person", mandatory=True, not_null=True)
        db.create_property("Item", "related", OType.LINKSET)
        db.create_property("Item", "refs", OType.LINKLIST)
        db.create_property("Item", "bymap", OType.LINKMAP)
        db.create_index("Item.seq", "Item", ["seq"], "NOTUNIQUE")
        db.alter_class("Item", "STRICTMODE", "false")
        db.create_cluster("pictures", blob=True)
        db.begin()
        ps = [db.create_vertex("Person", {"name": f"p{i}"}).rid for i in range(people)]
        fillers = []
        for i, rid in enumerate(ps):
            doc = db.load(rid)
            doc["best"] = ps[(i * 7 + 3) % people]  # forward and backward
            db.update(doc)
        for i in range(people):
            db.create_edge("Knows", ps[i], ps[(i + 1) % people], {"since": 2000 + i % 20})
        its = []
        for i in range(items):
            if i % 50 == 7:
                fillers.append(db.insert("Item", {"seq": -1, "owner": ps[0]}).rid)  # deleted below: a hole
            its.append(db.insert("Item", {"seq": i, "owner": ps[i % people], "name": f"item {i}"}).rid)
        blob = db.create_blob(b"\x89PNG not really", "pictures")
        for i, rid in enumerate(its):
            doc = db.load(rid)
            fwd, back = its[(i + 17) % items], its[(i - 5) % items]
            doc.set("related", [fwd, back], OType.LINKSET)
            doc.set("refs", [back, fwd, ps[(i * 3) % people]], OType.LINKLIST)
            doc.set("bymap", {"next": fwd, "prev": back})
            doc["info"] = Document("Info", {"about": fwd, "list": [back, fwd], "deep": Document("Deep", {"to": back}),
                                            "map": {"k": fwd}, "note": "x"}, {"list": OType.LINKLIST})
            doc.set("loose", [fwd, ps[1]], OType.LINKSET)  # undeclared: the type must survive
            if i == 0:
                doc["me"] = rid
                doc["picture"] = blob.rid
            db.update(doc)
        db.insert(None, {"free": "form", "who": ps[2], "many": [its[3], its[4]]})
        for rid in fillers:
            db.delete(rid)
        db.commit()
        export_database(db, out, ExportOptions())
    finally:
        db.close()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("generated")
    out = base / "generated.json.gz"
    _generate(base / "db", out)
    return out


# --- the tests ---------------------------------------------------------------------------------------

def test_real_export_matches_embedded_import(server: ServerProcess, fixture_export: Path, tmp_path: Path) -> None:
    name = new_db(server)
    remote_file, local_file = tmp_path / "remote.json.gz", tmp_path / "local.json.gz"
    r = run(f"CONNECT {server.url}/{name} admin admin", f"IMPORT DATABASE {fixture_export}",
            f"EXPORT DATABASE {remote_file}", "CHECK DATABASE")
    assert r.returncode == 0, r.stderr
    assert "Checked 498 records, 1003 links, 250 edges, 50 indexes: 0 problem(s)" in r.stdout
    e = run(f"CREATE DATABASE plocal:{tmp_path / 'local'} admin admin", f"IMPORT DATABASE {fixture_export}",
            f"EXPORT DATABASE {local_file}")
    assert e.returncode == 0, e.stderr
    # the same summary as the embedded import (time aside)
    assert import_summary(r.stdout) == import_summary(e.stdout) == (498, 3, 3, 0, 115, 886, 50)
    assert r.stderr.count("warning: index dictionary") == 1
    remote, local = load_export(remote_file), load_export(local_file)
    assert remote["clusters"] == local["clusters"]
    assert [x["@rid"] for x in remote["records"]] == [x["@rid"] for x in local["records"]]
    for a, b in zip(remote["records"], local["records"]):
        a.pop("@version"), b.pop("@version")
        assert a == b
    assert schema_of(remote) == schema_of(local)
    remote["schema"].pop("version"), local["schema"].pop("version")
    assert remote["schema"] == local["schema"]
    # the file's users replaced the database's (admin's password is OrientDB's default)
    again = run(f"CONNECT {server.url}/{name} admin admin", "SELECT name FROM OUser ORDER BY name")
    assert again.returncode == 0 and "reader" in again.stdout and "writer" in again.stdout, again.stderr


def test_generated_links_round_trip(server: ServerProcess, generated: Path, tmp_path: Path) -> None:
    name = server.new_database("plocal")
    setup = run(f"CONNECT {server.url}/{name} admin admin", "CREATE CLASS Old EXTENDS V", "CREATE VERTEX Old SET x = 1",
                "CREATE CLUSTER spare")
    assert setup.returncode == 0, setup.stderr
    remote_file, stored_file, local_file = (tmp_path / f"{n}.json.gz" for n in ("remote", "stored", "local"))
    r = run(f"CONNECT {server.url}/{name} admin admin", f"IMPORT DATABASE {generated}",
            f"EXPORT DATABASE {remote_file}", "CHECK DATABASE")
    assert r.returncode == 0, r.stderr
    # what the server stored, read straight from its files (a remote read gives link sets back as lists)
    s = run(f"CONNECT plocal:{server.directory / name} admin admin", f"EXPORT DATABASE {stored_file}")
    assert s.returncode == 0, s.stderr
    e = run(f"CREATE DATABASE plocal:{tmp_path / 'local'} admin admin", f"IMPORT DATABASE {generated}",
            f"EXPORT DATABASE {local_file}")
    assert e.returncode == 0, e.stderr
    remote, local = load_export(stored_file), load_export(local_file)
    over_the_wire = canonical(load_export(remote_file))
    for v in over_the_wire.values():
        v.pop("@fieldTypes", None)
    # holes close up on the server: RIDs differ, the records and where their links point do not
    assert [x["@rid"] for x in remote["records"]] != [x["@rid"] for x in local["records"]]
    a, b = canonical(remote), canonical(local)
    assert len(a) == len(b) == 150 + 150 + 300 + 1 + 1 + 6
    assert a == b
    assert not any("dangling" in json.dumps(v) for v in a.values())
    for v in b.values():
        v.pop("@fieldTypes", None)
    assert over_the_wire == b
    item0 = next(v for k, v in a.items() if k.startswith("item/") and v.get("seq") == 0)
    assert item0["me"] == next(k for k, v in a.items() if v is item0)
    assert item0["picture"].startswith("pictures/")
    assert "loose=n" in item0["@fieldTypes"] and "related=n" in item0["@fieldTypes"]
    # the old class is gone, as in OrientDB's import; a cluster of no class stays
    sr, sl = schema_of(remote), schema_of(local)
    assert sr["classes"] == sl["classes"] and sr["indexes"] == sl["indexes"] and "Old" not in sr["classes"]
    assert sr["clusters"] == sorted(sl["clusters"] + ["spare"])
    assert "0 problem(s)" in r.stdout


def test_merge_into_existing_classes(server: ServerProcess, generated: Path) -> None:
    name = new_db(server, "CREATE CLASS Person EXTENDS V", "CREATE PROPERTY Person.name STRING",
                  "CREATE VERTEX Person SET name = 'zed', extra = true", "CREATE CLASS Other",
                  "INSERT INTO Other SET a = 1")
    r = run(f"CONNECT {server.url}/{name} admin admin", f"IMPORT DATABASE {generated} -merge=true",
            "CHECK DATABASE", "SELECT count(*) AS n FROM Person", "SELECT count(*) AS n FROM Other",
            "SELECT name, best.name AS best, out('Knows').name AS knows FROM Person WHERE name IN ['zed', 'p0']",
            "SELECT owner.name AS owner, bymap.next.seq AS next, info.about.seq AS about FROM Item WHERE seq = 1")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "0 problem(s)" in out
    assert re.search(r"\| 0 \| 151 ", out) and re.search(r"\| 0 \| 1 ", out)
    assert re.search(r"\| zed +\| null +\| \[\] ", out) and re.search(r"\| p0 +\| p3 +\| \[p1\] ", out)
    assert re.search(r"\| p1 +\| 18 +\| 18 ", out)


def test_bad_input_changes_nothing(server: ServerProcess, generated: Path, tmp_path: Path) -> None:
    name = new_db(server, "CREATE CLASS Keep", "INSERT INTO Keep SET k = 1")
    before = snapshot(server, name)
    data = generated.read_bytes()
    cut, bad = tmp_path / "cut.json.gz", tmp_path / "bad.json.gz"
    cut.write_bytes(data[: len(data) // 2])
    text = gzip.decompress(data).decode()
    bad.write_bytes(gzip.compress(text.replace('"@class":"Item"', '"@class":"Item",,', 1).encode()))
    cases = {
        f"{tmp_path / 'nope.json.gz'}": "no such file",
        f"{tmp_path}": "it is a directory",
        f"{cut}": "truncated gzip",
        f"{bad}": "expecting",
        f"{generated} -preserveClusterIDs=true -bogus=1": "unknown option '-bogus'",
        f"{generated} -merge=maybe": "takes true or false",
    }
    for args, expected in cases.items():
        err = one_line_error(run(f"CONNECT {server.url}/{name} admin admin", f"IMPORT DATABASE {args}"))
        assert expected in err, (args, err)
    assert snapshot(server, name) == before


def test_server_failure_half_way_is_undone(server: ServerProcess, generated: Path) -> None:
    """A user who may change the schema but not create Item records: the import fails after other records."""
    setup = ("INSERT INTO ORole SET name = 'importer', mode = 1, rules = {'database.class.item': 2}",
             ("INSERT INTO OUser SET name = 'imp', password = 'imp', status = 'ACTIVE', "
              "roles = (SELECT FROM ORole WHERE name = 'importer')"),
             "CREATE CLASS Keep", "CREATE PROPERTY Keep.k STRING", "CREATE INDEX Keep.k UNIQUE", "CREATE CLUSTER loose")
    name = new_db(server, *setup)
    before = snapshot(server, name)
    err = one_line_error(run(f"CONNECT {server.url}/{name} imp imp", f"IMPORT DATABASE {generated}"))
    assert "failed while sending records" in err and "not allowed to create" in err
    assert "the import was undone and the remote database is as before" in err
    assert snapshot(server, name) == before
    # without -merge the target's classes go first (as in OrientDB): their records cannot come back
    run(f"CONNECT {server.url}/{name} admin admin", "INSERT INTO Keep SET k = 'x'")
    err = one_line_error(run(f"CONNECT {server.url}/{name} imp imp", f"IMPORT DATABASE {generated}"))
    assert "the 1 record(s) it had removed from the target's classes and emptied clusters are gone" in err
    clusters, classes, indexes = snapshot(server, name)
    assert (clusters, classes) == (before[0], before[1]) and indexes == before[2]


def test_merge_failure_is_undone_and_schema_errors_change_nothing(server: ServerProcess, generated: Path) -> None:
    name = new_db(server, "CREATE CLASS Person EXTENDS V", "CREATE PROPERTY Person.name STRING",
                  "CREATE INDEX Person.name UNIQUE", "CREATE VERTEX Person SET name = 'p3'")
    before = snapshot(server, name)
    err = one_line_error(run(f"CONNECT {server.url}/{name} admin admin", f"IMPORT DATABASE {generated} -merge=true"))
    assert "duplicate key 'p3'" in err and "the import was undone and the remote database is as before" in err
    assert snapshot(server, name) == before
    err = one_line_error(run(f"CONNECT {server.url}/{name} writer writer", f"IMPORT DATABASE {generated}"))
    assert "failed while creating the schema" in err and "the remote database is unchanged" in err
    assert snapshot(server, name) == before


def test_check_database_remote(server: ServerProcess) -> None:
    name = new_db(server, "CREATE CLASS City EXTENDS V", "CREATE PROPERTY City.name STRING",
                  "CREATE INDEX City.name UNIQUE", "CREATE VERTEX City SET name = 'Rome'",
                  "CREATE VERTEX City SET name = 'Oslo'", "CREATE CLASS Road EXTENDS E",
                  "CREATE EDGE Road FROM (SELECT FROM City WHERE name = 'Rome') TO (SELECT FROM City WHERE name = 'Oslo')",
                  "CREATE CLASS Note", "INSERT INTO Note SET about = (SELECT FROM City WHERE name = 'Rome')")
    url = f"{server.url}/{name}"
    ok = run(f"CONNECT {url} admin admin", "CHECK DATABASE")
    assert ok.returncode == 0, ok.stderr
    assert re.search(r"Checked \d+ records, 8 links, 1 edges, 4 indexes: 0 problem\(s\)", ok.stdout), ok.stdout
    assert "indexes were checked by entry count only" in ok.stdout
    # a link to a record that is not there, planted with SQL
    bad = run(f"CONNECT {url} admin admin", "INSERT INTO Note SET about = #9999:3", "CHECK DATABASE")
    err = one_line_error(bad)
    assert "found 1 problem(s)" in err
    assert re.search(r"#\d+:1: links to #9999:3, which does not exist", bad.stdout)
    assert "1 dangling links" in bad.stdout
    refused = one_line_error(run(f"CONNECT {url} admin admin", "REPAIR DATABASE"))
    assert "not supported on remote databases" in refused
    assert "unknown option '-deep'" in one_line_error(run(f"CONNECT {url} admin admin", "CHECK DATABASE -deep"))
