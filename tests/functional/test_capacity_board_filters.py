"""Capacity board (F3): filters by care type and capability show exactly what the service answers,
and stale reports stay on the board, marked in words as well as colour."""

from __future__ import annotations

from enum import Enum

from textual.widgets import Select, Static
from tuihelpers import SIZE, demo_session, make_app, settle

from veldclient.domain import Capability, CareType
from veldclient.screens import i18n
from veldclient.screens.widgets.capacity_table import CapacityTable, row_key
from veldclient.services import capacity


async def choose(pilot, key: str, enum_type: type[Enum], value: str) -> None:
    """Open a filter with its key and pick ``value`` with the arrow keys. Nothing is highlighted when an
    empty Select opens; the first down highlights "all", the next ones the values in enum order."""
    await pilot.press(key)
    await settle(pilot.app, pilot)
    position = [m.value for m in enum_type].index(value) + 2
    await pilot.press(*["down"] * position, "enter")
    await settle(pilot.app, pilot)


def shown_keys(table: CapacityTable) -> set[str]:
    return {str(row.value) for row in table.rows}


async def test_filter_by_care_type_then_capability_then_clear():
    session = demo_session()
    app = make_app(session, start="capacity")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(CapacityTable)
        assert shown_keys(table) == {row_key(v) for v in capacity.capacity(session)}

        care = CareType.ELV_HOOG.value
        await choose(pilot, "t", CareType, care)
        assert app.screen.query_one("#filter-care", Select).value == care
        expected = {row_key(v) for v in capacity.capacity(session, care_type=care)}
        assert shown_keys(table) == expected and 0 < len(expected) < len(capacity.capacity(session))

        capability = Capability.ISOLATIE.value
        await choose(pilot, "m", Capability, capability)
        both = {row_key(v) for v in capacity.capacity(session, care_type=care, capability=capability)}
        assert shown_keys(table) == both and 0 < len(both) < len(expected)
        count = str(app.screen.query_one("#capacity-count", Static).render())
        assert count.startswith(f"{len(both)} ")

        await pilot.press("x")
        await settle(app, pilot)
        assert shown_keys(table) == {row_key(v) for v in capacity.capacity(session)}
        assert app.focused is table


async def test_filter_by_capability_alone():
    session = demo_session()
    app = make_app(session, start="capacity")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        capability = Capability.TILLIFT.value
        await choose(pilot, "m", Capability, capability)
        table = app.screen.query_one(CapacityTable)
        expected = [v for v in capacity.capacity(session, capability=capability)]
        assert shown_keys(table) == {row_key(v) for v in expected}
        assert all(capability in v.capabilities for v in expected)


async def test_stale_reports_are_marked_in_words():
    session = demo_session()
    app = make_app(session, start="capacity")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(CapacityTable)
        views = capacity.capacity(session)
        assert any(v.stale for v in views) and not all(v.stale for v in views)
        for view in views:
            age = str(table.get_cell(row_key(view), "age"))
            assert (i18n.t("capacity.stale") in age) == view.stale
        own = [k for k in shown_keys(table) if k.startswith(f"{session.actor.node_id}:")]
        first = [str(row.key.value) for row in table.ordered_rows][: len(own)]
        assert set(first) == set(own)  # the own node comes first


async def test_a_new_theme_restyles_the_stale_rows_and_f1_explains_the_board():
    session = demo_session()
    app = make_app(session, start="capacity")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(CapacityTable)
        stale = next(v for v in capacity.capacity(session) if v.stale)
        before = table.get_cell(row_key(stale), "age").style
        app.theme = "veld-high-contrast"
        await settle(app, pilot)
        after = table.get_cell(row_key(stale), "age").style
        assert after != before and after == table.get_component_rich_style(
            "capacity-table--stale", partial=True
        )

        await pilot.press("f1")
        await pilot.pause()
        shown = "\n".join(str(w.render()) for w in app.screen.query(Static))
        assert i18n.t("capacity.help") in shown and i18n.t("capacity.key.filter_care") in shown
