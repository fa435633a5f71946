"""The form that reports the own node's beds of one care type at one location.

A ``FormScreen``: the domain does the checking (``CapacityRecord.parse`` through
``services.capacity.update_capacity``), each ``FieldError`` shows under its field (``beds_total``,
``counts.FREE`` ...), the "every bed in one status" sum under the counts as a group (``counts``),
and a rejected save leaves every input as typed, so the person fixes one number instead of starting
over. Its own part is the layout: the numbers in one column, the capabilities beside them.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Input, Label, SelectionList

from veldclient.domain import BedStatus, Capability, CapacityRecord, CareType
from veldclient.screens.forms import FormScreen
from veldclient.screens.i18n import language, t
from veldclient.services.capacity import CapacityView, update_capacity


def _number(value: int | None) -> Input:
    """A count to type over; None (not yet reported) starts empty, there is nothing to start from.
    One line high, so the whole form fits on an 80×24 terminal."""
    return Input("" if value is None else str(value), compact=True)


class CapacityForm(FormScreen[CapacityRecord]):
    """Dismisses with the saved record, or None when cancelled."""

    HELP = "capacity.form.help"
    HINT_ID = "capacity.form.hint"
    ENTER_SAVES = True
    DEFAULT_CSS = """
    CapacityForm > #form-box { width: 104; }
    #capacity-form-columns { height: auto; }
    #capacity-form-counts { width: 52; height: auto; padding-right: 1; }
    #capacity-form-caps { width: 1fr; height: auto; }
    #capacity-form-counts .field Label { width: 22; }
    #capacity-form-counts .field Input { width: 14; }
    #capacity-form-columns .field-error { padding-left: 0; }
    #capacity-form-caps SelectionList { max-height: 12; }
    #capacity-form-caps > Label { width: 1fr; }
    """

    def __init__(self, view: CapacityView) -> None:
        super().__init__()
        self.view = view

    def title_text(self) -> str:
        care = CareType(self.view.care_type).label(language())
        return t("capacity.form.title", location=self.view.location_name, care_type=care)

    def body(self) -> Iterable[Widget]:
        v = self.view
        lang = language()
        counts = {status: v.count(status) for status in BedStatus}
        capabilities = SelectionList[str](
            *[(c.label(lang), c.value, c.value in v.capabilities) for c in Capability]
        )
        yield Horizontal(
            Vertical(
                self.field("beds_total", "capacity.form.beds_total", _number(v.beds_total)),
                self.group(
                    "counts",
                    *(
                        self.field(f"counts.{status.value}", None, _number(n), label=status.label(lang))
                        for status, n in counts.items()
                    ),
                ),
                id="capacity-form-counts",
            ),
            Vertical(
                Label(t("capacity.form.capabilities"), markup=False),
                self.field("capabilities", None, capabilities),
                id="capacity-form-caps",
            ),
            id="capacity-form-columns",
        )

    def action_save(self) -> None:
        self.submit(update_capacity, self.view.location_id, self.view.care_type, self.values())
