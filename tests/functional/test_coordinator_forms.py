"""Pilot tests: a coordinator files a help request (n) and closes one after confirming (x) on F6;
registers a volunteer with the week grid (n) and edits one prefilled (e) on F5; registers a carer,
records a burden measurement (b) whose trend and advice show on the profile, and links the carer to
a client (l). Bad input shows under its field and what was typed stays."""

from __future__ import annotations

from textual.widgets import Input, Select, SelectionList
from tuihelpers import SIZE, demo_session, make_app, screen_text, settle

from veldclient.screens.helprequest_form import NewHelpRequestForm
from veldclient.screens.helprequests import ConfirmClose
from veldclient.screens.roster_detail import MantelzorgerScreen
from veldclient.screens.roster_forms import BurdenForm, CarerForm, LinkForm, VolunteerForm
from veldclient.screens.widgets.availability_picker import AvailabilityPicker
from veldclient.screens.widgets.window_table import WindowTable


async def typed(app, pilot, field: str, text: str) -> None:
    """Focus a field of the open form and type into it key by key."""
    widget = app.screen.query_one(f"#f-{field}", Input)
    widget.focus()
    widget.value = ""
    await pilot.press(*[{" ": "space", "-": "minus", ",": "comma"}.get(ch, ch) for ch in text])


def row_of(app, table_id: str, key: str) -> None:
    table = app.screen.query_one(table_id, WindowTable)
    table.cursor = next(i for i in range(table.total) if table.row_at(i).key == key)


def count(session, sql: str, *args: object) -> int:
    return session.db.execute(sql, list(args)).fetchone()[0]


async def test_file_a_help_request_with_errors_first_then_close_it_after_confirming():
    session = demo_session(role="coordinator")
    before = count(session, "SELECT count(*) FROM help_requests")
    app = make_app(session, start="helprequests")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, NewHelpRequestForm)
        await typed(app, pilot, "summary", "Boodschappen, BSN 111222333")
        await typed(app, pilot, "pc4", "75")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form  # refused: task, pc4 and end are wrong or missing
        assert str(form.query_one("#err-pc4").content) != ""
        assert str(form.query_one("#err-task").content) == "Dit veld is verplicht."
        assert "een BSN" in str(form.query_one("#summary-screening").content)
        assert form.query_one("#f-summary", Input).value == "Boodschappen, BSN 111222333"

        form.query_one("#f-task", Select).value = "BOODSCHAPPEN"
        await typed(app, pilot, "summary", "Boodschappen bij de Jumbo")
        await typed(app, pilot, "pc4", "7511")
        await typed(app, pilot, "window-end", "2026-12-31")
        grid = form.query_one("#f-window-availability", AvailabilityPicker)
        grid.focus()
        await pilot.press("right", "space", "down", "space")  # Tuesday morning and afternoon
        assert grid.form_value() == [
            {"weekday": "DI", "dagdeel": "OCHTEND"},
            {"weekday": "DI", "dagdeel": "MIDDAG"},
        ]
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, NewHelpRequestForm)
        assert count(session, "SELECT count(*) FROM help_requests") == before + 1
        rid = session.db.execute("SELECT id FROM help_requests WHERE summary = 'Boodschappen bij de Jumbo'")
        rid = rid.fetchone()[0]

        row_of(app, "#hr-table", rid)
        await pilot.press("x")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmClose)
        assert "Boodschappen bij de Jumbo" in screen_text(app) and "Geannuleerd" in screen_text(app)
        await pilot.press("n")  # no: nothing happens
        await settle(app, pilot)
        assert count(session, "SELECT count(*) FROM help_requests WHERE id = ? AND status = 'OPEN'", rid) == 1
        await pilot.press("x")
        await settle(app, pilot)
        await pilot.press("j")
        await settle(app, pilot)
        assert (
            count(session, "SELECT count(*) FROM help_requests WHERE id = ? AND status = 'CANCELLED'", rid)
            == 1
        )
        assert any("afgesloten" in n.message for n in app._notifications)
        row_of(app, "#hr-table", rid)
        await pilot.press("x")  # already closed: says so instead of asking
        await settle(app, pilot)
        assert not isinstance(app.screen, ConfirmClose)
        assert any("al afgesloten" in n.message for n in app._notifications)


