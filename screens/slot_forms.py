"""The two slot forms: publish slots of the own node, and book one slot for a client of the node.

Both are ``FormScreen``s: services/slots.py validates (the domain's ``Slot`` for service, start and
length; the count range; a client chosen), each problem shows under its field and what was typed
stays. The booking form chooses the client from the node's own clients by name; the booking it
writes names only the slot, the client goes into the client's case.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.content import Content
from textual.widget import Widget
from textual.widgets import Input, Select, Static

from veldclient.domain import Slot, formats
from veldclient.screens.forms import FormScreen
from veldclient.screens.i18n import language, t
from veldclient.services import slots


class PublishSlotsForm(FormScreen[list[Slot]]):
    """Dismisses with the published slots, or None when cancelled."""

    HELP = "slots.form.help"
    TITLE_ID = "slots.form.publish_title"
    HINT_ID = "slots.form.hint"
    ENTER_SAVES = True

    def __init__(self, start_at: str) -> None:
        super().__init__()
        self.start_at = start_at

    def body(self) -> Iterable[Widget]:
        yield self.field("service", "slots.form.service", Input("GP_CONSULT"))
        yield self.field("start_at", "slots.form.start_at", Input(self.start_at))
        yield self.field("minutes", "slots.form.minutes", Input("10"))
        yield self.field("count", "slots.form.count", Input("6"))

    def action_save(self) -> None:
        v = self.values()
        self.submit(
            slots.publish,
            service=v["service"],
            start_at=v["start_at"],
            minutes=v["minutes"],
            count=v["count"],
        )


class BookSlotForm(FormScreen[str]):
    """Dismisses with the booking id, or None when cancelled."""

    HELP = "slots.form.help"
    HINT_ID = "slots.form.hint"

    def __init__(self, slot: dict[str, Any], clients: list[tuple[str, str]]) -> None:
        super().__init__()
        self.slot = slot
        self.clients = clients

    def title_text(self) -> str:
        s = self.slot
        return t(
            "slots.form.book_title",
            when=formats.moment(s["start_at"], language()),
            service=s["service"],
            node=s["node_id"],
        )

    def body(self) -> Iterable[Widget]:
        yield Static(t("slots.form.book_hint"), classes="form-hint", markup=False)
        # names are typed by people: shown as typed, never read as markup
        choices = [(Content(name), cid) for cid, name in self.clients]
        yield self.field(
            "client_id", "slots.form.client", Select[str](choices, prompt=t("slots.form.choose_client"))
        )

    def action_save(self) -> None:
        self.submit(slots.book, self.slot["id"], self.values()["client_id"] or "")
