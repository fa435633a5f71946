"""``veld serve`` under pressure: flooded by a paired peer, or finding its profile's write lock taken by
another process (issue 15, item 3).

SIGTERM must end a flooded server (exit 0, no traceback) without waiting for the calls in flight and
leave the profile free for the next writer; a call that cannot have the write lock in its time is
answered "busy" instead of holding its caller. Real processes and loopback TLS; the waits are
generous bounds that only fail when something hangs.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time

import httpx
import pytest
from prochelpers import holding_the_write_lock, profile_env, serving
from synchelpers import devices

from veldclient.services import clients, sync_service
from veldclient.sync import limits, peers, tls, wire
from veldclient.sync.report import SyncFailed

pytestmark = pytest.mark.slow

HANG = 20.0  # seconds a stopping server may take before this test calls it hung


def _flood(client_ctx, address: str, ids: int, stop: threading.Event, sent: threading.Event) -> None:
    """Manifests listing ``ids`` made-up ids, one after another, until ``stop`` (or the server goes)."""
    have = [[f"case:made-up-{i:08d}", b"\0" * 8] for i in range(ids)]
    try:
        with httpx.Client(verify=client_ctx, base_url=f"https://{address}", timeout=120) as http:
            hello = wire.decode(http.post("/v1/hello", content=wire.encode({"proto": 1})).content)
            seq = 0
            while not stop.is_set():
                seq += 1
                body = {"session": hello["session"], "seq": seq, "since": 0, "have": have}
                sent.set()
                http.post("/v1/manifest", content=wire.encode(body))
    except httpx.HTTPError:
        return  # the server stopped: what this test waits for


def test_serve_stops_promptly_on_sigterm_while_a_peer_floods_it() -> None:
    with devices(("x", "enschede-centrum", "nurse"), ("y", "enschede-centrum", "nurse")) as (x, y):
        x.close()
        proc = subprocess.Popen(
            [sys.executable, "-m", "veldclient", "serve", "--profile", "x", "--port", "0"],
            env=profile_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        stop = threading.Event()
        floods: list[threading.Thread] = []
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            assert "Listening on" in line, proc.stderr.read() if proc.stderr else line
            address = line.split()[2]
            peer = peers.find(y.db, "x")
            ctx = tls.client_context(y.profile.dir, y.key_password, peer.cert_pem)
            started = [threading.Event() for _ in range(4)]
            for ids, sent in zip((100_000, 10_000, 10_000, 10_000), started, strict=True):
                flood = threading.Thread(target=_flood, args=(ctx, address, ids, stop, sent), daemon=True)
                flood.start()
                floods.append(flood)
            assert all(sent.wait(HANG) for sent in started)
            time.sleep(2.0)  # the calls reach the server and it gets to work on them (not a measurement)
            proc.send_signal(signal.SIGTERM)
            try:
                _, err = proc.communicate(timeout=HANG)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()
                pytest.fail("veld serve did not stop on SIGTERM while flooded")
        finally:
            stop.set()
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        assert proc.returncode == 0, err
        assert "Traceback" not in err, err
        for flood in floods:
            flood.join(HANG)

        # Nothing holds the profile any more: a writer does not wait.
        done = subprocess.run(
            [sys.executable, "-m", "veldclient", "--profile", "x", "audit", "log", "--limit", "1"],
            env=profile_env(VELD_LOCK_WAIT_S="5"),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert "waiting for another veld process" not in done.stderr


def test_a_call_that_cannot_have_the_write_lock_in_its_time_is_answered_busy(monkeypatch) -> None:
    """The server would wait VELD_LOCK_WAIT_S (120 s) for another process's write lock; a call waits
    at most its own time (limits.CALL_TIME_S) and answers 503, and the client says "busy"."""
    monkeypatch.setattr(limits, "BUSY_WAITS_S", ())  # one try: the server's answer is what is tested
    with devices(("x", "enschede-centrum", "nurse"), ("y", "enschede-centrum", "nurse")) as (x, y):
        client = clients.register_client(
            x, {"name": "Gerda Nijhuis", "birth_date": "1936-04-02", "postcode": "7512 KZ"}
        )
        x.close()
        with serving("x") as address:
            with holding_the_write_lock("x"), pytest.raises(SyncFailed) as busy:
                sync_service.sync_peer(y, "x", address=address)
            assert busy.value.message("en") == "x is busy; nothing is lost, try again in a moment."
            report = sync_service.sync_peer(y, "x", address=address)  # the lock is free again
        assert report.fetched >= 1
        assert clients.get_client(y, client.id).name == "Gerda Nijhuis"
