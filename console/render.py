"""Output: rich tables, record views, JSON lines, CSV, messages and errors.

Knows nothing of databases: it formats records, documents and plain rows.
Plain text (no ANSI codes) when NO_COLOR is set, a non-table format is
chosen, or the output is not a terminal.
"""

from __future__ import annotations

import base64
import contextlib
import csv
import datetime as _dt
import io
import os
import sys
import time
from decimal import Decimal
from typing import Any, Callable, Iterable, Iterator, Sequence, TextIO

from console.engine.codec import decimal_text, encode_embedded, encode_fields
from console.engine.document import Blob, Document
from console.engine.rid import RID
from console.engine.sql.javatext import format_date

_MIN_CELL = 5  # narrowest a named column of a result table gets (with an ellipsis)


def fit_widths(headers: Sequence[str], body: Sequence[Sequence[Any]], fixed: int, cap: int, room: int) -> list[int]:
    """Column widths for a result table ``room`` characters wide: each column as wide as its
    longest cell (at most ``cap``); when that is too wide, the widest columns give way first,
    down to their header (5 to 8 characters, or their natural width if less). The first ``fixed`` columns
    never shrink; a table that cannot fit even so is left wider than ``room``."""
    from rich.cells import cell_len

    natural = []
    for i, h in enumerate(headers):
        w = max([cell_len(h)] + [cell_len(str(row[i])) for row in body])
        natural.append(w if i < fixed else max(1, min(w, cap)))
    widths = list(natural)
    budget = room - (3 * len(widths) + 1)  # "| " + " " per column and the closing "|"
    floors = [w if i < fixed else min(w, max(_MIN_CELL, min(cell_len(h), 8)))
              for i, (h, w) in enumerate(zip(headers, natural))]
    for _ in range(sum(widths) - budget):  # one character at a time, from the widest column
        shrinkable = [i for i in range(fixed, len(widths)) if widths[i] > floors[i]]
        if not shrinkable:
            break
        widths[max(shrinkable, key=widths.__getitem__)] -= 1
    return widths


