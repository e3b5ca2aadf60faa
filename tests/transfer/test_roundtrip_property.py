"""Hypothesis: random schemas and records survive EXPORT -> IMPORT unchanged."""

from __future__ import annotations

import datetime as dt
import itertools
import os
from decimal import Decimal

from helpers import export, fresh, import_
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console import engine
from console.engine.document import Document
from console.engine.types import OType

UTC = dt.timezone.utc
_ids = itertools.count()

names = st.from_regex(r"[a-z][a-zA-Z0-9_]{0,8}", fullmatch=True)
text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)

SCALARS: dict[OType, st.SearchStrategy] = {
    OType.STRING: text,
    OType.INTEGER: st.integers(-(2**31), 2**31 - 1),
    OType.LONG: st.integers(-(2**63), 2**63 - 1),
    OType.SHORT: st.integers(-(2**15), 2**15 - 1),
    OType.BYTE: st.integers(-128, 127),
    OType.BOOLEAN: st.booleans(),
    OType.DOUBLE: st.floats(allow_nan=False, allow_infinity=False),
    OType.DECIMAL: st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-10**12, max_value=10**12),
    OType.DATETIME: st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1))
    .map(lambda d: d.replace(microsecond=(d.microsecond // 1000) * 1000, tzinfo=UTC, fold=0)),
    OType.DATE: st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 1, 1)),
    OType.BINARY: st.binary(max_size=16),
}
plain = st.recursive(st.none() | st.booleans() | st.integers(-1000, 1000) | text,
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(names, inner, max_size=3),
                     max_leaves=6)
# Embedded documents with typed values (DECIMAL digits, LONG), alone or in a list.
embedded = st.builds(lambda d, n: Document(None, {"amount": d, "n": n}, {"amount": OType.DECIMAL, "n": OType.LONG}),
                     SCALARS[OType.DECIMAL], SCALARS[OType.LONG])
extras = plain | embedded | st.lists(embedded, min_size=1, max_size=2)


@st.composite
def databases(draw):
    classes = draw(st.lists(names, min_size=1, max_size=3, unique_by=str.lower))
    schema = {}
    for c in classes:
        props = draw(st.dictionaries(names, st.sampled_from(sorted(SCALARS, key=lambda t: t.value)), max_size=4))
        schema[c.capitalize() + "X"] = props
    records = []
    for cls, props in schema.items():
        for _ in range(draw(st.integers(0, 4))):
            fields = {}
            for p, t in props.items():
                if draw(st.booleans()):
                    fields[p] = draw(SCALARS[t])
            for extra in draw(st.lists(names, max_size=2)):
                if extra not in props:
                    fields[extra] = draw(extras)
            records.append((cls, fields))
    return schema, records


@settings(max_examples=int(os.environ.get("ORIENT_ROUNDTRIP_CASES", "25")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(databases())
def test_random_databases_survive_export_and_import(tmp_path, case):
    schema, records = case
    n = next(_ids)
    db = fresh(tmp_path, f"src{n}")
    try:
        for cls, props in schema.items():
            db.create_class(cls, clusters=2)
            for p, t in props.items():
                db.create_property(cls, p, t)
        stored = [db.insert(cls, fields) for cls, fields in records]
        path = export(db, tmp_path / f"x{n}.json.gz")
        target = fresh(tmp_path, f"dst{n}")
        try:
            import_(target, path)
            for doc in stored:
                copy = target.load(doc.rid)
                assert copy == doc, (doc, copy)
                # Decimal("1.10") == Decimal("1.1"): the reprs hold the digits, nested ones too
                assert repr(copy.fields) == repr(doc.fields)
        finally:
            target.close()
    finally:
        db.close()
        for name in (f"src{n}", f"dst{n}"):
            url = f"plocal:{tmp_path / name}"
            if engine.exists(url):
                engine.drop(url)
