"""Network sync use cases: sync with one peer now, serve until stopped, run the background agent.

The heavy lifting is in veldclient.sync; this module adds what a use case needs around it: finding
the peer by what a person typed, refusing revoked ones, recording the failure on the peer, auditing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from veldclient.errors import VeldError
from veldclient.progress import Progress, quiet
from veldclient.services import enrolment, fhir_export, serving
from veldclient.services import peers as peer_service
from veldclient.session import Session
from veldclient.sync import discovery, invitations, peers
from veldclient.sync.client import PeerConnection
from veldclient.sync.replica import Replica
from veldclient.sync.report import SyncReport
from veldclient.sync.server import PeerHTTPServer

# the steps a run reports (sync/running.py), in order; a run reports only those it has work for
STEPS = ("sync.manifest", "sync.fetch", "sync.push", "sync.sync")


def sync_peer(
    session: Session,
    ref: str,
    *,
    address: str | None = None,
    replica: Replica | None = None,
    progress: Progress = quiet,
) -> SyncReport:
    session.require_device("sync_service.sync_peer", "sync")
    replica = replica or Replica(session)
    with replica.locked():
        peer = peers.usable(session.repo, peers.find(session.db, ref).device_id)
        joining = invitations.pending_join(session.db, peer.device_id) is not None
    try:
        if joining:  # a laptop that joined with an invitation introduces itself first
            enrolment.introduce(session, replica=replica, address=address)
        with PeerConnection(replica, peer, address) as conn:
            report = conn.sync(progress)
    except VeldError as exc:
        record_failure(replica, peer, exc)
        raise
    if address and not peer.address:
        remember_address(replica, peer, address)
    return report


def remember_address(replica: Replica, peer: peers.Peer, address: str) -> None:
    """An address that just worked for a peer with none stored is kept, so the next run needs no
    ``--address`` (a laptop that joined without one has no admin to set it). A stored address is
    only changed on purpose (``veld peers address``)."""
    with replica.locked() as session, session.transaction():
        peers.set_address(session.db, peer.device_id, address)
        session.audit("peer.address", "U", "peer", object_id=peer.device_id, detail={"address": address})


def record_failure(replica: Replica, peer: peers.Peer, exc: VeldError) -> None:
    with replica.locked() as session, session.transaction():
        peers.record_contact(session.db, peer.device_id, session.now(), error=exc.message("en"))
        session.audit(
            "sync.run",
            "E",
            "peer",
            outcome="error",
            object_id=peer.device_id,
            detail={"peer": peer.name, "why": exc.message("en")},
        )


def serve(
    session: Session,
    host: str,
    port: int,
    ready: Callable[[int], None],
    stop: asyncio.Event | None = None,
    *,
    announce: bool = False,
    interfaces: list[str] | None = None,
) -> bool:
    """Serve paired peers until ``stop`` is set (or the process is interrupted); with ``announce``,
    tell the local network where, carrying only the device id (sync/discovery.py). Returns whether
    the server stopped cleanly; if not, a call it could not wait for still uses the session, which
    the caller must then leave open (the process is ending anyway)."""
    session.require_device("sync_service.serve", "sync")

    async def main() -> bool:
        replica = Replica(session)
        server = PeerHTTPServer(replica, host, port, enrol=enrolment.accept, fhir=fhir_export.read)
        bound = await server.start()
        with replica.locked(), session.transaction():
            serving.remember(session, host, bound)
            peer_service.introduce_paired(session)
        announcement = None
        try:
            if announce:
                device_id = session.actor.device_id
                announcement = await discovery.announce_quietly(device_id, host, bound, interfaces)
            ready(bound)
            await (stop or asyncio.Event()).wait()
        finally:
            if announcement is not None:
                await announcement.stop()
            clean = await server.stop()
        return clean

    return asyncio.run(main())


def report_lines(report: SyncReport) -> list[tuple[str, str]]:
    """(nl, en) lines describing one run, for the CLI and the TUI."""
    lines = [
        (
            f"{report.peer}: {report.fetched} opgehaald, {report.pushed} verstuurd,"
            f" {report.merged} bijgewerkt"
            f" ({report.round_trips} rondes, {report.bytes_sent + report.bytes_received} bytes).",
            f"{report.peer}: {report.fetched} fetched, {report.pushed} sent, {report.merged} updated"
            f" ({report.round_trips} round trips, {report.bytes_sent + report.bytes_received} bytes).",
        )
    ]
    if report.refused:
        lines.append(
            (
                f"{len(report.refused)} document(en) geweigerd: "
                + ", ".join(f"{d} ({r})" for d, r in report.refused[:5]),
                f"{len(report.refused)} document(s) refused: "
                + ", ".join(f"{d} ({r})" for d, r in report.refused[:5]),
            )
        )
    if report.unconverged:
        lines.append(
            (
                f"{len(report.unconverged)} document(en) nog niet gelijk;"
                " de volgende ronde probeert opnieuw.",
                f"{len(report.unconverged)} document(s) not yet equal; the next run tries again.",
            )
        )
    return lines
