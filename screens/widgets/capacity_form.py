"""The form that reports the own node's beds of one care type at one location.

The domain does the checking (``CapacityRecord.parse`` through ``services.capacity.update_capacity``),
so the form checks nothing itself: it sends what was typed and shows each ``FieldError`` under its
field (``beds_total``, ``counts.FREE`` ... and ``counts`` for the "every bed in one status" sum). A
rejected save leaves every input as typed, so the person fixes one number instead of starting over.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, SelectionList, Static

from veldclient.domain import BedStatus, Capability, CapacityRecord, CareType
from veldclient.errors import ValidationError, VeldError
from veldclient.screens.base import KeySpec, LocalisedKeys, ServiceCaller, error_text
from veldclient.screens.i18n import language, t
from veldclient.services.capacity import CapacityView, update_capacity

COUNT_FIELDS = tuple(f"counts.{s.value}" for s in BedStatus)
FIELDS = ("beds_total", *COUNT_FIELDS)
ERROR_SLOTS = (*FIELDS, "counts", "capabilities")  # every field that has its own error line


def dom_id(field: str) -> str:
    """DOM ids cannot hold dots: ``counts.FREE`` -> ``counts-FREE``."""
    return field.replace(".", "-")


class CapacityForm(LocalisedKeys, ServiceCaller, ModalScreen[CapacityRecord | None]):
    """Dismisses with the saved record, or None when cancelled."""

    HELP: ClassVar[str] = "capacity.form.help"
    KEYS: ClassVar[tuple[KeySpec, ...]] = (("ctrl+s", "save", "key.save"), ("escape", "cancel", "key.cancel"))
    DEFAULT_CSS = """
    CapacityForm { align: center middle; }
    #capacity-form { width: 104; height: auto; max-height: 100%; border: thick $primary;
                     background: $surface; padding: 0 1; }
    #capacity-form .form-title { text-style: bold; color: $primary; height: auto; }
    #capacity-form-columns { height: auto; }
    #capacity-form-counts { width: 52; height: auto; }
    #capacity-form-caps { width: 1fr; height: auto; }
    #capacity-form .form-row { height: 3; }
    #capacity-form .form-row Label { width: 22; padding-top: 1; }
    #capacity-form .form-row Input { width: 14; }
    #capacity-form .field-error { display: none; }
    #capacity-form .field-error.-shown { display: block; }
    #capacity-form SelectionList { height: auto; max-height: 12; }
    """

    def __init__(self, view: CapacityView) -> None:
        super().__init__()
        self.use_own_keys()
        self.view = view
        self.errors: dict[str, list[str]] = {}  # slot -> messages shown under it

    def compose(self) -> ComposeResult:
        v = self.view
        lang = language()
        care = CareType(v.care_type).label(lang)
        values = {"beds_total": v.beds_total} | {f"counts.{s.value}": v.count(s) for s in BedStatus}
        labels = {"beds_total": t("capacity.form.beds_total")}
        labels |= {f"counts.{s.value}": s.label(lang) for s in BedStatus}
        with Vertical(id="capacity-form"):
            yield Static(
                t("capacity.form.title", location=v.location_name, care_type=care),
                classes="form-title",
                markup=False,
            )
            yield Static(t("capacity.form.hint"), classes="muted", markup=False)
            yield Static("", id="error-general", classes="field-error", markup=False)
            with Horizontal(id="capacity-form-columns"):
                with Vertical(id="capacity-form-counts"):
                    for field in FIELDS:
                        with Horizontal(classes="form-row"):
                            yield Label(labels[field], markup=False)
                            value = values[field]  # None: not yet reported, nothing to start from
                            yield Input("" if value is None else str(value), id=f"in-{dom_id(field)}")
                        yield Static("", id=f"error-{dom_id(field)}", classes="field-error", markup=False)
                    yield Static("", id="error-counts", classes="field-error", markup=False)
                with Vertical(id="capacity-form-caps"):
                    yield Label(t("capacity.form.capabilities"), markup=False)
                    yield SelectionList[str](
                        *[(c.label(lang), c.value, c.value in v.capabilities) for c in Capability],
                        id="in-capabilities",
                    )
                    yield Static("", id="error-capabilities", classes="field-error", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#in-beds_total", Input).focus()

    # -- saving ----------------------------------------------------------------------------------

    def raw(self) -> dict[str, Any]:
        """What was typed, as the service takes it (the domain parses and checks)."""
        value = {field: self.query_one(f"#in-{dom_id(field)}", Input).value for field in FIELDS}
        return {
            "beds_total": value["beds_total"],
            "counts": {field.split(".", 1)[1]: value[field] for field in COUNT_FIELDS},
            "capabilities": list(self.query_one("#in-capabilities", SelectionList).selected),
        }

    def action_save(self) -> None:
        self._clear_errors()
        v = self.view
        self.call(
            update_capacity, v.location_id, v.care_type, self.raw(), done=self.dismiss, failed=self._failed
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _failed(self, error: VeldError) -> None:
        if not isinstance(error, ValidationError):
            self._show_error("general", error_text(error))
            return
        lang = language()
        first: str | None = None
        for problem in error.errors:
            slot = problem.field if problem.field in ERROR_SLOTS else "general"
            self._show_error(slot, problem.message(lang))
            if first is None and problem.field in FIELDS:
                first = problem.field
        if first is not None:
            self.query_one(f"#in-{dom_id(first)}", Input).focus()

    def _show_error(self, slot: str, text: str) -> None:
        self.errors.setdefault(slot, []).append(text)
        line = self.query_one(f"#error-{dom_id(slot)}", Static)
        line.update("\n".join(self.errors[slot]))
        line.add_class("-shown")

    def _clear_errors(self) -> None:
        self.errors.clear()
        for line in self.query(".field-error").results(Static):
            line.update("")
            line.remove_class("-shown")
