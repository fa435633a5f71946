"""Ctrl+C in the middle of long work leaves nothing half written, and ends in one line with exit code
130: a demo half built is removed (or, killed outright, built anew by the next `veld demo`), an
export leaves no bundle file, an import and a rebuild store nothing. Each child holds one step
(interrupt_child.py) and is interrupted there, so the moment is the same on every run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from bundlehelpers import GOOD, sites, state
from prochelpers import profile_env
from testenv import make_session

from veldclient import locations
from veldclient.services import bundles, clients

CHILD = Path(__file__).with_name("interrupt_child.py")


def held(step: str, *args: str, **env: str) -> subprocess.Popen[str]:
    """``veld ARGS`` stopped at ``step``: returns once it got there."""
    proc = subprocess.Popen(
        [sys.executable, str(CHILD), step, *args],
        env=profile_env(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.strip() == "STOPPED":
            return proc
    proc.wait(30)
    raise AssertionError(f"never reached {step}: {proc.stderr.read() if proc.stderr else ''}")


def interrupted(proc: subprocess.Popen[str], sig: int = signal.SIGINT) -> str:
    """Send ``sig``; for Ctrl+C: exit 130 and one line on stderr, no traceback. Returns that line."""
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    if sig == signal.SIGKILL:
        return ""
    assert proc.returncode == 130, err
    assert "Traceback" not in err and err.count("\n") == 1 and err.startswith("veld: "), err
    return err.strip()


def veld(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "veldclient", *args],
        env=profile_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    return done


def test_ctrl_c_while_the_demo_is_built_leaves_no_demo_and_the_next_one_builds_it():
    proc = held("demo-records-stored", "demo", "--no-tui", VELD_LANG="nl")
    assert (locations.profile_dir("demo") / "veld.db").exists(), "the records are stored"
    line = interrupted(proc)
    assert "onderbroken" in line
    assert not locations.profile_dir("demo").exists()
    assert [p.name for p in locations.profiles_root().iterdir()] == []

    again = veld("demo", "--no-tui")
    assert "building the demo profile" in again.stdout and "kept" not in again.stdout
    status = json.loads(veld("--profile", "demo", "status", "--json").stdout)
    assert status["counts"]["clients"] == 200


def test_a_demo_killed_while_it_was_built_is_built_anew_not_kept():
    """Killed outright, the build cannot clean up: the next `veld demo` finds no finishing mark,
    says so and builds the demo anew, removing the stand-in profile the build had open."""
    proc = held("demo-stand-in", "demo", "--no-tui")
    interrupted(proc, signal.SIGKILL)
    assert locations.profile_dir("demo").exists() and locations.profile_dir("demo-hengelo").exists()

    again = veld("demo", "--no-tui")
    never, building = again.stdout.split("\n")[:2]
    assert "never finished" in never and "building the demo profile" in building
    assert "kept" not in again.stdout
    assert sorted(p.name for p in locations.profiles_root().iterdir()) == ["demo"]
    status = json.loads(veld("--profile", "demo", "status", "--json").stdout)
    assert status["counts"]["clients"] == 200


@pytest.fixture
def pair_of_laptops():
    sender, receiver = sites(("s", "hengelo", "nurse"), ("r", "hengelo", "nurse"))
    for i in range(3):
        clients.register_client(sender, {**GOOD, "name": f"Client {i}"})
    yield sender, receiver
    for s in (sender, receiver):
        s.close()


def test_ctrl_c_during_a_bundle_export_leaves_no_file(pair_of_laptops, tmp_path):
    sender, receiver = pair_of_laptops
    stick = tmp_path / "stick"
    before = state(sender)
    proc = held("export-writing", "--profile", "s", "bundle", "export", "--to", "r", "--out", str(stick))
    assert [p.suffix for p in stick.iterdir()] == [".part"], "the bundle was being written"
    assert "interrupted" in interrupted(proc)
    assert list(stick.iterdir()) == []
    sender.repo.store.invalidate()
    assert state(sender) == before, "no sequence number, ledger row or audit entry was committed"
    path = bundles.export_bundle(sender, ["r"], stick).path
    assert path.name.startswith("veld-hengelo-000001-")


def test_ctrl_c_during_a_bundle_import_stores_none_of_it(pair_of_laptops, tmp_path):
    sender, receiver = pair_of_laptops
    path = bundles.export_bundle(sender, ["r"], tmp_path / "stick").path
    before = state(receiver)
    interrupted(held("import-applied", "--profile", "r", "bundle", "import", str(path)))
    receiver.repo.store.invalidate()
    assert state(receiver) == before
    assert bundles.import_bundle(receiver, path).changed["case"] == 3, "all of it, once"


def test_ctrl_c_during_a_rebuild_leaves_the_tables_as_they_were(clock):
    session = make_session("rb", clock=clock)
    try:
        for i in range(3):
            clients.register_client(session, {**GOOD, "name": f"Client {i}"})
        rows = session.db.execute("SELECT id, name FROM clients ORDER BY id").fetchall()
        interrupted(held("rebuild-projecting", "--profile", "rb", "doctor", "--rebuild"))
        assert session.db.execute("SELECT id, name FROM clients ORDER BY id").fetchall() == rows
    finally:
        session.close()
    assert "disagree with their stored changes: 0" in veld("--profile", "rb", "doctor").stdout


WORKERS_THEN_WAIT = """
import time
from veldclient.store import prepare

pool = prepare._pool(2)
for done in [pool.submit(time.sleep, 0.5) for _ in range(2)]:
    done.result()  # both workers started and idle
try:  # READY inside: the signal the test sends once it reads READY always lands here
    print("READY", flush=True)
    time.sleep(600)
except KeyboardInterrupt:
    print("INTERRUPTED", flush=True)
"""


def test_ctrl_c_reaches_the_document_workers_too_and_they_leave_it_to_the_parent():
    """A terminal sends Ctrl+C to every process of the command: the workers of a large import or
    sync (store/prepare.py) ignore it, so no traceback of theirs lands on the screen."""
    proc = subprocess.Popen(
        [sys.executable, "-c", WORKERS_THEN_WAIT],
        env=profile_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        start_new_session=True,  # its own process group, as a command in a terminal has
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "READY"
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert out.strip() == "INTERRUPTED" and proc.returncode == 0, (proc.returncode, err)
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
