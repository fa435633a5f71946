"""Refusals are audited, as the README promises (issue 15, item 8).

A device the server does not trust is refused during the TLS handshake, before any request is read.
The server still writes down who knocked (the device id of the presented certificate) and why, in
the audit log and its own log, at most once a minute per device and a bounded number overall, so a
flood cannot fill either. Real loopback TLS throughout.
"""

from __future__ import annotations

import logging
import socket
import ssl
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from synchelpers import LoopbackServer, devices
from testenv import FakeClock, make_session

from veldclient.identity import format_device_id
from veldclient.services import peers as peer_service
from veldclient.services import sync_service
from veldclient.sync import door, identity_file, peers, tls, wire
from veldclient.sync.replica import Replica

WAIT = 30.0  # seconds: an upper bound for a loopback round, never a timing assertion


def _refusals(replica: Replica, device: str | None = None) -> list[Any]:
    with replica.locked() as session:
        entries = session.audit_log.entries(limit=500)
    return [e for e in entries if e.event == "sync.refused" and (device is None or e.object_id == device)]


def _eventually(found: Callable[[], list[Any]]) -> list[Any]:
    deadline = time.monotonic() + WAIT
    while not (result := found()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return result


def _knock(ctx: ssl.SSLContext, address: str) -> None:
    """One connection attempt as a client with ``ctx``: handshake, a request, read until closed."""
    host, port = address.split(":")
    with socket.create_connection((host, int(port)), timeout=WAIT) as raw, ctx.wrap_socket(raw) as tls_sock:
        try:
            tls_sock.sendall(b"POST /v1/hello HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
            while tls_sock.recv(4096):
                pass
        except (ssl.SSLError, OSError):
            pass


@pytest.fixture
def hub():
    """An admin's hub ``a`` serving, a paired laptop ``b`` of its node, and a stranger ``x`` of
    another node that paired ``a`` on its side only."""
    with devices(("a", "hengelo", "admin"), ("b", "hengelo", "nurse")) as (a, b):
        stranger = make_session("x", node="borne", role="nurse", clock=FakeClock())
        peer_service.pair_device(stranger, identity_file.parse(identity_file.render(a.device)), name="a")
        try:
            yield a, b, stranger
        finally:
            stranger.close()


def test_an_unpaired_device_refused_at_the_handshake_is_audited_and_logged(hub, caplog):
    a, _, stranger = hub
    caplog.set_level(logging.INFO, logger="veldclient.sync")
    replica = Replica(a)
    server = LoopbackServer(replica)
    try:
        with pytest.raises(peers.PeerRefused):
            sync_service.sync_peer(stranger, "a", address=server.address)
        [entry] = _eventually(lambda: _refusals(replica, stranger.actor.device_id))
    finally:
        server.close()
    assert entry.outcome == "denied"
    assert entry.detail["op"] == "handshake"
    assert entry.detail["why"] == f"Unknown device {format_device_id(stranger.actor.device_id)}: not paired."
    lines = [r.getMessage() for r in caplog.records if "handshake" in r.getMessage()]
    assert lines == [
        f"refused at the handshake: {format_device_id(stranger.actor.device_id)}:"
        f" Unknown device {format_device_id(stranger.actor.device_id)}: not paired."
    ]


def test_a_revoked_device_refused_at_the_handshake_is_audited_as_revoked(hub):
    a, b, _ = hub
    peer_service.revoke_device(a, "b")
    replica = Replica(a)
    server = LoopbackServer(replica)  # started after the revocation: b is not in its trust store
    try:
        with pytest.raises(peers.PeerRefused):
            sync_service.sync_peer(b, "a", address=server.address)
        [entry] = _eventually(lambda: _refusals(replica, b.actor.device_id))
    finally:
        server.close()
    assert entry.detail["op"] == "handshake"
    assert entry.detail["why"] == "Device b (hengelo) has been revoked."


def test_a_flood_of_refused_handshakes_writes_a_bounded_number_of_entries(hub, caplog):
    a, b, stranger = hub
    caplog.set_level(logging.INFO, logger="veldclient.sync")
    replica = Replica(a)
    server = LoopbackServer(replica)
    try:
        with b.transaction():
            peers.set_address(b.db, "a", server.address)
        pem = a.device.certificate_pem
        ctx = tls.client_context(
            stranger.profile.dir, stranger.key_password, pem if isinstance(pem, str) else pem.decode()
        )
        for _ in range(200):
            _knock(ctx, server.address)
        sync_service.sync_peer(b, "a")  # the server's worker is serial: what it was told is written now
        mine = _refusals(replica, stranger.actor.device_id)
    finally:
        server.close()
    assert 1 <= len(mine) <= 2, len(mine)
    door_lines = [r for r in caplog.records if "refused at the handshake" in r.getMessage()]
    assert 1 <= len(door_lines) <= 2, [r.getMessage() for r in door_lines]


def test_a_flood_from_a_removed_peer_refused_by_the_handler_writes_a_bounded_number_of_entries(hub):
    a, b, _ = hub
    replica = Replica(a)
    server = LoopbackServer(replica)  # b is paired now: in the trust store, refused by the handler
    try:
        with replica.locked(), a.transaction():
            peers.remove(a.db, "b")
        peer = peers.find(b.db, "a")
        ctx = tls.client_context(b.profile.dir, b.key_password, peer.cert_pem)
        with httpx.Client(verify=ctx, base_url=f"https://{server.address}", timeout=WAIT) as http:
            statuses = {
                http.post("/v1/hello", content=wire.encode({"proto": 1})).status_code for _ in range(200)
            }
        mine = _refusals(replica, b.actor.device_id)
    finally:
        server.close()
    assert statuses == {403}
    assert 1 <= len(mine) <= 2, len(mine)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_refusal_limiter_writes_once_a_minute_per_device_and_counts_what_it_left_out():
    clock = Clock()
    limiter = door.RefusalLimiter(clock=clock, per_device_s=60.0, per_minute=3, remember=4)
    assert limiter.admit("d1") == door.Admitted(0, 0)
    assert [limiter.admit("d1") for _ in range(5)] == [None] * 5
    assert limiter.admit("d2") == door.Admitted(0, 0)
    assert limiter.admit("d3") == door.Admitted(0, 0)
    assert limiter.admit("d4") is None, "over the cap for this minute"
    clock.now = 61.0
    assert limiter.admit("d1") == door.Admitted(5, 1), "five of its own left out, one other"
    assert limiter.admit("d1") is None
    for i in range(100):  # a flood of new devices: what is remembered stays bounded
        clock.now += 61.0
        limiter.admit(f"new{i}")
    assert len(limiter) <= 4
