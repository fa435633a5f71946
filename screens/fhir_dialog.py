"""The FHIR export in the app: choose a folder, write the capacity as a FHIR Bundle, say where.

Opened from the capacity board (F3, key f, also in the palette). The work is one call of
``services.fhir_export.export_capacity`` in the App's worker, exactly what `veld fhir export` runs;
the file holds no personal data, so every role may write it. A folder that cannot be used is
reported next to the field, which keeps what was typed.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Checkbox, Header, Input, Label, Static

from veldclient.errors import VeldError
from veldclient.screens.base import KeySpec, VeldScreen
from veldclient.screens.i18n import language, t
from veldclient.screens.widgets.fit_footer import FitFooter
from veldclient.services import fhir_export
from veldclient.services.fhir_export import FhirExport


class FhirExportScreen(VeldScreen):
    HELP = "fhir.help"
    TITLE_ID = "fhir.title"
    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        ("ctrl+s", "export", "fhir.key.export"),
        ("escape", "close", "key.close"),
    )
    DEFAULT_CSS = """
    FhirExportScreen #fhir-box { height: auto; padding: 1 2; }
    FhirExportScreen #fhir-folder { width: 1fr; }
    FhirExportScreen #fhir-result { padding-top: 1; }
    """

    def __init__(self, folder: Path | None = None) -> None:
        super().__init__()
        self.folder = folder or Path.home()
        self.result: FhirExport | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="fhir-box"):
            yield Static(t("fhir.title"), classes="area-title")
            yield Static(t("fhir.what"), classes="muted")
            yield Label(t("fhir.folder"))
            yield Input(str(self.folder), id="fhir-folder")
            yield Static("", id="fhir-error", classes="field-error", markup=False)
            yield Checkbox(t("fhir.own_only"), id="fhir-own")
            yield Static("", id="fhir-result", markup=False)
        yield FitFooter()

    def on_mount(self) -> None:
        self.query_one("#fhir-folder", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_export()

    def action_export(self) -> None:
        text = self.query_one("#fhir-folder", Input).value.strip()
        if not text:
            self._error(t("fhir.no_folder"))
            return
        self._error("")
        self.query_one("#fhir-result", Static).update(t("fhir.working"))
        own = self.query_one("#fhir-own", Checkbox).value
        self.call(
            fhir_export.export_capacity,
            Path(text).expanduser(),
            node_id=self.veld.session.actor.node_id if own else None,
            done=self._exported,
            failed=self._failed,
        )

    def _error(self, message: str) -> None:
        self.query_one("#fhir-error", Static).update(message)

    def _failed(self, error: VeldError) -> None:
        message = error.message(language())
        self.query_one("#fhir-result", Static).update("")
        self._error(message)
        self.notify(message, severity="error", markup=False)

    def _exported(self, result: FhirExport) -> None:
        self.result = result
        text = t("fhir.done", n=result.total, path=str(result.path))
        self.query_one("#fhir-result", Static).update(text)
        self.notify(text, markup=False)

    def action_close(self) -> None:
        self.app.pop_screen()
