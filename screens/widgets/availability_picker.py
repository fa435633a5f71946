"""The week as a grid to tick: weekdays across, parts of the day down (the profile's layout).

Arrow keys move the cursor, space (or Enter, or x) ticks and unticks a part of the day, ``a`` ticks a
whole day column on or off. A ticked cell is drawn ``[●]`` and an empty one ``[ ]``, so it reads
without colour; the cursor cell is reversed. Its form value is the list of ticked parts as
``{weekday, dagdeel}`` mappings, what ``domain.models_roster.availability`` parses.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.widget import Widget

from veldclient.domain import Availability, Dagdeel, Weekday
from veldclient.screens.base import KeySpec, LocalisedKeys
from veldclient.screens.roster_labels import dagdeel_label, weekday_short

DAYS = tuple(Weekday)
PARTS = tuple(Dagdeel)
CELL = 4


class AvailabilityPicker(LocalisedKeys, Widget, can_focus=True):
    DEFAULT_CSS = """
    AvailabilityPicker { height: 4; width: 1fr; }
    AvailabilityPicker:focus { background: $boost; }
    """
    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        ("space,enter,x", "tick", "roster.form.grid_toggle"),
        ("a", "toggle_day", "roster.form.grid_day"),
    )
    BINDINGS: ClassVar[list[Any]] = [
        ("left", "move(-1, 0)"),
        ("right", "move(1, 0)"),
        ("up", "move(0, -1)"),
        ("down", "move(0, 1)"),
    ]

    def __init__(self, slots: frozenset[Availability] = frozenset(), *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.use_own_keys()
        self.ticked: set[tuple[Weekday, Dagdeel]] = {(a.weekday, a.dagdeel) for a in slots}
        self.col = 0
        self.row = 0

    def form_value(self) -> list[dict[str, str]]:
        """The ticked parts in week order (Monday morning first)."""
        return [
            {"weekday": day.value, "dagdeel": part.value}
            for day in DAYS
            for part in PARTS
            if (day, part) in self.ticked
        ]

    def render(self) -> Text:
        width = max(len(dagdeel_label(p)) for p in PARTS) + 1
        out = Text(" " * width + "".join(f" {weekday_short(d):<{CELL - 1}}" for d in DAYS).rstrip() + "\n")
        for r, part in enumerate(PARTS):
            out.append(f"{dagdeel_label(part):<{width}}")
            for c, day in enumerate(DAYS):
                cell = "[●]" if (day, part) in self.ticked else "[ ]"
                here = self.has_focus and (c, r) == (self.col, self.row)
                out.append(cell, style="reverse" if here else "")
                out.append(" " * (CELL - len(cell)))
            if r < len(PARTS) - 1:
                out.append("\n")
        return out

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def action_move(self, dx: int, dy: int) -> None:
        self.col = (self.col + dx) % len(DAYS)
        self.row = (self.row + dy) % len(PARTS)
        self.refresh()

    def action_tick(self) -> None:
        self.ticked ^= {(DAYS[self.col], PARTS[self.row])}
        self.refresh()

    def action_toggle_day(self) -> None:
        """The whole day on, or off when all of it was on."""
        day = {(DAYS[self.col], part) for part in PARTS}
        self.ticked = self.ticked - day if day <= self.ticked else self.ticked | day
        self.refresh()
