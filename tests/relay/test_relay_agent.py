"""The app's background agent with a relay configured: it pushes and pulls on each round, reports as
it does for network peers, and a relay that does not answer never holds the app's lock."""

from __future__ import annotations

import threading

from bundlehelpers import doc_ids
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
