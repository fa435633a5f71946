"""Errors say what happened (issue 15, item 9).

On the client, a server that is slow, one that refuses this device, a port where nothing listens and
a connection that breaks mid-answer each get their own sentence (Dutch and English). On the server,
a client that hangs up while sending its body is one log line, not a 500 with a traceback.
Real loopback sockets throughout; waits are generous bounds, never timing assertions.
"""

from __future__ import annotations

import logging
import socket
import ssl
import threading
import time
from collections.abc import Iterator

import pytest
from synchelpers import LoopbackServer, devices
from testenv import FakeClock, make_session

from veldclient.identity import format_device_id
from veldclient.services import peers as peer_service
from veldclient.services import sync_service
from veldclient.sync import client as client_mod
from veldclient.sync import identity_file, peers, tls, wire
from veldclient.sync.replica import Replica
from veldclient.sync.report import SyncFailed

WAIT = 30.0


@pytest.fixture
def pair():
    with devices(("a", "hengelo", "nurse"), ("b", "hengelo", "nurse")) as (a, b):
        yield a, b


def _at(b, address: str) -> None:
    with b.transaction():
        peers.set_address(b.db, "a", address)


def test_a_server_that_does_not_answer_in_time_is_reported_as_slow_not_as_a_refusal(pair, monkeypatch):
    a, b = pair
    monkeypatch.setattr(client_mod, "TIMEOUT_S", 0.5)
    server = LoopbackServer(Replica(a))
    engine = server.server.engine
    answer = engine.handle

    def slow(*args, **kwargs):
        time.sleep(3)
        return answer(*args, **kwargs)

    engine.handle = slow  # type: ignore[method-assign]
    try:
        _at(b, server.address)
        with pytest.raises(SyncFailed) as failed:
            sync_service.sync_peer(b, "a")
    finally:
        server.close()
    assert failed.value.message("en") == (
        f"a at {server.address} did not answer within 0.5 s (busy or overloaded?);"
        " nothing is lost, try again later."
    )
    assert failed.value.message("nl") == (
        f"a op {server.address} antwoordt niet binnen 0,5 s (bezet of overbelast?);"
        " er is niets verloren, probeer het later opnieuw."
    )


def test_a_port_where_nothing_listens_is_reported_as_such(pair):
    _, b = pair
    with socket.socket() as probe:  # a port that was free a moment ago and is closed now
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    _at(b, f"127.0.0.1:{port}")
    with pytest.raises(SyncFailed) as failed:
        sync_service.sync_peer(b, "a")
    assert failed.value.message("en") == (
        f"a cannot be reached at 127.0.0.1:{port}: nothing is listening there (is veld serve running?)."
    )
    assert failed.value.message("nl") == (
        f"a is niet bereikbaar op 127.0.0.1:{port}: daar luistert niets (draait veld serve daar?)."
    )


def test_a_server_that_refuses_this_device_is_reported_as_a_refusal(pair):
    a, _ = pair
    stranger = make_session("x", node="borne", role="nurse", clock=FakeClock())
    peer_service.pair_device(stranger, identity_file.parse(identity_file.render(a.device)), name="a")
    server = LoopbackServer(Replica(a))
    try:
        with pytest.raises(peers.PeerRefused) as refused:
            sync_service.sync_peer(stranger, "a", address=server.address)
    finally:
        server.close()
        stranger.close()
    assert refused.value.message("en") == (
        f"a at {server.address} refuses the connection: this device is not paired there, or was revoked."
    )
    assert refused.value.message("nl") == (
        f"a op {server.address} weigert de verbinding: dit apparaat is daar niet gekoppeld, of ingetrokken."
    )


