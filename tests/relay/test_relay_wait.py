"""A pull that waits for mail (a long poll): it returns with what lands while it waits."""

from __future__ import annotations

import threading

from bundlehelpers import GOOD
from relayhelpers import needs_server

from veldclient.services import clients, relay

pytestmark = needs_server


def test_a_waiting_pull_takes_what_lands_while_it_waits(region, hub):
    a1, a2, b1 = region
    link = relay.connect(b1)
    try:
        assert link.wait("almelo", b1.actor.device_id, 0.3) == [], "nothing came: an empty answer"
    finally:
        link.close()
    got: list[relay.PullResult] = []
    waiting = threading.Thread(target=lambda: got.append(relay.pull(b1, wait_s=30)))
    waiting.start()
    clients.register_client(a1, GOOD)
    relay.push(a1)
    waiting.join(35)
    assert [r.sender_name for r in got[0].imported] == ["a1"]
    assert got[0].acks_sent == ["a1"]
