"""The streaming export reader: the real OrientDB file, every quirk, every failure."""

from __future__ import annotations

import gzip
import json
import math
import re
import zlib
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.errors import OrientError
from console.transfer.reader import (SECTION_ORDER, ExportReader, ImportFormatError, RawRecord,
                                     Section)

INFO = {"name": "demo", "default-cluster-id": 3, "exporter-version": 12,
        "engine-version": "3.0.34", "storage-config-version": 22, "schema-version": 4,
        "schemaRecordId": "#0:1", "indexMgrRecordId": "#0:2"}
POSITION = re.compile(r"^line (\d+), column (\d+) \(byte (\d+)\)(, record (\d+))?: \S")


# --- helpers ------------------------------------------------------------------------

def record(i: int, **fields: Any) -> dict[str, Any]:
    return {"@type": "d", "@rid": f"#17:{i}", "@version": 1, "@class": "Person",
            "id": i, "name": f"person {i}", **fields}


def body(records: list[bytes], sep: bytes = b",,", *, head: bytes | None = None,
         tail: bytes | None = None) -> bytes:
    """A whole export around already-serialized records."""
    if head is None:
        head = (b'{"info":' + orjson.dumps(INFO) + b',"clusters":[{"name":"person","id":17}],'
                b'"schema":{"version":4,"classes":[{"name":"Person","super-classes":["V"]}]},'
                b'"records":[')
    if tail is None:
        tail = (b'],"brokenRids":[],"indexes":[{"name":"Person.id","type":"UNIQUE"}],'
                b'"manualIndexes":[{"name":"dictionary","content":[]}]}')
    return head + sep.join(records) + tail


def write(tmp_path: Path, data: bytes, gz: bool = False, name: str = "export") -> Path:
    path = tmp_path / name
    path.write_bytes(gzip.compress(data, 1) if gz else data)
    return path


def read_all(path: Path, **kw: Any) -> tuple[dict[str, Any], list[RawRecord]]:
    """Every section (records as a list) of the export at ``path``."""
    sections: dict[str, Any] = {}
    records: list[RawRecord] = []
    with ExportReader(path, **kw) as reader:
        for section in reader.sections():
            assert isinstance(section, Section)
            if section.name == "records":
                records = list(section.value)
                sections["records"] = len(records)
            else:
                sections[section.name] = section.value
    return sections, records


def error_of(path: Path, **kw: Any) -> ImportFormatError:
    with pytest.raises(ImportFormatError) as info:
        read_all(path, **kw)
    assert isinstance(info.value, OrientError)
    assert "\n" not in str(info.value)
    return info.value


def position(err: ImportFormatError) -> tuple[int, int, int, int | None]:
    m = POSITION.match(str(err))
    assert m, f"no position in {err}"
    rec = m.group(5)
    return int(m.group(1)), int(m.group(2)), int(m.group(3)), None if rec is None else int(rec)


def check_positions(stream: bytes, records: list[RawRecord]) -> None:
    for k, rec in enumerate(records):
        assert rec.index == k
        assert stream[rec.offset:rec.offset + len(rec.raw)] == rec.raw
        assert rec.line == stream.count(b"\n", 0, rec.offset) + 1
        assert rec.column == rec.offset - (stream.rfind(b"\n", 0, rec.offset) + 1) + 1


def same(a: Any, b: Any) -> bool:
    """Equal, key order included."""
    return json.dumps(a) == json.dumps(b)


# --- the real OrientDB 3.0.34 export ------------------------------------------------------

@pytest.fixture
def fixture_path(fixture_export: Path) -> Path:
    return fixture_export


@pytest.fixture
def fixture_stream(fixture_export: Path) -> bytes:
    return gzip.decompress(fixture_export.read_bytes())


