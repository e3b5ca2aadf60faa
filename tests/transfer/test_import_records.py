"""The import's bookkeeping of seen and linked RIDs (console/transfer/import_records.py)."""

from __future__ import annotations

import gzip

import pytest
from helpers import export, fresh, import_
from hypothesis import given, settings
from hypothesis import strategies as st

from console.transfer.import_records import Bits, rid_key

_rid = st.builds(lambda c, p: f"#{c}:{p}", st.integers(0, 40000), st.integers(0, 1 << 41))
_texts = st.lists(st.one_of(_rid, st.text(max_size=8), st.sampled_from(["#", "#1", "#1:", "#:2", "#-1:2", "#1:-2",
                                                                          "#١:2", None, 7])), max_size=60)


@settings(max_examples=300, deadline=None)
@given(_texts)
def test_add_texts_sets_exactly_the_bits_of_valid_rids(texts):
    one, two = Bits(), Bits()
    one.add_texts(texts)
    two.add_many(k for k in map(rid_key, texts) if k is not None)
    assert one.maps == two.maps
    for t in texts:
        k = rid_key(t)
        if k is not None:
            assert one.has(k)


def test_huge_positions_go_to_the_sparse_set_within_the_budget():
    bits = Bits()
    top = (12 << 40) | ((1 << 40) - 1)
    assert not bits.add(top)
    assert bits.add(top)  # seen twice
    assert bits.has(top) and top in bits.sparse
    assert bits.dense_bytes <= Bits.DENSE_BUDGET
    bits.add_many([(12 << 40) | 5, (13 << 40) | ((1 << 39) + 1)])
    assert bits.has((12 << 40) | 5) and bits.has((13 << 40) | ((1 << 39) + 1))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, (1 << 40) - 1)), max_size=40),
       st.lists(st.tuples(st.integers(0, 5), st.integers(0, (1 << 40) - 1)), max_size=40),
       st.integers(1024, 1 << 20))
def test_missing_from_is_the_set_difference(linked_rids, seen_rids, budget):
    linked, seen = Bits(budget), Bits(budget)
    keys_l = {(c << 40) | p for c, p in linked_rids}
    keys_s = {(c << 40) | p for c, p in seen_rids}
    linked.add_many(keys_l)
    for k in keys_s:
        seen.add(k)
    assert sorted(linked.missing_from(seen)) == sorted(keys_l - keys_s)


@pytest.mark.parametrize("preserve", [True, False])
def test_a_record_at_the_highest_position_imports(db, tmp_path, preserve):
    """Bitmaps do not grow with a position's size: #c:2^40-1 imports, links to it resolve."""
    db.create_class("A")
    db.create_class("B")
    db.create_property("B", "to", "LINK")
    a = db.insert("A", {"n": 1})
    db.insert("B", {"to": a.rid})
    path = export(db, tmp_path / "x.json.gz")
    top = f"#{a.rid.cluster}:{(1 << 40) - 1}".encode()
    raw = gzip.open(path).read().replace(f'"#{a.rid.cluster}:0"'.encode(), b'"' + top + b'"')
    assert raw.count(top) == 2  # the record's own @rid and B's link
    patched = tmp_path / "patched.json"
    patched.write_bytes(raw)
    target = fresh(tmp_path, "target")
    import_(target, patched, preserveClusterIDs=preserve)
    (b,) = list(target.query("SELECT to.n AS n, to AS to FROM B"))
    assert b["n"] == 1
    if preserve:
        assert str(b["to"]) == top.decode()
