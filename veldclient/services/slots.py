"""Micro-capacity slots (e.g. 10-minute GP or district-nurse slots) and their bookings.

A node publishes slots in its own node document. A booking is written by the **booking** node, in its
own node document (``bookings``): no node ever writes another node's document, so booking works
offline from anywhere. A slot is taken when any node document holds an unreleased booking for it;
two bookings of one slot made while apart are both kept and shown as a double booking.

Node documents go to every node, so a booking there names the slot, the booking node and the time,
never the client: who the slot is for is an event in the client's own case document, which stays in
the node (``SLOT_BOOKED``, ``SLOT_RELEASED``).
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from veldclient.domain import Slot, SlotStatus, formats
from veldclient.domain.enums import service_label
from veldclient.domain.fields import LOCAL_TZ, integer
from veldclient.errors import FieldError, InvalidTransition, NotFound, ValidationError
from veldclient.services import events
from veldclient.services.conflicts import node_decisions
from veldclient.session import Session
from veldclient.store.docstore import Editor
from veldclient.store.repo import doc_id_for

PUBLISHERS = ("nurse", "admin")
BOOKERS = ("nurse", "coordinator")
MAX_SLOTS = 200
# a slot's derived state (slot_table) -> (nl, en), as the app and ``veld slots list`` show it
STATE_NAMES = {
    "free": ("Vrij", "Free"),
    "booked": ("Geboekt", "Booked"),
    "double_booked": ("Dubbel geboekt", "Double booked"),
}


def publish(
    session: Session,
    *,
    service: str,
    start_at: int | str,
    minutes: int | str = 10,
    count: int | str = 1,
) -> list[Slot]:
    """Publish ``count`` consecutive slots of ``minutes`` from ``start_at`` for one service.

    Typed input is accepted as typed (``"2026-11-20 09:00"`` is Dutch wall-clock time) and every
    mistake is named at once; nothing is written unless all of it is right."""
    session.require_role(PUBLISHERS, "slot.publish", "slot")
    node = session.actor.node_id
    problems: list[FieldError] = []
    first: Slot | None = None
    try:
        first = Slot.parse({"node_id": node, "service": service, "start_at": start_at, "minutes": minutes})
    except ValidationError as error:
        problems.extend(error.errors)
    try:
        how_many = integer(1, MAX_SLOTS)(count, "count")
    except ValidationError:
        how_many = 0
        problems.append(
            FieldError(
                "count",
                "range",
                f"Publiceer 1 tot {MAX_SLOTS} tijdsloten tegelijk.",
                f"Publish 1 to {MAX_SLOTS} slots at once.",
            )
        )
    if problems or first is None:
        raise ValidationError(problems)
    step = first.minutes * 60_000
    raw = {"node_id": node, "service": first.service, "minutes": first.minutes}
    slots = [first] + [Slot.parse({**raw, "start_at": first.start_at + i * step}) for i in range(1, how_many)]
    with session.transaction():
        session.repo.change(doc_id_for("node", node), lambda e: _write_slots(e, slots))
        session.audit("slot.publish", "C", "slot", detail={"count": how_many, "service": first.service})
    return slots


def _write_slots(e: Editor, slots: list[Slot]) -> None:
    for slot in slots:
        e.update(("slots", slot.id), slot.to_dict())


def _active_bookings(session: Session, slot_id: str) -> list[tuple[str, str]]:
    return session.db.execute(
        "SELECT id, booking_node FROM slot_bookings WHERE slot_id = ? AND released_at IS NULL ORDER BY id",
        [slot_id],
    ).fetchall()


def book(session: Session, slot_id: str, client_id: str) -> str:
    """Book a free slot for a client; refused when this replica already knows a booking for it."""
    session.require_role(BOOKERS, "slot.book", "slot", client_id=client_id)
    if not (client_id or "").strip():
        raise ValidationError.single(
            "client_id", "required", "Kies voor wie het tijdslot is.", "Choose who the slot is for."
        )
    row = session.db.execute("SELECT node_id, status FROM slots WHERE id = ?", [slot_id]).fetchone()
    if row is None:
        raise NotFound(("Tijdslot", "slot"), slot_id)
    if row[1] != SlotStatus.FREE or _active_bookings(session, slot_id):
        raise InvalidTransition(
            "Dit tijdslot is al geboekt; kies een ander tijdslot.",
            "This slot is already booked; choose another slot.",
        )
    booking_id = hashlib.sha256(f"{slot_id}:{session.actor.device_id}:{session.now()}".encode()).hexdigest()[
        :32
    ]
    case_doc = doc_id_for("case", client_id)
    case = session.repo.info(case_doc)
    if case is None or case.node_id != session.actor.node_id:
        raise NotFound(("Cliënt", "client"), client_id)
    booking = {
        "id": booking_id,
        "slot_id": slot_id,
        "slot_node": row[0],
        "at": session.now(),
        "by": session.actor.user_id,
        "device": session.actor.device_id,
        "released_at": None,
    }
    with session.transaction():
        session.repo.change(
            doc_id_for("node", session.actor.node_id), lambda e: e.update(("bookings", booking_id), booking)
        )
        _case_event(session, case_doc, "SLOT_BOOKED", booking_id=booking_id, slot_id=slot_id)
        session.audit(
            "slot.book", "C", "slot", client_id=client_id, object_id=slot_id, basis_care_relation=True
        )
    return booking_id


def release(session: Session, booking_id: str) -> None:
    """Release one of the own node's bookings (a booking made by another node is theirs to release)."""
    session.require_role(BOOKERS, "slot.release", "slot")
    node_doc = doc_id_for("node", session.actor.node_id)
    booking = (session.repo.read(node_doc).get("bookings") or {}).get(booking_id)
    if booking is None:
        raise NotFound(("Boeking", "booking"), booking_id)
    if booking.get("released_at") is not None:
        raise InvalidTransition("Deze boeking is al vrijgegeven.", "This booking was already released.")
    case_doc = _case_of(session, booking_id)
    with session.transaction():
        session.repo.change(node_doc, lambda e: e.set(("bookings", booking_id, "released_at"), session.now()))
        if case_doc is not None:
            _case_event(session, case_doc, "SLOT_RELEASED", booking_id=booking_id)
        session.audit(
            "slot.release",
            "U",
            "slot",
            client_id=case_doc.split(":", 1)[1] if case_doc else None,
            object_id=booking.get("slot_id"),
        )


