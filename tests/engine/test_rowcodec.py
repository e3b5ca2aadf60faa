"""The compiled per-class codecs agree exactly with the general path.

For random rows against a schema holding every type the fast path knows
(with and without constraints, strict and not), the RowEncoder either
declines or produces the very bytes that prepare + encode_body produce; the
RowDecoder reads any body, fast-path made or not, exactly as decode_body does.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console import engine
from console.engine.codec import decode_body, encode_body
from console.engine.rid import RID
from console.engine.rowcodec import decoder_for, encoder_for
from console.engine.validation import prepare
from console.errors import DatabaseError

TYPES = ["STRING", "INTEGER", "SHORT", "LONG", "BYTE", "DOUBLE", "FLOAT", "BOOLEAN", "DECIMAL",
         "DATETIME", "DATE", "LINK", "BINARY", "EMBEDDEDLIST", "EMBEDDEDSET", "EMBEDDEDMAP", "ANY"]
FIELDS = [f"f_{t.lower()}" for t in TYPES]


@pytest.fixture(scope="module")
def schema_db():
    db = engine.create("memory:rowcodec-test", "admin", "admin")
    db.create_class("Loose")
    db.create_class("Strict")
    db.create_class("Checked")
    for t, f in zip(TYPES, FIELDS):
        db.create_property("Loose", f, t)
        db.create_property("Strict", f, t)
        db.create_property("Checked", f, t)
    db.command("ALTER CLASS Strict STRICT_MODE true")
    db.command("ALTER PROPERTY Checked.f_string MANDATORY true")
    db.command("ALTER PROPERTY Checked.f_integer MIN 0")
    db.command("ALTER PROPERTY Checked.f_long NOTNULL true")
    yield db
    db.close()
    engine.drop("memory:rowcodec-test")


utc = dt.timezone.utc
values = st.one_of(
    st.none(), st.booleans(), st.text(max_size=8),
    st.integers(min_value=-2**70, max_value=2**70), st.integers(min_value=-300, max_value=300),
    st.floats(allow_nan=True, allow_infinity=True), st.floats(allow_nan=False, allow_infinity=False),
    st.decimals(allow_nan=False, allow_infinity=False, places=3), st.just(Decimal("NaN")),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1),
                 timezones=st.sampled_from([None, utc])).map(lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000)),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 1, 1)),
    st.builds(RID, st.integers(0, 50), st.integers(0, 10**6)),
    st.binary(max_size=8),
    st.lists(st.one_of(st.text(max_size=3), st.integers(-10, 10), st.booleans(), st.none(), st.floats()), max_size=4),
    st.dictionaries(st.text(max_size=3), st.integers(-3, 3), max_size=2),
)
datetimes = st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1),
                         timezones=st.sampled_from([None, utc])).map(
    lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000))
TYPED = {
    "f_string": st.text(max_size=8), "f_integer": st.integers(-2**32, 2**32), "f_short": st.integers(-2**16, 2**16),
    "f_long": st.integers(-2**64, 2**64), "f_byte": st.integers(-200, 200), "f_double": st.floats(),
    "f_float": st.floats(), "f_boolean": st.booleans(),
    "f_decimal": st.decimals(places=2) | st.decimals(allow_nan=False, allow_infinity=False),
    "f_datetime": datetimes, "f_date": st.dates(), "f_link": st.builds(RID, st.integers(0, 50), st.integers(0, 99)),
    "f_binary": st.binary(max_size=6),
    "f_embeddedlist": st.lists(st.one_of(st.text(max_size=3), st.integers(-2**40, 2**40), st.booleans(), st.none()),
                               max_size=4),
    "extra": st.one_of(st.text(max_size=3), st.integers(-2**40, 2**40), st.floats(), st.booleans(), st.none()),
}
typed_rows = st.lists(st.sampled_from(sorted(TYPED)), max_size=10, unique=True).flatmap(
    lambda keys: st.fixed_dictionaries({k: TYPED[k] for k in keys}))
names = st.one_of(st.sampled_from(FIELDS), st.sampled_from([n.upper() for n in FIELDS]),
                  st.sampled_from(["extra", "other", "@bad", ""]))
rows = st.one_of(typed_rows, typed_rows, st.dictionaries(names, values, max_size=8))


def _general(db, cls: str, row: dict) -> bytes | None:
    try:
        fields, types = prepare(db.schema, cls, row, {}, None, db._class_of)
        return encode_body(fields, types)
    except (DatabaseError, TypeError, ValueError, OverflowError):
        return None


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cls=st.sampled_from(["Loose", "Strict", "Checked"]), row=rows)
def test_encoder_declines_or_matches_the_general_path(schema_db, cls, row):
    enc = encoder_for(schema_db.schema, cls)
    assert enc is not None
    try:
        fast = enc.encode(row)
    except (TypeError, ValueError, OverflowError):
        fast = "raised"  # orjson refuses an int beyond 64 bits; the general path must refuse too
    general = _general(schema_db, cls, row)
    if fast == "raised":
        assert general is None
    elif fast is not None:
        assert fast == general
        dec = decoder_for(schema_db.schema, cls)
        assert dec.fields(fast) == decode_body(fast, dec.schema_types)


ODD_BODIES = [
    b'{"f_decimal":1.50,"f_string":"x","@fieldTypes":"f_decimal=c"}',
    b'{"f_decimal":"2.000","@fieldTypes":"f_decimal=c"}',
    b'{"f_string":12,"f_integer":"7","f_datetime":0,"@fieldTypes":"f_datetime=t"}',
    b'{"f_date":86400000,"@fieldTypes":"f_date=t"}',
    b'{"f_binary":5,"@fieldTypes":"f_binary=b"}',
    b'{"e":{"@type":"d","@version":0,"v":1.10,"@fieldTypes":"v=c"},"f_decimal":3.30,'
    b'"@fieldTypes":"f_decimal=c"}',
    b'{"l":[{"@type":"d","@version":0,"a":1}],"@rid":"#1:2","@x":null}',
    b'{"f_decimal":1e400,"@fieldTypes":"f_decimal=c"}',
    b'{"f_embeddedmap":{"k":1.5},"f_any":[1,{"x":2}],"text":"a=c"}',
    b'{"f_long":"notanumber","@fieldTypes":"f_long=l"}',
    b'{"f_datetime":"yesterday","@fieldTypes":"f_datetime=t"}',
    b'{"f_link":"#3:4","f_embeddedset":[1,1],"@fieldTypes":"f_link=x,f_embeddedset=e,missing=l"}',
    # where DECIMAL digits must come from the text: top level, embedded only, "=c" or "{" in strings
    b'{"f_string":"a=c","f_integer":3}',
    b'{"f_string":"{a=c}","f_double":1.10}',
    b'{"e":{"@type":"d","@version":0,"v":1.10,"@fieldTypes":"v=c"},"f_string":"x"}',
    b'{"l":[{"@type":"d","@version":0,"v":2.50,"@fieldTypes":"v=c"}],"f_integer":1}',
    b'{"f_decimal":1.50,"f_string":"{","@fieldTypes":"f_decimal=c"}',
]


@pytest.mark.parametrize("cls", ["Loose", "Strict", None])
@pytest.mark.parametrize("body", ODD_BODIES)
def test_decoder_matches_decode_body_on_odd_bodies(schema_db, cls, body):
    dec = decoder_for(schema_db.schema, cls)
    try:
        expected = decode_body(body, dec.schema_types)
    except DatabaseError as exc:
        with pytest.raises(DatabaseError) as err:
            dec.fields(body)
        assert str(err.value) == str(exc)
        return
    got = dec.fields(body)
    assert got == expected
    assert repr(got) == repr(expected)  # DECIMAL digits too: Decimal("1.10") == Decimal("1.1")
    assert [type(v) for v in got[0].values()] == [type(v) for v in expected[0].values()]


def test_decimals_keep_their_digits(schema_db):
    dec = decoder_for(schema_db.schema, "Loose")
    fields, types = dec.fields(b'{"f_decimal":1.50,"@fieldTypes":"f_decimal=c"}')
    assert str(fields["f_decimal"]) == "1.50"


@pytest.mark.parametrize("spec", [r"v=\u0063", r"v\u003dc", r"w=t,v=\u0063", r"\u0076=c"])
def test_decimals_keep_their_digits_when_fieldtypes_is_written_with_escapes(schema_db, spec):
    """Legal JSON that OrientDB never writes: both readers still keep 1.10."""
    body = b'{"v":1.10,"w":0,"s":"\\u00e9","@fieldTypes":"%s"}' % spec.encode()
    for fields, types in (decode_body(body), decoder_for(schema_db.schema, "Loose").fields(body)):
        assert repr(fields["v"]) == "Decimal('1.10')" and types["v"].name == "DECIMAL"
        assert fields["s"] == "\u00e9"


def test_bulk_insert_through_the_fast_path_reads_back_equal(db):
    db.create_class("P")
    for name, t in (("n", "STRING"), ("when", "DATETIME"), ("amount", "DECIMAL"), ("big", "LONG"),
                    ("tags", "EMBEDDEDLIST"), ("small", "SHORT")):
        db.create_property("P", name, t)
    when = dt.datetime(2021, 5, 6, 7, 8, 9, 123000, tzinfo=utc)
    rows = [{"n": f"p{i}", "when": when, "amount": Decimal("10.50"), "big": 2**40 + i, "tags": ["a", i],
             "small": i, "free": i * 0.5} for i in range(50)]
    assert db.insert_many("P", rows) == 50
    back = sorted(db.browse_class("P"), key=lambda d: d["small"])
    assert [d.fields for d in back] == rows
    assert str(back[0]["amount"]) == "10.50"
    assert back[0].type_of("big").name == "LONG" and back[0].type_of("small").name == "SHORT"
