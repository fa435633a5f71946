"""Snapshots of the capacity board (F3): the whole board, filtered, and the edit form with an error."""

from __future__ import annotations

from tuihelpers import SIZE, demo_session, make_app, settle

from veldclient.domain import Capability, CareType


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
