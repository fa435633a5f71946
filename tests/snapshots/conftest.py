"""Snapshot tests: plain ``def`` tests (snap_compare runs the app itself), fixed terminal size,
deterministic demo data, a fixed data root (paths show on screen), no blinking cursor, no animation."""

from __future__ import annotations

import fcntl
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

FIXED_HOME = Path("/tmp/veldclient-snapshots/home")


@pytest.fixture(autouse=True)
def isolated_env(isolated_env: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Same as the suite-wide fixture, but at a path that is the same on every machine and run.

    A lock serialises snapshot tests of concurrent pytest processes on one machine (they share the
    fixed path)."""
    FIXED_HOME.parent.mkdir(parents=True, exist_ok=True)
    with open(FIXED_HOME.parent / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        shutil.rmtree(FIXED_HOME, ignore_errors=True)
        monkeypatch.setenv("VELD_HOME", str(FIXED_HOME))
        yield FIXED_HOME


@pytest.fixture(autouse=True)
def no_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    from textual.widgets import Input

    monkeypatch.setattr(Input, "cursor_blink", False, raising=False)
