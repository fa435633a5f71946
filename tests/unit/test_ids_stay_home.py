"""Nothing about a client that was never shared reaches another node, by any path (issue 15.7).

A nurse's node holds a client with a visit, a referral not yet sent, a help request on their
behalf, a carer linked to them and a slot booked for them at another node; it also erases a second
client. Then every way data leaves the node runs: network sync both ways and a full USB bundle. The
other node's whole database is searched afterwards — every table, and every document at every point
of its history — for any id of those clients or their records.
"""

from __future__ import annotations

import json

from synchelpers import GOOD, Mesh, devices

from veldclient.services import bundles, clients, erasure, placements, roster, slots
from veldclient.store import boundary, codec

REFERRAL = {
    "referrer": {"name": "Dr. Bos", "role": "HUISARTS", "agb": None},
    "urgency": "U3",
    "triage": {"instability": True},
    "required_capabilities": [],
    "desired_start": "2026-11-19",
}
HELP = {
    "task": "VERVOER",
    "summary": "Rit naar de markt en weer terug",
    "pc4": "7511",
    "window": {"start": "2026-11-16", "end": "2026-12-31"},
    "requires_vog": True,
}
CARER = {
    "first_name": "Gerrit",
    "last_name": "Brinkhuis",
    "pc4": "7512",
    "relationship": "PARTNER",
    "hours_per_week": 40,
    "burden": {"instrument": "EDIZ_PLUS", "score": 11, "measured_on": "2026-10-01"},
}


def for_client(client_id: str) -> dict[str, object]:
    return {**HELP, "on_behalf_of": "CLIENT", "subject_id": client_id}


def everything_held(session, without: tuple[str, ...] = (), history: bool = True) -> str:
    """All a replica holds, as text: every row of every table (but ``without``) and every
    document's state after each change in its history (or only its current state)."""
    parts = []
    tables = [r[0] for r in session.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in (t for t in tables if t not in without):
        parts += [repr(row) for row in session.db.execute(f"SELECT * FROM [{table}]")]
    for (doc_id,) in session.db.execute("SELECT doc_id FROM am_docs").fetchall():
        doc = boundary.load(session.repo.store.raw_bytes(doc_id))
        parts.append(json.dumps(codec.materialise(doc), default=str))
        for _actor, change, _deps in boundary.change_meta(doc, []) if history else []:
            parts.append(json.dumps(codec.materialise(doc, codec.ROOT, [change]), default=str))
    return "\n".join(parts)


def test_no_id_of_an_unshared_client_reaches_another_node(tmp_path) -> None:
    with devices(
        ("a1", "enschede-centrum", "nurse"), ("a2", "enschede-centrum", "nurse"), ("b", "hengelo", "nurse")
    ) as (a1, a2, b):
        mesh = Mesh(a1, a2, b)
        slot = slots.publish(b, service="GP_CONSULT", start_at=1_795_020_000_000)[0]
        mesh.sync("a1", "b")

        kept = clients.register_client(a1, GOOD)
        clients.record_visit(a1, kept.id, {"planned_start_at": 1_795_100_000_000, "planned_minutes": 30})
        unsent = placements.file_placement_request(a1, kept.id, REFERRAL)
        helped = roster.file_help_request(a1, for_client(kept.id)).request
        carer = roster.register_mantelzorger(a1, {**CARER, "care_for_client_id": kept.id})
        booking = slots.book(a1, slot.id, kept.id)

        gone = clients.register_client(a1, {**GOOD, "name": "Hendrika Wolters"})
        gone_referral = placements.file_placement_request(a1, gone.id, REFERRAL)
        mesh.sync("a2", "a1")
        assert a2.repo.store.exists(f"case:{gone.id}")
        erasure.erase_client(a1, gone.id, reason="request")
        mesh.sync("a2", "a1")
        assert not a2.repo.store.exists(f"case:{gone.id}"), "a replica that held it drops it"
        assert not a2.repo.store.exists(f"placement:{gone_referral.id}")

        mesh.sync("a1", "b")
        mesh.sync("b", "a1")
        bundles.import_bundle(b, bundles.export_bundle(a1, ["hengelo"], tmp_path / "stick", full=True).path)

        held = everything_held(b)
        assert f"node:{a1.actor.node_id}" in held and booking in held, "the other node did receive"
        for secret in (kept.id, unsent.id, helped.id, carer.id, gone.id, gone_referral.id):
            assert secret not in held
        assert "Hendrika" not in held and "request" not in held.replace("help_request", "")


def test_erasing_a_client_removes_everything_that_names_them() -> None:
    with devices(("a1", "enschede-centrum", "nurse"), ("a2", "enschede-centrum", "nurse")) as (a1, a2):
        mesh = Mesh(a1, a2)
        client = clients.register_client(a1, GOOD)
        helped = roster.file_help_request(a1, for_client(client.id)).request
        carer = roster.register_mantelzorger(a1, {**CARER, "care_for_client_id": client.id})
        mesh.sync("a2", "a1")

        plan = erasure.plan(a1, client.id)
        assert plan.documents == (f"case:{client.id}", f"helpreq:{helped.id}")
        assert plan.carers_unlinked == (f"mantelzorger:{carer.id}",)
        erasure.erase_client(a1, client.id)
        mesh.sync("a2", "a1")
        for session in (a1, a2):
            # The audit log keeps that the erasure happened, naming the client (NEN 7513). The
            # carer's own document keeps the erased case's random id in its history only: it names
            # nobody once the case is gone, and that history cannot be cut (docs/data-model.md).
            assert client.id not in everything_held(session, without=("audit_log",), history=False)
            carer_row = session.db.execute(
                "SELECT care_for_client_id FROM mantelzorgers WHERE id = ?", [carer.id]
            ).fetchone()
            assert carer_row == (None,), "the carer stays, without the link"
