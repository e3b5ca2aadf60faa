"""EXPORT and IMPORT: format, key order, options, round trips, the real OrientDB fixture."""

from __future__ import annotations

import gzip
import json
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import build_sample, export, fresh, import_, read_export

from console.engine.rid import RID
from console.errors import UniqueViolation
from console.transfer.check import check_database
from console.transfer.export import export_file_name
from console.transfer.options import ExportOptions, ImportOptions, OptionError, parse_options

# Key orders required by the reference notes (orientdb-export-format.md).
INFO_KEYS = ["name", "default-cluster-id", "exporter-version", "engine-version", "engine-build",
             "storage-config-version", "schema-version", "schemaRecordId", "indexMgrRecordId"]
CLASS_KEYS = ["name", "default-cluster-id", "cluster-ids", "oversize", "strictMode", "super-classes",
              "short-name", "abstract", "cluster-selection", "properties", "customFields"]
PROPERTY_KEYS = ["name", "type", "mandatory", "readonly", "not-null", "linked-class", "linked-type", "min",
                 "max", "collate", "default-value", "regexp", "customFields"]
INDEX_KEYS = ["name", "type", "algorithm", "clustersToIndex", "definition", "metadata", "blueprintsIndexClass"]
SECTIONS = ["info", "clusters", "schema", "records", "brokenRids", "indexes", "manualIndexes"]


def _in_order(keys: list[str], reference: list[str]) -> bool:
    positions = [reference.index(k) for k in keys]
    return positions == sorted(positions) and all(k in reference for k in keys)


def test_file_name_rule():
    assert export_file_name("/tmp/foo") == Path("/tmp/foo.json.gz")
    assert export_file_name("petshop.export") == Path("petshop.export.gz")
    assert export_file_name("'/tmp/x.json.gz'") == Path("/tmp/x.json.gz")


def test_key_order_follows_the_reference(db, tmp_path):
    build_sample(db)
    data = read_export(export(db, tmp_path / "x.json.gz"))
    assert list(data)[:6] == SECTIONS[:6]
    assert _in_order(list(data["info"]), INFO_KEYS)
    assert data["info"]["exporter-version"] == 12
    for c in data["clusters"]:
        assert list(c) == ["name", "id"]
    assert [c["id"] for c in data["clusters"]] == sorted(c["id"] for c in data["clusters"])
    assert list(data["schema"])[:2] == ["version", "blob-clusters"]
    names = [c["name"] for c in data["schema"]["classes"]]
    assert names == sorted(names)
    for c in data["schema"]["classes"]:
        assert _in_order(list(c), CLASS_KEYS), c
        for p in c.get("properties", []):
            assert _in_order(list(p), PROPERTY_KEYS), p
    for ix in data["indexes"]:
        assert _in_order(list(ix), INDEX_KEYS), ix
        assert list(ix["definition"]) == ["defClass", "stream"]
    for rec in data["records"]:
        keys = list(rec)
        meta = [k for k in keys if k in ("@type", "@rid", "@version", "@class")]
        assert keys[:len(meta)] == meta == [k for k in ("@type", "@rid", "@version", "@class") if k in rec]
        if "@fieldTypes" in rec:
            assert keys[-1] == "@fieldTypes"
    rids = [RID.parse(r["@rid"]) for r in data["records"]]
    assert rids == sorted(rids)


def test_values_are_encoded_as_orientdb_does(db, tmp_path):
    build_sample(db)
    raw = gzip.open(export(db, tmp_path / "x.json.gz")).read()
    assert b",," not in raw  # single commas: valid JSON
    data = json.loads(raw)
    thing = next(r for r in data["records"] if r.get("code") == "C1")
    letters = dict(p.split("=") for p in thing["@fieldTypes"].split(","))
    assert letters["l"] == "l" and letters["s"] == "s" and letters["f"] == "f" and letters["dec"] == "c"
    assert letters["dt"] == "t" and letters["bin"] == "b" and letters["byte"] == "b"
    assert letters["link"] == "x" and letters["llist"] == "z" and letters["lset"] == "n"
    assert letters["lmap"] == "m" and letters["lbag"] == "g" and letters["eset"] == "e"
    assert "i" not in letters and "str" not in letters and "emap" not in letters
    assert isinstance(thing["dt"], int) and thing["link"].startswith("#")
    assert b'"dec":1.0010' in raw  # a decimal is a plain number with its digits
    assert thing["emb"]["@type"] == "d" and thing["emb"]["@version"] == 0 and "@rid" not in thing["emb"]
    blob = next(r for r in data["records"] if r["@type"] == "b")
    assert list(blob) == ["@type", "@rid", "@version", "value"]


