"""Placement across nodes: rank beds, send a request to a node, offer, accept, admit, discharge.

Who does what (DOMAIN.md roles): the **sender** is the node that filed the request (its nurse files,
sends, accepts, declines an offer, cancels); a **receiving** node is one the request was sent to (its
nurse or admin offers a bed, declines, withdraws an offer, admits and discharges). Sending shares the
request's own document with that node through the pair's share document, which lists ids only; no
case document is ever listed, so no other case data can follow (DESIGN §3–4).

Every step is an event with causal parents (services/events.py); the status is derived from the
events (domain/placement_flow.py) and copied into ``request.status`` so a plain read shows it. Each
call validates first, then writes its event, any capacity change and its audit entry in ONE
transaction: a refused step writes nothing (except the audit entry of a refusal by role).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from veldclient.domain import (
    STALE_AFTER_MS,
    BedStatus,
    CareType,
    DischargeDestination,
    PlacementRequest,
    PlacementStatus,
    causal,
)
from veldclient.domain import placement_flow as flow_rules
from veldclient.domain.models_capacity import beds_in, capacity_key
from veldclient.domain.placement_flow import Flow, LocationCandidate, Offer
from veldclient.errors import AccessDenied, NotFound, ValidationError
from veldclient.services import events, nodes
from veldclient.services.capacity import write_record
from veldclient.session import Session
from veldclient.store.docstore import Editor
from veldclient.store.repo import doc_id_for, share_doc_id

CARE = ("nurse",)
RECEIVERS = ("nurse", "admin")  # staff of the receiving node: offers, admissions, capacity
REASON_MAX = 500

Root = dict[str, Any]


# --- loading and access -------------------------------------------------------------------------


class Loaded:
    """One placement document as a step sees it."""

    def __init__(self, session: Session, request_id: str) -> None:
        self.doc_id = doc_id_for("placement", request_id)
        info = session.repo.info(self.doc_id)
        if info is None or info.kind != "placement":
            raise NotFound(("Plaatsingsaanvraag", "placement request"), request_id)
        self.root: Root = session.repo.read(self.doc_id)
        self.request: Mapping[str, Any] = self.root["request"]
        self.events: list[Mapping[str, Any]] = list(self.root.get("events") or [])
        self.flow: Flow = flow_rules.flow_of(self.events, self.sender)

    @property
    def sender(self) -> str:
        return str(self.request["node_id"])

    @property
    def client_id(self) -> str | None:
        return self.request.get("client_id")

    def event(self, event_id: str | None) -> Mapping[str, Any]:
        return next((e for e in self.events if event_id and e.get("id") == event_id), {})

    def shared_with(self, session: Session, node_id: str) -> bool:
        share = share_doc_id(self.sender, node_id)
        if node_id == self.sender or not session.repo.holds(share):
            return False
        return self.doc_id in (session.repo.read(share).get("docs") or {})


def _audit(session: Session, loaded: Loaded, event: str, action: str, **fields: Any) -> None:
    session.audit(
        event,
        action,
        "placement",
        client_id=loaded.client_id,
        object_id=loaded.request["id"],
        basis_authorisation=True,
        basis_care_relation=session.actor.role == "nurse",
        **fields,
    )


def _deny(session: Session, loaded: Loaded, event: str, nl: str, en: str) -> AccessDenied:
    """Audit a refusal (NEN 7513 logs attempts too) and return the error to raise."""
    with session.transaction():
        session.audit(
            event,
            "U",
            "placement",
            outcome="denied",
            client_id=loaded.client_id,
            object_id=loaded.request["id"],
        )
    return AccessDenied(nl, en)


def _as_sender(session: Session, request_id: str, event: str, roles: tuple[str, ...] = CARE) -> Loaded:
    session.require_role(roles, event, "placement", object_id=request_id)
    loaded = Loaded(session, request_id)
    if loaded.sender != session.actor.node_id:
        raise _deny(
            session,
            loaded,
            event,
            "Alleen het knooppunt dat de aanvraag indiende, kan dit doen.",
            "Only the node that filed the request can do this.",
        )
    return loaded


def _as_receiver(session: Session, request_id: str, event: str) -> Loaded:
    session.require_role(RECEIVERS, event, "placement", object_id=request_id)
    loaded = Loaded(session, request_id)
    if not loaded.shared_with(session, session.actor.node_id):
        raise _deny(
            session,
            loaded,
            event,
            "Alleen een knooppunt waar de aanvraag naartoe is gestuurd, kan dit doen.",
            "Only a node the request was sent to can do this.",
        )
    return loaded


def _reason(reason: str | None) -> str | None:
    if reason is None:
        return None
    text = str(reason).strip()
    if len(text) > REASON_MAX:
        raise ValidationError.single(
            "reason",
            "too_long",
            f"De toelichting is te lang (maximaal {REASON_MAX} tekens).",
            f"The note is too long (at most {REASON_MAX} characters).",
        )
    return text or None


# --- writing one step ---------------------------------------------------------------------------


def _step(
    session: Session, loaded: Loaded, kind: str, **data: Any
) -> tuple[dict[str, Any], Callable[[Editor], None]]:
    """The event and a change function that appends it and keeps ``request.status`` and the
    timers in step with what the events now say."""
    event = events.make(session, kind, loaded.events, **data)
    after = flow_rules.flow_of([*loaded.events, event], loaded.sender)

    def write(e: Editor) -> None:
        e.append(("events",), event)
        if after.status is not None:
            e.set(("request", "status"), after.status.value)
        if after.first_reply_at is not None and loaded.request.get("first_reply_at") is None:
            e.set(("request", "first_reply_at"), after.first_reply_at)
        if after.placed_at is not None and loaded.request.get("placed_at") is None:
            e.set(("request", "placed_at"), after.placed_at)
        if kind == "DISCHARGED":
            e.set(("request", "discharge_destination"), data["destination"])

    return event, write


def _commit(session: Session, loaded: Loaded, kind: str, audit_event: str, **data: Any) -> dict[str, Any]:
    event, write = _step(session, loaded, kind, **data)
    with session.transaction():
        session.repo.change(loaded.doc_id, write)
        _audit(session, loaded, audit_event, "U", data_part="placement", detail={"step": kind})
    return event


# --- ranking ------------------------------------------------------------------------------------

_CAPACITY_SQL = """
SELECT c.*, l.name AS location_name, l.postcode AS location_postcode
FROM capacity c LEFT JOIN locations l ON l.id = c.location_id
WHERE c.care_type = ?
"""


def capacity_for(session: Session, care_type: str) -> list[dict[str, Any]]:
    """Capacity records of this care type at nodes a referral may go to (a retired node's beds and
    those of a node document nobody verifiably founded do not count)."""
    cursor = session.db.execute(_CAPACITY_SQL, [care_type])
    names = [d[0] for d in cursor.description]
    active = nodes.active_ids(session)
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return [row for row in rows if row.get("node_id") in active]


def candidates(
    session: Session, request_id: str, *, stale_after_ms: int = STALE_AFTER_MS
) -> list[LocationCandidate]:
    """Locations across the mesh for this request, best first, each with readable reasons."""
    session.require_role(CARE, "placement.candidates", "placement", object_id=request_id)
    loaded = Loaded(session, request_id)
    request = PlacementRequest.from_dict(loaded.request)
    pc4 = session.db.execute("SELECT pc4 FROM clients WHERE id = ?", [request.client_id]).fetchone()
    ranked = flow_rules.rank_locations(
        request,
        capacity_for(session, request.care_type.value),
        session.now(),
        stale_after_ms,
        pc4[0] if pc4 else None,
    )
    with session.transaction():
        _audit(
            session,
            loaded,
            "placement.candidates",
            "R",
            data_part="placement",
            detail={"results": len(ranked)},
        )
    return ranked


# --- the steps ----------------------------------------------------------------------------------


def check_send(session: Session, request_id: str, to_node: str) -> None:
    """Raise what :func:`send` would refuse, writing nothing: a screen asks this before it asks the
    nurse to confirm, so nobody confirms a step that cannot happen."""
    _checked_send(session, request_id, to_node)


def _checked_send(session: Session, request_id: str, to_node: str) -> Loaded:
    loaded = _as_sender(session, request_id, "placement.send")
    nodes.check_target(session, to_node)
    if to_node == loaded.sender:
        raise ValidationError.single(
            "to_node",
            "own_node",
            "Dit is uw eigen knooppunt; kies een ander knooppunt.",
            "This is your own node; choose another node.",
        )
    flow_rules.check_send(loaded.flow, to_node)
    return loaded


def send(session: Session, request_id: str, to_node: str) -> dict[str, Any]:
    """Share this request (and nothing else) with ``to_node`` and record that it was sent."""
    loaded = _checked_send(session, request_id, to_node)
    share = share_doc_id(loaded.sender, to_node)
    from veldclient.sync.scope import entry_payload

    entry = {
        "by": session.actor.user_id,
        "at": session.now(),
        # Signed by this device of the owning node: only such a listing lets sync hand the request
        # to the other node (sync/scope.py); the other node can write here too, but cannot sign.
        "node": loaded.sender,
        "device": session.actor.device_id,
        "signature": session.device.sign(entry_payload(share, loaded.doc_id, loaded.sender)).hex(),
    }
    event, write = _step(session, loaded, "SENT", to_node=to_node)
    with session.transaction():
        if not session.repo.holds(share):
            # Genesis: both nodes may create this document while apart; identical first changes
            # merge into one ``docs`` map instead of two competing ones (one would be lost).
            a, b = sorted((loaded.sender, to_node))
            session.repo.create("share", f"{a}~{b}", None, {"nodes": [a, b], "docs": {}}, genesis=True)
        session.repo.change(share, lambda e: e.set(("docs", loaded.doc_id), entry))
        session.repo.change(loaded.doc_id, write)
        _audit(session, loaded, "placement.send", "E", data_part="placement", detail={"to_node": to_node})
    return event


def outbox(session: Session, node_id: str) -> list[str]:
    """Document ids this node may hand to ``node_id`` for placements: the share document and exactly
    the ids it lists. What a sync or bundle transport should send; never a case document."""
    share = share_doc_id(session.actor.node_id, node_id)
    if node_id == session.actor.node_id or not session.repo.holds(share):
        return []
    listed = sorted(d for d in session.repo.read(share).get("docs") or {} if d.startswith("placement:"))
    return [share, *listed]


def _own_capacity(session: Session, location_id: str, care_type: str) -> tuple[str, dict[str, Any]]:
    node_doc = doc_id_for("node", session.actor.node_id)
    root = session.repo.read(node_doc)
    if location_id not in (root.get("locations") or {}):
        raise NotFound(("Locatie van uw knooppunt", "location of your node"), location_id)
    key = capacity_key(location_id, care_type)
    record = (root.get("capacity") or {}).get(key)
    if record is None:
        raise ValidationError.single(
            "care_type",
            "no_beds",
            f"Deze locatie heeft geen bedden voor {CareType(care_type).label('nl')}.",
            f"This location has no beds for {CareType(care_type).label('en')}.",
        )
    return key, record


def _care_type(value: str) -> str:
    try:
        return CareType(str(value).strip().upper()).value
    except ValueError:
        raise ValidationError.single(
            "care_type",
            "unknown",
            f"Onbekende zorgsoort '{value}'.",
            f"Unknown care type '{value}'.",
        ) from None


def offer(session: Session, request_id: str, location_id: str, care_type: str) -> dict[str, Any]:
    """A receiving node offers a bed at one of its own locations that it reports free."""
    loaded = _as_receiver(session, request_id, "placement.offer")
    care = _care_type(care_type)
    _key, record = _own_capacity(session, location_id, care)
    if beds_in(record, BedStatus.FREE) <= 0:
        raise ValidationError.single(
            "location_id",
            "no_free_bed",
            "Deze locatie meldt geen vrij bed voor deze zorgsoort; werk eerst de capaciteit bij.",
            "This location reports no free bed for this care type; update the capacity first.",
        )
    flow_rules.check_offer(loaded.flow, session.actor.node_id)
    return _commit(
        session,
        loaded,
        "OFFERED",
        "placement.offer",
        node=session.actor.node_id,
        location_id=location_id,
        care_type=care,
    )


def decline(
    session: Session, request_id: str, offer_event_id: str | None = None, *, reason: str | None = None
) -> dict[str, Any]:
    """A receiving node declines the request (no offer id), or the sender declines an offer."""
    note = _reason(reason)
    if offer_event_id is None:
        loaded = _as_receiver(session, request_id, "placement.decline")
        flow_rules.check_decline_request(loaded.flow, session.actor.node_id)
        return _commit(
            session, loaded, "DECLINED", "placement.decline", node=session.actor.node_id, reason=note
        )
    loaded = _as_sender(session, request_id, "placement.decline")
    offered = flow_rules.check_decline_offer(loaded.flow, offer_event_id)
    return _commit(
        session, loaded, "DECLINED", "placement.decline", offer_id=offered.id, node=offered.node, reason=note
    )


def withdraw(
    session: Session, request_id: str, offer_event_id: str, *, reason: str | None = None
) -> dict[str, Any]:
    """The offering node takes its offer back (the bed went elsewhere, e.g. after a conflict)."""
    loaded = _as_receiver(session, request_id, "placement.withdraw")
    note = _reason(reason)
    offered = flow_rules.check_withdraw(loaded.flow, offer_event_id, session.actor.node_id)
    return _commit(
        session,
        loaded,
        "WITHDRAWN",
        "placement.withdraw",
        offer_id=offered.id,
        node=session.actor.node_id,
        reason=note,
    )


def check_accept(session: Session, request_id: str, offer_event_id: str) -> None:
    """Raise what :func:`accept` would refuse, writing nothing (asked before the confirmation)."""
    flow_rules.check_accept(_as_sender(session, request_id, "placement.accept").flow, offer_event_id)


def accept(session: Session, request_id: str, offer_event_id: str) -> dict[str, Any]:
    """The sender accepts one offer (refused for a declined, withdrawn or already accepted one); from
    then on the bed counts as reserved on every device that holds this request
    (services/reservations.py)."""
    loaded = _as_sender(session, request_id, "placement.accept")
    offered = flow_rules.check_accept(loaded.flow, offer_event_id)
    return _commit(
        session,
        loaded,
        "ACCEPTED",
        "placement.accept",
        offer_id=offered.id,
        node=offered.node,
        location_id=offered.location_id,
        care_type=offered.care_type,
    )


def _effective_at(session: Session, at: int | None, after: int, field: str, nl: str, en: str) -> int:
    """A time recorded afterwards (offline): not in the future and not before the previous step."""
    when = session.now() if at is None else at
    if not isinstance(when, int) or isinstance(when, bool):
        raise ValidationError.single(field, "type", "Ongeldig tijdstip.", "Not a valid time.")
    if when > session.now():
        raise ValidationError.single(
            field, "future", "Dit tijdstip ligt in de toekomst.", "This time is in the future."
        )
    if when < after:
        raise ValidationError.single(field, "order", nl, en)
    return when


def _bed_change(
    session: Session, key: str, record: dict[str, Any], delta_free: int
) -> Callable[[Editor], None]:
    """FREE += delta, OCCUPIED -= delta on the own node's record, re-reported by this device."""
    counts = {k: int(v) for k, v in (record.get("counts") or {}).items()}
    counts[BedStatus.FREE.value] = beds_in(record, BedStatus.FREE) + delta_free
    counts[BedStatus.OCCUPIED.value] = beds_in(record, BedStatus.OCCUPIED) - delta_free
    new = {
        **record,
        "counts": counts,
        "reported_by": session.actor.user_id,
        "reported_at": session.now(),
        "device_id": session.actor.device_id,
    }
    return lambda e: write_record(e, new)


