"""Pairing and sync as an admin does it: two profiles, identity files, `veld serve`, `veld sync`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def _serve(veld, profile: str, *extra: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "veldclient", "--profile", profile, "serve", "--port", "0", *extra],
        env=veld.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = proc.stdout.readline() if proc.stdout else ""
    assert "Listening on 127.0.0.1:" in line, line + (proc.stderr.read() if proc.stderr else "")
    return proc, line.split("Listening on ", 1)[1].split(" ", 1)[0]


def test_pair_serve_sync_and_status(veld, tmp_path: Path):
    veld("init", "--node", "hengelo", "--role", "admin", "--profile", "hub")
    veld("init", "--node", "hengelo", "--role", "admin", "--profile", "lap")
    veld("--profile", "hub", "identity", "--export", str(tmp_path / "hub.json"))
    veld("--profile", "lap", "identity", "--export", str(tmp_path / "lap.json"))
    added = veld("--profile", "hub", "peers", "add", str(tmp_path / "lap.json"), "--name", "laptop").stdout
    assert "Paired: laptop (hengelo)" in added and "Compare this id" in added
    veld("--profile", "lap", "peers", "add", str(tmp_path / "hub.json"), "--name", "hub")

    proc, address = _serve(veld, "hub")
    try:
        veld("--profile", "lap", "peers", "address", "hub", address)
        out = json.loads(veld("--profile", "lap", "sync", "hub", "--json").stdout)
        assert out["peer"] == "hub" and not out["refused"]
        text = veld("--profile", "lap", "sync", "hub").stdout
        assert text.startswith("hub: 0 fetched, 0 sent")
    finally:
        proc.terminate()
        proc.wait(10)
    assert proc.returncode == 0

    status = json.loads(veld("--profile", "lap", "status", "--json").stdout)
    [hub] = status["peers"]
    assert hub["name"] == "hub" and hub["waiting"] == 0 and hub["last_contact"] is not None
    listed = json.loads(veld("--profile", "hub", "peers", "list", "--json").stdout)
    assert [p["name"] for p in listed] == ["laptop"]


def test_a_peer_serving_with_announce_is_found_on_the_lan_and_its_address_stored(
    veld, tmp_path: Path, loopback_mdns
):
    veld("init", "--node", "hengelo", "--role", "admin", "--profile", "hub")
    veld("init", "--node", "hengelo", "--role", "admin", "--profile", "lap")
    veld("--profile", "hub", "identity", "--export", str(tmp_path / "hub.json"))
    veld("--profile", "lap", "identity", "--export", str(tmp_path / "lap.json"))
    veld("--profile", "hub", "peers", "add", str(tmp_path / "lap.json"), "--name", "laptop")
    veld("--profile", "lap", "peers", "add", str(tmp_path / "hub.json"), "--name", "hub")
    nothing = veld("--profile", "lap", "peers", "discover", "--interface", "127.0.0.1", "--timeout", "0.5")
    assert nothing.stdout.strip() == "No paired peers found on the local network."
    proc, address = _serve(veld, "hub", "--announce", "--interface", "127.0.0.1")
    try:
        found = veld("--profile", "lap", "peers", "discover", "--interface", "127.0.0.1", "--timeout", "20",
                     "--update").stdout  # fmt: skip
        assert found.split()[:3] == ["hub", "hengelo", address] and "address stored" in found
        out = json.loads(veld("--profile", "lap", "sync", "hub", "--json").stdout)  # at the address found
        assert out["peer"] == "hub" and not out["refused"]
    finally:
        proc.terminate()
        proc.wait(10)
    assert proc.returncode == 0


def test_sync_failures_are_one_line_with_exit_2(veld, tmp_path: Path):
    veld("init", "--node", "hengelo", "--role", "admin", "--profile", "lap")
    veld("init", "--node", "almelo", "--role", "admin", "--profile", "other")
    veld("--profile", "other", "identity", "--export", str(tmp_path / "other.json"))
    veld("--profile", "lap", "peers", "add", str(tmp_path / "other.json"), "--name", "almelo")
    down = veld("--profile", "lap", "sync", "almelo", "--address", "127.0.0.1:1", check=False)
    assert down.returncode == 2
    assert down.stderr.strip() == (
        "veld: almelo cannot be reached at 127.0.0.1:1: nothing is listening there (is veld serve running?)."
    )
    unknown = veld("--profile", "lap", "sync", "nobody", check=False)
    assert unknown.returncode == 2 and len(unknown.stderr.strip().splitlines()) == 1
    proc, address = _serve(veld, "other")  # 'other' never paired 'lap'
    try:
        refused = veld("--profile", "lap", "sync", "almelo", "--address", address, check=False)
    finally:
        proc.terminate()
        proc.wait(10)
    assert refused.returncode == 2
    assert "refuses the connection" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1


def test_pairing_refuses_bad_files_and_non_admins(veld, tmp_path: Path):
    veld("init", "--node", "hengelo", "--role", "nurse", "--profile", "n")
    veld("init", "--node", "hengelo", "--role", "admin", "--profile", "adm")
    veld("--profile", "n", "identity", "--export", str(tmp_path / "n.json"))
    nurse = veld("--profile", "n", "peers", "add", str(tmp_path / "n.json"), "--name", "x", check=False)
    assert nurse.returncode == 2 and "may not" in nurse.stderr
    body = json.loads((tmp_path / "n.json").read_text())
    body["device_id"] = "0" * 64
    (tmp_path / "forged.json").write_text(json.dumps(body))
    forged = veld(
        "--profile", "adm", "peers", "add", str(tmp_path / "forged.json"), "--name", "x", check=False
    )
    assert forged.returncode == 2 and "does not match its certificate" in forged.stderr
    (tmp_path / "junk.json").write_text("not json")
    junk = veld("--profile", "adm", "peers", "add", str(tmp_path / "junk.json"), "--name", "x", check=False)
    assert junk.returncode == 2 and "not a veldclient identity file" in junk.stderr
    self_pair = veld(
        "--profile",
        "adm",
        "peers",
        "add",
        str(tmp_path / "n.json"),
        "--name",
        "n",
        "--address",
        "nohost",
        check=False,
    )
    assert self_pair.returncode == 2 and "host:port" in self_pair.stderr
