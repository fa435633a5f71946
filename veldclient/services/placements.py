"""Placement requests (referrals): filed with triage, the care type suggested by the ELV rules; and
the read side a nurse or coordinator watches: the caseload with the regional response targets
(first reply within 2 h, placed within 24 h) as timers. The steps across nodes are in
placement_flow.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from veldclient.domain import (
    SLA_PLACED_MS,
    SLA_REPLY_MS,
    PlacementRequest,
    Triage,
    TriageAdvice,
    suggest_care_type,
)
from veldclient.domain.placement_flow import OPEN
from veldclient.services.clients import _case_root, _event
from veldclient.session import Session

CARE = ("nurse",)


def advise(triage: Mapping[str, object]) -> TriageAdvice:
    """The suggestion a triage form gives, before anything is filed (for the form's live hint)."""
    return suggest_care_type(Triage.parse(triage))


def file_placement_request(session: Session, client_id: str, raw: Mapping[str, object]) -> PlacementRequest:
    """Validate, then create the placement document (it holds only what a receiving node needs)."""
    session.require_role(CARE, "placement.create", "placement", client_id=client_id)
    _case_root(session, client_id)
    request = PlacementRequest.parse(
        {**raw, "client_id": client_id, "node_id": session.actor.node_id, "received_at": session.now()}
    )
    with session.transaction():
        session.repo.create(
            "placement",
            request.id,
            request.node_id,
            {"request": request.to_dict(), "events": [_event(session, str(request.status))]},
        )
        session.audit(
            "placement.create",
            "C",
            "placement",
            client_id=client_id,
            object_id=request.id,
            data_part="triage",
            basis_authorisation=True,
            basis_care_relation=True,
        )
    return request


# --- response targets and the caseload view -----------------------------------------------------

SOON_MS = 30 * 60_000  # "about to breach": less than half an hour left
VIEWERS = ("nurse", "coordinator")
OPEN_STATUSES = tuple(sorted(s.value for s in OPEN))
TIMED_STATUSES = tuple(s for s in OPEN_STATUSES if s != "DRAFT")
"""Open statuses whose targets run: a draft has not been sent, so no one can reply to it yet."""
_COLUMNS = (
    "id, client_id, node_id, status, urgency, care_type, triage_outcome, required_capabilities,"
    " referrer_role, received_at, first_reply_at, placed_at"
)


def _timer(due_at: int, done_at: int | None, running: bool, now: int, soon_ms: int) -> dict[str, Any]:
    """One regional target: met on time (ok) or late (breached); while running ok / soon / breached."""
    if done_at is not None:
        return {"due_at": due_at, "state": "ok" if done_at <= due_at else "breached", "left_ms": None}
    if not running:
        return {"due_at": due_at, "state": None, "left_ms": None}  # closed without it: not applicable
    left = due_at - now
    return {
        "due_at": due_at,
        "state": "breached" if left < 0 else "soon" if left <= soon_ms else "ok",
        "left_ms": left,
    }


def timers(row: Mapping[str, Any], now: int, soon_ms: int = SOON_MS) -> dict[str, Any]:
    """Reply (2 h) and placement (24 h) timers of one ``placements`` row, flat for JSON and tables."""
    received = int(row["received_at"])
    running = row["status"] in TIMED_STATUSES
    reply = _timer(received + SLA_REPLY_MS, row.get("first_reply_at"), running, now, soon_ms)
    placed = _timer(received + SLA_PLACED_MS, row.get("placed_at"), running, now, soon_ms)
    return {
        "received_at": received,
        "first_reply_at": row.get("first_reply_at"),
        "placed_at": row.get("placed_at"),
        "reply_due_at": reply["due_at"],
        "reply_state": reply["state"],
        "reply_left_ms": reply["left_ms"],
        "placed_due_at": placed["due_at"],
        "placed_state": placed["state"],
        "placed_left_ms": placed["left_ms"],
    }


def overdue_ms(timer_row: Mapping[str, Any], which: str) -> int | None:
    """How far one target (``"reply"`` or ``"placed"``) of a :func:`timers` row was missed: still
    running past its due time, or met after it. None when that target is not missed."""
    if timer_row.get(f"{which}_state") != "breached":
        return None
    left = timer_row.get(f"{which}_left_ms")
    if left is not None:
        return -int(left)
    done = timer_row.get("first_reply_at" if which == "reply" else "placed_at")
    due = timer_row.get(f"{which}_due_at")
    return int(done) - int(due) if done is not None and due is not None else None


def _pressing(t: Mapping[str, Any]) -> bool:
    return t["reply_state"] in ("soon", "breached") or t["placed_state"] in ("soon", "breached")


def _rows(session: Session, where: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = session.db.execute(f"SELECT {_COLUMNS} FROM placements WHERE archived = 0 AND {where}", params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def targets(session: Session, *, soon_ms: int = SOON_MS) -> list[dict[str, Any]]:
    """Response targets of every open request on this device: the node's own (outgoing) and those
    sent to it (incoming), most pressing first. Status and timers only, no triage."""
    session.require_role(VIEWERS, "placement.targets", "placement")
    now = session.now()
    marks = ", ".join("?" for _ in OPEN_STATUSES)
    out = []
    for row in _rows(session, f"status IN ({marks})", list(OPEN_STATUSES)):
        out.append(
            {
                "request_id": row["id"],
                "client_id": row["client_id"],
                "node_id": row["node_id"],
                "direction": "outgoing" if row["node_id"] == session.actor.node_id else "incoming",
                "status": row["status"],
                "urgency": row["urgency"],
                "care_type": row["care_type"],
                **timers(row, now, soon_ms),
            }
        )
    out.sort(key=_urgency_key)
    with session.transaction():
        session.audit(
            "placement.targets",
            "R",
            "placement",
            data_part="placement status",
            basis_authorisation=True,
            detail={"results": len(out)},
        )
    return out


def _urgency_key(t: Mapping[str, Any]) -> tuple[int, int, str]:
    lefts = [t[k] for k in ("reply_left_ms", "placed_left_ms") if t.get(k) is not None]
    return (min(lefts) if lefts else 1 << 62, t["received_at"], t["request_id"])


def breaching(session: Session, *, soon_ms: int = SOON_MS) -> list[dict[str, Any]]:
    """Open requests with a target breached or less than ``soon_ms`` away (a late reply counts)."""
    return [t for t in targets(session, soon_ms=soon_ms) if _pressing(t)]


def caseload(
    session: Session, *, breaching_only: bool = False, soon_ms: int = SOON_MS
) -> list[dict[str, Any]]:
    """The node's clients with their placement requests, status, care type, urgency and timers.

    The nurse also gets triage outcome, required capabilities and referrer role; the coordinator gets
    none of those, and a client's name only when a help request exists for that client (DOMAIN.md).
    """
    session.require_role(VIEWERS, "placement.caseload", "placement")
    nurse = session.actor.role == "nurse"
    now = session.now()
    rows = _rows(session, "node_id = ?", [session.actor.node_id])
    names = dict(
        session.db.execute(
            "SELECT c.id, c.name FROM clients c JOIN placements p ON p.client_id = c.id"
            " WHERE p.node_id = ? AND p.archived = 0",
            [session.actor.node_id],
        ).fetchall()
    )
    helped = {r[0] for r in session.db.execute("SELECT DISTINCT subject_id FROM help_requests")}
    cases: dict[str, dict[str, Any]] = {}
    for row in rows:
        t = timers(row, now, soon_ms)
        if breaching_only and not (row["status"] in OPEN_STATUSES and _pressing(t)):
            continue
        request: dict[str, Any] = {
            "request_id": row["id"],
            "status": row["status"],
            "care_type": row["care_type"],
            "urgency": row["urgency"],
            **t,
        }
        if nurse:
            request["triage_outcome"] = row["triage_outcome"]
            request["required_capabilities"] = (row["required_capabilities"] or "").split()
            request["referrer_role"] = row["referrer_role"]
        client_id = row["client_id"]
        visible = nurse or client_id in helped
        case = cases.setdefault(
            client_id,
            {"client_id": client_id, "name": names.get(client_id) if visible else None, "requests": []},
        )
        case["requests"].append(request)
    out = list(cases.values())
    for case in out:
        case["requests"].sort(key=lambda r: (-r["received_at"], r["request_id"]))
    out.sort(key=lambda c: (-c["requests"][0]["received_at"], c["client_id"]))
    with session.transaction():
        session.audit(
            "placement.caseload",
            "R",
            "placement",
            data_part="placement" if nurse else "placement status",
            basis_authorisation=True,
            basis_care_relation=nurse,
            detail={"results": sum(len(c["requests"]) for c in out)},
        )
    return out