class Renderer:
    """Writes results for a person (tables) or a program (json / csv)."""

    def __init__(self, settings: Any, out: TextIO | None = None, err: TextIO | None = None,
                 *, color: bool | None = None) -> None:
        self.settings = settings
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self._color = color
        self._console = None
        self._err_console = None

    # -- consoles ------------------------------------------------------------------
    @property
    def fmt(self) -> str:
        return self.settings.format

    def is_terminal(self) -> bool:
        try:
            return self.out.isatty()
        except (AttributeError, ValueError):
            return False

    @property
    def color(self) -> bool:
        if self._color is not None:
            return self._color
        return self.is_terminal() and not os.environ.get("NO_COLOR") and self.fmt == "table"

    def _make(self, file: TextIO, width: int | None = None):
        from rich.console import Console

        width = width or self.settings.width or None
        if width is None and not self.is_terminal():
            width = int(os.environ.get("COLUMNS", "0") or 0) or 160
        if self.color:
            return Console(file=file, width=width, highlight=False, soft_wrap=False, emoji=False)
        return Console(file=file, width=width, color_system=None, force_terminal=False, no_color=True,
                       highlight=False, soft_wrap=False, emoji=False, markup=True)

    @property
    def console(self):
        if self._console is None or self._console.file is not self.out:
            self._console = self._make(self.out)
        return self._console

    @property
    def err_console(self):
        if self._err_console is None or self._err_console.file is not self.err:
            self._err_console = self._make(self.err)
        return self._err_console

    def reset(self) -> None:
        """Forget cached consoles (after SET format / width)."""
        self._console = None
        self._err_console = None

    # -- messages ------------------------------------------------------------------
    def message(self, text: str, *, level: int = 2) -> None:
        """An informational line (stderr when the output is for programs)."""
        if self.settings.verbose < level:
            return
        self._print(self.console if self.fmt == "table" else self.err_console, text, None)

    def success(self, text: str) -> None:
        if self.settings.verbose < 2:
            return
        self._print(self.console if self.fmt == "table" else self.err_console, text, "green")

    def error(self, text: str) -> None:
        """One red line on stderr."""
        self._print(self.err_console, text, "bold red")

    def warning(self, text: str) -> None:
        self._print(self.err_console, text, "yellow")

    def raw(self, text: str) -> None:
        self.out.write(text + ("\n" if not text.endswith("\n") else ""))
        self.out.flush()

    def _print(self, console: Any, text: str, style: str | None) -> None:
        from rich.text import Text

        console.print(Text(text, style=style or ""), soft_wrap=True)
        with contextlib.suppress(Exception):
            console.file.flush()

    # -- values ----------------------------------------------------------------------
    def cell(self, v: Any, depth: int = 0, max_items: int | None = None) -> str:
        """A value as shown in a table cell; collections show ``max_items`` items
        (default: the ``collectionMaxItems`` setting; -1: all)."""
        s = self.settings
        if v is None:
            return "null"
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, str):
            return v.replace("\r", "\\r").replace("\n", "\\n")
        if isinstance(v, RID):
            return str(v)
        if isinstance(v, (Document, Blob)) and v.rid is not None:
            return str(v.rid)
        if isinstance(v, Decimal):
            return decimal_text(v)
        if isinstance(v, float):
            return repr(v)
        if isinstance(v, _dt.datetime):
            return format_date(v, s.dateTimeFormat)
        if isinstance(v, _dt.date):
            return format_date(v, s.dateFormat)
        if isinstance(v, (bytes, bytearray)):
            text = base64.b64encode(bytes(v)).decode()
            limit = max(s.maxBinaryDisplay, 8)
            return text if len(text) <= limit else text[:limit] + f"...({len(v)} bytes)"
        if isinstance(v, Document):
            head = f"{v.class_name}" if v.class_name else ""
            return head + "{" + self._items(list(v.fields.items()), depth, max_items, mapping=True) + "}"
        if isinstance(v, dict):
            return "{" + self._items(list(v.items()), depth, max_items, mapping=True) + "}"
        if isinstance(v, (list, tuple, set)):
            return "[" + self._items(list(v), depth, max_items) + "]"
        return str(v)

    def _items(self, items: list[Any], depth: int, max_items: int | None, mapping: bool = False) -> str:
        n = self.settings.collectionMaxItems if max_items is None else max_items
        shown = items if n < 0 or len(items) <= n else items[:n]
        if depth > 3:
            return "..."
        if mapping:
            parts = [f"{k}:{self.cell(v, depth + 1, max_items)}" for k, v in shown]
        else:
            parts = [self.cell(v, depth + 1, max_items) for v in shown]
        if len(shown) < len(items):
            parts.append(f"...(+{len(items) - len(shown)} more)")
        return ",".join(parts)

    # -- query results -------------------------------------------------------------
    def results(self, rows: Iterable[Any], *, started: float | None = None, limit: int | None = None) -> int:
        """Show a stream of records / rows; returns how many there were (counted or shown)."""
        started = time.perf_counter() if started is None else started
        if limit is None:
            limit = self.settings.limit
        if self.fmt == "json":
            return self._json_rows(rows)
        if self.fmt == "csv":
            return self._csv_rows(rows)
        it = iter(rows)
        shown: list[Any] = []
        cap = None if limit is None or limit < 0 else limit
        for row in it:
            shown.append(row)
            if cap is not None and len(shown) >= cap:
                break
        more, exact = self._count_rest(it, cap, len(shown))
        if shown:
            self._table(shown)
        elapsed = time.perf_counter() - started
        total = len(shown) + more
        if more:
            note = f"{len(shown)} of {total} item(s) shown" if exact else f"{len(shown)} item(s) shown, more exist"
            self.message(f"{note} (limit={limit}; SET limit -1 shows all). Query executed in {elapsed:.3f} sec(s).",
                         level=1)
        else:
            self.message(f"{total} item(s) found. Query executed in {elapsed:.3f} sec(s).", level=1)
        return total

    @staticmethod
    def _count_rest(it: Iterator[Any], cap: int | None, shown: int, budget: float = 1.0) -> tuple[int, bool]:
        if cap is None or shown < cap:
            return 0, True
        deadline = time.perf_counter() + budget
        n = 0
        for _ in it:
            n += 1
            if n % 256 == 0 and time.perf_counter() > deadline:
                return n + 1, False
        return n, True

    def _columns(self, rows: Sequence[Any]) -> tuple[bool, bool, list[str]]:
        has_rid = any(isinstance(r, (Document, Blob)) and r.rid is not None for r in rows)
        has_class = any(isinstance(r, Document) and r.class_name for r in rows)
        fields: dict[str, None] = {}
        for r in rows:
            if isinstance(r, Document):
                for k in r.fields:
                    fields.setdefault(k, None)
            elif isinstance(r, Blob):
                fields.setdefault("value", None)
            elif isinstance(r, dict):
                for k in r:
                    fields.setdefault(str(k), None)
        return has_rid, has_class, list(fields)

    def _table(self, rows: Sequence[Any], first_index: int = 0) -> None:
        from rich import box
        from rich.table import Table

        has_rid, has_class, fields = self._columns(rows)
        headers = ["#"] + (["@RID"] if has_rid else []) + (["@CLASS"] if has_class else []) + fields
        body = [self._row_cells(r, first_index + i, has_rid, has_class, fields) for i, r in enumerate(rows)]
        fixed = 2 if has_rid else 1  # # and @RID are never shortened
        widths = fit_widths(headers, body, fixed, max(self.settings.maxColumnWidth, 4), self.console.width)
        table = Table(box=box.SQUARE if self.color else box.ASCII2, header_style="bold cyan" if self.color else "",
                      show_edge=True, pad_edge=True, expand=False)
        styles = ["dim", "magenta"] if self.color else ["", ""]
        for i, (name, w) in enumerate(zip(headers, widths)):
            table.add_column(name, justify="right" if i == 0 else "left", no_wrap=True, overflow="ellipsis",
                             width=w, style=styles[i] if i < fixed else None)
        for cells in body:
            table.add_row(*cells)
        need = sum(widths) + 3 * len(widths) + 1
        console = self.console if need <= self.console.width else self._make(self.out, need)
        console.print(table)

    def _row_cells(self, r: Any, index: int, has_rid: bool, has_class: bool, fields: list[str]) -> list[Any]:
        """The cells of one result row, in column order."""
        cells: list[Any] = [str(index)]
        if has_rid:
            cells.append(str(r.rid) if isinstance(r, (Document, Blob)) and r.rid is not None else "")
        if has_class:
            cells.append((r.class_name or "") if isinstance(r, Document) else "")
        for f in fields:
            if isinstance(r, Document):
                cells.append(self._plain_cell(r.fields[f]) if f in r.fields else "")
            elif isinstance(r, Blob):
                cells.append(self.cell(r.data) if f == "value" else "")
            elif isinstance(r, dict):
                cells.append(self._plain_cell(r[f]) if f in r else "")
            else:
                cells.append(self.cell(r))
        return cells

    def _plain_cell(self, v: Any, max_items: int | None = None):
        from rich.text import Text

        text = self.cell(v, max_items=max_items)
        if self.color and v is None:
            return Text(text, style="dim")
        return Text(text)

    # -- tables of facts (INFO, CLASSES, ...) --------------------------------------------
    def table(self, columns: Sequence[str], rows: Sequence[Sequence[Any]], title: str | None = None,
              footer: Sequence[Any] | None = None, justify: Sequence[str] | None = None,
              wrap: bool = False) -> None:
        """A titled table of plain values (``wrap``: long cells fold onto more lines instead of
        being cut short)."""
        if self.fmt == "json":
            import orjson

            for r in rows:
                self.out.write(orjson.dumps({c: _jsonable(v) for c, v in zip(columns, r)}).decode() + "\n")
            self.out.flush()
            return
        if self.fmt == "csv":
            w = csv.writer(self.out, lineterminator="\n")
            w.writerow(columns)
            for r in rows:
                w.writerow([self.cell(v) if not isinstance(v, str) else v for v in r])
            self.out.flush()
            return
        from rich import box
        from rich.table import Table
        from rich.text import Text

        t = Table(title=title, box=box.SQUARE if self.color else box.ASCII2, header_style="bold cyan" if self.color else "",
                  title_style="bold" if self.color else "", title_justify="left", show_footer=footer is not None)
        for i, c in enumerate(columns):
            j = (justify[i] if justify else None) or "left"
            t.add_column(c, justify=j, footer=self.cell(footer[i]) if footer is not None and footer[i] is not None
                         else "", no_wrap=not wrap, overflow="fold" if wrap else "ellipsis",
                         max_width=None if wrap else max(self.settings.maxColumnWidth, 8) * 2)
        for r in rows:  # Text: brackets in values ([a-z]+, [#rid, ...]) are not rich markup
            t.add_row(*[Text(v if isinstance(v, str) else self.cell(v)) for v in r])
        self.console.print(t)

    # -- one record ----------------------------------------------------------------------
    def record(self, rec: Any) -> None:
        """A record shown vertically with its field types."""
        if self.fmt != "table":
            self._json_rows([rec]) if self.fmt == "json" else self._csv_rows([rec])
            return
        from rich import box
        from rich.table import Table

        if isinstance(rec, Blob):
            self._print(self.console, f"Blob  @rid: {rec.rid}  @version: {rec.version}  size: {len(rec.data)} bytes",
                        "bold" if self.color else None)
            t = Table(box=box.SQUARE if self.color else box.ASCII2)
            t.add_column("value")
            t.add_row(self.cell(rec.data))
            self.console.print(t)
            return
        assert isinstance(rec, Document)
        parts = ["Document"]
        if rec.class_name:
            parts.append(f"@class: {rec.class_name}")
        if rec.rid is not None:
            parts.append(f"@rid: {rec.rid}")
            parts.append(f"@version: {rec.version}")
        self._print(self.console, "  ".join(parts), "bold" if self.color else None)
        t = Table(box=box.SQUARE if self.color else box.ASCII2,
                  header_style="bold cyan" if self.color else "")
        t.add_column("Field", no_wrap=True)
        t.add_column("Type", no_wrap=True, style="dim" if self.color else "")
        t.add_column("Value", overflow="fold")
        for name, value in rec.fields.items():  # a single record shows its collections whole
            otype = rec.type_of(name)
            t.add_row(name, otype.name if otype else "", self._plain_cell(value, max_items=-1))
        self.console.print(t)

    # -- machine formats -------------------------------------------------------------------
    def _json_rows(self, rows: Iterable[Any]) -> int:
        import orjson

        n = 0
        out = self.out
        for r in rows:
            out.write(orjson.dumps(row_json(r)).decode() + "\n")
            n += 1
        out.flush()
        return n

    def _csv_rows(self, rows: Iterable[Any]) -> int:
        buffered = list(rows)
        has_rid, has_class, fields = self._columns(buffered)
        w = csv.writer(self.out, lineterminator="\n")
        head = (["@rid"] if has_rid else []) + (["@class"] if has_class else []) + fields
        w.writerow(head)
        for r in buffered:
            line = []
            if has_rid:
                line.append(str(r.rid) if getattr(r, "rid", None) is not None else "")
            if has_class:
                line.append(getattr(r, "class_name", "") or "")
            for f in fields:
                if isinstance(r, Document) and f in r.fields:
                    v = r.fields[f]
                    line.append(v if isinstance(v, str) else ("" if v is None else self.cell(v)))
                else:
                    line.append("")
            w.writerow(line)
        self.out.flush()
        return len(buffered)

    def json_line(self, obj: dict[str, Any]) -> None:
        import orjson

        self.out.write(orjson.dumps({k: _jsonable(v) for k, v in obj.items()}).decode() + "\n")
        self.out.flush()

    # -- progress --------------------------------------------------------------------------
    @contextlib.contextmanager
    def progress(self, description: str, total: int | None | Callable[[], int | None],
                 unit: str = "records") -> Iterator[Any]:
        """A progress bar (records/s and ETA) on a terminal; a no-op elsewhere.

        ``total`` may be a function, called only when the bar is shown."""
        if not (self.is_terminal() and self.fmt == "table" and self.settings.progress and self.color):
            yield _NoProgress()
            return
        if callable(total):
            total = total()
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                                   TimeRemainingColumn)

        columns = [TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TimeRemainingColumn()]
        with Progress(*columns, console=self.console, transient=True) as p:
            task = p.add_task(description, total=total, rate="")
            yield _Progress(p, task, unit)


