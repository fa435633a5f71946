"""The first root of a node's document: its profile, sites and one capacity record per site and
care type, built from the reference data (veldclient.reference.twente).

Every device that creates ``node:<id>`` starts from this root (docs/architecture.md "Genesis"), so it
must come out the same on every device and every version; the bed statuses and the capacity key are
the domain's, their one home.
"""

from __future__ import annotations

import zlib
from typing import Any

from veldclient.domain.enums import BedStatus
from veldclient.domain.models_capacity import capacity_key
from veldclient.reference.twente import locations_for, node, node_ids


def _occupied(key: str, total: int) -> int:
    """Deterministic 60–95 % occupancy per capacity key, so seeds differ per bed without a RNG."""
    pct = 60 + zlib.crc32(key.encode()) % 36
    return min(total, (total * pct + 50) // 100)


def node_document_seed(node_id: str, reported_at: int) -> dict[str, Any]:
    """The initial root of the ``node`` document (data-model.md "Documents") for a fixture node.

    All beds start FREE or OCCUPIED (split deterministically per location/care type), reported by
    ``"fixture"`` at ``reported_at`` (epoch ms UTC, a parameter so tests control staleness). The
    root ``id`` is the node id; the document id is ``"node:" + id``. A node that is not in the
    reference data (a node its admin founds, services/nodes.py) starts from :func:`blank_seed`.
    """
    if node_id not in node_ids():
        return blank_seed(node_id)
    n = node(node_id)
    locs = locations_for(node_id)
    capacity: dict[str, dict[str, Any]] = {}
    for loc in locs:
        for care_type, total in loc.beds.items():
            if total <= 0:
                continue
            key = capacity_key(loc.id, care_type)
            occ = _occupied(key, total)
            counts = {status.value: 0 for status in BedStatus}
            counts["FREE"] = total - occ
            counts["OCCUPIED"] = occ
            capacity[key] = {
                "location_id": loc.id,
                "node_id": node_id,
                "care_type": care_type,
                "beds_total": total,
                "counts": counts,
                "capabilities": sorted(loc.capabilities.get(care_type, ())),
                "reported_by": "fixture",
                "reported_at": int(reported_at),
                "device_id": "fixture",
            }
    return {
        "kind": "node",
        "id": node_id,
        "node_id": node_id,
        "schema": 1,
        "archived": False,
        "events": [],
        "profile": n.profile(),
        "locations": {loc.id: loc.to_record() for loc in locs},
        "capacity": capacity,
        "slots": {},
        "erasures": {},
        "devices": {},
        "attestations": {},
    }


def blank_seed(node_id: str) -> dict[str, Any]:
    """The genesis root of a node outside the reference data: only its id. Every device of the node
    makes this same first change; its admin's founding (name, postcodes, sites) follows as a signed
    change of its own, so a laptop that joins before it syncs merges cleanly."""
    return {
        "kind": "node",
        "id": node_id,
        "node_id": node_id,
        "schema": 1,
        "archived": False,
        "events": [],
        "profile": {"id": node_id},
        "locations": {},
        "capacity": {},
        "slots": {},
        "erasures": {},
        "devices": {},
        "attestations": {},
    }
