"""Helpers for sync tests: pair sessions the real way and run the protocol in process.

The in-process transport encodes and decodes every body exactly as the network does, so a test here
sees the same bytes as one over loopback; ``faults`` can drop, duplicate or fail calls on the way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from testenv import FakeClock, make_session

from veldclient.services import clients, placements
from veldclient.services import peers as peer_service
from veldclient.sync import identity_file, peers, wire
from veldclient.sync.answering import PeerServer
from veldclient.sync.replica import Replica
from veldclient.sync.report import SyncReport
from veldclient.sync.running import Link, SyncClient

GOOD = {"name": "Gerda [test] Nijhuis", "birth_date": "1936-04-02", "postcode": "7555 DL"}


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


@contextmanager
def devices(*specs: tuple[str, str, str], paired: int | None = None) -> Iterator[list[Any]]:
    """Sessions ``(name, node, role)`` on one frozen clock, closed afterwards; the first ``paired``
    of them (all by default) pair with one another."""
    clock = FakeClock()
    sessions = [make_session(name, node=node, role=role, clock=clock) for name, node, role in specs]
    try:
        pair_peers(*sessions[: len(sessions) if paired is None else paired])
        yield sessions
    finally:
        for s in sessions:
            s.close()


@contextmanager
def booked_apart() -> Iterator[tuple[Any, Any, Any, str, str, str]]:
    """A GP slot of enschede-zuid that two hengelo devices each book while apart (the node's first
    booking on both): ``(mesh, a1, a2, slot id, a1's booking, a2's booking)``, not yet synced."""
    from veldclient.services import slots

    with devices(
        ("gp", "enschede-zuid", "nurse"), ("a1", "hengelo", "nurse"), ("a2", "hengelo", "nurse")
    ) as (
        gp,
        a1,
        a2,
    ):
        mesh = Mesh(gp, a1, a2)
        slot = slots.publish(gp, service="GP_CONSULT", start_at=1_795_020_000_000)[0]
        mesh.sync("a1", "gp")
        mesh.sync("a2", "gp")
        first = slots.book(a1, slot.id, clients.register_client(a1, GOOD).id)
        # apart: neither knows the other's booking (for another client: the same person registered
        # on both devices would also be a possible duplicate in the inbox)
        second = slots.book(a2, slot.id, clients.register_client(a2, {**GOOD, "name": "Hendrik Nijhuis"}).id)
        yield mesh, a1, a2, slot.id, first, second


def pair_peers(*sessions) -> None:
    """Every session pairs every other one from its identity file (as ``veld peers add`` does)."""
    for s in sessions:
        for other in sessions:
            if other is s:
                continue
            cert = identity_file.parse(identity_file.render(other.device))
            peer_service.pair_device(s, cert, name=other.profile.name)


class Wire:
    """Counts bytes both ways; ``fault(op, body)`` may raise to simulate a dropped connection."""

    def __init__(
        self, server: PeerServer, caller_device: str, fault: Callable[[str, int], None] | None = None
    ) -> None:
        self.server = server
        self.caller = caller_device
        self.fault = fault
        self.calls = 0
        self.sent = 0
        self.received = 0

    def __call__(self, op: str, body: dict[str, Any]) -> dict[str, Any]:
        self.calls += 1
        if self.fault:
            self.fault(op, self.calls)
        raw = wire.encode(body)
        self.sent += len(raw)
        try:
            answer = self.server.handle(self.caller, op, wire.decode(raw))
        except wire.WireError:
            raise
        out = wire.encode(answer)
        self.received += len(out)
        return wire.decode(out)


class Mesh:
    """One Replica and one PeerServer per session, links kept per (client, server) pair."""

    def __init__(self, *sessions) -> None:
        self.replicas = {s.profile.name: Replica(s) for s in sessions}
        self.servers = {n: PeerServer(r) for n, r in self.replicas.items()}
        self.links: dict[tuple[str, str], Link] = {}

    def sync(self, client: str, server: str, fault=None) -> tuple[SyncReport, Wire]:
        replica = self.replicas[client]
        target = self.replicas[server].session
        peer = peers.find(replica.session.db, target.actor.device_id)
        transport = Wire(self.servers[server], replica.session.actor.device_id, fault)
        link = self.links.setdefault((client, server), Link())
        runner = SyncClient(replica, peer, transport, link)
        try:
            report = runner.run()
        finally:
            self.links[(client, server)] = runner.link  # a 409 starts a new link: keep that one
        return report, transport


class LoopbackServer:
    """A real PeerHTTPServer on 127.0.0.1 in a thread of its own (its own asyncio loop)."""

    def __init__(self, replica: Replica, enrol: Any = None, fhir: Any = None) -> None:
        import asyncio
        import threading

        from veldclient.sync.server import PeerHTTPServer

        self.server = PeerHTTPServer(replica, "127.0.0.1", 0, enrol=enrol, fhir=fhir)
        self.loop = asyncio.new_event_loop()
        started = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(self.loop)
            self.loop.run_until_complete(self.server.start())
            started.set()
            self.loop.run_forever()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        assert started.wait(10), "server did not start"

    def refresh(self) -> None:
        import asyncio

        asyncio.run_coroutine_threadsafe(self.server.refresh_trust(), self.loop).result(10)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.server.port}"

    def close(self) -> None:
        import asyncio

        asyncio.run_coroutine_threadsafe(self.server.stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


@contextmanager
def served_pair() -> Iterator[tuple[Any, Any, LoopbackServer]]:
    """Two paired nurses of one node: ``a`` serving over loopback TLS, ``b`` knowing its address."""
    with devices(("a", "hengelo", "nurse"), ("b", "hengelo", "nurse")) as (a, b):
        server = LoopbackServer(Replica(a))
        try:
            with b.transaction():
                peers.set_address(b.db, "a", server.address)
            yield a, b, server
        finally:
            server.close()