@pytest.fixture
def breaking_server(pair) -> Iterator[tuple[str, list[int]]]:
    """A TLS server with ``a``'s certificate that trusts ``b``, reads one request and sends half an
    answer before it hangs up; yields its address and the number of requests it read."""
    a, b = pair
    pem = b.device.certificate_pem
    ctx = tls.server_context(a.profile.dir, a.key_password, [pem if isinstance(pem, str) else pem.decode()])
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)  # to notice the end of the test
    done = threading.Event()
    seen: list[int] = []

    def serve() -> None:
        while not done.is_set():
            try:
                raw, _ = listener.accept()
            except TimeoutError:
                continue
            raw.settimeout(WAIT)
            try:
                with ctx.wrap_socket(raw, server_side=True) as conn:
                    data = b""
                    while b"\r\n\r\n" not in data:
                        data += conn.recv(65536)
                    head, _, body = data.partition(b"\r\n\r\n")
                    fields = dict(h.lower().split(b":", 1) for h in head.split(b"\r\n")[1:])
                    length = int(fields[b"content-length"])
                    while len(body) < length:
                        body += conn.recv(65536)
                    seen.append(1)
                    answer = wire.encode({"proto": 1, "device_id": a.actor.device_id, "node_id": "hengelo"})
                    conn.sendall(
                        b"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.veld+cbor\r\n"
                        + f"Content-Length: {len(answer) + 100}\r\n\r\n".encode()
                        + answer
                    )
            except (OSError, ssl.SSLError):
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{listener.getsockname()[1]}", seen
    finally:
        done.set()
        thread.join(WAIT)
        listener.close()


def test_a_server_that_hangs_up_mid_answer_is_reported_as_a_lost_connection(pair, breaking_server):
    _, b = pair
    address, seen = breaking_server
    _at(b, address)
    with pytest.raises(SyncFailed) as failed:
        sync_service.sync_peer(b, "a")
    assert seen, "the request reached the server"
    assert failed.value.message("en") == (
        f"The connection to a at {address} broke off in the middle of an answer;"
        " nothing is lost, the next run repeats what is missing."
    )
    assert failed.value.message("nl") == (
        f"De verbinding met a op {address} brak af midden in een antwoord;"
        " er is niets verloren, de volgende ronde herhaalt wat ontbreekt."
    )


@pytest.mark.parametrize("hang_up", ["reset", "close"])
def test_a_client_that_hangs_up_mid_body_is_one_log_line_without_traceback(pair, caplog, hang_up):
    a, b = pair
    caplog.set_level(logging.DEBUG, logger="veldclient.sync")
    replica = Replica(a)
    server = LoopbackServer(replica)
    try:
        peer = peers.find(b.db, "a")
        ctx = tls.client_context(b.profile.dir, b.key_password, peer.cert_pem)
        host, port = server.address.split(":")
        body = wire.encode({"proto": 1})
        raw = socket.create_connection((host, int(port)), timeout=WAIT)
        conn = ctx.wrap_socket(raw)
        conn.sendall(
            b"POST /v1/hello HTTP/1.1\r\nHost: x\r\nContent-Type: application/vnd.veld+cbor\r\n"
            + f"Content-Length: {len(body) + 1000}\r\n\r\n".encode()
            + body
        )
        time.sleep(0.2)  # let the server start reading the body
        if hang_up == "reset":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        else:
            socket.socket.shutdown(conn, socket.SHUT_WR)  # the stream ends, half a body short
        conn.close()
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline and not [r for r in caplog.records if "hung up" in r.getMessage()]:
            time.sleep(0.05)
    finally:
        server.close()
    mine = [r for r in caplog.records if r.name.startswith("veldclient.sync")]
    hung = [r for r in mine if "hung up" in r.getMessage()]
    assert [r.getMessage() for r in hung] == [
        f"{format_device_id(b.actor.device_id)} hung up while sending hello; nothing was done."
    ]
    assert hung[0].levelno in (logging.INFO, logging.WARNING)
    assert all(r.exc_info is None for r in mine), [r.getMessage() for r in mine if r.exc_info]
    assert all(r.levelno < logging.ERROR for r in mine), [r.getMessage() for r in mine]
    assert not [r for r in mine if "internal error" in r.getMessage()]
