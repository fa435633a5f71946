"""The shared yes/no dialog: j or y goes on, n or Escape stays, and the footer names both answers."""

from __future__ import annotations

from textual.app import App

from veldclient.screens import i18n
from veldclient.screens.confirm import Confirm, ask


async def _answers(keys: str, lang: str) -> list[str]:
    ran: list[str] = []
    i18n.set_language(lang)
    try:
        app: App[None] = App()
        async with app.run_test() as pilot:
            ask(app, "Send?", lambda: ran.append("sent"))
            await pilot.pause()
            assert isinstance(app.screen, Confirm)
            await pilot.press(keys)
            await pilot.pause()
            assert not isinstance(app.screen, Confirm)
    finally:
        i18n.set_language("nl")
    return ran


async def test_yes_runs_the_step_in_either_language():
    assert await _answers("j", "nl") == ["sent"]
    assert await _answers("y", "en") == ["sent"]


async def test_no_or_escape_leaves_everything_as_it_was():
    assert await _answers("n", "nl") == []
    assert await _answers("escape", "en") == []
