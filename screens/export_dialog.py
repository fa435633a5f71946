"""The volunteer export: ask for a file, write it in a worker, say what was held back.

``services.volunteer_export`` decides what goes in the CSV (task, window, parts of the week, PC4,
first name, non-medical notes; the street only after a confirmed match) and screens the summary for
what a volunteer may not see (a BSN, a date of birth, an e-mail address, health terms). When it finds
any, the notes stay out of the file and this screen shows the service's message in words and in the
warning colour, with where to fix the summary (s on the matching screen), so the coordinator can
export again.
A path that cannot be written is reported next to the field, which keeps what was typed. The file
is written in the volunteer's language: the app's own unless the coordinator picks the other.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Header, Input, Label, Select, Static

from veldclient.errors import ValidationError, VeldError
from veldclient.screens.base import KeySpec, VeldScreen
from veldclient.screens.i18n import language, t
from veldclient.screens.roster_labels import day
from veldclient.screens.widgets.fit_footer import FitFooter
from veldclient.services import roster_view, volunteer_export
from veldclient.services.roster_view import HelpRequestView
from veldclient.services.volunteer_export import ExportResult


def default_export_path(request_id: str) -> Path:
    """In the user's home folder, named after the request, so repeated exports overwrite one file."""
    return Path.home() / f"hulpvraag-{request_id[:8]}.csv"


class ExportScreen(VeldScreen):
    HELP = "helprequests.export.help"
    TITLE_ID = "helprequests.export.title"
    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        ("ctrl+s", "export", "helprequests.key.write"),
        ("escape", "close", "key.close"),
    )
    DEFAULT_CSS = """
    ExportScreen { align: center middle; }
    ExportScreen #export-box {
        width: 100; height: auto; border: round $primary; padding: 1 2; background: $surface;
    }
    ExportScreen #export-path { width: 1fr; }
    ExportScreen .held-back { color: $warning; text-style: bold; padding-top: 1; }
    ExportScreen #export-result { padding-top: 1; }
    ExportScreen #export-request { padding: 1 0; text-style: bold; }
    """

    def __init__(self, request_id: str) -> None:
        super().__init__()
        self.request_id = request_id
        self.result: ExportResult | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="export-box"):
            yield Static(t("helprequests.export.title"), classes="area-title")
            yield Static(t("table.loading"), id="export-request", markup=False)
            yield Static(t("helprequests.export.what"), classes="muted")
            yield Label(t("helprequests.export.path"))
            yield Input(str(default_export_path(self.request_id)), id="export-path")
            yield Static("", id="export-path-error", classes="field-error", markup=False)
            yield Label(t("helprequests.export.file_lang"))
            yield Select(
                [(t("settings.lang.nl"), "nl"), (t("settings.lang.en"), "en")],
                value=language(),
                allow_blank=False,
                id="export-lang",
                compact=True,
            )
            yield Static("", id="export-result", markup=False)
            yield Static("", id="export-held-back", markup=False)
        yield FitFooter()

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    def refresh_data(self) -> None:
        self.call(roster_view.help_request_view, self.request_id, done=self._show_request)

    def _show_request(self, view: HelpRequestView) -> None:
        r, lang = view.request, language()
        line = t(
            "helprequests.export.request",
            task=r.task.label(lang),
            pc4=r.pc4,
            start=day(r.window.start),
            end=day(r.window.end),
            status=r.status.label(lang),
        )
        self.query_one("#export-request", Static).update(line)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_export()

    def action_export(self) -> None:
        text = self.query_one("#export-path", Input).value.strip()
        if not text:
            self._field_error(t("helprequests.export.error.empty"))
            return
        self._field_error("")
        path = Path(text).expanduser()
        self.call(
            volunteer_export.export_for_volunteer,
            self.request_id,
            path,
            lang=str(self.query_one("#export-lang", Select).value),
            done=self._exported,
            failed=self._failed,
        )

    def _field_error(self, message: str) -> None:
        self.query_one("#export-path-error", Static).update(message)

    def _failed(self, error: VeldError) -> None:
        lang = language()
        if isinstance(error, ValidationError):
            self._field_error("\n".join(e.message(lang) for e in error.errors))
        else:
            self._field_error(error.message(lang))

    def _exported(self, result: ExportResult) -> None:
        self.result = result
        done = t("helprequests.export.done", path=str(result.path))
        if result.street_included:
            done += " " + t("helprequests.export.with_street")
        self.query_one("#export-result", Static).update(done)
        held = self.query_one("#export-held-back", Static)
        if result.held_back is not None:
            message = result.held_back[0 if language() == "nl" else 1]
            held.update(f"{message}\n{t('helprequests.export.fix_hint')}")
            held.add_class("held-back")
            self.notify(message, severity="warning", markup=False, timeout=10)
        else:
            held.update("")
            held.remove_class("held-back")
            self.notify(done, markup=False)

    def action_close(self) -> None:
        self.app.pop_screen()
