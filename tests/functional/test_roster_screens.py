"""Pilot tests of F5 Roster: VOG warnings in words, the availability grid, names with brackets,
burden by role, search as you type and the warnings filter."""

from __future__ import annotations

from tuihelpers import SIZE, demo_session, make_app, screen_text, settle

from veldclient.screens.roster_detail import AvailabilityGrid, MantelzorgerScreen, VolunteerScreen
from veldclient.screens.widgets.window_table import WindowTable


def static_text(app, selector: str) -> str:
    return str(app.screen.query_one(selector).content)


async def search(app, pilot, text: str) -> None:
    await pilot.press("slash")
    await pilot.press(*(("space" if ch == " " else ch) for ch in text))
    await settle(app, pilot)


def rows(table: WindowTable) -> list:
    return [table.row_at(i) for i in range(min(table.total, table.page_size))]


async def test_roster_lists_volunteers_with_vog_warnings_in_words():
    app = make_app(demo_session(role="coordinator"), start="roster")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one("#volunteer-table", WindowTable)
        assert table.total == 150
        by_name = {r.cells[0]: r for r in rows(table)}
        expiring = by_name["Gerrit Dijkhuis"]  # VOG issued 2023-11-24: 6 days left on 2026-11-18
        assert expiring.tone == "warning"
        assert expiring.cells[-1].startswith("LET OP: verloopt over 6 dagen")
        expired = by_name["Peter 't Hart"]
        assert expired.tone == "error"
        assert expired.cells[-1].startswith("VERLOPEN")
        assert by_name["Albert 't Hart"].tone is None
        attention = static_text(app, "#roster-attention")
        assert "VOG: 11 verlopen, 9 verlopen binnen 60 dagen" in attention
        assert "9 overbelast" in attention
        assert "LET OP: verloopt over 6 dagen" in screen_text(app)


async def test_vog_warning_shown_on_the_profile_of_an_expiring_volunteer():
    app = make_app(demo_session(role="coordinator"), start="roster")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "gerrit dijkhuis")
        table = app.screen.query_one("#volunteer-table", WindowTable)
        assert [r.cells[0] for r in rows(table)] == ["Gerrit Dijkhuis"]
        await pilot.press("enter")  # leaves the search box for the table
        await pilot.press("enter")  # opens the profile
        await settle(app, pilot)
        assert isinstance(app.screen, VolunteerScreen)
        vog = app.screen.query_one("#vol-vog")
        assert vog.has_class("vog-expiring") and not vog.has_class("vog-expired")
        assert "LET OP: verloopt over 6 dagen (23-11-2026)" in str(vog.content)
        await pilot.press("escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, VolunteerScreen)


async def test_warnings_filter_keeps_only_vog_warnings_and_overloaded_carers():
    app = make_app(demo_session(role="coordinator"), start="roster")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("w")
        await settle(app, pilot)
        volunteers = app.screen.query_one("#volunteer-table", WindowTable)
        carers = app.screen.query_one("#carer-table", WindowTable)
        assert volunteers.total == 20
        assert {r.tone for r in rows(volunteers)} == {"error", "warning"}
        assert carers.total == 9
        assert all("overbelast" in r.cells[-1] for r in rows(carers))
        assert "Filter:" in static_text(app, "#roster-filter")
        await pilot.press("w")
        await settle(app, pilot)
        assert volunteers.total == 150


async def test_availability_grid_renders_weekday_by_dagdeel():
    app = make_app(demo_session(role="coordinator"), start="roster")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "jan test")
        await pilot.press("enter", "enter")
        await settle(app, pilot)
        grid = str(app.screen.query_one(AvailabilityGrid).content).splitlines()
        assert grid[0].split() == ["ma", "di", "wo", "do", "vr", "za", "zo"]
        # Jan [test] de Vries helps on Tuesday morning and afternoon and Wednesday afternoon.
        assert grid[1].split() == ["ochtend", "·", "●", "·", "·", "·", "·", "·"]
        assert grid[2].split() == ["middag", "·", "●", "●", "·", "·", "·", "·"]
        assert grid[3].split() == ["avond"] + ["·"] * 7
        assert "● beschikbaar" in grid[4]
        assert "middag   ·   ●   ●" in screen_text(app)


