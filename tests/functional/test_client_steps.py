"""A nurse's steps on one client, driven through the app: edit (prefilled; a bad value keeps what
was typed), record a visit with a note, archive and erase (each asks first; the erasure names what
goes on which node), from the case and from the list; a role that may not take a step is told why."""

from __future__ import annotations

from test_caseload_detail import open_case
from test_caseload_forms import type_into
from textual.widgets import Input, Static
from tuihelpers import SIZE, demo_session, make_app, screen_text, settle

from veldclient.screens.case_detail import CaseDetailScreen
from veldclient.screens.caseload import CaseloadScreen
from veldclient.screens.client_forms import EditClientForm, VisitForm
from veldclient.screens.confirm import Confirm
from veldclient.screens.widgets.window_table import WindowTable
from veldclient.services import clients


def a_client(session) -> tuple[str, str]:
    return session.db.execute(
        "SELECT id, name FROM clients c WHERE node_id = 'enschede-centrum' AND archived = 0"
        " AND NOT EXISTS (SELECT 1 FROM placements p WHERE p.client_id = c.id) ORDER BY name LIMIT 1"
    ).fetchone()


async def press(app, pilot, key: str) -> None:
    """Press one key and wait for what it starts (a service call, a dialog) to be shown."""
    await pilot.press(key)
    await settle(app, pilot)


async def on_case(app, pilot, client_id: str, key: str):
    """Open the client's case from the list, press ``key`` there; what is on screen then."""
    await settle(app, pilot)
    await open_case(app, pilot, client_id)
    await press(app, pilot, key)
    return app.screen


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


def error(form, field: str) -> str:
    return str(form.query_one(f"#err-{field}", Static).render())


async def test_edit_from_the_case_keeps_a_bad_postcode_then_saves_the_new_address():
    session = demo_session()
    client_id, name = a_client(session)
    app = make_app(session, start="caseload")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        form = await on_case(app, pilot, client_id, "e")
        assert isinstance(form, EditClientForm)
        assert form.query_one("#f-name", Input).value == name, "prefilled with what the case holds"
        await type_into(pilot, "f-address", "Hengelosestraat 12")
        await type_into(pilot, "f-postcode", "7511 SS")
        await press(app, pilot, "ctrl+s")
        assert app.screen is form and error(form, "postcode")
        assert form.query_one("#f-address", Input).value == "Hengelosestraat 12", "what was typed stays"
        assert form.query_one("#f-postcode", Input).value == "7511 SS"

        await type_into(pilot, "f-postcode", "7511 JN")
        await press(app, pilot, "ctrl+s")
        assert isinstance(app.screen, CaseDetailScreen)
        assert "Cliëntgegevens opgeslagen." in notes(app)
        assert "Adres: Hengelosestraat 12" in screen_text(app) and "7511 JN" in screen_text(app)
    assert clients.get_client(session, client_id).address == "Hengelosestraat 12"


async def test_record_a_visit_with_a_note_a_bad_time_keeps_the_note():
    session = demo_session()
    client_id, _name = a_client(session)
    app = make_app(session, start="caseload")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        form = await on_case(app, pilot, client_id, "v")
        assert isinstance(form, VisitForm)
        assert form.query_one("#f-planned-start-at", Input).value == "18-11-2026 12:06", "now, Dutch time"
        await type_into(pilot, "f-planned-start-at", "morgen")
        await type_into(pilot, "f-note", "Wond schoon, pijn minder")
        await press(app, pilot, "ctrl+s")
        assert app.screen is form and "dd-mm-jjjj UU:MM" in error(form, "planned-start-at")
        assert form.query_one("#f-note", Input).value == "Wond schoon, pijn minder"

        await type_into(pilot, "f-planned-start-at", "2026-11-18 09:30")
        await press(app, pilot, "ctrl+s")
        assert isinstance(app.screen, CaseDetailScreen) and "Bezoek opgeslagen." in notes(app)
        text = screen_text(app)
        assert "18-11-2026 09:30 · 30 min · Gepland · Wond schoon, pijn minder" in text
        assert "Bezoek: Gepland" in text, "and on the timeline"