def release_slot(session: Session, slot_id: str) -> str:
    """Release this node's booking of a slot (the earliest, should it hold two); returns its id."""
    session.require_role(BOOKERS, "slot.release", "slot")
    row = session.db.execute(
        "SELECT id FROM slot_bookings WHERE slot_id = ? AND booking_node = ? AND released_at IS NULL"
        " ORDER BY at, id LIMIT 1",
        [slot_id, session.actor.node_id],
    ).fetchone()
    if row is None:
        raise InvalidTransition(
            "Dit knooppunt heeft dit tijdslot niet geboekt; er is niets vrij te geven.",
            "This node has not booked this slot; there is nothing to release.",
        )
    release(session, row[0])
    return str(row[0])


def bookable_clients(session: Session) -> list[tuple[str, str]]:
    """(id, name) of the node's current clients, to choose whom a slot is for. Names are client
    data, so listing them is audited (a count, never the names). A coordinator sees a client's
    name only where a help request exists for that client, as in the caseload (caseload_view)."""
    session.require_role(BOOKERS, "slot.clients", "client")
    sql = "SELECT id, name FROM clients WHERE node_id = ? AND NOT coalesce(archived, 0)"
    if session.actor.role != "nurse":
        sql += " AND id IN (SELECT subject_id FROM help_requests)"
    rows = session.db.execute(sql + " ORDER BY name, id", [session.actor.node_id]).fetchall()
    with session.transaction():
        session.audit("slot.clients", "R", "client", data_part="name", detail={"count": len(rows)})
    return [(str(cid), str(name)) for cid, name in rows]


def suggested_start(session: Session, lang: str) -> str:
    """Where a new run of slots most likely begins: 09:00 tomorrow, Dutch time (the form's default),
    written as the form's language writes a moment."""
    tomorrow = datetime.fromtimestamp(session.now() / 1000, LOCAL_TZ).date() + timedelta(days=1)
    at = datetime(tomorrow.year, tomorrow.month, tomorrow.day, 9, tzinfo=LOCAL_TZ)
    return formats.moment(int(at.timestamp() * 1000), lang)


def when(start_at: int) -> str:
    """A slot's start in Dutch wall-clock time, sortable (``--json``); people read
    ``formats.moment``."""
    return f"{datetime.fromtimestamp(start_at / 1000, LOCAL_TZ):%Y-%m-%d %H:%M}"


def _case_event(session: Session, case_doc: str, kind: str, **data: str) -> None:
    def write(e: Editor) -> None:
        e.append(("events",), events.make(session, kind, e.root.get("events") or [], **data))

    session.repo.change(case_doc, write)


