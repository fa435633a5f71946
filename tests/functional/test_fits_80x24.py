"""At 80×24, the smallest terminal the app supports, what a person decides with is on the screen:
F3's free/total and age, F4's care type and response target, every field of a form (reached by Tab)
and every line of an error. And the context of a decision: the dashboard's requests open with Enter,
a draft shows no reply timer, the matching screen says who the help is for, help says how to close."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from textual.widgets import Checkbox, Input, Select, Static
from textual.widgets._footer import FooterKey
from tuihelpers import demo_session, make_app, screen_text, settle

from veldclient.screens.case_detail import RequestScreen
from veldclient.screens.forms import FormScreen
from veldclient.screens.help import HelpScreen
from veldclient.screens.helprequest_match import MatchScreen
from veldclient.screens.widgets.capacity_table import CapacityTable
from veldclient.screens.widgets.columns import FoldLine
from veldclient.screens.widgets.fit_footer import FitFooter
from veldclient.screens.widgets.targets import TargetList
from veldclient.screens.widgets.window_table import WindowTable
from veldclient.services import caseload_view

SMALL = (80, 24)


def drawn_line(app, widget, index: int) -> str:
    """The terminal line a table row is drawn on (index from the top of the table's body)."""
    return screen_text(app).splitlines()[widget.region.y + 1 + index]


async def test_the_board_shows_free_total_and_age_of_the_highlighted_row():
    app = make_app(demo_session(), start="capacity")
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(CapacityTable)
        assert {"node", "location", "care_type", "beds", "age"} <= set(table.widths)
        for _ in range(3):
            await pilot.press("down")
        await settle(app, pilot)
        view = table.current()
        assert view is not None
        line = drawn_line(app, table, table.cursor_row - table.scroll_offset.y)
        assert f"{view.free}/{view.beds_total}" in line, line
        assert (
            table.render_cell("", "age", table.cells[table.current_key()][4], table.widths["age"]).plain
            in line
        )
        assert table.virtual_size.width <= table.size.width, "nothing off the screen to the right"


async def test_the_caseload_shows_care_type_and_response_target_and_folds_the_rest():
    app = make_app(demo_session(), start="caseload")
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one("#cases", WindowTable)
        shown = set(table.widths)
        assert {
            "caseload.col.name",
            "caseload.col.status",
            "caseload.col.care_type",
            "caseload.col.target",
        } <= shown
        header = drawn_line(app, table, -1)
        assert "Zorgsoort" in header and "Streeftijd" in header, header
        answer = caseload_view.page(app.session, 0, 200)
        index = next(i for i, r in enumerate(answer.rows) if r["request_id"] and r["care_type"])
        table.cursor = index
        await settle(app, pilot)
        line = drawn_line(app, table, index - table.scroll_offset.y)
        row = table.row_at(index)
        assert row is not None
        assert row.cells[6] and row.cells[6][:10] in line, (row.cells, line)  # the response target
        assert row.cells[5][:10] in line, line  # the care type
        folded = app.screen.query_one("#cases-folded", FoldLine)
        assert f"Geboren: {row.cells[1]}" in str(folded.render()), "the hidden birth date is under the list"


async def test_every_field_of_a_form_is_reached_by_tab_and_visible():
    app = make_app(demo_session(), start="caseload")
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", *"agnes reinders")
        await settle(app, pilot)
        await pilot.press("enter", "enter", "p")  # the list, the case, a new request
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        last = list(form.fields.values())[-1]
        for _ in range(40):
            if app.focused is last:
                break
            await pilot.press("tab")
        await settle(app, pilot)
        assert app.focused is last, "Tab reaches the last field"
        box = form.query_one("#form-box")
        assert box.region.contains_region(last.region), "and the form scrolled it into view"


async def test_a_long_error_wraps_and_is_shown_whole():
    app = make_app(demo_session(), start="capacity")
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await pilot.press("e")
        await settle(app, pilot)
        app.screen.query_one("#f-beds-total", Input).value = "3"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        error = app.screen.query_one("#err-counts", Static)
        assert error.region.height >= 2, "the error wraps onto more lines"
        assert app.screen.query_one("#form-box").region.contains_region(error.region), "all of it on screen"
        words = " ".join(screen_text(app).split())
        assert "Elk bed telt in precies één status." in words


async def test_a_request_on_the_dashboard_opens_with_enter_and_the_rest_unfolds():
    app = make_app(demo_session())
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        targets = app.screen.query_one(TargetList)
        targets.focus()
        total = len(targets.targets)
        more = app.screen.query_one("#targets-more", Static)
        assert more.display and total > 5
        await pilot.press(*["down"] * 10, "enter")  # the cursor stops on the last line: "en nog N"
        await settle(app, pilot)
        assert len([w for w in targets.query(".target") if w.display]) == total, "all of them now"
        await pilot.press(*["down"] * (total + 2), "up", "enter")  # past "minder tonen", back one
        await settle(app, pilot)
        assert isinstance(app.screen, RequestScreen)
        assert app.screen.request_id == targets.targets[total - 1]["request_id"]


async def test_a_draft_shows_no_reply_timer():
    app = make_app(demo_session(), start="caseload")
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        draft = next(r for r in caseload_view.page(app.session, 0, 200).rows if r["status"] == "DRAFT")
        app.push_screen(RequestScreen(draft["request_id"]))
        await settle(app, pilot)
        summary = str(app.screen.query_one("#summary", Static).render())
        assert "nog niet verstuurd" in summary
        assert "antwoord" not in summary


async def test_the_matching_screen_says_who_the_help_is_for_and_help_says_how_to_close():
    app = make_app(demo_session(role="coordinator"), start="helprequests")
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        row = app.session.db.execute(
            "SELECT id, subject_id FROM help_requests"
            " WHERE on_behalf_of = 'CLIENT' AND subject_id IS NOT NULL ORDER BY id LIMIT 1"
        ).fetchone()
        name = app.session.db.execute("SELECT name FROM clients WHERE id = ?", [row[1]]).fetchone()[0]
        app.push_screen(MatchScreen(row[0]))
        await settle(app, pilot)
        assert f"Voor: {name} (cliënt)" in screen_text(app)
        footer = screen_text(app).splitlines()[-1]
        for key in ("f1 Hulp", "p Voorstellen", "c Bevestigen", "d Afslaan"):
            assert key in footer, footer
        await pilot.press("f1")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        assert "Escape (of F1) sluit dit venster" in screen_text(app)
        await pilot.press("escape")
        assert isinstance(app.screen, MatchScreen)


async def test_the_client_form_fits_with_its_checkbox():
    app = make_app(demo_session(), start="caseload")
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        box = app.screen.query_one(Checkbox)
        assert app.screen.query_one("#form-box").region.contains_region(box.region)


async def test_a_name_cut_on_the_board_ends_in_an_ellipsis_and_is_whole_under_it():
    """At 80 columns node and location share the room with the care type; what is cut says so."""
    app = make_app(demo_session(), start="capacity")
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(CapacityTable)
        assert table.widths["node"] >= 12 and table.widths["location"] >= 15, table.widths
        shown = [col.key for col in table.spec if col.key in table.widths]
        cut = 0
        for index, key in enumerate(table.cells):
            drawn = table.get_row_at(index)
            for column, cell in zip(shown, drawn, strict=True):
                whole = table.cells[key][[c.key for c in table.spec].index(column)].plain
                if column == "age":  # said short on purpose (test_the_board_shows_free_total_and_age)
                    continue
                assert cell_len(cell.plain) <= table.widths[column], (column, cell.plain)
                if cell.plain != whole:
                    cut += 1
                    assert cell.plain.endswith("…") and whole.startswith(cell.plain[:-1]), (whole, cell.plain)
        assert cut, "the demo has names longer than their column at 80 wide"
        assert "Enschede-Ce…" in screen_text(app)
        detail = str(app.screen.query_one("#capacity-detail", Static).render())
        view = table.current()
        assert view is not None
        assert f"{view.location_name} ({view.node_name})" in detail, "the cut names are whole under the board"


def footer_line(app) -> tuple[list[FooterKey], FooterKey, str]:
    """The keys the footer draws (the palette key apart) and the footer's line as drawn."""
    footer = app.screen.query_one(FitFooter)
    keys = [k for k in footer.query(FooterKey) if k.display]
    palette = next(k for k in keys if k.has_class("-command-palette"))
    return [k for k in keys if k is not palette], palette, screen_text(app).splitlines()[footer.region.y]


@pytest.mark.parametrize(
    ("role", "lang"), [("nurse", "nl"), ("nurse", "en"), ("admin", "nl"), ("admin", "en")]
)
async def test_every_key_the_footer_shows_is_whole_at_80x24(role, lang):
    """Each area's footer holds whole keys only, left of the palette key; F1 help is always one of
    them (it lists the keys left out), and what is left out is still bound (F1, the palette)."""
    from veldclient.screens.app import AREAS, ROLE_AREAS

    app = make_app(demo_session(role=role), lang=lang)
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        for area in AREAS:
            if role not in ROLE_AREAS.get(area, (role,)):
                continue
            app.action_area(area)
            await settle(app, pilot)
            keys, palette, line = footer_line(app)
            assert keys, area
            for key in keys:
                assert key.region.right <= palette.region.x, (area, key.description, line)
                assert f"{key.key_display} {key.description}" in line, (area, key.description, line)
            assert "help" in {k.action for k in keys}, (area, line)
            assert palette.description in line
        header = screen_text(app).splitlines()[0]
        role_label = {
            "nurse": ("Wijkverpleegkundige", "District nurse"),
            "admin": ("Beheerder", "Administrator"),
        }
        assert role_label[role][lang == "en"] in header, header


async def test_the_title_bar_names_the_role_in_dutch():
    app = make_app(demo_session(), start="capacity")
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        header = screen_text(app).splitlines()[0]
        assert "Wijkverpleegkundige" in header and "nurse" not in header.lower(), header


async def test_a_long_filter_value_stays_on_its_line_with_an_ellipsis():
    app = make_app(demo_session(), start="capacity")
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        select = app.screen.query_one("#filter-care", Select)
        select.value = "GRZ"
        await settle(app, pilot)
        label = select.query_one("SelectCurrent #label", Static)
        assert label.size.height == 1
        drawn = screen_text(app).splitlines()[label.region.y]
        assert "Geriatrische" in drawn and "…" in drawn, drawn
