"""Placement requests (referrals): filed with triage, the care type suggested by the ELV rules."""

from __future__ import annotations

from collections.abc import Mapping

from veldclient.domain import PlacementRequest, Triage, TriageAdvice, suggest_care_type
from veldclient.services.clients import _case_root, _event
from veldclient.services.session import Session

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