class _NoProgress:
    def advance(self, n: int = 1) -> None:
        pass

    def update(self, **kw: Any) -> None:
        pass


class _Progress:
    def __init__(self, p: Any, task: Any, unit: str) -> None:
        self.p, self.task, self.unit = p, task, unit
        self.start = time.perf_counter()
        self.done = 0

    def advance(self, n: int = 1) -> None:
        self.done += n
        elapsed = time.perf_counter() - self.start
        rate = f"{self.done / elapsed:,.0f} {self.unit}/s" if elapsed > 0 else ""
        self.p.update(self.task, advance=n, rate=rate)

    def update(self, **kw: Any) -> None:
        self.p.update(self.task, **kw)


def row_json(r: Any) -> dict[str, Any]:
    """A record or row in the export's encoding (@rid, @class, @version, links as "#c:p")."""
    if isinstance(r, Blob):
        return {"@type": "b", "@rid": str(r.rid) if r.rid else None, "@version": r.version,
                "value": base64.b64encode(r.data).decode()}
    if isinstance(r, Document):
        head: dict[str, Any] = {}
        if r.rid is not None:
            head["@type"] = "d"
            head["@rid"] = str(r.rid)
            head["@version"] = r.version
        if r.class_name:
            head["@class"] = r.class_name
        fields = dict(r.fields)
        for k, v in fields.items():
            if isinstance(v, (Document, Blob)) and v.rid is not None:
                fields[k] = v.rid
            elif isinstance(v, list):
                fields[k] = [x.rid if isinstance(x, (Document, Blob)) and x.rid is not None else x for x in v]
        body = encode_fields(fields, r.types)
        ft = body.get("@fieldTypes")
        if ft and "@" in ft:  # attributes projected as fields (@rid, @class) need no type letters
            kept = ",".join(p for p in ft.split(",") if not p.startswith("@"))
            if kept:
                body["@fieldTypes"] = kept
            else:
                del body["@fieldTypes"]
        head.update(body)
        return head
    if isinstance(r, dict):
        return {str(k): _jsonable(v) for k, v in r.items()}
    return {"value": _jsonable(r)}


def _jsonable(v: Any) -> Any:
    if isinstance(v, (RID,)):
        return str(v)
    if isinstance(v, (Document, Blob)):
        return str(v.rid) if v.rid is not None else (encode_embedded(v) if isinstance(v, Document) else None)
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, (_dt.datetime, _dt.date)):
        return v.isoformat()
    if isinstance(v, list):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, bytes):
        return base64.b64encode(v).decode()
    return v


__all__ = ["Renderer", "row_json", "io"]