def test_round_trip_is_identical_apart_from_name_and_schema_version(db, tmp_path):
    build_sample(db)
    first = export(db, tmp_path / "one.json.gz")
    target = fresh(tmp_path, "copy")
    import_(target, first)
    second = export(target, tmp_path / "two.json.gz")
    a, b = read_export(first), read_export(second)
    # What must differ: the database name and the schema version counter.
    assert a["info"].pop("name") != b["info"].pop("name")
    a["schema"].pop("version")
    b["schema"].pop("version")
    assert a == b
    raw_a = gzip.open(first).read()
    raw_b = gzip.open(second).read()
    # Byte for byte, apart from those two values.
    strip = (lambda r, d: r.replace(json.dumps(d["info"]["name"]).encode(), b"N")
             .replace(f'"version":{d["schema"]["version"]}'.encode(), b'"version":V'))
    assert strip(raw_a, read_export(first)) == strip(raw_b, read_export(second))
    target.close()


def test_import_without_preserved_ids_rewrites_every_link(db, tmp_path):
    build_sample(db)
    path = export(db, tmp_path / "x.json.gz")
    target = fresh(tmp_path, "moved")
    target.create_cluster("spacer1")
    target.create_cluster("spacer2")
    summary = import_(target, path, preserveClusterIDs=False)
    assert summary.links_rewritten > 0
    assert target.count_class("Thing") == db.count_class("Thing")
    report = check_database(target)
    assert report.problems == []
    first = next(d for d in target.browse_class("Thing") if d["code"] == "A0")
    c1 = next(d for d in target.browse_class("Thing") if d["code"] == "C1")
    assert c1["link"] == first.rid and c1["lbag"] == [first.rid] and c1["lmap"] == {"f": first.rid}
    assert c1["emb"]["deep"]["x"] == 1
    ann = next(d for d in target.browse_class("Person") if d["name"] == "p0")
    assert len(ann["out_Knows"]) == 1
    target.close()


def test_moved_import_rewrites_link_values_and_no_other_byte(db, tmp_path):
    db.create_class("Doc")
    for name, t in (("amount", "DECIMAL"), ("note", "STRING"), ("ref", "LINK"), ("refs", "LINKLIST"),
                    ("rmap", "LINKMAP"), ("n", "INTEGER")):
        db.create_property("Doc", name, t)
    a = db.insert("Doc", {"amount": Decimal("1.50"), "n": 0})
    # "note" holds the text of a RID without being a link: it must not change.
    b = db.insert("Doc", {"amount": Decimal("2.000"), "note": str(a.rid), "ref": a.rid, "refs": [a.rid, a.rid],
                          "rmap": {"k": a.rid}, "n": 1})
    path = export(db, tmp_path / "x.json.gz")
    target = fresh(tmp_path, "moved")
    for i in range(3):
        target.create_cluster(f"spacer{i}")
    summary = import_(target, path, preserveClusterIDs=False)
    assert summary.links_rewritten == 1
    copies = {d["n"]: d for d in target.browse_class("Doc")}
    new_a = copies[0].rid
    assert new_a != a.rid
    copy_b = copies[1]
    assert copy_b["ref"] == new_a and copy_b["refs"] == [new_a, new_a] and copy_b["rmap"] == {"k": new_a}
    assert copy_b["note"] == str(a.rid)
    assert str(copies[0]["amount"]) == "1.50" and str(copy_b["amount"]) == "2.000"
    original = db.raw_record(b.rid)[4]
    stored = target.raw_record(copy_b.rid)[4]
    assert stored == original.replace(f'"ref":"{a.rid}"'.encode(), f'"ref":"{new_a}"'.encode()).replace(
        f'["{a.rid}","{a.rid}"]'.encode(), f'["{new_a}","{new_a}"]'.encode()).replace(
        f'{{"k":"{a.rid}"}}'.encode(), f'{{"k":"{new_a}"}}'.encode())
    target.close()


def test_imported_values_equal_the_originals(db, tmp_path):
    build_sample(db)
    path = export(db, tmp_path / "x.json.gz")
    target = fresh(tmp_path, "copy")
    import_(target, path)
    for original in db.browse_class("Thing"):
        copy = target.load(original.rid)
        assert copy == original and copy.version == original.version and copy.class_name == original.class_name
        assert str(copy.get("dec")) == str(original.get("dec"))
    with pytest.raises(UniqueViolation):
        target.insert("Thing", {"code": "c1"})  # collate ci unique index survived
    target.close()