async def test_register_a_volunteer_on_the_grid_and_edit_one_prefilled():
    session = demo_session(role="coordinator")
    app = make_app(session, start="roster", lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, VolunteerForm)
        for field, text in (("first-name", "Anna"), ("last-name", "Jansen"), ("pc4", "7511")):
            await typed(app, pilot, field, text)
        await typed(app, pilot, "birth-year", "2015")
        await typed(app, pilot, "max-km", "10")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form
        assert "at least 16" in str(form.query_one("#err-birth-year").content)
        assert form.query_one("#f-birth-year", Input).value == "2015"

        await typed(app, pilot, "birth-year", "1980")
        form.query_one("#f-tasks", SelectionList).select("VERVOER")
        grid = form.query_one("#f-availability", AvailabilityPicker)
        grid.focus()
        await pilot.press("a")  # the whole of Monday
        form.query_one("#f-vog-status", Select).value = "VALID"
        await typed(app, pilot, "vog-issued-on", "2025-03-01")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, VolunteerForm)
        vid, tasks = session.db.execute(
            "SELECT id, tasks FROM volunteers WHERE first_name = 'Anna' AND last_name = 'Jansen'"
        ).fetchone()
        assert "VERVOER" in tasks
        assert count(session, "SELECT count(*) FROM volunteer_availability WHERE volunteer_id = ?", vid) == 3

        await pilot.press("slash")
        await pilot.press(*"Jansen")
        await pilot.press("enter")
        await settle(app, pilot)
        row_of(app, "#volunteer-table", vid)
        await pilot.press("e")
        await settle(app, pilot)
        edit = app.screen
        assert isinstance(edit, VolunteerForm)
        assert edit.query_one("#f-first-name", Input).value == "Anna"
        assert edit.query_one("#f-vog-issued-on", Input).value == "01/03/2025"  # typed ISO, shown en-GB
        await typed(app, pilot, "max-km", "25")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert count(session, "SELECT max_km FROM volunteers WHERE id = ?", vid) == 25


async def test_register_a_carer_record_burden_and_link_to_a_client():
    session = demo_session(role="coordinator")
    client_id = session.db.execute("SELECT id FROM clients ORDER BY id LIMIT 1").fetchone()[0]
    app = make_app(session, start="roster")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("m", "n")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, CarerForm)
        for field, text in (("first-name", "Gerrit"), ("last-name", "Brinkhuis"), ("pc4", "7512")):
            await typed(app, pilot, field, text)
        form.query_one("#f-relationship", Select).value = "PARTNER"
        await typed(app, pilot, "hours-per-week", "20")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, CarerForm)
        cid = session.db.execute("SELECT id FROM mantelzorgers WHERE last_name = 'Brinkhuis'").fetchone()[0]

        app.push_screen(MantelzorgerScreen(cid))
        await settle(app, pilot)
        for score, day in (("5", "01-09-2026"), ("8", "2026-11-10")):  # day first or ISO
            await pilot.press("b")
            await settle(app, pilot)
            assert isinstance(app.screen, BurdenForm)
            await typed(app, pilot, "score", score)
            await typed(app, pilot, "measured-on", day)
            await pilot.press("enter")
            await settle(app, pilot)
        assert isinstance(app.screen, MantelzorgerScreen)
        history = str(app.screen.query_one("#mz-history").content)
        assert (
            "01-09-2026" in history and "10-11-2026" in history and "Opnieuw meten vóór 08-12-2026" in history
        )
        assert "respijtzorg" in str(app.screen.query_one("#mz-burden").content)

        await pilot.press("b")
        await settle(app, pilot)
        await typed(app, pilot, "score", "12")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "tussen 0 en 9" in str(app.screen.query_one("#err-score").content)
        await pilot.press("escape")
        await settle(app, pilot)

        await pilot.press("l")
        await settle(app, pilot)
        assert isinstance(app.screen, LinkForm)
        await typed(app, pilot, "care-for-client-id", "niemand")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "bestaat niet" in str(app.screen.query_one("#err-care-for-client-id").content)
        await typed(app, pilot, "care-for-client-id", client_id)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MantelzorgerScreen)
        linked = session.db.execute("SELECT care_for_client_id FROM mantelzorgers WHERE id = ?", [cid])
        assert linked.fetchone()[0] == client_id


async def test_a_nurse_is_told_at_once_that_she_may_not_register_a_volunteer():
    session = demo_session(role="nurse")
    app = make_app(session, start="roster")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        assert not isinstance(app.screen, VolunteerForm)
        assert any("Dat mag de rol wijkverpleegkundige niet." in n.message for n in app._notifications)
        await pilot.press("m", "n")  # a nurse does register carers
        await settle(app, pilot)
        assert isinstance(app.screen, CarerForm)
