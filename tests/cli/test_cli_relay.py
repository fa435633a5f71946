"""`veld relay` as a user runs it: config, serve, add, push, pull, status, in separate processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

from relayhelpers import free_port, needs_server
from testenv import PASSPHRASE

from veldclient.services import clients
from veldclient.services.session import open_session
from veldclient.sync.peers import all_peers

pytestmark = needs_server


def test_config_serve_push_pull_status(veld, tmp_path):
    from synchelpers import pair_peers

    veld("--profile", "a", "init", "--node", "hengelo", "--role", "nurse", "--no-keyring")
    veld("--profile", "b", "init", "--node", "almelo", "--role", "nurse", "--no-keyring")
    a, b = open_session("a", passphrase=PASSPHRASE), open_session("b", passphrase=PASSPHRASE)
    try:
        pair_peers(a, b)
        clients.register_client(
            a, {"name": "Gerda Nijhuis", "birth_date": "1936-04-02", "postcode": "7555 DL"}
        )
        assert len(all_peers(a.db)) == 1
    finally:
        a.close()
        b.close()

    # without a relay: one clear line, exit 2, and nothing reached for
    none = veld("--profile", "a", "relay", "push", check=False)
    assert none.returncode == 2 and "No relay is configured" in none.stderr
    assert "No relay configured" in veld("--profile", "a", "relay", "status").stdout

    port = free_port()
    folder = tmp_path / "hub"
    written = json.loads(
        veld(
            "--profile", "a", "relay", "config", "--out", str(folder), "--no-leaf",
            "--listen", f"127.0.0.1:{port}", "--json",
        ).stdout
    )  # fmt: skip
    assert written["devices"] == 2 and written["nodes"] == ["almelo", "hengelo"]
    url = f"tls://127.0.0.1:{port}"
    for p in ("a", "b"):
        veld("--profile", p, "relay", "add", url, "--server-cert", str(folder / "hub-cert.pem"))

    # the relay configured but not running: push fails fast with one line, status says so
    down = veld("--profile", "a", "relay", "push", check=False)
    assert down.returncode == 2 and "is not reachable" in down.stderr and len(down.stderr.splitlines()) == 1
    assert "Last reached: never" in veld("--profile", "a", "relay", "status").stdout

    server = subprocess.Popen(
        [sys.executable, "-m", "veldclient", "relay", "serve", "--config", str(folder)],
        env=veld.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert "listening on" in (server.stdout.readline() if server.stdout else "")
        pushed = veld("--profile", "a", "relay", "push").stdout
        assert "almelo: sent, 1 document" in pushed
        assert "left at the relay" in veld("--profile", "a", "relay", "status").stdout
        pulled = veld("--profile", "b", "relay", "pull").stdout
        assert "a (hengelo) sequence 1: 1 document" in pulled and "Receipt acknowledged to: a" in pulled
        back = veld("--profile", "a", "relay", "pull").stdout
        assert "b (almelo): acknowledgement for 1 document" in back
        status = json.loads(veld("--profile", "a", "relay", "status", "--json").stdout)
        assert status["last_reached"] is not None and [p["state"] for p in status["peers"]] == ["delivered"]
        nl = veld("--profile", "a", "relay", "push", VELD_LANG="nl").stdout
        assert "almelo: heeft alles al" in nl
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        out, _ = server.communicate(timeout=20)
    assert server.returncode == 0 and "Relay stopped." in out
