"""Editing a help request on the matching screen (s): its summary and its period.

A ``FormScreen`` like the caseload's: what is typed goes to ``roster.update_help_request`` in a worker,
each validation error shows under its field and nothing typed is lost. While the summary is typed, a
line under it says what it holds that no volunteer may see (a BSN, a date of birth, an e-mail
address, health terms; ``domain.screening``, the same check the export makes): a warning, not a
refusal, since the coordinator may need it on record and the export holds it back anyway. Escape
closes at once when nothing changed, and asks first when something did.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from textual.widget import Widget
from textual.widgets import Input, Static

from veldclient.domain import HelpRequest
from veldclient.domain.screening import screen
from veldclient.screens.forms import FormScreen
from veldclient.screens.i18n import language
from veldclient.services import roster
from veldclient.services.roster import HelpRequestSaved


class HelpRequestForm(FormScreen[HelpRequestSaved]):
    """The summary and the period of one help request, prefilled with what is stored."""

    TITLE_ID = "helprequests.edit.title"
    HELP = "helprequests.edit.help"
    ASK_BEFORE_DISCARD = True
    DEFAULT_CSS = """
    HelpRequestForm .screening { color: $warning; text-style: bold; padding-left: 36; height: auto; }
    HelpRequestForm .screening.-empty { display: none; }
    """

    def __init__(self, request: HelpRequest, today: date) -> None:
        super().__init__()
        self.request = request
        self.today = today

    def body(self) -> Iterable[Widget]:
        r = self.request
        yield self.field("summary", "helprequests.edit.summary", Input(r.summary, compact=True))
        yield Static("", id="summary-screening", classes="screening -empty", markup=False)
        yield self.field(
            "window.start", "helprequests.edit.start", Input(r.window.start.isoformat(), compact=True)
        )
        yield self.field("window.end", "helprequests.edit.end", Input(r.window.end.isoformat(), compact=True))

    def on_mount(self) -> None:
        super().on_mount()
        self._screen_summary(self.request.summary)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input is self.fields.get("summary"):
            self._screen_summary(event.value)

    def _screen_summary(self, text: str) -> None:
        warning = screen(text, self.today).warning()
        self._put("summary-screening", "" if warning is None else warning[0 if language() == "nl" else 1])

    def changes(self) -> dict[str, Any]:
        """Only what differs from what was stored, as the service takes it."""
        now, out = self.values(), {}
        if now["summary"] != self.initial.get("summary"):
            out["summary"] = now["summary"]
        window = {k: v for k, v in now["window"].items() if v != self.initial.get("window", {}).get(k)}
        if window:
            out["window"] = window
        return out

    def action_save(self) -> None:
        changes = self.changes()
        if not changes:
            self.dismiss(None)
            return
        self.submit(roster.update_help_request, self.request.id, changes)
