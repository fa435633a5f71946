"""Pilot test: the bundle dialog shows which step a bundle is in and how far, from reports its worker
thread posts (never touching a widget from that thread), and says when it is done."""

from __future__ import annotations

import threading

from bundlehelpers import GOOD, sites
from textual.widgets import Input, ProgressBar, SelectionList, Static
from tuihelpers import SIZE, make_app, settle

from veldclient.screens.bundle_dialog import BundleScreen
from veldclient.services import clients


def from_a_worker_thread(report, *args) -> None:
    thread = threading.Thread(target=report, args=args)
    thread.start()
    thread.join()


async def test_the_dialog_shows_the_step_and_how_far_it_is(tmp_path):
    sender, receiver = sites(("s", "hengelo", "nurse"), ("r", "hengelo", "nurse"))
    clients.register_client(sender, GOOD)
    app = make_app(sender, start="settings")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await pilot.press("ctrl+b")
            await settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, BundleScreen)
            stage = screen.query_one("#bundle-stage", Static)
            bar = screen.query_one("#bundle-progress", ProgressBar)

            from_a_worker_thread(screen._progress, "bundle.collect", 3, 10)
            await settle(app, pilot)
            assert str(stage.content) == "Bezig: Documenten verzamelen, 3 van 10"
            assert (bar.progress, bar.total) == (3, 10)

            from_a_worker_thread(screen._progress, "bundle.seal", 0, None)
            await settle(app, pilot)
            assert str(stage.content) == "Bezig: Versleutelen en ondertekenen…" and bar.total is None

            screen.query_one("#bundle-folder", Input).value = str(tmp_path / "stick")
            screen.query_one("#bundle-peers", SelectionList).focus()
            await pilot.press("home", "space", "ctrl+e")
            await settle(app, pilot)
            assert str(stage.content) == "klaar" and bar.percentage == 1
    finally:
        sender.close()
        receiver.close()
