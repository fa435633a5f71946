"""Long commands show their steps on a terminal, and only there: with stderr on a pseudo-terminal
`veld demo` draws its steps (in the chosen language) on stderr; in a pipe, or with --json, stderr
carries nothing extra and stdout is what it always was."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
import threading

from bundlehelpers import GOOD, sites

from veldclient.services import clients


def with_terminal(veld, *args: str, **env: str) -> tuple[subprocess.CompletedProcess[str], str]:
    """Run `veld ARGS` with stderr on a pseudo-terminal (100x30); returns the run (stdout piped)
    and everything written to the terminal."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    seen: list[bytes] = []

    def read() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # the last writer closed the terminal
                return
            if not data:
                return
            seen.append(data)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "veldclient", *args],
            env={**veld.env, "TERM": "xterm-256color", **env},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=slave,
            text=True,
        )
        os.close(slave)
        out, _ = proc.communicate(timeout=120)
        reader.join(30)
    finally:
        os.close(master)
    result = subprocess.CompletedProcess(proc.args, proc.returncode, out, "")
    return result, b"".join(seen).decode("utf-8", "replace")


def test_the_demo_shows_its_steps_on_a_terminal_in_the_chosen_language(veld):
    done, terminal = with_terminal(veld, "demo", "--no-tui", VELD_LANG="nl", VELD_PASSPHRASE="demo")
    assert done.returncode == 0
    assert "[4/6] Dossiers opslaan" in terminal and "van" in terminal
    assert "Dossiers opslaan" not in done.stdout and "klaar in" in done.stdout


def test_the_demo_in_a_pipe_writes_nothing_on_stderr(veld):
    done = veld("demo", "--no-tui", VELD_PASSPHRASE="demo")
    assert done.stderr == ""
    assert "Storing records" not in done.stdout and "ready at" in done.stdout


def test_a_bundle_export_shows_progress_on_a_terminal_and_none_with_json(veld, tmp_path):
    sender, receiver = sites(("s", "hengelo", "nurse"), ("r", "hengelo", "nurse"))
    clients.register_client(sender, GOOD)
    sender.close()
    receiver.close()
    export = ("--profile", "s", "bundle", "export", "--to", "r")

    shown, terminal = with_terminal(veld, *export, "--out", str(tmp_path / "a"))
    assert shown.returncode == 0 and "Collecting documents" in terminal and "Bundle written" in shown.stdout

    quiet, terminal = with_terminal(veld, *export, "--out", str(tmp_path / "b"), "--json")
    assert quiet.returncode == 0 and terminal == ""
    assert quiet.stdout.startswith("{")


def test_the_first_sync_of_a_new_laptop_shows_documents_fetched_of_how_many(veld):
    hub, lap = sites(("hub", "hengelo", "nurse"), ("lap", "hengelo", "nurse"))
    for i in range(5):
        clients.register_client(hub, {**GOOD, "name": f"Client {i}"})
    hub.close()
    lap.close()
    server = subprocess.Popen(
        [sys.executable, "-m", "veldclient", "--profile", "hub", "serve", "--port", "0"],
        env=veld.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = server.stdout.readline() if server.stdout else ""
        assert "Listening on" in line, line
        sync = ("--profile", "lap", "sync", "hub", "--address", line.split()[2])
        synced, terminal = with_terminal(veld, *sync, VELD_LANG="nl")
        assert synced.returncode == 0 and "opgehaald" in synced.stdout
        assert "Documenten ophalen" in terminal and "van" in terminal
        as_json, terminal = with_terminal(veld, *sync, "--json")
        assert as_json.returncode == 0 and terminal == "" and as_json.stdout.startswith("{")
    finally:
        server.terminate()
        server.wait(20)
