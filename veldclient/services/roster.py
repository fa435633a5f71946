"""Volunteers, mantelzorgers and help requests: the coordinator's roster (no medical data here)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from veldclient.domain import HelpRequest, Mantelzorger, Volunteer
from veldclient.domain.fields import editable
from veldclient.errors import NotFound
from veldclient.services import search
from veldclient.services.clients import _event
from veldclient.services.session import Session
from veldclient.store.repo import doc_id_for

ROSTER = ("nurse", "coordinator", "admin")
ROSTER_WRITE = ("coordinator", "admin")
HELP = ("nurse", "coordinator")


def _root(session: Session, kind: str, record_id: str, label: str) -> dict[str, Any]:
    doc_id = doc_id_for(kind, record_id)
    info = session.repo.store.info(doc_id)
    if info is None or info.node_id != session.actor.node_id:
        raise NotFound(label, record_id)
    return session.repo.read(doc_id)


def register_volunteer(session: Session, raw: Mapping[str, object]) -> Volunteer:
    session.require_role(ROSTER_WRITE, "volunteer.create", "volunteer")
    volunteer = Volunteer.parse({**raw, "node_id": session.actor.node_id}, today=session.today())
    with session.transaction():
        session.repo.create(
            "volunteer",
            volunteer.id,
            volunteer.node_id,
            {"volunteer": volunteer.to_dict(), "events": [_event(session, "CREATED")]},
        )
        session.audit("volunteer.create", "C", "volunteer", object_id=volunteer.id, basis_authorisation=True)
    return volunteer


def update_volunteer(session: Session, volunteer_id: str, changes: Mapping[str, object]) -> Volunteer:
    session.require_role(ROSTER_WRITE, "volunteer.update", "volunteer", object_id=volunteer_id)
    changes = editable(changes, Volunteer)
    current = _root(session, "volunteer", volunteer_id, "Vrijwilliger / volunteer")["volunteer"]
    volunteer = Volunteer.parse(
        {**current, **changes, "id": volunteer_id, "node_id": current["node_id"]}, today=session.today()
    )
    with session.transaction():
        session.repo.change(
            doc_id_for("volunteer", volunteer_id), lambda e: e.update(("volunteer",), volunteer.to_dict())
        )
        session.audit("volunteer.update", "U", "volunteer", object_id=volunteer_id, basis_authorisation=True)
    return volunteer


def get_volunteer(session: Session, volunteer_id: str) -> Volunteer:
    session.require_role(ROSTER, "volunteer.read", "volunteer", object_id=volunteer_id)
    root = _root(session, "volunteer", volunteer_id, "Vrijwilliger / volunteer")
    with session.transaction():
        session.audit("volunteer.read", "R", "volunteer", object_id=volunteer_id, basis_authorisation=True)
    return Volunteer.from_dict(root["volunteer"])


def search_volunteers(session: Session, text: str, *, limit: int = 20) -> list[dict[str, Any]]:
    session.require_role(ROSTER, "volunteer.search", "volunteer")
    rows = search.volunteers(session.db, text, node_id=session.actor.node_id, limit=limit)
    with session.transaction():
        session.audit(
            "volunteer.search", "S", "volunteer", basis_authorisation=True, detail={"results": len(rows)}
        )
    return rows


def register_mantelzorger(session: Session, raw: Mapping[str, object]) -> Mantelzorger:
    session.require_role(HELP + ("admin",), "mantelzorger.create", "mantelzorger")
    carer = Mantelzorger.parse({**raw, "node_id": session.actor.node_id}, today=session.today())
    with session.transaction():
        session.repo.create(
            "mantelzorger",
            carer.id,
            carer.node_id,
            {"mantelzorger": carer.to_dict(), "events": [_event(session, "CREATED")]},
        )
        session.audit(
            "mantelzorger.create",
            "C",
            "mantelzorger",
            object_id=carer.id,
            client_id=carer.care_for_client_id,
            data_part="burden",
            basis_authorisation=True,
        )
    return carer


def file_help_request(session: Session, raw: Mapping[str, object]) -> HelpRequest:
    """A resident's or carer's request for a volunteer; the summary must stay non-medical."""
    session.require_role(HELP, "helprequest.create", "help_request")
    request = HelpRequest.parse({**raw, "node_id": session.actor.node_id, "created_at": session.now()})
    with session.transaction():
        session.repo.create(
            "helpreq",
            request.id,
            request.node_id,
            {"request": request.to_dict(), "matches": {}, "events": [_event(session, "CREATED")]},
        )
        session.audit(
            "helprequest.create",
            "C",
            "help_request",
            object_id=request.id,
            client_id=request.subject_id if request.on_behalf_of == "CLIENT" else None,
            basis_authorisation=True,
        )
    return request