def check_admit(session: Session, request_id: str, *, offer_event_id: str | None = None) -> None:
    """Raise what :func:`admit` would refuse, writing nothing (asked before the confirmation)."""
    _checked_admit(session, request_id, offer_event_id)


def _checked_admit(
    session: Session, request_id: str, offer_event_id: str | None
) -> tuple[Loaded, Offer, str, dict[str, Any]]:
    loaded = _as_receiver(session, request_id, "placement.admit")
    offered = flow_rules.check_admit(loaded.flow, session.actor.node_id, offer_event_id)
    key, record = _own_capacity(session, str(offered.location_id), str(offered.care_type))
    if beds_in(record, BedStatus.FREE) <= 0:
        raise ValidationError.single(
            "location_id",
            "no_free_bed",
            "Er is geen vrij bed meer op deze locatie: het laatste bed is al bezet. Zie de conflicten.",
            "There is no free bed left at this location: the last bed is taken. See the conflicts.",
        )
    return loaded, offered, key, record


def admit(
    session: Session, request_id: str, *, offer_event_id: str | None = None, at: int | None = None
) -> dict[str, Any]:
    """The receiving node admits the client on its accepted offer: one bed goes from free to occupied
    in the node's own document, in the same transaction as the ADMITTED event (the reservation the
    acceptance made ends with it)."""
    loaded, offered, key, record = _checked_admit(session, request_id, offer_event_id)
    accepted_at = causal.event_time(loaded.event(offered.accepted_event_id))
    when = _effective_at(
        session,
        at,
        accepted_at,
        "at",
        "De opname ligt vóór de acceptatie van het aanbod.",
        "The admission is before the offer was accepted.",
    )
    event, write = _step(session, loaded, "ADMITTED", **_offer_data(offered), admitted_at=when)
    with session.transaction():
        session.repo.change(doc_id_for("node", session.actor.node_id), _bed_change(session, key, record, -1))
        session.repo.change(loaded.doc_id, write)
        _audit(session, loaded, "placement.admit", "U", data_part="placement", detail={"step": "ADMITTED"})
    return event


