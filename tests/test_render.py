"""The renderer: collections in table cells against a single record's display."""

from __future__ import annotations

import io

from console.engine.document import Document
from console.engine.rid import RID
from console.render import Renderer
from console.settings import Settings


def _renderer() -> tuple[Renderer, io.StringIO]:
    out = io.StringIO()
    settings = Settings()
    settings.set("collectionMaxItems", "3")
    return Renderer(settings, out=out, err=io.StringIO(), color=False), out


def test_table_cells_cut_collections_at_the_setting():
    r, _ = _renderer()
    assert r.cell(list(range(5))) == "[0,1,2,...(+2 more)]"
    assert r.cell({"a": [1, 2, 3, 4]}) == "{a:[1,2,3,...(+1 more)]}"
    assert r.cell(list(range(5)), max_items=-1) == "[0,1,2,3,4]"


def test_a_single_record_shows_its_collections_whole_and_leaves_the_setting_alone():
    r, out = _renderer()
    r.record(Document("Person", {"tags": list(range(12)), "nested": {"xs": list(range(6))}}))
    text = out.getvalue()
    assert "[0,1,2,3,4,5,6,7,8,9,10,11]" in text
    assert "{xs:[0,1,2,3,4,5]}" in text
    assert "more" not in text
    assert r.settings.collectionMaxItems == 3
    assert r.cell(list(range(5))) == "[0,1,2,...(+2 more)]"


def test_fit_widths_gives_way_widest_first_and_never_below_the_floor():
    from console.render import fit_widths

    headers = ["#", "@RID", "name", "description", "x"]
    body = [["0", "#12:0", "Ann", "d" * 60, "1"]]
    assert fit_widths(headers, body, 2, 40, 200) == [1, 5, 4, 40, 1]   # room: natural, capped
    assert fit_widths(headers, body, 2, 40, 50) == [1, 5, 4, 23, 1]    # the widest gives way: 50 - 16 of borders
    assert fit_widths(headers, body, 2, 40, 10) == [1, 5, 4, 8, 1]     # floors: never nothing


def test_a_table_wider_than_the_screen_keeps_every_column_readable():
    r, out = _renderer()
    r.settings.set("width", "60")
    r.reset()
    row = Document("P", {f"field{i}": "v" * 30 for i in range(12)})
    row.rid = RID(12, 3456)
    r._table([row])
    lines = out.getvalue().splitlines()
    header = lines[1]
    assert "| # | @RID" in header and "#12:3456" in lines[3]
    assert all(f"field{i}" in header or f"field{i}"[:7] in header for i in range(12))
    assert len({len(line) for line in lines}) == 1 and len(lines[0]) > 60


def test_fact_tables_show_brackets_as_text_and_can_wrap():
    r, out = _renderer()
    r.table(["name", "regexp"], [("email", "[a-z]+@[#x, ...]"), ("n", "[bold]5[/bold]")])
    text = out.getvalue()
    assert "[a-z]+@[#x, ...]" in text and "[bold]5[/bold]" in text
    r, out = _renderer()
    long = "word " * 60
    r.table(["", "X"], [("syntax", long)], wrap=True)
    lines = [line for line in out.getvalue().splitlines() if "word" in line]
    assert len(lines) > 1 and "…" not in out.getvalue()
    assert " ".join(" ".join("".join(line.split("|")[2:]) for line in lines).split()) == long.strip()
