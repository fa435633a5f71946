"""The capacity board's table: one row per node, location and care type.

The board is small (ten nodes, a few locations each, up to nine care types; the demo has 58 rows), so
a DataTable suits it, unlike the caseload. Cells are Rich ``Text`` objects, never strings, so names
are not parsed as markup. Stale rows take their style from a component class that uses ``$warning``,
so they follow the theme, and their age cell also says "verouderd"/"stale", so colour is not the only
signal. A row whose node has not reported yet has no numbers: its age cell says "nog niet gemeld"/"not
yet reported". Rows of the own node come first and are marked as own: only those can be edited.

Column widths follow the table's width (``widgets/columns.py``: the capabilities give way first),
so that from 80 columns up the age cell always holds its whole word: where the full "3 u ·
verouderd" does not fit, the cell says only "verouderd" (the age stays in the line under the table).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable

from veldclient.domain import Capability, CareType
from veldclient.domain.models_capacity import capacity_key
from veldclient.screens.i18n import language, t
from veldclient.screens.widgets.columns import Col, FitTable
from veldclient.screens.widgets.durations import duration
from veldclient.services.capacity import CapacityView

# Node, location, care type, free/total and age stay from 80 columns up (the age as the stale word
# alone when narrow); the capabilities give way first and are in the line under the board. At 80
# columns the three names share the room: each at least wide enough to be told apart from its
# neighbours ("Enschede-Ce…" and "Enschede-Zuid", "Herstelcentrum…", "Geriatrische revalid…"), what
# is left going to the care type first; a cut name ends in "…" and is whole in the line under it.
COLUMNS = (
    Col("capacity.col.node", 24, min=12, priority=1, keep=True, name="node"),
    Col("capacity.col.location", 26, min=15, priority=2, keep=True, name="location"),
    Col("capacity.col.care_type", 38, min=19, priority=0, keep=True, name="care_type"),
    Col("capacity.col.beds", 11, priority=3, keep=True, name="beds"),
    Col(
        "capacity.col.age", 0, priority=4, keep=True, name="age"
    ),  # as wide as its widest cell (:meth:`fit_columns`)
    Col("capacity.col.capabilities", 16, priority=5, grow=True, name="capabilities"),
)
AGE = "age"


def row_key(view: CapacityView) -> str:
    return f"{view.node_id}:{capacity_key(view.location_id, view.care_type)}"


def capability_labels(codes: Sequence[str], lang: str) -> str:
    return ", ".join(Capability(c).label(lang) for c in codes) if codes else "–"


def age_texts(view: CapacityView) -> tuple[str, str]:
    """The age cell with room to spare, and when narrow: the mark word is in both."""
    if view.age_ms is None:
        unreported = t("capacity.unreported")
        return unreported, unreported
    age = duration(view.age_ms)
    if view.stale:
        return t("capacity.age_stale", age=age, stale=t("capacity.stale")), t("capacity.stale")
    return age, age


def board_order(views: Sequence[CapacityView], own_node: str) -> list[CapacityView]:
    """The own node first, then nodes by name; inside a node by location, then care type order."""
    care_order = {c.value: i for i, c in enumerate(CareType)}
    return sorted(
        views,
        key=lambda v: (v.node_id != own_node, v.node_name, v.location_name, care_order.get(v.care_type, 99)),
    )


class CapacityTable(FitTable):
    DEFAULT_CSS = """
    CapacityTable { height: 1fr; }
    CapacityTable > .capacity-table--stale { color: $warning; text-style: bold; }
    CapacityTable > .capacity-table--own { text-style: bold; }
    CapacityTable > .capacity-table--unreported { color: $text-muted; text-style: italic; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = DataTable.COMPONENT_CLASSES | {
        "capacity-table--stale",
        "capacity-table--own",
        "capacity-table--unreported",
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(COLUMNS, id=id, zebra_stripes=False)
        self.views: dict[str, CapacityView] = {}
        self._shown: tuple[Sequence[CapacityView], str] = ((), "")
        self._short: dict[str, Text] = {}  # the age cell when narrow: the mark word alone

    def on_mount(self) -> None:
        # cell styles are resolved when rows are added, so a new theme (high contrast) redraws them
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.show(*self._shown))

    def fit_columns(self) -> Sequence[Col]:
        """The age column as wide as its widest cell, so no age or stale word is ever cut; where the
        full "3 u · verouderd" does not fit, the cell says only "verouderd" (the age stays in the
        line under the table)."""
        title = cell_len(t("capacity.col.age"))
        full = max([title, *(cell_len(c[4].plain) for c in self.cells.values())])
        short = max([title, *(cell_len(c.plain) for c in self._short.values())])
        return [replace(c, width=full, min=short) if c.key == AGE else c for c in self.spec]

    def render_cell(self, key: str, column: str, cell: Text, width: int) -> Text:
        if column == AGE and cell_len(cell.plain) > width:
            return self._short.get(key, cell)
        return cell

    def show(self, views: Sequence[CapacityView], own_node: str) -> None:
        """Replace the rows, keeping the cursor on the same record when it is still there."""
        self._shown = (views, own_node)
        lang = language()
        stale_style = self.get_component_rich_style("capacity-table--stale", partial=True)
        own_style = self.get_component_rich_style("capacity-table--own", partial=True)
        unknown_style = self.get_component_rich_style("capacity-table--unreported", partial=True)
        self.views = {}
        self._short = {}
        rows = []
        for view in board_order(views, own_node):
            key = row_key(view)
            self.views[key] = view
            own = view.node_id == own_node
            node = t("capacity.own_node", node=view.node_name) if own else view.node_name
            full, short = age_texts(view)
            mark = unknown_style if view.age_ms is None else stale_style if view.stale else ""
            beds = "–" if view.age_ms is None else f"{view.free}/{view.beds_total}"
            if view.reserved and view.age_ms is not None:  # free to offer: less what is reserved
                beds = f"{view.available}/{view.beds_total}*"
            self._short[key] = Text(short, style=mark)
            rows.append(
                (
                    key,
                    [
                        Text(node, style=own_style if own else ""),
                        Text(view.location_name),
                        Text(CareType(view.care_type).label(lang)),
                        Text(beds, style=mark, justify="right"),
                        Text(full, style=mark),
                        Text(capability_labels(view.capabilities, lang)),
                    ],
                )
            )
        self.set_rows(rows)

    def folded(self) -> str:
        """The line under the board already says everything about the highlighted row."""
        return ""

    def current(self) -> CapacityView | None:
        key = self.current_key()
        return self.views.get(key) if key else None
