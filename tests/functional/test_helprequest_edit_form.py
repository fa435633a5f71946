"""Pilot tests: the coordinator edits a help request's summary on the matching screen (F6, Enter, s),
is warned about a BSN, and the volunteer export follows what was saved; field errors, and a
confirmation before changes are thrown away."""

from __future__ import annotations

import csv

from textual.widgets import Input
from tuihelpers import SIZE, demo_session, make_app, screen_text, settle

from veldclient.screens.export_dialog import ExportScreen
from veldclient.screens.forms import DiscardChanges
from veldclient.screens.helprequest_form import HelpRequestForm
from veldclient.screens.helprequest_match import MatchScreen
from veldclient.screens.widgets.window_table import WindowTable

BSN_SUMMARY = "Boodschappen doen; BSN 111222333 bij de kassa"


def open_request(session) -> str:
    """A request whose period is still running (the frozen clock's today is 2026-11-18)."""
    return session.db.execute(
        "SELECT id FROM help_requests WHERE status = 'OPEN' AND window_end >= '2026-11-18'"
        " ORDER BY id LIMIT 1"
    ).fetchone()[0]


async def to_matching(app, pilot, rid: str) -> MatchScreen:
    table = app.screen.query_one("#hr-table", WindowTable)
    table.cursor = next(i for i in range(table.total) if table.row_at(i).key == rid)
    await pilot.press("enter")
    await settle(app, pilot)
    assert isinstance(app.screen, MatchScreen)
    return app.screen


async def retype(app, pilot, text: str) -> None:
    """Empty the focused field and type ``text`` key by key, as a person would."""
    await pilot.press("ctrl+a", "ctrl+k")
    await pilot.press(*[{" ": "space", ";": "semicolon"}.get(ch, ch) for ch in text])
    await settle(app, pilot)


async def export(app, pilot, path) -> list[str]:
    await pilot.press("e")
    await settle(app, pilot)
    assert isinstance(app.screen, ExportScreen)
    app.screen.query_one("#export-path", Input).value = str(path)
    await pilot.press("ctrl+s")
    await settle(app, pilot)
    with path.open(newline="", encoding="utf-8") as fh:
        header, row = list(csv.reader(fh))
    return [header, row]


def stored_summary(session, rid: str) -> str:
    return session.db.execute("SELECT summary FROM help_requests WHERE id = ?", [rid]).fetchone()[0]


def notes(rows) -> str:
    header, row = rows
    return row[header.index("toelichting")]  # the export speaks the app's language: Dutch here


async def test_edit_the_summary_is_warned_about_a_bsn_and_the_export_follows(tmp_path):
    session = demo_session(role="coordinator")
    rid = open_request(session)
    app = make_app(session, start="helprequests")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        screen = await to_matching(app, pilot, rid)
        before = screen.view.request.summary

        await pilot.press("s")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, HelpRequestForm)
        assert form.query_one("#f-summary", Input).value == before
        assert form.query_one("#f-summary", Input).has_focus
        await retype(app, pilot, BSN_SUMMARY)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        assert str(screen.query_one("#req-summary").content) == BSN_SUMMARY
        warning = str(screen.query_one("#req-warning").content)
        assert "een BSN" in warning and "111222333" not in warning
        assert any("een BSN" in n.message for n in app._notifications)

        rows = await export(app, pilot, tmp_path / "met-bsn.csv")
        assert notes(rows) == "" and "111222333" not in str(rows)
        held = str(app.screen.query_one("#export-held-back").content)
        assert "een BSN" in held and "111222333" not in held
        await pilot.press("escape")
        await settle(app, pilot)

        await pilot.press("s")
        await settle(app, pilot)
        await retype(app, pilot, "Boodschappen doen bij de Jumbo")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert str(screen.query_one("#req-warning").content) == ""
        rows = await export(app, pilot, tmp_path / "schoon.csv")
        assert notes(rows) == "Boodschappen doen bij de Jumbo"
        assert str(app.screen.query_one("#export-held-back").content) == ""


async def test_errors_show_under_the_field_and_what_was_typed_is_kept():
    session = demo_session(role="coordinator")
    rid = open_request(session)
    app = make_app(session, start="helprequests")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await to_matching(app, pilot, rid)
        before = screen.view.request.summary
        await pilot.press("s")
        await settle(app, pilot)
        form = app.screen
        await retype(app, pilot, "   ")
        form.query_one("#f-window-end", Input).value = "2026-02-30"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form
        assert str(form.query_one("#err-summary").content) == "Dit veld is verplicht."
        assert str(form.query_one("#err-window-end").content) != ""
        assert form.query_one("#f-window-end", Input).value == "2026-02-30"
        assert "Dit veld is verplicht." in screen_text(app)
        assert stored_summary(session, rid) == before


async def test_escape_asks_before_throwing_changes_away():
    session = demo_session(role="coordinator")
    rid = open_request(session)
    app = make_app(session, start="helprequests")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await to_matching(app, pilot, rid)
        before = screen.view.request.summary

        await pilot.press("s")  # nothing changed: Escape closes at once
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is screen

        await pilot.press("s")
        await settle(app, pilot)
        form = app.screen
        await retype(app, pilot, "Iets anders")
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, DiscardChanges)
        assert "weggooien" in screen_text(app)
        await pilot.press("escape")  # keep editing
        await settle(app, pilot)
        assert app.screen is form and form.query_one("#f-summary", Input).value == "Iets anders"
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("j")  # yes, throw away
        await settle(app, pilot)
        assert app.screen is screen
        assert str(screen.query_one("#req-summary").content) == " ".join(before.split())
        assert stored_summary(session, rid) == before
