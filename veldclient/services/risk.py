"""The crisis-risk list of this node's own clients: who may need an acute admission soon, and why.

The rules are in domain/risk.py; this reads their facts from this device's store and nothing else:
the projection tables (placements, visits, help requests, carers) and the carers' documents for
their measurements. The list is computed on each call and returned, never stored: it is written
into no document and no table, so no sync, bundle or relay can carry it (tests/unit/test_risk_service.py
checks that every document's heads are unchanged by it). Reading it is a read of client data and
is audited once per list (``risk.list``), with the number of clients on it.

Roles: the nurse sees every reason, with burden scores. The coordinator sees the carer and placement
reasons with the burden as a category, and a client's name only where a help request exists (as in
the caseload); the visit reason is clinical (the nurse's observation), so it is not computed for her.
The admin keeps the devices and the log, not the care: the list is refused and the refusal audited.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from veldclient.db import sql_words
from veldclient.domain.enums import HelpRequestStatus
from veldclient.domain.models_help import status_on
from veldclient.domain.risk import (
    PLACEMENT_SEARCHING,
    CarerFacts,
    Measurement,
    PlacementFacts,
    Reason,
    VisitFacts,
    carer_reason,
    order_key,
    placement_reason,
    visits_reason,
)
from veldclient.services import carers
from veldclient.session import Session

VIEWERS = ("nurse", "coordinator")
RESPITE_HELP = (HelpRequestStatus.MATCHED, HelpRequestStatus.IN_PROGRESS)
"""A help request for the carer or the client with a volunteer matched or at work: respite at home."""
RESPITE_STAYS = ("WLZ_LOGEER", "WMO_KORTDUREND_VERBLIJF")
"""A respite or short stay accepted or begun for the client: the carer is relieved."""
RESPITE_STAY_STATUSES = ("ACCEPTED", "ADMITTED")
WATCHED = ("MODERATE", "HEAVY")
"""Carers whose latest burden is at least moderate: only these can give a carer reason (a rise
counts from moderate up, overload is heavy), so only their documents are read."""


@dataclass(frozen=True)
class RiskEntry:
    """One client on the list: ``name`` is None where the role may not see it (a coordinator,
    no help request for this client)."""

    client_id: str
    name: str | None
    reasons: tuple[Reason, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "client_id": self.client_id,
            "name": self.name,
            "reasons": [
                {"kind": r.kind, "nl": r.nl, "en": r.en, "due_at": r.due_at, "seen_at": r.seen_at}
                for r in self.reasons
            ],
        }


def risk_list(session: Session) -> list[RiskEntry]:
    """The own node's clients with one or more reasons, in the order of domain.risk.order_key."""
    session.require_role(VIEWERS, "risk.list", "client")
    nurse = session.actor.role == "nurse"
    now, today = session.now(), session.today()
    found: dict[str, list[Reason]] = {}

    def add(client_id: str, reason: Reason | None) -> None:
        if reason is not None:
            found.setdefault(client_id, []).append(reason)

    for client_id, facts in _carers(session, today):
        add(client_id, carer_reason(facts, today, scores=nurse))
    for client_id, request in _placements(session):
        add(client_id, placement_reason(request, now))
    if nurse:
        for client_id, visits in _visits(session, now):
            add(client_id, visits_reason(visits, now))
    names = _names(session, list(found), nurse)
    entries = [RiskEntry(cid, names.get(cid), tuple(reasons)) for cid, reasons in found.items()]
    entries.sort(key=lambda e: (order_key(e.reasons), e.name or "\uffff", e.client_id))
    with session.transaction():
        session.audit(
            "risk.list",
            "R",
            "client",
            data_part="identification" if nurse else "placement status",
            basis_authorisation=True,
            basis_care_relation=nurse,
            detail={"results": len(entries)},
        )
    return entries


_OWN = "c.node_id = :node AND c.archived = 0"


