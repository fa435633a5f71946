"""The one yes/no dialog for steps that leave the device or cannot be undone.

Why one dialog: sending a request to another node, accepting a placement, confirming a volunteer,
erasing a person or throwing typed text away cannot be taken back, so each asks first, and each
asks the same way (j/y to go on, n/Escape to stay) so a nurse learns it once. The question is a
sentence in the current language that names what is about to happen, the answer is a bool.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from veldclient.screens.base import KeySpec, LocalisedKeys
from veldclient.screens.i18n import language, t


class Confirm(LocalisedKeys, ModalScreen[bool]):
    """Asks a yes/no question: dismisses with True to go on, False to stay where one was.

    ``question`` is already in the current language (a ``t(...)`` with its placeholders filled);
    ``yes_id``/``no_id`` are catalogue ids of what the two answers do, shown on the dialog and in
    its footer, so the button says "Send" or "Throw away" rather than a bare "Yes"."""

    DEFAULT_CSS = """
    Confirm { align: center middle; }
    Confirm > Vertical {
        width: 64; max-width: 100%; height: auto; border: thick $warning; background: $surface;
        padding: 1 2;
    }
    Confirm .confirm-keys { color: $text-muted; margin-top: 1; }
    """

    def __init__(self, question: str, *, yes_id: str = "confirm.yes", no_id: str = "confirm.no") -> None:
        self.question = question
        self.yes_id = yes_id
        self.no_id = no_id
        super().__init__()
        self.use_own_keys()

    def key_specs(self) -> tuple[KeySpec, ...]:
        """Yes is j in Dutch and y in English; both work, the footer shows the one of the language."""
        return (
            ("j,y" if language() == "nl" else "y,j", "answer(True)", self.yes_id),
            ("n,escape", "answer(False)", self.no_id),
        )

    def compose(self) -> ComposeResult:
        yes_key = "j" if language() == "nl" else "y"
        with Vertical():
            yield Static(self.question, id="confirm-question", markup=False)
            keys = t("confirm.keys", yes_key=yes_key, yes=t(self.yes_id), no=t(self.no_id))
            yield Static(keys, classes="confirm-keys", markup=False)
        yield Footer()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


def ask(app: App[object], question: str, then: Callable[[], object], *, yes_id: str = "confirm.yes") -> None:
    """Ask ``question``; run ``then`` only when the answer is yes (no, Escape: nothing happens)."""

    def answered(yes: bool | None) -> None:
        if yes:
            then()

    app.push_screen(Confirm(question, yes_id=yes_id), answered)


__all__ = ["Confirm", "ask"]
