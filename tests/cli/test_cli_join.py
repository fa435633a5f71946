"""A nurse's laptop joins its node as she would do it: the admin writes an invitation on the node
machine (`veld peers invite`), `veld serve` runs there, and on the laptop, a separate profile in a
separate process, `veld join FILE` and `veld sync` over real loopback TLS. A used or expired
invitation is refused in the nurse's language, and leaves no profile behind."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from testenv import FROZEN_NOW_MS

DAY_MS = 24 * 3_600_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(veld, profile: str, port: int, **env: str) -> Iterator[None]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "veldclient", "--profile", profile, "serve", "--port", str(port)],
        env={**veld.env, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        assert f"Listening on 127.0.0.1:{port}" in line, line + (proc.stderr.read() if proc.stderr else "")
        yield
    finally:
        proc.terminate()
        proc.wait(10)


def node_machine(veld, tmp_path: Path, *, expires: str = "24h") -> tuple[Path, int, dict]:
    veld("init", "--node", "hengelo", "--role", "admin", "--profile", "hub")
    port = free_port()
    invitation = tmp_path / "uitnodiging.json"
    info = json.loads(
        veld("--profile", "hub", "peers", "invite", "--role", "nurse", "--expires", expires,
             "--out", str(invitation), "--address", f"127.0.0.1:{port}", "--json").stdout
    )  # fmt: skip
    return invitation, port, info


def test_a_nurse_joins_syncs_and_a_second_use_is_refused(veld, tmp_path: Path):
    invitation, port, info = node_machine(veld, tmp_path)
    hub_id = json.loads(veld("--profile", "hub", "identity", "--json").stdout)["display_id"]
    assert info["node_machine_display_id"] == hub_id and info["role"] == "nurse"

    # the node machine is not serving yet: the laptop is set up and introduces itself at its first sync
    joined = veld("--profile", "lap", "join", str(invitation))
    assert "not reached yet" in joined.stdout and "veld sync hengelo" in joined.stdout
    assert f"Node machine      : hengelo {hub_id}" in joined.stdout
    lap = json.loads(veld("--profile", "lap", "identity", "--json").stdout)
    assert (lap["node_id"], lap["role"]) == ("hengelo", "NURSE")
    assert f"This device       : {lap['display_id']}" in joined.stdout

    with serving(veld, "hub", port):
        out = json.loads(veld("--profile", "lap", "sync", "hengelo", "--json").stdout)
        assert out["peer"] == "hengelo" and not out["refused"]
        again = veld("--profile", "lap", "sync", "hengelo")
        assert again.stdout.startswith("hengelo: 0 fetched, 0 sent")

        reused = veld("--profile", "lap2", "join", str(invitation), check=False)
        assert reused.returncode == 2
        assert "This invitation has already been used" in reused.stderr
        in_dutch = veld("--profile", "lap3", "join", str(invitation), check=False, VELD_LANG="nl")
        assert in_dutch.returncode == 2 and "Deze uitnodiging is al gebruikt" in in_dutch.stderr
        for refused_profile in ("lap2", "lap3"):  # a refused join leaves no profile behind
            assert not (veld.home / "profiles" / refused_profile).exists()
        assert (veld.home / "profiles" / "lap").is_dir()

        [paired] = json.loads(veld("--profile", "hub", "peers", "list", "--json").stdout)
        assert paired["display_id"] == lap["display_id"] and paired["role"] == "NURSE"
        [used] = json.loads(veld("--profile", "hub", "peers", "invitations", "--json").stdout)
        assert used["state"] == "used" and used["used_by_display_id"] == lap["display_id"]

        veld("--profile", "hub", "peers", "revoke", paired["name"])
        refused = veld("--profile", "lap", "sync", "hengelo", check=False)
        assert refused.returncode == 2 and "refuses" in refused.stderr


def test_an_expired_invitation_is_refused_by_the_node_machine(veld, tmp_path: Path):
    invitation, port, _ = node_machine(veld, tmp_path, expires="24h")
    with serving(veld, "hub", port, VELD_NOW=str(FROZEN_NOW_MS + DAY_MS + 1)):
        expired = veld("--profile", "lap", "join", str(invitation), check=False)
    assert expired.returncode == 2 and "This invitation has expired" in expired.stderr
    assert veld("--profile", "lap", "status", check=False).returncode == 2, "no profile was left"
    [open_still] = json.loads(veld("--profile", "hub", "peers", "invitations", "--json").stdout)
    assert open_still["state"] == "open" and open_still["used_by"] is None  # on the hub's own frozen clock


def test_only_an_admin_invites_and_bad_input_is_one_line(veld, tmp_path: Path):
    veld("init", "--node", "hengelo", "--role", "nurse", "--profile", "nurse")
    out = str(tmp_path / "x.json")
    denied = veld("--profile", "nurse", "peers", "invite", "--role", "nurse", "--out", out, check=False)
    assert denied.returncode == 2 and "may not" in denied.stderr
    veld("init", "--node", "hengelo", "--role", "admin", "--profile", "hub")
    bad = veld("--profile", "hub", "peers", "invite", "--role", "nurse", "--expires", "forever",
               "--out", out, check=False)  # fmt: skip
    assert bad.returncode == 2 and "Expiry 'forever' is invalid" in bad.stderr
    assert not (tmp_path / "x.json").exists()
    junk = tmp_path / "junk.json"
    junk.write_text("{}")
    not_one = veld("--profile", "lap", "join", str(junk), check=False)
    assert not_one.returncode == 2 and "not a veldclient invitation file" in not_one.stderr


def test_the_invitation_names_where_this_machine_last_served_the_network(veld, tmp_path: Path):
    from testenv import PASSPHRASE

    from veldclient.services import serving as serving_address
    from veldclient.services.session import open_session
    from veldclient.sync import invitation_file

    veld("init", "--node", "hengelo", "--role", "admin", "--profile", "hub")
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    with serving(veld, "hub", free_port()):  # on loopback only: no address a laptop could use
        pass
    alone = veld("--profile", "hub", "peers", "invite", "--role", "nurse", "--out", str(first))
    assert "has not served the network yet" in alone.stdout
    assert invitation_file.read(first).address is None
    hub = open_session("hub", passphrase=PASSPHRASE)
    with hub.transaction():  # what `veld serve --host 0.0.0.0` records on a machine with a network
        serving_address.remember(hub, "192.168.1.20", 8765)
    hub.close()
    invite = ("--profile", "hub", "peers", "invite", "--role", "nurse", "--out", str(second))
    named = veld(*invite, VELD_LANG="nl")
    assert "Adres in de uitnodiging: 192.168.1.20:8765." in named.stdout
    assert invitation_file.read(second).address == "192.168.1.20:8765"


def test_an_address_that_worked_is_kept_for_the_next_sync(veld, tmp_path: Path):
    veld("init", "--node", "hengelo", "--role", "admin", "--profile", "hub")
    invitation = tmp_path / "uitnodiging.json"
    veld("--profile", "hub", "peers", "invite", "--role", "nurse", "--out", str(invitation))  # no address
    veld("--profile", "lap", "join", str(invitation))
    port = free_port()
    with serving(veld, "hub", port):
        unknown = veld("--profile", "lap", "sync", "hengelo", check=False)
        assert unknown.returncode == 2 and "--address" in unknown.stderr
        veld("--profile", "lap", "sync", "hengelo", "--address", f"127.0.0.1:{port}")
        again = veld("--profile", "lap", "sync", "hengelo")  # a nurse cannot set it otherwise
        assert again.stdout.startswith("hengelo: 0 fetched, 0 sent")
    [hub] = json.loads(veld("--profile", "lap", "peers", "list", "--json").stdout)
    assert hub["address"] == f"127.0.0.1:{port}"
