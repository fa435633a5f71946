"""Ask once before a step that leaves the device or cannot be undone (send, accept, admit, revoke,
discard a filled-in form)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from veldclient.screens.base import KeySpec, LocalisedKeys
from veldclient.screens.i18n import language, t


class Confirm(LocalisedKeys, ModalScreen[bool]):
    """One yes/no question in the current language: dismisses True to go ahead, False to leave it.
    Yes is j in Dutch and y in English; both work, the footer shows the one of the language; n and
    Escape say no. A subclass may name its own answers (``YES_ID``, ``NO_ID``, ``KEYS_ID``)."""

    DEFAULT_CSS = """
    Confirm { align: center middle; }
    Confirm > Vertical {
        width: 70; max-width: 100%; height: auto; border: thick $warning; background: $surface;
        padding: 1 2;
    }
    """
    YES_ID: ClassVar[str] = "confirm.yes"
    NO_ID: ClassVar[str] = "confirm.no"
    KEYS_ID: ClassVar[str] = "confirm.keys"

    def key_specs(self) -> tuple[KeySpec, ...]:
        return (
            ("j,y" if language() == "nl" else "y,j", "answer(True)", self.YES_ID),
            ("n,escape", "answer(False)", self.NO_ID),
        )

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question
        self.use_own_keys()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question, id="question", markup=False)
            yield Static(t(self.KEYS_ID), classes="muted", markup=False)
        yield Footer()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


def ask(app: App[object], question: str, then: Callable[[], object]) -> None:
    """Ask ``question``; run ``then`` only when the answer is yes (no, Escape: nothing happens)."""

    def answered(yes: bool | None) -> None:
        if yes:
            then()

    app.push_screen(Confirm(question), answered)
