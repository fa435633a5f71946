"""Capacity of the own node: beds per location and care type, reported with who and when."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from veldclient.domain import CapacityRecord
from veldclient.errors import NotFound
from veldclient.services.session import Session
from veldclient.store.repo import doc_id_for

REPORTERS = ("nurse", "admin")


def update_capacity(
    session: Session, location_id: str, care_type: str, raw: Mapping[str, object]
) -> CapacityRecord:
    """Report the beds of one care type at one of the own node's locations (a new full record)."""
    session.require_role(REPORTERS, "capacity.update", "capacity")
    node_doc = doc_id_for("node", session.actor.node_id)
    root = session.repo.read(node_doc)
    if location_id not in (root.get("locations") or {}):
        raise NotFound("Locatie / location", location_id)
    record = CapacityRecord.parse(
        {
            **raw,
            "location_id": location_id,
            "node_id": session.actor.node_id,
            "care_type": care_type,
            "reported_by": session.actor.user_id,
            "reported_at": session.now(),
            "device_id": session.actor.device_id,
        }
    )
    with session.transaction():
        session.repo.change(node_doc, lambda e: e.update(("capacity", record.key), record.to_dict()))
        session.audit("capacity.update", "U", "capacity", object_id=record.key, basis_authorisation=True)
    return record


def capacity_rows(session: Session, node_id: str | None = None) -> list[dict[str, Any]]:
    sql = "SELECT * FROM capacity"
    params: list[str] = []
    if node_id:
        sql += " WHERE node_id = ?"
        params.append(node_id)
    cursor = session.db.execute(sql + " ORDER BY node_id, location_id, care_type", params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
