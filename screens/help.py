"""F1 help: the current screen's keys and what it shows, from the catalogue. Its first line says how
to close it, above the text, so it is on the screen however small the terminal."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from veldclient.screens.i18n import t


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "dismiss", t("key.close"), id="help.close")]

    def __init__(self, help_id: str, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.help_id = help_id
        self.keys = keys

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(t("help.title"), classes="help-title", markup=False)
            yield Static(t("help.close"), classes="muted", id="help-close", markup=False)
            yield Static(t(self.help_id), markup=False)
            lines = "\n".join(f"{key:<14} {desc}" for key, desc in self.keys)
            yield Static(t("help.keys") + "\n" + lines, classes="help-keys", markup=False)
            yield Static(t("help.global"), markup=False)

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
