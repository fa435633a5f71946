"""The one yes/no question: a step that leaves the device, cannot be undone or throws work away asks
it first (send, accept, admit, archive, erase, revoke, discard a filled-in form).

Yes is j in Dutch and y in English (both work; the footer shows the one of the language); no is n or
Escape, so a reflexive Escape never confirms. The dialog dismisses with True for yes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from veldclient.screens.base import KeySpec, LocalisedKeys
from veldclient.screens.i18n import language, t
from veldclient.screens.widgets.fit_footer import FitFooter


class Confirm(LocalisedKeys, ModalScreen[bool]):
    """Asks ``question`` (with ``lines`` under it, e.g. what goes) and shows the keys that answer
    it (``hint``); ``yes_id`` and ``no_id`` are the catalogue ids of what the footer calls the two
    answers. A subclass may set its own defaults (``YES_ID``, ``NO_ID``, ``KEYS_ID``)."""

    DEFAULT_CSS = """
    Confirm { align: center middle; }
    Confirm > Vertical {
        width: 76; max-width: 100%; height: auto; max-height: 100%; border: thick $warning;
        background: $surface; padding: 0 1;
    }
    Confirm #confirm-lines { height: auto; max-height: 12; }
    Confirm .muted { color: $text-muted; }
    """
    YES_ID: ClassVar[str] = "confirm.yes"
    NO_ID: ClassVar[str] = "confirm.no"
    KEYS_ID: ClassVar[str] = "confirm.keys"

    def __init__(
        self,
        question: str,
        hint: str | None = None,
        *,
        yes_id: str | None = None,
        no_id: str | None = None,
        lines: tuple[str, ...] = (),
    ) -> None:
        super().__init__()
        self.question = question
        self.hint = t(self.KEYS_ID) if hint is None else hint
        self.lines = lines
        self.yes_id = yes_id or self.YES_ID
        self.no_id = no_id or self.NO_ID
        self.use_own_keys()

    def key_specs(self) -> tuple[KeySpec, ...]:
        return (
            ("j,y" if language() == "nl" else "y,j", "answer(True)", self.yes_id),
            ("n,escape", "answer(False)", self.no_id),
        )

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question, id="question", markup=False)
            if self.lines:
                with VerticalScroll(id="confirm-lines"):
                    yield Static("\n".join(self.lines), markup=False)
            yield Static(self.hint, classes="muted", markup=False)
        yield FitFooter()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


def ask(app: App[object], question: str, then: Callable[[], object]) -> None:
    """Ask ``question``; run ``then`` only when the answer is yes (no, Escape: nothing happens)."""

    def answered(yes: bool | None) -> None:
        if yes:
            then()

    app.push_screen(Confirm(question), answered)