def discharge(
    session: Session, request_id: str, destination: str, *, at: int | None = None
) -> dict[str, Any]:
    """The receiving node records the discharge: the bed goes back from occupied to free."""
    loaded = _as_receiver(session, request_id, "placement.discharge")
    try:
        dest = DischargeDestination(str(destination).strip().upper()).value
    except ValueError:
        raise ValidationError.single(
            "destination",
            "unknown",
            f"Onbekende ontslagbestemming '{destination}'.",
            f"Unknown discharge destination '{destination}'.",
        ) from None
    offered = flow_rules.check_discharge(loaded.flow, session.actor.node_id)
    key, record = _own_capacity(session, str(offered.location_id), str(offered.care_type))
    if beds_in(record, BedStatus.OCCUPIED) <= 0:
        raise ValidationError.single(
            "location_id",
            "no_occupied_bed",
            "Volgens de capaciteit is hier geen bed bezet; werk eerst de capaciteit bij.",
            "The capacity shows no occupied bed here; update the capacity first.",
        )
    when = _effective_at(
        session,
        at,
        loaded.flow.placed_at or 0,
        "at",
        "Het ontslag ligt vóór de opname.",
        "The discharge is before the admission.",
    )
    event, write = _step(
        session, loaded, "DISCHARGED", **_offer_data(offered), destination=dest, discharged_at=when
    )
    with session.transaction():
        session.repo.change(doc_id_for("node", session.actor.node_id), _bed_change(session, key, record, +1))
        session.repo.change(loaded.doc_id, write)
        _audit(
            session, loaded, "placement.discharge", "U", data_part="placement", detail={"step": "DISCHARGED"}
        )
    return event