def test_export_options(db, tmp_path):
    build_sample(db)
    only = read_export(export(db, tmp_path / "a.json.gz", includeClass=["Person"]))
    assert {r.get("@class") for r in only["records"]} == {"Person"}
    no_person = read_export(export(db, tmp_path / "b.json.gz", excludeCluster=["person"]))
    assert "person" not in [c["name"] for c in no_person["clusters"]]
    assert not any(r.get("@class") == "Person" for r in no_person["records"])
    bare = read_export(export(db, tmp_path / "c.json.gz", includeSchema=False, includeInfo=False,
                              includeClusterDefinitions=False, includeIndexDefinitions=False))
    assert list(bare) == ["records", "brokenRids"]
    lines = gzip.open(export(db, tmp_path / "d.json.gz", useLineFeedForRecords=True)).read()
    assert lines.count(b'\n{"@type"') >= 10
    big = export(db, tmp_path / "e.json.gz", compressionLevel=0).stat().st_size
    small = export(db, tmp_path / "f.json.gz", compressionLevel=9).stat().st_size
    assert small < big


def test_option_parsing_errors_list_valid_options():
    with pytest.raises(OptionError) as err:
        parse_options(ExportOptions, [("bogus", "1")], "EXPORT DATABASE")
    assert "-includeSchema" in str(err.value) and "\n" not in str(err.value)
    with pytest.raises(OptionError):
        parse_options(ExportOptions, [("compressionLevel", "11")], "EXPORT DATABASE")
    with pytest.raises(OptionError):
        parse_options(ImportOptions, [("merge", "maybe")], "IMPORT DATABASE")
    o = parse_options(ExportOptions, [("excludeAll", None), ("includeRecords", "TRUE")], "EXPORT DATABASE")
    assert o.includeRecords and not o.includeSchema and not o.includeInfo
    o = parse_options(ExportOptions, [("includeClass", '"A B"')], "EXPORT DATABASE")
    assert o.includeClass == ["A", "B"]


# --- the real OrientDB 3.0.34 export ----------------------------------------------------------

@pytest.mark.parametrize("preserve", [True, False])
def test_real_orientdb_export_imports(fixture_export, tmp_path, preserve):
    data = read_export(fixture_export)
    target = fresh(tmp_path, "fixture")
    summary = import_(target, fixture_export, preserveClusterIDs=preserve)
    schema = target.schema
    file_classes = {c["name"] for c in data["schema"]["classes"]}
    assert file_classes <= {c.name for c in schema.classes}
    assert len(file_classes) == 118
    # per class record counts equal the file's
    counts: dict[str, int] = {}
    for r in data["records"]:
        if r.get("@class"):
            counts[r["@class"]] = counts.get(r["@class"], 0) + 1
    for cls, n in counts.items():
        assert target.count_class(cls, polymorphic=False) == n, cls
    assert summary.records == sum(1 for r in data["records"] if not r["@rid"].startswith("#0:"))
    # records field by field, through the cluster mapping
    by_name = {c.name: c.id for c in schema.clusters}
    file_names = {c["id"]: c["name"] for c in data["clusters"]}
    checked = 0
    for r in data["records"]:
        rid = RID.parse(r["@rid"])
        if rid.cluster == 0:
            continue
        new = RID(by_name[file_names[rid.cluster]], rid.position)
        loaded = target.load(new)
        assert loaded is not None and loaded.version == r["@version"]
        assert loaded.class_name == r.get("@class")
        for k, v in r.items():
            if k.startswith("@"):
                continue
            got = loaded[k]
            if isinstance(v, str) and isinstance(got, RID):
                continue  # links: moved clusters are checked by CHECK DATABASE below
            if isinstance(got, list) and got and isinstance(got[0], RID):
                assert len(got) == len(v)
                continue
            if isinstance(got, Decimal):
                got = float(got)
            assert got == v or (hasattr(got, "isoformat")), (r["@rid"], k, v, got)
        checked += 1
    assert checked == 498
    report = check_database(target)
    assert [p for p in report.problems if p.kind in ("dangling-link", "edge", "bag", "index")] == []
    # indexes exist and enforce uniqueness
    names = {ix.name for ix in schema.indexes}
    assert {"GroupImpl", "uniqueBranchNameIndex", "OFunction.name"} <= names
    group = next(iter(target.browse_class("GroupImpl")))
    with pytest.raises(UniqueViolation):
        target.insert("GroupImpl", {"name": group["name"]})
    # the file's users came along: admin/admin of the OrientDB database logs in
    target.close()
    from console import engine

    engine.open(f"plocal:{tmp_path / 'fixture'}", "admin", "admin").close()
