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
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Header, Static

from veldclient.domain import Capability, CareType, OfferState, PlacementStatus, Visit, VisitStatus, formats
from veldclient.domain import placement_flow as flow_rules
from veldclient.domain.placement_flow import LocationCandidate
from veldclient.screens.base import KeySpec, VeldScreen
from veldclient.screens.caseload_forms import (
    DeclineForm,
    DischargeForm,
    OfferForm,
    PlacementForm,
    WithdrawForm,
)
from veldclient.screens.client_actions import CLIENT_KEYS, ClientActions
from veldclient.screens.confirm import Confirm
from veldclient.screens.i18n import language, t
from veldclient.screens.widgets.columns import Col, FitTable, FoldLine
from veldclient.screens.widgets.durations import duration
from veldclient.screens.widgets.fit_footer import FitFooter
from veldclient.screens.widgets.why import WhyPane
from veldclient.services import caseload_view, clients
from veldclient.services import placement_flow as flow
from veldclient.services.caseload_view import CaseDetail, RequestDetail
from veldclient.services.placements import OPEN_STATUSES, overdue_ms, timers

SEARCHING_STATUSES = frozenset(s.value for s in flow_rules.SEARCHING)

# --- how states read (shared with the caseload list) ---------------------------------------------------


def when_text(ms: int | None) -> str:
    """A moment in Dutch wall-clock time; stored times are UTC epoch ms."""
    return formats.moment(ms, language())


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
    before the placement), and after that whether the targets were met. A draft has not been sent:
    no one can reply to it yet, so it shows no timer, only that it is not sent."""
    if row.get("status") == PlacementStatus.DRAFT.value:
        return t("caseload.target.draft"), None
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
        outcome = {
            "given_away": "caseload.event.resolved_given_away",
            "merged": "caseload.event.merged",
            "kept_both": "caseload.event.kept_both",
        }
        what = t(outcome.get(str(data.get("outcome")), "caseload.event.resolved"))
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


# The columns of the case's tables, most needed first (``widgets/columns.py``): what a nurse acts on
# stays from 80 columns up, the rest folds into the line under the table for the highlighted row.
REQUEST_COLUMNS = (
    Col("caseload.col.received", 16, priority=3),
    Col("caseload.col.status", 18, min=14, priority=0, keep=True),
    Col("caseload.col.urgency", 8, priority=4),
    Col("caseload.col.care_type", 24, min=16, priority=1, keep=True, grow=True),
    Col("caseload.col.target", 28, min=21, priority=2, keep=True),
)
TIMELINE_COLUMNS = (
    Col("caseload.col.when", 16, priority=0, keep=True),
    Col("caseload.col.what", 40, min=24, priority=1, keep=True, grow=True),
    Col("caseload.col.who", 20, min=12, priority=2, keep=True),
    Col("caseload.col.node", 16, priority=3),
    Col("caseload.col.device", 15, priority=4),  # the device id's first two groups (15 cells)
)
OFFER_COLUMNS = (
    Col("caseload.col.when", 16, priority=3),
    Col("caseload.col.node", 18, min=10, priority=0, keep=True),
    Col("caseload.col.location", 20, min=12, priority=1, keep=True, grow=True),
    Col("caseload.col.care_type", 20, priority=4),
    Col("caseload.col.state", 23, min=12, priority=2, keep=True),  # "naar andere aanvraag" whole
)


def _table(table_id: str, *column_ids: str) -> DataTable[Text]:
    table: DataTable[Text] = DataTable(id=table_id, cursor_type="row", zebra_stripes=True)
    table.add_columns(*(t(c) for c in column_ids))
    return table


def _link_lines(links: dict[str, Any]) -> list[str]:
    """A merged duplicate points at the record it went into; a survivor names what merged into it."""
    names = links.get("names") or {}

    def named(client_id: str) -> str:
        return f"{names.get(client_id) or '?'} ({client_id[:8]})"

    out = []
    if links.get("merged_into"):
        out.append(t("caseload.detail.merged_into", record=named(links["merged_into"])))
    if links.get("merged_from"):
        out.append(
            t("caseload.detail.merged_from", records=", ".join(named(c) for c in links["merged_from"]))
        )
    return out


class CaseDetailScreen(ClientActions):
    """The case of one client (pushed over the caseload; Escape goes back)."""

    HELP = "caseload.detail.help"
    TITLE_ID = "caseload.detail.title"
    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        ("escape", "back", "caseload.key.back"),
        ("p", "new_request", "caseload.key.new_request"),
        *CLIENT_KEYS,
    )
    DEFAULT_CSS = """
    CaseDetailScreen .heading { text-style: bold; color: $primary; padding: 1 1 0 1; }
    CaseDetailScreen .client { padding: 0 1; height: auto; }
    CaseDetailScreen #requests { height: auto; max-height: 8; }
    CaseDetailScreen #notices { padding: 0 1; height: auto; color: $warning; }
    CaseDetailScreen #visits { padding: 0 1; height: auto; max-height: 4; }
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
        yield Static("", id="visits", markup=False)
        yield Static(t("caseload.detail.requests"), classes="heading", markup=False)
        yield FitTable(REQUEST_COLUMNS, id="requests")
        yield FoldLine("requests")
        yield Static("", id="notices", markup=False)
        yield Static(t("caseload.detail.timeline"), classes="heading", markup=False)
        yield FitTable(TIMELINE_COLUMNS, id="timeline")
        yield FoldLine("timeline")
        yield FitFooter()

    def refresh_data(self) -> None:
        if self.erasing:
            return
        self.call(caseload_view.detail, self.client_id, done=self.show)
        visits = self.query_one("#visits", Static)
        visits.display = self.veld.session.actor.role in clients.CARE  # visits are care data
        if visits.display:
            self.call(clients.visits, self.client_id, done=self.show_visits)

    def show_visits(self, visits: list[Visit]) -> None:
        """The three visits nearest to now, in time order, with the nurse's note: what was just
        recorded and what comes next, rather than the far end of a long plan."""
        now = self.veld.session.now()
        nearest = sorted(
            sorted(visits, key=lambda v: abs(v.planned_start_at - now))[:3], key=lambda v: v.planned_start_at
        )
        lines = [
            t(
                "caseload.client.visit_line",
                when=when_text(v.planned_start_at),
                minutes=v.planned_minutes,
                status=v.status.label(language()),
                note=f" · {v.note}" if v.note else "",
            )
            for v in nearest
        ]
        heading = t("caseload.client.visits")
        self.query_one("#visits", Static).update(
            "\n".join([heading, *(lines or [t("caseload.client.no_visits")])])
        )

    def current_client(self) -> tuple[str, str] | None:
        case = self.case
        return None if case is None or case.client is None else (case.client_id, case.client.name)

    def client_changed(self, gone: bool) -> None:
        if gone:
            self.dismiss(None)  # archived or erased: back to the list, which no longer shows them
        else:
            self.refresh_data()

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
                    birth=formats.day(client.birth_date, language()),
                    postcode=client.postcode,
                )
            )
            lines = [t("caseload.detail.address", address=client.address or t("caseload.none"))]
            if client.bsn:
                lines.append(t("caseload.detail.bsn", bsn=client.bsn))
            lines.append(
                t("caseload.detail.wlz", value=t("caseload.yes" if client.wlz_indicatie else "caseload.no"))
            )
            lines += _link_lines(case.links)
            self.query_one("#particulars", Static).update("\n".join(lines))
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
        rows = []
        for r in case.requests:
            text, _tone = target(r)
            cells = _cells(
                when_text(r["received_at"]),
                status_text(r["status"]),
                r["urgency"],
                care_text(r["care_type"]),
                text,
            )
            rows.append((r["request_id"], cells))
        self.query_one("#requests", FitTable).set_rows(rows)
        events = []
        for n, e in enumerate(case.timeline):
            device = t("caseload.detail.this_device") if e["own_device"] else e["device"]
            cells = _cells(when_text(e["at"]), event_text(e), e["by"], e["node_name"], device)
            events.append((str(n), cells))
        self.query_one("#timeline", FitTable).set_rows(events)
        self.refresh_bindings()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "requests" and event.row_key.value:
            self.app.push_screen(RequestScreen(event.row_key.value))

    def refusal(self, action: str, parameters: tuple[object, ...]) -> str | None:
        """Only a nurse files a placement request (the services refuse other roles as well)."""
        if action != "new_request":
            return None
        if self.veld.session.actor.role != "nurse":
            return self.not_for_role("caseload.refusal.nurse_files")
        if self.case is None:
            return t("refusal.loading")
        if self.case.client is None:
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
            today=formats.day(self.veld.session.today(), language()),
            wlz=case.client.wlz_indicatie,
        )
        self.app.push_screen(form, self._filed)

    def _filed(self, request: Any) -> None:
        if request is not None:
            self.notify(t("caseload.form.request_saved"), markup=False)
            self.app.push_screen(RequestScreen(request.id))