async def test_archive_asks_first_and_no_keeps_the_client():
    session = demo_session()
    client_id, name = a_client(session)
    app = make_app(session, start="caseload")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await on_case(app, pilot, client_id, "a")
        assert isinstance(app.screen, Confirm) and name in screen_text(app)
        await press(app, pilot, "n")
        assert isinstance(app.screen, CaseDetailScreen) and "Niets veranderd." in notes(app)

        await press(app, pilot, "a")
        await press(app, pilot, "j")
        assert isinstance(app.screen, CaseloadScreen), "archived: back to the list"
        assert f"{name} is gearchiveerd." in notes(app)
    archived = session.db.execute("SELECT archived FROM clients WHERE id = ?", [client_id]).fetchone()[0]
    assert archived == 1


async def test_erase_names_what_goes_on_which_node_and_erases_after_yes():
    session = demo_session()
    client_id, _request = session.db.execute(
        "SELECT client_id, id FROM placements WHERE status = 'SUBMITTED' ORDER BY id LIMIT 1"
    ).fetchone()
    name = session.db.execute("SELECT name FROM clients WHERE id = ?", [client_id]).fetchone()[0]
    app = make_app(session, start="caseload")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await on_case(app, pilot, client_id, "delete")
        assert isinstance(app.screen, Confirm)
        text = screen_text(app)
        assert f"{name} wissen (AVG)?" in text and f"• Dossier: {name} — op: Enschede-Centrum" in text
        assert "• Plaatsingsaanvraag: " in text and "kan niet ongedaan" in text
        await press(app, pilot, "escape")
        assert isinstance(app.screen, CaseDetailScreen), "Escape never erases"

        await press(app, pilot, "delete")
        await press(app, pilot, "j")
        assert isinstance(app.screen, CaseloadScreen)
        assert any(n.startswith(f"{name} is gewist (documenten: ") for n in notes(app))
        assert not [n.message for n in app._notifications if n.severity == "error"], (
            "no reload of the gone case"
        )
    assert session.db.execute("SELECT count(*) FROM clients WHERE id = ?", [client_id]).fetchone()[0] == 0
    assert not session.repo.store.exists(f"case:{client_id}")


async def test_in_english_at_80x24_the_footer_shows_each_key_and_edit_opens_prefilled():
    session = demo_session()
    app = make_app(session, start="caseload", lang="en")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one("#cases", WindowTable)
        first = table.row_at(0)
        table.focus()
        await press(app, pilot, "enter")
        assert isinstance(app.screen, CaseDetailScreen)
        footer = screen_text(app).splitlines()[-1]
        for shown in ("e Edit", "v Visit+", "a Archive", "del Erase"):
            assert shown in footer, footer
        await press(app, pilot, "e")
        form = app.screen
        assert isinstance(form, EditClientForm) and form.query_one("#f-name", Input).value == first.cells[0]
        assert f"Change client: {first.cells[0]}" in screen_text(app)
        await press(app, pilot, "escape")
        assert isinstance(app.screen, CaseDetailScreen), "nothing changed: Escape closes at once"


async def test_a_coordinator_pressing_a_nurse_key_is_told_why():
    session = demo_session(role="coordinator")
    client_id = session.db.execute("SELECT id FROM clients ORDER BY id LIMIT 1").fetchone()[0]
    app = make_app(session, start="caseload")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        app.push_screen(CaseDetailScreen(client_id))
        await settle(app, pilot)
        for key in ("e", "v", "a", "delete"):
            await pilot.press(key)
            await settle(app, pilot)
            assert isinstance(app.screen, CaseDetailScreen)
        said = notes(app)
        nurse_only = (
            "Alleen de wijkverpleegkundige wijzigt cliënten en legt bezoeken vast (uw rol: coordinator)."
        )
        assert said.count(nurse_only) == 3
        assert "Alleen de wijkverpleegkundige of de beheerder wist een cliënt (uw rol: coordinator)." in said
        assert "Bezoeken" not in screen_text(app), "visits are care data: not on a coordinator's case"
