"""A node machine's leaf node: it keeps taking bundles while the hub is down and forwards them when
the hub returns (real nats-servers on 127.0.0.1, docs/relay.md "Leaf nodes")."""

from __future__ import annotations

import time

import pytest
from bundlehelpers import GOOD, doc_ids
from relayhelpers import configure, needs_server

from veldclient.services import clients, relay
from veldclient.store.repo import doc_id_for
from veldclient.sync import relay_link

pytestmark = needs_server


def pull_until(session, predicate, within_s: float = 20.0):
    """Pull until the hub has sourced what the leaf holds (it does so on its own schedule)."""
    deadline = time.monotonic() + within_s
    while True:
        result = relay.pull(session)
        if predicate(result) or time.monotonic() > deadline:
            return result
        time.sleep(0.2)


def test_a_leaf_takes_bundles_while_the_hub_is_down_and_forwards_them(region, tmp_path):
    a1, a2, b1 = region
    hub, leaf = configure(a1, tmp_path / "relay", leaves=["hengelo"])
    assert leaf is not None
    hub.start()
    leaf.start()
    try:
        for s in (a1, a2):
            relay.add(s, leaf.url, leaf.cert)  # hengelo's laptops use their node machine's leaf
        relay.add(b1, hub.url, hub.cert)
        hub.stop()
        with pytest.raises(relay_link.RelayUnreachable):
            relay.pull(b1)
        assert relay.status(b1)["last_error"]
        client = clients.register_client(a1, GOOD)
        pushed = relay.push(a1)  # the hub is down: the leaf keeps it
        assert {n.status for n in pushed.nodes} == {"sent"}
        hub.start()
        got = pull_until(b1, lambda r: bool(r.imported))
        assert [r.sender_name for r in got.imported] == ["a1"]
        assert doc_id_for("node", "hengelo") in doc_ids(b1)
        mine = pull_until(a2, lambda r: bool(r.imported))  # through the leaf, from the hub
        assert doc_id_for("case", client.id) in doc_ids(a2)
        assert mine.acks_sent == ["a1"]
        back = pull_until(a1, lambda r: len(r.imported) >= 2)
        assert sorted(r.kind for r in back.imported) == ["ack", "ack"]
        assert {p["state"] for p in relay.status(a1)["peers"]} == {"delivered"}
    finally:
        leaf.stop()
        hub.stop()
