"""Ask once before a step that leaves the device or cannot be undone (send, accept, admit)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from veldclient.screens.base import KeySpec, LocalisedKeys
from veldclient.screens.i18n import language, t


class ConfirmStep(LocalisedKeys, ModalScreen[bool]):
    """A question in the current language; dismisses True to go ahead, False to leave it."""

    DEFAULT_CSS = """
    ConfirmStep { align: center middle; }
    ConfirmStep > Vertical {
        width: 70; max-width: 100%; height: auto; border: thick $warning; background: $surface;
        padding: 1 2;
    }
    """

    def key_specs(self) -> tuple[KeySpec, ...]:
        """Yes is j in Dutch and y in English; both work, the footer shows the one of the language."""
        return (
            ("j,y" if language() == "nl" else "y,j", "answer(True)", "confirm.yes"),
            ("n,escape", "answer(False)", "confirm.no"),
        )

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question
        self.use_own_keys()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question, id="question", markup=False)
            yield Static(t("confirm.keys"), classes="muted", markup=False)
        yield Footer()

    def action_answer(self, go: bool) -> None:
        self.dismiss(go)
