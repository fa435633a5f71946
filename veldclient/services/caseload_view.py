"""The read side of the caseload screen: a window of SQL over the projection, and a case's timeline.

Why a window: the caseload must stay fluid at 100,000 clients, so nothing here returns "all clients".
:func:`page` answers one slice (``offset``, ``limit``) plus the total that matches, and only the rows
of that slice are joined with their latest placement request. The slice is chosen on indexed columns
first (``clients(node_id, archived)``, ``clients(name)``, ``placements(status)``, FTS5) and joined
afterwards, so a deep page never evaluates the per-row subqueries of the rows it skips.

Roles (DOMAIN.md, reference/domain-model.md §c): the nurse sees her node's clients with their
requests; the coordinator sees placement status only, a client's name and postcode only when a help
request exists for that client, never a BSN or triage; searching by name is limited to exactly those
clients, so a search cannot reveal a hidden name.

Audit (NEN 7513): one entry per query shown (the first page of a list, a search, a timeline), with
the result count and never the typed text. Scrolling through the pages of the same answer is part of
that one read; it does not add an entry per page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from veldclient.domain import SLA_PLACED_MS, SLA_REPLY_MS, Client, causal
from veldclient.domain import duplicates as dup_rule
from veldclient.domain.placement_flow import SEARCHING, Flow, LocationCandidate, flow_of
from veldclient.errors import NotFound
from veldclient.identity import format_device_id
from veldclient.services import clients, duplicates, placements, search
from veldclient.services import placement_flow as flow
from veldclient.session import Session

VIEWERS = ("nurse", "coordinator")
INCOMING_VIEWERS = ("nurse", "coordinator", "admin")
OPEN = placements.OPEN_STATUSES
# event data a timeline may show; "reason" is free text a nurse wrote, so the coordinator never gets it
TIMELINE_DATA = ("to_node", "node", "location_id", "care_type", "status", "destination", "reason")


@dataclass(frozen=True)
class Filters:
    """What the caseload list is narrowed to. ``status``/``urgency`` are codes of the client's
    latest placement request; ``breached`` keeps open requests with a response target missed."""

    text: str = ""
    status: str | None = None
    urgency: str | None = None
    breached: bool = False

    @property
    def on_request(self) -> bool:
        """True when only clients whose latest request matches can appear."""
        return self.status is not None or self.urgency is not None or self.breached


@dataclass(frozen=True)
class ListPage:
    total: int
    rows: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class CaseDetail:
    """One case as the role may see it: ``client`` is None when the identification is not theirs
    to see (a coordinator, no help request for this client)."""

    client_id: str
    client: Client | None
    requests: list[dict[str, Any]]
    timeline: list[dict[str, Any]]
    # merged_into / merged_from (duplicates.links): a merged record points at its survivor
    links: dict[str, Any] = field(default_factory=dict)


# --- the list ---------------------------------------------------------------------------------------

_LATEST = (
    "SELECT q.id FROM placements q WHERE q.client_id = {c} AND q.archived = 0"
    " ORDER BY q.received_at DESC, q.id DESC LIMIT 1"
)
_REPLY_DUE = f"p.received_at + {SLA_REPLY_MS}"
_PLACED_DUE = f"p.received_at + {SLA_PLACED_MS}"
_BREACHED = (  # the same rule as placements.timers: overdue while running, or done after the due time
    f"((p.first_reply_at IS NULL AND {_REPLY_DUE} < :now) OR p.first_reply_at > {_REPLY_DUE}"
    f" OR (p.placed_at IS NULL AND {_PLACED_DUE} < :now) OR p.placed_at > {_PLACED_DUE})"
)
_ROW_SQL = (
    "SELECT c.id, c.name, c.birth_date, c.postcode, p.id, p.status, p.urgency, p.care_type, p.received_at,"
    " p.first_reply_at, p.placed_at,"
    " (SELECT count(*) FROM placements n WHERE n.client_id = c.id AND n.archived = 0)"
    " FROM chosen JOIN clients c ON c.rowid = chosen.rid"
    " LEFT JOIN placements p ON p.id = (" + _LATEST.format(c="c.id") + ")"
    " ORDER BY c.name, c.rowid"
)
_ROW_KEYS = (
    "client_id",
    "name",
    "birth_date",
    "postcode",
    "request_id",
    "status",
    "urgency",
    "care_type",
    "received_at",
    "first_reply_at",
    "placed_at",
    "requests",
)


def _selection(session: Session, filters: Filters) -> tuple[str, dict[str, Any]]:
    """FROM + WHERE choosing the matching clients (``c``), without joining per-row detail yet.

    Name order comes from the index ``clients(node_id, archived, name)`` (migration 0008): SQLite
    reads the page in index order at any depth, so no sort of 100,000 matches per page."""
    params: dict[str, Any] = {"node": session.actor.node_id, "now": session.now()}
    where = ["c.node_id = :node", "c.archived = 0"]
    if filters.on_request:
        # few placements, many clients: start from the requests, keep the latest one per client
        source = "placements p CROSS JOIN clients c"
        where += ["c.id = p.client_id", "p.archived = 0", "p.id = (" + _LATEST.format(c="p.client_id") + ")"]
        if filters.status is not None:
            where.append("p.status = :status")
            params["status"] = filters.status
        if filters.urgency is not None:
            where.append("p.urgency = :urgency")
            params["urgency"] = filters.urgency
        if filters.breached:
            timed = placements.TIMED_STATUSES
            marks = ", ".join(f":open{i}" for i in range(len(timed)))
            where += [f"p.status IN ({marks})", _BREACHED]
            params.update({f"open{i}": s for i, s in enumerate(timed)})
    else:
        source = "clients c"
        if session.actor.role != "nurse":
            where.append("EXISTS (SELECT 1 FROM placements q WHERE q.client_id = c.id AND q.archived = 0)")
    query = search.fts_query(filters.text)
    if query is not None:
        where.append("c.rowid IN (SELECT rowid FROM clients_fts WHERE clients_fts MATCH :fts)")
        params["fts"] = query
        if session.actor.role != "nurse":
            where.append("c.id IN (SELECT subject_id FROM help_requests)")
    return f"FROM {source} WHERE {' AND '.join(where)}", params


def page(session: Session, offset: int, limit: int, *, filters: Filters = Filters()) -> ListPage:
    """One slice of the caseload, sorted by name: each client with their latest placement request,
    its response-target timers and how many requests they have."""
    session.require_role(VIEWERS, "caseload.list", "client")
    selection, params = _selection(session, filters)
    total = int(session.db.execute(f"SELECT count(*) {selection}", params).fetchone()[0])
    sql = (
        f"WITH chosen AS MATERIALIZED (SELECT c.rowid AS rid {selection}"
        f" ORDER BY c.name, c.rowid LIMIT :limit OFFSET :offset) {_ROW_SQL}"
    )
    cursor = session.db.execute(sql, {**params, "limit": max(0, limit), "offset": max(0, offset)})
    rows = [dict(zip(_ROW_KEYS, r, strict=True)) for r in cursor.fetchall()]
    now = session.now()
    for row in rows:
        if row["request_id"] is not None:
            row.update(placements.timers(row, now))
    if session.actor.role != "nurse":
        _mask(session, rows)
    if offset == 0:
        searched = bool(search.fts_query(filters.text)) or filters.on_request
        with session.transaction():
            session.audit(
                "caseload.list",
                "S" if searched else "R",
                "client",
                data_part="identification" if session.actor.role == "nurse" else "placement status",
                basis_authorisation=True,
                basis_care_relation=session.actor.role == "nurse",
                detail={"results": total},
            )
    return ListPage(total, rows)


def _helped(session: Session, client_ids: Sequence[str]) -> set[str]:
    if not client_ids:
        return set()
    marks = ", ".join("?" for _ in client_ids)
    sql = f"SELECT DISTINCT subject_id FROM help_requests WHERE subject_id IN ({marks})"
    return {r[0] for r in session.db.execute(sql, list(client_ids))}


def _mask(session: Session, rows: list[dict[str, Any]]) -> None:
    """The coordinator's view: name and postcode only where a help request exists; no birth date."""
    helped = _helped(session, [r["client_id"] for r in rows])
    for row in rows:
        row["birth_date"] = None
        if row["client_id"] not in helped:
            row["name"] = None
            row["postcode"] = None


