"""The capacity board's table: one row per node, location and care type.

The board is small (ten nodes, a few locations each, up to nine care types; the demo has 58 rows), so
a DataTable suits it, unlike the caseload. Cells are Rich ``Text`` objects, never strings, so names
are not parsed as markup. Stale rows take their style from a component class that uses ``$warning``,
so they follow the theme, and their age cell also says "verouderd"/"stale", so colour is not the only
signal. A row whose node has not reported yet has no numbers: its age cell says "nog niet gemeld"/"not
yet reported". Rows of the own node come first and are marked as own: only those can be edited.

Column widths follow the table's width (:func:`layout`), so that from 80 columns up the age cell
always holds its whole word: where the full "3 u · verouderd" does not fit, the cell says only
"verouderd" (the age stays in the line under the table), and the capabilities column goes first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.widgets import DataTable

from veldclient.domain import Capability, CareType
from veldclient.domain.models_capacity import capacity_key
from veldclient.screens.i18n import language, t
from veldclient.screens.widgets.durations import duration
from veldclient.services.capacity import CapacityView

TITLES = {
    "node": "capacity.col.node",
    "location": "capacity.col.location",
    "care_type": "capacity.col.care_type",
    "beds": "capacity.col.beds",
    "age": "capacity.col.age",
    "capabilities": "capacity.col.capabilities",
}
FLEX = (("node", 24, 10), ("location", 20, 10), ("care_type", 28, 18))
"""Columns that give way on a narrow terminal: (key, width when there is room, narrowest). The
care type keeps the most: its long names differ only at the end ("…, low/high complexity")."""
COMFORTABLE = 52  # node, location and care type together, before the age gives up its number
BEDS_WIDTH = 11
CAPABILITIES_MIN = 16
PADDING = 2  # DataTable's cell padding, one cell each side


@dataclass(frozen=True)
class Layout:
    widths: tuple[tuple[str, int], ...]
    """(column key, width) in display order; the capabilities column is left out when narrow."""
    short_age: bool
    """Stale rows say only the word, without the age."""


def layout(space: int, full_ages: Sequence[str], short_ages: Sequence[str]) -> Layout:
    """Column widths for a table ``space`` cells wide. The age column is always as wide as its
    widest cell, so no age or stale word is ever cut; the other columns give way first: the
    capabilities go, then the full age (``short_ages``: the word without the age), and only then do
    node, location and care type narrow below a comfortable width, down to their minimum (below
    that the table scrolls sideways)."""
    age_title = cell_len(t(TITLES["age"]))
    tries = [
        (COMFORTABLE, short, ages, with_capabilities)
        for short, ages in ((False, full_ages), (True, short_ages))
        for with_capabilities in (True, False)
    ]
    tries.append((sum(least for _key, _wide, least in FLEX), True, short_ages, False))
    for need, short, ages, with_capabilities in tries:
        age = max([age_title, *(cell_len(a) for a in ages)])
        columns = len(TITLES) if with_capabilities else len(TITLES) - 1
        room = space - PADDING * columns - BEDS_WIDTH - age
        flex_room = room - (CAPABILITIES_MIN if with_capabilities else 0)
        if flex_room < need:
            continue
        flex = _share(flex_room)
        widths = [*flex, ("beds", BEDS_WIDTH), ("age", age)]
        if with_capabilities:
            widths.append(("capabilities", room - sum(w for _k, w in flex)))
        return Layout(tuple(widths), short)
    least = [(key, narrowest) for key, _wide, narrowest in FLEX]
    age = max([age_title, *(cell_len(a) for a in short_ages)])
    return Layout((*least, ("beds", BEDS_WIDTH), ("age", age)), True)


def _share(room: int) -> list[tuple[str, int]]:
    """Node, location and care type: each its minimum, then what is left goes to the care type
    first, then the node, then the location, each up to its full width."""
    widths = {key: least for key, _wide, least in FLEX}
    spare = room - sum(widths.values())
    full = {key: wide for key, wide, _least in FLEX}
    for key in ["care_type", "node", "location"]:
        more = max(0, min(spare, full[key] - widths[key]))
        widths[key] += more
        spare -= more
    return [(key, widths[key]) for key, _wide, _least in FLEX]


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


class CapacityTable(DataTable[Text]):
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
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self.views: dict[str, CapacityView] = {}
        self._shown: tuple[Sequence[CapacityView], str] = ((), "")
        self._layout: Layout | None = None

    def on_mount(self) -> None:
        # cell styles are resolved when rows are added, so a new theme (high contrast) redraws them
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.show(*self._shown))

    def on_resize(self, event: events.Resize) -> None:
        if self._layout is not None and self._fit(self._shown[0]) != self._layout:
            self.show(*self._shown)

    def _fit(self, views: Sequence[CapacityView]) -> Layout:
        space = (self.size.width or self.app.size.width) - self.styles.scrollbar_size_vertical
        texts = [age_texts(v) for v in views]
        return layout(space, [full for full, _short in texts], [short for _full, short in texts])

    def show(self, views: Sequence[CapacityView], own_node: str) -> None:
        """Replace the rows, keeping the cursor on the same record when it is still there."""
        self._shown = (views, own_node)
        current = self.current_key()
        lang = language()
        stale_style = self.get_component_rich_style("capacity-table--stale", partial=True)
        own_style = self.get_component_rich_style("capacity-table--own", partial=True)
        unknown_style = self.get_component_rich_style("capacity-table--unreported", partial=True)
        fitted = self._fit(views)
        if fitted != self._layout:
            self.clear(columns=True)
            for key, width in fitted.widths:
                self.add_column(Text(t(TITLES[key])), key=key, width=width)
            self._layout = fitted
        shown = [key for key, _width in fitted.widths]
        self.clear()
        self.views = {}
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
            cells = {
                "node": Text(node, style=own_style if own else ""),
                "location": Text(view.location_name),
                "care_type": Text(CareType(view.care_type).label(lang)),
                "beds": Text(beds, style=mark, justify="right"),
                "age": Text(short if fitted.short_age else full, style=mark),
                "capabilities": Text(capability_labels(view.capabilities, lang)),
            }
            self.add_row(*(cells[k] for k in shown), key=key)
        if current in self.views:
            self.move_cursor(row=self.get_row_index(current), animate=False)

    def current_key(self) -> str | None:
        if not self.row_count:
            return None
        return str(self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value)

    def current(self) -> CapacityView | None:
        key = self.current_key()
        return self.views.get(key) if key else None
