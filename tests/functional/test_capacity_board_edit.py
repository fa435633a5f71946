"""Capacity board (F3): update the own node's beds through the form and see the board change; invalid
counts show their error next to the field and keep what was typed; other nodes and roles cannot edit."""

from __future__ import annotations

from textual.widgets import Input, Static
from tuihelpers import SIZE, demo_session, make_app, screen_text, settle

from veldclient.screens import i18n
from veldclient.screens.capacity_board import CapacityScreen
from veldclient.screens.help import HelpScreen
from veldclient.screens.widgets.capacity_form import CapacityForm
from veldclient.screens.widgets.capacity_table import CapacityTable
from veldclient.services import capacity


async def replace(pilot, field: str, text: str) -> None:
    """Type into one form field the way a person does: focus it, clear it, type."""
    widget = pilot.app.screen.query_one(f"#f-{field}", Input)
    widget.focus()
    await pilot.pause()
    await pilot.press("end", *["backspace"] * len(widget.value), *list(text))


def stored(session, view):
    """The row of ``view`` as the service reads it now."""
    (found,) = [
        v for v in capacity.capacity(session, care_type=view.care_type) if v.location_id == view.location_id
    ]
    return found


async def open_form(app, pilot, key: str = "e"):
    """Open the form on the board's current row: that row as it was, and the form."""
    await settle(app, pilot)
    before = app.screen.query_one(CapacityTable).current()
    await pilot.press(key)
    await settle(app, pilot)
    assert isinstance(app.screen, CapacityForm)
    return before, app.screen


def board_cell(table: CapacityTable, key: str, column: str) -> str:
    return str(table.get_cell(key, column))


async def test_update_capacity_through_the_form_and_see_the_board_change():
    session = demo_session()
    app = make_app(session, start="capacity")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(CapacityTable)
        before = table.current()
        assert before is not None and before.node_id == session.actor.node_id
        key = table.current_key()
        await pilot.press("e")
        await settle(app, pilot)
        assert isinstance(app.screen, CapacityForm)
        free = before.free + 1
        occupied = before.occupied - 1
        await replace(pilot, "counts-FREE", str(free))
        await replace(pilot, "counts-OCCUPIED", str(occupied))
        await pilot.press("ctrl+s")
        await settle(app, pilot)

        assert isinstance(app.screen, CapacityScreen)
        after = stored(session, before)
        assert (after.free, after.occupied, after.beds_total) == (free, occupied, before.beds_total)
        assert after.reported_at == session.now() and not after.stale
        assert board_cell(table, key, "beds") == f"{free}/{before.beds_total}"
        assert table.current_key() == key
        assert any(str(free) in n.message for n in app._notifications)


async def test_invalid_counts_show_the_error_next_to_the_field_and_keep_the_form():
    session = demo_session()
    app = make_app(session, start="capacity")
    async with app.run_test(size=SIZE) as pilot:
        before, form = await open_form(app, pilot, "enter")
        await replace(pilot, "counts-OCCUPIED", "veel")
        await pilot.press("ctrl+s")
        await settle(app, pilot)

        assert app.screen is form
        error = form.query_one("#err-counts-OCCUPIED", Static)
        assert error.display and str(error.render())
        assert not form.query_one("#err-counts-FREE", Static).display
        assert form.query_one("#f-counts-OCCUPIED", Input).value == "veel"
        assert app.focused is form.query_one("#f-counts-OCCUPIED", Input)

        # a count that parses but does not add up: the sum error shows under the counts
        await replace(pilot, "counts-OCCUPIED", str(before.occupied))
        await replace(pilot, "beds-total", str(before.beds_total + 5))
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form
        assert not form.query_one("#err-counts-OCCUPIED", Static).display
        assert form.query_one("#err-counts", Static).display
        assert form.query_one("#f-beds-total", Input).value == str(before.beds_total + 5)

        unchanged = stored(session, before)
        assert unchanged == before
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, CapacityScreen)


async def test_another_nodes_row_is_not_editable():
    session = demo_session()
    app = make_app(session, start="capacity")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(CapacityTable)
        while table.current().node_id == session.actor.node_id:
            await pilot.press("down")
        await pilot.press("e")
        await settle(app, pilot)
        assert isinstance(app.screen, CapacityScreen)
        assert any(n.severity == "warning" for n in app._notifications)


async def test_a_coordinator_cannot_report_capacity():
    app = make_app(demo_session(role="coordinator"), start="capacity")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("e")
        await settle(app, pilot)
        assert isinstance(app.screen, CapacityScreen)
        assert [n.message for n in app._notifications] == [i18n.t("capacity.not_allowed")]


async def test_f1_explains_the_form_and_enter_in_a_number_saves():
    session = demo_session()
    app = make_app(session, start="capacity")
    async with app.run_test(size=SIZE) as pilot:
        before, form = await open_form(app, pilot)
        await pilot.press("f1")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        assert "Meld de bedden van één zorgsoort" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is form

        await replace(pilot, "counts-FREE", str(before.free - 1))
        await replace(pilot, "counts-CLOSED", "1")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CapacityScreen)
        after = stored(session, before)
        assert (after.free, after.closed) == (before.free - 1, 1)


async def test_the_form_fits_an_80_column_terminal():
    app = make_app(demo_session(), start="capacity", lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        _, form = await open_form(app, pilot)
        assert form.query_one("#form-box").region.right <= 80
        assert "Update capacity" in screen_text(app)
