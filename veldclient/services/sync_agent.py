"""Background sync for a long-running process (the TUI): serve, and sync with every paired peer
periodically and on demand, without ever holding the caller's thread.

It is a use case over the sync engine, so it lives in services: a failed run is recorded on the
peer and audited as :func:`veldclient.services.sync_service.record_failure` does for ``veld sync``.
:func:`start_for_profile` is what the TUI calls once the profile is open; host, port and interval
come from ``VELD_SYNC_HOST`` (default 127.0.0.1; 0.0.0.0 to serve the LAN), ``VELD_SYNC_PORT``
(default 8765) and ``VELD_SYNC_INTERVAL`` seconds (default 60); ``VELD_SYNC_ANNOUNCE=1`` also
announces the server on the local network (off by default; only the device id is announced, see
veldclient.sync.discovery).

The agent owns one thread running an asyncio loop for the server and one thread for outgoing runs;
both reach the database only through the :class:`Replica` lock the app's own workers also take, so
a sync never interleaves with a save. Progress and results go to ``notify`` (called from the agent's
threads; the TUI turns it into a message): a "progress" event's detail is the run's step (ids in
veldclient/progress.py), done and total (None: not known).
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from veldclient.errors import VeldError
from veldclient.services import enrolment, fhir_export, relay, serving, sync_service
from veldclient.services import peers as peer_service
from veldclient.session import Session
from veldclient.sync import discovery, invitations, peers
from veldclient.sync.client import PeerConnection
from veldclient.sync.replica import Replica
from veldclient.sync.report import SyncReport
from veldclient.sync.server import PeerHTTPServer


@dataclass(frozen=True)
class AgentEvent:
    kind: str  # "serving" | "progress" | "synced" | "relayed" | "failed" | "stopped"
    peer: str | None = None
    detail: Any = None


Notify = Callable[[AgentEvent], None]

RELAY = relay.RELAY  # the peer name of the relay's events: it stands for every device behind it


class SyncAgent:
    def __init__(
        self,
        replica: Replica,
        notify: Notify,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        interval_s: float = 60.0,
        serve: bool = True,
        announce: bool = False,
    ) -> None:
        self.replica = replica
        self.notify = notify
        self.interval_s = interval_s
        self._serve = serve
        self._announce = announce  # LAN discovery, off by default (discovery.py)
        self.server = PeerHTTPServer(replica, host, port, enrol=enrolment.accept, fhir=fhir_export.read)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._threads: list[threading.Thread] = []
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._connections: dict[str, PeerConnection] = {}

    def start(self) -> None:
        if self._serve:
            ready = threading.Event()
            thread = threading.Thread(
                target=self._serve_thread, args=(ready,), name="veld-serve", daemon=True
            )
            thread.start()
            ready.wait(10)
            self._threads.append(thread)
        runner = threading.Thread(target=self._sync_thread, name="veld-sync", daemon=True)
        runner.start()
        self._threads.append(runner)

    def sync_now(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self.server.request_stop()  # a call in flight ends at its next look at the clock
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        for thread in self._threads:
            thread.join(timeout=10)
        for conn in self._connections.values():
            conn.close()
        self.notify(AgentEvent("stopped"))

    def _serve_thread(self, ready: threading.Event) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            port = loop.run_until_complete(self.server.start())
            with self.replica.locked() as session, session.transaction():
                serving.remember(session, self.server.host, port)
                peer_service.introduce_paired(session)
            announced = None
            if self._announce:
                device_id = self.replica.session.actor.device_id
                announced = loop.run_until_complete(
                    discovery.announce_quietly(device_id, self.server.host, port)
                )
            self.notify(AgentEvent("serving", detail={"host": self.server.host, "port": port}))
        except (OSError, VeldError) as exc:
            self.notify(AgentEvent("failed", detail=exc if isinstance(exc, VeldError) else str(exc)))
            ready.set()
            return
        ready.set()
        try:
            loop.run_forever()
        finally:
            if announced is not None:
                loop.run_until_complete(announced.stop())
            loop.run_until_complete(self.server.stop())
            loop.close()

    def _sync_thread(self) -> None:
        while not self._stop.is_set():
            self.run_once()
            self._wake.wait(self.interval_s)
            self._wake.clear()

    def run_once(self) -> list[SyncReport]:
        with self.replica.locked() as session:
            targets = [p for p in peers.usable_peers(session.repo) if p.address]
        reports = []
        for peer in targets:
            if self._stop.is_set():
                break
            reports.append(self._sync_one(peer))
        if not self._stop.is_set():
            self._relay_once()
        return [r for r in reports if r is not None]

    def _relay_once(self) -> None:
        """Push to and pull from the relay, when one is configured: the same bundles ``veld relay
        push`` and ``pull`` exchange. The link is opened outside the lock, so a relay that does not
        answer costs this thread its timeout and the app nothing; the exchange itself holds the
        lock, as a bundle import does."""
        with self.replica.locked() as session:
            if not relay.is_configured(session):
                return
        try:
            link = relay.connect(self.replica.session)
        except VeldError as exc:
            with self.replica.locked() as session:
                relay.record_unreachable(session, exc)
            self.notify(AgentEvent("failed", RELAY, exc))
            return

        def progress(stage: str, done: int, total: int | None, /) -> None:
            self.notify(AgentEvent("progress", RELAY, {"stage": stage, "done": done, "total": total}))

        try:
            with self.replica.locked() as session:
                pushed = relay.push(session, progress=progress, link=link)
                pulled = relay.pull(session, progress=progress, link=link)
        except VeldError as exc:
            self.notify(AgentEvent("failed", RELAY, exc))
            return
        finally:
            link.close()
        self.notify(AgentEvent("relayed", RELAY, (pushed, pulled)))

    def _sync_one(self, peer: peers.Peer) -> SyncReport | None:
        conn = self._connections.get(peer.device_id)
        try:
            if conn is None or conn.address != peer.address:
                with self.replica.locked() as session:
                    joining = invitations.pending_join(session.db, peer.device_id) is not None
                if joining:  # a laptop that joined with an invitation introduces itself first
                    enrolment.introduce(self.replica.session, replica=self.replica)
                conn = PeerConnection(self.replica, peer)
                self._connections[peer.device_id] = conn

            def progress(stage: str, done: int, total: int | None, /) -> None:
                self.notify(AgentEvent("progress", peer.name, {"stage": stage, "done": done, "total": total}))

            report = conn.sync(progress)
        except VeldError as exc:
            sync_service.record_failure(self.replica, peer, exc)
            self._connections.pop(peer.device_id, None)
            if conn is not None:
                conn.close()
            self.notify(AgentEvent("failed", peer.name, exc))
            return None
        self.notify(AgentEvent("synced", peer.name, report))
        return report


def start_for_profile(session: Session, lock: threading.RLock, notify: Notify) -> SyncAgent | None:
    """The agent for this profile, started, or None when no peer is paired and no invitation is open
    (a profile without either opens no port; an open invitation needs it, so the laptop can join).
    ``lock`` is the one the caller's own work on ``session`` takes."""
    with lock:
        paired = peers.usable_peers(session.repo)
        inviting = invitations.any_open(session.db, session.now())
    if not paired and not inviting:
        return None
    agent = SyncAgent(
        Replica(session, lock),
        notify,
        host=os.environ.get("VELD_SYNC_HOST", "127.0.0.1"),
        port=int(os.environ.get("VELD_SYNC_PORT", "8765")),
        interval_s=float(os.environ.get("VELD_SYNC_INTERVAL", "60")),
        announce=os.environ.get("VELD_SYNC_ANNOUNCE", "") == "1",
    )
    agent.start()
    return agent
