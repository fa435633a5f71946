"""Forms of the caseload: new client, new placement request (triage with live advice), offer, decline,
withdraw, discharge.

Each is a ``FormScreen`` (``screens/forms.py``): the service validates, errors show under their
fields and what was typed stays.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from rich.text import Text
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, SelectionList, Static

from veldclient.domain import (
    Capability,
    CareType,
    Client,
    DischargeDestination,
    PlacementRequest,
    ReferrerRole,
    Urgency,
    formats,
)
from veldclient.screens.duplicate_warning import OPEN, SAVE, DuplicateWarning
from veldclient.screens.forms import FormScreen
from veldclient.screens.i18n import language, t
from veldclient.services import caseload_view, clients, duplicates, placements
from veldclient.services import placement_flow as flow

TRIAGE = (
    ("instability", "caseload.form.instability"),
    ("unplanned_nursing", "caseload.form.unplanned_nursing"),
    ("adl_takeover", "caseload.form.adl_takeover"),
    ("wlz_indication", "caseload.form.wlz_indication"),
    ("specialist_needed", "caseload.form.specialist_needed"),
)


class ClientForm(FormScreen[Client]):
    """Register a client (nurse only; the service refuses other roles and says why)."""

    TITLE_ID = "caseload.form.client_title"

    def body(self) -> Iterable[Widget]:
        yield self.field("name", "caseload.form.name", Input(compact=True))
        yield self.field(
            "birth_date",
            "caseload.form.birth_date",
            Input(compact=True, placeholder=formats.day(date(1940, 5, 31), language())),
        )
        yield self.field("postcode", "caseload.form.postcode", Input(compact=True, placeholder="7511 JM"))
        yield self.field("bsn", "caseload.form.bsn", Input(compact=True))
        yield self.field("address", "caseload.form.address", Input(compact=True))
        yield self.field("gp_agb", "caseload.form.gp_agb", Input(compact=True))
        yield self.field("wlz_indicatie", None, Checkbox(t("caseload.form.wlz"), compact=True))

    def action_save(self) -> None:
        """Asks first when the client may already be registered; the service then saves as always."""
        if self.saving:
            return
        values = self.values()
        self.call(
            duplicates.possible,
            values,
            done=lambda found: self._checked(values, found),
            failed=self.show_errors,
        )

    def _checked(self, values: dict[str, Any], found: list[dict[str, Any]]) -> None:
        if not found:
            self.submit(clients.register_client, values)
            return

        def answered(answer: str | None) -> None:
            if answer == SAVE:
                self.submit(clients.register_client, values)
            elif answer == OPEN:
                from veldclient.screens.case_detail import CaseDetailScreen

                self.dismiss(None)
                self.app.push_screen(CaseDetailScreen(found[0]["id"]))

        self.app.push_screen(DuplicateWarning(found), answered)


def _options(enum: Iterable[Any]) -> list[tuple[Text, str]]:
    lang = language()
    return [(Text(member.label(lang)), member.value) for member in enum]


class PlacementForm(FormScreen[PlacementRequest]):
    """A placement request with triage: the suggested care type updates as boxes are ticked. The
    triage boxes and the advice sit under their heading, not in the field column, so their long
    sentences fit 80 columns."""

    DEFAULT_CSS = """
    PlacementForm .triage Checkbox { margin-left: 2; }
    PlacementForm .advice { padding-left: 2; }
    """

    def __init__(self, client_id: str, client_name: str, *, today: str, wlz: bool = False) -> None:
        super().__init__()
        self.client_id = client_id
        self.client_name = client_name
        self.today = today
        self.wlz = wlz

    def title_text(self) -> str:
        return t("caseload.form.request_title", name=self.client_name)

    def body(self) -> Iterable[Widget]:
        yield self.field("referrer.name", "caseload.form.referrer_name", Input(compact=True))
        yield self.field(
            "referrer.role",
            "caseload.form.referrer_role",
            Select(_options(ReferrerRole), prompt=t("caseload.form.choose"), compact=True),
        )
        yield self.field("referrer.agb", "caseload.form.referrer_agb", Input(compact=True))
        yield self.field(
            "urgency",
            "caseload.form.urgency",
            Select(_options(Urgency), prompt=t("caseload.form.choose"), compact=True),
        )
        yield Label(t("caseload.form.triage"), markup=False)
        for key, label_id in TRIAGE:
            box = Checkbox(t(label_id), value=self.wlz and key == "wlz_indication", compact=True)
            yield self.field(f"triage.{key}", None, box).add_class("triage")
        yield Static(self.advice_text(), id="advice", classes="advice", markup=False)
        yield self.field(
            "care_type",
            "caseload.form.care_type",
            Select(_options(CareType), prompt=t("caseload.form.choose"), compact=True),
        )
        capabilities = SelectionList[str](*_options(Capability), compact=True)
        yield self.field("required_capabilities", "caseload.form.capabilities", capabilities)
        yield self.field("desired_start", "caseload.form.desired_start", Input(self.today, compact=True))
        yield self.field("expected_end", "caseload.form.expected_end", Input(compact=True))

    def advice_text(self) -> str:
        """The ELV rules applied to what is ticked now (pure domain code, no I/O)."""
        triage = {key: False for key, _ in TRIAGE}
        triage["wlz_indication"] = self.wlz
        for name, widget in self.fields.items():
            if name.startswith("triage.") and isinstance(widget, Checkbox):
                triage[name.split(".", 1)[1]] = widget.value
        return t("caseload.form.advice", reason=placements.advise(triage).reason(language()))

    def on_checkbox_changed(self, _event: Checkbox.Changed) -> None:
        self.query_one("#advice", Static).update(self.advice_text())

    def action_save(self) -> None:
        self.submit(placements.file_placement_request, self.client_id, self.values())


class OfferForm(FormScreen[dict[str, Any]]):
    """Offer a bed at one of the own node's locations that report this care type."""

    TITLE_ID = "caseload.form.offer_title"

    def __init__(self, request_id: str, care_type: str) -> None:
        super().__init__()
        self.request_id = request_id
        self.care_type = care_type

    def body(self) -> Iterable[Widget]:
        select: Select[str] = Select([], prompt=t("caseload.form.choose"), compact=True)
        yield self.field("location_id", "caseload.form.location", select)

    def on_mount(self) -> None:
        super().on_mount()
        self.call(caseload_view.offer_options, self.care_type, done=self._options)

    def _options(self, rows: list[Mapping[str, Any]]) -> None:
        select = self.fields["location_id"]
        assert isinstance(select, Select)
        if not rows:
            self._put("err-general", t("caseload.form.no_locations"))
            return
        select.set_options(
            (
                Text(
                    t("caseload.form.location_unreported", name=r["location_name"])
                    if r["free"] is None  # nobody reported its beds yet: unknown, not free
                    else t("caseload.form.location_option", name=r["location_name"], free=r["free"])
                ),
                r["location_id"],
            )
            for r in rows
        )
        select.value = rows[0]["location_id"]

    def action_save(self) -> None:
        values = self.values()
        self.submit(flow.offer, self.request_id, values.get("location_id") or "", self.care_type)