def test_fixture_sections_and_counts(fixture_path: Path, fixture_stream: bytes) -> None:
    names = []
    with ExportReader(fixture_path) as reader:
        assert reader.compressed
        for section in reader.sections():
            names.append(section.name)
    assert names == list(SECTION_ORDER)
    sections, records = read_all(fixture_path)
    info, clusters, schema = sections["info"], sections["clusters"], sections["schema"]
    assert info["exporter-version"] == 12 and info["name"] == "storage"
    assert list(info)[:3] == ["name", "default-cluster-id", "exporter-version"]
    assert len(clusters) == 889 and clusters[0] == {"name": "internal", "id": 0}
    assert len(schema["classes"]) == 118
    assert len(records) == 501
    assert sections["brokenRids"] == []
    assert len(sections["indexes"]) == 51
    assert sections["manualIndexes"] == [{"name": "dictionary", "content": []}]
    check_positions(fixture_stream, records)


def test_fixture_records_field_by_field(fixture_path: Path) -> None:
    _, records = read_all(fixture_path)
    blob = records[0]
    assert blob.data == {"@type": "b", "@rid": "#0:0", "@version": 1, "value": "AAAAAA=="}
    assert blob.raw == b'{"@type":"b","@rid":"#0:0","@version":1,"value":"AAAAAA=="}'
    assert (blob.offset, blob.line, blob.column) == (59833, 1, 59834)
    schema = records[1].data  # embedded documents all the way down
    assert schema["@rid"] == "#0:1" and schema["@version"] == 221
    assert len(schema["classes"]) > 100 and schema["classes"][0]["@type"] == "d"
    role = records[3]
    assert role.offset == 173436
    assert list(role.data) == ["@type", "@rid", "@version", "@class", "mode", "name", "rules",
                               "inheritedRole", "@fieldTypes"]
    assert role.data["rules"] == {"database.bypassRestricted": 31}
    assert role.data["inheritedRole"] is None
    edge = records[100].data
    assert edge == {"@type": "d", "@rid": "#131:0", "@version": 1, "@class": "HAS_LANGUAGE",
                    "in": "#707:0", "out": "#513:0", "@fieldTypes": "in=x,out=x"}
    last = records[500]
    assert last.index == 500 and last.data["@rid"] == "#883:0"
    assert last.data["in_HAS_CHANGE"] == ["#252:4"]
    assert last.data["@fieldTypes"] == "duration=l,in_HAS_CHANGE=g"


@pytest.mark.parametrize("chunk_size", [997, 1 << 20])
def test_fixture_plain_and_small_chunks(tmp_path: Path, fixture_path: Path,
                                        fixture_stream: bytes, chunk_size: int) -> None:
    plain = write(tmp_path, fixture_stream, name="fixture.json.gz")  # plain despite the name
    sections, records = read_all(plain, chunk_size=chunk_size)
    with ExportReader(plain) as reader:
        assert not reader.compressed
    _, expected = read_all(fixture_path)
    assert records == expected
    assert len(sections["clusters"]) == 889


# --- synthetic files: layout and quirks -----------------------------------------------------

@pytest.mark.parametrize("sep", [b",", b",,", b",\n", b"\n,", b" , ", b",\r\n\t"])
@pytest.mark.parametrize("gz", [False, True])
def test_separators_and_compression(tmp_path: Path, sep: bytes, gz: bool) -> None:
    originals = [record(i, tags=["a", f"t{i}"], score=i / 7) for i in range(300)]
    raws = [orjson.dumps(r) for r in originals]
    stream = body(raws, sep)
    for chunk_size in (257, 1 << 20):
        sections, records = read_all(write(tmp_path, stream, gz), chunk_size=chunk_size)
        assert [r.raw for r in records] == raws
        assert [r.data for r in records] == originals
        check_positions(stream, records)
        assert sections["info"] == INFO
        assert sections["brokenRids"] == []


def test_threaded_and_unthreaded_agree(tmp_path: Path) -> None:
    raws = [orjson.dumps(record(i, blob="x" * (i % 50))) for i in range(2000)]
    path = write(tmp_path, body(raws), gz=True)
    assert read_all(path, threaded=True) == read_all(path, threaded=False)


