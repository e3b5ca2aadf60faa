"""The renderer: collections in table cells against a single record's display."""

from __future__ import annotations

import io

from console.engine.document import Document
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
