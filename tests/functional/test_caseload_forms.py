"""Caseload forms (F4): register a client and file a placement request the way a nurse does; an
invalid BSN shows its error under the field and keeps the form; the triage advice follows the boxes."""

from __future__ import annotations

from textual.widgets import Checkbox, Input, Select, Static
from tuihelpers import SIZE, demo_session, make_app, screen_text, settle

from veldclient.screens.case_detail import CaseDetailScreen, RequestScreen
from veldclient.screens.caseload import CaseloadScreen
from veldclient.screens.caseload_forms import ClientForm, PlacementForm
from veldclient.screens.widgets.window_table import WindowTable

NAME = "Gerda [test] Nijhuis"
VALID_BSN = "111222333"


async def type_into(pilot, widget_id: str, text: str) -> None:
    """Focus a field and type like a person: clear what is there, then press each key."""
    field = pilot.app.screen.query_one(f"#{widget_id}", Input)
    field.focus()
    await pilot.pause()
    await pilot.press("end", *["backspace"] * len(field.value), *list(text))


async def fill_client(pilot, *, bsn: str) -> None:
    await type_into(pilot, "f-name", NAME)
    await type_into(pilot, "f-birth-date", "1936-04-02")
    await type_into(pilot, "f-postcode", "7511 JM")
    await type_into(pilot, "f-bsn", bsn)


def clients_named(session, name: str) -> int:
    return session.db.execute("SELECT count(*) FROM clients WHERE name = ?", [name]).fetchone()[0]


async def test_an_invalid_bsn_shows_the_error_under_its_field_and_keeps_the_form():
    session = demo_session()
    app = make_app(session, start="caseload")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, ClientForm)
        await fill_client(pilot, bsn="123456789")
        await pilot.press("ctrl+s")
        await settle(app, pilot)

        form = app.screen
        assert isinstance(form, ClientForm), "the form stays open"
        error = str(form.query_one("#err-bsn", Static).render())
        assert "BSN" in error and "elfproef" in error
        assert form.query_one("#err-bsn").display and not form.query_one("#err-name").display
        typed = {f: form.query_one(f"#f-{f}", Input).value for f in ("name", "birth-date", "postcode", "bsn")}
        assert typed == {"name": NAME, "birth-date": "1936-04-02", "postcode": "7511 JM", "bsn": "123456789"}
        assert app.focused is form.query_one("#f-bsn")
        assert clients_named(session, NAME) == 0

        await type_into(pilot, "f-bsn", VALID_BSN)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailScreen), "saved: the new client's case opens"
        assert clients_named(session, NAME) == 1
        assert NAME in screen_text(app) and f"BSN: {VALID_BSN}" in screen_text(app)


async def test_every_field_error_shows_next_to_its_field():
    app = make_app(demo_session(), start="caseload")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        await type_into(pilot, "f-birth-date", "31-13-1940")
        await type_into(pilot, "f-postcode", "7511 SS")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, ClientForm)
        errors = {
            f: str(form.query_one(f"#err-{f}", Static).render()) for f in ("name", "birth-date", "postcode")
        }
        assert "verplicht" in errors["name"]
        assert "dd-mm-jjjj" in errors["birth-date"] and "jjjj-mm-dd" in errors["birth-date"]
        assert errors["postcode"]
        assert form.query_one("#f-birth-date", Input).value == "31-13-1940"


async def test_a_birth_date_typed_day_first_is_saved_and_shown_day_first():
    session = demo_session()
    app = make_app(session, start="caseload")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        assert app.screen.query_one("#f-birth-date", Input).placeholder == "31-05-1940"
        await type_into(pilot, "f-name", NAME)
        await type_into(pilot, "f-birth-date", "05-04-1938")
        await type_into(pilot, "f-postcode", "7511 JM")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailScreen), "saved: the new client's case opens"
        stored = session.db.execute("SELECT birth_date FROM clients WHERE name = ?", [NAME]).fetchone()
        assert stored == ("1938-04-05",)  # stored as ISO, whichever way it was typed
        assert "05-04-1938" in screen_text(app)


async def choose(pilot, widget_id: str, value: str) -> None:
    select = pilot.app.screen.query_one(f"#{widget_id}", Select)
    select.focus()
    select.value = value
    await pilot.pause()


async def test_file_a_placement_request_through_the_ui_and_find_it_in_the_list():
    session = demo_session()
    app = make_app(session, start="caseload")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        await fill_client(pilot, bsn=VALID_BSN)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailScreen)

        await pilot.press("p")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, PlacementForm)
        assert "Wmo kortdurend verblijf" in str(form.query_one("#advice", Static).render())
        await type_into(pilot, "f-referrer-name", "Dr. Bos")
        await choose(pilot, "f-referrer-role", "HUISARTS")
        await choose(pilot, "f-urgency", "U3")
        form.query_one("#f-triage-instability", Checkbox).focus()
        await pilot.press("space")
        await settle(app, pilot)
        assert "ELV hoog complex" in str(form.query_one("#advice", Static).render())
        await pilot.press("ctrl+s")
        await settle(app, pilot)

        assert isinstance(app.screen, RequestScreen), "filed: ranked candidate locations to send to"
        (request_id, status, care_type) = session.db.execute(
            "SELECT p.id, p.status, p.care_type FROM placements p JOIN clients c ON c.id = p.client_id"
            " WHERE c.name = ?",
            [NAME],
        ).fetchone()
        assert (status, care_type) == ("DRAFT", "ELV_HOOG")
        assert app.screen.request_id == request_id
        assert "Kandidaat-locaties" in screen_text(app) and "ZGT Almelo" in screen_text(app)

        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseDetailScreen)
        assert "Concept" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseloadScreen)

        await pilot.press("slash", *list("nijhuis"))
        await settle(app, pilot)
        table = app.screen.query_one("#cases", WindowTable)
        rows = [table.row_at(i) for i in range(table.total)]
        (row,) = [r for r in rows if r is not None and r.cells[0] == NAME]
        assert row.cells[3] == "Concept" and row.cells[4] == "U3" and row.cells[5] == "ELV hoog complex"
        line = next(line for line in screen_text(app).splitlines() if NAME in line)
        assert "Concept" in line


async def test_a_placement_form_with_errors_keeps_what_was_typed():
    session = demo_session()
    app = make_app(session, start="caseload")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("p")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, PlacementForm)
        await type_into(pilot, "f-referrer-agb", "12")
        await type_into(pilot, "f-desired-start", "morgen")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form
        for field in ("referrer-name", "referrer-role", "referrer-agb", "urgency", "desired-start"):
            assert str(form.query_one(f"#err-{field}", Static).render()), field
        assert form.query_one("#f-referrer-agb", Input).value == "12"
        assert form.query_one("#f-desired-start", Input).value == "morgen"
        before = session.db.execute("SELECT count(*) FROM placements").fetchone()[0]
        assert before == 25


async def test_the_triage_advice_follows_the_ticked_boxes():
    app = make_app(demo_session(), start="caseload", lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("p")
        await settle(app, pilot)
        form = app.screen
        advice = form.query_one("#advice", Static)
        form.query_one("#f-triage-specialist-needed", Checkbox).value = True
        await pilot.pause()
        assert "hospital" in str(advice.render())
        form.query_one("#f-triage-specialist-needed", Checkbox).value = False
        form.query_one("#f-triage-wlz-indication", Checkbox).value = True
        form.query_one("#f-triage-adl-takeover", Checkbox).value = True
        await pilot.pause()
        assert "Wlz crisis" in str(advice.render()) or "crisis admission" in str(advice.render())
