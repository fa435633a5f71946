"""Pilot test of USB bundles in the app: from F9 settings (ctrl+b) choose a recipient and a folder,
export with progress and a result line; on the other laptop import the folder and see what came in."""

from __future__ import annotations

from bundlehelpers import GOOD, sites
from textual.widgets import Input, SelectionList, Static
from tuihelpers import SIZE, make_app, settle

from veldclient.screens.bundle_dialog import BundleScreen
from veldclient.services import bundles, clients


async def open_dialog(app, pilot, folder) -> BundleScreen:
    await settle(app, pilot)
    await pilot.press("ctrl+b")
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, BundleScreen)
    screen.query_one("#bundle-folder", Input).value = str(folder)
    return screen


async def test_export_and_import_through_the_app(tmp_path):
    sender, receiver = sites(("s", "hengelo", "nurse"), ("r", "hengelo", "nurse"))
    client = clients.register_client(sender, GOOD)
    stick = tmp_path / "stick"

    app = make_app(sender, start="settings")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dialog(app, pilot, stick)
        chooser = screen.query_one("#bundle-peers", SelectionList)
        assert chooser.option_count == 1
        await pilot.press("ctrl+e")  # nothing chosen yet: the error says so, nothing is written
        await settle(app, pilot)
        assert "Kies minstens één ontvanger" in str(screen.query_one("#bundle-error", Static).content)
        chooser.focus()
        await pilot.press("home", "space")
        assert len(chooser.selected) == 1, str(screen.query_one("#bundle-error", Static).content)
        await pilot.press("ctrl+e")
        await settle(app, pilot)
        result = screen.last_result
        assert isinstance(result, bundles.ExportResult) and result.path.exists()
        assert "Bundel geschreven" in str(screen.query_one("#bundle-result", Static).content)
        assert "klaar" in str(screen.query_one("#bundle-stage", Static).content)

    app = make_app(receiver, start="settings")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dialog(app, pilot, stick)
        (stick / "notes.txt").write_text("geen bundel")
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        shown = str(screen.query_one("#bundle-result", Static).content)
        assert "van s (hengelo)" in shown and "dossiers 1" in shown and "1 bestand overgeslagen" in shown
        assert (
            receiver.db.execute("SELECT name FROM clients WHERE id = ?", [client.id]).fetchone()[0]
            == GOOD["name"]
        )
        await pilot.press("ctrl+r")  # again: a reported no-op
        await settle(app, pilot)
        assert "al eerder ingelezen" in str(screen.query_one("#bundle-result", Static).content)
        await pilot.press("escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, BundleScreen)
    sender.close()
    receiver.close()
