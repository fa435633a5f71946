"""The app never silently ignores a key: every key the footer shows acts or says why it cannot.

For each role the demo of that role is walked at 80x24: every area the role may open, and every
screen Enter opens from there (a case, a request, a match, a volunteer), also after each of the
area's keys changed what the list shows (the incoming requests, another tab). On each screen every
key the footer shows is pressed once, and something a person can see must follow: another screen or
dialog, a notification (what was done, or why not), a change on the screen, the cursor in another
field, or a reload asked of the services. One app per role keeps the walk quick.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from textual.command import CommandPalette
from textual.widgets import Select
from tuihelpers import demo_session, make_app, screen_text, settle

from veldclient.screens.app import AREAS, ROLE_AREAS
from veldclient.screens.risk import RiskScreen
from veldclient.services import risk

SIZE = (80, 24)
MAX_DEPTH = 3  # area -> case -> request: deeper screens are reached the same way
NOT_PRESSED = {"quit"}  # F10 ends the app: test_command_palette runs it last


@dataclass
class Seen:
    """What the walk observed: notifications, service calls, and the screens already walked."""

    notes: list[str] = field(default_factory=list)
    calls: int = 0
    walked: set[tuple[str, frozenset[tuple[str, bool]]]] = field(default_factory=set)
    silent: list[str] = field(default_factory=list)
    pressed: int = 0
    palette_pressed: bool = False


def footer_keys(app: Any, palette_pressed: bool = True) -> list[tuple[str, str, bool]]:
    """(key, action, enabled) of every key the footer shows, one per action, and ctrl+p unless it
    was pressed already (it opens the same palette everywhere: once per role keeps the walk quick)."""
    out: dict[tuple[int, str], tuple[str, str, bool]] = {}
    for key, active in app.screen.active_bindings.items():
        binding = active.binding
        if not binding.show or binding.action in NOT_PRESSED:
            continue
        out.setdefault((id(active.node), binding.action), (key, binding.action, active.enabled))
    keys = list(out.values())
    if app.screen.query("Footer") and app.ENABLE_COMMAND_PALETTE and not palette_pressed:
        keys.append(("ctrl+p", "command_palette", True))
    # keys that leave the screen last, so the others are pressed on it
    return sorted(keys, key=lambda k: k[0] == "escape")


def state(app: Any, seen: Seen) -> tuple[object, ...]:
    return (
        tuple(id(s) for s in app.screen_stack),
        app.current_mode,
        len(seen.notes),
        seen.calls,
        app.focused,
        screen_text(app),
    )


async def back_to(app: Any, pilot: Any, screen: Any, mode: str, focused: Any = None) -> bool:
    """Close whatever the key opened and put the cursor back where it was, so the next key is
    pressed on the screen as it was; False when the screen itself was left (escape, back)."""
    if app.current_mode != mode:
        app.switch_mode(mode)
        await settle(app, pilot)
    while app.screen is not screen and screen in app.screen_stack:
        app.pop_screen()
        await settle(app, pilot)
    if app.screen is not screen:
        return False
    for select in screen.query(Select).results(Select):
        select.expanded = False
    if focused is not None and app.focused is not focused and focused.is_attached:
        focused.focus()
        await settle(app, pilot)
    return True


async def walk(app: Any, pilot: Any, seen: Seen, mode: str, path: str, depth: int, reopen: Any) -> None:
    """Press every footer key of the current screen, and after each one open what Enter opens
    (the list may show other rows now). A screen already walked in the same state only opens."""
    screen = app.screen
    signature = (type(screen).__name__, frozenset((a, e) for _k, a, e in footer_keys(app)))
    if signature in seen.walked:
        await open_with_enter(app, pilot, seen, mode, path, depth, screen)
        return
    seen.walked.add(signature)
    for key, action, enabled in footer_keys(app, seen.palette_pressed):
        seen.palette_pressed = seen.palette_pressed or key == "ctrl+p"
        if app.screen is not screen and not await reopen():
            return
        screen, focused = app.screen, app.focused
        before = state(app, seen)
        await pilot.press(key)
        await settle(app, pilot)
        seen.pressed += 1
        if state(app, seen) == before:
            seen.silent.append(f"{path}: {key} ({action}, {'enabled' if enabled else 'greyed'})")
        if isinstance(app.screen, CommandPalette):
            await pilot.press("escape")
            await settle(app, pilot)
        if await back_to(app, pilot, screen, mode, focused):
            await open_with_enter(app, pilot, seen, mode, path, depth, screen)


def lists(screen: Any) -> list[Any]:
    """The lists on a screen that Enter may open a row of."""
    return [w for w in screen.query("DataTable, OptionList, WindowTable") if w.display and w.focusable]


async def open_with_enter(
    app: Any, pilot: Any, seen: Seen, mode: str, path: str, depth: int, screen: Any
) -> None:
    """Enter on the highlighted row of each list: a detail screen, walked, then closed again."""
    if depth >= MAX_DEPTH:
        return
    focused = app.focused
    for listed in lists(screen):
        listed.focus()
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        opened = app.screen
        if opened is not screen and screen in app.screen_stack:

            async def reopen(listed: Any = listed) -> bool:
                if not await back_to(app, pilot, screen, mode):
                    return False
                listed.focus()
                await pilot.press("enter")
                await settle(app, pilot)
                return app.screen is not screen

            await walk(app, pilot, seen, mode, f"{path} > {type(opened).__name__}", depth + 1, reopen)
        if not await back_to(app, pilot, screen, mode, focused):
            return


@pytest.mark.parametrize("role", ["nurse", "coordinator", "admin"])
async def test_every_footer_key_acts_or_says_why_not(role):
    app = make_app(demo_session(role=role, mesh=True), start="dashboard")
    seen = Seen()
    notify, call = app.notify, app.call

    def counting_notify(message: str, *args: Any, **kwargs: Any) -> None:
        seen.notes.append(message)
        notify(message, *args, **kwargs)

    def counting_call(*args: Any, **kwargs: Any) -> None:
        seen.calls += 1
        call(*args, **kwargs)

    app.notify = counting_notify  # type: ignore[method-assign]
    app.call = counting_call  # type: ignore[method-assign]
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        for mode in AREAS:
            if role not in ROLE_AREAS.get(mode, (role,)):
                continue
            app.switch_mode(mode)
            await settle(app, pilot)
            area = app.screen

            async def reopen(area: Any = area, mode: str = mode) -> bool:
                return await back_to(app, pilot, area, mode)

            await walk(app, pilot, seen, mode, f"{role} {mode}", 1, reopen)
        if role in risk.VIEWERS:  # the crisis-risk list, opened by k on the caseload (not by Enter)
            app.switch_mode("caseload")
            await settle(app, pilot)
            caseload = app.screen

            async def reopen_risk(caseload: Any = caseload) -> bool:
                if not await back_to(app, pilot, caseload, "caseload"):
                    return False
                await pilot.press("k")
                await settle(app, pilot)
                return isinstance(app.screen, RiskScreen)

            assert await reopen_risk()
            await walk(app, pilot, seen, "caseload", f"{role} caseload > RiskScreen", 2, reopen_risk)
    assert seen.pressed > 20
    assert seen.silent == [], "\n".join(seen.silent)