def test_whitespace_and_line_feeds_everywhere(tmp_path: Path) -> None:
    raws = [orjson.dumps(record(i)) for i in range(5)]
    stream = (b'\n { "info" :\n' + orjson.dumps(INFO) + b' ,\r\n "records" : [\n'
              + b",\n".join(raws) + b"\n ] \n,\n\"indexes\": [ ] }\n\n")
    sections, records = read_all(write(tmp_path, stream))
    assert [r.raw for r in records] == raws
    assert [r.line for r in records] == [5, 6, 7, 8, 9]
    assert all(r.column == 1 for r in records)
    assert sections == {"info": INFO, "records": 5, "indexes": []}


def test_bare_rids_in_broken_rids(tmp_path: Path) -> None:
    tail = b'],"brokenRids":[#3:4,#5:6, #-1:-2 ],"indexes":[]}'
    sections, _ = read_all(write(tmp_path, body([orjson.dumps(record(0))], tail=tail)))
    assert sections["brokenRids"] == ["#3:4", "#5:6", "#-1:-2"]
    quoted = b'],"brokenRids":["#3:4"],"indexes":[]}'
    sections, _ = read_all(write(tmp_path, body([], tail=quoted)))
    assert sections["brokenRids"] == ["#3:4"]


def test_nan_and_infinity(tmp_path: Path) -> None:
    raws = [orjson.dumps(record(0)),
            b'{"@type":"d","@rid":"#17:1","@version":1,"a":NaN,"b":[Infinity,-Infinity],'
            b'"c":{"d":1e999},"@fieldTypes":"a=d"}',
            orjson.dumps(record(2))]
    head = (b'{"info":' + orjson.dumps(INFO) + b',"schema":{"version":4,"x":NaN,"classes":[]},'
            b'"records":[')
    for sep in (b",", b",,"):
        sections, records = read_all(write(tmp_path, body(raws, sep, head=head)))
        data = records[1].data
        assert math.isnan(data["a"]) and data["b"] == [math.inf, -math.inf]
        assert data["c"]["d"] == math.inf
        assert math.isnan(sections["schema"]["x"])
        assert records[2].data == record(2)


def test_utf8_and_escaped_text(tmp_path: Path) -> None:
    text = "Zoë — 東京 🐘 \"quoted\" back\\slash },{\"@type\":\"d\",\"@rid\":\"#1:1\"}"
    escaped = json.dumps(record(0, name=text), ensure_ascii=True).encode()
    utf8 = json.dumps(record(1, name=text), ensure_ascii=False).encode()
    assert escaped.isascii() and not utf8.isascii()
    stream = body([escaped, utf8, orjson.dumps(record(2))])
    _, records = read_all(write(tmp_path, stream, gz=True))
    assert records[0].data["name"] == text and records[1].data["name"] == text
    assert [r.raw for r in records] == [escaped, utf8, orjson.dumps(record(2))]
    check_positions(stream, records)
    assert records[2].column == records[2].offset + 1  # columns count bytes


def test_escaped_lone_surrogate(tmp_path: Path) -> None:
    raws = [b'{"@type":"d","@rid":"#1:0","@version":1,"s":"\\ud800x","t":"\\ud83d\\ude00"}']
    _, records = read_all(write(tmp_path, body(raws * 3)))
    assert [r.data["s"] for r in records] == ["\ud800x"] * 3
    assert records[0].data["t"] == "\U0001f600"


@pytest.mark.parametrize("version", [9, 10, 11, 12, 13])
def test_exporter_versions_and_legacy_keys(tmp_path: Path, version: int) -> None:
    head = (b'{"info":' + orjson.dumps({**INFO, "exporter-version": version})
            + b',"clusters":[{"name":"internal","id":0,"type":"PHYSICAL"}],'
            b'"schema":{"version":4,"classes":[{"name":"A","super-class":"V"}]},"records":[')
    tail = b"]}" if version < 12 else b'],"brokenRids":[]}'
    sections, records = read_all(write(tmp_path, body([orjson.dumps(record(0))], head=head,
                                                      tail=tail)))
    assert sections["info"]["exporter-version"] == version
    assert sections["clusters"] == [{"name": "internal", "id": 0, "type": "PHYSICAL"}]
    assert sections["schema"]["classes"][0]["super-class"] == "V"
    assert records[0].data == record(0)


