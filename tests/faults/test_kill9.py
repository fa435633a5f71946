"""kill -9 of a writing process at random moments: the database opens, passes integrity checks, and
holds every commit that was acknowledged (printed after its transaction committed)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

from testenv import PASSPHRASE, make_session

from veldclient import audit
from veldclient.db import integrity_check
from veldclient.services.session import open_session

CYCLES = 25
WRITER = Path(__file__).with_name("writer.py")


def test_kill_minus_nine_loses_no_acknowledged_commit(isolated_env):
    make_session("crash").close()
    rng = random.Random(20261122)
    acknowledged: list[str] = []
    env = {**os.environ}
    for _cycle in range(CYCLES):
        proc = subprocess.Popen(
            [sys.executable, str(WRITER), "crash", PASSPHRASE], stdout=subprocess.PIPE, text=True, env=env
        )
        assert proc.stdout is not None
        # kill after a random number of acknowledged commits, then a random number of bytes into
        # the next line's wait: the kill lands somewhere inside the following transaction
        for _ in range(rng.randint(1, 12)):
            line = proc.stdout.readline()
            assert line, "writer died on its own"
            acknowledged.append(line.strip())
        for _ in range(rng.randint(0, 2000)):
            pass
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        rest = proc.stdout.read()
        acknowledged += [x for x in rest.split() if len(x) == 32]

    session = open_session("crash", passphrase=PASSPHRASE)
    try:
        assert integrity_check(session.db) == []
        stored = {r[0] for r in session.db.execute("SELECT id FROM clients")}
        assert set(acknowledged) <= stored
        for client_id in acknowledged:
            session.repo.read(f"case:{client_id}")
        assert audit.verify(session.db).ok
        assert session.repo.store.verify_all() == []
    finally:
        session.close()
