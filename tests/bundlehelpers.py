"""Helpers for bundle tests: paired sites, a referral, and a fingerprint of what a database holds."""

from __future__ import annotations

from synchelpers import pair_peers
from testenv import FakeClock, make_session

from veldclient.services import clients, placements

GOOD = {"name": "Gerda [test] Nijhuis", "birth_date": "1936-04-02", "postcode": "7555 DL"}


def sites(*specs: tuple[str, str, str]):
    """Sessions (name, node, role) on one clock, all paired with each other the real way."""
    clock = FakeClock()
    sessions = [make_session(name, node=node, role=role, clock=clock) for name, node, role in specs]
    pair_peers(*sessions)
    return sessions


def referral(session, name: str = GOOD["name"]):
    client = clients.register_client(session, {**GOOD, "name": name})
    request = placements.file_placement_request(
        session,
        client.id,
        {
            "referrer": {"name": "Dr. Bos", "role": "HUISARTS", "agb": None},
            "urgency": "U3",
            "triage": {"instability": True},
            "required_capabilities": [],
            "desired_start": "2026-11-19",
        },
    )
    return client, request


def doc_ids(session) -> set[str]:
    return {r[0] for r in session.db.execute("SELECT doc_id FROM am_docs")}


def state(session) -> tuple:
    """Everything an import may change except the audit log (a refusal is itself audited)."""
    db = session.db
    return (
        db.execute("SELECT doc_id, heads FROM am_docs ORDER BY doc_id").fetchall(),
        db.execute("SELECT count(*) FROM am_chunks").fetchone()[0],
        db.execute("SELECT * FROM bundle_imports ORDER BY seq").fetchall(),
        db.execute("SELECT * FROM bundle_exports ORDER BY seq").fetchall(),
        db.execute("SELECT device_id, doc_id, heads FROM peer_acks ORDER BY 1, 2").fetchall(),
        db.execute("SELECT id, name, postcode FROM clients ORDER BY id").fetchall(),
    )


def audit_events(session, event: str) -> list[tuple[str, str]]:
    return session.db.execute(
        "SELECT outcome, detail FROM audit_log WHERE event = ? ORDER BY seq", [event]
    ).fetchall()
