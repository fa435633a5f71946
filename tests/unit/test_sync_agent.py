"""The background agent the app runs: it serves, syncs with every paired peer at start, on demand
and on a timer, reports progress, and survives a peer that cannot be reached (real loopback TLS)."""

from __future__ import annotations

import queue

import pytest
from synchelpers import GOOD, devices

from veldclient.services import clients
from veldclient.services import peers as peer_service
from veldclient.services.sync_agent import AgentEvent, SyncAgent
from veldclient.store.repo import doc_id_for
from veldclient.sync import peers
from veldclient.sync.replica import Replica

WAIT = 30  # seconds: an upper bound for a loopback sync, never a timing assertion


class Events:
    def __init__(self) -> None:
        self.all: list[AgentEvent] = []
        self._queue: queue.Queue[AgentEvent] = queue.Queue()

    def __call__(self, event: AgentEvent) -> None:
        self.all.append(event)
        self._queue.put(event)

    def next(self, *kinds: str) -> AgentEvent:
        while True:
            event = self._queue.get(timeout=WAIT)
            if event.kind in kinds:
                return event


@pytest.fixture
def pair():
    with devices(("hub", "hengelo", "nurse"), ("lap", "hengelo", "nurse")) as pair:
        yield pair


def serving(session, events: Events, **kw) -> tuple[SyncAgent, int]:
    agent = SyncAgent(Replica(session), events, host="127.0.0.1", port=0, interval_s=3600, **kw)
    agent.start()
    return agent, events.next("serving", "failed").detail["port"]


def test_the_agent_serves_and_syncs_at_start_and_on_demand(pair):
    hub, lap = pair
    hub_events, lap_events = Events(), Events()
    hub_agent, port = serving(hub, hub_events)
    first = clients.register_client(hub, GOOD)
    with lap.transaction():
        peers.set_address(lap.db, "hub", f"127.0.0.1:{port}")
    lap_agent = SyncAgent(Replica(lap), lap_events, serve=False, interval_s=3600)
    try:
        lap_agent.start()
        done = lap_events.next("synced", "failed")
        assert done.kind == "synced" and done.peer == "hub"
        assert lap.repo.store.exists(doc_id_for("case", first.id))
        stages = {e.detail["stage"] for e in lap_events.all if e.kind == "progress"}
        assert {"sync.manifest", "sync.fetch"} <= stages
        second = clients.register_client(hub, {**GOOD, "name": "Tweede Cliënt"})
        lap_agent.sync_now()  # the dashboard's 's'
        assert lap_events.next("synced", "failed").kind == "synced"
        assert lap.repo.store.exists(doc_id_for("case", second.id))
        [status] = peer_service.status(lap)
        assert status["last_contact"] is not None and status["waiting"] == 0
    finally:
        lap_agent.stop()
        hub_agent.stop()
    assert lap_events.all[-1].kind == "stopped"


def test_an_unreachable_peer_is_reported_and_the_next_run_succeeds(pair):
    hub, lap = pair
    lap_events, hub_events = Events(), Events()
    with lap.transaction():
        peers.set_address(lap.db, "hub", "127.0.0.1:1")  # nothing listens there
    lap_agent = SyncAgent(Replica(lap), lap_events, serve=False, interval_s=3600)
    hub_agent = None
    try:
        lap_agent.start()
        failed = lap_events.next("synced", "failed")
        assert failed.kind == "failed" and "cannot be reached" in failed.detail.message("en")
        assert peers.find(lap.db, "hub").last_error
        hub_agent, port = serving(hub, hub_events)
        with lap.transaction():
            peers.set_address(lap.db, "hub", f"127.0.0.1:{port}")
        lap_agent.sync_now()
        assert lap_events.next("synced", "failed").kind == "synced"
        assert peers.find(lap.db, "hub").last_error is None
    finally:
        lap_agent.stop()
        if hub_agent is not None:
            hub_agent.stop()


def test_an_agent_that_announces_is_found_on_the_local_network(pair, loopback_mdns):
    hub, lap = pair
    hub_events = Events()
    hub_agent, port = serving(hub, hub_events, announce=True)
    try:
        found = peer_service.discover(lap, timeout=WAIT, interfaces=["127.0.0.1"])
    finally:
        hub_agent.stop()
    assert [(r["name"], r["address"]) for r in found] == [("hub", f"127.0.0.1:{port}")]


def test_an_agent_does_not_announce_unless_asked(pair, loopback_mdns):
    hub, lap = pair
    hub_agent, _ = serving(hub, Events())
    try:
        assert peer_service.discover(lap, timeout=2, interfaces=["127.0.0.1"]) == []
    finally:
        hub_agent.stop()