def test_embedded_documents_that_look_like_records(tmp_path: Path) -> None:
    """Nested '},{"@type":"d","@rid":"' must not be taken for a record boundary."""
    inner = [{"@type": "d", "@rid": f"#9:{k}", "@version": 0, "x": [{"@type": "d", "y": k}]}
             for k in range(40)]
    originals = [record(i, docs=inner[: i % 40], map={"k": {"@type": "d", "@rid": "#1:1"}})
                 for i in range(120)]
    raws = [orjson.dumps(r) for r in originals]
    for sep in (b",", b",,", b",\n"):
        stream = body(raws, sep)
        for chunk_size in (100, 4096, 1 << 20):
            _, records = read_all(write(tmp_path, stream), chunk_size=chunk_size)
            assert [r.data for r in records] == originals
            check_positions(stream, records)


def test_large_records_across_many_chunks(tmp_path: Path) -> None:
    docs = [{"@type": "d", "@rid": f"#2:{j}", "@version": 0, "x": j} for j in range(5000)]
    originals = [record(0, docs=docs), record(1, text="é" * 150_000), record(2, docs=docs[:3])]
    raws = [orjson.dumps(r) for r in originals]
    for sep in (b",", b",,"):
        stream = body(raws, sep)
        _, records = read_all(write(tmp_path, stream, gz=True), chunk_size=4096)
        assert [r.data for r in records] == originals
        check_positions(stream, records)


def test_deep_nesting_is_reported(tmp_path: Path) -> None:
    deep = b'{"@type":"d","@rid":"#1:0","@version":1,"a":' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    err = error_of(write(tmp_path, body([orjson.dumps(record(0)), deep])))
    assert position(err)[3] == 1 and "nested too deeply" in str(err)


def test_records_that_are_not_documents_first(tmp_path: Path) -> None:
    raws = [b'{"@rid":"#5:0","@type":"d","a":1}', b'{"@type":"b","@rid":"#6:0","@version":1,'
            b'"value":"AAE="}', b'{"x":{"@type":"d"}}', orjson.dumps(record(3))]
    for sep in (b",", b",,"):
        _, records = read_all(write(tmp_path, body(raws * 30, sep)))
        assert [r.raw for r in records] == raws * 30


def test_unknown_sections_are_skipped(tmp_path: Path) -> None:
    head = (b'{"extra":{"a":[1,2,{"b":NaN}],"s":"}]"},"info":' + orjson.dumps(INFO)
            + b',"more":123456789,"clusters":[],"n":-1.5e3,"records":[')
    sections, records = read_all(write(tmp_path, body([orjson.dumps(record(0))], head=head,
                                                      tail=b'],"z":"x"}')))
    assert sections == {"info": INFO, "clusters": [], "records": 1}


def test_missing_sections_and_empty_records(tmp_path: Path) -> None:
    assert read_all(write(tmp_path, b"{}")) == ({}, [])
    assert read_all(write(tmp_path, b'{"records":[]}')) == ({"records": 0}, [])
    assert read_all(write(tmp_path, b'{"records":[ \n ],"indexes":[]}'))[0] == {
        "records": 0, "indexes": []}
    assert read_all(write(tmp_path, b'\xef\xbb\xbf{"info":{"name":"x"}}'))[0] == {
        "info": {"name": "x"}}


def test_unread_records_are_skipped(tmp_path: Path) -> None:
    path = write(tmp_path, body([orjson.dumps(record(i)) for i in range(500)]), gz=True)
    names = []
    with ExportReader(path) as reader:
        for section in reader.sections():
            names.append(section.name)
            if section.name == "records":
                next(iter(section.value))
    assert names == list(SECTION_ORDER)
    with ExportReader(path) as reader:
        reader.sections()
        with pytest.raises(ImportFormatError, match="only once"):
            reader.sections()


# --- DECIMAL ----------------------------------------------------------------------------------

