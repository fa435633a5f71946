"""A table that is a window over SQLite: fluid at 100,000 rows, no widget per row, no DataTable.

Only the rows on screen exist, as lines drawn by ``render_line`` (Textual's line API). Pages of rows
are fetched in App-owned thread workers (never on the UI thread) and cached; a row not yet fetched
draws as "loading…" for the moment it takes. Changing the query (search as you type, a filter) bumps
a generation number so answers to older queries are ignored. Cell text is user data: it is drawn as
plain text segments, never parsed as markup, so names like "Jan [test] de Vries" render as typed.

Its columns follow the width (``widgets/columns.py``): what does not fit folds into the table's
:class:`FoldLine` for the highlighted row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from veldclient.screens.base import ServiceCaller, error_text
from veldclient.screens.i18n import t
from veldclient.screens.widgets.columns import Col, cut, fit, folded_text, show_folded

Column = Col  # a window table's column: its heading, widths and priority


@dataclass(frozen=True)
class Row:
    key: str
    cells: tuple[str, ...]
    tone: str | None = None  # None | "warning" | "error" | "muted"


@dataclass(frozen=True)
class Page:
    total: int
    rows: list[Row] = field(default_factory=list)


# (session, offset, limit) -> Page, run in a worker
Query = Callable[[Any, int, int], Page]


class WindowTable(ServiceCaller, ScrollView, can_focus=True):
    DEFAULT_CSS = """
    WindowTable {
        height: 1fr;
        background: $surface;
    }
    WindowTable > .window-table--header { text-style: bold; color: $primary; background: $panel; }
    WindowTable > .window-table--cursor { background: $accent 40%; }
    WindowTable:focus > .window-table--cursor { background: $accent; color: $text; }
    WindowTable > .window-table--warning { color: $warning; }
    WindowTable > .window-table--error { color: $error; text-style: bold; }
    WindowTable > .window-table--muted { color: $text-muted; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "window-table--header",
        "window-table--cursor",
        "window-table--warning",
        "window-table--error",
        "window-table--muted",
    }
    BINDINGS: ClassVar[list[Binding]] = [  # type: ignore[assignment]
        Binding("up", "move(-1)", show=False),
        Binding("down", "move(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("home", "edge(0)", show=False),
        Binding("end", "edge(1)", show=False),
        Binding("enter", "select", show=False),
    ]

    cursor = reactive(0)

    class Selected(Message):
        def __init__(self, table: WindowTable, row: Row) -> None:
            super().__init__()
            self.table = table
            self.row = row

    class Highlighted(Message):
        def __init__(self, table: WindowTable, row: Row | None) -> None:
            super().__init__()
            self.table = table
            self.row = row

    class Loaded(Message):
        """The first page of a (new) query has arrived: ``total`` rows match."""

        def __init__(self, table: WindowTable, total: int) -> None:
            super().__init__()
            self.table = table
            self.total = total

    def __init__(
        self, columns: Sequence[Col], query: Query, *, page_size: int = 100, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.columns = list(columns)
        self.widths: dict[str, int] = {c.key: c.width for c in self.columns}  # the shown ones
        self.query_fn = query
        self.page_size = page_size
        self.total = 0
        self.loaded = False
        self._pages: dict[int, list[Row]] = {}
        self._pending: set[int] = set()
        self._generation = 0

    # -- data ------------------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.reload()

    def set_query(self, query: Query) -> None:
        self.query_fn = query
        self.reload()

    def reload(self) -> None:
        """Forget every cached page and fetch the first one again (keeps the cursor in range)."""
        self._generation += 1
        self._pages.clear()
        self._pending.clear()
        self.loaded = False
        self._fetch(0)

    def _fetch(self, page: int) -> None:
        if page in self._pending or page in self._pages:
            return
        self._pending.add(page)
        generation = self._generation
        self.call(
            self.query_fn,
            page * self.page_size,
            self.page_size,
            done=lambda result, p=page, g=generation: self._arrived(g, p, result),
            failed=lambda error, p=page, g=generation: self._failed(g, p, error),
            group=f"table-{id(self)}",
        )

    def _arrived(self, generation: int, page: int, result: Page) -> None:
        if generation != self._generation:
            return
        self._pending.discard(page)
        self._pages[page] = result.rows
        first = not self.loaded
        self.total = result.total
        self.loaded = True
        self.virtual_size = Size(self._width(), self.total + 1)
        if self.cursor >= self.total:
            self.cursor = max(0, self.total - 1)
        self.refresh()
        self._show_folded()
        if first:
            self.post_message(self.Loaded(self, self.total))
            self.post_message(self.Highlighted(self, self.row_at(self.cursor)))

    def _failed(self, generation: int, page: int, error: Exception) -> None:
        """A refused or failed query: say so once, and draw the table as empty rather than loading."""
        if generation != self._generation:
            return
        self._pending.discard(page)
        if not self.loaded:
            self.loaded = True
            self.total = 0
            self.refresh()
        self.notify(error_text(error), severity="error", markup=False)

    def row_at(self, index: int) -> Row | None:
        rows = self._pages.get(index // self.page_size)
        if rows is None:
            return None
        offset = index % self.page_size
        return rows[offset] if offset < len(rows) else None

    # -- drawing ---------------------------------------------------------------------------------

    def _width(self) -> int:
        return sum(self.widths.values()) + len(self.widths) - 1

    def _cells(self, cells: Sequence[str]) -> str:
        return " ".join(
            set_cell_size(cut(str(text), self.widths[col.key]), self.widths[col.key])
            for col, text in zip(self.columns, cells, strict=False)
            if col.key in self.widths
        )

    def on_resize(self, _event: events.Resize) -> None:
        space = (self.size.width or self.app.size.width) - self.styles.scrollbar_size_vertical
        widths = fit(self.columns, space)
        if widths != self.widths:
            self.widths = widths
            self.virtual_size = Size(self._width(), self.total + 1)
            self.refresh()
        self._show_folded()

    def folded(self) -> str:
        """The highlighted row's values of the columns that do not fit (empty when all fit)."""
        row = self.row_at(self.cursor)
        return "" if row is None else folded_text(self.columns, self.widths, row.cells)

    def _show_folded(self) -> None:
        show_folded(self, self.folded())

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        scroll_x, scroll_y = self.scroll_offset
        if y == 0:
            text = self._cells([t(c.title_id) for c in self.columns])
            return self._strip(text, self.get_component_rich_style("window-table--header"), width, scroll_x)
        index = scroll_y + y - 1
        if index >= self.total:
            if index == 0 and self.loaded:
                return self._strip(
                    t("table.empty"), self.get_component_rich_style("window-table--muted"), width, 0
                )
            return Strip.blank(width, self.rich_style)
        row = self.row_at(index)
        if row is None:
            self._fetch(index // self.page_size)
            return self._strip(
                t("table.loading"), self.get_component_rich_style("window-table--muted"), width, 0
            )
        style = self.rich_style
        if row.tone:
            style = style + self.get_component_rich_style(f"window-table--{row.tone}")
        if index == self.cursor:
            style = style + self.get_component_rich_style("window-table--cursor")
        return self._strip(self._cells(row.cells), style, width, scroll_x)

    def _strip(self, text: str, style: Style, width: int, scroll_x: int) -> Strip:
        line = text[scroll_x:] if scroll_x else text
        padded = line + " " * max(0, width - cell_len(line))
        return Strip([Segment(padded, style)]).crop(0, width)

    # -- cursor ----------------------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh()
        top = self.scroll_offset.y
        visible = max(1, self.size.height - 1)
        if new < top:
            self.scroll_to(y=new, animate=False)
        elif new >= top + visible:
            self.scroll_to(y=new - visible + 1, animate=False)
        self._show_folded()
        self.post_message(self.Highlighted(self, self.row_at(new)))

    def action_move(self, delta: int) -> None:
        if self.total:
            self.cursor = max(0, min(self.total - 1, self.cursor + delta))

    def action_page(self, direction: int) -> None:
        self.action_move(direction * max(1, self.size.height - 2))

    def action_edge(self, end: int) -> None:
        if self.total:
            self.cursor = self.total - 1 if end else 0

    def action_select(self) -> None:
        row = self.row_at(self.cursor)
        if row is not None:
            self.post_message(self.Selected(self, row))

    def on_click(self, event: Any) -> None:
        index = self.scroll_offset.y + event.y - 1
        if 0 <= index < self.total:
            self.cursor = index
