"""The app's background agent with a relay configured: it pushes and pulls on each round, reports as
it does for network peers, and a relay that does not answer never holds the app's lock."""

from __future__ import annotations

import asyncio
import threading

import pytest
from bundlehelpers import doc_ids, sites
from relayhelpers import needs_server

from veldclient.errors import VeldError
from veldclient.reference import twente
from veldclient.services import capacity, relay
from veldclient.services.sync_agent import RELAY, AgentEvent, SyncAgent
from veldclient.store.repo import doc_id_for
from veldclient.sync.replica import Replica

pytestmark = needs_server


def _agent(session) -> tuple[SyncAgent, list[AgentEvent]]:
    events: list[AgentEvent] = []
    return SyncAgent(Replica(session), events.append, serve=False), events


def test_the_agent_leaves_changes_at_the_relay_and_picks_them_up_on_the_other_side(region, hub):
    a1, _, b1 = region
    loc = twente.locations_for("hengelo")[0].id
    capacity.update_capacity(a1, loc, "GRZ", {"beds_total": 6, "counts": {"FREE": 2, "OCCUPIED": 4}})
    sender, sent = _agent(a1)
    sender.run_once()
    relayed = [e for e in sent if e.kind == "relayed"]
    assert [e.peer for e in relayed] == [RELAY]
    pushed, _ = relayed[0].detail
    assert {n.node_id for n in pushed.nodes if n.status == "sent"} == {"almelo", "hengelo"}
    assert any(e.kind == "progress" and e.peer == RELAY for e in sent), "the export reports its steps"

    receiver, got = _agent(b1)
    receiver.run_once()
    _, pulled = next(e for e in got if e.kind == "relayed").detail
    assert [r.sender_name for r in pulled.imported] == ["a1"]
    assert doc_id_for("node", "hengelo") in doc_ids(b1)
    row = b1.db.execute(
        "SELECT free, beds_total FROM capacity WHERE location_id = ? AND care_type = 'GRZ'", [loc]
    ).fetchone()
    assert tuple(row) == (2, 6)

    sender.run_once()  # b1's acknowledgement comes back: only now is it delivered
    states = {p["name"]: p["state"] for p in relay.status(a1)["peers"]}
    assert states["b1"] == "delivered"


def test_a_relay_that_does_not_answer_fails_the_round_and_never_holds_the_lock(region, hub, monkeypatch):
    a1, _, _ = region
    hub.stop()
    agent, events = _agent(a1)
    lock_free_while_connecting: list[bool] = []
    connect = relay.connect

    def try_lock() -> None:
        taken = agent.replica.lock.acquire(blocking=False)
        lock_free_while_connecting.append(taken)
        if taken:
            agent.replica.lock.release()

    def watched(session):
        probe = threading.Thread(target=try_lock)
        probe.start()
        probe.join()
        return connect(session)

    monkeypatch.setattr(relay, "connect", watched)
    agent.run_once()
    assert lock_free_while_connecting == [True], "another thread (the app's save) could take the lock"
    failed = [e for e in events if e.kind == "failed"]
    assert [e.peer for e in failed] == [RELAY] and isinstance(failed[0].detail, VeldError)
    assert "relay" in failed[0].detail.message("nl").lower()
    status = relay.status(a1)
    assert status["last_error"] is not None and status["last_error_at"] is not None


@pytest.mark.parametrize(
    ("lang", "delivered", "left"),
    [("nl", "afgeleverd", "bij de relay achtergelaten"), ("en", "delivered", "left at the relay")],
)
async def test_the_devices_screen_says_who_holds_what_through_the_relay(
    tmp_path, monkeypatch, lang, delivered, left
):
    """An admin sees when the relay was last reached and, per paired device, whether it holds what
    it may see: delivered only once its acknowledgement came back."""
    from relayhelpers import configure
    from tuihelpers import SIZE, make_app, screen_text, settle

    from veldclient.services import sync_agent

    monkeypatch.setattr(sync_agent, "start_for_profile", lambda *_: None)  # the screen alone, no rounds
    a1, a2, b1 = sites(("a1", "hengelo", "admin"), ("a2", "hengelo", "nurse"), ("b1", "almelo", "nurse"))
    server, _ = configure(a1, tmp_path / "relay")

    def exchange() -> None:  # the relay's link runs an event loop of its own: not on the test's
        server.start()
        for s in (a1, a2, b1):
            relay.add(s, server.url, server.cert)
        relay.push(a1)
        relay.pull(b1)
        relay.pull(a1)  # b1's acknowledgement

    try:
        await asyncio.to_thread(exchange)
        app = make_app(a1, start="settings", lang=lang)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await pilot.press("ctrl+d")
            await settle(app, pilot)
            text = screen_text(app)
        assert f"Relay {server.url}" in text and ("nog nooit" not in text and "never" not in text)
        assert f"b1 (almelo): {delivered}" in text
        assert f"a2 (hengelo): {left}" in text
    finally:
        await asyncio.to_thread(server.stop)
        for s in (a1, a2, b1):
            s.close()
