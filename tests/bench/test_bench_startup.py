"""Issue #4: cold start of `veld` to an interactive dashboard on the large demo (10,000 cases).

Targets: a median of at most 1.5 s, and at most 2x the start of a minimal Textual app measured in the
same run.

What is measured, from spawning a fresh process (interpreter start-up and every import included):

(a) **interactive** — the dashboard screen is mounted, has been painted, and takes keys. Its numbers
    may still be on the way: the profile is unlocked (real Argon2id, 64 MiB) and SQLCipher opened in
    the background while the app starts (screens/unlock.py). This is what the targets are about; the
    dashboard posts ``DashboardScreen.Shown`` after its first paint.
(b) **data** — the dashboard's numbers have been painted (``DashboardScreen.Loaded``): unlock, open,
    the dashboard's service call in a worker, and the repaint. Reported, and held to the 1.5 s too.

The floor is a minimal Textual app, timed the same way: from spawning it until it has painted its
first screen (a callback after its first refresh). Each probe prints a line when it gets there and a
reader thread notes the time the line arrives; process exit is not part of either figure (it is
reported). Both probes start from bytecode, as an installed app does: the test environment sets
PYTHONDONTWRITEBYTECODE, so the probes get a private PYTHONPYCACHEPREFIX instead, and one warm-up
start writes it. The veld probe is `veld`'s own path (``cli.start_unlock``, then ``VeldApp``) run
headless.

    .venv/bin/pytest tests/bench/test_bench_startup.py -o addopts="" --benchmark-only -s
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROUNDS = 7
TARGET_S = 1.5
MAX_RATIO = 2.0
TIMEOUT_S = 60

VELD_PROBE = """
import os
import sys
from pathlib import Path

from veldclient.cli import start_unlock

opening = start_unlock(sys.argv[1])  # as `veld` does: the unlock runs while Textual is imported

from veldclient.screens import app as appmod


def say(what: str) -> None:
    os.write(1, what.encode() + b"\\n")  # not sys.stdout: Textual captures that while it runs


class Probe(appmod.VeldApp):
    CSS_PATH = str(Path(appmod.__file__).with_name("app.tcss"))  # relative paths follow the subclass

    def on_mount(self) -> None:  # Textual runs VeldApp.on_mount as well (handlers follow the MRO)
        self.set_timer(30, lambda: self.exit(return_code=3))  # never hang the benchmark

    def on_dashboard_screen_shown(self) -> None:
        say("interactive")

    def on_dashboard_screen_loaded(self) -> None:
        say("data")
        self.exit()


app = Probe(opening)
try:
    app.run(headless=True)
finally:
    opening.close()
sys.exit(app.return_code or 0)
"""

MINIMAL_PROBE = """
import os

from textual.app import App


class Minimal(App[None]):
    def on_mount(self) -> None:
        self.call_after_refresh(self.painted)

    def painted(self) -> None:
        os.write(1, b"interactive\\n")
        self.exit()


Minimal().run(headless=True)
"""


class Start:
    """One probe process; a reader thread notes when each line it prints arrives."""

    def __init__(self, script: Path, env: dict[str, str], *args: str) -> None:
        # a file, not a pipe, so stderr can never block the probe; closed in finish()
        self.errors = tempfile.TemporaryFile()  # noqa: SIM115
        self.began = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, str(script), *args], env=env, stdout=subprocess.PIPE, stderr=self.errors
        )
        self.seen: dict[str, float] = {}
        self._arrived = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            at = time.perf_counter() - self.began
            with self._arrived:
                self.seen.setdefault(raw.decode().strip(), at)
                self._arrived.notify_all()
        with self._arrived:
            self.seen.setdefault("exit", time.perf_counter() - self.began)
            self._arrived.notify_all()

    def until(self, what: str) -> float:
        """Seconds from spawning to the line ``what`` (fails if the process ends without it)."""
        with self._arrived:
            self._arrived.wait_for(lambda: what in self.seen or "exit" in self.seen, TIMEOUT_S)
        if what not in self.seen:
            self.proc.kill()
            raise AssertionError(f"the probe never printed {what!r}:\n{self.stderr()}")
        return self.seen[what]

    def stderr(self) -> str:
        self.errors.seek(0)
        return self.errors.read().decode(errors="replace")[-3000:]

    def finish(self) -> float:
        """Wait for the process to end; check it ended well; seconds from spawning to its end."""
        self.proc.wait(TIMEOUT_S)
        self._reader.join()
        errors = self.stderr()
        self.errors.close()
        assert self.proc.returncode == 0, errors
        return self.seen["exit"]


def test_cold_start_to_dashboard(benchmark, large_profile, tmp_path):
    veld = tmp_path / "veld_probe.py"
    veld.write_text(VELD_PROBE, "utf-8")
    minimal = tmp_path / "minimal_probe.py"
    minimal.write_text(MINIMAL_PROBE, "utf-8")
    env = {**os.environ, "VELD_PASSPHRASE": "demo", "PYTHONPYCACHEPREFIX": str(tmp_path / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed app starts from bytecode
    env.pop("VELD_NOW", None)
    Start(minimal, env).finish()  # writes the bytecode and warms the OS file cache, like any second start
    Start(veld, env, large_profile).finish()

    floor = []
    for _ in range(ROUNDS):
        start = Start(minimal, env)
        floor.append(start.until("interactive"))
        start.finish()

    starts: list[Start] = []

    def finish_previous() -> None:  # between rounds, not timed
        if starts:
            starts[-1].finish()

    def to_interactive() -> None:  # timed: spawn until the dashboard has been painted and takes keys
        starts.append(Start(veld, env, large_profile))
        starts[-1].until("interactive")

    benchmark.pedantic(to_interactive, setup=finish_previous, rounds=ROUNDS, iterations=1)
    finish_previous()

    interactive = statistics.median(s.until("interactive") for s in starts)
    data = statistics.median(s.until("data") for s in starts)
    veld_exit = statistics.median(s.seen["exit"] for s in starts)
    floor_median = statistics.median(floor)
    ratio = interactive / floor_median
    benchmark.extra_info.update(
        minimal_median_s=floor_median,
        interactive_median_s=interactive,
        data_median_s=data,
        exit_median_s=veld_exit,
        ratio=ratio,
    )
    print(
        f"\ncold start (medians of {ROUNDS}): minimal Textual app painted {floor_median:.3f} s; veld"
        f" dashboard interactive {interactive:.3f} s (ratio {ratio:.2f}), data painted {data:.3f} s"
        f" (ratio {data / floor_median:.2f}), process exit {veld_exit:.3f} s"
    )
    assert interactive <= TARGET_S
    assert ratio <= MAX_RATIO
    assert data <= TARGET_S
