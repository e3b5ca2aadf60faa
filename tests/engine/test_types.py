"""Every OrientDB type survives a write and a read exactly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from console.engine import RID, Document, OType
from console.engine.codec import decode_body, encode_body
from console.errors import TypeMismatch

UTC = dt.timezone.utc


def _roundtrip(db, cls, fields, types=None):
    doc = db.insert(cls, fields, types=types)
    loaded = db.load(doc.rid)
    return doc, loaded


def test_every_type_round_trips_with_schema(db):
    db.create_class("Target")
    target = db.insert("Target", {"n": 1})
    db.create_class("All")
    props = {
        "b": "BOOLEAN", "i": "INTEGER", "s": "SHORT", "l": "LONG", "f": "FLOAT", "d": "DOUBLE",
        "dec": "DECIMAL", "str": "STRING", "bin": "BINARY", "byte": "BYTE", "date": "DATE",
        "dt": "DATETIME", "emb": "EMBEDDED", "elist": "EMBEDDEDLIST", "eset": "EMBEDDEDSET",
        "emap": "EMBEDDEDMAP", "link": "LINK", "llist": "LINKLIST", "lset": "LINKSET",
        "lmap": "LINKMAP", "lbag": "LINKBAG", "any": "ANY",
    }
    for name, t in props.items():
        db.create_property("All", name, t)
    values = {
        "b": True, "i": 2_000_000_000, "s": -32768, "l": 9_007_199_254_740_993, "f": 1.5,
        "d": 0.1, "dec": Decimal("12345678901234567890.000100"), "str": "héllo \"wörld\" ✓ 漢字",
        "bin": bytes(range(256)), "byte": -128, "date": dt.date(1969, 7, 20),
        "dt": dt.datetime(2024, 2, 29, 23, 59, 58, 123000, tzinfo=UTC),
        "emb": Document("Target", {"x": 1, "nested": Document(None, {"deep": [1, "two", None]})}),
        "elist": [1, "a", 2.5, None, [1, 2], {"k": "v"}], "eset": ["x", "y"],
        "emap": {"a": 1, "b": {"c": [True, False]}}, "link": target.rid,
        "llist": [target.rid, target.rid], "lset": [target.rid], "lmap": {"t": target.rid},
        "lbag": [target.rid], "any": "free",
    }
    doc, loaded = _roundtrip(db, "All", values)
    browsed = next(iter(db.browse_class("All")))
    for name, t in props.items():
        expected_type = OType[t] if t != "ANY" else OType.STRING
        for got in (loaded, browsed):
            assert got[name] == values[name], name
            assert repr(got[name]) == repr(values[name]), name  # digits, int vs bool, nested types
            assert got.type_of(name) is expected_type, name
    assert list(loaded.fields) == list(values) == list(browsed.fields)
    assert loaded.version == 1


@pytest.mark.parametrize("top", [None, Decimal("7.000")])
@pytest.mark.parametrize("where", ["embedded", "in a list", "both"])
def test_decimals_of_embedded_documents_keep_their_digits(db, top, where):
    """Digits, not just values: Decimal("1.10") == Decimal("1.1"), so compare the text."""
    db.create_class("Order")
    fields: dict = {}
    if where != "in a list":
        fields["line"] = Document(None, {"price": Decimal("1.10")}, {"price": OType.DECIMAL})
    if where != "embedded":
        fields["lines"] = [Document(None, {"qty": Decimal("2.500")}, {"qty": OType.DECIMAL})]
    if top is not None:
        fields["total"] = top
    doc = db.insert("Order", fields)
    for loaded in (db.load(doc.rid), next(iter(db.browse_class("Order")))):
        if "line" in fields:
            assert str(loaded["line"]["price"]) == "1.10"
        if "lines" in fields:
            assert str(loaded["lines"][0]["qty"]) == "2.500"
        if top is not None:
            assert str(loaded["total"]) == "7.000"


def test_types_round_trip_schemaless_with_explicit_types(db):
    db.create_class("Free")
    fields = {
        "long": 5, "short": 7, "float": 2.25, "dec": Decimal("1.50"), "bin": b"\x00\xff",
        "dt": dt.datetime(2020, 1, 1, 0, 0, 0, 1000, tzinfo=UTC), "date": dt.date(2020, 1, 2),
        "lset": [RID(3, 0)], "eset": [1, 2], "lmap": {"a": RID(3, 1)}, "byte": 1,
    }
    types = {"long": OType.LONG, "short": OType.SHORT, "float": OType.FLOAT, "dec": OType.DECIMAL,
             "dt": OType.DATETIME, "date": OType.DATE, "lset": OType.LINKSET, "eset": OType.EMBEDDEDSET,
             "lmap": OType.LINKMAP, "byte": OType.BYTE}
    doc, loaded = _roundtrip(db, "Free", fields, types)
    browsed = next(iter(db.browse_class("Free")))
    for k, v in fields.items():
        assert loaded[k] == v, k
        assert repr(loaded[k]) == repr(v) == repr(browsed[k]), k
    assert loaded.type_of("long") is OType.LONG
    assert loaded.type_of("short") is OType.SHORT
    assert loaded.type_of("float") is OType.FLOAT
    assert loaded.type_of("dec") is OType.DECIMAL and str(loaded["dec"]) == "1.50"
    assert loaded.type_of("bin") is OType.BINARY
    assert loaded.type_of("byte") is OType.BYTE
    assert loaded.type_of("lset") is OType.LINKSET
    assert loaded.type_of("eset") is OType.EMBEDDEDSET
    assert loaded.type_of("lmap") is OType.LINKMAP


@pytest.mark.parametrize("declared", [None, "STRING", "ANY"])
def test_explicit_types_convert_undeclared_and_any_fields(db, declared):
    """A value given with an explicit type is converted to it (or refused with a
    one-line error), whether or not the class declares other properties."""
    db.create_class("Mixed")
    if declared:
        db.create_property("Mixed", "other" if declared == "STRING" else "at", declared)
    types = {"at": OType.DATETIME, "to": OType.LINK, "amount": OType.DECIMAL}
    doc = db.insert("Mixed", {"at": 1585236763999, "to": "#9:0", "amount": 2.5}, types=types)
    loaded = db.load(doc.rid)
    assert loaded["at"] == dt.datetime(2020, 3, 26, 15, 32, 43, 999000, tzinfo=UTC)
    assert loaded["to"] == RID(9, 0) and repr(loaded["amount"]) == "Decimal('2.5')"
    assert {k: loaded.type_of(k) for k in types} == types
    before = db.count_class("Mixed")
    with pytest.raises(TypeMismatch, match="field 'at': value 'soon' is not a valid DATETIME"):
        db.insert("Mixed", {"at": "soon"}, types={"at": OType.DATETIME})
    assert db.count_class("Mixed") == before


def test_integer_widths_stay_apart(db):
    db.create_class("N")
    db.create_property("N", "i", "INTEGER")
    db.create_property("N", "l", "LONG")
    db.create_property("N", "s", "SHORT")
    loaded = db.load(db.insert("N", {"i": 1, "l": 1, "s": 1}).rid)
    assert [loaded.type_of(k) for k in "ils"] == [OType.INTEGER, OType.LONG, OType.SHORT]


def test_body_is_export_ready_json():
    body = encode_body(
        {"name": "x", "n": 5, "when": dt.datetime(1970, 1, 1, 0, 0, 1, tzinfo=UTC), "to": RID(9, 3),
         "price": Decimal("10.50")},
        {"n": OType.LONG, "price": OType.DECIMAL})
    assert body == (b'{"name":"x","n":5,"when":1000,"to":"#9:3","price":10.50,'
                    b'"@fieldTypes":"n=l,when=t,to=x,price=c"}')
    fields, types = decode_body(body)
    assert fields["price"] == Decimal("10.50") and str(fields["price"]) == "10.50"
    assert types["n"] is OType.LONG and fields["to"] == RID(9, 3)


@pytest.mark.parametrize("ptype,value", [
    ("INTEGER", "abc"), ("INTEGER", 2**40), ("SHORT", 40000), ("BYTE", 300), ("BOOLEAN", "maybe"),
    ("DATETIME", "not a date"), ("LINK", "nope"), ("DECIMAL", "1.2.3"), ("EMBEDDEDMAP", [1]),
    ("DOUBLE", "x"),
])
def test_type_mismatch_names_class_property_and_value(db, ptype, value):
    db.create_class("T")
    db.create_property("T", "p", ptype)
    with pytest.raises(TypeMismatch) as err:
        db.insert("T", {"p": value})
    msg = str(err.value)
    assert "T.p" in msg and ptype in msg and "\n" not in msg
    assert db.count_class("T") == 0


def test_conversions_from_text(db):
    db.create_class("C")
    for name, t in (("i", "INTEGER"), ("d", "DATETIME"), ("day", "DATE"), ("b", "BOOLEAN"),
                    ("l", "LINK"), ("dec", "DECIMAL")):
        db.create_property("C", name, t)
    doc = db.insert("C", {"i": "42", "d": "2021-03-04 05:06:07", "day": "2021-03-04", "b": "true",
                          "l": "#3:0", "dec": "3.140"})
    loaded = db.load(doc.rid)
    assert loaded["i"] == 42
    assert loaded["d"] == dt.datetime(2021, 3, 4, 5, 6, 7, tzinfo=UTC)
    assert loaded["day"] == dt.date(2021, 3, 4)
    assert loaded["b"] is True
    assert loaded["l"] == RID(3, 0)
    assert str(loaded["dec"]) == "3.140"


def test_blob_round_trip(db):
    db.create_cluster("pics", blob=True)
    blob = db.create_blob(b"\x89PNG\x00binary")
    loaded = db.load(blob.rid)
    assert loaded.data == b"\x89PNG\x00binary" and loaded.version == 1
