"""Snapshots of the capacity board (F3): the whole board, filtered, and the edit form with an error."""

from __future__ import annotations

import pytest
from tuihelpers import SIZE, demo_session, make_app, settle

from veldclient.domain import Capability, CareType
from veldclient.screens.widgets.capacity_table import CapacityTable


async def _settle(pilot) -> None:
    await settle(pilot.app, pilot)


async def _pick(pilot, key: str, position: int) -> None:
    """Open a filter and pick by position: the first down highlights "all", the next ones the values."""
    await pilot.press(key)
    await settle(pilot.app, pilot)
    await pilot.press(*["down"] * (position + 2), "enter")
    await settle(pilot.app, pilot)


async def _filtered(pilot) -> None:
    await settle(pilot.app, pilot)
    await _pick(pilot, "t", list(CareType).index(CareType.GRZ))
    await _pick(pilot, "m", list(Capability).index(Capability.TILLIFT))
    await pilot.press("x")  # clears both filters ...
    await settle(pilot.app, pilot)
    await _pick(pilot, "t", list(CareType).index(CareType.ELV_HOOG))  # ... then one care type
    await _pick(pilot, "m", list(Capability).index(Capability.ISOLATIE))
    await pilot.press("escape")  # nothing to close: the board keeps its filters
    await settle(pilot.app, pilot)


async def _form_with_error(pilot) -> None:
    await settle(pilot.app, pilot)
    await pilot.press("e")
    await settle(pilot.app, pilot)
    await pilot.press("tab", "end", "backspace", *"veel", "ctrl+s")  # "Vrij" = "veel": not a number
    await settle(pilot.app, pilot)


def test_capacity_board(snap_compare):
    assert snap_compare(make_app(demo_session(), start="capacity"), terminal_size=SIZE, run_before=_settle)


def test_capacity_board_filtered(snap_compare):
    assert snap_compare(make_app(demo_session(), start="capacity"), terminal_size=SIZE, run_before=_filtered)


def test_capacity_form_with_error(snap_compare):
    assert snap_compare(
        make_app(demo_session(), start="capacity"), terminal_size=SIZE, run_before=_form_with_error
    )


async def _first_stale_row(pilot) -> None:
    """Put the cursor on the first stale row, so the board scrolls it into view."""
    await settle(pilot.app, pilot)
    table = pilot.app.screen.query_one(CapacityTable)
    first = next(i for i, key in enumerate(table.rows) if table.views[str(key.value)].stale)
    table.move_cursor(row=first, animate=False)
    await settle(pilot.app, pilot)


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_capacity_board_stale_mark_at_every_width(snap_compare, lang, size):
    """Stale rows say "verouderd"/"stale" as a whole word at 80 and at 160 columns."""
    assert snap_compare(
        make_app(demo_session(), start="capacity", lang=lang), terminal_size=size, run_before=_first_stale_row
    )
