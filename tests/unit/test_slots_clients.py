"""Whom a slot can be booked for: the node's clients by name, for a coordinator only those with a
help request (the caseload's rule), and the listing audited by count."""

from __future__ import annotations

from tuihelpers import demo_session

from veldclient.services import slots


def test_the_nurse_chooses_from_every_client_the_coordinator_from_those_with_a_help_request():
    nurse = demo_session()
    every = slots.bookable_clients(nurse)
    assert len(every) > 1 and every == sorted(every, key=lambda c: (c[1], c[0]))
    coordinator = demo_session(role="coordinator")
    helped = {r[0] for r in coordinator.db.execute("SELECT subject_id FROM help_requests")}
    shown = slots.bookable_clients(coordinator)
    assert {cid for cid, _ in shown} <= helped
    assert len(shown) < len(every)
    (detail,) = [
        r[0] for r in coordinator.db.execute("SELECT detail FROM audit_log WHERE event = 'slot.clients'")
    ]
    assert detail == f'{{"count":{len(shown)}}}'
