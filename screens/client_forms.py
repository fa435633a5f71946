"""Forms on one client: change their details and address, record a visit with a note.

Both are ``FormScreen``s (screens/forms.py): the service validates, errors show under their fields
and what was typed stays.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from rich.text import Text
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select

from veldclient.domain import Client, Visit, VisitStatus, formats
from veldclient.screens.caseload_forms import ClientForm
from veldclient.screens.forms import FormScreen
from veldclient.screens.i18n import language, t
from veldclient.services import clients


class EditClientForm(ClientForm):
    """The registration form, filled with what the case holds now; saving changes the case."""

    ASK_BEFORE_DISCARD = True  # an address typed in full is worth a question before it is lost

    def __init__(self, client: Client) -> None:
        super().__init__()
        self.client = client

    def title_text(self) -> str:
        return t("caseload.client.edit_title", name=self.client.name)

    def on_mount(self) -> None:
        stored = self.client.to_dict()
        for name, widget in self.fields.items():
            value = stored.get(name)
            held = getattr(self.client, name, None)
            if isinstance(held, date):  # typed the way this language writes a date; both are read
                value = formats.day(held, language())
            if isinstance(widget, Checkbox):
                widget.value = bool(value)
            elif isinstance(widget, Input):
                widget.value = "" if value is None else str(value)
        super().on_mount()  # what the form opened with, so Escape knows whether anything changed

    def action_save(self) -> None:
        self.submit(clients.update_client, self.client.id, self.values())


class VisitForm(FormScreen[Visit]):
    """A visit: when, how long, its state and the nurse's note; the time defaults to now."""

    ASK_BEFORE_DISCARD = True  # a note is costly to type again

    def __init__(self, client_id: str, client_name: str, *, now_ms: int) -> None:
        super().__init__()
        self.client_id = client_id
        self.client_name = client_name
        self.now = formats.moment(now_ms, language())

    def title_text(self) -> str:
        return t("caseload.client.visit_title", name=self.client_name)

    def body(self) -> Iterable[Widget]:
        yield self.field(
            "planned_start_at",
            "caseload.client.planned_start_at",
            Input(self.now, compact=True, placeholder=self.now),
        )
        yield self.field("planned_minutes", "caseload.client.planned_minutes", Input("30", compact=True))
        lang = language()
        states = [(Text(s.label(lang)), s.value) for s in VisitStatus]
        select: Select[str] = Select(states, value=VisitStatus.PLANNED.value, allow_blank=False, compact=True)
        yield self.field("status", "caseload.client.visit_status", select)
        yield self.field("note", "caseload.client.note", Input(compact=True))

    def action_save(self) -> None:
        self.submit(clients.record_visit, self.client_id, self.values())


__all__ = ["EditClientForm", "VisitForm"]
