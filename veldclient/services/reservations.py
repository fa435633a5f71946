"""Beds reserved by an accepted offer that is not yet an admission.

A reservation is *derived*, never written: the sender accepts in the placement document, which is
the only document both nodes share, and the receiving node's capacity lives in that node's own
document, which the sender may not change. So every device counts, per location and care type, the
accepted offers of the placement documents it holds that are not yet admitted, and the capacity view
sets them against the reported free beds. Withdrawing or declining the offer, cancelling the request
or a conflict decision ends the acceptance and with it the reservation; admission turns it into an
occupied bed (the admit step writes FREE -1, OCCUPIED +1 in the node's own document).
"""

from __future__ import annotations

from veldclient.domain import PlacementStatus
from veldclient.domain import placement_flow as flow_rules
from veldclient.domain.models_capacity import capacity_key
from veldclient.session import Session


def reserved_beds(session: Session) -> dict[str, int]:
    """Reserved beds per capacity key (``location/CARE_TYPE``); a key without any is absent."""
    docs = session.db.execute(
        "SELECT doc_id FROM placements WHERE status = ? AND archived = 0", [PlacementStatus.ACCEPTED.value]
    ).fetchall()
    out: dict[str, int] = {}
    for (doc_id,) in docs:
        root = session.repo.read(doc_id)
        flow = flow_rules.flow_of(root.get("events") or [], (root.get("request") or {}).get("node_id"))
        for offer in flow.offers.values():
            if offer.state == flow_rules.ACCEPTED and offer.location_id and offer.care_type:
                key = capacity_key(offer.location_id, offer.care_type)
                out[key] = out.get(key, 0) + 1
    return out
