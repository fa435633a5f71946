"""F9 Settings → devices (admin): the paired devices, the invitations issued, and the steps on them.

I writes a one-time invitation for a new laptop (services/enrolment.py, exactly what ``veld peers
invite`` runs) and shows this machine's device id, which the laptop shows after ``veld join``: the
two people compare it. U unpairs and R revokes the chosen device; both ask first, since revoking
cannot be undone and unpairing stops the sync with it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Header, Input, Select, Static

from veldclient.domain.enums import role_label
from veldclient.profile import ROLES
from veldclient.screens.background_sync import relay_reach_lines
from veldclient.screens.base import KeySpec, VeldScreen, role_name
from veldclient.screens.case_detail import when_text
from veldclient.screens.confirm import Confirm
from veldclient.screens.forms import FormScreen
from veldclient.screens.i18n import language, t
from veldclient.screens.widgets.columns import Col, FitTable, FoldLine
from veldclient.screens.widgets.fit_footer import FitFooter
from veldclient.services import enrolment, relay, serving
from veldclient.services import peers as peer_service

# Who, what state and where stay from 80 columns up; the long device id folds under the table.
COLUMNS = (
    Col("devices.col.name", 24, min=14, priority=0, keep=True),
    Col("devices.col.node", 18, min=10, priority=2, keep=True),
    Col("devices.col.role", 12, priority=3),
    Col("devices.col.state", 16, priority=1, keep=True),
    Col("devices.col.device", 24, priority=4, grow=True),
)

Overview = tuple[list[dict[str, Any]], list[dict[str, Any]], str | None, dict[str, Any]]


def overview(session: Any) -> Overview:
    """One worker call: (paired devices, invitations issued, where this machine serves, the relay's
    status)."""
    return (
        peer_service.status(session),
        enrolment.list_invitations(session),
        serving.address(session),
        relay.status(session),
    )


def relay_lines(found: dict[str, Any]) -> str:
    """The relay's reach (background_sync.relay_reach_lines) and, per paired device, whether it holds
    what it may see (only its acknowledgement counts), is left at the relay, or is still to send;
    empty without a relay."""
    if not found["configured"]:
        return ""
    index = 1 if language() == "en" else 0
    states = [
        "  "
        + t("devices.relay_peer", name=p["name"], node=p["node"], state=relay.STATE_NAMES[p["state"]][index])
        for p in found["peers"]
    ]
    return "\n".join([*relay_reach_lines(found), *states])


class InviteForm(FormScreen[dict[str, Any]]):
    """The invitation's role, lifetime, this machine's address, the laptop's name and the file."""

    TITLE_ID = "devices.form.title"
    HINT_ID = "devices.form.hint"
    HELP = "devices.help"
    ENTER_SAVES = True
    DEFAULT_CSS = """
    InviteForm .address-note { color: $text-muted; padding-left: 36; height: auto; }
    """

    def __init__(self, address: str = "") -> None:
        super().__init__()
        self.address = address

    def body(self) -> Iterable[Widget]:
        yield self.field(
            "role",
            "devices.form.role",
            Select([(role_label(r, language()), r) for r in ROLES], value="nurse", allow_blank=False),
        )
        yield self.field("expires", "devices.form.expires", Input("24h", compact=True))
        # empty when this machine has only served on loopback: a laptop could not reach that. Why is
        # said under the field, where it wraps (as a placeholder it was cut at 80 columns)
        yield self.field(
            "address",
            "devices.form.address",
            Input(self.address, placeholder=t("devices.form.address_placeholder"), compact=True),
        )
        if not self.address:
            yield Static(t("devices.form.address_unknown"), classes="address-note", markup=False)
        yield self.field("name", "devices.form.name", Input("", compact=True))
        yield self.field("out", "devices.form.out", Input("", compact=True))

    def action_save(self) -> None:
        v = self.values()
        self.submit(
            enrolment.issue_invitation,
            v["out"],
            role=v["role"],
            expires=v["expires"],
            address=v["address"],
            name=v["name"],
        )