def _carers(session: Session, today: date) -> Iterable[tuple[str, CarerFacts]]:
    marks = sql_words(WATCHED)
    rows = session.db.execute(
        "SELECT m.id, m.first_name, m.last_name, m.care_for_client_id FROM mantelzorgers m"
        f" JOIN clients c ON c.id = m.care_for_client_id WHERE {_OWN} AND m.archived = 0"
        f" AND m.burden_category IN ({marks}) ORDER BY m.id",
        {"node": session.actor.node_id},
    ).fetchall()
    for carer_id, first, last, client_id in rows:
        history = carers.measurements(session, carer_id)
        facts = CarerFacts(
            f"{first} {last}".strip(),
            tuple(Measurement(b.measured_on, b.instrument, b.score, b.category) for b in history),
            _respite(session, carer_id, client_id, today),
        )
        yield client_id, facts


def _respite(session: Session, carer_id: str, client_id: str, today: date) -> bool:
    """Whether respite is arranged for this carer: see RESPITE_HELP and RESPITE_STAYS."""
    helped = session.db.execute(
        "SELECT status, window_end FROM help_requests WHERE archived = 0 AND subject_id IN (?, ?)",
        [carer_id, client_id],
    ).fetchall()
    for status, end in helped:
        try:
            shown = status_on(HelpRequestStatus(status), date.fromisoformat(end) if end else None, today)
        except ValueError:
            continue
        if shown in RESPITE_HELP:
            return True
    stays = sql_words(RESPITE_STAYS)
    statuses = sql_words(RESPITE_STAY_STATUSES)
    stay = session.db.execute(
        f"SELECT 1 FROM placements WHERE client_id = ? AND archived = 0 AND care_type IN ({stays})"
        f" AND status IN ({statuses}) LIMIT 1",
        [client_id],
    ).fetchone()
    return stay is not None


def _placements(session: Session) -> Iterable[tuple[str, PlacementFacts]]:
    marks = sql_words(PLACEMENT_SEARCHING)
    rows = session.db.execute(
        "SELECT p.client_id, p.status, p.urgency, p.care_type, p.received_at, p.placed_at"
        f" FROM placements p JOIN clients c ON c.id = p.client_id WHERE {_OWN}"
        f" AND p.node_id = :node AND p.archived = 0 AND p.status IN ({marks}) ORDER BY p.received_at, p.id",
        {"node": session.actor.node_id},
    ).fetchall()
    for client_id, status, urgency, care_type, received_at, placed_at in rows:
        yield client_id, PlacementFacts(status, urgency or "", care_type or "", int(received_at), placed_at)


def _visits(session: Session, now: int) -> Iterable[tuple[str, Sequence[VisitFacts]]]:
    """Concluded visits of the own clients, grouped by client (only clients with a worsened one)."""
    rows = session.db.execute(
        "SELECT v.client_id, v.status, coalesce(v.actual_start_at, v.planned_start_at) FROM visits v"
        f" JOIN clients c ON c.id = v.client_id WHERE {_OWN} AND v.status IN ('DONE', 'WORSENED')"
        " AND v.client_id IN (SELECT client_id FROM visits WHERE status = 'WORSENED')"
        " ORDER BY v.client_id",
        {"node": session.actor.node_id},
    ).fetchall()
    grouped: dict[str, list[VisitFacts]] = {}
    for client_id, status, at in rows:
        grouped.setdefault(client_id, []).append(VisitFacts(status, int(at)))
    return grouped.items()


def _names(session: Session, client_ids: list[str], nurse: bool) -> dict[str, str]:
    """Client names as the role may see them (the coordinator: only where a help request exists)."""
    if not client_ids:
        return {}
    marks = ", ".join("?" for _ in client_ids)
    helped = "" if nurse else " AND id IN (SELECT subject_id FROM help_requests)"
    rows = session.db.execute(f"SELECT id, name FROM clients WHERE id IN ({marks}){helped}", client_ids)
    return {cid: name for cid, name in rows.fetchall()}
