"""Nothing runs on after its parent is killed: `veld bundle import` of a bundle large enough for
worker processes (prepare.py), killed with SIGKILL or SIGTERM while its workers run, leaves no
process behind. The import runs in a session of its own, so every process it started (workers,
multiprocessing's resource tracker) is found in /proc by its session id."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from synchelpers import pair_peers
from testenv import FROZEN_NOW_MS, PASSPHRASE, make_session

from veldclient.fixtures import generator
from veldclient.services import bundles
from veldclient.services import demo as demo_service

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")

WAIT_S = 15  # polling bound for processes to appear or end; not a timing assertion


@pytest.fixture(scope="module")
def large_bundle(tmp_path_factory):
    """3,000 documents (over prepare.PARALLEL_FROM: worker processes) from one laptop of hengelo
    to another."""
    home = tmp_path_factory.mktemp("orphans-home")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("VELD_HOME", str(home))
        env.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
        env.setenv("VELD_KDF_MEMORY_KIB", "8192")
        env.setitem(
            generator.SIZES,
            "orphans",
            generator.SizeSpec(clients=1500, volunteers=1500, mantelzorgers=0, help_requests=0, placements=0),
        )
        sender = make_session("src", node="hengelo")
        receiver = make_session("dst", node="hengelo")
        demo_service.load_records(
            sender, generator.generate("hengelo", "orphans", seed=1, now_ms=FROZEN_NOW_MS)
        )
        pair_peers(sender, receiver)
        path = bundles.export_bundle(sender, ["dst"], home / "stick").path
        sender.close()
        receiver.close()
    assert bundles.bundle.read_header(path).cipher_len >= bundles.WARM_FROM_BYTES
    return home, path


def session_processes(sid: int) -> dict[int, tuple[str, str]]:
    """pid -> (state, command line) of every live process in session ``sid`` but its leader."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == sid:
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue  # ended while we looked
        fields = stat[stat.rindex(")") + 2 :].split()
        state, session = fields[0], int(fields[3])
        if session == sid and state not in ("Z", "X"):  # a zombie runs nothing; its reaper collects it
            found[int(entry)] = (state, cmdline)
    return found


def workers(sid: int) -> list[int]:
    return [pid for pid, (_, cmd) in session_processes(sid).items() if "spawn_main" in cmd]


def cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime


def poll(until, what: str):
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        value = until()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"not within {WAIT_S} s: {what}")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_killing_an_import_leaves_no_worker_behind(large_bundle, tmp_path, sig):
    home, path = large_bundle
    log = (tmp_path / "out.log").open("wb")  # not a pipe: an orphan holding it open must not hang us
    proc = subprocess.Popen(
        [sys.executable, "-m", "veldclient", "--profile", "dst", "bundle", "import", str(path)],
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=log,
        start_new_session=True,
        env={
            **os.environ,
            "VELD_HOME": str(home),
            "VELD_PASSPHRASE": PASSPHRASE,
            "VELD_KDF_MEMORY_KIB": "8192",
            "VELD_NOW": str(FROZEN_NOW_MS),
        },
    )
    started = set()
    try:
        pids = poll(lambda: (w := workers(proc.pid)) and len(w) >= 2 and w, "two worker processes start")
        started.update(pids)
        # past start-up (~0.3 s of imports each): the workers are preparing documents
        busy = poll(lambda: sum(cpu_ticks(p) for p in pids) >= 60 or proc.poll() is not None, "work")
        assert busy and proc.poll() is None, "the import ended before it could be killed"
        started.update(session_processes(proc.pid))
        os.kill(proc.pid, sig)
        assert proc.wait(WAIT_S) == -sig
        poll(lambda: not session_processes(proc.pid) or None, "every process of the import ends")
    finally:
        log.close()
        for pid in started & set(session_processes(proc.pid)):  # only if the test failed
            os.kill(pid, signal.SIGKILL)
