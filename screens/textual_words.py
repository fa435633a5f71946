"""Textual's own words, in the app's language.

Textual writes a few English words of its own: the key of an open Select's menu ("esc Dismiss
menu"), the command palette's escape key and its "No matches found", and the notice after ctrl+c.
Here each gets its word from the catalogue when it is shown, so a language switch reaches them too.
Textual is pinned (pyproject), so the names of its classes and actions used here are fixed.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from rich.align import Align
from rich.text import Text
from textual.binding import Binding, BindingsMap
from textual.command import CommandList, CommandPalette
from textual.dom import DOMNode
from textual.widgets.option_list import Option

from veldclient.screens.base import KeySpec, LocalisedKeys
from veldclient.screens.i18n import t

# (Textual class, action of one of its bindings) -> catalogue id of the binding's description
TEXTUAL_KEYS: dict[tuple[str, str], str] = {
    ("SelectOverlay", "dismiss"): "textual.select.dismiss",
    ("Link", "open_link"): "textual.link.open",
}


def localise_textual_keys(node: DOMNode) -> None:
    """Describe the bindings Textual declared on ``node``'s class in the current language (a new
    instance's, and an instance's again after a switch); every other binding stays as it is."""
    names = [cls.__name__ for cls in type(node).__mro__]

    def localised(binding: Binding) -> Binding:
        found = next(
            (TEXTUAL_KEYS[(n, binding.action)] for n in names if (n, binding.action) in TEXTUAL_KEYS), None
        )
        if found is None:
            return binding
        return dataclasses.replace(binding, description=t(found), tooltip=t(found))

    before = node._bindings.key_to_bindings
    after = {key: [localised(b) for b in found] for key, found in before.items()}
    if after != before:
        node._bindings = BindingsMap.from_keys(after)
        node.refresh_bindings()


class VeldPalette(LocalisedKeys, CommandPalette):
    """Textual's command palette with its escape key and its "no matches" in the app's language."""

    KEYS: ClassVar[tuple[KeySpec, ...]] = (("escape", "escape", "textual.palette.escape"),)

    def __init__(self) -> None:
        super().__init__(placeholder=t("palette.placeholder"), id="--command-palette")
        self.use_own_keys()

    def _start_no_matches_countdown(self, search_value: str) -> None:
        """As Textual's (command.py, 8.2.8), with the sentence from the catalogue."""
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(t("textual.palette.no_matches"), style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)


def quit_hint(key: str) -> tuple[str, str]:
    """The notice after ctrl+c (which does not quit): its text and title."""
    return t("textual.quit.hint", key=key), t("textual.quit.title")
