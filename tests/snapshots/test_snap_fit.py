"""Every screen at the smallest terminal the app supports (80×24) and a large one (160×48), in Dutch
and in English: what a person needs first is on the screen at 80 columns, the rest is in the line
under a table, and nothing is cut off to the right (issue #18)."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.widgets import Checkbox, Input, Select
from tuihelpers import FIXED_DEVICE_ID, demo_session, double_booked_slot, make_app, settle

from veldclient.services import slots

Before = Callable[[Any], Awaitable[None]]
OPEN_REQUEST = "status = 'OPEN' AND task = 'GEZELSCHAP' AND window_start = '2026-11-15'"


async def _settle(pilot) -> None:
    await settle(pilot.app, pilot)


def _keys(*keys: str) -> Before:
    async def run_before(pilot) -> None:
        await settle(pilot.app, pilot)
        await pilot.press(*keys)
        await settle(pilot.app, pilot)

    return run_before


def _search(text: str, *keys: str) -> Before:
    """F4: search for ``text``, then press ``keys`` (enter, enter: the case)."""

    async def run_before(pilot) -> None:
        await settle(pilot.app, pilot)
        await pilot.press("slash", *list(text))
        await settle(pilot.app, pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot.app, pilot)

    return run_before


async def _request_form(pilot) -> None:
    await _search("agnes reinders", "enter", "enter", "p")(pilot)
    screen = pilot.app.screen
    await pilot.press(*"Dr. Bos")
    screen.query_one("#f-referrer-role", Select).value = "HUISARTS"
    screen.query_one("#f-urgency", Select).value = "U3"
    screen.query_one("#f-triage-instability", Checkbox).value = True
    await settle(pilot.app, pilot)


async def _capacity_error(pilot) -> None:
    """The sum of the beds differs from the total: a long error under the counts."""
    await _keys("e")(pilot)
    pilot.app.screen.query_one("#f-beds-total", Input).value = "3"
    await pilot.press("ctrl+s")
    await settle(pilot.app, pilot)


async def _match(pilot) -> None:
    app = pilot.app
    await settle(app, pilot)
    rid = app.session.db.execute(
        f"SELECT id FROM help_requests WHERE {OPEN_REQUEST} ORDER BY id LIMIT 1"
    ).fetchone()[0]
    table = app.screen.query_one("#hr-table")
    table.cursor = next(i for i in range(table.total) if table.row_at(i).key == rid)
    await pilot.press("enter")
    await settle(app, pilot)


def _demo(role: str = "nurse") -> Callable[[], Any]:
    return lambda: demo_session(role=role)


def _admin() -> Any:
    session = demo_session(role="admin")
    session.db.execute("UPDATE audit_log SET device_id = ?", [FIXED_DEVICE_ID])  # a fixed access point
    session.actor = dataclasses.replace(session.actor, device_id=FIXED_DEVICE_ID)
    return session


def _admin_device() -> Any:
    """The admin's session with a fixed device id: the devices screen shows this machine's id."""
    session = _admin()
    session.device = dataclasses.replace(session.device, device_id=FIXED_DEVICE_ID)
    return session


def _slots() -> Any:
    session = double_booked_slot()
    slots.publish(session, service="WOUND_CARE", start_at="2026-11-19 09:00", minutes=15, count=4)
    return session


# screen -> (session, start area, what to do first)
SCREENS: dict[str, tuple[Callable[[], Any], str, Before]] = {
    "dashboard": (_demo(), "dashboard", _settle),
    "capacity": (_demo(), "capacity", _settle),
    "caseload": (_demo(), "caseload", _settle),
    "client": (_demo(), "caseload", _search("agnes reinders", "enter", "enter")),
    "request": (_demo(), "caseload", _search("agnes reinders", "enter", "enter", "enter")),
    "roster": (_demo("coordinator"), "roster", _settle),
    "helprequests": (_demo("coordinator"), "helprequests", _settle),
    "match": (_demo("coordinator"), "helprequests", _match),
    "conflicts": (double_booked_slot, "conflicts", _settle),
    "audit": (_admin, "audit", _settle),
    "settings": (_demo(), "settings", _settle),
    "devices": (_admin_device, "settings", _keys("ctrl+d")),
    "slots": (_slots, "slots", _settle),
    "client_form": (_demo(), "caseload", _keys("n")),
    "request_form": (_demo(), "caseload", _request_form),
    "capacity_form": (_demo(), "capacity", _capacity_error),
    "help": (_demo(), "dashboard", _keys("f1")),
}
SIZES = [(80, 24), (160, 48)]


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", list(SCREENS))
def test_every_screen_fits(snap_compare, screen, size, lang):
    if screen == "match" and size == (80, 24):
        # its candidate list scrolls to the highlighted row on a timer: at 80x24 one run in a few
        # draws it a row further; tests/functional/test_score_panes.py checks this screen at 80x24
        pytest.skip("the candidate list's scroll position is not settled at 80x24")
    session, start, run_before = SCREENS[screen]
    app = make_app(session(), start=start, lang=lang)
    assert snap_compare(app, terminal_size=size, run_before=run_before)
