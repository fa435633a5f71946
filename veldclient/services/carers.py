"""Mantelzorgers after registration: their details, the person they care for, and their burden.

Each burden measurement is a ``BURDEN`` event in the carer's document (appended, so measurements
made on two devices while apart are both kept), and the record's ``burden`` holds the latest by
date: what lists, filters and the overloaded flag read. The trend and the respite advice follow
from the measurements (``domain.burden``), never from a stored verdict.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from veldclient.domain import Burden, Mantelzorger
from veldclient.domain.burden import RespiteAdvice, respite_advice, trend
from veldclient.domain.enums import BurdenTrend
from veldclient.domain.fields import editable
from veldclient.errors import ValidationError
from veldclient.services import events, matching, roster
from veldclient.services.roster import HELP, _root
from veldclient.services.roster_view import BurdenView, burden_view
from veldclient.session import Session
from veldclient.store.docstore import Editor
from veldclient.store.repo import doc_id_for

CARERS = (*HELP, "admin")  # who registers carers (roster.register_mantelzorger) and edits them
BURDEN = HELP  # who records and reads measurements: an admin sees no burden (roster_view.burden_view)
CARER_LABEL = ("Mantelzorger", "informal carer")
BURDEN_EVENT = "BURDEN"
# What the edit form changes: the burden has its own step (a new measurement, never an overwrite)
# and the person cared for its own (a link to a client of this node).
CARER_EDITABLE = (
    "first_name",
    "last_name",
    "pc4",
    "phone",
    "relationship",
    "hours_per_week",
    "since",
    "respite_needs",
)


@dataclass(frozen=True)
class BurdenRecord:
    """A carer's measurements, oldest first (each as this role may see it: ``burden_view``), the
    trend of the last two and the advice. The carer comes without the burden, as on the profile."""

    carer: Mantelzorger
    history: tuple[tuple[date, BurdenView], ...]
    trend: BurdenTrend | None
    advice: RespiteAdvice | None


def _audit_carer(session: Session, event: str, action: str, carer: Mantelzorger, **fields: Any) -> None:
    session.audit(
        event,
        action,
        "mantelzorger",
        object_id=carer.id,
        client_id=carer.care_for_client_id,
        basis_authorisation=True,
        **fields,
    )


def _stored(session: Session, carer_id: str) -> tuple[str, dict[str, Any]]:
    doc_id = doc_id_for("mantelzorger", str(carer_id))
    return doc_id, _root(session, "mantelzorger", str(carer_id), CARER_LABEL)


def _check_client(session: Session, client_id: str) -> None:
    """A carer is linked only to a client of this node: a link to nobody would make the carer's
    audit entries name a stranger. Only the document's existence is read, none of its content."""
    info = session.repo.info(doc_id_for("case", str(client_id)))
    if info is None or info.node_id != session.actor.node_id:
        shown = matching.safe_id(client_id)
        raise ValidationError.single(
            "care_for_client_id",
            "not_found",
            f"Cliënt '{shown}' bestaat niet op dit knooppunt.",
            f"Client '{shown}' does not exist at this node.",
        )


def register(session: Session, raw: Mapping[str, object]) -> Mantelzorger:
    """Register a carer, linked at once when ``care_for_client_id`` names a client of this node."""
    client_id = raw.get("care_for_client_id")
    if client_id:
        session.require_role(CARERS, "mantelzorger.create", "mantelzorger")
        _check_client(session, str(client_id))
    return roster.register_mantelzorger(session, raw)


def update_mantelzorger(session: Session, carer_id: str, changes: Mapping[str, object]) -> Mantelzorger:
    """Change a carer's details; validated whole against the stored record, nothing half-written."""
    safe = matching.safe_id(carer_id)
    session.require_role(CARERS, "mantelzorger.update", "mantelzorger", object_id=safe)
    editable(changes, Mantelzorger, CARER_EDITABLE)
    doc_id, root = _stored(session, carer_id)
    current = root["mantelzorger"]
    carer = Mantelzorger.parse({**current, **changes}, today=session.today())
    stored = carer.to_dict()

    def edit(e: Editor) -> None:
        for key in sorted(changes):
            e.set(("mantelzorger", key), stored[key])

    with session.transaction():
        session.repo.change(doc_id, edit)
        _audit_carer(session, "mantelzorger.update", "U", carer, detail={"fields": " ".join(sorted(changes))})
    return carer


