"""CHECK DATABASE finds each kind of damage; REPAIR fixes what can be fixed."""

from __future__ import annotations

import orjson
import pytest
from helpers import build_sample

from console.engine.rid import RID
from console.transfer.check import check_database


def _raw_edit(db, rid: RID, change) -> None:
    data = db.conn.execute("SELECT data FROM records WHERE rid = ?", (rid.key,)).fetchone()[0]
    obj = orjson.loads(data)
    change(obj)
    db.conn.execute("UPDATE records SET data = ? WHERE rid = ?", (orjson.dumps(obj), rid.key))


def test_clean_database_has_no_problems(db):
    build_sample(db)
    report = check_database(db)
    assert report.problems == []
    assert report.records > 20 and report.links > 20 and report.edges == 7 and report.indexes >= 5


def test_each_kind_of_damage_is_found_and_repaired(db):
    build_sample(db)
    thing = next(d for d in db.browse_class("Thing") if d["code"] == "C2")
    person = next(d for d in db.browse_class("Person") if d["name"] == "p3")
    edge = next(iter(db.browse_class("Knows")))
    # 1. a dangling link deep inside an embedded document and a link list
    _raw_edit(db, thing.rid, lambda o: o.update(llist=["#12:999"]))
    # 2. an edge whose in-vertex disappeared (deleted behind the engine's back)
    victim = edge["in"]
    db.conn.execute("DELETE FROM records WHERE rid = ?", (victim.key,))
    # 3. a vertex bag entry pointing to a record that is not its edge
    _raw_edit(db, person.rid, lambda o: o.update(out_Knows=o["out_Knows"] + ["#11:77"]))
    # 4. a stale index entry
    ix = db.schema.index("Person.name")
    db.conn.execute(f'DELETE FROM "{ix.table}"')
    # 5. a record in a cluster of another class
    other = next(d for d in db.browse_class("Thing", polymorphic=False) if d["code"] == "C5")
    db.conn.execute("UPDATE records SET cls = 'SubThing' WHERE rid = ?", (other.rid.key,))

    report = check_database(db)
    kinds = {p.kind for p in report.problems}
    assert {"dangling-link", "edge", "bag", "index", "cluster"} <= kinds, report.problems
    assert all("\n" not in str(p) for p in report.problems)

    fixed = check_database(db, fix=True)
    assert fixed.fixed > 0
    after = check_database(db)
    assert {p.kind for p in after.problems} == {"cluster"}  # cannot be fixed automatically
    c2 = db.load(thing.rid)
    assert c2["llist"] == []
    assert db.load(edge.rid) is None  # the edge without a vertex is gone
    assert RID(11, 77) not in db.load(person.rid)["out_Knows"]


def test_repair_is_one_transaction(db, monkeypatch):
    build_sample(db)
    thing = next(d for d in db.browse_class("Thing") if d["code"] == "C2")
    _raw_edit(db, thing.rid, lambda o: o.update(llist=["#12:999"]))
    import console.transfer.check as check

    def boom(self, *a, **k):
        raise RuntimeError("disk on fire")
    monkeypatch.setattr(check.Checker, "repair", boom)
    with pytest.raises(RuntimeError):
        check_database(db, fix=True)
    monkeypatch.undo()
    assert check_database(db).count("dangling-link") == 1


def test_batch_exit_status(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    console = str(Path(sys.executable).with_name("orient-console"))
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "x"))
    url = f"plocal:{tmp_path / 'c'}"
    r = subprocess.run([console, "-c", f"create database {url}; create class P; insert into P set a = 1; "
                        "check database"], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert "0 problem(s)" in r.stdout
    r = subprocess.run([console, "-c", f"connect {url} admin admin; insert into P set l = #12:99, "
                        "t = 1; check database"], capture_output=True, text=True, env=env)
    assert r.returncode == 1 and "CHECK DATABASE found 1 problem" in r.stderr
    r = subprocess.run([console, "-c", f"connect {url} admin admin; repair database; check database"],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([console, "-c", f"connect {url} reader reader; check database -fix"],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 1 and "not allowed" in r.stderr


def test_an_edge_listed_twice_in_a_bag_is_found_and_left_once(db):
    build_sample(db)
    person = next(d for d in db.browse_class("Person") if d.get("out_Knows"))
    bag = person["out_Knows"]
    _raw_edit(db, person.rid, lambda o: o.update(out_Knows=o["out_Knows"] + [o["out_Knows"][0]]))
    report = check_database(db)
    assert [str(p) for p in report.problems if p.kind == "bag"] and all(
        "2 times" in str(p) for p in report.problems if p.kind == "bag")
    check_database(db, fix=True)
    assert check_database(db).problems == []
    assert sorted(db.load(person.rid)["out_Knows"]) == sorted(bag)


def test_temporary_ids_saved_as_links_and_duplicate_sequences_are_found(db):
    build_sample(db)
    db.create_class("T")
    rec = db.insert("T", {"a": "x"})
    _raw_edit(db, rec.rid, lambda o: o.update(a="#15:-2", c=["#11:-3"], **{"@fieldTypes": "a=x,c=z"}))
    db.insert("OSequence", {"name": "s", "value": 1})
    db.insert("OSequence", {"name": "S", "value": 2})
    report = check_database(db)
    texts = [str(p) for p in report.problems]
    assert sum("temporary id" in t for t in texts) == 2
    assert [p.kind for p in report.problems if "sequence" in str(p)] == ["sequence"]
    check_database(db, fix=True)
    after = check_database(db)
    assert [p.kind for p in after.problems] == ["sequence"]  # REPAIR cannot choose between two sequences
    assert db.load(rec.rid).get("a") is None and db.load(rec.rid)["c"] == []
