"""The browser tab's lock (``veld web``, docs/web.md): the passphrase is typed in the page.

The web server never passes a passphrase (nor VELD_PASSPHRASE) to a tab's app, and the keyring is
not used, so every tab starts here. Enter tries the passphrase in a worker (Argon2id takes ~0.2 s);
a wrong one is refused with the reason and how many tries are left, the field emptied; after
``WebUnlocking.MAX_ATTEMPTS`` wrong ones the tab's session ends. The areas' keys do nothing here
(VeldApp.run_action); F10 closes the session.
"""

from __future__ import annotations

from functools import partial

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Static

from veldclient.screens.base import error_text
from veldclient.screens.i18n import t
from veldclient.screens.unlock import WebUnlocking


class PassphraseScreen(Screen[None]):
    DEFAULT_CSS = """
    PassphraseScreen { align: center middle; }
    PassphraseScreen > Vertical {
        width: 72; max-width: 100%; height: auto; border: thick $primary; background: $surface;
        padding: 1 2;
    }
    PassphraseScreen .muted { color: $text-muted; }
    PassphraseScreen #pp-message { height: auto; margin-top: 1; }
    PassphraseScreen #pp-message.refused { color: $error; }
    """

    def __init__(self, opening: WebUnlocking) -> None:
        super().__init__()
        self.opening = opening

    def compose(self) -> ComposeResult:
        profile = self.opening.profile
        with Vertical():
            yield Static(t("web.unlock.title", profile=profile.name, node=profile.node_id), markup=False)
            yield Static(t("web.unlock.explain"), classes="muted", markup=False)
            yield Input(password=True, id="pp-input", placeholder=t("web.unlock.placeholder"))
            yield Static("", id="pp-message", markup=False)
            yield Static(t("web.unlock.keys"), classes="muted", markup=False)

    def on_mount(self) -> None:
        self.query_one("#pp-input", Input).focus()

    def _say(self, text: str, refused: bool = False) -> None:
        message = self.query_one("#pp-message", Static)
        message.update(text)
        message.set_class(refused, "refused")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value:
            self._say(t("web.unlock.empty"), refused=True)
            return
        field = self.query_one("#pp-input", Input)
        field.disabled = True
        self._say(t("web.unlock.checking"))
        self.run_worker(partial(self._attempt, event.value), thread=True, exit_on_error=False)

    def _attempt(self, passphrase: str) -> None:
        """Worker: on success the app's unlock worker sees the session and shows the dashboard."""
        try:
            self.opening.attempt(passphrase)
        except BaseException as exc:  # noqa: BLE001 - said in the page; the app closes after the last
            self.app.call_from_thread(self._refused, exc)

    def _refused(self, error: BaseException) -> None:
        field = self.query_one("#pp-input", Input)
        field.value = ""
        if self.opening.failure is not None:
            self._say(t("web.unlock.too_many", error=error_text(error)), refused=True)
            return
        left = t("web.unlock.left", n=self.opening.attempts_left)
        self._say(f"{error_text(error)} {left}", refused=True)
        field.disabled = False
        field.focus()