def close(session: Session, request_id: str, status: str, *, reason: str | None = None) -> dict[str, Any]:
    """The sender ends the request: CANCELLED, REJECTED or NO_PLACE (escalate)."""
    loaded = _as_sender(session, request_id, "placement.close")
    try:
        target = PlacementStatus(str(status).strip().upper())
    except ValueError:
        target = None
    if target not in flow_rules.CLOSING:
        raise ValidationError.single(
            "status",
            "not_closing",
            "Kies Geannuleerd, Afgewezen of Geen plek gevonden.",
            "Choose Cancelled, Rejected or No place found.",
        )
    assert target is not None
    note = _reason(reason)
    flow_rules.check_close(loaded.flow, target)
    return _commit(session, loaded, target.value, "placement.close", reason=note)


def cancel(session: Session, request_id: str, *, reason: str | None = None) -> dict[str, Any]:
    return close(session, request_id, "CANCELLED", reason=reason)


def _offer_data(offered: Offer) -> dict[str, Any]:
    return {
        "offer_id": offered.id,
        "node": offered.node,
        "location_id": offered.location_id,
        "care_type": offered.care_type,
    }


# --- reading ------------------------------------------------------------------------------------

COORDINATOR_HIDDEN = ("triage", "triage_outcome", "referrer", "required_capabilities")


