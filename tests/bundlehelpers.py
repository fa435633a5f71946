"""Helpers for bundle tests: paired sites, a referral, and a fingerprint of what a database holds."""

from __future__ import annotations

from synchelpers import GOOD, doc_ids, pair_peers, referral  # noqa: F401 - shared with bundle tests
from testenv import FakeClock, make_session


def sites(*specs: tuple[str, str, str]):
    """Sessions (name, node, role) on one clock, all paired with each other the real way."""
    clock = FakeClock()
    sessions = [make_session(name, node=node, role=role, clock=clock) for name, node, role in specs]
    pair_peers(*sessions)
    return sessions


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
