"""The veldclient Textual app: keyboard first, Dutch by default, every action in the command palette.

Screens are Textual *modes* (one per area, each keeps its state while you switch), imported lazily so
the app starts fast. All database work goes through :meth:`VeldApp.call` (thread workers owned by the
App, reporting back with messages). Language and theme are profile settings.

``veld`` hands the app an :class:`Unlocking` (screens/unlock.py): the dashboard is drawn and takes
keys while the database is still being unlocked, and its data follows. Until then the theme is the
default and the language ``VELD_LANG`` or Dutch (or ``lang``); the profile's own are applied as soon
as they can be read, the language by the one rule (``language.choose``: ``VELD_LANG`` still wins). A
language picked in F9 or the palette switches it at once: the person's newest word. A failed unlock
closes the app with return code 2 and the CLI prints the reason.

A browser tab (``veld web``, docs/web.md) hands it a :class:`WebUnlocking` instead: the app opens on
the lock screen (screens/passphrase.py), the area keys do nothing until the passphrase typed there
opens the profile, and it runs no background sync (``veld serve`` on the node does that, once).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from textual.actions import ActionParseResult
from textual.app import App
from textual.binding import Binding
from textual.command import CommandPalette, Provider
from textual.dom import DOMNode
from textual.events import DescendantFocus
from textual.message import Message
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.theme import Theme

from veldclient import language
from veldclient.screens import i18n
from veldclient.screens.backend import Backend, Done, Failed, ServiceReply
from veldclient.screens.base import (
    ExplainsKeys,
    KeySpec,
    LocalisedKeys,
    ServiceCaller,
    VeldScreen,
    bindings,
    refuse,
)
from veldclient.screens.commands import VeldCommands
from veldclient.screens.i18n import t
from veldclient.screens.prefs import Prefs
from veldclient.screens.textual_words import VeldPalette, localise_textual_keys, quit_hint
from veldclient.screens.unlock import Unlocking, WebUnlocking

if TYPE_CHECKING:
    from veldclient.services.session import Session

# mode -> (module, class, catalogue id of its name, key)
AREAS: dict[str, tuple[str, str, str, str]] = {
    "dashboard": ("veldclient.screens.dashboard", "DashboardScreen", "area.dashboard", "f2"),
    "capacity": ("veldclient.screens.capacity_board", "CapacityScreen", "area.capacity", "f3"),
    "caseload": ("veldclient.screens.caseload", "CaseloadScreen", "area.caseload", "f4"),
    "roster": ("veldclient.screens.roster", "RosterScreen", "area.roster", "f5"),
    "helprequests": ("veldclient.screens.helprequests", "HelpRequestsScreen", "area.helprequests", "f6"),
    "conflicts": ("veldclient.screens.conflicts", "ConflictsScreen", "area.conflicts", "f7"),
    "audit": ("veldclient.screens.audit_log", "AuditScreen", "area.audit", "f8"),
    "settings": ("veldclient.screens.settings", "SettingsScreen", "area.settings", "f9"),
    "slots": ("veldclient.screens.slots", "SlotsScreen", "area.slots", "f11"),
}

# Areas that only some roles may open (DOMAIN.md roles table; the services enforce it as well).
ROLE_AREAS: dict[str, tuple[str, ...]] = {
    "audit": ("admin",),
    "caseload": ("nurse", "coordinator"),
    "helprequests": ("nurse", "coordinator"),
}

HIGH_CONTRAST = Theme(
    name="veld-high-contrast",
    primary="#ffff00",
    secondary="#00ffff",
    accent="#ff00ff",
    foreground="#ffffff",
    background="#000000",
    surface="#000000",
    panel="#1a1a1a",
    success="#00ff00",
    warning="#ffff00",
    error="#ff5555",
    dark=True,
)


def app_bindings(keys: tuple[KeySpec, ...]) -> list[Binding]:
    """The app's keys in the current language, ctrl+p for the palette among them.

    Textual adds its own ctrl+p binding to the app *instance* only when none is declared; the app's
    bindings are rebuilt on a language switch, which would drop it. Declared here, it is rebuilt
    (and translated) with the rest. Priority, as Textual's: an input field never swallows it.
    """
    palette = t("key.palette")
    return [
        *bindings("app", keys),
        Binding(
            App.COMMAND_PALETTE_BINDING,
            "command_palette",
            palette,
            id="app.command_palette",
            tooltip=palette,
            show=False,  # the footer shows it on its own, at the right
            priority=True,
        ),
    ]


def screen_class(mode: str) -> type[VeldScreen]:
    module, name, _label, _key = AREAS[mode]
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


class VeldApp(LocalisedKeys, ServiceCaller, App[None]):
    TITLE = "veldclient"
    CSS_PATH = "app.tcss"
    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        *((key, f"area('{mode}')", label) for mode, (_m, _c, label, key) in AREAS.items()),
        ("f1", "help", "key.help"),
        ("f10", "quit", "key.quit"),
    )
    # Only veldclient's own commands: Textual's system commands are English only and change the
    # theme behind the settings' back.
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {VeldCommands}

    class Unlocked(Message):
        """The background unlock is done; ``prefs`` are the profile's language and theme."""

        def __init__(self, session: Session, prefs: Prefs) -> None:
            super().__init__()
            self.session = session
            self.prefs = prefs

    class UnlockFailed(Message):
        """The background unlock failed (wrong passphrase, damaged file): the app closes."""

    def __init__(
        self, session: Session | Unlocking, *, start: str = "dashboard", lang: str | None = None
    ) -> None:
        from veldclient.screens import prefs

        # Before the unlock is done ``session`` is the Unlocking: profile, actor and clock only.
        self.session: Session | Unlocking = session
        # A browser tab (veld web, docs/web.md): locked until the passphrase is typed in the page,
        # and without background sync (the node runs `veld serve` once, not once per tab).
        self.web = isinstance(session, WebUnlocking)
        self.locked = self.web
        self.backend = Backend(session)
        self.prefs = Prefs() if isinstance(session, Unlocking) else prefs.load(session)
        self._lang = lang  # the caller's choice (tests) replaces the rule for the first screen
        i18n.set_language(lang or language.choose(self.prefs.language))
        super().__init__()
        self.use_own_keys()
        self.start_mode = start
        for mode in AREAS:
            self.add_mode(mode, self._factory(mode))

    def key_owner(self) -> str:
        return "app"

    def own_bindings(self) -> list[Binding]:
        return app_bindings(self.key_specs())

    @staticmethod
    def _factory(mode: str) -> Callable[[], VeldScreen]:
        return lambda: screen_class(mode)()

    # -- lifecycle -------------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.register_theme(HIGH_CONTRAST)
        self._apply_prefs_theme()
        if isinstance(self.session, WebUnlocking):
            from veldclient.screens.passphrase import PassphraseScreen

            opening = self.session
            self.add_mode("unlock", lambda: PassphraseScreen(opening))
            self.switch_mode("unlock")
            self.run_worker(self._await_unlock, thread=True, group="unlock", exit_on_error=False)
            return
        self.switch_mode(self.start_mode)
        if isinstance(self.session, Unlocking):
            self.call_after_refresh(self._after_first_paint, self.session)
        else:
            self._start_sync()

    def _after_first_paint(self, opening: Unlocking) -> None:
        opening.proceed()
        self.run_worker(self._await_unlock, thread=True, group="unlock", exit_on_error=False)

    def _apply_prefs_theme(self) -> None:
        self.theme = self.prefs.theme if self.prefs.theme in self.available_themes else "textual-dark"
        if os.environ.get("NO_COLOR"):
            self.theme = "textual-ansi" if "textual-ansi" in self.available_themes else self.theme

    def _await_unlock(self) -> None:
        """Worker: wait for the background unlock and read the profile's preferences."""
        from veldclient.screens import prefs

        try:
            loaded: Prefs = self.backend.run(prefs.load)
        except BaseException:  # noqa: BLE001 - Unlocking.failure holds it; the CLI reports it
            self.post_message(self.UnlockFailed())
            return
        self.post_message(self.Unlocked(self.backend.session(), loaded))

    def on_veld_app_unlocked(self, message: Unlocked) -> None:
        self.session = message.session
        if self.web:
            self.session.on_wait(self._another_process_writes)
        else:
            self._start_sync()
        before, self.prefs = self.prefs, message.prefs
        if message.prefs.theme != before.theme:
            self._apply_prefs_theme()
        wanted = self._lang or language.choose(message.prefs.language)
        if wanted != i18n.language():
            self.apply_language(wanted)
        if self.locked:
            self.locked = False
            self.switch_mode(self.start_mode)
            self.remove_mode("unlock")

    def on_veld_app_unlock_failed(self, message: UnlockFailed) -> None:
        self.exit(return_code=2)

    # -- background sync -------------------------------------------------------------------------

    sync_agent: Any = None
    sync_activity: dict[str, str] = {}  # noqa: RUF012 - replaced per app in _start_sync

    def _start_sync(self) -> None:
        """Once the session is open: background sync, and a notice whenever a write waits for
        another process on this profile (db.py)."""
        if not isinstance(self.session, Unlocking):
            self.session.on_wait(self._another_process_writes)
        self.sync_activity = {}
        self.run_worker(self._sync_worker, thread=True, group="sync-start", exit_on_error=False)

    def _sync_worker(self) -> None:
        from veldclient.screens.background_sync import start_agent

        self.sync_agent = start_agent(self.backend.session(), self.backend.lock, self.post_message)

    def _another_process_writes(self) -> None:
        """Called on the worker that waits for the write lock: tell the person on the UI thread."""
        self.call_from_thread(self.notify, t("error.waiting_other_process"), markup=False)

    def ensure_sync_agent(self) -> None:
        """Start background sync if it is not running (an admin just invited a laptop, whose first
        contact needs this machine to serve); the agent decides whether there is anything to do."""
        if self.sync_agent is None and not self.web:
            self.run_worker(self._sync_worker, thread=True, group="sync-start", exit_on_error=False)

    def sync_now(self) -> None:
        if self.web:
            self.notify(t("web.sync.now"), markup=False)
            return
        if self.sync_agent is None:
            self.notify(t("dashboard.sync.no_agent"), markup=False)
            return
        self.sync_agent.sync_now()
        self.notify(t("dashboard.sync.started"), markup=False)

    def on_sync_activity(self, message: Any) -> None:
        if message.peer is not None and message.text:
            self.sync_activity[message.peer] = message.text
        from veldclient.screens.dashboard import DashboardScreen

        screen = self.screen
        if isinstance(screen, DashboardScreen):
            if message.finished:
                screen.refresh_data()
            else:
                screen.show_sync_activity()

    def on_unmount(self) -> None:
        opening = self.backend.source
        if isinstance(opening, WebUnlocking):
            opening.abandon()  # a tab closed while locked: its unlock worker must not hold the exit
        agent, self.sync_agent = self.sync_agent, None
        if agent is not None:
            agent.stop()

    # -- actions ---------------------------------------------------------------------------------

    def action_area(self, mode: str) -> None:
        allowed = ROLE_AREAS.get(mode)
        if allowed is not None and self.session.actor.role not in allowed:
            self.notify(t(f"area.not_for_role.{mode}"), severity="warning", markup=False)
            return
        self.switch_mode(mode)

    def action_risk(self) -> None:
        """The crisis-risk list (F4 ``k``, the palette): for nurses and coordinators only."""
        from veldclient.screens.risk import RiskScreen
        from veldclient.services.risk import VIEWERS

        if self.session.actor.role not in VIEWERS:
            self.notify(t("risk.not_for_role"), severity="warning", markup=False)
            return
        self.push_screen(RiskScreen())

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """Run an action (Textual's), unless its screen says why it cannot act now: then say that."""
        target, name, parameters = self._parse_action(action, default_namespace or self, namespaces)
        if self.locked and target is self and name not in ("quit", "help_quit"):
            return True  # a locked browser tab: only its passphrase field and F10 (screens/passphrase.py)
        reason = target.refusal(name, parameters) if isinstance(target, ExplainsKeys) else None
        if reason is not None:
            refuse(target, reason)
            return True
        return await super().run_action(action, default_namespace, namespaces)

    def action_help(self) -> None:
        from veldclient.screens.help import HelpScreen

        screen = self.screen
        help_id = getattr(screen, "HELP", "help.general")
        key_help = getattr(screen, "key_help", None)
        own = screen.own_bindings() if isinstance(screen, LocalisedKeys) else screen.BINDINGS
        keys = (
            key_help()
            if callable(key_help)
            else [(b.key, b.description) for b in own if isinstance(b, Binding) and b.description]
        )
        self.push_screen(HelpScreen(help_id, keys))

    def action_command_palette(self) -> None:
        """Textual's palette (as App.action_command_palette), its words in the current language."""
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(VeldPalette())

    def action_help_quit(self) -> None:
        """ctrl+c does not quit (Textual's rule); say which key does, in the current language."""
        text, title = quit_hint("F10")
        self.notify(text, title=title, markup=False)

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        """A focused Textual widget (an open Select's menu) shows its keys in the current language."""
        localise_textual_keys(event.widget)

    def apply_language(self, lang: str) -> None:
        """Switch the language everywhere: bindings and screens are rebuilt in the new language.

        Toasts still on screen were said in the old language, so they go with it."""
        self.clear_notifications()
        i18n.set_language(lang)
        self.use_own_keys()
        current = self.current_mode
        self.add_mode("_relabel", Screen)
        self.switch_mode("_relabel")
        for mode in AREAS:
            self._reset_mode(mode)
        self.switch_mode(current)
        self.remove_mode("_relabel")

    def _reset_mode(self, mode: str) -> None:
        self.remove_mode(mode)
        self.add_mode(mode, self._factory(mode))

    def apply_theme(self, theme: str) -> None:
        self.theme = theme

    # -- services --------------------------------------------------------------------------------

    def call(  # type: ignore[override]
        self,
        requester: MessagePump,
        fn: Callable[..., Any],
        *args: Any,
        done: Done | None = None,
        failed: Failed | None = None,
        group: str = "db",
        exclusive: bool = False,
        **kwargs: Any,
    ) -> None:
        """Run ``fn(session, *args)`` in a thread worker; the answer arrives as a ServiceReply."""

        def job() -> None:
            try:
                result = self.backend.run(fn, *args, **kwargs)
            except BaseException as exc:  # noqa: BLE001 - reported to the person, never swallowed
                requester.post_message(ServiceReply(done, failed, error=exc))
                return
            requester.post_message(ServiceReply(done, failed, result=result))

        self.run_worker(job, thread=True, group=group, exclusive=exclusive, exit_on_error=False)