def get_request(session: Session, request_id: str) -> dict[str, Any]:
    """The request with its derived status and offers. The coordinator sees status, care type and
    timers, never triage, referrer or the client's name (DOMAIN.md roles); the nurse of the filing
    node also gets ``client_name``, a receiving node never does."""
    session.require_role(("nurse", "coordinator"), "placement.read", "placement", object_id=request_id)
    loaded = Loaded(session, request_id)
    view = dict(loaded.request)
    view["status"] = (loaded.flow.status or PlacementStatus(view["status"])).value
    names = _Names(session)
    view["offers"] = [_offer_view(o, names) for o in loaded.flow.offers.values()]
    view["sent_to"] = list(loaded.flow.sent_to)
    nurse = session.actor.role == "nurse"
    view["client_name"] = _client_name(session, loaded) if nurse else None
    if not nurse:
        for key in COORDINATOR_HIDDEN:
            view.pop(key, None)
    with session.transaction():
        _audit(session, loaded, "placement.read", "R", data_part="placement" if nurse else "placement status")
    return view


def _client_name(session: Session, loaded: Loaded) -> str | None:
    """The client's name, for the own node's nurse only: the case document never leaves its node,
    so on a receiving node there is no name to find (and none is looked for)."""
    if loaded.sender != session.actor.node_id:
        return None
    row = session.db.execute("SELECT name FROM clients WHERE id = ?", [loaded.client_id]).fetchone()
    return str(row[0]) if row else None