class RequestScreen(VeldScreen):
    """One placement request: send, withdraw, accept/decline its offers (own); offer, decline,
    withdraw an offer, admit and discharge (incoming). Every key acts or says why it cannot."""

    HELP = "caseload.request.help"
    TITLE_ID = "caseload.request.title"
    KEYS: ClassVar[tuple[KeySpec, ...]] = (
        ("escape", "back", "caseload.key.back"),
        ("s", "send", "caseload.key.send"),
        ("a", "accept", "caseload.key.accept"),
        ("d", "decline", "caseload.key.decline"),
        ("o", "offer", "caseload.key.offer"),
        ("w", "withdraw", "caseload.key.withdraw"),
        ("m", "admit", "caseload.key.admit"),
        ("x", "discharge", "caseload.key.discharge"),
    )
    DEFAULT_CSS = """
    RequestScreen .heading { text-style: bold; color: $primary; padding: 1 1 0 1; }
    RequestScreen #summary { padding: 0 1; height: auto; }
    RequestScreen #candidates { height: 1fr; min-height: 4; max-height: 16; }
    RequestScreen #offers { height: auto; max-height: 10; }
    """

    def __init__(self, request_id: str) -> None:
        super().__init__()
        self.request_id = request_id
        self.detail: RequestDetail | None = None
        self.ranked: dict[str, LocationCandidate] = {}  # row key -> candidate, for the why pane

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
        )
        yield WhyPane(id="candidate-why")
        yield Static(t("caseload.request.offers"), classes="heading", markup=False)
        yield FitTable(OFFER_COLUMNS, id="offers")
        yield FoldLine("offers")
        yield FitFooter()

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
        if r.get("client_name"):
            lines.insert(0, t("caseload.request.client", name=r["client_name"]))
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
        text, _tone = target({**placements_timers(r, self.veld.session.now()), "status": r.get("status")})
        if text:
            lines.append(text)
        lines += self._placed_lines(detail)
        lines += self._given_away_lines(detail)
        self.query_one("#summary", Static).update("\n".join(lines))
        candidates = self.query_one("#candidates", DataTable)
        keep = self._row_key("candidates")  # stay on the same location across a reload
        candidates.clear()
        self.ranked = {}
        for c in detail.candidates:  # in score order, best first (domain.placement_flow)
            free = t("caseload.request.full") if c.full else str(c.free)
            if not c.reported:  # unknown beds: no number (the score is 0, the pane says why)
                free = t("caseload.request.unreported")
            if c.stale:
                stale = t("caseload.request.stale")
                free = f"{free} ({stale})"
            key = f"{c.node_id}|{c.location_id}"
            self.ranked[key] = c
            candidates.add_row(
                *_cells(
                    c.location_name or c.location_id,
                    detail.node_names.get(c.node_id, c.node_id),
                    free,
                    str(c.score),
                ),
                key=key,
            )
        if keep in self.ranked:
            candidates.move_cursor(row=candidates.get_row_index(keep))
        self._show_why()
        offers = [
            (
                o["offer_id"],
                _cells(
                    when_text(o["at"]),
                    detail.node_names.get(o["node"], o["node"]),
                    detail.location_names.get(o["location_id"], o["location_id"]),
                    care_text(o["care_type"]),
                    _offer_state(o["state"]),
                ),
            )
            for o in r.get("offers") or []
        ]
        self.query_one("#offers", FitTable).set_rows(offers)
        self.refresh_bindings()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "candidates":
            self._show_why()

    def _show_why(self) -> None:
        """The highlighted candidate's score and reasons under the table (nothing when none)."""
        pane = self.query_one("#candidate-why", WhyPane)
        c = self.ranked.get(self._row_key("candidates") or "")
        if c is None:
            pane.clear()
            return
        pane.show(c.location_name or c.location_id, c.score, c.reasons)

    @staticmethod
    def _placed_lines(detail: RequestDetail) -> list[str]:
        """Where the client was admitted (or was, once discharged): the decision is about that place."""
        offers = detail.request.get("offers") or []
        for state, message_id in ((flow_rules.ADMITTED, "placed_at"), (flow_rules.DISCHARGED, "placed_was")):
            placed = next((o for o in offers if o["state"] == state), None)
            if placed is not None:
                place = given_away_place(
                    {
                        "location_name": detail.location_names.get(
                            placed["location_id"], placed["location_id"]
                        ),
                        "care_type": placed["care_type"],
                    }
                )
                node = detail.node_names.get(placed["node"], placed["node"])
                return [t(f"caseload.request.{message_id}", place=place, node=node)]
        return []

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

    OWN_STEPS = frozenset({"send", "accept"})
    INCOMING_STEPS = frozenset({"offer", "admit", "discharge"})

    def why_not(self, action: str) -> str | None:
        """Why a step does not fit this request or this role (None: it does; the service still checks
        the status). The sending node's nurse sends, withdraws and accepts or declines offers; the
        receiving node's nurse or admin offers, declines, withdraws its offer, admits and discharges
        (services/placement_flow.py enforces the same)."""
        detail = self.detail
        if detail is None:
            return t("caseload.request.loading")
        if detail.incoming and action in self.OWN_STEPS:
            return t("caseload.request.only_own")
        if not detail.incoming and action in self.INCOMING_STEPS:
            return t("caseload.request.only_incoming")
        roles = flow.RECEIVERS if detail.incoming else flow.CARE
        if self.veld.session.actor.role not in roles:
            return t("caseload.request.not_your_role")
        return None

    def _can(self, action: str) -> bool:
        """True when the step fits; otherwise say why (a key in the footer never does nothing)."""
        reason = self.why_not(action)
        if reason is not None:
            self.notify(reason, severity="warning", markup=False)
        return reason is None

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

    def _confirmed(self, question: str, step: Any, check: Any, *args: Any) -> None:
        """Ask ``question``, then run ``step`` once the nurse said yes (it leaves the device or cannot
        be undone). ``check(*args)`` (the service's own check, writing nothing) runs first, so a step that
        cannot happen says why at once instead of asking."""

        def answered(go: bool | None) -> None:
            if go:
                step()

        self.call(check, *args, done=lambda _ok: self.app.push_screen(Confirm(question), answered))

    def action_send(self) -> None:
        if not self._can("send"):
            return
        key = self._row_key("candidates")
        if key is None or self.detail is None:
            status = self.detail.request.get("status") if self.detail else None
            if status not in OPEN_STATUSES:  # no candidates are listed for a closed request
                self.notify(t("caseload.request.closed", status=status_text(status)), markup=False)
            else:
                self.notify(t("caseload.request.pick_candidate"), severity="warning", markup=False)
            return
        node_id = key.split("|", 1)[0]
        name = self.detail.node_names.get(node_id, node_id)
        self._confirmed(
            t("caseload.request.confirm_send", node=name),
            lambda: self.call(
                flow.send, self.request_id, node_id, done=self._done("caseload.request.sent", node=name)
            ),
            flow.check_send,
            self.request_id,
            node_id,
        )

    def _offer_row(self) -> Mapping[str, Any] | None:
        """The offer under the cursor, or None after saying to pick one."""
        offer_id = self._row_key("offers")
        offers = (self.detail.request.get("offers") or []) if self.detail else []
        chosen = next((o for o in offers if o["offer_id"] == offer_id), None)
        if chosen is None:
            self.notify(t("caseload.request.pick_offer"), severity="warning", markup=False)
        return chosen

    def action_accept(self) -> None:
        if not self._can("accept") or (chosen := self._offer_row()) is None or self.detail is None:
            return
        place = given_away_place(
            {
                "location_name": self.detail.location_names.get(chosen["location_id"], chosen["location_id"]),
                "care_type": chosen["care_type"],
            }
        )
        node = self.detail.node_names.get(chosen["node"], chosen["node"])
        self._confirmed(
            t("caseload.request.confirm_accept", place=place, node=node),
            lambda: self.call(
                flow.accept, self.request_id, chosen["offer_id"], done=self._done("caseload.request.accepted")
            ),
            flow.check_accept,
            self.request_id,
            chosen["offer_id"],
        )

    def action_withdraw(self) -> None:
        if not self._can("withdraw"):
            return
        assert self.detail is not None
        offer_id = None
        if self.detail.incoming:
            if (chosen := self._offer_row()) is None:
                return
            offer_id = chosen["offer_id"]
        self.app.push_screen(
            WithdrawForm(self.request_id, offer_id), self._answered("caseload.request.withdrawn")
        )

    def action_admit(self) -> None:
        if not self._can("admit"):
            return
        self._confirmed(
            t("caseload.request.confirm_admit"),
            lambda: self.call(flow.admit, self.request_id, done=self._done("caseload.request.admitted")),
            flow.check_admit,
            self.request_id,
        )

    def action_discharge(self) -> None:
        if not self._can("discharge"):
            return
        self.app.push_screen(DischargeForm(self.request_id), self._answered("caseload.request.discharged"))

    def action_decline(self) -> None:
        if not self._can("decline") or self.detail is None:
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
        if not self._can("offer") or self.detail is None:
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
    return OfferState(state).label(language())


def placements_timers(request: Mapping[str, Any], now: int) -> dict[str, Any]:
    """Timers of a request view (get_request keeps received/first reply/placed times)."""
    if request.get("received_at") is None:
        return {}
    return timers(request, now)