def test_decimals_keep_their_digits(tmp_path: Path) -> None:
    dec = (b'{"@type":"d","@rid":"#17:%d","@version":1,"price":12.50,"big":'
           b'123456789012345678901234567890.123456789,"n":7,"d":0.1,"@fieldTypes":"price=c,big=c"}')
    nested = (b'{"@type":"d","@rid":"#17:%d","@version":1,"d":0.10,"e":{"@type":"d",'
              b'"@version":0,"amount":1.000,"@fieldTypes":"amount=c"}}')
    raws = []
    for i in range(600):
        kind = i % 7
        raws.append(dec % i if kind == 3 else nested % i if kind == 5 else
                    orjson.dumps(record(i, d=0.1, f=2.50)))
    for sep in (b",", b",,", b",\n", b" ,"):
        _, records = read_all(write(tmp_path, body(raws, sep)), chunk_size=5000)
        for rec in records:
            kind = rec.index % 7
            if kind == 3:
                assert rec.data["price"] == Decimal("12.50") and str(rec.data["price"]) == "12.50"
                assert str(rec.data["big"]) == "123456789012345678901234567890.123456789"
                assert rec.data["n"] == 7 and type(rec.data["n"]) is int
                assert type(rec.data["d"]) is Decimal
            elif kind == 5:
                assert str(rec.data["e"]["amount"]) == "1.000"
                assert str(rec.data["d"]) == "0.10"
            else:
                assert type(rec.data["d"]) is float and rec.data["f"] == 2.5


def test_decimal_letter_must_be_exact(tmp_path: Path) -> None:
    raws = [b'{"@type":"d","@rid":"#1:0","@version":1,"x":1.50,"@fieldTypes":"x=cc"}',
            b'{"@type":"d","@rid":"#1:1","@version":1,"x":1.50,"note":"=c","@fieldTypes":"x=d"}',
            b'{"@type":"d","@rid":"#1:2","@version":1,"x":1.50,"@fieldTypes":"a=x,x=c"}']
    _, records = read_all(write(tmp_path, body(raws)))
    assert [type(r.data["x"]) for r in records] == [float, float, Decimal]


# --- failures ---------------------------------------------------------------------------------

def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match=r"cannot read '.*nothere': no such file"):
        ExportReader(tmp_path / "nothere")
    with pytest.raises(ImportFormatError, match="is a directory"):
        ExportReader(tmp_path)


@pytest.mark.parametrize("data, where, what", [
    (b"", (1, 1, 0), "the file is empty"),
    (b"  \n ", (2, 2, 4), "expected '{'"),
    (b"[1,2]", (1, 1, 0), "expected '{'"),
    (b'"x"', (1, 1, 0), "expected '{'"),
    (b"\x00\x01garbage", (1, 1, 0), "expected '{'"),
    (b'{"info":{"a":1}} x', (1, 18, 17), "after the end of the export object"),
    (b'{"info":{"a":1}', (1, 16, 15), "not closed"),
    (b'{"info":{"a":1};', (1, 16, 15), "expected ',' or '}'"),
    (b'{info:{}}', (1, 2, 1), "expected a section name"),
    (b'{"info" {}}', (1, 9, 8), "expected ':'"),
    (b'{"info":[]}', (1, 9, 8), "section 'info' must be an object"),
    (b'{"clusters":{}}', (1, 13, 12), "section 'clusters' must be an array"),
    (b'{"records":{}}', (1, 12, 11), "section 'records' must be an array"),
    (b'{"info":{"name":"abc}}', (1, 17, 16), "unterminated string"),
    (b'{"info":{"a":tru}}', (1, 14, 13), "expecting value"),
    (b'{"info":{"a":"\xff"}}', (1, 15, 14), "invalid UTF-8"),
    (b'{"info":{"a":1},\n"info":{}}', (2, 1, 17), "section 'info' appears twice"),
    (b'{"schema":{},"clusters":[]}', (1, 14, 13), "'clusters' is out of order"),
    (b'{"records":[],"schema":{}}', (1, 15, 14), "'schema' is out of order: it must come "
                                                   "before 'records'"),
    (b'{"indexes":[],"brokenRids":[]}', (1, 15, 14), "'brokenRids' is out of order"),
    (b'{"manualIndexes":[],"info":{}}', (1, 21, 20), "'info' is out of order"),
])
def test_malformed_files(tmp_path: Path, data: bytes, where: tuple[int, int, int],
                         what: str) -> None:
    for gz in (False, True):
        err = error_of(write(tmp_path, data, gz))
        assert position(err)[:3] == where, str(err)
        assert what in str(err)


