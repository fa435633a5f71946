"""F1 help: the current screen's keys and what it shows, from the catalogue. Its first line says how
to close it, above the text, so it is on the screen however small the terminal."""

from __future__ import annotations

import re

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from veldclient.screens.i18n import t

# A line break the catalogue's text keeps: after a sentence, a clause or a key's description ends
# (".", ":", ";", "!", "?"), and a blank line; any other break is only where the source was wrapped.
_SOURCE_WRAP = re.compile(r"(?<![.:;!?\n])\n(?!\n)")


def reflowed(text: str) -> str:
    """``text`` with the breaks of its source's wrapping joined, so the terminal wraps it to its own
    width: at 80 columns, lines wrapped at 100 in the catalogue would otherwise break twice."""
    return _SOURCE_WRAP.sub(" ", text)


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
            yield Static(reflowed(t(self.help_id)), markup=False)
            lines = "\n".join(f"{key:<14} {desc}" for key, desc in self.keys)
            yield Static(t("help.keys") + "\n" + lines, classes="help-keys", markup=False)
            yield Static(reflowed(t("help.global")), markup=False)

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