async def test_names_with_brackets_render_as_typed():
    app = make_app(demo_session(role="coordinator"), start="roster")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        await search(app, pilot, "haverkamp")
        names = [r.cells[0] for r in rows(app.screen.query_one("#volunteer-table", WindowTable))]
        assert "Hendrik [bold]Haverkamp[/bold]" in names
        assert "Hendrik [bold]Haverkamp[/bold]" in screen_text(app)
        app.screen.query_one("#roster-search").value = "jan test"
        await settle(app, pilot)
        await pilot.press("enter", "enter")
        await settle(app, pilot)
        assert static_text(app, "#vol-name") == "Jan [test] de Vries"
        assert "Jan [test] de Vries" in screen_text(app)
        assert text  # the list itself drew without a MarkupError


async def test_carer_burden_category_for_coordinator_score_for_nurse():
    for role, expect, hidden in (
        ("coordinator", "Zwaar belast (overbelast)", "van 15"),
        ("nurse", "Zwaar belast (overbelast) · EDIZ-plus 9 van 15", None),
    ):
        app = make_app(demo_session(role=role), start="roster")
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await pilot.press("m")
            await search(app, pilot, "jan test")
            carers = app.screen.query_one("#carer-table", WindowTable)
            row = rows(carers)[0]
            assert row.cells[0] == "Jan [test] de Vries"
            assert row.cells[-1] == expect
            assert row.tone == "warning"
            await pilot.press("enter", "enter")
            await settle(app, pilot)
            assert isinstance(app.screen, MantelzorgerScreen)
            burden = app.screen.query_one("#mz-burden")
            assert burden.has_class("overloaded")
            assert "Overbelast: bespreek respijtzorg" in str(burden.content)
            if hidden:
                assert hidden not in str(burden.content)
                assert "De score ziet alleen de wijkverpleging" in str(burden.content)
            assert static_text(app, "#mz-name") == "Jan [test] de Vries"


async def test_roster_in_english_and_f1_lists_every_key():
    app = make_app(demo_session(role="coordinator"), start="roster", lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        by_name = {r.cells[0]: r for r in rows(app.screen.query_one("#volunteer-table", WindowTable))}
        assert by_name["Gerrit Dijkhuis"].cells[-1].startswith("NOTE: expires in 6 days")
        await pilot.press("f1")
        await settle(app, pilot)
        text = screen_text(app)
        for key, desc in (("slash", "Search"), ("v", "Volunteers"), ("m", "Carers"), ("w", "Only warnings")):
            assert f"{key:<14} {desc}" in text, key
        assert "certificate of conduct" in text


async def test_admin_sees_carers_without_any_burden():
    app = make_app(demo_session(role="admin"), start="roster")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        carers = app.screen.query_one("#carer-table", WindowTable)
        assert carers.total == 60
        assert {r.cells[-1] for r in rows(carers)} == {"–"}
        assert {r.tone for r in rows(carers)} == {None}
        assert "overbelast" not in static_text(app, "#roster-attention")


async def test_search_finds_languages_and_tasks_by_the_words_the_roster_shows():
    session = demo_session(role="coordinator")
    arabic = session.db.execute(
        "SELECT count(*) FROM volunteers WHERE ' ' || languages || ' ' LIKE '% ar %'"
    ).fetchone()[0]
    odd_jobs = session.db.execute(
        "SELECT count(*) FROM volunteers WHERE ' ' || tasks || ' ' LIKE '% KLUSSEN %'"
    ).fetchone()[0]
    assert arabic and odd_jobs
    app = make_app(session, start="roster")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one("#volunteer-table", WindowTable)
        await search(app, pilot, "Arabisch")
        assert table.total == arabic
        assert all("Arabisch" in r.cells[3] for r in rows(table))
        assert "Arabisch" in screen_text(app)
        await pilot.press(*["backspace"] * len("Arabisch"))
        await pilot.press(*"arab")  # a prefix is enough
        await settle(app, pilot)
        assert table.total == arabic
        await pilot.press(*["backspace"] * len("arab"))
        await pilot.press(*"Klussen")
        await settle(app, pilot)
        assert table.total == odd_jobs and all("Klussen" in r.cells[2] for r in rows(table))


async def test_search_in_english_finds_the_english_names():
    session = demo_session(role="coordinator")
    english = session.db.execute(
        "SELECT count(*) FROM volunteers WHERE ' ' || languages || ' ' LIKE '% en %'"
    ).fetchone()[0]
    app = make_app(session, start="roster", lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one("#volunteer-table", WindowTable)
        await search(app, pilot, "English")
        assert table.total == english and all("English" in r.cells[3] for r in rows(table))
        await pilot.press(*["backspace"] * len("English"))
        await search(app, pilot, "odd jobs")
        assert table.total and all("Odd jobs" in r.cells[2] for r in rows(table))
