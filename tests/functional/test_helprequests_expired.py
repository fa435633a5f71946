"""Pilot tests of F6 on a frozen clock (2026-11-18): a request whose period is over reads "Verlopen"
("Expired"), is listed after the open ones and under its own filter, and its matching screen says
plainly that the period is over and what can be done, instead of filtering out every volunteer."""

from __future__ import annotations

from textual.widgets import Input, OptionList, Select
from tuihelpers import SIZE, demo_session, make_app, screen_text, settle

from veldclient.domain.formats import day_text, parse_day
from veldclient.screens.helprequest_form import HelpRequestForm
from veldclient.screens.helprequest_match import MatchScreen
from veldclient.screens.widgets.window_table import WindowTable

TODAY = "2026-11-18"


def lapsed_request(session) -> tuple[str, str]:
    """(id, last day) of a request stored as OPEN whose window ended before today."""
    return session.db.execute(
        "SELECT id, window_end FROM help_requests WHERE status = 'OPEN' AND window_end < ?"
        " ORDER BY id LIMIT 1",
        [TODAY],
    ).fetchone()


async def open_matching(app, pilot, rid: str) -> None:
    table = app.screen.query_one("#hr-table", WindowTable)
    table.cursor = next(i for i in range(table.total) if table.row_at(i).key == rid)
    await pilot.press("enter")
    await settle(app, pilot)
    assert isinstance(app.screen, MatchScreen)


def iso(shown: str) -> str:
    """A date as the list shows it (dd-mm-jjjj) back as jjjj-mm-dd, to compare with TODAY."""
    return parse_day(shown).isoformat()


def shown(stored: str, lang: str = "nl") -> str:
    return day_text(stored, lang)


def rows(app):
    table = app.screen.query_one("#hr-table", WindowTable)
    return [table.row_at(i) for i in range(table.total)]


async def test_the_list_shows_expired_after_the_open_ones_and_filters_on_it():
    session = demo_session(role="coordinator")
    rid, _end = lapsed_request(session)
    app = make_app(session, start="helprequests")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        listed = rows(app)
        statuses = [r.cells[4] for r in listed]
        mine = next(i for i, r in enumerate(listed) if r.key == rid)
        assert statuses[mine] == "Verlopen"
        assert mine > max(i for i, s in enumerate(statuses) if s in ("Open", "Vrijwilliger zoeken"))
        assert "Open" not in statuses[mine:]

        await pilot.press("f")  # the status filter, by keyboard: all, unmatched, then each status
        await pilot.press("enter")
        options = list(app.screen.query_one("#hr-status", Select)._options)
        expired_at = [value for _label, value in options].index("EXPIRED")
        await pilot.press(*["down"] * expired_at, "enter")
        await settle(app, pilot)
        only = rows(app)
        assert rid in {r.key for r in only}
        assert {r.cells[4] for r in only} == {"Verlopen"}
        assert f"{len(only)} hulpvragen" in str(app.screen.query_one("#hr-count").content)

        app.screen.query_one("#hr-status", Select).value = "OPEN"
        await settle(app, pilot)
        assert rid not in {r.key for r in rows(app)}
        assert all(iso(r.cells[3]) >= TODAY for r in rows(app))


async def test_the_matching_screen_says_the_period_is_over_and_extending_it_reopens_the_request():
    session = demo_session(role="coordinator")
    rid, end = lapsed_request(session)
    app = make_app(session, start="helprequests")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await open_matching(app, pilot, rid)
        screen = app.screen
        assert "Verlopen" in str(screen.query_one("#req-title").content)
        notice = str(screen.query_one("#req-expired").content)
        assert f"liep tot {shown(end)}" in notice and "Verleng de periode met s (wijzigen)" in notice
        candidates = screen.query_one("#candidates", OptionList)
        assert candidates.option_count == 1 and candidates.get_option_at_index(0).disabled
        await pilot.press("u")
        await settle(app, pilot)
        assert candidates.option_count == 1
        assert "De periode van deze hulpvraag is voorbij" not in screen_text(app)  # not once per volunteer

        await pilot.press("s")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpRequestForm)
        app.screen.query_one("#f-window-end", Input).value = "2026-12-31"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is screen
        assert "Open" in str(screen.query_one("#req-title").content)
        assert str(screen.query_one("#req-expired").content) == ""
        assert screen.candidates and screen.candidates[0].eligible


async def test_expired_in_english():
    session = demo_session(role="coordinator")
    rid, end = lapsed_request(session)
    app = make_app(session, start="helprequests", lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert next(r for r in rows(app) if r.key == rid).cells[4] == "Expired"
        await open_matching(app, pilot, rid)
        notice = str(app.screen.query_one("#req-expired").content)
        assert f"ran until {shown(end, 'en')}" in notice and "Extend the period with s (edit)" in notice
