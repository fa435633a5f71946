"""`veld` and `veld demo` open the app in a real process (Textual's headless driver, keys from
TEXTUAL_PRESS): a clean quit exits 0; an app that crashes exits non-zero and says so, so a script
or a supervisor never takes a crash for success."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEADLESS = "textual.drivers.headless_driver:HeadlessDriver"
# An unexpected error while the dashboard is being built: stands in for any bug in the app.
CRASHING_DASHBOARD = """
from veldclient.screens import dashboard

def compose(self):
    raise RuntimeError("injected failure")
    yield

dashboard.DashboardScreen.compose = compose
"""

ENTRY_POINTS = {"veld demo": ["demo"], "veld": ["--profile", "demo"]}


def run_veld_app(veld, args: list[str], *, press: str, prelude: str = "") -> subprocess.CompletedProcess[str]:
    """`veld ARGS` as its console script runs it, after ``prelude``, with the headless driver."""
    code = f"{prelude}\nfrom veldclient.cli import main\nmain({args!r}, prog_name='veld')\n"
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**veld.env, "VELD_PASSPHRASE": "demo", "TEXTUAL_DRIVER": HEADLESS, "TEXTUAL_PRESS": press},
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def demo_profile(veld) -> None:
    veld("demo", "--no-tui", VELD_PASSPHRASE="demo")


@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
def test_palette_opens_closes_and_quit_exits_0(veld, demo_profile, entry):
    done = run_veld_app(veld, ENTRY_POINTS[entry], press="ctrl+p,escape,f10")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr and "Error" not in done.stderr


@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
def test_a_crashed_app_exits_non_zero_and_says_so(veld, demo_profile, entry):
    done = run_veld_app(veld, ENTRY_POINTS[entry], press="", prelude=CRASHING_DASHBOARD)
    assert done.returncode not in (0, None)
    assert "injected failure" in done.stdout + done.stderr  # Textual's report of the error
    assert "unexpected error" in done.stderr.splitlines()[-1]
