"""Two `veld` processes on one profile at once: imports, syncs, an import during a sync. One waits for
the other; neither ends with a traceback or "database is locked", and nothing is lost."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from prochelpers import serving
from synchelpers import pair_peers
from testenv import PASSPHRASE

from veldclient.services import clients
from veldclient.services.session import open_session
from veldclient.sync import peers as sync_peers

pytestmark = pytest.mark.slow
CLIENTS = 150


def _start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "veldclient", *args],
        env={**os.environ, "VELD_PASSPHRASE": PASSPHRASE},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )


def _run(*args: str) -> str:
    proc = _start(*args)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    return out


def _all_finish_cleanly(procs: list[subprocess.Popen[str]]) -> None:
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
        assert "Traceback" not in err and "locked" not in err, err


@pytest.fixture
def laptops() -> None:
    """Profiles a and b of one node, paired; a holds a few hundred documents."""
    for name in ("a", "b"):
        _run("--profile", name, "init", "--node", "hengelo", "--role", "nurse", "--no-keyring")
    a, b = open_session("a", passphrase=PASSPHRASE), open_session("b", passphrase=PASSPHRASE)
    try:
        pair_peers(a, b)
        for i in range(CLIENTS):
            clients.register_client(
                a, {"name": f"Client {i:03d}", "birth_date": "1936-04-02", "postcode": "7555 DL"}
            )
    finally:
        a.close()
        b.close()


def _client_count(profile: str) -> int:
    return int(json.loads(_run("--profile", profile, "status", "--json"))["counts"]["clients"])


def test_two_imports_of_one_stick_at_once(laptops, tmp_path) -> None:
    stick = tmp_path / "stick"
    _run("--profile", "a", "bundle", "export", "--to", "b", "--out", str(stick))
    _all_finish_cleanly([_start("--profile", "b", "bundle", "import", str(stick)) for _ in range(2)])
    assert _client_count("b") == CLIENTS


def test_two_syncs_and_an_import_at_once(laptops, tmp_path) -> None:
    stick = tmp_path / "stick"
    _run("--profile", "a", "bundle", "export", "--to", "b", "--out", str(stick))
    with serving("a") as address:
        b = open_session("b", passphrase=PASSPHRASE)
        try:
            with b.transaction():  # an admin's step; b is a nurse's laptop
                sync_peers.set_address(b.db, "a", address)
        finally:
            b.close()
        _all_finish_cleanly(
            [
                _start("--profile", "b", "sync", "a"),
                _start("--profile", "b", "sync", "a"),
                _start("--profile", "b", "bundle", "import", str(stick)),
            ]
        )
        final = json.loads(_run("--profile", "b", "sync", "a", "--json"))
    assert not final["unconverged"] and not final["refused"], final
    assert _client_count("b") == CLIENTS
