"""A browser tab's app (veld web) opens locked: the passphrase is typed in the page, the area keys do
nothing meanwhile, a wrong passphrase is refused with the tries left, and the right one shows the
dashboard, which says the tab does not sync (and `s` says so instead of syncing)."""

from __future__ import annotations

from testenv import PASSPHRASE, make_session
from tuihelpers import SIZE, make_app, screen_text

from veldclient import profile as profmod
from veldclient.screens.dashboard import DashboardScreen
from veldclient.screens.passphrase import PassphraseScreen
from veldclient.screens.unlock import WebUnlocking


async def _until(pilot, done, what: str, rounds: int = 400) -> None:
    for _ in range(rounds):
        if done():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"never happened: {what}")


async def test_a_tab_opens_locked_and_the_passphrase_typed_in_it_opens_the_dashboard():
    make_session("coord", role="coordinator").close()
    opening = WebUnlocking(profmod.load("coord"), "192.0.2.7")
    app = make_app(opening, lang="en")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await _until(pilot, lambda: isinstance(app.screen, PassphraseScreen), "the lock screen")
            assert "Enter this profile's passphrase." in screen_text(app)
            await pilot.press("f3", "ctrl+p")  # nothing opens before the profile is open
            await pilot.pause()
            assert isinstance(app.screen, PassphraseScreen)

            await pilot.press("enter")
            await _until(pilot, lambda: "Enter the passphrase." in screen_text(app), "the empty field said")
            await pilot.press(*"wrong")
            await pilot.press("enter")
            await _until(pilot, lambda: "4 tries left." in screen_text(app), "the wrong passphrase refused")
            assert "Wrong passphrase: the database was not opened." in screen_text(app)
            assert opening.session_open is False

            await pilot.press(*PASSPHRASE)
            await pilot.press("enter")
            await _until(pilot, lambda: isinstance(app.screen, DashboardScreen), "the dashboard")
            await _until(
                pilot,
                lambda: "this tab does not sync by itself" in screen_text(app),
                "the sync panel's web line",
            )
            assert app.sync_agent is None
            await pilot.press("s")
            await _until(
                pilot,
                lambda: any("this tab starts no sync" in str(n.message) for n in app._notifications),
                "s answered",
            )
            assert app.sync_agent is None
            await pilot.press("f3")
            await pilot.pause()
            assert app.current_mode == "capacity"
    finally:
        opening.close()