# --- incoming requests ------------------------------------------------------------------------------

_INCOMING = (
    "FROM placements p LEFT JOIN nodes n ON n.id = p.node_id WHERE p.archived = 0 AND p.node_id != :node"
)


def incoming(session: Session, offset: int, limit: int) -> ListPage:
    """Requests other nodes sent to this one, newest first: what a receiving node may offer a bed for.
    They hold no name (the case document never leaves its node); capabilities for nurse and admin."""
    session.require_role(INCOMING_VIEWERS, "placement.incoming", "placement")
    params = {"node": session.actor.node_id, "limit": limit, "offset": offset}
    total = int(session.db.execute(f"SELECT count(*) {_INCOMING}", params).fetchone()[0])
    cursor = session.db.execute(
        "SELECT p.id, p.node_id, coalesce(n.name, p.node_id), p.status, p.urgency, p.care_type,"
        " p.required_capabilities, p.received_at, p.first_reply_at, p.placed_at"
        f" {_INCOMING} ORDER BY p.received_at DESC, p.id LIMIT :limit OFFSET :offset",
        params,
    )
    keys = (
        "request_id", "node_id", "node_name", "status", "urgency", "care_type", "required_capabilities",
        "received_at", "first_reply_at", "placed_at",
    )  # fmt: skip
    rows = [dict(zip(keys, r, strict=True)) for r in cursor.fetchall()]
    now = session.now()
    for row in rows:
        row.update(placements.timers(row, now))
        row["required_capabilities"] = (
            (row["required_capabilities"] or "").split() if session.actor.role != "coordinator" else []
        )
    if offset == 0:
        with session.transaction():
            session.audit(
                "placement.incoming",
                "R",
                "placement",
                data_part="placement status",
                basis_authorisation=True,
                detail={"results": total},
            )
    return ListPage(total, rows)


