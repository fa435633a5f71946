"""The admin filters the audit log in the app: action, event, user, client and days, readable names
for every code, and a wrong date named in the status line without touching the table."""

from __future__ import annotations

from textual.widgets import Input, Select, Static
from tuihelpers import demo_session, make_app, screen_text, settle

from veldclient.screens.widgets.window_table import WindowTable


def cells(table: WindowTable, column: int) -> set[str]:
    return {table.row_at(i).cells[column] for i in range(min(table.total, table.page_size))}  # first page


async def test_admin_filters_the_log_by_action_event_user_and_day():
    session = demo_session(role="admin")
    app = make_app(session, start="audit")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(WindowTable)
        everything = table.total
        assert everything == session.audit_log.head()[0]
        assert "Auditlog gelezen" in screen_text(app) and "auditlog lezen" in screen_text(app)

        app.screen.query_one("#filter-action", Select).value = "C"
        await settle(app, pilot)
        assert 0 < table.total < everything
        assert cells(table, 2) == {"aanmaken"}

        await pilot.press("x")  # clear: everything again (and the clearing read is logged too)
        await settle(app, pilot)
        assert table.total > everything

        app.screen.query_one("#filter-event", Select).value = "profile.create"
        await settle(app, pilot)
        assert table.total == 1 and cells(table, 3) == {"Profiel aangemaakt"}
        await pilot.press("x")
        await settle(app, pilot)

        user = app.screen.query_one("#filter-user", Input)
        user.focus()
        user.value = "nobody"
        await pilot.press("enter")
        await settle(app, pilot)
        assert table.total == 0
        user.value = session.actor.user_id
        await pilot.press("enter")
        await settle(app, pilot)
        assert table.total > 0 and {c.split(" (")[0] for c in cells(table, 5)} == {session.actor.user_id}

        since = app.screen.query_one("#filter-since", Input)
        since.focus()
        since.value = "2026-11-19"  # the day after the frozen clock
        await pilot.press("enter")
        await settle(app, pilot)
        assert table.total == 0


async def test_a_wrong_day_is_named_and_the_table_keeps_its_rows():
    app = make_app(demo_session(role="admin"), start="audit", lang="en")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(WindowTable)
        before = table.total
        until = app.screen.query_one("#filter-until", Input)
        until.focus()
        until.value = "gisteren"
        await pilot.press("enter")
        await settle(app, pilot)
        status = str(app.screen.query_one("#audit-status", Static).render())
        assert "'gisteren' is not a date; write dd/mm/yyyy or yyyy-mm-dd" in status
        assert table.total == before and until.value == "gisteren"


async def test_times_are_dutch_wall_clock_time_and_a_day_is_typed_day_first():
    session = demo_session(role="admin")  # frozen at 2026-11-18 11:06:40 UTC: 12:06:40 Dutch time
    app = make_app(session, start="audit")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(WindowTable)
        times = cells(table, 1)
        assert "18-11-2026 12:06:40" in times
        assert not any("T" in t or "Z" in t or t.startswith("2026") for t in times)
        everything = table.total
        since = app.screen.query_one("#filter-since", Input)
        since.focus()
        since.value = "18-11-2026"
        await pilot.press("enter")
        await settle(app, pilot)
        assert str(app.screen.query_one("#audit-status", Static).render()) == ""
        assert 0 < table.total <= everything + 1  # choosing a filter reads the log again: logged
