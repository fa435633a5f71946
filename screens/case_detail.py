"""One case and one placement request: what the caseload opens with Enter.

The case screen shows the client as the role may see them, the client's requests with their response
targets, and a timeline built from the documents' event history (what, who, when, on which device),
so steps merged in from other devices show up as they arrive. The request screen is where a request
moves: ranked candidate locations and *send* for the own node's request, *accept*/*decline* for the
offers that came back; *offer* and *decline* for a request another node sent here.

Every table cell is a ``rich.text.Text`` (never a str, which DataTable would parse as markup), and
every line of user text is a ``Static(markup=False)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Footer, Header, Static

from veldclient.domain import Capability, CareType, PlacementStatus, VisitStatus
from veldclient.domain import placement_flow as flow_rules
from veldclient.domain.fields import LOCAL_TZ
from veldclient.screens.base import KeySpec, VeldScreen
from veldclient.screens.caseload_forms import DeclineForm, OfferForm, PlacementForm
from veldclient.screens.confirm import ask
from veldclient.screens.i18n import language, t
from veldclient.services import caseload_view
from veldclient.services import placement_flow as flow
from veldclient.services.caseload_view import CaseDetail, RequestDetail
from veldclient.services.placements import OPEN_STATUSES, overdue_ms, timers

SEARCHING_STATUSES = frozenset(s.value for s in flow_rules.SEARCHING)

# --- how states read (shared with the caseload list) ---------------------------------------------------


def when_text(ms: int | None) -> str:
    """A moment in Dutch wall-clock time; stored times are UTC epoch ms."""
    if ms is None:
        return ""
    return datetime.fromtimestamp(ms / 1000, LOCAL_TZ).strftime("%d-%m-%Y %H:%M")


def duration(ms: int) -> str:
    minutes = abs(ms) // 60_000
    return f"{minutes // 60}:{minutes % 60:02d}"


def status_text(code: str | None) -> str:
    try:
        return PlacementStatus(code).label(language()) if code else ""
    except ValueError:
        return str(code)


def care_text(code: str | None) -> str:
    try:
        return CareType(code).label(language()) if code else ""
    except ValueError:
        return str(code)


def capability_text(code: str) -> str:
    try:
        return Capability(code).label(language())
    except ValueError:
        return code


TIMERS = (
    ("reply", "caseload.target.reply_left", "caseload.target.reply_late"),
    ("placed", "caseload.target.place_left", "caseload.target.place_late"),
)


def target(row: Mapping[str, Any]) -> tuple[str, str | None]:
    """The response target that matters now, as text and a tone (error: missed, warning: soon).

    A missed target comes first, because that is what the "missed target" filter is about: when
    both were missed, the one missed by the most. Otherwise the timer that still runs (the reply
    before the placement), and after that whether the targets were met."""
    states = (row.get("reply_state"), row.get("placed_state"))
    tone = "error" if "breached" in states else "warning" if "soon" in states else None
    missed = [
        (overdue, late_id)
        for which, _left_id, late_id in TIMERS
        if (overdue := overdue_ms(row, which)) is not None
    ]
    if missed:
        overdue, late_id = max(missed)
        running = any(row.get(f"{which}_left_ms") is not None for which, _l, _m in TIMERS)
        open_now = running or row.get("status") in OPEN_STATUSES
        return t(late_id, time=duration(overdue)), "error" if open_now else None
    for which, left_id, _late_id in TIMERS:
        left = row.get(f"{which}_left_ms")
        if left is not None:
            return t(left_id, time=duration(left)), tone
    if "breached" in states:
        return t("caseload.target.met_late"), "error" if row.get("status") in OPEN_STATUSES else None
    if "ok" in states:
        return t("caseload.target.met"), None
    return "", None


PLACES = {
    "OFFERED": "caseload.event.offered",
    "ACCEPTED": "caseload.event.accepted",
    "ADMITTED": "caseload.event.admitted",
    "DISCHARGED": "caseload.event.discharged",
}


def event_text(entry: Mapping[str, Any]) -> str:
    """What one timeline event means, in words (names come from the service, never from markup)."""
    kind = entry["type"]
    data = entry.get("data") or {}
    node = data.get("node_name") or data.get("to_node_name") or entry.get("node_name") or ""
    place = ", ".join(p for p in (data.get("location_name"), care_text(data.get("care_type"))) if p)
    if kind == "CREATED":
        what = t("caseload.event.created")
    elif kind == "VISIT":
        try:
            visit = VisitStatus(str(data.get("status"))).label(language())
        except ValueError:
            visit = str(data.get("status") or "")
        what = t("caseload.event.visit", status=visit)
    elif kind == "ARCHIVED":
        what = t("caseload.event.archived")
    elif kind == "SENT":
        what = t("caseload.event.sent", node=data.get("to_node_name") or "")
    elif kind == "DECLINED":
        what = t(
            "caseload.event.declined_offer" if "offer_id" in data else "caseload.event.declined", node=node
        )
    elif kind == "WITHDRAWN":
        what = t("caseload.event.withdrawn", node=node)
    elif kind in PLACES and place:
        what = t(PLACES[kind], place=place)
    elif kind == "RESOLVED":
        given_away = data.get("outcome") == "given_away"
        what = t("caseload.event.resolved_given_away" if given_away else "caseload.event.resolved")
    elif kind in PlacementStatus.__members__:
        what = t("caseload.event.status", status=status_text(kind))
    else:
        what = t("caseload.event.other", type=kind)
    if data.get("reason"):
        what = t("caseload.event.reason", what=what, reason=data["reason"])
    return what


def given_away_place(lost: Mapping[str, Any]) -> str:
    """Location and care type of a bed that went to another request."""
    return ", ".join(p for p in (lost.get("location_name"), care_text(lost.get("care_type"))) if p)


def _cells(*values: object) -> list[Text]:
    return [Text(str(v) if v is not None else "") for v in values]


def _table(table_id: str, *column_ids: str) -> DataTable[Text]:
    table: DataTable[Text] = DataTable(id=table_id, cursor_type="row", zebra_stripes=True)
    table.add_columns(*(t(c) for c in column_ids))
    return table


class CaseDetailScreen(VeldScreen):
    """The case of one client (pushed over the caseload; Escape goes back)."""

    HELP = "caseload.detail.help"
    TITLE_ID = "caseload.detail.title"
    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        ("escape", "back", "caseload.key.back"),
        ("p", "new_request", "caseload.key.new_request"),
    )
    DEFAULT_CSS = """
    CaseDetailScreen .heading { text-style: bold; color: $primary; padding: 1 1 0 1; }
    CaseDetailScreen .client { padding: 0 1; height: auto; }
    CaseDetailScreen #requests { height: auto; max-height: 8; }
    CaseDetailScreen #notices { padding: 0 1; height: auto; color: $warning; }
    CaseDetailScreen #timeline { height: 1fr; }
    """

    def __init__(self, client_id: str) -> None:
        super().__init__()
        self.client_id = client_id
        self.case: CaseDetail | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(t("caseload.detail.loading"), id="identity", classes="client", markup=False)
        yield Static("", id="particulars", classes="client", markup=False)
        yield Static(t("caseload.detail.requests"), classes="heading", markup=False)
        yield _table(
            "requests",
            "caseload.col.received",
            "caseload.col.status",
            "caseload.col.urgency",
            "caseload.col.care_type",
            "caseload.col.target",
        )
        yield Static("", id="notices", markup=False)
        yield Static(t("caseload.detail.timeline"), classes="heading", markup=False)
        yield _table(
            "timeline",
            "caseload.col.when",
            "caseload.col.what",
            "caseload.col.who",
            "caseload.col.node",
            "caseload.col.device",
        )
        yield Footer()

    def refresh_data(self) -> None:
        self.call(caseload_view.detail, self.client_id, done=self.show)

    def show(self, case: CaseDetail) -> None:
        self.case = case
        client = case.client
        if client is None:
            self.query_one("#identity", Static).update(t("caseload.detail.hidden"))
            self.query_one("#particulars", Static).update("")
        else:
            self.query_one("#identity", Static).update(
                t(
                    "caseload.detail.identity",
                    name=client.name,
                    birth=client.birth_date.isoformat(),
                    postcode=client.postcode,
                )
            )
            lines = [t("caseload.detail.address", address=client.address or t("caseload.none"))]
            if client.bsn:
                lines.append(t("caseload.detail.bsn", bsn=client.bsn))
            lines.append(
                t("caseload.detail.wlz", value=t("caseload.yes" if client.wlz_indicatie else "caseload.no"))
            )
            self.query_one("#particulars", Static).update("\n".join(lines))
        requests = self.query_one("#requests", DataTable)
        requests.clear()
        notices = [
            t(
                "caseload.detail.given_away",
                received=when_text(r["received_at"]),
                place=given_away_place(r["bed_given_away"]),
                node=r["bed_given_away"]["node_name"] or "",
            )
            for r in case.requests
            if r.get("bed_given_away")
        ]
        notice = self.query_one("#notices", Static)
        notice.update("\n".join(notices))
        notice.display = bool(notices)
        for r in case.requests:
            text, _tone = target(r)
            requests.add_row(
                *_cells(
                    when_text(r["received_at"]),
                    status_text(r["status"]),
                    r["urgency"],
                    care_text(r["care_type"]),
                    text,
                ),
                key=r["request_id"],
            )
        timeline = self.query_one("#timeline", DataTable)
        timeline.clear()
        for e in case.timeline:
            device = t("caseload.detail.this_device") if e["own_device"] else e["device"]
            timeline.add_row(*_cells(when_text(e["at"]), event_text(e), e["by"], e["node_name"], device))
        self.refresh_bindings()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "requests" and event.row_key.value:
            self.app.push_screen(RequestScreen(event.row_key.value))

    def refusal(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """Only a nurse files a placement request (the services refuse other roles as well)."""
        if action == "new_request" and self.veld.session.actor.role != "nurse":
            return self.not_for_role("caseload.refusal.nurse_files")
        if action == "new_request" and self.case is None:
            return t("refusal.loading")
        if action == "new_request" and self.case is not None and self.case.client is None:
            return t("caseload.detail.hidden")
        return None

    def action_back(self) -> None:
        self.dismiss(None)

    def action_new_request(self) -> None:
        case = self.case
        if case is None or case.client is None:
            return
        form = PlacementForm(
            case.client_id,
            case.client.name,
            today=self.veld.session.today().isoformat(),
            wlz=case.client.wlz_indicatie,
        )
        self.app.push_screen(form, self._filed)

    def _filed(self, request: Any) -> None:
        if request is not None:
            self.notify(t("caseload.form.request_saved"), markup=False)
            self.app.push_screen(RequestScreen(request.id))


class RequestScreen(VeldScreen):
    """One placement request: send it (own), accept/decline its offers (own), offer/decline (incoming)."""

    HELP = "caseload.request.help"
    TITLE_ID = "caseload.request.title"
    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        ("escape", "back", "caseload.key.back"),
        ("s", "send", "caseload.key.send"),
        ("a", "accept", "caseload.key.accept"),
        ("d", "decline", "caseload.key.decline"),
        ("o", "offer", "caseload.key.offer"),
    )
    DEFAULT_CSS = """
    RequestScreen .heading { text-style: bold; color: $primary; padding: 1 1 0 1; }
    RequestScreen #summary { padding: 0 1; height: auto; }
    RequestScreen #candidates { height: auto; max-height: 16; }
    RequestScreen #offers { height: auto; max-height: 10; }
    """

    def __init__(self, request_id: str) -> None:
        super().__init__()
        self.request_id = request_id
        self.detail: RequestDetail | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(t("caseload.request.loading"), id="summary", markup=False)
        yield Static(t("caseload.request.candidates"), classes="heading", markup=False)
        yield _table(
            "candidates",
            "caseload.col.location",
            "caseload.col.node",
            "caseload.col.free",
            "caseload.col.score",
            "caseload.col.reasons",
        )
        yield Static(t("caseload.request.offers"), classes="heading", markup=False)
        yield _table(
            "offers",
            "caseload.col.when",
            "caseload.col.node",
            "caseload.col.location",
            "caseload.col.care_type",
            "caseload.col.state",
        )
        yield Footer()

    def refresh_data(self) -> None:
        self.call(caseload_view.request_detail, self.request_id, done=self.show)

    def show(self, detail: RequestDetail) -> None:
        self.detail = detail
        r = detail.request
        lines = [
            t(
                "caseload.request.summary",
                care_type=care_text(r.get("care_type")),
                urgency=r.get("urgency") or "",
                status=status_text(r.get("status")),
            ),
        ]
        if detail.incoming:
            lines.append(t("caseload.request.origin", node=detail.node_names.get(r["node_id"], r["node_id"])))
        if r.get("sent_to"):
            names = ", ".join(detail.node_names.get(n, n) for n in r["sent_to"])
            lines.append(t("caseload.request.sent_to", nodes=names))
        if r.get("triage_outcome"):
            lines.append(t("caseload.request.advice", care_type=care_text(r["triage_outcome"])))
        if r.get("required_capabilities"):
            needs = ", ".join(capability_text(c) for c in r["required_capabilities"])
            lines.append(t("caseload.request.capabilities", capabilities=needs))
        text, _tone = target(placements_timers(r, self.veld.session.now()))
        if text:
            lines.append(text)
        lines += self._given_away_lines(detail)
        self.query_one("#summary", Static).update("\n".join(lines))
        lang = language()
        candidates = self.query_one("#candidates", DataTable)
        candidates.clear()
        for c in detail.candidates:
            free = t("caseload.request.full") if c.full else str(c.free)
            if not c.reported:  # unknown beds: no number and no score
                free = t("caseload.request.unreported")
            if c.stale:
                stale = t("caseload.request.stale")
                free = f"{free} ({stale})"
            candidates.add_row(
                *_cells(
                    c.location_name or c.location_id,
                    detail.node_names.get(c.node_id, c.node_id),
                    free,
                    f"{c.score:.1f}" if c.reported else "–",
                    c.reason_text(lang),
                ),
                key=f"{c.node_id}|{c.location_id}",
            )
        offers = self.query_one("#offers", DataTable)
        offers.clear()
        for o in r.get("offers") or []:
            offers.add_row(
                *_cells(
                    when_text(o["at"]),
                    detail.node_names.get(o["node"], o["node"]),
                    detail.location_names.get(o["location_id"], o["location_id"]),
                    care_text(o["care_type"]),
                    _offer_state(o["state"]),
                ),
                key=o["offer_id"],
            )
        self.refresh_bindings()

    @staticmethod
    def _given_away_lines(detail: RequestDetail) -> list[str]:
        """While the request searches again because its accepted bed went to another request: say so,
        and for the own request name the next step (send it to another candidate)."""
        r = detail.request
        lost = [o for o in r.get("offers") or [] if o["state"] == flow_rules.GIVEN_AWAY]
        if not lost or r.get("status") not in SEARCHING_STATUSES:
            return []
        last = max(lost, key=lambda o: (o.get("decided_at") or 0, o["offer_id"]))
        place = given_away_place(
            {
                "location_name": detail.location_names.get(last["location_id"], last["location_id"]),
                "care_type": last["care_type"],
            }
        )
        node = detail.node_names.get(last["node"], last["node"])
        lines = [t("caseload.request.given_away", place=place, node=node, when=when_text(last["decided_at"]))]
        if not detail.incoming:
            lines.append(t("caseload.request.look_again"))
        return lines

    # -- which actions apply -------------------------------------------------------------------------

    def refusal(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """Why a step does not fit this request or this role: the sending node's nurse sends,
        accepts and declines offers; the receiving node's nurse or admin offers and declines the
        request (services/placement_flow.py enforces the same)."""
        if action not in {"send", "accept", "offer", "decline"}:
            return None
        detail = self.detail
        if detail is None:
            return t("refusal.loading")
        role = self.veld.session.actor.role
        if detail.incoming:
            if action in {"send", "accept"}:
                return t("caseload.refusal.incoming_request")
            if role not in flow.RECEIVERS:
                return self.not_for_role("caseload.refusal.receivers_decide")
            return None
        if action == "offer":
            return t("caseload.refusal.own_request")
        if role not in flow.CARE:
            return self.not_for_role("caseload.refusal.sender_decides")
        return None

    def _row_key(self, table_id: str) -> str | None:
        table = self.query_one(f"#{table_id}", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return str(key) if key is not None else None

    def _done(self, message_id: str, **values: object) -> Any:
        def done(_result: Any) -> None:
            self.notify(t(message_id, **values), markup=False)
            self.refresh_data()

        return done

    # -- actions -------------------------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss(None)

    def action_send(self) -> None:
        key = self._row_key("candidates")
        if key is None or self.detail is None:
            self.notify(t("caseload.request.pick_candidate"), severity="warning", markup=False)
            return
        node_id = key.split("|", 1)[0]
        name = self.detail.node_names.get(node_id, node_id)
        sent = self._done("caseload.request.sent", node=name)
        ask(
            self.app,
            t("caseload.request.confirm_send", node=name),
            lambda: self.call(flow.send, self.request_id, node_id, done=sent),
            yes_id="caseload.key.send",
        )

    def action_accept(self) -> None:
        offer_id = self._row_key("offers")
        if offer_id is None or self.detail is None:
            self.notify(t("caseload.request.pick_offer"), severity="warning", markup=False)
            return
        detail = self.detail
        offers: list[dict[str, Any]] = detail.request.get("offers") or []
        offer = next((o for o in offers if o["offer_id"] == offer_id), {})
        accepted = self._done("caseload.request.accepted")
        location = str(offer.get("location_id") or "")
        node = str(offer.get("node") or "")
        ask(
            self.app,
            t(
                "caseload.request.confirm_accept",
                location=detail.location_names.get(location, location),
                node=detail.node_names.get(node, node),
            ),
            lambda: self.call(flow.accept, self.request_id, offer_id, done=accepted),
            yes_id="caseload.key.accept",
        )

    def action_decline(self) -> None:
        if self.detail is None:
            return
        offer_id = None
        if not self.detail.incoming:
            offer_id = self._row_key("offers")
            if offer_id is None:
                self.notify(t("caseload.request.pick_offer"), severity="warning", markup=False)
                return
        self.app.push_screen(
            DeclineForm(self.request_id, offer_id), self._answered("caseload.request.declined")
        )

    def action_offer(self) -> None:
        if self.detail is None:
            return
        form = OfferForm(self.request_id, str(self.detail.request.get("care_type") or ""))
        self.app.push_screen(form, self._answered("caseload.request.offered"))

    def _answered(self, message_id: str) -> Any:
        def answered(result: Any) -> None:
            if result is not None:
                self.notify(t(message_id), markup=False)
                self.refresh_data()

        return answered


def _offer_state(state: str) -> str:
    ids = {
        "open": "caseload.offer_state.open",
        "declined": "caseload.offer_state.declined",
        "withdrawn": "caseload.offer_state.withdrawn",
        "accepted": "caseload.offer_state.accepted",
        "admitted": "caseload.offer_state.admitted",
        "discharged": "caseload.offer_state.discharged",
        "given_away": "caseload.offer_state.given_away",
        "overruled": "caseload.offer_state.overruled",
    }
    return t(ids[state]) if state in ids else state


def placements_timers(request: Mapping[str, Any], now: int) -> dict[str, Any]:
    """Timers of a request view (get_request keeps received/first reply/placed times)."""
    if request.get("received_at") is None:
        return {}
    return timers(request, now)