def offer_options(session: Session, care_type: str) -> list[dict[str, Any]]:
    """The own node's locations that report beds of ``care_type``, with their free count (for the
    offer form; capacity is not client data, so this read is not audited)."""
    cursor = session.db.execute(
        "SELECT c.location_id, coalesce(l.name, c.location_id), c.free, c.reported_at FROM capacity c"
        " LEFT JOIN locations l ON l.id = c.location_id WHERE c.node_id = ? AND c.care_type = ?"
        " ORDER BY c.free DESC, l.name",
        [session.actor.node_id, care_type],
    )
    keys = ("location_id", "location_name", "free", "reported_at")
    return [dict(zip(keys, r, strict=True)) for r in cursor.fetchall()]


# --- one case ---------------------------------------------------------------------------------------


def detail(session: Session, client_id: str) -> CaseDetail:
    """A case for the detail screen: the client (as the role may see it), every request with its
    timers, and the timeline. Reading the client and the timeline each write their audit entry."""
    session.require_role(VIEWERS, "caseload.detail", "client", client_id=client_id)
    nurse = session.actor.role == "nurse"
    row = session.db.execute(
        "SELECT 1 FROM clients WHERE id = ? AND node_id = ?", [client_id, session.actor.node_id]
    ).fetchone()
    if row is None:
        raise NotFound(("Cliënt", "client"), client_id)
    visible = nurse or bool(_helped(session, [client_id]))
    client = clients.get_client(session, client_id) if visible else None
    return CaseDetail(
        client_id,
        client,
        _requests(session, client_id, nurse),
        timeline(session, client_id),
        duplicates.links(session, client_id) if nurse else {},
    )


def _requests(session: Session, client_id: str, nurse: bool) -> list[dict[str, Any]]:
    history = duplicates.history_ids(session, client_id)  # with the records merged into this one
    cursor = session.db.execute(
        "SELECT id, status, urgency, care_type, triage_outcome, received_at, first_reply_at, placed_at,"
        f" doc_id FROM placements WHERE client_id IN ({','.join('?' * len(history))}) AND archived = 0"
        " ORDER BY received_at DESC, id DESC",
        history,
    )
    keys = (
        "request_id", "status", "urgency", "care_type", "triage_outcome", "received_at", "first_reply_at",
        "placed_at", "doc_id",
    )  # fmt: skip
    now = session.now()
    names = _names(session)
    out = []
    for r in cursor.fetchall():
        request = dict(zip(keys, r, strict=True))
        request.update(placements.timers(request, now))
        request["bed_given_away"] = _bed_given_away(session, request.pop("doc_id"), names)
        if not nurse:
            request["triage_outcome"] = None
        out.append(request)
    return out


def _flow(session: Session, doc_id: str) -> Flow:
    root = session.repo.read(doc_id)
    return flow_of(root.get("events") or [], (root.get("request") or {}).get("node_id"))


def _bed_given_away(
    session: Session, doc_id: str, names: tuple[dict[str, str], dict[str, str]]
) -> dict[str, Any] | None:
    """While a request searches again because a decision gave its accepted bed to another request:
    where that bed was and when it was decided (what the case screen tells the nurse)."""
    state = _flow(session, doc_id)
    if state.status not in SEARCHING or not state.beds_given_away:
        return None
    lost = state.beds_given_away[-1]
    nodes, places = names
    return {
        "node": lost.node,
        "node_name": nodes.get(lost.node or "", lost.node),
        "location_id": lost.location_id,
        "location_name": places.get(lost.location_id or "", lost.location_id),
        "care_type": lost.care_type,
        "decided_at": lost.decided_at,
    }


def _names(session: Session) -> tuple[dict[str, str], dict[str, str]]:
    nodes = dict(session.db.execute("SELECT id, name FROM nodes").fetchall())
    places = dict(session.db.execute("SELECT id, name FROM locations").fetchall())
    return nodes, places


