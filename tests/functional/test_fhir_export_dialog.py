"""The FHIR export in the running app: from the capacity board (F3) key f, or the palette, choose a
folder, write the bundle, and see where it went; a folder that does not exist is said next to the
field and nothing is written."""

from __future__ import annotations

from fhir.resources.R4B.bundle import Bundle
from textual.widgets import Checkbox, Input, Static
from tuihelpers import SIZE, demo_session, make_app, settle

from veldclient.screens.capacity_board import CapacityScreen
from veldclient.screens.fhir_dialog import FhirExportScreen


async def type_folder(app, pilot, text: str) -> None:
    field = app.screen.query_one("#fhir-folder", Input)
    field.focus()
    await pilot.press("end", *["backspace"] * len(field.value), *list(text))


async def test_export_from_the_capacity_board_to_a_chosen_folder(tmp_path):
    session = demo_session()
    app = make_app(session, start="capacity")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, CapacityScreen)
        await pilot.press("f")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, FhirExportScreen)

        await type_folder(app, pilot, str(tmp_path / "usb"))
        await pilot.press("enter")
        await settle(app, pilot)
        assert "bestaat niet" in str(screen.query_one("#fhir-error", Static).content)
        assert not (tmp_path / "usb").exists() and screen.result is None

        (tmp_path / "usb").mkdir()
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        result = screen.result
        assert result is not None and result.path == tmp_path / "usb" / "veld-capacity-mesh.fhir.json"
        shown = str(screen.query_one("#fhir-result", Static).content)
        assert shown.startswith("FHIR-bundel met") and str(result.path) in shown
        assert any(str(result.path) in n.message for n in app._notifications)
        assert str(screen.query_one("#fhir-error", Static).content) == ""
        assert Bundle.model_validate_json(result.path.read_text("utf-8")).type == "collection"

        screen.query_one("#fhir-own", Checkbox).value = True  # only this node
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert screen.result is not None and screen.result.node_id == "enschede-centrum"
        assert screen.result.path.name == "veld-capacity-enschede-centrum.fhir.json"

        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, CapacityScreen)
    session.close()


async def test_the_palette_offers_the_export_on_the_capacity_board():
    session = demo_session(role="coordinator")
    app = make_app(session, start="capacity", lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        await pilot.press(*"FHIR export")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, FhirExportScreen)
        assert "FHIR export of capacity" in str(app.screen.query_one(".area-title", Static).content)
    session.close()
