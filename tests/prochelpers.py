"""Other `veld` processes on a test's profile, as a node machine has them: a server, a second
writer, a process that holds the write lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
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


def in_other_process(profile: str, code: str) -> None:
    """Run ``code`` with ``session`` open on ``profile`` in a separate interpreter, then close it."""
    script = (
        "from veldclient.services.session import open_session\n"
        "from veldclient.services import clients, capacity\n"
        f"session = open_session({profile!r}, passphrase={PASSPHRASE!r})\n"
        "try:\n" + textwrap.indent(textwrap.dedent(code), "    ") + "\nfinally:\n    session.close()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=profile_env(), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr


@contextmanager
def holding_the_write_lock(profile: str, passphrase: str = PASSPHRASE) -> Iterator[subprocess.Popen[str]]:
    """Another process inside a write transaction on ``profile`` until this block ends."""
    script = (
        "import sys\n"
        "from veldclient.services.session import open_session\n"
        f"session = open_session({profile!r}, passphrase={passphrase!r})\n"
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


def start_veld(*args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "veldclient", *args],
        env=profile_env(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )
