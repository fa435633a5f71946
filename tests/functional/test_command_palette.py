"""The command palette (ctrl+p) of the running app, used as a nurse does: it opens, filters what is
typed, runs the chosen command with Enter, closes with Escape, offers the current screen's actions,
and speaks the language chosen in F9 settings (also after switching it)."""

from __future__ import annotations

from functools import partial

import pytest
from textual import events
from textual.command import CommandInput, CommandList, CommandPalette
from textual.widgets import Select
from tuihelpers import SIZE, demo_session, make_app, settle

from veldclient.screens import i18n
from veldclient.screens.app import AREAS, ROLE_AREAS
from veldclient.screens.base import VeldScreen
from veldclient.screens.commands import THEMES
from veldclient.screens.help import HelpScreen
from veldclient.screens.i18n import t


async def open_palette(app, pilot) -> CommandPalette:
    await pilot.press("ctrl+p")
    await settle(app, pilot)
    assert isinstance(app.screen, CommandPalette), "ctrl+p opens the command palette"
    return app.screen


def entries(palette: CommandPalette) -> list[str]:
    """The commands the palette lists, as shown."""
    listed = palette.query_one(CommandList)
    return [str(listed.get_option_at_index(i).hit.text) for i in range(listed.option_count)]


async def run_command(app, pilot, name: str, *, paste: bool = False) -> None:
    """ctrl+p, type the command's name key by key (or paste it, as a terminal does: quicker for the
    long walk below), check it is the best match, Enter runs it."""
    palette = await open_palette(app, pilot)
    if paste:
        palette.query_one(CommandInput).post_message(events.Paste(name))
    else:
        await pilot.press(*name)
    await settle(app, pilot)
    shown = entries(palette)
    assert shown and shown[0] == name, f"typing {name!r} offers {shown[:3]}"
    listed = palette.query_one(CommandList)
    if listed.highlighted is None:
        await pilot.press("down")
    assert listed.highlighted == 0
    await pilot.press("enter")
    await settle(app, pilot)
    assert app.screen is not palette, "running a command closes the palette"


def screen_actions(screen: VeldScreen) -> dict[str, str]:
    """Description -> action of the screen's own keys: each is a palette command."""
    return {b.description: b.action for b in screen.own_bindings() if b.description}


def errors(app) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "error"]


async def test_ctrl_p_opens_filters_runs_and_escape_closes():
    app = make_app(demo_session(), start="dashboard")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        palette = await open_palette(app, pilot)
        assert palette.query_one(CommandInput).placeholder == "Zoek een opdracht…"
        everything = entries(palette)
        await pilot.press(*"Capac")
        await settle(app, pilot)
        filtered = entries(palette)
        assert f"{t('palette.go')}: {t('area.capacity')}" in filtered
        assert len(filtered) < len(everything)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.current_mode == "dashboard" and not isinstance(app.screen, CommandPalette)

        await run_command(app, pilot, f"{t('palette.go')}: {t('area.capacity')}")
        assert app.current_mode == "capacity"
        assert errors(app) == []


async def test_palette_offers_the_actions_of_the_screen_it_was_opened_on():
    app = make_app(demo_session(), start="settings")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        settings_screen = app.screen
        palette = await open_palette(app, pilot)
        assert set(screen_actions(settings_screen)) <= set(entries(palette))
        await pilot.press("escape")
        await settle(app, pilot)
        await run_command(app, pilot, t("key.save"))
        assert t("settings.saved") in [n.message for n in app._notifications]


async def choose_language_in_f9(app, pilot, lang: str) -> None:
    """Pick the language in the F9 Select with the keyboard and save with ctrl+s."""
    await pilot.press("f9")
    await settle(app, pilot)
    select = app.screen.query_one("#language", Select)
    select.focus()
    await pilot.press("enter")
    await settle(app, pilot)
    label = t(f"settings.lang.{lang}")
    for _ in range(3):
        if select.selection == lang:
            break
        await pilot.press("down")
    await pilot.press("enter")
    await settle(app, pilot)
    assert select.value == lang, f"the Select shows {label}"
    await pilot.press("ctrl+s")
    await settle(app, pilot)


async def test_after_switching_language_in_f9_the_palette_still_runs_and_speaks_it():
    session = demo_session()
    app = make_app(session, start="dashboard")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await choose_language_in_f9(app, pilot, "en")
        assert i18n.language() == "en"
        saved = [n.message for n in app._notifications]
        assert "Settings saved." in saved and "Instellingen opgeslagen." not in saved

        palette = await open_palette(app, pilot)
        assert palette.query_one(CommandInput).placeholder == "Search for commands…"
        shown = entries(palette)
        assert "Go to: Capacity" in shown and "Language: Dutch" in shown and "Save" in shown
        assert not any(name.startswith("Ga naar") for name in shown)
        await pilot.press("escape")
        await settle(app, pilot)
        await run_command(app, pilot, "Go to: Caseload")
        assert app.current_mode == "caseload"

        await choose_language_in_f9(app, pilot, "nl")
        assert "Instellingen opgeslagen." in [n.message for n in app._notifications]
        await run_command(app, pilot, "Ga naar: Capaciteit")
        assert app.current_mode == "capacity"
        assert errors(app) == []


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_every_palette_command_runs(lang, monkeypatch):
    """Walk the palette at 80x24: every action of every screen a nurse can open, every area, both
    languages, every theme, help, and quit last. Each runs (its effect is checked) without an error.
    """
    dispatched: list[tuple[str, str]] = []
    run_action = VeldScreen.run_action

    async def spy(self, action, *args, **kwargs):
        dispatched.append((type(self).__name__, action))
        return await run_action(self, action, *args, **kwargs)

    monkeypatch.setattr(VeldScreen, "run_action", spy)
    session = demo_session()
    app = make_app(session, start="dashboard", lang=lang)
    other = "en" if lang == "nl" else "nl"
    run = partial(run_command, app, paste=True)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(app, pilot)
        for mode in AREAS:
            if "nurse" not in ROLE_AREAS.get(mode, ("nurse",)):
                continue
            app.switch_mode(mode)
            await settle(app, pilot)
            area_screen = app.screen
            actions = screen_actions(area_screen)
            assert actions, f"{mode} has keys"
            for description, action in actions.items():
                dispatched.clear()
                await run(pilot, description)
                assert dispatched == [(type(area_screen).__name__, action)], description
                assert errors(app) == [], description
                while app.screen is not area_screen:  # a dialog or detail the action opened
                    app.pop_screen()
                    await settle(app, pilot)

        app.switch_mode("dashboard")
        await settle(app, pilot)
        for mode, (_module, _cls, label, _key) in AREAS.items():
            await run(pilot, f"{t('palette.go')}: {t(label)}")
            if "nurse" in ROLE_AREAS.get(mode, ("nurse",)):
                assert app.current_mode == mode
            else:
                assert t(f"area.not_for_role.{mode}") in [n.message for n in app._notifications]

        for theme, label in THEMES.items():
            await run(pilot, t("palette.theme", theme=t(label)))
            assert app.theme == theme

        await run(pilot, t(f"palette.language.{other}"))
        assert i18n.language() == other
        palette = await open_palette(app, pilot)
        assert f"{t('palette.go')}: {t('area.capacity')}" in entries(palette)  # now in the other language
        await pilot.press("escape")
        await settle(app, pilot)
        await run(pilot, t(f"palette.language.{lang}"))
        assert i18n.language() == lang

        await run(pilot, t("key.help"))
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        assert errors(app) == []

        await run(pilot, t("key.quit"))
    assert app.return_code == 0