def link_carer(session: Session, carer_id: str, client_id: str | None) -> Mantelzorger:
    """Link a carer to the client of this node they care for (None unlinks)."""
    safe = matching.safe_id(carer_id)
    session.require_role(CARERS, "mantelzorger.link", "mantelzorger", object_id=safe)
    doc_id, root = _stored(session, carer_id)
    if client_id is not None:
        _check_client(session, client_id)
    carer = Mantelzorger.parse(
        {**root["mantelzorger"], "care_for_client_id": client_id}, today=session.today()
    )

    def edit(e: Editor) -> None:
        e.set(("mantelzorger", "care_for_client_id"), carer.care_for_client_id)

    with session.transaction():
        session.repo.change(doc_id, edit)
        _audit_carer(session, "mantelzorger.link", "U", carer, data_part="care_relation")
    return carer


def _history(root: Mapping[str, Any]) -> tuple[Burden, ...]:
    """Every measurement, oldest first (by date, then by when it was recorded). A carer registered
    with a burden before measurements were events has that one as its history."""
    found = [
        (str(e["data"].get("measured_on")), int(e.get("at") or 0), Burden.from_dict(e["data"]))
        for e in root.get("events") or []
        if e.get("type") == BURDEN_EVENT and isinstance(e.get("data"), Mapping)
    ]
    if not found:
        stored = root["mantelzorger"].get("burden")
        return (Burden.from_dict(stored),) if stored else ()
    return tuple(b for _, _, b in sorted(found, key=lambda x: (x[0], x[1])))


def _record(role: str, carer: Mantelzorger, history: tuple[Burden, ...]) -> BurdenRecord:
    seen = [(b.measured_on, burden_view(role, b.instrument.value, b.score, b.measured_on)) for b in history]
    shown = tuple((day, view) for day, view in seen if view is not None)
    bare = replace(carer, burden=None)
    if len(shown) != len(history) or not history:  # a role that may not see the burden sees none of it
        return BurdenRecord(bare, (), None, None)
    latest = history[-1]
    change = trend(history[-2].category, latest.category) if len(history) > 1 else None
    return BurdenRecord(bare, shown, change, respite_advice(latest.category, latest.measured_on, change))


def record_burden(session: Session, carer_id: str, raw: Mapping[str, object]) -> BurdenRecord:
    """Record a new measurement (instrument, score, date): appended as an event; the record's
    ``burden`` follows when it is the latest by date (a late-entered older one only adds history)."""
    safe = matching.safe_id(carer_id)
    session.require_role(BURDEN, "mantelzorger.burden", "mantelzorger", object_id=safe)
    burden = Burden.parse(raw, today=session.today())
    doc_id, root = _stored(session, carer_id)
    carer = Mantelzorger.from_dict(root["mantelzorger"])
    history = tuple(sorted((*_history(root), burden), key=lambda b: b.measured_on))
    latest = history[-1]

    def edit(e: Editor) -> None:
        prior = e.root.get("events") or []
        if not any(ev.get("type") == BURDEN_EVENT for ev in prior) and carer.burden is not None:
            # the registration's measurement becomes the first event, so the history keeps it
            e.append(("events",), events.make(session, BURDEN_EVENT, prior, **carer.burden.to_dict()))
        e.append(
            ("events",), events.make(session, BURDEN_EVENT, e.root.get("events") or [], **burden.to_dict())
        )
        e.set(("mantelzorger", "burden"), latest.to_dict())

    with session.transaction():
        session.repo.change(doc_id, edit)
        _audit_carer(
            session,
            "mantelzorger.burden",
            "C",
            carer,
            data_part="burden",
            detail={"measured_on": burden.measured_on.isoformat(), "category": burden.category.value},
        )
    return _record(session.actor.role, carer, history)


def burden_record(session: Session, carer_id: str) -> BurdenRecord:
    """The carer's measurements with trend and advice; audited as a read of their burden."""
    safe = matching.safe_id(carer_id)
    session.require_role(BURDEN, "mantelzorger.read", "mantelzorger", object_id=safe)
    _, root = _stored(session, carer_id)
    carer = Mantelzorger.from_dict(root["mantelzorger"])
    with session.transaction():
        _audit_carer(session, "mantelzorger.read", "R", carer, data_part="burden")
    return _record(session.actor.role, carer, _history(root))


def measurements(session: Session, carer_id: str) -> tuple[Burden, ...]:
    """Every measurement of a carer, oldest first, for a caller that checked the role and writes
    its own audit entry (the crisis-risk list reads many carers under one entry: services/risk.py)."""
    _, root = _stored(session, carer_id)
    return _history(root)
