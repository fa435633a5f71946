"""The capacity board's table: one row per node, location and care type.

The board is small (ten nodes, a few locations each, up to nine care types; the demo has 58 rows), so
a DataTable suits it, unlike the caseload. Cells are Rich ``Text`` objects, never strings, so names
are not parsed as markup. Stale rows take their style from a component class that uses ``$warning``,
so they follow the theme, and their age cell also says "verouderd"/"stale", so colour is not the only
signal. Rows of the own node come first and are marked as own: only those can be edited.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.widgets import DataTable

from veldclient.domain import Capability, CareType
from veldclient.screens.i18n import language, t
from veldclient.screens.widgets.durations import duration
from veldclient.services.capacity import CapacityView

COLUMNS = (
    ("node", "capacity.col.node", 24),
    ("location", "capacity.col.location", 20),
    ("care_type", "capacity.col.care_type", 28),
    ("beds", "capacity.col.beds", 11),
    ("age", "capacity.col.age", 17),
    ("capabilities", "capacity.col.capabilities", None),
)


def row_key(view: CapacityView) -> str:
    return f"{view.node_id}:{view.location_id}/{view.care_type}"


def capability_labels(codes: Sequence[str], lang: str) -> str:
    return ", ".join(Capability(c).label(lang) for c in codes) if codes else "–"


def board_order(views: Sequence[CapacityView], own_node: str) -> list[CapacityView]:
    """The own node first, then nodes by name; inside a node by location, then care type order."""
    care_order = {c.value: i for i, c in enumerate(CareType)}
    return sorted(
        views,
        key=lambda v: (v.node_id != own_node, v.node_name, v.location_name, care_order.get(v.care_type, 99)),
    )


class CapacityTable(DataTable[Text]):
    DEFAULT_CSS = """
    CapacityTable { height: 1fr; }
    CapacityTable > .capacity-table--stale { color: $warning; text-style: bold; }
    CapacityTable > .capacity-table--own { text-style: bold; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = DataTable.COMPONENT_CLASSES | {
        "capacity-table--stale",
        "capacity-table--own",
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self.views: dict[str, CapacityView] = {}
        self._shown: tuple[Sequence[CapacityView], str] = ((), "")

    def on_mount(self) -> None:
        for key, title_id, width in COLUMNS:
            self.add_column(Text(t(title_id)), key=key, width=width)
        # cell styles are resolved when rows are added, so a new theme (high contrast) redraws them
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.show(*self._shown))

    def show(self, views: Sequence[CapacityView], own_node: str) -> None:
        """Replace the rows, keeping the cursor on the same record when it is still there."""
        self._shown = (views, own_node)
        current = self.current_key()
        lang = language()
        stale_style = self.get_component_rich_style("capacity-table--stale", partial=True)
        own_style = self.get_component_rich_style("capacity-table--own", partial=True)
        self.clear()
        self.views = {}
        for view in board_order(views, own_node):
            key = row_key(view)
            self.views[key] = view
            own = view.node_id == own_node
            node = t("capacity.own_node", node=view.node_name) if own else view.node_name
            age = duration(view.age_ms)
            if view.stale:
                age = t("capacity.age_stale", age=age, stale=t("capacity.stale"))
            beds = f"{view.free}/{view.beds_total}"
            self.add_row(
                Text(node, style=own_style if own else ""),
                Text(view.location_name),
                Text(CareType(view.care_type).label(lang)),
                Text(beds, style=stale_style if view.stale else "", justify="right"),
                Text(age, style=stale_style if view.stale else ""),
                Text(capability_labels(view.capabilities, lang)),
                key=key,
            )
        if current in self.views:
            self.move_cursor(row=self.get_row_index(current), animate=False)

    def current_key(self) -> str | None:
        if not self.row_count:
            return None
        return str(self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value)

    def current(self) -> CapacityView | None:
        key = self.current_key()
        return self.views.get(key) if key else None