def _case_of(session: Session, booking_id: str) -> str | None:
    """The case document whose client a booking of this node is for (it names the booking)."""
    rows = session.db.execute(
        "SELECT DISTINCT doc_id FROM doc_events WHERE type = 'SLOT_BOOKED' AND doc_id LIKE 'case:%'"
    ).fetchall()
    for (doc_id,) in rows:
        for event in session.repo.read(doc_id).get("events") or []:
            data = event.get("data") or {}
            if event.get("type") == "SLOT_BOOKED" and data.get("booking_id") == booking_id:
                return str(doc_id)
    return None


def slot_table(session: Session, node_id: str | None = None) -> list[dict[str, Any]]:
    """Slots with their derived state: free, booked (with the booking nodes) or double booked, and
    the id of this node's own unreleased booking of it (``own_booking``, the one it may release).
    ``status`` is the status its node published (SlotStatus), before any booking is counted."""
    sql = (
        "SELECT s.id, s.node_id, s.service, s.start_at, s.minutes, s.status,"
        " (SELECT group_concat(booking, ' ') FROM (SELECT b.id || ' ' || b.booking_node AS booking"
        "  FROM slot_bookings b WHERE b.slot_id = s.id AND b.released_at IS NULL ORDER BY b.at, b.id)),"
        " (SELECT min(b.id) FROM slot_bookings b WHERE b.slot_id = s.id AND b.released_at IS NULL"
        "  AND b.booking_node = ?) FROM slots s"
    )
    params = [session.actor.node_id]
    if node_id:
        sql += " WHERE s.node_id = ?"
        params.append(node_id)
    out = []
    decided = _Decisions(session)
    for sid, node, service, start, minutes, status, bookings, own in session.db.execute(
        sql + " ORDER BY s.start_at", params
    ):
        pairs = (bookings or "").split()
        active = dict(zip(pairs[::2], pairs[1::2], strict=True))  # booking id -> booking node
        if len(active) > 1:
            active = decided.standing(node, active)
        by = list(active.values())  # in the order they booked
        state = "double_booked" if len(by) > 1 else "booked" if by or status != SlotStatus.FREE else "free"
        out.append(
            {
                "id": sid,
                "node_id": node,
                "service": service,
                "start_at": start,
                "minutes": minutes,
                "state": state,
                "status": status,
                "booked_by_nodes": by,
                "own_booking": own,
            }
        )
    return out


class _Decisions:
    """The decisions on double bookings that the slot's own node recorded (the conflict inbox
    writes them to its node document, which every node holds): once the owner chose a side, only
    that booking stands on the board; "none stands" leaves the slot free. Another node's decision
    on someone else's slot does not count: only the owner decides who gets its slot."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.by_node: dict[str, list[tuple[set[str], str | None]]] = {}

    def standing(self, slot_node: str, active: dict[str, str]) -> dict[str, str]:
        for covered, chosen in self._of(slot_node):
            if set(active) <= covered:
                return {b: n for b, n in active.items() if b == chosen}
        return active

    def _of(self, node_id: str) -> list[tuple[set[str], str | None]]:
        if node_id not in self.by_node:
            self.by_node[node_id] = node_decisions(self.session, node_id)
        return self.by_node[node_id]


def conflicts(session: Session) -> list[dict[str, Any]]:
    """Slots holding more than one unreleased booking: both are kept and shown, none dropped."""
    out = []
    for (slot_id,) in session.db.execute(
        "SELECT slot_id FROM slot_bookings WHERE released_at IS NULL GROUP BY slot_id HAVING count(*) > 1"
    ).fetchall():
        rows = session.db.execute(
            "SELECT id, doc_id, booking_node, by, at FROM slot_bookings"
            " WHERE slot_id = ? AND released_at IS NULL ORDER BY at, booking_node, id",
            [slot_id],
        ).fetchall()
        slot = session.db.execute(
            "SELECT service, start_at, node_id FROM slots WHERE id = ?", [slot_id]
        ).fetchone()
        what = {
            lang: f"{service_label(slot[0], lang)} {formats.moment(slot[1], lang)} ({slot[2]})"
            if slot
            else slot_id[:8]
            for lang in ("nl", "en")
        }
        out.append(
            {
                "kind": "slot.double_booking",
                "doc_ids": tuple(sorted({r[1] for r in rows})),
                "event_ids": tuple(r[0] for r in rows),
                "sides": [
                    {
                        "event_id": r[0],
                        "doc_id": r[1],
                        "type": "BOOKED",
                        "by": r[3],
                        "at": r[4],
                        "node": r[2],
                        "summary_nl": f"Geboekt door {r[2]}",
                        "summary_en": f"Booked by {r[2]}",
                    }
                    for r in rows
                ],
                "title_nl": f"Tijdslot {what['nl']} is dubbel geboekt",
                "title_en": f"Slot {what['en']} is double booked",
            }
        )
    return out
