"""`veld` draws the dashboard before the profile is unlocked (screens/unlock.py): it takes keys at
once, its numbers follow, and a wrong passphrase closes the app with a clear reason (exit 2)."""

from __future__ import annotations

import contextlib
import threading

import pytest
from click.testing import CliRunner
from textual.worker import WorkerCancelled
from tuihelpers import SIZE, demo_session, screen_text, settle

from veldclient import keys
from veldclient import profile as profmod
from veldclient.errors import UnlockError
from veldclient.screens import i18n
from veldclient.screens.app import VeldApp
from veldclient.screens.dashboard import DashboardScreen
from veldclient.screens.help import HelpScreen
from veldclient.screens.unlock import Unlocking
from veldclient.services.demo import demo_passphrase
from veldclient.session import Session


class Gated:
    """A pending unlock that finishes only when the test says so (no timing involved)."""

    def __init__(self, pending: keys.PendingUnlock) -> None:
        self.pending = pending
        self.release = threading.Event()

    def finish(self) -> bytes:
        self.release.wait()
        return self.pending.finish()


def demo_profile() -> profmod.Profile:
    demo_session().close()
    return profmod.load("demo")


def files_of(prof: profmod.Profile) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(prof.dir.iterdir()) if p.is_file()}


async def test_the_dashboard_takes_keys_before_the_unlock_is_done():
    prof = demo_profile()
    gate = Gated(keys.begin_unlock(prof.dir, passphrase=demo_passphrase()))
    opening = Unlocking(prof, gate)  # type: ignore[arg-type]
    app = VeldApp(opening, lang="en")
    app.animation_level = "none"
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, DashboardScreen)
            assert not opening.done
            assert i18n.t("table.loading") in screen_text(app)
            assert "enschede-centrum" in screen_text(app)  # the header knows the profile already
            await pilot.press("f1")
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("escape")
            assert isinstance(app.screen, DashboardScreen)
            assert not opening.done

            gate.release.set()
            await settle(app, pilot)
            assert opening.done and opening.failure is None
            assert isinstance(app.session, Session)
            assert "Enschede-Centrum" in screen_text(app)
            assert app.return_code is None
    finally:
        gate.release.set()
        opening.close()


async def test_a_wrong_passphrase_closes_the_app_with_the_reason():
    prof = demo_profile()
    before = files_of(prof)
    opening = Unlocking(prof, keys.begin_unlock(prof.dir, passphrase="not the passphrase"))
    app = VeldApp(opening, lang="nl")
    app.animation_level = "none"
    try:
        async with app.run_test(size=SIZE) as pilot:
            # The app closes itself: workers still waiting for the session may be cancelled first.
            with contextlib.suppress(WorkerCancelled):
                await settle(app, pilot)
    finally:
        opening.close()
    assert app.return_code == 2
    failure = opening.failure
    assert isinstance(failure, UnlockError)
    assert failure.message("nl") == "Onjuist wachtwoord: de database is niet geopend."
    assert failure.message("en") == "Wrong passphrase: the database was not opened."
    assert files_of(prof) == before  # nothing created, nothing written


def test_veld_reports_a_wrong_passphrase_in_one_line_and_exits_2(monkeypatch: pytest.MonkeyPatch):
    """The whole `veld` path, with the app run headless in place of the terminal."""
    import veldclient.app

    demo_profile()

    def run_headless(opening: Unlocking) -> None:
        try:
            VeldApp(opening).run(headless=True, size=SIZE)
        finally:
            opening.close()

    monkeypatch.setattr(veldclient.app, "run_app", run_headless)
    monkeypatch.setenv("VELD_PASSPHRASE", "not the passphrase")
    from veldclient.cli import main

    result = CliRunner().invoke(main, ["--profile", "demo"])
    assert result.exit_code == 2
    assert result.output.strip() == "veld: Wrong passphrase: the database was not opened."


def test_no_passphrase_fails_before_the_app_starts(monkeypatch: pytest.MonkeyPatch):
    import veldclient.app

    demo_profile()
    monkeypatch.setattr(veldclient.app, "run_app", lambda opening: pytest.fail("the app started"))
    from veldclient.cli import main

    result = CliRunner().invoke(main, ["--profile", "demo"])  # no VELD_PASSPHRASE, no terminal
    assert result.exit_code == 2
    assert "VELD_PASSPHRASE" in result.output