def triage_of(session: Session, request_id: str) -> dict[str, Any]:
    """Triage answers and outcome: clinical detail, for the nurse only (a refusal is audited)."""
    session.require_role(CARE, "placement.triage", "placement", object_id=request_id, data_part="triage")
    loaded = Loaded(session, request_id)
    with session.transaction():
        _audit(session, loaded, "placement.triage", "R", data_part="triage")
    return {"triage": dict(loaded.request["triage"]), "triage_outcome": loaded.request.get("triage_outcome")}


def _offer_view(o: Offer, names: _Names) -> dict[str, Any]:
    return {
        "offer_id": o.id,
        "node": o.node,
        "node_name": names.node(o.node),
        "location_id": o.location_id,
        "location_name": names.place(o.location_id),
        "care_type": o.care_type,
        "at": o.at,
        "state": o.state,
        "decided_at": o.decided_at,
    }


# --- conflicts ----------------------------------------------------------------------------------

CONTESTED = ("ACCEPTED", "ADMITTED", "CANCELLED", "REJECTED", "NO_PLACE", "WITHDRAWN", "DECLINED")
_ENDS = ("CANCELLED", "REJECTED", "NO_PLACE")


class _Names:
    """Node and location names for the readable side summaries (ids when a name is unknown)."""

    def __init__(self, session: Session) -> None:
        self.nodes = dict(session.db.execute("SELECT id, name FROM nodes").fetchall())
        self.locations = dict(session.db.execute("SELECT id, name FROM locations").fetchall())

    def node(self, node_id: Any) -> str:
        return str(self.nodes.get(node_id) or node_id or "?")

    def place(self, location_id: Any) -> str:
        return str(self.locations.get(location_id) or location_id or "?")

    def where(self, location_id: Any, care_type: Any) -> tuple[str, str]:
        place = self.place(location_id)
        try:
            care = CareType(care_type)
        except ValueError:
            return place, place
        return f"{place}, {care.label('nl')}", f"{place}, {care.label('en')}"


