"""The app speaks one language at a time. The demo is walked in Dutch, switched to English as F9 or
the palette switches it, and walked again: every area (F2–F9, F11), its help (F1), the command
palette (ctrl+p) and an open Select's menu. On each, everything the terminal shows — title bar,
footer, notifications — must hold no word of the other language.

The demo's own data (names of people and places, help request summaries) is Dutch in both
languages, so a word that occurs in the profile's stored text is not held against the English app:
the check is for the UI's words only."""

from __future__ import annotations

import re

import pytest
from language_words import DUTCH_WORDS, ENGLISH_WORDS, foreign_words
from textual.command import CommandPalette
from textual.widgets import Select
from tuihelpers import demo_session, make_app, screen_text, settle

from veldclient.screens import i18n
from veldclient.screens.app import AREAS
from veldclient.screens.help import HelpScreen
from veldclient.screens.risk import RiskScreen

SIZE = (120, 36)
WORD = re.compile(r"[\w'’-]+")  # "demo-nurse" is a user's name, not the word "nurse"


def data_words(session) -> set[str]:
    """Every word of text the profile's tables hold: what people typed or the demo made up."""
    words: set[str] = set()
    tables = [
        name
        for (name,) in session.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        if "fts" not in name and not name.startswith(("sqlite_", "am_", "audit"))
    ]
    for table in tables:
        for row in session.db.execute(f'SELECT * FROM "{table}"').fetchall():  # noqa: S608 - our own names
            for value in row:
                if isinstance(value, str):
                    words |= {w.lower() for w in WORD.findall(value)}
    return words


async def shown(app, pilot) -> str:
    await settle(app, pilot)
    return screen_text(app)


async def walk(app, pilot) -> dict[str, str]:
    """What each place of the app shows: every area and its help, the palette, a Select's menu."""
    seen: dict[str, str] = {}
    for mode, (_module, _cls, _label, key) in AREAS.items():
        await pilot.press(key)
        seen[mode] = await shown(app, pilot)
        await pilot.press("f1")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen), mode
        seen[f"{mode} help"] = await shown(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
    app.action_risk()  # the crisis-risk list (F4 k, the palette); an admin is told why not
    seen["risk"] = await shown(app, pilot)
    if isinstance(app.screen, RiskScreen):
        await pilot.press("f1")
        seen["risk help"] = await shown(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
    await pilot.press("f3")
    await settle(app, pilot)
    app.screen.query(Select).first().focus()
    await pilot.press("enter")
    seen["open menu"] = await shown(app, pilot)
    await pilot.press("escape")
    await pilot.press("ctrl+p")
    await settle(app, pilot)
    assert isinstance(app.screen, CommandPalette)
    seen["palette"] = await shown(app, pilot)
    await pilot.press("escape")
    await settle(app, pilot)
    return seen


def mixed(seen: dict[str, str], lang: str, allowed: set[str]) -> dict[str, list[str]]:
    found = {place: set(foreign_words(text, lang)) - allowed for place, text in seen.items()}
    return {place: sorted(words) for place, words in found.items() if words}


@pytest.mark.parametrize("role", ["nurse", "admin"])
async def test_every_screen_speaks_one_language_before_and_after_a_switch(role):
    session = demo_session(role=role, mesh=True)
    data = data_words(session)
    app = make_app(session, start="dashboard", lang="nl")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        dutch = await walk(app, pilot)
        app.apply_language("en")
        await settle(app, pilot)
        assert i18n.language() == "en"
        english = await walk(app, pilot)

    assert len(dutch) == len(english) == 2 * len(AREAS) + 3 + (role != "admin")
    assert all(dutch[f"{mode} help"] != dutch[mode] for mode in AREAS), "F1 shows each area's help"
    assert "Zoek een opdracht" in dutch["palette"] and "Search for commands" in english["palette"]
    assert mixed(dutch, "nl", {w for w in ENGLISH_WORDS if w in data}) == {}
    assert mixed(english, "en", {w for w in DUTCH_WORDS if w in data}) == {}
    # Textual's own words follow the switch: the open menu's key and the palette's
    assert "Menu sluiten" in dutch["open menu"] and "Close menu" in english["open menu"]
    assert "Dismiss" not in dutch["open menu"] + english["open menu"]
    # the title bar names the role, never its code
    assert f"· {role}" not in dutch["dashboard"] and f"· {role}" not in english["dashboard"]


async def test_a_toast_said_before_a_switch_leaves_with_its_language():
    session = demo_session(role="admin", mesh=True)
    app = make_app(session, start="dashboard", lang="nl")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        app.action_risk()  # an admin is told, in Dutch, that the crisis-risk list is not for them
        await settle(app, pilot)
        assert "beheerder" in screen_text(app)
        app.apply_language("en")
        await settle(app, pilot)
        assert "beheerder" not in screen_text(app)
        assert mixed({"dashboard": screen_text(app)}, "en", set()) == {}
