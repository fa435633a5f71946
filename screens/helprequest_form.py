"""Filing a help request (n on the list) and editing one on the matching screen (s): its summary
and its period.

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

from rich.text import Text
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select, Static

from veldclient.domain import HelpRequest, OnBehalfOf, Task, formats
from veldclient.domain.screening import screen
from veldclient.screens.forms import FormScreen
from veldclient.screens.i18n import language, t
from veldclient.screens.widgets.availability_picker import AvailabilityPicker
from veldclient.services import roster
from veldclient.services.roster import HelpRequestSaved


class ScreenedSummaryForm(FormScreen[HelpRequestSaved]):
    """A help-request form whose summary is screened as it is typed (the line under it)."""

    ASK_BEFORE_DISCARD = True
    DEFAULT_CSS = """
    ScreenedSummaryForm .screening { color: $warning; text-style: bold; padding-left: 36; height: auto; }
    ScreenedSummaryForm .screening.-empty { display: none; }
    """

    def __init__(self, today: date) -> None:
        super().__init__()
        self.today = today

    def summary_field(self, text: str) -> Iterable[Widget]:
        yield self.field("summary", "helprequests.edit.summary", Input(text, compact=True))
        yield Static("", id="summary-screening", classes="screening -empty", markup=False)

    def on_mount(self) -> None:
        super().on_mount()
        summary = self.fields["summary"]
        assert isinstance(summary, Input)
        self._screen_summary(summary.value)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input is self.fields.get("summary"):
            self._screen_summary(event.value)

    def _screen_summary(self, text: str) -> None:
        warning = screen(text, self.today).warning()
        self._put("summary-screening", "" if warning is None else warning[0 if language() == "nl" else 1])


class HelpRequestForm(ScreenedSummaryForm):
    """The summary and the period of one help request, prefilled with what is stored."""

    TITLE_ID = "helprequests.edit.title"
    HELP = "helprequests.edit.help"

    def __init__(self, request: HelpRequest, today: date) -> None:
        super().__init__(today)
        self.request = request

    def body(self) -> Iterable[Widget]:
        r = self.request
        yield from self.summary_field(r.summary)
        yield self.field(
            "window.start",
            "helprequests.edit.start",
            Input(formats.day(r.window.start, language()), compact=True),
        )
        yield self.field(
            "window.end", "helprequests.edit.end", Input(formats.day(r.window.end, language()), compact=True)
        )

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


class NewHelpRequestForm(ScreenedSummaryForm):
    """File a help request: what help, where, when (a period and the parts of the week), for whom."""

    TITLE_ID = "helprequests.new.title"
    HELP = "helprequests.new.help"

    def body(self) -> Iterable[Widget]:
        lang = language()
        tasks = [
            (Text(task.label(lang)), task.value) for task in Task if task is not Task.PERSOONLIJKE_VERZORGING
        ]
        yield self.field(
            "task", "helprequests.new.task", Select(tasks, prompt=t("caseload.form.choose"), compact=True)
        )
        yield from self.summary_field("")
        yield self.field("pc4", "helprequests.new.pc4", Input(compact=True))
        start = Input(formats.day(self.today, language()), compact=True)
        yield self.field("window.start", "helprequests.edit.start", start)
        yield self.field("window.end", "helprequests.edit.end", Input(compact=True))
        yield self.field("window.availability", "helprequests.new.slots", AvailabilityPicker())
        yield self.field("language", "helprequests.new.language", Input("nl", compact=True))
        who = [(Text(o.label(lang)), o.value) for o in OnBehalfOf]
        yield self.field(
            "on_behalf_of",
            "helprequests.new.for",
            Select(who, value="MANTELZORGER", allow_blank=False, compact=True),
        )
        yield self.field("subject_id", "helprequests.new.subject", Input(compact=True))
        yield self.field("recurrence", "helprequests.new.recurrence", Input(compact=True))
        yield self.field("requires_vog", None, Checkbox(t("helprequests.new.vog"), value=True, compact=True))

    def action_save(self) -> None:
        self.submit(roster.file_help_request, self.values())