def test_malformed_record_in_the_middle(tmp_path: Path) -> None:
    raws = [orjson.dumps(record(i, text="y" * (i % 13))) for i in range(400)]
    broken = raws[:]
    broken[257] = broken[257].replace(b'"name":', b'"name" ')
    for sep in (b",", b",,", b",\n"):
        stream = body(broken, sep)
        path = write(tmp_path, stream, gz=True)
        seen: list[RawRecord] = []
        with pytest.raises(ImportFormatError) as info:
            with ExportReader(path, chunk_size=3000) as reader:
                for section in reader.sections():
                    if section.name == "records":
                        seen.extend(section.value)
        assert [r.index for r in seen] == list(range(257))
        line, column, byte, rec = position(info.value)
        start = stream.index(broken[257])
        assert rec == 257 and byte == start + broken[257].index(b'" ') + 2
        assert line == stream.count(b"\n", 0, byte) + 1
        assert column == byte - (stream.rfind(b"\n", 0, byte) + 1) + 1
        assert "expecting ':' delimiter" in str(info.value)


@pytest.mark.parametrize("bad, what", [
    (b'{"@type":"d","@rid":"#17:5","@version":1}{"@type":"d"}', "missing ',' between records"),
    (b'[1,2]', "expected a record"),
    (b'"x"', "expected a record"),
    (b'{"@type":"d","@rid":"#17:5","a":[1,2}', "expecting ',' delimiter"),
    (b'{"@type":"d","@rid":"#17:5","a":"\\q"}', "invalid \\escape"),
    (b'{"@type":"d","@rid":"#17:5","a":"x\ty"}', "invalid control character"),
    (b'{"@type":"d","@rid":"#17:5","a":"\xc3\x28"}', "invalid UTF-8"),
    (b'{"@type":"d","@rid":"#17:5","a":1} x', "expected a record"),
])
def test_bad_records_name_their_number(tmp_path: Path, bad: bytes, what: str) -> None:
    raws = [orjson.dumps(record(i)) for i in range(10)]
    raws[5] = bad
    for sep in (b",", b",,"):
        err = error_of(write(tmp_path, body(raws, sep)))
        assert position(err)[3] in (5, 6), str(err)
        assert what in str(err)