class DevicesScreen(VeldScreen):
    HELP = "devices.help"
    TITLE_ID = "devices.title"
    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        ("i", "invite", "devices.key.invite"),
        ("u", "unpair", "devices.key.unpair"),
        ("r", "revoke", "devices.key.revoke"),
        ("escape", "close", "key.close"),
    )
    DEFAULT_CSS = """
    DevicesScreen #devices-box { height: auto; padding: 0 1; }
    DevicesScreen #devices-table { height: auto; max-height: 14; }
    DevicesScreen .devices-heading { text-style: bold; padding-top: 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.devices: list[dict[str, Any]] = []
        self.serving_at = ""

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="devices-box"):
            yield Static(t("devices.title"), classes="area-title")
            yield Static(t("devices.this_device", device=self.veld.session.device.display_id), markup=False)
            yield Static(t("devices.paired"), classes="devices-heading")
            yield FitTable(COLUMNS, id="devices-table")
            yield FoldLine("devices-table")
            yield Static("", id="devices-none", classes="muted", markup=False)
            yield Static("", id="devices-relay", markup=False)
            yield Static(t("devices.invitations"), classes="devices-heading")
            yield Static("", id="devices-invitations", markup=False)
            yield Static("", id="devices-result", markup=False)
        yield FitFooter()

    def refresh_data(self) -> None:
        self.call(overview, done=self._show)

    def _show(self, found: Overview) -> None:
        self.devices, issued, serving_at, relayed = found
        self.query_one("#devices-relay", Static).update(relay_lines(relayed))
        self.serving_at = serving_at or ""
        rows = []
        for d in self.devices:
            state = t("devices.revoked") if d["revoked"] else when_text(d["last_contact"])
            cells = (d["name"], d["node_id"], role_name(d["role"]), state, d["display_id"])
            rows.append((d["device_id"], [Text(str(c)) for c in cells]))
        self.query_one("#devices-table", FitTable).set_rows(rows)
        self.query_one("#devices-none", Static).update("" if self.devices else t("devices.none"))
        lines = [
            t(
                "devices.invitation",
                id=i["invitation_id"],
                role=role_name(i["role"]),
                state=enrolment.STATE_NAMES[i["state"]][1 if language() == "en" else 0],
                until=when_text(i["expires_at"]),
                used=i["used_by_display_id"] or "",
            )
            for i in issued
        ]
        self.query_one("#devices-invitations", Static).update("\n".join(lines) or t("devices.no_invitations"))

    def _chosen(self) -> dict[str, Any] | None:
        table = self.query_one("#devices-table", FitTable)
        if not self.devices or table.cursor_row < 0 or table.cursor_row >= len(self.devices):
            self.notify(t("devices.choose"), markup=False)
            return None
        return self.devices[table.cursor_row]

    # -- invite ------------------------------------------------------------------------------------

    def action_invite(self) -> None:
        self.app.push_screen(InviteForm(self.serving_at), self._invited)

    def _invited(self, info: dict[str, Any] | None) -> None:
        if info is None:
            return
        text = t(
            "devices.invited",
            file=info["file"],
            role=role_name(info["role"]),
            until=when_text(info["expires_at"]),
            device=info["node_machine_display_id"],
        )
        self.query_one("#devices-result", Static).update(text)
        self.notify(text, markup=False, timeout=15)
        self.veld.ensure_sync_agent()  # the laptop's first contact needs this machine to serve
        self.refresh_data()

    # -- unpair and revoke, each after a yes -------------------------------------------------------

    def action_unpair(self) -> None:
        self._after_yes("confirm_unpair", peer_service.remove_peer, self._unpaired)

    def action_revoke(self) -> None:
        self._after_yes("confirm_revoke", peer_service.revoke_device, self._revoked)

    def _after_yes(self, question: str, step: Any, done: Any) -> None:
        device = self._chosen()
        if device is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.call(step, device["device_id"], done=done)

        asked = t(f"devices.{question}", name=device["name"], device=device["display_id"])
        self.app.push_screen(Confirm(asked), answered)

    def _unpaired(self, peer: Any) -> None:
        self._done(t("devices.unpaired", name=peer.name))

    def _revoked(self, device_id: str) -> None:
        from veldclient.identity import format_device_id

        self._done(t("devices.revoked_done", device=format_device_id(device_id)))

    def _done(self, text: str) -> None:
        self.query_one("#devices-result", Static).update(text)
        self.notify(text, markup=False)
        self.refresh_data()

    def action_close(self) -> None:
        self.app.pop_screen()