def _incompatible(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Two steps made apart that cannot both hold: a person must decide."""
    da, db_ = a.get("data") or {}, b.get("data") or {}
    types = {a["type"], b["type"]}
    if types == {"ACCEPTED"}:
        return da.get("offer_id") != db_.get("offer_id")
    for first, second, d1, d2 in ((a, b, da, db_), (b, a, db_, da)):
        if first["type"] in ("ACCEPTED", "ADMITTED"):
            if second["type"] in _ENDS:
                return True
            if second["type"] in ("WITHDRAWN", "DECLINED") and d2.get("offer_id") == d1.get("offer_id"):
                return True
    return False


def _summary(e: Mapping[str, Any], names: _Names) -> tuple[str, str]:
    d = e.get("data") or {}
    who = names.node(e.get("node"))
    where_nl, where_en = names.where(d.get("location_id"), d.get("care_type"))
    kind = e.get("type")
    if kind == "ACCEPTED":
        offerer = names.node(d.get("node"))
        return (
            f"{who} accepteerde het aanbod van {offerer} ({where_nl})",
            f"{who} accepted the offer of {offerer} ({where_en})",
        )
    if kind == "ADMITTED":
        return f"{who} nam de cliënt op ({where_nl})", f"{who} admitted the client ({where_en})"
    if kind == "WITHDRAWN":
        return f"{who} trok het aanbod in", f"{who} withdrew the offer"
    if kind == "DECLINED":
        if d.get("offer_id"):
            return f"{who} wees het aanbod af", f"{who} declined the offer"
        return f"{who} wees de aanvraag af", f"{who} declined the request"
    status = PlacementStatus(str(kind))
    return (
        f"{who} zette de aanvraag op '{status.label('nl')}'",
        f"{who} set the request to '{status.label('en')}'",
    )


def _side(doc_id: str, e: Mapping[str, Any], names: _Names) -> dict[str, Any]:
    nl, en = _summary(e, names)
    return {
        "event_id": e["id"],
        "doc_id": doc_id,
        "type": e.get("type"),
        "by": e.get("by"),
        "at": e.get("at"),
        "node": e.get("node"),
        "summary_nl": nl,
        "summary_en": en,
    }


def _docs_with(session: Session, having: str) -> list[str]:
    marks = ", ".join("?" for _ in CONTESTED)
    sql = (
        "SELECT doc_id FROM doc_events WHERE doc_id LIKE 'placement:%' AND type IN"
        f" ({marks}, 'OFFERED') GROUP BY doc_id HAVING {having} ORDER BY doc_id"
    )
    return [r[0] for r in session.db.execute(sql, list(CONTESTED))]


def _concurrent(session: Session, names: _Names) -> list[dict[str, Any]]:
    found = []
    for doc_id in _docs_with(session, "sum(type != 'OFFERED') >= 2"):
        evs = list(session.repo.read(doc_id).get("events") or [])
        settled = events.resolved_ids(evs)
        for a, b in causal.concurrent_pairs(evs, CONTESTED):
            if not _incompatible(a, b) or {a["id"], b["id"]} <= settled:
                continue
            first, second = sorted((a, b), key=causal.time_order)
            found.append(
                {
                    "kind": "placement.concurrent",
                    "doc_ids": (doc_id,),
                    "event_ids": (first["id"], second["id"]),
                    "sides": [_side(doc_id, first, names), _side(doc_id, second, names)],
                    "title_nl": "Plaatsingsaanvraag: twee stappen vastgelegd terwijl de knooppunten niet "
                    "verbonden waren; ze kunnen niet allebei gelden.",
                    "title_en": "Placement request: two steps recorded while the nodes were apart; they "
                    "cannot both hold.",
                }
            )
    return found


def _overbooked(session: Session, names: _Names) -> list[dict[str, Any]]:
    """Accepted offers not yet admitted, per location and care type, against the free beds there.

    Admission turns a free bed into an occupied one and removes that acceptance from the count, so
    "more pending acceptances than free beds" stays true after one of two clashing acceptances is
    admitted, until a person withdraws or resolves the other. Nothing is dropped from any document.
    """
    pending: dict[tuple[str, str], list[tuple[str, Mapping[str, Any]]]] = {}  # by (location, care type)
    for doc_id in _docs_with(session, "sum(type = 'ACCEPTED') >= 1 AND sum(type = 'OFFERED') >= 1"):
        root = session.repo.read(doc_id)
        evs = list(root.get("events") or [])
        settled = events.resolved_ids(evs)
        by_id = {e["id"]: e for e in evs if e.get("id")}
        state = flow_rules.flow_of(evs, (root.get("request") or {}).get("node_id"))
        for o in state.offers.values():
            accepted = by_id.get(o.accepted_event_id or "")
            if o.state != flow_rules.ACCEPTED or accepted is None or accepted["id"] in settled:
                continue
            pending.setdefault((str(o.location_id), str(o.care_type)), []).append((doc_id, accepted))
    found = []
    for (location_id, care_type), items in sorted(pending.items(), key=lambda kv: capacity_key(*kv[0])):
        key = capacity_key(location_id, care_type)
        row = session.db.execute("SELECT free FROM capacity WHERE id = ?", [key]).fetchone()
        if row is None or row[0] is None:  # no report of these beds here: nothing to count against
            continue
        if len(items) <= int(row[0]):
            continue
        items.sort(key=lambda item: causal.time_order(item[1]))
        where_nl, where_en = names.where(location_id, care_type)
        free = int(row[0])
        found.append(
            {
                "kind": "bed.overbooked",
                "doc_ids": tuple(sorted({doc_id for doc_id, _e in items})),
                "event_ids": tuple(e["id"] for _d, e in items),
                "sides": [_side(doc_id, e, names) for doc_id, e in items],
                "location_id": location_id,
                "care_type": care_type,
                "free": free,
                "title_nl": f"Dubbel geaccepteerd: {len(items)} acceptaties voor {free} vrij(e) bed(den) "
                f"bij {where_nl}, gedaan terwijl de knooppunten niet verbonden waren.",
                "title_en": f"Double acceptance: {len(items)} acceptances for {free} free bed(s) at "
                f"{where_en}, made while the nodes were apart.",
            }
        )
    return found


def conflicts(session: Session) -> list[dict[str, Any]]:
    """Placement steps a person must decide on; both sides stay in the documents (nothing dropped).

    Every role may list them (the conflict inbox asks on behalf of whoever opens it): a side names
    nodes, a location, a care type and a step — placement status, never triage.
    """
    session.require_role(("nurse", "coordinator", "admin"), "placement.conflicts", "placement")
    names = _Names(session)
    found = [*_concurrent(session, names), *_overbooked(session, names)]
    with session.transaction():
        session.audit(
            "placement.conflicts",
            "R",
            "placement",
            data_part="placement status",
            basis_authorisation=True,
            detail={"results": len(found)},
        )
    return found