def test_truncated_json_at_many_points(tmp_path: Path) -> None:
    raws = [orjson.dumps(record(i, docs=[{"@type": "d", "@version": 0, "v": i}], nan=None))
            for i in range(60)]
    stream = body(raws, b",,")
    cuts = sorted({*range(1, len(stream), max(1, len(stream) // 40)), 1, 2, 8, 9, 30,
                   len(stream) - 1, len(stream) - 2, len(stream) - 30})
    rec_start = stream.index(b'"records":[') + 11
    rec_end = stream.index(b'],"brokenRids"')
    assert len(cuts) >= 20
    for cut in cuts:
        for gz in (False, True):
            err = error_of(write(tmp_path, stream[:cut], gz), chunk_size=700)
            line, column, byte, rec = position(err)
            assert byte <= cut and line == 1 and column == byte + 1
            if rec_start < cut <= rec_end:
                assert rec is not None, str(err)


def test_fixture_truncated_or_mutated(tmp_path: Path, fixture_stream: bytes) -> None:
    n = len(fixture_stream)
    for k in range(1, 26):
        cut = n * k // 26 + k
        err = error_of(write(tmp_path, fixture_stream[:cut]), chunk_size=4096)
        assert position(err)[2] <= cut
    at = fixture_stream.index(b'"indexVersion":', 124103)  # in record 2, the index manager
    mutated = fixture_stream[:at + 14] + b" " + fixture_stream[at + 15:]
    err = error_of(write(tmp_path, mutated))
    assert position(err)[2:] == (at + 15, 2), str(err)


def test_truncated_and_corrupt_gzip(tmp_path: Path) -> None:
    raws = [orjson.dumps(record(i, pad="abcdefgh" * (i % 9))) for i in range(3000)]
    stream = body(raws)
    packed = gzip.compress(stream, 6)
    for cut in (11, 30, len(packed) // 3, len(packed) // 2, len(packed) - 9, len(packed) - 4,
                len(packed) - 1):
        path = tmp_path / "cut.gz"
        path.write_bytes(packed[:cut])
        err = error_of(path)
        assert "gzip" in str(err) or "end of file" in str(err), str(err)
        assert position(err)[2] <= len(stream)
    bad_crc = bytearray(packed)
    bad_crc[-6] ^= 0xFF
    (tmp_path / "crc.gz").write_bytes(bad_crc)
    assert "checksum" in str(error_of(tmp_path / "crc.gz"))
    bad_data = bytearray(packed)
    for k in range(200, 260):
        bad_data[k] ^= 0x5A
    (tmp_path / "data.gz").write_bytes(bad_data)
    position(error_of(tmp_path / "data.gz"))  # corrupt deflate data, or what it inflates to
    (tmp_path / "trail.gz").write_bytes(packed + b"garbage!")
    assert "garbage after the end of the gzip stream" in str(error_of(tmp_path / "trail.gz"))


def test_gzip_members_and_padding(tmp_path: Path) -> None:
    raws = [orjson.dumps(record(i)) for i in range(1000)]
    stream = body(raws)
    half = len(stream) // 2
    multi = tmp_path / "multi.gz"
    multi.write_bytes(gzip.compress(stream[:half]) + gzip.compress(stream[half:]) + b"\0" * 600)
    assert read_all(multi) == read_all(write(tmp_path, stream))
    zl = tmp_path / "zlib-level9.gz"
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    zl.write_bytes(comp.compress(stream) + comp.flush())
    assert read_all(zl)[1][999].data == record(999)


# --- round trip of random records -------------------------------------------------------

_chars = st.characters(exclude_categories=("Cs",))  # UTF-8 cannot encode lone surrogates
_keys = st.text(_chars, max_size=8).filter(lambda k: k != "@fieldTypes")
_scalars = (st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1)
            | st.floats(allow_nan=False, allow_infinity=False)
            | st.text(_chars, max_size=20)
            | st.sampled_from(['},{"@type":"d","@rid":"#1:2"}', '"', "\\", "},,{", "\\u0041",
                               '{"@type":"', "\n", "]}", "=c"]))
_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4)
                       | st.dictionaries(_keys, inner, max_size=4)
                       | st.builds(lambda d: {"@type": "d", "@version": 0, **d},
                                   st.dictionaries(_keys, inner, max_size=3)), max_leaves=12)
_records = st.lists(st.tuples(st.sampled_from("db"), st.dictionaries(_keys, _values, max_size=6),
                              st.booleans()), max_size=25)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(recs=_records, sep=st.sampled_from([b",", b",,", b",\n", b" ,\n "]),
       chunk=st.sampled_from([64, 333, 1 << 16]), gz=st.booleans(), threaded=st.booleans())
def test_random_records_round_trip(tmp_path: Path, recs: list[Any], sep: bytes, chunk: int,
                                   gz: bool, threaded: bool) -> None:
    originals = []
    raws = []
    for k, (kind, fields, ascii_only) in enumerate(recs):
        rec = {"@type": kind, "@rid": f"#{k % 5}:{k}", "@version": k, **fields}
        originals.append(rec)
        raws.append(json.dumps(rec, ensure_ascii=ascii_only, separators=(",", ":")).encode())
    stream = body(raws, sep)
    _, records = read_all(write(tmp_path, stream, gz, name="random"), chunk_size=chunk,
                          threaded=threaded)
    assert [r.raw for r in records] == raws
    assert all(same(r.data, o) for r, o in zip(records, originals))
    check_positions(stream, records)
