"""Before a new client is saved: "possible duplicate of …", and the nurse decides.

Shown by the registration form when the client may already be registered (same BSN, or same name,
birth date and postcode; ``services/duplicates.possible``). Three answers: save anyway (the pair
then waits in the conflict inbox, F7), open the record that is already there, or go back to the
form with everything typed kept (n or Escape, so a reflexive Escape never saves).
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from veldclient.screens.base import KeySpec, LocalisedKeys
from veldclient.screens.i18n import language, t
from veldclient.screens.widgets.fit_footer import FitFooter
from veldclient.services import duplicates

SAVE, OPEN = "save", "open"


class DuplicateWarning(LocalisedKeys, ModalScreen[str | None]):
    """Dismisses with ``SAVE``, ``OPEN`` (the first record named) or None (back to the form)."""

    DEFAULT_CSS = """
    DuplicateWarning { align: center middle; }
    DuplicateWarning > Vertical {
        width: 76; max-width: 100%; height: auto; max-height: 100%; border: thick $warning;
        background: $surface; padding: 0 1;
    }
    DuplicateWarning #duplicate-lines { height: auto; max-height: 10; }
    DuplicateWarning .muted { color: $text-muted; }
    """

    def __init__(self, found: list[dict[str, Any]]) -> None:
        super().__init__()
        self.found = found
        self.use_own_keys()

    def key_specs(self) -> tuple[KeySpec, ...]:
        return (
            ("j,y" if language() == "nl" else "y,j", f"answer('{SAVE}')", "duplicate.save"),
            ("o", f"answer('{OPEN}')", "duplicate.open"),
            ("n,escape", "answer('')", "duplicate.back"),
        )

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(t("duplicate.question"), id="question", markup=False)
            with VerticalScroll(id="duplicate-lines"):
                yield Static(duplicates.warning(self.found, language()), id="duplicate-list", markup=False)
            yield Static(t("duplicate.keys"), classes="muted", markup=False)
        yield FitFooter()

    def action_answer(self, answer: str) -> None:
        self.dismiss(answer or None)


__all__ = ["OPEN", "SAVE", "DuplicateWarning"]
