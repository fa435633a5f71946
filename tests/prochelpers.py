"""Real processes on a profile, for tests about several processes: ``veld serve`` on a free loopback
port, and another process holding the profile's write lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from testenv import PASSPHRASE


def profile_env(**extra: str) -> dict[str, str]:
    """This process's environment (data root, clock, …) plus the passphrase that unlocks profiles."""
    return {**os.environ, "VELD_PASSPHRASE": PASSPHRASE, **extra}


@contextmanager
def serving(profile: str) -> Iterator[str]:
    """``veld serve`` for ``profile`` on a free loopback port; yields its address."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "veldclient", "serve", "--profile", profile, "--port", "0"],
        env=profile_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert "Listening on" in line, proc.stderr.read() if proc.stderr else line
        yield line.split()[2]
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise


@contextmanager
def holding_the_write_lock(profile: str) -> Iterator[subprocess.Popen[str]]:
    """Another process inside a write transaction on ``profile`` until this block ends."""
    script = (
        "import sys\n"
        "from veldclient.services.session import open_session\n"
        f"session = open_session({profile!r}, passphrase={PASSPHRASE!r})\n"
        "with session.transaction():\n"
        "    session.audit('test.hold', 'R', 'database')\n"
        "    print('holding', flush=True)\n"
        "    sys.stdin.readline()\n"
        "session.close()\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script],
        env=profile_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "holding"
        yield proc
    finally:
        if proc.stdin is not None:
            proc.stdin.close()
        proc.wait(20)