class DeclineForm(FormScreen[dict[str, Any]]):
    """Decline a request (receiving node) or one offer (sending node), with an optional note."""

    TITLE_ID = "caseload.form.decline_title"

    def __init__(self, request_id: str, offer_id: str | None = None) -> None:
        super().__init__()
        self.request_id = request_id
        self.offer_id = offer_id

    def body(self) -> Iterable[Widget]:
        yield self.field("reason", "caseload.form.reason", Input(compact=True))

    def action_save(self) -> None:
        reason = self.values()["reason"] or None
        self.submit(flow.decline, self.request_id, self.offer_id, reason=reason)


class WithdrawForm(FormScreen[dict[str, Any]]):
    """Withdraw the own request (no offer id: it is cancelled) or one offer the own node made.
    Saving the form is the confirmation: neither step can be undone."""

    TITLE_ID = "caseload.form.withdraw_title"

    def __init__(self, request_id: str, offer_id: str | None = None) -> None:
        super().__init__()
        self.request_id = request_id
        self.offer_id = offer_id

    def title_text(self) -> str:
        return t("caseload.form.withdraw_offer_title" if self.offer_id else self.TITLE_ID)

    def body(self) -> Iterable[Widget]:
        yield self.field("reason", "caseload.form.reason", Input(compact=True))

    def action_save(self) -> None:
        reason = self.values()["reason"] or None
        if self.offer_id is None:
            self.submit(flow.cancel, self.request_id, reason=reason)
        else:
            self.submit(flow.withdraw, self.request_id, self.offer_id, reason=reason)


class DischargeForm(FormScreen[dict[str, Any]]):
    """Record the discharge of a client admitted at the own node, and where they go."""

    TITLE_ID = "caseload.form.discharge_title"

    def __init__(self, request_id: str) -> None:
        super().__init__()
        self.request_id = request_id

    def body(self) -> Iterable[Widget]:
        options = [(Text(d.label(language())), d.value) for d in DischargeDestination]
        select: Select[str] = Select(options, prompt=t("caseload.form.choose"), compact=True)
        yield self.field("destination", "caseload.form.destination", select)

    def action_save(self) -> None:
        self.submit(flow.discharge, self.request_id, self.values().get("destination") or "")


__all__ = [
    "ClientForm",
    "DeclineForm",
    "DischargeForm",
    "OfferForm",
    "PlacementForm",
    "WithdrawForm",
]
