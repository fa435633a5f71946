"""Column priorities: which columns of a table a terminal of a given width shows, and how wide.

Every table of the app declares its columns once, each with the width it wants, the narrowest it
can still be read at, and a priority (0: what a person needs first). :func:`fit` keeps the columns
in priority order that fit and narrows only when it must; what does not fit is not lost, it folds
into a line under the table for the highlighted row (:func:`folded_text`, :class:`FoldLine`), so
from 80 columns up the table never cuts what matters and never hides a value for good.

The rule, in order: as many columns (most important first) as fit at the width they want, the last
of them narrowed to its minimum if that makes it fit; but the columns marked ``keep`` always stay,
narrowed towards their minimum together when the terminal is narrow. Columns keep their display
order; space left over goes to the column marked ``grow``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.widget import Widget
from textual.widgets import DataTable, Static

from veldclient.screens.i18n import t


@dataclass(frozen=True)
class Col:
    title_id: str  # catalogue id of the heading
    width: int  # what it wants
    min: int = 0  # the narrowest it can be read at (0: the same as ``width``)
    priority: int = 0  # 0 first; higher numbers give way first on a narrow terminal
    keep: bool = False  # stays at any width from 80 columns up (narrowed rather than folded)
    grow: bool = False  # takes what space is left over
    name: str = ""  # the column's key, when its heading is not unique in its table

    @property
    def key(self) -> str:
        return self.name or self.title_id

    @property
    def least(self) -> int:
        return min(self.min or self.width, self.width)


def fit(columns: Sequence[Col], space: int, gap: int = 1) -> dict[str, int]:
    """Width per shown column key (in ``columns``' order) for a table ``space`` cells wide.
    ``gap``: cells between two columns (or padding per column, the same sum for our purposes)."""
    order = sorted(range(len(columns)), key=lambda i: columns[i].priority)
    chosen: list[int] = []
    widths: dict[int, int] = {}
    used = 0
    for i in order:  # the most important first, each at the width it wants
        col = columns[i]
        need = col.width + (gap if chosen else 0)
        if used + need <= space:
            chosen.append(i)
            widths[i] = col.width
            used += need
            continue
        narrow = col.least + (gap if chosen else 0)
        if used + narrow <= space:  # the last one that fits, narrowed
            chosen.append(i)
            widths[i] = space - used - (gap if chosen[:-1] else 0)
            used = space
        break
    kept = [i for i in order if columns[i].keep]
    if not set(kept) <= set(chosen):
        # too narrow for the kept columns at full width: those (and nothing else), each at least
        # its minimum, then what is left to them in priority order, up to what each wants
        chosen = []
        used = 0
        for i in kept:
            need = columns[i].least + (gap if chosen else 0)
            if used + need > space and chosen:
                break
            chosen.append(i)
            used += need
        widths = {i: columns[i].least for i in chosen}
        spare = space - used
        for i in chosen:
            more = max(0, min(spare, columns[i].width - widths[i]))
            widths[i] += more
            spare -= more
        used = space - spare
    growing = [i for i in chosen if columns[i].grow]
    if growing and used < space:
        widths[growing[0]] += space - used
    return {columns[i].key: widths[i] for i in sorted(chosen)}


def folded_text(columns: Sequence[Col], widths: Mapping[str, int], cells: Sequence[object]) -> str:
    """The values of the columns not shown, and of those shown but cut, as "Title: value · Title:
    value" in display order (empty ones left out)."""
    parts = []
    for col, cell in zip(columns, cells, strict=False):
        text = str(cell)
        width = widths.get(col.key)
        if text.strip() and (width is None or cell_len(text) > width):
            parts.append(f"{t(col.title_id)}: {text}")
    return " · ".join(parts)


def cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells, with an ellipsis when it had to be cut."""
    if cell_len(text) <= width:
        return text
    out = ""
    for char in text:
        if cell_len(out + char) > width - 1:
            break
        out += char
    return out + "…"


def ellipsized(cell: Text, width: int) -> Text:
    """``cell`` in at most ``width`` cells, ending in "…" when it had to be cut (DataTable itself
    would cut it mid-word without a mark, and "Enschede-C" reads as a whole name)."""
    if cell_len(cell.plain) <= width:
        return cell
    shorter = cell.copy()
    shorter.truncate(width, overflow="ellipsis")
    return shorter


class FoldLine(Static):
    """The line under a table with the highlighted row's values of the columns that did not fit.
    Hidden while every column fits. Its table finds it by ``table_id``."""

    DEFAULT_CSS = """
    FoldLine { height: auto; max-height: 3; padding: 0 1; color: $text-muted; }
    FoldLine.-empty { display: none; }
    """

    def __init__(self, table_id: str, *, id: str | None = None) -> None:
        super().__init__("", markup=False, id=id or f"{table_id}-folded", classes="-empty")
        self.table_id = table_id

    def show(self, text: str) -> None:
        self.update(text)
        self.set_class(not text, "-empty")


def show_folded(table: Widget, text: str) -> None:
    """Put ``text`` on the fold line of ``table`` (if its screen has one)."""
    if not table.is_attached or table.id is None:
        return
    for line in table.screen.query(FoldLine).results(FoldLine):
        if line.table_id == table.id:
            line.show(text)


class FitTable(DataTable[Text]):
    """A DataTable whose columns follow its width by :func:`fit`; the highlighted row's values of
    the columns that do not fit (or are cut) go to its :class:`FoldLine`. Rows are given whole
    (:meth:`set_rows`, one cell per declared column) and drawn with the columns that fit, again on
    every resize. Cells are Rich ``Text``, never markup."""

    def __init__(self, columns: Sequence[Col], *, id: str | None = None, zebra_stripes: bool = True) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=zebra_stripes)
        self.spec = list(columns)
        self.widths: dict[str, int] = {}
        self.cells: dict[str, list[Text]] = {}

    # -- what a subclass may change ---------------------------------------------------------------

    def fit_columns(self) -> Sequence[Col]:
        """The columns to fit (a subclass may size one by what its rows hold)."""
        return self.spec

    def render_cell(self, key: str, column: str, cell: Text, width: int) -> Text:
        """The cell as drawn in a column ``width`` cells wide (a subclass may shorten it)."""
        return cell

    # -- rows ------------------------------------------------------------------------------------

    def _space(self) -> int:
        width = self.size.width or self.app.size.width
        return width - self.styles.scrollbar_size_vertical - 2 * self.cell_padding

    def _fitted(self) -> dict[str, int]:
        return fit(self.fit_columns(), self._space(), gap=2 * self.cell_padding)

    def set_rows(self, rows: Iterable[tuple[str, Sequence[Text]]]) -> None:
        """Replace the rows, keeping the cursor on the same key when it is still there."""
        self.cells = {key: list(cells) for key, cells in rows}
        self._draw()

    def _draw(self) -> None:
        current = self.current_key()
        widths = self._fitted()
        if widths != self.widths or len(self.columns) != len(widths):
            self.clear(columns=True)
            for col in self.spec:
                if col.key in widths:
                    self.add_column(Text(t(col.title_id)), key=col.key, width=widths[col.key])
            self.widths = widths
        else:
            self.clear()
        for key, cells in self.cells.items():
            shown = [
                ellipsized(self.render_cell(key, col.key, cell, widths[col.key]), widths[col.key])
                for col, cell in zip(self.spec, cells, strict=False)
                if col.key in widths
            ]
            self.add_row(*shown, key=key)
        if current in self.cells:
            self.move_cursor(row=self.get_row_index(current), animate=False)
        self._show_folded()

    def on_resize(self, _event: events.Resize) -> None:
        if self.cells and self._fitted() != self.widths:
            self._draw()
        self._show_folded()

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show_folded()

    def current_key(self) -> str | None:
        if not self.row_count:
            return None
        return str(self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value)

    def folded(self) -> str:
        """The highlighted row's values of the columns that do not fit (empty when all fit)."""
        key = self.current_key()
        if key is None or key not in self.cells:
            return ""
        return folded_text(self.spec, self.widths, [c.plain for c in self.cells[key]])

    def _show_folded(self) -> None:
        show_folded(self, self.folded())