def _device(device: object) -> str:
    """The first two groups of the device id as people compare it (see identity.format_device_id)."""
    try:
        return format_device_id(str(device))[:15]
    except Exception:  # noqa: BLE001 - an odd id from an old or foreign event is shown as it is
        return str(device or "?")[:15]


def _entry(
    session: Session,
    event: Mapping[str, Any],
    source: str,
    request_id: str | None,
    names: tuple[dict[str, str], dict[str, str]],
    allowed: tuple[str, ...],
) -> dict[str, Any]:
    nodes, places = names
    data = {k: v for k, v in (event.get("data") or {}).items() if k in allowed and v is not None}
    if "to_node" in data:
        data["to_node_name"] = nodes.get(data["to_node"], data["to_node"])
    if "node" in data:
        data["node_name"] = nodes.get(data["node"], data["node"])
    if "location_id" in data:
        data["location_name"] = places.get(data["location_id"], data["location_id"])
    device = event.get("device")
    return {
        "at": causal.event_time(event),
        "type": str(event.get("type") or "?"),
        "by": event.get("by"),
        "node": event.get("node"),
        "node_name": nodes.get(event.get("node") or "", event.get("node")),
        "device": _device(device),
        "own_device": device == session.actor.device_id,
        "source": source,
        "request_id": request_id,
        "data": data,
    }


def timeline(session: Session, client_id: str) -> list[dict[str, Any]]:
    """What happened to this case, oldest first: the case document's events (nurse only: visits are
    care data) and the events of each of the client's placement documents — what, who, when and on
    which device. Built from the documents themselves, so merged events from other devices show."""
    session.require_role(VIEWERS, "client.timeline", "client", client_id=client_id)
    nurse = session.actor.role == "nurse"
    names = _names(session)
    allowed = TIMELINE_DATA if nurse else tuple(k for k in TIMELINE_DATA if k != "reason")
    out: list[dict[str, Any]] = []
    # a record merged into this one (a duplicate) brings its history along: linked, not copied
    history = duplicates.history_ids(session, client_id)
    if nurse:
        seen: set[str] = set()
        for case_id in history:
            root = clients._case_root(session, case_id)
            for e in root.get("events") or []:
                if e.get("id") in seen:  # a duplicate decision is written into both records, one id
                    continue
                seen.add(str(e.get("id")))
                entry = _entry(session, e, "case", None, names, allowed) | {"client_id": case_id}
                decided = e.get("data") or {}
                if e.get("type") == "RESOLVED" and decided.get("conflict_kind") == dup_rule.KIND:
                    entry["data"]["outcome"] = "merged" if decided.get("chosen") else "kept_both"
                out.append(entry)
    marks = ",".join("?" * len(history))
    docs = session.db.execute(
        f"SELECT id, doc_id FROM placements WHERE client_id IN ({marks}) AND archived = 0"
        " ORDER BY received_at, id",
        history,
    ).fetchall()
    for request_id, doc_id in docs:
        events = session.repo.read(doc_id).get("events") or []
        entries = [_entry(session, e, "placement", request_id, names, allowed) for e in events]
        given_away = {o.decided_by for o in _flow(session, doc_id).beds_given_away}
        for event, entry in zip(events, entries, strict=True):
            if event.get("type") == "RESOLVED" and event.get("id") in given_away:
                entry["data"]["outcome"] = "given_away"
        out += entries
    out.sort(key=lambda e: e["at"])  # stable: a document's own order breaks ties
    with session.transaction():
        session.audit(
            "client.timeline",
            "R",
            "client",
            client_id=client_id,
            object_id=client_id,
            data_part="events" if nurse else "placement status",
            basis_authorisation=True,
            basis_care_relation=nurse,
            detail={"results": len(out)},
        )
    return out


# --- one placement request ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestDetail:
    """A request as the request screen shows it: the role-filtered view (``get_request``), whether it
    came from another node, the ranked candidate locations (own open request, nurse only) and the
    node and location names its offers refer to."""

    request: dict[str, Any]
    incoming: bool
    candidates: list[LocationCandidate]
    node_names: dict[str, str]
    location_names: dict[str, str]


def request_detail(session: Session, request_id: str) -> RequestDetail:
    """Each part is read through its own service (each audits its own read)."""
    view = flow.get_request(session, request_id)
    incoming = view["node_id"] != session.actor.node_id
    ranked: list[LocationCandidate] = []
    if not incoming and session.actor.role == "nurse" and view["status"] in OPEN:
        ranked = flow.candidates(session, request_id)
    nodes, places = _names(session)
    return RequestDetail(view, incoming, ranked, nodes, places)
