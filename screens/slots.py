"""Micro-capacity slots (F11): the slots of every node or of the own node, their state, and the
three steps on them: publish (own node), book (any node's free slot, for a client of the own node)
and release (the own node's booking).

A table over ``services.slots.slot_table``. A booking is shown by the nodes that hold it, never by
client: who a slot is for is only in the client's case. Two bookings of one slot made while apart
show as "Dubbel geboekt" here and as a conflict in the inbox (F7). Release asks once more before
it is done: the slot may be gone to another node by the time one wants it back.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Header, Static

from veldclient.domain import Slot, formats
from veldclient.domain.enums import service_label
from veldclient.screens.base import KeySpec, VeldScreen
from veldclient.screens.confirm import ask
from veldclient.screens.i18n import language, t
from veldclient.screens.slot_forms import BookSlotForm, PublishSlotsForm
from veldclient.screens.widgets.columns import Col, FitTable
from veldclient.screens.widgets.fit_footer import FitFooter
from veldclient.services import slots

# When, what, whose and its state stay from 80 columns up; the rest folds under the table.
COLUMNS = (
    Col("slots.col.when", 16, priority=0, keep=True),
    Col("slots.col.minutes", 3, priority=4),
    Col("slots.col.service", 12, priority=2, keep=True),
    Col("slots.col.node", 16, min=10, priority=3, keep=True),
    Col("slots.col.state", 14, priority=1, keep=True),
    Col("slots.col.booked_by", 24, priority=5, grow=True),
)


class SlotsScreen(VeldScreen):
    HELP = "slots.help"
    TITLE_ID = "slots.title"
    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        ("p", "publish", "slots.key.publish"),
        ("b", "book", "slots.key.book"),
        ("u", "release", "slots.key.release"),
        ("a", "scope", "slots.key.scope"),
        ("r", "refresh", "key.refresh"),
    )
    DEFAULT_CSS = """
    #slots-table { height: 1fr; }
    #slots-count, #slots-status { height: auto; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.own_only = False
        self.rows: dict[str, dict[str, Any]] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(t("slots.title"), classes="area-title")
        yield Static("", id="slots-count", markup=False)
        yield FitTable(COLUMNS, id="slots-table")  # its status line names the bookers: no fold line
        yield Static("", id="slots-status", markup=False)
        yield FitFooter()

    # -- data ------------------------------------------------------------------------------------

    def refresh_data(self) -> None:
        node = self.veld.session.actor.node_id if self.own_only else None
        self.call(slots.slot_table, node, done=self._loaded)

    def _loaded(self, rows: list[dict[str, Any]]) -> None:
        lang = 1 if language() == "en" else 0
        self.rows = {r["id"]: r for r in rows}
        cells = (
            (
                r["id"],
                [
                    Text(x)
                    for x in (
                        formats.moment(r["start_at"], language()),
                        str(r["minutes"]),
                        service_label(r["service"], language()),
                        r["node_id"],
                        slots.STATE_NAMES[r["state"]][lang],
                        self._bookers(r),
                    )
                ],
            )
            for r in rows
        )
        self.query_one(FitTable).set_rows(cells)
        free = sum(1 for r in rows if r["state"] == "free")
        node = self.veld.session.actor.node_id
        count = (
            t("slots.count_own", n=len(rows), node=node, free=free)
            if self.own_only
            else t("slots.count_all", n=len(rows), free=free)
        )
        self.query_one("#slots-count", Static).update(count if rows else t("slots.none"))
        self._show_status()

    @staticmethod
    def _bookers(slot: dict[str, Any]) -> str:
        by = ", ".join(slot["booked_by_nodes"])
        return t("slots.own_booking", nodes=by) if slot["own_booking"] else by

    def current(self) -> dict[str, Any] | None:
        key = self.query_one(FitTable).current_key()
        return self.rows.get(key) if key is not None and self.rows else None

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show_status()

    def _show_status(self, text: str = "") -> None:
        """What is asked, else the highlighted slot's bookers (the column is cut off on a narrow
        terminal), with the way to the inbox for a double booking."""
        slot = self.current()
        if not text and slot is not None and slot["booked_by_nodes"]:
            text = t("slots.booked_by", nodes=self._bookers(slot))
            if slot["state"] == "double_booked":
                text += " · " + t("slots.double")
        self.query_one("#slots-status", Static).update(text)

    # -- actions ---------------------------------------------------------------------------------

    def action_refresh(self) -> None:
        self.refresh_data()

    def action_scope(self) -> None:
        self.own_only = not self.own_only
        self.refresh_data()

    def action_publish(self) -> None:
        session = self.veld.session
        if session.actor.role not in slots.PUBLISHERS:
            self.notify(t("slots.not_publisher"), severity="warning", markup=False)
            return
        self.app.push_screen(
            PublishSlotsForm(slots.suggested_start(session, language())), callback=self._published
        )  # type: ignore[arg-type]

    def _published(self, made: list[Slot] | None) -> None:
        self.query_one(FitTable).focus()
        if made:
            self.notify(t("slots.published", n=len(made)), markup=False)
            self.refresh_data()

    def _booker_slot(self) -> dict[str, Any] | None:
        """The highlighted slot, when the role books and releases slots (else say why not)."""
        if self.veld.session.actor.role not in slots.BOOKERS:
            self.notify(t("slots.not_booker"), severity="warning", markup=False)
            return None
        return self.current()

    LIT_WHEN_REFUSED = frozenset({"book", "release"})

    def refusal(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """Booking and releasing need a highlighted slot (the role is checked when pressed)."""
        if action in ("book", "release") and self.is_mounted and self.current() is None:
            return t("refusal.nothing_chosen")
        return None

    def action_book(self) -> None:
        slot = self._booker_slot()
        if slot is None:
            return
        if slot["state"] != "free":
            self.notify(t("slots.not_free"), severity="warning", markup=False)
            return
        self.call(slots.bookable_clients, done=lambda clients: self._choose_client(slot, clients))

    def _choose_client(self, slot: dict[str, Any], clients: list[tuple[str, str]]) -> None:
        if not clients:
            self.notify(t("slots.no_clients"), severity="warning", markup=False)
            return
        self.app.push_screen(BookSlotForm(slot, clients), callback=lambda booked: self._booked(slot, booked))

    def _booked(self, slot: dict[str, Any], booking_id: str | None) -> None:
        self.query_one(FitTable).focus()
        if booking_id:
            self.notify(t("slots.booked", when=formats.moment(slot["start_at"], language())), markup=False)
            self.refresh_data()

    def action_release(self) -> None:
        slot = self._booker_slot()
        if slot is None:
            return
        if not slot["own_booking"]:
            self.notify(t("slots.not_own_booking"), severity="warning", markup=False)
            return
        question = t("slots.confirm_release", when=formats.moment(slot["start_at"], language()))
        ask(self.app, question, lambda: self.call(slots.release_slot, slot["id"], done=self._released))

    def _released(self, _booking_id: str) -> None:
        self.notify(t("slots.released"), markup=False)
        self.refresh_data()
