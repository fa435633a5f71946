"""One profile, several processes: a node machine serves (``veld serve``) while an admin edits the same
profile from another process. Every change committed by any process must be what the next sync sends,
and no process may write a document from a copy older than the database.

Real processes throughout: the server is ``veld serve``, the second writer is its own interpreter; the
laptop that syncs is this test's process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from prochelpers import holding_the_write_lock, serving
from synchelpers import devices
from testenv import PASSPHRASE

from veldclient.services import capacity, clients, doctor, status, sync_service

pytestmark = pytest.mark.slow


def _env() -> dict[str, str]:
    return {**os.environ, "VELD_PASSPHRASE": PASSPHRASE}


def in_other_process(profile: str, code: str) -> None:
    """Run ``code`` with ``session`` open on ``profile`` in a separate interpreter, then close it."""
    script = (
        "from veldclient.services.session import open_session\n"
        "from veldclient.services import clients, capacity\n"
        f"session = open_session({profile!r}, passphrase={PASSPHRASE!r})\n"
        "try:\n" + textwrap.indent(textwrap.dedent(code), "    ") + "\nfinally:\n    session.close()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=_env(), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr


def test_an_edit_made_by_another_process_while_serving_reaches_the_peer_and_survives() -> None:
    with devices(("x", "enschede-centrum", "nurse"), ("y", "enschede-centrum", "nurse")) as (x, y):
        client = clients.register_client(
            x, {"name": "Gerda Nijhuis", "birth_date": "1936-04-02", "postcode": "7512 KZ"}
        )
        x.close()  # from here on, X is only ever touched by other processes
        with serving("x") as address:
            sync_service.sync_peer(y, "x", address=address)
            clients.update_client(y, client.id, {"postcode": "7511 AA"})
            sync_service.sync_peer(y, "x", address=address)  # the server now holds the case in memory

            in_other_process(
                "x", f"clients.update_client(session, {client.id!r}, {{'name': 'Gerda Kuipers'}})"
            )
            for round_no in range(8):  # enough increments for the server to compact the document
                clients.update_client(y, client.id, {"address": f"Laanstraat {round_no}"})
                sync_service.sync_peer(y, "x", address=address)

        assert clients.get_client(y, client.id).name == "Gerda Kuipers"
        assert clients.get_client(y, client.id).address == "Laanstraat 7"
        from veldclient.services.session import open_session

        x2 = open_session("x", passphrase=PASSPHRASE)
        try:
            assert clients.get_client(x2, client.id).name == "Gerda Kuipers"
            assert clients.get_client(x2, client.id).address == "Laanstraat 7"
            report = doctor.check(x2)
            assert report.ok, report
        finally:
            x2.close()


def test_a_node_document_changed_by_another_process_is_offered_as_it_is_now() -> None:
    with devices(("x", "enschede-centrum", "nurse"), ("y", "enschede-centrum", "nurse")) as (x, y):
        location = next(iter(x.repo.read("node:enschede-centrum")["locations"]))
        x.close()
        with serving("x") as address:
            sync_service.sync_peer(y, "x", address=address)
            in_other_process(
                "x",
                f"capacity.update_capacity(session, {location!r}, 'ELV_HOOG',"
                " {'beds_total': 9, 'counts': {'FREE': 4, 'OCCUPIED': 5}, 'capabilities': []})",
            )
            report = sync_service.sync_peer(y, "x", address=address)
            assert not report.unconverged, report
            again = sync_service.sync_peer(y, "x", address=address)
            assert not again.unconverged and not again.moved, again

        rows = capacity.capacity(y, node_id="enschede-centrum", care_type="ELV_HOOG")
        assert any(r.beds_total == 9 and r.free == 4 for r in rows), rows
        assert status.status(y).peers[0]["waiting"] == 0


def _veld(*args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "veldclient", *args],
        env={**_env(), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )


def test_a_writer_waits_for_another_process_and_says_so() -> None:
    with devices(("x", "enschede-centrum", "nurse")):
        pass
    with holding_the_write_lock("x"):
        waiting = _veld("--profile", "x", "audit", "log", "--limit", "1")  # reading the log is logged
        assert waiting.stderr is not None
        assert waiting.stderr.readline().strip() == "veld: waiting for another veld process…"
        assert waiting.poll() is None  # still waiting, not failed
    out, err = waiting.communicate(timeout=60)
    assert waiting.returncode == 0, err
    assert "Traceback" not in err


def test_a_writer_that_waits_too_long_gives_up_in_one_line_and_writes_nothing() -> None:
    with devices(("x", "enschede-centrum", "nurse")):
        pass
    with holding_the_write_lock("x"):
        given_up = _veld("--profile", "x", "audit", "log", "--limit", "1", VELD_LOCK_WAIT_S="1")
        out, err = given_up.communicate(timeout=60)
    assert given_up.returncode == 2
    assert err.splitlines() == [
        "veld: waiting for another veld process…",
        "veld: Another veld process has been writing to this profile for 1 s; nothing was saved."
        " Try again once it has finished.",
    ]
