"""The forecast in the app: the dashboard's region panel and the capacity board's detail pane say
what is expected, mark it as a forecast and say what it stands on (driven with keys, 80×24)."""

from __future__ import annotations

from rich.cells import cell_len
from textual.widgets import Static
from tuihelpers import demo_session, make_app, screen_text, settle

from veldclient.screens.widgets.capacity_table import CapacityTable

SMALL = (80, 24)


async def test_dashboard_and_board_show_the_forecast_marked_as_one():
    session = demo_session()
    app = make_app(session, start="dashboard")
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        panel = str(app.screen.query_one("#dash-forecast-text", Static).render())
        lines = panel.splitlines()
        assert lines[0].startswith("Prognose: op 365 dagen t/m 18-11-2026"), lines[0]
        grz = next(line for line in lines if line.startswith("Geriatrische revalidatiezorg"))
        assert "prognose morgen: " in grz and grz.endswith(" vrij")
        assert all(cell_len(line) <= 76 for line in lines), lines  # inside the panel at 80 columns

        await pilot.press("f3")
        await settle(app, pilot)
        assert isinstance(app.screen.query_one(CapacityTable), CapacityTable)
        await pilot.press("down")
        await settle(app, pilot)
        detail = str(app.screen.query_one("#capacity-detail", Static).render())
        forecast_line = detail.splitlines()[-1]
        assert "alle locaties: prognose morgen" in forecast_line and "op 364 dagen" in forecast_line
        assert "prognose" in screen_text(app)

    app.exit()


async def test_the_board_in_english_says_forecast():
    app = make_app(demo_session(), start="capacity", lang="en")
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        detail = str(app.screen.query_one("#capacity-detail", Static).render())
        assert "all locations: forecast tomorrow" in detail and "computed" in detail
